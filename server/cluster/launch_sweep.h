/*
 * The sweep part of a launch: Hydra multirun overrides expanded into the
 * tasks of ONE Slurm job array, each task checked against the project's
 * Hydra config, the array size checked against the cluster's MaxArraySize,
 * the sweep and its task rows recorded in the launch's transaction, and
 * the array spec for the sbatch renderer. launch.c drives it from the
 * launch thread (and the cluster's SSH worker for the limit).
 */
#ifndef MLOPS_SERVER_LAUNCH_SWEEP_H
#define MLOPS_SERVER_LAUNCH_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>

#include "executor.h"
#include "store.h"

struct launch_hydra;
struct sbatch_spec;
struct launch_sweep;        /* one sweep being launched */
struct launch_sweep_limits; /* MaxArraySize per cluster, cached */

/** A cache of each cluster's MaxArraySize; free with ..._free(). */
struct launch_sweep_limits *launch_sweep_limits_new(void);
void launch_sweep_limits_free(struct launch_sweep_limits *lim);

/**
 * Expands `args` (Hydra multirun syntax) into tasks. `max_parallel` is
 * the array's %K (0: no limit; more than the task count is lowered to it).
 * Caller frees with launch_sweep_free(). Returns 0 or MLOPS_EINVAL (field
 * "overrides" from hydra_sweep_expand(), or "max_parallel").
 */
int  launch_sweep_new(struct launch_sweep **out, const char *const *args,
     size_t n, int max_parallel, struct mlops_error *err);
void launch_sweep_free(struct launch_sweep *sw);

size_t launch_sweep_ntasks(const struct launch_sweep *sw);

/**
 * Checks every task's overrides with launch_hydra_check() (`h` NULL: the
 * project has no Hydra config, nothing to check) and keeps each task's
 * resolved overrides and composed config for its row. Returns 0 or the
 * first task's error, prefixed with the task's index and overrides.
 */
int launch_sweep_validate(
    struct launch_sweep *sw, struct launch_hydra *h, struct mlops_error *err);

/**
 * The cluster's MaxArraySize (`scontrol show config` on the session `s`
 * of its SSH worker, cached in `lim`) against the task count. Returns 0,
 * MLOPS_EINVAL (field "sweep", naming the limit), or the command's error.
 */
int launch_sweep_check_limit(struct launch_sweep *sw,
    struct launch_sweep_limits *lim, const char *cluster,
    struct exec_session *s, struct mlops_error *err);

/**
 * In the caller's open transaction: inserts the sweep (project, cluster
 * from `tmpl`) and one job row per task, each a copy of `tmpl` with its
 * own overrides, array_task_id and validated config. Sets tmpl->id to
 * task 0's id. Returns 0 or a store error.
 */
int launch_sweep_insert(struct launch_sweep *sw, struct store *st,
    struct store_job *tmpl, struct mlops_error *err);

/** The id the sweep got from launch_sweep_insert(). */
int64_t launch_sweep_id(const struct launch_sweep *sw);

/**
 * Makes `spec` an array job: the per-task override table, %K, and log
 * paths "<job_dir>/stdout-%a.log" / "stderr-%a.log" (one file per task).
 * The spec borrows from `sw`. The launch's own overrides are in the
 * table, so spec->overrides is emptied.
 */
void launch_sweep_spec(
    struct launch_sweep *sw, struct sbatch_spec *spec, const char *job_dir);

/**
 * Records the job dir, each task's own log paths and the script on every
 * task row. Returns 0 or a store error.
 */
int launch_sweep_set_scripts(struct launch_sweep *sw, struct store *st,
    const char *job_dir, const char *script, struct mlops_error *err);

#endif
