/*
 * The daemon's one root context, passed explicitly to every subsystem (no
 * globals). Built by main.c, which starts the subsystems in order and stops
 * them in reverse.
 */
#ifndef MLOPS_SERVER_MLOPSD_H
#define MLOPS_SERVER_MLOPSD_H

#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "sshpool.h"

struct rpc;
struct events;
struct listen_set;
struct clusters;
struct launcher;
struct poller;
struct logread;

struct mlopsd_tls {
	char *cert_file; /* PEM certificate (chain) for tls+tcp listeners */
	char *key_file;  /* its private key */
	char *ca_file;   /* when set, clients must present a cert from it */
};

struct mlopsd {
	char             *d_config_dir;
	char             *d_state_dir;
	char             *d_config_path; /* <config dir>/clusters.yaml */
	char             *d_db_path;     /* <state dir>/mlops.db */
	char            **d_listen; /* request URLs (ipc:// and tls+tcp://) */
	size_t            d_nlisten;
	struct mlopsd_tls d_tls;
	unsigned          d_rpc_workers; /* concurrent request contexts */

	/* Read-only after startup: any thread may read it without a lock. */
	struct mlops_config *d_cfg;

	struct sshpool_opts d_ssh_opts; /* for every cluster's pool */

	struct listen_set *d_listeners; /* every nng listener, for the guard */
	struct clusters   *d_clusters;
	struct launcher   *d_launcher;
	struct poller     *d_poller;
	struct events     *d_events;
	struct rpc        *d_rpc;
	struct logread    *d_logread; /* shared job log readers */

	char   *d_instance;   /* this database's instance id (job names) */
	int64_t d_started_at; /* unix seconds */
	pid_t   d_pid;
};

#endif
