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

/** Unix time of the last poll of `name` by the job poller, or 0. */
int64_t clusters_last_poll(struct clusters *cs, const char *name);
/** Records a completed poll of `name` (the poller calls this). */
void clusters_set_last_poll(
    struct clusters *cs, const char *name, int64_t when);

/** Notes that a client looked at `name`'s GPUs (keeps the cache warm). */
void clusters_watch_gpus(struct clusters *cs, const char *name);

struct gpucache;
/** The GPU cache of cluster `name`, or NULL. Borrowed. */
struct gpucache *clusters_gpucache(struct clusters *cs, const char *name);

#endif
