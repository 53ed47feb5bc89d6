/*
 * logs: its daemon method comes later. Until then it prints its usage on
 * --help and otherwise says it is not implemented yet (exit 1).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "output.h"

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

int
cmd_stub(struct cli *cli, int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "-h") == 0
		    || strcmp(argv[i], "--help") == 0) {
			output_print(cli->cmd->usage);
			return CLI_EXIT_OK;
		}
	}
	return cli_fail(cli, "not implemented yet");
}
