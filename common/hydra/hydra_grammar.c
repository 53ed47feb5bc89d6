/*
 * Hydra's override grammar (OverrideParser.g4 of Hydra 1.3): key=value,
 * +key=value, ++key=value, ~key[=value], group@pkg=option; values are
 * primitives typed as Hydra's lexer types them, quoted strings, [lists],
 * {dicts}, functions and top-level comma sweeps; and how a value is
 * typed. Shared by the sweep expander and the daemon's validation. Pure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mlops/hydra_syntax.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "hydra_syntax_impl.h"

#define HYDRA_MAX_VAL_DEPTH 32

/* Where a value ends: the closing character of its container. */
enum hydra_ctxk { HYDRA_IN_TOP, HYDRA_IN_LIST, HYDRA_IN_DICT, HYDRA_IN_FUNC };

struct hydra_lex {
	const char *s;
	size_t      pos;
	char        why[160]; /* set on a syntax error */
};

static void hydra_lex_fail(struct hydra_lex *lx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void              hydra_val_free(struct hydra_val *v);
static struct hydra_val *hydra_parse_element(
    struct hydra_lex *lx, enum hydra_ctxk ctx, int depth);
static void              hydra_lex_ws(struct hydra_lex *lx);
static bool              hydra_is_idc(char c, bool first);
static bool              hydra_is_end(char c, enum hydra_ctxk ctx);
static struct hydra_val *hydra_val_new(
    enum hydra_vkind kind, const char *start, size_t len);
static void hydra_val_add(
    struct hydra_val *v, struct hydra_val *item, const char *name);
static bool hydra_lex_interp(struct hydra_lex *lx, struct strbuf *out);
static struct hydra_val *hydra_parse_quoted(struct hydra_lex *lx);
static struct hydra_val *hydra_parse_prim(
    struct hydra_lex *lx, enum hydra_ctxk ctx, bool dict_key);
static struct hydra_val *hydra_parse_seq(
    struct hydra_lex *lx, int depth, bool is_dict);
static struct hydra_val *hydra_parse_func(
    struct hydra_lex *lx, size_t name_len, int depth);
static struct hydra_val *hydra_parse_value(struct hydra_lex *lx);
static bool              hydra_key_ok(const char *k);

/* ---- lexing ---- */

static void
hydra_lex_fail(struct hydra_lex *lx, const char *fmt, ...)
{
	va_list ap;

	if (lx->why[0] != '\0') {
		return; /* keep the first */
	}
	va_start(ap, fmt);
	vsnprintf(lx->why, sizeof(lx->why), fmt, ap);
	va_end(ap);
}

static void
hydra_lex_ws(struct hydra_lex *lx)
{
	while (lx->s[lx->pos] == ' ' || lx->s[lx->pos] == '\t') {
		lx->pos++;
	}
}

static bool
hydra_is_idc(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
	    || (!first && ((c >= '0' && c <= '9') || c == '-'));
}

/* The character closing a context, or '\0' at the top. */
static bool
hydra_is_end(char c, enum hydra_ctxk ctx)
{
	switch (ctx) {
	case HYDRA_IN_TOP:
		return c == '\0' || c == ',';
	case HYDRA_IN_LIST:
		return c == ',' || c == ']';
	case HYDRA_IN_DICT:
		return c == ',' || c == '}';
	case HYDRA_IN_FUNC:
		return c == ',' || c == ')';
	}
	return false;
}

static struct hydra_val *
hydra_val_new(enum hydra_vkind kind, const char *start, size_t len)
{
	struct hydra_val *v = xcalloc(1, sizeof(*v));

	v->kind = kind;
	v->type = HYDRA_TYPE_NONE;
	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t')) {
		len--;
	}
	v->text = xstrndup(start, len);
	return v;
}

static void
hydra_val_add(struct hydra_val *v, struct hydra_val *item, const char *name)
{
	v->items       = xreallocarray(v->items, v->n + 1, sizeof(*v->items));
	v->names       = xreallocarray(v->names, v->n + 1, sizeof(*v->names));
	v->items[v->n] = item;
	v->names[v->n] = xstrdup_null(name);
	v->n++;
}

static void
hydra_val_free(struct hydra_val *v)
{
	if (v == NULL) {
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		hydra_val_free(v->items[i]);
		free(v->names[i]);
	}
	free(v->items);
	free(v->names);
	free(v->text);
	free(v->str);
	free(v);
}

/* ${...} with nested braces; pos is at '$'. */
static bool
hydra_lex_interp(struct hydra_lex *lx, struct strbuf *out)
{
	size_t start = lx->pos, depth = 0;

	for (; lx->s[lx->pos] != '\0'; lx->pos++) {
		if (lx->s[lx->pos] == '{') {
			depth++;
		} else if (lx->s[lx->pos] == '}' && --depth == 0) {
			lx->pos++;
			strbuf_append(out, lx->s + start, lx->pos - start);
			return true;
		}
	}
	hydra_lex_fail(lx, "unterminated interpolation");
	return false;
}

/* 'text' or "text": a run of backslashes before the quote character is
 * halved, and an odd one escapes the quote. */
static struct hydra_val *
hydra_parse_quoted(struct hydra_lex *lx)
{
	char              q     = lx->s[lx->pos];
	size_t            start = lx->pos, nbs;
	struct strbuf     sb    = STRBUF_INIT;
	struct hydra_val *v;

	strbuf_init(&sb);
	lx->pos++;
	for (;;) {
		char c = lx->s[lx->pos];

		if (c == '\0') {
			hydra_lex_fail(lx, "unterminated quoted value");
			strbuf_fini(&sb);
			return NULL;
		}
		if (c == '\\') {
			for (nbs = 0; lx->s[lx->pos] == '\\'; lx->pos++) {
				nbs++;
			}
			if (lx->s[lx->pos] != q) {
				for (size_t i = 0; i < nbs; i++) {
					strbuf_putc(&sb, '\\');
				}
				continue;
			}
			for (size_t i = 0; i < nbs / 2; i++) {
				strbuf_putc(&sb, '\\');
			}
			if (nbs % 2 == 1) {
				strbuf_putc(&sb, q);
				lx->pos++;
				continue;
			}
			c = q; /* closes */
		}
		if (c == q) {
			lx->pos++;
			break;
		}
		strbuf_putc(&sb, c);
		lx->pos++;
	}
	v      = hydra_val_new(HYDRA_V_QUOTED, lx->s + start, lx->pos - start);
	v->str = strbuf_detach(&sb, NULL);
	v->type = hydra_string_type(v->str);
	return v;
}

/* An unquoted primitive: ID, numbers, bools, null, the characters
 * / - \ + . $ % * @ ? | :, escapes, interpolations and inner spaces. */
static struct hydra_val *
hydra_parse_prim(struct hydra_lex *lx, enum hydra_ctxk ctx, bool dict_key)
{
	static const char plain[] = "/-+.%*@?|_";
	static const char escs[]  = "\\()[]{}:=, \t";
	size_t            start   = lx->pos;
	struct strbuf     sb      = STRBUF_INIT;
	bool              escaped = false, interp = false;
	struct hydra_val *v;
	char              c;

	strbuf_init(&sb);
	for (;;) {
		c = lx->s[lx->pos];
		if (hydra_is_end(c, ctx) || c == '\0'
		    || (dict_key && c == ':')) {
			break;
		}
		if (c == '\\' && lx->s[lx->pos + 1] != '\0'
		    && strchr(escs, lx->s[lx->pos + 1]) != NULL) {
			strbuf_putc(&sb, lx->s[lx->pos + 1]);
			lx->pos += 2;
			escaped = true;
			continue;
		}
		if (c == '$' && lx->s[lx->pos + 1] == '{' && !dict_key) {
			if (!hydra_lex_interp(lx, &sb)) {
				strbuf_fini(&sb);
				return NULL;
			}
			interp = true;
			continue;
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		    || (c >= '0' && c <= '9') || c == ' ' || c == '\t'
		    || c == '\\' || c == '$' || c == ':'
		    || (unsigned char) c >= 0x80 || strchr(plain, c) != NULL) {
			strbuf_putc(&sb, c);
			lx->pos++;
			continue;
		}
		if (c == '\'' || c == '"') {
			hydra_lex_fail(lx,
			    "a quote inside an unquoted value; quote the "
			    "whole "
			    "value");
		} else if (strchr("()[]{}=,", c) != NULL) {
			hydra_lex_fail(lx,
			    "'%c' must be escaped (\\%c) or the value quoted",
			    c, c);
		} else {
			hydra_lex_fail(lx,
			    "'%c' is not allowed in an unquoted value; quote "
			    "the value",
			    c);
		}
		strbuf_fini(&sb);
		return NULL;
	}
	v = hydra_val_new(HYDRA_V_PRIM, lx->s + start, lx->pos - start);
	/* inner spaces stay, the trailing ones go */
	while (sb.len > 0
	    && (sb.buf[sb.len - 1] == ' ' || sb.buf[sb.len - 1] == '\t')
	    && !escaped) {
		sb.buf[--sb.len] = '\0';
	}
	v->str = strbuf_detach(&sb, NULL);
	if (escaped || interp) {
		v->type = hydra_string_type(v->str);
	} else {
		v->type = hydra_primitive_type(v->str);
	}
	return v;
}

static struct hydra_val *
hydra_parse_seq(struct hydra_lex *lx, int depth, bool is_dict)
{
	char              close = is_dict ? '}' : ']';
	size_t            start = lx->pos;
	struct hydra_val *v, *item, *key;

	lx->pos++;
	v = hydra_val_new(is_dict ? HYDRA_V_DICT : HYDRA_V_LIST, "", 0);
	hydra_lex_ws(lx);
	if (lx->s[lx->pos] == close) {
		lx->pos++;
		goto done;
	}
	for (;;) {
		char *name = NULL;

		if (is_dict) {
			hydra_lex_ws(lx);
			key = hydra_parse_prim(lx, HYDRA_IN_DICT, true);
			if (key == NULL || lx->s[lx->pos] != ':'
			    || key->str[0] == '\0') {
				hydra_val_free(key);
				hydra_lex_fail(
				    lx, "expected key:value in {...}");
				hydra_val_free(v);
				return NULL;
			}
			name = xstrdup(key->str);
			hydra_val_free(key);
			lx->pos++;
		}
		item = hydra_parse_element(
		    lx, is_dict ? HYDRA_IN_DICT : HYDRA_IN_LIST, depth + 1);
		if (item == NULL) {
			free(name);
			hydra_val_free(v);
			return NULL;
		}
		hydra_val_add(v, item, name);
		free(name);
		hydra_lex_ws(lx);
		if (lx->s[lx->pos] == ',') {
			lx->pos++;
			continue;
		}
		if (lx->s[lx->pos] == close) {
			lx->pos++;
			break;
		}
		hydra_lex_fail(lx, "missing '%c'", close);
		hydra_val_free(v);
		return NULL;
	}
done:
	free(v->text);
	v->text = xstrndup(lx->s + start, lx->pos - start);
	return v;
}

/* name(args) with optional name= arguments; pos is at the name. */
static struct hydra_val *
hydra_parse_func(struct hydra_lex *lx, size_t name_len, int depth)
{
	size_t            start = lx->pos, save;
	struct hydra_val *v, *item;
	char             *arg;

	v      = hydra_val_new(HYDRA_V_FUNC, "", 0);
	v->str = xstrndup(lx->s + start, name_len);
	lx->pos += name_len;
	hydra_lex_ws(lx);
	lx->pos++; /* ( */
	hydra_lex_ws(lx);
	if (lx->s[lx->pos] == ')') {
		lx->pos++;
		goto done;
	}
	for (;;) {
		arg = NULL;
		hydra_lex_ws(lx);
		save = lx->pos;
		while (hydra_is_idc(lx->s[lx->pos], lx->pos == save)) {
			lx->pos++;
		}
		if (lx->pos > save) {
			size_t end = lx->pos;

			hydra_lex_ws(lx);
			if (lx->s[lx->pos] == '=') {
				arg = xstrndup(lx->s + save, end - save);
				lx->pos++;
			} else {
				lx->pos = save;
			}
		}
		item = hydra_parse_element(lx, HYDRA_IN_FUNC, depth + 1);
		if (item == NULL) {
			free(arg);
			hydra_val_free(v);
			return NULL;
		}
		hydra_val_add(v, item, arg);
		free(arg);
		hydra_lex_ws(lx);
		if (lx->s[lx->pos] == ',') {
			lx->pos++;
			continue;
		}
		if (lx->s[lx->pos] == ')') {
			lx->pos++;
			break;
		}
		hydra_lex_fail(lx, "missing ')' in %s(...)", v->str);
		hydra_val_free(v);
		return NULL;
	}
done:
	free(v->text);
	v->text = xstrndup(lx->s + start, lx->pos - start);
	return v;
}

static struct hydra_val *
hydra_parse_element(struct hydra_lex *lx, enum hydra_ctxk ctx, int depth)
{
	struct hydra_val *v;
	size_t            n;
	char              c;

	if (depth > HYDRA_MAX_VAL_DEPTH) {
		hydra_lex_fail(lx, "nested too deeply");
		return NULL;
	}
	hydra_lex_ws(lx);
	c = lx->s[lx->pos];
	if (c == '[' || c == '{') {
		v = hydra_parse_seq(lx, depth, c == '{');
	} else if (c == '\'' || c == '"') {
		v = hydra_parse_quoted(lx);
	} else {
		for (n = 0; hydra_is_idc(lx->s[lx->pos + n], n == 0); n++) { }
		size_t k = n;
		while (
		    lx->s[lx->pos + k] == ' ' || lx->s[lx->pos + k] == '\t') {
			k++;
		}
		if (n > 0 && lx->s[lx->pos + k] == '(') {
			v = hydra_parse_func(lx, n, depth);
		} else {
			v = hydra_parse_prim(lx, ctx, false);
			if (v != NULL && v->text[0] == '\0'
			    && ctx != HYDRA_IN_TOP) {
				hydra_lex_fail(lx, "empty element");
				hydra_val_free(v);
				return NULL;
			}
			return v;
		}
	}
	if (v == NULL) {
		return NULL;
	}
	hydra_lex_ws(lx);
	if (!hydra_is_end(lx->s[lx->pos], ctx) && lx->s[lx->pos] != '\0') {
		hydra_lex_fail(
		    lx, "unexpected '%c' after %s", lx->s[lx->pos], v->text);
		hydra_val_free(v);
		return NULL;
	}
	return v;
}

/* value: element | element (',' element)+ */
static struct hydra_val *
hydra_parse_value(struct hydra_lex *lx)
{
	struct hydra_val *first, *sweep;

	if ((first = hydra_parse_element(lx, HYDRA_IN_TOP, 0)) == NULL) {
		return NULL;
	}
	if (lx->s[lx->pos] != ',') {
		return first;
	}
	sweep = hydra_val_new(HYDRA_V_SWEEP, lx->s, strlen(lx->s));
	hydra_val_add(sweep, first, NULL);
	while (lx->s[lx->pos] == ',') {
		lx->pos++;
		first = hydra_parse_element(lx, HYDRA_IN_TOP, 0);
		if (first == NULL || first->text[0] == '\0') {
			hydra_lex_fail(lx, "empty element in a comma list");
			hydra_val_free(first);
			hydra_val_free(sweep);
			return NULL;
		}
		hydra_val_add(sweep, first, NULL);
	}
	return sweep;
}

enum hydra_type
hydra_primitive_type(const char *s)
{
	const char *p = s + (*s == '+' || *s == '-');
	const char *q;
	bool        point = false, digits = false;

	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0) {
		return HYDRA_TYPE_BOOL;
	}
	if (strcasecmp(s, "null") == 0) {
		return HYDRA_TYPE_NULL;
	}
	if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "nan") == 0) {
		return HYDRA_TYPE_FLOAT;
	}
	/* INT: 0 | [1-9](_?[0-9])* */
	q = p;
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
		return HYDRA_TYPE_INT;
	}
	/* FLOAT: INT '.' | INT? '.' DIGITS, then an optional exponent */
	if (*q == '.') {
		point = true;
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
	}
	if (!digits) {
		return hydra_string_type(s);
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		q += (*q == '+' || *q == '-');
		if (*q < '0' || *q > '9') {
			return hydra_string_type(s);
		}
		q += strspn(q, "0123456789");
		point = true;
	}
	return *q == '\0' && point ? HYDRA_TYPE_FLOAT : hydra_string_type(s);
}

/* ---- overrides ---- */

void
hydra_ovr_free(struct hydra_ovr *o)
{
	if (o == NULL) {
		return;
	}
	hydra_val_free(o->value);
	free(o->text);
	free(o->key);
	free(o->package);
	free(o->key_elem);
	free(o);
}

/* [A-Za-z0-9_$-]+ separated by '.' (config keys) or '/' (groups). */
static bool
hydra_key_ok(const char *k)
{
	bool dot = strchr(k, '.') != NULL, slash = strchr(k, '/') != NULL;
	bool seg = false;

	if (*k == '\0' || (dot && slash)) {
		return false;
	}
	for (const char *p = k; *p; p++) {
		if (*p == '.' || *p == '/') {
			if (!seg) {
				return false;
			}
			seg = false;
		} else if (hydra_is_idc(*p, false) || *p == '$') {
			seg = true;
		} else {
			return false;
		}
	}
	return seg;
}

int
hydra_ovr_parse(
    struct hydra_ovr **out, const char *text, struct mlops_error *err)
{
	struct hydra_ovr *o = xcalloc(1, sizeof(*o));
	struct hydra_lex  lx;
	const char       *p      = text, *eq, *at;
	const char       *prefix = "";
	char             *key    = NULL;
	int               rc     = 0;

	o->text = xstrdup(text);
	if (strncmp(p, "++", 2) == 0) {
		o->op  = HYDRA_OP_FORCE;
		prefix = "++";
	} else if (*p == '+') {
		o->op  = HYDRA_OP_ADD;
		prefix = "+";
	} else if (*p == '~') {
		o->op  = HYDRA_OP_DEL;
		prefix = "~";
	}
	p += strlen(prefix);
	eq  = strchr(p, '=');
	key = eq ? xstrndup(p, (size_t) (eq - p)) : xstrdup(p);
	if (eq == NULL && o->op != HYDRA_OP_DEL) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
		    HYDRA_FIELD ": %s: expected key=value", text);
		goto out;
	}
	if ((at = strchr(key, '@')) != NULL) {
		if (strchr(at, ':') != NULL) {
			rc = mlops_error_set_field(err, MLOPS_EINVAL,
			    HYDRA_FIELD,
			    HYDRA_FIELD ": %s: renaming a package is not "
			                "supported",
			    text);
			goto out;
		}
		o->package = xstrdup(at + 1);
		o->key     = xstrndup(key, (size_t) (at - key));
	} else {
		o->key = xstrdup(key);
	}
	if (!hydra_key_ok(o->key)
	    || (o->package != NULL && *o->package != '\0'
	        && !hydra_key_ok(o->package))) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
		    HYDRA_FIELD ": %s: invalid key '%s'", text, key);
		goto out;
	}
	o->key_elem = xasprintf("%s%s", prefix, key);
	if (eq != NULL) {
		memset(&lx, 0, sizeof(lx));
		lx.s = eq + 1;
		hydra_lex_ws(&lx);
		o->value = hydra_parse_value(&lx);
		if (o->value != NULL && lx.s[lx.pos] != '\0') {
			hydra_lex_fail(&lx, "unexpected '%c'", lx.s[lx.pos]);
		}
		if (lx.why[0] != '\0') {
			rc = mlops_error_set_field(err, MLOPS_EINVAL,
			    HYDRA_FIELD, HYDRA_FIELD ": %s: %s", text, lx.why);
			goto out;
		}
	}
	*out = o;
	o    = NULL;
out:
	free(key);
	hydra_ovr_free(o);
	return rc;
}

enum hydra_type
hydra_string_type(const char *s)
{
	if (strcmp(s, "???") == 0) {
		return HYDRA_TYPE_MISSING;
	}
	if (strstr(s, "${") != NULL) {
		return HYDRA_TYPE_INTERPOLATION;
	}
	return HYDRA_TYPE_STRING;
}

bool
hydra_parse_bool(const char *text, bool *out)
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
