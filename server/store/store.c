/*
 * The store's connection: open with the pragmas the daemon relies on, run
 * pending migrations, cache prepared statements, and offer transactions.
 * One struct store per thread; nothing here is shared between connections.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "store.h"
#include "store_impl.h"
#include "store_migrate.h"

#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_RETRY_MS        10

static int store_pragma(sqlite3 *db, const char *sql, char *out, size_t outlen,
    struct mlops_error *err);
static int store_setup(sqlite3 *db, const char *path, struct mlops_error *err);
static int store_run(struct store *st, enum store_stmt_id id, const char *sql,
    struct mlops_error *err);

int
store_sqlite_error(
    sqlite3 *db, int rc, struct mlops_error *err, const char *fmt, ...)
{
	char        what[MLOPS_ERROR_MSG_MAX];
	const char *why;
	va_list     ap;
	int         code;

	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		code = MLOPS_EEXISTS;
		break;
	default:
		switch (rc & 0xff) {
		case SQLITE_BUSY:
		case SQLITE_LOCKED:
			code = MLOPS_EBUSY;
			break;
		default:
			code = MLOPS_EIO;
			break;
		}
		break;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* The connection's message is more precise, when it is about rc. */
	if (db != NULL && sqlite3_extended_errcode(db) == rc) {
		why = sqlite3_errmsg(db);
	} else {
		why = sqlite3_errstr(rc);
	}
	return mlops_error_set(err, code, "%s: %s", what, why);
}

int
store_stmt(sqlite3_stmt **out, struct store *st, enum store_stmt_id id,
    const char *sql, struct mlops_error *err)
{
	int rc;

	if (st->s_stmt[id] == NULL) {
		rc = sqlite3_prepare_v3(st->s_db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st->s_stmt[id], NULL);
		if (rc != SQLITE_OK) {
			return store_sqlite_error(
			    st->s_db, rc, err, "preparing \"%.60s\"", sql);
		}
	}
	*out = st->s_stmt[id];
	return 0;
}

void
store_stmt_release(sqlite3_stmt *stmt)
{
	if (stmt != NULL) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	}
}

int
store_bind_text(sqlite3_stmt *stmt, int idx, const char *s)
{
	if (s == NULL) {
		return sqlite3_bind_null(stmt, idx);
	}
	return sqlite3_bind_text(stmt, idx, s, -1, SQLITE_STATIC);
}

int
store_bind_int64_or_null(
    sqlite3_stmt *stmt, int idx, int64_t v, int64_t null_value)
{
	if (v == null_value) {
		return sqlite3_bind_null(stmt, idx);
	}
	return sqlite3_bind_int64(stmt, idx, v);
}

char *
store_column_strdup(sqlite3_stmt *stmt, int col)
{
	const unsigned char *s = sqlite3_column_text(stmt, col);

	return s == NULL ? NULL : xstrdup((const char *) s);
}

int64_t
store_column_int64_or(sqlite3_stmt *stmt, int col, int64_t null_value)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL) {
		return null_value;
	}
	return sqlite3_column_int64(stmt, col);
}

sqlite3 *
store_db(struct store *st)
{
	return st->s_db;
}

/* Runs a one-row pragma; copies its first column into `out` if given. */
static int
store_pragma(sqlite3 *db, const char *sql, char *out, size_t outlen,
    struct mlops_error *err)
{
	sqlite3_stmt        *stmt = NULL;
	const unsigned char *text;
	int                  rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		rc = store_sqlite_error(db, rc, err, "%s", sql);
		goto out;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (out != NULL) {
			text = sqlite3_column_text(stmt, 0);
			snprintf(out, outlen, "%s",
			    text ? (const char *) text : "");
			out = NULL;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = store_sqlite_error(db, rc, err, "%s", sql);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Everything store_open() does once the file is known to be ours. */
static int
store_setup(sqlite3 *db, const char *path, struct mlops_error *err)
{
	const char *file     = sqlite3_db_filename(db, "main");
	char        mode[32] = "";
	char        fk[8]    = "";
	int         version  = 0;
	int         rc;

	/* Never touch a database written by a newer build. */
	if ((rc = store_migrate_version(&version, db, err)) < 0) {
		goto out;
	}
	if (version < 0 || (size_t) version > store_migrations_count) {
		rc = mlops_error_set(err, MLOPS_ERROR,
		    "database schema version %d is newer than this build "
		    "knows (%zu); upgrade mlopsd, or use another state "
		    "directory",
		    version, store_migrations_count);
		goto out;
	}
	/* In-memory and temporary databases have no file name. */
	if (file != NULL && *file != '\0') {
		/*
		 * While another connection converts a new file to WAL,
		 * this pragma can fail with SQLITE_BUSY without calling
		 * the busy handler: retry it for as long as the handler
		 * would wait.
		 */
		for (int waited = 0;; waited += STORE_RETRY_MS) {
			rc = store_pragma(db, "PRAGMA journal_mode = WAL",
			    mode, sizeof(mode), err);
			if (rc != MLOPS_EBUSY
			    || waited >= STORE_BUSY_TIMEOUT_MS) {
				break;
			}
			sqlite3_sleep(STORE_RETRY_MS);
		}
		if (rc < 0) {
			goto out;
		}
		if (strcasecmp(mode, "wal") != 0) {
			rc = mlops_error_set(err, MLOPS_EIO,
			    "cannot enable WAL journal mode (got \"%s\"); is "
			    "the state directory on a network file system?",
			    mode);
			goto out;
		}
	}
	if ((rc = store_pragma(
	         db, "PRAGMA synchronous = NORMAL", NULL, 0, err))
	        < 0
	    || (rc = store_migrate_apply(
	            db, store_migrations, store_migrations_count, err))
	        < 0
	    || (rc = store_pragma(
	            db, "PRAGMA foreign_keys = ON", NULL, 0, err))
	        < 0
	    || (rc = store_pragma(
	            db, "PRAGMA foreign_keys", fk, sizeof(fk), err))
	        < 0) {
		goto out;
	}
	if (fk[0] != '1') {
		rc = mlops_error_set(
		    err, MLOPS_EIO, "this SQLite cannot enforce foreign keys");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0) {
		mlops_error_prefix(err, "%s", path);
	}
	return rc;
}

int
store_open(struct store **out, const char *path, struct mlops_error *err)
{
	struct store *st    = NULL;
	sqlite3      *db    = NULL;
	int           flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
	    | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	int rc;

	if (path == NULL || *path == '\0') {
		rc = mlops_error_set_field(
		    err, MLOPS_EINVAL, "path", "no database path");
		goto out;
	}
	rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = store_sqlite_error(db, rc, err, "opening %s", path);
		goto out;
	}
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	if ((rc = store_setup(db, path, err)) < 0) {
		goto out;
	}
	st       = xcalloc(1, sizeof(*st));
	st->s_db = db;
	db       = NULL;
	*out     = st;
	rc       = 0;
out:
	sqlite3_close(db);
	return rc;
}

void
store_close(struct store *st)
{
	if (st == NULL) {
		return;
	}
	for (size_t i = 0; i < STORE_STMT_COUNT; i++) {
		sqlite3_finalize(st->s_stmt[i]);
	}
	/* Every statement is in s_stmt, so this cannot be SQLITE_BUSY. */
	sqlite3_close(st->s_db);
	free(st);
}

int
store_schema_version(struct store *st)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_USER_VERSION,
	         "PRAGMA user_version", NULL))
	    < 0) {
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
		rc = store_sqlite_error(st->s_db, rc, NULL, "user_version");
		goto out;
	}
	rc = sqlite3_column_int(stmt, 0);
out:
	store_stmt_release(stmt);
	return rc;
}

/* Steps a cached statement that returns no rows. */
static int
store_run(struct store *st, enum store_stmt_id id, const char *sql,
    struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, id, sql, err)) < 0) {
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err, "%s", sql);
		goto out;
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_begin(struct store *st, struct mlops_error *err)
{
	return store_run(st, STORE_STMT_BEGIN, "BEGIN IMMEDIATE", err);
}

int
store_commit(struct store *st, struct mlops_error *err)
{
	return store_run(st, STORE_STMT_COMMIT, "COMMIT", err);
}

int
store_rollback(struct store *st, struct mlops_error *err)
{
	if (sqlite3_get_autocommit(st->s_db)) {
		return 0;
	}
	return store_run(st, STORE_STMT_ROLLBACK, "ROLLBACK", err);
}
