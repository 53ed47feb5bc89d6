/*
 * The CLI's shared state and its command table (libgit2 src/cli/cmd.h
 * idea): each command group lives in its own cmd_<group>.c and exports one
 * handler per (sub)command. Handlers return an exit code (CLI_EXIT_*).
 */
#ifndef MLOPS_CLIENT_CLI_CMD_H
#define MLOPS_CLIENT_CLI_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mlops/client.h>
#include <mlops/error.h>

/* Exit codes (PRODUCT.md; libgit2 src/cli/error.h). */
enum cli_exit {
	CLI_EXIT_OK          = 0,
	CLI_EXIT_ERROR       = 1, /* the operation failed */
	CLI_EXIT_USAGE       = 2, /* bad command line */
	CLI_EXIT_UNREACHABLE = 3, /* no daemon, or it speaks another major */
};

struct cli;

struct cmd_spec {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	const char *summary;
	const char
	    *usage; /* the full --help text, first line is the synopsis */
};

/* Everything a command needs; one per process, built by main(). */
struct cli {
	/* global options */
	const char *url;            /* NULL until resolved */
	bool        url_is_default; /* neither --connect nor env */
	const char *url_option;     /* "--connect", "MLOPS_CONNECT" or NULL */
	bool        json;
	bool        json_seen; /* a literal "--json" before any "--" in argv */
	bool        autostart;
	bool        debug;
	int         timeout_ms;
	bool        timeout_given; /* --timeout was on the line */
	struct mlops_tls_opts tls;

	/* the command being run */
	const struct cmd_spec *cmd;
	char                   what[64]; /* "project add", for messages */

	/* the first failure reported was printed as JSON (cli_fail()) */
	bool error_printed;

	/* the connection, opened by cli_connect() */
	struct mlops_client *client;
	Mlops__Response     *hello; /* the daemon's Hello reply */
};

/* ---- cli.c: connection, calls, argument helpers ---------------------- */

/** Returned by cli_getopt() after it printed --help: exit 0. */
#define CLI_GETOPT_HELP (-2)
/** Returned by cli_getopt() after it reported a bad option: exit 2. */
#define CLI_GETOPT_BAD (-3)
/** getopt_long() value of the --json option every command accepts. */
#define CLI_OPT_JSON 0x100

/* Long options every command takes; end a command's table with these. */
#define CLI_COMMON_OPTIONS                               \
	{ "help", no_argument, NULL, 'h' },              \
	    { "json", no_argument, NULL, CLI_OPT_JSON }, \
	{                                                \
		NULL, 0, NULL, 0                         \
	}

/**
 * getopt_long() for a command's own options: handles -h/--help (prints the
 * usage to stdout, returns CLI_GETOPT_HELP), --json (sets cli->json and
 * continues), and reports unknown options and missing arguments with a
 * usage line on stderr (returns CLI_GETOPT_BAD). Otherwise returns the
 * option's value, or -1 at the end. Reset `optind = 0` before the first
 * call. `shortopts` must start with ":" and contain "h".
 */
int cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
    const struct option *longopts);

/**
 * Checks that between `min` and `max` (-1: no limit) positional arguments
 * remain after option parsing; prints a usage error naming `what_missing`
 * when too few (its last word, the argument's name in the synopsis, is the
 * field at fault: "job ID" gives "ID"). Returns CLI_EXIT_OK or
 * CLI_EXIT_USAGE.
 */
int cli_nargs(
    struct cli *cli, int nargs, int min, int max, const char *what_missing);

/** The JSON error code of a command-line usage error (exit 2). */
#define CLI_EUSAGE "EUSAGE"

/*
 * Failures are reported in two forms: "mlops: <what>: <why>" on
 * stderr for people and, when --json is on (or "--json" is anywhere on the
 * line before "--", so that errors found before it was parsed honour it
 * too), one line {"error": {"code", "field", "message"}} on stdout for
 * scripts. `message` is the stderr text without "mlops: "; `code` the
 * mlops_err_name() of an MLOPS_E* code, or CLI_EUSAGE; `field` the input
 * at fault (a request field, or the option or argument of a usage error)
 * or null. Only the first failure of a process is printed as JSON, so
 * stdout holds exactly one error object, after whatever JSON lines a
 * streaming command (logs, watch) printed before it.
 */

/**
 * Reports a usage error ("mlops: <what>: <fmt...>" and the usage line on
 * stderr), code CLI_EUSAGE; `field` is the option ("--tail") or argument
 * ("ID") at fault, or NULL. Returns CLI_EXIT_USAGE.
 */
int cli_usage_error(struct cli *cli, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Reports a failure with the MLOPS_E* `code` and the input `field` at
 * fault (NULL: none). Returns CLI_EXIT_ERROR.
 */
int cli_fail(struct cli *cli, int code, const char *field, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/**
 * Reports the failure `rc` with the detail in `err` (as a call filled it):
 * its message, or mlops_strerror(rc) when empty, after its field when the
 * message does not start with it. Returns CLI_EXIT_ERROR.
 */
int cli_fail_err(struct cli *cli, int rc, const struct mlops_error *err);

/** Prints "mlops: <what>: <kind>: <fmt...>" to stderr (notes, warnings). */
void cli_notice(struct cli *cli, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Prints the synopsis of the current command plus a --help hint. */
void cli_usage_line(struct cli *cli);

/**
 * Connects to the daemon (starting one when allowed, see main.c) and says
 * Hello. Idempotent. Prints the failure; returns an exit code.
 */
int cli_connect(struct cli *cli);

/**
 * Calls the daemon with `req` and checks that the reply carries `want`.
 * Prints a failure as "mlops: <what>: ..." and returns its exit code; on
 * success *out holds the reply (caller frees with
 * mlops__response__free_unpacked()). Connects first if needed.
 */
int cli_call(struct cli *cli, Mlops__Request *req,
    Mlops__Response__BodyCase want, Mlops__Response **out);

/** Exit code for an error that came from the daemon or the transport. */
int cli_exit_for(int rc, bool from_server);

/** Frees the connection. */
void cli_fini(struct cli *cli);

/* ---- debug.c ---------------------------------------------------------- */

/**
 * Dumps `msg` to stderr as indented "field: value" lines, using the
 * protobuf-c descriptors for the names. `label` heads the dump.
 */
void debug_dump(const char *label, const ProtobufCMessage *msg);

/* ---- the commands ------------------------------------------------------ */

int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_cluster(struct cli *cli, int argc, char **argv);
int cmd_cluster_check(struct cli *cli, int argc, char **argv);
int cmd_cluster_trust(struct cli *cli, int argc, char **argv);
int cmd_cluster_gpus(struct cli *cli, int argc, char **argv);
int cmd_project(struct cli *cli, int argc, char **argv);
/* mlops project config (cmd_project_config.c) */
#define CMD_PROJECT_CONFIG_SYNOPSIS \
	"mlops project config NAME [--config-name X] [--json]"
int cmd_project_config(struct cli *cli, int argc, char **argv);
int cmd_launch(struct cli *cli, int argc, char **argv);
int cmd_jobs(struct cli *cli, int argc, char **argv);
int cmd_job(struct cli *cli, int argc, char **argv);
int cmd_cancel(struct cli *cli, int argc, char **argv);
int cmd_logs(struct cli *cli, int argc, char **argv);
int cmd_watch(struct cli *cli, int argc, char **argv);

extern const char cmd_status_usage[];
extern const char cmd_cluster_usage[];
extern const char cmd_project_usage[];
extern const char cmd_project_config_usage[];
extern const char cmd_watch_usage[];
extern const char cmd_launch_usage[];
extern const char cmd_jobs_usage[];
extern const char cmd_job_usage[];
extern const char cmd_logs_usage[];
extern const char cmd_cancel_usage[];

/**
 * Runs the subcommand named argv[1] of a group from `table` (n entries):
 * handles a missing or unknown subcommand (exit 2) and --help on the group
 * itself. Used by cmd_cluster() and cmd_project().
 */
int cli_run_group(struct cli *cli, const struct cmd_spec *table, size_t n,
    int argc, char **argv);

/* Shared JSON builder: a ClusterStatus as the status and watch output. */
struct json_object;
struct json_object *cmd_status_cluster_json(const Mlops__ClusterStatus *cs);

/**
 * Subscribes to the daemon's events (connecting first if needed). Prints
 * a failure; returns an exit code. Caller frees *out with
 * mlops_sub_close(). In cmd_watch.c.
 */
int cmd_watch_subscribe(struct cli *cli, struct mlops_sub **out);

/**
 * launch --wait: follows `job` (just launched; `sub` was subscribed before
 * the launch) until it ends, printing its state changes to stderr. Prints
 * the final job as JSON with --json. Returns the job's exit status
 * (job_fmt_exit_status()), or an exit code when following failed.
 * In cmd_launch_wait.c.
 */
int cmd_launch_wait(
    struct cli *cli, struct mlops_sub *sub, const Mlops__Job *job);

/* Parses a job ID argument (a positive integer); prints a usage error. */
int cmd_job_parse_id(struct cli *cli, const char *s, int64_t *out);

/* ---- hydra_fmt.c: a composed Hydra config ------------------------------ */

struct strbuf;

/**
 * Appends the "config" of `config_json` (hydra_config_to_json() or
 * hydra_resolved_to_json() as the daemon sent it) as an indented YAML-like
 * tree starting at `depth`, each leaf with a "# type, file:line" comment
 * ("??? mandatory" for a value that must be given). Returns 0, or -1 when
 * `config_json` is not such an object (nothing appended).
 */
int hydra_fmt_config(struct strbuf *out, const char *config_json, int depth);

/* ---- job_fmt.c: how a job is shown ------------------------------------ */

struct strbuf;

/**
 * The job as a JSON object with PRODUCT.md's field names (commit, times as
 * RFC 3339 or null, -1 counts as null), plus terminal, sweep_id,
 * expected_start and resolved_overrides, and sbatch_script and config (the
 * composed Hydra config, null when unchecked) when `with_script`. New
 * reference.
 */
struct json_object *job_fmt_json(const Mlops__Job *j, bool with_script);
/**
 * The name of the state a message carries (the wire enum `w`, or the
 * deprecated name `name` beside it from a daemon before protocol 1.4):
 * job_state_name()'s, or `name` itself for a state newer than this client
 * ("" when there is none). Borrowed; never NULL.
 */
const char *job_fmt_state_name(Mlops__JobState w, const char *name);
/**
 * The state, with the reason in parentheses: for a PENDING job, or for any
 * state when `any_reason` ("PENDING (Resources)"). Returns buf.
 */
char *job_fmt_state(
    char *buf, size_t len, const Mlops__Job *j, bool any_reason);
/** "2xa100", "2", or "" for a CPU job. Returns buf. */
char *job_fmt_gpus(char *buf, size_t len, const Mlops__Job *j);
/** The Slurm id, "1234" or "1234_5" for an array task; may be "". */
char *job_fmt_slurm_id(char *buf, size_t len, const Mlops__Job *j);
/** Seconds run so far (from elapsed_s, else the times), or -1. */
int64_t job_fmt_elapsed(const Mlops__Job *j, int64_t now);
/** True when the job has ended (its terminal flag or a terminal state). */
bool job_fmt_terminal(const Mlops__Job *j);
/**
 * The exit status that stands for an ended job: its exit code when above
 * 0 (255 at most, else 1), otherwise 0 for COMPLETED and 1 for any other
 * end (FAILED, CANCELLED, TIMEOUT, LOST, SUBMIT_FAILED...).
 */
int job_fmt_exit_status(const Mlops__Job *j);
/**
 * Appends the overrides as the words after `mlops launch P --` on a shell
 * command line (shquote_args()): space-separated, each quoted as needed,
 * so that a shell reads every one back unchanged.
 */
void job_fmt_overrides(struct strbuf *out, const Mlops__Job *j);
/** The same for any `n` strings (the resolved overrides). */
void job_fmt_argv(struct strbuf *out, char *const *v, size_t n);

#endif
