/*
 * Hydra multirun expansion, as its basic sweeper does it: every argument's
 * value list (a comma list, choice(...) or range(...)) becomes one axis, and
 * the tasks are the cartesian product of the axes in argument order, the
 * last varying fastest. One task is one element of a Slurm job array.
 * Pure; runs on whichever thread calls it.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/hydra_syntax.h>
#include <mlops/xmalloc.h>

#include "hydra_syntax_impl.h"

#define HYDRA_SWEEP_HARD_MAX 100000 /* tasks, whatever the caller allows */

struct hydra_sweep {
	size_t  ntasks;
	size_t  nper;  /* overrides per task */
	char ***tasks; /* tasks[i][0..nper) */
};

/* One key of the sweep and its values ("key=value" strings). */
struct hydra_axis {
	char  *key_elem;
	char **vals;
	size_t nvals;
	size_t cap; /* slots in vals */
};

static int  hydra_sweep_fail(struct mlops_error *err, const char *arg,
     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void hydra_axis_fini(struct hydra_axis *a);
static void hydra_axis_add(struct hydra_axis *a, const char *value);
static int  hydra_range(struct hydra_axis *a, const struct hydra_ovr *o,
     size_t limit, struct mlops_error *err);
static int  hydra_axis_from(struct hydra_axis *a, const struct hydra_ovr *o,
     size_t limit, struct mlops_error *err);

static void hydra_float_text(char *buf, size_t len, double v);

static int
hydra_sweep_fail(
    struct mlops_error *err, const char *arg, const char *fmt, ...)
{
	char    buf[MLOPS_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return mlops_error_set_field(
	    err, MLOPS_EINVAL, HYDRA_FIELD, HYDRA_FIELD ": %s: %s", arg, buf);
}

static void
hydra_axis_fini(struct hydra_axis *a)
{
	for (size_t i = 0; i < a->nvals; i++) {
		free(a->vals[i]);
	}
	free(a->vals);
	free(a->key_elem);
	memset(a, 0, sizeof(*a));
}

static void
hydra_axis_add(struct hydra_axis *a, const char *value)
{
	/* Doubling: a range() may add up to HYDRA_SWEEP_HARD_MAX values. */
	if (a->nvals == a->cap) {
		a->cap  = a->cap != 0 ? a->cap * 2 : 8;
		a->vals = xreallocarray(a->vals, a->cap, sizeof(char *));
	}
	a->vals[a->nvals++] = value ? xasprintf("%s=%s", a->key_elem, value)
	                            : xstrdup(a->key_elem);
}

/* A float as Python prints it: shortest form, always with a '.' or an
 * exponent; 15 significant digits drop the noise of start + i * step. */
static void
hydra_float_text(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.15g", v);
	if (strpbrk(buf, ".eEn") == NULL) {
		strncat(buf, ".0", len - strlen(buf) - 1);
	}
}

/* range(start, stop[, step]): ints when all three are ints (Python's
 * range), else floats, r[i] = start + i * step while short of stop. */
static int
hydra_range(struct hydra_axis *a, const struct hydra_ovr *o, size_t limit,
    struct mlops_error *err)
{
	static const char *const names[] = { "start", "stop", "step" };
	const struct hydra_val  *f = o->value, *arg[3] = { 0 };
	bool                     is_int = true;
	double                   d[3]   = { 0, 0, 1 };
	long long                ll[3]  = { 0, 0, 1 };
	char                     buf[64], *end;
	size_t                   count = 0;

	if (f->n < 2 || f->n > 3) {
		return hydra_sweep_fail(err, o->text,
		    "range() takes start, stop and an optional step");
	}
	for (size_t i = 0; i < f->n; i++) {
		size_t slot = i;

		if (f->names[i] != NULL) {
			for (slot = 0; slot < 3; slot++) {
				if (strcmp(f->names[i], names[slot]) == 0) {
					break;
				}
			}
			if (slot == 3) {
				return hydra_sweep_fail(err, o->text,
				    "range() has no argument '%s'",
				    f->names[i]);
			}
		}
		if (arg[slot] != NULL) {
			return hydra_sweep_fail(err, o->text,
			    "range() got '%s' twice", names[slot]);
		}
		arg[slot] = f->items[i];
	}
	for (size_t i = 0; i < 3; i++) {
		if (arg[i] == NULL) {
			if (i < 2) {
				return hydra_sweep_fail(err, o->text,
				    "range() needs '%s'", names[i]);
			}
			continue;
		}
		if (arg[i]->kind != HYDRA_V_PRIM
		    || (arg[i]->type != HYDRA_TYPE_INT
		        && arg[i]->type != HYDRA_TYPE_FLOAT)) {
			return hydra_sweep_fail(err, o->text,
			    "range() takes numbers, not '%s'", arg[i]->text);
		}
		is_int = is_int && arg[i]->type == HYDRA_TYPE_INT;
		/* 1_000 is 1000 */
		for (size_t r = 0, w = 0; w < sizeof(buf); r++) {
			if (arg[i]->str[r] != '_') {
				buf[w++] = arg[i]->str[r];
			}
			if (arg[i]->str[r] == '\0') {
				break;
			}
		}
		buf[sizeof(buf) - 1] = '\0';
		d[i]                 = strtod(buf, &end);
		ll[i]                = strtoll(buf, &end, 10);
	}
	if (is_int) {
		if (ll[2] == 0) {
			return hydra_sweep_fail(
			    err, o->text, "range() step must not be 0");
		}
		for (long long v = ll[0]; ll[2] > 0 ? v < ll[1] : v > ll[1];
		     v += ll[2]) {
			if (++count > limit) {
				goto too_many;
			}
			snprintf(buf, sizeof(buf), "%lld", v);
			hydra_axis_add(a, buf);
			if ((ll[2] > 0 && v > LLONG_MAX - ll[2])
			    || (ll[2] < 0 && v < LLONG_MIN - ll[2])) {
				break;
			}
		}
	} else {
		if (d[2] == 0 || !isfinite(d[0]) || !isfinite(d[1])
		    || !isfinite(d[2])) {
			return hydra_sweep_fail(err, o->text,
			    "invalid range values (start %s, stop %s, step "
			    "%s)",
			    arg[0]->text, arg[1]->text,
			    arg[2] ? arg[2]->text : "1");
		}
		for (size_t i = 0;; i++) {
			double v;

			hydra_float_text(
			    buf, sizeof(buf), d[0] + (double) i * d[2]);
			v = strtod(buf, NULL);
			if (d[2] > 0 ? !(v < d[1]) : !(v > d[1])) {
				break;
			}
			if (++count > limit) {
				goto too_many;
			}
			hydra_axis_add(a, buf);
		}
	}
	if (count == 0) {
		return hydra_sweep_fail(err, o->text, "the range is empty");
	}
	return 0;
too_many:
	return mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
	    HYDRA_FIELD ": the sweep expands to more than the limit of %zu "
	                "tasks",
	    limit);
}

static int
hydra_axis_from(struct hydra_axis *a, const struct hydra_ovr *o, size_t limit,
    struct mlops_error *err)
{
	const struct hydra_val *v = o->value;

	a->key_elem = xstrdup(o->key_elem);
	if (v == NULL) {
		hydra_axis_add(a, NULL); /* ~key */
		return 0;
	}
	if (v->kind == HYDRA_V_SWEEP
	    || (v->kind == HYDRA_V_FUNC && strcmp(v->str, "choice") == 0)) {
		if (v->n == 0) {
			return hydra_sweep_fail(
			    err, o->text, "choice() needs at least one value");
		}
		for (size_t i = 0; i < v->n; i++) {
			if (v->names[i] != NULL) {
				return hydra_sweep_fail(err, o->text,
				    "choice() takes no named arguments");
			}
			if (v->items[i]->kind == HYDRA_V_FUNC
			    && (strcmp(v->items[i]->str, "range") == 0
			        || strcmp(v->items[i]->str, "choice") == 0
			        || strcmp(v->items[i]->str, "glob") == 0)) {
				return hydra_sweep_fail(err, o->text,
				    "a sweep inside a sweep is not supported");
			}
			if (a->nvals >= limit) {
				return mlops_error_set_field(err, MLOPS_EINVAL,
				    HYDRA_FIELD,
				    HYDRA_FIELD ": the sweep expands to more "
				                "than the limit of %zu tasks",
				    limit);
			}
			hydra_axis_add(a, v->items[i]->text);
		}
		return 0;
	}
	if (v->kind != HYDRA_V_FUNC) {
		hydra_axis_add(a, v->text);
		return 0;
	}
	if (strcmp(v->str, "range") == 0) {
		return hydra_range(a, o, limit, err);
	}
	if (strcmp(v->str, "glob") == 0) {
		return hydra_sweep_fail(err, o->text,
		    "glob() is not supported; list the options instead "
		    "(%s=a,b)",
		    o->key_elem);
	}
	return hydra_sweep_fail(err, o->text,
	    "%s() cannot be expanded; use a comma list, choice() or range()",
	    v->str);
}

/* Expands into *out, or with out == NULL only counts into *ntasks. */
static int
hydra_sweep_build(struct hydra_sweep **out, size_t *ntasks,
    const char *const *args, size_t n, size_t max_tasks,
    struct mlops_error *err)
{
	struct hydra_axis  *axes  = NULL, cur;
	size_t              naxes = 0, total = 1, idx;
	struct hydra_ovr   *o  = NULL;
	struct hydra_sweep *sw = NULL;
	size_t limit = max_tasks == 0 || max_tasks > HYDRA_SWEEP_HARD_MAX
	    ? HYDRA_SWEEP_HARD_MAX
	    : max_tasks;
	int    rc    = 0;

	memset(&cur, 0, sizeof(cur));
	axes = xcalloc(n + 1, sizeof(*axes));
	for (size_t i = 0; i < n; i++) {
		if ((rc = hydra_ovr_parse(&o, args[i], err)) < 0
		    || (rc = hydra_axis_from(&cur, o, limit, err)) < 0) {
			goto out;
		}
		/* a repeated key keeps its place and takes the new values */
		for (idx = 0; idx < naxes; idx++) {
			if (strcmp(axes[idx].key_elem, cur.key_elem) == 0) {
				break;
			}
		}
		if (idx < naxes) {
			hydra_axis_fini(&axes[idx]);
		} else {
			naxes++;
		}
		axes[idx] = cur;
		memset(&cur, 0, sizeof(cur));
		hydra_ovr_free(o);
		o = NULL;
	}
	for (size_t i = 0; i < naxes; i++) {
		if (total > SIZE_MAX / axes[i].nvals) {
			total = SIZE_MAX; /* saturate */
			break;
		}
		total *= axes[i].nvals;
	}
	if (total > limit) {
		if (total == SIZE_MAX) {
			rc = mlops_error_set_field(err, MLOPS_EINVAL,
			    HYDRA_FIELD,
			    HYDRA_FIELD ": the sweep expands to more than the "
			                "limit of %zu tasks",
			    limit);
		} else {
			rc = mlops_error_set_field(err, MLOPS_EINVAL,
			    HYDRA_FIELD,
			    HYDRA_FIELD ": the sweep expands to %zu tasks, "
			                "more than the limit of %zu",
			    total, limit);
		}
		goto out;
	}
	if (ntasks != NULL) {
		*ntasks = total;
	}
	if (out == NULL) {
		goto out;
	}
	sw         = xcalloc(1, sizeof(*sw));
	sw->ntasks = total;
	sw->nper   = naxes;
	sw->tasks  = xcalloc(total, sizeof(char **));
	for (size_t t = 0; t < total; t++) {
		size_t rest = t;

		sw->tasks[t] = xcalloc(naxes + 1, sizeof(char *));
		/* mixed radix, the last axis least significant */
		for (size_t k = naxes; k-- > 0;) {
			sw->tasks[t][k]
			    = xstrdup(axes[k].vals[rest % axes[k].nvals]);
			rest /= axes[k].nvals;
		}
	}
	*out = sw;
out:
	hydra_ovr_free(o);
	hydra_axis_fini(&cur);
	for (size_t i = 0; i < naxes; i++) {
		hydra_axis_fini(&axes[i]);
	}
	free(axes);
	return rc;
}

int
hydra_sweep_expand(struct hydra_sweep **out, const char *const *args, size_t n,
    size_t max_tasks, struct mlops_error *err)
{
	return hydra_sweep_build(out, NULL, args, n, max_tasks, err);
}

int
hydra_sweep_count(size_t *ntasks, const char *const *args, size_t n,
    size_t max_tasks, struct mlops_error *err)
{
	return hydra_sweep_build(NULL, ntasks, args, n, max_tasks, err);
}

void
hydra_sweep_free(struct hydra_sweep *sw)
{
	if (sw == NULL) {
		return;
	}
	for (size_t t = 0; t < sw->ntasks; t++) {
		for (size_t k = 0; k < sw->nper; k++) {
			free(sw->tasks[t][k]);
		}
		free(sw->tasks[t]);
	}
	free(sw->tasks);
	free(sw);
}

size_t
hydra_sweep_ntasks(const struct hydra_sweep *sw)
{
	return sw->ntasks;
}

const char *const *
hydra_sweep_task(const struct hydra_sweep *sw, size_t i, size_t *n)
{
	if (i >= sw->ntasks) {
		*n = 0;
		return NULL;
	}
	*n = sw->nper;
	return (const char *const *) sw->tasks[i];
}
