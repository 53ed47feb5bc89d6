/*
 * The Launch form's Hydra view-model (see mlops-hydra-model.h): fields from
 * a ProjectConfigReply, and the overrides of the changed ones, quoted by
 * mlops-hydra-syntax.c. Pure: no GTK, no I/O, no state outside the model.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/hydra_syntax.h>
#include <mlops/xmalloc.h>

#include "mlops-hydra-model.h"
#include "mlops-hydra-syntax.h"
#include "mlops-model.h"

struct mlops_hydra_model {
	struct mlops_hydra_field *fields;
	size_t                    nfields;
	bool                      sweep;
};

static char *hm_trim(const char *s);
static bool  hm_text_equal(
     const struct mlops_hydra_field *f, const char *a, const char *b);

static char *
hm_trim(const char *s)
{
	size_t len;

	s   = s != NULL ? s : "";
	len = strlen(s);
	while (len > 0 && strchr(" \t\n\r", *s) != NULL) {
		s++;
		len--;
	}
	while (len > 0 && strchr(" \t\n\r", s[len - 1]) != NULL) {
		len--;
	}
	return xstrndup(s, len);
}

/* ---- the model ---------------------------------------------------------
 */

/* A decimal int that a spin button holds exactly. */
static bool
hm_spin_int(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	size_t      n = strspn(p, "0123456789");

	return n > 0 && n <= 15 && p[n] == '\0' && (p[0] != '0' || n == 1);
}

static void
hm_field_init_value(struct mlops_hydra_field *f, const Mlops__HydraValue *v)
{
	const char *dot = strchr(v->key, '.');

	f->key = xstrdup(v->key);
	f->section
	    = dot ? xstrndup(v->key, (size_t) (dot - v->key)) : xstrdup("");
	f->label  = xstrdup(dot ? dot + 1 : v->key);
	f->type   = xstrdup(v->type);
	f->group  = xstrdup("");
	f->source = v->file[0] != '\0' ? xasprintf("%s:%u", v->file, v->line)
	                               : xstrdup("");
	f->mandatory = v->mandatory || strcmp(v->type, "missing") == 0;
	if (f->mandatory) {
		f->initial = xstrdup("");
	} else if (strcmp(v->type, "null") == 0) {
		f->initial = xstrdup("null");
	} else {
		f->initial = xstrdup(v->value);
	}
	if (f->mandatory) {
		f->kind = MLOPS_HYDRA_TEXT;
	} else if (strcmp(v->type, "int") == 0 && hm_spin_int(v->value)) {
		f->kind = MLOPS_HYDRA_INT;
	} else if (strcmp(v->type, "bool") == 0) {
		bool b;

		f->kind = hydra_parse_bool(v->value, &b) ? MLOPS_HYDRA_BOOL
		                                         : MLOPS_HYDRA_TEXT;
	} else if (strcmp(v->type, "float") == 0) {
		f->kind = MLOPS_HYDRA_FLOAT;
	} else if (strcmp(v->type, "string") == 0) {
		f->kind = MLOPS_HYDRA_STRING;
	} else {
		f->kind = MLOPS_HYDRA_TEXT;
	}
	f->value = xstrdup(f->initial);
}

struct mlops_hydra_model *
mlops_hydra_model_new(const Mlops__ProjectConfigReply *r)
{
	struct mlops_hydra_model *m = xcalloc(1, sizeof(*m));

	m->fields = xcalloc(r->n_groups + r->n_values + 1, sizeof(*m->fields));
	for (size_t i = 0; i < r->n_groups; i++) {
		const Mlops__HydraGroup  *g = r->groups[i];
		struct mlops_hydra_field *f = &m->fields[m->nfields];

		if (strcmp(g->group, "hydra") == 0
		    || strncmp(g->group, "hydra/", 6) == 0
		    || g->n_options == 0) {
			continue;
		}
		f->kind    = MLOPS_HYDRA_GROUP;
		f->add     = g->key[0] == '\0';
		f->key     = xstrdup(f->add ? g->group : g->key);
		f->section = xstrdup("");
		f->label   = xstrdup(f->key);
		f->type    = xstrdup("group");
		f->initial = xstrdup(g->choice);
		f->source  = xstrdup("");
		f->group   = xstrdup(g->group);
		f->options = xcalloc(g->n_options + 1, sizeof(char *));
		for (size_t k = 0; k < g->n_options; k++) {
			f->options[k] = xstrdup(g->options[k]);
		}
		f->noptions  = g->n_options;
		f->mandatory = g->mandatory;
		f->optional  = g->optional;
		f->value     = xstrdup(f->initial);
		m->nfields++;
	}
	for (size_t i = 0; i < r->n_values; i++) {
		const Mlops__HydraValue *v = r->values[i];

		if (strcmp(v->key, "hydra") == 0
		    || strncmp(v->key, "hydra.", 6) == 0) {
			continue;
		}
		hm_field_init_value(&m->fields[m->nfields++], v);
	}
	return m;
}

void
mlops_hydra_model_free(struct mlops_hydra_model *m)
{
	if (m == NULL) {
		return;
	}
	for (size_t i = 0; i < m->nfields; i++) {
		struct mlops_hydra_field *f = &m->fields[i];

		free(f->key);
		free(f->section);
		free(f->label);
		free(f->type);
		free(f->initial);
		free(f->source);
		free(f->group);
		mlops_model_strv_free(f->options);
		free(f->value);
		free(f->sweep);
	}
	free(m->fields);
	free(m);
}

size_t
mlops_hydra_model_nfields(const struct mlops_hydra_model *m)
{
	return m != NULL ? m->nfields : 0;
}

const struct mlops_hydra_field *
mlops_hydra_model_field(const struct mlops_hydra_model *m, size_t i)
{
	return m != NULL && i < m->nfields ? &m->fields[i] : NULL;
}

int
mlops_hydra_model_find(const struct mlops_hydra_model *m, const char *key)
{
	for (size_t i = 0; m != NULL && i < m->nfields; i++) {
		if (strcmp(m->fields[i].key, key) == 0
		    || (m->fields[i].kind == MLOPS_HYDRA_GROUP
		        && strcmp(m->fields[i].group, key) == 0)) {
			return (int) i;
		}
	}
	return -1;
}

void
mlops_hydra_model_set(struct mlops_hydra_model *m, size_t i, const char *text)
{
	if (i < m->nfields) {
		free(m->fields[i].value);
		m->fields[i].value = xstrdup(text != NULL ? text : "");
	}
}

void
mlops_hydra_model_set_sweep_text(
    struct mlops_hydra_model *m, size_t i, const char *text)
{
	if (i < m->nfields) {
		free(m->fields[i].sweep);
		m->fields[i].sweep = xstrdup(text != NULL ? text : "");
	}
}

void
mlops_hydra_model_set_sweep(struct mlops_hydra_model *m, bool sweep)
{
	m->sweep = sweep;
}

bool
mlops_hydra_model_get_sweep(const struct mlops_hydra_model *m)
{
	return m->sweep;
}

const char *
mlops_hydra_model_text(const struct mlops_hydra_model *m, size_t i)
{
	const struct mlops_hydra_field *f = &m->fields[i];

	return m->sweep && f->sweep != NULL ? f->sweep : f->value;
}

/* Texts the same for the field's type: bools and ints by value. */
static bool
hm_text_equal(const struct mlops_hydra_field *f, const char *a, const char *b)
{
	char *ta = hm_trim(a), *tb = hm_trim(b);
	bool  ba, bb, eq;

	if (f->kind == MLOPS_HYDRA_BOOL && hydra_parse_bool(ta, &ba)
	    && hydra_parse_bool(tb, &bb)) {
		eq = ba == bb;
	} else if (f->kind == MLOPS_HYDRA_INT && hm_spin_int(ta)
	    && hm_spin_int(tb)) {
		eq = strtoll(ta, NULL, 10) == strtoll(tb, NULL, 10);
	} else {
		eq = strcmp(ta, tb) == 0;
	}
	free(ta);
	free(tb);
	return eq;
}

bool
mlops_hydra_model_changed(const struct mlops_hydra_model *m, size_t i)
{
	return i < m->nfields
	    && !hm_text_equal(&m->fields[i], mlops_hydra_model_text(m, i),
	        m->fields[i].initial);
}

bool
mlops_hydra_model_shadowed(const struct mlops_hydra_model *m, size_t i)
{
	return mlops_hydra_model_shadowed_by(m, i) >= 0;
}

int
mlops_hydra_model_shadowed_by(const struct mlops_hydra_model *m, size_t i)
{
	const struct mlops_hydra_field *f = &m->fields[i];

	for (size_t g = 0; g < m->nfields; g++) {
		const struct mlops_hydra_field *gf = &m->fields[g];
		size_t                          gl = strlen(gf->group);
		const char                     *path;

		if (g == i || gf->kind != MLOPS_HYDRA_GROUP || gf->add
		    || !mlops_hydra_model_changed(m, g)) {
			continue;
		}
		path = f->kind == MLOPS_HYDRA_GROUP ? f->group : f->source;
		if (strncmp(path, gf->group, gl) == 0 && path[gl] == '/') {
			return (int) g;
		}
	}
	return -1;
}

bool
mlops_hydra_model_missing(const struct mlops_hydra_model *m, size_t i)
{
	char *t;
	bool  missing;

	if (i >= m->nfields || !m->fields[i].mandatory
	    || mlops_hydra_model_shadowed(m, i)) {
		return false;
	}
	t       = hm_trim(mlops_hydra_model_text(m, i));
	missing = t[0] == '\0' || strcmp(t, "???") == 0;
	free(t);
	return missing;
}

char *
mlops_hydra_model_override(const struct mlops_hydra_model *m, size_t i)
{
	const struct mlops_hydra_field *f = &m->fields[i];
	const char *plus = f->kind == MLOPS_HYDRA_GROUP && f->add ? "+" : "";
	char       *t, *v, *out;
	bool        b;

	if (!mlops_hydra_model_changed(m, i)
	    || mlops_hydra_model_shadowed(m, i)) {
		return NULL;
	}
	t = hm_trim(mlops_hydra_model_text(m, i));
	if (m->sweep && f->sweep != NULL) {
		v = mlops_hydra_sweep_quote(t);
	} else if (f->kind == MLOPS_HYDRA_GROUP && t[0] == '\0') {
		free(t);
		return f->add ? NULL : xasprintf("~%s", f->key);
	} else if (f->kind == MLOPS_HYDRA_BOOL && hydra_parse_bool(t, &b)) {
		v = xstrdup(b ? "true" : "false");
	} else if (f->kind == MLOPS_HYDRA_INT && hm_spin_int(t)) {
		v = xstrdup(t);
	} else if (f->kind == MLOPS_HYDRA_TEXT && t[0] != '\0'
	    && strchr("[{'\"", t[0]) != NULL) {
		v = xstrdup(t); /* a list, a dict or a quoted string */
	} else {
		v = mlops_hydra_quote(t, f->kind == MLOPS_HYDRA_STRING);
	}
	out = xasprintf("%s%s=%s", plus, f->key, v);
	free(v);
	free(t);
	return out;
}

char **
mlops_hydra_model_overrides(const struct mlops_hydra_model *m, size_t *n)
{
	size_t nf = mlops_hydra_model_nfields(m), k = 0;
	char **out = xcalloc(nf + 1, sizeof(char *));

	for (size_t i = 0; i < nf; i++) {
		char *o = mlops_hydra_model_override(m, i);

		if (o != NULL) {
			out[k++] = o;
		}
	}
	if (n != NULL) {
		*n = k;
	}
	return out;
}

/* The key of an override text: "+a.b=1" -> "a.b", "~m" -> "m". */
static char *
hm_override_key(const char *s, size_t len)
{
	size_t k = 0;

	while (len > 0 && (*s == '~' || *s == '+')) {
		s++;
		len--;
	}
	while (k < len && s[k] != '=' && s[k] != ':') {
		k++;
	}
	return xstrndup(s, k);
}

int
mlops_hydra_model_error_field(
    const struct mlops_hydra_model *m, const char *message)
{
	const char *p   = message != NULL ? message : "", *colon;
	char       *key = NULL;
	int         idx;

	if (strncmp(p, "overrides: ", 11) == 0) {
		p += 11;
	}
	if (strncmp(p, "unknown key '", 13) == 0 || *p == '\'') {
		const char *k = strchr(p, '\'') + 1, *e = strchr(k, '\'');

		if (e != NULL) {
			key = xstrndup(k, (size_t) (e - k));
			idx = mlops_hydra_model_find(m, key);
			free(key);
			return idx;
		}
	}
	/* "<override as sent>: why": one of ours, by its text or its key */
	for (size_t i = 0; i < mlops_hydra_model_nfields(m); i++) {
		char  *o   = mlops_hydra_model_override(m, i);
		size_t len = o != NULL ? strlen(o) : 0;
		bool   hit = o != NULL && strncmp(p, o, len) == 0
		    && (p[len] == ':' || p[len] == '\0');

		free(o);
		if (hit) {
			return (int) i;
		}
	}
	if ((colon = strstr(p, ": ")) == NULL) {
		return -1;
	}
	key = hm_override_key(p, (size_t) (colon - p));
	idx = mlops_hydra_model_find(m, key);
	free(key);
	return idx;
}
