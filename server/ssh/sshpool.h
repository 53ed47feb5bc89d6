/*
 * One SSH connection per cluster, owned by one worker thread. Other
 * threads post work (commands, SFTP or any session work) to the worker's
 * queue and get the result back through a callback or by blocking. The
 * worker connects, checks the host key strictly, authenticates, runs the
 * owner's connect hook, probes an idle connection and reconnects with
 * backoff by itself. A dead or slow cluster only ever occupies its own worker.
 */
#ifndef MLOPS_SERVER_SSHPOOL_H
#define MLOPS_SERVER_SSHPOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <mlops/error.h>

#include "config.h"
#include "sshexec.h"
#include "sshpool_opts.h"

struct sshpool;

struct sshpool_status {
	enum exec_state state;
	int      last_error_code; /* MLOPS_E* of the last failure, or 0 */
	char     last_error[MLOPS_ERROR_MSG_MAX]; /* "" when none */
	time_t   last_contact; /* wall clock of the last success; 0 */
	char     host_key[80]; /* "SHA256:..." of the server; "" */
	uint64_t n_connects;   /* successful connections so far */
	uint64_t n_connect_attempts;
	uint64_t n_commands;    /* exec work items run on a connection */
	unsigned next_retry_ms; /* when UNREACHABLE: delay before retry */
};

/*
 * Completion callbacks run on the pool's worker thread, without any pool
 * lock held. They must not block and must not call the blocking forms
 * (sshpool_exec, sshpool_call) of the same pool; posting more async work
 * is fine.
 *
 * sshpool_exec_cb: rc is 0 when the command ran (whatever its exit
 * status), else a negative MLOPS_E* with `err` filled and `res` NULL. On
 * success the callback may take the buffers out of `res` (set the
 * pointers to NULL); what remains is freed after it returns.
 */
typedef void (*sshpool_exec_cb)(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err);

/*
 * Session work run on the worker: `s` is connected and authenticated;
 * `sftp` is the pool's cached SFTP session, or NULL when the server has no
 * SFTP subsystem. Neither may be kept after return. Returns 0 or a
 * negative MLOPS_E* with `err` filled. A return of MLOPS_EUNREACHABLE
 * makes the pool check the connection and reconnect if it is dead.
 */
typedef int (*sshpool_call_fn)(
    ssh_session s, sftp_session sftp, void *arg, struct mlops_error *err);
/* Completion of sshpool_call_async(); `err` is NULL when rc == 0. */
typedef void (*sshpool_done_cb)(
    void *arg, int rc, const struct mlops_error *err);

/**
 * Sets work run on the worker right after each connection is made (host
 * key checked, authenticated), before any queued work; `sftp` is NULL
 * there. Its MLOPS_EUNREACHABLE fails the connection; any other failure
 * is ignored. Call before sshpool_start().
 */
void sshpool_set_on_connect(
    struct sshpool *pool, sshpool_call_fn fn, void *arg);

/**
 * Creates the pool of cluster `cc`. The connection fields of `cc` (name,
 * host, user, hostname, port, ssh_key_path, known_hosts, use_login_shell)
 * are COPIED: `cc` may be freed once this returns. `opts` NULL means the
 * defaults. No thread runs and nothing connects until sshpool_start().
 * Caller frees with sshpool_free(). Returns 0 or MLOPS_EINVAL (no host).
 */
int sshpool_new(struct sshpool **out, const struct cluster_config *cc,
    const struct sshpool_opts *opts, struct mlops_error *err);

/**
 * Starts the worker, which connects right away. Returns 0, MLOPS_EBUSY
 * (already started) or MLOPS_ERROR (thread creation failed).
 */
int sshpool_start(struct sshpool *pool, struct mlops_error *err);

/**
 * Stops the worker: queued work completes with MLOPS_ERROR "shutting
 * down" (callbacks run on the worker), a running command is cancelled
 * within ~100 ms, the session is closed and the thread joined. Waits at
 * most opts.stop_timeout_ms; returns 0, or MLOPS_ETIMEDOUT when the worker
 * is still busy (sshpool_free() then leaves it to free the pool itself).
 * Idempotent; safe when never started. Call from any non-worker thread.
 */
int sshpool_stop(struct sshpool *pool);

/** Stops (if needed) and frees the pool. NULL is a no-op. */
void sshpool_free(struct sshpool *pool);

/** Copies the current state under the pool lock. Any thread. */
void sshpool_status(struct sshpool *pool, struct sshpool_status *out);

/** The cluster name (borrowed for the pool's lifetime). */
const char *sshpool_name(const struct sshpool *pool);

/** The pool's copy of the cluster's connection fields. Borrowed. */
const struct cluster_config *sshpool_config(const struct sshpool *pool);

/** Whether the cluster's commands run under a login shell. */
bool sshpool_login_shell(const struct sshpool *pool);

/** The flag that cancels the pool's running command at shutdown. */
const atomic_bool *sshpool_cancel_flag(struct sshpool *pool);

/** The argument given to sshpool_set_on_connect(), or NULL. */
void *sshpool_on_connect_arg(const struct sshpool *pool);

/**
 * Makes an UNREACHABLE pool retry now with the initial backoff (e.g. after
 * `mlops cluster trust`). Any thread; no-op when connected.
 */
void sshpool_kick(struct sshpool *pool);

/**
 * Queues `argv` (NULL-terminated; copied, as are opts->stdin_data and
 * every other field of `opts` except `cancel`, which the pool supplies).
 * opts NULL: defaults; opts->timeout_ms 0: the pool's default_timeout_ms;
 * login_shell is forced on when the cluster has use_login_shell.
 * `cb` is then called exactly once, on the worker thread: with the result,
 * or with MLOPS_EUNREACHABLE/EHOSTKEY/EAUTH and the last connection error
 * at once when the cluster is not reachable, or MLOPS_ERROR "shutting
 * down". Returns 0 when queued; MLOPS_EINVAL or MLOPS_ERROR (stopping, not
 * started) without calling `cb`. Any thread; never blocks.
 */
int sshpool_exec_async(struct sshpool *pool, const char *const *argv,
    const struct exec_opts *opts, sshpool_exec_cb cb, void *arg,
    struct mlops_error *err);

/**
 * Blocking form of sshpool_exec_async() for threads that may block (the
 * poller; never an nng callback, never the worker itself). On 0, *out is
 * filled and the caller frees it with exec_result_fini().
 * Returns 0 or the MLOPS_E* the callback would have received.
 */
int sshpool_exec(struct sshpool *pool, const char *const *argv,
    const struct exec_opts *opts, struct exec_result *out,
    struct mlops_error *err);

/**
 * Queues `fn(s, sftp, arg, err)` to run on the worker with the live
 * session; `done(arg, rc, err)` follows on the worker with the same `arg`
 * (done may be NULL).
 * Failure before fn runs is reported as for sshpool_exec_async(), and then
 * fn is not called. Returns 0 when queued, else MLOPS_ERROR/MLOPS_EINVAL
 * without calling anything.
 */
int sshpool_call_async(struct sshpool *pool, sshpool_call_fn fn,
    sshpool_done_cb done, void *arg, struct mlops_error *err);

/**
 * Runs `fn` on the worker and waits for it. Returns fn's result, or the
 * error that kept it from running. Not from the worker or nng callbacks.
 */
int sshpool_call(struct sshpool *pool, sshpool_call_fn fn, void *arg,
    struct mlops_error *err);

/*
 * Host keys, outside any pool: each call makes its own short-lived session
 * on the calling thread (blocking, up to the connect timeout: not from an
 * nng callback), configured exactly as the pool configures its own
 * (~/.ssh/config, cluster known_hosts...). No authentication, no command.
 */

/**
 * Connects to the cluster and reports the server's host key: *fingerprint
 * "SHA256:base64" and *keytype ("ssh-ed25519"), both caller-freed;
 * *known (may be NULL) gets the known_hosts verdict:
 * 1 known and matching, 0 not known, -1 changed or of another type.
 * Returns 0, MLOPS_EUNREACHABLE or MLOPS_ECONFIG (bad ~/.ssh/config).
 */
int sshpool_fetch_hostkey(char **fingerprint, char **keytype, int *known,
    const struct cluster_config *cc, struct mlops_error *err);

/**
 * Adds the server's current host key to the cluster's known_hosts file
 * (cc->known_hosts, else ~/.ssh/known_hosts; created with its directory
 * if missing). Call only after the user confirmed the fingerprint:
 * `expected_fingerprint` ("SHA256:...", as shown to the user) must match
 * the key the server presents now, so a key swapped between showing and
 * confirming is refused (NULL skips that check). An already known key is
 * success. A CHANGED key is refused (MLOPS_EHOSTKEY: remove the old line
 * first), as is a mismatch. Returns 0, MLOPS_EHOSTKEY, MLOPS_EUNREACHABLE,
 * MLOPS_ECONFIG or MLOPS_EIO (cannot write the file).
 */
int sshpool_trust_hostkey(const struct cluster_config *cc,
    const char *expected_fingerprint, struct mlops_error *err);

#endif
