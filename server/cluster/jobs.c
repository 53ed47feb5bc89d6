/*
 * jobs: Slurm rows and Mission Control's own decisions -> the store, the
 * clients (d_notify) and the log reader. Any thread.
 */
#include <mlops/log.h>

#include "jobs.h"
#include "logread.h"
#include "mlopsd.h"

/* Publishes job `id` after a change; `ran` also wakes the log reader. */
static void
jobs_changed(struct mlopsd *d, struct store *st, int64_t id,
    const char *previous, bool ran)
{
	struct store_job *job = NULL;

	if (store_job_get(&job, st, id, NULL) < 0) {
		return;
	}
	mlopsd_notify_job(d, job, previous);
	if (ran) {
		/* Once running and once ended: look for the W&B run URL. */
		logread_job_changed(d, job);
	}
	store_job_free(job);
}

int
jobs_apply(struct mlopsd *d, struct store *st, const char *cluster,
    const struct slurm_job *r, const char *slurm_id, struct mlops_error *err)
{
	struct store_job_update u       = { 0 };
	int64_t                 id      = 0;
	bool                    changed = false;
	int                     rc;

	if (r->state < 0) {
		log_warn("cluster %s: job %s has a state Mission Control does "
		         "not know: %s",
		    cluster, r->job_id, r->state_raw);
		return 0;
	}
	u.cluster      = cluster;
	u.slurm_job_id = slurm_id;
	u.state        = job_state_name((enum job_state) r->state);
	u.reason       = r->reason;
	u.exit_code    = r->exit_code;
	u.node_list    = r->node_list;
	u.started_at   = r->start_time;
	u.ended_at
	    = job_state_terminal((enum job_state) r->state) ? r->end_time : 0;
	u.elapsed_s = r->elapsed_s;
	if ((rc = store_job_update(st, &u, &id, &changed, err)) < 0) {
		return rc == MLOPS_ENOTFOUND ? 0 : rc;
	}
	if (!changed) {
		return 0;
	}
	jobs_changed(d, st, id, NULL, true);
	return 1;
}

int
jobs_set_state(struct mlopsd *d, struct store *st, int64_t id,
    enum job_state state, const char *reason, struct mlops_error *err)
{
	bool changed = false;
	int  rc;

	if ((rc = store_job_set_state(
	         st, id, job_state_name(state), reason, &changed, err))
	    < 0) {
		return rc;
	}
	if (!changed) {
		return 0;
	}
	jobs_changed(d, st, id, NULL, true);
	return 1;
}

int
jobs_set_submitted(struct mlopsd *d, struct store *st, int64_t id,
    const char *slurm_id, int64_t submitted_at, struct mlops_error *err)
{
	int rc;

	if ((rc = store_job_set_submitted(st, id, slurm_id, submitted_at, err))
	    < 0) {
		return rc;
	}
	jobs_changed(d, st, id, "SUBMITTING", false);
	return 0;
}

int
jobs_set_submit_failed(struct mlopsd *d, struct store *st, int64_t id,
    const char *why, struct mlops_error *err)
{
	int rc;

	if ((rc = store_job_set_submit_failed(st, id, why, err)) < 0) {
		return rc;
	}
	jobs_changed(d, st, id, "SUBMITTING", false);
	return 0;
}

void
jobs_publish(
    struct mlopsd *d, struct store *st, int64_t id, const char *previous)
{
	jobs_changed(d, st, id, previous, false);
}
