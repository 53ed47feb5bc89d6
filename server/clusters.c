/*
 * Run-time state of the configured clusters. Each cluster's SSH session
 * lives on its own sshpool worker; the monitor thread here wakes every
 * second to publish connection changes as events and to refresh the GPU
 * caches clients are watching. Fields below cs_mtx are shared.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/log.h>
#include <mlops/xmalloc.h>

#include "clusters.h"
#include "events.h"
#include "gpucache.h"
#include "mlopsd.h"
#include "slurm_cmd.h"

struct cluster_rt {
	const struct cluster_config *cr_cfg;
	struct sshpool              *cr_pool;
	struct gpucache             *cr_gpus;
	/* Under cs_mtx: */
	struct cluster_poll cr_poll;
	enum sshpool_state  cr_seen_state;
	char                cr_seen_error[MLOPS_ERROR_MSG_MAX];
};

struct clusters {
	struct mlopsd     *cs_d;
	struct cluster_rt *cs_v;
	size_t             cs_n;
	pthread_mutex_t    cs_mtx;
	pthread_cond_t     cs_cv;
	pthread_t          cs_monitor;
	int                cs_running;
	int                cs_stop;
};

static void *clusters_monitor(void *arg);

static struct cluster_rt *
clusters_find(struct clusters *cs, const char *name)
{
	if (cs == NULL || name == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < cs->cs_n; i++) {
		if (strcmp(cs->cs_v[i].cr_cfg->name, name) == 0) {
			return &cs->cs_v[i];
		}
	}
	return NULL;
}

int
clusters_start(
    struct clusters **out, struct mlopsd *d, struct mlops_error *err)
{
	struct clusters *cs = xcalloc(1, sizeof(*cs));
	int              rc = 0;

	cs->cs_d = d;
	cs->cs_n = d->d_cfg->n_clusters;
	cs->cs_v = xcalloc(cs->cs_n ? cs->cs_n : 1, sizeof(*cs->cs_v));
	pthread_mutex_init(&cs->cs_mtx, NULL);
	pthread_cond_init(&cs->cs_cv, NULL);
	for (size_t i = 0; i < cs->cs_n; i++) {
		struct cluster_rt *cr = &cs->cs_v[i];

		cr->cr_cfg = &d->d_cfg->clusters[i];
		if ((rc = sshpool_new(
		         &cr->cr_pool, cr->cr_cfg, &d->d_ssh_opts, err))
		        < 0
		    || (rc = sshpool_start(cr->cr_pool, err)) < 0) {
			mlops_error_prefix(
			    err, "cluster %s", cr->cr_cfg->name);
			goto fail;
		}
		cr->cr_gpus = gpucache_new(cr->cr_cfg, cr->cr_pool);
	}
	if (pthread_create(&cs->cs_monitor, NULL, clusters_monitor, cs) != 0) {
		rc = mlops_error_set(
		    err, MLOPS_ERROR, "cannot start the cluster monitor");
		goto fail;
	}
	cs->cs_running = 1;
	*out           = cs;
	return 0;
fail:
	clusters_stop(cs);
	return rc;
}

void
clusters_stop(struct clusters *cs)
{
	if (cs == NULL) {
		return;
	}
	if (cs->cs_running) {
		pthread_mutex_lock(&cs->cs_mtx);
		cs->cs_stop = 1;
		pthread_cond_signal(&cs->cs_cv);
		pthread_mutex_unlock(&cs->cs_mtx);
		pthread_join(cs->cs_monitor, NULL);
	}
	/* Stop every pool first: queued work (and GPU refreshes with
	 * clients waiting) completes with "shutting down". */
	for (size_t i = 0; i < cs->cs_n; i++) {
		sshpool_stop(cs->cs_v[i].cr_pool);
	}
	for (size_t i = 0; i < cs->cs_n; i++) {
		gpucache_free(cs->cs_v[i].cr_gpus);
		sshpool_free(cs->cs_v[i].cr_pool);
	}
	pthread_mutex_destroy(&cs->cs_mtx);
	pthread_cond_destroy(&cs->cs_cv);
	free(cs->cs_v);
	free(cs);
}

struct sshpool *
clusters_pool(struct clusters *cs, const char *name)
{
	struct cluster_rt *cr = clusters_find(cs, name);

	return cr ? cr->cr_pool : NULL;
}

const struct cluster_config *
clusters_config(struct clusters *cs, const char *name)
{
	struct cluster_rt *cr = clusters_find(cs, name);

	return cr ? cr->cr_cfg : NULL;
}

struct gpucache *
clusters_gpucache(struct clusters *cs, const char *name)
{
	struct cluster_rt *cr = clusters_find(cs, name);

	return cr ? cr->cr_gpus : NULL;
}

void
clusters_poll(struct clusters *cs, const char *name, struct cluster_poll *out)
{
	struct cluster_rt *cr = clusters_find(cs, name);

	memset(out, 0, sizeof(*out));
	if (cr != NULL) {
		pthread_mutex_lock(&cs->cs_mtx);
		*out = cr->cr_poll;
		pthread_mutex_unlock(&cs->cs_mtx);
	}
}

void
clusters_set_poll(
    struct clusters *cs, const char *name, const struct cluster_poll *poll)
{
	struct cluster_rt    *cr = clusters_find(cs, name);
	struct sshpool_status st;
	bool                  changed;

	if (cr == NULL) {
		return;
	}
	pthread_mutex_lock(&cs->cs_mtx);
	changed     = strcmp(cr->cr_poll.error, poll->error) != 0;
	cr->cr_poll = *poll;
	pthread_mutex_unlock(&cs->cs_mtx);
	if (changed) {
		sshpool_status(cr->cr_pool, &st);
		events_cluster(cs->cs_d->d_events, name, &st, poll);
	}
}

void
clusters_watch_gpus(struct clusters *cs, const char *name)
{
	struct cluster_rt *cr = clusters_find(cs, name);

	if (cr != NULL) {
		gpucache_watch(cr->cr_gpus);
	}
}

/* Publishes a cluster event when its connection state or error changed. */
static void
clusters_check_state(struct clusters *cs, struct cluster_rt *cr)
{
	struct sshpool_status st;
	struct cluster_poll   poll;
	int                   changed;

	sshpool_status(cr->cr_pool, &st);
	pthread_mutex_lock(&cs->cs_mtx);
	changed = st.state != cr->cr_seen_state
	    || strcmp(st.last_error, cr->cr_seen_error) != 0;
	cr->cr_seen_state = st.state;
	memcpy(cr->cr_seen_error, st.last_error, sizeof(cr->cr_seen_error));
	pthread_mutex_unlock(&cs->cs_mtx);
	if (!changed) {
		return;
	}
	if (st.state == SSHPOOL_UNREACHABLE) {
		log_warn("cluster %s unreachable: %s", cr->cr_cfg->name,
		    st.last_error);
	} else if (st.state == SSHPOOL_CONNECTED) {
		log_info("cluster %s connected (Slurm %s)", cr->cr_cfg->name,
		    st.slurm_version);
		if (st.slurm_major >= 0
		    && !slurm_cmd_version_tested(
		        st.slurm_major, st.slurm_minor)) {
			log_warn("cluster %s runs Slurm %s, not a version "
			         "Mission Control is tested with "
			         "(" SLURM_CMD_TESTED_VERSIONS ")",
			    cr->cr_cfg->name, st.slurm_version);
		}
	}
	clusters_poll(cs, cr->cr_cfg->name, &poll);
	events_cluster(cs->cs_d->d_events, cr->cr_cfg->name, &st, &poll);
}

static void *
clusters_monitor(void *arg)
{
	struct clusters *cs = arg;
	struct timespec  ts;

	pthread_mutex_lock(&cs->cs_mtx);
	while (!cs->cs_stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&cs->cs_cv, &cs->cs_mtx, &ts);
		if (cs->cs_stop) {
			break;
		}
		pthread_mutex_unlock(&cs->cs_mtx);
		for (size_t i = 0; i < cs->cs_n; i++) {
			clusters_check_state(cs, &cs->cs_v[i]);
			gpucache_tick(cs->cs_v[i].cr_gpus);
		}
		pthread_mutex_lock(&cs->cs_mtx);
	}
	pthread_mutex_unlock(&cs->cs_mtx);
	return NULL;
}
