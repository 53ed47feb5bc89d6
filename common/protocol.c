/*
 * Envelope packing and checks shared by the daemon and the clients.
 * Pure functions; safe on any thread.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/protocol.h>
#include <mlops/xmalloc.h>

int
mlops_pack(uint8_t **out, size_t *outlen, const ProtobufCMessage *msg,
    struct mlops_error *err)
{
	size_t   len = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf;

	if (len > MLOPS_MSG_MAX) {
		return mlops_error_set(err, MLOPS_EPROTO,
		    "message of %zu bytes exceeds the %u-byte limit", len,
		    MLOPS_MSG_MAX);
	}
	buf = xmalloc(len);
	protobuf_c_message_pack(msg, buf);
	*out    = buf;
	*outlen = len;
	return 0;
}

static int
protocol_unpack(ProtobufCMessage **out, const ProtobufCMessageDescriptor *d,
    const void *buf, size_t len, struct mlops_error *err)
{
	ProtobufCMessage *m;

	if (len > MLOPS_MSG_MAX) {
		return mlops_error_set(err, MLOPS_EPROTO,
		    "message of %zu bytes exceeds the %u-byte limit", len,
		    MLOPS_MSG_MAX);
	}
	m = protobuf_c_message_unpack(d, NULL, len, buf);
	if (m == NULL) {
		return mlops_error_set(err, MLOPS_EPROTO,
		    "malformed %s (%zu bytes)", d->short_name, len);
	}
	*out = m;
	return 0;
}

int
mlops_request_unpack(
    Mlops__Request **out, const void *buf, size_t len, struct mlops_error *err)
{
	ProtobufCMessage *m = NULL;
	Mlops__Request   *req;
	int               rc;

	if ((rc = protocol_unpack(
	         &m, &mlops__request__descriptor, buf, len, err))
	    < 0) {
		return rc;
	}
	req = (Mlops__Request *) m;
	if (req->body_case == MLOPS__REQUEST__BODY__NOT_SET) {
		mlops__request__free_unpacked(req, NULL);
		return mlops_error_set(
		    err, MLOPS_EPROTO, "request has no method body");
	}
	*out = req;
	return 0;
}

int
mlops_request_check_version(const Mlops__Request *req, struct mlops_error *err)
{
	if (req->proto_major != MLOPS_PROTOCOL_MAJOR) {
		return mlops_error_set(err, MLOPS_EVERSION,
		    "client speaks protocol %u.%u, daemon speaks %u.%u",
		    req->proto_major, req->proto_minor, MLOPS_PROTOCOL_MAJOR,
		    MLOPS_PROTOCOL_MINOR);
	}
	return 0;
}

int
mlops_response_unpack(Mlops__Response **out, const void *buf, size_t len,
    struct mlops_error *err)
{
	ProtobufCMessage *m = NULL;
	int               rc;

	if ((rc = protocol_unpack(
	         &m, &mlops__response__descriptor, buf, len, err))
	    < 0) {
		return rc;
	}
	*out = (Mlops__Response *) m;
	return 0;
}

int
mlops_event_unpack(
    Mlops__Event **out, const void *buf, size_t len, struct mlops_error *err)
{
	ProtobufCMessage *m = NULL;
	int               rc;

	if ((rc = protocol_unpack(
	         &m, &mlops__event__descriptor, buf, len, err))
	    < 0) {
		return rc;
	}
	*out = (Mlops__Event *) m;
	return 0;
}

int
mlops_response_error(const Mlops__Response *resp, struct mlops_error *err)
{
	const Mlops__Error *e = resp->error;
	int                 code;

	if (e == NULL || e->code == 0) {
		return 0;
	}
	/* An unknown (future) code still reads as a failure. */
	code = e->code < 0 ? e->code : MLOPS_ERROR;
	mlops_error_set_field(
	    err, code, e->field, "%s", e->message ? e->message : "");
	return code;
}

const char *
mlops_request_name(Mlops__Request__BodyCase c)
{
	const ProtobufCFieldDescriptor *f;

	f = protobuf_c_message_descriptor_get_field(
	    &mlops__request__descriptor, (unsigned) c);
	if (f == NULL || c == MLOPS__REQUEST__BODY__NOT_SET) {
		return "unknown";
	}
	return f->name;
}
