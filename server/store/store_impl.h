/*
 * Internals shared by the store_*.c files (and the store's unit tests): the
 * connection struct, its cache of prepared statements, and the translation of
 * SQLite result codes to MLOPS_E* codes.
 */
#ifndef MLOPS_SERVER_STORE_IMPL_H
#define MLOPS_SERVER_STORE_IMPL_H

#include <stdint.h>

#include <sqlite3.h>

#include <mlops/error.h>

#include "store.h"

/*
 * Every statement the store runs. Each is prepared on first use with the SQL
 * text its one call site passes, kept for the life of the connection, and
 * finalized by store_close().
 */
enum store_stmt_id {
	STORE_STMT_BEGIN,
	STORE_STMT_COMMIT,
	STORE_STMT_ROLLBACK,
	STORE_STMT_USER_VERSION,
	STORE_STMT_PROJECT_INSERT,
	STORE_STMT_PROJECT_CONFLICT,
	STORE_STMT_PROJECT_GET_BY_NAME,
	STORE_STMT_PROJECT_LIST,
	STORE_STMT_PROJECT_UPDATE_GIT,
	STORE_STMT_PROJECT_DELETE,
	STORE_STMT_JOB_INSERT,
	STORE_STMT_JOB_GET,
	STORE_STMT_JOB_STATE_OF,
	STORE_STMT_JOB_SET_SCRIPT,
	STORE_STMT_JOB_SET_SUBMITTED,
	STORE_STMT_JOB_SET_SUBMIT_FAILED,
	STORE_STMT_JOB_SET_SUBMIT_STARTED,
	STORE_STMT_JOB_SET_SUBMIT_UNKNOWN,
	STORE_STMT_JOB_FIND_SLURM,
	STORE_STMT_JOB_OBSERVE,
	STORE_STMT_JOB_SET_WANDB_URL,
	STORE_STMT_JOB_LIST_ALL,
	STORE_STMT_JOB_LIST_PROJECT,
	STORE_STMT_JOB_LIST_CLUSTER,
	STORE_STMT_JOB_LIST_STATE,
	STORE_STMT_JOB_LIST_LIVE,
	STORE_STMT_JOB_LIST_SWEEP,
	STORE_STMT_JOB_LIST_SEARCH,
	STORE_STMT_JOB_LIST_ACTIVE,
	STORE_STMT_JOB_LIST_SUBMITTING,
	STORE_STMT_JOB_CONFIG_INSERT,
	STORE_STMT_JOB_CONFIG_GET,
	STORE_STMT_COUNT
};

struct store {
	sqlite3      *s_db;
	sqlite3_stmt *s_stmt[STORE_STMT_COUNT];
};

/**
 * The cached statement `id`, prepared from `sql` on first use. Reset it with
 * store_stmt_release() when done (also on error paths).
 * Returns 0 or MLOPS_EIO (bad SQL: a bug, or a schema mismatch).
 */
int store_stmt(sqlite3_stmt **out, struct store *st, enum store_stmt_id id,
    const char *sql, struct mlops_error *err);

/** Resets a cached statement and clears its bindings. NULL is a no-op. */
void store_stmt_release(sqlite3_stmt *stmt);

/**
 * Translates the SQLite result `rc` of a call on `db` into an MLOPS_E* code
 * and fills `err` with "<fmt>: <sqlite3_errmsg>". Call it right after the
 * failing call, before the statement is reset. UNIQUE and PRIMARY KEY
 * violations give MLOPS_EEXISTS, BUSY and LOCKED give MLOPS_EBUSY, anything
 * else MLOPS_EIO. Returns the code.
 */
int store_sqlite_error(sqlite3 *db, int rc, struct mlops_error *err,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Binds `s`, or NULL when `s` is NULL. Returns the SQLite result. */
int store_bind_text(sqlite3_stmt *stmt, int idx, const char *s);

/** Binds `v`, or NULL when `v` equals `null_value`. */
int store_bind_int64_or_null(
    sqlite3_stmt *stmt, int idx, int64_t v, int64_t null_value);

/** A copy of a text column (NULL for SQL NULL). Caller frees. */
char *store_column_strdup(sqlite3_stmt *stmt, int col);

/** An integer column, or `null_value` for SQL NULL. */
int64_t store_column_int64_or(sqlite3_stmt *stmt, int col, int64_t null_value);

/** The connection of `st`, for the store's tests and EXPLAIN checks. */
sqlite3 *store_db(struct store *st);

#endif
