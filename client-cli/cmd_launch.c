/*
 * mlops launch PROJECT --cluster C [...] [-- OVERRIDE...]: submit a job and
 * print its id, its JSON, or (--dry-run) the sbatch script it would run.
 * The daemon validates names and ranges; this file checks only syntax.
 * --wait follows the job in cmd_launch_wait.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_sweep.h"
#include "output.h"

/* A launch snapshots and uploads the code: allow it longer than a read. */
#define LAUNCH_TIMEOUT_MS 600000

const char cmd_launch_usage[]
    = "usage: mlops launch PROJECT --cluster C [OPTIONS] [-- OVERRIDE...]\n"
      "\n"
      "Submit a job running PROJECT's train script at its current commit on\n"
      "cluster C, and print its id (just the number). Arguments after \"--\"\n"
      "are Hydra overrides, each passed on as one argument, exactly as "
      "given.\n"
      "When the project has a Hydra config directory (conf/, or\n"
      "hydra_config_dir), the overrides are checked against it first: an\n"
      "unknown key, an unknown option, a value of the wrong type or a\n"
      "mandatory (?\?\?) value not given is refused before anything is\n"
      "uploaded ('mlops project config' shows what there is).\n"
      "\n"
      "Options:\n"
      "  --cluster C            the cluster (required)\n"
      "  --partition P          the Slurm partition (default: the cluster's)\n"
      "  --gpus TYPE:N | N      GPUs per node, optionally of one type; 0 for\n"
      "                         a CPU job (the default)\n"
      "  --nodes N              nodes (default 1)\n"
      "  --cpus-per-task N      CPUs per task (default 1)\n"
      "  --mem SIZE             memory per node, e.g. 32G\n"
      "  --time D-HH:MM:SS      time limit (any Slurm time format)\n"
      "  --description TEXT     a note kept with the job\n"
      "  --config-name NAME     the Hydra config to use\n"
      "  --allow-dirty          launch even though the work tree has\n"
      "                         uncommitted changes (they go with the job)\n"
      "  --dry-run              check everything and print the sbatch "
      "script;\n"
      "                         nothing reaches the cluster\n"
      "  --no-validate          do not check the overrides against the\n"
      "                         project's Hydra config (for configs Mission\n"
      "                         Control cannot read, e.g. structured "
      "configs)\n"
      "  --sweep                the overrides use Hydra's multirun syntax\n"
      "                         (lr=0.1,0.01 seed='range(0,3)' "
      "choice(a,b)):\n"
      "                         launch their cartesian product as ONE Slurm\n"
      "                         job array, one job per task, and print the\n"
      "                         sweep's id ('mlops jobs --sweep ID')\n"
      "  --max-parallel K       sweep: at most K tasks run at once\n"
      "  --wait                 follow the job until it ends, printing its\n"
      "                         state changes on stderr, then exit with its\n"
      "                         exit code (1 when it failed, was cancelled,\n"
      "                         timed out... without one)\n"
      "  --json                 print the job as one JSON object (with "
      "--wait:\n"
      "                         once it has ended), fields as in 'mlops "
      "jobs'\n"
      "                         plus sbatch_script; with --sweep\n"
      "                         {sweep_id, tasks[] (jobs), sbatch_script}\n"
      "  -h, --help             show this help\n"
      "\n"
      "The daemon's reply may take a while (the code is uploaded first): the\n"
      "launch waits up to 10 minutes unless 'mlops --timeout MS' is given.\n";

enum {
	LAUNCH_OPT_CLUSTER = 0x200,
	LAUNCH_OPT_PARTITION,
	LAUNCH_OPT_GPUS,
	LAUNCH_OPT_NODES,
	LAUNCH_OPT_CPUS,
	LAUNCH_OPT_MEM,
	LAUNCH_OPT_TIME,
	LAUNCH_OPT_DESCRIPTION,
	LAUNCH_OPT_CONFIG_NAME,
	LAUNCH_OPT_ALLOW_DIRTY,
	LAUNCH_OPT_DRY_RUN,
	LAUNCH_OPT_WAIT,
	LAUNCH_OPT_SWEEP,
	LAUNCH_OPT_NO_VALIDATE,
	LAUNCH_OPT_MAX_PARALLEL,
};

static const struct option launch_options[] = {
	{ "cluster", required_argument, NULL, LAUNCH_OPT_CLUSTER },
	{ "partition", required_argument, NULL, LAUNCH_OPT_PARTITION },
	{ "gpus", required_argument, NULL, LAUNCH_OPT_GPUS },
	{ "nodes", required_argument, NULL, LAUNCH_OPT_NODES },
	{ "cpus-per-task", required_argument, NULL, LAUNCH_OPT_CPUS },
	{ "mem", required_argument, NULL, LAUNCH_OPT_MEM },
	{ "time", required_argument, NULL, LAUNCH_OPT_TIME },
	{ "description", required_argument, NULL, LAUNCH_OPT_DESCRIPTION },
	{ "config-name", required_argument, NULL, LAUNCH_OPT_CONFIG_NAME },
	{ "allow-dirty", no_argument, NULL, LAUNCH_OPT_ALLOW_DIRTY },
	{ "dry-run", no_argument, NULL, LAUNCH_OPT_DRY_RUN },
	{ "wait", no_argument, NULL, LAUNCH_OPT_WAIT },
	{ "sweep", no_argument, NULL, LAUNCH_OPT_SWEEP },
	{ "no-validate", no_argument, NULL, LAUNCH_OPT_NO_VALIDATE },
	{ "max-parallel", required_argument, NULL, LAUNCH_OPT_MAX_PARALLEL },
	CLI_COMMON_OPTIONS,
};

/* The parsed command line; strings borrow argv. */
struct launch_args {
	Mlops__LaunchRequest req;
	const char          *project;
	bool                 wait;
	char                 gpu_type[128]; /* req.gpu_type points here */
};

/* A whole decimal number, at least `min`, that fits an int32. */
static int
launch_parse_int(
    struct cli *cli, const char *opt, const char *s, int min, int32_t *out)
{
	char *end;
	long  v;

	errno = 0;
	v     = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0
	    || v > INT32_MAX) {
		return cli_usage_error(
		    cli, opt, "%s: not a whole number: '%s'", opt, s);
	}
	if (v < min) {
		return cli_usage_error(
		    cli, opt, "%s: must be at least %d", opt, min);
	}
	*out = (int32_t) v;
	return CLI_EXIT_OK;
}

/* --gpus TYPE:N or N. */
static int
launch_parse_gpus(struct cli *cli, const char *s, struct launch_args *a)
{
	const char *colon = strchr(s, ':');
	const char *n     = colon != NULL ? colon + 1 : s;
	char       *end;
	long        v;

	errno = 0;
	v     = strtol(n, &end, 10);
	if (*n < '0' || *n > '9' || *end != '\0' || errno != 0 || v > INT32_MAX
	    || colon == s
	    || (colon != NULL
	        && (size_t) (colon - s) >= sizeof(a->gpu_type))) {
		return cli_usage_error(cli, "--gpus",
		    "--gpus: expected TYPE:N or N (e.g. a100:2 or 2), not "
		    "'%s'",
		    s);
	}
	snprintf(a->gpu_type, sizeof(a->gpu_type), "%.*s",
	    colon != NULL ? (int) (colon - s) : 0, s);
	a->req.gpu_type = a->gpu_type;
	a->req.gpus     = (int32_t) v;
	return CLI_EXIT_OK;
}

/* A string option that must not be empty. */
static int
launch_str(struct cli *cli, const char *opt, const char *s, char **out)
{
	if (*s == '\0') {
		return cli_usage_error(cli, opt, "%s: must not be empty", opt);
	}
	*out = (char *) s;
	return CLI_EXIT_OK;
}

static int
launch_option(struct cli *cli, int c, const char *arg, struct launch_args *a)
{
	Mlops__LaunchRequest *r = &a->req;

	switch (c) {
	case LAUNCH_OPT_CLUSTER:
		return launch_str(cli, "--cluster", arg, &r->cluster);
	case LAUNCH_OPT_PARTITION:
		return launch_str(cli, "--partition", arg, &r->partition);
	case LAUNCH_OPT_GPUS:
		return launch_parse_gpus(cli, arg, a);
	case LAUNCH_OPT_NODES:
		return launch_parse_int(cli, "--nodes", arg, 1, &r->nodes);
	case LAUNCH_OPT_CPUS:
		return launch_parse_int(
		    cli, "--cpus-per-task", arg, 1, &r->cpus_per_task);
	case LAUNCH_OPT_MEM:
		return launch_str(cli, "--mem", arg, &r->mem);
	case LAUNCH_OPT_TIME:
		return launch_str(cli, "--time", arg, &r->time_limit);
	case LAUNCH_OPT_DESCRIPTION:
		r->description = (char *) arg;
		return CLI_EXIT_OK;
	case LAUNCH_OPT_CONFIG_NAME:
		return launch_str(cli, "--config-name", arg, &r->config_name);
	case LAUNCH_OPT_ALLOW_DIRTY:
		r->allow_dirty = true;
		return CLI_EXIT_OK;
	case LAUNCH_OPT_DRY_RUN:
		r->dry_run = true;
		return CLI_EXIT_OK;
	case LAUNCH_OPT_WAIT:
		a->wait = true;
		return CLI_EXIT_OK;
	case LAUNCH_OPT_SWEEP:
		r->sweep = true;
		return CLI_EXIT_OK;
	case LAUNCH_OPT_MAX_PARALLEL:
		return launch_parse_int(
		    cli, "--max-parallel", arg, 1, &r->max_parallel);
	case LAUNCH_OPT_NO_VALIDATE:
		r->no_validate = true;
		return CLI_EXIT_OK;
	default:
		return CLI_EXIT_USAGE;
	}
}

/*
 * Options and PROJECT in any order; everything after the first "--" that
 * is not an option's argument is an override. getopt runs in "+" mode so
 * that it stops at each positional argument and at that "--" exactly.
 */
static int
launch_parse(struct cli *cli, int argc, char **argv, struct launch_args *a)
{
	int npos = 0, c, rc, before;

	optind = 0;
	for (;;) {
		before = optind == 0 ? 1 : optind;
		c      = cli_getopt(cli, argc, argv, "+:h", launch_options);
		if (c == CLI_GETOPT_HELP) {
			return CLI_GETOPT_HELP;
		}
		if (c == CLI_GETOPT_BAD) {
			return CLI_EXIT_USAGE;
		}
		if (c != -1) {
			if ((rc = launch_option(cli, c, optarg, a)) != 0) {
				return rc;
			}
			continue;
		}
		if (optind > before && strcmp(argv[optind - 1], "--") == 0) {
			break; /* getopt consumed the "--" */
		}
		if (optind >= argc) {
			break;
		}
		if (npos++ > 0) {
			return cli_usage_error(cli, NULL,
			    "too many arguments (overrides go after \"--\")");
		}
		a->project = argv[optind++];
	}
	if (a->project == NULL || *a->project == '\0') {
		return cli_usage_error(cli, "PROJECT", "missing PROJECT");
	}
	if (a->req.cluster == NULL || *a->req.cluster == '\0') {
		return cli_usage_error(
		    cli, "--cluster", "missing --cluster C");
	}
	if (a->req.max_parallel > 0 && !a->req.sweep) {
		return cli_usage_error(
		    cli, "--max-parallel", "--max-parallel needs --sweep");
	}
	if (a->wait && a->req.sweep) {
		return cli_usage_error(cli, "--wait",
		    "--wait follows one job; follow a sweep with 'mlops jobs "
		    "--sweep ID'");
	}
	if (a->wait && a->req.dry_run) {
		return cli_usage_error(
		    cli, "--wait", "--wait and --dry-run exclude each other");
	}
	a->req.project     = (char *) a->project;
	a->req.n_overrides = (size_t) (argc - optind);
	a->req.overrides   = argv + optind;
	return CLI_EXIT_OK;
}

/*
 * Prints what a launch without --wait shows; returns the exit code. A job
 * whose submission failed after it was recorded is a failure: with --json
 * only the error object is printed (its message names the job).
 */
static int
launch_print(
    struct cli *cli, const Mlops__LaunchRequest *req, const Mlops__Job *j)
{
	const char *script = j->sbatch_script;
	bool        failed = !req->dry_run && job_fmt_terminal(j);
	char        state[320];
	int         rc = 0;

	if (cli->json) {
		if (!failed) {
			rc = output_print_json(job_fmt_json(j, true));
		}
	} else if (req->dry_run) {
		if (script[0] == '\0') {
			return cli_fail(cli, MLOPS_EPROTO, NULL,
			    "the daemon sent no sbatch script");
		}
		rc = output_print(script);
		if (rc == 0 && script[strlen(script) - 1] != '\n') {
			rc = output_print("\n");
		}
	} else {
		rc = output_printf("%" PRId64 "\n", j->id);
	}
	if (rc < 0) {
		return cli_fail(cli, MLOPS_EIO, NULL, "cannot write output");
	}
	if (!req->dry_run && strcmp(j->state, "SUBMITTING") == 0) {
		/* sbatch ran, but what it did is not known yet */
		cli_notice(cli, "warning",
		    "job %" PRId64 ": %s; the daemon is looking for it on %s "
		    "('mlops job %" PRId64 "' shows what it finds)",
		    j->id, j->reason[0] != '\0' ? j->reason : "no answer yet",
		    j->cluster, j->id);
	}
	if (failed) {
		return cli_fail(cli, MLOPS_ERROR, NULL, "job %" PRId64 ": %s",
		    j->id, job_fmt_state(state, sizeof(state), j, true));
	}
	return CLI_EXIT_OK;
}

int
cmd_launch(struct cli *cli, int argc, char **argv)
{
	struct launch_args a    = { .req = MLOPS__LAUNCH_REQUEST__INIT };
	Mlops__Request     req  = MLOPS__REQUEST__INIT;
	Mlops__Response   *resp = NULL;
	struct mlops_sub  *sub  = NULL;
	const Mlops__Job  *j;
	int                rc;

	if ((rc = launch_parse(cli, argc, argv, &a)) != 0) {
		return rc == CLI_GETOPT_HELP ? CLI_EXIT_OK : rc;
	}
	if (!cli->timeout_given) {
		cli->timeout_ms = LAUNCH_TIMEOUT_MS;
	}
	/* Subscribe first, so that no event of the new job is missed. */
	if (a.wait && (rc = cmd_watch_subscribe(cli, &sub)) != 0) {
		goto out;
	}
	req.body_case = MLOPS__REQUEST__BODY_LAUNCH;
	req.launch    = &a.req;
	if ((rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_LAUNCH, &resp))
	    != 0) {
		goto out;
	}
	if ((j = resp->launch->job) == NULL) {
		rc = cli_fail(
		    cli, MLOPS_EPROTO, NULL, "the daemon sent no job");
		goto out;
	}
	if (a.req.sweep) {
		rc = cmd_sweep_launch_print(cli, &a.req, resp->launch);
		goto out;
	}
	if (!a.wait) {
		rc = launch_print(cli, &a.req, j);
		goto out;
	}
	if (!cli->json) {
		/* The id at once, so that $(mlops launch --wait) gets it. */
		if (output_printf("%" PRId64 "\n", j->id) < 0
		    || output_flush() < 0) {
			rc = cli_fail(
			    cli, MLOPS_EIO, NULL, "cannot write output");
			goto out;
		}
	}
	rc = cmd_launch_wait(cli, sub, j);
out:
	if (resp != NULL) {
		mlops__response__free_unpacked(resp, NULL);
	}
	mlops_sub_close(sub);
	return rc;
}
