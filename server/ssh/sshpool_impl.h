/*
 * Shared by sshpool.c (the worker) and sshpool_session.c (one session's
 * setup, host-key check and authentication). Not for other modules.
 */
#ifndef MLOPS_SERVER_SSHPOOL_IMPL_H
#define MLOPS_SERVER_SSHPOOL_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <libssh/libssh.h>

#include <mlops/error.h>

#include "config.h"

/** A name for a cluster in messages. Borrowed from `cc`. */
const char *sshpool_cc_label(const struct cluster_config *cc);

/**
 * Makes and connects a session for `cc` (options, ~/.ssh/config, then the
 * cluster's own keys), without checking the host key or authenticating.
 * Caller frees *out with ssh_disconnect() + ssh_free().
 * Returns 0, MLOPS_EUNREACHABLE or MLOPS_ECONFIG.
 */
int sshpool_session_connect(ssh_session *out, const struct cluster_config *cc,
    unsigned timeout_ms, struct mlops_error *err);

/** The server's key: "SHA256:..." and its type. Caller frees both. */
int sshpool_hostkey_info(ssh_session s, char **fingerprint, char **keytype);

/** "host:port" of a connected session, for messages. */
void sshpool_hostport(char *buf, size_t len, ssh_session s);

/**
 * Checks the server's key against known_hosts: 0 when known and matching,
 * else MLOPS_EHOSTKEY with the fingerprint and how to trust it.
 */
int sshpool_check_hostkey(
    ssh_session s, const struct cluster_config *cc, struct mlops_error *err);

/** Key file or agent authentication. Returns 0, MLOPS_EAUTH or
 * MLOPS_EUNREACHABLE. */
int sshpool_auth(
    ssh_session s, const struct cluster_config *cc, struct mlops_error *err);

/** Creates the parent directories of `path` (0700). Returns 0 or -1. */
int sshpool_mkdir_parent(const char *path);

struct sshpool;

/** True when called on `pool`'s own worker thread. */
bool sshpool_on_worker(struct sshpool *pool);

#endif
