/*
 * Job methods: launch, list, show and cancel. Listing and showing read the
 * store inline; launch runs on a launch thread (launch.c); cancel and the
 * expected start of a pending job run as async work on the cluster's SSH
 * worker. Wire types are converted here and in job_proto.c only.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/job_state.h>
#include <mlops/types.h>
#include <mlops/xmalloc.h>

#include "job_ops.h"
#include "job_proto.h"
#include "launch.h"
#include "mlopsd.h"
#include "rpc_handlers.h"
#include "store.h"
#include "store_sweeps.h"

/* A job for a reply: converted, with the store_job kept until sent. */
static Mlops__Job *
rpc_job(struct rpc_call *call, struct store_job *j, bool with_script)
{
	Mlops__Job *m = RPC_ALLOC(call, Mlops__Job, MLOPS__JOB__INIT);

	job_proto_fill(m, j, with_script);
	rpc_call_keep(call, j); /* the struct itself */
	/* Its members are freed by the arena too: hand them over. */
	rpc_call_keep(call, j->project);
	rpc_call_keep(call, j->cluster);
	rpc_call_keep(call, j->partition);
	rpc_call_keep(call, j->slurm_job_id);
	rpc_call_keep(call, j->state);
	rpc_call_keep(call, j->reason);
	rpc_call_keep(call, j->description);
	rpc_call_keep(call, j->commit_sha);
	rpc_call_keep(call, j->branch);
	for (size_t i = 0; i < j->n_overrides; i++) {
		rpc_call_keep(call, j->overrides[i]);
	}
	rpc_call_keep(call, j->overrides);
	rpc_call_keep(call, j->config_name);
	rpc_call_keep(call, j->gpu_type);
	rpc_call_keep(call, j->mem);
	rpc_call_keep(call, j->time_limit);
	rpc_call_keep(call, j->node_list);
	rpc_call_keep(call, j->wandb_url);
	rpc_call_keep(call, j->work_dir);
	rpc_call_keep(call, j->stdout_path);
	rpc_call_keep(call, j->stderr_path);
	rpc_call_keep(call, j->sbatch_script);
	rpc_call_keep(call, j->submit_error);
	for (size_t i = 0; i < j->n_resolved_overrides; i++) {
		rpc_call_keep(call, j->resolved_overrides[i]);
	}
	rpc_call_keep(call, j->resolved_overrides);
	rpc_call_keep(call, j->config_json);
	return m;
}

/* Jobs for a reply; the array `v` itself is freed, its jobs kept. */
static Mlops__Job **
rpc_jobs_of(
    struct rpc_call *call, struct store_job **v, size_t n, size_t *n_out)
{
	Mlops__Job **m = rpc_call_alloc(call, (n ? n : 1) * sizeof(*m));

	for (size_t i = 0; i < n; i++) {
		m[i] = rpc_job(call, v[i], false);
	}
	free(v);
	*n_out = n;
	return m;
}

/* --- launch ----------------------------------------------------------------
 */

static void
rpc_launch_done(void *arg, int rc, struct store_job *job,
    struct store_job **tasks, size_t n_tasks, int64_t job_id,
    const struct mlops_error *err)
{
	struct rpc_call *call = arg;

	if (rc == 0) {
		Mlops__Response    *resp = rpc_call_response(call);
		Mlops__LaunchReply *r    = RPC_ALLOC(
		       call, Mlops__LaunchReply, MLOPS__LAUNCH_REPLY__INIT);

		r->sweep_id = job->sweep_id;
		r->job      = rpc_job(call, job, true);
		r->tasks    = rpc_jobs_of(call, tasks, n_tasks, &r->n_tasks);
		resp->body_case = MLOPS__RESPONSE__BODY_LAUNCH;
		resp->launch    = r;
		rpc_call_complete(call, 0, NULL);
		return;
	}
	if (job_id != 0) {
		/* Recorded as SUBMIT_FAILED: say which job to look at. */
		struct mlops_error e = *err;

		mlops_error_set_field(&e, rc, err->field,
		    "job %lld failed to submit: %s", (long long) job_id,
		    err->msg);
		rpc_call_complete(call, rc, &e);
		return;
	}
	rpc_call_complete(call, rc, err);
}

RPC_HANDLER(rpc_launch)
{
	const Mlops__LaunchRequest *q  = req->launch;
	struct launch_request       lr = { 0 };
	int                         rc;

	if (q == NULL) {
		return mlops_error_set(err, MLOPS_EPROTO, "empty launch");
	}
	lr.project       = q->project;
	lr.cluster       = q->cluster;
	lr.partition     = q->partition;
	lr.gpus          = q->gpus;
	lr.gpu_type      = q->gpu_type;
	lr.nodes         = q->nodes;
	lr.cpus_per_task = q->cpus_per_task;
	lr.mem           = q->mem;
	lr.time_limit    = q->time_limit;
	lr.description   = q->description;
	lr.config_name   = q->config_name;
	lr.overrides     = (const char *const *) q->overrides;
	lr.n_overrides   = q->n_overrides;
	lr.allow_dirty   = q->allow_dirty;
	lr.dry_run       = q->dry_run;
	lr.sweep         = q->sweep;
	lr.max_parallel  = q->max_parallel;
	lr.no_validate   = q->no_validate;
	if ((rc = launch_start(
	         rpc_call_daemon(call), &lr, rpc_launch_done, call, err))
	    < 0) {
		return rc;
	}
	return RPC_PENDING;
}

/* --- list and show ------------------------------------------------------- */

static const char *
rpc_opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* A sweep's progress for a reply. ENOTFOUND (field sweep_id). */
static int
rpc_sweep_progress(struct rpc_call *call, int64_t id,
    Mlops__SweepProgress **out, struct mlops_error *err)
{
	struct store_sweep_progress p  = { 0 };
	struct store_sweep         *sw = NULL;
	Mlops__SweepProgress       *m;
	int                         rc;

	if ((rc = store_sweep_get(&sw, rpc_call_store(call), id, err)) < 0
	    || (rc = store_sweep_progress(&p, rpc_call_store(call), id, err))
	        < 0) {
		store_sweep_free(sw);
		return rc;
	}
	m = RPC_ALLOC(call, Mlops__SweepProgress, MLOPS__SWEEP_PROGRESS__INIT);
	m->sweep_id     = id;
	m->slurm_job_id = rpc_call_strdup(
	    call, sw->slurm_job_id != NULL ? sw->slurm_job_id : "");
	m->total     = p.total;
	m->pending   = p.pending;
	m->running   = p.running;
	m->completed = p.completed;
	m->failed    = p.failed;
	m->cancelled = p.cancelled;
	store_sweep_free(sw);
	*out = m;
	return 0;
}

RPC_HANDLER(rpc_jobs)
{
	const Mlops__JobsRequest *q = req->jobs;
	struct store_job_filter   f = { 0 };
	struct store_job        **v = NULL;
	size_t                    n = 0;
	Mlops__JobsReply         *r;
	int                       rc;

	if (q != NULL) {
		f.project   = rpc_opt(q->project);
		f.cluster   = rpc_opt(q->cluster);
		f.state     = rpc_opt(q->state);
		f.search    = rpc_opt(q->search);
		f.sweep_id  = q->sweep_id;
		f.before_id = q->before_id;
		f.limit     = q->limit;
	}
	if (q != NULL
	    && q->job_state != MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED) {
		/* the enum wins over the (deprecated) name in `state` */
		int st = mlops_job_state_from_wire(q->job_state, NULL);

		if (st < 0) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "state", "state: unknown job state %d",
			    (int) q->job_state);
		}
		f.state = job_state_name((enum job_state) st);
	}
	if (f.limit < 0 || f.limit > 1000) {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "limit", "limit: must be 1 to 1000");
	}
	if ((rc = store_job_list(&v, &n, rpc_call_store(call), &f, err)) < 0) {
		return rc;
	}
	r         = RPC_ALLOC(call, Mlops__JobsReply, MLOPS__JOBS_REPLY__INIT);
	r->jobs   = rpc_call_alloc(call, (n ? n : 1) * sizeof(*r->jobs));
	r->n_jobs = n;
	for (size_t i = 0; i < n; i++) {
		r->jobs[i] = rpc_job(call, v[i], false);
	}
	if (n > 0 && n == (size_t) (f.limit ? f.limit : 50)) {
		r->next_before_id = v[n - 1]->id;
	}
	free(v); /* the jobs themselves now belong to the call */
	if (f.sweep_id != 0
	    && (rc = rpc_sweep_progress(call, f.sweep_id, &r->sweep, err))
	        < 0) {
		return rc;
	}
	resp->body_case = MLOPS__RESPONSE__BODY_JOBS;
	resp->jobs      = r;
	return 0;
}

/* A pending job's expected start, asked of Slurm on demand. */
struct rpc_start {
	struct rpc_call *call;
	Mlops__Job      *job;
};

static void
rpc_start_done(void *arg, int64_t expected)
{
	struct rpc_start *s = arg;

	if (expected > 0) {
		char      buf[32];
		struct tm tm;
		time_t    t = (time_t) expected;

		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
		s->job->expected_start = rpc_call_strdup(s->call, buf);
	}
	/* Without an estimate the job is still worth showing. */
	rpc_call_complete(s->call, 0, NULL);
	free(s);
}

/* The array script of sweep `id` (its task 0's), or NULL. */
static char *
rpc_sweep_script(struct rpc_call *call, int64_t id)
{
	struct store_job **v      = NULL;
	struct store_job  *first  = NULL;
	size_t             n      = 0;
	char              *script = NULL;

	if (store_sweep_tasks(&v, &n, rpc_call_store(call), id, NULL) == 0
	    && n > 0
	    && store_job_get(&first, rpc_call_store(call), v[0]->id, NULL)
	        == 0) {
		script               = first->sbatch_script;
		first->sbatch_script = NULL;
	}
	store_job_free(first);
	store_job_list_free(v, n);
	return script;
}

RPC_HANDLER(rpc_job_show)
{
	struct store_job    *j = NULL;
	Mlops__JobShowReply *r;
	int                  rc;

	if (req->job_show == NULL || req->job_show->id <= 0) {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "id", "id: a job id is required");
	}
	if ((rc = store_job_get(
	         &j, rpc_call_store(call), req->job_show->id, err))
	    < 0) {
		return rc;
	}
	if ((rc = store_job_get_config(j, rpc_call_store(call), err)) < 0) {
		store_job_free(j);
		return rc;
	}
	if (j->sbatch_script == NULL && j->sweep_id > 0) {
		/* A sweep's script is kept once, on its task 0. */
		j->sbatch_script = rpc_sweep_script(call, j->sweep_id);
	}
	r = RPC_ALLOC(call, Mlops__JobShowReply, MLOPS__JOB_SHOW_REPLY__INIT);
	r->job          = rpc_job(call, j, true);
	resp->body_case = MLOPS__RESPONSE__BODY_JOB_SHOW;
	resp->job_show  = r;
	if (j->slurm_job_id != NULL && strcmp(j->state, "PENDING") == 0) {
		struct rpc_start *s = xcalloc(1, sizeof(*s));

		s->call = call;
		s->job  = r->job;
		if (job_ops_expected_start(rpc_call_daemon(call), j->cluster,
		        j->slurm_job_id, rpc_start_done, s, NULL)
		    == 0) {
			return RPC_PENDING;
		}
		free(s);
	}
	return 0;
}

/* --- cancel ----------------------------------------------------------------
 */

struct rpc_cancel {
	struct rpc_call *call;
	int64_t          id;
	int64_t          sweep_id; /* a whole sweep: the reply lists tasks */
	char            *cluster, *slurm_id;
};

/* The core is done: the reply is the job (and tasks) as stored now. */
static void
rpc_cancel_done(void *arg, int rc, const struct mlops_error *err)
{
	struct rpc_cancel *c  = arg;
	struct store      *st = rpc_call_store(c->call);
	struct store_job  *j  = NULL;
	struct mlops_error e  = { 0 };

	if (rc == 0 && (rc = store_job_get(&j, st, c->id, &e)) < 0) {
		err = &e;
	}
	if (rc == 0) {
		Mlops__Response    *resp = rpc_call_response(c->call);
		Mlops__CancelReply *r    = RPC_ALLOC(
		       c->call, Mlops__CancelReply, MLOPS__CANCEL_REPLY__INIT);
		struct store_job **v = NULL;
		size_t             n = 0;

		r->job = rpc_job(c->call, j, false);
		if (c->sweep_id != 0
		    && store_sweep_tasks(&v, &n, st, c->sweep_id, NULL) == 0) {
			r->tasks = rpc_jobs_of(c->call, v, n, &r->n_tasks);
		}
		resp->body_case = MLOPS__RESPONSE__BODY_CANCEL;
		resp->cancel    = r;
	}
	rpc_call_complete(c->call, rc, err);
	free(c->cluster);
	free(c->slurm_id);
	free(c);
}

static int rpc_cancel_start(struct rpc_cancel *c, struct mlops_error *err);

/* A whole sweep: ONE scancel of its array; the reply lists its tasks. */
static int
rpc_cancel_sweep(struct rpc_call *call, int64_t id, struct mlops_error *err)
{
	struct store_sweep         *sw = NULL;
	struct store_sweep_progress p  = { 0 };
	struct store_job          **v  = NULL;
	size_t                      n  = 0;
	struct rpc_cancel          *c;
	int                         rc;

	if ((rc = store_sweep_get(&sw, rpc_call_store(call), id, err)) < 0
	    || (rc = store_sweep_progress(&p, rpc_call_store(call), id, err))
	        < 0
	    || (rc = store_sweep_tasks(&v, &n, rpc_call_store(call), id, err))
	        < 0) {
		goto out;
	}
	if (p.pending + p.running == 0) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, "sweep_id",
		    "sweep %lld already ended (%d completed, %d failed, %d "
		    "cancelled)",
		    (long long) id, p.completed, p.failed, p.cancelled);
		goto out;
	}
	if (sw->slurm_job_id == NULL || n == 0) {
		rc = mlops_error_set(err, MLOPS_EBUSY,
		    "sweep %lld is still being submitted; cancel it once it "
		    "has a Slurm id",
		    (long long) id);
		goto out;
	}
	c           = xcalloc(1, sizeof(*c));
	c->call     = call;
	c->id       = v[0]->id;
	c->sweep_id = id;
	c->cluster  = xstrdup(sw->cluster);
	c->slurm_id = xstrdup(sw->slurm_job_id);
	rc          = rpc_cancel_start(c, err);
out:
	store_job_list_free(v, n);
	store_sweep_free(sw);
	return rc;
}

RPC_HANDLER(rpc_cancel)
{
	struct store_job  *j = NULL;
	struct rpc_cancel *c;
	int                rc;

	if (req->cancel != NULL && req->cancel->sweep_id > 0) {
		return rpc_cancel_sweep(call, req->cancel->sweep_id, err);
	}
	if (req->cancel == NULL || req->cancel->id <= 0) {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "id", "id: a job id is required");
	}
	if ((rc = store_job_get(
	         &j, rpc_call_store(call), req->cancel->id, err))
	    < 0) {
		return rc;
	}
	if (j->terminal) {
		rc = mlops_error_set(err, MLOPS_EINVAL,
		    "job %lld already ended (%s)", (long long) j->id,
		    j->state);
		store_job_free(j);
		return rc;
	}
	if (j->slurm_job_id == NULL) {
		rc = mlops_error_set(err, MLOPS_EBUSY,
		    "job %lld is still being submitted; cancel it once it has "
		    "a Slurm id",
		    (long long) j->id);
		store_job_free(j);
		return rc;
	}
	c           = xcalloc(1, sizeof(*c));
	c->call     = call;
	c->id       = j->id;
	c->cluster  = xstrdup(j->cluster);
	c->slurm_id = xstrdup(j->slurm_job_id);
	store_job_free(j);
	return rpc_cancel_start(c, err);
}

/* Hands the one scancel of `c` (a job, a task "123_4", or an array) to
 * the core. */
static int
rpc_cancel_start(struct rpc_cancel *c, struct mlops_error *err)
{
	int rc = job_ops_cancel(rpc_call_daemon(c->call),
	    rpc_call_store(c->call), c->id, c->sweep_id, c->cluster,
	    c->slurm_id, rpc_cancel_done, c, err);

	if (rc < 0) {
		free(c->cluster);
		free(c->slurm_id);
		free(c);
		return rc;
	}
	return RPC_PENDING;
}
