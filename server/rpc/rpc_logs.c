/*
 * The logs method: a byte range of a job's stdout or stderr, read over
 * SFTP by the shared readers of logread.c on the cluster's SSH worker. The
 * reply is sent from the read's completion (or at once when another
 * client's fresh read covers the range).
 */
#include <string.h>

#include "job_proto.h"
#include "logread.h"
#include "mlopsd.h"
#include "rpc_handlers.h"
#include "store.h"

struct rpc_logs {
	struct rpc_call  *call;
	Mlops__LogsReply *reply;
	struct logread   *lr;
};

static Mlops__LogStats *
rpc_logs_stats(struct rpc_call *call, struct logread *lr)
{
	Mlops__LogStats *m
	    = RPC_ALLOC(call, Mlops__LogStats, MLOPS__LOG_STATS__INIT);
	struct logread_stats st;

	logread_stats(lr, &st);
	m->requests   = st.requests;
	m->reads      = st.reads;
	m->bytes      = st.bytes;
	m->shared     = st.shared;
	m->scan_reads = st.scan_reads;
	m->scan_bytes = st.scan_bytes;
	return m;
}

static void
rpc_logs_done(
    void *arg, int rc, struct logread_reply *r, const struct mlops_error *err)
{
	struct rpc_logs  *l    = arg;
	Mlops__Response  *resp = rpc_call_response(l->call);
	Mlops__LogsReply *m    = l->reply;

	if (rc < 0) {
		rpc_call_complete(l->call, rc, err);
		return;
	}
	if (r->data != NULL) {
		m->data.data = rpc_call_keep(l->call, r->data);
		m->data.len  = r->len;
	}
	m->offset       = (int64_t) r->offset;
	m->file_size    = (int64_t) r->file_size;
	m->missing      = r->missing;
	m->stats        = rpc_logs_stats(l->call, l->lr);
	resp->body_case = MLOPS__RESPONSE__BODY_LOGS;
	resp->logs      = m;
	rpc_call_complete(l->call, 0, NULL);
}

RPC_HANDLER(rpc_logs)
{
	const Mlops__LogsRequest *q  = req->logs;
	struct mlopsd            *d  = rpc_call_daemon(call);
	struct store_job         *j  = NULL;
	struct logread_job        lj = { 0 };
	struct rpc_logs          *l;
	Mlops__LogsReply         *m;
	const char               *path;
	int                       rc;

	if (q == NULL || q->id <= 0) {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "id", "id: a job id is required");
	}
	if (q->offset < -1) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "offset",
		    "offset: must be -1 (the end) or a byte offset");
	}
	if (d->d_logread == NULL) {
		return mlops_error_set(
		    err, MLOPS_ENOTIMPL, "this daemon reads no logs");
	}
	if ((rc = store_job_get(&j, rpc_call_store(call), q->id, err)) < 0) {
		if (rc == MLOPS_ENOTFOUND) {
			mlops_error_set_field(
			    err, rc, "id", "no job %lld", (long long) q->id);
		}
		return rc;
	}
	path     = q->stderr ? j->stderr_path : j->stdout_path;
	m        = RPC_ALLOC(call, Mlops__LogsReply, MLOPS__LOGS_REPLY__INIT);
	m->path  = rpc_call_strdup(call, path);
	m->state = rpc_call_strdup(call, j->state);
	m->job_state = job_proto_state(j->state);
	m->terminal  = j->terminal;
	m->exit_code = j->exit_code;
	if (path == NULL) {
		/* Not submitted yet: no file anywhere. */
		store_job_free(j);
		m->missing      = true;
		m->offset       = q->offset > 0 ? q->offset : 0;
		m->stats        = rpc_logs_stats(call, d->d_logread);
		resp->body_case = MLOPS__RESPONSE__BODY_LOGS;
		resp->logs      = m;
		return 0;
	}
	lj.id       = j->id;
	lj.cluster  = rpc_call_strdup(call, j->cluster);
	lj.path     = m->path;
	lj.terminal = j->terminal;
	lj.has_url  = j->wandb_url != NULL;
	store_job_free(j);
	l        = rpc_call_alloc(call, sizeof(*l));
	l->call  = call;
	l->reply = m;
	l->lr    = d->d_logread;
	rc       = logread_read(d->d_logread, &lj,
            q->stderr ? LOGREAD_STDERR : LOGREAD_STDOUT, q->offset,
	          q->max_bytes, rpc_logs_done, l, err);
	/* From here the call may be complete already: touch nothing. */
	return rc < 0 ? rc : RPC_PENDING;
}
