/*
 * The method table: the one list of methods the daemon serves. Adding a
 * method is one oneof case in proto/mlops.proto, one handler, one row.
 */
#include "rpc_call.h"
#include "rpc_handlers.h"

const struct rpc_method rpc_methods[] = {
	{ MLOPS__REQUEST__BODY_HELLO, "hello", rpc_hello },
	{ MLOPS__REQUEST__BODY_STATUS, "status", rpc_status },
	{ MLOPS__REQUEST__BODY_CLUSTER_LIST, "cluster_list",
	    rpc_cluster_list },
	{ MLOPS__REQUEST__BODY_CLUSTER_CHECK, "cluster_check",
	    rpc_cluster_check },
	{ MLOPS__REQUEST__BODY_CLUSTER_GPUS, "cluster_gpus",
	    rpc_cluster_gpus },
	{ MLOPS__REQUEST__BODY_CLUSTER_TRUST, "cluster_trust",
	    rpc_cluster_trust },
	{ MLOPS__REQUEST__BODY_PROJECT_ADD, "project_add", rpc_project_add },
	{ MLOPS__REQUEST__BODY_PROJECT_LIST, "project_list",
	    rpc_project_list },
	{ MLOPS__REQUEST__BODY_PROJECT_SHOW, "project_show",
	    rpc_project_show },
	{ MLOPS__REQUEST__BODY_PROJECT_SYNC, "project_sync",
	    rpc_project_sync },
	{ MLOPS__REQUEST__BODY_PROJECT_REMOVE, "project_remove",
	    rpc_project_remove },
	{ MLOPS__REQUEST__BODY_PROJECT_CONFIG, "project_config",
	    rpc_hydra_project_config },
	{ MLOPS__REQUEST__BODY_LAUNCH, "launch", rpc_launch },
	{ MLOPS__REQUEST__BODY_JOBS, "jobs", rpc_jobs },
	{ MLOPS__REQUEST__BODY_JOB_SHOW, "job_show", rpc_job_show },
	{ MLOPS__REQUEST__BODY_CANCEL, "cancel", rpc_cancel },
	{ MLOPS__REQUEST__BODY_LOGS, "logs", rpc_logs },
};

const size_t rpc_methods_count = sizeof(rpc_methods) / sizeof(rpc_methods[0]);
