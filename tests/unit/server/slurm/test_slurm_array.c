/*
 * slurm_array: task ids, the ranges sacct and squeue (without -r) print for
 * tasks not started yet, and MaxArraySize, on output recorded from a
 * 4-task array with max-parallel 1 on the Slurm 22.05.8 sandbox (array
 * 561: task 0 running, 1-3 pending on JobArrayTaskLimit, then scancel).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "slurm_array.h"
#include "slurm_parse.h"
#include "slurm_state.h"
#include "test_slurm_util.h"

static void
parse_fx(struct slurm_jobs *jobs, const char *name, bool sacct)
{
	struct mlops_error err  = { 0 };
	char              *text = fx(name);
	int                rc = sacct ? slurm_parse_sacct(jobs, text, 0, &err)
	                              : slurm_parse_squeue(jobs, text, 0, &err);

	if (rc != 0) {
		print_error("%s: %s\n", name, err.msg);
	}
	assert_int_equal(rc, 0);
	free(text);
}

static void
test_slurm_array_task_split(void **state)
{
	char array[32];
	long task = -1;

	(void) state;
	assert_true(
	    slurm_array_task_split("561_3", array, sizeof(array), &task));
	assert_string_equal(array, "561");
	assert_int_equal(task, 3);
	assert_true(
	    slurm_array_task_split("7_0", array, sizeof(array), &task));
	assert_int_equal(task, 0);
	assert_false(
	    slurm_array_task_split("561", array, sizeof(array), &task));
	assert_false(
	    slurm_array_task_split("561_[1-3]", array, sizeof(array), &task));
	assert_false(
	    slurm_array_task_split("x_1", array, sizeof(array), &task));
	assert_false(
	    slurm_array_task_split("_1", array, sizeof(array), &task));
	assert_false(
	    slurm_array_task_split("561_", array, sizeof(array), &task));
	assert_false(
	    slurm_array_task_split("561_2x", array, sizeof(array), &task));
	assert_false(slurm_array_task_split("561_1", array, 3, &task));
	assert_false(
	    slurm_array_task_split(NULL, array, sizeof(array), &task));
}

static void
test_slurm_array_covers(void **state)
{
	(void) state;
	assert_true(slurm_array_covers("561_2", "561", 2));
	assert_false(slurm_array_covers("561_2", "561", 1));
	assert_false(slurm_array_covers("5612_2", "561", 2));
	assert_false(slurm_array_covers("56_2", "561", 2));
	assert_true(slurm_array_covers("561_[1-3%1]", "561", 1));
	assert_true(slurm_array_covers("561_[1-3%1]", "561", 3));
	assert_false(slurm_array_covers("561_[1-3%1]", "561", 0));
	assert_false(slurm_array_covers("561_[1-3%1]", "561", 4));
	assert_true(slurm_array_covers("561_[0,2,5-7]", "561", 0));
	assert_true(slurm_array_covers("561_[0,2,5-7]", "561", 6));
	assert_false(slurm_array_covers("561_[0,2,5-7]", "561", 3));
	assert_true(slurm_array_covers("561_[4]", "561", 4));
	assert_false(slurm_array_covers("561_[1-3", "561", 1));
	assert_false(slurm_array_covers("561_[1-3]x", "561", 1));
	assert_false(slurm_array_covers("561_[a-3]", "561", 1));
	assert_false(slurm_array_covers("561", "561", 0));
	assert_false(slurm_array_covers(NULL, "561", 0));
}

/* squeue -r: one line per task, pending ones included. */
static void
test_slurm_array_squeue_throttled(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *r;

	(void) state;
	parse_fx(&jobs, "22.05/squeue_poll_array_throttled.txt", false);
	assert_int_equal(jobs.n, 4);
	r = slurm_array_find(&jobs, "561_0");
	assert_non_null(r);
	assert_int_equal(r->state, JOB_STATE_RUNNING);
	assert_string_equal(r->raw_id, "562");
	for (long t = 1; t <= 3; t++) {
		char id[16];

		snprintf(id, sizeof(id), "561_%ld", t);
		r = slurm_array_find(&jobs, id);
		assert_non_null(r);
		assert_string_equal(r->job_id, id);
		assert_int_equal(r->state, JOB_STATE_PENDING);
		assert_string_equal(r->reason, "JobArrayTaskLimit");
		assert_int_equal(r->array_task_id, t);
	}
	assert_null(slurm_array_find(&jobs, "561_4"));
	assert_null(slurm_array_find(&jobs, "560_1"));
	slurm_jobs_fini(&jobs);
}

/* Two jobs of one id (Slurm reused it): the last line, the newest, wins. */
static void
test_slurm_array_find_reused(void **state)
{
	struct slurm_jobs  jobs = { 0 };
	struct mlops_error err  = { 0 };

	(void) state;
	assert_int_equal(
	    slurm_parse_sacct(&jobs,
	        "38|38|COMPLETED|0:0|2026-11-28T16:56:11|2026-11-28T16:56:11|"
	        "2026-11-28T16:56:13|00:00:02|00:05:00|cpu|1|a-cpu1|None|old\n"
	        "38|38|RUNNING|0:0|2026-11-28T17:56:11|2026-11-28T17:56:11|"
	        "Unknown|00:00:02|00:05:00|cpu|1|a-cpu1|None|new\n",
	        0, &err),
	    0);
	assert_string_equal(slurm_array_find(&jobs, "38")->name, "new");
	assert_null(slurm_array_find(&jobs, "3"));
	slurm_jobs_fini(&jobs);
}

/* squeue without -r: the pending tasks share one "561_[1-3%1]" line. */
static void
test_slurm_array_squeue_collapsed(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *r;

	(void) state;
	parse_fx(&jobs, "22.05/squeue_array_throttled_collapsed.txt", false);
	assert_int_equal(jobs.n, 2);
	assert_string_equal(jobs.v[0].job_id, "561_[1-3%1]");
	assert_string_equal(jobs.v[0].array_job_id, "561");
	assert_int_equal(jobs.v[0].array_task_id, -1);
	for (long t = 1; t <= 3; t++) {
		char id[16];

		snprintf(id, sizeof(id), "561_%ld", t);
		r = slurm_array_find(&jobs, id);
		assert_ptr_equal(r, &jobs.v[0]);
		assert_int_equal(r->state, JOB_STATE_PENDING);
	}
	r = slurm_array_find(&jobs, "561_0");
	assert_ptr_equal(r, &jobs.v[1]);
	assert_int_equal(r->state, JOB_STATE_RUNNING);
	slurm_jobs_fini(&jobs);
}

/* sacct: started tasks on their own line, the rest as a range. */
static void
test_slurm_array_sacct(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *r;

	(void) state;
	parse_fx(&jobs, "22.05/sacct_array_throttled.txt", true);
	assert_int_equal(jobs.n, 2);
	r = slurm_array_find(&jobs, "561_0");
	assert_non_null(r);
	assert_int_equal(r->state, JOB_STATE_RUNNING);
	r = slurm_array_find(&jobs, "561_2");
	assert_non_null(r);
	assert_string_equal(r->job_id, "561_[1-3%1]");
	assert_int_equal(r->state, JOB_STATE_PENDING);
	slurm_jobs_fini(&jobs);

	/* After scancel of the array: every task CANCELLED, the ones that
	 * never started still as one range. */
	parse_fx(&jobs, "22.05/sacct_array_cancelled.txt", true);
	for (long t = 0; t <= 3; t++) {
		char id[16];

		snprintf(id, sizeof(id), "561_%ld", t);
		r = slurm_array_find(&jobs, id);
		assert_non_null(r);
		assert_int_equal(r->state, JOB_STATE_CANCELLED);
	}
	assert_string_equal(
	    slurm_array_find(&jobs, "561_3")->job_id, "561_[1-3%1]");
	assert_int_equal(slurm_array_find(&jobs, "561_0")->start_time > 0, 1);
	assert_int_equal(slurm_array_find(&jobs, "561_3")->start_time, 0);
	slurm_jobs_fini(&jobs);

	parse_fx(&jobs, "22.05/squeue_poll_array_cancelled.txt", false);
	assert_int_equal(jobs.n, 4);
	for (long t = 0; t <= 3; t++) {
		char id[16];

		snprintf(id, sizeof(id), "561_%ld", t);
		r = slurm_array_find(&jobs, id);
		assert_non_null(r);
		assert_string_equal(r->job_id, id);
		assert_int_equal(r->state, JOB_STATE_CANCELLED);
	}
	slurm_jobs_fini(&jobs);
}

/* A pending task cancelled on its own (scancel 580_3, then the array):
 * Slurm keeps no record of it, while the array is still listed. */
static void
test_slurm_array_task_dropped(void **state)
{
	struct slurm_jobs jobs = { 0 };

	(void) state;
	parse_fx(&jobs, "22.05/sacct_array_task_dropped.txt", true);
	assert_non_null(slurm_array_find(&jobs, "580_0"));
	assert_non_null(slurm_array_find(&jobs, "580_2"));
	assert_null(slurm_array_find(&jobs, "580_3"));
	assert_true(slurm_array_listed(&jobs, "580"));
	assert_false(slurm_array_listed(&jobs, "58"));
	assert_false(slurm_array_listed(&jobs, "581"));
	slurm_jobs_fini(&jobs);
}

/* The ids of unreadable rows name the jobs they stand for. */
static void
test_slurm_array_names(void **state)
{
	static const char *const ids[]
	    = { "45", "35_[1-2]", "40_3", "561_[1-3%1]" };
	const size_t n = sizeof(ids) / sizeof(ids[0]);

	(void) state;
	assert_true(slurm_array_names(ids, n, "45"));
	assert_false(slurm_array_names(ids, n, "4"));
	assert_false(slurm_array_names(ids, n, "450"));
	assert_true(slurm_array_names(ids, n, "35_1"));
	assert_true(slurm_array_names(ids, n, "35_2"));
	assert_false(slurm_array_names(ids, n, "35_3"));
	assert_true(slurm_array_names(ids, n, "40_3"));
	assert_false(slurm_array_names(ids, n, "40_1"));
	assert_true(slurm_array_names(ids, n, "561_3"));
	assert_false(slurm_array_names(ids, n, "561_0"));
	/* An array's own id is not its tasks' row. */
	assert_false(slurm_array_names(ids, n, "35"));
	assert_false(slurm_array_names(ids, 0, "45"));
}

static void
test_slurm_array_max_size(void **state)
{
	struct mlops_error err  = { 0 };
	char              *text = fx("22.05/scontrol_show_config.txt");
	long               max  = 0;

	(void) state;
	assert_int_equal(slurm_array_parse_max_size(&max, text, &err), 0);
	assert_int_equal(max, 1001);
	free(text);
	assert_int_equal(slurm_array_parse_max_size(&max,
	                     "MaxArrayThing = 3\nMaxArraySize=  77\n", &err),
	    0);
	assert_int_equal(max, 77);
	max = 5;
	assert_int_equal(
	    slurm_array_parse_max_size(&max, "A = 1\n", &err), MLOPS_EPARSE);
	assert_non_null(strstr(err.msg, "MaxArraySize"));
	assert_int_equal(
	    slurm_array_parse_max_size(&max, "MaxArraySize = lots\n", &err),
	    MLOPS_EPARSE);
	assert_int_equal(max, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slurm_array_task_split),
		cmocka_unit_test(test_slurm_array_covers),
		cmocka_unit_test(test_slurm_array_squeue_throttled),
		cmocka_unit_test(test_slurm_array_find_reused),
		cmocka_unit_test(test_slurm_array_squeue_collapsed),
		cmocka_unit_test(test_slurm_array_sacct),
		cmocka_unit_test(test_slurm_array_task_dropped),
		cmocka_unit_test(test_slurm_array_names),
		cmocka_unit_test(test_slurm_array_max_size),
	};

	return cmocka_run_group_tests_name("slurm_array", tests, NULL, NULL);
}
