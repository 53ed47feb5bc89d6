/*
 * The wire envelope: protocol version, size cap, and pack/unpack of
 * Request, Response and Event to and from byte buffers. nng REQ/REP
 * delimits messages, so there is no length prefix. Thread-safe.
 */
#ifndef MLOPS_COMMON_PROTOCOL_H
#define MLOPS_COMMON_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>
#include "mlops.pb-c.h"

#define MLOPS_PROTOCOL_MAJOR 1
#define MLOPS_PROTOCOL_MINOR 4

/* Largest message either side accepts (NNG_OPT_RECVMAXSZ). */
#define MLOPS_MSG_MAX (16u * 1024u * 1024u)

/**
 * Packs `msg` (any protobuf-c message) into a new heap buffer.
 * Caller frees *out with free(). Returns 0 or MLOPS_EPROTO when it would
 * exceed MLOPS_MSG_MAX.
 */
int mlops_pack(uint8_t **out, size_t *outlen, const ProtobufCMessage *msg,
    struct mlops_error *err);

/**
 * Unpacks a Request. Refuses oversized or malformed input, and a request
 * with no body, with MLOPS_EPROTO. The version is not checked here (see
 * mlops_request_check_version()). Caller frees with
 * mlops__request__free_unpacked(*out, NULL).
 */
int mlops_request_unpack(Mlops__Request **out, const void *buf, size_t len,
    struct mlops_error *err);

/** Returns MLOPS_EVERSION when the request's major differs from ours. */
int mlops_request_check_version(
    const Mlops__Request *req, struct mlops_error *err);

/** Unpacks a Response; as mlops_request_unpack(). */
int mlops_response_unpack(Mlops__Response **out, const void *buf, size_t len,
    struct mlops_error *err);

/** Unpacks an Event; as mlops_request_unpack(). */
int mlops_event_unpack(
    Mlops__Event **out, const void *buf, size_t len, struct mlops_error *err);

/**
 * Copies a response's Error into `err` and returns its code (0 when the
 * response carries no error).
 */
int mlops_response_error(const Mlops__Response *resp, struct mlops_error *err);

/** Name of a request body case ("project_add"), for logs. Never NULL. */
const char *mlops_request_name(Mlops__Request__BodyCase c);

#endif
