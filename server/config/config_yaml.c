/*
 * The YAML layer both configuration files share: reading a file into a
 * libyaml document with limits, typed node readers whose errors name
 * file:line:column and key, the field-table driven map parser, string
 * lists and ~ expansion. Pure; any thread.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mlops/xmalloc.h>

#include "config.h"
#include "config_impl.h"

#define CONFIG_BUDGET       (16u * 1024u * 1024u) /* bytes copied per document */
#define CONFIG_MAX_CLUSTERS 1024
#define CONFIG_NAME_MAX     64

static void config_offset_pos(
    const char *text, size_t len, size_t off, size_t *line, size_t *col);
static bool config_has_ctl(const char *s, size_t len, bool allow_tab_nl);
static int  config_doc_syntax_error(const yaml_parser_t *p, const char *name,
     const char *text, size_t len, struct mlops_error *err);
static int  config_doc_charge(struct config_doc *cd, yaml_node_t *node,
     const char *key, size_t len, struct mlops_error *err);
static int  config_node_uint(unsigned *out, struct config_doc *cd,
     yaml_node_t *node, const char *key, unsigned min, unsigned max,
     const char *what, struct mlops_error *err);
static int  config_node_bool(bool *out, struct config_doc *cd,
     yaml_node_t *node, const char *key, struct mlops_error *err);
static int  config_node_list(struct strlist *out, struct config_doc *cd,
     yaml_node_t *node, const char *key, enum config_kind kind,
     struct mlops_error *err);
static int  config_list_item(struct strlist *out, struct config_doc *cd,
     yaml_node_t *item, const char *key, enum config_kind kind,
     struct mlops_error *err);
static int  config_field_parse(void *obj, const struct config_field *f,
     struct config_doc *cd, yaml_node_t *value, struct mlops_error *err);

/* ---- string lists and paths ---- */

/* ASCII white space, whatever the locale. */
bool
config_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v'
	    || c == '\f';
}

bool
config_is_pow2(size_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

void
strlist_add(struct strlist *l, const char *s)
{
	/* Capacity is the next power of two >= n + 1 (items plus NULL). */
	if (l->v == NULL || config_is_pow2(l->n + 1)) {
		l->v = xreallocarray(l->v, (l->n + 1) * 2, sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(s);
	l->v[l->n]   = NULL;
}

void
strlist_fini(struct strlist *l)
{
	if (l == NULL) {
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i]);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

bool
strlist_contains(const struct strlist *l, const char *s)
{
	if (l == NULL || s == NULL) {
		return false;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], s) == 0) {
			return true;
		}
	}
	return false;
}

char *
config_expand_home(const char *path)
{
	struct passwd pw, *pwp = NULL;
	char          buf[4096];
	const char   *home;
	size_t        hlen;

	if (path == NULL) {
		return NULL;
	}
	if (path[0] != '~' || (path[1] != '\0' && path[1] != '/')) {
		return xstrdup(path);
	}
	home = getenv("HOME");
	if (home == NULL || *home == '\0') {
		if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &pwp) != 0
		    || pwp == NULL || pwp->pw_dir == NULL
		    || *pwp->pw_dir == '\0') {
			return xstrdup(path);
		}
		home = pwp->pw_dir;
	}
	hlen = strlen(home);
	while (hlen > 1 && home[hlen - 1] == '/') {
		hlen--;
	}
	if (hlen == 1 && home[0] == '/' && path[1] == '/') {
		return xstrdup(path + 1); /* HOME=/ : "~/x" is "/x" */
	}
	return xasprintf("%.*s%s", (int) hlen, home, path + 1);
}

/* ---- files and documents ---- */

int
config_read_file(
    char **out, size_t *len, const char *path, struct mlops_error *err)
{
	FILE       *fp  = NULL;
	char       *buf = NULL;
	size_t      n;
	struct stat st;
	int         rc;

	if ((fp = fopen(path, "rb")) == NULL) {
		rc = errno == ENOENT ? MLOPS_ENOTFOUND : MLOPS_EIO;
		mlops_error_set(err, rc, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = mlops_error_set(
		    err, MLOPS_EIO, "%s: not a regular file", path);
		goto out;
	}
	buf = xmalloc(CONFIG_MAX_FILE_SIZE + 1);
	n   = fread(buf, 1, CONFIG_MAX_FILE_SIZE + 1, fp);
	if (ferror(fp)) {
		rc = mlops_error_set(err, MLOPS_EIO, "%s: read failed", path);
		goto out;
	}
	if (n > CONFIG_MAX_FILE_SIZE) {
		rc = mlops_error_set(err, MLOPS_ECONFIG,
		    "%s: larger than %u bytes", path, CONFIG_MAX_FILE_SIZE);
		goto out;
	}
	buf[n] = '\0';
	*out   = buf;
	*len   = n;
	buf    = NULL;
	rc     = 0;
out:
	free(buf);
	if (fp != NULL) {
		fclose(fp);
	}
	return rc;
}

/* Line and column (1-based, in characters) of a byte offset. */
static void
config_offset_pos(
    const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col  = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char) text[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static int
config_doc_syntax_error(const yaml_parser_t *p, const char *name,
    const char *text, size_t len, struct mlops_error *err)
{
	size_t line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return mlops_error_set(
		    err, MLOPS_ERROR, "%s: out of memory while parsing", name);
	case YAML_READER_ERROR:
		config_offset_pos(text, len, p->problem_offset, &line, &col);
		return mlops_error_set(err, MLOPS_ECONFIG,
		    "%s:%zu:%zu: YAML syntax error: %s", name, line, col,
		    p->problem ? p->problem : "unreadable input");
	default:
		break;
	}
	if (p->context != NULL) {
		return mlops_error_set(err, MLOPS_ECONFIG,
		    "%s:%zu:%zu: YAML syntax error: %s (%s at line %zu, "
		    "column %zu)",
		    name, p->problem_mark.line + 1, p->problem_mark.column + 1,
		    p->problem ? p->problem : "invalid YAML", p->context,
		    p->context_mark.line + 1, p->context_mark.column + 1);
	}
	return mlops_error_set(err, MLOPS_ECONFIG,
	    "%s:%zu:%zu: YAML syntax error: %s", name,
	    p->problem_mark.line + 1, p->problem_mark.column + 1,
	    p->problem ? p->problem : "invalid YAML");
}

int
config_doc_load(struct config_doc *cd, const char *name, const char *text,
    size_t len, struct mlops_error *err)
{
	yaml_parser_t   parser;
	yaml_document_t extra;
	bool            have_parser = false, have_doc = false;
	yaml_node_t    *root;
	int             rc;

	memset(cd, 0, sizeof(*cd));
	cd->cd_name   = name;
	cd->cd_budget = CONFIG_BUDGET;
	if (!yaml_parser_initialize(&parser)) {
		rc = mlops_error_set(
		    err, MLOPS_ERROR, "%s: libyaml init failed", name);
		goto out;
	}
	have_parser = true;
	yaml_parser_set_input_string(
	    &parser, (const unsigned char *) (text ? text : ""), len);
	if (!yaml_parser_load(&parser, &cd->cd_doc)) {
		rc = config_doc_syntax_error(&parser, name, text, len, err);
		goto out;
	}
	have_doc = true;
	/* A second document is a mistake, not something to ignore. */
	if (!yaml_parser_load(&parser, &extra)) {
		rc = config_doc_syntax_error(&parser, name, text, len, err);
		goto out;
	}
	root = yaml_document_get_root_node(&extra);
	if (root != NULL) {
		rc = mlops_error_set(err, MLOPS_ECONFIG,
		    "%s:%zu:%zu: YAML syntax error: only one document is "
		    "allowed",
		    name, extra.start_mark.line + 1,
		    extra.start_mark.column + 1);
		yaml_document_delete(&extra);
		goto out;
	}
	yaml_document_delete(&extra);
	cd->cd_loaded = true;
	rc            = 0;
out:
	if (rc != 0 && have_doc) {
		yaml_document_delete(&cd->cd_doc);
	}
	if (have_parser) {
		yaml_parser_delete(&parser);
	}
	return rc;
}

void
config_doc_fini(struct config_doc *cd)
{
	if (cd != NULL && cd->cd_loaded) {
		yaml_document_delete(&cd->cd_doc);
		cd->cd_loaded = false;
	}
}

yaml_node_t *
config_doc_root(struct config_doc *cd)
{
	return yaml_document_get_root_node(&cd->cd_doc);
}

/* ---- nodes ---- */

bool
config_node_is_null(const yaml_node_t *node)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	const char              *v;

	if (node == NULL) {
		return true;
	}
	if (node->type != YAML_SCALAR_NODE
	    || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		return false;
	}
	v = (const char *) node->data.scalar.value;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		if (strcmp(v, nulls[i]) == 0) {
			return true;
		}
	}
	return false;
}

bool
config_node_is(const yaml_node_t *node, const char *s)
{
	size_t n = strlen(s);

	return node != NULL && node->type == YAML_SCALAR_NODE
	    && node->data.scalar.length == n
	    && memcmp(node->data.scalar.value, s, n) == 0;
}

yaml_node_t *
config_map_find(struct config_doc *cd, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE) {
		return NULL;
	}
	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		if (config_node_is(
		        yaml_document_get_node(&cd->cd_doc, p->key), key)) {
			return yaml_document_get_node(&cd->cd_doc, p->value);
		}
	}
	return NULL;
}

int
config_node_error(struct mlops_error *err, const struct config_doc *cd,
    const yaml_node_t *node, const char *key, const char *fmt, ...)
{
	char    what[MLOPS_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return mlops_error_set_field(err, MLOPS_ECONFIG, key,
	    "%s:%zu:%zu: %s: %s", cd->cd_name, node->start_mark.line + 1,
	    node->start_mark.column + 1, key, what);
}

void
config_node_warn(struct strlist *warnings, const struct config_doc *cd,
    const yaml_node_t *node, const char *fmt, ...)
{
	char   *what, *line;
	va_list ap;

	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	line = xasprintf("%s:%zu:%zu: %s", cd->cd_name,
	    node->start_mark.line + 1, node->start_mark.column + 1, what);
	strlist_add(warnings, line);
	free(line);
	free(what);
}

const char *
config_node_kind(const yaml_node_t *node)
{
	if (node == NULL) {
		return "nothing";
	}
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return config_node_is_null(node) ? "an empty value"
		                                 : "a string";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* True if s[0..len) holds a NUL or control character (tab and newline
 * allowed when asked). */
static bool
config_has_ctl(const char *s, size_t len, bool allow_tab_nl)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char) s[i];

		if (allow_tab_nl && (c == '\t' || c == '\n')) {
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			return true;
		}
	}
	return false;
}

/* Counts copied bytes against the document's budget, so that aliases
 * cannot expand a small file into gigabytes. */
static int
config_doc_charge(struct config_doc *cd, yaml_node_t *node, const char *key,
    size_t len, struct mlops_error *err)
{
	size_t cost = len + 16;

	if (cost > cd->cd_budget) {
		return config_node_error(err, cd, node, key,
		    "the document expands to more than %u bytes (aliases?)",
		    CONFIG_BUDGET);
	}
	cd->cd_budget -= cost;
	return 0;
}

int
config_node_text(char **out, struct config_doc *cd, yaml_node_t *node,
    const char *key, struct mlops_error *err)
{
	const char *v;
	size_t      len;
	int         rc;

	if (node->type != YAML_SCALAR_NODE) {
		return config_node_error(err, cd, node, key,
		    "expected a string, found %s", config_node_kind(node));
	}
	v   = (const char *) node->data.scalar.value;
	len = node->data.scalar.length;
	if (config_has_ctl(v, len, true)) {
		return config_node_error(
		    err, cd, node, key, "control characters are not allowed");
	}
	if ((rc = config_doc_charge(cd, node, key, len, err)) < 0) {
		return rc;
	}
	*out = xstrndup(v, len);
	return 0;
}

int
config_node_string(char **out, struct config_doc *cd, yaml_node_t *node,
    const char *key, struct mlops_error *err)
{
	const char *v;
	size_t      len;
	int         rc;

	if (node->type != YAML_SCALAR_NODE) {
		return config_node_error(err, cd, node, key,
		    "expected a string, found %s", config_node_kind(node));
	}
	if (config_node_is_null(node)) {
		*out = NULL;
		return 0;
	}
	v   = (const char *) node->data.scalar.value;
	len = node->data.scalar.length;
	if (len == 0) {
		return config_node_error(
		    err, cd, node, key, "must not be empty");
	}
	if (config_has_ctl(v, len, false)) {
		return config_node_error(err, cd, node, key,
		    "must be one line without control characters");
	}
	if ((rc = config_doc_charge(cd, node, key, len, err)) < 0) {
		return rc;
	}
	*out = xstrndup(v, len);
	return 0;
}

bool
config_is_ident(const char *s)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                         "abcdefghijklmnopqrstuvwxyz"
	                         "0123456789._-";

	/* ASCII only, whatever the locale. */
	return s != NULL && *s != '\0' && *s != '-'
	    && s[strspn(s, ok)] == '\0';
}

static int
config_node_uint(unsigned *out, struct config_doc *cd, yaml_node_t *node,
    const char *key, unsigned min, unsigned max, const char *what,
    struct mlops_error *err)
{
	const char   *v;
	unsigned long n = 0;

	if (node->type != YAML_SCALAR_NODE) {
		return config_node_error(err, cd, node, key,
		    "expected %s, found %s", what, config_node_kind(node));
	}
	v = (const char *) node->data.scalar.value;
	if (*v == '\0' || strlen(v) != node->data.scalar.length) {
		goto bad;
	}
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9') {
			goto bad;
		}
		n = n * 10 + (unsigned long) (*p - '0');
		if (n > max) {
			goto bad;
		}
	}
	if (n < min) {
		goto bad;
	}
	*out = (unsigned) n;
	return 0;
bad:
	return config_node_error(err, cd, node, key,
	    "expected %s from %u to %u, found \"%.32s\"", what, min, max, v);
}

static int
config_node_bool(bool *out, struct config_doc *cd, yaml_node_t *node,
    const char *key, struct mlops_error *err)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[]  = { "false", "no", "off" };
	const char              *v;

	if (node->type != YAML_SCALAR_NODE) {
		return config_node_error(err, cd, node, key,
		    "expected true or false, found %s",
		    config_node_kind(node));
	}
	v = (const char *) node->data.scalar.value;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return config_node_error(
	    err, cd, node, key, "expected true or false, found \"%.32s\"", v);
}

/* Adds one scalar to a list, splitting it into lines for
 * CONFIG_KIND_LINES (blank lines dropped). */
static int
config_list_item(struct strlist *out, struct config_doc *cd, yaml_node_t *item,
    const char *key, enum config_kind kind, struct mlops_error *err)
{
	char *s = NULL, *line, *next;
	int   rc;

	if (item->type != YAML_SCALAR_NODE || config_node_is_null(item)) {
		rc = config_node_error(err, cd, item, key,
		    "list items must be strings, found %s",
		    config_node_kind(item));
		goto out;
	}
	if (kind == CONFIG_KIND_LINES) {
		if ((rc = config_node_text(&s, cd, item, key, err)) < 0) {
			goto out;
		}
		for (line = s; line != NULL; line = next) {
			size_t n;

			if ((next = strchr(line, '\n')) != NULL) {
				*next++ = '\0';
			}
			n = strlen(line);
			while (n > 0 && config_is_space(line[n - 1])) {
				line[--n] = '\0';
			}
			if (n > 0) {
				strlist_add(out, line);
			}
		}
		rc = 0;
		goto out;
	}
	if ((rc = config_node_string(&s, cd, item, key, err)) < 0) {
		goto out;
	}
	if (kind == CONFIG_KIND_IDENTS && !config_is_ident(s)) {
		rc = config_node_error(err, cd, item, key,
		    "\"%.40s\" is not a valid name (letters, digits, '.', "
		    "'_', '-'; not starting with '-')",
		    s);
		goto out;
	}
	strlist_add(out, s);
	rc = 0;
out:
	free(s);
	return rc;
}

static int
config_node_list(struct strlist *out, struct config_doc *cd, yaml_node_t *node,
    const char *key, enum config_kind kind, struct mlops_error *err)
{
	struct strlist    l = { NULL, 0 };
	yaml_node_item_t *it;
	int               rc = 0;

	switch (node->type) {
	case YAML_SCALAR_NODE:
		rc = config_list_item(&l, cd, node, key, kind, err);
		break;
	case YAML_SEQUENCE_NODE:
		for (it = node->data.sequence.items.start;
		     rc == 0 && it < node->data.sequence.items.top; it++) {
			rc = config_list_item(&l, cd,
			    yaml_document_get_node(&cd->cd_doc, *it), key,
			    kind, err);
		}
		break;
	default:
		rc = config_node_error(err, cd, node, key,
		    "expected a list of strings, found %s",
		    config_node_kind(node));
		break;
	}
	if (rc < 0) {
		strlist_fini(&l);
		return rc;
	}
	strlist_fini(out);
	*out = l;
	return 0;
}

static int
config_field_parse(void *obj, const struct config_field *f,
    struct config_doc *cd, yaml_node_t *value, struct mlops_error *err)
{
	void *dst = (char *) obj + f->cf_offset;
	char *s   = NULL;
	int   rc;

	switch (f->cf_kind) {
	case CONFIG_KIND_STRING:
	case CONFIG_KIND_PATH:
	case CONFIG_KIND_IDENT:
		if ((rc = config_node_string(&s, cd, value, f->cf_key, err))
		    < 0) {
			return rc;
		}
		if (f->cf_kind == CONFIG_KIND_IDENT && !config_is_ident(s)) {
			rc = config_node_error(err, cd, value, f->cf_key,
			    "\"%.40s\" is not a valid name (letters, digits, "
			    "'.', '_', '-'; not starting with '-')",
			    s);
			free(s);
			return rc;
		}
		if (f->cf_kind == CONFIG_KIND_PATH) {
			char *p = config_expand_home(s);

			free(s);
			s = p;
		}
		free(*(char **) dst);
		*(char **) dst = s;
		return 0;
	case CONFIG_KIND_STRINGS:
	case CONFIG_KIND_IDENTS:
	case CONFIG_KIND_LINES:
		return config_node_list(
		    dst, cd, value, f->cf_key, f->cf_kind, err);
	case CONFIG_KIND_BOOL:
		return config_node_bool(dst, cd, value, f->cf_key, err);
	case CONFIG_KIND_SECONDS:
		return config_node_uint(dst, cd, value, f->cf_key, 1,
		    CONFIG_MAX_SECONDS, "whole seconds", err);
	case CONFIG_KIND_PORT:
		return config_node_uint(
		    dst, cd, value, f->cf_key, 1, 65535, "a port number", err);
	case CONFIG_KIND_CUSTOM:
		break;
	}
	return config_node_error(err, cd, value, f->cf_key,
	    "internal error: no reader for this key");
}

int
config_map_parse(void *obj, const struct config_field *fields, size_t n_fields,
    config_custom_cb custom, struct config_doc *cd, yaml_node_t *map,
    const char *where, struct strlist *warnings, struct mlops_error *err)
{
	uint64_t          seen = 0;
	yaml_node_pair_t *p;
	int               rc;

	if (n_fields > 64) {
		return mlops_error_set(
		    err, MLOPS_ERROR, "config: too many fields");
	}
	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&cd->cd_doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&cd->cd_doc, p->value);
		size_t       i;

		if (k->type != YAML_SCALAR_NODE) {
			return config_node_error(err, cd, k, "(key)",
			    "keys must be strings, found %s",
			    config_node_kind(k));
		}
		for (i = 0; i < n_fields; i++) {
			if (config_node_is(k, fields[i].cf_key)) {
				break;
			}
		}
		if (i == n_fields) {
			config_node_warn(warnings, cd, k,
			    "unknown key '%.64s'%s",
			    (const char *) k->data.scalar.value, where);
			continue;
		}
		if (seen & ((uint64_t) 1 << i)) {
			return config_node_error(err, cd, k, fields[i].cf_key,
			    "duplicate key%s", where);
		}
		seen |= (uint64_t) 1 << i;
		if (config_node_is_null(v)) {
			continue;
		}
		if (fields[i].cf_kind == CONFIG_KIND_CUSTOM) {
			rc = custom(obj, &fields[i], cd, v, err);
		} else {
			rc = config_field_parse(obj, &fields[i], cd, v, err);
		}
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}
