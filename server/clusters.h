/*
 * The configured clusters at run time: one sshpool (SSH worker thread) per
 * cluster, a monitor thread that publishes connection changes and keeps
 * watched GPU caches fresh, and the per-cluster caches themselves. Any
 * thread may call these functions.
 */
#ifndef MLOPS_SERVER_CLUSTERS_H
#define MLOPS_SERVER_CLUSTERS_H

#include <stdint.h>
#include <time.h>

#include <mlops/error.h>

#include "config.h"
#include "sshpool.h"

struct clusters;
struct mlopsd;

/**
 * Creates a pool per configured cluster and starts them (each connects in
 * the background) and the monitor thread. Caller frees with
 * clusters_stop(). Returns 0 or an MLOPS_E* code.
 */
int clusters_start(
    struct clusters **out, struct mlopsd *d, struct mlops_error *err);

/**
 * Stops the monitor and every pool; queued work completes with
 * "shutting down". NULL is a no-op.
 */
void clusters_stop(struct clusters *cs);

/** The pool of cluster `name`, or NULL. Borrowed until clusters_stop(). */
struct sshpool *clusters_pool(struct clusters *cs, const char *name);

/** The configuration of cluster `name`, or NULL. Borrowed. */
const struct cluster_config *clusters_config(
    struct clusters *cs, const char *name);

/* What the job poller last saw of a cluster. */
struct cluster_poll {
	int64_t last_poll; /* end of the last poll cycle, unix time; 0 none */
	int64_t last_ok;   /* end of the last cycle without an error; 0 */
	char    error[MLOPS_ERROR_MSG_MAX]; /* the last cycle's error, or "" */
};

/** The poll record of `name` (zeroed when there is none). */
void clusters_poll(
    struct clusters *cs, const char *name, struct cluster_poll *out);

/**
 * Records the poll record of `name` (the poller calls this after each
 * cycle). A change of its error is published as a cluster event.
 */
void clusters_set_poll(
    struct clusters *cs, const char *name, const struct cluster_poll *poll);

/** Notes that a client looked at `name`'s GPUs (keeps the cache warm). */
void clusters_watch_gpus(struct clusters *cs, const char *name);

struct gpucache;
/** The GPU cache of cluster `name`, or NULL. Borrowed. */
struct gpucache *clusters_gpucache(struct clusters *cs, const char *name);

#endif
