/*
 * Launching a job: validate everything, record the job as SUBMITTING,
 * put the code and the rendered sbatch script into the job's own directory
 * on the cluster, run sbatch, and record the outcome. Each launch runs on
 * a thread of its own (local git work, then SSH work posted to the
 * cluster's worker), so no request thread ever waits on it. The set of
 * launches in flight lets the poller tell a submission under way from one
 * a dead daemon left behind.
 */
#ifndef MLOPS_SERVER_LAUNCH_H
#define MLOPS_SERVER_LAUNCH_H

#include <stdbool.h>
#include <stdint.h>

#include <mlops/error.h>

#include "store.h"

struct mlopsd;
struct launcher;

/*
 * How long sbatch may take before its answer counts as lost. A job whose
 * sbatch outcome is unknown is looked for on the cluster and given up
 * only after LAUNCH_SUBMIT_GRACE_S from the moment sbatch was started:
 * long enough for an sbatch still retrying on the login node to finish.
 */
#define LAUNCH_SBATCH_TIMEOUT_S 120
#define LAUNCH_SUBMIT_GRACE_S   (2 * LAUNCH_SBATCH_TIMEOUT_S + 60)

struct launch_request {
	const char        *project;
	const char        *cluster;
	const char        *partition;     /* NULL/"": the cluster's default */
	int                gpus;          /* per node; 0: CPU job */
	const char        *gpu_type;      /* NULL/"": untyped */
	int                nodes;         /* 0: 1 */
	int                cpus_per_task; /* 0: 1 */
	const char        *mem;           /* NULL/"": cluster default */
	const char        *time_limit;    /* NULL/"": partition default */
	const char        *description;
	const char        *config_name;
	const char *const *overrides;
	size_t             n_overrides;
	bool               allow_dirty;
	bool               dry_run;
	bool no_validate;  /* skip the Hydra check of the overrides */
	bool sweep;        /* overrides are a multirun: ONE job array */
	int  max_parallel; /* sweep: tasks at once (%K); 0: no limit */
};

/*
 * Completion: rc 0 with the job (submitted; still SUBMITTING, its reason
 * saying why, when sbatch ran but what it did is not known and the poller
 * looks for it; for a dry run, the would-be job with its script), or an
 * error naming the field. `job` is NULL on
 * error, and then also when a job was recorded as SUBMIT_FAILED (its id is
 * in `job_id`, 0 when none was recorded). For a sweep `job` is task 0 and
 * `tasks` all n_tasks tasks in array order (sweep_id set in each); NULL
 * otherwise. The callback owns `job` (free with store_job_free()) and
 * `tasks` (store_job_list_free()). Runs on the launch thread.
 */
typedef void (*launch_cb)(void *arg, int rc, struct store_job *job,
    struct store_job **tasks, size_t n_tasks, int64_t job_id,
    const struct mlops_error *err);

int launcher_new(struct launcher **out);
/** Waits (up to 60 s) for launches in flight, then frees. */
void launcher_free(struct launcher *l);
/** True while job `id` is being submitted by this daemon. */
bool launcher_in_flight(struct launcher *l, int64_t id);
/** True while `j` (a job, or any task of a sweep) is being submitted. */
bool launcher_job_in_flight(struct launcher *l, const struct store_job *j);

/**
 * Starts a launch of `req` (copied) on a thread of its own; `cb` runs
 * exactly once when it ends. Returns 0, or an error (then `cb` is not
 * called).
 */
int launch_start(struct mlopsd *d, const struct launch_request *req,
    launch_cb cb, void *arg, struct mlops_error *err);

#endif
