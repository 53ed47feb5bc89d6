/*
 * core_fixture: the cluster core of a test (see core_fixture.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include <mlops/xmalloc.h>

#include "clusters.h"
#include "config.h"
#include "core_fixture.h"
#include "launch.h"
#include "logread.h"
#include "poller.h"
#include "store_impl.h"
#include "store_meta.h"
#include "testutil.h"

static struct core_fx *
core_fx_of(struct mlopsd *d)
{
	return (struct core_fx *) ((char *) d - offsetof(struct core_fx, d));
}

static void
core_fx_notify_job(
    struct mlopsd *d, const struct store_job *job, const char *previous)
{
	struct core_fx       *fx = core_fx_of(d);
	struct core_fx_event *e;

	pthread_mutex_lock(&fx->mtx);
	fx->ev      = xreallocarray(fx->ev, fx->n_ev + 1, sizeof(*fx->ev));
	e           = &fx->ev[fx->n_ev++];
	e->id       = job->id;
	e->state    = xstrdup(job->state);
	e->previous = previous != NULL ? xstrdup(previous) : NULL;
	pthread_mutex_unlock(&fx->mtx);
}

static void
core_fx_notify_cluster(struct mlopsd *d, const char *name,
    const struct cluster_status *st, const struct cluster_poll *poll)
{
	struct core_fx *fx = core_fx_of(d);

	(void) name;
	(void) st;
	(void) poll;
	pthread_mutex_lock(&fx->mtx);
	fx->n_cluster_ev++;
	pthread_mutex_unlock(&fx->mtx);
}

/* d_exec_new: the cluster's replay, prepared by core_fx_init(). */
static int
core_fx_exec_new(struct executor **out, const struct cluster_config *cc,
    exec_call_fn on_connect, void *on_connect_arg, void *arg,
    struct mlops_error *err)
{
	struct core_fx *fx = arg;
	struct replay  *r  = core_fx_replay(fx, cc->name);

	if (r == NULL) {
		return mlops_error_set(
		    err, MLOPS_ENOTFOUND, "no replay for %s", cc->name);
	}
	*out = replay_executor(r, on_connect, on_connect_arg);
	return 0;
}

void
core_fx_init(struct core_fx *fx, const char *clusters_yaml)
{
	struct mlops_error err = { 0 };

	memset(fx, 0, sizeof(*fx));
	pthread_mutex_init(&fx->mtx, NULL);
	fx->dir = testutil_mkdtemp("core");
	assert_non_null(fx->dir);
	if (config_parse(&fx->d.d_cfg, "clusters.yaml", clusters_yaml,
	        strlen(clusters_yaml), &err)
	    != 0) {
		fail_msg("config: %s", err.msg);
	}
	assert_true(fx->d.d_cfg->n_clusters <= CORE_FX_MAX_CLUSTERS);
	for (size_t i = 0; i < fx->d.d_cfg->n_clusters; i++) {
		fx->rp[i] = replay_new(fx->d.d_cfg->clusters[i].name);
		replay_add_fixture(
		    fx->rp[i], "sinfo", "--version", "24.11/version.txt", -1);
	}
	fx->d.d_config_path    = xasprintf("%s/clusters.yaml", fx->dir);
	fx->d.d_db_path        = xasprintf("%s/mlops.db", fx->dir);
	fx->d.d_state_dir      = xstrdup(fx->dir);
	fx->d.d_exec_new       = core_fx_exec_new;
	fx->d.d_exec_arg       = fx;
	fx->d.d_notify.job     = core_fx_notify_job;
	fx->d.d_notify.cluster = core_fx_notify_cluster;
	if (store_open(&fx->st, fx->d.d_db_path, &err) != 0
	    || store_instance_id(&fx->d.d_instance, fx->st, &err) != 0) {
		fail_msg("store: %s", err.msg);
	}
}

void
core_fx_start(struct core_fx *fx, bool poller)
{
	struct mlops_error err = { 0 };

	fx->d.d_logread = logread_new(&fx->d);
	if (clusters_start(&fx->d.d_clusters, &fx->d, &err) != 0
	    || launcher_new(&fx->d.d_launcher) != 0) {
		fail_msg("start: %s", err.msg);
	}
	for (size_t i = 0; i < fx->d.d_cfg->n_clusters; i++) {
		replay_drain(fx->rp[i]); /* the connect hook has run */
	}
	if (poller) {
		if (poller_start(&fx->d.d_poller, &fx->d, &err) != 0) {
			fail_msg("poller: %s", err.msg);
		}
		fx->poller = true;
	}
}

void
core_fx_fini(struct core_fx *fx)
{
	poller_stop(fx->d.d_poller);
	if (fx->d.d_launcher != NULL) {
		launcher_free(fx->d.d_launcher);
	}
	clusters_stop(fx->d.d_clusters);
	logread_free(fx->d.d_logread);
	for (size_t i = 0; i < CORE_FX_MAX_CLUSTERS; i++) {
		replay_free(fx->rp[i]);
	}
	store_close(fx->st);
	config_free(fx->d.d_cfg);
	for (size_t i = 0; i < fx->n_ev; i++) {
		free(fx->ev[i].state);
		free(fx->ev[i].previous);
	}
	free(fx->ev);
	free(fx->d.d_config_path);
	free(fx->d.d_db_path);
	free(fx->d.d_state_dir);
	free(fx->d.d_instance);
	testutil_rmtree(fx->dir);
	free(fx->dir);
	pthread_mutex_destroy(&fx->mtx);
}

struct replay *
core_fx_replay(struct core_fx *fx, const char *name)
{
	for (size_t i = 0; fx->d.d_cfg != NULL && i < fx->d.d_cfg->n_clusters;
	     i++) {
		if (strcmp(fx->d.d_cfg->clusters[i].name, name) == 0) {
			return fx->rp[i];
		}
	}
	return NULL;
}

int64_t
core_fx_add_job(struct core_fx *fx, const char *cluster, const char *state,
    const char *slurm_id)
{
	struct mlops_error err = { 0 };
	struct store_job   j   = {
		    .project       = "toy",
		    .cluster       = (char *) cluster,
		    .state         = (char *) state,
		    .slurm_job_id  = (char *) slurm_id,
		    .array_task_id = -1,
		    .exit_code     = -1,
		    .elapsed_s     = -1,
	};

	if (store_job_insert(fx->st, &j, &err) != 0) {
		fail_msg("store_job_insert: %s", err.msg);
	}
	return j.id;
}

void
core_fx_sql(struct core_fx *fx, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(store_db(fx->st), sql, NULL, NULL, &msg)
	    != SQLITE_OK) {
		fail_msg("%s: %s", sql, msg);
	}
}

struct store_job *
core_fx_job(struct core_fx *fx, int64_t id)
{
	struct store_job  *j   = NULL;
	struct mlops_error err = { 0 };

	if (store_job_get(&j, fx->st, id, &err) != 0) {
		fail_msg("job %lld: %s", (long long) id, err.msg);
	}
	return j;
}

size_t
core_fx_events(struct core_fx *fx, int64_t id, const char *state)
{
	size_t n = 0;

	pthread_mutex_lock(&fx->mtx);
	for (size_t i = 0; i < fx->n_ev; i++) {
		if (fx->ev[i].id == id
		    && (state == NULL
		        || strcmp(fx->ev[i].state, state) == 0)) {
			n++;
		}
	}
	pthread_mutex_unlock(&fx->mtx);
	return n;
}

uint64_t
core_fx_wait_cycles(struct core_fx *fx, const char *name, uint64_t n)
{
	struct poller_stats ps = { 0 };

	for (int i = 0; i < 1000; i++) {
		poller_stats(fx->d.d_poller, name, &ps);
		if (ps.cycles >= n) {
			break;
		}
		nanosleep(&(struct timespec) { 0, 10 * 1000 * 1000 }, NULL);
	}
	return ps.cycles;
}

uint64_t
core_fx_poll(struct core_fx *fx, const char *name)
{
	struct poller_stats before, after;

	poller_stats(fx->d.d_poller, name, &before);
	poller_kick(fx->d.d_poller, name);
	assert_int_equal(core_fx_wait_cycles(fx, name, before.cycles + 1),
	    before.cycles + 1);
	poller_stats(fx->d.d_poller, name, &after);
	return after.commands - before.commands;
}
