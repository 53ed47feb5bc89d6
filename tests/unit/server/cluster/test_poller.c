/*
 * The job poller on recorded executors: the commands a cycle issues at 20
 * and at 2,000 active jobs, the states applied (with their events), jobs
 * neither squeue nor sacct knows taken for LOST, terminal jobs never asked
 * about again, an unreadable row among good ones, and SUBMITTING jobs a
 * dead daemon left behind (found by name, or given up).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/xmalloc.h>

#include "clusters.h"
#include "launch.h"
#include "core_fixture.h"
#include "fake_slurm.h"
#include "poller.h"
#include "sbatch.h"
#include "slurm_cmd.h"

/* What each test sets up; the teardown frees it, also after a failure. */
struct ctx {
	struct core_fx    fx;
	struct fake_slurm fs;
};

static int
setup(void **state)
{
	*state = xcalloc(1, sizeof(struct ctx));
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	if (c->fx.d.d_cfg != NULL) {
		core_fx_fini(&c->fx);
	}
	fake_slurm_fini(&c->fs);
	free(c);
	return 0;
}

static const char yaml[] = "clusters:\n"
                           "  - name: gamma\n"
                           "    host: mlops@127.0.0.1\n"
                           "    workspace: /home/mlops/ws\n"
                           "    poll_interval: 3600\n";

/* How many ids the last command of `prog` asked for with -j. */
static size_t
ids_asked(struct replay *r, const char *prog)
{
	char       *last = replay_last(r, prog);
	const char *p    = last != NULL ? strstr(last, " -j ") : NULL;
	size_t      n    = 0;

	if (p != NULL) {
		n = 1;
		for (p += 4; *p != '\0' && *p != ' '; p++) {
			n += *p == ',';
		}
	}
	free(last);
	return n;
}

static void
expect_state(struct core_fx *fx, int64_t id, const char *state)
{
	struct store_job *j = core_fx_job(fx, id);

	if (strcmp(j->state, state) != 0) {
		print_error("job %lld: %s, want %s\n", (long long) id,
		    j->state, state);
	}
	assert_string_equal(j->state, state);
	store_job_free(j);
}

/*
 * 20 jobs on a cluster of either version: 10 run, 5 completed (squeue
 * still lists them), 3 failed and 1 cancelled that only sacct knows, one
 * nobody knows. One squeue and one sacct; every state applied and
 * published; the terminal jobs are not asked about in the next cycle.
 */
static void
poll_20(void **state, bool v2205)
{
	struct core_fx    *fx = &((struct ctx *) *state)->fx;
	struct fake_slurm *fs = &((struct ctx *) *state)->fs;
	int64_t            ids[20];
	char               sid[32];
	char              *last;
	struct replay     *r;

	fs->v2205 = v2205;
	core_fx_init(fx, yaml);
	r = core_fx_replay(fx, "gamma");
	for (int i = 0; i < 20; i++) {
		snprintf(sid, sizeof(sid), "%d", 101 + i);
		ids[i] = core_fx_add_job(fx, "gamma", "PENDING", sid);
		if (i < 10) {
			fake_slurm_add(fs, sid, "RUNNING", true, true);
		} else if (i < 15) {
			fake_slurm_add(fs, sid, "COMPLETED", true, true);
		} else if (i < 18) {
			fake_slurm_add(fs, sid, "FAILED", false, true)
			    ->exit_code
			    = 3;
		} else if (i < 19) {
			fake_slurm_add(fs, sid, "CANCELLED", false, true);
		}
	}
	fake_slurm_serve(fs, r);
	core_fx_start(fx, true);
	assert_int_equal(core_fx_wait_cycles(fx, "gamma", 1), 1);

	assert_int_equal(replay_count(r, "squeue"), 1);
	assert_int_equal(replay_count(r, "sacct"), 1);
	assert_int_equal(replay_unmatched(r), 0);
	for (int i = 0; i < 10; i++) {
		expect_state(fx, ids[i], "RUNNING");
		assert_int_equal(core_fx_events(fx, ids[i], "RUNNING"), 1);
	}
	for (int i = 10; i < 15; i++) {
		expect_state(fx, ids[i], "COMPLETED");
	}
	for (int i = 15; i < 18; i++) {
		struct store_job *j = core_fx_job(fx, ids[i]);

		assert_string_equal(j->state, "FAILED");
		assert_int_equal(j->exit_code, 3);
		store_job_free(j);
	}
	expect_state(fx, ids[18], "CANCELLED");
	expect_state(fx, ids[19], "LOST");
	assert_int_equal(core_fx_events(fx, ids[19], "LOST"), 1);
	/* sacct was asked only for the jobs squeue did not list. */
	last = replay_last(r, "sacct");
	assert_non_null(strstr(last, "116,117,118,119,120"));
	assert_null(strstr(last, "101"));
	free(last);

	/* Next cycle: only the 10 running jobs, all in squeue: one command. */
	assert_int_equal(core_fx_poll(fx, "gamma"), 1);
	last = replay_last(r, "squeue");
	assert_non_null(
	    strstr(last, "101,102,103,104,105,106,107,108,109,110"));
	assert_null(strstr(last, "111"));
	assert_null(strstr(last, "120"));
	free(last);
	assert_int_equal(replay_count(r, "sacct"), 1);
	/* Nothing changed, so nothing was published again. */
	assert_int_equal(core_fx_events(fx, ids[0], NULL), 1);
}

static void
test_poll_20_jobs_24_11(void **state)
{
	poll_20(state, false);
}

static void
test_poll_20_jobs_22_05(void **state)
{
	poll_20(state, true);
}

/*
 * 2,000 active jobs: more than one squeue -j may carry. Still at most one
 * squeue and one sacct per cycle, every job tracked; Slurm cancels 300
 * behind the daemon's back and every one is CANCELLED within three
 * cycles.
 */
static void
test_poll_2000_jobs(void **state)
{
	struct core_fx    *fx  = &((struct ctx *) *state)->fx;
	struct fake_slurm *fs  = &((struct ctx *) *state)->fs;
	int64_t           *ids = xcalloc(2000, sizeof(*ids));
	char               sid[32];
	struct replay     *r;
	uint64_t           cmds;
	size_t             cancelled = 0;

	core_fx_init(fx, yaml);
	r = core_fx_replay(fx, "gamma");
	for (int i = 0; i < 2000; i++) {
		snprintf(sid, sizeof(sid), "%d", 5000 + i);
		ids[i] = core_fx_add_job(fx, "gamma", "PENDING", sid);
		fake_slurm_add(
		    fs, sid, i < 8 ? "RUNNING" : "PENDING", true, true);
	}
	fake_slurm_serve(fs, r);
	core_fx_start(fx, true);
	assert_int_equal(core_fx_wait_cycles(fx, "gamma", 1), 1);
	assert_true(replay_count(r, "squeue") + replay_count(r, "sacct") <= 2);
	expect_state(fx, ids[0], "RUNNING");
	expect_state(fx, ids[7], "RUNNING");
	expect_state(fx, ids[8], "PENDING");
	expect_state(fx, ids[1999], "PENDING");

	/* Slurm cancels 300 pending jobs; squeue forgets 200 of them
	 * (sacct keeps them), lists the other 100 as CANCELLED. */
	for (int i = 1000; i < 1300; i++) {
		fs->v[i].state     = "CANCELLED";
		fs->v[i].in_squeue = i >= 1200;
	}
	for (int c = 0; c < 3; c++) {
		cmds = core_fx_poll(fx, "gamma");
		assert_true(cmds <= 2);
	}
	for (int i = 1000; i < 1300; i++) {
		struct store_job *j = core_fx_job(fx, ids[i]);

		cancelled += strcmp(j->state, "CANCELLED") == 0;
		store_job_free(j);
	}
	assert_int_equal(cancelled, 300);
	expect_state(fx, ids[999], "PENDING");
	expect_state(fx, ids[1300], "PENDING");

	/* 1,500 jobs leave squeue at once: more than one sacct carries.
	 * Each cycle asks about at most 1,000; none of the others is taken
	 * for gone meanwhile, and all are COMPLETED after two cycles. */
	for (int i = 0; i < 2000; i++) {
		if (i < 1000 || i >= 1300) {
			if (i >= 500) {
				fs->v[i].state     = "COMPLETED";
				fs->v[i].in_squeue = false;
			}
		}
	}
	cmds = core_fx_poll(fx, "gamma");
	assert_int_equal(cmds, 2);
	assert_true(ids_asked(r, "sacct") <= 1000);
	for (int i = 500; i < 2000; i++) {
		struct store_job *j = core_fx_job(fx, ids[i]);

		assert_string_not_equal(j->state, "LOST");
		store_job_free(j);
	}
	cmds = core_fx_poll(fx, "gamma");
	assert_true(cmds <= 2);
	for (int i = 500; i < 2000; i++) {
		if (i < 1000 || i >= 1300) {
			expect_state(fx, ids[i], "COMPLETED");
		}
	}
	expect_state(fx, ids[499], "PENDING");
	assert_int_equal(replay_unmatched(r), 0);

	free(ids);
}

/*
 * One unreadable squeue row among 20 good ones: the 20 are applied, the
 * odd one keeps its state (not asked of sacct, not LOST), the cycle's
 * error names the command, the job and the line; once the row reads
 * again the job is updated and the error clears.
 */
static void
test_poll_unreadable_row(void **state)
{
	struct core_fx     *fx = &((struct ctx *) *state)->fx;
	struct fake_slurm  *fs = &((struct ctx *) *state)->fs;
	int64_t             ids[21];
	char                sid[32];
	struct replay      *r;
	struct cluster_poll poll;

	core_fx_init(fx, yaml);
	r = core_fx_replay(fx, "gamma");
	for (int i = 0; i < 21; i++) {
		snprintf(sid, sizeof(sid), "%d", 201 + i);
		ids[i] = core_fx_add_job(fx, "gamma", "RUNNING", sid);
		fake_slurm_add(fs, sid, "COMPLETED", true, true);
	}
	fake_slurm_find(fs, "211")->odd = true;
	fake_slurm_serve(fs, r);
	core_fx_start(fx, true);
	assert_int_equal(core_fx_wait_cycles(fx, "gamma", 1), 1);
	for (int i = 0; i < 21; i++) {
		expect_state(fx, ids[i], i == 10 ? "RUNNING" : "COMPLETED");
	}
	assert_int_equal(replay_count(r, "sacct"), 0);
	clusters_poll(fx->d.d_clusters, "gamma", &poll);
	assert_non_null(strstr(poll.error,
	    "squeue: job 211: line 11: "
	    "exit_code: "));
	assert_true(poll.last_poll > 0);
	assert_int_equal(poll.last_ok, 0);

	fake_slurm_find(fs, "211")->odd = false;
	core_fx_poll(fx, "gamma");
	expect_state(fx, ids[10], "COMPLETED");
	clusters_poll(fx->d.d_clusters, "gamma", &poll);
	assert_string_equal(poll.error, "");
	assert_int_equal(poll.last_ok, poll.last_poll);
}

/*
 * SUBMITTING jobs a dead daemon or a lost sbatch answer left: one Slurm
 * has under its name is adopted with its Slurm id (and polled from then
 * on); one Slurm never heard of is given up once its grace has passed, as
 * SUBMIT_FAILED: from its creation when sbatch never started, from the
 * start of sbatch when it did (so a long upload does not eat the grace).
 */
static void
test_poll_recovers_submitting(void **state)
{
	struct core_fx    *fx = &((struct ctx *) *state)->fx;
	struct fake_slurm *fs = &((struct ctx *) *state)->fs;
	struct replay     *r;
	int64_t            found, lost, waiting, unqueued;
	struct store_job  *j;
	char               name[64], sql[256];

	core_fx_init(fx, yaml);
	r        = core_fx_replay(fx, "gamma");
	found    = core_fx_add_job(fx, "gamma", "SUBMITTING", NULL);
	lost     = core_fx_add_job(fx, "gamma", "SUBMITTING", NULL);
	waiting  = core_fx_add_job(fx, "gamma", "SUBMITTING", NULL);
	unqueued = core_fx_add_job(fx, "gamma", "SUBMITTING", NULL);
	/* All were created long ago (past the grace of a job whose sbatch
	 * never started); `waiting` started sbatch a moment ago after a long
	 * upload, `unqueued` long ago. */
	core_fx_sql(fx, "UPDATE jobs SET created_at = created_at - 3600");
	snprintf(sql, sizeof(sql),
	    "UPDATE jobs SET submit_started_at = unixepoch() - %d "
	    "WHERE id = %lld",
	    LAUNCH_SUBMIT_GRACE_S / 2, (long long) waiting);
	core_fx_sql(fx, sql);
	snprintf(sql, sizeof(sql),
	    "UPDATE jobs SET submit_started_at = unixepoch() - %d "
	    "WHERE id = %lld",
	    LAUNCH_SUBMIT_GRACE_S + 1, (long long) unqueued);
	core_fx_sql(fx, sql);
	sbatch_job_name(name, sizeof(name), fx->d.d_instance, found);
	snprintf(fake_slurm_add(fs, "777", "RUNNING", true, true)->name,
	    sizeof(fs->v[0].name), "%s", name);
	fake_slurm_serve(fs, r);
	core_fx_start(fx, true);
	assert_int_equal(core_fx_wait_cycles(fx, "gamma", 1), 1);

	j = core_fx_job(fx, found);
	assert_string_equal(j->state, "RUNNING");
	assert_string_equal(j->slurm_job_id, "777");
	store_job_free(j);
	assert_int_equal(core_fx_events(fx, found, "PENDING"), 1);
	j = core_fx_job(fx, lost);
	assert_string_equal(j->state, "SUBMIT_FAILED");
	assert_non_null(strstr(j->reason, "before sbatch was sent"));
	store_job_free(j);
	assert_int_equal(core_fx_events(fx, lost, "SUBMIT_FAILED"), 1);
	j = core_fx_job(fx, waiting);
	assert_string_equal(j->state, "SUBMITTING");
	store_job_free(j);
	j = core_fx_job(fx, unqueued);
	assert_string_equal(j->state, "SUBMIT_FAILED");
	assert_non_null(strstr(j->reason, "never queued"));
	store_job_free(j);
	/* Only this user's jobs can be ours. */
	assert_true(replay_count_with(r, "squeue", "--name=") >= 1);
	assert_int_equal(replay_count_with(r, "squeue", "--name="),
	    replay_count_with(r, "squeue", " --me -t all --name="));
	assert_int_equal(replay_unmatched(r), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_poll_20_jobs_24_11, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_poll_20_jobs_22_05, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_poll_2000_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_poll_unreadable_row, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_poll_recovers_submitting, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
