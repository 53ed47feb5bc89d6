/*
 * One launch, on its own detached thread: local checks and git work, the
 * SUBMITTING record, then the remote part as a function run on the
 * cluster's SSH worker, then the outcome recorded and published. The
 * launcher counts launches in flight so shutdown can wait for them and the
 * poller's reconciliation leaves them alone.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <mlops/log.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "cluster_info.h"
#include "clusters.h"
#include "config.h"
#include "gitinfo.h"
#include "launch.h"
#include "jobs.h"
#include "launch_hydra.h"
#include "launch_spec.h"
#include "launch_sweep.h"
#include "mlopsd.h"
#include "sbatch.h"
#include "slurm_cmd.h"
#include "slurm_parse.h"
#include "executor.h"
#include "store_sweeps.h"

#define LAUNCH_MAX_INFLIGHT 256

struct launcher {
	pthread_mutex_t l_mtx;
	pthread_cond_t  l_cv;
	int64_t         l_ids[LAUNCH_MAX_INFLIGHT]; /* 0: free slot */
	unsigned        l_running;                  /* threads alive */
	struct launch_sweep_limits *l_limits; /* MaxArraySize per cluster */
};

/* Everything one launch owns. */
struct launch {
	struct mlopsd *d;
	launch_cb      cb;
	void          *arg;
	/* the request, copied */
	char  *project, *cluster, *partition, *gpu_type;
	char  *mem, *time_limit, *description;
	char  *config_name;
	char **overrides;
	size_t n_overrides;
	int    gpus, nodes, cpus_per_task;
	bool   allow_dirty, dry_run, no_validate;
	bool   sweep;        /* overrides are a multirun: one job array */
	int    max_parallel; /* the array's %K; 0: no limit */
	/* worked out on the way */
	const struct cluster_config *cc;
	struct executor             *ex;
	struct store                *st;
	struct store_project        *proj;
	struct gitinfo              *gi;
	struct project_config       *pc;
	int64_t                      id;
	char                        *job_dir, *code_dir, *stdout_path;
	char                        *stderr_path, *script;
	struct sbatch_env           *spec_env; /* the spec's project env */
	struct strbuf                tar, patch;
	char                        *slurm_id;
	/* sbatch was sent, but what it did is not known (its answer was
	 * lost or is not a job id): why. The job stays SUBMITTING. */
	char             *unknown;
	struct store_job *dry_job;
	/* the Hydra check; hydra NULL: not validated (no conf/) */
	struct launch_hydra *hydra;
	char                *resolved_json, *config_json;
	/* a sweep (NULL: a single job), and a dry run's would-be tasks */
	struct launch_sweep *sw;
	struct store_job   **tasks;
	size_t               n_tasks;
};

int
launcher_new(struct launcher **out)
{
	struct launcher *l = xcalloc(1, sizeof(*l));

	pthread_mutex_init(&l->l_mtx, NULL);
	pthread_cond_init(&l->l_cv, NULL);
	l->l_limits = launch_sweep_limits_new();
	*out        = l;
	return 0;
}

void
launcher_free(struct launcher *l)
{
	struct timespec ts;

	if (l == NULL) {
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	pthread_mutex_lock(&l->l_mtx);
	while (l->l_running > 0
	    && pthread_cond_timedwait(&l->l_cv, &l->l_mtx, &ts) == 0) { }
	if (l->l_running > 0) {
		/* A launch thread still uses it: leak rather than crash. */
		log_error("launch: %u launch(es) still running at shutdown",
		    l->l_running);
		pthread_mutex_unlock(&l->l_mtx);
		return;
	}
	pthread_mutex_unlock(&l->l_mtx);
	pthread_mutex_destroy(&l->l_mtx);
	pthread_cond_destroy(&l->l_cv);
	launch_sweep_limits_free(l->l_limits);
	free(l);
}

bool
launcher_in_flight(struct launcher *l, int64_t id)
{
	bool found = false;

	pthread_mutex_lock(&l->l_mtx);
	for (size_t i = 0; i < LAUNCH_MAX_INFLIGHT && !found; i++) {
		found = l->l_ids[i] == id;
	}
	pthread_mutex_unlock(&l->l_mtx);
	return found;
}

bool
launcher_job_in_flight(struct launcher *l, const struct store_job *j)
{
	/* A sweep in flight is marked by its negated id. */
	return launcher_in_flight(l, j->id)
	    || (j->sweep_id > 0 && launcher_in_flight(l, -j->sweep_id));
}

static void
launcher_mark(struct launcher *l, int64_t id, bool on)
{
	pthread_mutex_lock(&l->l_mtx);
	for (size_t i = 0; i < LAUNCH_MAX_INFLIGHT; i++) {
		if (on ? l->l_ids[i] == 0 : l->l_ids[i] == id) {
			l->l_ids[i] = on ? id : 0;
			break;
		}
	}
	pthread_mutex_unlock(&l->l_mtx);
}

static void
launch_free(struct launch *L)
{
	free(L->project);
	free(L->cluster);
	free(L->partition);
	free(L->gpu_type);
	free(L->mem);
	free(L->time_limit);
	free(L->description);
	free(L->config_name);
	for (size_t i = 0; i < L->n_overrides; i++) {
		free(L->overrides[i]);
	}
	free(L->overrides);
	store_project_free(L->proj);
	gitinfo_free(L->gi);
	project_config_free(L->pc);
	launch_hydra_free(L->hydra);
	free(L->resolved_json);
	free(L->config_json);
	store_close(L->st);
	free(L->job_dir);
	free(L->code_dir);
	free(L->stdout_path);
	free(L->stderr_path);
	free(L->script);
	free(L->spec_env);
	strbuf_fini(&L->tar);
	strbuf_fini(&L->patch);
	free(L->slurm_id);
	free(L->unknown);
	store_job_free(L->dry_job);
	launch_sweep_free(L->sw);
	store_job_list_free(L->tasks, L->n_tasks);
	free(L);
}

static char *
launch_dup(const char *s)
{
	return s != NULL && s[0] != '\0' ? xstrdup(s) : NULL;
}

/* Runs one command on the worker's live session. */
static int
launch_exec(struct exec_session *s, const char *const *argv,
    struct exec_result *res, struct mlops_error *err)
{
	struct exec_opts opts;

	exec_opts_init(&opts);
	opts.timeout_ms = 300000;
	opts.max_stdout = 1u << 20;
	return exec_run(s, res, argv, &opts, err);
}

/* Runs a command that must succeed; its stderr becomes the error. */
static int
launch_must(struct exec_session *s, const char *const *argv, const char *what,
    struct mlops_error *err)
{
	struct exec_result res = { 0 };
	int                rc;

	if ((rc = launch_exec(s, argv, &res, err)) < 0) {
		return rc;
	}
	if (res.exit_status != 0) {
		rc = mlops_error_set(err, MLOPS_ESLURM, "%s failed: %s", what,
		    res.stderr_len ? res.stderr_buf : "(no message)");
	}
	exec_result_fini(&res);
	return rc;
}

/* Step 1 on the worker: cluster checks only (before anything is stored). */
static int
launch_remote_check(struct exec_session *s, void *arg, struct mlops_error *err)
{
	struct launch        *L = arg;
	struct cluster_status st;
	int                   rc;

	clusters_status(L->d->d_clusters, L->cc->name, &st);
	if ((rc = slurm_cmd_check_version(
	         st.slurm_major, st.slurm_minor, st.slurm_version, err))
	    < 0) {
		return rc;
	}
	if ((rc = cluster_info_check_request(
	         s, L->cc, &L->partition, L->gpus, L->gpu_type, err))
	        < 0
	    || L->sw == NULL) {
		return rc;
	}
	return launch_sweep_check_limit(
	    L->sw, L->d->d_launcher->l_limits, L->cc->name, s, err);
}

/* Step 2 on the worker: the code and the script, in the job's folder. */
static int
launch_remote_upload(
    struct exec_session *s, void *arg, struct mlops_error *err)
{
	struct launch *L    = arg;
	char          *tarp = NULL, *patchp = NULL, *scriptp = NULL;
	int            rc;

	tarp    = xasprintf("%s/code.tar", L->job_dir);
	patchp  = xasprintf("%s/uncommitted.patch", L->job_dir);
	scriptp = xasprintf("%s/job.sbatch", L->job_dir);
	if ((rc = exec_mkdir_p(s, L->code_dir, 0755, err)) < 0) {
		goto out;
	}
	if (L->tar.len > 0) {
		const char *untar[]
		    = { "tar", "-xf", tarp, "-C", L->code_dir, NULL };
		const char *rm[] = { "rm", "-f", tarp, NULL };

		if ((rc = exec_write_file(
		         s, tarp, L->tar.buf, L->tar.len, 0600, err))
		        < 0
		    || (rc = launch_must(s, untar, "unpacking the code", err))
		        < 0
		    || (rc = launch_must(s, rm, "removing code.tar", err))
		        < 0) {
			goto out;
		}
	} else {
		/* code_sync: git — the exact commit, cloned on the login node
		 */
		const char *clone[]
		    = { "git", "clone", "--quiet", "--no-checkout",
			      L->gi->origin_url, L->code_dir, NULL };
		const char *co[] = { "git", "-C", L->code_dir, "checkout",
			"--quiet", "--detach", L->gi->head_sha, NULL };

		if ((rc = launch_must(s, clone, "git clone", err)) < 0
		    || (rc = launch_must(s, co, "git checkout", err)) < 0) {
			goto out;
		}
	}
	if (L->patch.len > 0) {
		const char *apply[] = { "git", "-C", L->code_dir, "apply",
			"--whitespace=nowarn", patchp, NULL };

		if ((rc = exec_write_file(
		         s, patchp, L->patch.buf, L->patch.len, 0600, err))
		        < 0
		    || (rc = launch_must(
		            s, apply, "applying the uncommitted changes", err))
		        < 0) {
			goto out;
		}
	}
	rc = exec_write_file(
	    s, scriptp, L->script, strlen(L->script), 0644, err);
out:
	free(tarp);
	free(patchp);
	free(scriptp);
	return rc;
}

/*
 * Step 3 on the worker: sbatch. Only a refusal sbatch states (non-zero
 * exit with a message) is a failure. A lost answer (timeout, dropped
 * connection, signal) or one without exactly one job id leaves the outcome
 * unknown: L->unknown says why (the return value then only tells the
 * executor about its connection).
 */
static int
launch_remote_sbatch(
    struct exec_session *s, void *arg, struct mlops_error *err)
{
	struct launch      *L       = arg;
	char               *scriptp = NULL;
	char              **sb      = NULL;
	struct exec_result  res     = { 0 };
	struct slurm_submit sub     = { 0 };
	struct mlops_error  why     = { 0 };
	struct exec_opts    opts;
	int                 rc;

	scriptp = xasprintf("%s/job.sbatch", L->job_dir);
	if ((rc = slurm_cmd_sbatch(&sb, scriptp, err)) < 0) {
		goto out;
	}
	exec_opts_init(&opts);
	opts.timeout_ms = LAUNCH_SBATCH_TIMEOUT_S * 1000;
	opts.max_stdout = 1u << 16;
	if (exec_run(s, &res, (const char *const *) sb, &opts, &why) < 0) {
		L->unknown
		    = xasprintf("sbatch's answer was lost (%s)", why.msg);
		if (why.code == MLOPS_EUNREACHABLE) {
			/* so that the executor checks its connection */
			rc = mlops_error_set(err, why.code, "%s", why.msg);
		}
	} else if (res.exit_status > 0 && res.stderr_len > 0) {
		/* sbatch's own words, verbatim. */
		rc = slurm_parse_error(res.stderr_buf, err);
	} else if (res.exit_status != 0) {
		L->unknown = res.exit_signal[0] != '\0'
		    ? xasprintf("sbatch was killed by SIG%s", res.exit_signal)
		    : xasprintf(
		        "sbatch exited %d without a message", res.exit_status);
	} else if (res.stdout_truncated) {
		L->unknown
		    = xasprintf("sbatch's answer was cut off after %zu bytes",
		        res.stdout_len);
	} else if (slurm_parse_sbatch(&sub, res.stdout_buf, &why) < 0) {
		L->unknown = xasprintf(
		    "sbatch's answer is not one job id: %s", why.msg);
	} else {
		if (sub.notices > 0) {
			log_info("job %lld: sbatch printed %zu line%s besides "
			         "the job id",
			    (long long) L->id, sub.notices,
			    sub.notices == 1 ? "" : "s");
		}
		L->slurm_id = xstrdup(sub.job_id);
	}
out:
	slurm_submit_fini(&sub);
	exec_result_fini(&res);
	slurm_argv_free(sb);
	free(scriptp);
	return rc;
}

/*
 * The overrides against the project's Hydra config (conf/ by default), a
 * local check made before anything touches the cluster or is uploaded.
 * A project without the directory launches unvalidated, as before.
 */
static int
launch_validate(struct launch *L, struct mlops_error *err)
{
	int rc;

	rc = launch_hydra_open(
	    &L->hydra, L->gi->root, L->pc, L->config_name, err);
	if (rc == MLOPS_ENOTFOUND && err != NULL) {
		/* a conf/ that is not Hydra's, or another primary config */
		char was[sizeof(err->msg)];

		snprintf(was, sizeof(was), "%s", err->msg);
		mlops_error_set_field(err, rc, "config_name",
		    "%s (name the primary config with --config-name, or "
		    "launch with --no-validate)",
		    was);
	}
	if (rc < 0 || L->hydra == NULL) {
		return rc;
	}
	/* Sweep: each task's overrides are checked the same way, one
	 * launch_hydra_check() per task, before the array is recorded. */
	if (L->sw != NULL) {
		return launch_sweep_validate(L->sw, L->hydra, err);
	}
	return launch_hydra_check(L->hydra, (const char *const *) L->overrides,
	    L->n_overrides, &L->resolved_json, &L->config_json, err);
}

/* Local checks, git metadata and the project configuration. */
static int
launch_prepare(struct launch *L, struct mlops_error *err)
{
	char *cfgpath = NULL;
	int   rc;

	if (L->project == NULL) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "project",
		    "project: a project name is required");
	}
	if ((rc = store_project_get_by_name(&L->proj, L->st, L->project, err))
	    < 0) {
		mlops_error_field(err, "project");
		return rc;
	}
	if (L->cluster == NULL
	    || (L->cc = config_cluster_find(L->d->d_cfg, L->cluster))
	        == NULL) {
		return mlops_error_set_field(err,
		    L->cluster ? MLOPS_ENOTFOUND : MLOPS_EINVAL, "cluster",
		    "cluster: %s",
		    L->cluster ? "no such cluster in clusters.yaml"
		               : "a cluster is required");
	}
	L->ex = clusters_exec(L->d->d_clusters, L->cc->name);
	if (L->partition != NULL && L->cc->allowed_partitions.n > 0
	    && !strlist_contains(&L->cc->allowed_partitions, L->partition)) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "partition",
		    "partition: '%s' is not in allowed_partitions of %s",
		    L->partition, L->cc->name);
	}
	if (L->gpus < 0 || L->nodes < 0 || L->cpus_per_task < 0) {
		return mlops_error_set_field(err, MLOPS_EINVAL,
		    L->gpus < 0        ? "gpus"
		        : L->nodes < 0 ? "nodes"
		                       : "cpus_per_task",
		    "counts must be positive");
	}
	if (L->gpu_type != NULL && L->gpus == 0) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "gpu_type",
		    "gpu_type: a GPU type needs a GPU count (--gpus TYPE:N)");
	}
	if (L->gpu_type != NULL && L->cc->allowed_gpu_types.n > 0
	    && !strlist_contains(&L->cc->allowed_gpu_types, L->gpu_type)) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "gpu_type",
		    "gpu_type: '%s' is not in allowed_gpu_types of %s",
		    L->gpu_type, L->cc->name);
	}
	if ((rc = gitinfo_read(&L->gi, L->proj->path, err)) < 0) {
		mlops_error_field(err, "project");
		return rc;
	}
	if (L->gi->head_sha == NULL) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "project",
		    "project: %s has no commits", L->proj->path);
	}
	if (L->gi->dirty && !L->allow_dirty) {
		return mlops_error_set_field(err, MLOPS_EDIRTY, "allow_dirty",
		    "project %s has uncommitted changes to tracked files: "
		    "commit them, or launch with --allow-dirty to include "
		    "them",
		    L->proj->name);
	}
	cfgpath = xasprintf("%s/.mlops-config.yaml", L->gi->root);
	rc      = project_config_load(&L->pc, cfgpath, err);
	free(cfgpath);
	if (rc < 0) {
		mlops_error_field(err, "config");
		return rc;
	}
	if (L->pc->code_sync == CODE_SYNC_GIT) {
		if (L->gi->origin_url == NULL) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "code_sync",
			    "code_sync: git needs an 'origin' remote");
		}
		if (L->gi->ahead != 0) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "code_sync",
			    "code_sync: git clones the commit on the cluster, "
			    "but %.7s is not on origin%s: push it first",
			    L->gi->head_sha,
			    L->gi->ahead < 0 ? " (the branch has no upstream)"
			                     : "");
		}
		if (L->gi->dirty) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "allow_dirty",
			    "allow_dirty: code_sync git cannot carry "
			    "uncommitted changes; commit them or use "
			    "code_sync: snapshot");
		}
	}
	if (L->sweep
	    && (rc = launch_sweep_new(&L->sw,
	            (const char *const *) L->overrides, L->n_overrides,
	            L->max_parallel, err))
	        < 0) {
		return rc;
	}
	return L->no_validate ? 0 : launch_validate(L, err);
}

/* Renders with the cluster's own template file, or the built-in one. */
static int
launch_template(struct launch *L, struct strbuf *out,
    const struct sbatch_spec *spec, struct mlops_error *err)
{
	const char *path = L->cc->sbatch_template;
	FILE       *fp;
	char       *text = NULL;
	size_t      n    = 0;
	int         rc;

	if (path == NULL) {
		return sbatch_render(out, NULL, spec, err);
	}
	if ((fp = fopen(path, "re")) == NULL) {
		return mlops_error_set_field(err, MLOPS_EIO, "sbatch_template",
		    "sbatch_template: cannot read %s", path);
	}
	text    = xmalloc(1u << 20);
	n       = fread(text, 1, (1u << 20) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	rc = sbatch_render(out, text, spec, err);
	free(text);
	return rc;
}

/* Inserts the SUBMITTING row and renders the script with its id. */
static int
launch_record(struct launch *L, struct mlops_error *err)
{
	struct store_job   j    = { 0 };
	struct sbatch_spec spec = { 0 };
	struct strbuf      out  = STRBUF_INIT;
	char               sha7[8];
	char             **resolved = NULL;
	int                rc;

	if (L->config_json != NULL) {
		resolved = launch_hydra_strv(
		    L->resolved_json, &j.n_resolved_overrides);
		j.validated          = true;
		j.resolved_overrides = resolved;
		j.config_json        = L->config_json;
	}
	j.project_id    = L->proj->id;
	j.project       = L->proj->name;
	j.cluster       = (char *) L->cc->name;
	j.partition     = L->partition;
	j.array_task_id = -1;
	j.state         = "SUBMITTING";
	j.exit_code     = -1;
	j.elapsed_s     = -1;
	j.description   = L->description;
	j.commit_sha    = L->gi->head_sha;
	j.branch        = L->gi->branch;
	j.dirty         = L->gi->dirty;
	j.overrides     = L->overrides;
	j.n_overrides   = L->n_overrides;
	j.config_name   = L->config_name;
	j.gpus          = L->gpus;
	j.gpu_type      = L->gpu_type;
	j.nodes         = L->nodes;
	j.cpus_per_task = L->cpus_per_task;
	j.mem           = L->mem;
	j.time_limit    = L->time_limit;
	if ((rc = store_begin(L->st, err)) < 0) {
		launch_hydra_strv_free(resolved);
		return rc;
	}
	/* A sweep: the sweep row and one row per task; j is task 0. */
	rc = L->sw != NULL ? launch_sweep_insert(L->sw, L->st, &j, err)
	                   : store_job_insert(L->st, &j, err);
	launch_hydra_strv_free(resolved);
	if (rc < 0) {
		goto fail;
	}
	L->id = j.id;
	snprintf(sha7, sizeof(sha7), "%.7s", L->gi->head_sha);
	L->job_dir     = xasprintf("%s/%s/%lld-%s", L->cc->workspace,
	        L->proj->name, (long long) L->id, sha7);
	L->code_dir    = xasprintf("%s/code", L->job_dir);
	L->stdout_path = xasprintf("%s/stdout.log", L->job_dir);
	L->stderr_path = xasprintf("%s/stderr.log", L->job_dir);

	free(L->spec_env);
	launch_spec_apply_config(&spec, &L->spec_env, L->cc, L->pc);
	spec.job_id        = L->id;
	spec.instance      = L->d->d_instance;
	spec.project       = L->proj->name;
	spec.cluster       = L->cc->name;
	spec.commit        = L->gi->head_sha;
	spec.description   = L->description;
	spec.partition     = L->partition;
	spec.nodes         = L->nodes;
	spec.gpus_per_node = L->gpus;
	spec.gpu_type      = L->gpu_type;
	spec.cpus_per_task = L->cpus_per_task;
	spec.mem           = L->mem;
	spec.time_limit    = L->time_limit;
	spec.job_dir       = L->job_dir;
	spec.code_dir      = L->code_dir;
	spec.stdout_path   = L->stdout_path;
	spec.stderr_path   = L->stderr_path;
	spec.config_name   = L->config_name;
	spec.overrides.v   = (const char *const *) L->overrides;
	spec.overrides.n   = L->n_overrides;
	if (L->sw != NULL) {
		launch_sweep_spec(L->sw, &spec, L->job_dir);
	}
	if ((rc = launch_template(L, &out, &spec, err)) < 0) {
		goto fail;
	}
	L->script = strbuf_detach(&out, NULL);
	rc        = L->sw != NULL ? launch_sweep_set_scripts(
	                L->sw, L->st, L->job_dir, L->script, err)
	                          : store_job_set_script(L->st, L->id, L->job_dir,
	                              L->stdout_path, L->stderr_path, L->script, err);
	if (rc < 0) {
		goto fail;
	}
	if (L->dry_run) {
		/* Nothing is kept: the row only gave the script its id. */
		rc = store_job_get(&L->dry_job, L->st, L->id, err);
		if (rc == 0 && L->sw != NULL) {
			rc = store_sweep_tasks(&L->tasks, &L->n_tasks, L->st,
			    launch_sweep_id(L->sw), err);
		}
		store_rollback(L->st, NULL);
		return rc;
	}
	return store_commit(L->st, err);
fail:
	store_rollback(L->st, NULL);
	strbuf_fini(&out);
	L->id = 0;
	return rc;
}

/* The code to upload: the tree of HEAD, and the uncommitted diff. */
static int
launch_pack(struct launch *L, struct mlops_error *err)
{
	int rc;

	if (L->pc->code_sync != CODE_SYNC_SNAPSHOT) {
		return 0;
	}
	if ((rc = gitinfo_archive_head(&L->tar, L->gi->root, err)) < 0) {
		return rc;
	}
	if (L->gi->dirty && L->allow_dirty) {
		rc = gitinfo_diff_head(&L->patch, L->gi->root, err);
	}
	return rc;
}

/*
 * Uploads, then records the moment sbatch starts (committed before the job
 * can exist on the cluster), then runs sbatch.
 */
static int
launch_submit(struct launch *L, struct mlops_error *err)
{
	int64_t sid = L->sw != NULL ? launch_sweep_id(L->sw) : 0;
	int     rc;

	if ((rc = launch_pack(L, err)) < 0
	    || (rc = executor_call(L->ex, launch_remote_upload, L, err)) < 0
	    || (rc = store_job_set_submit_started(
	            L->st, L->id, sid, (int64_t) time(NULL), err))
	        < 0) {
		return rc;
	}
	rc = executor_call(L->ex, launch_remote_sbatch, L, err);
	return L->unknown != NULL ? 0 : rc;
}

/*
 * A sweep's outcome, on all of its tasks at once: each gets its Slurm id
 * "<array>_<task>" or SUBMIT_FAILED, and an event. Keeps the tasks for the
 * reply. Returns the id to name in an error (task 0), or 0.
 */
static int64_t
launch_sweep_outcome(struct launch *L, int rc, struct mlops_error *err)
{
	int64_t            sid = launch_sweep_id(L->sw);
	struct mlops_error e2  = { 0 };

	if (rc == 0 && L->unknown != NULL) {
		log_warn("sweep %lld: %s; looking for it on %s",
		    (long long) sid, L->unknown, L->cc->name);
		store_job_set_submit_unknown(
		    L->st, L->id, sid, L->unknown, &e2);
	} else if (rc == 0) {
		if (store_sweep_set_submitted(
		        L->st, sid, L->slurm_id, (int64_t) time(NULL), &e2)
		    < 0) {
			log_warn("sweep %lld: %s", (long long) sid, e2.msg);
		}
		log_info("sweep %lld: Slurm array %s (%zu tasks) on %s",
		    (long long) sid, L->slurm_id, launch_sweep_ntasks(L->sw),
		    L->cc->name);
	} else {
		log_warn("sweep %lld: submission failed: %s", (long long) sid,
		    err->msg);
		store_sweep_set_submit_failed(L->st, sid, err->msg, &e2);
	}
	if (store_sweep_tasks(&L->tasks, &L->n_tasks, L->st, sid, &e2) == 0) {
		for (size_t i = 0; i < L->n_tasks; i++) {
			jobs_publish(
			    L->d, L->st, L->tasks[i]->id, "SUBMITTING");
		}
	}
	return rc == 0 ? 0 : L->id;
}

static void *
launch_main(void *arg)
{
	struct launch     *L        = arg;
	struct launcher   *lr       = L->d->d_launcher;
	struct mlops_error err      = { 0 };
	struct store_job  *job      = NULL;
	int64_t            recorded = 0;
	int                rc;

	if ((rc = store_open(&L->st, L->d->d_db_path, &err)) < 0
	    || (rc = launch_prepare(L, &err)) < 0) {
		goto done;
	}
	if (L->ex == NULL) {
		rc = mlops_error_set_field(&err, MLOPS_ENOTFOUND, "cluster",
		    "cluster: %s is not running", L->cc->name);
		goto done;
	}
	/* Nothing is stored before the cluster agreed with the request. */
	if ((rc = executor_call(L->ex, launch_remote_check, L, &err)) < 0
	    || (rc = launch_record(L, &err)) < 0) {
		goto done;
	}
	if (L->dry_run) {
		job        = L->dry_job;
		L->dry_job = NULL;
		goto done;
	}
	/* From here on the job exists: every outcome is recorded on it. */
	launcher_mark(lr, L->id, true);
	if (L->sw != NULL) {
		launcher_mark(lr, -launch_sweep_id(L->sw), true);
	}
	log_info("job %lld: submitting to %s", (long long) L->id, L->cc->name);
	rc = launch_submit(L, &err);
	if (L->sw != NULL) {
		recorded = launch_sweep_outcome(L, rc, &err);
	} else if (rc == 0 && L->unknown != NULL) {
		struct mlops_error e2 = { 0 };

		log_warn("job %lld: %s; looking for it on %s",
		    (long long) L->id, L->unknown, L->cc->name);
		store_job_set_submit_unknown(L->st, L->id, 0, L->unknown, &e2);
		jobs_publish(L->d, L->st, L->id, "SUBMITTING");
	} else if (rc == 0) {
		rc = jobs_set_submitted(L->d, L->st, L->id, L->slurm_id,
		    (int64_t) time(NULL), &err);
		log_info("job %lld: Slurm job %s on %s", (long long) L->id,
		    L->slurm_id, L->cc->name);
	} else {
		struct mlops_error e2 = { 0 };

		log_warn("job %lld: submission failed: %s", (long long) L->id,
		    err.msg);
		jobs_set_submit_failed(L->d, L->st, L->id, err.msg, &e2);
		recorded = L->id;
	}
	launcher_mark(lr, L->id, false);
	if (L->sw != NULL) {
		launcher_mark(lr, -launch_sweep_id(L->sw), false);
	}
	store_job_get(&job, L->st, L->id, NULL);
	if (rc < 0) {
		store_job_free(job);
		job = NULL;
	}
done:
	L->cb(L->arg, rc, job, rc == 0 ? L->tasks : NULL,
	    rc == 0 ? L->n_tasks : 0, recorded, &err);
	if (rc == 0) {
		L->tasks   = NULL; /* the callback's now */
		L->n_tasks = 0;
	}
	launch_free(L);
	pthread_mutex_lock(&lr->l_mtx);
	lr->l_running--;
	pthread_cond_broadcast(&lr->l_cv);
	pthread_mutex_unlock(&lr->l_mtx);
	return NULL;
}

int
launch_start(struct mlopsd *d, const struct launch_request *req, launch_cb cb,
    void *arg, struct mlops_error *err)
{
	struct launch *L = xcalloc(1, sizeof(*L));
	pthread_t      th;
	pthread_attr_t attr;

	L->d             = d;
	L->cb            = cb;
	L->arg           = arg;
	L->project       = launch_dup(req->project);
	L->cluster       = launch_dup(req->cluster);
	L->partition     = launch_dup(req->partition);
	L->gpu_type      = launch_dup(req->gpu_type);
	L->mem           = launch_dup(req->mem);
	L->time_limit    = launch_dup(req->time_limit);
	L->description   = launch_dup(req->description);
	L->config_name   = launch_dup(req->config_name);
	L->gpus          = req->gpus;
	L->nodes         = req->nodes > 0 ? req->nodes : 1;
	L->cpus_per_task = req->cpus_per_task > 0 ? req->cpus_per_task : 1;
	L->allow_dirty   = req->allow_dirty;
	L->dry_run       = req->dry_run;
	L->no_validate   = req->no_validate;
	L->sweep         = req->sweep;
	L->max_parallel  = req->max_parallel;
	L->n_overrides   = req->n_overrides;
	L->overrides     = xcalloc(req->n_overrides + 1, sizeof(char *));
	for (size_t i = 0; i < req->n_overrides; i++) {
		L->overrides[i] = xstrdup(req->overrides[i]);
	}
	strbuf_init(&L->tar);
	strbuf_init(&L->patch);

	pthread_mutex_lock(&d->d_launcher->l_mtx);
	d->d_launcher->l_running++;
	pthread_mutex_unlock(&d->d_launcher->l_mtx);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, launch_main, L) != 0) {
		pthread_attr_destroy(&attr);
		pthread_mutex_lock(&d->d_launcher->l_mtx);
		d->d_launcher->l_running--;
		pthread_mutex_unlock(&d->d_launcher->l_mtx);
		launch_free(L);
		return mlops_error_set(
		    err, MLOPS_ERROR, "cannot start a launch thread");
	}
	pthread_attr_destroy(&attr);
	return 0;
}
