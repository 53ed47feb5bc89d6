/*
 * Listener setup shared by the request and event sockets: ipc:// sockets
 * made 0600 in a private directory and limited to our own uid, tls+tcp://
 * with the daemon's certificate. Called from main's thread at startup.
 */
#ifndef MLOPS_SERVER_LISTEN_H
#define MLOPS_SERVER_LISTEN_H

#include <nng/nng.h>

#include <mlops/error.h>

struct mlopsd;
struct listen_set;

/**
 * Validates a listen URL: ipc:// (absolute path) or tls+tcp://host:port.
 * Plain tcp:// is refused: it would carry requests unauthenticated.
 * Returns 0 or MLOPS_EINVAL.
 */
int listen_url_check(const char *url, struct mlops_error *err);

/**
 * Starts a listener for `url` on `sock`, installs the peer-uid check on
 * the socket and records the listener in d->d_listeners for the guard.
 * Returns 0, MLOPS_EINVAL, MLOPS_EBUSY (address in use) or MLOPS_EIO.
 */
int listen_start(nng_socket sock, const char *url, struct mlopsd *d,
    struct mlops_error *err);

/** An empty set of listeners. Caller frees with listen_set_free(). */
struct listen_set *listen_set_new(void);
/** Frees the set (the guard must be stopped; listeners are not closed). */
void listen_set_free(struct listen_set *ls);

/**
 * Starts the listener guard: a thread that every `interval_ms` completes
 * an SP handshake with each ipc:// listener of `d` and, when one no longer
 * answers, closes and restarts it. nng 1.5.2 (Debian 12) stops accepting
 * on a listener after a peer hangs up in the middle of the handshake (nng
 * issue #1518, fixed after 1.5.2); the guard bounds that outage to about
 * interval + 2 s. Returns 0 or MLOPS_ERROR.
 */
int listen_guard_start(
    struct mlopsd *d, unsigned interval_ms, struct mlops_error *err);
/** Stops the guard thread; call before closing the sockets. */
void listen_guard_stop(struct mlopsd *d);

/**
 * Takes an exclusive lock beside an ipc:// socket ("<path>.lock") and
 * writes our pid in it; held until the process exits. Returns the lock's
 * fd, or MLOPS_EBUSY naming the pid of the daemon that holds it.
 */
int listen_lock(const char *url, struct mlops_error *err);

/** Rewrites our pid into a lock taken by listen_lock() (after fork). */
void listen_lock_pid(int fd);

#endif
