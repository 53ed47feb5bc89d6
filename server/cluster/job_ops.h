/*
 * Slurm operations on one job that a client asks for: cancelling it (a
 * job, an array task or a whole sweep's array) and asking for a pending
 * job's expected start. They run on the cluster's executor worker; what
 * Slurm answers reaches the store through jobs.h.
 */
#ifndef MLOPS_SERVER_JOB_OPS_H
#define MLOPS_SERVER_JOB_OPS_H

#include <stdint.h>

#include <mlops/error.h>

struct mlopsd;
struct store;

/* Completion of job_ops_cancel(), on the executor's worker. */
typedef void (*job_ops_cancel_cb)(
    void *arg, int rc, const struct mlops_error *err);

/**
 * Runs one `scancel SLURM_ID` on `cluster` ("123_4" cancels only that
 * task; an array's id all of its tasks), then reads the state back from
 * squeue (never a guess) and applies it to the store through `st`, a
 * connection the caller keeps open until `cb` ran. A pending array task
 * that Slurm dropped from its array on scancel becomes CANCELLED. `job_id`
 * is the job cancelled (a sweep's task 0 for a whole sweep, `sweep_id`
 * then > 0). Then the cluster's poller is woken. `cb` runs once unless
 * this returns an error.
 * Returns 0 (queued), MLOPS_ENOTFOUND (the cluster is not configured any
 * more) or MLOPS_EINVAL; `cb` gets 0, MLOPS_ESLURM (scancel's words) or
 * the executor's error.
 */
int job_ops_cancel(struct mlopsd *d, struct store *st, int64_t job_id,
    int64_t sweep_id, const char *cluster, const char *slurm_id,
    job_ops_cancel_cb cb, void *arg, struct mlops_error *err);

/* Completion of job_ops_expected_start(): the start Slurm expects (unix
 * seconds), 0 when it has none or could not be asked. */
typedef void (*job_ops_start_cb)(void *arg, int64_t expected_start);

/**
 * Asks `squeue --start` for the expected start of the pending job
 * `slurm_id` on `cluster`. `cb` runs once on the executor's worker unless
 * this returns an error (MLOPS_ENOTFOUND, MLOPS_EINVAL or the executor's).
 */
int job_ops_expected_start(struct mlopsd *d, const char *cluster,
    const char *slurm_id, job_ops_start_cb cb, void *arg,
    struct mlops_error *err);

#endif
