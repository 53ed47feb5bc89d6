/*
 * Cluster methods: the configured clusters. Fast, answered inline.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/xmalloc.h>

#include "cluster_info.h"
#include "clusters.h"
#include "config.h"
#include "gpucache.h"
#include "mlopsd.h"
#include "rpc_handlers.h"
#include "slurm_cmd.h"
#include "slurm_parse.h"

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

/* Looks up a cluster by the request's name; err names the field. */
static const struct cluster_config *
rpc_cluster_find(
    struct rpc_call *call, const char *name, struct mlops_error *err)
{
	const struct cluster_config *cc;

	if (name == NULL || name[0] == '\0') {
		mlops_error_set_field(err, MLOPS_EINVAL, "name",
		    "name: a cluster name is required");
		return NULL;
	}
	cc = config_cluster_find(rpc_call_daemon(call)->d_cfg, name);
	if (cc == NULL) {
		mlops_error_set_field(err, MLOPS_ENOTFOUND, "name",
		    "no cluster named '%s' in %s", name,
		    rpc_call_daemon(call)->d_config_path);
	}
	return cc;
}

/*
 * Trust runs on a short-lived thread of its own: it opens a separate,
 * unauthenticated session (blocking), which must not occupy an nng thread
 * nor the cluster's worker.
 */
struct rpc_trust {
	struct rpc_call             *call;
	const struct cluster_config *cc;
	struct clusters             *cs;
	char                        *fingerprint; /* NULL: only report */
};

static void *
rpc_trust_main(void *arg)
{
	struct rpc_trust         *t   = arg;
	struct mlops_error        err = { 0 };
	Mlops__ClusterTrustReply *r;
	char                     *fp = NULL, *type = NULL;
	int                       known = 0, rc;

	struct executor *ex = clusters_exec(t->cs, t->cc->name);

	if (t->fingerprint != NULL) {
		rc = executor_trust_hostkey(ex, t->fingerprint, &err);
		if (rc == 0) {
			/* The worker retries at once with the new key. */
			executor_kick(ex);
		}
	} else {
		rc = 0;
	}
	if (rc == 0) {
		rc = executor_fetch_hostkey(ex, &fp, &type, &known, &err);
	}
	if (rc == 0) {
		Mlops__Response *resp = rpc_call_response(t->call);

		r               = RPC_ALLOC(t->call, Mlops__ClusterTrustReply,
		                  MLOPS__CLUSTER_TRUST_REPLY__INIT);
		r->name         = rpc_call_strdup(t->call, t->cc->name);
		r->fingerprint  = rpc_call_keep(t->call, fp);
		r->key_type     = rpc_call_keep(t->call, type);
		r->known        = known;
		r->added        = t->fingerprint != NULL;
		r->known_hosts  = rpc_call_strdup(t->call,
                    t->cc->known_hosts ? t->cc->known_hosts
		                        : "~/.ssh/known_hosts");
		resp->body_case = MLOPS__RESPONSE__BODY_CLUSTER_TRUST;
		resp->cluster_trust = r;
	}
	rpc_call_complete(t->call, rc, &err);
	free(t->fingerprint);
	free(t);
	return NULL;
}

RPC_HANDLER(rpc_cluster_trust)
{
	const Mlops__ClusterTrustRequest *q = req->cluster_trust;
	const struct cluster_config      *cc;
	struct rpc_trust                 *t;
	pthread_t                         th;
	pthread_attr_t                    attr;

	if ((cc = rpc_cluster_find(call, q ? q->name : NULL, err)) == NULL) {
		return err->code;
	}
	t       = xcalloc(1, sizeof(*t));
	t->call = call;
	t->cc   = cc;
	t->cs   = rpc_call_daemon(call)->d_clusters;
	if (q->fingerprint != NULL && q->fingerprint[0] != '\0') {
		if (strncmp(q->fingerprint, "SHA256:", 7) != 0) {
			free(t);
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "fingerprint",
			    "fingerprint: expected SHA256:..., as shown by "
			    "`mlops cluster trust %s`",
			    cc->name);
		}
		t->fingerprint = xstrdup(q->fingerprint);
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, rpc_trust_main, t) != 0) {
		pthread_attr_destroy(&attr);
		free(t->fingerprint);
		free(t);
		return mlops_error_set(err, MLOPS_ERROR,
		    "cannot start a thread for the host key check");
	}
	pthread_attr_destroy(&attr);
	return RPC_PENDING;
}

/*
 * cluster_gpus: one or every cluster, each answered from its cache. The
 * reply goes out when the last cluster has answered (at once for warm
 * caches; after the first fetch for cold ones).
 */
struct rpc_gpus {
	struct rpc_call         *call;
	pthread_mutex_t          mtx;
	size_t                   left;
	Mlops__ClusterGpusReply *reply;
};

struct rpc_gpus_slot {
	struct rpc_gpus *g;
	size_t           index;
	const char      *name;
};

static void
rpc_gpus_fill(
    struct rpc_call *call, Mlops__ClusterGpus *m, struct gpucache_view *v)
{
	m->fetched_at = v->fetched_at;
	m->stale      = v->stale;
	if (v->error.code != 0) {
		m->error = RPC_ALLOC(call, Mlops__Error, MLOPS__ERROR__INIT);
		m->error->code    = v->error.code;
		m->error->message = rpc_call_strdup(call, v->error.msg);
		m->error->field   = "";
	}
	m->n_rows = v->n_rows;
	m->rows   = rpc_call_alloc(
	      call, (v->n_rows ? v->n_rows : 1) * sizeof(*m->rows));
	for (size_t i = 0; i < v->n_rows; i++) {
		Mlops__GpuRow *r
		    = RPC_ALLOC(call, Mlops__GpuRow, MLOPS__GPU_ROW__INIT);

		r->partition   = rpc_call_strdup(call, v->rows[i].partition);
		r->gpu_type    = rpc_call_strdup(call, v->rows[i].gpu_type);
		r->total       = v->rows[i].total;
		r->allocated   = v->rows[i].allocated;
		r->free        = v->rows[i].free;
		r->unavailable = v->rows[i].unavailable;
		r->pending     = v->rows[i].pending;
		m->rows[i]     = r;
	}
}

static void
rpc_gpus_done(void *arg, struct gpucache_view *v)
{
	struct rpc_gpus_slot *s = arg;
	struct rpc_gpus      *g = s->g;
	size_t                left;

	pthread_mutex_lock(&g->mtx);
	rpc_gpus_fill(g->call, g->reply->clusters[s->index], v);
	left = --g->left;
	pthread_mutex_unlock(&g->mtx);
	gpucache_view_fini(v);
	free(v);
	free(s);
	if (left == 0) {
		Mlops__Response *resp = rpc_call_response(g->call);

		resp->body_case    = MLOPS__RESPONSE__BODY_CLUSTER_GPUS;
		resp->cluster_gpus = g->reply;
		rpc_call_complete(g->call, 0, NULL);
		pthread_mutex_destroy(&g->mtx);
		free(g);
	}
}

RPC_HANDLER(rpc_cluster_gpus)
{
	struct mlopsd       *d   = rpc_call_daemon(call);
	struct mlops_config *cfg = d->d_cfg;
	const char *want = req->cluster_gpus ? req->cluster_gpus->name : NULL;
	struct rpc_gpus *g;
	size_t           n = 0, k = 0;

	if (want != NULL && want[0] != '\0') {
		if (rpc_cluster_find(call, want, err) == NULL) {
			return err->code;
		}
		n = 1;
	} else {
		want = NULL;
		n    = cfg->n_clusters;
	}
	g        = xcalloc(1, sizeof(*g));
	g->call  = call;
	g->left  = n;
	g->reply = RPC_ALLOC(
	    call, Mlops__ClusterGpusReply, MLOPS__CLUSTER_GPUS_REPLY__INIT);
	g->reply->n_clusters = n;
	g->reply->clusters
	    = rpc_call_alloc(call, (n ? n : 1) * sizeof(void *));
	pthread_mutex_init(&g->mtx, NULL);
	if (n == 0) {
		resp->body_case    = MLOPS__RESPONSE__BODY_CLUSTER_GPUS;
		resp->cluster_gpus = g->reply;
		pthread_mutex_destroy(&g->mtx);
		free(g);
		return 0;
	}
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		const char         *name = cfg->clusters[i].name;
		Mlops__ClusterGpus *m;

		if (want != NULL && strcmp(want, name) != 0) {
			continue;
		}
		m = RPC_ALLOC(
		    call, Mlops__ClusterGpus, MLOPS__CLUSTER_GPUS__INIT);
		m->name               = rpc_call_strdup(call, name);
		g->reply->clusters[k] = m;
		k++;
	}
	/* Only now ask the caches: their callbacks may run at once. */
	for (size_t i = 0; i < n; i++) {
		struct rpc_gpus_slot *s = xcalloc(1, sizeof(*s));

		s->g     = g;
		s->index = i;
		gpucache_get(clusters_gpucache(
		                 d->d_clusters, g->reply->clusters[i]->name),
		    rpc_gpus_done, s);
	}
	return RPC_PENDING;
}

/* cluster_check: the core reads the cluster; this converts the answer. */
static void
rpc_check_done(void *arg, int rc, struct cluster_info *info,
    const struct mlops_error *err)
{
	struct rpc_call          *call = arg;
	Mlops__ClusterCheckReply *r;

	if (rc < 0) {
		rpc_call_complete(call, rc, err);
		return;
	}
	r = RPC_ALLOC(
	    call, Mlops__ClusterCheckReply, MLOPS__CLUSTER_CHECK_REPLY__INIT);
	r->name          = rpc_call_strdup(call, info->name);
	r->slurm_version = rpc_call_strdup(call, info->status.slurm_version);
	r->host_key_fingerprint
	    = rpc_call_strdup(call, info->status.conn.host_key);
	if (!info->version_tested) {
		r->slurm_version_note
		    = "not a version Mission Control is "
		      "tested with (" SLURM_CMD_TESTED_VERSIONS
		      "); see docs/slurm-versions.md";
	}
	r->nodes       = (int32_t) info->nodes.n;
	r->checked_at  = info->checked_at;
	r->n_gpu_types = info->n_gpu_types;
	r->gpu_types = rpc_call_strv(call, info->gpu_types, info->n_gpu_types);
	r->n_partitions = info->parts.n;
	r->partitions   = rpc_call_alloc(call,
	      (info->parts.n ? info->parts.n : 1) * sizeof(*r->partitions));
	for (size_t i = 0; i < info->parts.n; i++) {
		const struct slurm_partition *p = &info->parts.v[i];
		Mlops__Partition             *m = RPC_ALLOC(
		                call, Mlops__Partition, MLOPS__PARTITION__INIT);

		m->name         = rpc_call_strdup(call, p->name);
		m->is_default   = p->is_default;
		m->state        = rpc_call_strdup(call, p->state);
		m->max_time     = rpc_call_strdup(call, p->max_time);
		m->max_time_s   = p->max_time_s < 0 ? -1 : p->max_time_s;
		m->default_time = rpc_call_strdup(call,
		    p->default_time && strcmp(p->default_time, "NONE") != 0
		        ? p->default_time
		        : "");
		m->total_nodes  = (int32_t) p->total_nodes;
		m->total_cpus   = (int32_t) p->total_cpus;
		m->nodes        = rpc_call_strdup(call, p->nodes);
		m->n_gpu_types  = info->n_part_gpu_types[i];
		m->gpu_types    = rpc_call_strv(
		       call, info->part_gpu_types[i], info->n_part_gpu_types[i]);
		r->partitions[i] = m;
	}
	cluster_info_free(info);
	rpc_call_response(call)->body_case
	    = MLOPS__RESPONSE__BODY_CLUSTER_CHECK;
	rpc_call_response(call)->cluster_check = r;
	rpc_call_complete(call, 0, NULL);
}

RPC_HANDLER(rpc_cluster_check)
{
	const struct cluster_config *cc;
	int                          rc;

	if ((cc = rpc_cluster_find(call,
	         req->cluster_check ? req->cluster_check->name : NULL, err))
	    == NULL) {
		return err->code;
	}
	if ((rc = cluster_info_fetch(
	         rpc_call_daemon(call), cc->name, rpc_check_done, call, err))
	    < 0) {
		return rc;
	}
	return RPC_PENDING;
}
