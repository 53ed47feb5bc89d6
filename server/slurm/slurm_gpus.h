/*
 * GPU availability per (partition, GPU type), aggregated from parsed
 * `scontrol -d -o show node`, `scontrol show partition -o` and the pending
 * GPU requests (slurm_parse.h). Pure; safe on any thread.
 */
#ifndef MLOPS_SERVER_SLURM_GPUS_H
#define MLOPS_SERVER_SLURM_GPUS_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/error.h>

#include "slurm_parse.h"

/*
 * One row. Counts are GPUs:
 *   total        every GPU of that type on the partition's nodes, whatever
 *                their state.
 *   allocated    GPUs in use by jobs (GresUsed), on any node, usable or
 *                not: the GPUs of a DRAINING node that still run a job are
 *                allocated, not unavailable ("in use" is what they are).
 *   unavailable  the GPUs not in use on nodes that cannot take new jobs
 *                (slurm_node_gpus_usable() false: down, drained, draining,
 *                not responding, fail, maint, inval, reserved, ...).
 *   free         total - allocated - unavailable, never negative: GPUs a
 *                new job could get now. A busy GPU is never free; a node
 *                that prints no GresUsed counts as fully allocated when it
 *                is ALLOCATED, MIXED or COMPLETING.
 *   pending      GPUs asked for by pending jobs that may run in this
 *                partition (a job submitted to "gpu,cpu" counts in both),
 *                held jobs (JobHeldUser, JobHeldAdmin) excepted since they
 *                compete for nothing until released.
 *
 * Untyped nodes ("Gres=gpu:4") give type "gpu". An untyped request
 * ("--gpus=1", "--gres=gpu:1") can be served by any type, so it is not
 * charged to one: in a partition with a single GPU type it counts in that
 * type's row; in a partition with several it counts in an extra row of
 * type "any" (`any` true) whose total/allocated/unavailable/free are the
 * sums of the partition's typed rows (so do not add an "any" row to the
 * others). That row exists only while such requests are pending. A typed
 * request for a type the partition lacks is not counted there.
 */
struct slurm_gpu_row {
	char *partition;
	char *type;
	bool  any;
	long  total;
	long  allocated;
	long  unavailable;
	long  free;
	long  pending;
};

struct slurm_gpu_summary {
	struct slurm_gpu_row *v;
	size_t                n;
};

/**
 * Builds the rows. Partitions come in the order of `parts` (only those;
 * rows for partitions not in it are dropped), or in the order the nodes
 * name them when `parts` is NULL; within a partition, types sort by name
 * and "any" comes last. Partitions without GPUs have no rows. `pending`
 * may be NULL. Caller frees with slurm_gpu_summary_fini().
 * Returns 0, or MLOPS_EINVAL when `nodes` is NULL.
 */
int slurm_gpus_summarize(struct slurm_gpu_summary *out,
    const struct slurm_nodes *nodes, const struct slurm_partitions *parts,
    const struct slurm_gpu_requests *pending, struct mlops_error *err);

void slurm_gpu_summary_fini(struct slurm_gpu_summary *s);

/**
 * The GPU types of the nodes of `partition` (of every node when NULL),
 * sorted, each once; "gpu" stands for untyped GRES. Sets *out (NULL when
 * there are none) and returns how many; the caller frees the list with
 * slurm_gpus_types_free().
 */
size_t slurm_gpus_types(
    char ***out, const struct slurm_nodes *nodes, const char *partition);
void slurm_gpus_types_free(char **types, size_t n);

/** The row for (partition, type), or NULL. */
const struct slurm_gpu_row *slurm_gpus_find(const struct slurm_gpu_summary *s,
    const char *partition, const char *type);

#endif
