/*
 * Store: job rows. Insert and read back, the submission transitions, the
 * poller's observations and the W&B URL. Listing is tested in
 * test_store_jobs_list.c.
 */
#include "store_jobs_testutil.h"

static void
test_job_round_trip(void **state)
{
	static char *overrides[] = {
		"msg=\"hello, world\"",
		"multi\nline\ttab",
		"path=C:\\dir\\sub",
		"name=Schrödinger ünïcode 🚀",
		"[]{},:",
		"",
	};
	struct store        *st  = open_memory();
	struct store_job    *got = NULL;
	struct mlops_error   err;
	struct store_project p = { .name = "resnet", .path = "/src/resnet" };
	struct store_job     j = {
		    .project       = "resnet",
		    .cluster       = "alpha",
		    .partition     = "gpu",
		    .slurm_job_id  = "4242_7",
		    .array_task_id = 7,
		    .sweep_id      = 9,
		    .state         = "running",
		    .reason        = "None",
		    .exit_code     = 0,
		    .description   = "Baseline \"ResNet\"\nsecond line é",
		    .commit_sha  = "0123456789abcdef0123456789abcdef01234567",
		    .branch      = "main",
		    .dirty       = true,
		    .overrides   = overrides,
		    .n_overrides = sizeof(overrides) / sizeof(overrides[0]),
		    .config_name = "train",
		    .gpus        = 4,
		    .gpu_type    = "a100",
		    .nodes       = 2,
		    .cpus_per_task = 8,
		    .mem           = "64G",
		    .time_limit    = "1-00:00:00",
		    .submitted_at  = 1700000000,
		    .started_at    = 1700000060,
		    .ended_at      = 1700003600,
		    .elapsed_s     = 3540,
		    .node_list     = "node[01-02]",
		    .wandb_url     = "https://wandb.ai/u/p/runs/abc",
		    .work_dir      = "/scratch/u/resnet/1-0123456",
		    .stdout_path   = "/scratch/u/resnet/1-0123456/stdout.log",
		    .stderr_path   = "/scratch/u/resnet/1-0123456/stderr.log",
		    .sbatch_script = "#!/bin/bash\n#SBATCH --job-name=mlops-1\n",
		    .submit_error = "none really",
		    .created_at   = 1699999999,
	};

	(void) state;
	assert_int_equal(store_project_insert(st, &p, &err), 0);
	j.project_id = p.id;
	assert_int_equal(store_job_insert(st, &j, &err), 0);
	assert_int_equal(j.id, 1);
	assert_int_equal(j.created_at, 1699999999);
	assert_int_equal(j.updated_at, 1699999999);
	assert_false(j.terminal);
	/* The caller's strings are not replaced. */
	assert_string_equal(j.state, "running");

	got = get_job(st, j.id);
	assert_int_equal(got->id, j.id);
	assert_int_equal(got->project_id, p.id);
	assert_string_equal(got->project, "resnet");
	assert_string_equal(got->cluster, "alpha");
	assert_string_equal(got->partition, "gpu");
	assert_string_equal(got->slurm_job_id, "4242_7");
	assert_int_equal(got->array_task_id, 7);
	assert_int_equal(got->sweep_id, 9);
	assert_string_equal(got->state, "RUNNING");
	assert_false(got->terminal);
	assert_string_equal(got->reason, "None");
	assert_int_equal(got->exit_code, 0);
	assert_string_equal(got->description, j.description);
	assert_string_equal(got->commit_sha, j.commit_sha);
	assert_string_equal(got->branch, "main");
	assert_true(got->dirty);
	assert_int_equal(got->n_overrides, j.n_overrides);
	for (size_t i = 0; i < j.n_overrides; i++) {
		assert_string_equal(got->overrides[i], overrides[i]);
	}
	assert_string_equal(got->config_name, "train");
	assert_int_equal(got->gpus, 4);
	assert_string_equal(got->gpu_type, "a100");
	assert_int_equal(got->nodes, 2);
	assert_int_equal(got->cpus_per_task, 8);
	assert_string_equal(got->mem, "64G");
	assert_string_equal(got->time_limit, "1-00:00:00");
	assert_int_equal(got->submitted_at, 1700000000);
	assert_int_equal(got->started_at, 1700000060);
	assert_int_equal(got->ended_at, 1700003600);
	assert_int_equal(got->elapsed_s, 3540);
	assert_string_equal(got->node_list, "node[01-02]");
	assert_string_equal(got->wandb_url, j.wandb_url);
	assert_string_equal(got->work_dir, j.work_dir);
	assert_string_equal(got->stdout_path, j.stdout_path);
	assert_string_equal(got->stderr_path, j.stderr_path);
	assert_string_equal(got->sbatch_script, j.sbatch_script);
	assert_string_equal(got->submit_error, "none really");
	assert_int_equal(got->created_at, 1699999999);
	assert_int_equal(got->updated_at, 1699999999);
	store_job_free(got);

	/* The bare minimum: every "unset" reads back as unset. */
	memset(&j, 0, sizeof(j));
	j.project       = "resnet";
	j.cluster       = "beta";
	j.array_task_id = -1;
	j.exit_code     = -1;
	j.elapsed_s     = -1;
	assert_int_equal(store_job_insert(st, &j, &err), 0);
	assert_int_equal(j.id, 2);
	assert_true(j.created_at > 1700000000);
	got = get_job(st, 2);
	assert_int_equal(got->project_id, 0);
	assert_string_equal(got->state, "SUBMITTING");
	assert_false(got->terminal);
	assert_null(got->partition);
	assert_null(got->slurm_job_id);
	assert_int_equal(got->array_task_id, -1);
	assert_int_equal(got->sweep_id, 0);
	assert_null(got->reason);
	assert_int_equal(got->exit_code, -1);
	assert_null(got->description);
	assert_false(got->dirty);
	assert_int_equal(got->n_overrides, 0);
	assert_null(got->overrides);
	assert_int_equal(got->gpus, 0);
	assert_int_equal(got->nodes, 0);
	assert_int_equal(got->cpus_per_task, 0);
	assert_int_equal(got->submitted_at, 0);
	assert_int_equal(got->started_at, 0);
	assert_int_equal(got->ended_at, 0);
	assert_int_equal(got->elapsed_s, -1);
	assert_null(got->wandb_url);
	assert_null(got->sbatch_script);
	assert_int_equal(got->created_at, j.created_at);
	store_job_free(got);
	store_job_free(NULL);
	store_job_list_free(NULL, 3);

	/* A terminal state may be inserted (imports, tests). */
	assert_true(add_job(st, "x", "c", "COMPLETED", "1") > 0);
	got = get_job(st, 3);
	assert_true(got->terminal);
	store_job_free(got);

	got = (struct store_job *) 0x1;
	assert_int_equal(store_job_get(&got, st, 99, &err), MLOPS_ENOTFOUND);
	assert_ptr_equal(got, (struct store_job *) 0x1);
	store_close(st);
}

static void
test_job_insert_errors(void **state)
{
	static char       *bad_overrides[] = { "a=1", NULL };
	struct store      *st              = open_memory();
	struct mlops_error err;
	struct store_job   j = {
		  .project = "p",
		  .cluster = "c",
		  .state   = "BOGUS",
		  .id      = 77,
	};

	(void) state;
	assert_int_equal(store_job_insert(st, &j, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "state");
	assert_int_equal(j.id, 77);
	j.state   = "SUBMITTING";
	j.project = "";
	assert_int_equal(store_job_insert(st, &j, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "project");
	j.project = "p";
	j.cluster = NULL;
	assert_int_equal(store_job_insert(st, &j, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "cluster");
	j.cluster     = "c";
	j.overrides   = bad_overrides;
	j.n_overrides = 2;
	assert_int_equal(store_job_insert(st, &j, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "overrides");
	/* A project id that does not exist is a foreign key violation. */
	j.n_overrides = 1;
	j.project_id  = 12345;
	assert_int_equal(store_job_insert(st, &j, &err), MLOPS_EIO);
	assert_int_equal(j.id, 77);
	assert_int_equal(
	    query_int(store_db(st), "SELECT count(*) FROM jobs"), 0);
	store_close(st);
}

static void
test_job_submission(void **state)
{
	struct store      *st = open_memory();
	struct store_job  *got;
	struct mlops_error err;
	int64_t            a, b;

	(void) state;
	a = add_job(st, "p", "c1", NULL, NULL);
	b = add_job(st, "p", "c1", NULL, NULL);

	assert_int_equal(store_job_set_script(st, a, "/w/1", "/w/1/out",
	                     "/w/1/err", "#!/bin/sh\ntrue\n", &err),
	    0);
	assert_int_equal(
	    store_job_set_submitted(st, a, "501", 1700000000, &err), 0);
	got = get_job(st, a);
	assert_string_equal(got->state, "PENDING");
	assert_false(got->terminal);
	assert_string_equal(got->slurm_job_id, "501");
	assert_int_equal(got->submitted_at, 1700000000);
	assert_string_equal(got->work_dir, "/w/1");
	assert_string_equal(got->stdout_path, "/w/1/out");
	assert_string_equal(got->stderr_path, "/w/1/err");
	assert_string_equal(got->sbatch_script, "#!/bin/sh\ntrue\n");
	store_job_free(got);

	/* Only a SUBMITTING job is submitted, once. */
	assert_int_equal(
	    store_job_set_submitted(st, a, "502", 0, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "state");
	assert_non_null(strstr(err.msg, "PENDING"));
	assert_int_equal(
	    store_job_set_submit_failed(st, a, "x", &err), MLOPS_EINVAL);
	assert_int_equal(
	    store_job_set_submitted(st, 999, "1", 0, &err), MLOPS_ENOTFOUND);
	assert_int_equal(
	    store_job_set_submitted(st, b, "", 0, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "slurm_job_id");
	assert_int_equal(
	    store_job_set_script(st, 999, "/w", NULL, NULL, NULL, &err),
	    MLOPS_ENOTFOUND);

	assert_int_equal(store_job_set_submit_failed(
	                     st, b, "sbatch: error: invalid partition", &err),
	    0);
	got = get_job(st, b);
	assert_string_equal(got->state, "SUBMIT_FAILED");
	assert_true(got->terminal);
	assert_string_equal(got->reason, "sbatch: error: invalid partition");
	assert_string_equal(
	    got->submit_error, "sbatch: error: invalid partition");
	assert_null(got->slurm_job_id);
	store_job_free(got);
	assert_int_equal(
	    store_job_set_submitted(st, b, "503", 0, &err), MLOPS_EINVAL);
	assert_int_equal(
	    store_job_set_submit_failed(st, 999, "x", &err), MLOPS_ENOTFOUND);

	/* submitted_at 0 means now. */
	a = add_job(st, "p", "c1", NULL, NULL);
	assert_int_equal(store_job_set_submitted(st, a, "504", 0, &err), 0);
	got = get_job(st, a);
	assert_true(got->submitted_at >= got->created_at);
	store_job_free(got);
	store_close(st);
}

static void
test_job_update(void **state)
{
	struct store           *st = open_memory();
	sqlite3                *db = store_db(st);
	struct store_job       *got;
	struct mlops_error      err;
	int64_t                 a, other, arr, whole, id = 0;
	bool                    changed = false;
	struct store_job_update u       = {
		      .cluster      = "c1",
		      .slurm_job_id = "700",
		      .state        = "RUNNING",
		      .reason       = "None",
		      .exit_code    = -1,
		      .node_list    = "n01",
		      .started_at   = 1700000100,
		      .elapsed_s    = -1,
	};

	(void) state;
	a     = add_job(st, "p", "c1", "PENDING", "700");
	other = add_job(st, "p", "c2", "PENDING", "700");
	arr   = add_job(st, "p", "c1", "PENDING", "800_4");
	whole = add_job(st, "p", "c1", "PENDING", "800");
	exec_ok(db, "UPDATE jobs SET updated_at = 5, reason = 'Priority'");

	assert_int_equal(store_job_update(st, &u, &id, &changed, &err), 0);
	assert_int_equal(id, a);
	assert_true(changed);
	got = get_job(st, a);
	assert_string_equal(got->state, "RUNNING");
	assert_string_equal(got->reason, "None");
	assert_string_equal(got->node_list, "n01");
	assert_int_equal(got->started_at, 1700000100);
	assert_int_equal(got->ended_at, 0);
	assert_int_equal(got->exit_code, -1);
	assert_true(got->updated_at > 5);
	store_job_free(got);
	/* The same Slurm id on the other cluster is another job. */
	got = get_job(st, other);
	assert_string_equal(got->state, "PENDING");
	assert_string_equal(got->reason, "Priority");
	assert_int_equal(got->updated_at, 5);
	store_job_free(got);

	/* The same observation again writes nothing. */
	exec_ok(db, "UPDATE jobs SET updated_at = 5");
	changed = true;
	id      = 0;
	assert_int_equal(store_job_update(st, &u, &id, &changed, &err), 0);
	assert_int_equal(id, a);
	assert_false(changed);
	assert_int_equal(query_int(db, "SELECT max(updated_at) FROM jobs"), 5);

	/* "Keep" fields keep; one differing field is a change. */
	u.reason     = NULL;
	u.node_list  = NULL;
	u.started_at = 0;
	u.elapsed_s  = 60;
	assert_int_equal(store_job_update(st, &u, &id, &changed, &err), 0);
	assert_true(changed);
	got = get_job(st, a);
	assert_string_equal(got->reason, "None");
	assert_string_equal(got->node_list, "n01");
	assert_int_equal(got->started_at, 1700000100);
	assert_int_equal(got->elapsed_s, 60);
	store_job_free(got);

	/* Ending: every field at once, state in sacct's letter case. */
	u.state     = "completed";
	u.exit_code = 0;
	u.ended_at  = 1700003700;
	u.elapsed_s = 3600;
	assert_int_equal(store_job_update(st, &u, &id, &changed, &err), 0);
	assert_true(changed);
	got = get_job(st, a);
	assert_string_equal(got->state, "COMPLETED");
	assert_true(got->terminal);
	assert_int_equal(got->exit_code, 0);
	assert_int_equal(got->ended_at, 1700003700);
	assert_int_equal(got->elapsed_s, 3600);
	store_job_free(got);

	/* A terminal job is never changed again. */
	exec_ok(db, "UPDATE jobs SET updated_at = 5");
	u.state     = "FAILED";
	u.exit_code = 1;
	u.reason    = "NonZeroExitCode";
	changed     = true;
	assert_int_equal(store_job_update(st, &u, &id, &changed, &err), 0);
	assert_int_equal(id, a);
	assert_false(changed);
	got = get_job(st, a);
	assert_string_equal(got->state, "COMPLETED");
	assert_int_equal(got->exit_code, 0);
	assert_string_equal(got->reason, "None");
	assert_int_equal(got->updated_at, 5);
	store_job_free(got);

	/* Array tasks: "800_4" and "800" are different jobs. */
	u = (struct store_job_update) {
		.cluster      = "c1",
		.slurm_job_id = "800_4",
		.state        = "R",
		.exit_code    = -1,
		.elapsed_s    = -1,
	};
	assert_int_equal(
	    store_job_update(st, &u, &id, &changed, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "state");
	u.state = "RUNNING";
	assert_int_equal(store_job_update(st, &u, &id, &changed, &err), 0);
	assert_int_equal(id, arr);
	assert_true(changed);
	got = get_job(st, whole);
	assert_string_equal(got->state, "PENDING");
	store_job_free(got);

	/* A reused Slurm id: the live job is the one observed. */
	exec_ok(db, "UPDATE jobs SET slurm_job_id = '700' WHERE id = 4");
	u.slurm_job_id = "700";
	assert_int_equal(store_job_update(st, &u, &id, &changed, &err), 0);
	assert_int_equal(id, whole);
	assert_true(changed);

	/* Errors leave the outputs alone. */
	id             = 42;
	changed        = true;
	u.slurm_job_id = "999";
	assert_int_equal(
	    store_job_update(st, &u, &id, &changed, &err), MLOPS_ENOTFOUND);
	assert_int_equal(id, 42);
	assert_true(changed);
	u.slurm_job_id = "700";
	u.cluster      = "c3";
	assert_int_equal(
	    store_job_update(st, &u, &id, &changed, &err), MLOPS_ENOTFOUND);
	u.cluster = "c1";
	u.state   = NULL;
	assert_int_equal(
	    store_job_update(st, &u, &id, &changed, &err), MLOPS_EINVAL);
	u.state = "SUBMITTING";
	assert_int_equal(
	    store_job_update(st, &u, &id, &changed, &err), MLOPS_EINVAL);
	u.state        = "RUNNING";
	u.slurm_job_id = NULL;
	assert_int_equal(
	    store_job_update(st, &u, &id, &changed, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "slurm_job_id");
	assert_int_equal(id, 42);
	store_close(st);
}

static void
test_job_set_state(void **state)
{
	struct store      *st = open_memory();
	struct store_job  *got;
	struct mlops_error err;
	bool               changed = false;
	int64_t            a;

	(void) state;
	a = add_job(st, "p", "c1", "RUNNING", "1");
	assert_int_equal(
	    store_job_set_state(st, a, "RUNNING", NULL, &changed, &err), 0);
	assert_false(changed);
	assert_int_equal(store_job_set_state(st, a, "LOST",
	                     "not in squeue nor sacct", &changed, &err),
	    0);
	assert_true(changed);
	got = get_job(st, a);
	assert_string_equal(got->state, "LOST");
	assert_true(got->terminal);
	assert_string_equal(got->reason, "not in squeue nor sacct");
	store_job_free(got);
	changed = true;
	assert_int_equal(
	    store_job_set_state(st, a, "RUNNING", "back", &changed, &err), 0);
	assert_false(changed);
	got = get_job(st, a);
	assert_string_equal(got->state, "LOST");
	store_job_free(got);

	changed = true;
	assert_int_equal(
	    store_job_set_state(st, 999, "LOST", NULL, &changed, &err),
	    MLOPS_ENOTFOUND);
	assert_true(changed);
	assert_int_equal(
	    store_job_set_state(st, a, "GONE", NULL, &changed, &err),
	    MLOPS_EINVAL);
	assert_string_equal(err.field, "state");
	store_close(st);
}

/*
 * The one table of state names (common/job_state.c) and the store's CHECK
 * and generated `terminal` column (migrations) agree: every name is
 * accepted and is final exactly when job_state_terminal() says so; a name
 * outside the table is refused by the database itself.
 */
static void
test_job_states_agree(void **state)
{
	struct store *st  = open_memory();
	char         *msg = NULL;

	(void) state;
	for (int i = 0; i < JOB_STATE_COUNT; i++) {
		const char       *name = job_state_name((enum job_state) i);
		int64_t           id   = add_job(st, "p", "c1", name, NULL);
		struct store_job *got  = get_job(st, id);

		assert_int_equal(job_state_parse(name), i);
		assert_string_equal(got->state, name);
		if (got->terminal != job_state_terminal((enum job_state) i)) {
			print_error("state %s: store terminal %d\n", name,
			    got->terminal);
		}
		assert_int_equal(
		    got->terminal, job_state_terminal((enum job_state) i));
		store_job_free(got);
	}
	assert_int_not_equal(
	    sqlite3_exec(store_db(st), "UPDATE jobs SET state = 'NEWSTATE'",
	        NULL, NULL, &msg),
	    SQLITE_OK);
	assert_non_null(strstr(msg, "CHECK"));
	sqlite3_free(msg);
	store_close(st);
}

static void
test_job_wandb_first_wins(void **state)
{
	struct store      *st = open_memory();
	struct store_job  *got;
	struct mlops_error err;
	int64_t            a;

	(void) state;
	a = add_job(st, "p", "c1", "RUNNING", "1");
	assert_int_equal(
	    store_job_set_wandb_url(st, a, "https://wandb.ai/a", &err), 0);
	assert_int_equal(
	    store_job_set_wandb_url(st, a, "https://wandb.ai/b", &err), 0);
	got = get_job(st, a);
	assert_string_equal(got->wandb_url, "https://wandb.ai/a");
	store_job_free(got);
	assert_int_equal(store_job_set_wandb_url(st, 999, "https://x", &err),
	    MLOPS_ENOTFOUND);
	assert_int_equal(
	    store_job_set_wandb_url(st, a, "", &err), MLOPS_EINVAL);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_round_trip),
		cmocka_unit_test(test_job_insert_errors),
		cmocka_unit_test(test_job_submission),
		cmocka_unit_test(test_job_update),
		cmocka_unit_test(test_job_set_state),
		cmocka_unit_test(test_job_wandb_first_wins),
		cmocka_unit_test(test_job_states_agree),
	};

	return cmocka_run_group_tests_name("store_jobs", tests, NULL, NULL);
}
