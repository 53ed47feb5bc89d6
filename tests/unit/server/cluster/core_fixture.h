/*
 * The cluster core in-process for unit tests: a struct mlopsd with the
 * clusters of a clusters.yaml text, a store in a temporary directory, a
 * replay executor (replay.h) per cluster, and a recorder of what the core
 * tells the layers above (d_notify). No SSH, no RPC, no sandbox.
 */
#ifndef MLOPS_TESTS_CORE_FIXTURE_H
#define MLOPS_TESTS_CORE_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlopsd.h"
#include "replay.h"
#include "store.h"

#define CORE_FX_MAX_CLUSTERS 4

struct core_fx_event {
	int64_t id;
	char   *state;
	char   *previous; /* NULL when not given */
};

struct core_fx {
	char          *dir;
	struct mlopsd  d;
	struct replay *rp[CORE_FX_MAX_CLUSTERS];
	struct store  *st; /* the test's own connection */
	bool           poller;
	/* under mtx */
	pthread_mutex_t       mtx;
	struct core_fx_event *ev;
	size_t                n_ev;
	size_t                n_cluster_ev;
};

/**
 * Sets up everything but the running subsystems: the configuration
 * `clusters_yaml` (a clusters.yaml text), the store, and one replay per
 * cluster that answers `sinfo --version` with the 24.11 recording.
 */
void core_fx_init(struct core_fx *fx, const char *clusters_yaml);

/** Starts the clusters (executors: the replays) and the launcher; with
 * `poller` the job poller too. */
void core_fx_start(struct core_fx *fx, bool poller);

/** Stops what runs and frees everything. */
void core_fx_fini(struct core_fx *fx);

/** The replay of cluster `name`. */
struct replay *core_fx_replay(struct core_fx *fx, const char *name);

/** Inserts a job (project "toy") and returns its id. */
int64_t core_fx_add_job(struct core_fx *fx, const char *cluster,
    const char *state, const char *slurm_id);

/** Runs `sql` on the store (to make a situation up). */
void core_fx_sql(struct core_fx *fx, const char *sql);

/** The job `id` as stored (caller frees with store_job_free()). */
struct store_job *core_fx_job(struct core_fx *fx, int64_t id);

/** Events published for job `id` (with state `state`, NULL: any). */
size_t core_fx_events(struct core_fx *fx, int64_t id, const char *state);

/** Waits (10 s at most) until cluster `name` has done `n` poll cycles;
 * returns the cycles done. */
uint64_t core_fx_wait_cycles(struct core_fx *fx, const char *name, uint64_t n);

/** Runs one more poll cycle of `name` and waits for it; returns the
 * commands it ran. */
uint64_t core_fx_poll(struct core_fx *fx, const char *name);

#endif
