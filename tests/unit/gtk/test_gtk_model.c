/*
 * The desktop app's view-model without a display: job filtering as
 * `mlops jobs` filters, state badges, GPU summaries, durations, override
 * splitting, field mapping, error text and log tails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/job_state.h>
#include <mlops/types.h>

#include "mlops-model.h"

/* A job on the stack with borrowed strings. */
struct tjob {
	Mlops__Job j;
	char      *ov[4];
};

static void
tjob_init(struct tjob *t, int64_t id, const char *state, const char *desc,
    const char *slurm)
{
	Mlops__Job init = MLOPS__JOB__INIT;

	memset(t, 0, sizeof(*t));
	t->j               = init;
	t->j.id            = id;
	t->j.state         = (char *) state;
	t->j.job_state     = mlops_job_state_to_wire(job_state_parse(state));
	t->j.description   = (char *) desc;
	t->j.slurm_job_id  = (char *) slurm;
	t->j.array_task_id = -1;
	t->j.elapsed_s     = -1;
	t->j.exit_code     = -1;
	t->j.terminal      = job_state_terminal(job_state_parse(state));
}

static void
test_state_badges(void **state)
{
	(void) state;
	assert_int_equal(
	    mlops_model_state_badge(JOB_STATE_RUNNING), MLOPS_BADGE_RUNNING);
	assert_int_equal(
	    mlops_model_state_badge(JOB_STATE_PENDING), MLOPS_BADGE_QUEUED);
	assert_int_equal(
	    mlops_model_state_badge(JOB_STATE_COMPLETED), MLOPS_BADGE_SUCCESS);
	assert_int_equal(
	    mlops_model_state_badge(JOB_STATE_FAILED), MLOPS_BADGE_ERROR);
	assert_int_equal(mlops_model_state_badge(JOB_STATE_OUT_OF_MEMORY),
	    MLOPS_BADGE_ERROR);
	assert_int_equal(mlops_model_state_badge(JOB_STATE_SUBMIT_FAILED),
	    MLOPS_BADGE_ERROR);
	assert_int_equal(
	    mlops_model_state_badge(JOB_STATE_CANCELLED), MLOPS_BADGE_MUTED);
	assert_int_equal(
	    mlops_model_state_badge(JOB_STATE_LOST), MLOPS_BADGE_MUTED);
	assert_int_equal(mlops_model_state_badge(JOB_STATE_SUBMITTING),
	    MLOPS_BADGE_NEUTRAL);
	assert_int_equal(mlops_model_state_badge(-1), MLOPS_BADGE_NEUTRAL);
	assert_int_equal(
	    mlops_model_state_badge(JOB_STATE_COUNT), MLOPS_BADGE_NEUTRAL);

	assert_string_equal(
	    mlops_model_badge_class(MLOPS_BADGE_RUNNING), "badge-running");
	assert_string_equal(
	    mlops_model_badge_class(MLOPS_BADGE_SUCCESS), "badge-success");
	assert_string_equal(
	    mlops_model_badge_class(MLOPS_BADGE_ERROR), "badge-error");
	assert_string_equal(
	    mlops_model_badge_class(MLOPS_BADGE_NEUTRAL), "badge-neutral");

	assert_string_equal(
	    mlops_model_state_label(JOB_STATE_RUNNING, NULL), "Running");
	assert_string_equal(
	    mlops_model_state_label(JOB_STATE_OUT_OF_MEMORY, "x"),
	    "Out of memory");
	assert_string_equal(
	    mlops_model_state_label(JOB_STATE_TIMEOUT, NULL), "Timed out");
	/* a state newer than the app: the daemon's name for it */
	assert_string_equal(mlops_model_state_label(-1, "WEIRD"), "WEIRD");
	assert_string_equal(mlops_model_state_label(-1, ""), "Unknown");
	assert_string_equal(mlops_model_state_label(-1, NULL), "Unknown");
}

/* Every state of common's list has a look of its own. */
static void
test_every_state_looks(void **state)
{
	(void) state;
	for (int s = 0; s < JOB_STATE_COUNT; s++) {
		const char *l = mlops_model_state_label(s, NULL);

		assert_non_null(l);
		assert_string_not_equal(l, "Unknown");
		assert_true(mlops_model_state_badge(s) != MLOPS_BADGE_NEUTRAL
		    || s == JOB_STATE_SUBMITTING);
	}
}

/* Ended: the daemon's terminal flag, or a terminal state, whether the
 * enum (1.4) or only the name (before) says it. */
static void
test_job_ended(void **state)
{
	Mlops__Job j = MLOPS__JOB__INIT;

	(void) state;
	for (int s = 0; s < JOB_STATE_COUNT; s++) {
		j.job_state = mlops_job_state_to_wire(s);
		assert_int_equal(
		    mlops_model_job_ended(&j), job_state_terminal(s));
	}
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED;
	j.state     = "preempted";
	assert_true(mlops_model_job_ended(&j));
	j.state = "RUNNING";
	assert_false(mlops_model_job_ended(&j));
	j.terminal = true;
	assert_true(mlops_model_job_ended(&j));
	j.terminal = false;
	j.state    = "";
	assert_false(mlops_model_job_ended(&j));
}

static void
test_filter_state(void **state)
{
	struct tjob run, done, fail;

	(void) state;
	tjob_init(&run, 3, "RUNNING", "sweep lr", "1003");
	tjob_init(&done, 2, "COMPLETED", "baseline", "1002");
	tjob_init(&fail, 1, "FAILED", "broken", "1001");

	assert_true(mlops_model_job_matches(&run.j, NULL, NULL));
	assert_true(mlops_model_job_matches(&run.j, "", ""));
	/* A state name, in any case. */
	assert_true(mlops_model_job_matches(&run.j, NULL, "RUNNING"));
	assert_true(mlops_model_job_matches(&run.j, NULL, "running"));
	assert_false(mlops_model_job_matches(&done.j, NULL, "RUNNING"));
	/* active / terminal by the terminal flag. */
	assert_true(mlops_model_job_matches(&run.j, NULL, "active"));
	assert_false(mlops_model_job_matches(&done.j, NULL, "active"));
	assert_false(mlops_model_job_matches(&fail.j, NULL, "ACTIVE"));
	assert_true(mlops_model_job_matches(&done.j, NULL, "terminal"));
	assert_true(mlops_model_job_matches(&fail.j, NULL, "terminal"));
	assert_false(mlops_model_job_matches(&run.j, NULL, "terminal"));
	/* The daemon's terminal flag wins over the name. */
	run.j.terminal = true;
	assert_true(mlops_model_job_matches(&run.j, NULL, "terminal"));

	assert_true(mlops_model_state_filter_valid(NULL));
	assert_true(mlops_model_state_filter_valid(""));
	assert_true(mlops_model_state_filter_valid("Active"));
	assert_true(mlops_model_state_filter_valid("terminal"));
	assert_true(mlops_model_state_filter_valid("node_fail"));
	assert_false(mlops_model_state_filter_valid("sleeping"));
	/* Every choice the drop-down offers is a valid filter; a state's
	 * is labelled as its badge is. */
	assert_true(mlops_model_n_state_choices() > 3);
	for (size_t i = 0; i < mlops_model_n_state_choices(); i++) {
		struct mlops_state_choice c = mlops_model_state_choice(i);
		int                       s = job_state_parse(c.value);

		assert_true(mlops_model_state_filter_valid(c.value));
		if (s >= 0) {
			assert_string_equal(
			    c.label, mlops_model_state_label(s, NULL));
		}
	}
	assert_string_equal(mlops_model_state_choice(0).label, "All states");
	assert_string_equal(mlops_model_state_choice(3).value, "PENDING");

	/* a daemon before 1.4 names the state only */
	fail.j.job_state = MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED;
	assert_true(mlops_model_job_matches(&fail.j, NULL, "failed"));
	assert_false(mlops_model_job_matches(&fail.j, NULL, "RUNNING"));
}

static void
test_filter_search(void **state)
{
	struct tjob t;

	(void) state;
	tjob_init(&t, 7, "PENDING", "ResNet-50 on ImageNet", "4711");
	t.ov[0]         = "optimizer.lr=3e-4";
	t.ov[1]         = "model=vit_b";
	t.j.overrides   = t.ov;
	t.j.n_overrides = 2;

	/* Description, ignoring case. */
	assert_true(mlops_model_job_matches(&t.j, "resnet", NULL));
	assert_true(mlops_model_job_matches(&t.j, "IMAGENET", NULL));
	/* Any override. */
	assert_true(mlops_model_job_matches(&t.j, "lr=3e", NULL));
	assert_true(mlops_model_job_matches(&t.j, "VIT", NULL));
	/* The Slurm id. */
	assert_true(mlops_model_job_matches(&t.j, "471", NULL));
	/* Not the project, the cluster or the Mission Control id. */
	t.j.project = "toy";
	t.j.cluster = "alpha";
	assert_false(mlops_model_job_matches(&t.j, "toy", NULL));
	assert_false(mlops_model_job_matches(&t.j, "alpha", NULL));
	assert_false(mlops_model_job_matches(&t.j, "bert", NULL));
	/* Both filters must hold. */
	assert_true(mlops_model_job_matches(&t.j, "resnet", "pending"));
	assert_true(mlops_model_job_matches(&t.j, "resnet", "active"));
	assert_false(mlops_model_job_matches(&t.j, "resnet", "RUNNING"));
	assert_false(mlops_model_job_matches(&t.j, "bert", "PENDING"));
	/* Short searches work too (the daemon uses LIKE for them). */
	assert_true(mlops_model_job_matches(&t.j, "R", NULL));
}

static void
test_job_fields(void **state)
{
	struct tjob t;
	char        buf[64];

	(void) state;
	tjob_init(&t, 1, "RUNNING", "", "");
	assert_string_equal(mlops_model_job_gpus(buf, sizeof(buf), &t.j), "");
	t.j.gpus     = 2;
	t.j.gpu_type = "a100";
	assert_string_equal(
	    mlops_model_job_gpus(buf, sizeof(buf), &t.j), "2 × a100");
	t.j.gpu_type = "";
	assert_string_equal(
	    mlops_model_job_gpus(buf, sizeof(buf), &t.j), "2 GPUs");
	t.j.gpus = 1;
	assert_string_equal(
	    mlops_model_job_gpus(buf, sizeof(buf), &t.j), "1 GPU");

	assert_string_equal(
	    mlops_model_job_slurm_id(buf, sizeof(buf), &t.j), "");
	t.j.slurm_job_id = "99";
	assert_string_equal(
	    mlops_model_job_slurm_id(buf, sizeof(buf), &t.j), "99");
	t.j.array_task_id = 3;
	assert_string_equal(
	    mlops_model_job_slurm_id(buf, sizeof(buf), &t.j), "99_3");

	/* Not started: unknown. Running: so far. Done: the daemon's. */
	assert_int_equal(mlops_model_job_elapsed(&t.j, 1000), -1);
	t.j.started_at = 900;
	assert_int_equal(mlops_model_job_elapsed(&t.j, 1000), 100);
	/* A running job's ended_at is the projected end: not used. */
	t.j.ended_at  = 900 + 3600;
	t.j.elapsed_s = 90;
	assert_int_equal(mlops_model_job_elapsed(&t.j, 1000), 100);
	t.j.state     = "COMPLETED";
	t.j.ended_at  = 950;
	t.j.elapsed_s = 50;
	t.j.terminal  = true;
	assert_int_equal(mlops_model_job_elapsed(&t.j, 5000), 50);

	assert_string_equal(mlops_model_duration(buf, sizeof(buf), -1), "");
	assert_string_equal(mlops_model_duration(buf, sizeof(buf), 0), "0 s");
	assert_string_equal(
	    mlops_model_duration(buf, sizeof(buf), 59), "59 s");
	assert_string_equal(
	    mlops_model_duration(buf, sizeof(buf), 754), "12 min");
	assert_string_equal(
	    mlops_model_duration(buf, sizeof(buf), 3900), "1 h 05 min");
	assert_string_equal(
	    mlops_model_duration(buf, sizeof(buf), 2 * 86400 + 3 * 3600 + 5),
	    "2 d 3 h");

	/* The tests run with TZ=UTC. */
	assert_string_equal(mlops_model_time(buf, sizeof(buf), 0), "");
	assert_string_equal(mlops_model_time(buf, sizeof(buf), 1700000000),
	    "2023-11-14 22:13");
	assert_string_equal(
	    mlops_model_short_sha(buf, sizeof(buf), "1a2b3c4d5e6f"),
	    "1a2b3c4");
	assert_string_equal(mlops_model_short_sha(buf, sizeof(buf), ""), "");
}

static void
test_insert_pos(void **state)
{
	int64_t ids[] = { 9, 7, 4, 2 };
	bool    ex;

	(void) state;
	assert_int_equal(mlops_model_job_insert_pos(ids, 4, 10, &ex), 0);
	assert_false(ex);
	assert_int_equal(mlops_model_job_insert_pos(ids, 4, 7, &ex), 1);
	assert_true(ex);
	assert_int_equal(mlops_model_job_insert_pos(ids, 4, 5, &ex), 2);
	assert_false(ex);
	assert_int_equal(mlops_model_job_insert_pos(ids, 4, 1, &ex), 4);
	assert_false(ex);
	assert_int_equal(mlops_model_job_insert_pos(NULL, 0, 1, &ex), 0);
	assert_false(ex);
}

static void
test_project(void **state)
{
	Mlops__Project p = MLOPS__PROJECT__INIT;
	char           buf[64];

	(void) state;
	p.branch   = "main";
	p.head_sha = "0123456789abcdef";
	p.ahead    = -1;
	p.behind   = -1;
	assert_string_equal(
	    mlops_model_project_ref(buf, sizeof(buf), &p), "main · 0123456");
	assert_string_equal(
	    mlops_model_project_ahead(buf, sizeof(buf), &p), "");
	p.ahead = 2;
	assert_string_equal(
	    mlops_model_project_ahead(buf, sizeof(buf), &p), "2 ahead");
	p.behind = 1;
	assert_string_equal(mlops_model_project_ahead(buf, sizeof(buf), &p),
	    "2 ahead, 1 behind");
	p.ahead = 0;
	assert_string_equal(
	    mlops_model_project_ahead(buf, sizeof(buf), &p), "1 behind");
	p.detached = true;
	p.branch   = "";
	assert_string_equal(mlops_model_project_ref(buf, sizeof(buf), &p),
	    "detached at 0123456");
}

static void
test_gpu_summary(void **state)
{
	Mlops__GpuRow            r = MLOPS__GPU_ROW__INIT;
	struct mlops_gpu_summary s;

	(void) state;
	r.partition = "gpu";
	r.gpu_type  = "a100";
	r.total     = 6;
	r.allocated = 2;
	r.free      = 4;
	r.pending   = 0;
	mlops_model_gpu_summary(&s, &r);
	assert_string_equal(s.title, "a100");
	assert_string_equal(s.subtitle, "partition gpu");
	assert_string_equal(s.count, "4 of 6 free");
	assert_string_equal(s.pending, "");
	assert_true(s.fraction > 0.66 && s.fraction < 0.67);
	assert_false(s.none_free);

	r.free    = 0;
	r.pending = 3;
	mlops_model_gpu_summary(&s, &r);
	assert_string_equal(s.count, "0 of 6 free");
	assert_string_equal(s.pending, "3 requested by pending jobs");
	assert_true(s.fraction == 0.0);
	assert_true(s.none_free);

	/* No GPUs at all: an empty bar, not a division by zero. */
	r.total    = 0;
	r.free     = 0;
	r.gpu_type = "";
	mlops_model_gpu_summary(&s, &r);
	assert_string_equal(s.title, "gpu");
	assert_true(s.fraction == 0.0);
	assert_false(s.none_free);

	/* More free than total (a racing count) is clamped. */
	r.total = 2;
	r.free  = 5;
	mlops_model_gpu_summary(&s, &r);
	assert_true(s.fraction == 1.0);
	assert_string_equal(s.count, "2 of 2 free");
}

static void
test_gpus_free(void **state)
{
	Mlops__GpuRow      a = MLOPS__GPU_ROW__INIT, b = MLOPS__GPU_ROW__INIT;
	Mlops__GpuRow      c       = MLOPS__GPU_ROW__INIT;
	Mlops__GpuRow     *rows[3] = { &a, &b, &c };
	Mlops__ClusterGpus cg      = MLOPS__CLUSTER_GPUS__INIT;
	char               buf[64];

	(void) state;
	a.partition = "gpu";
	a.gpu_type  = "a100";
	a.free      = 4;
	b.partition = "gpu";
	b.gpu_type  = "v100";
	b.free      = 0;
	c.partition = "big";
	c.gpu_type  = "a100";
	c.free      = 2;
	cg.rows     = rows;
	cg.n_rows   = 3;
	assert_int_equal(mlops_model_gpus_free(&cg, "gpu", "a100"), 4);
	assert_int_equal(mlops_model_gpus_free(&cg, "", "a100"), 6);
	assert_int_equal(mlops_model_gpus_free(&cg, NULL, "a100"), 6);
	assert_int_equal(mlops_model_gpus_free(&cg, "gpu", "v100"), 0);
	assert_int_equal(mlops_model_gpus_free(&cg, "big", "v100"), -1);
	assert_int_equal(mlops_model_gpus_free(&cg, "gpu", "h100"), -1);
	assert_int_equal(mlops_model_gpus_free(NULL, "gpu", "a100"), -1);

	assert_string_equal(
	    mlops_model_gpu_choice_label(buf, sizeof(buf), "a100", 4),
	    "a100 — 4 free");
	assert_string_equal(
	    mlops_model_gpu_choice_label(buf, sizeof(buf), "v100", 0),
	    "v100 — none free");
	assert_string_equal(
	    mlops_model_gpu_choice_label(buf, sizeof(buf), "h100", -1),
	    "h100");
}

static void
test_split_overrides(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void) state;
	assert_int_equal(mlops_model_split_overrides(&v, &n, ""), 0);
	assert_int_equal(n, 0);
	assert_null(v[0]);
	mlops_model_strv_free(v);

	assert_int_equal(mlops_model_split_overrides(&v, &n,
	                     "  lr=0.1\tmodel=vit  'name=a b' \"x=\\\"y\\\"\" "
	                     "z=c\\ d +trainer.max_epochs=3 "),
	    0);
	assert_int_equal(n, 6);
	assert_string_equal(v[0], "lr=0.1");
	assert_string_equal(v[1], "model=vit");
	assert_string_equal(v[2], "name=a b");
	assert_string_equal(v[3], "x=\"y\"");
	assert_string_equal(v[4], "z=c d");
	assert_string_equal(v[5], "+trainer.max_epochs=3");
	assert_null(v[6]);
	mlops_model_strv_free(v);

	/* Quotes inside a word join, as in a shell. */
	assert_int_equal(
	    mlops_model_split_overrides(&v, &n, "a='1 2'3 ''"), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "a=1 23");
	assert_string_equal(v[1], "");
	mlops_model_strv_free(v);

	/* Many words grow the array. */
	assert_int_equal(mlops_model_split_overrides(&v, &n,
	                     "a b c d e f g h i j k l m n o p q r s t"),
	    0);
	assert_int_equal(n, 20);
	assert_string_equal(v[19], "t");
	mlops_model_strv_free(v);

	v = NULL;
	assert_int_equal(mlops_model_split_overrides(&v, &n, "a='open"), -1);
	assert_null(v);
	mlops_model_strv_free(NULL);
}

static void
test_launch_field(void **state)
{
	(void) state;
	assert_int_equal(mlops_model_launch_field("partition"),
	    MLOPS_LAUNCH_FIELD_PARTITION);
	assert_int_equal(
	    mlops_model_launch_field("gpu_type"), MLOPS_LAUNCH_FIELD_GPU_TYPE);
	assert_int_equal(
	    mlops_model_launch_field("mem"), MLOPS_LAUNCH_FIELD_MEM);
	assert_int_equal(
	    mlops_model_launch_field("time_limit"), MLOPS_LAUNCH_FIELD_TIME);
	assert_int_equal(mlops_model_launch_field("cpus_per_task"),
	    MLOPS_LAUNCH_FIELD_CPUS);
	assert_int_equal(mlops_model_launch_field("overrides[1]"),
	    MLOPS_LAUNCH_FIELD_OVERRIDES);
	assert_int_equal(
	    mlops_model_launch_field("nodes"), MLOPS_LAUNCH_FIELD_NODES);
	assert_int_equal(
	    mlops_model_launch_field(""), MLOPS_LAUNCH_FIELD_NONE);
	assert_int_equal(
	    mlops_model_launch_field(NULL), MLOPS_LAUNCH_FIELD_NONE);
	assert_int_equal(
	    mlops_model_launch_field("partitions"), MLOPS_LAUNCH_FIELD_NONE);
}

static void
test_error_text(void **state)
{
	char buf[512];

	(void) state;
	assert_string_equal(
	    mlops_model_error_text(buf, sizeof(buf),
	        "Could not launch the job", -9,
	        "Requested node configuration is not available"),
	    "Could not launch the job: Slurm refused it: Requested node "
	    "configuration is not available");
	assert_string_equal(mlops_model_error_text(
	                        buf, sizeof(buf), "Could not sync", -5, "x"),
	    "Could not sync: the daemon did not answer in time");
	assert_string_equal(mlops_model_error_text(buf, sizeof(buf),
	                        "Could not sync", -2, "no project \"x\""),
	    "Could not sync: no project \"x\"");
	assert_string_equal(mlops_model_error_text(
	                        buf, sizeof(buf), "Could not cancel", -1, ""),
	    "Could not cancel");
	assert_non_null(strstr(mlops_model_error_text(buf, sizeof(buf),
	                           "Could not launch the job", -17, "dirty"),
	    "Allow uncommitted changes"));
	assert_non_null(strstr(mlops_model_error_text(buf, sizeof(buf),
	                           "Could not check", -13, ""),
	    "host key"));
	assert_non_null(strstr(mlops_model_error_text(buf, sizeof(buf),
	                           "Could not refresh", -6, ""),
	    "cannot be reached"));
	/* A small buffer truncates, never overflows. */
	mlops_model_error_text(buf, 8, "Could not launch the job", -9, "long");
	assert_int_equal(strlen(buf), 7);
}

static void
test_log_tail(void **state)
{
	const char *log = "line one\nline two\nline three\n";
	size_t      len = strlen(log);
	size_t      s;

	(void) state;
	assert_int_equal(mlops_model_log_tail_start(log, len, 1000), 0);
	assert_int_equal(mlops_model_log_tail_start(log, len, len), 0);
	/* Starts at a line: "line three\n" is 11 bytes. */
	s = mlops_model_log_tail_start(log, len, 13);
	assert_string_equal(log + s, "line three\n");
	s = mlops_model_log_tail_start(log, len, 11);
	assert_string_equal(log + s, "line three\n");
	/* One long line is cut, not at a UTF-8 continuation byte. */
	s = mlops_model_log_tail_start("aaaa\xc3\xa9zz", 8, 3);
	assert_int_equal(s, 6);
}

static void
test_dup(void **state)
{
	struct tjob    t;
	Mlops__Job    *c;
	Mlops__Project p = MLOPS__PROJECT__INIT, *pc;

	(void) state;
	tjob_init(&t, 42, "RUNNING", "copy me", "77");
	t.ov[0]         = "a=1";
	t.j.overrides   = t.ov;
	t.j.n_overrides = 1;
	c               = mlops_model_job_dup(&t.j);
	assert_non_null(c);
	assert_int_equal(c->id, 42);
	assert_string_equal(c->description, "copy me");
	assert_string_equal(c->overrides[0], "a=1");
	assert_int_equal(c->elapsed_s, -1);
	assert_ptr_not_equal(c->description, t.j.description);
	mlops__job__free_unpacked(c, NULL);

	p.name  = "toy";
	p.ahead = -1;
	pc      = mlops_model_project_dup(&p);
	assert_non_null(pc);
	assert_string_equal(pc->name, "toy");
	assert_int_equal(pc->ahead, -1);
	mlops__project__free_unpacked(pc, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_badges),
		cmocka_unit_test(test_every_state_looks),
		cmocka_unit_test(test_job_ended),
		cmocka_unit_test(test_filter_state),
		cmocka_unit_test(test_filter_search),
		cmocka_unit_test(test_job_fields),
		cmocka_unit_test(test_insert_pos),
		cmocka_unit_test(test_project),
		cmocka_unit_test(test_gpu_summary),
		cmocka_unit_test(test_gpus_free),
		cmocka_unit_test(test_split_overrides),
		cmocka_unit_test(test_launch_field),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_log_tail),
		cmocka_unit_test(test_dup),
	};
	return cmocka_run_group_tests_name("gtk_model", tests, NULL, NULL);
}
