/*
 * struct store_job -> Mlops__Job, shared by the RPC replies and the job
 * events. Pure.
 */
#ifndef MLOPS_SERVER_JOB_PROTO_H
#define MLOPS_SERVER_JOB_PROTO_H

#include "mlops.pb-c.h"
#include "store.h"

/**
 * Fills `m` (initialised with MLOPS__JOB__INIT) from `j`. Every pointer in
 * `m` is borrowed from `j`, which must outlive `m`; the sbatch script and
 * the composed Hydra config are included only when `with_script`.
 */
void job_proto_fill(
    Mlops__Job *m, const struct store_job *j, bool with_script);

#endif
