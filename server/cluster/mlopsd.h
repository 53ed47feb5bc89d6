/*
 * The daemon's one root context, passed explicitly to every subsystem (no
 * globals). main.c fills in what the options and the configuration say;
 * mlopsd_start() (daemon.h) starts the subsystems in order and
 * mlopsd_stop() stops them in reverse. The cluster core reaches clusters
 * only through the executors d_exec_new makes, and tells the layers above
 * (rpc/) of changes only through d_notify: it never calls them. Their
 * handles here (d_rpc, d_events, d_listeners) are opaque to it.
 */
#ifndef MLOPS_SERVER_MLOPSD_H
#define MLOPS_SERVER_MLOPSD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <mlops/error.h>

#include "config.h"
#include "executor.h"

struct mlopsd;
struct store_job;
struct cluster_status;
struct cluster_poll;

/* How the core tells the layers above (events to clients) of changes.
 * Either may be NULL. Called on whatever thread made the change. */
struct mlopsd_notify {
	/* A job's row changed; `previous` is its state before, or NULL. */
	void (*job)(struct mlopsd *d, const struct store_job *job,
	    const char *previous);
	/* A cluster's connection or poll record changed. */
	void (*cluster)(struct mlopsd *d, const char *name,
	    const struct cluster_status *st, const struct cluster_poll *poll);
};

/*
 * Makes the executor of one cluster (the daemon's: its SSH pool), with
 * `on_connect` to run on each new connection. `arg` is d_exec_arg.
 */
typedef int (*mlopsd_exec_new_fn)(struct executor **out,
    const struct cluster_config *cc, exec_call_fn on_connect,
    void *on_connect_arg, void *arg, struct mlops_error *err);

struct rpc;
struct events;
struct listen_set;
struct store;
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

	mlopsd_exec_new_fn   d_exec_new; /* NULL at start: SSH */
	void                *d_exec_arg;
	bool                 d_exec_arg_owned;
	unsigned             d_reconnect_max_s; /* SSH backoff ceiling; 0 */
	struct mlopsd_notify d_notify;

	struct listen_set *d_listeners; /* every nng listener, for the guard */
	struct clusters   *d_clusters;
	struct launcher   *d_launcher;
	struct poller     *d_poller;
	struct events     *d_events;
	struct rpc        *d_rpc;
	struct logread    *d_logread; /* shared job log readers */

	struct store *d_store; /* the startup connection (instance id) */
	bool          d_git_inited, d_guard_started;

	char   *d_instance;   /* this database's instance id (job names) */
	int64_t d_started_at; /* unix seconds */
	pid_t   d_pid;
};

static inline void
mlopsd_notify_job(
    struct mlopsd *d, const struct store_job *job, const char *previous)
{
	if (d->d_notify.job != NULL) {
		d->d_notify.job(d, job, previous);
	}
}

static inline void
mlopsd_notify_cluster(struct mlopsd *d, const char *name,
    const struct cluster_status *st, const struct cluster_poll *poll)
{
	if (d->d_notify.cluster != NULL) {
		d->d_notify.cluster(d, name, st, poll);
	}
}

#endif
