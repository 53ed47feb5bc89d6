/*
 * slurm_parse: values (durations, times, exit codes), sinfo --version,
 * partitions, nodes and their states, GRES lists, sbatch output and error
 * text, from the fixtures in tests/fixtures/slurm/ (recorded on the Slurm
 * 22.05.8 sandbox, plus the synthetic_* ones) with their values asserted;
 * malformed input gives MLOPS_EPARSE naming the line and field. Job rows
 * are in test_slurm_parse_jobs.c.
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

#include "slurm_parse.h"
#include "test_slurm_util.h"

/* ---- small values ------------------------------------------------------ */

static void
test_slurm_parse_duration(void **state)
{
	static const struct {
		const char *s;
		long        want;
	} ok[] = {
		{ "1-02:03:04", 93784 },
		{ "1-00:00:00", 86400 },
		{ "00:00:02", 2 },
		{ "01:00:00", 3600 },
		{ "1:00:00", 3600 },
		{ "10:00", 600 },
		{ "5:00", 300 },
		{ "1:11", 71 },
		{ "0:00", 0 },
		{ "30", 1800 },
		{ "2-12", 216000 },
		{ "2-12:30", 217800 },
		{ "100:00:00", 360000 },
		{ "UNLIMITED", SLURM_DURATION_UNLIMITED },
		{ "INFINITE", SLURM_DURATION_UNLIMITED },
		{ "NONE", SLURM_DURATION_NONE },
		{ "NOT_SET", SLURM_DURATION_NONE },
		{ "Partition_Limit", SLURM_DURATION_NONE },
		{ "", SLURM_DURATION_NONE },
	};
	static const char *const bad[] = { "x", "1-", "-1", "1:2:3:4", "1:60",
		"1:60:00", "00:00:60", "1-1:99", "1.5", "1:", ":1", "1--2",
		" 1", "1-02:03:04x", "99999999999999999999" };
	struct mlops_error       err   = { 0 };

	(void) state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		long got = -99;

		assert_int_equal(slurm_parse_duration(&got, ok[i].s, &err), 0);
		if (got != ok[i].want) {
			print_error("%s -> %ld\n", ok[i].s, got);
		}
		assert_int_equal(got, ok[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long got = -99;

		if (slurm_parse_duration(&got, bad[i], &err) != MLOPS_EPARSE) {
			print_error("accepted '%s'\n", bad[i]);
			fail();
		}
		assert_int_equal(got, -99);
		assert_non_null(strstr(err.msg, "duration"));
	}
}

static void
test_slurm_parse_time(void **state)
{
	struct mlops_error err = { 0 };
	int64_t            t   = -1;

	(void) state;
	assert_int_equal(
	    slurm_parse_time(&t, "2026-11-28T16:53:24", 0, &err), 0);
	assert_int_equal(t, T_16_53_24);
	/* A cluster in CET (+01:00) prints local time an hour ahead. */
	assert_int_equal(
	    slurm_parse_time(&t, "2026-11-28T17:53:24", 3600, &err), 0);
	assert_int_equal(t, T_16_53_24);
	assert_int_equal(
	    slurm_parse_time(&t, "1970-01-01T00:00:00", 0, &err), 0);
	assert_int_equal(t, 0);
	assert_int_equal(
	    slurm_parse_time(&t, "2000-02-29T12:00:00", 0, &err), 0);
	assert_int_equal(t, 951825600);
	for (const char *const *s
	     = (const char *const[]) { "Unknown", "None", "N/A", "", NULL };
	     *s != NULL; s++) {
		t = -1;
		assert_int_equal(slurm_parse_time(&t, *s, 0, &err), 0);
		assert_int_equal(t, 0);
	}
	for (const char *const *s
	     = (const char *const[]) { "2026-13-01T00:00:00",
	         "2026-02-30T00:00:00", "2026-02-29T00:00:00",
	         "2026-11-28 16:53:24", "2026-11-28T24:00:00",
	         "2026-11-28T16:53", "16:53:24", "Tomorr 12:00",
	         "2026-11-28T16:53:24Z", NULL };
	     *s != NULL; s++) {
		t = -1;
		if (slurm_parse_time(&t, *s, 0, &err) != MLOPS_EPARSE) {
			print_error("accepted '%s'\n", *s);
			fail();
		}
		assert_int_equal(t, -1);
	}
}

static void
test_slurm_parse_exit_code(void **state)
{
	struct mlops_error err  = { 0 };
	int                code = -1, sig = -1;

	(void) state;
	assert_int_equal(slurm_parse_exit_code(&code, &sig, "3:0", &err), 0);
	assert_int_equal(code, 3);
	assert_int_equal(sig, 0);
	assert_int_equal(slurm_parse_exit_code(&code, &sig, "0:15", &err), 0);
	assert_int_equal(code, 0);
	assert_int_equal(sig, 15);
	for (const char *const *s = (const char *const[]) { "3", "3:", ":0",
	         "a:b", "256:0", "-1:0", "", NULL };
	     *s != NULL; s++) {
		code = sig = 42;
		assert_int_equal(slurm_parse_exit_code(&code, &sig, *s, &err),
		    MLOPS_EPARSE);
		assert_int_equal(code, 42);
		assert_string_equal(err.field, "ExitCode");
	}
}

/* ---- version ----------------------------------------------------------- */

static void
test_slurm_parse_version(void **state)
{
	struct slurm_version v   = { 0 };
	struct mlops_error   err = { 0 };
	char                *text;

	(void) state;
	text = fx("22.05/version.txt");
	assert_int_equal(slurm_parse_version(&v, text, &err), 0);
	assert_int_equal(v.major, 22);
	assert_int_equal(v.minor, 5);
	assert_int_equal(v.patch, 8);
	assert_string_equal(v.text, "22.05.8");
	free(text);
	text = fx("22.05/version_beta.txt");
	assert_int_equal(slurm_parse_version(&v, text, &err), 0);
	assert_string_equal(v.text, "22.05.8");
	free(text);

	assert_int_equal(slurm_parse_version(&v, "slurm 23.11.4\n", &err), 0);
	assert_int_equal(v.major, 23);
	assert_int_equal(v.minor, 11);
	assert_int_equal(v.patch, 4);
	assert_int_equal(
	    slurm_parse_version(&v, "slurm 24.05.0-0rc1\r\n", &err), 0);
	assert_string_equal(v.text, "24.05.0-0rc1");
	assert_int_equal(v.major, 24);

	v.major = 99;
	expect_eparse(
	    slurm_parse_version(&v, "", &err), &err, NULL, "version");
	expect_eparse(slurm_parse_version(&v, "\n\nslurm\n", &err), &err,
	    "line 3", "version");
	expect_eparse(slurm_parse_version(&v, "torque 1.2.3", &err), &err,
	    "line 1", "version");
	expect_eparse(slurm_parse_version(&v, "slurm 22.05", &err), &err,
	    "line 1", "version");
	expect_eparse(slurm_parse_version(&v, "slurm 22.05.8 extra", &err),
	    &err, "line 1", "version");
	assert_int_equal(v.major, 99);
}

/* ---- partitions -------------------------------------------------------- */

static void
test_slurm_parse_partitions_fixture(void **state)
{
	struct slurm_partitions p   = { 0 };
	struct mlops_error      err = { 0 };
	char                   *text;

	(void) state;
	text = fx("22.05/partitions.txt");
	assert_int_equal(slurm_parse_partitions(&p, text, &err), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].name, "gpu");
	assert_true(p.v[0].is_default);
	assert_string_equal(p.v[0].state, "UP");
	assert_string_equal(p.v[0].max_time, "1-00:00:00");
	assert_int_equal(p.v[0].max_time_s, 86400);
	assert_string_equal(p.v[0].default_time, "01:00:00");
	assert_int_equal(p.v[0].default_time_s, 3600);
	assert_int_equal(p.v[0].total_nodes, 2);
	assert_int_equal(p.v[0].total_cpus, 16);
	assert_string_equal(p.v[0].nodes, "a-node[1-2]");
	assert_string_equal(p.v[1].name, "cpu");
	assert_false(p.v[1].is_default);
	assert_int_equal(p.v[1].max_time_s, 7200);
	assert_int_equal(p.v[1].default_time_s, 1800);
	assert_int_equal(p.v[1].total_nodes, 1);
	assert_int_equal(p.v[1].total_cpus, 8);
	assert_string_equal(p.v[1].nodes, "a-cpu1");
	slurm_partitions_fini(&p);
	free(text);

	text = fx("22.05/partitions_beta.txt");
	assert_int_equal(slurm_parse_partitions(&p, text, &err), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].max_time, "12:00:00");
	assert_int_equal(p.v[0].max_time_s, 43200);
	assert_string_equal(p.v[0].nodes, "b-node[1-2]");
	slurm_partitions_fini(&p);
	free(text);

	assert_int_equal(slurm_parse_partitions(&p, "", &err), 0);
	assert_int_equal(p.n, 0);
	slurm_partitions_fini(&p);
	slurm_partitions_fini(NULL);
}

static void
test_slurm_parse_partitions_edge(void **state)
{
	struct slurm_partitions p   = { 0 };
	struct mlops_error      err = { 0 };

	(void) state;
	assert_int_equal(
	    slurm_parse_partitions(&p,
	        "PartitionName=long Default=NO MaxTime=UNLIMITED "
	        "DefaultTime=NONE Nodes=(null) State=INACTIVE TotalCPUs=0 "
	        "TotalNodes=0\n",
	        &err),
	    0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].max_time_s, SLURM_DURATION_UNLIMITED);
	assert_string_equal(p.v[0].max_time, "UNLIMITED");
	assert_int_equal(p.v[0].default_time_s, SLURM_DURATION_NONE);
	assert_null(p.v[0].nodes);
	assert_string_equal(p.v[0].state, "INACTIVE");
	slurm_partitions_fini(&p);

	p.n = 77;
	expect_eparse(slurm_parse_partitions(&p,
	                  "PartitionName=a State=UP\ngarbage here\n", &err),
	    &err, "line 2", "PartitionName");
	expect_eparse(
	    slurm_parse_partitions(&p, "PartitionName=a MaxTime=soon\n", &err),
	    &err, "line 1", "MaxTime");
	expect_eparse(slurm_parse_partitions(
	                  &p, "PartitionName=a DefaultTime=1:99\n", &err),
	    &err, "line 1", "DefaultTime");
	expect_eparse(slurm_parse_partitions(
	                  &p, "\nPartitionName=a TotalNodes=two\n", &err),
	    &err, "line 2", "TotalNodes");
	expect_eparse(
	    slurm_parse_partitions(&p, "PartitionName=a TotalCPUs=-1\n", &err),
	    &err, "line 1", "TotalCPUs");
	expect_eparse(slurm_parse_partitions(&p, "PartitionName= x=1\n", &err),
	    &err, "line 1", "PartitionName");
	assert_int_equal(p.n, 77);
}

/* ---- nodes ------------------------------------------------------------- */

static const struct slurm_node *
node_named(const struct slurm_nodes *nodes, const char *name)
{
	for (size_t i = 0; i < nodes->n; i++) {
		if (strcmp(nodes->v[i].name, name) == 0) {
			return &nodes->v[i];
		}
	}
	print_error("no node %s\n", name);
	fail();
	return NULL;
}

static void
parse_nodes_fx(struct slurm_nodes *nodes, const char *name)
{
	struct mlops_error err  = { 0 };
	char              *text = fx(name);
	int                rc   = slurm_parse_nodes(nodes, text, &err);

	if (rc != 0) {
		print_error("%s: %s\n", name, err.msg);
	}
	assert_int_equal(rc, 0);
	free(text);
}

static void
test_slurm_parse_nodes_idle(void **state)
{
	struct slurm_nodes       nodes = { 0 };
	const struct slurm_node *n;

	(void) state;
	parse_nodes_fx(&nodes, "22.05/nodes_idle.txt");
	assert_int_equal(nodes.n, 3);

	n = node_named(&nodes, "a-cpu1");
	assert_string_equal(n->state, "IDLE");
	assert_int_equal(n->flags, SLURM_NODE_IDLE);
	assert_int_equal(n->n_partitions, 1);
	assert_string_equal(n->partitions[0], "cpu");
	assert_int_equal(n->n_gres, 0);
	assert_true(n->has_gres_used);
	assert_int_equal(n->n_gres_used, 1);
	expect_gres(&n->gres_used[0], "gpu", "gpu", false, 0);
	assert_int_equal(n->cpu_total, 8);
	assert_int_equal(n->cpu_alloc, 0);
	/* RealMemory comes after the OS=... words: continuation works. */
	assert_int_equal(n->real_memory, 32000);
	assert_int_equal(n->alloc_memory, 0);
	assert_null(n->reason);
	assert_true(slurm_node_gpus_usable(n->flags));

	n = node_named(&nodes, "a-node1");
	assert_int_equal(n->n_gres, 1);
	expect_gres(&n->gres[0], "gpu", "a100", true, 4);
	assert_int_equal(n->n_gres_used, 1);
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 0);
	assert_string_equal(n->partitions[0], "gpu");

	n = node_named(&nodes, "a-node2");
	assert_int_equal(n->n_gres, 2);
	expect_gres(&n->gres[0], "gpu", "a100", true, 2);
	expect_gres(&n->gres[1], "gpu", "v100", true, 2);
	assert_int_equal(n->n_gres_used, 2);
	expect_gres(&n->gres_used[1], "gpu", "v100", true, 0);
	slurm_nodes_fini(&nodes);
	slurm_nodes_fini(NULL);
}

static void
test_slurm_parse_nodes_busy(void **state)
{
	struct slurm_nodes       nodes = { 0 };
	const struct slurm_node *n;

	(void) state;
	parse_nodes_fx(&nodes, "22.05/nodes_one_gpu_running.txt");
	n = node_named(&nodes, "a-node1");
	assert_string_equal(n->state, "MIXED");
	assert_int_equal(n->flags, SLURM_NODE_MIXED);
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 1);
	assert_int_equal(n->cpu_alloc, 2);
	assert_int_equal(n->alloc_memory, 2000);
	slurm_nodes_fini(&nodes);

	parse_nodes_fx(&nodes, "22.05/nodes_all_gpus_busy.txt");
	n = node_named(&nodes, "a-node1");
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 4);
	n = node_named(&nodes, "a-node2");
	assert_int_equal(n->flags, SLURM_NODE_MIXED);
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 2);
	expect_gres(&n->gres_used[1], "gpu", "v100", true, 2);
	slurm_nodes_fini(&nodes);

	parse_nodes_fx(&nodes, "22.05/nodes_beta_idle.txt");
	assert_int_equal(nodes.n, 3);
	n = node_named(&nodes, "b-node2");
	expect_gres(&n->gres[0], "gpu", "h100", true, 2);
	slurm_nodes_fini(&nodes);
}

static void
test_slurm_parse_nodes_unusable(void **state)
{
	struct slurm_nodes       nodes = { 0 };
	const struct slurm_node *n;

	(void) state;
	parse_nodes_fx(&nodes, "22.05/nodes_draining.txt");
	n = node_named(&nodes, "a-node2");
	assert_string_equal(n->state, "MIXED+DRAIN");
	assert_int_equal(n->flags,
	    SLURM_NODE_MIXED | SLURM_NODE_DRAIN | SLURM_NODE_DRAINING);
	assert_string_equal(
	    n->reason, "mlops fixture drain [root@2026-11-28T16:55:13]");
	assert_false(slurm_node_gpus_usable(n->flags));
	assert_true(
	    slurm_node_gpus_usable(node_named(&nodes, "a-node1")->flags));
	slurm_nodes_fini(&nodes);

	parse_nodes_fx(&nodes, "22.05/nodes_drained.txt");
	n = node_named(&nodes, "a-node2");
	assert_string_equal(n->state, "IDLE+DRAIN");
	assert_int_equal(
	    n->flags, SLURM_NODE_IDLE | SLURM_NODE_DRAIN | SLURM_NODE_DRAINED);
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 0);
	assert_false(slurm_node_gpus_usable(n->flags));
	slurm_nodes_fini(&nodes);

	parse_nodes_fx(&nodes, "22.05/nodes_down.txt");
	n = node_named(&nodes, "a-node2");
	assert_int_equal(n->flags, SLURM_NODE_DOWN);
	assert_string_equal(
	    n->reason, "mlops fixture down [root@2026-11-28T16:57:48]");
	assert_false(slurm_node_gpus_usable(n->flags));
	slurm_nodes_fini(&nodes);

	parse_nodes_fx(&nodes, "22.05/nodes_fail.txt");
	n = node_named(&nodes, "a-node2");
	assert_string_equal(n->state, "IDLE+FAIL");
	assert_int_equal(n->flags, SLURM_NODE_IDLE | SLURM_NODE_FAIL);
	assert_false(slurm_node_gpus_usable(n->flags));
	slurm_nodes_fini(&nodes);

	parse_nodes_fx(&nodes, "22.05/nodes_maint.txt");
	n = node_named(&nodes, "a-node2");
	assert_string_equal(n->state, "IDLE+MAINTENANCE+RESERVED");
	assert_int_equal(n->flags,
	    SLURM_NODE_IDLE | SLURM_NODE_MAINT | SLURM_NODE_RESERVED);
	assert_false(slurm_node_gpus_usable(n->flags));
	slurm_nodes_fini(&nodes);
}

static void
test_slurm_parse_nodes_synthetic(void **state)
{
	struct slurm_nodes       nodes = { 0 };
	const struct slurm_node *n;

	(void) state;
	parse_nodes_fx(&nodes, "synthetic/nodes_untyped_gres.txt");
	assert_int_equal(nodes.n, 1);
	n = &nodes.v[0];
	expect_gres(&n->gres[0], "gpu", "gpu", false, 4);
	expect_gres(&n->gres_used[0], "gpu", "gpu", false, 1);
	slurm_nodes_fini(&nodes);

	parse_nodes_fx(&nodes, "synthetic/nodes_not_responding.txt");
	n = node_named(&nodes, "a-node1");
	assert_int_equal(
	    n->flags, SLURM_NODE_IDLE | SLURM_NODE_NOT_RESPONDING);
	assert_false(slurm_node_gpus_usable(n->flags));
	n = node_named(&nodes, "a-node2");
	assert_int_equal(
	    n->flags, SLURM_NODE_DOWN | SLURM_NODE_NOT_RESPONDING);
	assert_string_equal(
	    n->reason, "Not responding [slurm@2026-11-28T17:00:00]");
	slurm_nodes_fini(&nodes);

	parse_nodes_fx(&nodes, "synthetic/nodes_powered_down.txt");
	n = node_named(&nodes, "a-node1");
	assert_int_equal(n->flags, SLURM_NODE_IDLE | SLURM_NODE_POWERED_DOWN);
	assert_true(slurm_node_gpus_usable(n->flags));
	n = node_named(&nodes, "a-node2");
	assert_int_equal(n->flags, SLURM_NODE_IDLE | SLURM_NODE_POWERING_DOWN);
	assert_false(slurm_node_gpus_usable(n->flags));
	slurm_nodes_fini(&nodes);

	parse_nodes_fx(&nodes, "synthetic/nodes_socket_suffix.txt");
	n = node_named(&nodes, "a-node1");
	assert_int_equal(n->n_gres, 1);
	expect_gres(&n->gres[0], "gpu", "a100", true, 4);
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 4);
	n = node_named(&nodes, "a-node2");
	assert_int_equal(n->n_gres, 2);
	expect_gres(&n->gres[0], "gpu", "a100", true, 2);
	expect_gres(&n->gres[1], "gpu", "v100", true, 2);
	/* "(IDX:0,1)" holds a comma that does not split the list. */
	assert_int_equal(n->n_gres_used, 2);
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 2);
	expect_gres(&n->gres_used[1], "gpu", "v100", true, 1);
	slurm_nodes_fini(&nodes);
}

static void
test_slurm_parse_nodes_malformed(void **state)
{
	struct slurm_nodes nodes = { NULL, 99 };
	struct mlops_error err   = { 0 };
	char              *text  = fx("22.05/nodes_idle.txt");
	char              *two;

	(void) state;
	expect_eparse(
	    slurm_parse_nodes(&nodes, "NodeName=x State=BOGUS\n", &err), &err,
	    "line 1", "State");
	expect_eparse(slurm_parse_nodes(&nodes, "NodeName=x\n", &err), &err,
	    "line 1", "State");
	expect_eparse(slurm_parse_nodes(&nodes,
	                  "NodeName=x State=IDLE CPUTot=eight\n", &err),
	    &err, "line 1", "CPUTot");
	expect_eparse(slurm_parse_nodes(&nodes,
	                  "NodeName=x State=IDLE Gres=gpu:a100:4(S:0\n", &err),
	    &err, "line 1", "Gres");
	expect_eparse(
	    slurm_parse_nodes(
	        &nodes, "NodeName=x State=IDLE GresUsed=gpu:a:b:c:d\n", &err),
	    &err, "line 1", "GresUsed");
	expect_eparse(slurm_parse_nodes(&nodes,
	                  "NodeName=x State=IDLE RealMemory=1G\n", &err),
	    &err, "line 1", "RealMemory");
	/* A good file, a blank line (counted), then a bad line. */
	two = xasprintf("%s\nsomething else entirely\n", text);
	expect_eparse(
	    slurm_parse_nodes(&nodes, two, &err), &err, "line 5", "NodeName");
	assert_null(nodes.v);
	assert_int_equal(nodes.n, 99);
	free(two);
	free(text);
}

static void
test_slurm_parse_node_states(void **state)
{
	static const struct {
		const char *s;
		unsigned    want;
	} ok[] = {
		{ "IDLE", SLURM_NODE_IDLE },
		{ "ALLOCATED", SLURM_NODE_ALLOCATED },
		{ "MIXED", SLURM_NODE_MIXED },
		{ "DOWN", SLURM_NODE_DOWN },
		{ "ALLOCATED+DRAIN",
		    SLURM_NODE_ALLOCATED | SLURM_NODE_DRAIN
		        | SLURM_NODE_DRAINING },
		{ "IDLE+COMPLETING+DRAIN",
		    SLURM_NODE_IDLE | SLURM_NODE_COMPLETING | SLURM_NODE_DRAIN
		        | SLURM_NODE_DRAINING },
		{ "DOWN+DRAIN",
		    SLURM_NODE_DOWN | SLURM_NODE_DRAIN | SLURM_NODE_DRAINED },
		{ "IDLE+DRAIN+INVALID_REG",
		    SLURM_NODE_IDLE | SLURM_NODE_DRAIN | SLURM_NODE_DRAINED
		        | SLURM_NODE_INVAL },
		{ "IDLE+CLOUD+POWERED_DOWN",
		    SLURM_NODE_IDLE | SLURM_NODE_CLOUD
		        | SLURM_NODE_POWERED_DOWN },
		{ "IDLE+POWERING_UP",
		    SLURM_NODE_IDLE | SLURM_NODE_POWERING_UP },
		{ "IDLE+POWER_DOWN", SLURM_NODE_IDLE | SLURM_NODE_POWER_DOWN },
		{ "MIXED+PLANNED", SLURM_NODE_MIXED | SLURM_NODE_PLANNED },
		{ "IDLE+RESERVED", SLURM_NODE_IDLE | SLURM_NODE_RESERVED },
		{ "MIXED+REBOOT_REQUESTED",
		    SLURM_NODE_MIXED | SLURM_NODE_REBOOT_REQUESTED },
		{ "DOWN+REBOOT_ISSUED",
		    SLURM_NODE_DOWN | SLURM_NODE_REBOOT_ISSUED },
		{ "FUTURE", SLURM_NODE_FUTURE },
		{ "UNKNOWN+NOT_RESPONDING",
		    SLURM_NODE_UNKNOWN | SLURM_NODE_NOT_RESPONDING },
		{ "IDLE*", SLURM_NODE_IDLE | SLURM_NODE_NOT_RESPONDING },
		{ "IDLE+SOMETHING_NEW", SLURM_NODE_IDLE | SLURM_NODE_OTHER },
	};
	static const char *const bad[]
	    = { "", "BUSY", "+DRAIN", "IDLE++DRAIN", "DRAIN", "*" };
	struct mlops_error err = { 0 };

	(void) state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		unsigned got = 0;

		assert_int_equal(
		    slurm_parse_node_state(&got, ok[i].s, &err), 0);
		if (got != ok[i].want) {
			print_error(
			    "%s -> %#x, want %#x\n", ok[i].s, got, ok[i].want);
		}
		assert_int_equal(got, ok[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned got = 12345;

		if (slurm_parse_node_state(&got, bad[i], &err)
		    != MLOPS_EPARSE) {
			print_error("accepted '%s'\n", bad[i]);
			fail();
		}
		assert_int_equal(got, 12345);
	}
	assert_int_equal(
	    slurm_parse_node_state(NULL, NULL, &err), MLOPS_EPARSE);
	/* SOMETHING_NEW does not make a node unusable. */
	assert_true(
	    slurm_node_gpus_usable(SLURM_NODE_IDLE | SLURM_NODE_OTHER));
	assert_true(slurm_node_gpus_usable(
	    SLURM_NODE_MIXED | SLURM_NODE_PLANNED | SLURM_NODE_COMPLETING));
	assert_false(
	    slurm_node_gpus_usable(SLURM_NODE_IDLE | SLURM_NODE_INVAL));
	assert_false(slurm_node_gpus_usable(SLURM_NODE_ERROR));
}

/* Parses every "NAME|%t|%T" line: both columns must agree. */
static void
sinfo_fixture(const char *name, const char *node, unsigned want)
{
	struct mlops_error err  = { 0 };
	char              *text = fx(name);
	char              *save = NULL, *line;
	bool               seen = false;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char    *bar1    = strchr(line, '|');
		char    *bar2    = bar1 ? strchr(bar1 + 1, '|') : NULL;
		unsigned compact = 0, lng = 0;

		assert_non_null(bar2);
		*bar1 = *bar2 = '\0';
		assert_int_equal(
		    slurm_parse_sinfo_state(&compact, bar1 + 1, &err), 0);
		assert_int_equal(
		    slurm_parse_sinfo_state(&lng, bar2 + 1, &err), 0);
		assert_int_equal(compact, lng);
		if (strcmp(line, node) == 0) {
			if (compact != want) {
				print_error("%s %s: %#x want %#x\n", name,
				    node, compact, want);
			}
			assert_int_equal(compact, want);
			seen = true;
		}
	}
	assert_true(seen);
	free(text);
}

static void
test_slurm_parse_sinfo_states(void **state)
{
	struct mlops_error err = { 0 };
	unsigned           got = 0;

	(void) state;
	sinfo_fixture(
	    "22.05/sinfo_nodes_idle.txt", "a-node1", SLURM_NODE_IDLE);
	sinfo_fixture("22.05/sinfo_nodes_draining.txt", "a-node2",
	    SLURM_NODE_ALLOCATED | SLURM_NODE_DRAIN | SLURM_NODE_DRAINING);
	sinfo_fixture(
	    "22.05/sinfo_nodes_draining.txt", "a-node1", SLURM_NODE_MIXED);
	sinfo_fixture("22.05/sinfo_nodes_drained.txt", "a-node2",
	    SLURM_NODE_IDLE | SLURM_NODE_DRAIN | SLURM_NODE_DRAINED);
	sinfo_fixture(
	    "22.05/sinfo_nodes_down.txt", "a-node2", SLURM_NODE_DOWN);
	sinfo_fixture("22.05/sinfo_nodes_fail.txt", "a-node2",
	    SLURM_NODE_IDLE | SLURM_NODE_FAIL);
	sinfo_fixture("22.05/sinfo_nodes_maint.txt", "a-node2",
	    SLURM_NODE_IDLE | SLURM_NODE_MAINT);
	sinfo_fixture("synthetic/sinfo_suffixes.txt", "a-node1",
	    SLURM_NODE_DOWN | SLURM_NODE_NOT_RESPONDING);
	sinfo_fixture("synthetic/sinfo_suffixes.txt", "a-node2",
	    SLURM_NODE_IDLE | SLURM_NODE_POWERED_DOWN);

	/* Each suffix of the synthetic file, one by one. */
	assert_int_equal(slurm_parse_sinfo_state(&got, "idle#", &err), 0);
	assert_int_equal(got, SLURM_NODE_IDLE | SLURM_NODE_POWERING_UP);
	assert_int_equal(slurm_parse_sinfo_state(&got, "idle!", &err), 0);
	assert_int_equal(got, SLURM_NODE_IDLE | SLURM_NODE_POWER_DOWN);
	assert_int_equal(slurm_parse_sinfo_state(&got, "idle%", &err), 0);
	assert_int_equal(got, SLURM_NODE_IDLE | SLURM_NODE_POWERING_DOWN);
	assert_int_equal(slurm_parse_sinfo_state(&got, "mix$", &err), 0);
	assert_int_equal(got, SLURM_NODE_MIXED | SLURM_NODE_MAINT);
	assert_int_equal(slurm_parse_sinfo_state(&got, "mixed@", &err), 0);
	assert_int_equal(got, SLURM_NODE_MIXED | SLURM_NODE_REBOOT_REQUESTED);
	assert_int_equal(slurm_parse_sinfo_state(&got, "idle^", &err), 0);
	assert_int_equal(got, SLURM_NODE_IDLE | SLURM_NODE_REBOOT_ISSUED);
	assert_int_equal(slurm_parse_sinfo_state(&got, "mix-", &err), 0);
	assert_int_equal(got, SLURM_NODE_MIXED | SLURM_NODE_PLANNED);
	assert_int_equal(slurm_parse_sinfo_state(&got, "drng*", &err), 0);
	assert_int_equal(got,
	    SLURM_NODE_ALLOCATED | SLURM_NODE_DRAIN | SLURM_NODE_DRAINING
	        | SLURM_NODE_NOT_RESPONDING);
	assert_int_equal(slurm_parse_sinfo_state(&got, "allocated+", &err), 0);
	assert_int_equal(got, SLURM_NODE_ALLOCATED | SLURM_NODE_COMPLETING);
	assert_int_equal(slurm_parse_sinfo_state(&got, "IDLE~", &err), 0);
	assert_int_equal(got, SLURM_NODE_IDLE | SLURM_NODE_POWERED_DOWN);

	got = 7;
	for (const char *const *s = (const char *const[]) { "", "*", "busy",
	         "idle?", "idle+drain", NULL };
	     *s != NULL; s++) {
		assert_int_equal(
		    slurm_parse_sinfo_state(&got, *s, &err), MLOPS_EPARSE);
	}
	assert_int_equal(got, 7);
}

static void
test_slurm_parse_gres(void **state)
{
	struct slurm_gres *g   = NULL;
	size_t             n   = 0;
	struct mlops_error err = { 0 };

	(void) state;
	assert_int_equal(slurm_parse_gres(&g, &n, "(null)", &err), 0);
	assert_int_equal(n, 0);
	assert_null(g);
	assert_int_equal(slurm_parse_gres(&g, &n, "N/A", &err), 0);
	assert_int_equal(n, 0);

	assert_int_equal(slurm_parse_gres(&g, &n,
	                     "gpu:a100:4(S:0-1),gpu:(null):2,gpu,gpu:v100,"
	                     "mps:100K,gpu:a100:no_consume:1,gpu:0",
	                     &err),
	    0);
	assert_int_equal(n, 7);
	expect_gres(&g[0], "gpu", "a100", true, 4);
	expect_gres(&g[1], "gpu", "gpu", false, 2);
	expect_gres(&g[2], "gpu", "gpu", false, 1);
	expect_gres(&g[3], "gpu", "v100", true, 1);
	expect_gres(&g[4], "mps", "mps", false, 102400);
	expect_gres(&g[5], "gpu", "a100", true, 1);
	expect_gres(&g[6], "gpu", "gpu", false, 0);
	slurm_gres_free(g, n);

	assert_int_equal(
	    slurm_parse_gres(
	        &g, &n, "gpu:a100:2(IDX:0,2),gpu:tesla-v100.x:1(IDX:3)", &err),
	    0);
	assert_int_equal(n, 2);
	expect_gres(&g[0], "gpu", "a100", true, 2);
	expect_gres(&g[1], "gpu", "tesla-v100.x", true, 1);
	slurm_gres_free(g, n);

	for (const char *const *s = (const char *const[]) { "gpu:a100:4:5:6",
	         ":4", "gpu::4", "gpu:a100:4(S:0", "gpu:a b:1", "gpu:a100:4,,",
	         "gpu:a100:x:y", "(S:0)", NULL };
	     *s != NULL; s++) {
		g = (struct slurm_gres *) 0x1;
		n = 42;
		if (slurm_parse_gres(&g, &n, *s, &err) != MLOPS_EPARSE) {
			print_error("accepted '%s'\n", *s);
			fail();
		}
		assert_int_equal(n, 42);
		assert_string_equal(err.field, "gres");
	}
	slurm_gres_free(NULL, 0);
}

/* ---- sbatch ------------------------------------------------------------ */

static void
test_slurm_parse_sbatch(void **state)
{
	struct slurm_submit s   = { 0 };
	struct mlops_error  err = { 0 };
	char               *text;

	(void) state;
	text = fx("22.05/sbatch_parsable.txt");
	assert_int_equal(slurm_parse_sbatch(&s, text, &err), 0);
	assert_string_equal(s.job_id, "37");
	assert_null(s.cluster);
	slurm_submit_fini(&s);
	free(text);
	text = fx("22.05/sbatch_parsable_array.txt");
	assert_int_equal(slurm_parse_sbatch(&s, text, &err), 0);
	assert_string_equal(s.job_id, "40");
	slurm_submit_fini(&s);
	free(text);
	text = fx("22.05/sbatch_parsable_beta.txt");
	assert_int_equal(slurm_parse_sbatch(&s, text, &err), 0);
	assert_string_equal(s.job_id, "11");
	assert_string_equal(s.cluster, "beta");
	slurm_submit_fini(&s);
	slurm_submit_fini(NULL);
	free(text);
	assert_int_equal(slurm_parse_sbatch(&s, "\n12345\r\n\n", &err), 0);
	assert_string_equal(s.job_id, "12345");
	slurm_submit_fini(&s);

	/* A site's wrapper prints around the id: the id line still counts. */
	assert_int_equal(slurm_parse_sbatch(&s,
	                     "NOTICE: jobs on gpu must set --time\n1309\n"
	                     "Your project has 2000 GPU hours left.\n",
	                     &err),
	    0);
	assert_string_equal(s.job_id, "1309");
	assert_int_equal(s.notices, 2);
	slurm_submit_fini(&s);
	assert_int_equal(s.notices, 0);
	assert_int_equal(
	    slurm_parse_sbatch(&s, "site banner\n77;beta\n", &err), 0);
	assert_string_equal(s.job_id, "77");
	assert_string_equal(s.cluster, "beta");
	assert_int_equal(s.notices, 1);
	slurm_submit_fini(&s);

	assert_int_equal(slurm_parse_sbatch(&s, "", &err), MLOPS_EPARSE);
	assert_string_equal(err.field, "job_id");
	expect_eparse(slurm_parse_sbatch(&s, "Submitted batch job 5\n", &err),
	    &err, "line 1", "job_id");
	expect_eparse(
	    slurm_parse_sbatch(&s, "1\n2\n", &err), &err, "line 2", "job_id");
	expect_eparse(slurm_parse_sbatch(&s, "queued\n12;beta;x\n", &err),
	    &err, "line 1", "job_id");
	expect_eparse(
	    slurm_parse_sbatch(&s, "12;\n", &err), &err, "line 1", "job_id");
	expect_eparse(
	    slurm_parse_sbatch(&s, ";beta\n", &err), &err, "line 1", "job_id");
	assert_null(s.job_id);
}

static void
test_slurm_parse_error_text(void **state)
{
	struct mlops_error err = { 0 };
	char              *text;

	(void) state;
	text = fx("22.05/sbatch_refused_stderr.txt");
	assert_int_equal(slurm_parse_error(text, &err), MLOPS_ESLURM);
	assert_int_equal(err.code, MLOPS_ESLURM);
	assert_string_equal(
	    err.msg, "Requested node configuration is not available");
	free(text);
	text = fx("22.05/squeue_poll_single_unknown_stderr.txt");
	assert_int_equal(slurm_parse_error(text, &err), MLOPS_ESLURM);
	assert_string_equal(err.msg, "Invalid job id specified");
	free(text);
	assert_int_equal(
	    slurm_parse_error("sbatch: warning: x\nsomething odd\n", &err),
	    MLOPS_ESLURM);
	assert_string_equal(err.msg, "something odd");
	assert_int_equal(slurm_parse_error("", &err), MLOPS_ESLURM);
	assert_string_equal(err.msg, "Slurm failed without a message");
	assert_int_equal(slurm_parse_error(NULL, NULL), MLOPS_ESLURM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slurm_parse_duration),
		cmocka_unit_test(test_slurm_parse_time),
		cmocka_unit_test(test_slurm_parse_exit_code),
		cmocka_unit_test(test_slurm_parse_version),
		cmocka_unit_test(test_slurm_parse_partitions_fixture),
		cmocka_unit_test(test_slurm_parse_partitions_edge),
		cmocka_unit_test(test_slurm_parse_nodes_idle),
		cmocka_unit_test(test_slurm_parse_nodes_busy),
		cmocka_unit_test(test_slurm_parse_nodes_unusable),
		cmocka_unit_test(test_slurm_parse_nodes_synthetic),
		cmocka_unit_test(test_slurm_parse_nodes_malformed),
		cmocka_unit_test(test_slurm_parse_node_states),
		cmocka_unit_test(test_slurm_parse_sinfo_states),
		cmocka_unit_test(test_slurm_parse_gres),
		cmocka_unit_test(test_slurm_parse_sbatch),
		cmocka_unit_test(test_slurm_parse_error_text),
	};

	return cmocka_run_group_tests_name("slurm_parse", tests, NULL, NULL);
}
