/*
 * Envelope pack/unpack, version checks, error mapping and URL derivation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/paths.h>
#include <mlops/protocol.h>

static void
pack_hello(uint8_t **buf, size_t *len, uint32_t major)
{
	Mlops__Request      req = MLOPS__REQUEST__INIT;
	Mlops__HelloRequest h   = MLOPS__HELLO_REQUEST__INIT;

	h.client_name    = "test";
	h.client_version = "1.2.3";
	req.proto_major  = major;
	req.proto_minor  = 7;
	req.request_id   = 42;
	req.body_case    = MLOPS__REQUEST__BODY_HELLO;
	req.hello        = &h;
	assert_int_equal(mlops_pack(buf, len, &req.base, NULL), 0);
}

static void
test_roundtrip(void **state)
{
	uint8_t           *buf = NULL;
	size_t             len = 0;
	Mlops__Request    *req = NULL;
	struct mlops_error err = { 0 };

	(void) state;
	pack_hello(&buf, &len, MLOPS_PROTOCOL_MAJOR);
	assert_int_equal(mlops_request_unpack(&req, buf, len, &err), 0);
	assert_int_equal(req->request_id, 42);
	assert_int_equal(req->proto_minor, 7);
	assert_int_equal(req->body_case, MLOPS__REQUEST__BODY_HELLO);
	assert_string_equal(req->hello->client_name, "test");
	assert_int_equal(mlops_request_check_version(req, &err), 0);
	assert_string_equal(mlops_request_name(req->body_case), "hello");
	mlops__request__free_unpacked(req, NULL);
	free(buf);
}

static void
test_version_mismatch(void **state)
{
	uint8_t           *buf = NULL;
	size_t             len = 0;
	Mlops__Request    *req = NULL;
	struct mlops_error err = { 0 };

	(void) state;
	pack_hello(&buf, &len, MLOPS_PROTOCOL_MAJOR + 1);
	assert_int_equal(mlops_request_unpack(&req, buf, len, &err), 0);
	assert_int_equal(
	    mlops_request_check_version(req, &err), MLOPS_EVERSION);
	assert_int_equal(err.code, MLOPS_EVERSION);
	assert_non_null(strstr(err.msg, "protocol 2.7"));
	assert_non_null(strstr(err.msg, "daemon speaks 1."));
	mlops__request__free_unpacked(req, NULL);
	free(buf);
}

static void
test_malformed(void **state)
{
	uint8_t             *buf    = NULL;
	size_t               len    = 0;
	Mlops__Request      *req    = NULL;
	struct mlops_error   err    = { 0 };
	static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };

	(void) state;
	/* empty: parses as a request with no body */
	assert_int_equal(
	    mlops_request_unpack(&req, "", 0, &err), MLOPS_EPROTO);
	assert_non_null(strstr(err.msg, "no method body"));
	assert_int_equal(mlops_request_unpack(&req, junk, sizeof(junk), &err),
	    MLOPS_EPROTO);
	/* every truncation of a valid request is refused or bodiless */
	pack_hello(&buf, &len, MLOPS_PROTOCOL_MAJOR);
	for (size_t n = 0; n < len; n++) {
		req    = NULL;
		int rc = mlops_request_unpack(&req, buf, n, &err);
		if (rc == 0) {
			/* a prefix that ends between fields is valid protobuf;
			 * it must then be a complete hello */
			assert_int_equal(
			    req->body_case, MLOPS__REQUEST__BODY_HELLO);
			mlops__request__free_unpacked(req, NULL);
		} else {
			assert_int_equal(rc, MLOPS_EPROTO);
		}
	}
	/* oversized input is refused before parsing */
	assert_int_equal(
	    mlops_request_unpack(&req, buf, MLOPS_MSG_MAX + 1, &err),
	    MLOPS_EPROTO);
	assert_non_null(strstr(err.msg, "exceeds"));
	free(buf);
}

static void
test_response_error(void **state)
{
	Mlops__Response    resp = MLOPS__RESPONSE__INIT;
	Mlops__Error       e    = MLOPS__ERROR__INIT;
	Mlops__Response   *back = NULL;
	uint8_t           *buf  = NULL;
	size_t             len  = 0;
	struct mlops_error err  = { 0 };

	(void) state;
	e.code          = MLOPS_EINVAL;
	e.message       = "partition: 'x' is not allowed";
	e.field         = "partition";
	resp.request_id = 9;
	resp.error      = &e;
	assert_int_equal(mlops_pack(&buf, &len, &resp.base, NULL), 0);
	assert_int_equal(mlops_response_unpack(&back, buf, len, &err), 0);
	assert_int_equal(mlops_response_error(back, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "partition");
	assert_string_equal(err.msg, "partition: 'x' is not allowed");
	mlops__response__free_unpacked(back, NULL);
	free(buf);

	/* a code from a newer daemon still reads as a failure */
	e.code = 5;
	assert_int_equal(mlops_response_error(&resp, &err), MLOPS_ERROR);
}

static void
test_events_url(void **state)
{
	char *u;

	(void) state;
	u = mlops_events_url_for("ipc:///run/x/mlopsd.sock");
	assert_string_equal(u, "ipc:///run/x/mlopsd-events.sock");
	free(u);
	u = mlops_events_url_for("tls+tcp://example.org:7443");
	assert_string_equal(u, "tls+tcp://example.org:7444");
	free(u);
	u = mlops_events_url_for("tls+tcp://[::1]:7443");
	assert_string_equal(u, "tls+tcp://[::1]:7444");
	free(u);
	assert_null(mlops_events_url_for("inproc://x"));
	assert_null(mlops_events_url_for("tls+tcp://host:notaport"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_version_mismatch),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_response_error),
		cmocka_unit_test(test_events_url),
	};
	return cmocka_run_group_tests_name("protocol", tests, NULL, NULL);
}
