/*
 * The configured clusters at run time: one executor per cluster (its SSH
 * connection in the daemon), what the core learned of each (its Slurm
 * version, its poll record), a monitor thread that publishes connection
 * changes and keeps watched GPU caches fresh, and the per-cluster caches
 * themselves. Any thread may call these functions.
 */
#ifndef MLOPS_SERVER_CLUSTERS_H
#define MLOPS_SERVER_CLUSTERS_H

#include <stdint.h>
#include <time.h>

#include <mlops/error.h>

#include "config.h"
#include "executor.h"

struct clusters;
struct mlopsd;

/* A cluster's connection and what it runs. */
struct cluster_status {
	struct exec_status conn;
	char               slurm_version[32]; /* "22.05.8"; "" until known */
	int                slurm_major;       /* 22, or -1 until known */
	int                slurm_minor;       /* 5, or -1 */
};

/* What the job poller last saw of a cluster. */
struct cluster_poll {
	int64_t last_poll; /* end of the last poll cycle, unix time; 0 none */
	int64_t last_ok;   /* end of the last cycle without an error; 0 */
	char    error[MLOPS_ERROR_MSG_MAX]; /* the last cycle's error, or "" */
};

/**
 * Makes an executor per configured cluster with d->d_exec_new (each
 * connects in the background and learns the cluster's Slurm version when
 * it does) and starts the monitor thread. Caller frees with
 * clusters_stop(). Returns 0 or an MLOPS_E* code.
 */
int clusters_start(
    struct clusters **out, struct mlopsd *d, struct mlops_error *err);

/**
 * Stops the monitor and every executor; queued work completes with
 * "shutting down". NULL is a no-op.
 */
void clusters_stop(struct clusters *cs);

/** The executor of cluster `name`, or NULL. Borrowed until clusters_stop().
 */
struct executor *clusters_exec(struct clusters *cs, const char *name);

/** The configuration of cluster `name`, or NULL. Borrowed. */
const struct cluster_config *clusters_config(
    struct clusters *cs, const char *name);

/** The status of cluster `name` (zeroed, versions -1, when unknown). */
void clusters_status(
    struct clusters *cs, const char *name, struct cluster_status *out);

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
