/*
 * What every command shares: option parsing helpers, error reporting in
 * the "mlops: <what>: <why>" form (and, with --json, as an error object on
 * stdout), and the connection to the daemon (including starting a local
 * one, as tmux does). Single-threaded.
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

static void cli_vfail(struct cli *cli, const char *code, const char *field,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
static void cli_fail_named(
    struct cli *cli, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

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

/*
 * A failure: the message on stderr and, with --json, the first failure as
 * the error object on stdout (see cmd.h).
 */
static void
cli_vfail(struct cli *cli, const char *code, const char *field,
    const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap);
	char *text;

	text = cli->what[0] != '\0' ? xasprintf("%s: %s", cli->what, msg)
	                            : xstrdup(msg);
	fprintf(stderr, "mlops: %s\n", text);
	if ((cli->json || cli->json_seen) && !cli->error_printed) {
		cli->error_printed = true;
		output_print_error(code, field, text);
	}
	free(text);
	free(msg);
}

/* cli_vfail() with arguments; `code` is the name printed. */
static void
cli_fail_named(
    struct cli *cli, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vfail(cli, code, field, fmt, ap);
	va_end(ap);
}

int
cli_fail(struct cli *cli, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vfail(cli, mlops_err_name(code), field, fmt, ap);
	va_end(ap);
	return CLI_EXIT_ERROR;
}

int
cli_fail_err(struct cli *cli, int rc, const struct mlops_error *err)
{
	const char *msg = err->msg[0] != '\0' ? err->msg : mlops_strerror(rc);
	size_t      fl  = strlen(err->field);

	if (fl > 0 && strncmp(msg, err->field, fl) != 0) {
		return cli_fail(
		    cli, rc, err->field, "%s: %s", err->field, msg);
	}
	return cli_fail(cli, rc, fl > 0 ? err->field : NULL, "%s", msg);
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
cli_usage_error(struct cli *cli, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vfail(cli, CLI_EUSAGE, field, fmt, ap);
	va_end(ap);
	cli_usage_line(cli);
	return CLI_EXIT_USAGE;
}

int
cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	const char *bad;
	char        opt[64];
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
			snprintf(opt, sizeof(opt), "-%c", optopt);
			cli_usage_error(cli, opt, "unknown option '%s'", opt);
		} else {
			snprintf(opt, sizeof(opt), "%.*s",
			    (int) strcspn(bad, "="), bad);
			cli_usage_error(cli, opt, "unknown option '%s'", bad);
		}
		return CLI_GETOPT_BAD;
	case ':':
		bad = argv[optind - 1];
		if (strncmp(bad, "--", 2) == 0) {
			snprintf(opt, sizeof(opt), "%.*s",
			    (int) strcspn(bad, "="), bad);
			cli_usage_error(
			    cli, opt, "option '%s' needs an argument", bad);
		} else {
			snprintf(opt, sizeof(opt), "-%c", optopt);
			cli_usage_error(
			    cli, opt, "option '%s' needs an argument", opt);
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
	const char *name = strrchr(what_missing, ' ');

	if (nargs < min) {
		return cli_usage_error(cli,
		    name != NULL ? name + 1 : what_missing, "missing %s",
		    what_missing);
	}
	if (max >= 0 && nargs > max) {
		return cli_usage_error(cli, NULL, "too many arguments");
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
		return cli_usage_error(
		    cli, "SUBCOMMAND", "missing subcommand");
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
	return cli_usage_error(
	    cli, "SUBCOMMAND", "unknown subcommand '%s'", sub);
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
			cli_fail(cli, MLOPS_EUNREACHABLE, NULL,
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
	if (rc == MLOPS_EINVAL) {
		/* a bad URL or TLS file: a usage error */
		cli_fail_named(cli, CLI_EUSAGE,
		    strcmp(err.field, "url") == 0 ? cli->url_option : NULL,
		    "%s", err.msg[0] ? err.msg : mlops_strerror(rc));
		return CLI_EXIT_USAGE;
	}
	if (rc < 0) {
		cli_fail(cli, rc, NULL, "%s",
		    err.msg[0] ? err.msg : mlops_strerror(rc));
		return CLI_EXIT_UNREACHABLE;
	}
	return CLI_EXIT_OK;
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
		cli_fail_err(cli, rc, &err);
		if (resp != NULL) {
			mlops__response__free_unpacked(resp, NULL);
			return cli_exit_for(rc, true);
		}
		return cli_exit_for(rc, false);
	}
	if (resp->body_case != want) {
		mlops__response__free_unpacked(resp, NULL);
		cli_fail(cli, MLOPS_EPROTO, NULL,
		    "the daemon sent an unexpected reply");
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
