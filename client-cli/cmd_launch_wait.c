/*
 * mlops launch --wait: follows one job through the daemon's events until
 * it ends, printing its state changes to stderr ("mlops: job 12: RUNNING").
 * A gap in the event sequence, or 30 s without any event, re-reads the job
 * with JobShow, never more often than every 30 s. Single-threaded.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/job_state.h>
#include <mlops/types.h>
#include <mlops/xmalloc.h>

#include "cmd.h"
#include "output.h"

#define WAIT_RESYNC_S 30  /* silence before a re-read; re-read interval */
#define WAIT_SLICE_MS 250 /* how often a signal is noticed */

struct wait {
	struct cli *cli;
	int64_t     id;
	Mlops__Job *job;     /* newest known copy, owned */
	char       *printed; /* the last state line printed, owned */
	bool        seen_past_submitting;
};

static volatile sig_atomic_t wait_signal;

static void
wait_on_signal(int sig)
{
	wait_signal = sig;
}

static int64_t
wait_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec;
}

/* A deep copy of `j` that outlives the message it came in. */
static Mlops__Job *
wait_copy(const Mlops__Job *j)
{
	size_t      len = mlops__job__get_packed_size(j);
	uint8_t    *buf = xmalloc(len > 0 ? len : 1);
	Mlops__Job *c;

	mlops__job__pack(j, buf);
	c = mlops__job__unpack(NULL, len, buf);
	free(buf);
	return c;
}

/* "RUNNING", "PENDING (Resources)", "FAILED (...), exit code 3". */
static char *
wait_line(const Mlops__Job *j)
{
	char state[320];

	job_fmt_state(state, sizeof(state), j, true);
	if (job_fmt_terminal(j) && j->exit_code >= 0) {
		return xasprintf("%s, exit code %d", state, j->exit_code);
	}
	return xstrdup(state);
}

/*
 * Takes `j` as the job's newest state and prints its line when it changed.
 * Events queued before the launch reply may be older than the reply: a
 * SUBMITTING after any later state is stale, and an ended job stays ended.
 */
static void
wait_update(struct wait *w, const Mlops__Job *j)
{
	Mlops__Job *c;
	char       *line;
	bool        submitting;

	if (j->id != w->id) {
		return;
	}
	if (w->job != NULL && job_fmt_terminal(w->job)) {
		return;
	}
	submitting = mlops_job_state_of(j) == JOB_STATE_SUBMITTING;
	if (submitting && w->seen_past_submitting) {
		return;
	}
	if (!submitting) {
		w->seen_past_submitting = true;
	}
	if ((c = wait_copy(j)) == NULL) {
		return;
	}
	if (w->job != NULL) {
		mlops__job__free_unpacked(w->job, NULL);
	}
	w->job = c;
	line   = wait_line(c);
	if (w->printed != NULL && strcmp(line, w->printed) == 0) {
		free(line);
		return;
	}
	fprintf(stderr, "mlops: job %" PRId64 ": %s\n", w->id, line);
	free(w->printed);
	w->printed = line;
}

/* Re-reads the job with JobShow. Returns 0 or an exit code. */
static int
wait_show(struct wait *w)
{
	Mlops__Request        req  = MLOPS__REQUEST__INIT;
	Mlops__JobShowRequest body = MLOPS__JOB_SHOW_REQUEST__INIT;
	Mlops__Response      *resp = NULL;
	int                   rc;

	body.id       = w->id;
	req.body_case = MLOPS__REQUEST__BODY_JOB_SHOW;
	req.job_show  = &body;
	rc = cli_call(w->cli, &req, MLOPS__RESPONSE__BODY_JOB_SHOW, &resp);
	if (rc != 0) {
		return rc;
	}
	if (resp->job_show->job != NULL) {
		wait_update(w, resp->job_show->job);
	}
	mlops__response__free_unpacked(resp, NULL);
	return CLI_EXIT_OK;
}

/* Follows the job until it ends or a signal comes; 0 or an exit code. */
static int
wait_loop(struct wait *w, struct mlops_sub *sub)
{
	struct mlops_error err = { 0 };
	int64_t            last_event, last_sync;
	uint64_t           last_seq = 0;
	bool               have_seq = false, gap = false;
	int                rc;

	last_event = last_sync = wait_now();
	while (!job_fmt_terminal(w->job) && wait_signal == 0) {
		Mlops__Event *ev  = NULL;
		int64_t       now = wait_now();

		if ((gap || now - last_event >= WAIT_RESYNC_S)
		    && now - last_sync >= WAIT_RESYNC_S) {
			if ((rc = wait_show(w)) != 0) {
				return rc;
			}
			last_sync = wait_now();
			gap       = false;
			continue;
		}
		rc = mlops_sub_recv(sub, &ev, WAIT_SLICE_MS, &err);
		if (rc == MLOPS_ETIMEDOUT) {
			continue;
		}
		last_event = wait_now();
		if (rc == MLOPS_EPROTO) {
			gap = true; /* an event we could not read */
			continue;
		}
		if (rc < 0) {
			cli_fail_err(w->cli, rc, &err);
			return CLI_EXIT_UNREACHABLE;
		}
		if (w->cli->debug) {
			debug_dump("<< event", &ev->base);
		}
		if (have_seq && ev->seq != last_seq + 1) {
			gap = true;
		}
		have_seq = true;
		last_seq = ev->seq;
		if (ev->body_case == MLOPS__EVENT__BODY_JOB
		    && ev->job->job != NULL) {
			wait_update(w, ev->job->job);
		}
		mlops__event__free_unpacked(ev, NULL);
	}
	return CLI_EXIT_OK;
}

int
cmd_launch_wait(struct cli *cli, struct mlops_sub *sub, const Mlops__Job *job)
{
	struct wait      w = { .cli = cli, .id = job->id };
	struct sigaction sa, old_int, old_term;
	int              rc;

	wait_update(&w, job);
	if (w.job == NULL) {
		return cli_fail(cli, MLOPS_ERROR, NULL, "cannot copy the job");
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wait_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	rc = wait_loop(&w, sub);

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (rc != CLI_EXIT_OK) {
		goto out;
	}
	if (wait_signal != 0) {
		fprintf(stderr,
		    "mlops: job %" PRId64 ": still %s; stopped waiting (the "
		    "job goes on: 'mlops cancel %" PRId64 "' stops it)\n",
		    w.id, job_fmt_state_name(w.job->job_state, w.job->state),
		    w.id);
		rc = 128 + wait_signal;
	} else {
		rc = job_fmt_exit_status(w.job);
	}
	/* The job as last known, ended or not. */
	if (cli->json && output_print_json(job_fmt_json(w.job, false)) < 0) {
		rc = cli_fail(cli, MLOPS_EIO, NULL, "cannot write output");
	}
out:
	mlops__job__free_unpacked(w.job, NULL);
	free(w.printed);
	return rc;
}
