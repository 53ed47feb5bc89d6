/*
 * slurm_state: every Slurm job state string (long and compact, sacct's
 * "CANCELLED by UID", truncated "+") maps to the documented state; our
 * names round-trip; terminal states agree with the store's column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/error.h>

#include "slurm_state.h"

static const struct {
	const char    *slurm;
	enum job_state want;
} state_cases[] = {
	{ "PENDING", JOB_STATE_PENDING },
	{ "PD", JOB_STATE_PENDING },
	{ "RUNNING", JOB_STATE_RUNNING },
	{ "R", JOB_STATE_RUNNING },
	{ "CONFIGURING", JOB_STATE_CONFIGURING },
	{ "CF", JOB_STATE_CONFIGURING },
	{ "COMPLETING", JOB_STATE_COMPLETING },
	{ "CG", JOB_STATE_COMPLETING },
	{ "SUSPENDED", JOB_STATE_SUSPENDED },
	{ "S", JOB_STATE_SUSPENDED },
	{ "REQUEUED", JOB_STATE_REQUEUED },
	{ "RQ", JOB_STATE_REQUEUED },
	{ "PREEMPTED", JOB_STATE_PREEMPTED },
	{ "PR", JOB_STATE_PREEMPTED },
	{ "COMPLETED", JOB_STATE_COMPLETED },
	{ "CD", JOB_STATE_COMPLETED },
	{ "FAILED", JOB_STATE_FAILED },
	{ "F", JOB_STATE_FAILED },
	{ "CANCELLED", JOB_STATE_CANCELLED },
	{ "CA", JOB_STATE_CANCELLED },
	{ "CANCELLED by 1001", JOB_STATE_CANCELLED },
	{ "CANCELLED by 0", JOB_STATE_CANCELLED },
	{ "CANCELLED+", JOB_STATE_CANCELLED },
	{ "TIMEOUT", JOB_STATE_TIMEOUT },
	{ "TO", JOB_STATE_TIMEOUT },
	{ "OUT_OF_MEMORY", JOB_STATE_OUT_OF_MEMORY },
	{ "OOM", JOB_STATE_OUT_OF_MEMORY },
	{ "NODE_FAIL", JOB_STATE_NODE_FAIL },
	{ "NF", JOB_STATE_NODE_FAIL },
	{ "BOOT_FAIL", JOB_STATE_BOOT_FAIL },
	{ "BF", JOB_STATE_BOOT_FAIL },
	{ "DEADLINE", JOB_STATE_DEADLINE },
	{ "DL", JOB_STATE_DEADLINE },
	/* Flag states outside our list (slurm_state.c says why). */
	{ "RESIZING", JOB_STATE_RUNNING },
	{ "RS", JOB_STATE_RUNNING },
	{ "SIGNALING", JOB_STATE_RUNNING },
	{ "SI", JOB_STATE_RUNNING },
	{ "STOPPED", JOB_STATE_SUSPENDED },
	{ "ST", JOB_STATE_SUSPENDED },
	{ "STAGE_OUT", JOB_STATE_COMPLETING },
	{ "SO", JOB_STATE_COMPLETING },
	{ "SPECIAL_EXIT", JOB_STATE_REQUEUED },
	{ "SE", JOB_STATE_REQUEUED },
	{ "REQUEUE_HOLD", JOB_STATE_REQUEUED },
	{ "RH", JOB_STATE_REQUEUED },
	{ "REQUEUE_FED", JOB_STATE_REQUEUED },
	{ "RF", JOB_STATE_REQUEUED },
	{ "RESV_DEL_HOLD", JOB_STATE_PENDING },
	{ "RD", JOB_STATE_PENDING },
	{ "REVOKED", JOB_STATE_CANCELLED },
	{ "RV", JOB_STATE_CANCELLED },
	/* Blanks of fixed-width columns, letter case. */
	{ "  RUNNING ", JOB_STATE_RUNNING },
	{ "pending", JOB_STATE_PENDING },
	{ "cd", JOB_STATE_COMPLETED },
};

static void
test_slurm_state_table(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(state_cases) / sizeof(state_cases[0]);
	     i++) {
		int got = slurm_state_from_string(state_cases[i].slurm);

		if (got != (int) state_cases[i].want) {
			print_error("%s -> %d, want %d\n",
			    state_cases[i].slurm, got,
			    (int) state_cases[i].want);
		}
		assert_int_equal(got, (int) state_cases[i].want);
	}
}

static void
test_slurm_state_unknown(void **state)
{
	(void) state;
	assert_int_equal(slurm_state_from_string(NULL), MLOPS_EPARSE);
	assert_int_equal(slurm_state_from_string(""), MLOPS_EPARSE);
	assert_int_equal(slurm_state_from_string("   "), MLOPS_EPARSE);
	assert_int_equal(slurm_state_from_string("+"), MLOPS_EPARSE);
	assert_int_equal(slurm_state_from_string("WAITING"), MLOPS_EPARSE);
	assert_int_equal(slurm_state_from_string("RUNNINGX"), MLOPS_EPARSE);
	assert_int_equal(slurm_state_from_string("SUBMITTING"), MLOPS_EPARSE);
	assert_int_equal(slurm_state_from_string("LOST"), MLOPS_EPARSE);
	assert_int_equal(slurm_state_from_string("P"), MLOPS_EPARSE);
	/* A truncated prefix is not a state: sacct -P never truncates, and
	 * guessing would be wrong. */
	assert_int_equal(slurm_state_from_string("OUT_OF_ME+"), MLOPS_EPARSE);
}

static void
test_slurm_state_names(void **state)
{
	/* Exactly the names of the store's CHECK (0001_init.sql). */
	static const char *const want[JOB_STATE_COUNT] = { "SUBMITTING",
		"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED",
		"REQUEUED", "PREEMPTED", "COMPLETED", "FAILED", "CANCELLED",
		"TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL",
		"DEADLINE", "LOST", "SUBMIT_FAILED" };

	(void) state;
	assert_int_equal(JOB_STATE_COUNT, 18);
	for (int i = 0; i < JOB_STATE_COUNT; i++) {
		assert_string_equal(
		    job_state_name((enum job_state) i), want[i]);
		assert_int_equal(job_state_parse(want[i]), i);
	}
	assert_int_equal(job_state_parse("running"), JOB_STATE_RUNNING);
	assert_int_equal(job_state_parse("R"), MLOPS_EPARSE);
	assert_int_equal(job_state_parse(""), MLOPS_EPARSE);
	assert_int_equal(job_state_parse(NULL), MLOPS_EPARSE);
	assert_string_equal(
	    job_state_name((enum job_state) JOB_STATE_COUNT), "INVALID");
	assert_string_equal(job_state_name((enum job_state) - 1), "INVALID");
}

static void
test_slurm_state_terminal(void **state)
{
	/* The store's generated `terminal` column, verbatim. */
	static const char *const terminal[] = { "SUBMIT_FAILED", "PREEMPTED",
		"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY",
		"NODE_FAIL", "BOOT_FAIL", "DEADLINE", "LOST" };

	(void) state;
	for (int i = 0; i < JOB_STATE_COUNT; i++) {
		const char *name = job_state_name((enum job_state) i);
		bool        want = false;

		for (size_t k = 0; k < sizeof(terminal) / sizeof(terminal[0]);
		     k++) {
			want = want || strcmp(name, terminal[k]) == 0;
		}
		assert_int_equal(job_state_terminal((enum job_state) i), want);
	}
	assert_false(job_state_terminal(JOB_STATE_COMPLETING));
	assert_false(job_state_terminal(JOB_STATE_REQUEUED));
	assert_true(job_state_terminal(JOB_STATE_PREEMPTED));
	assert_false(job_state_terminal((enum job_state) JOB_STATE_COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slurm_state_table),
		cmocka_unit_test(test_slurm_state_unknown),
		cmocka_unit_test(test_slurm_state_names),
		cmocka_unit_test(test_slurm_state_terminal),
	};

	return cmocka_run_group_tests_name("slurm_state", tests, NULL, NULL);
}
