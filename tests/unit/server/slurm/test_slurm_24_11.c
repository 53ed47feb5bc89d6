/*
 * Every parser on the output of Slurm 24.11.5 (Debian 13), recorded on the
 * sandbox's gamma cluster by tests/fixtures/slurm/record into
 * tests/fixtures/slurm/24.11/: one case per command, with the values the
 * recording holds. The 22.05 cases are in test_slurm_parse*.c. What differs
 * between the versions is asserted here: squeue's exit_code column ("N:S"
 * where 22.05 printed a wait status), tres-per-node as "gres/gpu:a100:1",
 * tres-per-task as "gres/gpu:a100=1", no GresUsed on a node without GRES.
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

#include "slurm_array.h"
#include "slurm_gpus.h"
#include "slurm_parse.h"
#include "slurm_state.h"
#include "test_slurm_util.h"

/* The recording's (UTC) timestamps, 2026-12-07. */
#define G_23_02_09 1796684529
#define G_23_02_10 1796684530
#define G_23_02_12 1796684532
#define G_23_02_13 1796684533
#define G_23_02_16 1796684536
#define G_23_02_18 1796684538
#define G_23_02_34 1796684554
#define G_23_02_35 1796684555
#define G_23_02_39 1796684559
#define G_23_03_32 1796684612
#define G_23_07_35 1796684855
#define G_23_12_13 1796685133
#define G_23_12_16 1796685136

#define V "24.11/"

/* ---- sinfo --version, scontrol show partition / config ------------------ */

static void
test_v24_version(void **state)
{
	struct slurm_version v   = { 0 };
	struct mlops_error   err = { 0 };
	char                *text;

	(void) state;
	text = fx(V "version.txt");
	assert_int_equal(slurm_parse_version(&v, text, &err), 0);
	assert_int_equal(v.major, 24);
	assert_int_equal(v.minor, 11);
	assert_int_equal(v.patch, 5);
	assert_string_equal(v.text, "24.11.5");
	free(text);
}

static void
test_v24_partitions(void **state)
{
	struct slurm_partitions p   = { 0 };
	struct mlops_error      err = { 0 };
	char                   *text;

	(void) state;
	text = fx(V "partitions.txt");
	assert_int_equal(slurm_parse_partitions(&p, text, &err), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].name, "gpu");
	assert_true(p.v[0].is_default);
	assert_string_equal(p.v[0].state, "UP");
	assert_int_equal(p.v[0].max_time_s, 86400);
	assert_int_equal(p.v[0].default_time_s, 3600);
	assert_int_equal(p.v[0].total_nodes, 2);
	assert_int_equal(p.v[0].total_cpus, 16);
	assert_string_equal(p.v[0].nodes, "g-node[1-2]");
	assert_string_equal(p.v[1].name, "cpu");
	assert_false(p.v[1].is_default);
	assert_int_equal(p.v[1].max_time_s, 7200);
	assert_int_equal(p.v[1].default_time_s, 1800);
	assert_string_equal(p.v[1].nodes, "g-cpu1");
	slurm_partitions_fini(&p);
	free(text);
}

static void
test_v24_config(void **state)
{
	struct mlops_error err = { 0 };
	long               max = 0;
	char              *text;

	(void) state;
	text = fx(V "scontrol_show_config.txt");
	assert_int_equal(slurm_array_parse_max_size(&max, text, &err), 0);
	assert_int_equal(max, 1001);
	free(text);
}

/* ---- scontrol -d -o show node, sinfo states ----------------------------- */

static const struct slurm_node *
node(const struct slurm_nodes *nodes, const char *name)
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
parse_nodes(struct slurm_nodes *nodes, const char *name)
{
	struct mlops_error err  = { 0 };
	char              *text = fx(name);
	int                rc   = slurm_parse_nodes(nodes, text, &err);

	if (rc != 0) {
		print_error("%s: %s\n", name, err.msg);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(nodes->n, 3);
	free(text);
}

static void
test_v24_nodes(void **state)
{
	struct slurm_nodes       nodes = { 0 };
	const struct slurm_node *n;

	(void) state;
	parse_nodes(&nodes, V "nodes_idle.txt");
	n = node(&nodes, "g-node2");
	assert_int_equal(n->flags, SLURM_NODE_IDLE);
	assert_int_equal(n->n_gres, 2);
	expect_gres(&n->gres[0], "gpu", "a100", true, 2);
	expect_gres(&n->gres[1], "gpu", "v100", true, 2);
	assert_true(n->has_gres_used);
	assert_int_equal(n->n_gres_used, 2);
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 0);
	assert_int_equal(n->cpu_total, 8);
	assert_int_equal(n->real_memory, 32000);
	assert_string_equal(n->partitions[0], "gpu");
	/* 24.11 prints no GresUsed for a node without GRES (22.05: gpu:0). */
	n = node(&nodes, "g-cpu1");
	assert_int_equal(n->n_gres, 0);
	assert_false(n->has_gres_used);
	slurm_nodes_fini(&nodes);

	parse_nodes(&nodes, V "nodes_one_gpu_running.txt");
	n = node(&nodes, "g-node1");
	assert_int_equal(n->flags, SLURM_NODE_MIXED);
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 1);
	assert_int_equal(n->cpu_alloc, 1);
	assert_int_equal(n->alloc_memory, 1000);
	slurm_nodes_fini(&nodes);

	parse_nodes(&nodes, V "nodes_all_gpus_busy.txt");
	n = node(&nodes, "g-node2");
	assert_int_equal(n->n_gres_used, 2);
	expect_gres(&n->gres_used[0], "gpu", "a100", true, 2);
	expect_gres(&n->gres_used[1], "gpu", "v100", true, 2);
	slurm_nodes_fini(&nodes);
}

static void
test_v24_nodes_unusable(void **state)
{
	static const struct {
		const char *file;
		unsigned    flags;
		const char *reason;
	} cases[] = {
		/* 24.11 adds PLANNED (backfill's plan) to these states. */
		{ V "nodes_draining.txt",
		    SLURM_NODE_MIXED | SLURM_NODE_DRAIN | SLURM_NODE_DRAINING
		        | SLURM_NODE_PLANNED,
		    "mlops fixture drain" },
		{ V "nodes_drained.txt",
		    SLURM_NODE_IDLE | SLURM_NODE_DRAIN | SLURM_NODE_DRAINED
		        | SLURM_NODE_PLANNED,
		    "mlops fixture drain" },
		{ V "nodes_down.txt", SLURM_NODE_DOWN | SLURM_NODE_PLANNED,
		    "mlops fixture down" },
		{ V "nodes_fail.txt",
		    SLURM_NODE_IDLE | SLURM_NODE_FAIL
		        | SLURM_NODE_NOT_RESPONDING | SLURM_NODE_PLANNED,
		    "mlops fixture fail" },
		{ V "nodes_maint.txt",
		    SLURM_NODE_IDLE | SLURM_NODE_MAINT | SLURM_NODE_RESERVED,
		    NULL },
	};

	(void) state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct slurm_nodes       nodes = { 0 };
		const struct slurm_node *n;

		parse_nodes(&nodes, cases[i].file);
		n = node(&nodes, "g-node2");
		if (n->flags != cases[i].flags) {
			print_error("%s: flags %#x, want %#x (%s)\n",
			    cases[i].file, n->flags, cases[i].flags, n->state);
		}
		assert_int_equal(n->flags, cases[i].flags);
		assert_false(slurm_node_gpus_usable(n->flags));
		if (cases[i].reason != NULL) {
			assert_non_null(n->reason);
			assert_non_null(strstr(n->reason, cases[i].reason));
		}
		slurm_nodes_fini(&nodes);
	}
}

/* Each line "NODE|%t|%T": both columns give the same state. */
static void
expect_sinfo(const char *file, const char *name, unsigned want)
{
	char              *text = fx(file);
	char              *line = strstr(text, name);
	char              *t, *T, *end;
	unsigned           a = 0, b = 0;
	struct mlops_error err = { 0 };

	assert_non_null(line);
	t    = strchr(line, '|') + 1;
	T    = strchr(t, '|');
	*T++ = '\0';
	end  = strchr(T, '\n');
	if (end != NULL) {
		*end = '\0';
	}
	assert_int_equal(slurm_parse_sinfo_state(&a, t, &err), 0);
	assert_int_equal(slurm_parse_sinfo_state(&b, T, &err), 0);
	free(text);
	if (a != want || b != want) {
		print_error(
		    "%s %s: %#x %#x, want %#x\n", file, name, a, b, want);
	}
	assert_int_equal(a, want);
	assert_int_equal(b, want);
}

static void
test_v24_sinfo_states(void **state)
{
	(void) state;
	expect_sinfo(V "sinfo_nodes_idle.txt", "g-node2", SLURM_NODE_IDLE);
	/* sinfo cannot tell a draining MIXED node from an ALLOCATED one. */
	expect_sinfo(V "sinfo_nodes_draining.txt", "g-node2",
	    SLURM_NODE_ALLOCATED | SLURM_NODE_DRAIN | SLURM_NODE_DRAINING);
	expect_sinfo(V "sinfo_nodes_drained.txt", "g-node2",
	    SLURM_NODE_IDLE | SLURM_NODE_DRAIN | SLURM_NODE_DRAINED);
	expect_sinfo(V "sinfo_nodes_down.txt", "g-node2", SLURM_NODE_DOWN);
	expect_sinfo(V "sinfo_nodes_fail.txt", "g-node2",
	    SLURM_NODE_IDLE | SLURM_NODE_FAIL | SLURM_NODE_NOT_RESPONDING);
	expect_sinfo(V "sinfo_nodes_maint.txt", "g-node2",
	    SLURM_NODE_IDLE | SLURM_NODE_MAINT);
	/* "mix-": backfill planned the node. */
	expect_sinfo(V "sinfo_nodes_down.txt", "g-node1",
	    SLURM_NODE_MIXED | SLURM_NODE_PLANNED);
}

/* ---- pending GPU requests and the GPU rows ---------------------------- */

static const struct slurm_gpu_request *
req(const struct slurm_gpu_requests *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].job_id, id) == 0) {
			return &r->v[i];
		}
	}
	print_error("no request %s\n", id);
	fail();
	return NULL;
}

static void
test_v24_pending(void **state)
{
	struct slurm_gpu_requests       r   = { 0 };
	struct mlops_error              err = { 0 };
	const struct slurm_gpu_request *q;
	char                           *text;

	(void) state;
	text = fx(V "pending_gpu_requests.txt");
	assert_int_equal(slurm_parse_pending(&r, text, &err), 0);
	free(text);
	assert_int_equal(r.n, 7);
	/* --gres=gpu:a100:1 is tres-per-node "gres/gpu:a100:1". */
	q = req(&r, "44");
	assert_int_equal(q->n_gpus, 1);
	expect_gres(&q->gpus[0], "gpu", "a100", true, 1);
	assert_string_equal(q->reason, "Resources");
	/* --gpus=1 is tres-per-job "gres/gpu:1", untyped. */
	expect_gres(&req(&r, "45")->gpus[0], "gpu", "gpu", false, 1);
	expect_gres(&req(&r, "46")->gpus[0], "gpu", "gpu", false, 1);
	expect_gres(&req(&r, "47")->gpus[0], "gpu", "v100", true, 1);
	q = req(&r, "48_2");
	assert_string_equal(q->raw_id, "48");
	expect_gres(&q->gpus[0], "gpu", "a100", true, 1);
	/* -n 2 --gpus-per-task=a100:1: tres-per-task "gres/gpu:a100=1". */
	q = req(&r, "49");
	assert_int_equal(q->tasks, 2);
	expect_gres(&q->gpus[0], "gpu", "a100", true, 2);
	slurm_gpu_requests_fini(&r);

	text = fx(V "pending_gpu_requests_held.txt");
	assert_int_equal(slurm_parse_pending(&r, text, &err), 0);
	free(text);
	assert_int_equal(r.n, 5);
	q = req(&r, "51");
	assert_int_equal(q->n_partitions, 2);
	assert_string_equal(q->partitions[1], "cpu");
	expect_gres(&q->gpus[0], "gpu", "v100", true, 1);
	assert_string_equal(q->reason, "JobHeldUser");
	slurm_gpu_requests_fini(&r);

	text = fx(V "pending_gpu_requests_drained.txt");
	assert_int_equal(slurm_parse_pending(&r, text, &err), 0);
	assert_int_equal(r.n, 7);
	slurm_gpu_requests_fini(&r);
	free(text);

	text = fx(V "pending_none.txt");
	assert_int_equal(slurm_parse_pending(&r, text, &err), 0);
	assert_int_equal(r.n, 0);
	free(text);
}

static void
test_v24_gpu_rows(void **state)
{
	struct slurm_nodes          nodes = { 0 };
	struct slurm_partitions     parts = { 0 };
	struct slurm_gpu_requests   pend  = { 0 };
	struct slurm_gpu_summary    sum   = { 0 };
	struct mlops_error          err   = { 0 };
	const struct slurm_gpu_row *row;
	char                       *text;

	(void) state;
	parse_nodes(&nodes, V "nodes_all_gpus_busy.txt");
	text = fx(V "partitions.txt");
	assert_int_equal(slurm_parse_partitions(&parts, text, &err), 0);
	free(text);
	text = fx(V "pending_gpu_requests.txt");
	assert_int_equal(slurm_parse_pending(&pend, text, &err), 0);
	free(text);
	assert_int_equal(
	    slurm_gpus_summarize(&sum, &nodes, &parts, &pend, &err), 0);
	/* Every GPU busy; a100 asked for by 44, 48_1, 48_2 and 49 (2). */
	row = slurm_gpus_find(&sum, "gpu", "a100");
	assert_non_null(row);
	assert_int_equal(row->total, 6);
	assert_int_equal(row->allocated, 6);
	assert_int_equal(row->free, 0);
	assert_int_equal(row->pending, 5);
	row = slurm_gpus_find(&sum, "gpu", "v100");
	assert_non_null(row);
	assert_int_equal(row->total, 2);
	assert_int_equal(row->free, 0);
	assert_int_equal(row->pending, 1);
	/* --gpus=1 and --gres=gpu:1 can take either type. */
	row = slurm_gpus_find(&sum, "gpu", "any");
	assert_non_null(row);
	assert_int_equal(row->pending, 2);
	assert_null(slurm_gpus_find(&sum, "cpu", "a100"));
	slurm_gpu_summary_fini(&sum);
	slurm_gpu_requests_fini(&pend);
	slurm_partitions_fini(&parts);
	slurm_nodes_fini(&nodes);
}

/* ---- squeue poll -------------------------------------------------------- */

static void
test_v24_squeue_live(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(&jobs, V "squeue_poll_running.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 1); /* 99999 is simply absent */
	j = &jobs.v[0];
	assert_string_equal(j->job_id, "40");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	assert_null(j->reason);
	assert_string_equal(j->partition, "gpu");
	assert_int_equal(j->submit_time, G_23_02_10);
	assert_int_equal(j->start_time, G_23_02_13);
	assert_int_equal(j->end_time, G_23_12_13);
	assert_int_equal(j->time_limit_s, 600);
	assert_int_equal(j->exit_code, 0);
	assert_int_equal(j->exit_signal, 0);
	assert_string_equal(j->node_list, "g-node1");
	assert_string_equal(j->name, "fx-run1");
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "squeue_poll_pending.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 6);
	j = job_id(&jobs, "44");
	assert_int_equal(j->state, JOB_STATE_PENDING);
	assert_string_equal(j->reason, "Resources");
	assert_int_equal(j->submit_time, G_23_02_16);
	assert_int_equal(j->start_time, 0);
	assert_null(j->node_list);
	j = job_id(&jobs, "48_2");
	assert_string_equal(j->raw_id, "48");
	assert_int_equal(j->array_task_id, 2);
	assert_string_equal(j->reason, "Priority");
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "squeue_poll_held.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 5);
	assert_string_equal(job_id(&jobs, "50_4")->reason, "JobHeldUser");
	assert_string_equal(job_id(&jobs, "51")->partition, "gpu,cpu");
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, V "squeue_poll_array_running.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 4);
	j = job_id(&jobs, "35_1");
	assert_string_equal(j->raw_id, "38");
	assert_string_equal(j->array_job_id, "35");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	assert_int_equal(job_id(&jobs, "32")->time_limit_s, 60);
	slurm_jobs_fini(&jobs);
}

static void
test_v24_squeue_finished(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(&jobs, V "squeue_poll_finished.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 11);
	j = job_id(&jobs, "33");
	assert_int_equal(j->state, JOB_STATE_COMPLETED);
	assert_int_equal(j->exit_code, 0);
	assert_int_equal(j->exit_signal, 0);
	assert_int_equal(j->elapsed_s, 2);
	assert_int_equal(j->end_time, G_23_02_12);
	/* "3:0" where 22.05 printed the wait status 768. */
	j = job_id(&jobs, "34");
	assert_int_equal(j->state, JOB_STATE_FAILED);
	assert_string_equal(j->reason, "NonZeroExitCode");
	assert_int_equal(j->exit_code, 3);
	assert_int_equal(j->exit_signal, 0);
	assert_int_equal(job_id(&jobs, "35_2")->exit_code, 1);
	assert_int_equal(job_id(&jobs, "35_3")->exit_code, 2);
	/* "0:15" where 22.05 printed 15: killed by SIGTERM. */
	j = job_id(&jobs, "32");
	assert_int_equal(j->state, JOB_STATE_TIMEOUT);
	assert_string_equal(j->reason, "TimeLimit");
	assert_int_equal(j->exit_code, 0);
	assert_int_equal(j->exit_signal, 15);
	assert_int_equal(j->elapsed_s, 82);
	assert_int_equal(j->end_time, G_23_03_32);
	j = job_id(&jobs, "40");
	assert_int_equal(j->state, JOB_STATE_CANCELLED);
	assert_int_equal(j->exit_signal, 15);
	assert_int_equal(j->end_time, G_23_02_39);
	j = job_id(&jobs, "50_1");
	assert_int_equal(j->state, JOB_STATE_CANCELLED);
	assert_null(j->node_list);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "squeue_by_name.txt", slurm_parse_squeue);
	/* The recording's own jobs and those of an earlier run (9-15). */
	assert_int_equal(jobs.n, 8);
	assert_string_equal(job_id(&jobs, "33")->name, "fx-ok");
	assert_string_equal(job_id(&jobs, "35_2")->name, "fx-array");
	assert_int_equal(job_id(&jobs, "35_2")->exit_code, 1);
	slurm_jobs_fini(&jobs);
}

static void
test_v24_squeue_arrays(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(
	    &jobs, V "squeue_poll_array_throttled.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 4);
	j = job_id(&jobs, "52_0");
	assert_string_equal(j->raw_id, "53");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	assert_int_equal(j->start_time, G_23_02_35);
	assert_int_equal(j->end_time, G_23_07_35);
	j = job_id(&jobs, "52_3");
	assert_string_equal(j->reason, "JobArrayTaskLimit");
	assert_int_equal(j->array_task_id, 3);
	assert_non_null(slurm_array_find(&jobs, "52_2"));
	slurm_jobs_fini(&jobs);

	/* Without -r: the tasks not started as one range line. */
	parse_jobs(&jobs, V "squeue_array_throttled_collapsed.txt",
	    slurm_parse_squeue);
	assert_int_equal(jobs.n, 2);
	j = job_id(&jobs, "52_[1-3%1]");
	assert_int_equal(j->state, JOB_STATE_PENDING);
	assert_ptr_equal(slurm_array_find(&jobs, "52_2"), j);
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, V "squeue_poll_array_cancelled.txt", slurm_parse_squeue);
	assert_int_equal(jobs.n, 4);
	for (size_t i = 0; i < jobs.n; i++) {
		assert_int_equal(jobs.v[i].state, JOB_STATE_CANCELLED);
	}
	assert_int_equal(job_id(&jobs, "52_0")->exit_signal, 15);
	slurm_jobs_fini(&jobs);
}

/* ---- sacct ------------------------------------------------------------- */

static void
test_v24_sacct(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(&jobs, V "sacct_finished.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 10);
	j = job_id(&jobs, "32");
	assert_int_equal(j->state, JOB_STATE_TIMEOUT);
	assert_int_equal(j->elapsed_s, 82);
	assert_int_equal(j->time_limit_s, 60);
	assert_int_equal(j->start_time, G_23_02_10);
	assert_int_equal(j->end_time, G_23_03_32);
	j = job_id(&jobs, "33");
	assert_int_equal(j->state, JOB_STATE_COMPLETED);
	assert_int_equal(j->submit_time, G_23_02_09);
	assert_string_equal(j->name, "fx-ok");
	assert_string_equal(j->node_list, "g-cpu1");
	assert_null(j->reason);
	j = job_id(&jobs, "34");
	assert_int_equal(j->state, JOB_STATE_FAILED);
	assert_int_equal(j->exit_code, 3);
	assert_int_equal(j->exit_signal, 0);
	j = job_id(&jobs, "35_2");
	assert_string_equal(j->raw_id, "39");
	assert_int_equal(j->exit_code, 1);
	assert_int_equal(j->end_time, G_23_02_18);
	j = job_id(&jobs, "40");
	assert_int_equal(j->state, JOB_STATE_CANCELLED);
	assert_string_equal(j->state_raw, "CANCELLED by 1001");
	assert_int_equal(j->start_time, G_23_02_13);
	/* Cancelled before they started. */
	j = job_id(&jobs, "49");
	assert_int_equal(j->start_time, 0);
	assert_null(j->node_list);
	j = job_id(&jobs, "48_[1-2]");
	assert_string_equal(j->array_job_id, "48");
	assert_int_equal(j->array_task_id, -1);
	assert_ptr_equal(slurm_array_find(&jobs, "48_2"), j);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "sacct_running.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 4);
	j = job_id(&jobs, "32");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	assert_int_equal(j->end_time, 0); /* "Unknown" */
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "sacct_pending_held.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 2);
	j = job_id(&jobs, "50_[1-4%2]");
	assert_int_equal(j->state, JOB_STATE_PENDING);
	assert_int_equal(j->start_time, 0);
	assert_ptr_equal(slurm_array_find(&jobs, "50_3"), j);
	assert_string_equal(job_id(&jobs, "51")->partition, "gpu,cpu");
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "sacct_by_name.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 10);
	assert_string_equal(job_id(&jobs, "34")->name, "fx-fail3");
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "sacct_array_task.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 1);
	assert_string_equal(jobs.v[0].job_id, "35_2");
	slurm_jobs_fini(&jobs);
}

static void
test_v24_sacct_arrays(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(&jobs, V "sacct_array_throttled.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 2);
	assert_int_equal(job_id(&jobs, "52_0")->state, JOB_STATE_RUNNING);
	j = job_id(&jobs, "52_[1-3%1]");
	assert_int_equal(j->state, JOB_STATE_PENDING);
	assert_ptr_equal(slurm_array_find(&jobs, "52_3"), j);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "sacct_array_cancelled.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 2);
	assert_int_equal(job_id(&jobs, "52_0")->state, JOB_STATE_CANCELLED);
	assert_int_equal(
	    job_id(&jobs, "52_[1-3%1]")->state, JOB_STATE_CANCELLED);
	slurm_jobs_fini(&jobs);

	/* Task 3 was cancelled while it pended: no record of it is left,
	 * while the array is still listed. */
	parse_jobs(&jobs, V "sacct_array_task_dropped.txt", slurm_parse_sacct);
	assert_int_equal(jobs.n, 2);
	assert_non_null(slurm_array_find(&jobs, "54_2"));
	assert_null(slurm_array_find(&jobs, "54_3"));
	assert_true(slurm_array_listed(&jobs, "54"));
	slurm_jobs_fini(&jobs);
}

/* ---- scontrol show job -o ---------------------------------------------- */

static void
test_v24_show_job(void **state)
{
	struct slurm_jobs       jobs = { 0 };
	const struct slurm_job *j;

	(void) state;
	parse_jobs(&jobs, V "scontrol_job_running.txt", slurm_parse_show_job);
	assert_int_equal(jobs.n, 1);
	j = &jobs.v[0];
	assert_string_equal(j->job_id, "40");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	assert_string_equal(j->node_list, "g-node1");
	assert_int_equal(j->start_time, G_23_02_13);
	assert_int_equal(j->end_time, G_23_12_13);
	assert_int_equal(j->time_limit_s, 600);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "scontrol_job_pending.txt", slurm_parse_show_job);
	j = &jobs.v[0];
	assert_int_equal(j->state, JOB_STATE_PENDING);
	assert_string_equal(j->reason, "Resources");
	assert_int_equal(j->start_time, 0);
	assert_null(j->node_list);
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, V "scontrol_job_array_pending.txt", slurm_parse_show_job);
	assert_int_equal(jobs.n, 1);
	assert_string_equal(jobs.v[0].job_id, "48_[1-2]");
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, V "scontrol_job_held_array.txt", slurm_parse_show_job);
	assert_string_equal(jobs.v[0].job_id, "50_[1-4%2]");
	assert_string_equal(jobs.v[0].reason, "JobHeldUser");
	assert_int_equal(jobs.v[0].nodes, 1); /* NumNodes=1-1 */
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, V "scontrol_job_array_running.txt", slurm_parse_show_job);
	assert_int_equal(jobs.n, 3);
	j = job_id(&jobs, "35_2");
	assert_string_equal(j->raw_id, "39");
	assert_int_equal(j->state, JOB_STATE_RUNNING);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "scontrol_job_failed.txt", slurm_parse_show_job);
	assert_int_equal(jobs.v[0].state, JOB_STATE_FAILED);
	assert_int_equal(jobs.v[0].exit_code, 3);
	assert_int_equal(jobs.v[0].exit_signal, 0);
	slurm_jobs_fini(&jobs);

	parse_jobs(&jobs, V "scontrol_job_timeout.txt", slurm_parse_show_job);
	assert_int_equal(jobs.v[0].state, JOB_STATE_TIMEOUT);
	assert_int_equal(jobs.v[0].exit_signal, 15);
	assert_int_equal(jobs.v[0].elapsed_s, 82);
	slurm_jobs_fini(&jobs);

	parse_jobs(
	    &jobs, V "scontrol_job_cancelled.txt", slurm_parse_show_job);
	assert_int_equal(jobs.v[0].state, JOB_STATE_CANCELLED);
	assert_int_equal(jobs.v[0].end_time, G_23_02_39);
	slurm_jobs_fini(&jobs);
}

/* ---- squeue --start ------------------------------------------------------
 */

static void
test_v24_start(void **state)
{
	struct slurm_starts s   = { 0 };
	struct mlops_error  err = { 0 };
	char               *text;

	(void) state;
	text = fx(V "squeue_start.txt");
	assert_int_equal(slurm_parse_start(&s, text, 0, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].job_id, "44");
	assert_int_equal(s.v[0].state, JOB_STATE_PENDING);
	assert_int_equal(s.v[0].start_time, G_23_12_16);
	assert_string_equal(s.v[0].sched_nodes, "g-node1");
	assert_string_equal(s.v[0].reason, "Resources");
	slurm_starts_fini(&s);
	free(text);

	text = fx(V "squeue_start_unknown.txt");
	assert_int_equal(slurm_parse_start(&s, text, 0, &err), 0);
	assert_int_equal(s.n, 0);
	free(text);
}

/* ---- sbatch --parsable, errors -------------------------------------------
 */

static void
test_v24_sbatch(void **state)
{
	static const struct {
		const char *file, *id, *cluster;
	} cases[] = {
		{ V "sbatch_parsable.txt", "32", NULL },
		{ V "sbatch_parsable_ok.txt", "33", NULL },
		{ V "sbatch_parsable_fail3.txt", "34", NULL },
		{ V "sbatch_parsable_array.txt", "35", NULL },
		{ V "sbatch_parsable_clusters.txt", "37", "gamma" },
	};
	struct mlops_error err = { 0 };

	(void) state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct slurm_submit s    = { 0 };
		char               *text = fx(cases[i].file);

		assert_int_equal(slurm_parse_sbatch(&s, text, &err), 0);
		assert_string_equal(s.job_id, cases[i].id);
		if (cases[i].cluster == NULL) {
			assert_null(s.cluster);
		} else {
			assert_string_equal(s.cluster, cases[i].cluster);
		}
		slurm_submit_fini(&s);
		free(text);
	}
}

static void
test_v24_errors(void **state)
{
	struct mlops_error err = { 0 };
	char              *text;

	(void) state;
	text = fx(V "sbatch_refused_stderr.txt");
	assert_int_equal(slurm_parse_error(text, &err), MLOPS_ESLURM);
	assert_string_equal(
	    err.msg, "Requested node configuration is not available");
	free(text);
	text = fx(V "squeue_poll_single_unknown_stderr.txt");
	assert_int_equal(slurm_parse_error(text, &err), MLOPS_ESLURM);
	assert_non_null(strstr(err.msg, "Invalid job id specified"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v24_version),
		cmocka_unit_test(test_v24_partitions),
		cmocka_unit_test(test_v24_config),
		cmocka_unit_test(test_v24_nodes),
		cmocka_unit_test(test_v24_nodes_unusable),
		cmocka_unit_test(test_v24_sinfo_states),
		cmocka_unit_test(test_v24_pending),
		cmocka_unit_test(test_v24_gpu_rows),
		cmocka_unit_test(test_v24_squeue_live),
		cmocka_unit_test(test_v24_squeue_finished),
		cmocka_unit_test(test_v24_squeue_arrays),
		cmocka_unit_test(test_v24_sacct),
		cmocka_unit_test(test_v24_sacct_arrays),
		cmocka_unit_test(test_v24_show_job),
		cmocka_unit_test(test_v24_start),
		cmocka_unit_test(test_v24_sbatch),
		cmocka_unit_test(test_v24_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
