/*
 * Shared enums and their names: cluster connection states, and job states
 * mapped to and from the wire enum (their names are job_state.h's one
 * table). Pure.
 */
#ifndef MLOPS_COMMON_TYPES_H
#define MLOPS_COMMON_TYPES_H

#include <mlops/job_state.h>

#include "mlops.pb-c.h"

/** "connected", "unreachable", ... for a wire ClusterState. Never NULL. */
const char *mlops_cluster_state_name(Mlops__ClusterState s);

/**
 * The wire JobState of `st` (its value is st + 1);
 * JOB_STATE_UNSPECIFIED when `st` is out of range.
 */
Mlops__JobState mlops_job_state_to_wire(enum job_state st);

/**
 * The state a message carries: the wire enum `w` when it is one this
 * client knows, else the deprecated state name `name` beside it (a daemon
 * before protocol 1.4 sends only that; NULL is allowed). Returns the state
 * (>= 0), or MLOPS_EPARSE when neither names one (show `name` as it is).
 */
int mlops_job_state_from_wire(Mlops__JobState w, const char *name);

/** mlops_job_state_from_wire() of a Job's job_state and state. */
int mlops_job_state_of(const Mlops__Job *j);

/** True when `s` is a safe name: [A-Za-z0-9._-]{1,64}, not "." or "..". */
int mlops_name_valid(const char *s);

#endif
