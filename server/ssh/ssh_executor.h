/*
 * The executor of a cluster reached over SSH: a started sshpool behind
 * the executor interface (executor.h). The only way the rest of the daemon
 * uses ssh/, and free of libssh's headers.
 */
#ifndef MLOPS_SERVER_SSH_EXECUTOR_H
#define MLOPS_SERVER_SSH_EXECUTOR_H

#include <mlops/error.h>

#include "config.h"
#include "executor.h"
#include "sshpool_opts.h"

/**
 * Creates and starts the pool of cluster `cc` (its connection fields are
 * copied) behind a new executor. `on_connect` (may be NULL) runs on the
 * worker after each connection is made, before any other work, with the
 * session (no file operations there); its MLOPS_EUNREACHABLE fails the
 * connection. Caller frees with executor_free().
 * Returns 0, MLOPS_EINVAL (no host) or MLOPS_ERROR.
 */
int ssh_executor_new(struct executor **out, const struct cluster_config *cc,
    const struct sshpool_opts *opts, exec_call_fn on_connect,
    void *on_connect_arg, struct mlops_error *err);

#endif
