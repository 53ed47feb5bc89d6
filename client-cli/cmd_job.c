/*
 * mlops job show ID: one job in full, every field as "key: value", then
 * its rendered sbatch script. "job" is a group (like "project") so that
 * more subcommands can join "show".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/strbuf.h>

#include "cmd.h"
#include "output.h"

static int job_show(struct cli *cli, int argc, char **argv);

#define JOB_SHOW_SYNOPSIS "mlops job show ID [--json]"

const char cmd_job_usage[]
    = "usage: mlops job SUBCOMMAND [ARGS...]\n"
      "\n"
      "One job of the history. ID is Mission Control's own job id (as\n"
      "printed by 'mlops launch' and listed by 'mlops jobs'); the Slurm job\n"
      "id is a field beside it.\n"
      "\n"
      "Subcommands:\n"
      "  " JOB_SHOW_SYNOPSIS "\n"
      "      one job in full, with its rendered sbatch script\n"
      "\n"
      "Run 'mlops job SUBCOMMAND --help' for details.\n";

static const char job_show_usage[]
    = "usage: " JOB_SHOW_SYNOPSIS "\n"
      "\n"
      "One job in full: every field as \"key: value\" (for a pending job "
      "also\n"
      "Slurm's expected start, and the overrides as checked against the\n"
      "project's Hydra config), then the config Hydra composed from them\n"
      "under a \"--- config (composed by Hydra) ---\" line, then the\n"
      "rendered sbatch script under a \"--- sbatch script ---\" line.\n"
      "\n"
      "Options:\n"
      "  --json      print one JSON object, fields as in 'mlops jobs --json'\n"
      "              plus sbatch_script and config (the composition:\n"
      "              config_name, config, schema[], choices{}, groups{},\n"
      "              defaults[], overrides[]; null when not checked)\n"
      "  -h, --help  show this help\n";

static const struct cmd_spec job_commands[] = {
	{ "show", job_show, "one job in full", job_show_usage },
};

int
cmd_job(struct cli *cli, int argc, char **argv)
{
	return cli_run_group(cli, job_commands,
	    sizeof(job_commands) / sizeof(job_commands[0]), argc, argv);
}

int
cmd_job_parse_id(struct cli *cli, const char *s, int64_t *out)
{
	char     *end;
	long long v;

	errno = 0;
	v     = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v <= 0) {
		return cli_usage_error(cli, "ID",
		    "not a job ID: '%s' (a positive number, as 'mlops jobs' "
		    "lists)",
		    s);
	}
	*out = (int64_t) v;
	return CLI_EXIT_OK;
}

static const char *
job_yesno(bool b)
{
	return b ? "yes" : "no";
}

static void
job_kv_count(struct output_kv *kv, const char *key, int64_t n)
{
	if (n < 0) {
		output_kv_add(kv, 0, key, "");
	} else {
		output_kv_addf(kv, 0, key, "%" PRId64, n);
	}
}

static void
job_kv_time(struct output_kv *kv, const char *key, int64_t t)
{
	char buf[OUTPUT_TIME_MAX];

	output_kv_add(kv, 0, key, output_fmt_time(buf, t));
}

/* Every field, named as in --json (elapsed_s shown as a duration). */
static void
job_kv(struct output_kv *kv, const Mlops__Job *j)
{
	struct strbuf sb = STRBUF_INIT;
	char          buf[64];
	int64_t       el = job_fmt_elapsed(j, (int64_t) time(NULL));

	output_kv_addf(kv, 0, "id", "%" PRId64, j->id);
	output_kv_add(kv, 0, "project", j->project);
	output_kv_add(kv, 0, "cluster", j->cluster);
	output_kv_add(kv, 0, "partition", j->partition);
	output_kv_add(kv, 0, "slurm_job_id", j->slurm_job_id);
	job_kv_count(kv, "array_task_id", j->array_task_id);
	output_kv_add(
	    kv, 0, "state", job_fmt_state_name(j->job_state, j->state));
	output_kv_add(kv, 0, "reason", j->reason);
	job_kv_count(kv, "exit_code", j->exit_code);
	output_kv_add(kv, 0, "description", j->description);
	output_kv_add(kv, 0, "commit", j->commit);
	output_kv_add(kv, 0, "branch", j->branch);
	output_kv_add(kv, 0, "dirty", job_yesno(j->dirty));
	job_fmt_overrides(&sb, j);
	output_kv_add(kv, 0, "overrides", strbuf_str(&sb));
	strbuf_reset(&sb);
	if (j->config_json[0] != '\0' || j->n_resolved_overrides > 0) {
		job_fmt_argv(
		    &sb, j->resolved_overrides, j->n_resolved_overrides);
		output_kv_add(kv, 0, "resolved_overrides", strbuf_str(&sb));
	} else {
		output_kv_add(kv, 0, "resolved_overrides",
		    "(not checked against Hydra)");
	}
	output_kv_add(kv, 0, "config_name", j->config_name);
	if (j->gpus > 0) {
		output_kv_addf(kv, 0, "gpus", "%d per node", j->gpus);
	} else {
		output_kv_add(kv, 0, "gpus", "0 (CPU job)");
	}
	output_kv_add(kv, 0, "gpu_type", j->gpu_type);
	output_kv_addf(kv, 0, "nodes", "%d", j->nodes);
	output_kv_addf(kv, 0, "cpus_per_task", "%d", j->cpus_per_task);
	output_kv_add(kv, 0, "mem", j->mem);
	output_kv_add(kv, 0, "time_limit", j->time_limit);
	job_kv_time(kv, "submitted_at", j->submitted_at);
	if (j->expected_start[0] != '\0') {
		output_kv_add(kv, 0, "expected_start", j->expected_start);
	}
	job_kv_time(kv, "started_at", j->started_at);
	job_kv_time(kv, "ended_at", j->ended_at);
	output_kv_add(kv, 0, "elapsed",
	    el >= 0 ? output_fmt_duration(buf, sizeof(buf), (uint64_t) el)
	            : "");
	output_kv_add(kv, 0, "node_list", j->node_list);
	output_kv_add(kv, 0, "wandb_url", j->wandb_url);
	output_kv_add(kv, 0, "work_dir", j->work_dir);
	output_kv_add(kv, 0, "stdout_path", j->stdout_path);
	output_kv_add(kv, 0, "stderr_path", j->stderr_path);
	if (j->sweep_id > 0) {
		output_kv_addf(kv, 0, "sweep_id", "%" PRId64, j->sweep_id);
	}
	strbuf_fini(&sb);
}

static int
job_text(const Mlops__Job *j)
{
	struct output_kv *kv     = output_kv_new();
	const char       *script = j->sbatch_script;
	int               rc;

	job_kv(kv, j);
	rc = output_print_kv(kv);
	output_kv_free(kv);
	if (rc == 0 && j->config_json[0] != '\0') {
		struct strbuf sb = STRBUF_INIT;

		strbuf_puts(&sb, "\n--- config (composed by Hydra) ---\n");
		if (hydra_fmt_config(&sb, j->config_json, 0) < 0) {
			strbuf_puts(&sb, "(unreadable)\n");
		}
		rc = output_print(strbuf_str(&sb));
		strbuf_fini(&sb);
	}
	if (rc == 0 && script[0] != '\0') {
		rc = output_print("\n--- sbatch script ---\n");
		if (rc == 0) {
			rc = output_print(script);
		}
		if (rc == 0 && script[strlen(script) - 1] != '\n') {
			rc = output_print("\n");
		}
	}
	return rc;
}

static int
job_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS };
	Mlops__Request             req    = MLOPS__REQUEST__INIT;
	Mlops__JobShowRequest      body   = MLOPS__JOB_SHOW_REQUEST__INIT;
	Mlops__Response           *resp   = NULL;
	const Mlops__Job          *j;
	int                        c, rc;

	if ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		return c == CLI_GETOPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if ((rc = cli_nargs(cli, argc - optind, 1, 1, "job ID")) != 0
	    || (rc = cmd_job_parse_id(cli, argv[optind], &body.id)) != 0) {
		return rc;
	}
	req.body_case = MLOPS__REQUEST__BODY_JOB_SHOW;
	req.job_show  = &body;
	rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_JOB_SHOW, &resp);
	if (rc != 0) {
		return rc;
	}
	if ((j = resp->job_show->job) == NULL) {
		rc = cli_fail(
		    cli, MLOPS_EPROTO, NULL, "the daemon sent no job");
	} else {
		rc = cli->json ? output_print_json(job_fmt_json(j, true))
		               : job_text(j);
		rc = rc < 0
		    ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
		    : CLI_EXIT_OK;
	}
	mlops__response__free_unpacked(resp, NULL);
	return rc;
}
