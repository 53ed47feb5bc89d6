/*
 * slurm_parse (jobs): squeue poll and by-name rows, sacct rows, scontrol
 * show job, pending GPU requests and squeue --start, from the fixtures in
 * tests/fixtures/slurm/ recorded on the Slurm 22.05.8 sandbox, with their
 * values asserted; malformed lines give MLOPS_EPARSE naming line and field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/error.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "slurm_parse.h"
#include "slurm_state.h"
#include "test_slurm_util.h"

/* ---- squeue poll ------------------------------------------------------- */

static void
test_slurm_parse_squeue_running(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	struct mlops_error      err  = { 0 };
	const struct slurm_job *j;
	char                   *text;

	(void) state;
	parse_jobs(&jobs, "22.05/squeue_poll_running.txt", slurm_parse_squeue);
	/* 99999 was asked for too: unknown ids are simply absent. */
	assert_int_equal(jobs.n, 1);
	j = &jobs.v[0];
	assert_string_equal(j->job_id, "6");
	assert_string_equal(j->raw_id, "6");
	assert_null(j->array_job_id);
	assert_int_equal(j->array_task_id, -1);
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	assert_string_equal(j->state_raw, "RUNNING");
	assert_null(j->reason);
	assert_string_equal(j->partition, "gpu");
	assert_int_equal(j->nodes, 1);
	assert_int_equal(j->submit_time, T_16_53_24);
	assert_int_equal(j->start_time, T_16_53_25);
	assert_int_equal(j->end_time, T_17_03_25);
	assert_int_equal(j->time_limit_s, 600);
	assert_int_equal(j->elapsed_s, 87);
	assert_int_equal(j->exit_code, 0);
	assert_int_equal(j->exit_signal, 0);
	assert_string_equal(j->node_list, "a-node1");
	assert_string_equal(j->name, "fx-run1");
	slurm_jobs_fini(&jobs);

	/* The same output from a cluster one hour east of UTC. */
	text = fx("22.05/squeue_poll_running.txt");
	assert_int_equal(slurm_parse_squeue(&jobs, text, 3600, &err), 0);
	assert_int_equal(jobs.v[0].submit_time, T_16_53_24 - 3600);
	slurm_jobs_fini(&jobs);
	free(text);
}

static void
test_slurm_parse_squeue_pending(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(&jobs, "22.05/squeue_poll_pending.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 6);
	j = job_id(&jobs, "31");
	assert_int_equal(j->state, JOB_STATE_PENDING);
	assert_string_equal(j->reason, "Resources");
	assert_int_equal(j->submit_time, T_16_55_00);
	assert_int_equal(j->start_time, 0);
	assert_int_equal(j->end_time, 0);
	assert_null(j->node_list);
	assert_int_equal(j->elapsed_s, 0);
	assert_string_equal(j->name, "fx-pend-gres-typed");
	j = job_id(&jobs, "32");
	assert_string_equal(j->reason, "Priority");
	/* Pending array tasks all carry the array's raw id until they run. */
	j = job_id(&jobs, "35_2");
	assert_string_equal(j->raw_id, "35");
	assert_string_equal(j->array_job_id, "35");
	assert_int_equal(j->array_task_id, 2);
	j = job_id(&jobs, "28");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	assert_string_equal(j->node_list, "a-node1");
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, "22.05/squeue_poll_held.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 5);
	j = job_id(&jobs, "44_4");
	assert_string_equal(j->reason, "JobHeldUser");
	assert_int_equal(j->array_task_id, 4);
	j = job_id(&jobs, "45");
	assert_string_equal(j->partition, "gpu,cpu");
	assert_int_equal(j->time_limit_s, 300);
	slurm_jobs_fini(&jobs);
}

static void
test_slurm_parse_squeue_finished(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(
	    &jobs, "22.05/squeue_poll_array_running.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 4);
	j = job_id(&jobs, "40_1");
	assert_string_equal(j->raw_id, "42");
	assert_string_equal(j->array_job_id, "40");
	assert_int_equal(j->array_task_id, 1);
	j = job_id(&jobs, "40_3");
	assert_string_equal(j->raw_id, "40");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	j = job_id(&jobs, "37");
	assert_int_equal(j->time_limit_s, 60);
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, "22.05/squeue_poll_finished.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 11);
	j = job_id(&jobs, "38");
	assert_int_equal(j->state, JOB_STATE_COMPLETED);
	assert_int_equal(j->exit_code, 0);
	assert_int_equal(j->elapsed_s, 2);
	j = job_id(&jobs, "39");
	assert_int_equal(j->state, JOB_STATE_FAILED);
	assert_string_equal(j->reason, "NonZeroExitCode");
	assert_int_equal(j->exit_code, 3); /* wait status 768 */
	assert_int_equal(j->exit_signal, 0);
	assert_int_equal(j->end_time, T_16_56_16);
	j = job_id(&jobs, "40_2");
	assert_int_equal(j->exit_code, 1);
	j = job_id(&jobs, "40_3");
	assert_int_equal(j->exit_code, 2);
	j = job_id(&jobs, "37");
	assert_int_equal(j->state, JOB_STATE_TIMEOUT);
	assert_string_equal(j->reason, "TimeLimit");
	assert_int_equal(j->exit_code, 0); /* wait status 15: SIGTERM */
	assert_int_equal(j->exit_signal, 15);
	assert_int_equal(j->elapsed_s, 71);
	assert_int_equal(j->end_time, T_16_57_22);
	j = job_id(&jobs, "6");
	assert_int_equal(j->state, JOB_STATE_CANCELLED);
	assert_int_equal(j->end_time, T_16_56_06);
	j = job_id(&jobs, "44_1");
	assert_int_equal(j->state, JOB_STATE_CANCELLED);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, "22.05/squeue_by_name.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 4);
	assert_string_equal(job_id(&jobs, "38")->name, "fx-ok");
	assert_string_equal(job_id(&jobs, "40_2")->name, "fx-array");
	slurm_jobs_fini(&jobs);
}

static void
test_slurm_parse_squeue_malformed(void **state)
{
	static const char good[]
	    = "6|6|6|N/A|RUNNING|None|gpu|1|2026-11-28T16:53:24|"
	      "2026-11-28T16:53:25|2026-11-28T17:03:25|10:00|1:27|0|a-node1|"
	      "fx-run1|\n";
	struct slurm_jobs  jobs = { NULL, 5 };
	struct mlops_error err  = { 0 };
	char              *text;

	(void) state;
	/* A '|' in the name (last field) does not shift the others. */
	assert_int_equal(slurm_parse_squeue(&jobs,
	                     "6|6|6|N/A|RUNNING|None|gpu|1|N/A|N/A|N/A|"
	                     "UNLIMITED|0:00|0||we|ird|\n",
	                     0, &err),
	    0);
	assert_string_equal(jobs.v[0].name, "we|ird");
	assert_int_equal(jobs.v[0].time_limit_s, SLURM_DURATION_UNLIMITED);
	slurm_jobs_fini(&jobs);

	jobs.n = 5;
	text   = xasprintf("%s6|6|6|N/A|RUNNING|None|gpu\n", good);
	expect_eparse(slurm_parse_squeue(&jobs, text, 0, &err), &err, "line 2",
	    "squeue");
	free(text);
	text = xasprintf("%s\n%s", good,
	    "x|6|6|N/A|RUNNING|None|gpu|1|N/A|N/A|N/A|10:00|0:00|0||n|");
	expect_eparse(
	    slurm_parse_squeue(&jobs, text, 0, &err), &err, "line 3", "JobID");
	free(text);
	expect_eparse(slurm_parse_squeue(&jobs,
	                  "6|6_|6|N/A|RUNNING|None|gpu|1|N/A|N/A|N/A|10:00|"
	                  "0:00|0||n|",
	                  0, &err),
	    &err, "line 1", "JobArrayID");
	/* Task ids are 32-bit; a longer one is no job id (the fuzzer found
	 * the overflow). */
	expect_eparse(slurm_parse_squeue(&jobs,
	                  "6|6_99999999999|6|N/A|RUNNING|None|gpu|1|N/A|N/A|"
	                  "N/A|10:00|0:00|0||n|",
	                  0, &err),
	    &err, "line 1", "JobArrayID");
	expect_eparse(slurm_parse_squeue(&jobs,
	                  "6|6|6|N/A|RUNNING|None|gpu|one|N/A|N/A|N/A|10:00|"
	                  "0:00|0||n|",
	                  0, &err),
	    &err, "line 1", "NumNodes");
	expect_eparse(slurm_parse_squeue(&jobs,
	                  "6|6|6|N/A|RUNNING|None|gpu|1|2026-13-01T00:00:00|"
	                  "N/A|N/A|10:00|0:00|0||n|",
	                  0, &err),
	    &err, "line 1", "SubmitTime");
	expect_eparse(slurm_parse_squeue(&jobs,
	                  "6|6|6|N/A|RUNNING|None|gpu|1|N/A|N/A|N/A|ten|0:00|"
	                  "0||n|",
	                  0, &err),
	    &err, "line 1", "TimeLimit");
	expect_eparse(slurm_parse_squeue(&jobs,
	                  "6|6|6|N/A|RUNNING|None|gpu|1|N/A|N/A|N/A|10:00|"
	                  "0:00|-1||n|",
	                  0, &err),
	    &err, "line 1", "exit_code");
	assert_null(jobs.v);
	assert_int_equal(jobs.n, 5);

	/* An unknown state is kept raw, not an error. */
	assert_int_equal(slurm_parse_squeue(&jobs,
	                     "6|6|6|N/A|NEWSTATE|None|gpu|1|N/A|N/A|N/A|10:00|"
	                     "INVALID|0||n|",
	                     0, &err),
	    0);
	assert_int_equal(jobs.v[0].state, MLOPS_EPARSE);
	assert_string_equal(jobs.v[0].state_raw, "NEWSTATE");
	assert_int_equal(jobs.v[0].elapsed_s, -1);
	slurm_jobs_fini(&jobs);

	assert_int_equal(slurm_parse_squeue(&jobs, "\n\n", 0, &err), 0);
	assert_int_equal(jobs.n, 0);
}

/* squeue's exit_code column in both versions' forms. */
static void
test_slurm_parse_squeue_exit_code(void **state)
{
	static const struct {
		const char *value;
		int         code, signal;
	} good[] = {
		{ "0", 0, 0 },   /* 22.05: wait status */
		{ "768", 3, 0 }, /* exit 3 */
		{ "15", 0, 15 }, /* SIGTERM */
		{ "0:0", 0, 0 }, /* 24.11: N:S */
		{ "3:0", 3, 0 },
		{ "0:15", 0, 15 },
		{ "255:9", 255, 9 },
	};
	static const char *const bad[]
	    = { "-1", "x", "3:", ":0", "3:x", "256:0", "1:2:3", "" };
	struct slurm_jobs  jobs = { 0 };
	struct mlops_error err  = { 0 };

	(void) state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *line
		    = xasprintf("6|6|6|N/A|FAILED|None|cpu|1|N/A|N/A|N/A|"
		                "10:00|0:00|%s|a-cpu1|n|",
		        good[i].value);

		assert_int_equal(slurm_parse_squeue(&jobs, line, 0, &err), 0);
		assert_int_equal(jobs.v[0].exit_code, good[i].code);
		assert_int_equal(jobs.v[0].exit_signal, good[i].signal);
		slurm_jobs_fini(&jobs);
		free(line);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *line
		    = xasprintf("6|6|6|N/A|FAILED|None|cpu|1|N/A|N/A|N/A|"
		                "10:00|0:00|%s|a-cpu1|n|",
		        bad[i]);

		expect_eparse(slurm_parse_squeue(&jobs, line, 0, &err), &err,
		    "line 1", "exit_code");
		free(line);
	}
}

/*
 * The tolerant parses: one unreadable row among 20 good ones leaves the 20
 * and records the bad one's job id and error; a row whose id cannot be read
 * says so.
 */
static void
test_slurm_parse_tolerant(void **state)
{
	struct strbuf        sb   = STRBUF_INIT;
	struct slurm_jobs    jobs = { 0 };
	struct slurm_skipped sk   = { 0 };
	char                *text;

	(void) state;
	for (int i = 1; i <= 21; i++) {
		strbuf_printf(&sb,
		    "%d|%d|%d|N/A|COMPLETED|None|cpu|1|2026-11-28T16:53:24|"
		    "2026-11-28T16:53:25|2026-11-28T16:53:30|10:00|0:05|%s|"
		    "a-cpu1|job%d|\n",
		    100 + i, 100 + i, 100 + i, i == 7 ? "oops" : "0:0", i);
	}
	slurm_parse_squeue_tolerant(&jobs, &sk, strbuf_str(&sb), 0);
	assert_int_equal(jobs.n, 20);
	assert_int_equal(sk.n, 1);
	assert_int_equal(sk.n_ids, 1);
	assert_string_equal(sk.ids[0], "107");
	assert_false(sk.unknown);
	assert_true(sk.first_named);
	expect_eparse(MLOPS_EPARSE, &sk.first, "line 7", "exit_code");
	assert_string_equal(jobs.v[6].job_id, "108");
	slurm_jobs_fini(&jobs);
	slurm_skipped_fini(&sk);
	/* The strict parse refuses the same text whole. */
	{
		struct mlops_error err = { 0 };

		jobs.n = 3;
		expect_eparse(
		    slurm_parse_squeue(&jobs, strbuf_str(&sb), 0, &err), &err,
		    "line 7", "exit_code");
		assert_null(jobs.v);
		assert_int_equal(jobs.n, 3);
	}
	strbuf_fini(&sb);

	/* A cut line without a job id, and a range row of an array. */
	text = xasprintf("%s\n6|6|6|N/A|RUNNING\n"
	                 "35|35_[1-2]|35|1-2|PENDING|Priority|gpu|one|N/A|N/A|"
	                 "N/A|10:00|0:00|0:0||n|\n"
	                 "garbage\n",
	    "7|7|7|N/A|RUNNING|None|gpu|1|N/A|N/A|N/A|10:00|0:00|0:0|a-node1|"
	    "n|");
	slurm_parse_squeue_tolerant(&jobs, &sk, text, 0);
	assert_int_equal(jobs.n, 1);
	assert_int_equal(sk.n, 3);
	assert_int_equal(sk.n_ids, 2);
	assert_string_equal(sk.ids[0], "6");
	assert_string_equal(sk.ids[1], "35_[1-2]");
	assert_true(sk.unknown);
	expect_eparse(MLOPS_EPARSE, &sk.first, "line 2", "squeue");
	slurm_jobs_fini(&jobs);
	slurm_skipped_fini(&sk);
	free(text);

	/* sacct: a bad state time; the row's JobID is kept. */
	slurm_parse_sacct_tolerant(&jobs, &sk,
	    "38|38|COMPLETED|0:0|2026-11-28T16:56:11|2026-11-28T16:56:11|"
	    "2026-11-28T16:56:13|00:00:02|00:30:00|cpu|1|a-cpu1|None|fx-ok\n"
	    "42|40_1|COMPLETED|0:0|yesterday|2026-11-28T16:56:11|"
	    "2026-11-28T16:56:13|00:00:02|00:30:00|cpu|1|a-cpu1|None|fx\n",
	    0);
	assert_int_equal(jobs.n, 1);
	assert_int_equal(sk.n, 1);
	assert_string_equal(sk.ids[0], "40_1");
	expect_eparse(MLOPS_EPARSE, &sk.first, "line 2", "Submit");
	slurm_jobs_fini(&jobs);
	slurm_skipped_fini(&sk);

	/* scontrol show job: an array task's id from ArrayJobId/TaskId. */
	slurm_parse_show_job_tolerant(&jobs, &sk,
	    "JobId=42 ArrayJobId=40 ArrayTaskId=1 JobName=x JobState=RUNNING "
	    "ExitCode=x:y\nJobId=43 JobName=y JobState=RUNNING ExitCode=0:0\n",
	    0);
	assert_int_equal(jobs.n, 1);
	assert_string_equal(jobs.v[0].job_id, "43");
	assert_int_equal(sk.n, 1);
	assert_string_equal(sk.ids[0], "40_1");
	assert_false(sk.unknown);
	slurm_jobs_fini(&jobs);
	slurm_skipped_fini(&sk);

	/* Nothing skipped: all zero. */
	slurm_parse_squeue_tolerant(&jobs, &sk, "", 0);
	assert_int_equal(jobs.n, 0);
	assert_int_equal(sk.n, 0);
	assert_null(sk.ids);
}

/* ---- sacct ------------------------------------------------------------- */

static void
test_slurm_parse_sacct_fixtures(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(&jobs, "22.05/sacct_finished.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 10);
	j = job_id(&jobs, "6");
	assert_int_equal(j->state, JOB_STATE_CANCELLED);
	assert_string_equal(j->state_raw, "CANCELLED by 1001");
	assert_int_equal(j->exit_code, 0);
	assert_int_equal(j->elapsed_s, 161);
	assert_int_equal(j->start_time, T_16_53_25);
	assert_int_equal(j->end_time, T_16_56_06);
	assert_string_equal(j->node_list, "a-node1");
	assert_null(j->reason);
	/* Cancelled before it started: Start "None", NodeList
	 * "None assigned". */
	j = job_id(&jobs, "36");
	assert_int_equal(j->start_time, 0);
	assert_null(j->node_list);
	assert_int_equal(j->elapsed_s, 0);
	j = job_id(&jobs, "35_[1-2]");
	assert_string_equal(j->raw_id, "35");
	assert_string_equal(j->array_job_id, "35");
	assert_int_equal(j->array_task_id, -1);
	assert_int_equal(j->state, JOB_STATE_CANCELLED);
	j = job_id(&jobs, "37");
	assert_int_equal(j->state, JOB_STATE_TIMEOUT);
	assert_int_equal(j->elapsed_s, 71);
	assert_int_equal(j->time_limit_s, 60);
	assert_int_equal(j->start_time, T_16_56_11);
	assert_int_equal(j->end_time, T_16_57_22);
	j = job_id(&jobs, "38");
	assert_int_equal(j->state, JOB_STATE_COMPLETED);
	assert_int_equal(j->exit_code, 0);
	assert_int_equal(j->exit_signal, 0);
	assert_int_equal(j->submit_time, T_16_56_11);
	assert_string_equal(j->partition, "cpu");
	assert_string_equal(j->name, "fx-ok");
	j = job_id(&jobs, "39");
	assert_int_equal(j->state, JOB_STATE_FAILED);
	assert_int_equal(j->exit_code, 3);
	assert_int_equal(j->exit_signal, 0);
	assert_int_equal(j->start_time, T_16_56_14);
	j = job_id(&jobs, "40_1");
	assert_string_equal(j->raw_id, "42");
	assert_int_equal(j->array_task_id, 1);
	assert_int_equal(j->state, JOB_STATE_COMPLETED);
	j = job_id(&jobs, "40_2");
	assert_string_equal(j->raw_id, "43");
	assert_int_equal(j->exit_code, 1);
	j = job_id(&jobs, "40_3");
	assert_string_equal(j->raw_id, "40");
	assert_int_equal(j->exit_code, 2);
	assert_int_equal(j->end_time, T_16_56_34);
	assert_int_equal(j->nodes, 1);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, "22.05/sacct_running.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 4);
	j = job_id(&jobs, "37");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	assert_int_equal(j->end_time, 0); /* "Unknown" */
	assert_int_equal(j->start_time, T_16_56_11);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, "22.05/sacct_pending_held.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 2);
	j = job_id(&jobs, "45");
	assert_int_equal(j->state, JOB_STATE_PENDING);
	assert_string_equal(j->reason, "JobHeldUser");
	assert_string_equal(j->partition, "gpu,cpu");
	assert_int_equal(j->start_time, 0);
	j = job_id(&jobs, "44_[1-4%2]");
	assert_string_equal(j->array_job_id, "44");
	assert_int_equal(j->array_task_id, -1);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, "22.05/sacct_by_name.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 5);
	assert_string_equal(job_id(&jobs, "39")->name, "fx-fail3");
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, "22.05/sacct_array_task.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 1);
	assert_string_equal(jobs.v[0].job_id, "40_2");
	slurm_jobs_fini(&jobs);
}

static void
test_slurm_parse_sacct_malformed(void **state)
{
	static const char good[]
	    = "38|38|COMPLETED|0:0|2026-11-28T16:56:11|2026-11-28T16:56:11|"
	      "2026-11-28T16:56:13|00:00:02|00:05:00|cpu|1|a-cpu1|None|fx-"
	      "ok\n";
	struct slurm_jobs  jobs = { NULL, 3 };
	struct mlops_error err  = { 0 };
	char              *text;

	(void) state;
	text = xasprintf("%s38|38|COMPLETED|0:0\n", good);
	expect_eparse(
	    slurm_parse_sacct(&jobs, text, 0, &err), &err, "line 2", "sacct");
	free(text);
	text = xasprintf("%s%s", good,
	    "38|38|COMPLETED|3|2026-11-28T16:56:11|2026-11-28T16:56:11|"
	    "2026-11-28T16:56:13|00:00:02|00:05:00|cpu|1|a-cpu1|None|x\n");
	expect_eparse(slurm_parse_sacct(&jobs, text, 0, &err), &err, "line 2",
	    "ExitCode");
	free(text);
	expect_eparse(slurm_parse_sacct(&jobs,
	                  "38_1|38|COMPLETED|0:0|None|None|None|00:00:02|"
	                  "00:05:00|cpu|1|a|None|x\n",
	                  0, &err),
	    &err, "line 1", "JobIDRaw");
	expect_eparse(slurm_parse_sacct(&jobs,
	                  "38|38.batch|COMPLETED|0:0|None|None|None|00:00:02|"
	                  "00:05:00|cpu|1|a|None|x\n",
	                  0, &err),
	    &err, "line 1", "JobID");
	expect_eparse(slurm_parse_sacct(&jobs,
	                  "38|38|COMPLETED|0:0|None|None|None|1-xx|00:05:00|"
	                  "cpu|1|a|None|x\n",
	                  0, &err),
	    &err, "line 1", "Elapsed");
	expect_eparse(slurm_parse_sacct(&jobs,
	                  "38|38|COMPLETED|0:0|None|yesterday|None|00:00:01|"
	                  "00:05:00|cpu|1|a|None|x\n",
	                  0, &err),
	    &err, "line 1", "Start");
	expect_eparse(slurm_parse_sacct(&jobs,
	                  "38|38|COMPLETED|0:0|None|None|None|00:00:01|"
	                  "00:05:00|cpu|x|a|None|x\n",
	                  0, &err),
	    &err, "line 1", "NNodes");
	assert_null(jobs.v);
	assert_int_equal(jobs.n, 3);

	/* JobName may hold '|' (sacct -P does not escape it). */
	assert_int_equal(
	    slurm_parse_sacct(&jobs,
	        "38|38|CANCELLED by 0|0:9|None|None|None|00:00:00|"
	        "Partition_Limit|cpu|1|None assigned|None|a|b\n",
	        0, &err),
	    0);
	assert_string_equal(jobs.v[0].name, "a|b");
	assert_int_equal(jobs.v[0].exit_signal, 9);
	assert_int_equal(jobs.v[0].time_limit_s, SLURM_DURATION_NONE);
	slurm_jobs_fini(&jobs);
}

/* ---- scontrol show job ------------------------------------------------- */

static void
test_slurm_parse_show_job(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(
	    &jobs, "22.05/scontrol_job_running.txt", slurm_parse_show_job);
	assert_int_equal(jobs.n, 1);
	j = &jobs.v[0];
	assert_string_equal(j->job_id, "6");
	assert_string_equal(j->name, "fx-run1");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	assert_null(j->reason);
	assert_int_equal(j->exit_code, 0);
	assert_int_equal(j->elapsed_s, 87);
	assert_int_equal(j->time_limit_s, 600);
	assert_int_equal(j->submit_time, T_16_53_24);
	assert_int_equal(j->start_time, T_16_53_25);
	assert_int_equal(j->end_time, T_17_03_25);
	assert_string_equal(j->partition, "gpu");
	assert_string_equal(j->node_list, "a-node1");
	assert_int_equal(j->nodes, 1);
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, "22.05/scontrol_job_pending.txt", slurm_parse_show_job);
	j = &jobs.v[0];
	assert_int_equal(j->state, JOB_STATE_PENDING);
	assert_string_equal(j->reason, "Resources");
	assert_int_equal(j->start_time, 0); /* "Unknown" */
	assert_null(j->node_list);          /* "NodeList=" */
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, "22.05/scontrol_job_array_pending.txt",
	    slurm_parse_show_job);
	j = &jobs.v[0];
	assert_string_equal(j->job_id, "35_[1-2]");
	assert_string_equal(j->array_job_id, "35");
	assert_int_equal(j->array_task_id, -1);
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, "22.05/scontrol_job_held_array.txt", slurm_parse_show_job);
	assert_string_equal(jobs.v[0].job_id, "44_[1-4%2]");
	assert_string_equal(jobs.v[0].reason, "JobHeldUser");
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, "22.05/scontrol_job_array_running.txt",
	    slurm_parse_show_job);
	assert_int_equal(jobs.n, 3);
	j = job_id(&jobs, "40_2");
	assert_string_equal(j->raw_id, "43");
	assert_int_equal(j->array_task_id, 2);
	assert_string_equal(job_id(&jobs, "40_3")->raw_id, "40");
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, "22.05/scontrol_job_failed.txt", slurm_parse_show_job);
	j = &jobs.v[0];
	assert_int_equal(j->state, JOB_STATE_FAILED);
	assert_int_equal(j->exit_code, 3);
	assert_string_equal(j->reason, "NonZeroExitCode");
	assert_int_equal(j->end_time, T_16_56_16);
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, "22.05/scontrol_job_timeout.txt", slurm_parse_show_job);
	j = &jobs.v[0];
	assert_int_equal(j->state, JOB_STATE_TIMEOUT);
	assert_int_equal(j->exit_code, 0);
	assert_int_equal(j->exit_signal, 15);
	assert_int_equal(j->elapsed_s, 71);
	assert_int_equal(j->start_time, T_16_56_11);
	assert_int_equal(j->submit_time, T_16_56_10);
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, "22.05/scontrol_job_cancelled.txt", slurm_parse_show_job);
	assert_int_equal(jobs.v[0].state, JOB_STATE_CANCELLED);
	slurm_jobs_fini(&jobs);
}

static void
test_slurm_parse_show_job_malformed(void **state)
{
	struct slurm_jobs  jobs = { NULL, 4 };
	struct mlops_error err  = { 0 };

	(void) state;
	expect_eparse(
	    slurm_parse_show_job(&jobs, "slurm_load_jobs error\n", 0, &err),
	    &err, "line 1", "JobId");
	expect_eparse(slurm_parse_show_job(&jobs,
	                  "JobId=1 JobState=RUNNING\nJobId=x\n", 0, &err),
	    &err, "line 2", "JobId");
	expect_eparse(
	    slurm_parse_show_job(&jobs, "JobId=1 ExitCode=x\n", 0, &err), &err,
	    "line 1", "ExitCode");
	expect_eparse(slurm_parse_show_job(
	                  &jobs, "JobId=1 StartTime=yesterday\n", 0, &err),
	    &err, "line 1", "StartTime");
	expect_eparse(
	    slurm_parse_show_job(&jobs, "JobId=1 RunTime=forever\n", 0, &err),
	    &err, "line 1", "RunTime");
	expect_eparse(slurm_parse_show_job(&jobs,
	                  "JobId=1 ArrayJobId=1 ArrayTaskId=x;y\n", 0, &err),
	    &err, "line 1", "ArrayTaskId");
	expect_eparse(
	    slurm_parse_show_job(&jobs, "JobId=1 NumNodes=many\n", 0, &err),
	    &err, "line 1", "NumNodes");
	assert_null(jobs.v);
	assert_int_equal(jobs.n, 4);

	/* Minimal line: defaults for what is missing. */
	assert_int_equal(
	    slurm_parse_show_job(&jobs, "JobId=9 NumNodes=2-4\n", 0, &err), 0);
	assert_string_equal(jobs.v[0].job_id, "9");
	assert_int_equal(jobs.v[0].state, MLOPS_EPARSE);
	assert_int_equal(jobs.v[0].nodes, 2);
	assert_int_equal(jobs.v[0].exit_code, -1);
	assert_int_equal(jobs.v[0].elapsed_s, -1);
	assert_int_equal(jobs.v[0].time_limit_s, SLURM_DURATION_NONE);
	slurm_jobs_fini(&jobs);
}

/* ---- pending GPU requests ---------------------------------------------- */

static const struct slurm_gpu_request *
req_id(const struct slurm_gpu_requests *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].job_id, id) == 0) {
			return &r->v[i];
		}
	}
	print_error("no request %s\n", id);
	fail();
	return NULL;
}

static void
expect_request(const struct slurm_gpu_requests *r, const char *id,
    const char *type, bool typed, long count)
{
	const struct slurm_gpu_request *q = req_id(r, id);

	assert_int_equal(q->n_gpus, 1);
	expect_gres(&q->gpus[0], "gpu", type, typed, count);
}

static void
test_slurm_parse_pending_fixtures(void **state)
{
	struct slurm_gpu_requests       r   = { 0 };
	struct mlops_error              err = { 0 };
	const struct slurm_gpu_request *q;
	char                           *text;

	(void) state;
	text = fx("22.05/pending_gpu_requests.txt");
	assert_int_equal(slurm_parse_pending(&r, text, &err), 0);
	free(text);
	assert_int_equal(r.n, 7);
	expect_request(&r, "31", "a100", true, 1); /* --gres=gpu:a100:1 */
	expect_request(&r, "32", "gpu", false, 1); /* --gpus=1 */
	expect_request(&r, "33", "gpu", false, 1); /* --gres=gpu:1 */
	expect_request(&r, "34", "v100", true, 1); /* --gpus-per-node */
	expect_request(&r, "35_1", "a100", true, 1);
	expect_request(&r, "35_2", "a100", true, 1);
	expect_request(&r, "36", "a100", true, 2); /* 2 tasks x 1 */
	q = req_id(&r, "31");
	assert_string_equal(q->raw_id, "31");
	assert_int_equal(q->n_partitions, 1);
	assert_string_equal(q->partitions[0], "gpu");
	assert_string_equal(q->reason, "Resources");
	assert_int_equal(q->nodes, 1);
	assert_int_equal(req_id(&r, "36")->tasks, 2);
	assert_string_equal(req_id(&r, "35_2")->raw_id, "35");
	slurm_gpu_requests_fini(&r);

	text = fx("22.05/pending_gpu_requests_held.txt");
	assert_int_equal(slurm_parse_pending(&r, text, &err), 0);
	free(text);
	assert_int_equal(r.n, 5);
	q = req_id(&r, "45");
	assert_int_equal(q->n_partitions, 2);
	assert_string_equal(q->partitions[0], "gpu");
	assert_string_equal(q->partitions[1], "cpu");
	assert_string_equal(q->reason, "JobHeldUser");
	expect_request(&r, "45", "v100", true, 1); /* --gpus=v100:1 */
	slurm_gpu_requests_fini(&r);

	text = fx("22.05/pending_none.txt");
	assert_int_equal(slurm_parse_pending(&r, text, &err), 0);
	assert_int_equal(r.n, 0);
	slurm_gpu_requests_fini(&r);
	slurm_gpu_requests_fini(NULL);
	free(text);
}

static void
test_slurm_parse_pending_inline(void **state)
{
	struct slurm_gpu_requests       r   = { NULL, 8 };
	struct mlops_error              err = { 0 };
	const struct slurm_gpu_request *q;

	(void) state;
	assert_int_equal(
	    slurm_parse_pending(&r,
	        /* no GPU: skipped */
	        "1|1|cpu|1|1|N/A|N/A|N/A|N/A|Resources|\n"
	        /* per node x 2 nodes */
	        "2|2|gpu|2|2|N/A|gres:gpu:a100:2|N/A|N/A|Resources|\n"
	        /* the later TRES spelling */
	        "3|3|gpu|1|1|gres/gpu:a100=1|N/A|N/A|N/A|Priority|\n"
	        /* per job and per node given: the larger total */
	        "4|4|gpu|2|1|gres:gpu:4|gres:gpu:1|N/A|N/A|Priority|\n"
	        /* two types, and a GRES that is no GPU */
	        "5|5|gpu|1|1|N/A|gres:gpu:a100:1,gres:gpu:v100:2,gres:nvme:1|"
	        "N/A|N/A|Priority|\n"
	        /* per socket counts once per node (a lower bound) */
	        "6|6|gpu|3|3|N/A|N/A|N/A|gres:gpu:1|Priority|\n"
	        /* NumTasks N/A counts as 1 */
	        "7|7|gpu|1|N/A|N/A|N/A|gres/gpu=2|N/A|Priority|\n",
	        &err),
	    0);
	assert_int_equal(r.n, 6);
	expect_request(&r, "2", "a100", true, 4);
	expect_request(&r, "3", "a100", true, 1);
	expect_request(&r, "4", "gpu", false, 4);
	q = req_id(&r, "5");
	assert_int_equal(q->n_gpus, 2);
	expect_gres(&q->gpus[0], "gpu", "a100", true, 1);
	expect_gres(&q->gpus[1], "gpu", "v100", true, 2);
	expect_request(&r, "6", "gpu", false, 3);
	expect_request(&r, "7", "gpu", false, 2);
	slurm_gpu_requests_fini(&r);

	r.n = 8;
	expect_eparse(
	    slurm_parse_pending(&r,
	        "2|2|gpu|2|2|N/A|gres:gpu:a100:2|N/A|N/A|Resources|\n"
	        "2|2|gpu|x|2|N/A|gres:gpu:a100:2|N/A|N/A|Resources|\n",
	        &err),
	    &err, "line 2", "NumNodes");
	expect_eparse(
	    slurm_parse_pending(
	        &r, "2|2|gpu|1|y|N/A|gres:gpu:1|N/A|N/A|Resources|\n", &err),
	    &err, "line 1", "NumTasks");
	expect_eparse(
	    slurm_parse_pending(
	        &r, "2|2|gpu|1|1|N/A|gres:gpu:a:b:c:d|N/A|N/A|R|\n", &err),
	    &err, "line 1", "tres-per-node");
	expect_eparse(slurm_parse_pending(
	                  &r, "2|2|gpu|1|1|gres:gpu:=|N/A|N/A|N/A|R|\n", &err),
	    &err, "line 1", "tres-per-job");
	expect_eparse(slurm_parse_pending(&r, "2|2|gpu|1|1\n", &err), &err,
	    "line 1", "squeue");
	expect_eparse(
	    slurm_parse_pending(&r, "a|2|gpu|1|1|N/A|N/A|N/A|N/A|R|\n", &err),
	    &err, "line 1", "JobID");
	assert_null(r.v);
	assert_int_equal(r.n, 8);
}

/* ---- squeue --start ---------------------------------------------------- */

static void
test_slurm_parse_start(void **state)
{
	struct slurm_starts s   = { NULL, 2 };
	struct mlops_error  err = { 0 };
	char               *text;

	(void) state;
	text = fx("22.05/squeue_start.txt");
	assert_int_equal(slurm_parse_start(&s, text, 0, &err), 0);
	free(text);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].job_id, "31");
	assert_string_equal(s.v[0].raw_id, "31");
	assert_int_equal(s.v[0].state, JOB_STATE_PENDING);
	assert_int_equal(s.v[0].start_time, T_17_03_25);
	assert_string_equal(s.v[0].sched_nodes, "a-node1");
	assert_string_equal(s.v[0].reason, "Resources");
	slurm_starts_fini(&s);

	/* Unknown or no longer pending: no line, exit 0. */
	text = fx("22.05/squeue_start_unknown.txt");
	assert_int_equal(slurm_parse_start(&s, text, 0, &err), 0);
	assert_int_equal(s.n, 0);
	free(text);

	/* No estimate yet (backfill has not run): N/A and (null). */
	assert_int_equal(slurm_parse_start(&s,
	                     "31|31|PENDING|N/A|(null)|Resources\n", 0, &err),
	    0);
	assert_int_equal(s.v[0].start_time, 0);
	assert_null(s.v[0].sched_nodes);
	slurm_starts_fini(&s);
	slurm_starts_fini(NULL);

	s.n = 2;
	expect_eparse(slurm_parse_start(&s, "31|31|PENDING\n", 0, &err), &err,
	    "line 1", "squeue");
	expect_eparse(
	    slurm_parse_start(&s,
	        "31|31|PENDING|N/A|(null)|R\n31|31|PENDING|soon|x|R\n", 0,
	        &err),
	    &err, "line 2", "START_TIME");
	expect_eparse(
	    slurm_parse_start(&s, "x|31|PENDING|N/A|(null)|R\n", 0, &err),
	    &err, "line 1", "JOBID");
	assert_null(s.v);
	assert_int_equal(s.n, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slurm_parse_squeue_running),
		cmocka_unit_test(test_slurm_parse_squeue_pending),
		cmocka_unit_test(test_slurm_parse_squeue_finished),
		cmocka_unit_test(test_slurm_parse_squeue_malformed),
		cmocka_unit_test(test_slurm_parse_squeue_exit_code),
		cmocka_unit_test(test_slurm_parse_tolerant),
		cmocka_unit_test(test_slurm_parse_sacct_fixtures),
		cmocka_unit_test(test_slurm_parse_sacct_malformed),
		cmocka_unit_test(test_slurm_parse_show_job),
		cmocka_unit_test(test_slurm_parse_show_job_malformed),
		cmocka_unit_test(test_slurm_parse_pending_fixtures),
		cmocka_unit_test(test_slurm_parse_pending_inline),
		cmocka_unit_test(test_slurm_parse_start),
	};

	return cmocka_run_group_tests_name(
	    "slurm_parse_jobs", tests, NULL, NULL);
}
