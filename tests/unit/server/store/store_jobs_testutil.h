/*
 * Fixture and helpers shared by the store's job tests
 * (test_store_jobs.c, test_store_jobs_list.c).
 */
#ifndef MLOPS_TESTS_STORE_JOBS_TESTUTIL_H
#define MLOPS_TESTS_STORE_JOBS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include <mlops/error.h>
#include <mlops/job_state.h>
#include <mlops/xmalloc.h>

#include "store.h"
#include "store_impl.h"
#include "store_migrate.h"
#include "testutil.h"

struct fixture {
	char *dir;
	char *db;
};

static inline int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->dir = testutil_mkdtemp("store_jobs");
	assert_non_null(f->dir);
	f->db  = xasprintf("%s/mlops.db", f->dir);
	*state = f;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fixture *f = *state;

	testutil_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

static inline struct store *
open_memory(void)
{
	struct store      *st = NULL;
	struct mlops_error err;

	if (store_open(&st, ":memory:", &err) != 0) {
		fail_msg("store_open: %s", err.msg);
	}
	return st;
}

static inline int64_t
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

static inline void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fail_msg("%s: %s", sql, msg);
	}
}

/* Inserts a job of project/cluster in `state`; returns its id. */
static inline int64_t
add_job(struct store *st, const char *project, const char *cluster,
    const char *state, const char *slurm_job_id)
{
	struct mlops_error err;
	struct store_job   j = {
		  .project       = (char *) project,
		  .cluster       = (char *) cluster,
		  .state         = (char *) state,
		  .slurm_job_id  = (char *) slurm_job_id,
		  .array_task_id = -1,
		  .exit_code     = -1,
		  .elapsed_s     = -1,
	};

	if (store_job_insert(st, &j, &err) != 0) {
		fail_msg("store_job_insert: %s", err.msg);
	}
	return j.id;
}

static inline struct store_job *
get_job(struct store *st, int64_t id)
{
	struct store_job  *j = NULL;
	struct mlops_error err;

	if (store_job_get(&j, st, id, &err) != 0) {
		fail_msg("store_job_get %lld: %s", (long long) id, err.msg);
	}
	return j;
}

#endif
