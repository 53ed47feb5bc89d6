/*
 * Shared by store_jobs.c and store_jobs_list.c: the columns of a job row
 * and the helpers that read one. Not for other modules.
 */
#ifndef MLOPS_SERVER_STORE_JOBS_IMPL_H
#define MLOPS_SERVER_STORE_JOBS_IMPL_H

#include <stdbool.h>

#include <sqlite3.h>

#include <mlops/error.h>

#include "store.h"

/* The trigram index cannot answer searches shorter than this. */
#define STORE_JOB_TRIGRAM 3

/*
 * The columns of a job, in the order store_job_from_row() reads them, for
 * a query on "jobs AS j". Lists read NULL in place of the script.
 */
#define STORE_JOB_COLUMNS_HEAD                                             \
	"j.id, j.project_id, j.project, j.cluster, j.partition, "          \
	"j.slurm_job_id, j.array_task_id, j.sweep_id, j.state, "           \
	"j.terminal, j.reason, j.exit_code, j.description, j.commit_sha, " \
	"j.branch, j.dirty, j.overrides_json, j.config_name, j.gpus, "     \
	"j.gpu_type, j.nodes, j.cpus_per_task, j.mem, j.time_limit, "      \
	"j.submitted_at, j.started_at, j.ended_at, j.elapsed_s, "          \
	"j.node_list, j.wandb_url, j.work_dir, j.stdout_path, "            \
	"j.stderr_path, "
#define STORE_JOB_COLUMNS_TAIL                          \
	" j.submit_error, j.created_at, j.updated_at, " \
	"j.resolved_overrides_json, j.submit_started_at"
#define STORE_JOB_COLUMNS \
	STORE_JOB_COLUMNS_HEAD "j.sbatch_script," STORE_JOB_COLUMNS_TAIL
#define STORE_JOB_LIST_COLUMNS \
	STORE_JOB_COLUMNS_HEAD "NULL," STORE_JOB_COLUMNS_TAIL

/** A job from a row of STORE_JOB_COLUMNS or STORE_JOB_LIST_COLUMNS.
 * Caller frees with store_job_free(). */
struct store_job *store_job_from_row(sqlite3_stmt *stmt);

/**
 * Our canonical name of the state `s` (any letter case) into *out. With
 * `observed`, only states Slurm can report are accepted. Returns 0 or
 * MLOPS_EINVAL (field "state").
 */
int store_job_state_arg(
    const char **out, const char *s, bool observed, struct mlops_error *err);

#endif
