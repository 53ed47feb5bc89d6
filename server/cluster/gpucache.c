/*
 * Per-cluster GPU availability cache. State is under gc_mtx; refreshes
 * run as a chain of asynchronous commands on the cluster's SSH worker, so
 * no request thread ever waits on SSH. A refresh in flight is shared by
 * every reader that arrives meanwhile.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/log.h>
#include <mlops/xmalloc.h>

#include "gpucache.h"
#include "slurm_cmd.h"
#include "slurm_gpus.h"
#include "slurm_parse.h"

/* How long after the last read a cache stays watched. */
#define GPUCACHE_WATCH_FACTOR 3

struct gpucache_waiter {
	gpucache_cb             w_cb;
	void                   *w_arg;
	struct gpucache_waiter *w_next;
};

struct gpucache {
	const struct cluster_config *gc_cc;
	struct executor             *gc_ex;
	pthread_mutex_t              gc_mtx;
	struct gpu_row              *gc_rows;
	size_t                       gc_n;
	int64_t                      gc_fetched_at;
	struct mlops_error           gc_error;
	int64_t                      gc_watched_at;
	bool                         gc_refreshing;
	struct gpucache_waiter      *gc_waiters;
	/* The refresh in flight collects its outputs here (worker only). */
	char *gc_out[3];
};

static void gpucache_refresh(struct gpucache *gc);

void
gpucache_rows_free(struct gpu_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].partition);
		free(rows[i].gpu_type);
	}
	free(rows);
}

void
gpucache_view_fini(struct gpucache_view *v)
{
	gpucache_rows_free(v->rows, v->n_rows);
	memset(v, 0, sizeof(*v));
}

struct gpucache *
gpucache_new(const struct cluster_config *cc, struct executor *ex)
{
	struct gpucache *gc = xcalloc(1, sizeof(*gc));

	gc->gc_cc = cc;
	gc->gc_ex = ex;
	pthread_mutex_init(&gc->gc_mtx, NULL);
	return gc;
}

void
gpucache_free(struct gpucache *gc)
{
	if (gc == NULL) {
		return;
	}
	gpucache_rows_free(gc->gc_rows, gc->gc_n);
	for (int i = 0; i < 3; i++) {
		free(gc->gc_out[i]);
	}
	pthread_mutex_destroy(&gc->gc_mtx);
	free(gc);
}

/* A reader's copy of the cache. Called with gc_mtx held. */
static struct gpucache_view *
gpucache_copy(struct gpucache *gc, int64_t now)
{
	struct gpucache_view *v = xcalloc(1, sizeof(*v));

	v->rows   = xcalloc(gc->gc_n ? gc->gc_n : 1, sizeof(*v->rows));
	v->n_rows = gc->gc_n;
	for (size_t i = 0; i < gc->gc_n; i++) {
		v->rows[i]           = gc->gc_rows[i];
		v->rows[i].partition = xstrdup(gc->gc_rows[i].partition);
		v->rows[i].gpu_type  = xstrdup(gc->gc_rows[i].gpu_type);
	}
	v->fetched_at = gc->gc_fetched_at;
	v->stale      = gc->gc_fetched_at == 0
	    || now - gc->gc_fetched_at >= (int64_t) gc->gc_cc->gpu_cache_ttl;
	v->error = gc->gc_error;
	return v;
}

void
gpucache_watch(struct gpucache *gc)
{
	pthread_mutex_lock(&gc->gc_mtx);
	gc->gc_watched_at = (int64_t) time(NULL);
	pthread_mutex_unlock(&gc->gc_mtx);
}

void
gpucache_get(struct gpucache *gc, gpucache_cb cb, void *arg)
{
	int64_t               now  = (int64_t) time(NULL);
	struct gpucache_view *v    = NULL;
	bool                  kick = false;

	pthread_mutex_lock(&gc->gc_mtx);
	gc->gc_watched_at = now;
	if (gc->gc_fetched_at == 0 && gc->gc_error.code == 0) {
		/* Nothing to show yet: wait for the first refresh. */
		struct gpucache_waiter *w = xcalloc(1, sizeof(*w));

		w->w_cb        = cb;
		w->w_arg       = arg;
		w->w_next      = gc->gc_waiters;
		gc->gc_waiters = w;
		kick           = !gc->gc_refreshing;
	} else {
		v    = gpucache_copy(gc, now);
		kick = v->stale && !gc->gc_refreshing;
	}
	if (kick) {
		gc->gc_refreshing = true;
	}
	pthread_mutex_unlock(&gc->gc_mtx);
	if (v != NULL) {
		cb(arg, v);
	}
	if (kick) {
		gpucache_refresh(gc);
	}
}

void
gpucache_tick(struct gpucache *gc)
{
	int64_t now  = (int64_t) time(NULL);
	int64_t ttl  = (int64_t) gc->gc_cc->gpu_cache_ttl;
	bool    kick = false;

	pthread_mutex_lock(&gc->gc_mtx);
	if (!gc->gc_refreshing && gc->gc_watched_at != 0
	    && now - gc->gc_watched_at < ttl * GPUCACHE_WATCH_FACTOR
	    && now - gc->gc_fetched_at >= ttl) {
		gc->gc_refreshing = kick = true;
	}
	pthread_mutex_unlock(&gc->gc_mtx);
	if (kick) {
		gpucache_refresh(gc);
	}
}

/* Stores the outcome and answers every waiter. Worker thread. */
static void
gpucache_finish(struct gpucache *gc, int rc, struct gpu_row *rows, size_t n,
    const struct mlops_error *err)
{
	struct gpucache_waiter *w, *next;
	int64_t                 now = (int64_t) time(NULL);

	pthread_mutex_lock(&gc->gc_mtx);
	if (rc == 0) {
		gpucache_rows_free(gc->gc_rows, gc->gc_n);
		gc->gc_rows       = rows;
		gc->gc_n          = n;
		gc->gc_fetched_at = now;
		mlops_error_clear(&gc->gc_error);
	} else {
		/* Keep the last good figures; say why they are old. */
		gc->gc_error = *err;
		if (gc->gc_error.code == 0) {
			gc->gc_error.code = rc;
		}
	}
	for (int i = 0; i < 3; i++) {
		free(gc->gc_out[i]);
		gc->gc_out[i] = NULL;
	}
	gc->gc_refreshing = false;
	w                 = gc->gc_waiters;
	gc->gc_waiters    = NULL;
	pthread_mutex_unlock(&gc->gc_mtx);
	for (; w != NULL; w = next) {
		struct gpucache_view *v;

		next = w->w_next;
		pthread_mutex_lock(&gc->gc_mtx);
		v = gpucache_copy(gc, now);
		pthread_mutex_unlock(&gc->gc_mtx);
		w->w_cb(w->w_arg, v);
		free(w);
	}
}

static void gpucache_step(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err);

/* Queues command `i` of the refresh (0 nodes, 1 partitions, 2 pending). */
static void
gpucache_run(struct gpucache *gc, int i)
{
	char             **argv = NULL;
	struct mlops_error err  = { 0 };
	struct exec_opts   opts;
	int                rc;

	switch (i) {
	case 0:
		argv = slurm_cmd_nodes();
		break;
	case 1:
		argv = slurm_cmd_partitions();
		break;
	default:
		argv = slurm_cmd_pending_gpus();
		break;
	}
	exec_opts_init(&opts);
	opts.timeout_ms = 30000;
	opts.max_stdout = 8u << 20;
	gc->gc_out[i]   = NULL; /* gpucache_step finds its step by this */
	rc = executor_run_async(gc->gc_ex, (const char *const *) argv, &opts,
	    gpucache_step, gc, &err);
	slurm_argv_free(argv);
	if (rc < 0) {
		gpucache_finish(gc, rc, NULL, 0, &err);
	}
}

static void
gpucache_step(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err)
{
	struct gpucache   *gc   = arg;
	struct mlops_error perr = { 0 };
	struct gpu_row    *rows = NULL;
	size_t             n    = 0;
	int                i;

	if (rc < 0) {
		gpucache_finish(gc, rc, NULL, 0, err);
		return;
	}
	if (res->exit_status != 0) {
		mlops_error_set(&perr, MLOPS_ESLURM, "%s",
		    res->stderr_len ? res->stderr_buf
		                    : "Slurm command failed");
		gpucache_finish(gc, MLOPS_ESLURM, NULL, 0, &perr);
		return;
	}
	/* The first empty slot is the step that just finished. */
	for (i = 0; i < 2 && gc->gc_out[i] != NULL; i++) { }
	gc->gc_out[i]   = res->stdout_buf;
	res->stdout_buf = NULL;
	if (i < 2) {
		gpucache_run(gc, i + 1);
		return;
	}
	rc = gpucache_compute(
	    &rows, &n, gc->gc_out[0], gc->gc_out[1], gc->gc_out[2], &perr);
	if (rc < 0) {
		log_warn("cluster %s: %s", gc->gc_cc->name, perr.msg);
	}
	gpucache_finish(gc, rc, rows, n, &perr);
}

static void
gpucache_refresh(struct gpucache *gc)
{
	gpucache_run(gc, 0);
}

int
gpucache_compute(struct gpu_row **rows, size_t *n, const char *nodes,
    const char *partitions, const char *pending, struct mlops_error *err)
{
	struct slurm_nodes        sn  = { 0 };
	struct slurm_partitions   sp  = { 0 };
	struct slurm_gpu_requests sq  = { 0 };
	struct slurm_gpu_summary  sum = { 0 };
	struct gpu_row           *out = NULL;
	int                       rc;

	if ((rc = slurm_parse_nodes(&sn, nodes, err)) < 0
	    || (rc = slurm_parse_partitions(&sp, partitions, err)) < 0
	    || (rc = slurm_parse_pending(&sq, pending, err)) < 0
	    || (rc = slurm_gpus_summarize(&sum, &sn, &sp, &sq, err)) < 0) {
		goto out;
	}
	out = xcalloc(sum.n ? sum.n : 1, sizeof(*out));
	for (size_t i = 0; i < sum.n; i++) {
		const struct slurm_gpu_row *r = &sum.v[i];

		out[i].partition   = xstrdup(r->partition);
		out[i].gpu_type    = xstrdup(r->type);
		out[i].total       = (int) r->total;
		out[i].allocated   = (int) r->allocated;
		out[i].free        = (int) r->free;
		out[i].unavailable = (int) r->unavailable;
		out[i].pending     = (int) r->pending;
	}
	*rows = out;
	*n    = sum.n;
out:
	slurm_gpu_summary_fini(&sum);
	slurm_gpu_requests_fini(&sq);
	slurm_partitions_fini(&sp);
	slurm_nodes_fini(&sn);
	return rc;
}
