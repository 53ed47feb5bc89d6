/*
 * Schema migrations of the state database. The list is generated at build
 * time from the .sql files of server/migrations (cmake/EmbedMigrations.cmake),
 * sorted by file name; migration i (0-based) brings PRAGMA user_version from i
 * to i+1. Released migrations are never edited, only appended.
 */
#ifndef MLOPS_SERVER_STORE_MIGRATE_H
#define MLOPS_SERVER_STORE_MIGRATE_H

#include <stddef.h>

#include <sqlite3.h>

#include <mlops/error.h>

/** One migration: its file name and its SQL (no BEGIN/COMMIT inside). */
struct store_migration {
	const char *name;
	const char *sql;
};

/** The embedded migrations, in order (generated file). */
extern const struct store_migration store_migrations[];
/** How many entries store_migrations[] has: the schema version we know. */
extern const size_t store_migrations_count;

/**
 * Brings `db` to schema version `n` by applying list[v], ..., list[n-1],
 * where v is its current PRAGMA user_version.
 *
 * Each migration runs in its own BEGIN IMMEDIATE transaction that re-reads
 * user_version first and sets it to v+1 before COMMIT, so several
 * connections or processes may call this on one file at once: the first
 * applies, the others find nothing left to do. Foreign key enforcement is
 * off while migrations run (so that a migration may rebuild a table), and
 * PRAGMA foreign_key_check must be clean before each COMMIT; the connection's
 * previous foreign_keys setting is restored on return.
 *
 * A failing migration is rolled back completely: its user_version and schema
 * stay as they were, while the migrations before it remain applied.
 * Used by store_open() with the embedded list, and by tests with their own.
 *
 * Thread: the thread that owns `db`.
 * Returns 0, MLOPS_ERROR when the database is newer than `n` (it is not
 * modified), MLOPS_EBUSY when the write lock could not be had within the
 * busy timeout, or MLOPS_EIO (failed migration named in the message).
 */
int store_migrate_apply(sqlite3 *db, const struct store_migration *list,
    size_t n, struct mlops_error *err);

/**
 * Reads PRAGMA user_version of `db` into *out.
 * Returns 0, MLOPS_EBUSY or MLOPS_EIO (e.g. the file is not a database).
 */
int store_migrate_version(int *out, sqlite3 *db, struct mlops_error *err);

#endif
