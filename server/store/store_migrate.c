/*
 * Applies the embedded schema migrations in order, one transaction each,
 * tracking progress in PRAGMA user_version. Runs on the thread that opens a
 * store; safe against other connections migrating the same file at once.
 */
#include <stdbool.h>
#include <stdio.h>

#include <mlops/error.h>

#include "store_impl.h"
#include "store_migrate.h"

static int store_migrate_exec(
    sqlite3 *db, const char *sql, const char *what, struct mlops_error *err);
static int store_migrate_pragma_int(
    int *out, sqlite3 *db, const char *sql, struct mlops_error *err);
static int store_migrate_fk_check(
    sqlite3 *db, const char *name, struct mlops_error *err);
static int store_migrate_too_new(
    int version, size_t n, struct mlops_error *err);

/* Runs `sql` (any number of statements); `what` names it in errors. */
static int
store_migrate_exec(
    sqlite3 *db, const char *sql, const char *what, struct mlops_error *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		return store_sqlite_error(db, rc, err, "%s", what);
	}
	return 0;
}

static int
store_migrate_pragma_int(
    int *out, sqlite3 *db, const char *sql, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		rc = store_sqlite_error(db, rc, err, "%s", sql);
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		rc = store_sqlite_error(db, rc, err, "%s", sql);
		goto out;
	}
	*out = sqlite3_column_int(stmt, 0);
	rc   = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
store_migrate_version(int *out, sqlite3 *db, struct mlops_error *err)
{
	return store_migrate_pragma_int(out, db, "PRAGMA user_version", err);
}

/* Fails when the migration `name` left rows pointing nowhere. */
static int
store_migrate_fk_check(sqlite3 *db, const char *name, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	rc = sqlite3_prepare_v2(
	    db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		rc = store_sqlite_error(db, rc, err, "migration %s", name);
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		rc = mlops_error_set(err, MLOPS_EIO,
		    "migration %s: foreign key violation in table %s", name,
		    (const char *) sqlite3_column_text(stmt, 0));
		goto out;
	}
	if (rc != SQLITE_DONE) {
		rc = store_sqlite_error(db, rc, err, "migration %s", name);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

static int
store_migrate_too_new(int version, size_t n, struct mlops_error *err)
{
	return mlops_error_set(err, MLOPS_ERROR,
	    "database schema version %d is newer than this build knows (%zu);"
	    " upgrade mlopsd, or use another state directory",
	    version, n);
}

int
store_migrate_apply(sqlite3 *db, const struct store_migration *list, size_t n,
    struct mlops_error *err)
{
	char bump[64];
	int  version = 0;
	int  fk      = 0;
	bool fk_off  = false;
	bool in_txn  = false;
	int  rc;

	/* Fast path without the write lock: nothing to do, or too new. */
	if ((rc = store_migrate_version(&version, db, err)) < 0) {
		goto out;
	}
	if (version < 0 || (size_t) version > n) {
		rc = store_migrate_too_new(version, n, err);
		goto out;
	}
	if ((size_t) version == n) {
		goto out;
	}

	/* Only outside a transaction does this pragma take effect. */
	if ((rc = store_migrate_pragma_int(
	         &fk, db, "PRAGMA foreign_keys", err))
	        < 0
	    || (rc = store_migrate_exec(db, "PRAGMA foreign_keys = OFF",
	            "disabling foreign keys", err))
	        < 0) {
		goto out;
	}
	fk_off = true;

	for (;;) {
		if ((rc = store_migrate_exec(db, "BEGIN IMMEDIATE",
		         "locking the database for migration", err))
		    < 0) {
			goto out;
		}
		in_txn = true;
		/* Another connection may have migrated while we waited. */
		if ((rc = store_migrate_version(&version, db, err)) < 0) {
			goto out;
		}
		if (version < 0 || (size_t) version > n) {
			rc = store_migrate_too_new(version, n, err);
			goto out;
		}
		if ((size_t) version == n) {
			break;
		}
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d",
		    version + 1);
		if ((rc = store_migrate_exec(
		         db, list[version].sql, list[version].name, err))
		        < 0
		    || (rc = store_migrate_fk_check(
		            db, list[version].name, err))
		        < 0
		    || (rc = store_migrate_exec(
		            db, bump, list[version].name, err))
		        < 0
		    || (rc = store_migrate_exec(
		            db, "COMMIT", list[version].name, err))
		        < 0) {
			goto out;
		}
		in_txn = false;
	}
	rc = 0;
out:
	/* SQLite may already have rolled back (I/O errors, SQLITE_FULL). */
	if (in_txn && !sqlite3_get_autocommit(db)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	if (fk_off && fk) {
		sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	}
	return rc;
}
