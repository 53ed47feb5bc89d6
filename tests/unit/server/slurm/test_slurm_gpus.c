/*
 * slurm_gpus: GPU rows per (partition, type) from the recorded node,
 * partition and pending-job fixtures. The sandbox's alpha cluster has, in
 * partition gpu, 6 a100 (4 on a-node1, 2 on a-node2) and 2 v100 (a-node2);
 * partition cpu has none. A busy GPU must never look free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "slurm_gpus.h"
#include "slurm_parse.h"
#include "test_slurm_util.h"

struct gpus_input {
	struct slurm_nodes        nodes;
	struct slurm_partitions   parts;
	struct slurm_gpu_requests pending;
	struct slurm_gpu_summary  sum;
};

/* Parses the fixtures (pending may be NULL) and summarizes them. */
static void
gpus_load(struct gpus_input *in, const char *nodes, const char *parts,
    const char *pending)
{
	struct mlops_error err = { 0 };
	char              *text;

	memset(in, 0, sizeof(*in));
	text = fx(nodes);
	assert_int_equal(slurm_parse_nodes(&in->nodes, text, &err), 0);
	free(text);
	text = fx(parts);
	assert_int_equal(slurm_parse_partitions(&in->parts, text, &err), 0);
	free(text);
	if (pending != NULL) {
		text = fx(pending);
		assert_int_equal(
		    slurm_parse_pending(&in->pending, text, &err), 0);
		free(text);
	}
	assert_int_equal(slurm_gpus_summarize(&in->sum, &in->nodes, &in->parts,
	                     pending ? &in->pending : NULL, &err),
	    0);
}

static void
gpus_free(struct gpus_input *in)
{
	slurm_gpu_summary_fini(&in->sum);
	slurm_nodes_fini(&in->nodes);
	slurm_partitions_fini(&in->parts);
	slurm_gpu_requests_fini(&in->pending);
}

static void
expect_row(const struct slurm_gpu_summary *s, const char *part,
    const char *type, long total, long allocated, long unavailable, long free_,
    long pending)
{
	const struct slurm_gpu_row *r = slurm_gpus_find(s, part, type);

	if (r == NULL) {
		print_error("no row %s/%s\n", part, type);
	}
	assert_non_null(r);
	if (r->total != total || r->allocated != allocated
	    || r->unavailable != unavailable || r->free != free_
	    || r->pending != pending) {
		print_error("%s/%s: total %ld alloc %ld unavail %ld free %ld "
		            "pending %ld\n",
		    part, type, r->total, r->allocated, r->unavailable,
		    r->free, r->pending);
	}
	assert_int_equal(r->total, total);
	assert_int_equal(r->allocated, allocated);
	assert_int_equal(r->unavailable, unavailable);
	assert_int_equal(r->free, free_);
	assert_int_equal(r->pending, pending);
	/* The invariant, and no GPU counted twice. */
	assert_true(r->free >= 0);
	assert_true(r->allocated + r->unavailable + r->free <= r->total);
}

static void
test_slurm_gpus_idle(void **state)
{
	struct gpus_input in;

	(void) state;
	gpus_load(&in, "22.05/nodes_idle.txt", "22.05/partitions.txt",
	    "22.05/pending_none.txt");
	assert_int_equal(in.sum.n, 2);
	/* Order: partitions as scontrol lists them, types by name. */
	assert_string_equal(in.sum.v[0].partition, "gpu");
	assert_string_equal(in.sum.v[0].type, "a100");
	assert_string_equal(in.sum.v[1].type, "v100");
	expect_row(&in.sum, "gpu", "a100", 6, 0, 0, 6, 0);
	expect_row(&in.sum, "gpu", "v100", 2, 0, 0, 2, 0);
	assert_null(slurm_gpus_find(&in.sum, "cpu", "gpu"));
	gpus_free(&in);

	gpus_load(&in, "22.05/nodes_beta_idle.txt",
	    "22.05/partitions_beta.txt", NULL);
	assert_int_equal(in.sum.n, 1);
	expect_row(&in.sum, "gpu", "h100", 4, 0, 0, 4, 0);
	gpus_free(&in);
}

static void
test_slurm_gpus_busy(void **state)
{
	struct gpus_input in;

	(void) state;
	/* One a100 in use on a-node1 (MIXED, GresUsed=gpu:a100:1). */
	gpus_load(&in, "22.05/nodes_one_gpu_running.txt",
	    "22.05/partitions.txt", NULL);
	expect_row(&in.sum, "gpu", "a100", 6, 1, 0, 5, 0);
	expect_row(&in.sum, "gpu", "v100", 2, 0, 0, 2, 0);
	gpus_free(&in);

	/* Every GPU allocated; the pending jobs of each request style. */
	gpus_load(&in, "22.05/nodes_all_gpus_busy.txt", "22.05/partitions.txt",
	    "22.05/pending_gpu_requests.txt");
	assert_int_equal(in.sum.n, 3);
	/* a100: 31 (1) + 35_1 (1) + 35_2 (1) + 36 (2 tasks x 1) */
	expect_row(&in.sum, "gpu", "a100", 6, 6, 0, 0, 5);
	expect_row(&in.sum, "gpu", "v100", 2, 2, 0, 0, 1);
	/* --gpus=1 (32) and --gres=gpu:1 (33): any type will do. */
	expect_row(&in.sum, "gpu", "any", 8, 8, 0, 0, 2);
	assert_true(in.sum.v[2].any);
	assert_string_equal(in.sum.v[2].type, "any");
	gpus_free(&in);
}

static void
test_slurm_gpus_unusable(void **state)
{
	struct gpus_input in;

	(void) state;
	/* a-node2 MIXED+DRAIN with all 4 GPUs running jobs: allocated, not
	 * unavailable, and never free. */
	gpus_load(
	    &in, "22.05/nodes_draining.txt", "22.05/partitions.txt", NULL);
	expect_row(&in.sum, "gpu", "a100", 6, 6, 0, 0, 0);
	expect_row(&in.sum, "gpu", "v100", 2, 2, 0, 0, 0);
	gpus_free(&in);

	/* a-node2 IDLE+DRAIN: its idle GPUs are unavailable. */
	gpus_load(&in, "22.05/nodes_drained.txt", "22.05/partitions.txt",
	    "22.05/pending_gpu_requests_drained.txt");
	expect_row(&in.sum, "gpu", "a100", 6, 4, 2, 0, 5);
	expect_row(&in.sum, "gpu", "v100", 2, 0, 2, 0, 1);
	expect_row(&in.sum, "gpu", "any", 8, 4, 4, 0, 2);
	gpus_free(&in);

	gpus_load(&in, "22.05/nodes_down.txt", "22.05/partitions.txt", NULL);
	expect_row(&in.sum, "gpu", "a100", 6, 0, 2, 4, 0);
	expect_row(&in.sum, "gpu", "v100", 2, 0, 2, 0, 0);
	gpus_free(&in);

	gpus_load(&in, "22.05/nodes_fail.txt", "22.05/partitions.txt", NULL);
	expect_row(&in.sum, "gpu", "a100", 6, 0, 2, 4, 0);
	gpus_free(&in);

	gpus_load(&in, "22.05/nodes_maint.txt", "22.05/partitions.txt", NULL);
	expect_row(&in.sum, "gpu", "v100", 2, 0, 2, 0, 0);
	gpus_free(&in);

	gpus_load(&in, "synthetic/nodes_not_responding.txt",
	    "22.05/partitions.txt", NULL);
	expect_row(&in.sum, "gpu", "a100", 6, 0, 6, 0, 0);
	expect_row(&in.sum, "gpu", "v100", 2, 0, 2, 0, 0);
	gpus_free(&in);

	/* Powered down is usable (Slurm boots it); powering down is not. */
	gpus_load(&in, "synthetic/nodes_powered_down.txt",
	    "22.05/partitions.txt", NULL);
	expect_row(&in.sum, "gpu", "a100", 6, 0, 2, 4, 0);
	expect_row(&in.sum, "gpu", "v100", 2, 0, 2, 0, 0);
	gpus_free(&in);
}

static void
test_slurm_gpus_synthetic(void **state)
{
	struct gpus_input in;

	(void) state;
	gpus_load(&in, "synthetic/nodes_untyped_gres.txt",
	    "22.05/partitions.txt", "22.05/pending_gpu_requests.txt");
	/* Untyped GPUs are type "gpu"; with one type, untyped requests land
	 * in its row and typed a100/v100 requests find no row. */
	assert_int_equal(in.sum.n, 1);
	expect_row(&in.sum, "gpu", "gpu", 4, 1, 0, 3, 2);
	gpus_free(&in);

	gpus_load(&in, "synthetic/nodes_socket_suffix.txt",
	    "22.05/partitions.txt", NULL);
	expect_row(&in.sum, "gpu", "a100", 6, 6, 0, 0, 0);
	expect_row(&in.sum, "gpu", "v100", 2, 1, 0, 1, 0);
	gpus_free(&in);
}

static void
test_slurm_gpus_held_and_partitions(void **state)
{
	struct gpus_input         in;
	struct slurm_gpu_requests req = { 0 };
	struct slurm_gpu_summary  sum = { 0 };
	struct mlops_error        err = { 0 };

	(void) state;
	/* Held jobs compete for nothing. */
	gpus_load(&in, "22.05/nodes_idle.txt", "22.05/partitions.txt",
	    "22.05/pending_gpu_requests_held.txt");
	expect_row(&in.sum, "gpu", "a100", 6, 0, 0, 6, 0);
	expect_row(&in.sum, "gpu", "v100", 2, 0, 0, 2, 0);
	assert_null(slurm_gpus_find(&in.sum, "gpu", "any"));

	/* The same job released: "gpu,cpu" counts where the type exists. */
	assert_int_equal(
	    slurm_parse_pending(&req,
	        "45|45|gpu,cpu|1|1|gres:gpu:v100:1|N/A|N/A|N/A|"
	        "Priority|\n"
	        "46|46|cpu|1|1|gres:gpu:1|N/A|N/A|N/A|Priority|\n",
	        &err),
	    0);
	assert_int_equal(
	    slurm_gpus_summarize(&sum, &in.nodes, &in.parts, &req, &err), 0);
	expect_row(&sum, "gpu", "v100", 2, 0, 0, 2, 1);
	expect_row(&sum, "gpu", "a100", 6, 0, 0, 6, 0);
	assert_int_equal(sum.n, 2);
	slurm_gpu_summary_fini(&sum);
	slurm_gpu_requests_fini(&req);
	gpus_free(&in);
}

static void
test_slurm_gpus_edges(void **state)
{
	struct slurm_nodes       nodes = { 0 };
	struct slurm_gpu_summary sum   = { NULL, 3 };
	struct mlops_error       err   = { 0 };

	(void) state;
	/* A node in two partitions counts in both; without partitions the
	 * order is the nodes'. No GresUsed (no -d): a MIXED node's GPUs
	 * count as allocated, an IDLE node's as free. An untyped "gpu:2" in
	 * use on a typed node fills its types in order. */
	assert_int_equal(
	    slurm_parse_nodes(&nodes,
	        "NodeName=n1 State=MIXED Partitions=debug,gpu "
	        "Gres=gpu:a100:2\n"
	        "NodeName=n2 State=IDLE Partitions=gpu Gres=gpu:a100:1\n"
	        "NodeName=n3 State=MIXED Partitions=gpu "
	        "Gres=gpu:a100:1,gpu:h100:2 GresUsed=gpu:2,gpu:h100:0\n"
	        "NodeName=n4 State=ALLOCATED Partitions=gpu "
	        "Gres=gpu:a100:1 GresUsed=gpu:a100:5(IDX:0)\n",
	        &err),
	    0);
	assert_int_equal(
	    slurm_gpus_summarize(&sum, &nodes, NULL, NULL, &err), 0);
	assert_int_equal(sum.n, 3);
	assert_string_equal(sum.v[0].partition, "debug");
	expect_row(&sum, "debug", "a100", 2, 2, 0, 0, 0);
	/* a100: n1 2 used + n2 0 + n3 1 (untyped fills a100 first) + n4 1
	 * (5 clamped to 1) */
	expect_row(&sum, "gpu", "a100", 5, 4, 0, 1, 0);
	expect_row(&sum, "gpu", "h100", 2, 1, 0, 1, 0);
	slurm_gpu_summary_fini(&sum);

	assert_int_equal(
	    slurm_gpus_summarize(&sum, NULL, NULL, NULL, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "nodes");
	slurm_nodes_fini(&nodes);

	/* No nodes: no rows. */
	assert_int_equal(
	    slurm_gpus_summarize(&sum, &nodes, NULL, NULL, &err), 0);
	assert_int_equal(sum.n, 0);
	slurm_gpu_summary_fini(&sum);
	slurm_gpu_summary_fini(NULL);
	assert_null(slurm_gpus_find(NULL, "gpu", "a100"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slurm_gpus_idle),
		cmocka_unit_test(test_slurm_gpus_busy),
		cmocka_unit_test(test_slurm_gpus_unusable),
		cmocka_unit_test(test_slurm_gpus_synthetic),
		cmocka_unit_test(test_slurm_gpus_held_and_partitions),
		cmocka_unit_test(test_slurm_gpus_edges),
	};

	return cmocka_run_group_tests_name("slurm_gpus", tests, NULL, NULL);
}
