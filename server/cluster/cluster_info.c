/*
 * cluster_info: partitions, nodes, GPU types and version of one cluster,
 * for `cluster check`. The reads run on the cluster's executor worker.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/xmalloc.h>

#include "cluster_info.h"
#include "mlopsd.h"
#include "slurm_cmd.h"
#include "slurm_gpus.h"

struct cluster_info_work {
	struct mlopsd       *d;
	cluster_info_cb      cb;
	void                *arg;
	struct cluster_info *info;
};

/* Runs one Slurm command that must succeed; *out takes its stdout. */
static int
cluster_info_run(
    struct exec_session *s, char **argv, char **out, struct mlops_error *err)
{
	struct exec_result res = { 0 };
	struct exec_opts   opts;
	int                rc;

	exec_opts_init(&opts);
	opts.timeout_ms = 30000;
	opts.max_stdout = 8u << 20;
	rc = exec_run(s, &res, (const char *const *) argv, &opts, err);
	slurm_argv_free(argv);
	if (rc < 0) {
		return rc;
	}
	if (res.exit_status != 0) {
		rc = slurm_parse_error(res.stderr_buf, err);
	} else {
		*out           = res.stdout_buf;
		res.stdout_buf = NULL;
	}
	exec_result_fini(&res);
	return rc;
}

static int
cluster_info_fn(struct exec_session *s, void *arg, struct mlops_error *err)
{
	struct cluster_info_work *w     = arg;
	struct cluster_info      *info  = w->info;
	char                     *ptext = NULL, *ntext = NULL;
	int                       rc;

	if ((rc = cluster_info_run(s, slurm_cmd_partitions(), &ptext, err)) < 0
	    || (rc = cluster_info_run(s, slurm_cmd_nodes(), &ntext, err)) < 0
	    || (rc = slurm_parse_partitions(&info->parts, ptext, err)) < 0
	    || (rc = slurm_parse_nodes(&info->nodes, ntext, err)) < 0) {
		goto out;
	}
	clusters_status(w->d->d_clusters, info->name, &info->status);
	if ((rc = slurm_cmd_check_version(info->status.slurm_major,
	         info->status.slurm_minor, info->status.slurm_version, err))
	    < 0) {
		goto out;
	}
	info->version_tested = slurm_cmd_version_tested(
	    info->status.slurm_major, info->status.slurm_minor);
	info->n_gpu_types
	    = slurm_gpus_types(&info->gpu_types, &info->nodes, NULL);
	info->part_gpu_types
	    = xcalloc(info->parts.n + 1, sizeof(*info->part_gpu_types));
	info->n_part_gpu_types
	    = xcalloc(info->parts.n + 1, sizeof(*info->n_part_gpu_types));
	for (size_t i = 0; i < info->parts.n; i++) {
		info->n_part_gpu_types[i]
		    = slurm_gpus_types(&info->part_gpu_types[i], &info->nodes,
		        info->parts.v[i].name);
	}
	info->checked_at = (int64_t) time(NULL);
out:
	free(ptext);
	free(ntext);
	return rc;
}

static void
cluster_info_done(void *arg, int rc, const struct mlops_error *err)
{
	struct cluster_info_work *w = arg;

	if (rc < 0) {
		cluster_info_free(w->info);
		w->cb(w->arg, rc, NULL, err);
	} else {
		w->cb(w->arg, 0, w->info, NULL);
	}
	free(w);
}

int
cluster_info_fetch(struct mlopsd *d, const char *name, cluster_info_cb cb,
    void *arg, struct mlops_error *err)
{
	struct executor          *ex = clusters_exec(d->d_clusters, name);
	struct cluster_info_work *w;
	int                       rc;

	if (ex == NULL) {
		return mlops_error_set_field(err, MLOPS_ENOTFOUND, "name",
		    "no cluster named '%s'", name);
	}
	w             = xcalloc(1, sizeof(*w));
	w->d          = d;
	w->cb         = cb;
	w->arg        = arg;
	w->info       = xcalloc(1, sizeof(*w->info));
	w->info->name = xstrdup(name);
	if ((rc = executor_call_async(
	         ex, cluster_info_fn, cluster_info_done, w, err))
	    < 0) {
		cluster_info_free(w->info);
		free(w);
	}
	return rc;
}

void
cluster_info_free(struct cluster_info *info)
{
	if (info == NULL) {
		return;
	}
	for (size_t i = 0; info->part_gpu_types != NULL && i < info->parts.n;
	     i++) {
		slurm_gpus_types_free(
		    info->part_gpu_types[i], info->n_part_gpu_types[i]);
	}
	free(info->part_gpu_types);
	free(info->n_part_gpu_types);
	slurm_gpus_types_free(info->gpu_types, info->n_gpu_types);
	slurm_partitions_fini(&info->parts);
	slurm_nodes_fini(&info->nodes);
	free(info->name);
	free(info);
}

int
cluster_info_check_request(struct exec_session *s,
    const struct cluster_config *cc, char **partition, int gpus,
    const char *gpu_type, struct mlops_error *err)
{
	char                         *ptext = NULL, *ntext = NULL;
	struct slurm_partitions       sp    = { 0 };
	struct slurm_nodes            sn    = { 0 };
	const struct slurm_partition *part  = NULL;
	char                        **types = NULL;
	size_t                        nt    = 0;
	bool                          found = gpus == 0 || gpu_type == NULL;
	int                           rc;

	if ((rc = cluster_info_run(s, slurm_cmd_partitions(), &ptext, err)) < 0
	    || (rc = slurm_parse_partitions(&sp, ptext, err)) < 0) {
		goto out;
	}
	for (size_t i = 0; i < sp.n && part == NULL; i++) {
		if (*partition != NULL ? strcmp(sp.v[i].name, *partition) == 0
		                       : sp.v[i].is_default) {
			part = &sp.v[i];
		}
	}
	if (part == NULL) {
		rc = *partition != NULL
		    ? mlops_error_set_field(err, MLOPS_EINVAL, "partition",
		        "partition: cluster %s has no partition '%s'",
		        cc->name, *partition)
		    : mlops_error_set_field(err, MLOPS_EINVAL, "partition",
		        "partition: cluster %s has no default partition; "
		        "name one with --partition",
		        cc->name);
		goto out;
	}
	if (*partition == NULL) {
		if (cc->allowed_partitions.n > 0
		    && !strlist_contains(
		        &cc->allowed_partitions, part->name)) {
			rc = mlops_error_set_field(err, MLOPS_EINVAL,
			    "partition",
			    "partition: the default partition '%s' of %s is "
			    "not in allowed_partitions; name one with "
			    "--partition",
			    part->name, cc->name);
			goto out;
		}
		*partition = xstrdup(part->name);
	}
	if (gpus == 0) {
		goto out;
	}
	if ((rc = cluster_info_run(s, slurm_cmd_nodes(), &ntext, err)) < 0
	    || (rc = slurm_parse_nodes(&sn, ntext, err)) < 0) {
		goto out;
	}
	nt = slurm_gpus_types(&types, &sn, *partition);
	for (size_t k = 0; k < nt && !found; k++) {
		found = strcmp(types[k], gpu_type) == 0;
	}
	if (nt == 0) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, "gpus",
		    "gpus: partition '%s' of %s has no GPUs", *partition,
		    cc->name);
	} else if (!found) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, "gpu_type",
		    "gpu_type: partition '%s' of %s has no '%s' GPUs",
		    *partition, cc->name, gpu_type);
	}
out:
	slurm_gpus_types_free(types, nt);
	slurm_nodes_fini(&sn);
	slurm_partitions_fini(&sp);
	free(ptext);
	free(ntext);
	return rc;
}
