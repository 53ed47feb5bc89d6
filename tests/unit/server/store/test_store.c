/*
 * Store: opening, pragmas, migrations (old, new, future, failing, racing),
 * project rows, the jobs table's constraints, indexes and search.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "store.h"
#include "store_impl.h"
#include "store_migrate.h"
#include "testutil.h"

struct fixture {
	char *dir;
	char *db;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->dir = testutil_mkdtemp("store");
	assert_non_null(f->dir);
	f->db  = xasprintf("%s/mlops.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	testutil_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

/* The first column of the first row of `sql`, as an integer. */
static int64_t
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	int64_t       v;

	assert_int_equal(
	    sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* The first column of the first row of `sql`, copied. Caller frees. */
static char *
query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	char         *s;

	assert_int_equal(
	    sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	s = xstrdup_null((const char *) sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return s;
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fail_msg("%s: %s", sql, msg);
	}
}

static bool
table_exists(sqlite3 *db, const char *name)
{
	char *sql = xasprintf(
	    "SELECT count(*) FROM sqlite_schema WHERE name = '%s'", name);
	bool yes = query_int(db, sql) == 1;

	free(sql);
	return yes;
}

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_extended_result_codes(db, 1);
	return db;
}

static void
test_open_new_file(void **state)
{
	struct fixture    *f  = *state;
	struct store      *st = NULL;
	struct mlops_error err;
	char              *mode;

	assert_int_equal(store_open(&st, f->db, &err), 0);
	assert_non_null(st);
	assert_int_equal(store_schema_version(st), store_migrations_count);
	mode = query_text(store_db(st), "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(query_int(store_db(st), "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(store_db(st), "PRAGMA synchronous"), 1);
	assert_int_equal(query_int(store_db(st), "PRAGMA busy_timeout"), 5000);
	assert_true(table_exists(store_db(st), "projects"));
	assert_true(table_exists(store_db(st), "jobs"));
	assert_true(table_exists(store_db(st), "clusters"));
	assert_true(table_exists(store_db(st), "jobs_fts"));
	store_close(st);

	/* Reopening finds nothing to do. */
	assert_int_equal(store_open(&st, f->db, &err), 0);
	assert_int_equal(store_schema_version(st), store_migrations_count);
	store_close(st);
	store_close(NULL);
}

static void
test_open_memory(void **state)
{
	struct store      *st = NULL;
	struct mlops_error err;

	(void) state;
	assert_int_equal(store_open(&st, ":memory:", &err), 0);
	assert_int_equal(store_schema_version(st), store_migrations_count);
	assert_int_equal(query_int(store_db(st), "PRAGMA foreign_keys"), 1);
	store_close(st);

	assert_int_equal(store_open(&st, "", &err), MLOPS_EINVAL);
}

static void
test_open_not_a_database(void **state)
{
	struct fixture    *f  = *state;
	struct store      *st = (struct store *) 0x1;
	struct mlops_error err;

	assert_int_equal(testutil_write(f->dir, "mlops.db",
	                     "this is not an SQLite database, just text that "
	                     "is long enough to fill a header page......\n"),
	    0);
	assert_int_equal(store_open(&st, f->db, &err), MLOPS_EIO);
	assert_ptr_equal(st, (struct store *) 0x1);
	assert_non_null(strstr(err.msg, f->db));
}

/* Version 0 with unrelated data: migrated, the data left alone. */
static void
test_migrate_from_zero_keeps_data(void **state)
{
	struct fixture    *f  = *state;
	sqlite3           *db = raw_open(f->db);
	struct store      *st = NULL;
	struct mlops_error err;

	exec_ok(db,
	    "CREATE TABLE notes (t TEXT);"
	    "INSERT INTO notes VALUES ('keep me');");
	sqlite3_close(db);

	assert_int_equal(store_open(&st, f->db, &err), 0);
	assert_int_equal(store_schema_version(st), store_migrations_count);
	assert_int_equal(query_int(store_db(st),
	                     "SELECT count(*) FROM notes WHERE t = 'keep me'"),
	    1);
	store_close(st);
}

/* A database one version behind (all but the last migration applied). */
static void
test_migrate_from_previous_version(void **state)
{
	struct fixture    *f  = *state;
	sqlite3           *db = raw_open(f->db);
	struct store      *st = NULL;
	struct mlops_error err;

	assert_int_equal(store_migrate_apply(db, store_migrations,
	                     store_migrations_count - 1, &err),
	    0);
	assert_int_equal(
	    query_int(db, "PRAGMA user_version"), store_migrations_count - 1);
	exec_ok(db,
	    "CREATE TABLE notes (t TEXT);"
	    "INSERT INTO notes VALUES ('keep me');");
	sqlite3_close(db);

	assert_int_equal(store_open(&st, f->db, &err), 0);
	assert_int_equal(store_schema_version(st), store_migrations_count);
	assert_int_equal(
	    query_int(store_db(st), "SELECT count(*) FROM notes"), 1);
	store_close(st);
}

/* The runner steps i -> i+1, one migration at a time, and only once. */
static void
test_migrate_stepwise(void **state)
{
	static const struct store_migration list[] = {
		{ "0001_a.sql", "CREATE TABLE a (x INTEGER);" },
		{ "0002_b.sql",
		    "CREATE TABLE b (x INTEGER);"
		    "INSERT INTO a VALUES (1);" },
	};
	sqlite3           *db = raw_open(":memory:");
	struct mlops_error err;

	(void) state;
	assert_int_equal(store_migrate_apply(db, list, 1, &err), 0);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 1);
	assert_true(table_exists(db, "a"));
	assert_false(table_exists(db, "b"));

	assert_int_equal(store_migrate_apply(db, list, 2, &err), 0);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 2);
	assert_true(table_exists(db, "b"));
	assert_int_equal(store_migrate_apply(db, list, 2, &err), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM a"), 1);

	/* A runner that knows fewer migrations leaves the database be. */
	assert_int_equal(store_migrate_apply(db, list, 1, &err), MLOPS_ERROR);
	assert_non_null(strstr(err.msg, "newer"));
	assert_int_equal(query_int(db, "PRAGMA user_version"), 2);
	sqlite3_close(db);

	/* The embedded list works on a bare connection too. */
	db = raw_open(":memory:");
	assert_int_equal(store_migrate_apply(db, store_migrations,
	                     store_migrations_count, &err),
	    0);
	assert_true(table_exists(db, "jobs"));
	sqlite3_close(db);
}

static void
test_future_db_refused_untouched(void **state)
{
	struct fixture    *f  = *state;
	sqlite3           *db = raw_open(f->db);
	struct store      *st = (struct store *) 0x1;
	struct mlops_error err;
	char              *sql, *before, *after, *wal;
	size_t             nbefore, nafter;

	sql = xasprintf("CREATE TABLE future (x INTEGER);"
	                "INSERT INTO future VALUES (42);"
	                "PRAGMA user_version = %zu;",
	    store_migrations_count + 1);
	exec_ok(db, sql);
	free(sql);
	sqlite3_close(db);
	before = testutil_read(f->db, &nbefore);
	assert_non_null(before);

	assert_int_equal(store_open(&st, f->db, &err), MLOPS_ERROR);
	assert_ptr_equal(st, (struct store *) 0x1);
	assert_non_null(strstr(err.msg, "newer"));
	assert_non_null(strstr(err.msg, f->db));

	after = testutil_read(f->db, &nafter);
	assert_non_null(after);
	assert_int_equal(nbefore, nafter);
	assert_memory_equal(before, after, nbefore);
	wal = xasprintf("%s-wal", f->db);
	assert_int_not_equal(access(wal, F_OK), 0);
	free(wal);
	free(before);
	free(after);

	db = raw_open(f->db);
	assert_false(table_exists(db, "jobs"));
	sqlite3_close(db);
}

static void
test_failing_migration_rolls_back(void **state)
{
	static const struct store_migration list[] = {
		{ "0001_a.sql",
		    "CREATE TABLE a (x INTEGER);"
		    "INSERT INTO a VALUES (1);" },
		{ "0002_bad.sql",
		    "CREATE TABLE b (x INTEGER);"
		    "INSERT INTO a VALUES (2);"
		    "INSERT INTO nosuch VALUES (1);" },
	};
	static const struct store_migration orphan[] = {
		{ "0001_orphan.sql",
		    "CREATE TABLE p (id INTEGER PRIMARY KEY);"
		    "CREATE TABLE c (p INTEGER REFERENCES p (id));"
		    "INSERT INTO c VALUES (7);" },
	};
	sqlite3           *db = raw_open(":memory:");
	struct mlops_error err;

	(void) state;
	exec_ok(db, "PRAGMA foreign_keys = ON");
	assert_int_equal(store_migrate_apply(db, list, 2, &err), MLOPS_EIO);
	assert_non_null(strstr(err.msg, "0002_bad.sql"));
	assert_non_null(strstr(err.msg, "nosuch"));
	/* 0001 stays applied (own transaction); nothing of 0002 remains. */
	assert_int_equal(query_int(db, "PRAGMA user_version"), 1);
	assert_false(table_exists(db, "b"));
	assert_int_equal(query_int(db, "SELECT count(*) FROM a"), 1);
	assert_int_equal(sqlite3_get_autocommit(db), 1);
	assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
	sqlite3_close(db);

	/* A migration leaving dangling references is refused too. */
	db = raw_open(":memory:");
	assert_int_equal(store_migrate_apply(db, orphan, 1, &err), MLOPS_EIO);
	assert_non_null(strstr(err.msg, "foreign key"));
	assert_int_equal(query_int(db, "PRAGMA user_version"), 0);
	assert_false(table_exists(db, "c"));
	sqlite3_close(db);
}

#define RACE_THREADS 4
#define RACE_ROUNDS  10

struct race {
	pthread_barrier_t *barrier;
	const char        *path;
	int                rc;
	int                version;
	struct mlops_error err;
};

static void *
race_open(void *arg)
{
	struct race  *r  = arg;
	struct store *st = NULL;

	pthread_barrier_wait(r->barrier);
	r->rc = store_open(&st, r->path, &r->err);
	if (r->rc == 0) {
		r->version = store_schema_version(st);
		store_close(st);
	}
	return NULL;
}

/* Several connections create and migrate the same new file at once. */
static void
test_concurrent_open(void **state)
{
	struct fixture   *f = *state;
	pthread_barrier_t barrier;
	pthread_t         tid[RACE_THREADS];
	struct race       r[RACE_THREADS];

	for (int round = 0; round < RACE_ROUNDS; round++) {
		char *path = xasprintf("%s/race%d.db", f->dir, round);

		pthread_barrier_init(&barrier, NULL, RACE_THREADS);
		for (int i = 0; i < RACE_THREADS; i++) {
			memset(&r[i], 0, sizeof(r[i]));
			r[i].barrier = &barrier;
			r[i].path    = path;
			assert_int_equal(
			    pthread_create(&tid[i], NULL, race_open, &r[i]),
			    0);
		}
		for (int i = 0; i < RACE_THREADS; i++) {
			pthread_join(tid[i], NULL);
			if (r[i].rc != 0) {
				fail_msg("round %d thread %d: %s", round, i,
				    r[i].err.msg);
			}
			assert_int_equal(r[i].version, store_migrations_count);
		}
		pthread_barrier_destroy(&barrier);
		free(path);
	}
}

static void
test_project_crud(void **state)
{
	struct fixture       *f   = *state;
	struct store         *st  = NULL;
	struct store_project *got = NULL, **list = NULL;
	size_t                n = 0;
	struct mlops_error    err;
	struct store_project  p = {
		 .name         = "resnet",
		 .path         = "/home/u/src/resnet",
		 .origin_url   = "git@github.com:u/resnet.git",
		 .branch       = "main",
		 .head_sha     = "0123456789abcdef0123456789abcdef01234567",
		 .upstream     = "origin/main",
		 .head_subject = "Add warmup",
		 .dirty        = true,
		 .untracked    = 3,
		 .ahead        = 2,
		 .behind       = 0,
		 .config_json  = "{\"train_script\":\"train.py\"}",
		 .config_warnings_json = "[\"unknown key foo\"]",
		 .synced_at            = 1700000000,
	};
	struct store_project q = {
		.name   = "alpha",
		.path   = "/home/u/src/alpha",
		.ahead  = -1,
		.behind = -1,
	};

	assert_int_equal(store_open(&st, f->db, &err), 0);
	assert_int_equal(store_project_insert(st, &p, &err), 0);
	assert_true(p.id > 0);
	assert_true(p.added_at > 0);
	assert_int_equal(store_project_insert(st, &q, &err), 0);
	assert_true(q.id > p.id);

	assert_int_equal(
	    store_project_get_by_name(&got, st, "resnet", &err), 0);
	assert_int_equal(got->id, p.id);
	assert_string_equal(got->name, p.name);
	assert_string_equal(got->path, p.path);
	assert_string_equal(got->origin_url, p.origin_url);
	assert_string_equal(got->branch, p.branch);
	assert_string_equal(got->head_sha, p.head_sha);
	assert_string_equal(got->upstream, "origin/main");
	assert_string_equal(got->head_subject, "Add warmup");
	assert_false(got->detached);
	assert_true(got->dirty);
	assert_int_equal(got->untracked, 3);
	assert_int_equal(got->ahead, 2);
	assert_int_equal(got->behind, 0);
	assert_string_equal(got->config_json, p.config_json);
	assert_string_equal(got->config_warnings_json, p.config_warnings_json);
	assert_int_equal(got->added_at, p.added_at);
	assert_int_equal(got->synced_at, 1700000000);
	store_project_free(got);
	got = NULL;

	assert_int_equal(
	    store_project_get_by_name(&got, st, "alpha", &err), 0);
	assert_null(got->origin_url);
	assert_null(got->branch);
	assert_int_equal(got->ahead, -1);
	assert_int_equal(got->behind, -1);
	assert_int_equal(got->synced_at, 0);
	store_project_free(got);
	got = NULL;

	assert_int_equal(store_project_list(&list, &n, st, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0]->name, "alpha");
	assert_string_equal(list[1]->name, "resnet");
	store_project_list_free(list, n);

	/* Sync: git fields change, identity stays. */
	p.branch      = NULL;
	p.detached    = true;
	p.dirty       = false;
	p.ahead       = -1;
	p.behind      = -1;
	p.head_sha    = "fedcba9876543210fedcba9876543210fedcba98";
	p.config_json = NULL;
	p.upstream    = NULL;
	p.synced_at   = 1700000100;
	p.name        = "ignored";
	assert_int_equal(store_project_update_git(st, &p, &err), 0);
	assert_int_equal(
	    store_project_get_by_name(&got, st, "resnet", &err), 0);
	assert_null(got->branch);
	assert_true(got->detached);
	assert_false(got->dirty);
	assert_int_equal(got->ahead, -1);
	assert_string_equal(got->head_sha, p.head_sha);
	assert_null(got->config_json);
	assert_null(got->upstream);
	assert_string_equal(got->head_subject, "Add warmup");
	assert_int_equal(got->synced_at, 1700000100);
	assert_string_equal(got->path, "/home/u/src/resnet");
	store_project_free(got);
	got = NULL;

	assert_int_equal(store_project_delete(st, "resnet", &err), 0);
	assert_int_equal(store_project_get_by_name(&got, st, "resnet", &err),
	    MLOPS_ENOTFOUND);
	assert_null(got);
	assert_int_equal(store_project_list(&list, &n, st, &err), 0);
	assert_int_equal(n, 1);
	store_project_list_free(list, n);

	assert_int_equal(store_project_delete(st, "alpha", &err), 0);
	list = (struct store_project **) 0x1;
	assert_int_equal(store_project_list(&list, &n, st, &err), 0);
	assert_int_equal(n, 0);
	assert_null(list);
	store_close(st);

	/* A caller-embedded project: fini frees the strings, zeroes it. */
	memset(&q, 0, sizeof(q));
	q.id       = 5;
	q.name     = xstrdup("x");
	q.upstream = xstrdup("origin/x");
	store_project_fini(&q);
	assert_null(q.name);
	assert_null(q.upstream);
	assert_int_equal(q.id, 0);
	store_project_fini(NULL);
	store_project_free(NULL);
}

static void
test_project_errors(void **state)
{
	struct fixture       *f   = *state;
	struct store         *st  = NULL;
	struct store_project *got = NULL;
	struct mlops_error    err;
	struct store_project  p         = { .name = "a", .path = "/src/a" };
	struct store_project  same_name = { .name = "a", .path = "/src/b" };
	struct store_project  same_path = { .name = "b", .path = "/src/a" };
	struct store_project  no_name   = { .path = "/src/c" };

	assert_int_equal(store_open(&st, f->db, &err), 0);
	assert_int_equal(store_project_insert(st, &p, &err), 0);

	same_name.id = 77;
	assert_int_equal(
	    store_project_insert(st, &same_name, &err), MLOPS_EEXISTS);
	assert_string_equal(err.field, "name");
	assert_non_null(strstr(err.msg, "a already exists"));
	assert_int_equal(same_name.id, 77);

	assert_int_equal(
	    store_project_insert(st, &same_path, &err), MLOPS_EEXISTS);
	assert_string_equal(err.field, "path");
	assert_non_null(strstr(err.msg, "/src/a"));
	assert_non_null(strstr(err.msg, "project a"));

	assert_int_equal(
	    store_project_insert(st, &no_name, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "name");

	assert_int_equal(
	    store_project_get_by_name(&got, st, "zzz", &err), MLOPS_ENOTFOUND);
	assert_null(got);
	assert_int_equal(
	    store_project_delete(st, "zzz", &err), MLOPS_ENOTFOUND);
	p.id = 9999;
	assert_int_equal(
	    store_project_update_git(st, &p, &err), MLOPS_ENOTFOUND);
	assert_int_equal(store_project_insert(st, &p, NULL), MLOPS_EEXISTS);

	/* Invalid JSON is a bug of the caller; the CHECK catches it. */
	p.id          = 0;
	p.name        = "c";
	p.path        = "/src/c";
	p.config_json = "{not json";
	assert_int_equal(store_project_insert(st, &p, &err), MLOPS_EIO);
	assert_non_null(strstr(err.msg, "CHECK"));
	store_close(st);
}

/* Removing a project keeps its jobs, unlinked but still named. */
static void
test_project_delete_keeps_jobs(void **state)
{
	struct fixture      *f  = *state;
	struct store        *st = NULL;
	struct mlops_error   err;
	struct store_project p = { .name = "proj", .path = "/src/proj" };
	char                *sql, *name;

	assert_int_equal(store_open(&st, f->db, &err), 0);
	assert_int_equal(store_project_insert(st, &p, &err), 0);
	sql = xasprintf("INSERT INTO jobs (project_id, project, cluster) "
	                "VALUES (%lld, 'proj', 'c1')",
	    (long long) p.id);
	exec_ok(store_db(st), sql);
	free(sql);

	assert_int_equal(store_project_delete(st, "proj", &err), 0);
	assert_int_equal(query_int(store_db(st),
	                     "SELECT count(*) FROM jobs WHERE project_id IS "
	                     "NULL"),
	    1);
	name = query_text(store_db(st), "SELECT project FROM jobs");
	assert_string_equal(name, "proj");
	free(name);

	/* foreign_keys is on: a job cannot name a project id that is gone. */
	sql = xasprintf("INSERT INTO jobs (project_id, project, cluster) "
	                "VALUES (%lld, 'proj', 'c1')",
	    (long long) p.id);
	assert_int_equal(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL),
	    SQLITE_CONSTRAINT_FOREIGNKEY);
	free(sql);
	store_close(st);
}

static void
test_job_state_constraint(void **state)
{
	struct store      *st = NULL;
	struct mlops_error err;
	sqlite3           *db;

	(void) state;
	assert_int_equal(store_open(&st, ":memory:", &err), 0);
	db = store_db(st);
	assert_int_equal(sqlite3_exec(db,
	                     "INSERT INTO jobs (project, cluster, state) "
	                     "VALUES ('p', 'c', 'BOGUS')",
	                     NULL, NULL, NULL),
	    SQLITE_CONSTRAINT_CHECK);
	assert_int_equal(sqlite3_exec(db,
	                     "INSERT INTO jobs (project, cluster, state) "
	                     "VALUES ('p', 'c', 'running')",
	                     NULL, NULL, NULL),
	    SQLITE_CONSTRAINT_CHECK);
	/* STRICT: text is refused in an INTEGER column. */
	assert_int_equal(sqlite3_exec(db,
	                     "INSERT INTO jobs (project, cluster, gpus) "
	                     "VALUES ('p', 'c', 'two')",
	                     NULL, NULL, NULL),
	    SQLITE_CONSTRAINT_DATATYPE);

	/* terminal follows state, and cannot be written. */
	exec_ok(db, "INSERT INTO jobs (project, cluster) VALUES ('p', 'c')");
	assert_int_equal(query_int(db, "SELECT terminal FROM jobs"), 0);
	exec_ok(db, "UPDATE jobs SET state = 'RUNNING'");
	assert_int_equal(query_int(db, "SELECT terminal FROM jobs"), 0);
	exec_ok(db, "UPDATE jobs SET state = 'COMPLETED'");
	assert_int_equal(query_int(db, "SELECT terminal FROM jobs"), 1);
	exec_ok(db, "UPDATE jobs SET state = 'SUBMIT_FAILED'");
	assert_int_equal(query_int(db, "SELECT terminal FROM jobs"), 1);
	exec_ok(db, "UPDATE jobs SET state = 'LOST'");
	assert_int_equal(query_int(db, "SELECT terminal FROM jobs"), 1);
	assert_int_not_equal(
	    sqlite3_exec(db, "UPDATE jobs SET terminal = 0", NULL, NULL, NULL),
	    SQLITE_OK);

	/* Mission Control ids are never handed out twice. */
	exec_ok(db, "DELETE FROM jobs");
	exec_ok(db, "INSERT INTO jobs (project, cluster) VALUES ('p', 'c')");
	assert_int_equal(query_int(db, "SELECT max(id) FROM jobs"), 2);
	store_close(st);
}

/* EXPLAIN QUERY PLAN of `sql` uses `index` and sorts nothing. */
static void
assert_plan(sqlite3 *db, const char *sql, const char *index)
{
	sqlite3_stmt *stmt       = NULL;
	char         *explain    = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	char          plan[1024] = "";
	char         *want_a = NULL, *want_b = NULL;

	assert_int_equal(
	    sqlite3_prepare_v2(db, explain, -1, &stmt, NULL), SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		size_t len = strlen(plan);

		snprintf(plan + len, sizeof(plan) - len, "%s; ",
		    (const char *) sqlite3_column_text(stmt, 3));
	}
	sqlite3_finalize(stmt);
	if (index != NULL) {
		want_a = xasprintf("USING INDEX %s ", index);
		want_b = xasprintf("USING COVERING INDEX %s ", index);
		if (strstr(plan, want_a) == NULL
		    && strstr(plan, want_b) == NULL) {
			fail_msg("%s: plan \"%s\" does not use %s", sql, plan,
			    index);
		}
	}
	if (strstr(plan, "TEMP B-TREE") != NULL) {
		fail_msg("%s: plan \"%s\" sorts", sql, plan);
	}
	free(want_a);
	free(want_b);
	free(explain);
}

static void
test_job_query_plans(void **state)
{
	struct store      *st = NULL;
	struct mlops_error err;
	sqlite3           *db;

	(void) state;
	assert_int_equal(store_open(&st, ":memory:", &err), 0);
	db = store_db(st);
	exec_ok(db,
	    "INSERT INTO jobs (project, cluster, state) VALUES "
	    "('p', 'c1', 'RUNNING'), ('p', 'c2', 'COMPLETED')");
	assert_plan(db,
	    "SELECT * FROM jobs WHERE project_id = ?1 "
	    "ORDER BY id DESC LIMIT 50",
	    "jobs_project");
	assert_plan(db,
	    "SELECT * FROM jobs WHERE cluster = ?1 ORDER BY id DESC LIMIT 50",
	    "jobs_cluster");
	assert_plan(db,
	    "SELECT * FROM jobs WHERE state = ?1 ORDER BY id DESC LIMIT 50",
	    "jobs_state");
	assert_plan(db,
	    "SELECT * FROM jobs WHERE cluster = ?1 AND terminal = 0",
	    "jobs_active");
	assert_plan(
	    db, "SELECT id FROM jobs WHERE slurm_job_id = ?1", "jobs_slurm");
	assert_plan(db,
	    "SELECT id FROM jobs WHERE slurm_job_id = ?1 AND cluster = ?2",
	    "jobs_slurm");
	assert_plan(db, "SELECT * FROM jobs ORDER BY id DESC LIMIT 50", NULL);
	store_close(st);
}

/* The rowids of jobs matching `text` in the search index, e.g. "1,3". */
static char *
search(sqlite3 *db, const char *text)
{
	sqlite3_stmt *stmt     = NULL;
	char          ids[256] = "";

	assert_int_equal(
	    sqlite3_prepare_v2(db,
	        "SELECT group_concat(id) FROM (SELECT id FROM jobs WHERE id "
	        "IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH "
	        "'\"' || replace(?1, '\"', '\"\"') || '\"') "
	        "ORDER BY id)",
	        -1, &stmt, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	if (sqlite3_column_text(stmt, 0) != NULL) {
		snprintf(ids, sizeof(ids), "%s",
		    (const char *) sqlite3_column_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	return xstrdup(ids);
}

static void
assert_search(sqlite3 *db, const char *text, const char *want)
{
	char *got = search(db, text);

	if (strcmp(got, want) != 0) {
		fail_msg(
		    "search \"%s\": got \"%s\", want \"%s\"", text, got, want);
	}
	free(got);
}

static void
test_job_search(void **state)
{
	struct store      *st = NULL;
	struct mlops_error err;
	sqlite3           *db;

	(void) state;
	assert_int_equal(store_open(&st, ":memory:", &err), 0);
	db = store_db(st);
	exec_ok(db,
	    "INSERT INTO jobs (project, cluster, description, overrides_json, "
	    "slurm_job_id) VALUES "
	    "('p', 'c', 'Baseline ResNet', '[\"lr=3e-4\",\"bs=64\"]', '1001'),"
	    "('p', 'c', 'wider net', '[\"lr=1e-3\"]', '1002_4'),"
	    "('p', 'c', NULL, '[]', NULL)");
	assert_search(db, "resnet", "1");
	assert_search(db, "lr=3e-4", "1");
	assert_search(db, "lr=", "1,2");
	assert_search(db, "1002_4", "2");
	assert_search(db, "100", "1,2");
	assert_search(db, "nothing like it", "");

	/* State updates leave the index alone; text updates refresh it. */
	exec_ok(db, "UPDATE jobs SET state = 'RUNNING' WHERE id = 1");
	exec_ok(db,
	    "UPDATE jobs SET description = 'narrow net', "
	    "slurm_job_id = '2001' WHERE id = 3");
	assert_search(db, "net", "1,2,3");
	assert_search(db, "narrow", "3");
	exec_ok(db, "UPDATE jobs SET description = 'renamed' WHERE id = 1");
	assert_search(db, "resnet", "");
	exec_ok(db, "DELETE FROM jobs WHERE id = 2");
	assert_search(db, "lr=", "1");
	assert_search(db, "1e-3", "");
	assert_search(db, "2001", "3");
	exec_ok(
	    db, "INSERT INTO jobs_fts (jobs_fts) VALUES ('integrity-check')");
	store_close(st);
}

static void
test_transactions(void **state)
{
	struct fixture       *f  = *state;
	struct store         *st = NULL, *other = NULL;
	struct store_project *got = NULL;
	struct mlops_error    err;
	struct store_project  p = { .name = "t", .path = "/src/t" };

	assert_int_equal(store_open(&st, f->db, &err), 0);
	assert_int_equal(store_rollback(st, &err), 0);
	assert_int_equal(store_commit(st, &err), MLOPS_EIO);

	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_project_insert(st, &p, &err), 0);
	assert_int_equal(store_rollback(st, &err), 0);
	assert_int_equal(
	    store_project_get_by_name(&got, st, "t", &err), MLOPS_ENOTFOUND);

	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_project_insert(st, &p, &err), 0);

	/* Another connection waits for the write lock, then gives up. */
	assert_int_equal(store_open(&other, f->db, &err), 0);
	sqlite3_busy_timeout(store_db(other), 0);
	assert_int_equal(store_begin(other, &err), MLOPS_EBUSY);
	assert_int_equal(store_project_delete(other, "t", &err), MLOPS_EBUSY);
	/* WAL: readers go on, seeing the last committed state. */
	assert_int_equal(store_project_get_by_name(&got, other, "t", &err),
	    MLOPS_ENOTFOUND);

	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(store_project_get_by_name(&got, other, "t", &err), 0);
	store_project_free(got);
	store_close(other);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_open_new_file, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_open_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_open_not_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_from_zero_keeps_data, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_from_previous_version, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_stepwise, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_future_db_refused_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_failing_migration_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_concurrent_open, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_project_crud, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_project_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_project_delete_keeps_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_job_state_constraint, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_job_query_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_job_search, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_transactions, setup, teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
