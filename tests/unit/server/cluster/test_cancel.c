/*
 * job_ops_cancel on recorded executors: one scancel, then the state read
 * back from squeue and applied through the one path of job changes (an
 * event each); a pending array task Slurm drops on scancel; scancel's own
 * refusal; a session that fails under it; ids that must never reach a
 * shell; a cluster no longer configured.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "core_fixture.h"
#include "fake_slurm.h"
#include "job_ops.h"
#include "store.h"

static const char yaml[] = "clusters:\n"
                           "  - name: gamma\n"
                           "    host: mlops@127.0.0.1\n"
                           "    workspace: /home/mlops/ws\n"
                           "    poll_interval: 3600\n";

struct ctx {
	struct core_fx    fx;
	struct fake_slurm fs;
	struct store     *st; /* the connection a cancel writes through */
	/* the callback's, under mtx */
	pthread_mutex_t    mtx;
	pthread_cond_t     cv;
	bool               done;
	int                rc;
	struct mlops_error err;
};

static int
setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mtx, NULL);
	pthread_cond_init(&c->cv, NULL);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	if (c->fx.d.d_cfg != NULL) {
		core_fx_fini(&c->fx);
	}
	store_close(c->st);
	fake_slurm_fini(&c->fs);
	pthread_mutex_destroy(&c->mtx);
	pthread_cond_destroy(&c->cv);
	free(c);
	return 0;
}

/* scancel as Slurm does it on the fake cluster: a pending array task
 * leaves squeue at once, anything else becomes CANCELLED. */
static int
fake_scancel(
    void *arg, const char *const *argv, struct strbuf *out, struct strbuf *err)
{
	struct fake_slurm *fs = arg;
	struct fake_job   *j  = fake_slurm_find(fs, argv[1]);

	(void) out;
	if (j == NULL) {
		strbuf_printf(err,
		    "scancel: error: Kill job error on job id %s: Invalid job "
		    "id specified\n",
		    argv[1]);
		return 1;
	}
	if (strchr(j->id, '_') != NULL && strcmp(j->state, "PENDING") == 0) {
		j->in_squeue = false;
		j->in_sacct  = false;
	} else {
		j->state = "CANCELLED";
	}
	return 0;
}

static struct replay *
start(struct ctx *c)
{
	struct mlops_error err = { 0 };
	struct replay     *r;

	core_fx_init(&c->fx, yaml);
	r = core_fx_replay(&c->fx, "gamma");
	fake_slurm_serve(&c->fs, r);
	replay_add_fn(r, "scancel", NULL, fake_scancel, &c->fs, -1);
	if (store_open(&c->st, c->fx.d.d_db_path, &err) != 0) {
		fail_msg("store: %s", err.msg);
	}
	core_fx_start(&c->fx, false);
	return r;
}

static void
on_cancel(void *arg, int rc, const struct mlops_error *err)
{
	struct ctx *c = arg;

	pthread_mutex_lock(&c->mtx);
	c->rc = rc;
	if (err != NULL) {
		c->err = *err;
	}
	c->done = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mtx);
}

/* Cancels job `id` (Slurm id `slurm_id`) and waits for the callback. */
static int
cancel(struct ctx *c, int64_t id, const char *slurm_id)
{
	struct mlops_error err = { 0 };

	c->done = false;
	if (job_ops_cancel(
	        &c->fx.d, c->st, id, 0, "gamma", slurm_id, on_cancel, c, &err)
	    != 0) {
		fail_msg("job_ops_cancel: %s", err.msg);
	}
	pthread_mutex_lock(&c->mtx);
	while (!c->done) {
		pthread_cond_wait(&c->cv, &c->mtx);
	}
	pthread_mutex_unlock(&c->mtx);
	return c->rc;
}

static void
expect_job(struct ctx *c, int64_t id, const char *state, const char *reason)
{
	struct store_job *j = core_fx_job(&c->fx, id);

	assert_string_equal(j->state, state);
	if (reason != NULL
	    && (j->reason == NULL || strstr(j->reason, reason) == NULL)) {
		fail_msg("reason '%s', expected '%s' in it",
		    j->reason ? j->reason : "(null)", reason);
	}
	store_job_free(j);
}

/* A running job: scancel, then squeue says CANCELLED; stored, one event. */
static void
test_cancel_running(void **state)
{
	struct ctx    *c = *state;
	struct replay *r = start(c);
	int64_t        id;
	char          *last;

	fake_slurm_add(&c->fs, "1309", "RUNNING", true, true);
	id = core_fx_add_job(&c->fx, "gamma", "RUNNING", "1309");
	assert_int_equal(cancel(c, id, "1309"), 0);
	expect_job(c, id, "CANCELLED", NULL);
	assert_int_equal(core_fx_events(&c->fx, id, "CANCELLED"), 1);
	assert_int_equal(replay_count(r, "scancel"), 1);
	last = replay_last(r, "scancel");
	assert_string_equal(last, "scancel 1309");
	free(last);
	/* the state was read back from Slurm, for that job only */
	last = replay_last(r, "squeue");
	assert_non_null(strstr(last, "-j 1309"));
	free(last);
	assert_int_equal(replay_unmatched(r), 0);
}

/* A pending array task Slurm drops from its array on scancel: nothing
 * lists it any more, and it is CANCELLED, not LOST. */
static void
test_cancel_pending_task(void **state)
{
	struct ctx *c = *state;
	int64_t     id;

	start(c);
	fake_slurm_add(&c->fs, "1400_0", "RUNNING", true, true);
	fake_slurm_add(&c->fs, "1400_1", "PENDING", true, true);
	id = core_fx_add_job(&c->fx, "gamma", "PENDING", "1400_1");
	assert_int_equal(cancel(c, id, "1400_1"), 0);
	expect_job(c, id, "CANCELLED", "dropped it from its array");
	assert_int_equal(core_fx_events(&c->fx, id, "CANCELLED"), 1);
}

/* scancel refuses: its words, and the job keeps its state. */
static void
test_cancel_refused(void **state)
{
	struct ctx    *c = *state;
	struct replay *r = start(c);
	int64_t        id;

	id = core_fx_add_job(&c->fx, "gamma", "RUNNING", "1309");
	assert_int_equal(cancel(c, id, "1309"), MLOPS_ESLURM);
	assert_non_null(strstr(c->err.msg, "Invalid job id specified"));
	expect_job(c, id, "RUNNING", NULL);
	assert_int_equal(core_fx_events(&c->fx, id, NULL), 0);
	assert_int_equal(replay_count(r, "squeue"), 0);
}

/* The session fails under scancel: the executor's error, no guess. */
static void
test_cancel_session_fails(void **state)
{
	struct ctx    *c = *state;
	struct replay *r = start(c);
	int64_t        id;

	fake_slurm_add(&c->fs, "1309", "RUNNING", true, true);
	id = core_fx_add_job(&c->fx, "gamma", "RUNNING", "1309");
	replay_add_fail(
	    r, "scancel", NULL, MLOPS_ETIMEDOUT, "no answer in 30 s", 1);
	assert_int_equal(cancel(c, id, "1309"), MLOPS_ETIMEDOUT);
	assert_non_null(strstr(c->err.msg, "no answer in 30 s"));
	expect_job(c, id, "RUNNING", NULL);
	assert_int_equal(core_fx_events(&c->fx, id, NULL), 0);
}

/* Ids that are no Slurm id never reach the cluster; an unknown cluster is
 * named. */
static void
test_cancel_refuses_bad_input(void **state)
{
	static const char *const bad[]
	    = { "1309; rm -rf ~", "$(id)", "`id`", "1309\n1310", "'1'", "" };
	struct ctx        *c   = *state;
	struct replay     *r   = start(c);
	struct mlops_error err = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(job_ops_cancel(&c->fx.d, c->st, 1, 0, "gamma",
		                     bad[i], on_cancel, c, &err),
		    MLOPS_EINVAL);
	}
	assert_int_equal(job_ops_cancel(&c->fx.d, c->st, 1, 0, "nosuch",
	                     "1309", on_cancel, c, &err),
	    MLOPS_ENOTFOUND);
	assert_non_null(strstr(err.msg, "nosuch"));
	replay_drain(r);
	assert_int_equal(replay_count(r, NULL) - replay_count(r, "sinfo"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_cancel_running, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cancel_pending_task, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cancel_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cancel_session_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cancel_refuses_bad_input, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
