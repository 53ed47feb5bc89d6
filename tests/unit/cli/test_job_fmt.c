/*
 * job_fmt: a job's state as the CLI shows it (--json "state" stays the
 * name scripts know, from the wire enum or, from a daemon before protocol
 * 1.4, from the name), which states are ended, the exit status of an
 * ended job.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/job_state.h>
#include <mlops/types.h>

#include "cmd.h"
#include "output.h"

/* The JSON of `j`'s member `key` as a string ("" for null). */
static char *
json_member(const Mlops__Job *j, const char *key)
{
	json_object *o = job_fmt_json(j, false);
	json_object *v = json_object_object_get(o, key);
	char        *s = strdup(v != NULL ? json_object_get_string(v) : "");

	json_object_put(o);
	return s;
}

static void
test_state_names(void **state)
{
	(void) state;
	for (int s = 0; s < JOB_STATE_COUNT; s++) {
		Mlops__Job j = MLOPS__JOB__INIT;
		char       buf[64];
		char      *got;

		j.job_state = mlops_job_state_to_wire(s);
		got         = json_member(&j, "state");
		assert_string_equal(got, job_state_name(s));
		free(got);
		got = json_member(&j, "terminal");
		assert_string_equal(
		    got, job_state_terminal(s) ? "true" : "false");
		free(got);
		assert_int_equal(job_fmt_terminal(&j), job_state_terminal(s));
		assert_string_equal(job_fmt_state(buf, sizeof(buf), &j, true),
		    job_state_name(s));
	}
}

/* A daemon before 1.4 sends the name only; a newer one may send a state
 * this client does not know, whose name is shown as it is. */
static void
test_old_and_new_daemons(void **state)
{
	Mlops__Job j = MLOPS__JOB__INIT;
	char       buf[64];
	char      *got;

	(void) state;
	j.state = "TIMEOUT";
	got     = json_member(&j, "state");
	assert_string_equal(got, "TIMEOUT");
	free(got);
	assert_true(job_fmt_terminal(&j));

	j.job_state = (Mlops__JobState) (JOB_STATE_COUNT + 1);
	j.state     = "REBOOTING";
	got         = json_member(&j, "state");
	assert_string_equal(got, "REBOOTING");
	free(got);
	assert_false(job_fmt_terminal(&j));

	j.job_state = MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED;
	j.state     = "";
	got         = json_member(&j, "state");
	assert_string_equal(got, ""); /* null, as before */
	free(got);
	assert_string_equal(
	    job_fmt_state(buf, sizeof(buf), &j, true), "UNKNOWN");
}

static void
test_reason(void **state)
{
	Mlops__Job j = MLOPS__JOB__INIT;
	char       buf[64];

	(void) state;
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_PENDING;
	j.reason    = "Resources";
	assert_string_equal(
	    job_fmt_state(buf, sizeof(buf), &j, false), "PENDING (Resources)");
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_RUNNING;
	assert_string_equal(
	    job_fmt_state(buf, sizeof(buf), &j, false), "RUNNING");
	assert_string_equal(
	    job_fmt_state(buf, sizeof(buf), &j, true), "RUNNING (Resources)");
}

static void
test_exit_status(void **state)
{
	Mlops__Job j = MLOPS__JOB__INIT;

	(void) state;
	j.exit_code = -1;
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_COMPLETED;
	assert_int_equal(job_fmt_exit_status(&j), CLI_EXIT_OK);
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_CANCELLED;
	assert_int_equal(job_fmt_exit_status(&j), CLI_EXIT_ERROR);
	j.exit_code = 3;
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_FAILED;
	assert_int_equal(job_fmt_exit_status(&j), 3);
	/* a daemon before 1.4 */
	j.exit_code = -1;
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED;
	j.state     = "COMPLETED";
	assert_int_equal(job_fmt_exit_status(&j), CLI_EXIT_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_old_and_new_daemons),
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_exit_status),
	};
	return cmocka_run_group_tests_name("job_fmt", tests, NULL, NULL);
}
