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

/**
 * Validates a listen URL: ipc:// (absolute path) or tls+tcp://host:port.
 * Plain tcp:// is refused: it would carry requests unauthenticated.
 * Returns 0 or MLOPS_EINVAL.
 */
int listen_url_check(const char *url, struct mlops_error *err);

/**
 * Starts a listener for `url` on `sock` and installs the peer-uid check
 * on the socket. Returns 0, MLOPS_EINVAL, MLOPS_EBUSY (address in use) or
 * MLOPS_EIO.
 */
int listen_start(nng_socket sock, const char *url, struct mlopsd *d,
    struct mlops_error *err);

/**
 * Takes an exclusive lock beside an ipc:// socket ("<path>.lock") and
 * writes our pid in it; held until the process exits. Returns the lock's
 * fd, or MLOPS_EBUSY naming the pid of the daemon that holds it.
 */
int listen_lock(const char *url, struct mlops_error *err);

#endif
