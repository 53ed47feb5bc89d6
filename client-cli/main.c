/*
 * mlops: the command-line client. Parses the global options, finds the
 * command in the table and runs it; the command's return value is the exit
 * status (0 ok, 1 failed, 2 usage, 3 daemon unreachable or incompatible).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/paths.h>

#include "cmd.h"
#include "output.h"

static int main_help(struct cli *cli, int argc, char **argv);

static const char main_usage[]
    = "usage: mlops [OPTIONS] COMMAND [ARGS...]\n"
      "\n"
      "Mission Control: launch and follow Slurm jobs through the mlopsd "
      "daemon.\n"
      "\n"
      "Options:\n"
      "  --connect URL     daemon to talk to (default: $MLOPS_CONNECT, else\n"
      "                    ipc://$XDG_RUNTIME_DIR/mlops/mlopsd.sock)\n"
      "  --json            print one JSON document instead of text (JSON\n"
      "                    lines for logs and watch); see below for errors\n"
      "  --no-autostart    do not start a local daemon when none answers\n"
      "  --timeout MS      wait at most MS milliseconds for a reply "
      "(default 30000;\n"
      "                    600000 for launch)\n"
      "  --tls-ca FILE     CA certificate for tls+tcp:// ($MLOPS_TLS_CA)\n"
      "  --tls-cert FILE   client certificate ($MLOPS_TLS_CERT)\n"
      "  --tls-key FILE    its private key ($MLOPS_TLS_KEY)\n"
      "  --debug           dump requests and replies to stderr\n"
      "  -h, --help        show this help\n"
      "  --version         show the version\n"
      "\n"
      "Commands:\n";

static const char main_usage_tail[]
    = "\n"
      "Run 'mlops COMMAND --help' for a command's own options.\n"
      "Exit status: 0 ok, 1 the operation failed, 2 usage error, 3 the "
      "daemon\n"
      "is unreachable or speaks another protocol version.\n"
      "\n"
      "Errors go to stderr as \"mlops: <what>: <why>\". With --json, a "
      "failure\n"
      "also prints one line {\"error\": {\"code\", \"field\", "
      "\"message\"}} on stdout,\n"
      "and nothing else (logs and watch: after the lines they printed). "
      "code\n"
      "is ENOTFOUND, EINVAL, EUNREACHABLE... or EUSAGE for a usage error;\n"
      "field the input at fault (\"overrides\", \"--tail\") or null; "
      "message the\n"
      "stderr text without \"mlops: \". The exit status stays as above. "
      "A\n"
      "\"--json\" anywhere before \"--\" counts, even for errors found "
      "before it.\n";

static const char main_help_usage[]
    = "usage: mlops help [COMMAND [SUBCOMMAND]]\n"
      "\n"
      "Show the help of mlops or of one command.\n";

static const struct cmd_spec main_commands[] = {
	{ "status", cmd_status,
	    "daemon version, uptime and the state of each cluster",
	    cmd_status_usage },
	{ "cluster", cmd_cluster, "list | check | gpus | trust: clusters",
	    cmd_cluster_usage },
	{ "project", cmd_project,
	    "add | list | show | sync | remove: local git projects",
	    cmd_project_usage },
	{ "launch", cmd_launch, "submit a job", cmd_launch_usage },
	{ "jobs", cmd_jobs, "job history, newest first", cmd_jobs_usage },
	{ "job", cmd_job, "show: one job in full", cmd_job_usage },
	{ "logs", cmd_logs, "a job's output", cmd_logs_usage },
	{ "cancel", cmd_cancel, "cancel a job", cmd_cancel_usage },
	{ "watch", cmd_watch, "stream job and cluster events",
	    cmd_watch_usage },
	{ "help", main_help, "show the help of a command", main_help_usage },
};

#define MAIN_NCOMMANDS (sizeof(main_commands) / sizeof(main_commands[0]))

enum {
	MAIN_OPT_CONNECT = 0x200,
	MAIN_OPT_NO_AUTOSTART,
	MAIN_OPT_TIMEOUT,
	MAIN_OPT_TLS_CA,
	MAIN_OPT_TLS_CERT,
	MAIN_OPT_TLS_KEY,
	MAIN_OPT_DEBUG,
	MAIN_OPT_VERSION,
};

static const struct option main_options[] = {
	{ "connect", required_argument, NULL, MAIN_OPT_CONNECT },
	{ "no-autostart", no_argument, NULL, MAIN_OPT_NO_AUTOSTART },
	{ "timeout", required_argument, NULL, MAIN_OPT_TIMEOUT },
	{ "tls-ca", required_argument, NULL, MAIN_OPT_TLS_CA },
	{ "tls-cert", required_argument, NULL, MAIN_OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, MAIN_OPT_TLS_KEY },
	{ "debug", no_argument, NULL, MAIN_OPT_DEBUG },
	{ "version", no_argument, NULL, MAIN_OPT_VERSION },
	CLI_COMMON_OPTIONS,
};

static const struct cmd_spec main_spec = { "mlops", NULL, NULL, main_usage };

static void
main_print_usage(void)
{
	output_print(main_usage);
	for (size_t i = 0; i < MAIN_NCOMMANDS; i++) {
		output_printf("  %-9s %s\n", main_commands[i].name,
		    main_commands[i].summary);
	}
	output_print(main_usage_tail);
}

static const struct cmd_spec *
main_find(const char *name)
{
	for (size_t i = 0; i < MAIN_NCOMMANDS; i++) {
		if (strcmp(main_commands[i].name, name) == 0) {
			return &main_commands[i];
		}
	}
	return NULL;
}

static int
main_run(struct cli *cli, const struct cmd_spec *spec, int argc, char **argv)
{
	cli->cmd = spec;
	snprintf(cli->what, sizeof(cli->what), "%s", spec->name);
	return spec->fn(cli, argc, argv);
}

/* "mlops help [COMMAND [SUB]]" is "mlops COMMAND [SUB] --help". */
static int
main_help(struct cli *cli, int argc, char **argv)
{
	const struct cmd_spec *spec;
	char                  *av[4];
	int                    ac = 0;

	if (argc > 1
	    && (strcmp(argv[1], "-h") == 0
	        || strcmp(argv[1], "--help") == 0)) {
		output_print(main_help_usage);
		return CLI_EXIT_OK;
	}
	if (argc < 2) {
		main_print_usage();
		return CLI_EXIT_OK;
	}
	if (argc > 3) {
		return cli_usage_error(cli, NULL, "too many arguments");
	}
	if ((spec = main_find(argv[1])) == NULL || spec->fn == main_help) {
		return cli_usage_error(
		    cli, "COMMAND", "unknown command '%s'", argv[1]);
	}
	av[ac++] = argv[1];
	if (argc > 2) {
		av[ac++] = argv[2];
	}
	av[ac++] = "--help";
	av[ac]   = NULL;
	optind   = 0;
	return main_run(cli, spec, ac, av);
}

static int
main_parse_timeout(struct cli *cli, const char *s)
{
	char *end;
	long  v;

	errno = 0;
	v     = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0
	    || v > 24L * 3600 * 1000) {
		return cli_usage_error(cli, "--timeout",
		    "--timeout: not a positive "
		    "number of milliseconds: '%s'",
		    s);
	}
	cli->timeout_ms    = (int) v;
	cli->timeout_given = true;
	return CLI_EXIT_OK;
}

/*
 * Whether "--json" is on the line before any "--". Commands parse their
 * own --json, so a usage error found before it (an unknown option ahead
 * of it, an unknown command) would otherwise not know that a script reads
 * stdout; with this it is reported as JSON too.
 */
static bool
main_json_seen(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			return false;
		}
		if (strcmp(argv[i], "--json") == 0) {
			return true;
		}
	}
	return false;
}

static const char *
main_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

int
main(int argc, char **argv)
{
	struct cli             cli = { 0 };
	const struct cmd_spec *spec;
	const char            *connect     = NULL;
	char                  *default_url = NULL;
	int                    c, rc;

	cli.autostart     = true;
	cli.timeout_ms    = MLOPS_CALL_TIMEOUT_MS;
	cli.cmd           = &main_spec;
	cli.tls.ca_file   = main_env("MLOPS_TLS_CA");
	cli.tls.cert_file = main_env("MLOPS_TLS_CERT");
	cli.tls.key_file  = main_env("MLOPS_TLS_KEY");
	cli.json_seen     = main_json_seen(argc, argv);

	/* "+": stop at the command name; what follows is the command's. */
	optind = 0;
	while ((c = cli_getopt(&cli, argc, argv, "+:h", main_options)) != -1) {
		switch (c) {
		case CLI_GETOPT_HELP:
			/* cli_getopt printed only the head of our usage. */
			for (size_t i = 0; i < MAIN_NCOMMANDS; i++) {
				output_printf("  %-9s %s\n",
				    main_commands[i].name,
				    main_commands[i].summary);
			}
			output_print(main_usage_tail);
			return output_flush() < 0 ? CLI_EXIT_ERROR
			                          : CLI_EXIT_OK;
		case CLI_GETOPT_BAD:
			return CLI_EXIT_USAGE;
		case MAIN_OPT_CONNECT:
			connect = optarg;
			break;
		case MAIN_OPT_NO_AUTOSTART:
			cli.autostart = false;
			break;
		case MAIN_OPT_TIMEOUT:
			if (main_parse_timeout(&cli, optarg) != 0) {
				return CLI_EXIT_USAGE;
			}
			break;
		case MAIN_OPT_TLS_CA:
			cli.tls.ca_file = optarg;
			break;
		case MAIN_OPT_TLS_CERT:
			cli.tls.cert_file = optarg;
			break;
		case MAIN_OPT_TLS_KEY:
			cli.tls.key_file = optarg;
			break;
		case MAIN_OPT_DEBUG:
			cli.debug = true;
			break;
		case MAIN_OPT_VERSION:
			output_printf("mlops %s (protocol %d.%d)\n",
			    MLOPS_VERSION, MLOPS_PROTOCOL_MAJOR,
			    MLOPS_PROTOCOL_MINOR);
			return output_flush() < 0 ? CLI_EXIT_ERROR
			                          : CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		return cli_usage_error(&cli, "COMMAND", "missing command");
	}
	if ((spec = main_find(argv[optind])) == NULL) {
		return cli_usage_error(
		    &cli, "COMMAND", "unknown command '%s'", argv[optind]);
	}

	if (connect != NULL) {
		cli.url_option = "--connect";
	} else if ((connect = main_env("MLOPS_CONNECT")) != NULL) {
		cli.url_option = "MLOPS_CONNECT";
	} else {
		default_url        = mlops_default_url();
		connect            = default_url;
		cli.url_is_default = true;
	}
	cli.url = connect;

	argc -= optind;
	argv += optind;
	optind = 0;
	rc     = main_run(&cli, spec, argc, argv);
	cli_fini(&cli);
	free(default_url);
	if (output_flush() < 0 && rc == CLI_EXIT_OK) {
		fprintf(stderr, "mlops: cannot write output\n");
		rc = CLI_EXIT_ERROR;
	}
	return rc;
}
