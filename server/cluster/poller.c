/*
 * Poll scheduling on the poller thread; the cycles themselves are chains
 * of asynchronous commands on each cluster's SSH worker, so an unreachable
 * cluster never delays another's polls. Each cluster's cycle owns a store
 * connection of its own; only one cycle per cluster runs at a time.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/job_state.h>
#include <mlops/log.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "clusters.h"
#include "jobs.h"
#include "launch.h"
#include "mlopsd.h"
#include "poller.h"
#include "sbatch.h"
#include "slurm_array.h"
#include "slurm_cmd.h"
#include "slurm_parse.h"
#include "store.h"
#include "store_sweeps.h"

/* A SUBMITTING job whose sbatch never started, left by a dead daemon, is
 * given up after this long (see LAUNCH_SUBMIT_GRACE_S for the others). */
#define POLLER_RECONCILE_GRACE_S 60
#define POLLER_SACCT_DAYS        7

enum poll_step {
	POLL_BY_NAME_SQUEUE,
	POLL_BY_NAME_SACCT,
	POLL_SQUEUE,
	POLL_SACCT,
	POLL_SCONTROL,
};

struct poll_cluster {
	struct poller               *pc_p;
	const struct cluster_config *pc_cc;
	struct executor             *pc_ex;
	struct store                *pc_st;
	/* under p_mtx */
	bool                pc_busy;
	bool                pc_kick;
	int64_t             pc_next_at;
	struct poller_stats pc_stats;
	bool                pc_no_accounting;
	/* the cycle in flight (worker thread only) */
	struct store_job **pc_active;
	size_t             pc_n_active;
	bool              *pc_seen;
	bool              *pc_asked; /* sacct was asked about it this cycle */
	int64_t            pc_sacct_cursor; /* last job asked of sacct */
	struct store_job **pc_subm;
	size_t             pc_n_subm;
	bool              *pc_subm_seen;
	enum poll_step     pc_step;
	unsigned           pc_cmds;
	/* the cycle's first error ("squeue: line 3: ..."), code 0 if none */
	struct mlops_error pc_err;
	/* an unreadable row named no job: nothing is taken for gone */
	bool pc_uncertain;
	/* an unreadable row in the by-name steps: no SUBMITTING job is
	 * given up this cycle */
	bool pc_subm_uncertain;
};

struct poller {
	struct mlopsd       *p_d;
	struct poll_cluster *p_v;
	size_t               p_n;
	pthread_mutex_t      p_mtx;
	pthread_cond_t       p_cv;
	pthread_t            p_thread;
	bool                 p_stop;
	unsigned             p_inflight;
};

static void poller_next(struct poll_cluster *pc);

/* The command of each step, as errors and logs name it. */
static const char *const poller_step_cmd[] = {
	[POLL_BY_NAME_SQUEUE] = "squeue --name",
	[POLL_BY_NAME_SACCT]  = "sacct --name",
	[POLL_SQUEUE]         = "squeue",
	[POLL_SACCT]          = "sacct",
	[POLL_SCONTROL]       = "scontrol show job",
};

/* Logs a failure of the current step; the cycle's first one is kept. */
static void
poller_fail(struct poll_cluster *pc, const char *msg)
{
	const char *cmd = poller_step_cmd[pc->pc_step];

	log_warn("cluster %s: poll: %s: %s", pc->pc_cc->name, cmd, msg);
	if (pc->pc_err.code == 0) {
		mlops_error_set(&pc->pc_err, MLOPS_EPARSE, "%s: %s", cmd, msg);
	}
}

/*
 * Reports the rows of the current step's output that could not be read:
 * one log line with the first row's error and the jobs concerned (they
 * keep their state), and the first error becomes the cycle's.
 */
static void
poller_skipped(struct poll_cluster *pc, const struct slurm_skipped *sk)
{
	struct strbuf jobs = STRBUF_INIT;
	char          msg[MLOPS_ERROR_MSG_MAX + 64];

	if (sk->n == 0) {
		return;
	}
	for (size_t i = 0; i < sk->n_ids && i < 10; i++) {
		strbuf_printf(&jobs, "%s%s", i ? ", " : "", sk->ids[i]);
	}
	if (sk->n_ids > 10) {
		strbuf_printf(&jobs, " and %zu more", sk->n_ids - 10);
	}
	log_warn(
	    "cluster %s: poll: %s: %zu row(s) that cannot be read%s%s%s%s",
	    pc->pc_cc->name, poller_step_cmd[pc->pc_step], sk->n,
	    sk->n_ids ? " (jobs " : "", strbuf_str(&jobs),
	    sk->n_ids ? "; they keep their state until a poll reads them)"
	              : "",
	    sk->unknown ? "; a row that names no job: no job is taken for "
	                  "gone this cycle"
	                : "");
	strbuf_fini(&jobs);
	if (sk->first_named) {
		snprintf(
		    msg, sizeof(msg), "job %s: %s", sk->ids[0], sk->first.msg);
		poller_fail(pc, msg);
	} else {
		poller_fail(pc, sk->first.msg);
	}
}

static long
poller_utc_offset(void)
{
	return 0; /* Slurm prints local time; see slurm_parse_time(). */
}

/*
 * Applies one observed Slurm row to the job with Slurm id `slurm_id` (the
 * row's own, or an array task's that a range row "123_[1-3]" stands for).
 */
static void
poller_apply(
    struct poll_cluster *pc, const struct slurm_job *r, const char *slurm_id)
{
	struct mlops_error err = { 0 };

	if (jobs_apply(
	        pc->pc_p->p_d, pc->pc_st, pc->pc_cc->name, r, slurm_id, &err)
	    < 0) {
		log_warn("cluster %s: job %s: %s", pc->pc_cc->name, r->job_id,
		    err.msg);
	}
}

/*
 * Applies the rows of squeue or sacct output to the active jobs they name
 * and marks those seen. An array task "123_4" takes its own row, or the
 * range row of tasks not started yet ("123_[4-7%2]") that holds it. A job
 * whose row could not be read counts as seen but keeps its state: it is
 * neither asked of sacct nor taken for gone, and the next cycle reads it
 * again.
 */
static void
poller_rows(struct poll_cluster *pc, const struct slurm_jobs *jobs,
    const struct slurm_skipped *sk)
{
	if (sk->unknown) {
		pc->pc_uncertain = true;
	}
	for (size_t k = 0; k < pc->pc_n_active; k++) {
		const char             *id = pc->pc_active[k]->slurm_job_id;
		const struct slurm_job *r  = slurm_array_find(jobs, id);

		if (pc->pc_seen[k]) {
			continue;
		}
		if (r != NULL) {
			pc->pc_seen[k] = true;
			poller_apply(pc, r, id);
		} else if (slurm_array_names(
		               (const char *const *) sk->ids, sk->n_ids, id)) {
			pc->pc_seen[k] = true;
		}
	}
}

/* The id to ask Slurm about for `j`: an array task's array, else its own. */
static char *
poller_query_id(const struct store_job *j)
{
	char array_id[32];
	long task;

	if (j->sweep_id > 0
	    && slurm_array_task_split(
	        j->slurm_job_id, array_id, sizeof(array_id), &task)) {
		return xstrdup(array_id);
	}
	return xstrdup(j->slurm_job_id);
}

/* Adds `id` to v[0..*n) unless it is there already; takes `id`. */
static void
poller_add_id(const char **v, size_t *n, char *id)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(v[i], id) == 0) {
			free(id);
			return;
		}
	}
	v[(*n)++] = id;
}

/* The job id that names a SUBMITTING job in Slurm: a sweep's array is
 * named after its task 0. 0 when that task is not among `subm`. */
static int64_t
poller_name_id(struct poll_cluster *pc, const struct store_job *j)
{
	if (j->sweep_id <= 0) {
		return j->id;
	}
	for (size_t k = 0; k < pc->pc_n_subm; k++) {
		if (pc->pc_subm[k]->sweep_id == j->sweep_id
		    && pc->pc_subm[k]->array_task_id == 0) {
			return pc->pc_subm[k]->id;
		}
	}
	return 0;
}

/*
 * A SUBMITTING sweep found as array `r->array_job_id` after a restart:
 * every task takes its Slurm id at once, and is published.
 */
static void
poller_adopt_sweep(
    struct poll_cluster *pc, size_t k, const struct slurm_job *r)
{
	const struct store_job *j   = pc->pc_subm[k];
	struct mlops_error      err = { 0 };
	struct store_job      **v   = NULL;
	size_t                  n   = 0;

	if (r->array_job_id == NULL) {
		return;
	}
	for (size_t i = 0; i < pc->pc_n_subm; i++) {
		if (pc->pc_subm[i]->sweep_id == j->sweep_id) {
			pc->pc_subm_seen[i] = true;
		}
	}
	log_info("sweep %lld: found on %s as Slurm array %s",
	    (long long) j->sweep_id, pc->pc_cc->name, r->array_job_id);
	if (store_sweep_set_submitted(
	        pc->pc_st, j->sweep_id, r->array_job_id, r->submit_time, &err)
	        < 0
	    || store_sweep_tasks(&v, &n, pc->pc_st, j->sweep_id, &err) < 0) {
		log_warn("sweep %lld: %s", (long long) j->sweep_id, err.msg);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		jobs_publish(pc->pc_p->p_d, pc->pc_st, v[i]->id, "SUBMITTING");
	}
	store_job_list_free(v, n);
}

/* Adopts a SUBMITTING job found by its name: it did reach Slurm. */
static void
poller_adopt(struct poll_cluster *pc, const struct slurm_jobs *jobs)
{
	struct mlops_error err = { 0 };

	for (size_t i = 0; i < jobs->n; i++) {
		const struct slurm_job *r = &jobs->v[i];

		for (size_t k = 0; k < pc->pc_n_subm; k++) {
			char    name[64];
			int64_t nid = poller_name_id(pc, pc->pc_subm[k]);

			sbatch_job_name(name, sizeof(name),
			    pc->pc_p->p_d->d_instance, nid);
			if (pc->pc_subm_seen[k] || nid == 0 || r->name == NULL
			    || strcmp(r->name, name) != 0) {
				continue;
			}
			if (pc->pc_subm[k]->sweep_id > 0) {
				poller_adopt_sweep(pc, k, r);
				continue;
			}
			pc->pc_subm_seen[k] = true;
			log_info("job %lld: found on %s as Slurm job %s",
			    (long long) pc->pc_subm[k]->id, pc->pc_cc->name,
			    r->job_id);
			if (jobs_set_submitted(pc->pc_p->p_d, pc->pc_st,
			        pc->pc_subm[k]->id, r->job_id, r->submit_time,
			        &err)
			    == 0) {
				poller_apply(pc, r, r->job_id);
			}
		}
	}
}

/*
 * SUBMITTING jobs Slurm has never heard of, given up after a grace: from
 * the moment sbatch was started when it was (its answer was lost), else
 * from the row's creation (the daemon stopped before sending sbatch).
 */
static void
poller_give_up(struct poll_cluster *pc)
{
	int64_t now = (int64_t) time(NULL);

	for (size_t k = 0; k < pc->pc_n_subm; k++) {
		struct store_job *j    = pc->pc_subm[k];
		bool              sent = j->submit_started_at > 0;

		if (pc->pc_subm_seen[k]
		    || (sent
		        && now - j->submit_started_at < LAUNCH_SUBMIT_GRACE_S)
		    || (!sent
		        && now - j->created_at < POLLER_RECONCILE_GRACE_S)) {
			continue;
		}
		jobs_set_submit_failed(pc->pc_p->p_d, pc->pc_st, j->id,
		    sent ? "sbatch's answer was never read, and Slurm has no "
		           "job of that name: it was never queued"
		         : "the daemon stopped before sbatch was sent: it was "
		           "never submitted",
		    NULL);
	}
}

/*
 * Active jobs neither squeue nor accounting knows: LOST. An array task
 * missing from an array accounting still lists was cancelled while it
 * pended: Slurm keeps no record of such a task.
 */
static void
poller_lost(struct poll_cluster *pc, const struct slurm_jobs *jobs)
{
	for (size_t k = 0; k < pc->pc_n_active; k++) {
		bool dropped = false;
		char array_id[32];
		long task;

		if (pc->pc_seen[k] || !pc->pc_asked[k]) {
			continue;
		}
		dropped = pc->pc_active[k]->sweep_id > 0
		    && slurm_array_task_split(pc->pc_active[k]->slurm_job_id,
		        array_id, sizeof(array_id), &task)
		    && slurm_array_listed(jobs, array_id);
		jobs_set_state(pc->pc_p->p_d, pc->pc_st, pc->pc_active[k]->id,
		    dropped ? JOB_STATE_CANCELLED : JOB_STATE_LOST,
		    dropped ? "cancelled before it started: Slurm dropped it "
		              "from its array"
		            : "Slurm no longer knows the job and no "
		              "accounting record says how it ended",
		    NULL);
	}
}

static void
poller_finish(struct poll_cluster *pc)
{
	struct poller      *p = pc->pc_p;
	struct cluster_poll poll;

	store_job_list_free(pc->pc_active, pc->pc_n_active);
	store_job_list_free(pc->pc_subm, pc->pc_n_subm);
	free(pc->pc_seen);
	free(pc->pc_asked);
	free(pc->pc_subm_seen);
	pc->pc_active = pc->pc_subm = NULL;
	pc->pc_seen = pc->pc_subm_seen = pc->pc_asked = NULL;
	pc->pc_n_active = pc->pc_n_subm = 0;
	clusters_poll(p->p_d->d_clusters, pc->pc_cc->name, &poll);
	poll.last_poll = (int64_t) time(NULL);
	snprintf(poll.error, sizeof(poll.error), "%s",
	    pc->pc_err.code != 0 ? pc->pc_err.msg : "");
	if (pc->pc_err.code == 0) {
		poll.last_ok = poll.last_poll;
	}
	clusters_set_poll(p->p_d->d_clusters, pc->pc_cc->name, &poll);
	pthread_mutex_lock(&p->p_mtx);
	pc->pc_stats.cycles++;
	pc->pc_stats.commands += pc->pc_cmds;
	pc->pc_stats.last_poll = poll.last_poll;
	pc->pc_busy            = false;
	pc->pc_next_at = pc->pc_stats.last_poll + pc->pc_cc->poll_interval;
	p->p_inflight--;
	pthread_cond_broadcast(&p->p_cv);
	pthread_mutex_unlock(&p->p_mtx);
}

static void
poller_done(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err)
{
	struct poll_cluster *pc      = arg;
	struct slurm_jobs    jobs    = { 0 };
	struct slurm_skipped skipped = { 0 };
	struct mlops_error   perr    = { 0 };

	if (rc < 0) {
		/* Unreachable: try again next interval; nothing changes. */
		log_debug("cluster %s: poll: %s", pc->pc_cc->name, err->msg);
		if (pc->pc_err.code == 0) {
			pc->pc_err = *err;
		}
		poller_finish(pc);
		return;
	}
	if (res->stdout_truncated) {
		/* A cut output would hide jobs that are there. */
		poller_fail(pc,
		    "its output was cut at the size cap: nothing "
		    "is applied from it");
		poller_finish(pc);
		return;
	}
	if (res->exit_status != 0) {
		slurm_parse_error(res->stderr_buf, &perr);
		if (pc->pc_step == POLL_SACCT
		    && strstr(
		        res->stderr_buf, "accounting storage is disabled")) {
			pc->pc_no_accounting = true;
			pc->pc_step          = POLL_SCONTROL;
			poller_next(pc);
			return;
		}
		poller_fail(pc, perr.msg);
		poller_finish(pc);
		return;
	}
	switch (pc->pc_step) {
	case POLL_BY_NAME_SQUEUE:
	case POLL_BY_NAME_SACCT:
		if (pc->pc_step == POLL_BY_NAME_SQUEUE) {
			slurm_parse_squeue_tolerant(&jobs, &skipped,
			    res->stdout_buf, poller_utc_offset());
		} else {
			slurm_parse_sacct_tolerant(&jobs, &skipped,
			    res->stdout_buf, poller_utc_offset());
		}
		poller_skipped(pc, &skipped);
		if (skipped.n > 0) {
			pc->pc_subm_uncertain = true;
		}
		poller_adopt(pc, &jobs);
		if (pc->pc_step == POLL_BY_NAME_SACCT
		    && !pc->pc_subm_uncertain) {
			poller_give_up(pc);
		}
		pc->pc_step = pc->pc_step == POLL_BY_NAME_SQUEUE
		    ? POLL_BY_NAME_SACCT
		    : POLL_SQUEUE;
		break;
	case POLL_SQUEUE:
		slurm_parse_squeue_tolerant(
		    &jobs, &skipped, res->stdout_buf, poller_utc_offset());
		poller_skipped(pc, &skipped);
		poller_rows(pc, &jobs, &skipped);
		pc->pc_step
		    = pc->pc_no_accounting ? POLL_SCONTROL : POLL_SACCT;
		break;
	case POLL_SACCT:
	case POLL_SCONTROL:
		if (pc->pc_step == POLL_SACCT) {
			slurm_parse_sacct_tolerant(&jobs, &skipped,
			    res->stdout_buf, poller_utc_offset());
		} else {
			slurm_parse_show_job_tolerant(&jobs, &skipped,
			    res->stdout_buf, poller_utc_offset());
		}
		poller_skipped(pc, &skipped);
		poller_rows(pc, &jobs, &skipped);
		if (!pc->pc_uncertain) {
			poller_lost(pc, &jobs);
		}
		slurm_jobs_fini(&jobs);
		slurm_skipped_fini(&skipped);
		poller_finish(pc);
		return;
	}
	slurm_jobs_fini(&jobs);
	slurm_skipped_fini(&skipped);
	poller_next(pc);
}

/*
 * The ids to ask sacct about (into v, at most SLURM_CMD_MAX_IDS): the
 * active jobs squeue did not list, from the one after the last job asked
 * in the cycle before, so that more of them than one command carries are
 * all asked within a few cycles. Marks those asked; returns how many ids.
 */
static size_t
poller_sacct_ids(struct poll_cluster *pc, const char **v)
{
	size_t n = 0, start = 0;

	for (size_t k = 0; k < pc->pc_n_active; k++) {
		if (pc->pc_active[k]->id > pc->pc_sacct_cursor) {
			start = k;
			break;
		}
	}
	for (size_t i = 0; i < pc->pc_n_active; i++) {
		size_t k = (start + i) % pc->pc_n_active;
		char  *id;

		if (pc->pc_seen[k]) {
			continue;
		}
		id = poller_query_id(pc->pc_active[k]);
		if (n == SLURM_CMD_MAX_IDS) {
			/* Full: only more tasks of an array already in. */
			bool in = false;

			for (size_t j = 0; j < n && !in; j++) {
				in = strcmp(v[j], id) == 0;
			}
			free(id);
			if (!in) {
				continue;
			}
			pc->pc_asked[k] = true;
			continue;
		}
		poller_add_id(v, &n, id);
		pc->pc_asked[k]     = true;
		pc->pc_sacct_cursor = pc->pc_active[k]->id;
	}
	return n;
}

/* Queues the command of the current step, skipping steps with no work. */
static void
poller_next(struct poll_cluster *pc)
{
	char             **argv = NULL;
	const char       **v    = NULL;
	size_t             n    = 0;
	struct mlops_error err  = { 0 };
	struct exec_opts   opts;
	int                rc = 0;

	for (;;) {
		switch (pc->pc_step) {
		case POLL_BY_NAME_SQUEUE:
		case POLL_BY_NAME_SACCT:
			if (pc->pc_n_subm == 0) {
				pc->pc_step = POLL_SQUEUE;
				continue;
			}
			v = xcalloc(pc->pc_n_subm + 1, sizeof(char *));
			for (size_t k = 0; k < pc->pc_n_subm; k++) {
				/* A sweep's array has its task 0's name. */
				if (!pc->pc_subm_seen[k]
				    && pc->pc_subm[k]->array_task_id <= 0) {
					char name[64];

					v[n++] = xstrdup(
					    sbatch_job_name(name, sizeof(name),
					        pc->pc_p->p_d->d_instance,
					        pc->pc_subm[k]->id));
				}
			}
			if (n == 0) {
				free(v);
				v           = NULL;
				pc->pc_step = POLL_SQUEUE;
				continue;
			}
			rc = pc->pc_step == POLL_BY_NAME_SQUEUE
			    ? slurm_cmd_squeue_by_name(&argv, v, n, &err)
			    : slurm_cmd_sacct_by_name(
			        &argv, v, n, POLLER_SACCT_DAYS, &err);
			break;
		case POLL_SQUEUE:
			v = xcalloc(pc->pc_n_active + 1, sizeof(char *));
			/* A sweep's tasks are asked for by their array. */
			for (size_t k = 0; k < pc->pc_n_active; k++) {
				poller_add_id(
				    v, &n, poller_query_id(pc->pc_active[k]));
			}
			/* More than one -j list carries: every job of the
			 * user, matched here. */
			if (n == 0) {
				/* only SUBMITTING jobs, all looked for */
				free(v);
				poller_finish(pc);
				return;
			}
			if (n > SLURM_CMD_MAX_IDS) {
				argv = slurm_cmd_poll_mine();
			} else {
				rc = slurm_cmd_poll(&argv, v, n, &err);
			}
			break;
		case POLL_SACCT:
			v = xcalloc(SLURM_CMD_MAX_IDS + 1, sizeof(char *));
			n = poller_sacct_ids(pc, v);
			if (n == 0) {
				free(v);
				poller_finish(pc);
				return;
			}
			rc = slurm_cmd_sacct(&argv, v, n, &err);
			break;
		case POLL_SCONTROL:
			/* scontrol lists every job it knows at once. */
			for (size_t k = 0; k < pc->pc_n_active; k++) {
				pc->pc_asked[k] = true;
			}
			argv    = xcalloc(5, sizeof(char *));
			argv[0] = xstrdup("scontrol");
			argv[1] = xstrdup("-o");
			argv[2] = xstrdup("show");
			argv[3] = xstrdup("job");
			break;
		}
		break;
	}
	for (size_t k = 0; k < n; k++) {
		free((char *) v[k]);
	}
	free(v);
	if (rc < 0) {
		poller_fail(pc, err.msg);
		poller_finish(pc);
		return;
	}
	exec_opts_init(&opts);
	opts.timeout_ms = 60000;
	opts.max_stdout = 32u << 20;
	pc->pc_cmds++;
	if (executor_run_async(pc->pc_ex, (const char *const *) argv, &opts,
	        poller_done, pc, &err)
	    < 0) {
		poller_fail(pc, err.msg);
		slurm_argv_free(argv);
		poller_finish(pc);
		return;
	}
	slurm_argv_free(argv);
}

/* Starts a cycle of `pc` if it has work. Poller thread, p_mtx not held. */
static void
poller_cycle(struct poll_cluster *pc)
{
	struct poller      *p   = pc->pc_p;
	struct store_job  **all = NULL;
	size_t              n   = 0;
	struct mlops_error  err = { 0 };
	struct cluster_poll poll;

	if (store_job_list_active(&pc->pc_active, &pc->pc_n_active, pc->pc_st,
	        pc->pc_cc->name, &err)
	    < 0) {
		log_warn("poller: %s", err.msg);
		goto idle;
	}
	if (store_job_list_submitting(&all, &n, pc->pc_st, &err) == 0) {
		pc->pc_subm = xcalloc(n ? n : 1, sizeof(*pc->pc_subm));
		for (size_t i = 0; i < n; i++) {
			if (strcmp(all[i]->cluster, pc->pc_cc->name) == 0
			    && !launcher_job_in_flight(
			        p->p_d->d_launcher, all[i])) {
				pc->pc_subm[pc->pc_n_subm++] = all[i];
				all[i]                       = NULL;
			}
		}
		store_job_list_free(all, n);
	}
	if (pc->pc_n_active == 0 && pc->pc_n_subm == 0) {
		/* Nothing live on this cluster: no command at all. */
		store_job_list_free(pc->pc_active, 0);
		free(pc->pc_subm);
		pc->pc_active = NULL;
		pc->pc_subm   = NULL;
		goto idle;
	}
	pc->pc_seen           = xcalloc(pc->pc_n_active + 1, sizeof(bool));
	pc->pc_asked          = xcalloc(pc->pc_n_active + 1, sizeof(bool));
	pc->pc_subm_seen      = xcalloc(pc->pc_n_subm + 1, sizeof(bool));
	pc->pc_step           = POLL_BY_NAME_SQUEUE;
	pc->pc_cmds           = 0;
	pc->pc_uncertain      = false;
	pc->pc_subm_uncertain = false;
	memset(&pc->pc_err, 0, sizeof(pc->pc_err));
	poller_next(pc);
	return;
idle:
	/* No poll, so no poll error either. */
	clusters_poll(p->p_d->d_clusters, pc->pc_cc->name, &poll);
	if (poll.error[0] != '\0') {
		poll.error[0] = '\0';
		clusters_set_poll(p->p_d->d_clusters, pc->pc_cc->name, &poll);
	}
	pthread_mutex_lock(&p->p_mtx);
	pc->pc_busy    = false;
	pc->pc_next_at = (int64_t) time(NULL) + pc->pc_cc->poll_interval;
	p->p_inflight--;
	pthread_cond_broadcast(&p->p_cv);
	pthread_mutex_unlock(&p->p_mtx);
}

static void *
poller_main(void *arg)
{
	struct poller  *p = arg;
	struct timespec ts;

	pthread_mutex_lock(&p->p_mtx);
	while (!p->p_stop) {
		int64_t now = (int64_t) time(NULL);

		for (size_t i = 0; i < p->p_n; i++) {
			struct poll_cluster *pc = &p->p_v[i];

			if (pc->pc_busy
			    || (!pc->pc_kick && now < pc->pc_next_at)) {
				continue;
			}
			pc->pc_busy = true;
			pc->pc_kick = false;
			p->p_inflight++;
			pthread_mutex_unlock(&p->p_mtx);
			poller_cycle(pc);
			pthread_mutex_lock(&p->p_mtx);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&p->p_cv, &p->p_mtx, &ts);
	}
	pthread_mutex_unlock(&p->p_mtx);
	return NULL;
}

int
poller_start(struct poller **out, struct mlopsd *d, struct mlops_error *err)
{
	struct poller *p = xcalloc(1, sizeof(*p));
	int            rc;

	p->p_d = d;
	p->p_n = d->d_cfg->n_clusters;
	p->p_v = xcalloc(p->p_n ? p->p_n : 1, sizeof(*p->p_v));
	pthread_mutex_init(&p->p_mtx, NULL);
	pthread_cond_init(&p->p_cv, NULL);
	for (size_t i = 0; i < p->p_n; i++) {
		struct poll_cluster *pc = &p->p_v[i];

		pc->pc_p  = p;
		pc->pc_cc = &d->d_cfg->clusters[i];
		pc->pc_ex = clusters_exec(d->d_clusters, pc->pc_cc->name);
		if ((rc = store_open(&pc->pc_st, d->d_db_path, err)) < 0) {
			p->p_stop = true; /* no thread to join */
			poller_stop(p);
			return rc;
		}
	}
	if (pthread_create(&p->p_thread, NULL, poller_main, p) != 0) {
		p->p_stop = true; /* nothing to join */
		poller_stop(p);
		return mlops_error_set(
		    err, MLOPS_ERROR, "cannot start the poller");
	}
	*out = p;
	return 0;
}

void
poller_stop(struct poller *p)
{
	struct timespec ts;

	if (p == NULL) {
		return;
	}
	pthread_mutex_lock(&p->p_mtx);
	if (!p->p_stop) {
		p->p_stop = true;
		pthread_cond_broadcast(&p->p_cv);
		pthread_mutex_unlock(&p->p_mtx);
		pthread_join(p->p_thread, NULL);
		pthread_mutex_lock(&p->p_mtx);
	}
	/* Cycles in flight end when their executor answers or stops. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 70;
	while (p->p_inflight > 0
	    && pthread_cond_timedwait(&p->p_cv, &p->p_mtx, &ts) == 0) { }
	pthread_mutex_unlock(&p->p_mtx);
	for (size_t i = 0; i < p->p_n; i++) {
		store_close(p->p_v[i].pc_st);
	}
	pthread_mutex_destroy(&p->p_mtx);
	pthread_cond_destroy(&p->p_cv);
	free(p->p_v);
	free(p);
}

void
poller_kick(struct poller *p, const char *cluster)
{
	pthread_mutex_lock(&p->p_mtx);
	for (size_t i = 0; i < p->p_n; i++) {
		if (strcmp(p->p_v[i].pc_cc->name, cluster) == 0) {
			p->p_v[i].pc_kick = true;
		}
	}
	pthread_cond_broadcast(&p->p_cv);
	pthread_mutex_unlock(&p->p_mtx);
}

void
poller_stats(struct poller *p, const char *cluster, struct poller_stats *out)
{
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&p->p_mtx);
	for (size_t i = 0; i < p->p_n; i++) {
		if (strcmp(p->p_v[i].pc_cc->name, cluster) == 0) {
			*out = p->p_v[i].pc_stats;
		}
	}
	pthread_mutex_unlock(&p->p_mtx);
}
