/*
 * types: every job state round-trips name <-> enum job_state <-> wire
 * JobState, the wire enum's value names are job_state.h's names, and a
 * message from a daemon before protocol 1.4 (enum unset) is read by its
 * state name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/error.h>
#include <mlops/job_state.h>
#include <mlops/types.h>

static void
test_round_trip(void **state)
{
	(void) state;
	for (int s = 0; s < JOB_STATE_COUNT; s++) {
		const char     *name = job_state_name(s);
		Mlops__JobState w    = mlops_job_state_to_wire(s);

		assert_int_equal(job_state_parse(name), s);
		assert_int_not_equal(
		    w, MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED);
		assert_int_equal(mlops_job_state_from_wire(w, NULL), s);
		/* the enum wins over a name that disagrees */
		assert_int_equal(mlops_job_state_from_wire(w, "BOGUS"), s);
	}
}

/* proto/mlops.proto's JobState: JOB_STATE_<job_state_name()> = state + 1,
 * and nothing else but UNSPECIFIED = 0. */
static void
test_wire_names(void **state)
{
	const ProtobufCEnumDescriptor *d = &mlops__job_state__descriptor;

	(void) state;
	assert_int_equal(d->n_values, JOB_STATE_COUNT + 1);
	assert_string_equal(protobuf_c_enum_descriptor_get_value(d, 0)->name,
	    "JOB_STATE_UNSPECIFIED");
	for (int s = 0; s < JOB_STATE_COUNT; s++) {
		const ProtobufCEnumValue *v
		    = protobuf_c_enum_descriptor_get_value(
		        d, (int) mlops_job_state_to_wire(s));
		char want[64];

		assert_non_null(v);
		snprintf(
		    want, sizeof(want), "JOB_STATE_%s", job_state_name(s));
		assert_string_equal(v->name, want);
	}
}

static void
test_out_of_range(void **state)
{
	(void) state;
	assert_int_equal(mlops_job_state_to_wire((enum job_state) - 1),
	    MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED);
	assert_int_equal(mlops_job_state_to_wire(JOB_STATE_COUNT),
	    MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED);
	assert_int_equal(mlops_job_state_from_wire(
	                     MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED, NULL),
	    MLOPS_EPARSE);
	assert_int_equal(mlops_job_state_from_wire(
	                     MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED, ""),
	    MLOPS_EPARSE);
	/* a state newer than this client: only its name can say */
	assert_int_equal(
	    mlops_job_state_from_wire(
	        (Mlops__JobState) (JOB_STATE_COUNT + 1), "REBOOTED"),
	    MLOPS_EPARSE);
}

/* A daemon before 1.4 fills only the name. */
static void
test_old_daemon(void **state)
{
	Mlops__Job j = MLOPS__JOB__INIT;

	(void) state;
	assert_int_equal(mlops_job_state_of(&j), MLOPS_EPARSE); /* "" */
	j.state = "RUNNING";
	assert_int_equal(mlops_job_state_of(&j), JOB_STATE_RUNNING);
	j.state = "out_of_memory";
	assert_int_equal(mlops_job_state_of(&j), JOB_STATE_OUT_OF_MEMORY);
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_LOST;
	assert_int_equal(mlops_job_state_of(&j), JOB_STATE_LOST);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wire_names),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_old_daemon),
	};
	return cmocka_run_group_tests_name("types", tests, NULL, NULL);
}
