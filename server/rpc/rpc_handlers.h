/*
 * Prototypes of the method handlers listed in rpc_table.c. Each runs on an
 * nng thread (see rpc_call.h for the contract).
 */
#ifndef MLOPS_SERVER_RPC_HANDLERS_H
#define MLOPS_SERVER_RPC_HANDLERS_H

#include "rpc_call.h"

#define RPC_HANDLER(name)                                          \
	int name(struct rpc_call *call, const Mlops__Request *req, \
	    Mlops__Response *resp, struct mlops_error *err)

/* rpc_system.c */
RPC_HANDLER(rpc_hello);
RPC_HANDLER(rpc_status);

/* rpc_clusters.c */
RPC_HANDLER(rpc_cluster_list);
RPC_HANDLER(rpc_cluster_trust);
RPC_HANDLER(rpc_cluster_gpus);
RPC_HANDLER(rpc_cluster_check);

/* rpc_jobs.c */
RPC_HANDLER(rpc_launch);
RPC_HANDLER(rpc_jobs);
RPC_HANDLER(rpc_job_show);
RPC_HANDLER(rpc_cancel);

/* rpc_projects.c */
RPC_HANDLER(rpc_project_add);
RPC_HANDLER(rpc_project_list);
RPC_HANDLER(rpc_project_show);
RPC_HANDLER(rpc_project_sync);
RPC_HANDLER(rpc_project_remove);

/* rpc_hydra.c */
RPC_HANDLER(rpc_hydra_project_config);

/* rpc_logs.c */
RPC_HANDLER(rpc_logs);

#endif
