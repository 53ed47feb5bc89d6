/*
 * The job poller: one thread that schedules, per cluster every
 * poll_interval while the cluster has live jobs (and never otherwise), one
 * squeue for all of them and one batched sacct for those squeue no longer
 * shows, run as asynchronous work on the cluster's SSH worker. It also
 * finds again the jobs a dead daemon left in SUBMITTING. Every change is
 * written to the store and published as an event.
 */
#ifndef MLOPS_SERVER_POLLER_H
#define MLOPS_SERVER_POLLER_H

#include <stdint.h>

#include <mlops/error.h>

struct mlopsd;
struct poller;

struct poller_stats {
	uint64_t cycles;    /* completed poll cycles */
	uint64_t commands;  /* Slurm commands the poller ran */
	int64_t  last_poll; /* unix time of the last completed cycle; 0 */
};

int poller_start(
    struct poller **out, struct mlopsd *d, struct mlops_error *err);
/** Stops scheduling and waits for cycles in flight (pools still run). */
void poller_stop(struct poller *p);
/** Polls `cluster` at the next tick, whatever its interval. */
void poller_kick(struct poller *p, const char *cluster);
void poller_stats(
    struct poller *p, const char *cluster, struct poller_stats *out);

#endif
