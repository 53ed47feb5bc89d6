/*
 * The one path from what Slurm says of a job to the store and the clients.
 * Every change of a job's row after its launch is recorded (by the poller,
 * a cancel, a launch's outcome, the recovery of a SUBMITTING job) goes
 * through these functions, which write the store, tell the layers above
 * (d_notify) and let the log reader look for the job's W&B link once it
 * runs and once it ends. Any thread, each with its own store connection.
 */
#ifndef MLOPS_SERVER_JOBS_H
#define MLOPS_SERVER_JOBS_H

#include <stdint.h>

#include <mlops/error.h>
#include <mlops/job_state.h>

#include "slurm_parse.h"
#include "store.h"

struct mlopsd;

/**
 * Applies the Slurm row `r` (squeue, sacct or scontrol) to the live job of
 * `cluster` whose Slurm id is `slurm_id` (the row's own, or an array
 * task's that a range row "123_[1-3]" stands for). A squeue row's end time
 * of a live job is its projected end, not an end: it is kept only for a
 * final state. A row whose state Mission Control does not know changes
 * nothing (it is logged). Returns 1 when the job changed, 0 when nothing
 * did (or no live job has that id), or a negative MLOPS_E* code.
 */
int jobs_apply(struct mlopsd *d, struct store *st, const char *cluster,
    const struct slurm_job *r, const char *slurm_id, struct mlops_error *err);

/**
 * Sets a state Mission Control decides itself (LOST; CANCELLED for an
 * array task Slurm dropped) with its reason. Returns 1 changed, 0 not, or
 * a negative MLOPS_E*.
 */
int jobs_set_state(struct mlopsd *d, struct store *st, int64_t id,
    enum job_state state, const char *reason, struct mlops_error *err);

/**
 * A SUBMITTING job that reached Slurm as `slurm_id` (submitted_at 0:
 * now). Returns 0 or a negative MLOPS_E*.
 */
int jobs_set_submitted(struct mlopsd *d, struct store *st, int64_t id,
    const char *slurm_id, int64_t submitted_at, struct mlops_error *err);

/**
 * A SUBMITTING job Slurm refused (or never got): SUBMIT_FAILED with `why`.
 * Returns 0 or a negative MLOPS_E*.
 */
int jobs_set_submit_failed(struct mlopsd *d, struct store *st, int64_t id,
    const char *why, struct mlops_error *err);

/**
 * Tells the layers above of job `id` as the store has it now, after a
 * change made by the store itself (a sweep's tasks all at once).
 * `previous` may be NULL.
 */
void jobs_publish(
    struct mlopsd *d, struct store *st, int64_t id, const char *previous);

#endif
