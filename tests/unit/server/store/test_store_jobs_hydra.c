/*
 * Store: the Hydra check's result kept with a job (issue #7): the resolved
 * overrides in jobs.resolved_overrides_json, the composed config in
 * job_configs (read by store_job_get() only), nothing for a job launched
 * without validation.
 */
#include "store_jobs_testutil.h"

static void
test_job_validated(void **state)
{
	static char *given[] = { "model=large", "seed=3" };
	static char *resolved[]
	    = { "model=large", "seed=3", "+trainer.tag=\"a b\"" };
	struct store    *st = open_memory();
	struct store_job j  = {
		 .project              = "resnet",
		 .cluster              = "alpha",
		 .array_task_id        = -1,
		 .exit_code            = -1,
		 .elapsed_s            = -1,
		 .overrides            = given,
		 .n_overrides          = 2,
		 .validated            = true,
		 .resolved_overrides   = resolved,
		 .n_resolved_overrides = 3,
		 .config_json = "{\"config\":{\"model\":{\"name\":\"large\"}}}",
	};
	struct store_job_filter f   = { 0 };
	struct store_job      **v   = NULL;
	struct store_job       *got = NULL;
	struct mlops_error      err;
	size_t                  n = 0;
	int64_t                 plain;

	(void) state;
	assert_int_equal(store_job_insert(st, &j, &err), 0);
	plain = add_job(st, "resnet", "alpha", NULL, NULL);

	got = get_job(st, j.id);
	assert_null(got->config_json); /* not read by store_job_get() */
	assert_int_equal(store_job_get_config(got, st, &err), 0);
	assert_true(got->validated);
	assert_int_equal(got->n_resolved_overrides, 3);
	assert_string_equal(
	    got->resolved_overrides[2], "+trainer.tag=\"a b\"");
	assert_int_equal(got->n_overrides, 2);
	assert_string_equal(got->config_json, j.config_json);
	store_job_free(got);

	got = get_job(st, plain);
	assert_int_equal(store_job_get_config(got, st, &err), 0);
	assert_false(got->validated);
	assert_int_equal(got->n_resolved_overrides, 0);
	assert_null(got->resolved_overrides);
	assert_null(got->config_json);
	store_job_free(got);

	/* lists carry the resolved overrides, not the (large) config */
	assert_int_equal(store_job_list(&v, &n, st, &f, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[1]->id, j.id);
	assert_true(v[1]->validated);
	assert_int_equal(v[1]->n_resolved_overrides, 3);
	assert_null(v[1]->config_json);
	assert_false(v[0]->validated);
	store_job_list_free(v, n);
	store_close(st);
}

static void
test_job_validated_errors(void **state)
{
	struct store      *st = open_memory();
	struct mlops_error err;
	struct store_job   j = {
		  .project       = "resnet",
		  .cluster       = "alpha",
		  .array_task_id = -1,
		  .exit_code     = -1,
		  .elapsed_s     = -1,
		  .validated     = true,
	};

	(void) state;
	/* validated needs its config */
	assert_int_equal(store_job_insert(st, &j, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "overrides");
	/* the table refuses a config that is not JSON, and nothing stays */
	j.config_json = "{not json";
	assert_int_equal(store_begin(st, &err), 0);
	assert_true(store_job_insert(st, &j, &err) < 0);
	store_rollback(st, NULL);
	assert_int_equal(
	    query_int(store_db(st), "SELECT count(*) FROM jobs"), 0);
	store_close(st);
}

/* Deleting a job (removing history) takes its config along. */
static void
test_job_config_cascade(void **state)
{
	struct store      *st = open_memory();
	struct mlops_error err;
	struct store_job   j = {
		  .project       = "resnet",
		  .cluster       = "alpha",
		  .array_task_id = -1,
		  .exit_code     = -1,
		  .elapsed_s     = -1,
		  .validated     = true,
		  .config_json   = "{}",
	};

	(void) state;
	assert_int_equal(store_job_insert(st, &j, &err), 0);
	assert_int_equal(
	    query_int(store_db(st), "SELECT count(*) FROM job_configs"), 1);
	exec_ok(store_db(st), "DELETE FROM jobs");
	assert_int_equal(
	    query_int(store_db(st), "SELECT count(*) FROM job_configs"), 0);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_validated),
		cmocka_unit_test(test_job_validated_errors),
		cmocka_unit_test(test_job_config_cascade),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
