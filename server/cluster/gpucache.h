/*
 * A cluster's GPU availability, cached for gpu_cache_ttl seconds. Reads go
 * to the cache; a refresh runs three Slurm commands on the cluster's
 * worker (nodes, partitions, pending jobs) and aggregates them with
 * slurm_gpus. The monitor thread refreshes a cache in the background while
 * clients keep asking for it. Any thread may call these functions.
 */
#ifndef MLOPS_SERVER_GPUCACHE_H
#define MLOPS_SERVER_GPUCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>

#include "config.h"
#include "executor.h"

struct gpucache;

/* GPUs of one type in one partition. */
struct gpu_row {
	char *partition;
	char *gpu_type;
	int   total;
	int   allocated;
	int   free;
	int   unavailable;
	int   pending;
};

/* What a reader gets: a copy it owns. */
struct gpucache_view {
	struct gpu_row    *rows;
	size_t             n_rows;
	int64_t            fetched_at; /* 0: never fetched */
	bool               stale;      /* older than the TTL */
	struct mlops_error error;      /* code 0 when the last fetch was ok */
};

void gpucache_view_fini(struct gpucache_view *v);

/** A cache for cluster `cc` fed through `ex` (both borrowed). */
struct gpucache *gpucache_new(
    const struct cluster_config *cc, struct executor *ex);
/** Frees the cache; its executor must be stopped first (no refresh runs). */
void gpucache_free(struct gpucache *gc);

/** Remembers that a client is watching (keeps the cache warm). */
void gpucache_watch(struct gpucache *gc);

/** Monitor tick: refreshes a watched cache once it is older than the TTL. */
void gpucache_tick(struct gpucache *gc);

/*
 * Completion of gpucache_get(): `view` is the reader's copy (the callback
 * takes it over and frees it with gpucache_view_fini()).
 */
typedef void (*gpucache_cb)(void *arg, struct gpucache_view *view);

/**
 * Reads the cache. When it holds a result (fresh, or stale while a
 * refresh runs), `cb` runs at once on this thread. When it has never
 * been filled, `cb` runs once the first refresh completes, on the executor's
 * worker. Either way exactly once.
 */
void gpucache_get(struct gpucache *gc, gpucache_cb cb, void *arg);

/**
 * Aggregates the three command outputs into rows (pure; exposed for the
 * tests). Caller frees *rows with gpucache_rows_free(). Returns 0 or
 * MLOPS_EPARSE.
 */
int  gpucache_compute(struct gpu_row **rows, size_t *n, const char *nodes,
     const char *partitions, const char *pending, struct mlops_error *err);
void gpucache_rows_free(struct gpu_row *rows, size_t n);

#endif
