/*
 * mlops jobs: the job history, newest first, as a table or a JSON array,
 * filtered by the daemon. A further page is announced on stderr.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/job_state.h>
#include <mlops/types.h>

#include "cmd.h"
#include "cmd_sweep.h"
#include "output.h"

/* Display width of the DESCRIPTION column, "…" included. */
#define JOBS_DESCRIPTION_MAX 40

const char cmd_jobs_usage[]
    = "usage: mlops jobs [--project P] [--cluster C] [--state S] "
      "[--search TEXT] [--limit N] [--before ID] [--sweep ID] [--json]\n"
      "\n"
      "Job history, newest first. When more jobs match than were shown, a\n"
      "note on stderr gives the --before ID that shows the next page.\n"
      "\n"
      "Options:\n"
      "  --project P     only jobs of project P\n"
      "  --cluster C     only jobs on cluster C\n"
      "  --state S       only jobs in state S (PENDING, RUNNING, COMPLETED,\n"
      "                  FAILED, CANCELLED, ...), or 'active' or 'terminal'\n"
      "  --search TEXT   only jobs whose description, overrides or Slurm id\n"
      "                  hold TEXT\n"
      "  --limit N       at most N jobs (default 50)\n"
      "  --before ID     only jobs older than job ID (the next page)\n"
      "  --sweep ID      the tasks of sweep ID in array order (up to 1000\n"
      "                  unless --limit), after a line with its progress;\n"
      "                  --json prints {\"sweep\": {sweep_id, slurm_job_id,\n"
      "                  total, pending, running, completed, failed,\n"
      "                  cancelled, done}, \"jobs\": [...]}\n"
      "  --json          print one JSON array of job objects: id, project,\n"
      "                  cluster, partition, slurm_job_id, array_task_id,\n"
      "                  state, reason, exit_code, description, commit,\n"
      "                  branch, dirty, overrides[], config_name, gpus,\n"
      "                  gpu_type, nodes, cpus_per_task, mem, time_limit,\n"
      "                  submitted_at, started_at, ended_at, elapsed_s,\n"
      "                  node_list, wandb_url, work_dir, stdout_path,\n"
      "                  stderr_path, terminal, sweep_id, expected_start,\n"
      "                  resolved_overrides[] (as checked against the\n"
      "                  project's Hydra config; [] when not checked)\n"
      "                  (times RFC 3339 UTC; unknown values are null)\n"
      "  -h, --help      show this help\n"
      "\n"
      "In the table, GPUS is per node (2xa100), ELAPSED the run time so far,\n"
      "and W is * when the job's Weights & Biases run is known ('mlops job\n"
      "show ID' prints its URL).\n";

enum {
	JOBS_OPT_PROJECT = 0x200,
	JOBS_OPT_CLUSTER,
	JOBS_OPT_STATE,
	JOBS_OPT_SEARCH,
	JOBS_OPT_LIMIT,
	JOBS_OPT_BEFORE,
	JOBS_OPT_SWEEP,
};

/* A positive whole number. */
static int
jobs_parse_count(
    struct cli *cli, const char *opt, const char *s, int64_t max, int64_t *out)
{
	char     *end;
	long long v;

	errno = 0;
	v     = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v <= 0
	    || v > max) {
		return cli_usage_error(
		    cli, opt, "%s: not a positive whole number: '%s'", opt, s);
	}
	*out = (int64_t) v;
	return CLI_EXIT_OK;
}

/* The first `max` display columns of `s`, with "…" when cut. */
static void
jobs_truncate(char *buf, size_t len, const char *s, size_t max)
{
	size_t cols = 0, i = 0, cut = 0;

	for (; s[i] != '\0'; i++) {
		if (((unsigned char) s[i] & 0xC0) != 0x80) {
			if (cols == max - 1) {
				cut = i;
			}
			if (++cols > max) {
				break;
			}
		}
	}
	if (s[i] == '\0') {
		snprintf(buf, len, "%s", s);
	} else {
		snprintf(buf, len, "%.*s…", (int) cut, s);
	}
}

static int
jobs_text(const Mlops__JobsReply *r)
{
	static const char *const hdr[] = { "id", "project", "cluster", "state",
		"slurm", "gpus", "submitted", "elapsed", "w", "description" };
	struct output_table     *t     = output_table_new(hdr, 10);
	int64_t                  now   = (int64_t) time(NULL);
	int                      rc;

	for (size_t i = 0; i < r->n_jobs; i++) {
		const Mlops__Job *j = r->jobs[i];
		char              id[24], state[320], slurm[64], gpus[96];
		char              sub[OUTPUT_TIME_MAX], el[32], desc[256];
		int64_t           e = job_fmt_elapsed(j, now);

		snprintf(id, sizeof(id), "%" PRId64, j->id);
		job_fmt_state(state, sizeof(state), j, false);
		job_fmt_slurm_id(slurm, sizeof(slurm), j);
		job_fmt_gpus(gpus, sizeof(gpus), j);
		output_fmt_time(sub, j->submitted_at);
		if (e >= 0) {
			output_fmt_duration(el, sizeof(el), (uint64_t) e);
		} else {
			el[0] = '\0';
		}
		jobs_truncate(
		    desc, sizeof(desc), j->description, JOBS_DESCRIPTION_MAX);
		const char *row[10]
		    = { id, j->project, j->cluster, state, slurm, gpus, sub,
			      el, j->wandb_url[0] ? "*" : " ", desc };
		output_table_add(t, row);
	}
	rc = output_print_table(t);
	output_table_free(t);
	return rc;
}

int
cmd_jobs(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "project", required_argument, NULL, JOBS_OPT_PROJECT },
		{ "cluster", required_argument, NULL, JOBS_OPT_CLUSTER },
		{ "state", required_argument, NULL, JOBS_OPT_STATE },
		{ "search", required_argument, NULL, JOBS_OPT_SEARCH },
		{ "limit", required_argument, NULL, JOBS_OPT_LIMIT },
		{ "before", required_argument, NULL, JOBS_OPT_BEFORE },
		{ "sweep", required_argument, NULL, JOBS_OPT_SWEEP },
		CLI_COMMON_OPTIONS,
	};
	Mlops__Request          req  = MLOPS__REQUEST__INIT;
	Mlops__JobsRequest      body = MLOPS__JOBS_REQUEST__INIT;
	Mlops__Response        *resp = NULL;
	const Mlops__JobsReply *r;
	int64_t                 n;
	int                     c, rc, st;

	while ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		switch (c) {
		case JOBS_OPT_PROJECT:
			body.project = optarg;
			break;
		case JOBS_OPT_CLUSTER:
			body.cluster = optarg;
			break;
		case JOBS_OPT_STATE:
			/* a state by its enum; the name too for daemons
			 * before 1.4, and "active"/"terminal" as they are */
			st             = job_state_parse(optarg);
			body.job_state = st >= 0
			    ? mlops_job_state_to_wire((enum job_state) st)
			    : MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED;
			body.state     = optarg;
			break;
		case JOBS_OPT_SEARCH:
			body.search = optarg;
			break;
		case JOBS_OPT_LIMIT:
			if (jobs_parse_count(
			        cli, "--limit", optarg, INT32_MAX, &n)
			    != 0) {
				return CLI_EXIT_USAGE;
			}
			body.limit = (int32_t) n;
			break;
		case JOBS_OPT_BEFORE:
			if (jobs_parse_count(cli, "--before", optarg,
			        INT64_MAX, &body.before_id)
			    != 0) {
				return CLI_EXIT_USAGE;
			}
			break;
		case JOBS_OPT_SWEEP:
			if (jobs_parse_count(cli, "--sweep", optarg, INT64_MAX,
			        &body.sweep_id)
			    != 0) {
				return CLI_EXIT_USAGE;
			}
			break;
		case CLI_GETOPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if ((rc = cli_nargs(cli, argc - optind, 0, 0, "")) != 0) {
		return rc;
	}
	if (body.sweep_id != 0 && body.limit == 0) {
		body.limit = 1000; /* the whole array, as a rule */
	}
	req.body_case = MLOPS__REQUEST__BODY_JOBS;
	req.jobs      = &body;
	if ((rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_JOBS, &resp))
	    != 0) {
		return rc;
	}
	r = resp->jobs;
	if (body.sweep_id != 0) {
		rc = cmd_sweep_jobs_print(cli, r);
		if (rc == CLI_EXIT_OK && r->next_before_id != 0) {
			cli_notice(cli, "more", "--before %" PRId64,
			    r->next_before_id);
		}
		mlops__response__free_unpacked(resp, NULL);
		return rc;
	}
	if (cli->json) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < r->n_jobs; i++) {
			json_object_array_add(
			    a, job_fmt_json(r->jobs[i], false));
		}
		rc = output_print_json(a);
	} else {
		rc = jobs_text(r);
	}
	if (rc == 0 && r->next_before_id != 0) {
		output_flush();
		cli_notice(
		    cli, "more", "--before %" PRId64, r->next_before_id);
	}
	mlops__response__free_unpacked(resp, NULL);
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : CLI_EXIT_OK;
}
