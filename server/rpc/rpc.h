/*
 * The request side of the daemon: an nng REP socket served by several
 * contexts, so that requests run concurrently and a slow one never blocks
 * a fast one. Each context owns its own store connection. Handlers run on
 * nng's threads; a slow handler returns RPC_PENDING and completes later
 * from another thread with rpc_call_complete().
 */
#ifndef MLOPS_SERVER_RPC_H
#define MLOPS_SERVER_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>
#include "mlops.pb-c.h"

struct mlopsd;
struct rpc;
struct rpc_call;
struct store;

/* A handler's return value meaning "the reply will come later". */
#define RPC_PENDING 1

/**
 * A method handler. It reads `req`, sets resp->body_case and the body
 * (allocated with rpc_call_alloc() or borrowed from memory that outlives
 * the call), and returns 0, a negative MLOPS_E* code with `err` filled, or
 * RPC_PENDING.
 */
typedef int (*rpc_handler_fn)(struct rpc_call *call, const Mlops__Request *req,
    Mlops__Response *resp, struct mlops_error *err);

struct rpc_method {
	Mlops__Request__BodyCase body;
	const char              *name;
	rpc_handler_fn           fn;
};

/* The method table (rpc_table.c): the only list of methods. */
extern const struct rpc_method rpc_methods[];
extern const size_t            rpc_methods_count;

/**
 * Opens the REP socket, listens on every request URL of `d` and starts
 * d->d_rpc_workers contexts, each with its own store connection.
 * Caller frees with rpc_stop(). Returns 0 or an MLOPS_E* code.
 */
int rpc_start(struct rpc **out, struct mlopsd *d, struct mlops_error *err);
/**
 * Closes the socket and its listeners: no new request is taken. Calls
 * still pending (RPC_PENDING) may complete afterwards; their replies are
 * dropped.
 */
void rpc_stop(struct rpc *rpc);
/**
 * Waits (up to 10 s) for pending calls to complete, then frees every
 * context. Call after the workers that complete calls have stopped.
 */
void rpc_free(struct rpc *rpc);

/**
 * Serves one packed request synchronously with `st` as the store and
 * returns the packed reply (caller frees *out). For tests and fuzzing:
 * exactly the path a network request takes, minus nng.
 */
void rpc_dispatch(struct mlopsd *d, struct store *st, const void *in,
    size_t inlen, uint8_t **out, size_t *outlen);

/* For handlers. */
struct mlopsd *rpc_call_daemon(struct rpc_call *call);
struct store  *rpc_call_store(struct rpc_call *call);
/** Zeroed memory freed after the reply is sent. */
void *rpc_call_alloc(struct rpc_call *call, size_t size);
/** A copy freed after the reply is sent; NULL maps to "". */
char *rpc_call_strdup(struct rpc_call *call, const char *s);
/** Copies of v[0..n) and the array, freed after the reply is sent. */
char **rpc_call_strv(struct rpc_call *call, char *const *v, size_t n);
/** Hands ownership of a malloc'd pointer to the call. Returns `p`. */
void *rpc_call_keep(struct rpc_call *call, void *p);
/**
 * Finishes a call whose handler returned RPC_PENDING: sends the response
 * (body set by the caller through rpc_call_response()) or the error.
 * Any thread; exactly once.
 */
void rpc_call_complete(
    struct rpc_call *call, int rc, const struct mlops_error *err);
/** The response being built for `call`. */
Mlops__Response *rpc_call_response(struct rpc_call *call);

#define RPC_ALLOC(call, type, init) \
	((type *) rpc_call_init_msg(call, sizeof(type), &(type) init))
void *rpc_call_init_msg(struct rpc_call *call, size_t size, const void *init);

#endif
