/*
 * mlops cancel ID: asks the daemon to scancel the job and prints the job
 * as the daemon left it.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"
#include "cmd_sweep.h"
#include "output.h"

const char cmd_cancel_usage[]
    = "usage: mlops cancel ID [--json]\n"
      "       mlops cancel --sweep ID [--json]\n"
      "\n"
      "Cancel job ID (scancel on its cluster). ID is Mission Control's own\n"
      "job id, as 'mlops jobs' lists it. The job's end shows in 'mlops jobs'\n"
      "and 'mlops watch' once Slurm reports it. A task of a sweep cancels\n"
      "only that task; --sweep ID cancels the sweep's whole job array with\n"
      "one scancel and lists its tasks.\n"
      "\n"
      "Options:\n"
      "  --sweep ID  cancel every task of sweep ID\n"
      "  --json      print the job as one JSON object, fields as in\n"
      "              'mlops jobs --json'; with --sweep {sweep_id, tasks[]}\n"
      "  -h, --help  show this help\n";

int
cmd_cancel(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sweep", required_argument, NULL, 0x200 },
		CLI_COMMON_OPTIONS,
	};
	Mlops__Request       req  = MLOPS__REQUEST__INIT;
	Mlops__CancelRequest body = MLOPS__CANCEL_REQUEST__INIT;
	Mlops__Response     *resp = NULL;
	const Mlops__Job    *j;
	char                 slurm[64];
	int                  c, rc;

	while ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		if (c != 0x200) {
			return c == CLI_GETOPT_HELP ? CLI_EXIT_OK
			                            : CLI_EXIT_USAGE;
		}
		if ((rc = cmd_job_parse_id(cli, optarg, &body.sweep_id))
		    != 0) {
			return rc;
		}
	}
	if (body.sweep_id != 0) {
		if ((rc = cli_nargs(cli, argc - optind, 0, 0, "")) != 0) {
			return rc;
		}
	} else if ((rc = cli_nargs(cli, argc - optind, 1, 1, "job ID")) != 0
	    || (rc = cmd_job_parse_id(cli, argv[optind], &body.id)) != 0) {
		return rc;
	}
	req.body_case = MLOPS__REQUEST__BODY_CANCEL;
	req.cancel    = &body;
	if ((rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_CANCEL, &resp))
	    != 0) {
		return rc;
	}
	if (body.sweep_id != 0) {
		rc = cmd_sweep_cancel_print(cli, body.sweep_id, resp->cancel);
		goto out;
	}
	if ((j = resp->cancel->job) == NULL) {
		rc = cli_fail(
		    cli, MLOPS_EPROTO, NULL, "the daemon sent no job");
		goto out;
	}
	if (cli->json) {
		rc = output_print_json(job_fmt_json(j, false));
	} else if (j->slurm_job_id[0] != '\0') {
		rc = output_printf("cancelled job %" PRId64 " (slurm %s)\n",
		    j->id, job_fmt_slurm_id(slurm, sizeof(slurm), j));
	} else {
		rc = output_printf("cancelled job %" PRId64 "\n", j->id);
	}
	rc = rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	            : CLI_EXIT_OK;
out:
	mlops__response__free_unpacked(resp, NULL);
	return rc;
}
