/*
 * Hydra's override syntax as the Launch form needs it (see
 * mlops-hydra-syntax.h): quoting a value so that Hydra reads it back
 * unchanged (Hydra's lexer rules, not a shell's), counting the tasks of a
 * multirun sweep with the daemon's own expander (hydra_sweep_count() of
 * common/'s mlops_hydra_syntax, no YAML in it), and overrides joined into
 * shell words with common's shquote_args(). Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/hydra_syntax.h>
#include <mlops/shquote.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "mlops-hydra-syntax.h"

#define HM_MAX_ELEMS 4096 /* elements of one comma list or call */

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
static bool  hm_plain(const char *s, size_t len);
static bool  hm_func(const struct hm_span *e, struct hm_span *name,
     struct hm_span *args, bool *closed);
static char *hm_span_dup(const struct hm_span *s);

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
	struct strbuf   sb = STRBUF_INIT;
	size_t          len;
	char            q = '\'';
	enum hydra_type t;

	value = value != NULL ? value : "";
	len   = strlen(value);
	if (hm_plain(value, len)
	    && (!as_string
	        || (t = hydra_primitive_type(value)) == HYDRA_TYPE_STRING
	        || t == HYDRA_TYPE_INTERPOLATION || t == HYDRA_TYPE_MISSING)) {
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

	/* the words after `mlops launch P --`: common's shell quoting */
	shquote_args(&sb, v, n);
	return strbuf_detach(&sb, NULL);
}

/* ---- sweeps ------------------------------------------------------------
 */

int
mlops_hydra_sweep_count(
    const char *const *ovr, size_t n, size_t *tasks, char *why, size_t why_len)
{
	struct mlops_error err   = { 0 };
	size_t             total = 0;

	/* The daemon's own expander (mlops_hydra_syntax), counting only. */
	if (hydra_sweep_count(&total, ovr, n, 0, &err) < 0) {
		if (why != NULL && why_len > 0) {
			snprintf(why, why_len, "%s", err.msg);
		}
		return -1;
	}
	if (tasks != NULL) {
		*tasks = total;
	}
	return 0;
}
