/*
 * What every command shares: option parsing helpers, error reporting in
 * the "mlops: <what>: <why>" form, and the connection to the daemon
 * (including starting a local one, as tmux does). Single-threaded.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mlops/xmalloc.h>

#include "cmd.h"
#include "output.h"

static void __attribute__((format(printf, 3, 0)))
cli_vmsg(struct cli *cli, const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "mlops: ");
	if (cli->what[0] != '\0') {
		fprintf(stderr, "%s: ", cli->what);
	}
	if (kind != NULL) {
		fprintf(stderr, "%s: ", kind);
	}
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
cli_fail(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmsg(cli, NULL, fmt, ap);
	va_end(ap);
	return CLI_EXIT_ERROR;
}

void
cli_notice(struct cli *cli, const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmsg(cli, kind, fmt, ap);
	va_end(ap);
}

void
cli_usage_line(struct cli *cli)
{
	const char *u = cli->cmd != NULL ? cli->cmd->usage : NULL;
	const char *nl;

	if (u == NULL) {
		return;
	}
	nl = strchr(u, '\n');
	fprintf(stderr, "%.*s\n",
	    nl != NULL ? (int) (nl - u) : (int) strlen(u), u);
	fprintf(stderr, "Run 'mlops %s%s--help' for details.\n", cli->what,
	    cli->what[0] != '\0' ? " " : "");
}

int
cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmsg(cli, NULL, fmt, ap);
	va_end(ap);
	cli_usage_line(cli);
	return CLI_EXIT_USAGE;
}

int
cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	const char *bad;
	int         c;

	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == CLI_OPT_JSON) {
			cli->json = true;
			continue;
		}
		break;
	}
	switch (c) {
	case 'h':
		output_print(cli->cmd->usage);
		return CLI_GETOPT_HELP;
	case '?':
		bad = argv[optind - 1];
		if (optopt != 0 && strncmp(bad, "--", 2) != 0) {
			cli_usage_error(cli, "unknown option '-%c'", optopt);
		} else {
			cli_usage_error(cli, "unknown option '%s'", bad);
		}
		return CLI_GETOPT_BAD;
	case ':':
		bad = argv[optind - 1];
		if (strncmp(bad, "--", 2) == 0) {
			cli_usage_error(
			    cli, "option '%s' needs an argument", bad);
		} else {
			cli_usage_error(
			    cli, "option '-%c' needs an argument", optopt);
		}
		return CLI_GETOPT_BAD;
	default:
		return c;
	}
}

int
cli_nargs(
    struct cli *cli, int nargs, int min, int max, const char *what_missing)
{
	if (nargs < min) {
		return cli_usage_error(cli, "missing %s", what_missing);
	}
	if (max >= 0 && nargs > max) {
		return cli_usage_error(cli, "too many arguments");
	}
	return CLI_EXIT_OK;
}

int
cli_run_group(struct cli *cli, const struct cmd_spec *table, size_t n,
    int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	size_t      len = strlen(cli->what);

	if (sub == NULL) {
		return cli_usage_error(cli, "missing subcommand");
	}
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		output_print(cli->cmd->usage);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].name, sub) == 0) {
			cli->cmd = &table[i];
			snprintf(cli->what + len, sizeof(cli->what) - len,
			    " %s", sub);
			return table[i].fn(cli, argc - 1, argv + 1);
		}
	}
	return cli_usage_error(cli, "unknown subcommand '%s'", sub);
}

int
cli_exit_for(int rc, bool from_server)
{
	if (rc == 0) {
		return CLI_EXIT_OK;
	}
	if (rc == MLOPS_EVERSION) {
		return CLI_EXIT_UNREACHABLE;
	}
	if (from_server) {
		return CLI_EXIT_ERROR;
	}
	switch (rc) {
	case MLOPS_EUNREACHABLE:
	case MLOPS_EPROTO:
		return CLI_EXIT_UNREACHABLE;
	default:
		return CLI_EXIT_ERROR;
	}
}

static bool
cli_executable(const char *path)
{
	return access(path, X_OK) == 0;
}

/*
 * The mlopsd to autostart: $MLOPS_MLOPSD, else next to this binary (the
 * build tree's ../server/mlopsd, then the same directory), else $PATH.
 * Caller frees; NULL when none is found.
 */
static char *
cli_find_mlopsd(void)
{
	const char *env = getenv("MLOPS_MLOPSD");
	const char *path;
	char        self[PATH_MAX];
	char       *cand, *dirs, *save = NULL;
	ssize_t     n;

	if (env != NULL && *env != '\0') {
		return xstrdup(env);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			cand   = xasprintf("%s/../server/mlopsd", self);
			if (cli_executable(cand)) {
				return cand;
			}
			free(cand);
			cand = xasprintf("%s/mlopsd", self);
			if (cli_executable(cand)) {
				return cand;
			}
			free(cand);
		}
	}
	if ((path = getenv("PATH")) == NULL) {
		return NULL;
	}
	dirs = xstrdup(path);
	for (char *d = strtok_r(dirs, ":", &save); d != NULL;
	     d       = strtok_r(NULL, ":", &save)) {
		cand = xasprintf("%s/mlopsd", *d != '\0' ? d : ".");
		if (cli_executable(cand)) {
			free(dirs);
			return cand;
		}
		free(cand);
	}
	free(dirs);
	return NULL;
}

/* Opens the connection and says Hello; fills cli->client and cli->hello. */
static int
cli_open(struct cli *cli, struct mlops_error *err)
{
	struct mlops_client *c    = NULL;
	Mlops__Response     *resp = NULL;
	int                  rc;

	if (cli->debug) {
		fprintf(stderr, "mlops: debug: connecting to %s\n", cli->url);
	}
	if ((rc = mlops_client_open(&c, cli->url, &cli->tls, err)) < 0) {
		return rc;
	}
	rc = mlops_client_hello(c, "mlops", &resp, err);
	if (cli->debug && resp != NULL) {
		debug_dump("<< hello", &resp->base);
	}
	if (rc < 0) {
		if (resp != NULL) {
			mlops__response__free_unpacked(resp, NULL);
		}
		mlops_client_close(c);
		return rc;
	}
	cli->client = c;
	cli->hello  = resp;
	return 0;
}

int
cli_connect(struct cli *cli)
{
	struct mlops_error err = { 0 };
	char              *mlopsd;
	int                rc;

	if (cli->client != NULL) {
		return CLI_EXIT_OK;
	}
	rc = cli_open(cli, &err);
	if (rc == MLOPS_EUNREACHABLE && cli->url_is_default
	    && cli->autostart) {
		if ((mlopsd = cli_find_mlopsd()) == NULL) {
			cli_fail(cli,
			    "no daemon answers on %s and mlopsd was not found "
			    "(set MLOPS_MLOPSD)",
			    cli->url);
			return CLI_EXIT_UNREACHABLE;
		}
		if (cli->debug) {
			fprintf(stderr, "mlops: debug: starting %s\n", mlopsd);
		}
		rc = mlops_client_autostart(
		    mlopsd, cli->url, NULL, 10000, &err);
		free(mlopsd);
		if (rc < 0) {
			mlops_error_prefix(&err,
			    "no daemon answered and "
			    "starting one failed");
		} else {
			rc = cli_open(cli, &err);
		}
	}
	if (rc < 0) {
		cli_fail(cli, "%s", err.msg[0] ? err.msg : mlops_strerror(rc));
		return rc == MLOPS_EINVAL ? CLI_EXIT_USAGE
		                          : CLI_EXIT_UNREACHABLE;
	}
	return CLI_EXIT_OK;
}

/* Prints a daemon error, naming the field at fault when the text doesn't. */
static void
cli_print_error(struct cli *cli, int rc, const struct mlops_error *err)
{
	const char *msg = err->msg[0] != '\0' ? err->msg : mlops_strerror(rc);
	size_t      fl  = strlen(err->field);

	if (fl > 0 && strncmp(msg, err->field, fl) != 0) {
		cli_fail(cli, "%s: %s", err->field, msg);
	} else {
		cli_fail(cli, "%s", msg);
	}
}

int
cli_call(struct cli *cli, Mlops__Request *req, Mlops__Response__BodyCase want,
    Mlops__Response **out)
{
	struct mlops_error err  = { 0 };
	Mlops__Response   *resp = NULL;
	int                rc;

	if ((rc = cli_connect(cli)) != CLI_EXIT_OK) {
		return rc;
	}
	if (cli->debug) {
		debug_dump(">> request", &req->base);
	}
	rc = mlops_client_call(cli->client, req, &resp, cli->timeout_ms, &err);
	if (cli->debug && resp != NULL) {
		debug_dump("<< reply", &resp->base);
	}
	if (rc < 0) {
		cli_print_error(cli, rc, &err);
		if (resp != NULL) {
			mlops__response__free_unpacked(resp, NULL);
			return cli_exit_for(rc, true);
		}
		return cli_exit_for(rc, false);
	}
	if (resp->body_case != want) {
		mlops__response__free_unpacked(resp, NULL);
		cli_fail(cli, "the daemon sent an unexpected reply");
		return CLI_EXIT_UNREACHABLE;
	}
	*out = resp;
	return CLI_EXIT_OK;
}

void
cli_fini(struct cli *cli)
{
	if (cli->hello != NULL) {
		mlops__response__free_unpacked(cli->hello, NULL);
		cli->hello = NULL;
	}
	mlops_client_close(cli->client);
	cli->client = NULL;
}
