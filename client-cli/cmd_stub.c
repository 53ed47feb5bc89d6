/*
 * A command whose daemon method comes later: it prints its usage on
 * --help and otherwise says it is not implemented yet (exit 1). No command
 * uses it at the moment.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "output.h"

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
