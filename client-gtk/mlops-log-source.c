/*
 * The job page's log source: one LogsRequest per read, its reply turned
 * into an owned chunk. Main thread (the connection delivers replies
 * there).
 */
#include <string.h>

#include "mlops-log-source.h"

void
mlops_log_chunk_free(struct mlops_log_chunk *c)
{
	if (c != NULL) {
		g_free(c->data);
		g_free(c->path);
		g_free(c);
	}
}

void
mlops_log_source_fetch(MlopsConnection *conn, gint64 id, gboolean want_stderr,
    gint64 offset, guint32 max_bytes, GAsyncReadyCallback cb,
    gpointer user_data)
{
	Mlops__Request     req  = MLOPS__REQUEST__INIT;
	Mlops__LogsRequest body = MLOPS__LOGS_REQUEST__INIT;

	body.id        = id;
	body.stderr    = want_stderr;
	body.offset    = offset;
	body.max_bytes = MIN(max_bytes, MLOPS_LOG_READ_MAX);
	req.body_case  = MLOPS__REQUEST__BODY_LOGS;
	req.logs       = &body;
	/* A read goes over SFTP to the cluster: allow for a slow one. */
	mlops_connection_call(conn, &req, 60000, cb, user_data);
}

struct mlops_log_chunk *
mlops_log_source_fetch_finish(
    MlopsConnection *conn, GAsyncResult *res, struct mlops_error *err)
{
	Mlops__Response *resp = mlops_connection_call_finish(conn, res, err);
	const Mlops__LogsReply *r;
	struct mlops_log_chunk *c;

	if (resp == NULL) {
		return NULL;
	}
	if (resp->body_case != MLOPS__RESPONSE__BODY_LOGS
	    || resp->logs == NULL) {
		mlops__response__free_unpacked(resp, NULL);
		mlops_error_set(err, MLOPS_EPROTO,
		    "the daemon answered a logs request with something else");
		return NULL;
	}
	r       = resp->logs;
	c       = g_new0(struct mlops_log_chunk, 1);
	c->len  = r->data.len;
	c->data = g_malloc(c->len + 1);
	if (c->len > 0) {
		memcpy(c->data, r->data.data, c->len);
	}
	c->data[c->len] = '\0';
	c->offset       = r->offset;
	c->size         = r->file_size;
	c->missing      = r->missing;
	c->path         = g_strdup(r->path);
	c->terminal     = r->terminal;
	mlops__response__free_unpacked(resp, NULL);
	return c;
}

gboolean
mlops_log_source_unsupported(const struct mlops_error *err)
{
	return err->code == MLOPS_ENOTIMPL || err->code == MLOPS_EPROTO;
}
