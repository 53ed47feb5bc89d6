/*
 * Run-time state of the configured clusters. Each cluster's connection
 * lives on its own executor's worker, which runs the version probe here
 * each time it connects; the monitor thread wakes every second to publish
 * connection changes and to refresh the GPU caches clients are watching.
 * Fields below cs_mtx are shared.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/log.h>
#include <mlops/xmalloc.h>

#include "clusters.h"
#include "gpucache.h"
#include "mlopsd.h"
#include "slurm_cmd.h"
#include "slurm_parse.h"

struct clusters;

struct cluster_rt {
	struct clusters             *cr_cs;
	const struct cluster_config *cr_cfg;
	struct executor             *cr_ex;
	struct gpucache             *cr_gpus;
	/* Under cs_mtx: */
	struct slurm_version cr_version; /* major -1 until known */
	struct cluster_poll  cr_poll;
	enum exec_state      cr_seen_state;
	char                 cr_seen_error[MLOPS_ERROR_MSG_MAX];
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
static int   clusters_learn_slurm(
      struct exec_session *s, void *arg, struct mlops_error *err);

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

		cr->cr_cs            = cs;
		cr->cr_cfg           = &d->d_cfg->clusters[i];
		cr->cr_version.major = -1;
		cr->cr_version.minor = -1;
		if ((rc = d->d_exec_new(&cr->cr_ex, cr->cr_cfg,
		         clusters_learn_slurm, cr, d->d_exec_arg, err))
		    < 0) {
			mlops_error_prefix(
			    err, "cluster %s", cr->cr_cfg->name);
			goto fail;
		}
		cr->cr_gpus = gpucache_new(cr->cr_cfg, cr->cr_ex);
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
	/* Stop every executor first: queued work (and GPU refreshes with
	 * clients waiting) completes with "shutting down". */
	for (size_t i = 0; i < cs->cs_n; i++) {
		if (cs->cs_v[i].cr_ex != NULL) {
			cs->cs_v[i].cr_ex->ops->stop(cs->cs_v[i].cr_ex->impl);
		}
	}
	for (size_t i = 0; i < cs->cs_n; i++) {
		gpucache_free(cs->cs_v[i].cr_gpus);
		executor_free(cs->cs_v[i].cr_ex);
	}
	pthread_mutex_destroy(&cs->cs_mtx);
	pthread_cond_destroy(&cs->cs_cv);
	free(cs->cs_v);
	free(cs);
}

struct executor *
clusters_exec(struct clusters *cs, const char *name)
{
	struct cluster_rt *cr = clusters_find(cs, name);

	return cr ? cr->cr_ex : NULL;
}

/*
 * The executor's connect hook: `sinfo --version`, on its worker. Only a
 * dead connection fails it; a host without Slurm (or one that prints
 * something else) is connected with an unknown version.
 */
static int
clusters_learn_slurm(
    struct exec_session *s, void *arg, struct mlops_error *err)
{
	struct cluster_rt   *cr   = arg;
	char               **argv = slurm_cmd_version();
	struct exec_result   res  = { 0 };
	struct exec_opts     opts;
	struct slurm_version v = { .major = -1, .minor = -1 };
	struct mlops_error   e = { 0 };
	int                  rc;

	exec_opts_init(&opts);
	opts.timeout_ms = 15000;
	opts.max_stdout = 4096;
	opts.max_stderr = 4096;
	rc = exec_run(s, &res, (const char *const *) argv, &opts, &e);
	slurm_argv_free(argv);
	if (rc == MLOPS_EUNREACHABLE) {
		*err = e;
		return rc;
	}
	if (rc < 0 || res.exit_status != 0
	    || slurm_parse_version(&v, res.stdout_buf, &e) < 0) {
		log_warn("cluster %s: cannot learn the Slurm version: %s",
		    cr->cr_cfg->name,
		    rc < 0 || res.exit_status == 0
		        ? e.msg
		        : (res.stderr_len > 0 ? res.stderr_buf
		                              : "sinfo failed"));
		v.major = v.minor = -1;
		v.text[0]         = '\0';
	}
	exec_result_fini(&res);
	pthread_mutex_lock(&cr->cr_cs->cs_mtx);
	cr->cr_version = v;
	pthread_mutex_unlock(&cr->cr_cs->cs_mtx);
	return 0;
}

void
clusters_status(
    struct clusters *cs, const char *name, struct cluster_status *out)
{
	struct cluster_rt *cr = clusters_find(cs, name);

	memset(out, 0, sizeof(*out));
	out->slurm_major = out->slurm_minor = -1;
	if (cr == NULL) {
		return;
	}
	executor_status(cr->cr_ex, &out->conn);
	pthread_mutex_lock(&cs->cs_mtx);
	snprintf(out->slurm_version, sizeof(out->slurm_version), "%s",
	    cr->cr_version.text);
	out->slurm_major = cr->cr_version.major;
	out->slurm_minor = cr->cr_version.minor;
	pthread_mutex_unlock(&cs->cs_mtx);
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
	struct cluster_status st;
	bool                  changed;

	if (cr == NULL) {
		return;
	}
	pthread_mutex_lock(&cs->cs_mtx);
	changed     = strcmp(cr->cr_poll.error, poll->error) != 0;
	cr->cr_poll = *poll;
	pthread_mutex_unlock(&cs->cs_mtx);
	if (changed) {
		clusters_status(cs, name, &st);
		mlopsd_notify_cluster(cs->cs_d, name, &st, poll);
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
	struct cluster_status st;
	struct cluster_poll   poll;
	int                   changed;

	clusters_status(cs, cr->cr_cfg->name, &st);
	pthread_mutex_lock(&cs->cs_mtx);
	changed = st.conn.state != cr->cr_seen_state
	    || strcmp(st.conn.last_error, cr->cr_seen_error) != 0;
	cr->cr_seen_state = st.conn.state;
	memcpy(
	    cr->cr_seen_error, st.conn.last_error, sizeof(cr->cr_seen_error));
	pthread_mutex_unlock(&cs->cs_mtx);
	if (!changed) {
		return;
	}
	if (st.conn.state == EXEC_UNREACHABLE) {
		log_warn("cluster %s unreachable: %s", cr->cr_cfg->name,
		    st.conn.last_error);
	} else if (st.conn.state == EXEC_CONNECTED) {
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
	mlopsd_notify_cluster(cs->cs_d, cr->cr_cfg->name, &st, &poll);
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
