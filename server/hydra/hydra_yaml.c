/*
 * One Hydra config file -> struct hydra_file: the YAML (libyaml's document
 * API) converted to hydra_node trees with scalars typed the way OmegaConf's
 * loader types them, the "# @package" header, and the defaults list picked
 * apart into entries. Pure: works on text hydra.c read.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include <mlops/xmalloc.h>

#include "hydra.h"
#include "hydra_impl.h"

#define HYDRA_MAX_NODES 200000 /* per file, aliases included */
#define HYDRA_MAX_DEPTH 64     /* nesting of one file */

/* One file being converted from a libyaml document. */
struct hydra_yaml {
	yaml_document_t doc;
	const char     *path; /* for messages */
	const char     *rel;  /* for node->file */
	size_t          nodes;
};

static bool hydra_is_digits(const char *s, const char *set, bool need_one);
static bool hydra_is_int(const char *s);
static bool hydra_is_exponent(const char *p, bool sign_optional);
static bool hydra_is_float(const char *s);
static bool hydra_yaml_one_case(const char *s);
static int  hydra_yaml_error(struct mlops_error *err, const char *path,
     const yaml_mark_t *mark, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int hydra_yaml_convert(struct hydra_node **out, struct hydra_yaml *y,
    yaml_node_t *yn, const char *key, int depth, struct mlops_error *err);
static int hydra_yaml_scalar(struct hydra_node **out, struct hydra_yaml *y,
    yaml_node_t *yn, const char *key, struct mlops_error *err);
static int hydra_yaml_map(struct hydra_node **out, struct hydra_yaml *y,
    yaml_node_t *yn, const char *key, int depth, struct mlops_error *err);
static int hydra_yaml_merge(struct hydra_node *map, struct hydra_yaml *y,
    yaml_node_t *value, int depth, struct mlops_error *err);
static int hydra_header_parse(
    char **out, const char *path, const char *text, struct mlops_error *err);
static int hydra_dentry_split(struct hydra_dentry *d, const char *path,
    const char *text, bool group, const struct hydra_node *at,
    struct mlops_error *err);
static int hydra_dentry_parse(struct hydra_dentry *d, const char *path,
    const struct hydra_node *item, struct mlops_error *err);
static int hydra_defaults_parse(struct hydra_file *f,
    const struct hydra_node *list, struct mlops_error *err);

/* ---- scalar typing (PyYAML SafeLoader + OmegaConf's float resolver) ---- */

/* s is made of characters of `set` (at least one if need_one). */
static bool
hydra_is_digits(const char *s, const char *set, bool need_one)
{
	if (need_one && *s == '\0') {
		return false;
	}
	return s[strspn(s, set)] == '\0';
}

/* 0b..., 0..., decimal, 0x..., and base 60 (1:30) */
static bool
hydra_is_int(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');

	if (strncmp(p, "0b", 2) == 0) {
		return hydra_is_digits(p + 2, "01_", true);
	}
	if (strncmp(p, "0x", 2) == 0) {
		return hydra_is_digits(p + 2, "0123456789abcdefABCDEF_", true);
	}
	if (p[0] == '0') {
		return hydra_is_digits(p + 1, "01234567_", false);
	}
	if (p[0] < '1' || p[0] > '9') {
		return false;
	}
	p += strspn(p, "0123456789_");
	if (*p == '\0') {
		return true;
	}
	/* [1-9][0-9_]*(:[0-5]?[0-9])+ */
	while (*p == ':') {
		p++;
		if (p[0] >= '0' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9') {
			p += 2;
		} else if (p[0] >= '0' && p[0] <= '9') {
			p += 1;
		} else {
			return false;
		}
	}
	return *p == '\0';
}

/* [eE][-+]?[0-9]+ (sign optional only when `sign_optional`) */
static bool
hydra_is_exponent(const char *p, bool sign_optional)
{
	if (*p != 'e' && *p != 'E') {
		return false;
	}
	p++;
	if (*p == '-' || *p == '+') {
		p++;
	} else if (!sign_optional) {
		return false;
	}
	return hydra_is_digits(p, "0123456789", true);
}

static bool
hydra_is_float(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	const char *q;

	if (strcmp(p, ".inf") == 0 || strcmp(p, ".Inf") == 0
	    || strcmp(p, ".INF") == 0) {
		return true;
	}
	if (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0
	    || strcmp(s, ".NAN") == 0) {
		return true;
	}
	if (s[0] == '.') {
		/* \.[0-9_]+([eE][-+][0-9]+)? */
		q = s + 1 + strspn(s + 1, "0123456789_");
		return q > s + 1
		    && (*q == '\0' || hydra_is_exponent(q, false));
	}
	if (p[0] < '0' || p[0] > '9') {
		return false;
	}
	q = p + strspn(p, "0123456789_");
	if (*q == '.') {
		/* [0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)? */
		q++;
		q += strspn(q, "0123456789_");
		return *q == '\0' || hydra_is_exponent(q, true);
	}
	if (*q == 'e' || *q == 'E') {
		return hydra_is_exponent(q, true);
	}
	/* [0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* */
	if (*q != ':') {
		return false;
	}
	while (*q == ':') {
		q++;
		if (q[0] >= '0' && q[0] <= '5' && q[1] >= '0' && q[1] <= '9') {
			q += 2;
		} else if (q[0] >= '0' && q[0] <= '9') {
			q += 1;
		} else {
			return false;
		}
	}
	if (*q != '.') {
		return false;
	}
	return hydra_is_digits(q + 1, "0123456789_", false);
}

/* "word", "Word" or "WORD" (ASCII letters). */
static bool
hydra_yaml_one_case(const char *s)
{
	bool upper = isupper((unsigned char) *s), lower = true;

	if (*s == '\0') {
		return false;
	}
	for (const char *p = s + 1; *p != '\0'; p++) {
		upper = upper && isupper((unsigned char) *p);
		lower = lower && islower((unsigned char) *p);
	}
	return upper || lower;
}

enum hydra_type
hydra_yaml_plain_type(const char *s)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	bool                     b;

	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		if (strcmp(s, nulls[i]) == 0) {
			return HYDRA_TYPE_NULL;
		}
	}
	/* YAML 1.1 spells a bool word in lower, Capitalised or UPPER case */
	if (hydra_parse_bool(s, &b) && hydra_yaml_one_case(s)) {
		return HYDRA_TYPE_BOOL;
	}
	/* PyYAML tries its float resolver first, then int, then OmegaConf's
	 * float resolver; the union below gives the same answers. */
	if (hydra_is_int(s)) {
		return HYDRA_TYPE_INT;
	}
	if (hydra_is_float(s)) {
		return HYDRA_TYPE_FLOAT;
	}
	return hydra_string_type(s);
}

const char *
hydra_type_name(enum hydra_type type)
{
	switch (type) {
	case HYDRA_TYPE_INT:
		return "int";
	case HYDRA_TYPE_FLOAT:
		return "float";
	case HYDRA_TYPE_BOOL:
		return "bool";
	case HYDRA_TYPE_NULL:
		return "null";
	case HYDRA_TYPE_STRING:
		return "string";
	case HYDRA_TYPE_INTERPOLATION:
		return "interpolation";
	case HYDRA_TYPE_MISSING:
		return "missing";
	case HYDRA_TYPE_NONE:
		break;
	}
	return "none";
}

/* ---- YAML -> nodes ---- */

static int
hydra_yaml_error(struct mlops_error *err, const char *path,
    const yaml_mark_t *mark, const char *fmt, ...)
{
	char    buf[MLOPS_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return mlops_error_set(err, MLOPS_ECONFIG, "%s:%zu:%zu: %s", path,
	    mark->line + 1, mark->column + 1, buf);
}

static int
hydra_yaml_scalar(struct hydra_node **out, struct hydra_yaml *y,
    yaml_node_t *yn, const char *key, struct mlops_error *err)
{
	const char *tag  = (const char *) yn->tag;
	char       *text = xstrndup(
	          (const char *) yn->data.scalar.value, yn->data.scalar.length);
	enum hydra_type type;
	int             rc = 0;

	if (strlen(text) != yn->data.scalar.length) {
		rc = hydra_yaml_error(err, y->path, &yn->start_mark,
		    "a NUL character in a value is not supported");
		goto out;
	}
	if (tag != NULL && strcmp(tag, YAML_STR_TAG) != 0) {
		if (strcmp(tag, YAML_INT_TAG) == 0) {
			type = HYDRA_TYPE_INT;
		} else if (strcmp(tag, YAML_FLOAT_TAG) == 0) {
			type = HYDRA_TYPE_FLOAT;
		} else if (strcmp(tag, YAML_BOOL_TAG) == 0) {
			type = HYDRA_TYPE_BOOL;
		} else if (strcmp(tag, YAML_NULL_TAG) == 0) {
			type = HYDRA_TYPE_NULL;
		} else {
			rc = hydra_yaml_error(err, y->path, &yn->start_mark,
			    "unsupported tag '%s'", tag);
			goto out;
		}
	} else if (yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		type = hydra_yaml_plain_type(text);
	} else {
		type = hydra_string_type(text);
	}
	*out = hydra_node_scalar(key, type, text, y->rel,
	    (unsigned) yn->start_mark.line + 1,
	    (unsigned) yn->start_mark.column + 1);
out:
	free(text);
	return rc;
}

/* Adds the members of a `<<: *anchor` (or a list of them) that `map` does
 * not have yet; the first source wins, as in PyYAML. */
static int
hydra_yaml_merge(struct hydra_node *map, struct hydra_yaml *y,
    yaml_node_t *value, int depth, struct mlops_error *err)
{
	yaml_node_t       *src;
	struct hydra_node *tmp = NULL;
	size_t             nsrc;
	int                rc = 0;

	nsrc = value->type == YAML_SEQUENCE_NODE
	    ? (size_t) (value->data.sequence.items.top
	        - value->data.sequence.items.start)
	    : 1;
	for (size_t i = 0; i < nsrc; i++) {
		src = value->type == YAML_SEQUENCE_NODE
		    ? yaml_document_get_node(
		        &y->doc, value->data.sequence.items.start[i])
		    : value;
		if (src == NULL || src->type != YAML_MAPPING_NODE) {
			return hydra_yaml_error(err, y->path,
			    &value->start_mark,
			    "'<<' needs a map or a list of maps");
		}
		if ((rc = hydra_yaml_map(&tmp, y, src, NULL, depth + 1, err))
		    < 0) {
			return rc;
		}
		for (size_t j = 0; j < tmp->nitems; j++) {
			if (hydra_node_index(map, tmp->items[j]->key) < 0) {
				hydra_node_append(map, tmp->items[j]);
				tmp->items[j] = NULL;
			}
		}
		hydra_node_free(tmp);
		tmp = NULL;
	}
	return 0;
}

static int
hydra_yaml_map(struct hydra_node **out, struct hydra_yaml *y, yaml_node_t *yn,
    const char *key, int depth, struct mlops_error *err)
{
	struct hydra_node *map = NULL, *child = NULL;
	yaml_node_pair_t  *pair;
	yaml_node_t       *k, *v;
	char              *name = NULL;
	size_t             nmerged;
	long               idx;
	int                rc = 0;

	map = hydra_node_new(HYDRA_NODE_MAP, key, y->rel,
	    (unsigned) yn->start_mark.line + 1,
	    (unsigned) yn->start_mark.column + 1);
	/* Merge keys first: their members come before the explicit ones
	 * and lose to them. */
	for (pair = yn->data.mapping.pairs.start;
	     pair < yn->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&y->doc, pair->key);
		v = yaml_document_get_node(&y->doc, pair->value);
		if (k != NULL && v != NULL && k->type == YAML_SCALAR_NODE
		    && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
		    && k->data.scalar.length == 2
		    && memcmp(k->data.scalar.value, "<<", 2) == 0) {
			if ((rc = hydra_yaml_merge(map, y, v, depth, err))
			    < 0) {
				goto out;
			}
		}
	}
	nmerged = map->nitems;
	for (pair = yn->data.mapping.pairs.start;
	     pair < yn->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&y->doc, pair->key);
		v = yaml_document_get_node(&y->doc, pair->value);
		if (k == NULL || v == NULL) {
			continue;
		}
		if (k->type != YAML_SCALAR_NODE) {
			rc = hydra_yaml_error(err, y->path, &k->start_mark,
			    "a map key must be a scalar");
			goto out;
		}
		name = xstrndup((const char *) k->data.scalar.value,
		    k->data.scalar.length);
		if (k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
		    && strcmp(name, "<<") == 0) {
			free(name);
			name = NULL;
			continue;
		}
		idx = hydra_node_index(map, name);
		if (idx >= (long) nmerged) {
			rc = hydra_yaml_error(err, y->path, &k->start_mark,
			    "duplicate key '%s'", name);
			goto out;
		}
		if ((rc = hydra_yaml_convert(
		         &child, y, v, name, depth + 1, err))
		    < 0) {
			goto out;
		}
		child->line   = (unsigned) k->start_mark.line + 1;
		child->column = (unsigned) k->start_mark.column + 1;
		if (idx >= 0) {
			hydra_node_replace(map, (size_t) idx, child);
		} else {
			hydra_node_append(map, child);
		}
		child = NULL;
		free(name);
		name = NULL;
	}
	*out = map;
	map  = NULL;
out:
	free(name);
	hydra_node_free(child);
	hydra_node_free(map);
	return rc;
}

static int
hydra_yaml_convert(struct hydra_node **out, struct hydra_yaml *y,
    yaml_node_t *yn, const char *key, int depth, struct mlops_error *err)
{
	struct hydra_node *list = NULL, *child = NULL;
	yaml_node_t       *item;
	int                rc;

	if (++y->nodes > HYDRA_MAX_NODES) {
		return hydra_yaml_error(err, y->path, &yn->start_mark,
		    "more than %d values (recursive aliases?)",
		    HYDRA_MAX_NODES);
	}
	if (depth > HYDRA_MAX_DEPTH) {
		return hydra_yaml_error(err, y->path, &yn->start_mark,
		    "nested deeper than %d levels", HYDRA_MAX_DEPTH);
	}
	switch (yn->type) {
	case YAML_SCALAR_NODE:
		return hydra_yaml_scalar(out, y, yn, key, err);
	case YAML_MAPPING_NODE:
		return hydra_yaml_map(out, y, yn, key, depth, err);
	case YAML_SEQUENCE_NODE:
		list = hydra_node_new(HYDRA_NODE_LIST, key, y->rel,
		    (unsigned) yn->start_mark.line + 1,
		    (unsigned) yn->start_mark.column + 1);
		for (yaml_node_item_t *it = yn->data.sequence.items.start;
		     it < yn->data.sequence.items.top; it++) {
			item = yaml_document_get_node(&y->doc, *it);
			if (item == NULL) {
				continue;
			}
			rc = hydra_yaml_convert(
			    &child, y, item, NULL, depth + 1, err);
			if (rc < 0) {
				hydra_node_free(list);
				return rc;
			}
			hydra_node_append(list, child);
		}
		*out = list;
		return 0;
	case YAML_NO_NODE:
		break;
	}
	return hydra_yaml_error(
	    err, y->path, &yn->start_mark, "unexpected YAML node");
}

/* ---- header and defaults list ---- */

/* Hydra reads "# @key value" lines until the first line that is neither
 * empty nor such a line. */
static int
hydra_header_parse(
    char **out, const char *path, const char *text, struct mlops_error *err)
{
	const char *p    = text, *eol, *s, *e;
	char       *line = NULL, *key, *val, *extra, *save = NULL;
	unsigned    lineno = 0;
	int         rc     = 0;

	*out = NULL;
	while (*p != '\0') {
		eol = strchr(p, '\n');
		eol = eol ? eol : p + strlen(p);
		lineno++;
		for (s = p; s < eol && (*s == ' ' || *s == '\t'); s++) { }
		for (e = eol;
		     e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r');
		     e--) { }
		if (s == e) {
			p = *eol ? eol + 1 : eol;
			continue;
		}
		if (*s != '#') {
			break;
		}
		line = xstrndup(s + 1, (size_t) (e - s - 1));
		s    = line + strspn(line, " \t");
		if (*s != '@') {
			free(line);
			line = NULL;
			break;
		}
		key   = strtok_r(line, " \t", &save);
		val   = strtok_r(NULL, " \t", &save);
		extra = strtok_r(NULL, " \t", &save);
		if (val == NULL || extra != NULL) {
			rc = mlops_error_set(err, MLOPS_ECONFIG,
			    "%s:%u:1: header: expected '# @%s VALUE'", path,
			    lineno, key + 1);
			goto out;
		}
		if (strcmp(key, "@package") == 0) {
			free(*out);
			*out = xstrdup(val);
		}
		free(line);
		line = NULL;
		p    = *eol ? eol + 1 : eol;
	}
out:
	free(line);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* "[optional|override ]*group[@pkg]" or a config path; the package part
 * goes to d->package. */
static int
hydra_dentry_split(struct hydra_dentry *d, const char *path, const char *text,
    bool group, const struct hydra_node *at, struct mlops_error *err)
{
	char *copy = xstrdup(text), *save = NULL, *word, *last = NULL, *atp;
	int   rc = 0;

	for (word = strtok_r(copy, " \t", &save); word != NULL;
	     word = strtok_r(NULL, " \t", &save)) {
		if (last != NULL) {
			if (group && strcmp(last, "optional") == 0) {
				d->optional = true;
			} else if (group && strcmp(last, "override") == 0) {
				d->override = true;
			} else {
				rc = mlops_error_set(err, MLOPS_ECONFIG,
				    "%s:%u:%u: defaults: unknown keyword '%s' "
				    "in '%s'",
				    path, at->line, at->column, last, text);
				goto out;
			}
		}
		last = word;
	}
	if (last == NULL) {
		rc = mlops_error_set(err, MLOPS_ECONFIG,
		    "%s:%u:%u: defaults: empty entry", path, at->line,
		    at->column);
		goto out;
	}
	if ((atp = strchr(last, '@')) != NULL) {
		*atp = '\0';
		if (strchr(atp + 1, ':') != NULL) {
			rc = mlops_error_set(err, MLOPS_ECONFIG,
			    "%s:%u:%u: defaults: renaming a package ('%s') "
			    "is not supported",
			    path, at->line, at->column, text);
			goto out;
		}
		if (atp[1] != '\0') {
			d->package = xstrdup(atp + 1);
		}
	}
	if (*last == '\0' || strcmp(last, "/") == 0) {
		rc = mlops_error_set(err, MLOPS_ECONFIG,
		    "%s:%u:%u: defaults: missing name in '%s'", path, at->line,
		    at->column, text);
		goto out;
	}
	d->path = xstrdup(last);
out:
	free(copy);
	return rc;
}

static int
hydra_dentry_parse(struct hydra_dentry *d, const char *path,
    const struct hydra_node *item, struct mlops_error *err)
{
	const struct hydra_node *v;
	bool                     text_ok;

	d->line   = item->line;
	d->column = item->column;
	if (item->kind == HYDRA_NODE_SCALAR) {
		if (item->type != HYDRA_TYPE_STRING) {
			return mlops_error_set(err, MLOPS_ECONFIG,
			    "%s:%u:%u: defaults: unsupported entry '%s'", path,
			    item->line, item->column, item->value);
		}
		if (item->value[0] == '~') {
			return mlops_error_set(err, MLOPS_ECONFIG,
			    "%s:%u:%u: defaults: deleting an entry ('%s') in "
			    "a defaults list is not supported",
			    path, item->line, item->column, item->value);
		}
		d->kind = HYDRA_D_CONFIG;
		if (hydra_dentry_split(d, path, item->value, false, item, err)
		    < 0) {
			return MLOPS_ECONFIG;
		}
		if (strcmp(d->path, "_self_") == 0) {
			d->kind = HYDRA_D_SELF;
			if (d->package != NULL) {
				return mlops_error_set(err, MLOPS_ECONFIG,
				    "%s:%u:%u: defaults: _self_@PACKAGE is "
				    "not supported",
				    path, item->line, item->column);
			}
		}
		return 0;
	}
	if (item->kind != HYDRA_NODE_MAP || item->nitems != 1) {
		return mlops_error_set(err, MLOPS_ECONFIG,
		    item->kind == HYDRA_NODE_MAP
		        ? "%s:%u:%u: defaults: an entry must have one key "
		          "(write '- optional group: option' instead of an "
		          "'optional:' key)"
		        : "%s:%u:%u: defaults: an entry must be a config "
		          "name or 'group: option'",
		    path, item->line, item->column);
	}
	d->kind = HYDRA_D_GROUP;
	v       = item->items[0];
	if (hydra_dentry_split(d, path, v->key, true, v, err) < 0) {
		return MLOPS_ECONFIG;
	}
	if (v->kind == HYDRA_NODE_LIST) {
		d->is_list = true;
		d->options
		    = xreallocarray(NULL, v->nitems + 1, sizeof(char *));
		for (size_t i = 0; i < v->nitems; i++) {
			if (v->items[i]->kind != HYDRA_NODE_SCALAR
			    || v->items[i]->type != HYDRA_TYPE_STRING) {
				return mlops_error_set(err, MLOPS_ECONFIG,
				    "%s:%u:%u: defaults: '%s': options must "
				    "be names",
				    path, v->items[i]->line,
				    v->items[i]->column, v->key);
			}
			d->options[d->noptions++]
			    = xstrdup(v->items[i]->value);
		}
		return 0;
	}
	text_ok = v->kind == HYDRA_NODE_SCALAR
	    && (v->type == HYDRA_TYPE_STRING || v->type == HYDRA_TYPE_MISSING
	        || v->type == HYDRA_TYPE_INTERPOLATION);
	if (v->kind == HYDRA_NODE_SCALAR && v->type == HYDRA_TYPE_NULL) {
		return 0; /* - group: null */
	}
	if (!text_ok) {
		return mlops_error_set(err, MLOPS_ECONFIG,
		    "%s:%u:%u: defaults: '%s' needs an option name, a list "
		    "of them or null",
		    path, v->line, v->column, v->key);
	}
	d->value = xstrdup(v->value);
	return 0;
}

static int
hydra_defaults_parse(struct hydra_file *f, const struct hydra_node *list,
    struct mlops_error *err)
{
	int rc;

	if (list->kind == HYDRA_NODE_SCALAR && list->type == HYDRA_TYPE_NULL) {
		return 0;
	}
	if (list->kind != HYDRA_NODE_LIST) {
		return mlops_error_set(err, MLOPS_ECONFIG,
		    "%s:%u:%u: defaults: must be a list", f->path, list->line,
		    list->column);
	}
	f->defaults = xcalloc(list->nitems + 1, sizeof(*f->defaults));
	for (size_t i = 0; i < list->nitems; i++) {
		rc = hydra_dentry_parse(&f->defaults[f->ndefaults++], f->path,
		    list->items[i], err);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int
hydra_file_parse(struct hydra_file *f, const char *text, size_t len,
    const char *rel, struct mlops_error *err)
{
	struct hydra_yaml y;
	yaml_parser_t     parser;
	yaml_node_t      *root;
	bool              have_parser = false, have_doc = false;
	long              i;
	int               rc = 0;

	memset(&y, 0, sizeof(y));
	y.path = f->path;
	y.rel  = rel;
	if ((rc = hydra_header_parse(&f->header, f->path, text, err)) < 0) {
		goto out;
	}
	if (!yaml_parser_initialize(&parser)) {
		rc = mlops_error_set(err, MLOPS_ERROR, "libyaml init failed");
		goto out;
	}
	have_parser = true;
	yaml_parser_set_input_string(
	    &parser, (const unsigned char *) text, len);
	if (!yaml_parser_load(&parser, &y.doc)) {
		rc = mlops_error_set(err, MLOPS_ECONFIG,
		    "%s:%zu:%zu: YAML syntax error: %s", f->path,
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem ? parser.problem : "invalid YAML");
		goto out;
	}
	have_doc = true;
	root     = yaml_document_get_root_node(&y.doc);
	if (root == NULL
	    || (root->type == YAML_SCALAR_NODE
	        && root->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
	        && hydra_yaml_plain_type(
	               (const char *) root->data.scalar.value)
	            == HYDRA_TYPE_NULL)) {
		f->content = hydra_node_new(HYDRA_NODE_MAP, NULL, rel, 1, 1);
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		rc = hydra_yaml_error(err, f->path, &root->start_mark,
		    "a config file must be a map");
		goto out;
	}
	if ((rc = hydra_yaml_convert(&f->content, &y, root, NULL, 0, err))
	    < 0) {
		goto out;
	}
	if ((i = hydra_node_index(f->content, "defaults")) >= 0) {
		rc = hydra_defaults_parse(f, f->content->items[i], err);
		hydra_node_remove(f->content, (size_t) i);
	}
out:
	if (have_doc) {
		yaml_document_delete(&y.doc);
	}
	if (have_parser) {
		yaml_parser_delete(&parser);
	}
	return rc;
}

void
hydra_file_fini(struct hydra_file *f)
{
	for (size_t i = 0; i < f->ndefaults; i++) {
		struct hydra_dentry *d = &f->defaults[i];

		free(d->path);
		free(d->package);
		free(d->value);
		for (size_t j = 0; j < d->noptions; j++) {
			free(d->options[j]);
		}
		free(d->options);
	}
	free(f->defaults);
	hydra_node_free(f->content);
	free(f->name);
	free(f->path);
	free(f->header);
	free(f->err_msg);
}
