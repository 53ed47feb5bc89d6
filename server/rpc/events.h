/*
 * The event publisher: an nng PUB socket per listener on which every job,
 * cluster and project change goes out with a sequence number. Any thread
 * may publish. This is the face the daemon and the core's d_notify see: no
 * wire types (the handlers' side is events_wire.h).
 */
#ifndef MLOPS_SERVER_EVENTS_H
#define MLOPS_SERVER_EVENTS_H

#include <stdint.h>

#include <mlops/error.h>

struct events;
struct mlopsd;

/**
 * Opens the PUB socket and listens on the events URL that pairs with each
 * of the daemon's request URLs (mlops_events_url_for()). Caller frees with
 * events_stop(). Returns 0 or MLOPS_EIO/MLOPS_EBUSY.
 */
int events_start(
    struct events **out, struct mlopsd *d, struct mlops_error *err);
void events_stop(struct events *ev);

struct cluster_status;
struct cluster_poll;

struct mlopsd_notify;
/**
 * Fills `out` with the publishers of job and cluster changes (through the
 * daemon's d_events), for the core's d_notify.
 */
void events_notify_init(struct mlopsd_notify *out);

/** Publishes a cluster's connection state and its poll record. */
void events_cluster(struct events *ev, const char *name,
    const struct cluster_status *st, const struct cluster_poll *poll);

struct store_job;
/** Publishes a job's new state (`previous` may be NULL). */
void events_job(
    struct events *ev, const struct store_job *job, const char *previous);

/** The events URL for request URL `url`. Caller frees; NULL if none. */
char *events_url_for(const char *url);

#endif
