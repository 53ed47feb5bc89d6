/*
 * job states on the wire: every stored state goes out as the JobState
 * enum beside its (deprecated) name, and the jobs request filters on the
 * enum as it does on the name. Served as a network request is
 * (rpc_dispatch, an in-memory store).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/job_state.h>
#include <mlops/protocol.h>
#include <mlops/types.h>
#include <mlops/xmalloc.h>

#include "config.h"
#include "job_proto.h"
#include "mlopsd.h"
#include "rpc.h"
#include "store.h"

struct fixture {
	struct mlops_config cfg;
	struct mlopsd       d;
	struct store       *st;
	int64_t             ids[JOB_STATE_COUNT]; /* one job per state */
};

static int
setup(void **state)
{
	struct fixture    *f   = xcalloc(1, sizeof(*f));
	struct mlops_error err = { 0 };

	if (store_open(&f->st, ":memory:", NULL) < 0) {
		return -1;
	}
	f->d.d_cfg         = &f->cfg;
	f->d.d_config_path = "clusters.yaml";
	f->d.d_state_dir   = "/nonexistent";
	for (int s = 0; s < JOB_STATE_COUNT; s++) {
		struct store_job j = {
			.project       = "p",
			.cluster       = "c",
			.state         = (char *) job_state_name(s),
			.array_task_id = -1,
			.exit_code     = -1,
			.elapsed_s     = -1,
		};

		if (store_job_insert(f->st, &j, &err) != 0) {
			fail_msg("store_job_insert: %s", err.msg);
		}
		f->ids[s] = j.id;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	free(f);
	return 0;
}

/* Asks `jobs` with the given filters; returns the response (caller frees). */
static Mlops__Response *
ask_jobs(struct fixture *f, Mlops__JobState job_state, const char *state)
{
	Mlops__Request     req  = MLOPS__REQUEST__INIT;
	Mlops__JobsRequest body = MLOPS__JOBS_REQUEST__INIT;
	Mlops__Response   *resp = NULL;
	uint8_t           *in = NULL, *out = NULL;
	size_t             inlen = 0, outlen = 0;

	req.proto_major = MLOPS_PROTOCOL_MAJOR;
	req.proto_minor = MLOPS_PROTOCOL_MINOR;
	req.request_id  = 1;
	req.body_case   = MLOPS__REQUEST__BODY_JOBS;
	req.jobs        = &body;
	body.job_state  = job_state;
	body.state      = (char *) state;
	body.limit      = 100;
	assert_int_equal(
	    mlops_pack(&in, &inlen, (const ProtobufCMessage *) &req, NULL), 0);
	rpc_dispatch(&f->d, f->st, in, inlen, &out, &outlen);
	assert_int_equal(mlops_response_unpack(&resp, out, outlen, NULL), 0);
	free(in);
	free(out);
	return resp;
}

static const Mlops__JobsReply *
jobs_ok(Mlops__Response *resp)
{
	if (resp->error != NULL && resp->error->code != 0) {
		fail_msg("jobs: %s", resp->error->message);
	}
	assert_int_equal(resp->body_case, MLOPS__RESPONSE__BODY_JOBS);
	return resp->jobs;
}

/* job_proto fills the enum and the name of every state. */
static void
test_fill_every_state(void **state)
{
	(void) state;
	for (int s = 0; s < JOB_STATE_COUNT; s++) {
		struct store_job j = { .state = (char *) job_state_name(s) };
		Mlops__Job       m = MLOPS__JOB__INIT;

		job_proto_fill(&m, &j, false);
		assert_int_equal(m.job_state, s + 1);
		assert_string_equal(m.state, job_state_name(s));
		assert_int_equal(mlops_job_state_of(&m), s);
	}
	assert_int_equal(
	    job_proto_state(NULL), MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED);
	assert_int_equal(
	    job_proto_state("BOGUS"), MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED);
}

/* Every listed job carries its state as the enum and as its name. */
static void
test_list_carries_enum(void **state)
{
	struct fixture  *f = *state;
	Mlops__Response *resp
	    = ask_jobs(f, MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED, "");
	const Mlops__JobsReply *r = jobs_ok(resp);

	assert_int_equal(r->n_jobs, JOB_STATE_COUNT);
	for (size_t i = 0; i < r->n_jobs; i++) {
		const Mlops__Job *j = r->jobs[i];
		int               s = job_state_parse(j->state);

		assert_true(s >= 0);
		assert_int_equal(j->job_state, mlops_job_state_to_wire(s));
		assert_int_equal(j->id, f->ids[s]);
	}
	mlops__response__free_unpacked(resp, NULL);
}

/* The enum filter finds what the name filter finds, and wins over it. */
static void
test_filter_by_enum(void **state)
{
	struct fixture *f = *state;

	for (int s = 0; s < JOB_STATE_COUNT; s++) {
		Mlops__Response *resp = ask_jobs(f, mlops_job_state_to_wire(s),
		    s == JOB_STATE_PENDING ? "RUNNING" : "");
		const Mlops__JobsReply *r = jobs_ok(resp);

		assert_int_equal(r->n_jobs, 1);
		assert_int_equal(r->jobs[0]->id, f->ids[s]);
		assert_int_equal(r->jobs[0]->job_state, s + 1);
		mlops__response__free_unpacked(resp, NULL);

		/* a client before 1.4 sends only the name */
		resp = ask_jobs(f, MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED,
		    job_state_name(s));
		r    = jobs_ok(resp);
		assert_int_equal(r->n_jobs, 1);
		assert_int_equal(r->jobs[0]->id, f->ids[s]);
		mlops__response__free_unpacked(resp, NULL);
	}
}

/* A state this daemon does not know is refused, naming the field. */
static void
test_filter_unknown_enum(void **state)
{
	struct fixture  *f = *state;
	Mlops__Response *resp
	    = ask_jobs(f, (Mlops__JobState) (JOB_STATE_COUNT + 1), "");

	assert_non_null(resp->error);
	assert_int_equal(resp->error->code, MLOPS_EINVAL);
	assert_string_equal(resp->error->field, "state");
	mlops__response__free_unpacked(resp, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_every_state),
		cmocka_unit_test_setup_teardown(
		    test_list_carries_enum, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_filter_by_enum, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_filter_unknown_enum, setup, teardown),
	};
	return cmocka_run_group_tests_name("rpc_job_state", tests, NULL, NULL);
}
