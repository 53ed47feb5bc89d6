/*
 * Growable string buffer. Owned by whichever thread holds it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

void
strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void
strbuf_fini(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf != NULL) {
		sb->buf[0] = '\0';
	}
}

static void
strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->cap) {
		return;
	}
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need) {
		cap *= 2;
	}
	sb->buf          = xrealloc(sb->buf, cap);
	sb->cap          = cap;
	sb->buf[sb->len] = '\0'; /* a fresh buffer is a valid empty string */
}

void
strbuf_append(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len > 0) {
		memcpy(sb->buf + sb->len, data, len);
	}
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void
strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_append(sb, &c, 1);
}

void
strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int     n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0) {
		strbuf_grow(sb, 0);
		return;
	}
	strbuf_grow(sb, (size_t) n);
	vsnprintf(sb->buf + sb->len, (size_t) n + 1, fmt, ap);
	sb->len += (size_t) n;
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

char *
strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p;

	strbuf_grow(sb, 0);
	p = sb->buf;
	if (len != NULL) {
		*len = sb->len;
	}
	strbuf_init(sb);
	return p;
}

const char *
strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}
