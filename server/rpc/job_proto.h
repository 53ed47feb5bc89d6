/*
 * struct store_job -> Mlops__Job, and a stored state name -> the wire
 * enum, shared by the RPC replies and the job events. Pure.
 */
#ifndef MLOPS_SERVER_JOB_PROTO_H
#define MLOPS_SERVER_JOB_PROTO_H

#include "mlops.pb-c.h"
#include "store.h"

/**
 * The wire JobState of a stored state name ("PENDING"), or
 * JOB_STATE_UNSPECIFIED for NULL or a name that is not a state.
 */
Mlops__JobState job_proto_state(const char *name);

/**
 * Fills `m` (initialised with MLOPS__JOB__INIT) from `j`: the state both
 * as the enum and, for clients before protocol 1.4, as its name. Every pointer
 * in `m` is borrowed from `j`, which must outlive `m`; the sbatch script and
 * the composed Hydra config are included only when `with_script`.
 */
void job_proto_fill(
    Mlops__Job *m, const struct store_job *j, bool with_script);

#endif
