/*
 * Hello and Status. Fast methods answered inline on nng's threads.
 */
#include <stdlib.h>
#include <time.h>

#include <mlops/protocol.h>

#include "clusters.h"
#include "events_wire.h"
#include "mlopsd.h"
#include "poller.h"
#include "rpc_handlers.h"

RPC_HANDLER(rpc_hello)
{
	struct mlopsd     *d = rpc_call_daemon(call);
	Mlops__HelloReply *r
	    = RPC_ALLOC(call, Mlops__HelloReply, MLOPS__HELLO_REPLY__INIT);

	r->server_version = MLOPS_VERSION;
	r->proto_major    = MLOPS_PROTOCOL_MAJOR;
	r->proto_minor    = MLOPS_PROTOCOL_MINOR;
	r->started_at     = d->d_started_at;
	r->pid            = (uint32_t) d->d_pid;
	/* Events pair with the first listener; clients on another derive
	 * theirs with mlops_events_url_for(). */
	r->events_url = d->d_nlisten > 0
	    ? rpc_call_keep(call, events_url_for(d->d_listen[0]))
	    : "";
	if (r->events_url == NULL) {
		r->events_url = "";
	}
	resp->body_case = MLOPS__RESPONSE__BODY_HELLO;
	resp->hello     = r;
	return 0;
}

RPC_HANDLER(rpc_status)
{
	struct mlopsd       *d   = rpc_call_daemon(call);
	struct mlops_config *cfg = d->d_cfg;
	Mlops__StatusReply  *r
	    = RPC_ALLOC(call, Mlops__StatusReply, MLOPS__STATUS_REPLY__INIT);
	int64_t now = (int64_t) time(NULL);

	r->server_version = MLOPS_VERSION;
	r->started_at     = d->d_started_at;
	r->uptime_s       = (uint64_t) (now - d->d_started_at);
	r->pid            = (uint32_t) d->d_pid;
	r->config_path    = d->d_config_path;
	r->state_dir      = d->d_state_dir;
	r->n_clusters     = cfg->n_clusters;
	r->clusters
	    = rpc_call_alloc(call, cfg->n_clusters * sizeof(*r->clusters));
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		Mlops__ClusterStatus *cs = RPC_ALLOC(
		    call, Mlops__ClusterStatus, MLOPS__CLUSTER_STATUS__INIT);
		const char           *name = cfg->clusters[i].name;
		struct cluster_status st;
		struct cluster_poll   poll;

		clusters_status(d->d_clusters, name, &st);
		cs->name            = (char *) name;
		cs->state           = events_cluster_state(st.conn.state);
		cs->slurm_version   = rpc_call_strdup(call, st.slurm_version);
		cs->last_contact_at = (int64_t) st.conn.last_contact;
		cs->last_error = rpc_call_strdup(call, st.conn.last_error);
		clusters_poll(d->d_clusters, name, &poll);
		cs->last_poll_at    = poll.last_poll;
		cs->last_poll_ok_at = poll.last_ok;
		cs->last_poll_error = rpc_call_strdup(call, poll.error);
		if (d->d_poller != NULL) {
			struct poller_stats ps;

			poller_stats(d->d_poller, name, &ps);
			cs->poll_cycles   = ps.cycles;
			cs->poll_commands = ps.commands;
		}
		r->clusters[i] = cs;
	}
	r->n_config_warnings = cfg->warnings.n;
	r->config_warnings   = cfg->warnings.v;
	resp->body_case      = MLOPS__RESPONSE__BODY_STATUS;
	resp->status         = r;
	return 0;
}
