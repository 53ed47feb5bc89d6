/*
 * How the daemon reaches a cluster: the executor interface. An executor
 * runs commands on the cluster's login node (an argv, with stdin, output
 * caps and a timeout) and moves files, on a worker thread of its own; the
 * cluster core (server/cluster/) does every Slurm operation through it and
 * never sees how. The real executor is the cluster's SSH pool
 * (server/ssh/); tests use one that replays recorded command output.
 *
 * Two ways in:
 *  - executor_run_async(): one command, its result to a callback;
 *  - executor_call_async() / executor_call(): a function run on the
 *    executor's worker with a struct exec_session, on which it may run
 *    several commands and transfers in a row (blocking, on that thread).
 */
#ifndef MLOPS_SERVER_EXECUTOR_H
#define MLOPS_SERVER_EXECUTOR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <mlops/error.h>
#include <mlops/strbuf.h>

/* Cap on each output stream when the caller gives none. */
#define EXEC_DEFAULT_MAX_OUTPUT (16u * 1024u * 1024u)

struct exec_opts {
	/* Deadline for the whole command, from start to exit status; 0:
	 * the executor's default. */
	unsigned timeout_ms;
	/* Bytes kept of each stream; 0: EXEC_DEFAULT_MAX_OUTPUT. Output
	 * beyond the cap is read and discarded and the *_truncated flag of
	 * the result is set. */
	size_t max_stdout;
	size_t max_stderr;
	/* Sent as the command's stdin, then EOF; NULL: EOF right away. */
	const void *stdin_data;
	size_t      stdin_len;
	/* Run under the user's login shell (`bash -lc`), with what the
	 * profile prints dropped from both streams. An executor may force it
	 * on (a cluster with use_login_shell). */
	bool login_shell;
	/* Optional: when it becomes true, the command is abandoned as on a
	 * timeout. Executors supply their own at shutdown. */
	const atomic_bool *cancel;
};

struct exec_result {
	int      exit_status;     /* >= 0; -1 when ended by a signal */
	char     exit_signal[32]; /* signal name without SIG ("KILL"), or "" */
	char    *stdout_buf; /* NUL-terminated (never NULL after success) */
	size_t   stdout_len; /* bytes, excluding the NUL */
	bool     stdout_truncated;
	char    *stderr_buf;
	size_t   stderr_len;
	bool     stderr_truncated;
	uint64_t elapsed_ms;
};

/** Zeroes `opts` (default timeout and caps, no stdin, no login shell). */
void exec_opts_init(struct exec_opts *opts);

/** Frees the buffers of `r` and zeroes it. NULL is a no-op. */
void exec_result_fini(struct exec_result *r);

/* ---- a session: work on the executor's worker ------------------------- */

struct exec_session_ops {
	int (*run)(void *impl, struct exec_result *out,
	    const char *const *argv, const struct exec_opts *opts,
	    struct mlops_error *err);
	int (*mkdir_p)(void *impl, const char *path, mode_t mode,
	    struct mlops_error *err);
	int (*write_file)(void *impl, const char *path, const void *data,
	    size_t len, mode_t mode, struct mlops_error *err);
	int (*read_range)(void *impl, struct strbuf *out, uint64_t *file_size,
	    const char *path, uint64_t offset, size_t maxlen,
	    struct mlops_error *err);
	int (*stat_size)(void *impl, uint64_t *out, const char *path,
	    struct mlops_error *err);
};

/*
 * The connected cluster, inside executor_call_async()'s function only:
 * never kept after it returns. Paths are as the remote user types them:
 * absolute, relative to the login directory, or "~/...".
 */
struct exec_session {
	const struct exec_session_ops *ops;
	void                          *impl;
};

/**
 * Runs `argv` (NULL-terminated, argv[0] the program; every element one
 * argument, never read by a shell) and fills *out, whatever its exit
 * status (caller frees with exec_result_fini()). Returns 0, MLOPS_EINVAL,
 * MLOPS_ETIMEDOUT, MLOPS_EUNREACHABLE (the connection failed) or
 * MLOPS_ERROR (cancelled, refused); *out is untouched then.
 */
static inline int
exec_run(struct exec_session *s, struct exec_result *out,
    const char *const *argv, const struct exec_opts *opts,
    struct mlops_error *err)
{
	return s->ops->run(s->impl, out, argv, opts, err);
}

/**
 * Creates directory `path` and its missing parents with `mode`; existing
 * directories are fine. Returns 0, MLOPS_EEXISTS (a non-directory is in
 * the way), MLOPS_EUNREACHABLE or MLOPS_ERROR.
 */
static inline int
exec_mkdir_p(struct exec_session *s, const char *path, mode_t mode,
    struct mlops_error *err)
{
	return s->ops->mkdir_p(s->impl, path, mode, err);
}

/**
 * Writes `len` bytes to `path` atomically (a temporary file renamed over
 * it) with exactly `mode`. The parent directory must exist. Returns 0,
 * MLOPS_ENOTFOUND (no parent directory), MLOPS_EUNREACHABLE or MLOPS_ERROR.
 */
static inline int
exec_write_file(struct exec_session *s, const char *path, const void *data,
    size_t len, mode_t mode, struct mlops_error *err)
{
	return s->ops->write_file(s->impl, path, data, len, mode, err);
}

/**
 * Appends at most `maxlen` bytes of `path` from byte `offset` to `out`;
 * *file_size (may be NULL) gets the file's size. Returns 0,
 * MLOPS_ENOTFOUND, MLOPS_EUNREACHABLE or MLOPS_ERROR.
 */
static inline int
exec_read_range(struct exec_session *s, struct strbuf *out,
    uint64_t *file_size, const char *path, uint64_t offset, size_t maxlen,
    struct mlops_error *err)
{
	return s->ops->read_range(
	    s->impl, out, file_size, path, offset, maxlen, err);
}

/** Size of `path`. Returns 0, MLOPS_ENOTFOUND, MLOPS_EUNREACHABLE or
 * MLOPS_ERROR. */
static inline int
exec_stat_size(struct exec_session *s, uint64_t *out, const char *path,
    struct mlops_error *err)
{
	return s->ops->stat_size(s->impl, out, path, err);
}

/* ---- the executor ------------------------------------------------------ */

enum exec_state {
	EXEC_DISCONNECTED = 0, /* not started, or stopped */
	EXEC_CONNECTING   = 1,
	EXEC_CONNECTED    = 2,
	EXEC_UNREACHABLE  = 3, /* the last attempt failed; retrying */
};

struct exec_status {
	enum exec_state state;
	int             last_error_code; /* MLOPS_E* of the last failure */
	char            last_error[MLOPS_ERROR_MSG_MAX]; /* "" when none */
	time_t          last_contact; /* wall clock of the last success */
	char            host_key[80]; /* "SHA256:..." of the cluster; "" */
	uint64_t        n_commands;   /* commands run so far */
};

/*
 * Callbacks run on the executor's worker, without its locks held. They
 * must not block and must not call executor_call() on the same executor;
 * posting more asynchronous work is fine.
 *
 * exec_run_cb: rc 0 when the command ran (whatever its exit status; the
 * callback may take the buffers out of `res`), else a negative MLOPS_E*
 * with `err` filled and `res` NULL.
 */
typedef void (*exec_run_cb)(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err);
/* Work on the worker with the connected session; returns 0 or MLOPS_E*.
 * MLOPS_EUNREACHABLE makes the executor check its connection. */
typedef int (*exec_call_fn)(
    struct exec_session *s, void *arg, struct mlops_error *err);
/* Completion of executor_call_async(); `err` is NULL when rc == 0. */
typedef void (*exec_done_cb)(void *arg, int rc, const struct mlops_error *err);

struct executor_ops {
	int (*run_async)(void *impl, const char *const *argv,
	    const struct exec_opts *opts, exec_run_cb cb, void *arg,
	    struct mlops_error *err);
	int (*call_async)(void *impl, exec_call_fn fn, exec_done_cb done,
	    void *arg, struct mlops_error *err);
	int (*call)(
	    void *impl, exec_call_fn fn, void *arg, struct mlops_error *err);
	void (*status)(void *impl, struct exec_status *out);
	void (*kick)(void *impl);
	/* The cluster's current host key and the known_hosts verdict (1 known,
	 * 0 unknown, -1 changed), outside the connection; blocking. */
	int (*fetch_hostkey)(void *impl, char **fingerprint, char **keytype,
	    int *known, struct mlops_error *err);
	/* Adds the cluster's current key to its known_hosts when it is the
	 * one the user saw (`fingerprint`); blocking. */
	int (*trust_hostkey)(
	    void *impl, const char *fingerprint, struct mlops_error *err);
	/* Stops the worker: queued work completes with "shutting down". */
	void (*stop)(void *impl);
	void (*free)(void *impl);
};

struct executor {
	const struct executor_ops *ops;
	void                      *impl;
};

/**
 * Queues one command (argv and opts are copied). `cb` is then called once
 * on the worker: with the result, or at once with MLOPS_EUNREACHABLE /
 * EHOSTKEY / EAUTH when the cluster is not reachable, or MLOPS_ERROR
 * "shutting down". Returns 0 when queued; MLOPS_EINVAL or MLOPS_ERROR
 * without calling `cb`. Any thread; never blocks.
 */
static inline int
executor_run_async(struct executor *ex, const char *const *argv,
    const struct exec_opts *opts, exec_run_cb cb, void *arg,
    struct mlops_error *err)
{
	return ex->ops->run_async(ex->impl, argv, opts, cb, arg, err);
}

/**
 * Queues `fn(session, arg, err)` on the worker; `done(arg, rc, err)`
 * follows there (done may be NULL). Failure before fn runs is reported to
 * `done` as for executor_run_async(), and fn is not called. Returns 0 when
 * queued, else MLOPS_ERROR/MLOPS_EINVAL without calling anything.
 */
static inline int
executor_call_async(struct executor *ex, exec_call_fn fn, exec_done_cb done,
    void *arg, struct mlops_error *err)
{
	return ex->ops->call_async(ex->impl, fn, done, arg, err);
}

/**
 * Runs `fn` on the worker and waits for it: its result, or the error that
 * kept it from running. Not from the worker itself or an nng callback.
 */
static inline int
executor_call(
    struct executor *ex, exec_call_fn fn, void *arg, struct mlops_error *err)
{
	return ex->ops->call(ex->impl, fn, arg, err);
}

/** The connection's state, under the executor's lock. Any thread. */
static inline void
executor_status(struct executor *ex, struct exec_status *out)
{
	ex->ops->status(ex->impl, out);
}

/** Makes an unreachable executor retry now. Any thread. */
static inline void
executor_kick(struct executor *ex)
{
	ex->ops->kick(ex->impl);
}

/**
 * Connects outside the executor's connection (blocking, up to its connect
 * timeout: not from an nng callback nor the worker) and reports the
 * cluster's host key: *fingerprint "SHA256:..." and *keytype, both
 * caller-freed; *known (may be NULL) gets the known_hosts verdict: 1 known
 * and matching, 0 not known, -1 changed. Returns 0, MLOPS_EUNREACHABLE or
 * MLOPS_ECONFIG.
 */
static inline int
executor_fetch_hostkey(struct executor *ex, char **fingerprint, char **keytype,
    int *known, struct mlops_error *err)
{
	return ex->ops->fetch_hostkey(
	    ex->impl, fingerprint, keytype, known, err);
}

/**
 * Adds the cluster's current host key to its known_hosts, when it is the
 * one the user confirmed (`fingerprint`; NULL skips that check). Blocking
 * like executor_fetch_hostkey(). Returns 0, MLOPS_EHOSTKEY (changed, or
 * not the confirmed one), MLOPS_EUNREACHABLE, MLOPS_ECONFIG or MLOPS_EIO.
 */
static inline int
executor_trust_hostkey(
    struct executor *ex, const char *fingerprint, struct mlops_error *err)
{
	return ex->ops->trust_hostkey(ex->impl, fingerprint, err);
}

/** Stops and frees `ex` (NULL is a no-op). Not from its worker. */
void executor_free(struct executor *ex);

/** "DISCONNECTED", "CONNECTING", "CONNECTED" or "UNREACHABLE". */
const char *exec_state_name(enum exec_state state);

#endif
