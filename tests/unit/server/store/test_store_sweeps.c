/*
 * store_sweeps: a sweep row and its task rows (array order, Slurm ids
 * "<array>_<task>" once submitted), the progress counts by state class,
 * and a sweep that failed to submit.
 */
#include "store_jobs_testutil.h"
#include "store_sweeps.h"

/* A sweep of n tasks with task i's override "lr=<i>"; returns its id. */
static int64_t
add_sweep(struct store *st, int n, int64_t *task_ids)
{
	static char       *spec[] = { "lr=0,1,2,3,4,5,6,7" };
	struct mlops_error err;
	struct store_sweep s = {
		.project      = "vision",
		.cluster      = "alpha",
		.ntasks       = n,
		.max_parallel = 2,
		.spec         = spec,
		.n_spec       = 1,
	};

	assert_int_equal(store_begin(st, &err), 0);
	if (store_sweep_insert(st, &s, &err) != 0) {
		fail_msg("store_sweep_insert: %s", err.msg);
	}
	for (int i = 0; i < n; i++) {
		char             ov[16];
		char            *ovs[] = { ov };
		struct store_job j     = {
			    .project       = "vision",
			    .cluster       = "alpha",
			    .array_task_id = i,
			    .sweep_id      = s.id,
			    .exit_code     = -1,
			    .elapsed_s     = -1,
			    .overrides     = ovs,
			    .n_overrides   = 1,
		};

		snprintf(ov, sizeof(ov), "lr=%d", i);
		if (store_job_insert(st, &j, &err) != 0) {
			fail_msg("store_job_insert: %s", err.msg);
		}
		if (task_ids != NULL) {
			task_ids[i] = j.id;
		}
	}
	assert_int_equal(store_commit(st, &err), 0);
	return s.id;
}

static void
test_store_sweep_insert_get(void **state)
{
	struct store       *st = open_memory();
	struct store_sweep *s  = NULL;
	struct mlops_error  err;
	int64_t             id  = add_sweep(st, 4, NULL);
	struct store_sweep  bad = { .project = "p", .cluster = "c" };

	(void) state;
	assert_true(id > 0);
	assert_int_equal(store_sweep_get(&s, st, id, &err), 0);
	assert_string_equal(s->project, "vision");
	assert_string_equal(s->cluster, "alpha");
	assert_null(s->slurm_job_id);
	assert_int_equal(s->ntasks, 4);
	assert_int_equal(s->max_parallel, 2);
	assert_int_equal(s->n_spec, 1);
	assert_string_equal(s->spec[0], "lr=0,1,2,3,4,5,6,7");
	assert_true(s->created_at > 0);
	store_sweep_free(s);
	store_sweep_free(NULL);

	s = NULL;
	assert_int_equal(
	    store_sweep_get(&s, st, id + 1, &err), MLOPS_ENOTFOUND);
	assert_null(s);
	assert_string_equal(err.field, "sweep_id");
	assert_int_equal(store_sweep_insert(st, &bad, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "sweep");
	store_close(st);
}

static void
test_store_sweep_tasks_submitted(void **state)
{
	struct store       *st = open_memory();
	struct store_job  **v  = NULL;
	size_t              n  = 0;
	struct mlops_error  err;
	int64_t             ids[4];
	int64_t             id = add_sweep(st, 4, ids);
	struct store_sweep *s  = NULL;

	(void) state;
	assert_int_equal(store_sweep_tasks(&v, &n, st, id, &err), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		char ov[32];

		snprintf(ov, sizeof(ov), "lr=%zu", i);
		assert_int_equal(v[i]->id, ids[i]);
		assert_int_equal(v[i]->array_task_id, (int) i);
		assert_int_equal(v[i]->sweep_id, id);
		assert_string_equal(v[i]->state, "SUBMITTING");
		assert_int_equal(v[i]->n_overrides, 1);
		assert_string_equal(v[i]->overrides[0], ov);
		assert_null(v[i]->slurm_job_id);
	}
	store_job_list_free(v, n);

	assert_int_equal(store_sweep_set_submitted(st, id, "561", 0, &err), 0);
	assert_int_equal(store_sweep_get(&s, st, id, &err), 0);
	assert_string_equal(s->slurm_job_id, "561");
	store_sweep_free(s);
	assert_int_equal(store_sweep_tasks(&v, &n, st, id, &err), 0);
	for (size_t i = 0; i < n; i++) {
		char sid[32];

		snprintf(sid, sizeof(sid), "561_%zu", i);
		assert_string_equal(v[i]->state, "PENDING");
		assert_string_equal(v[i]->slurm_job_id, sid);
		assert_true(v[i]->submitted_at > 0);
	}
	store_job_list_free(v, n);

	/* The poller finds a task by its own Slurm id. */
	{
		struct store_job_update u       = { .cluster = "alpha",
			      .slurm_job_id                  = "561_2",
			      .state                         = "RUNNING",
			      .exit_code                     = -1,
			      .elapsed_s                     = -1 };
		int64_t                 jid     = 0;
		bool                    changed = false;

		assert_int_equal(
		    store_job_update(st, &u, &jid, &changed, &err), 0);
		assert_int_equal(jid, ids[2]);
		assert_true(changed);
	}
	assert_int_equal(store_sweep_set_submitted(st, id + 9, "1", 0, &err),
	    MLOPS_ENOTFOUND);
	assert_int_equal(
	    store_sweep_set_submitted(st, id, "", 0, &err), MLOPS_EINVAL);
	/* The listing filter reaches the same tasks. */
	{
		struct store_job_filter f = { .sweep_id = id };

		assert_int_equal(store_job_list(&v, &n, st, &f, &err), 0);
		assert_int_equal(n, 4);
		store_job_list_free(v, n);
	}
	store_close(st);
}

static void
test_store_sweep_progress(void **state)
{
	struct store               *st = open_memory();
	struct store_sweep_progress p  = { 0 };
	struct mlops_error          err;
	int64_t                     ids[8];
	int64_t                     id = add_sweep(st, 8, ids);
	static const char *const    states[]
	    = { "PENDING", "RUNNING", "COMPLETED", "COMPLETED", "FAILED",
		      "TIMEOUT", "CANCELLED", "LOST" };

	(void) state;
	assert_int_equal(store_sweep_progress(&p, st, id, &err), 0);
	assert_int_equal(p.total, 8);
	assert_int_equal(p.pending, 8);
	assert_int_equal(p.running + p.completed + p.failed + p.cancelled, 0);

	assert_int_equal(store_sweep_set_submitted(st, id, "70", 0, &err), 0);
	for (int i = 0; i < 8; i++) {
		bool changed = false;

		assert_int_equal(store_job_set_state(st, ids[i], states[i],
		                     NULL, &changed, &err),
		    0);
	}
	assert_int_equal(store_sweep_progress(&p, st, id, &err), 0);
	assert_int_equal(p.total, 8);
	assert_int_equal(p.pending, 1);
	assert_int_equal(p.running, 1);
	assert_int_equal(p.completed, 2);
	assert_int_equal(p.failed, 3);
	assert_int_equal(p.cancelled, 1);

	assert_int_equal(
	    store_sweep_progress(&p, st, id + 1, &err), MLOPS_ENOTFOUND);
	store_close(st);
}

static void
test_store_sweep_submit_failed(void **state)
{
	struct store               *st = open_memory();
	struct store_sweep_progress p  = { 0 };
	struct store_job           *j;
	struct mlops_error          err;
	int64_t                     ids[3];
	int64_t                     id = add_sweep(st, 3, ids);
	int64_t other = add_job(st, "vision", "alpha", NULL, NULL);

	(void) state;
	assert_int_equal(
	    store_sweep_set_submit_failed(st, id, "sbatch said no", &err), 0);
	assert_int_equal(store_sweep_progress(&p, st, id, &err), 0);
	assert_int_equal(p.failed, 3);
	j = get_job(st, ids[1]);
	assert_string_equal(j->state, "SUBMIT_FAILED");
	assert_string_equal(j->submit_error, "sbatch said no");
	store_job_free(j);
	/* A job outside the sweep is untouched. */
	j = get_job(st, other);
	assert_string_equal(j->state, "SUBMITTING");
	store_job_free(j);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_sweep_insert_get),
		cmocka_unit_test(test_store_sweep_tasks_submitted),
		cmocka_unit_test(test_store_sweep_progress),
		cmocka_unit_test(test_store_sweep_submit_failed),
	};

	return cmocka_run_group_tests_name("store_sweeps", tests, NULL, NULL);
}
