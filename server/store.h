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

#endif
