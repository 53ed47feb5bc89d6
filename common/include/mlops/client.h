/*
 * The client side of the protocol, shared by the CLI and the desktop app:
 * connect to a daemon, call methods, subscribe to events, and start a local
 * daemon when none answers. A client may be used from several threads; each
 * call runs on its own nng context.
 */
#ifndef MLOPS_COMMON_CLIENT_H
#define MLOPS_COMMON_CLIENT_H

#include <stdbool.h>

#include <mlops/error.h>
#include <mlops/protocol.h>

struct mlops_client;
struct mlops_sub;

/* TLS material for tls+tcp:// URLs (PEM files); NULL members are unset. */
struct mlops_tls_opts {
	const char *ca_file;   /* trusted CA for the daemon's certificate */
	const char *cert_file; /* our client certificate */
	const char *key_file;  /* its key */
	const char *server_name;
};

#define MLOPS_CALL_TIMEOUT_MS 30000

/**
 * Dials `url`. Returns 0, or MLOPS_EUNREACHABLE when nothing listens there
 * (err says why), or MLOPS_EINVAL for a bad URL (err->field "url") or TLS
 * file. `tls` may be NULL.
 * Caller frees with mlops_client_close().
 */
int  mlops_client_open(struct mlops_client **out, const char *url,
     const struct mlops_tls_opts *tls, struct mlops_error *err);
void mlops_client_close(struct mlops_client *c);
/** The URL dialled. Borrowed. */
const char *mlops_client_url(const struct mlops_client *c);

/**
 * Sends `req` (its body set by the caller; version and id are filled here)
 * and waits up to `timeout_ms` for the reply. A reply carrying an Error is
 * returned as that error's code with err filled; the reply is still
 * returned in *out for callers that want it. Caller frees *out with
 * mlops__response__free_unpacked(*out, NULL).
 * Returns 0, the server's error code, MLOPS_ETIMEDOUT, MLOPS_EUNREACHABLE or
 * MLOPS_EPROTO.
 */
int mlops_client_call(struct mlops_client *c, Mlops__Request *req,
    Mlops__Response **out, int timeout_ms, struct mlops_error *err);

/** Completion of mlops_client_call_async(); runs on an nng thread. */
typedef void (*mlops_client_cb)(
    int rc, Mlops__Response *resp, const struct mlops_error *err, void *arg);

/**
 * As mlops_client_call(), without blocking: `cb` runs once on an nng
 * thread with the result. The callback owns `resp` (may be NULL) and frees
 * it with mlops__response__free_unpacked(). `req` may be freed when this
 * returns. Returns 0 or an error (then `cb` is not called).
 */
int mlops_client_call_async(struct mlops_client *c, Mlops__Request *req,
    int timeout_ms, mlops_client_cb cb, void *arg, struct mlops_error *err);

/**
 * Calls Hello and checks the daemon's protocol major. Returns 0,
 * MLOPS_EVERSION (err names both versions) or a call error. *out (may be
 * NULL) receives the reply; caller frees it with
 * mlops__response__free_unpacked().
 */
int mlops_client_hello(struct mlops_client *c, const char *client_name,
    Mlops__Response **out, struct mlops_error *err);

/**
 * Starts `mlopsd_path` (detached, with its default arguments and any
 * `extra_args`, NULL-terminated, may be NULL) and waits up to `wait_ms`
 * until `url` answers. Returns 0 or MLOPS_EUNREACHABLE.
 */
int mlops_client_autostart(const char *mlopsd_path, const char *url,
    const char *const *extra_args, int wait_ms, struct mlops_error *err);

/**
 * Subscribes to the event socket at `url` (see mlops_events_url_for()).
 * Caller frees with mlops_sub_close().
 */
int  mlops_sub_open(struct mlops_sub **out, const char *url,
     const struct mlops_tls_opts *tls, struct mlops_error *err);
void mlops_sub_close(struct mlops_sub *s);
/**
 * Waits up to `timeout_ms` (-1: forever) for the next event. Returns 0,
 * MLOPS_ETIMEDOUT or MLOPS_EPROTO (a malformed event, skipped). Caller
 * frees *out with mlops__event__free_unpacked().
 */
int mlops_sub_recv(struct mlops_sub *s, Mlops__Event **out, int timeout_ms,
    struct mlops_error *err);
/** A file descriptor that becomes readable when an event waits. */
int mlops_sub_fd(struct mlops_sub *s, struct mlops_error *err);

/** Called on an nng thread when the link to the daemon drops. */
typedef void (*mlops_sub_drop_cb)(void *arg);
/**
 * Reports each drop of the event link (the daemon exited, or the network
 * or TLS session failed): the one sign of a remote daemon going away that
 * needs no call. nng keeps redialling meanwhile, but events sent while the
 * link was down are lost, so a client should reconnect and re-list. `cb`
 * never runs once mlops_sub_close() has returned; NULL removes it.
 */
void mlops_sub_on_drop(struct mlops_sub *s, mlops_sub_drop_cb cb, void *arg);

#endif
