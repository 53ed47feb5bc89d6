/*
 * nng REP socket with N contexts, each a small state machine (receive,
 * dispatch, send) driven by nng's aio callbacks, which never block. A
 * call's memory lives in an arena freed once its reply is sent.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>

#include <mlops/log.h>
#include <mlops/protocol.h>
#include <mlops/xmalloc.h>

#include "listen.h"
#include "mlopsd.h"
#include "rpc_call.h"
#include "store.h"

enum rpc_state {
	RPC_RECV,
	RPC_WAIT, /* handler returned RPC_PENDING */
	RPC_SEND,
};

struct rpc_ctx {
	struct rpc    *rc_rpc;
	nng_ctx        rc_ctx;
	nng_aio       *rc_aio;
	enum rpc_state rc_state;
	struct store  *rc_store;
};

struct rpc {
	struct mlopsd  *r_d;
	nng_socket      r_sock;
	struct rpc_ctx *r_ctxs;
	size_t          r_nctx;
	pthread_mutex_t r_mtx;
	pthread_cond_t  r_cv;
	unsigned        r_pending; /* calls parked as RPC_PENDING */
	int             r_closed;
};

struct rpc_call {
	struct mlopsd     *c_d;
	struct store      *c_store;
	struct rpc_ctx    *c_ctx; /* NULL when served by rpc_dispatch() */
	Mlops__Request    *c_req;
	Mlops__Response    c_resp;
	Mlops__Error       c_error;
	struct mlops_error c_err;
	void             **c_keep;
	size_t             c_nkeep, c_capkeep;
	/* rpc_dispatch() waits on these for a pending call. */
	pthread_mutex_t c_mtx;
	pthread_cond_t  c_cv;
	int             c_done;
	uint8_t        *c_out;
	size_t          c_outlen;
};

static void rpc_ctx_cb(void *arg);

void *
rpc_call_keep(struct rpc_call *call, void *p)
{
	if (call->c_nkeep == call->c_capkeep) {
		call->c_capkeep = call->c_capkeep ? call->c_capkeep * 2 : 16;
		call->c_keep    = xreallocarray(
		       call->c_keep, call->c_capkeep, sizeof(void *));
	}
	call->c_keep[call->c_nkeep++] = p;
	return p;
}

void *
rpc_call_alloc(struct rpc_call *call, size_t size)
{
	return rpc_call_keep(call, xcalloc(1, size));
}

char *
rpc_call_strdup(struct rpc_call *call, const char *s)
{
	return rpc_call_keep(call, xstrdup(s ? s : ""));
}

char **
rpc_call_strv(struct rpc_call *call, char *const *v, size_t n)
{
	char **out = rpc_call_alloc(call, (n ? n : 1) * sizeof(*out));

	for (size_t i = 0; i < n; i++) {
		out[i] = rpc_call_strdup(call, v[i]);
	}
	return out;
}

void *
rpc_call_init_msg(struct rpc_call *call, size_t size, const void *init)
{
	void *p = rpc_call_alloc(call, size);

	memcpy(p, init, size);
	return p;
}

struct mlopsd *
rpc_call_daemon(struct rpc_call *call)
{
	return call->c_d;
}

struct store *
rpc_call_store(struct rpc_call *call)
{
	return call->c_store;
}

Mlops__Response *
rpc_call_response(struct rpc_call *call)
{
	return &call->c_resp;
}

static struct rpc_call *
rpc_call_new(struct mlopsd *d, struct store *st, struct rpc_ctx *ctx)
{
	struct rpc_call *call = xcalloc(1, sizeof(*call));
	Mlops__Response  r    = MLOPS__RESPONSE__INIT;
	Mlops__Error     e    = MLOPS__ERROR__INIT;

	call->c_d     = d;
	call->c_store = st;
	call->c_ctx   = ctx;
	call->c_resp  = r;
	call->c_error = e;
	pthread_mutex_init(&call->c_mtx, NULL);
	pthread_cond_init(&call->c_cv, NULL);
	return call;
}

static void
rpc_call_free(struct rpc_call *call)
{
	for (size_t i = 0; i < call->c_nkeep; i++) {
		free(call->c_keep[i]);
	}
	free(call->c_keep);
	if (call->c_req != NULL) {
		mlops__request__free_unpacked(call->c_req, NULL);
	}
	pthread_mutex_destroy(&call->c_mtx);
	pthread_cond_destroy(&call->c_cv);
	free(call);
}

/* Packs the reply (or the error) into call->c_out. */
static void
rpc_call_pack(struct rpc_call *call, int rc, const struct mlops_error *err)
{
	Mlops__Response   *resp = &call->c_resp;
	struct mlops_error perr;

	if (call->c_req != NULL) {
		resp->request_id = call->c_req->request_id;
	}
	if (rc < 0) {
		resp->body_case       = MLOPS__RESPONSE__BODY__NOT_SET;
		call->c_error.code    = rc;
		call->c_error.message = rpc_call_strdup(
		    call, err && err->msg[0] ? err->msg : mlops_strerror(rc));
		call->c_error.field
		    = rpc_call_strdup(call, err ? err->field : "");
		resp->error = &call->c_error;
	}
	if (mlops_pack(&call->c_out, &call->c_outlen, &resp->base, &perr)
	    < 0) {
		/* Too large: say so instead. */
		Mlops__Response small = MLOPS__RESPONSE__INIT;
		Mlops__Error    e     = MLOPS__ERROR__INIT;

		small.request_id = resp->request_id;
		e.code           = perr.code;
		e.message        = perr.msg;
		e.field          = "";
		small.error      = &e;
		mlops_pack(&call->c_out, &call->c_outlen, &small.base, NULL);
	}
}

/* Decodes, checks and runs one request. Returns RPC_PENDING or 0. */
static int
rpc_call_run(struct rpc_call *call, const void *in, size_t len)
{
	const struct rpc_method *m   = NULL;
	struct mlops_error      *err = &call->c_err;
	int                      rc;

	if ((rc = mlops_request_unpack(&call->c_req, in, len, err)) < 0
	    || (rc = mlops_request_check_version(call->c_req, err)) < 0) {
		goto done;
	}
	for (size_t i = 0; i < rpc_methods_count; i++) {
		if (rpc_methods[i].body == call->c_req->body_case) {
			m = &rpc_methods[i];
			break;
		}
	}
	if (m == NULL) {
		rc = mlops_error_set(err, MLOPS_ENOTIMPL,
		    "method %d is not implemented by this daemon",
		    (int) call->c_req->body_case);
		goto done;
	}
	log_debug("rpc: %s", m->name);
	rc = m->fn(call, call->c_req, &call->c_resp, err);
	if (rc == RPC_PENDING) {
		return RPC_PENDING;
	}
	if (rc < 0 && err->code == 0) {
		mlops_error_set(err, rc, "%s", mlops_strerror(rc));
	}
done:
	rpc_call_pack(call, rc < 0 ? rc : 0, err);
	return 0;
}

static void
rpc_ctx_send(struct rpc_ctx *rc, struct rpc_call *call)
{
	nng_msg *msg = NULL;

	if (nng_msg_alloc(&msg, 0) != 0
	    || nng_msg_append(msg, call->c_out, call->c_outlen) != 0) {
		nng_msg_free(msg);
		msg = NULL;
	}
	free(call->c_out);
	rpc_call_free(call);
	if (msg == NULL) {
		/* Out of nng memory: drop this request, keep serving. */
		rc->rc_state = RPC_RECV;
		nng_ctx_recv(rc->rc_ctx, rc->rc_aio);
		return;
	}
	rc->rc_state = RPC_SEND;
	nng_aio_set_msg(rc->rc_aio, msg);
	nng_ctx_send(rc->rc_ctx, rc->rc_aio);
}

void
rpc_call_complete(struct rpc_call *call, int rc, const struct mlops_error *err)
{
	if (rc < 0 && err != NULL) {
		call->c_err = *err;
	}
	rpc_call_pack(call, rc < 0 ? rc : 0, &call->c_err);
	if (call->c_ctx != NULL) {
		rpc_ctx_send(call->c_ctx, call);
		return;
	}
	pthread_mutex_lock(&call->c_mtx);
	call->c_done = 1;
	pthread_cond_signal(&call->c_cv);
	pthread_mutex_unlock(&call->c_mtx);
}

static void
rpc_ctx_cb(void *arg)
{
	struct rpc_ctx  *rc = arg;
	struct rpc_call *call;
	nng_msg         *msg;
	int              nrv = nng_aio_result(rc->rc_aio);

	switch (rc->rc_state) {
	case RPC_RECV:
		if (nrv != 0) {
			if (nrv == NNG_ECLOSED || nrv == NNG_ECANCELED) {
				return; /* shutting down */
			}
			nng_ctx_recv(rc->rc_ctx, rc->rc_aio);
			return;
		}
		msg          = nng_aio_get_msg(rc->rc_aio);
		call         = rpc_call_new(rc->rc_rpc->r_d, rc->rc_store, rc);
		rc->rc_state = RPC_WAIT;
		if (rpc_call_run(call, nng_msg_body(msg), nng_msg_len(msg))
		    == RPC_PENDING) {
			nng_msg_free(msg);
			return; /* rpc_call_complete() sends */
		}
		nng_msg_free(msg);
		rpc_ctx_send(rc, call);
		return;
	case RPC_SEND:
		if (nrv != 0) {
			nng_msg_free(nng_aio_get_msg(rc->rc_aio));
			if (nrv == NNG_ECLOSED || nrv == NNG_ECANCELED) {
				return;
			}
		}
		rc->rc_state = RPC_RECV;
		nng_ctx_recv(rc->rc_ctx, rc->rc_aio);
		return;
	case RPC_WAIT:
		return;
	}
}

void
rpc_dispatch(struct mlopsd *d, struct store *st, const void *in, size_t inlen,
    uint8_t **out, size_t *outlen)
{
	struct rpc_call *call = rpc_call_new(d, st, NULL);

	if (rpc_call_run(call, in, inlen) == RPC_PENDING) {
		pthread_mutex_lock(&call->c_mtx);
		while (!call->c_done) {
			pthread_cond_wait(&call->c_cv, &call->c_mtx);
		}
		pthread_mutex_unlock(&call->c_mtx);
	}
	*out    = call->c_out;
	*outlen = call->c_outlen;
	rpc_call_free(call);
}

int
rpc_start(struct rpc **out, struct mlopsd *d, struct mlops_error *err)
{
	struct rpc *rpc = xcalloc(1, sizeof(*rpc));
	int         nrv, rc = 0;

	rpc->r_d = d;
	pthread_mutex_init(&rpc->r_mtx, NULL);
	pthread_cond_init(&rpc->r_cv, NULL);
	if ((nrv = nng_rep0_open(&rpc->r_sock)) != 0) {
		pthread_mutex_destroy(&rpc->r_mtx);
		pthread_cond_destroy(&rpc->r_cv);
		free(rpc);
		return mlops_error_set(
		    err, MLOPS_EIO, "rpc: %s", nng_strerror(nrv));
	}
	nng_socket_set_size(rpc->r_sock, NNG_OPT_RECVMAXSZ, MLOPS_MSG_MAX);
	rpc->r_nctx = d->d_rpc_workers ? d->d_rpc_workers : 16;
	rpc->r_ctxs = xcalloc(rpc->r_nctx, sizeof(*rpc->r_ctxs));
	for (size_t i = 0; i < rpc->r_nctx; i++) {
		struct rpc_ctx *c = &rpc->r_ctxs[i];

		c->rc_rpc = rpc;
		if ((rc = store_open(&c->rc_store, d->d_db_path, err)) < 0) {
			goto fail;
		}
		if ((nrv = nng_aio_alloc(&c->rc_aio, rpc_ctx_cb, c)) != 0
		    || (nrv = nng_ctx_open(&c->rc_ctx, rpc->r_sock)) != 0) {
			rc = mlops_error_set(
			    err, MLOPS_EIO, "rpc: %s", nng_strerror(nrv));
			goto fail;
		}
	}
	for (size_t i = 0; i < d->d_nlisten; i++) {
		if ((rc = listen_start(rpc->r_sock, d->d_listen[i], d, err))
		    < 0) {
			goto fail;
		}
		log_info("listening on %s", d->d_listen[i]);
	}
	for (size_t i = 0; i < rpc->r_nctx; i++) {
		rpc->r_ctxs[i].rc_state = RPC_RECV;
		nng_ctx_recv(rpc->r_ctxs[i].rc_ctx, rpc->r_ctxs[i].rc_aio);
	}
	*out = rpc;
	return 0;
fail:
	rpc_stop(rpc);
	rpc_free(rpc);
	return rc;
}

void
rpc_stop(struct rpc *rpc)
{
	if (rpc == NULL || rpc->r_closed) {
		return;
	}
	/* Closing the socket closes its listeners: no new requests. */
	nng_close(rpc->r_sock);
	rpc->r_closed = 1;
}

void
rpc_free(struct rpc *rpc)
{
	struct timespec ts;

	if (rpc == NULL) {
		return;
	}
	rpc_stop(rpc);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	pthread_mutex_lock(&rpc->r_mtx);
	while (rpc->r_pending > 0
	    && pthread_cond_timedwait(&rpc->r_cv, &rpc->r_mtx, &ts) == 0) { }
	if (rpc->r_pending > 0) {
		/* Leaking beats freeing memory a late completion uses. */
		log_error("rpc: %u call(s) still pending at shutdown",
		    rpc->r_pending);
		pthread_mutex_unlock(&rpc->r_mtx);
		return;
	}
	pthread_mutex_unlock(&rpc->r_mtx);
	for (size_t i = 0; i < rpc->r_nctx; i++) {
		struct rpc_ctx *c = &rpc->r_ctxs[i];

		if (c->rc_aio != NULL) {
			nng_aio_stop(c->rc_aio);
			nng_aio_free(c->rc_aio);
		}
		store_close(c->rc_store);
	}
	pthread_mutex_destroy(&rpc->r_mtx);
	pthread_cond_destroy(&rpc->r_cv);
	free(rpc->r_ctxs);
	free(rpc);
}
