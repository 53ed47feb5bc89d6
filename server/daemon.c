/*
 * daemon: startup and shutdown order of the subsystems, on the thread
 * that calls them (main's, or a test's).
 */
#include <stdlib.h>
#include <time.h>

#include <nng/nng.h>

#include <mlops/log.h>
#include <mlops/xmalloc.h>

#include "clusters.h"
#include "daemon.h"
#include "events.h"
#include "gitinfo.h"
#include "launch.h"
#include "listen.h"
#include "logread.h"
#include "poller.h"
#include "rpc.h"
#include "ssh_executor.h"
#include "store.h"
#include "store_meta.h"

/* Every cluster's executor: its SSH pool, with the daemon's tunables. */
static int
mlopsd_ssh_exec_new(struct executor **out, const struct cluster_config *cc,
    exec_call_fn on_connect, void *on_connect_arg, void *arg,
    struct mlops_error *err)
{
	return ssh_executor_new(out, cc, arg, on_connect, on_connect_arg, err);
}

int
mlopsd_start(struct mlopsd *d, struct mlops_error *err)
{
	int rc;

	if (d->d_exec_new == NULL) {
		struct sshpool_opts *o = xcalloc(1, sizeof(*o));

		sshpool_opts_init(o);
		if (d->d_reconnect_max_s != 0) {
			o->backoff_max_ms = d->d_reconnect_max_s * 1000;
			if (o->backoff_initial_ms > o->backoff_max_ms) {
				o->backoff_initial_ms = o->backoff_max_ms;
			}
		}
		d->d_exec_new       = mlopsd_ssh_exec_new;
		d->d_exec_arg       = o;
		d->d_exec_arg_owned = true;
	}
	if (d->d_started_at == 0) {
		d->d_started_at = (int64_t) time(NULL);
	}
	events_notify_init(&d->d_notify);
	d->d_listeners = listen_set_new();
	d->d_logread   = logread_new(d);
	if ((rc = gitinfo_global_init(err)) < 0) {
		goto fail;
	}
	d->d_git_inited = true;
	if ((rc = store_open(&d->d_store, d->d_db_path, err)) < 0
	    || (rc = store_instance_id(&d->d_instance, d->d_store, err)) < 0
	    || (rc = events_start(&d->d_events, d, err)) < 0
	    || (rc = clusters_start(&d->d_clusters, d, err)) < 0
	    || (rc = launcher_new(&d->d_launcher)) < 0
	    || (rc = poller_start(&d->d_poller, d, err)) < 0
	    || (rc = rpc_start(&d->d_rpc, d, err)) < 0
	    || (rc = listen_guard_start(d, 1000, err)) < 0) {
		goto fail;
	}
	d->d_guard_started = true;
	return 0;
fail:
	mlopsd_stop(d);
	return rc;
}

void
mlopsd_stop(struct mlopsd *d)
{
	if (d->d_guard_started) {
		listen_guard_stop(d);
		d->d_guard_started = false;
	}
	if (d->d_rpc != NULL) {
		rpc_stop(d->d_rpc); /* no new requests */
	}
	poller_stop(d->d_poller); /* waits for cycles in flight */
	d->d_poller = NULL;
	if (d->d_launcher != NULL) {
		launcher_free(d->d_launcher); /* waits for launches */
		d->d_launcher = NULL;
	}
	clusters_stop(d->d_clusters); /* completes pending calls */
	d->d_clusters = NULL;
	if (d->d_rpc != NULL) {
		rpc_free(d->d_rpc);
		d->d_rpc = NULL;
	}
	logread_free(d->d_logread); /* every read has completed */
	d->d_logread = NULL;
	events_stop(d->d_events);
	d->d_events = NULL;
	listen_set_free(d->d_listeners);
	d->d_listeners = NULL;
	/* nng's threads end here; their libgit2 thread state is freed on
	 * thread exit only while libgit2 is still initialised. */
	nng_fini();
	store_close(d->d_store);
	d->d_store = NULL;
	if (d->d_git_inited) {
		gitinfo_global_shutdown();
		d->d_git_inited = false;
	}
	if (d->d_exec_arg_owned) {
		free(d->d_exec_arg);
		d->d_exec_arg       = NULL;
		d->d_exec_new       = NULL;
		d->d_exec_arg_owned = false;
	}
	free(d->d_instance);
	d->d_instance = NULL;
}
