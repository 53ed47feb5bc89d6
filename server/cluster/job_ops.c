/*
 * job_ops: cancel and expected start, as chains of commands on the
 * cluster's executor worker.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/log.h>
#include <mlops/xmalloc.h>

#include "clusters.h"
#include "job_ops.h"
#include "jobs.h"
#include "mlopsd.h"
#include "poller.h"
#include "slurm_array.h"
#include "slurm_cmd.h"
#include "slurm_parse.h"

struct job_ops_cancel {
	struct mlopsd    *d;
	struct store     *st;
	struct executor  *ex;
	int64_t           id;
	int64_t           sweep_id;
	char             *cluster, *slurm_id;
	int               step; /* 0 scancel, 1 squeue */
	job_ops_cancel_cb cb;
	void             *arg;
};

static void
job_ops_cancel_finish(
    struct job_ops_cancel *c, int rc, const struct mlops_error *err)
{
	c->cb(c->arg, rc, err);
	if (c->d->d_poller != NULL) {
		poller_kick(c->d->d_poller, c->cluster);
	}
	free(c->cluster);
	free(c->slurm_id);
	free(c);
}

/* squeue's rows after the scancel: applied, and a dropped task noted. */
static void
job_ops_cancel_apply(struct job_ops_cancel *c, const char *out)
{
	struct slurm_jobs  jobs = { 0 };
	struct mlops_error e    = { 0 };

	if (slurm_parse_squeue(&jobs, out, 0, &e) < 0) {
		log_warn("cluster %s: after scancel %s: %s", c->cluster,
		    c->slurm_id, e.msg);
		return;
	}
	for (size_t i = 0; i < jobs.n; i++) {
		jobs_apply(c->d, c->st, c->cluster, &jobs.v[i],
		    jobs.v[i].job_id, NULL);
	}
	/* scancel took it, yet Slurm lists it no more: a pending array task
	 * cancelled on its own leaves no record. */
	if (c->sweep_id == 0 && strchr(c->slurm_id, '_') != NULL
	    && slurm_array_find(&jobs, c->slurm_id) == NULL) {
		jobs_set_state(c->d, c->st, c->id, JOB_STATE_CANCELLED,
		    "cancelled before it started: Slurm dropped it from its "
		    "array",
		    NULL);
	}
	slurm_jobs_fini(&jobs);
}

static void
job_ops_cancel_done(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err)
{
	struct job_ops_cancel *c    = arg;
	struct mlops_error     e    = { 0 };
	char                 **argv = NULL;
	const char            *ids[1];
	struct exec_opts       opts;

	if (rc < 0) {
		job_ops_cancel_finish(c, rc, err);
		return;
	}
	if (c->step == 1) {
		if (res->exit_status == 0) {
			job_ops_cancel_apply(c, res->stdout_buf);
		}
		job_ops_cancel_finish(c, 0, NULL);
		return;
	}
	if (res->exit_status != 0) {
		rc = slurm_parse_error(res->stderr_buf, &e);
		job_ops_cancel_finish(c, rc, &e);
		return;
	}
	/* Read the state back from Slurm itself, not a guess. */
	c->step = 1;
	ids[0]  = c->slurm_id;
	exec_opts_init(&opts);
	opts.timeout_ms = 30000;
	if (slurm_cmd_poll(&argv, ids, 1, &e) == 0
	    && executor_run_async(c->ex, (const char *const *) argv, &opts,
	           job_ops_cancel_done, c, &e)
	        == 0) {
		slurm_argv_free(argv);
		return;
	}
	slurm_argv_free(argv);
	job_ops_cancel_finish(c, 0, NULL);
}

int
job_ops_cancel(struct mlopsd *d, struct store *st, int64_t job_id,
    int64_t sweep_id, const char *cluster, const char *slurm_id,
    job_ops_cancel_cb cb, void *arg, struct mlops_error *err)
{
	struct executor       *ex   = clusters_exec(d->d_clusters, cluster);
	struct job_ops_cancel *c    = NULL;
	char                 **argv = NULL;
	struct exec_opts       opts;
	int                    rc;

	if (ex == NULL) {
		return mlops_error_set(err, MLOPS_ENOTFOUND,
		    "the job's cluster %s is no longer configured", cluster);
	}
	if ((rc = slurm_cmd_cancel(&argv, slurm_id, err)) < 0) {
		return rc;
	}
	c           = xcalloc(1, sizeof(*c));
	c->d        = d;
	c->st       = st;
	c->ex       = ex;
	c->id       = job_id;
	c->sweep_id = sweep_id;
	c->cluster  = xstrdup(cluster);
	c->slurm_id = xstrdup(slurm_id);
	c->cb       = cb;
	c->arg      = arg;
	exec_opts_init(&opts);
	opts.timeout_ms = 30000;
	rc = executor_run_async(ex, (const char *const *) argv, &opts,
	    job_ops_cancel_done, c, err);
	slurm_argv_free(argv);
	if (rc < 0) {
		free(c->cluster);
		free(c->slurm_id);
		free(c);
	}
	return rc;
}

struct job_ops_start {
	job_ops_start_cb cb;
	void            *arg;
};

static void
job_ops_start_done(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err)
{
	struct job_ops_start *s     = arg;
	struct slurm_starts   st    = { 0 };
	int64_t               start = 0;

	(void) err;
	if (rc == 0 && res->exit_status == 0
	    && slurm_parse_start(&st, res->stdout_buf, 0, NULL) == 0
	    && st.n > 0) {
		start = st.v[0].start_time;
	}
	slurm_starts_fini(&st);
	s->cb(s->arg, start);
	free(s);
}

int
job_ops_expected_start(struct mlopsd *d, const char *cluster,
    const char *slurm_id, job_ops_start_cb cb, void *arg,
    struct mlops_error *err)
{
	struct executor      *ex   = clusters_exec(d->d_clusters, cluster);
	char                **argv = NULL;
	struct job_ops_start *s;
	struct exec_opts      opts;
	int                   rc;

	if (ex == NULL) {
		return mlops_error_set(err, MLOPS_ENOTFOUND,
		    "the job's cluster %s is no longer configured", cluster);
	}
	if ((rc = slurm_cmd_start(&argv, slurm_id, err)) < 0) {
		return rc;
	}
	s      = xcalloc(1, sizeof(*s));
	s->cb  = cb;
	s->arg = arg;
	exec_opts_init(&opts);
	opts.timeout_ms = 15000;
	rc              = executor_run_async(
	                 ex, (const char *const *) argv, &opts, job_ops_start_done, s, err);
	slurm_argv_free(argv);
	if (rc < 0) {
		free(s);
	}
	return rc;
}
