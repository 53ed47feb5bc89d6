/*
 * mlopsd: parses arguments, loads the configuration, takes the socket lock,
 * detaches unless --foreground, starts the daemon (mlopsd_start()) and, on
 * SIGTERM or SIGINT, stops it (mlopsd_stop()). This thread only handles
 * signals once everything runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mlops/log.h>
#include <mlops/paths.h>
#include <mlops/protocol.h>
#include <mlops/xmalloc.h>

#include "config.h"
#include "daemon.h"
#include "listen.h"
#include "mlopsd.h"

static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: mlopsd [--foreground] [--config-dir DIR] [--state-dir "
	    "DIR]\n"
	    "              [--listen URL]... [--tls-cert FILE --tls-key FILE "
	    "[--tls-ca FILE]]\n"
	    "              [--workers N] [--log-level LEVEL] "
	    "[--check-config]\n"
	    "\n"
	    "  -f, --foreground   stay in the terminal, log to stderr\n"
	    "  --config-dir DIR   holds clusters.yaml "
	    "(default $XDG_CONFIG_HOME/mlops)\n"
	    "  --state-dir DIR    holds mlops.db and mlopsd.log "
	    "(default $XDG_STATE_HOME/mlops)\n"
	    "  --listen URL       ipc:///path or tls+tcp://host:port; "
	    "repeatable\n"
	    "                     (default ipc://$XDG_RUNTIME_DIR/mlops/"
	    "mlopsd.sock)\n"
	    "  --tls-cert/--tls-key FILE  certificate and key for tls+tcp\n"
	    "  --tls-ca FILE      require client certificates from this CA\n"
	    "  --workers N        concurrent request contexts (default 16)\n"
	    "  --reconnect-max S  ceiling of the SSH reconnect backoff in "
	    "seconds (default 60)\n"
	    "  --log-level L      error, warn, info (default) or debug\n"
	    "  --check-config     load the configuration, report, and exit\n");
	exit(status);
}

static enum log_level
parse_level(const char *s)
{
	static const char *names[] = { "error", "warn", "info", "debug" };

	for (int i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			return (enum log_level) i;
		}
	}
	fprintf(stderr, "mlopsd: --log-level: unknown level '%s'\n", s);
	usage(2);
}

/*
 * Detaches: the parent waits on a pipe until the child reports that it
 * listens (a byte "0") or why it failed (the message), so the exit status
 * of `mlopsd` tells the caller the truth. Returns the pipe's write end in
 * the child.
 */
static int
daemonize(void)
{
	int   fds[2];
	pid_t pid;

	if (pipe(fds) < 0) {
		mlops_fatal("pipe: %s", strerror(errno));
	}
	if ((pid = fork()) < 0) {
		mlops_fatal("fork: %s", strerror(errno));
	}
	if (pid > 0) {
		char    buf[512];
		ssize_t n;
		size_t  got = 0;

		close(fds[1]);
		while ((n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0
		    || (n < 0 && errno == EINTR)) {
			got += n > 0 ? (size_t) n : 0;
			if (got >= sizeof(buf) - 1) {
				break;
			}
		}
		buf[got] = '\0';
		if (got > 0 && buf[0] == '0') {
			_exit(0);
		}
		fprintf(stderr, "mlopsd: %s\n",
		    got > 0 ? buf : "exited during startup (see its log)");
		_exit(1);
	}
	close(fds[0]);
	setsid();
	if (chdir("/") < 0) {
		/* Not fatal: every path we use is absolute. */
	}
	return fds[1];
}

static void
ready(int fd, const char *msg)
{
	if (fd < 0) {
		return;
	}
	if (write(fd, msg, strlen(msg)) < 0) {
		/* The parent is gone; nothing to tell. */
	}
	close(fd);
}

/* Startup failure: tell the waiting parent, log, exit. */
static void __attribute__((noreturn))
fail(int ready_fd, const struct mlops_error *err)
{
	ready(ready_fd, err->msg);
	mlops_fatal("%s", err->msg);
}

static void
devnull_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0) {
		return;
	}
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO) {
		close(fd);
	}
}

/* An absolute path: the daemon leaves its working directory when it
 * detaches, so a relative path given on the command line must not be
 * resolved later. */
static char *
main_abspath(const char *path)
{
	char cwd[4096];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL) {
		return xstrdup(path);
	}
	return xasprintf("%s/%s", cwd, path);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config-dir", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "tls-ca", required_argument, NULL, 'A' },
		{ "workers", required_argument, NULL, 'w' },
		{ "reconnect-max", required_argument, NULL, 'R' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "check-config", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct mlopsd      d          = { 0 };
	struct mlops_error err        = { 0 };
	enum log_level     level      = LOG_LEVEL_INFO;
	int                foreground = 0, check = 0, ready_fd = -1, c, sig;
	int               *lock_fds = NULL;
	int                status   = 0;
	sigset_t           set;
	char              *end;

	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			foreground = 1;
			break;
		case 'c':
			d.d_config_dir = main_abspath(optarg);
			break;
		case 's':
			d.d_state_dir = main_abspath(optarg);
			break;
		case 'l':
			if (listen_url_check(optarg, &err) < 0) {
				fprintf(stderr, "mlopsd: %s\n", err.msg);
				return 2;
			}
			d.d_listen = xreallocarray(
			    d.d_listen, d.d_nlisten + 1, sizeof(char *));
			d.d_listen[d.d_nlisten++] = xstrdup(optarg);
			break;
		case 'C':
			d.d_tls.cert_file = main_abspath(optarg);
			break;
		case 'K':
			d.d_tls.key_file = main_abspath(optarg);
			break;
		case 'A':
			d.d_tls.ca_file = main_abspath(optarg);
			break;
		case 'w':
			errno        = 0;
			long workers = strtol(optarg, &end, 10);
			if (errno || *end || workers < 1 || workers > 256) {
				fprintf(stderr,
				    "mlopsd: --workers: expected "
				    "1 to 256\n");
				return 2;
			}
			d.d_rpc_workers = (unsigned) workers;
			break;
		case 'R':
			errno        = 0;
			long ceiling = strtol(optarg, &end, 10);
			if (errno || *end || ceiling < 1 || ceiling > 3600) {
				fprintf(stderr,
				    "mlopsd: --reconnect-max: "
				    "expected 1 to 3600 seconds\n");
				return 2;
			}
			d.d_reconnect_max_s = (unsigned) ceiling;
			break;
		case 'L':
			level = parse_level(optarg);
			break;
		case 'k':
			check = 1;
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("mlopsd %s (protocol %d.%d)\n", MLOPS_VERSION,
			    MLOPS_PROTOCOL_MAJOR, MLOPS_PROTOCOL_MINOR);
			return 0;
		default:
			usage(2);
		}
	}
	if (optind != argc) {
		usage(2);
	}
	mlops_log_open(stderr, level);
	if (d.d_config_dir == NULL) {
		d.d_config_dir = mlops_path_config_dir();
	}
	if (d.d_state_dir == NULL) {
		d.d_state_dir = mlops_path_state_dir();
	}
	if (d.d_nlisten == 0) {
		d.d_listen    = xcalloc(1, sizeof(char *));
		d.d_listen[0] = mlops_default_url();
		d.d_nlisten   = 1;
	}
	d.d_config_path = xasprintf("%s/clusters.yaml", d.d_config_dir);
	d.d_db_path     = xasprintf("%s/mlops.db", d.d_state_dir);

	if (config_load(&d.d_cfg, d.d_config_path, &err) < 0) {
		fprintf(stderr, "mlopsd: %s\n", err.msg);
		status = 1;
		goto out;
	}
	for (size_t i = 0; i < d.d_cfg->warnings.n; i++) {
		log_warn("%s", d.d_cfg->warnings.v[i]);
	}
	if (check) {
		printf("%s: %zu cluster(s), %zu warning(s)\n", d.d_config_path,
		    d.d_cfg->n_clusters, d.d_cfg->warnings.n);
		goto out;
	}

	/* Signals are taken by this thread only: block them before any
	 * other thread (nng's included) exists. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (mlops_mkdir_p(d.d_state_dir, 0700, 0, &err) < 0) {
		fprintf(stderr, "mlopsd: state dir: %s\n", err.msg);
		status = 1;
		goto out;
	}
	lock_fds = xcalloc(d.d_nlisten, sizeof(int));
	for (size_t i = 0; i < d.d_nlisten; i++) {
		lock_fds[i] = -1;
		if (mlops_ipc_path(d.d_listen[i]) != NULL
		    && (lock_fds[i] = listen_lock(d.d_listen[i], &err)) < 0) {
			fprintf(stderr, "mlopsd: %s\n", err.msg);
			status = 1;
			goto out;
		}
	}
	if (!foreground) {
		char *log = xasprintf("%s/mlopsd.log", d.d_state_dir);

		ready_fd = daemonize();
		if (mlops_log_open_file(log, level) < 0) {
			mlops_error_set(
			    &err, MLOPS_EIO, "cannot open log %s", log);
			fail(ready_fd, &err);
		}
		free(log);
		devnull_stdio();
	}
	d.d_pid = getpid();
	for (size_t i = 0; i < d.d_nlisten; i++) {
		listen_lock_pid(lock_fds[i]); /* the detached child's pid */
	}
	d.d_started_at = (int64_t) time(NULL);
	log_info("mlopsd %s starting (pid %ld, config %s, state %s)",
	    MLOPS_VERSION, (long) d.d_pid, d.d_config_path, d.d_state_dir);

	if (mlopsd_start(&d, &err) < 0) {
		fail(ready_fd, &err);
	}
	ready(ready_fd, "0");
	log_info("ready: %zu cluster(s) configured", d.d_cfg->n_clusters);

	for (;;) {
		if (sigwait(&set, &sig) != 0) {
			continue;
		}
		if (sig == SIGHUP) {
			log_info("SIGHUP: configuration reload is not "
			         "supported; restart mlopsd to apply changes");
			continue;
		}
		log_info("signal %d: shutting down", sig);
		break;
	}

	mlopsd_stop(&d);
	log_info("stopped");
out:
	config_free(d.d_cfg);
	for (size_t i = 0; i < d.d_nlisten; i++) {
		free(d.d_listen[i]);
	}
	free(d.d_listen);
	free(d.d_config_dir);
	free(d.d_state_dir);
	free(d.d_config_path);
	free(d.d_db_path);
	free(d.d_tls.cert_file);
	free(d.d_tls.key_file);
	free(d.d_tls.ca_file);
	free(lock_fds); /* the locks themselves go with the process */
	mlops_log_close();
	return status;
}
