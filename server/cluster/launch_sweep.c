/*
 * A sweep launch's own steps (see launch_sweep.h). Runs on the launch
 * thread, except launch_sweep_check_limit(), which runs on the cluster's
 * executor worker; the MaxArraySize cache is shared by all launches under its
 * own mutex.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/log.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "hydra.h"
#include "launch_hydra.h"
#include "launch_sweep.h"
#include "sbatch.h"
#include "slurm_array.h"
#include "slurm_parse.h"
#include "executor.h"
#include "store_sweeps.h"

/* A cluster's MaxArraySize is read again after this long. */
#define LAUNCH_SWEEP_LIMIT_TTL_S 600

struct launch_sweep_limit {
	char   *cluster;
	long    max;
	int64_t fetched_at;
};

struct launch_sweep_limits {
	pthread_mutex_t            sl_mtx;
	struct launch_sweep_limit *sl_v;
	size_t                     sl_n;
};

/* One task's Hydra check result (both NULL: not validated). */
struct launch_sweep_task {
	char *resolved_json, *config_json;
	char *stdout_path, *stderr_path;
};

struct launch_sweep {
	struct hydra_sweep       *hs;
	char                    **args; /* the multirun overrides as given */
	size_t                    n_args;
	size_t                    ntasks;
	int                       max_parallel;
	struct launch_sweep_task *tasks;
	struct sbatch_list       *table; /* each task's overrides */
	struct sbatch_array       array;
	int64_t                   sweep_id;
	int64_t                  *job_ids; /* task i's job row */
	char                     *out_pattern, *err_pattern;
};

struct launch_sweep_limits *
launch_sweep_limits_new(void)
{
	struct launch_sweep_limits *lim = xcalloc(1, sizeof(*lim));

	pthread_mutex_init(&lim->sl_mtx, NULL);
	return lim;
}

void
launch_sweep_limits_free(struct launch_sweep_limits *lim)
{
	if (lim == NULL) {
		return;
	}
	for (size_t i = 0; i < lim->sl_n; i++) {
		free(lim->sl_v[i].cluster);
	}
	free(lim->sl_v);
	pthread_mutex_destroy(&lim->sl_mtx);
	free(lim);
}

/* The cached limit of `cluster`, or 0 when none is fresh. */
static long
launch_sweep_limit_get(struct launch_sweep_limits *lim, const char *cluster)
{
	int64_t now = (int64_t) time(NULL);
	long    max = 0;

	pthread_mutex_lock(&lim->sl_mtx);
	for (size_t i = 0; i < lim->sl_n; i++) {
		if (strcmp(lim->sl_v[i].cluster, cluster) == 0
		    && now - lim->sl_v[i].fetched_at
		        < LAUNCH_SWEEP_LIMIT_TTL_S) {
			max = lim->sl_v[i].max;
		}
	}
	pthread_mutex_unlock(&lim->sl_mtx);
	return max;
}

static void
launch_sweep_limit_put(
    struct launch_sweep_limits *lim, const char *cluster, long max)
{
	size_t i;

	pthread_mutex_lock(&lim->sl_mtx);
	for (i = 0; i < lim->sl_n; i++) {
		if (strcmp(lim->sl_v[i].cluster, cluster) == 0) {
			break;
		}
	}
	if (i == lim->sl_n) {
		lim->sl_v = xreallocarray(
		    lim->sl_v, lim->sl_n + 1, sizeof(*lim->sl_v));
		lim->sl_v[lim->sl_n++].cluster = xstrdup(cluster);
	}
	lim->sl_v[i].max        = max;
	lim->sl_v[i].fetched_at = (int64_t) time(NULL);
	pthread_mutex_unlock(&lim->sl_mtx);
}

int
launch_sweep_new(struct launch_sweep **out, const char *const *args, size_t n,
    int max_parallel, struct mlops_error *err)
{
	struct launch_sweep *sw = NULL;
	struct hydra_sweep  *hs = NULL;
	int                  rc;

	if (max_parallel < 0) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "max_parallel",
		    "max_parallel: must be 0 (no limit) or more");
	}
	if ((rc = hydra_sweep_expand(&hs, args, n, SBATCH_MAX_ARRAY_SIZE, err))
	    < 0) {
		return rc;
	}
	sw               = xcalloc(1, sizeof(*sw));
	sw->hs           = hs;
	sw->ntasks       = hydra_sweep_ntasks(hs);
	sw->max_parallel = (size_t) max_parallel > sw->ntasks
	    ? (int) sw->ntasks
	    : max_parallel;
	sw->n_args       = n;
	sw->args         = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		sw->args[i] = xstrdup(args[i]);
	}
	sw->tasks   = xcalloc(sw->ntasks, sizeof(*sw->tasks));
	sw->table   = xcalloc(sw->ntasks, sizeof(*sw->table));
	sw->job_ids = xcalloc(sw->ntasks, sizeof(*sw->job_ids));
	for (size_t i = 0; i < sw->ntasks; i++) {
		sw->table[i].v = hydra_sweep_task(hs, i, &sw->table[i].n);
	}
	sw->array.size           = (unsigned) sw->ntasks;
	sw->array.max_parallel   = (unsigned) sw->max_parallel;
	sw->array.task_overrides = sw->table;
	*out                     = sw;
	return 0;
}

void
launch_sweep_free(struct launch_sweep *sw)
{
	if (sw == NULL) {
		return;
	}
	for (size_t i = 0; i < sw->ntasks; i++) {
		free(sw->tasks[i].resolved_json);
		free(sw->tasks[i].config_json);
		free(sw->tasks[i].stdout_path);
		free(sw->tasks[i].stderr_path);
	}
	for (size_t i = 0; i < sw->n_args; i++) {
		free(sw->args[i]);
	}
	free(sw->args);
	free(sw->tasks);
	free(sw->table);
	free(sw->job_ids);
	free(sw->out_pattern);
	free(sw->err_pattern);
	hydra_sweep_free(sw->hs);
	free(sw);
}

size_t
launch_sweep_ntasks(const struct launch_sweep *sw)
{
	return sw->ntasks;
}

int64_t
launch_sweep_id(const struct launch_sweep *sw)
{
	return sw->sweep_id;
}

int
launch_sweep_validate(
    struct launch_sweep *sw, struct launch_hydra *h, struct mlops_error *err)
{
	if (h == NULL) {
		return 0;
	}
	for (size_t i = 0; i < sw->ntasks; i++) {
		struct launch_sweep_task *t = &sw->tasks[i];
		struct mlops_error        e = { 0 };
		int                       rc;

		if ((rc = launch_hydra_check(h, sw->table[i].v, sw->table[i].n,
		         &t->resolved_json, &t->config_json, &e))
		    < 0) {
			struct strbuf ov = STRBUF_INIT;

			for (size_t k = 0; k < sw->table[i].n; k++) {
				strbuf_printf(&ov, "%s%s", k ? " " : "",
				    sw->table[i].v[k]);
			}
			mlops_error_set_field(err, rc,
			    e.field[0] ? e.field : "overrides",
			    "sweep task %zu (%s): %s", i, strbuf_str(&ov),
			    e.msg);
			strbuf_fini(&ov);
			return rc;
		}
	}
	return 0;
}

int
launch_sweep_check_limit(struct launch_sweep *sw,
    struct launch_sweep_limits *lim, const char *cluster,
    struct exec_session *s, struct mlops_error *err)
{
	static const char *const argv[]
	    = { "scontrol", "show", "config", NULL };
	struct exec_result res = { 0 };
	struct exec_opts   opts;
	long               max = launch_sweep_limit_get(lim, cluster);
	int                rc;

	if (max == 0) {
		exec_opts_init(&opts);
		opts.timeout_ms = 60000;
		opts.max_stdout = 1u << 20;
		if ((rc = exec_run(s, &res, argv, &opts, err)) < 0) {
			return rc;
		}
		if (res.exit_status != 0) {
			rc = slurm_parse_error(res.stderr_buf, err);
		} else {
			rc = slurm_array_parse_max_size(
			    &max, res.stdout_buf, err);
		}
		exec_result_fini(&res);
		if (rc < 0) {
			return rc;
		}
		launch_sweep_limit_put(lim, cluster, max);
	}
	if ((long) sw->ntasks > max) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "sweep",
		    "sweep: %zu tasks exceed the MaxArraySize of %s (%ld): "
		    "split the sweep",
		    sw->ntasks, cluster, max);
	}
	return 0;
}

int
launch_sweep_insert(struct launch_sweep *sw, struct store *st,
    struct store_job *tmpl, struct mlops_error *err)
{
	struct store_sweep s = { 0 };
	int                rc;

	s.project      = tmpl->project;
	s.cluster      = tmpl->cluster;
	s.ntasks       = (int) sw->ntasks;
	s.max_parallel = sw->max_parallel;
	s.spec         = sw->args;
	s.n_spec       = sw->n_args;
	if ((rc = store_sweep_insert(st, &s, err)) < 0) {
		return rc;
	}
	sw->sweep_id = s.id;
	for (size_t i = 0; i < sw->ntasks; i++) {
		struct launch_sweep_task *t        = &sw->tasks[i];
		struct store_job          j        = *tmpl;
		char                    **resolved = NULL;

		j.sweep_id             = s.id;
		j.array_task_id        = (int) i;
		j.overrides            = (char **) sw->table[i].v;
		j.n_overrides          = sw->table[i].n;
		j.validated            = t->config_json != NULL;
		j.resolved_overrides   = NULL;
		j.n_resolved_overrides = 0;
		j.config_json          = t->config_json;
		if (j.validated) {
			resolved = launch_hydra_strv(
			    t->resolved_json, &j.n_resolved_overrides);
			j.resolved_overrides = resolved;
		}
		rc = store_job_insert(st, &j, err);
		launch_hydra_strv_free(resolved);
		if (rc < 0) {
			return rc;
		}
		sw->job_ids[i] = j.id;
	}
	tmpl->id = sw->job_ids[0];
	return 0;
}

void
launch_sweep_spec(
    struct launch_sweep *sw, struct sbatch_spec *spec, const char *job_dir)
{
	free(sw->out_pattern);
	free(sw->err_pattern);
	sw->out_pattern        = xasprintf("%s/stdout-%%a.log", job_dir);
	sw->err_pattern        = xasprintf("%s/stderr-%%a.log", job_dir);
	spec->stdout_path      = sw->out_pattern;
	spec->stderr_path      = sw->err_pattern;
	spec->overrides.v      = NULL;
	spec->overrides.n      = 0;
	sw->array.task_job_ids = sw->job_ids;
	spec->array            = &sw->array;
}

int
launch_sweep_set_scripts(struct launch_sweep *sw, struct store *st,
    const char *job_dir, const char *script, struct mlops_error *err)
{
	for (size_t i = 0; i < sw->ntasks; i++) {
		struct launch_sweep_task *t = &sw->tasks[i];
		int                       rc;

		free(t->stdout_path);
		free(t->stderr_path);
		t->stdout_path = xasprintf("%s/stdout-%zu.log", job_dir, i);
		t->stderr_path = xasprintf("%s/stderr-%zu.log", job_dir, i);
		/* The script is the array's, kept once (task 0's row): a
		 * large sweep would otherwise store its table N times. */
		if ((rc = store_job_set_script(st, sw->job_ids[i], job_dir,
		         t->stdout_path, t->stderr_path,
		         i == 0 ? script : NULL, err))
		    < 0) {
			return rc;
		}
	}
	return 0;
}
