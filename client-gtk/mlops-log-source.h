/*
 * Where the job page gets a job's output. The protocol has no Logs method
 * yet (it comes with a later protocol version), so the daemon source
 * answers MLOPS_ENOTIMPL and the page says so; it never invents content.
 * When LogsRequest lands, mlops-log-source.c sends it and nothing else in
 * the app changes. Main thread.
 */
#ifndef MLOPS_GTK_LOG_SOURCE_H
#define MLOPS_GTK_LOG_SOURCE_H

#include "mlops-connection.h"

G_BEGIN_DECLS

/** A piece of a job's log as the source delivers it. */
struct mlops_log_chunk {
	char   *data;      /* owned; not NUL-terminated */
	size_t  len;
	gint64  size;      /* the whole log's size, -1 when unknown */
	gboolean truncated; /* the head was left out (a tail was asked for) */
	gboolean complete;  /* the job ended and this is the end of it */
};

void mlops_log_chunk_free(struct mlops_log_chunk *c);

/**
 * Asks for the last `tail_bytes` of job `id`'s stdout (or stderr). `cb`
 * runs on the main thread; finish() gives the chunk.
 */
void mlops_log_source_fetch(MlopsConnection *conn, gint64 id,
    gboolean want_stderr, gsize tail_bytes, GAsyncReadyCallback cb,
    gpointer user_data);

/**
 * The chunk (caller frees with mlops_log_chunk_free()), or NULL with
 * `err` filled: MLOPS_ENOTIMPL or MLOPS_EPROTO when this daemon has no
 * Logs method, another code when the call failed.
 */
struct mlops_log_chunk *mlops_log_source_fetch_finish(
    GAsyncResult *res, struct mlops_error *err);

/** TRUE when `err` means "this daemon cannot serve logs". */
gboolean mlops_log_source_unsupported(const struct mlops_error *err);

G_END_DECLS

#endif
