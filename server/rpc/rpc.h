/*
 * The request side of the daemon: an nng REP socket served by several
 * contexts, so that requests run concurrently and a slow one never blocks
 * a fast one. Each context owns its own store connection. This is the
 * face the daemon sees: no wire types (the handlers' side is
 * rpc_call.h).
 */
#ifndef MLOPS_SERVER_RPC_H
#define MLOPS_SERVER_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>

struct mlopsd;
struct rpc;
struct store;

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

#endif
