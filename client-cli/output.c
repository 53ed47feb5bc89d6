/*
 * CLI output: tables, key/value blocks, time and JSON formatting (pure,
 * into strbufs) and the few functions that write them to stdout. Runs on
 * the CLI's only thread.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/xmalloc.h>

#include "output.h"

struct output_table {
	size_t ncols;
	size_t nrows; /* including the header row */
	char **cells; /* nrows * ncols, row-major */
};

struct output_kv_entry {
	int   depth;
	char *key;
	char *value; /* NULL: a heading */
};

struct output_kv {
	struct output_kv_entry *e;
	size_t                  n;
};

/* A copy of `s` fit for one table cell: "-" when empty, no controls. */
static char *
output_cell(const char *s)
{
	char *c;

	if (s == NULL || *s == '\0') {
		return xstrdup("-");
	}
	c = xstrdup(s);
	for (char *p = c; *p != '\0'; p++) {
		if (iscntrl((unsigned char) *p)) {
			*p = ' ';
		}
	}
	return c;
}

/* Display width of UTF-8 text: one column per code point. */
static size_t
output_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char) *s & 0xC0) != 0x80) {
			w++;
		}
	}
	return w;
}

struct output_table *
output_table_new(const char *const *headers, size_t ncols)
{
	struct output_table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	t->nrows = 1;
	t->cells = xreallocarray(NULL, ncols, sizeof(char *));
	for (size_t i = 0; i < ncols; i++) {
		t->cells[i] = output_cell(headers[i]);
		for (char *p = t->cells[i]; *p != '\0'; p++) {
			*p = (char) toupper((unsigned char) *p);
		}
	}
	return t;
}

void
output_table_free(struct output_table *t)
{
	if (t == NULL) {
		return;
	}
	for (size_t i = 0; i < t->nrows * t->ncols; i++) {
		free(t->cells[i]);
	}
	free(t->cells);
	free(t);
}

void
output_table_add(struct output_table *t, const char *const *cells)
{
	size_t base = t->nrows * t->ncols;

	t->cells = xreallocarray(
	    t->cells, (t->nrows + 1) * t->ncols, sizeof(char *));
	for (size_t i = 0; i < t->ncols; i++) {
		t->cells[base + i] = output_cell(cells[i]);
	}
	t->nrows++;
}

void
output_table_render(const struct output_table *t, struct strbuf *out)
{
	size_t *width = xcalloc(t->ncols ? t->ncols : 1, sizeof(size_t));

	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = output_width(t->cells[r * t->ncols + c]);
			if (w > width[c]) {
				width[c] = w;
			}
		}
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];

			strbuf_puts(out, cell);
			if (c + 1 == t->ncols) {
				break;
			}
			for (size_t w = output_width(cell); w < width[c] + 2;
			     w++) {
				strbuf_putc(out, ' ');
			}
		}
		strbuf_putc(out, '\n');
	}
	free(width);
}

struct output_kv *
output_kv_new(void)
{
	return xcalloc(1, sizeof(struct output_kv));
}

void
output_kv_free(struct output_kv *kv)
{
	if (kv == NULL) {
		return;
	}
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->e[i].key);
		free(kv->e[i].value);
	}
	free(kv->e);
	free(kv);
}

void
output_kv_add(
    struct output_kv *kv, int depth, const char *key, const char *value)
{
	struct output_kv_entry *e;

	kv->e    = xreallocarray(kv->e, kv->n + 1, sizeof(*kv->e));
	e        = &kv->e[kv->n++];
	e->depth = depth < 0 ? 0 : depth;
	e->key   = xstrdup(key);
	e->value = value == NULL ? NULL : output_cell(value);
}

void
output_kv_addf(
    struct output_kv *kv, int depth, const char *key, const char *fmt, ...)
{
	va_list ap;
	char   *v;

	va_start(ap, fmt);
	v = xvasprintf(fmt, ap);
	va_end(ap);
	output_kv_add(kv, depth, key, v);
	free(v);
}

void
output_kv_render(const struct output_kv *kv, struct strbuf *out)
{
	size_t width = 0; /* of "  key:" up to the value column */

	for (size_t i = 0; i < kv->n; i++) {
		const struct output_kv_entry *e = &kv->e[i];
		size_t w = 2 * (size_t) e->depth + output_width(e->key) + 1;

		if (e->value != NULL && w > width) {
			width = w;
		}
	}
	for (size_t i = 0; i < kv->n; i++) {
		const struct output_kv_entry *e = &kv->e[i];
		size_t w = 2 * (size_t) e->depth + output_width(e->key) + 1;

		for (int j = 0; j < e->depth; j++) {
			strbuf_puts(out, "  ");
		}
		strbuf_printf(out, "%s:", e->key);
		if (e->value != NULL) {
			for (; w < width; w++) {
				strbuf_putc(out, ' ');
			}
			strbuf_printf(out, " %s", e->value);
		}
		strbuf_putc(out, '\n');
	}
}

char *
output_fmt_time(char buf[OUTPUT_TIME_MAX], int64_t t)
{
	struct tm tm;
	time_t    tt = (time_t) t;

	buf[0] = '\0';
	if (t != 0 && gmtime_r(&tt, &tm) != NULL) {
		strftime(buf, OUTPUT_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	return buf;
}

char *
output_fmt_duration(char *buf, size_t len, uint64_t secs)
{
	unsigned long long d = secs / 86400, h = secs / 3600 % 24,
	                   m = secs / 60 % 60, s = secs % 60;

	if (d > 0) {
		snprintf(buf, len, "%llud %lluh", d, h);
	} else if (h > 0) {
		snprintf(buf, len, "%lluh %llum", h, m);
	} else if (m > 0) {
		snprintf(buf, len, "%llum %llus", m, s);
	} else {
		snprintf(buf, len, "%llus", s);
	}
	return buf;
}

char *
output_fmt_short_sha(char buf[8], const char *sha)
{
	snprintf(buf, 8, "%s", sha != NULL ? sha : "");
	return buf;
}

json_object *
output_json_str(const char *s)
{
	return s == NULL || *s == '\0' ? NULL : json_object_new_string(s);
}

json_object *
output_json_time(int64_t t)
{
	char buf[OUTPUT_TIME_MAX];

	return output_json_str(output_fmt_time(buf, t));
}

json_object *
output_json_count(int64_t n)
{
	return n < 0 ? NULL : json_object_new_int64(n);
}

json_object *
output_json_strv(char **v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object_array_add(a, json_object_new_string(v[i]));
	}
	return a;
}

/*
 * The length of the valid UTF-8 character at s[0..len), or 0 when it is
 * not one; *cut is set when the bytes there are a valid start that `len`
 * cuts short.
 */
static size_t
output_utf8_char(const unsigned char *s, size_t len, bool *cut)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t        n;

	*cut = false;
	if (s[0] < 0x80) {
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n  = 3;
		lo = s[0] == 0xE0 ? 0xA0 : 0x80;
		hi = s[0] == 0xED ? 0x9F : 0xBF;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n  = 4;
		lo = s[0] == 0xF0 ? 0x90 : 0x80;
		hi = s[0] == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if (i >= len) {
			*cut = true;
			return 0;
		}
		if (s[i] < (i == 1 ? lo : 0x80)
		    || s[i] > (i == 1 ? hi : 0xBF)) {
			return 0;
		}
	}
	return n;
}

size_t
output_utf8_whole(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t               i = 0, n;
	bool                 cut;

	while (i < len) {
		n = output_utf8_char(u + i, len - i, &cut);
		if (cut) {
			return i;
		}
		i += n > 0 ? n : 1;
	}
	return len;
}

json_object *
output_json_text(const char *s, size_t len)
{
	const unsigned char *u  = (const unsigned char *) s;
	struct strbuf        sb = STRBUF_INIT;
	json_object         *o;
	size_t               i = 0, n;
	bool                 cut;

	while (i < len) {
		n = output_utf8_char(u + i, len - i, &cut);
		if (n == 0) {
			strbuf_puts(&sb, "\xEF\xBF\xBD"); /* U+FFFD */
			i++;
			continue;
		}
		strbuf_append(&sb, s + i, n);
		i += n;
	}
	o = json_object_new_string_len(strbuf_str(&sb), (int) sb.len);
	strbuf_fini(&sb);
	return o;
}

json_object *
output_error_json(const char *code, const char *field, const char *message)
{
	json_object *o = json_object_new_object();
	json_object *e = json_object_new_object();

	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "field", output_json_str(field));
	json_object_object_add(e, "message", json_object_new_string(message));
	json_object_object_add(o, "error", e);
	return o;
}

void
output_json_render(json_object *obj, bool one_line, struct strbuf *out)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= one_line ? JSON_C_TO_STRING_PLAIN
	                  : JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
	strbuf_puts(out, json_object_to_json_string_ext(obj, flags));
	strbuf_putc(out, '\n');
}

int
output_print(const char *s)
{
	return fputs(s, stdout) < 0 ? -1 : 0;
}

int
output_printf(const char *fmt, ...)
{
	va_list ap;
	int     n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n < 0 ? -1 : 0;
}

static int
output_print_sb(struct strbuf *sb)
{
	int rc = output_print(strbuf_str(sb));

	strbuf_fini(sb);
	return rc;
}

int
output_print_table(const struct output_table *t)
{
	struct strbuf sb = STRBUF_INIT;

	output_table_render(t, &sb);
	return output_print_sb(&sb);
}

int
output_print_kv(const struct output_kv *kv)
{
	struct strbuf sb = STRBUF_INIT;

	output_kv_render(kv, &sb);
	return output_print_sb(&sb);
}

int
output_print_json(json_object *obj)
{
	struct strbuf sb = STRBUF_INIT;

	output_json_render(obj, false, &sb);
	json_object_put(obj);
	return output_print_sb(&sb);
}

int
output_print_json_line(json_object *obj)
{
	struct strbuf sb = STRBUF_INIT;
	int           rc;

	output_json_render(obj, true, &sb);
	json_object_put(obj);
	rc = output_print_sb(&sb);
	return fflush(stdout) != 0 ? -1 : rc;
}

int
output_print_error(const char *code, const char *field, const char *message)
{
	return output_print_json_line(output_error_json(code, field, message));
}

int
output_flush(void)
{
	return fflush(stdout) != 0 || ferror(stdout) ? -1 : 0;
}
