/*
 * The daemon's life: mlopsd_start() brings its subsystems up in order
 * (store, events, clusters, launcher, poller, RPC, the listener guard) and
 * mlopsd_stop() takes them down in reverse, listeners first and the store
 * last. main.c parses the options, loads the configuration, takes the
 * socket locks, detaches and handles signals around these two; a test
 * boots the daemon in-process with them.
 */
#ifndef MLOPS_SERVER_DAEMON_H
#define MLOPS_SERVER_DAEMON_H

#include <mlops/error.h>

#include "mlopsd.h"

/**
 * Starts the daemon described by `d`: d_config_dir, d_state_dir,
 * d_config_path, d_db_path, d_listen, d_tls, d_rpc_workers and d_cfg must
 * be set. d_exec_new NULL means every cluster is reached over SSH (with
 * d_reconnect_max_s as the backoff ceiling when not 0); d_notify is set
 * here to the event publishers. On failure what started is stopped again.
 * Returns 0 or the MLOPS_E* of the subsystem that failed, with `err`.
 */
int mlopsd_start(struct mlopsd *d, struct mlops_error *err);

/**
 * Stops what mlopsd_start() started, in reverse order. The fields the
 * caller set stay for it to free.
 */
void mlopsd_stop(struct mlopsd *d);

#endif
