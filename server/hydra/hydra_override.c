/*
 * Hydra's command-line override grammar (key=value, +key, ++key, ~key,
 * group@pkg=option; values: primitives, quoted strings, [lists], {dicts},
 * functions and comma sweeps) and the check of a launch's overrides against
 * a composed config: group choices recompose the defaults list, config
 * overrides are applied to the tree with type checks, and every ??? must end
 * up set. Pure; runs on whichever thread calls it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "hydra.h"
#include "hydra_impl.h"

#define HYDRA_MAX_OVERRIDES 1024
#define HYDRA_MAX_KEY_DIST  128 /* longer strings are not compared */

struct hydra_suggest {
	const char *want;
	char       *best;
	size_t      dist;
};

struct hydra_resolved {
	struct hydra_config *cfg;
	char               **ovs;
	size_t               n;
};

static void hydra_suggest_try(struct hydra_suggest *s, const char *cand);
static void hydra_suggest_walk(
    struct hydra_suggest *s, const struct hydra_node *n, const char *prefix);
static char *hydra_suggest(const struct hydra_config *cfg, const char *want);
static struct hydra_node *hydra_val_node(
    const struct hydra_val *v, const char *key, unsigned line);
static const char *hydra_type_misfit(
    const struct hydra_node *old, const struct hydra_val *v);
static bool hydra_same_value(
    const struct hydra_node *n, const struct hydra_val *v);
static int   hydra_apply(struct hydra_config *cfg, const struct hydra_ovr *o,
      unsigned line, struct mlops_error *err);
static char *hydra_find_missing(
    const struct hydra_node *n, const char *prefix);
static int  hydra_option_check(const struct hydra_group *g,
     const struct hydra_ovr *o, const char *opt, struct mlops_error *err);
static int  hydra_gov_from(struct hydra_gov *g, const struct hydra_group *grp,
     const struct hydra_ovr *o, struct mlops_error *err);
static void hydra_gov_fini(struct hydra_gov *g);
static bool hydra_is_hydra_key(const char *key);
static int  hydra_plain_only(
     const struct hydra_ovr *o, struct mlops_error *err);

/* ---- "did you mean" ---- */

size_t
hydra_edit_distance(const char *a, const char *b)
{
	size_t  n = strlen(a), m = strlen(b), d;
	size_t *row0, *row1, *row2, *tmp;

	if (n > HYDRA_MAX_KEY_DIST || m > HYDRA_MAX_KEY_DIST) {
		return (size_t) -1;
	}
	/* optimal string alignment: a swap of neighbours costs one */
	row0 = xcalloc(m + 1, sizeof(size_t));
	row1 = xcalloc(m + 1, sizeof(size_t));
	row2 = xcalloc(m + 1, sizeof(size_t));
	for (size_t j = 0; j <= m; j++) {
		row1[j] = j;
	}
	for (size_t i = 1; i <= n; i++) {
		row2[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			d = row1[j] + 1;
			if (row2[j - 1] + 1 < d) {
				d = row2[j - 1] + 1;
			}
			if (row1[j - 1] + cost < d) {
				d = row1[j - 1] + cost;
			}
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2]
			    && a[i - 2] == b[j - 1] && row0[j - 2] + 1 < d) {
				d = row0[j - 2] + 1;
			}
			row2[j] = d;
		}
		tmp  = row0;
		row0 = row1;
		row1 = row2;
		row2 = tmp;
	}
	d = row1[m];
	free(row0);
	free(row1);
	free(row2);
	return d;
}

static void
hydra_suggest_try(struct hydra_suggest *s, const char *cand)
{
	size_t d = hydra_edit_distance(s->want, cand);

	if (d < s->dist) {
		free(s->best);
		s->best = xstrdup(cand);
		s->dist = d;
	}
}

static void
hydra_suggest_walk(
    struct hydra_suggest *s, const struct hydra_node *n, const char *prefix)
{
	char *path;

	if (n->kind != HYDRA_NODE_MAP) {
		return;
	}
	for (size_t i = 0; i < n->nitems; i++) {
		path = *prefix ? xasprintf("%s.%s", prefix, n->items[i]->key)
		               : xstrdup(n->items[i]->key);
		hydra_suggest_try(s, path);
		hydra_suggest_walk(s, n->items[i], path);
		free(path);
	}
}

/* The closest existing key or group, if it is close enough. */
static char *
hydra_suggest(const struct hydra_config *cfg, const char *want)
{
	struct hydra_suggest s = { want, NULL, (size_t) -1 };
	size_t               limit;

	hydra_suggest_walk(&s, cfg->root, "");
	for (size_t i = 0; i < cfg->repo->ngroups; i++) {
		hydra_suggest_try(&s, cfg->repo->groups[i].name);
	}
	limit = strlen(want) / 4;
	limit = limit < 1 ? 1 : limit;
	if (s.best != NULL && s.dist > limit) {
		free(s.best);
		s.best = NULL;
	}
	return s.best;
}

/* ---- applying config overrides ---- */

static int hydra_fail(struct mlops_error *err, const struct hydra_ovr *o,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
hydra_fail(
    struct mlops_error *err, const struct hydra_ovr *o, const char *fmt, ...)
{
	char    buf[MLOPS_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
	    HYDRA_FIELD ": %s: %s", o->text, buf);
}

static struct hydra_node *
hydra_val_node(const struct hydra_val *v, const char *key, unsigned line)
{
	struct hydra_node *n;

	switch (v->kind) {
	case HYDRA_V_LIST:
	case HYDRA_V_DICT:
		n = hydra_node_new(
		    v->kind == HYDRA_V_LIST ? HYDRA_NODE_LIST : HYDRA_NODE_MAP,
		    key, HYDRA_OVERRIDE_FILE, line, 0);
		for (size_t i = 0; i < v->n; i++) {
			long               j = v->kind == HYDRA_V_DICT
			                  ? hydra_node_index(n, v->names[i])
			                  : -1;
			struct hydra_node *c
			    = hydra_val_node(v->items[i], v->names[i], line);

			if (j >= 0) {
				hydra_node_replace(n, (size_t) j, c);
			} else {
				hydra_node_append(n, c);
			}
		}
		return n;
	default:
		return hydra_node_scalar(
		    key, v->type, v->str, HYDRA_OVERRIDE_FILE, line, 0);
	}
}

/* A value fits the node it replaces: ints stay ints, a float takes an int,
 * containers stay containers; null, ??? and ${...} fit anything. */
static const char *
hydra_type_misfit(const struct hydra_node *old, const struct hydra_val *v)
{
	bool scalar = v->kind == HYDRA_V_PRIM || v->kind == HYDRA_V_QUOTED;

	if (scalar
	    && (v->type == HYDRA_TYPE_NULL || v->type == HYDRA_TYPE_MISSING
	        || v->type == HYDRA_TYPE_INTERPOLATION)) {
		return NULL;
	}
	if (old->kind == HYDRA_NODE_MAP) {
		return v->kind == HYDRA_V_DICT ? NULL : "expected a map";
	}
	if (old->kind == HYDRA_NODE_LIST) {
		return v->kind == HYDRA_V_LIST ? NULL : "expected a list";
	}
	switch (old->type) {
	case HYDRA_TYPE_INT:
		return scalar && v->type == HYDRA_TYPE_INT ? NULL
		                                           : "expected an int";
	case HYDRA_TYPE_FLOAT:
		return scalar
		        && (v->type == HYDRA_TYPE_INT
		            || v->type == HYDRA_TYPE_FLOAT)
		    ? NULL
		    : "expected a float";
	case HYDRA_TYPE_BOOL:
		return scalar && v->type == HYDRA_TYPE_BOOL
		    ? NULL
		    : "expected a bool";
	case HYDRA_TYPE_STRING:
		return scalar ? NULL : "expected a string";
	default:
		return NULL; /* null, ???, ${...}: type unknown */
	}
}

/* Scalar equality for ~key=value, numbers compared as numbers. */
static bool
hydra_same_value(const struct hydra_node *n, const struct hydra_val *v)
{
	bool  num_n, num_v;
	char *e1, *e2;

	if (n->kind != HYDRA_NODE_SCALAR
	    || (v->kind != HYDRA_V_PRIM && v->kind != HYDRA_V_QUOTED)) {
		return false;
	}
	num_n = n->type == HYDRA_TYPE_INT || n->type == HYDRA_TYPE_FLOAT;
	num_v = v->type == HYDRA_TYPE_INT || v->type == HYDRA_TYPE_FLOAT;
	if (num_n && num_v) {
		double a = strtod(n->value, &e1), b = strtod(v->str, &e2);

		if (*e1 == '\0' && *e2 == '\0') {
			return a == b;
		}
	}
	if (n->type == HYDRA_TYPE_BOOL && v->type == HYDRA_TYPE_BOOL) {
		bool a = strchr("yYtToO", n->value[0]) != NULL
		    && strcasecmp(n->value, "off") != 0;
		bool b = strcasecmp(v->str, "true") == 0;

		return a == b;
	}
	return strcmp(n->value, v->str) == 0;
}

static int
hydra_apply(struct hydra_config *cfg, const struct hydra_ovr *o, unsigned line,
    struct mlops_error *err)
{
	struct hydra_node *cur = cfg->root, *next, *n = NULL;
	char              *path = xstrdup(o->key), *seg, *save = NULL, *end;
	char              *sugg = NULL, *last;
	const char        *why;
	long               idx = -1;
	bool create = o->op == HYDRA_OP_ADD || o->op == HYDRA_OP_FORCE;
	int  rc     = 0;

	last = strrchr(path, '.');
	last = last ? last + 1 : path;
	/* walk to the parent of the last segment */
	for (seg = strtok_r(path, ".", &save); seg != last;
	     seg = strtok_r(NULL, ".", &save)) {
		next = NULL;
		if (cur->kind == HYDRA_NODE_MAP) {
			idx  = hydra_node_index(cur, seg);
			next = idx >= 0 ? cur->items[idx] : NULL;
		} else if (cur->kind == HYDRA_NODE_LIST) {
			errno = 0;
			idx   = (long) strtoul(seg, &end, 10);
			next  = *end == '\0' && errno == 0 && idx >= 0
                                && (size_t) idx < cur->nitems
			     ? cur->items[idx]
			     : NULL;
		}
		if (next == NULL && create && cur->kind == HYDRA_NODE_MAP) {
			next = hydra_node_new(
			    HYDRA_NODE_MAP, seg, HYDRA_OVERRIDE_FILE, line, 0);
			hydra_node_append(cur, next);
		}
		if (next == NULL) {
			goto unknown;
		}
		cur = next;
	}
	idx = -1;
	if (cur->kind == HYDRA_NODE_MAP) {
		idx = hydra_node_index(cur, last);
	} else if (cur->kind == HYDRA_NODE_LIST && !create) {
		errno = 0;
		idx   = (long) strtoul(last, &end, 10);
		if (*end != '\0' || errno != 0 || idx < 0
		    || (size_t) idx >= cur->nitems) {
			idx = -1;
		}
	} else if (create) {
		rc = hydra_fail(err, o, "'%.*s' is not a map",
		    (int) (strlen(o->key) - strlen(last) - 1), o->key);
		goto out;
	}
	switch (o->op) {
	case HYDRA_OP_SET:
		if (idx < 0) {
			goto unknown;
		}
		if ((why = hydra_type_misfit(cur->items[idx], o->value))
		    != NULL) {
			rc = hydra_fail(err, o, "%s", why);
			goto out;
		}
		/* fall through */
	case HYDRA_OP_FORCE:
		if (idx >= 0 && cur->items[idx]->kind == HYDRA_NODE_MAP
		    && o->value->kind == HYDRA_V_DICT) {
			n = hydra_val_node(o->value, last, line);
			hydra_node_merge(cur->items[idx], n); /* dicts merge */
			break;
		}
		n = hydra_val_node(
		    o->value, cur->kind == HYDRA_NODE_MAP ? last : NULL, line);
		if (idx >= 0) {
			hydra_node_replace(cur, (size_t) idx, n);
		} else {
			hydra_node_append(cur, n);
		}
		n = NULL;
		break;
	case HYDRA_OP_ADD:
		if (idx >= 0) {
			rc = hydra_fail(err, o,
			    "key already exists (use ++ to "
			    "force)");
			goto out;
		}
		hydra_node_append(cur, hydra_val_node(o->value, last, line));
		break;
	case HYDRA_OP_DEL:
		if (idx < 0 || cur->items[idx]->type == HYDRA_TYPE_NULL) {
			rc = hydra_fail(err, o, "no such key");
			goto out;
		}
		if (o->value != NULL
		    && !hydra_same_value(cur->items[idx], o->value)) {
			rc = hydra_fail(err, o,
			    "the value of '%s' is %s, not %s", o->key,
			    cur->items[idx]->value ? cur->items[idx]->value
			                           : "a container",
			    o->value->text);
			goto out;
		}
		hydra_node_remove(cur, (size_t) idx);
		break;
	}
	goto out;
unknown:
	if (o->op == HYDRA_OP_DEL) {
		rc = hydra_fail(err, o, "no such key");
	} else if ((sugg = hydra_suggest(cfg, o->key)) != NULL) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
		    HYDRA_FIELD ": unknown key '%s' (did you mean '%s'?)",
		    o->key, sugg);
	} else {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
		    HYDRA_FIELD ": unknown key '%s' (use +%s=... to add it)",
		    o->key, o->key);
	}
out:
	hydra_node_free(n);
	free(sugg);
	free(path);
	return rc;
}

/* The first ??? left, as a dotted path. Caller frees. */
static char *
hydra_find_missing(const struct hydra_node *n, const char *prefix)
{
	char *path, *hit;

	if (n->kind == HYDRA_NODE_SCALAR) {
		return n->type == HYDRA_TYPE_MISSING ? xstrdup(prefix) : NULL;
	}
	for (size_t i = 0; i < n->nitems; i++) {
		if (n->kind == HYDRA_NODE_MAP) {
			path = *prefix
			    ? xasprintf("%s.%s", prefix, n->items[i]->key)
			    : xstrdup(n->items[i]->key);
		} else {
			path = xasprintf("%s.%zu", prefix, i);
		}
		hit = hydra_find_missing(n->items[i], path);
		free(path);
		if (hit != NULL) {
			return hit;
		}
	}
	return NULL;
}

/* ---- group overrides ---- */

static int
hydra_option_check(const struct hydra_group *g, const struct hydra_ovr *o,
    const char *opt, struct mlops_error *err)
{
	char *opts;
	int   rc;

	for (size_t i = 0; i < g->noptions; i++) {
		if (strcmp(g->options[i], opt) == 0) {
			return 0;
		}
	}
	opts = hydra_group_options_text(g);
	rc   = hydra_fail(err, o, "no option '%s' in group '%s' (options: %s)",
	      opt, g->name, opts);
	free(opts);
	return rc;
}

/* Turns `group[@pkg]=option` into a hydra_gov, checking the options. */
static int
hydra_gov_from(struct hydra_gov *g, const struct hydra_group *grp,
    const struct hydra_ovr *o, struct mlops_error *err)
{
	const struct hydra_val *v = o->value;
	int                     rc;

	memset(g, 0, sizeof(*g));
	g->op      = o->op;
	g->text    = o->text;
	g->group   = xstrdup(o->key);
	g->package = xstrdup_null(o->package);
	g->key     = xstrdup(o->key_elem
	        + (o->op == HYDRA_OP_SET          ? 0
	                : o->op == HYDRA_OP_FORCE ? 2
	                                          : 1));
	if (o->op == HYDRA_OP_FORCE) {
		return hydra_fail(err, o,
		    "force-add of config groups is not supported (use %s=... "
		    "or +%s=...)",
		    o->key, o->key);
	}
	if (v == NULL) {
		return 0; /* ~group */
	}
	if (v->kind == HYDRA_V_LIST) {
		g->is_list = true;
		g->options = xcalloc(v->n + 1, sizeof(char *));
		for (size_t i = 0; i < v->n; i++) {
			if (v->items[i]->kind != HYDRA_V_PRIM
			    && v->items[i]->kind != HYDRA_V_QUOTED) {
				return hydra_fail(
				    err, o, "a group option must be a name");
			}
			g->options[g->noptions++] = xstrdup(v->items[i]->str);
			if (grp != NULL
			    && (rc = hydra_option_check(
			            grp, o, v->items[i]->str, err))
			        < 0) {
				return rc;
			}
		}
		return 0;
	}
	if (v->kind != HYDRA_V_PRIM && v->kind != HYDRA_V_QUOTED) {
		return hydra_fail(err, o,
		    "a group option must be a name, a list of names or null");
	}
	if (v->kind == HYDRA_V_PRIM && v->type == HYDRA_TYPE_NULL) {
		if (o->op == HYDRA_OP_ADD) {
			return hydra_fail(err, o, "cannot add a null option");
		}
		return 0;
	}
	g->value = xstrdup(v->str);
	return grp == NULL ? 0 : hydra_option_check(grp, o, v->str, err);
}

static void
hydra_gov_fini(struct hydra_gov *g)
{
	free(g->group);
	free(g->package);
	free(g->key);
	free(g->value);
	for (size_t i = 0; i < g->noptions; i++) {
		free(g->options[i]);
	}
	free(g->options);
}

static bool
hydra_is_hydra_key(const char *key)
{
	return strcmp(key, "hydra") == 0 || strncmp(key, "hydra.", 6) == 0
	    || strncmp(key, "hydra/", 6) == 0;
}

static const char *const hydra_sweep_funcs[]
    = { "choice", "range", "glob", "interval", "tag", "shuffle", "sort" };

/* Sweeps and functions cannot be checked as one value. */
static int
hydra_plain_only(const struct hydra_ovr *o, struct mlops_error *err)
{
	const struct hydra_val *v = o->value;

	if (v == NULL) {
		return 0;
	}
	if (v->kind == HYDRA_V_SWEEP) {
		return hydra_fail(err, o,
		    "several values are a sweep (use --sweep); for a list "
		    "write %s=[...], for a string quote the value",
		    o->key_elem);
	}
	if (v->kind != HYDRA_V_FUNC) {
		return 0;
	}
	for (size_t i = 0;
	     i < sizeof(hydra_sweep_funcs) / sizeof(hydra_sweep_funcs[0]);
	     i++) {
		if (strcmp(v->str, hydra_sweep_funcs[i]) == 0) {
			return hydra_fail(
			    err, o, "%s() is a sweep (use --sweep)", v->str);
		}
	}
	return hydra_fail(err, o,
	    "function %s() is not supported (use --no-validate)", v->str);
}

int
hydra_validate_overrides(struct hydra_resolved **out,
    const struct hydra_config *cfg, const char *const *overrides, size_t n,
    struct mlops_error *err)
{
	struct hydra_ovr        **ovs      = NULL;
	struct hydra_gov         *govs     = NULL;
	size_t                    ngovs    = 0;
	bool                     *is_group = NULL;
	struct hydra_config      *res      = NULL;
	struct hydra_resolved    *r        = NULL;
	const struct hydra_group *grp;
	char                     *missing = NULL;
	int                       rc      = 0;

	if (n > HYDRA_MAX_OVERRIDES) {
		return mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
		    HYDRA_FIELD ": more than %d overrides",
		    HYDRA_MAX_OVERRIDES);
	}
	ovs      = xcalloc(n + 1, sizeof(*ovs));
	govs     = xcalloc(n + 1, sizeof(*govs));
	is_group = xcalloc(n + 1, sizeof(*is_group));
	for (size_t i = 0; i < n; i++) {
		struct hydra_ovr *o;

		if ((rc = hydra_ovr_parse(&ovs[i], overrides[i], err)) < 0
		    || (rc = hydra_plain_only(ovs[i], err)) < 0) {
			goto out;
		}
		o = ovs[i];
		if (hydra_is_hydra_key(o->key)) {
			/* Hydra's own config: recorded, never checked. */
			if (o->op == HYDRA_OP_SET
			    && strchr(o->key, '/') != NULL) {
				hydra_gov_from(&govs[ngovs++], NULL, o, NULL);
			}
			continue;
		}
		grp = o->value != NULL && o->value->kind == HYDRA_V_DICT
		    ? NULL
		    : hydra_repo_group(cfg->repo, o->key);
		if (grp == NULL && o->package != NULL) {
			rc = hydra_fail(
			    err, o, "'%s' is not a config group", o->key);
			goto out;
		}
		if (grp == NULL) {
			continue;
		}
		is_group[i] = true;
		if ((rc = hydra_gov_from(&govs[ngovs++], grp, o, err)) < 0) {
			goto out;
		}
	}
	if ((rc = hydra_compose(
	         &res, cfg->repo, cfg->name, govs, ngovs, true, err))
	    < 0) {
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (is_group[i] || hydra_is_hydra_key(ovs[i]->key)) {
			continue;
		}
		if ((rc = hydra_apply(res, ovs[i], (unsigned) i + 1, err))
		    < 0) {
			goto out;
		}
	}
	if ((missing = hydra_find_missing(res->root, "")) != NULL) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
		    HYDRA_FIELD
		    ": '%s' is mandatory (?\?\?) and was not given",
		    missing);
		goto out;
	}
	r      = xcalloc(1, sizeof(*r));
	r->cfg = res;
	res    = NULL;
	r->ovs = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		r->ovs[i] = ovs[i]->value
		    ? xasprintf("%s=%s", ovs[i]->key_elem, ovs[i]->value->text)
		    : xstrdup(ovs[i]->key_elem);
	}
	r->n = n;
	*out = r;
out:
	free(missing);
	hydra_config_free(res);
	for (size_t i = 0; i < n; i++) {
		hydra_ovr_free(ovs[i]);
	}
	for (size_t i = 0; i < ngovs; i++) {
		hydra_gov_fini(&govs[i]);
	}
	free(ovs);
	free(govs);
	free(is_group);
	return rc;
}

void
hydra_resolved_free(struct hydra_resolved *res)
{
	if (res == NULL) {
		return;
	}
	for (size_t i = 0; i < res->n; i++) {
		free(res->ovs[i]);
	}
	free(res->ovs);
	hydra_config_free(res->cfg);
	free(res);
}

const struct hydra_config *
hydra_resolved_config(const struct hydra_resolved *res)
{
	return res->cfg;
}

size_t
hydra_resolved_noverrides(const struct hydra_resolved *res)
{
	return res->n;
}

const char *
hydra_resolved_override(const struct hydra_resolved *res, size_t i)
{
	return i < res->n ? res->ovs[i] : NULL;
}

char *
hydra_resolved_to_json(const struct hydra_resolved *res)
{
	return hydra_json_render(
	    res->cfg, (const char *const *) res->ovs, res->n, true);
}
