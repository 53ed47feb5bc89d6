/*
 * Hydra's override syntax as the Launch form needs it (see
 * mlops-hydra-syntax.h): quoting a value so that Hydra reads it back
 * unchanged, and counting the tasks of a multirun sweep by the rules of
 * server/hydra_sweep.c (checked against it case by case in
 * tests/unit/gtk/test_hydra_model.c). Pure.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "mlops-hydra-syntax.h"

#define HM_MAX_TASKS 100000 /* hydra_sweep.c's limit, whatever is asked */
#define HM_MAX_ELEMS 4096   /* elements of one comma list or call */

/* A piece of a value: [start, start + len), blanks trimmed. */
struct hm_span {
	const char *start;
	size_t      len;
};

static bool   hm_idc(char c, bool first);
static bool   hm_blank(char c);
static char  *hm_trim(const char *s);
static size_t hm_split(
    const char *s, size_t len, struct hm_span *out, size_t max, bool *ok);
static bool hm_plain(const char *s, size_t len);
static int  hm_grammar_type(const char *s);
static bool hm_func(const struct hm_span *e, struct hm_span *name,
    struct hm_span *args, bool *closed);
static bool hm_span_is(const struct hm_span *s, const char *word);
static int  hm_fail(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int hm_range_count(
    const struct hm_span *args, size_t *count, char *why, size_t why_len);
static int hm_value_count(
    const char *value, size_t *count, char *why, size_t why_len);
static char *hm_span_dup(const struct hm_span *s);

/* Hydra's grammar types (hydra_grammar.c); only "is it a string" counts. */
enum { HM_T_STRING, HM_T_OTHER };

/* ---- lexing helpers ------------------------------------------------- */

static bool
hm_idc(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
	    || (!first && ((c >= '0' && c <= '9') || c == '-'));
}

static bool
hm_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char *
hm_trim(const char *s)
{
	size_t len;

	s   = s != NULL ? s : "";
	len = strlen(s);
	while (len > 0 && hm_blank(*s)) {
		s++;
		len--;
	}
	while (len > 0 && hm_blank(s[len - 1])) {
		len--;
	}
	return xstrndup(s, len);
}

static char *
hm_span_dup(const struct hm_span *s)
{
	return xstrndup(s->start, s->len);
}

static bool
hm_span_is(const struct hm_span *s, const char *word)
{
	return s->len == strlen(word) && strncmp(s->start, word, s->len) == 0;
}

/*
 * Splits s[0, len) at the commas outside quotes, brackets, braces,
 * parentheses and ${...}; a backslash escapes the next character outside
 * quotes. Fills at most `max` spans (trimmed) and returns how many
 * elements there are; *ok is false for an unclosed quote or bracket.
 */
static size_t
hm_split(const char *s, size_t len, struct hm_span *out, size_t max, bool *ok)
{
	size_t n = 0, start = 0, depth = 0;
	char   quote = 0, prev = ',';

	*ok = true;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? s[i] : '\0';

		if (quote != 0) {
			if (c == '\0') {
				*ok = false;
				break;
			}
			if (c == '\\') {
				size_t run = 0;

				while (i + run < len && s[i + run] == '\\') {
					run++;
				}
				/* an odd run escapes a following quote */
				i += run - 1;
				if (run % 2 == 1 && i + 1 < len
				    && s[i + 1] == quote) {
					i++;
				}
				continue;
			}
			if (c == quote) {
				quote = 0;
				prev  = c;
			}
			continue;
		}
		if (c == '\\' && i + 1 < len) {
			i++;
			prev = 'x';
			continue;
		}
		/* a quote opens a string only where an element starts */
		if ((c == '\'' || c == '"')
		    && strchr(",[({:=", prev) != NULL) {
			quote = c;
		} else if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
			depth--;
		} else if ((c == ',' && depth == 0) || c == '\0') {
			if (n < max) {
				struct hm_span e = { s + start, i - start };

				while (e.len > 0 && hm_blank(*e.start)) {
					e.start++;
					e.len--;
				}
				while (e.len > 0
				    && hm_blank(e.start[e.len - 1])) {
					e.len--;
				}
				out[n] = e;
			}
			n++;
			start = i + 1;
		}
		if (!hm_blank(c) && c != '\0') {
			prev = c;
		}
	}
	if (depth != 0) {
		*ok = false;
	}
	return n;
}

/*
 * True when Hydra reads s[0, len) unquoted as exactly this text: the
 * characters of an unquoted primitive (hydra_grammar.c), balanced ${...},
 * no backslash, no blank at either end, not empty.
 */
static bool
hm_plain(const char *s, size_t len)
{
	static const char plain[] = "/-+.%*@?|_:$";

	if (len == 0 || hm_blank(s[0]) || hm_blank(s[len - 1])) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '$' && i + 1 < len && s[i + 1] == '{') {
			size_t depth = 0, j;

			for (j = i + 1; j < len; j++) {
				if (s[j] == '{') {
					depth++;
				} else if (s[j] == '}' && --depth == 0) {
					break;
				}
			}
			if (j >= len) {
				return false;
			}
			i = j;
			continue;
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		    || (c >= '0' && c <= '9') || c == ' ' || c == '\t'
		    || (unsigned char) c >= 0x80 || strchr(plain, c) != NULL) {
			continue;
		}
		return false;
	}
	return true;
}

/* HM_T_OTHER when Hydra's lexer types the unquoted text as a bool, null,
 * int or float (hydra_grammar_type()), else HM_T_STRING. */
static int
hm_grammar_type(const char *s)
{
	const char *p      = s + (*s == '+' || *s == '-');
	const char *q      = p;
	bool        digits = false;

	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0
	    || strcasecmp(s, "null") == 0 || strcasecmp(p, "inf") == 0
	    || strcasecmp(p, "nan") == 0) {
		return HM_T_OTHER;
	}
	if (*q == '0') {
		q++;
		digits = true;
	} else if (*q >= '1' && *q <= '9') {
		for (q++, digits = true; *q != '\0'; q++) {
			if (*q == '_' && q[1] >= '0' && q[1] <= '9') {
				continue;
			}
			if (*q < '0' || *q > '9') {
				break;
			}
		}
	}
	if (*q == '\0' && digits) {
		return HM_T_OTHER;
	}
	if (*q == '.') {
		q++;
		if (*q >= '0' && *q <= '9') {
			for (q++; *q != '\0'; q++) {
				if (*q == '_' && q[1] >= '0' && q[1] <= '9') {
					continue;
				}
				if (*q < '0' || *q > '9') {
					break;
				}
			}
			digits = true;
		}
	} else if (*q != 'e' && *q != 'E') {
		return HM_T_STRING;
	}
	if (!digits) {
		return HM_T_STRING;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		q += (*q == '+' || *q == '-');
		if (*q < '0' || *q > '9') {
			return HM_T_STRING;
		}
		q += strspn(q, "0123456789");
	}
	return *q == '\0' ? HM_T_OTHER : HM_T_STRING;
}

/* name(args): true when `e` is a call; `closed` false without its ')'. */
static bool
hm_func(const struct hm_span *e, struct hm_span *name, struct hm_span *args,
    bool *closed)
{
	size_t n = 0, k;

	while (n < e->len && hm_idc(e->start[n], n == 0)) {
		n++;
	}
	k = n;
	while (k < e->len && (e->start[k] == ' ' || e->start[k] == '\t')) {
		k++;
	}
	if (n == 0 || k >= e->len || e->start[k] != '(') {
		return false;
	}
	name->start = e->start;
	name->len   = n;
	*closed     = e->start[e->len - 1] == ')';
	args->start = e->start + k + 1;
	args->len   = *closed ? e->len - k - 2 : e->len - k - 1;
	return true;
}

/* ---- quoting ----------------------------------------------------------
 */

char *
mlops_hydra_quote(const char *value, bool as_string)
{
	struct strbuf sb = STRBUF_INIT;
	size_t        len;
	char          q = '\'';

	value = value != NULL ? value : "";
	len   = strlen(value);
	if (hm_plain(value, len)
	    && (!as_string || hm_grammar_type(value) == HM_T_STRING
	        || strstr(value, "${") != NULL)) {
		return xstrdup(value);
	}
	if (strchr(value, '\'') != NULL && strchr(value, '"') == NULL) {
		q = '"';
	}
	strbuf_init(&sb);
	strbuf_putc(&sb, q);
	for (size_t i = 0; i < len; i++) {
		if (value[i] == '\\') {
			size_t run = 0;

			while (i + run < len && value[i + run] == '\\') {
				run++;
			}
			/* before a quote (or the closing one) a run is halved
			 */
			if (i + run == len || value[i + run] == q) {
				run *= 2;
			}
			for (size_t k = 0; k < run; k++) {
				strbuf_putc(&sb, '\\');
			}
			while (i + 1 < len && value[i + 1] == '\\') {
				i++;
			}
			continue;
		}
		if (value[i] == q) {
			strbuf_putc(&sb, '\\');
		}
		strbuf_putc(&sb, value[i]);
	}
	strbuf_putc(&sb, q);
	return strbuf_detach(&sb, NULL);
}

char *
mlops_hydra_sweep_quote(const char *text)
{
	struct hm_span *e;
	struct strbuf   sb = STRBUF_INIT;
	size_t          n, len;
	bool            ok;

	text = text != NULL ? text : "";
	len  = strlen(text);
	e    = xcalloc(HM_MAX_ELEMS, sizeof(*e));
	n    = hm_split(text, len, e, HM_MAX_ELEMS, &ok);
	if (!ok || n > HM_MAX_ELEMS) {
		free(e);
		return hm_trim(text); /* the daemon says what is wrong */
	}
	strbuf_init(&sb);
	for (size_t i = 0; i < n; i++) {
		struct hm_span name, args;
		bool           closed;
		char          *s = hm_span_dup(&e[i]);

		if (i > 0) {
			strbuf_putc(&sb, ',');
		}
		if (e[i].len > 0
		    && (strchr("'\"[{", e[i].start[0]) != NULL
		        || memchr(e[i].start, '\\', e[i].len) != NULL
		        || hm_func(&e[i], &name, &args, &closed)
		        || hm_plain(e[i].start, e[i].len))) {
			strbuf_puts(&sb, s);
		} else {
			char *qs = mlops_hydra_quote(s, false);

			strbuf_puts(&sb, qs);
			free(qs);
		}
		free(s);
	}
	free(e);
	return strbuf_detach(&sb, NULL);
}

char *
mlops_hydra_join_words(const char *const *v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_init(&sb);
	for (size_t i = 0; i < n; i++) {
		const char *w = v[i];

		if (i > 0) {
			strbuf_putc(&sb, ' ');
		}
		if (*w != '\0' && strpbrk(w, " \t\n\r'\"\\") == NULL) {
			strbuf_puts(&sb, w);
		} else if (strchr(w, '\'') == NULL) {
			strbuf_printf(&sb, "'%s'", w);
		} else {
			strbuf_putc(&sb, '"');
			for (const char *p = w; *p != '\0'; p++) {
				if (strchr("\"\\$`", *p) != NULL) {
					strbuf_putc(&sb, '\\');
				}
				strbuf_putc(&sb, *p);
			}
			strbuf_putc(&sb, '"');
		}
	}
	return strbuf_detach(&sb, NULL);
}

bool
mlops_hydra_parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[]  = { "false", "no", "off" };

	for (size_t i = 0; text != NULL && i < 3; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* ---- sweeps ------------------------------------------------------------
 */

static int
hm_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* range(start, stop[, step]) as hydra_range() counts it. */
static int
hm_range_count(
    const struct hm_span *args, size_t *count, char *why, size_t why_len)
{
	static const char *const names[] = { "start", "stop", "step" };
	struct hm_span           a[4], *slot[3] = { NULL, NULL, NULL };
	double                   d[3]  = { 0, 0, 1 };
	long long                ll[3] = { 0, 0, 1 };
	bool                     ok, is_int = true;
	size_t n = hm_split(args->start, args->len, a, 4, &ok);

	if (args->len == 0) {
		n = 0;
	}
	if (!ok || n < 2 || n > 3) {
		return hm_fail(why, why_len,
		    "range() takes start, stop and an optional step");
	}
	for (size_t i = 0; i < n; i++) {
		size_t s = i, k = 0;

		while (k < a[i].len && hm_idc(a[i].start[k], k == 0)) {
			k++;
		}
		if (k > 0 && k < a[i].len && a[i].start[k] == '=') {
			for (s = 0; s < 3; s++) {
				if (strlen(names[s]) == k
				    && strncmp(a[i].start, names[s], k) == 0) {
					break;
				}
			}
			if (s == 3) {
				return hm_fail(why, why_len,
				    "range() has no argument '%.*s'", (int) k,
				    a[i].start);
			}
			a[i].start += k + 1;
			a[i].len -= k + 1;
			while (a[i].len > 0 && hm_blank(*a[i].start)) {
				a[i].start++;
				a[i].len--;
			}
		}
		if (slot[s] != NULL) {
			return hm_fail(
			    why, why_len, "range() got '%s' twice", names[s]);
		}
		slot[s] = &a[i];
	}
	for (size_t i = 0; i < 3; i++) {
		char   buf[64], *txt;
		size_t w = 0;

		if (slot[i] == NULL) {
			if (i < 2) {
				return hm_fail(why, why_len,
				    "range() needs '%s'", names[i]);
			}
			continue;
		}
		txt = hm_span_dup(slot[i]);
		if (txt[0] == '\0' || hm_grammar_type(txt) != HM_T_OTHER
		    || strcasecmp(txt, "true") == 0
		    || strcasecmp(txt, "false") == 0
		    || strcasecmp(txt, "null") == 0) {
			hm_fail(why, why_len,
			    "range() takes numbers, not '%s'", txt);
			free(txt);
			return -1;
		}
		for (const char *p = txt; *p != '\0' && w + 1 < sizeof(buf);
		     p++) {
			if (*p != '_') {
				buf[w++] = *p;
			}
		}
		buf[w] = '\0';
		free(txt);
		is_int = is_int && strpbrk(buf, ".eEnN") == NULL;
		d[i]   = strtod(buf, NULL);
		ll[i]  = strtoll(buf, NULL, 10);
	}
	*count = 0;
	if (is_int) {
		unsigned long long span;

		if (ll[2] == 0) {
			return hm_fail(
			    why, why_len, "range() step must not be 0");
		}
		if (ll[2] > 0 && ll[0] < ll[1]) {
			span = (unsigned long long) ll[1]
			    - (unsigned long long) ll[0];
			span   = (span - 1) / (unsigned long long) ll[2] + 1;
			*count = span > HM_MAX_TASKS ? HM_MAX_TASKS + 1
			                             : (size_t) span;
		} else if (ll[2] < 0 && ll[0] > ll[1]) {
			span = (unsigned long long) ll[0]
			    - (unsigned long long) ll[1];
			span = (span - 1) / (0ULL - (unsigned long long) ll[2])
			    + 1;
			*count = span > HM_MAX_TASKS ? HM_MAX_TASKS + 1
			                             : (size_t) span;
		}
	} else {
		if (d[2] == 0 || !isfinite(d[0]) || !isfinite(d[1])
		    || !isfinite(d[2])) {
			return hm_fail(why, why_len, "invalid range values");
		}
		for (size_t i = 0; *count <= HM_MAX_TASKS; i++) {
			char   buf[64];
			double v;

			/* the value as hydra_float_text() prints it */
			snprintf(buf, sizeof(buf), "%.15g",
			    d[0] + (double) i * d[2]);
			v = strtod(buf, NULL);
			if (d[2] > 0 ? !(v < d[1]) : !(v > d[1])) {
				break;
			}
			(*count)++;
		}
	}
	if (*count == 0) {
		return hm_fail(why, why_len, "the range is empty");
	}
	return 0;
}

static bool
hm_is_sweep_func(const struct hm_span *e)
{
	struct hm_span name, args;
	bool           closed;

	return hm_func(e, &name, &args, &closed)
	    && (hm_span_is(&name, "range") || hm_span_is(&name, "choice")
	        || hm_span_is(&name, "glob"));
}

/* How many values one override's value stands for. */
static int
hm_value_count(const char *value, size_t *count, char *why, size_t why_len)
{
	struct hm_span *e, name, args;
	size_t          n;
	bool            ok, closed;
	int             rc = 0;

	e = xcalloc(HM_MAX_ELEMS, sizeof(*e));
	n = hm_split(value, strlen(value), e, HM_MAX_ELEMS, &ok);
	if (!ok) {
		rc = hm_fail(why, why_len, "an unclosed quote or bracket");
	} else if (n > 1) {
		*count = n;
		for (size_t i = 0; i < n && i < HM_MAX_ELEMS && rc == 0; i++) {
			if (e[i].len == 0) {
				rc = hm_fail(why, why_len,
				    "empty element in a comma list");
			} else if (hm_is_sweep_func(&e[i])) {
				rc = hm_fail(why, why_len,
				    "a sweep inside a sweep is not supported");
			}
		}
	} else if (!hm_func(&e[0], &name, &args, &closed)) {
		*count = 1;
	} else if (!closed) {
		rc = hm_fail(why, why_len, "missing ')' in %.*s(...)",
		    (int) name.len, name.start);
	} else if (hm_span_is(&name, "choice")) {
		struct hm_span *a  = xcalloc(HM_MAX_ELEMS, sizeof(*a));
		size_t          na = args.len == 0
		             ? 0
		             : hm_split(args.start, args.len, a, HM_MAX_ELEMS, &ok);

		*count = na;
		if (na == 0) {
			rc = hm_fail(
			    why, why_len, "choice() needs at least one value");
		}
		for (size_t i = 0; i < na && i < HM_MAX_ELEMS && rc == 0;
		     i++) {
			size_t k = 0;

			while (k < a[i].len && hm_idc(a[i].start[k], k == 0)) {
				k++;
			}
			if (k > 0 && k < a[i].len && a[i].start[k] == '=') {
				rc = hm_fail(why, why_len,
				    "choice() takes no named arguments");
			} else if (hm_is_sweep_func(&a[i])) {
				rc = hm_fail(why, why_len,
				    "a sweep inside a sweep is not supported");
			}
		}
		free(a);
	} else if (hm_span_is(&name, "range")) {
		rc = hm_range_count(&args, count, why, why_len);
	} else if (hm_span_is(&name, "glob")) {
		rc = hm_fail(why, why_len,
		    "glob() is not supported; list the options instead");
	} else {
		rc = hm_fail(why, why_len,
		    "%.*s() cannot be expanded; use a comma list, choice() or "
		    "range()",
		    (int) name.len, name.start);
	}
	free(e);
	return rc;
}

int
mlops_hydra_sweep_count(
    const char *const *ovr, size_t n, size_t *tasks, char *why, size_t why_len)
{
	char  **keys   = xcalloc(n + 1, sizeof(char *));
	size_t *counts = xcalloc(n + 1, sizeof(size_t));
	size_t  naxes = 0, total = 1;
	int     rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *eq = strchr(ovr[i], '=');
		char       *key;
		size_t      c = 1, k;
		char        sub[200];

		if (eq == NULL) {
			key = hm_trim(ovr[i]); /* ~key: one deletion */
		} else {
			char *kk = xstrndup(ovr[i], (size_t) (eq - ovr[i]));

			key = hm_trim(kk);
			free(kk);
			if (hm_value_count(eq + 1, &c, sub, sizeof(sub)) < 0) {
				rc = hm_fail(
				    why, why_len, "%s: %s", ovr[i], sub);
				free(key);
				break;
			}
		}
		for (k = 0; k < naxes; k++) {
			if (strcmp(keys[k], key) == 0) {
				break;
			}
		}
		if (k < naxes) {
			free(key); /* a repeated key: its last values count */
		} else {
			keys[naxes++] = key;
		}
		counts[k] = c;
	}
	for (size_t k = 0; rc == 0 && k < naxes; k++) {
		if (counts[k] > HM_MAX_TASKS
		    || total > HM_MAX_TASKS / counts[k]) {
			rc = hm_fail(why, why_len,
			    "the sweep expands to more than the limit of %d "
			    "tasks",
			    HM_MAX_TASKS);
			break;
		}
		total *= counts[k];
	}
	for (size_t k = 0; k < naxes; k++) {
		free(keys[k]);
	}
	free(keys);
	free(counts);
	if (rc == 0 && tasks != NULL) {
		*tasks = total;
	}
	return rc;
}
