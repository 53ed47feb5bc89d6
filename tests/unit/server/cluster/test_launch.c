/*
 * launch on recorded executors: a project's launch from the request to
 * the outcome stored, at every point where it can fail. Before anything is
 * stored (the cluster refuses the request), before sbatch (the upload, the
 * unpacking: SUBMIT_FAILED), sbatch's own refusal (SUBMIT_FAILED with its
 * words), and the outcomes nobody can know (a timeout, a dropped session,
 * a signal, an answer that is not one job id): those stay SUBMITTING and
 * the poller finds the job by its name or gives it up after the grace.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "clusters.h"
#include "core_fixture.h"
#include "fake_slurm.h"
#include "gitinfo.h"
#include "launch.h"
#include "sbatch.h"
#include "store.h"
#include "testutil.h"

#define GIT                                               \
	"git -c user.name=t -c user.email=t@example.org " \
	"-c init.defaultBranch=main"

static const char yaml[] = "clusters:\n"
                           "  - name: gamma\n"
                           "    host: mlops@127.0.0.1\n"
                           "    workspace: /home/mlops/ws\n"
                           "    poll_interval: 3600\n";

/* What one launch's callback got. */
struct outcome {
	pthread_mutex_t    mtx;
	pthread_cond_t     cv;
	bool               done;
	int                rc;
	struct store_job  *job;
	int64_t            recorded;
	struct mlops_error err;
};

struct ctx {
	struct core_fx    fx;
	struct fake_slurm fs;
	char             *proj; /* the project's work tree */
	struct outcome    out;
};

static int
setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->out.mtx, NULL);
	pthread_cond_init(&c->out.cv, NULL);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	if (c->fx.d.d_cfg != NULL) {
		core_fx_fini(&c->fx);
	}
	fake_slurm_fini(&c->fs);
	store_job_free(c->out.job);
	pthread_mutex_destroy(&c->out.mtx);
	pthread_cond_destroy(&c->out.cv);
	free(c->proj);
	free(c);
	return 0;
}

static void
on_launch(void *arg, int rc, struct store_job *job, struct store_job **tasks,
    size_t n_tasks, int64_t job_id, const struct mlops_error *err)
{
	struct outcome *o = arg;

	store_job_list_free(tasks, n_tasks);
	pthread_mutex_lock(&o->mtx);
	o->rc       = rc;
	o->job      = job;
	o->recorded = job_id;
	if (err != NULL) {
		o->err = *err;
	}
	o->done = true;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mtx);
}

/*
 * The core with cluster gamma (24.11) answering the partition query and
 * unpacking, and project "toy": a git work tree with one commit.
 */
static struct replay *
start(struct ctx *c)
{
	struct store_project p   = { 0 };
	struct mlops_error   err = { 0 };
	struct replay       *r;

	core_fx_init(&c->fx, yaml);
	c->proj = xasprintf("%s/toy", c->fx.dir);
	assert_int_equal(testutil_sh("git init -q -b main '%s'", c->proj), 0);
	assert_int_equal(testutil_write(c->proj, "train.py", "print(1)\n"), 0);
	assert_int_equal(testutil_sh("cd '%s' && git add train.py && " GIT
	                             " commit -q -m first",
	                     c->proj),
	    0);
	p.name = "toy";
	p.path = c->proj;
	if (store_project_insert(c->fx.st, &p, &err) != 0) {
		fail_msg("project: %s", err.msg);
	}
	r = core_fx_replay(&c->fx, "gamma");
	replay_add_fixture(
	    r, "scontrol", "show partition", "24.11/partitions.txt", -1);
	replay_add(r, "tar", "-xf", "", NULL, 0, -1);
	replay_add(r, "rm", "-f", "", NULL, 0, -1);
	fake_slurm_serve(&c->fs, r);
	core_fx_start(&c->fx, true);
	return r;
}

/* Launches `req` and waits for the outcome. */
static struct outcome *
launch_req(struct ctx *c, const struct launch_request *req)
{
	struct mlops_error err = { 0 };
	struct outcome    *o   = &c->out;

	if (launch_start(&c->fx.d, req, on_launch, o, &err) != 0) {
		fail_msg("launch_start: %s", err.msg);
	}
	pthread_mutex_lock(&o->mtx);
	while (!o->done) {
		pthread_cond_wait(&o->cv, &o->mtx);
	}
	pthread_mutex_unlock(&o->mtx);
	return o;
}

/* Launches a CPU job of "toy" on gamma and waits for the outcome; with
 * `sweep`, a sweep of lr=0.1,0.2 (a job array of two tasks). */
static struct outcome *
launch_as(struct ctx *c, const char *partition, bool sweep)
{
	static const char *const lr[] = { "lr=0.1,0.2" };
	struct launch_request    req  = {
		    .project     = "toy",
		    .cluster     = "gamma",
		    .partition   = partition,
		    .nodes       = 1,
		    .overrides   = sweep ? lr : NULL,
		    .n_overrides = sweep ? 1 : 0,
		    .sweep       = sweep,
	};

	return launch_req(c, &req);
}

static struct outcome *
launch(struct ctx *c, const char *partition)
{
	return launch_as(c, partition, false);
}

static int64_t
count_jobs(struct ctx *c)
{
	struct store_job **v   = NULL;
	size_t             n   = 0;
	struct mlops_error err = { 0 };

	assert_int_equal(store_job_list(&v, &n, c->fx.st, NULL, &err), 0);
	store_job_list_free(v, n);
	return (int64_t) n;
}

/* The job `id` as stored: its state, and its reason holding `reason`. */
static void
expect_job(struct ctx *c, int64_t id, const char *state, const char *reason)
{
	struct store_job *j = core_fx_job(&c->fx, id);

	assert_non_null(j);
	assert_string_equal(j->state, state);
	if (reason != NULL) {
		if (j->reason == NULL || strstr(j->reason, reason) == NULL) {
			fail_msg("job %lld: reason '%s', expected '%s' in it",
			    (long long) id, j->reason ? j->reason : "(null)",
			    reason);
		}
	}
	store_job_free(j);
}

/* The happy path: the code and the script in the job's folder, then one
 * sbatch; the job takes its Slurm id at once. */
static void
test_launch_submits(void **state)
{
	struct ctx          *c = *state;
	struct replay       *r = start(c);
	struct outcome      *o;
	struct store_job    *j;
	const struct strbuf *script;
	char                *path;

	replay_add(r, "sbatch", "--parsable", "1309\n", NULL, 0, 1);
	o = launch(c, NULL);
	if (o->rc != 0) {
		fail_msg("launch: %s (%s)", o->err.msg, o->err.field);
	}
	assert_non_null(o->job);
	assert_string_equal(o->job->state, "PENDING");
	assert_string_equal(o->job->slurm_job_id, "1309");
	assert_string_equal(o->job->partition, "gpu"); /* the default */
	j    = core_fx_job(&c->fx, o->job->id);
	path = xasprintf("%s/job.sbatch", j->work_dir);
	assert_non_null(script = replay_file(r, path));
	assert_non_null(strstr(script->buf, "#SBATCH --partition=gpu"));
	assert_true(j->submit_started_at > 0);
	assert_int_equal(replay_count(r, "sbatch"), 1);
	assert_int_equal(replay_count(r, "tar"), 1);
	assert_int_equal(core_fx_events(&c->fx, j->id, "PENDING"), 1);
	assert_int_equal(replay_unmatched(r), 0);
	free(path);
	store_job_free(j);
}

/* The cluster refuses the request: nothing is stored, nothing uploaded. */
static void
test_launch_refused_before_recording(void **state)
{
	struct ctx     *c = *state;
	struct replay  *r = start(c);
	struct outcome *o = launch(c, "nosuch");

	assert_int_equal(o->rc, MLOPS_EINVAL);
	assert_string_equal(o->err.field, "partition");
	assert_int_equal(o->recorded, 0);
	assert_null(o->job);
	assert_int_equal(count_jobs(c), 0);
	assert_int_equal(replay_count(r, "@write"), 0);
	assert_int_equal(replay_count(r, "sbatch"), 0);
}

/* A GPU request is checked against the nodes of the partition: a type it
 * lacks is refused naming gpu_type, before anything is stored; one it has
 * is submitted. */
static void
test_launch_gpu_types(void **state)
{
	struct ctx           *c   = *state;
	struct replay        *r   = start(c);
	struct launch_request req = {
		.project  = "toy",
		.cluster  = "gamma",
		.gpus     = 1,
		.gpu_type = "h100",
	};
	struct outcome *o;

	replay_add_fixture(
	    r, "scontrol", "show node", "24.11/nodes_idle.txt", -1);
	replay_add(r, "sbatch", "--parsable", "1311\n", NULL, 0, 1);
	o = launch_req(c, &req);
	assert_int_equal(o->rc, MLOPS_EINVAL);
	assert_string_equal(o->err.field, "gpu_type");
	assert_non_null(strstr(o->err.msg, "no 'h100' GPUs"));
	assert_int_equal(count_jobs(c), 0);
	o->done      = false;
	req.gpu_type = "a100";
	o            = launch_req(c, &req);
	if (o->rc != 0) {
		fail_msg("launch: %s", o->err.msg);
	}
	assert_string_equal(o->job->slurm_job_id, "1311");
	assert_int_equal(replay_count_with(r, "scontrol", "show node"), 2);
}

/* The upload fails (the session drops under it): sbatch never ran, so the
 * job is known not to exist: SUBMIT_FAILED, and no sbatch start stored. */
static void
test_launch_upload_fails(void **state)
{
	struct ctx       *c = *state;
	struct replay    *r = start(c);
	struct outcome   *o;
	struct store_job *j;

	replay_add_fail(r, "@write", "code.tar", MLOPS_EUNREACHABLE,
	    "the connection dropped", 1);
	o = launch(c, NULL);
	assert_true(o->rc < 0);
	assert_true(o->recorded > 0);
	assert_null(o->job);
	expect_job(c, o->recorded, "SUBMIT_FAILED", "the connection dropped");
	j = core_fx_job(&c->fx, o->recorded);
	assert_int_equal(j->submit_started_at, 0);
	store_job_free(j);
	assert_int_equal(replay_count(r, "sbatch"), 0);
	assert_int_equal(
	    core_fx_events(&c->fx, o->recorded, "SUBMIT_FAILED"), 1);
}

/* Unpacking the code fails on the cluster: its words, no sbatch. */
static void
test_launch_unpack_fails(void **state)
{
	struct ctx     *c = *state;
	struct replay  *r = start(c);
	struct outcome *o;

	replay_add(r, "tar", "-xf", "",
	    "tar: /home/mlops/ws: Cannot mkdir: Disk quota exceeded\n", 2, 1);
	o = launch(c, NULL);
	assert_true(o->rc < 0);
	expect_job(c, o->recorded, "SUBMIT_FAILED", "Disk quota exceeded");
	assert_int_equal(replay_count(r, "sbatch"), 0);
}

/* sbatch refuses with Slurm's error: the one known failure after sbatch
 * ran, in Slurm's own words. */
static void
test_launch_sbatch_refuses(void **state)
{
	struct ctx       *c = *state;
	struct replay    *r = start(c);
	struct outcome   *o;
	struct store_job *j;
	char             *err_text;
	size_t            len;

	err_text = testutil_read(
	    MLOPS_FIXTURES "/slurm/24.11/sbatch_refused_stderr.txt", &len);
	assert_non_null(err_text);
	replay_add(r, "sbatch", "--parsable", "", err_text, 1, 1);
	o = launch(c, NULL);
	assert_int_equal(o->rc, MLOPS_ESLURM);
	expect_job(c, o->recorded, "SUBMIT_FAILED",
	    "Requested node configuration is not available");
	j = core_fx_job(&c->fx, o->recorded);
	assert_true(j->submit_started_at > 0);
	assert_null(j->slurm_job_id);
	store_job_free(j);
	free(err_text);
}

/* A site's sbatch wrapper prints around the id: the id line is used. */
static void
test_launch_sbatch_notices(void **state)
{
	struct ctx     *c = *state;
	struct replay  *r = start(c);
	struct outcome *o;

	replay_add(r, "sbatch", "--parsable",
	    "NOTICE: gpu jobs must set --time\n1309\n", NULL, 0, 1);
	o = launch(c, NULL);
	assert_int_equal(o->rc, 0);
	assert_string_equal(o->job->state, "PENDING");
	assert_string_equal(o->job->slurm_job_id, "1309");
}

/*
 * After an unknown outcome: the reply and the store say SUBMITTING (with
 * why), then a poll finds the job by its name (this user's jobs only) and
 * it takes its Slurm id. Returns the job's id.
 */
static int64_t
expect_unknown_then_found(struct ctx *c, const char *why)
{
	struct outcome     *o = &c->out;
	struct replay      *r = core_fx_replay(&c->fx, "gamma");
	struct fake_job    *fj;
	struct cluster_poll poll;
	int64_t             id;
	char                name[64];

	assert_int_equal(o->rc, 0);
	assert_non_null(o->job);
	id = o->job->id;
	assert_string_equal(o->job->state, "SUBMITTING");
	assert_null(o->job->slurm_job_id);
	expect_job(c, id, "SUBMITTING", why);
	assert_int_equal(core_fx_events(&c->fx, id, "SUBMIT_FAILED"), 0);

	/* Slurm did queue it. */
	sbatch_job_name(name, sizeof(name), c->fx.d.d_instance, id);
	fj = fake_slurm_add(&c->fs, "1309", "PENDING", true, true);
	snprintf(fj->name, sizeof(fj->name), "%s", name);
	core_fx_poll(&c->fx, "gamma");
	expect_job(c, id, "PENDING", NULL);
	assert_true(
	    replay_count_with(r, "squeue", "--me -t all --name=") >= 1);
	/* a cycle with nothing but that job to look for is a good one */
	clusters_poll(c->fx.d.d_clusters, "gamma", &poll);
	assert_string_equal(poll.error, "");
	return id;
}

/* sbatch timed out: the job may well be queued. */
static void
test_launch_sbatch_timeout(void **state)
{
	struct ctx    *c = *state;
	struct replay *r = start(c);

	replay_add_fail(r, "sbatch", "--parsable", MLOPS_ETIMEDOUT,
	    "no answer in 120 s", 1);
	launch(c, NULL);
	expect_unknown_then_found(c, "sbatch's answer was lost");
	assert_int_equal(replay_count(r, "sbatch"), 1); /* never run again */
}

/* The answer is not a job id (a wrapper that drops --parsable). */
static void
test_launch_sbatch_unparseable(void **state)
{
	struct ctx    *c = *state;
	struct replay *r = start(c);

	replay_add(r, "sbatch", "--parsable", "Submitted batch job 1309\n",
	    NULL, 0, 1);
	launch(c, NULL);
	expect_unknown_then_found(c, "not one job id");
}

static int
killed(
    void *arg, const char *const *argv, struct strbuf *out, struct strbuf *err)
{
	(void) arg;
	(void) argv;
	(void) out;
	(void) err;
	return -1; /* by a signal */
}

/* sbatch was killed, or exited non-zero without a word: unknown too. */
static void
test_launch_sbatch_killed(void **state)
{
	struct ctx    *c = *state;
	struct replay *r = start(c);

	replay_add_fn(r, "sbatch", "--parsable", killed, NULL, 1);
	launch(c, NULL);
	expect_unknown_then_found(c, "sbatch was killed");
}

/* The outcome is unknown and Slurm never heard of the job: it stays
 * SUBMITTING through the grace, counted from the start of sbatch, then
 * is given up; a later launch is a new job. */
static void
test_launch_unknown_never_queued(void **state)
{
	struct ctx     *c = *state;
	struct replay  *r = start(c);
	struct outcome *o;
	int64_t         id;
	char            sql[160];

	replay_add_fail(r, "sbatch", "--parsable", MLOPS_EUNREACHABLE,
	    "the connection dropped", 1);
	o  = launch(c, NULL);
	id = o->job->id;
	core_fx_poll(&c->fx, "gamma");
	expect_job(c, id, "SUBMITTING", "sbatch's answer was lost");
	snprintf(sql, sizeof(sql),
	    "UPDATE jobs SET submit_started_at = submit_started_at - %d",
	    LAUNCH_SUBMIT_GRACE_S);
	core_fx_sql(&c->fx, sql);
	core_fx_poll(&c->fx, "gamma");
	expect_job(c, id, "SUBMIT_FAILED", "never queued");
	assert_int_equal(core_fx_events(&c->fx, id, "SUBMIT_FAILED"), 1);
}

/* A sweep's sbatch answer is lost: every task stays SUBMITTING, then the
 * array found under task 0's name gives each task its id. */
static void
test_launch_sweep_unknown(void **state)
{
	struct ctx       *c = *state;
	struct replay    *r = start(c);
	struct outcome   *o;
	struct store_job *t1;
	struct fake_job  *fj;
	int64_t           id;
	char              name[64];

	replay_add_fixture(r, "scontrol", "show config",
	    "24.11/scontrol_show_config.txt", -1);
	replay_add_fail(r, "sbatch", "--parsable", MLOPS_ETIMEDOUT,
	    "no answer in 120 s", 1);
	o = launch_as(c, NULL, true);
	if (o->rc != 0) {
		fail_msg("launch: %s", o->err.msg);
	}
	id = o->job->id;
	assert_true(o->job->sweep_id > 0);
	expect_job(c, id, "SUBMITTING", "sbatch's answer was lost");
	expect_job(c, id + 1, "SUBMITTING", "sbatch's answer was lost");
	t1 = core_fx_job(&c->fx, id + 1);
	assert_int_equal(t1->sweep_id, o->job->sweep_id);
	assert_true(t1->submit_started_at > 0);
	store_job_free(t1);

	sbatch_job_name(name, sizeof(name), c->fx.d.d_instance, id);
	fj = fake_slurm_add(&c->fs, "1400_0", "RUNNING", true, true);
	snprintf(fj->name, sizeof(fj->name), "%s", name);
	fj = fake_slurm_add(&c->fs, "1400_1", "PENDING", true, true);
	snprintf(fj->name, sizeof(fj->name), "%s", name);
	core_fx_poll(&c->fx, "gamma");
	t1 = core_fx_job(&c->fx, id + 1);
	assert_string_equal(t1->slurm_job_id, "1400_1");
	store_job_free(t1);
	core_fx_poll(&c->fx, "gamma");
	expect_job(c, id, "RUNNING", NULL);
	expect_job(c, id + 1, "PENDING", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_launch_submits, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_refused_before_recording, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_gpu_types, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_upload_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_unpack_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_sbatch_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_sbatch_notices, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_sbatch_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_sbatch_unparseable, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_sbatch_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_unknown_never_queued, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_launch_sweep_unknown, setup, teardown),
	};

	struct mlops_error err = { 0 };
	int                rc;

	if (gitinfo_global_init(&err) != 0) {
		fprintf(stderr, "libgit2: %s\n", err.msg);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	gitinfo_global_shutdown();
	return rc;
}
