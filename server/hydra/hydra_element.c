/*
 * The elements of a Hydra defaults tree (Hydra 1.3's default_element.py):
 * where a `- group: option` or `- path/config` entry's config lives, which
 * package its content lands in (explicit @package, "# @package" header,
 * `_global_`, `_group_`, `_here_`, paths relative to the parent or absolute)
 * and the override key that names it. Pure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "hydra.h"
#include "hydra_impl.h"

static char *hydra_dn_rel_group(const struct hydra_dn *d);

/* ---- strings ---- */

char *
hydra_replace(const char *s, const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	const char   *p;
	size_t        flen = strlen(from);

	strbuf_init(&sb);
	while ((p = strstr(s, from)) != NULL) {
		strbuf_append(&sb, s, (size_t) (p - s));
		strbuf_puts(&sb, to);
		s = p + flen;
	}
	strbuf_puts(&sb, s);
	return strbuf_detach(&sb, NULL);
}

char *
hydra_dots(const char *s)
{
	char *r = xstrdup(s);

	for (char *p = r; *p; p++) {
		if (*p == '/') {
			*p = '.';
		}
	}
	return r;
}

char *
hydra_join(const char *a, const char *sep, const char *b)
{
	if (*a == '\0') {
		return xstrdup(b);
	}
	if (*b == '\0') {
		return xstrdup(a);
	}
	return xasprintf("%s%s%s", a, sep, b);
}

/* ---- defaults tree nodes (default_element.py) ---- */

char *
hydra_dn_group_path(const struct hydra_dn *d)
{
	const char *p   = d->path;
	bool        abs = false;
	const char *slash;
	char       *group, *r;

	if (*p == '/') {
		p++;
		abs = true;
	}
	if (d->kind == HYDRA_D_GROUP) {
		group = xstrdup(p);
		abs   = abs || d->external;
	} else {
		slash = strrchr(p, '/');
		group
		    = slash ? xstrndup(p, (size_t) (slash - p)) : xstrdup("");
	}
	if (abs || d->pbase == NULL || *d->pbase == '\0') {
		return group;
	}
	r = hydra_join(d->pbase, "/", group);
	free(group);
	return r;
}

const char *
hydra_dn_name(const struct hydra_dn *d)
{
	const char *slash;

	if (d->kind == HYDRA_D_GROUP) {
		return d->value;
	}
	slash = strrchr(d->path, '/');
	return slash ? slash + 1 : d->path;
}

char *
hydra_dn_config_path(const struct hydra_dn *d)
{
	char *g, *r;

	if (d->kind == HYDRA_D_GROUP) {
		g = hydra_dn_group_path(d);
		r = xasprintf("%s/%s", g, d->value ? d->value : "null");
		free(g);
		return r;
	}
	if (d->path[0] == '/') {
		return xstrdup(d->path + 1);
	}
	return hydra_join(d->pbase ? d->pbase : "", "/", d->path);
}

/* The group as written, without a leading '/' (CONFIG: its directory). */
char *
hydra_dn_rel_group(const struct hydra_dn *d)
{
	const char *p = d->path + (d->path[0] == '/');
	const char *slash;

	if (d->kind == HYDRA_D_GROUP) {
		return xstrdup(p);
	}
	slash = strrchr(p, '/');
	return slash ? xstrndup(p, (size_t) (slash - p)) : xstrdup("");
}

char *
hydra_dn_final_package(const struct hydra_dn *d, bool use_header)
{
	const char *pp   = d->kind == HYDRA_D_GROUP && d->external
	      ? ""
	      : (d->ppkg ? d->ppkg : "");
	const char *pkg  = d->package ? d->package
	     : use_header             ? d->header
	                              : NULL;
	const char *name = hydra_dn_name(d);
	char       *own, *tmp, *r;
	const char *g, *last = NULL;

	if (pkg != NULL) {
		own = xstrdup(pkg);
	} else {
		tmp = hydra_dn_rel_group(d);
		own = hydra_dots(tmp);
		free(tmp);
	}
	if (name != NULL && strstr(own, "_name_") != NULL) {
		tmp = hydra_replace(own, "_name_", name);
		free(own);
		own = tmp;
	}
	r = hydra_join(pp, ".", own);
	free(own);
	for (g = strstr(r, "_global_"); g != NULL;
	     g = strstr(g + 1, "_global_")) {
		last = g;
	}
	if (last != NULL) {
		tmp = xstrdup(strlen(last) > 8 ? last + 9 : "");
		free(r);
		r = tmp;
	}
	return r;
}

char *
hydra_dn_override_key(const struct hydra_dn *d)
{
	char *group = hydra_dn_group_path(d);
	char *def   = hydra_dots(group);
	char *fin   = hydra_dn_final_package(d, false);
	char *key;

	if (strcmp(def, fin) == 0) {
		key = xstrdup(group);
	} else {
		key = xasprintf("%s@%s", group, *fin ? fin : "_global_");
	}
	free(group);
	free(def);
	free(fin);
	return key;
}

void
hydra_dn_update_parent(struct hydra_dn *d, const char *pbase, const char *ppkg)
{
	char *group, *def, *tmp;

	free(d->pbase);
	free(d->ppkg);
	d->pbase = xstrdup(pbase);
	d->ppkg  = xstrdup(ppkg);
	if (d->package != NULL && strstr(d->package, "_group_") != NULL) {
		group = hydra_dn_group_path(d);
		def   = hydra_dots(group);
		tmp   = hydra_replace(d->package, "_group_", def);
		free(d->package);
		d->package = xasprintf("_global_.%s", tmp);
		free(tmp);
		free(def);
		free(group);
	}
}

/* A package header is absolute; `_group_` alone means the default. */
void
hydra_dn_set_header(struct hydra_dn *d, const char *header)
{
	char *group, *def, *abs;

	free(d->header);
	d->header = NULL;
	if (header == NULL || strcmp(header, "_group_") == 0) {
		return;
	}
	if (*header == '\0' || strcmp(header, "_global_") == 0) {
		abs = xstrdup("_global_");
	} else if (strncmp(header, "_global_.", 9) == 0) {
		abs = xstrdup(header);
	} else {
		abs = xasprintf("_global_.%s", header);
	}
	group     = hydra_dn_group_path(d);
	def       = hydra_dots(group);
	d->header = hydra_replace(abs, "_group_", def);
	free(abs);
	free(def);
	free(group);
}

void
hydra_dn_free(struct hydra_dn *d)
{
	if (d == NULL) {
		return;
	}
	for (size_t i = 0; i < d->nchildren; i++) {
		hydra_dn_free(d->children[i]);
	}
	free(d->children);
	for (size_t i = 0; i < d->noptions; i++) {
		free(d->options[i]);
	}
	free(d->options);
	free(d->path);
	free(d->value);
	free(d->package);
	free(d->header);
	free(d->pbase);
	free(d->ppkg);
	free(d->list_key);
	free(d->list_group);
	free(d->list_option);
	free(d);
}

struct hydra_dn *
hydra_dn_from_entry(const struct hydra_dentry *e, const struct hydra_file *f)
{
	struct hydra_dn *d = xcalloc(1, sizeof(*d));

	d->kind     = e->kind;
	d->path     = xstrdup(e->path);
	d->value    = xstrdup_null(e->value);
	d->optional = e->optional;
	d->override = e->override;
	d->is_list  = e->is_list;
	if (e->package != NULL) {
		d->package = xstrdup(
		    strcmp(e->package, "_here_") == 0 ? "" : e->package);
	}
	if (e->noptions > 0) {
		d->options = xcalloc(e->noptions, sizeof(char *));
		for (size_t i = 0; i < e->noptions; i++) {
			d->options[i] = xstrdup(e->options[i]);
		}
		d->noptions = e->noptions;
	}
	d->where  = f->path;
	d->line   = e->line;
	d->column = e->column;
	return d;
}

/* Error at the place that named `d`: a file position or an override. */
int hydra_dn_error(const struct hydra_dn *d, struct mlops_error *err, int code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

int
hydra_dn_error(const struct hydra_dn *d, struct mlops_error *err, int code,
    const char *fmt, ...)
{
	char    buf[MLOPS_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (d->text != NULL) {
		return mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
		    HYDRA_FIELD ": %s: %s", d->text, buf);
	}
	return mlops_error_set(err, code, "%s:%u:%u: defaults: %s", d->where,
	    d->line, d->column, buf);
}
