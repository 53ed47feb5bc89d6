/*
 * The handlers' side of the event publisher: events built from wire types.
 * Private to server/rpc/.
 */
#ifndef MLOPS_SERVER_EVENTS_WIRE_H
#define MLOPS_SERVER_EVENTS_WIRE_H

#include "mlops.pb-c.h"

#include "events.h"

/**
 * Stamps `e` with the next sequence number and the current time and sends
 * it. Never blocks; a slow subscriber loses events (and sees the gap).
 */
void events_publish(struct events *ev, Mlops__Event *e);

/** Publishes a project change. */
void events_project(
    struct events *ev, Mlops__ProjectChange change, const char *name);

/** The wire state for an executor state (enum exec_state). */
Mlops__ClusterState events_cluster_state(int state);

#endif
