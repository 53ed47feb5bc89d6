/*
 * A composed Hydra config as JSON (json-c), for `mlops project config
 * --json` and for storing with a job: the plain values, a typed schema of
 * every leaf with its source file:line, the group choices, the groups and
 * the final defaults list. Pure.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include <mlops/xmalloc.h>

#include "hydra.h"
#include "hydra_impl.h"

static char        *hydra_json_digits(const char *s);
static bool         hydra_json_int(long long *out, const char *text);
static bool         hydra_json_float(double *out, const char *text);
static json_object *hydra_json_scalar(const struct hydra_node *n);
static json_object *hydra_json_value(const struct hydra_node *n);
static void         hydra_json_schema(
            json_object *arr, const struct hydra_node *n, const char *path);

/* A copy without the '_' digit separators. */
static char *
hydra_json_digits(const char *s)
{
	char *r = xstrdup(s), *w = r;

	for (const char *p = s; *p; p++) {
		if (*p != '_') {
			*w++ = *p;
		}
	}
	*w = '\0';
	return r;
}

/* YAML 1.1 ints (0b, 0x, 0-octal, base 60) and the grammar's ints. */
static bool
hydra_json_int(long long *out, const char *text)
{
	char              *s = hydra_json_digits(text), *p = s, *end, *colon;
	bool               neg = false, ok = false;
	unsigned long long v    = 0, part;
	int                base = 10;

	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	errno = 0;
	if ((colon = strchr(p, ':')) != NULL) {
		for (char *tok = p; tok != NULL;) {
			colon = strchr(tok, ':');
			if (colon != NULL) {
				*colon = '\0';
			}
			part = strtoull(tok, &end, 10);
			if (*end != '\0' || v > (ULLONG_MAX - part) / 60) {
				goto out;
			}
			v   = v * 60 + part;
			tok = colon ? colon + 1 : NULL;
		}
	} else {
		if (strncmp(p, "0b", 2) == 0) {
			base = 2;
			p += 2;
		} else if (strncmp(p, "0x", 2) == 0) {
			base = 16;
			p += 2;
		} else if (p[0] == '0' && p[1] != '\0') {
			base = 8;
			p += 1;
		}
		v = strtoull(p, &end, base);
		if (*end != '\0' || end == p || errno != 0) {
			goto out;
		}
	}
	if (v > (unsigned long long) LLONG_MAX + (neg ? 1 : 0)) {
		goto out;
	}
	*out = neg ? (long long) (0 - v) : (long long) v;
	ok   = true;
out:
	free(s);
	return ok;
}

static bool
hydra_json_float(double *out, const char *text)
{
	char  *s = hydra_json_digits(text), *p = s, *end, *colon;
	double v = 0, sign = 1;
	bool   ok = false;

	if (*p == '-' || *p == '+') {
		sign = *p == '-' ? -1 : 1;
		p++;
	}
	if (strcasecmp(p, ".inf") == 0 || strcasecmp(p, "inf") == 0) {
		v = INFINITY;
	} else if (strcasecmp(p, ".nan") == 0 || strcasecmp(p, "nan") == 0) {
		v = NAN;
	} else if ((colon = strrchr(p, ':')) != NULL) {
		/* base 60: 190:20:30.15 */
		double frac = strtod(colon + 1, &end);

		if (*end != '\0') {
			goto out;
		}
		*colon = '\0';
		for (char *tok = p; tok != NULL;) {
			char *c = strchr(tok, ':');

			if (c != NULL) {
				*c = '\0';
			}
			v   = v * 60 + strtod(tok, &end);
			tok = c ? c + 1 : NULL;
		}
		v = v * 60 + frac;
	} else {
		v = strtod(p, &end);
		if (*end != '\0' || end == p) {
			goto out;
		}
	}
	*out = sign * v;
	ok   = true;
out:
	free(s);
	return ok;
}

static json_object *
hydra_json_scalar(const struct hydra_node *n)
{
	char      buf[32];
	long long i;
	double    d;

	switch (n->type) {
	case HYDRA_TYPE_INT:
		if (hydra_json_int(&i, n->value)) {
			return json_object_new_int64(i);
		}
		break;
	case HYDRA_TYPE_FLOAT:
		if (hydra_json_float(&d, n->value) && isfinite(d)) {
			/* the shortest text that reads back the same */
			for (int prec = 1; prec <= 17; prec++) {
				snprintf(buf, sizeof(buf), "%.*g", prec, d);
				if (strtod(buf, NULL) == d) {
					break;
				}
			}
			if (strpbrk(buf, ".eE") == NULL) {
				strcat(buf, ".0");
			}
			return json_object_new_double_s(d, buf);
		}
		break;
	case HYDRA_TYPE_BOOL:
		return json_object_new_boolean(
		    strchr("yYtT", n->value[0]) != NULL
		    || strcasecmp(n->value, "on") == 0);
	case HYDRA_TYPE_NULL:
		return NULL;
	default:
		break;
	}
	return json_object_new_string(n->value);
}

static json_object *
hydra_json_value(const struct hydra_node *n)
{
	json_object *o;

	switch (n->kind) {
	case HYDRA_NODE_MAP:
		o = json_object_new_object();
		for (size_t i = 0; i < n->nitems; i++) {
			json_object_object_add(o, n->items[i]->key,
			    hydra_json_value(n->items[i]));
		}
		return o;
	case HYDRA_NODE_LIST:
		o = json_object_new_array();
		for (size_t i = 0; i < n->nitems; i++) {
			json_object_array_add(
			    o, hydra_json_value(n->items[i]));
		}
		return o;
	case HYDRA_NODE_SCALAR:
		break;
	}
	return hydra_json_scalar(n);
}

/* One entry per leaf: scalars, and empty maps and lists. */
static void
hydra_json_schema(
    json_object *arr, const struct hydra_node *n, const char *path)
{
	json_object *e;
	char        *sub;

	if (n->kind != HYDRA_NODE_SCALAR && n->nitems > 0) {
		for (size_t i = 0; i < n->nitems; i++) {
			if (n->kind == HYDRA_NODE_MAP) {
				sub = *path ? xasprintf(
				          "%s.%s", path, n->items[i]->key)
				            : xstrdup(n->items[i]->key);
			} else {
				sub = xasprintf("%s.%zu", path, i);
			}
			hydra_json_schema(arr, n->items[i], sub);
			free(sub);
		}
		return;
	}
	if (*path == '\0') {
		return; /* an empty config */
	}
	e = json_object_new_object();
	json_object_object_add(e, "key", json_object_new_string(path));
	json_object_object_add(e, "type",
	    json_object_new_string(n->kind == HYDRA_NODE_MAP ? "map"
	            : n->kind == HYDRA_NODE_LIST             ? "list"
	                                         : hydra_type_name(n->type)));
	json_object_object_add(
	    e, "value", n->value ? json_object_new_string(n->value) : NULL);
	json_object_object_add(e, "file", json_object_new_string(n->file));
	json_object_object_add(e, "line", json_object_new_int((int) n->line));
	json_object_array_add(arr, e);
}

char *
hydra_json_render(const struct hydra_config *cfg, const char *const *ovs,
    size_t n, bool with_overrides)
{
	json_object *o = json_object_new_object(), *a, *m, *e;
	char        *s;

	json_object_object_add(
	    o, "config_name", json_object_new_string(cfg->name));
	json_object_object_add(o, "config", hydra_json_value(cfg->root));
	a = json_object_new_array();
	hydra_json_schema(a, cfg->root, "");
	json_object_object_add(o, "schema", a);
	m = json_object_new_object();
	for (size_t i = 0; i < cfg->nchoices; i++) {
		const struct hydra_choice *ch   = &cfg->choices[i];
		json_object               *prev = NULL;

		/* `- g: [a, b]`: one choice per option, as a list */
		if (json_object_object_get_ex(m, ch->key, &prev)
		    && prev != NULL && ch->option != NULL) {
			if (!json_object_is_type(prev, json_type_array)) {
				e = json_object_new_array();
				json_object_array_add(
				    e, json_object_get(prev));
				json_object_object_add(m, ch->key, e);
				prev = e;
			}
			json_object_array_add(
			    prev, json_object_new_string(ch->option));
			continue;
		}
		json_object_object_add(m, ch->key,
		    ch->option ? json_object_new_string(ch->option) : NULL);
	}
	json_object_object_add(o, "choices", m);
	m = json_object_new_object();
	for (size_t i = 0; i < cfg->repo->ngroups; i++) {
		const struct hydra_group *g = &cfg->repo->groups[i];

		a = json_object_new_array();
		for (size_t j = 0; j < g->noptions; j++) {
			json_object_array_add(
			    a, json_object_new_string(g->options[j]));
		}
		json_object_object_add(m, g->name, a);
	}
	json_object_object_add(o, "groups", m);
	a = json_object_new_array();
	for (size_t i = 0; i < cfg->ndefaults; i++) {
		const struct hydra_default *d = &cfg->defaults[i];

		e = json_object_new_object();
		json_object_object_add(
		    e, "config_path", json_object_new_string(d->config_path));
		json_object_object_add(
		    e, "package", json_object_new_string(d->package));
		json_object_object_add(e, "parent",
		    d->parent ? json_object_new_string(d->parent) : NULL);
		json_object_object_add(
		    e, "is_self", json_object_new_boolean(d->is_self));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "defaults", a);
	if (with_overrides) {
		a = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object_array_add(
			    a, json_object_new_string(ovs[i]));
		}
		json_object_object_add(o, "overrides", a);
	}
	s = xstrdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

char *
hydra_config_to_json(const struct hydra_config *cfg)
{
	return hydra_json_render(cfg, NULL, 0, false);
}
