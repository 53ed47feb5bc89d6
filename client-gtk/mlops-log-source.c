/*
 * The job page's log source. mlops.proto has no Logs method yet, so a
 * fetch completes (on the main thread, from an idle callback, like a
 * reply would) with MLOPS_ENOTIMPL; nothing is made up. The day the
 * protocol has LogsRequest, this file builds it and converts the reply
 * into a chunk.
 */
#include "mlops-log-source.h"

struct log_result {
	struct mlops_log_chunk *chunk;
	struct mlops_error      err;
};

static void
log_result_free(gpointer p)
{
	struct log_result *r = p;

	mlops_log_chunk_free(r->chunk);
	g_free(r);
}

void
mlops_log_chunk_free(struct mlops_log_chunk *c)
{
	if (c != NULL) {
		g_free(c->data);
		g_free(c);
	}
}

void
mlops_log_source_fetch(MlopsConnection *conn, gint64 id,
    gboolean want_stderr, gsize tail_bytes, GAsyncReadyCallback cb,
    gpointer user_data)
{
	GTask             *task = g_task_new(conn, NULL, cb, user_data);
	struct log_result *r    = g_new0(struct log_result, 1);

	(void) id;
	(void) want_stderr;
	(void) tail_bytes;
	if (mlops_connection_get_state(conn) != MLOPS_CONNECTION_CONNECTED) {
		mlops_error_set(&r->err, MLOPS_EUNREACHABLE,
		    "not connected to the daemon");
	} else {
		mlops_error_set(&r->err, MLOPS_ENOTIMPL,
		    "logs are not available from this daemon yet");
	}
	g_task_return_pointer(task, r, log_result_free);
	g_object_unref(task);
}

struct mlops_log_chunk *
mlops_log_source_fetch_finish(GAsyncResult *res, struct mlops_error *err)
{
	struct log_result      *r = g_task_propagate_pointer(G_TASK(res), NULL);
	struct mlops_log_chunk *c;

	if (r == NULL) {
		mlops_error_set(err, MLOPS_ERROR, "log request failed");
		return NULL;
	}
	if (err != NULL) {
		*err = r->err;
	}
	c        = r->chunk;
	r->chunk = NULL;
	log_result_free(r);
	return c;
}

gboolean
mlops_log_source_unsupported(const struct mlops_error *err)
{
	return err->code == MLOPS_ENOTIMPL || err->code == MLOPS_EPROTO;
}
