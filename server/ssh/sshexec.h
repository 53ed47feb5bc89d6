/*
 * One remote command on one channel of an open libssh session, and SFTP
 * file helpers on the same session. Every function here must run on the
 * thread that owns the session (the cluster's sshpool worker); none of
 * them touches a session from another thread.
 */
#ifndef MLOPS_SERVER_SSHEXEC_H
#define MLOPS_SERVER_SSHEXEC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <mlops/error.h>
#include <mlops/strbuf.h>

#include "executor.h"

/**
 * Runs `argv` (NULL-terminated, argv[0] the program) on a new channel of
 * the connected and authenticated session `s`, quoted with shquote_argv()
 * for the remote user's shell (which must be a POSIX shell).
 *
 * On success fills *out (caller frees with exec_result_fini()) and
 * returns 0, whatever the command's exit status was. Otherwise *out is
 * untouched and the return is:
 *   MLOPS_EINVAL       empty argv
 *   MLOPS_ETIMEDOUT    opts->timeout_ms passed; the channel was signalled
 *                      (TERM) and closed, the session stays usable
 *   MLOPS_EUNREACHABLE the session failed (err names the host)
 *   MLOPS_ERROR        cancelled, channel refused, or with login_shell the
 *                      profile exited before the command started
 * Thread: the session owner only. Blocks until done.
 */
int sshexec_run(struct exec_result *out, ssh_session s,
    const char *const *argv, const struct exec_opts *opts,
    struct mlops_error *err);

/**
 * Opens and initialises an SFTP session on `s`. Caller frees with
 * sftp_free() before the ssh session is disconnected.
 * Returns 0, MLOPS_EUNREACHABLE or MLOPS_ERROR (no sftp subsystem).
 */
int sshexec_sftp_open(
    sftp_session *out, ssh_session s, struct mlops_error *err);

/*
 * The SFTP helpers below take paths as the remote user would type them:
 * absolute, relative to the login directory, or starting with "~/" (taken
 * as relative to the login directory, since SFTP expands no tilde).
 */

/**
 * Creates directory `path` and its missing parents with `mode` (before the
 * remote umask). Existing directories are fine; an existing non-directory
 * is MLOPS_EEXISTS. Also MLOPS_EUNREACHABLE, MLOPS_ERROR (permission...).
 */
int sshexec_sftp_mkdir_p(
    sftp_session sftp, const char *path, mode_t mode, struct mlops_error *err);

/**
 * Writes `len` bytes to `remote_path` atomically: the data goes to a
 * temporary file in the same directory (created exclusively), which gets
 * `mode` exactly (chmod, so the umask does not apply) and is then renamed
 * over `remote_path`. SFTP v3 rename refuses to replace an existing file,
 * so in that case the rename is done with `mv -f` on a channel of `s`
 * (rename(2), still atomic). The parent directory must exist. The
 * temporary file is removed on failure.
 * Returns 0, MLOPS_ENOTFOUND (no parent dir), MLOPS_EUNREACHABLE or
 * MLOPS_ERROR.
 */
int sshexec_sftp_write_file(ssh_session s, sftp_session sftp,
    const char *remote_path, const void *data, size_t len, mode_t mode,
    struct mlops_error *err);

/**
 * Appends at most `maxlen` bytes of `path`, starting at byte `offset`, to
 * `out` (used to tail logs). An offset at or past the end appends nothing.
 * *file_size (may be NULL) gets the file's size when it was opened.
 * Returns 0, MLOPS_ENOTFOUND (no such file), MLOPS_EUNREACHABLE or
 * MLOPS_ERROR; `out` may hold part of the data after a failure.
 */
int sshexec_sftp_read_range(struct strbuf *out, uint64_t *file_size,
    sftp_session sftp, const char *path, uint64_t offset, size_t maxlen,
    struct mlops_error *err);

/**
 * Size in bytes of `path` (following symlinks).
 * Returns 0, MLOPS_ENOTFOUND, MLOPS_EUNREACHABLE or MLOPS_ERROR.
 */
int sshexec_sftp_stat_size(uint64_t *out, sftp_session sftp, const char *path,
    struct mlops_error *err);

/**
 * Fills `buf` with "user@host:port" for messages, from the session's
 * effective options (after ~/.ssh/config). Never fails; returns `buf`.
 */
const char *sshexec_peer_name(char *buf, size_t len, ssh_session s);

#endif
