/*
 * Slurm job arrays as Mission Control sees them: a sweep's task is stored
 * as "<array>_<task>", while Slurm prints a task that has not started yet
 * inside a range ("123_[1-3%2]", "123_[1,4-6]"), and says how large an
 * array may be in `scontrol show config`. Pure: no I/O, safe on any
 * thread.
 */
#ifndef MLOPS_SERVER_SLURM_ARRAY_H
#define MLOPS_SERVER_SLURM_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/error.h>

#include "slurm_parse.h"

/**
 * Splits a task id "123_4" into the array's id (copied into `array_id`,
 * `len` bytes) and the task index. Returns false, leaving the outputs
 * unspecified, for anything else ("123", "123_[1-3]", "x_1").
 */
bool slurm_array_task_split(
    const char *slurm_job_id, char *array_id, size_t len, long *task);

/**
 * Whether `job_id` as Slurm printed it names task `task` of array
 * `array_id`: "123_4" itself, or a range of tasks not started yet,
 * "123_[1-3]", "123_[1-3%2]" or "123_[0,2,5-7]". False for anything else.
 */
bool slurm_array_covers(const char *job_id, const char *array_id, long task);

/**
 * The row of `jobs` that stands for the task "123_4" (`slurm_job_id`): its
 * own line (the last one, when several have that id), else a range line
 * that holds it. NULL when none does, or when
 * `slurm_job_id` is not an array task and no row has exactly that id.
 * Borrowed from `jobs`.
 */
const struct slurm_job *slurm_array_find(
    const struct slurm_jobs *jobs, const char *slurm_job_id);

/**
 * Whether any row of `jobs` belongs to array `array_id` (a task line or a
 * range). A pending task cancelled on its own ("scancel 123_4") leaves no
 * record at all: Slurm takes it out of the array's range, while the array
 * itself is still listed.
 */
bool slurm_array_listed(const struct slurm_jobs *jobs, const char *array_id);

/**
 * Whether one of `ids` (job ids as Slurm printed them: "123", "123_4",
 * "123_[1-3%2]") names the job `slurm_job_id` as the store keeps it: the
 * same id, or a range of tasks not started yet that holds the task.
 */
bool slurm_array_names(
    const char *const *ids, size_t n_ids, const char *slurm_job_id);

/**
 * MaxArraySize from the output of `scontrol show config` ("MaxArraySize
 * = 1001"): an array may have task indices 0..MaxArraySize-1, so at most
 * that many tasks. Returns 0 and sets *out, or MLOPS_EPARSE (no such line,
 * or not a number).
 */
int slurm_array_parse_max_size(
    long *out, const char *text, struct mlops_error *err);

#endif
