/*
 * What `mlops cluster check` reports of a cluster, read through its
 * executor: the Slurm version (and whether it is a tested one), the host
 * key of the connection, the partitions with their GPU types, and the
 * nodes. The commands run on the executor's worker; nothing blocks the
 * caller.
 */
#ifndef MLOPS_SERVER_CLUSTER_INFO_H
#define MLOPS_SERVER_CLUSTER_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>

#include "clusters.h"
#include "slurm_parse.h"

struct mlopsd;

struct cluster_info {
	char                   *name;
	struct cluster_status   status; /* version, host key */
	bool                    version_tested;
	struct slurm_partitions parts;
	struct slurm_nodes      nodes;
	char                  **gpu_types; /* of every node, sorted */
	size_t                  n_gpu_types;
	char                 ***part_gpu_types; /* per parts.v[i] */
	size_t                 *n_part_gpu_types;
	int64_t                 checked_at; /* unix seconds */
};

/*
 * Completion of cluster_info_fetch(), on the executor's worker: `info`
 * (the callback owns it; cluster_info_free()) when rc is 0, else NULL and
 * `err`.
 */
typedef void (*cluster_info_cb)(void *arg, int rc, struct cluster_info *info,
    const struct mlops_error *err);

/**
 * Reads cluster `name`'s partitions and nodes (two Slurm commands) and
 * its version. `cb` runs exactly once unless this returns an error.
 * Returns 0, MLOPS_ENOTFOUND (no such cluster) or MLOPS_ERROR; the
 * callback gets MLOPS_EUNREACHABLE, MLOPS_ESLURM (Slurm's words, or a
 * version older than slurm_cmd_check_version() allows) or MLOPS_EPARSE.
 */
int cluster_info_fetch(struct mlopsd *d, const char *name, cluster_info_cb cb,
    void *arg, struct mlops_error *err);

void cluster_info_free(struct cluster_info *info);

struct exec_session;
struct cluster_config;

/**
 * A launch request against what cluster `cc` really has, inside an
 * executor call: the partition `*partition` exists (NULL: the cluster's
 * default, which must be in allowed_partitions; *partition is then set to
 * it, caller frees), and with `gpus` > 0 it has GPUs, of type `gpu_type`
 * when that is not NULL. Two Slurm commands at most (partitions; nodes only
 * for a GPU job). Returns 0, MLOPS_EINVAL naming the field (partition,
 * gpus, gpu_type), MLOPS_ESLURM (Slurm's words), MLOPS_EPARSE or the
 * executor's error.
 */
int cluster_info_check_request(struct exec_session *s,
    const struct cluster_config *cc, char **partition, int gpus,
    const char *gpu_type, struct mlops_error *err);

#endif
