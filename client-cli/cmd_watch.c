/*
 * mlops watch: subscribes to the daemon's event socket and prints each
 * event as one line (or one JSON object per line) until interrupted.
 * A gap in the sequence numbers is reported on stderr.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/paths.h>
#include <mlops/xmalloc.h>
#include <mlops/types.h>

#include "cmd.h"
#include "output.h"

const char cmd_watch_usage[]
    = "usage: mlops watch [--json]\n"
      "\n"
      "Stream job, project and cluster events as they happen, one line each,\n"
      "until interrupted (Ctrl-C). Events carry a sequence number; when some\n"
      "were missed (the daemon restarted, or this client fell behind) a note\n"
      "goes to stderr, and listings should be fetched again.\n"
      "\n"
      "Options:\n"
      "  --json      print one JSON object per line: seq, time, kind\n"
      "              (\"job\", \"project\" or \"cluster\"), and an object "
      "named\n"
      "              after the kind: job (as in 'mlops jobs --json') with\n"
      "              previous_state beside it; project {change, name};\n"
      "              cluster (as in 'mlops status --json'). A failure is a\n"
      "              last line {\"error\": {\"code\", \"field\", "
      "\"message\"}}\n"
      "  -h, --help  show this help\n";

static volatile sig_atomic_t watch_stop;

static void
watch_signal(int sig)
{
	(void) sig;
	watch_stop = 1;
}

static const char *
watch_change_name(Mlops__ProjectChange c)
{
	switch (c) {
	case MLOPS__PROJECT_CHANGE__PROJECT_CHANGE_ADDED:
		return "added";
	case MLOPS__PROJECT_CHANGE__PROJECT_CHANGE_SYNCED:
		return "synced";
	case MLOPS__PROJECT_CHANGE__PROJECT_CHANGE_REMOVED:
		return "removed";
	default:
		return "changed";
	}
}

static json_object *
watch_json(const Mlops__Event *ev)
{
	json_object *o = json_object_new_object();
	json_object *p;

	json_object_object_add(
	    o, "seq", json_object_new_int64((int64_t) ev->seq));
	json_object_object_add(o, "time", output_json_time(ev->time));
	switch (ev->body_case) {
	case MLOPS__EVENT__BODY_JOB:
		json_object_object_add(
		    o, "kind", json_object_new_string("job"));
		json_object_object_add(o, "job",
		    ev->job->job != NULL ? job_fmt_json(ev->job->job, false)
		                         : NULL);
		json_object_object_add(o, "previous_state",
		    output_json_str(
		        job_fmt_state_name(ev->job->previous_job_state,
		            ev->job->previous_state)));
		break;
	case MLOPS__EVENT__BODY_PROJECT:
		p = json_object_new_object();
		json_object_object_add(p, "change",
		    json_object_new_string(
		        watch_change_name(ev->project->change)));
		json_object_object_add(
		    p, "name", json_object_new_string(ev->project->name));
		json_object_object_add(
		    o, "kind", json_object_new_string("project"));
		json_object_object_add(o, "project", p);
		break;
	case MLOPS__EVENT__BODY_CLUSTER:
		json_object_object_add(
		    o, "kind", json_object_new_string("cluster"));
		json_object_object_add(o, "cluster",
		    ev->cluster->status != NULL
		        ? cmd_status_cluster_json(ev->cluster->status)
		        : NULL);
		break;
	default:
		json_object_object_add(o, "kind", NULL);
		break;
	}
	return o;
}

/* "<time> job 12 alpha RUNNING (was PENDING)" */
static int
watch_job_text(const char *t, const Mlops__JobEvent *je)
{
	const Mlops__Job *j = je->job;
	char              state[320];
	char              was[96] = "";
	const char       *before, *now;

	if (j == NULL) {
		return output_printf("%s job (no job)\n", t);
	}
	job_fmt_state(state, sizeof(state), j, true);
	if (job_fmt_terminal(j) && j->exit_code >= 0) {
		size_t n = strlen(state);

		snprintf(state + n, sizeof(state) - n, " exit code %d",
		    j->exit_code);
	}
	before
	    = job_fmt_state_name(je->previous_job_state, je->previous_state);
	now = job_fmt_state_name(j->job_state, j->state);
	if (before[0] != '\0' && strcmp(before, now) != 0) {
		snprintf(was, sizeof(was), " (was %s)", before);
	}
	return output_printf("%s job %" PRId64 " %s %s%s\n", t, j->id,
	    j->project[0] != '\0' ? j->project : "-", state, was);
}

static int
watch_text(const Mlops__Event *ev)
{
	const Mlops__ClusterStatus *cs;
	char                        t[OUTPUT_TIME_MAX];

	output_fmt_time(t, ev->time);
	switch (ev->body_case) {
	case MLOPS__EVENT__BODY_JOB:
		return watch_job_text(t, ev->job);
	case MLOPS__EVENT__BODY_PROJECT:
		return output_printf("%s project %s %s\n", t,
		    ev->project->name, watch_change_name(ev->project->change));
	case MLOPS__EVENT__BODY_CLUSTER:
		if ((cs = ev->cluster->status) == NULL) {
			return output_printf("%s cluster (no status)\n", t);
		}
		if (cs->last_error[0] != '\0'
		    && cs->state
		        != MLOPS__CLUSTER_STATE__CLUSTER_STATE_CONNECTED) {
			return output_printf("%s cluster %s %s: %s\n", t,
			    cs->name, mlops_cluster_state_name(cs->state),
			    cs->last_error);
		}
		if (cs->slurm_version[0] != '\0') {
			return output_printf("%s cluster %s %s (Slurm %s)\n",
			    t, cs->name, mlops_cluster_state_name(cs->state),
			    cs->slurm_version);
		}
		return output_printf("%s cluster %s %s\n", t, cs->name,
		    mlops_cluster_state_name(cs->state));
	default:
		return output_printf(
		    "%s event #%" PRIu64 " of an unknown kind\n", t, ev->seq);
	}
}

/* Notes a gap or a restart in the sequence on stderr. */
static void
watch_check_seq(struct cli *cli, bool *have_last, uint64_t *last, uint64_t seq)
{
	if (*have_last && seq != *last + 1) {
		if (seq > *last + 1) {
			cli_notice(cli, "warning",
			    "missed %" PRIu64 " event(s) (%" PRIu64
			    " to %" PRIu64 "); list again to catch up",
			    seq - *last - 1, *last + 1, seq - 1);
		} else {
			cli_notice(cli, "warning",
			    "event sequence restarted at %" PRIu64
			    " (did the daemon restart?); list again to catch "
			    "up",
			    seq);
		}
	}
	*have_last = true;
	*last      = seq;
}

int
cmd_watch_subscribe(struct cli *cli, struct mlops_sub **out)
{
	struct mlops_error err = { 0 };
	const char        *given;
	char              *url = NULL;
	int                rc;

	if ((rc = cli_connect(cli)) != 0) {
		return rc;
	}
	given = cli->hello->hello->events_url;
	url   = given != NULL && *given != '\0' ? xstrdup(given)
	                                        : mlops_events_url_for(cli->url);
	if (url == NULL) {
		return cli_fail(
		    cli, MLOPS_EPROTO, NULL, "no events URL for %s", cli->url);
	}
	if (cli->debug) {
		fprintf(stderr, "mlops: debug: subscribing to %s\n", url);
	}
	rc = mlops_sub_open(out, url, &cli->tls, &err);
	free(url);
	if (rc < 0) {
		cli_fail_err(cli, rc, &err);
		return cli_exit_for(rc, false) == CLI_EXIT_ERROR
		    ? CLI_EXIT_ERROR
		    : CLI_EXIT_UNREACHABLE;
	}
	return CLI_EXIT_OK;
}

int
cmd_watch(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS };
	struct mlops_error         err    = { 0 };
	struct mlops_sub          *sub    = NULL;
	struct sigaction           sa;
	bool                       have = false;
	uint64_t                   last = 0;
	int                        c, rc;

	if ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		return c == CLI_GETOPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if ((rc = cli_nargs(cli, argc - optind, 0, 0, "")) != 0) {
		return rc;
	}
	if ((rc = cmd_watch_subscribe(cli, &sub)) != 0) {
		return rc;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	rc = CLI_EXIT_OK;
	while (!watch_stop) {
		Mlops__Event *ev = NULL;
		int           r;

		r = mlops_sub_recv(sub, &ev, 250, &err);
		if (r == MLOPS_ETIMEDOUT) {
			continue;
		}
		if (r == MLOPS_EPROTO) {
			cli_notice(cli, "warning",
			    "skipped a malformed event: %s", err.msg);
			continue;
		}
		if (r < 0) {
			if (!watch_stop) {
				cli_fail_err(cli, r, &err);
				rc = CLI_EXIT_UNREACHABLE;
			}
			break;
		}
		if (cli->debug) {
			debug_dump("<< event", &ev->base);
		}
		watch_check_seq(cli, &have, &last, ev->seq);
		r = cli->json ? output_print_json_line(watch_json(ev))
		              : watch_text(ev);
		mlops__event__free_unpacked(ev, NULL);
		if (r < 0 || output_flush() < 0) {
			rc = cli_fail(
			    cli, MLOPS_EIO, NULL, "cannot write output");
			break;
		}
	}
	mlops_sub_close(sub);
	return rc;
}
