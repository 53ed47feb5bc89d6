/*
 * Sweeps: one Slurm job array launched from Hydra multirun overrides. The
 * sweep row holds the array's Slurm id and the overrides as given; each
 * task is an ordinary job row with sweep_id and array_task_id set, whose
 * slurm_job_id is "<array>_<task>" once sbatch accepted the array.
 * Same threading rules as store.h.
 */
#ifndef MLOPS_SERVER_STORE_SWEEPS_H
#define MLOPS_SERVER_STORE_SWEEPS_H

#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>

#include "store.h"

/** One sweeps row. Strings are owned by getters' results. */
struct store_sweep {
	int64_t id;
	char   *project, *cluster;
	char   *slurm_job_id; /* the array's id; NULL until sbatch took it */
	int     ntasks;       /* >= 1 */
	int     max_parallel; /* 0: no limit */
	char  **spec;         /* the multirun overrides as given */
	size_t  n_spec;
	int64_t created_at;
};

/** Where a sweep stands: its tasks counted by state class. */
struct store_sweep_progress {
	int total;
	int pending;   /* SUBMITTING, PENDING, REQUEUED */
	int running;   /* CONFIGURING, RUNNING, COMPLETING, SUSPENDED */
	int completed; /* COMPLETED */
	int failed; /* any other end: FAILED, TIMEOUT, LOST, SUBMIT_FAILED.. */
	int cancelled; /* CANCELLED */
};

/**
 * Inserts `s` (project, cluster, ntasks >= 1 required; id, slurm_job_id
 * and created_at are ignored) and sets s->id. Its tasks are inserted with
 * store_job_insert() (sweep_id = s->id, array_task_id 0..ntasks-1), in the
 * same transaction. Returns 0, MLOPS_EINVAL (field "sweep"), MLOPS_EBUSY
 * or MLOPS_EIO.
 */
int store_sweep_insert(
    struct store *st, struct store_sweep *s, struct mlops_error *err);

/**
 * The sweep `id`. Caller frees with store_sweep_free().
 * Returns 0, MLOPS_ENOTFOUND (field "sweep_id"), MLOPS_EBUSY or MLOPS_EIO.
 */
int store_sweep_get(struct store_sweep **out, struct store *st, int64_t id,
    struct mlops_error *err);

/** Frees a sweep from store_sweep_get(); NULL is a no-op. */
void store_sweep_free(struct store_sweep *s);

/**
 * sbatch accepted the array `array_id`: records it on the sweep and moves
 * every task still SUBMITTING to PENDING with slurm_job_id
 * "<array_id>_<array_task_id>" (submitted_at 0: now). Returns 0,
 * MLOPS_EINVAL (empty array_id), MLOPS_ENOTFOUND, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_sweep_set_submitted(struct store *st, int64_t id,
    const char *array_id, int64_t submitted_at, struct mlops_error *err);

/**
 * sbatch refused the array: every task still SUBMITTING becomes
 * SUBMIT_FAILED with `why`. Returns 0, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_sweep_set_submit_failed(
    struct store *st, int64_t id, const char *why, struct mlops_error *err);

/**
 * The tasks of sweep `id` in array order, like store_job_list() rows
 * (no script). *out is an array of *n jobs; caller frees with
 * store_job_list_free(). Returns 0, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_sweep_tasks(struct store_job ***out, size_t *n, struct store *st,
    int64_t id, struct mlops_error *err);

/**
 * Counts the tasks of sweep `id` by state class.
 * Returns 0, MLOPS_ENOTFOUND (field "sweep_id"), MLOPS_EBUSY or MLOPS_EIO.
 */
int store_sweep_progress(struct store_sweep_progress *out, struct store *st,
    int64_t id, struct mlops_error *err);

#endif
