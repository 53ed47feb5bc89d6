/*
 * The daemon's SQLite state database (mlops.db in the state dir): projects,
 * the job history and a cluster status cache. One struct store is one
 * connection and belongs to one thread: every thread that touches the
 * database (each RPC context, the poller) opens its own with store_open() and
 * never shares it. SQLite's WAL mode lets them read while one writes.
 */
#ifndef MLOPS_SERVER_STORE_H
#define MLOPS_SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>

struct store;

/**
 * Opens (creating if needed) the database at `path` (":memory:" for a
 * private in-memory one) as one connection, sets journal_mode=WAL (files
 * only), busy_timeout 5000 ms, foreign_keys=ON, synchronous=NORMAL, and
 * applies pending migrations. Safe when several threads or processes open
 * the same file at once.
 *
 * A database whose schema is newer than this build knows is refused and left
 * untouched. Caller frees with store_close(). Thread: any; the store then
 * belongs to the calling thread.
 * Returns 0, MLOPS_ERROR (schema too new), MLOPS_EINVAL (empty path),
 * MLOPS_EBUSY or MLOPS_EIO (not a database, WAL unavailable, failed
 * migration); the message starts with `path`.
 */
int store_open(struct store **out, const char *path, struct mlops_error *err);

/** Finalizes every statement and closes the connection. NULL is a no-op. */
void store_close(struct store *st);

/**
 * The schema version (PRAGMA user_version) of the open database: equal to
 * store_migrations_count after a successful store_open(). Returns it, or a
 * negative MLOPS_E* code when it cannot be read.
 */
int store_schema_version(struct store *st);

/**
 * Starts a write transaction (BEGIN IMMEDIATE: the write lock is taken now,
 * waiting up to the busy timeout, so that it cannot fail later on upgrade).
 * Store calls made until store_commit()/store_rollback() join it; they do
 * not open transactions of their own. Returns 0, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_begin(struct store *st, struct mlops_error *err);

/** Commits the open transaction. Returns 0, MLOPS_EBUSY or MLOPS_EIO. */
int store_commit(struct store *st, struct mlops_error *err);

/**
 * Rolls back the open transaction; a no-op returning 0 when none is open
 * (SQLite may already have rolled back after an I/O error).
 * Returns 0 or MLOPS_EIO.
 */
int store_rollback(struct store *st, struct mlops_error *err);

/*
 * Projects: registered local git repositories and their last known git
 * metadata. Removing a project keeps its jobs: they keep the project name and
 * lose the link.
 */

/** One project row. All strings are owned (NULL when unknown). */
struct store_project {
	int64_t id;
	char   *name;
	char   *path;
	char   *origin_url;
	char   *branch;
	char   *head_sha;
	char   *upstream;     /* "origin/main"; NULL when none */
	char   *head_subject; /* first line of HEAD's message */
	bool    detached;
	bool    dirty;
	int     untracked;   /* number of untracked files */
	int     ahead;       /* commits ahead of upstream; -1 unknown */
	int     behind;      /* commits behind upstream; -1 unknown */
	char   *config_json; /* .mlops-config.yaml as JSON */
	char   *config_warnings_json; /* JSON array of strings */
	int64_t added_at;             /* unix seconds */
	int64_t synced_at;            /* unix seconds; 0 never */
};

/**
 * Inserts `p` (name and path required). `p->id` is ignored; on success it is
 * set to the new id, and `p->added_at` to now when it was 0.
 * Returns 0, MLOPS_EINVAL (name or path missing; err->field names it),
 * MLOPS_EEXISTS (err->field is "name" or "path", the message names the
 * project already holding it), MLOPS_EBUSY or MLOPS_EIO.
 */
int store_project_insert(
    struct store *st, struct store_project *p, struct mlops_error *err);

/**
 * Looks a project up by name. Caller frees with store_project_free().
 * Returns 0, MLOPS_ENOTFOUND, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_project_get_by_name(struct store_project **out, struct store *st,
    const char *name, struct mlops_error *err);

/**
 * Lists all projects ordered by name. *out is an array of *n projects (NULL
 * when none); caller frees with store_project_list_free().
 * Returns 0, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_project_list(struct store_project ***out, size_t *n,
    struct store *st, struct mlops_error *err);

/**
 * Updates the project with id `p->id`: origin_url, branch, head_sha,
 * upstream, head_subject, detached, dirty, untracked, ahead, behind,
 * config_json, config_warnings_json and synced_at (name, path and added_at
 * are kept).
 * Returns 0, MLOPS_ENOTFOUND, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_project_update_git(
    struct store *st, const struct store_project *p, struct mlops_error *err);

/**
 * Removes the project `name`. Its jobs stay, keeping the project name.
 * Returns 0, MLOPS_ENOTFOUND, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_project_delete(
    struct store *st, const char *name, struct mlops_error *err);

/**
 * Frees the strings of a caller-embedded project and zeroes it, so that it
 * can be reused. NULL is a no-op.
 */
void store_project_fini(struct store_project *p);

/** Frees a heap project (from a getter) and its strings. NULL is a no-op. */
void store_project_free(struct store_project *p);

/** Frees an array from store_project_list(). NULL is a no-op. */
void store_project_list_free(struct store_project **list, size_t n);

/*
 * Jobs: every job Mission Control launched, from the SUBMITTING row written
 * before sbatch runs to its terminal state. A terminal job is never changed
 * again. State names are those of <mlops/job_state.h> (job_state_name()).
 */

/**
 * One job row. All strings are owned by the struct when it comes from the
 * store (NULL when unset); for store_job_insert() they are the caller's.
 */
struct store_job {
	int64_t id;         /* Mission Control's id */
	int64_t project_id; /* 0 when the project was removed */
	char   *project, *cluster, *partition;
	char   *slurm_job_id;  /* NULL until sbatch accepted it */
	int     array_task_id; /* -1: not an array task */
	int64_t sweep_id;      /* 0: none */
	char   *state;         /* "SUBMITTING", "PENDING", ... */
	bool    terminal;
	char   *reason;
	int     exit_code; /* -1: unknown */
	char   *description, *commit_sha, *branch;
	bool    dirty;
	char  **overrides; /* stored as overrides_json */
	size_t  n_overrides;
	char   *config_name;
	int     gpus; /* per node */
	char   *gpu_type;
	int     nodes, cpus_per_task; /* 0: unset */
	char   *mem, *time_limit;
	int64_t submitted_at, started_at, ended_at; /* 0: unset */
	int64_t elapsed_s;                          /* -1: unknown */
	char   *node_list, *wandb_url, *work_dir, *stdout_path, *stderr_path;
	char   *sbatch_script, *submit_error;
	int64_t created_at, updated_at;
	/*
	 * The launch's Hydra check (issue #7). `validated` false: skipped
	 * (no_validate, or the project has no config dir), and the two
	 * below are unset. Otherwise the normalized overrides (stored as
	 * resolved_overrides_json) and the composed config as JSON (in
	 * job_configs; read only by store_job_get_config()).
	 */
	bool   validated;
	char **resolved_overrides;
	size_t n_resolved_overrides;
	char  *config_json;
	/* When sbatch was started for it (0: not yet); see
	 * store_job_set_submit_started(). */
	int64_t submit_started_at;
};

/**
 * Inserts `j` (project and cluster required). `j->id` and `j->terminal` are
 * ignored, `j->state` NULL means SUBMITTING, and created_at 0 means now.
 * With `j->validated`, the resolved overrides and `j->config_json` (valid
 * JSON, required then) are stored too; call it inside a transaction so the
 * two rows land together.
 * On success sets j->id, j->created_at, j->updated_at and j->terminal; the
 * caller's strings are not touched.
 * Returns 0, MLOPS_EINVAL (err->field names "project", "cluster", "state"
 * or "overrides"), MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_insert(
    struct store *st, struct store_job *j, struct mlops_error *err);

/**
 * The job `id` with every field, sbatch_script included (config_json
 * not: see store_job_get_config()). Caller frees with store_job_free().
 * Returns 0, MLOPS_ENOTFOUND, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_get(struct store_job **out, struct store *st, int64_t id,
    struct mlops_error *err);

/**
 * Reads the composed Hydra config of a validated job into j->config_json
 * (left NULL when the job has none). Kept apart from store_job_get(),
 * which the poller and the log reader call often: only "job show" needs
 * it. Returns 0, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_get_config(
    struct store_job *j, struct store *st, struct mlops_error *err);

/**
 * Records where the job lives on the cluster and the script it runs.
 * Returns 0, MLOPS_ENOTFOUND, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_set_script(struct store *st, int64_t id, const char *work_dir,
    const char *stdout_path, const char *stderr_path,
    const char *sbatch_script, struct mlops_error *err);

/**
 * sbatch accepted the job: SUBMITTING -> PENDING with its Slurm id
 * ("123", or "123_4"); submitted_at 0 means now.
 * Returns 0, MLOPS_EINVAL (no slurm_job_id; or the job is no longer
 * SUBMITTING, err->field "state"), MLOPS_ENOTFOUND, MLOPS_EBUSY or
 * MLOPS_EIO.
 */
int store_job_set_submitted(struct store *st, int64_t id,
    const char *slurm_job_id, int64_t submitted_at, struct mlops_error *err);

/**
 * Records that sbatch is being started for the SUBMITTING job `id` (and,
 * with sweep_id > 0, every task of that sweep) at `when`: from then on the
 * job may exist on the cluster whatever the daemon hears back, and the
 * grace before a SUBMITTING job is given up counts from here.
 * Returns 0, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_set_submit_started(struct store *st, int64_t id,
    int64_t sweep_id, int64_t when, struct mlops_error *err);

/**
 * sbatch was sent for the SUBMITTING job `id` (with sweep_id > 0, for every
 * task of that sweep) but its answer was never read or not understood:
 * the job stays SUBMITTING with `why` as its reason, to be looked for on
 * the cluster. Returns 0, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_set_submit_unknown(struct store *st, int64_t id,
    int64_t sweep_id, const char *why, struct mlops_error *err);

/**
 * sbatch refused the job: SUBMITTING -> SUBMIT_FAILED, with reason and
 * submit_error set to `why`.
 * Returns 0, MLOPS_EINVAL (the job is no longer SUBMITTING, err->field
 * "state"), MLOPS_ENOTFOUND, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_set_submit_failed(
    struct store *st, int64_t id, const char *why, struct mlops_error *err);

/**
 * One observation from squeue/sacct/scontrol of the job whose Slurm id is
 * slurm_job_id on cluster (an array task is "123_4"). Only `state` is
 * required; the other fields have a "keep" value.
 */
struct store_job_update {
	const char *cluster, *slurm_job_id;
	const char *state;     /* required; a name of <mlops/job_state.h> */
	const char *reason;    /* NULL: keep */
	int         exit_code; /* -1: keep */
	const char *node_list; /* NULL: keep */
	int64_t     started_at, ended_at; /* 0: keep */
	int64_t     elapsed_s;            /* -1: keep */
};

/**
 * Applies the observation `u` to the job it names. Only fields that differ
 * are written (and updated_at with them); *changed says whether anything
 * did, so that the caller publishes an event only then. A terminal job is
 * never changed again: that returns 0 with *changed false. When Slurm
 * reused an id, the newest live job holding it is the one updated.
 * *job_id and *changed are set on success only.
 * Returns 0, MLOPS_EINVAL (err->field "cluster", "slurm_job_id" or
 * "state"; SUBMITTING and SUBMIT_FAILED are not observations),
 * MLOPS_ENOTFOUND, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_update(struct store *st, const struct store_job_update *u,
    int64_t *job_id, bool *changed, struct mlops_error *err);

/**
 * Sets the state of the job `id` (e.g. LOST) and, unless NULL, its reason.
 * The same rules as store_job_update(): *changed false when nothing
 * differs or the job is already terminal.
 * Returns 0, MLOPS_EINVAL (err->field "state"), MLOPS_ENOTFOUND,
 * MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_set_state(struct store *st, int64_t id, const char *state,
    const char *reason, bool *changed, struct mlops_error *err);

/**
 * Records the job's W&B run URL. The first URL wins: a job that has one
 * keeps it (and this returns 0).
 * Returns 0, MLOPS_EINVAL (empty url), MLOPS_ENOTFOUND, MLOPS_EBUSY or
 * MLOPS_EIO.
 */
int store_job_set_wandb_url(
    struct store *st, int64_t id, const char *url, struct mlops_error *err);

/** What store_job_list() returns. Unset members (NULL, 0) match any job. */
struct store_job_filter {
	const char *project, *cluster;
	/* A state name, "active" (not terminal) or "terminal". */
	const char *state;
	/*
	 * A substring (case-insensitive) of the description, an override
	 * or the Slurm id, matched as typed: nothing in it is syntax.
	 */
	const char *search;
	int64_t     sweep_id; /* 0: any */
	int64_t before_id;    /* paging: only ids < this; 0: from the newest */
	int     limit;        /* 1..1000; 0 means 50 */
};

/**
 * The jobs matching `f` (NULL: all), newest first (id DESC), at most
 * f->limit. For the next page pass the last id as f->before_id. Lists
 * leave sbatch_script NULL (store_job_get() has it). *out is an array of *n
 * jobs (NULL when none); caller frees with store_job_list_free().
 * Returns 0, MLOPS_EINVAL (err->field "state", "limit" or "before_id"),
 * MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_list(struct store_job ***out, size_t *n, struct store *st,
    const struct store_job_filter *f, struct mlops_error *err);

/**
 * The poller's query: the jobs of `cluster` that are not terminal and not
 * SUBMITTING, oldest first. Like store_job_list() otherwise.
 * Returns 0, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_list_active(struct store_job ***out, size_t *n, struct store *st,
    const char *cluster, struct mlops_error *err);

/**
 * Every SUBMITTING job of any cluster, oldest first (startup recovery).
 * Like store_job_list() otherwise. Returns 0, MLOPS_EBUSY or MLOPS_EIO.
 */
int store_job_list_submitting(struct store_job ***out, size_t *n,
    struct store *st, struct mlops_error *err);

/** Frees a job from a getter and its strings. NULL is a no-op. */
void store_job_free(struct store_job *j);

/** Frees an array from a store_job_list*() call. NULL is a no-op. */
void store_job_list_free(struct store_job **v, size_t n);

#endif
