/*
 * launch, jobs, job, logs, cancel: their daemon methods come later. Until
 * then each prints its usage on --help and otherwise says it is not
 * implemented yet (exit 1).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "output.h"

const char cmd_launch_usage[]
    = "usage: mlops launch PROJECT --cluster C [OPTIONS] [-- OVERRIDE...]\n"
      "\n"
      "Submit a job running PROJECT's train script at its current commit on\n"
      "cluster C, and print its id. Arguments after \"--\" are Hydra "
      "overrides.\n"
      "\n"
      "Options:\n"
      "  --cluster C            the cluster (required)\n"
      "  --partition P          the Slurm partition\n"
      "  --gpus TYPE:N | N      GPUs per node, optionally of one type\n"
      "  --nodes N              nodes\n"
      "  --cpus-per-task N      CPUs per task\n"
      "  --mem SIZE             memory per node, e.g. 32G\n"
      "  --time D-HH:MM:SS      time limit\n"
      "  --description TEXT     a note kept with the job\n"
      "  --config-name NAME     the Hydra config to use\n"
      "  --sweep                run the overrides as a Hydra multirun sweep\n"
      "  --json                 print the job as one JSON object\n"
      "  -h, --help             show this help\n";

const char cmd_jobs_usage[]
    = "usage: mlops jobs [--project P] [--cluster C] [--state S] "
      "[--search TEXT] [--limit N] [--json]\n"
      "\n"
      "Job history, newest first.\n"
      "\n"
      "Options:\n"
      "  --project P     only jobs of project P\n"
      "  --cluster C     only jobs on cluster C\n"
      "  --state S       only jobs in state S (PENDING, RUNNING, COMPLETED,\n"
      "                  FAILED, CANCELLED, ...)\n"
      "  --search TEXT   only jobs whose description or overrides hold TEXT\n"
      "  --limit N       at most N jobs\n"
      "  --json          print one JSON array of jobs\n"
      "  -h, --help      show this help\n";

const char cmd_job_usage[]
    = "usage: mlops job show ID [--json]\n"
      "\n"
      "One job in full, with its rendered sbatch script. ID is Mission\n"
      "Control's own job id; the Slurm job id is a field beside it.\n"
      "\n"
      "Options:\n"
      "  --json      print one JSON object\n"
      "  -h, --help  show this help\n";

const char cmd_logs_usage[]
    = "usage: mlops logs ID [--follow] [--stderr] [--tail N]\n"
      "\n"
      "The job's output.\n"
      "\n"
      "Options:\n"
      "  --follow    keep printing output as it arrives\n"
      "  --stderr    show the job's stderr instead of its stdout\n"
      "  --tail N    only the last N lines\n"
      "  -h, --help  show this help\n";

const char cmd_cancel_usage[] = "usage: mlops cancel ID\n"
                                "\n"
                                "Cancel the job (scancel).\n"
                                "\n"
                                "Options:\n"
                                "  -h, --help  show this help\n";

int
cmd_stub(struct cli *cli, int argc, char **argv)
{
	size_t len;

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "-h") == 0
		    || strcmp(argv[i], "--help") == 0) {
			output_print(cli->cmd->usage);
			return CLI_EXIT_OK;
		}
	}
	/* "job" is a group with one subcommand so far: "show". */
	if (strcmp(cli->cmd->name, "job") == 0) {
		if (argc < 2) {
			return cli_usage_error(cli, "missing subcommand");
		}
		if (strcmp(argv[1], "show") != 0) {
			return cli_usage_error(
			    cli, "unknown subcommand '%s'", argv[1]);
		}
		len = strlen(cli->what);
		snprintf(
		    cli->what + len, sizeof(cli->what) - len, " %s", argv[1]);
	}
	return cli_fail(cli, "not implemented yet");
}
