/*
 * Where the job page gets a job's output: the daemon's `logs` method,
 * which reads byte ranges of the job's stdout or stderr on the cluster.
 * A daemon without that method answers ENOTIMPL or EPROTO and the page
 * says so; nothing is ever made up. Main thread.
 */
#ifndef MLOPS_GTK_LOG_SOURCE_H
#define MLOPS_GTK_LOG_SOURCE_H

#include "mlops-connection.h"

G_BEGIN_DECLS

/** A piece of a job's log as the daemon read it. */
struct mlops_log_chunk {
	char    *data; /* owned; not NUL-terminated */
	size_t   len;
	gint64   offset;   /* where data starts in the file */
	gint64   size;     /* the file's size when read, -1 unknown */
	gboolean missing;  /* no file (yet); data is empty */
	char    *path;     /* the file on the cluster */
	gboolean terminal; /* the job had ended before the read */
};

void mlops_log_chunk_free(struct mlops_log_chunk *c);

/** The most one request asks for (the daemon's cap). */
#define MLOPS_LOG_READ_MAX (1024u * 1024u)

/**
 * Reads job `id`'s stdout (or stderr) from byte `offset`, at most
 * `max_bytes` (<= MLOPS_LOG_READ_MAX); offset -1 reads the last
 * `max_bytes` of the file. `cb` runs on the main thread.
 */
void mlops_log_source_fetch(MlopsConnection *conn, gint64 id,
    gboolean want_stderr, gint64 offset, guint32 max_bytes,
    GAsyncReadyCallback cb, gpointer user_data);

/**
 * The chunk (caller frees with mlops_log_chunk_free()), or NULL with
 * `err` filled: MLOPS_ENOTIMPL or MLOPS_EPROTO when this daemon has no
 * logs method, another code when the read failed.
 */
struct mlops_log_chunk *mlops_log_source_fetch_finish(
    MlopsConnection *conn, GAsyncResult *res, struct mlops_error *err);

/** TRUE when `err` means "this daemon cannot serve logs". */
gboolean mlops_log_source_unsupported(const struct mlops_error *err);

G_END_DECLS

#endif
