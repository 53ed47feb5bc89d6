/*
 * The handlers' side of rpc/: a call being served, its method table and
 * the memory a reply borrows. Handlers run on nng's threads; a slow handler
 * returns RPC_PENDING and completes later from another thread with
 * rpc_call_complete(). Private to server/rpc/.
 */
#ifndef MLOPS_SERVER_RPC_CALL_H
#define MLOPS_SERVER_RPC_CALL_H

#include <stddef.h>

#include <mlops/error.h>
#include "mlops.pb-c.h"

#include "rpc.h"

struct rpc_call;

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
