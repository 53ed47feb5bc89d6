/*
 * MlopsConnection: the app's one link to mlopsd. Wraps struct mlops_client
 * (calls) and struct mlops_sub (events) and delivers both on the GTK main
 * thread: call completions through GTask, events as the "event" signal.
 * Connects in a worker thread (dialing and autostart block), notices a
 * daemon that went away and reconnects by itself. Main thread only.
 */
#ifndef MLOPS_GTK_CONNECTION_H
#define MLOPS_GTK_CONNECTION_H

#include <gio/gio.h>

#include <mlops/client.h>

G_BEGIN_DECLS

#define MLOPS_TYPE_CONNECTION (mlops_connection_get_type())
G_DECLARE_FINAL_TYPE(
    MlopsConnection, mlops_connection, MLOPS, CONNECTION, GObject)

typedef enum {
	MLOPS_CONNECTION_IDLE,       /* connect() not called yet */
	MLOPS_CONNECTION_CONNECTING, /* first attempt under way */
	MLOPS_CONNECTION_CONNECTED,
	MLOPS_CONNECTION_LOST, /* no daemon answers; retrying by itself */
} MlopsConnectionState;

/** Where and how to connect. Strings are copied. */
struct mlops_connection_opts {
	const char *url;       /* NULL or "": the local default */
	gboolean    autostart; /* start a local daemon when none answers */
	const char *tls_ca_file, *tls_cert_file, *tls_key_file;
};

MlopsConnection *mlops_connection_new(void);

/**
 * (Re)connects with `opts`, dropping any current connection. The result
 * arrives as notify::state; on success "resync" is emitted.
 */
void mlops_connection_connect(
    MlopsConnection *self, const struct mlops_connection_opts *opts);
/** Tries to reconnect at once (the "Retry" button). */
void mlops_connection_retry(MlopsConnection *self);

MlopsConnectionState mlops_connection_get_state(MlopsConnection *self);
/** The URL in use. Borrowed. */
const char *mlops_connection_get_url(MlopsConnection *self);
/** Why the last attempt failed, or "" (borrowed). */
const char *mlops_connection_get_message(MlopsConnection *self);
/** The daemon's version once connected, or "" (borrowed). */
const char *mlops_connection_get_server_version(MlopsConnection *self);
/** TRUE when the URL is the local default socket. */
gboolean mlops_connection_is_local_default(MlopsConnection *self);

/**
 * Sends `req` (borrowed; may be freed when this returns) without blocking.
 * `cb` runs on the main thread; a call made while not connected completes
 * at once with MLOPS_EUNREACHABLE.
 */
void mlops_connection_call(MlopsConnection *self, Mlops__Request *req,
    int timeout_ms, GAsyncReadyCallback cb, gpointer user_data);

/**
 * The reply of mlops_connection_call(), or NULL with `err` filled (code,
 * the daemon's field and message). Caller frees the reply with
 * mlops__response__free_unpacked().
 */
Mlops__Response *mlops_connection_call_finish(
    MlopsConnection *self, GAsyncResult *res, struct mlops_error *err);

G_END_DECLS

#endif
