/*
 * The W&B run URL scanner (see wandb_scan.h): line splitting, ANSI
 * stripping and a strict parse of the URL's path. Pure code; any thread.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mlops/xmalloc.h>

#include "wandb_scan.h"

static const char *wandb_scan_find(
    const char *s, size_t len, const char *needle);
static size_t wandb_scan_strip(char *dst, const char *src, size_t len);
static bool   wandb_scan_seg_char(unsigned char c);
static size_t wandb_scan_url(
    const char *s, size_t len, size_t *host_off, size_t *host_len);

void
wandb_scan_init(struct wandb_scan *ws)
{
	ws->ws_len = 0;
}

/* The first `needle` in the `len` bytes of `s`, or NULL (memmem). */
static const char *
wandb_scan_find(const char *s, size_t len, const char *needle)
{
	size_t m = strlen(needle);

	for (const char *p = s; (size_t) (p - s) + m <= len; p++) {
		p = memchr(p, needle[0], len - (size_t) (p - s));
		if (p == NULL || (size_t) (p - s) + m > len) {
			return NULL;
		}
		if (memcmp(p, needle, m) == 0) {
			return p;
		}
	}
	return NULL;
}

/* Copies `src` without ANSI escape sequences (CSI, OSC, two-byte ESC). */
static size_t
wandb_scan_strip(char *dst, const char *src, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char c = (unsigned char) src[i];

		if (c != 0x1b) {
			dst[n++] = (char) c;
			i++;
			continue;
		}
		if (i + 1 >= len) {
			break;
		}
		if (src[i + 1] == '[') {
			/* CSI: parameters and intermediates, one final byte */
			for (i += 2; i < len; i++) {
				c = (unsigned char) src[i];
				if (c >= 0x40 && c <= 0x7e) {
					i++;
					break;
				}
			}
		} else if (src[i + 1] == ']') {
			/* OSC: up to BEL or ESC \ */
			for (i += 2; i < len; i++) {
				if (src[i] == '\a') {
					i++;
					break;
				}
				if (src[i] == 0x1b && i + 1 < len
				    && src[i + 1] == '\\') {
					i += 2;
					break;
				}
			}
		} else {
			i += 2;
		}
	}
	dst[n] = '\0';
	return n;
}

/* A character of an entity, project or run id in a URL path. */
static bool
wandb_scan_seg_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'
	    || c == '~' || c == '%' || c == '+';
}

/*
 * Parses a run URL at the start of `s`: returns the length of its
 * normalised form (scheme://host/entity/project/runs/id, a prefix of `s`)
 * and the host's position, or 0 when `s` is no run URL.
 */
static size_t
wandb_scan_url(const char *s, size_t len, size_t *host_off, size_t *host_len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t               i, h, seg;

	if (len >= 8 && strncasecmp(s, "https://", 8) == 0) {
		i = 8;
	} else if (len >= 7 && strncasecmp(s, "http://", 7) == 0) {
		i = 7;
	} else {
		return 0;
	}
	h = i;
	while (i < len
	    && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')
	        || (p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == '-'
	        || p[i] == ':')) {
		i++;
	}
	if (i == h) {
		return 0;
	}
	*host_off = h;
	*host_len = i - h;
	/* /entity/project/runs/id */
	for (seg = 0; seg < 4; seg++) {
		size_t start;

		if (i >= len || p[i] != '/') {
			return 0;
		}
		start = ++i;
		while (i < len && wandb_scan_seg_char(p[i])) {
			i++;
		}
		if (seg == 3) {
			/* a sentence's full stop is not part of the id */
			while (i > start && p[i - 1] == '.') {
				i--;
			}
		}
		if (i == start) {
			return 0;
		}
		if (seg == 2
		    && (i - start != 4 || memcmp(s + start, "runs", 4))) {
			return 0;
		}
	}
	return i;
}

bool
wandb_scan_line(const char *line, size_t len, char *out, size_t outlen)
{
	char       *clean;
	const char *view, *p;
	size_t      n;
	bool        found = false;

	if (wandb_scan_find(line, len, "://") == NULL) {
		return false;
	}
	clean = xmalloc(len + 1);
	n     = wandb_scan_strip(clean, line, len);
	view  = wandb_scan_find(clean, n, "View run");
	for (p = clean; !found
	     && (p = wandb_scan_find(p, n - (size_t) (p - clean), "http"))
	         != NULL;
	     p++) {
		size_t hoff = 0, hlen = 0;
		size_t ulen = wandb_scan_url(
		    p, n - (size_t) (p - clean), &hoff, &hlen);
		bool ok;

		if (ulen == 0 || ulen >= outlen || ulen >= WANDB_URL_MAX) {
			continue;
		}
		ok = (hlen == 8 && strncasecmp(p + hoff, "wandb.ai", 8) == 0)
		    || (view != NULL && view < p);
		if (ok) {
			memcpy(out, p, ulen);
			out[ulen] = '\0';
			found     = true;
		}
	}
	free(clean);
	return found;
}

/* Keeps the last WANDB_SCAN_CARRY bytes of an open line. */
static void
wandb_scan_keep(struct wandb_scan *ws, const char *s, size_t len)
{
	if (len > WANDB_SCAN_CARRY) {
		s += len - WANDB_SCAN_CARRY;
		len = WANDB_SCAN_CARRY;
	}
	memmove(ws->ws_carry, s, len);
	ws->ws_len = len;
}

bool
wandb_scan(struct wandb_scan *ws, const void *data, size_t len, char *out,
    size_t outlen)
{
	size_t n     = ws->ws_len + len;
	char  *buf   = xmalloc(n ? n : 1);
	size_t start = 0;
	bool   found = false;

	memcpy(buf, ws->ws_carry, ws->ws_len);
	if (len > 0) {
		memcpy(buf + ws->ws_len, data, len);
	}
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n' && buf[i] != '\r') {
			continue;
		}
		if (i > start
		    && wandb_scan_line(buf + start, i - start, out, outlen)) {
			found = true;
			break;
		}
		start = i + 1;
	}
	if (found) {
		ws->ws_len = 0;
	} else {
		wandb_scan_keep(ws, buf + start, n - start);
	}
	free(buf);
	return found;
}

bool
wandb_scan_flush(struct wandb_scan *ws, char *out, size_t outlen)
{
	bool found = ws->ws_len > 0
	    && wandb_scan_line(ws->ws_carry, ws->ws_len, out, outlen);

	ws->ws_len = 0;
	return found;
}
