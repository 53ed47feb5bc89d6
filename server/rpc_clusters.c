/*
 * Cluster methods: the configured clusters. Fast, answered inline.
 */
#include "config.h"
#include "mlopsd.h"
#include "rpc_handlers.h"

/* protobuf-c string fields are `char *` but only read when packing. */
static char *
rpc_str(char *s)
{
	return s ? s : (char *) "";
}

RPC_HANDLER(rpc_cluster_list)
{
	struct mlops_config     *cfg = rpc_call_daemon(call)->d_cfg;
	Mlops__ClusterListReply *r   = RPC_ALLOC(
	      call, Mlops__ClusterListReply, MLOPS__CLUSTER_LIST_REPLY__INIT);

	r->n_clusters = cfg->n_clusters;
	r->clusters
	    = rpc_call_alloc(call, cfg->n_clusters * sizeof(*r->clusters));
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		const struct cluster_config *cc = &cfg->clusters[i];
		Mlops__Cluster              *c
		    = RPC_ALLOC(call, Mlops__Cluster, MLOPS__CLUSTER__INIT);

		c->name                 = cc->name;
		c->host                 = rpc_str(cc->host);
		c->port                 = cc->port;
		c->workspace            = rpc_str(cc->workspace);
		c->n_allowed_partitions = cc->allowed_partitions.n;
		c->allowed_partitions   = cc->allowed_partitions.v;
		c->n_allowed_gpu_types  = cc->allowed_gpu_types.n;
		c->allowed_gpu_types    = cc->allowed_gpu_types.v;
		c->gpu_request_style
		    = cc->gpu_request_style == GPU_REQUEST_CONSTRAINT
		    ? (char *) "constraint"
		    : (char *) "gres";
		c->conda_env       = rpc_str(cc->conda_env);
		c->use_login_shell = cc->use_login_shell;
		c->account         = rpc_str(cc->account);
		c->qos             = rpc_str(cc->qos);
		c->poll_interval   = cc->poll_interval;
		c->gpu_cache_ttl   = cc->gpu_cache_ttl;
		r->clusters[i]     = c;
	}
	resp->body_case    = MLOPS__RESPONSE__BODY_CLUSTER_LIST;
	resp->cluster_list = r;
	return 0;
}
