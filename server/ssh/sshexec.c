/*
 * Runs one command on one channel of a libssh session, capturing both
 * streams with byte caps, the exit status and a deadline; plus the SFTP
 * file helpers. Runs on the thread that owns the session (its sshpool
 * worker); keeps no state between calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include <libssh/callbacks.h>

#include <mlops/xmalloc.h>

#include <mlops/shquote.h>
#include "sshexec.h"

#define SSHEXEC_MARKER_PREFIX  "mlops-marker-"
#define SSHEXEC_IO_CHUNK       32768u
#define SSHEXEC_CANCEL_POLL_MS 100

/* One output stream being captured. */
struct sshexec_stream {
	struct strbuf buf; /* kept bytes, at most `cap` */
	size_t        cap;
	bool          truncated;
	bool          synced; /* marker seen (or none expected) */
	struct strbuf scan;   /* tail searched for the marker */
};

struct sshexec_ctx {
	struct sshexec_stream out;
	struct sshexec_stream errs;
	const char           *marker; /* "mlops-marker-...\n" or NULL */
	size_t                marker_len;
	bool                  have_status;
	int                   exit_status;
	bool                  have_signal;
	char                  exit_signal[32];
};

static uint64_t    sshexec_now_ms(void);
static void        sshexec_random_hex(char *buf, size_t nbytes);
static const char *sshexec_memfind(
    const char *hay, size_t hlen, const char *needle, size_t nlen);
static void sshexec_stream_init(
    struct sshexec_stream *st, size_t cap, bool synced);
static void sshexec_stream_fini(struct sshexec_stream *st);
static void sshexec_stream_keep(
    struct sshexec_stream *st, const char *data, size_t len);
static void sshexec_stream_feed(struct sshexec_stream *st, const char *marker,
    size_t mlen, const char *data, size_t len);
static int  sshexec_on_data(ssh_session s, ssh_channel ch, void *data,
     uint32_t len, int is_stderr, void *userdata);
static void sshexec_on_exit_status(
    ssh_session s, ssh_channel ch, int status, void *userdata);
static void sshexec_on_exit_signal(ssh_session s, ssh_channel ch,
    const char *sig, int core, const char *errmsg, const char *lang,
    void *userdata);
static int  sshexec_session_error(
     ssh_session s, struct mlops_error *err, const char *what);
static char *sshexec_build_command(
    const char *const *argv, const char *marker);
static int sshexec_pump(struct sshexec_ctx *ctx, ssh_session s, ssh_channel ch,
    const struct exec_opts *opts, uint64_t deadline, struct mlops_error *err);
static const char *sshexec_sftp_path(const char *path);
static int sshexec_sftp_error(sftp_session sftp, struct mlops_error *err,
    const char *what, const char *path);

static uint64_t
sshexec_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

/* Writes 2*nbytes hex digits and a NUL to buf. */
static void
sshexec_random_hex(char *buf, size_t nbytes)
{
	unsigned char raw[32];
	size_t        got = 0;

	if (nbytes > sizeof(raw)) {
		nbytes = sizeof(raw);
	}
	while (got < nbytes) {
		ssize_t n = getrandom(raw + got, nbytes - got, 0);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			/* No entropy source: uniqueness still matters more
			 * than secrecy for a marker or a temp name. */
			uint64_t t
			    = sshexec_now_ms() ^ (uint64_t) (uintptr_t) buf;
			for (; got < nbytes; got++) {
				t = t * 6364136223846793005u
				    + 1442695040888963407u;
				raw[got] = (unsigned char) (t >> 56);
			}
			break;
		}
		got += (size_t) n;
	}
	for (size_t i = 0; i < nbytes; i++) {
		snprintf(buf + 2 * i, 3, "%02x", raw[i]);
	}
}

static const char *
sshexec_memfind(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0 || hlen < nlen) {
		return NULL;
	}
	for (size_t i = 0; i + nlen <= hlen; i++) {
		if (hay[i] == needle[0]
		    && memcmp(hay + i, needle, nlen) == 0) {
			return hay + i;
		}
	}
	return NULL;
}

static void
sshexec_stream_init(struct sshexec_stream *st, size_t cap, bool synced)
{
	strbuf_init(&st->buf);
	strbuf_init(&st->scan);
	strbuf_append(&st->buf, "", 0); /* never NULL once done */
	st->cap       = cap;
	st->truncated = false;
	st->synced    = synced;
}

static void
sshexec_stream_fini(struct sshexec_stream *st)
{
	strbuf_fini(&st->buf);
	strbuf_fini(&st->scan);
}

static void
sshexec_stream_keep(struct sshexec_stream *st, const char *data, size_t len)
{
	size_t room = st->cap > st->buf.len ? st->cap - st->buf.len : 0;

	if (len > room) {
		st->truncated = true;
		len           = room;
	}
	if (len > 0) {
		strbuf_append(&st->buf, data, len);
	}
}

/* Captures `data`; before the marker has been seen, bytes are only
 * scanned for it and dropped. Only a marker-sized tail is retained while
 * scanning, so noise of any size costs no memory. */
static void
sshexec_stream_feed(struct sshexec_stream *st, const char *marker, size_t mlen,
    const char *data, size_t len)
{
	const char *hit;
	size_t      after, keep;

	if (st->synced) {
		sshexec_stream_keep(st, data, len);
		return;
	}
	strbuf_append(&st->scan, data, len);
	hit = sshexec_memfind(st->scan.buf, st->scan.len, marker, mlen);
	if (hit != NULL) {
		after      = (size_t) (hit - st->scan.buf) + mlen;
		st->synced = true;
		sshexec_stream_keep(
		    st, st->scan.buf + after, st->scan.len - after);
		strbuf_fini(&st->scan);
		return;
	}
	if (st->scan.len >= mlen) {
		keep = mlen - 1;
		memmove(
		    st->scan.buf, st->scan.buf + st->scan.len - keep, keep);
		st->scan.len       = keep;
		st->scan.buf[keep] = '\0';
	}
}

static int
sshexec_on_data(ssh_session s, ssh_channel ch, void *data, uint32_t len,
    int is_stderr, void *userdata)
{
	struct sshexec_ctx *ctx = userdata;

	(void) s;
	(void) ch;
	sshexec_stream_feed(is_stderr ? &ctx->errs : &ctx->out, ctx->marker,
	    ctx->marker_len, data, len);
	return (int) len;
}

static void
sshexec_on_exit_status(
    ssh_session s, ssh_channel ch, int status, void *userdata)
{
	struct sshexec_ctx *ctx = userdata;

	(void) s;
	(void) ch;
	ctx->have_status = true;
	ctx->exit_status = status;
}

static void
sshexec_on_exit_signal(ssh_session s, ssh_channel ch, const char *sig,
    int core, const char *errmsg, const char *lang, void *userdata)
{
	struct sshexec_ctx *ctx = userdata;

	(void) s;
	(void) ch;
	(void) core;
	(void) errmsg;
	(void) lang;
	ctx->have_signal = true;
	snprintf(ctx->exit_signal, sizeof(ctx->exit_signal), "%s",
	    sig != NULL ? sig : "?");
}

const char *
sshexec_peer_name(char *buf, size_t len, ssh_session s)
{
	char        *user = NULL, *host = NULL;
	unsigned int port = 0;

	ssh_options_get(s, SSH_OPTIONS_USER, &user);
	ssh_options_get(s, SSH_OPTIONS_HOST, &host);
	if (ssh_options_get_port(s, &port) != SSH_OK) {
		port = 22;
	}
	snprintf(buf, len, "%s%s%s:%u", user != NULL ? user : "",
	    user != NULL ? "@" : "", host != NULL ? host : "?", port);
	ssh_string_free_char(user);
	ssh_string_free_char(host);
	return buf;
}

/* Maps a failed libssh call: a dead session is MLOPS_EUNREACHABLE, a
 * refusal on a live one (channel open denied...) MLOPS_ERROR. */
static int
sshexec_session_error(ssh_session s, struct mlops_error *err, const char *what)
{
	char peer[200];
	int  code = MLOPS_ERROR;

	if (!ssh_is_connected(s) || ssh_get_error_code(s) == SSH_FATAL) {
		code = MLOPS_EUNREACHABLE;
	}
	return mlops_error_set(err, code, "%s: %s: %s",
	    sshexec_peer_name(peer, sizeof(peer), s), what, ssh_get_error(s));
}

static char *
sshexec_build_command(const char *const *argv, const char *marker)
{
	char *cmd = shquote_argv(argv), *inner, *outer;

	if (cmd == NULL || marker == NULL) {
		return cmd;
	}
	/* The marker is [a-z0-9-] only: a plain word in any shell. */
	inner = xasprintf("printf '%%s\\n' %s; printf '%%s\\n' %s >&2; %s",
	    marker, marker, cmd);
	{
		const char *wrap[] = { "bash", "-lc", inner, NULL };

		outer = shquote_argv(wrap);
	}
	free(inner);
	free(cmd);
	return outer;
}

/* Feeds stdin, then waits for the remote EOF and the exit status. Data
 * arrives through the channel callbacks during the polls. */
static int
sshexec_pump(struct sshexec_ctx *ctx, ssh_session s, ssh_channel ch,
    const struct exec_opts *opts, uint64_t deadline, struct mlops_error *err)
{
	const char *in       = opts->stdin_data;
	size_t      in_len   = in != NULL ? opts->stdin_len : 0;
	size_t      sent     = 0;
	bool        eof_sent = false;
	uint64_t    now;
	int         slice, prc;

	for (;;) {
		if (!eof_sent && sent < in_len) {
			size_t chunk = in_len - sent;
			int    n;

			if (chunk > SSHEXEC_IO_CHUNK) {
				chunk = SSHEXEC_IO_CHUNK;
			}
			/* Non-blocking, so a command that does not read its
			 * stdin cannot hold us past the deadline. */
			ssh_set_blocking(s, 0);
			n = ssh_channel_write(ch, in + sent, (uint32_t) chunk);
			ssh_set_blocking(s, 1);
			if (n < 0) {
				return sshexec_session_error(
				    s, err, "writing stdin");
			}
			sent += (size_t) n;
		}
		if (!eof_sent && sent == in_len) {
			if (ssh_channel_send_eof(ch) != SSH_OK) {
				return sshexec_session_error(
				    s, err, "sending EOF");
			}
			eof_sent = true;
		}
		if (ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch)) {
			break;
		}
		if (opts->cancel != NULL && atomic_load(opts->cancel)) {
			return mlops_error_set(
			    err, MLOPS_ERROR, "command cancelled");
		}
		now   = sshexec_now_ms();
		slice = 1000;
		if (deadline != 0) {
			if (now >= deadline) {
				return mlops_error_set(err, MLOPS_ETIMEDOUT,
				    "command timed out after %u ms",
				    opts->timeout_ms);
			}
			if (deadline - now < (uint64_t) slice) {
				slice = (int) (deadline - now);
			}
		}
		if (opts->cancel != NULL && slice > SSHEXEC_CANCEL_POLL_MS) {
			slice = SSHEXEC_CANCEL_POLL_MS;
		}
		if (!eof_sent && slice > 10) {
			slice = 10; /* waiting for window space */
		}
		prc = ssh_channel_poll_timeout(ch, slice, 0);
		if (prc == SSH_ERROR) {
			return sshexec_session_error(s, err, "reading output");
		}
	}
	/* OpenSSH sends exit-status after EOF; this waits for it (or the
	 * close), bounded by the session's I/O timeout. */
	if (!ctx->have_status && !ctx->have_signal
	    && !ssh_channel_is_closed(ch)) {
		(void) ssh_channel_get_exit_status(ch);
		if (!ssh_is_connected(s)) {
			return sshexec_session_error(
			    s, err, "waiting for exit status");
		}
	}
	return 0;
}

int
sshexec_run(struct exec_result *out, ssh_session s, const char *const *argv,
    const struct exec_opts *opts, struct mlops_error *err)
{
	struct exec_opts                    defaults;
	struct sshexec_ctx                  ctx;
	struct ssh_channel_callbacks_struct cb;
	ssh_channel                         ch     = NULL;
	bool                                cb_set = false;
	char                                marker[80];
	char                                hex[33];
	char                               *cmd = NULL;
	uint64_t                            start, deadline = 0;
	int                                 rc;

	if (argv == NULL || argv[0] == NULL) {
		return mlops_error_set(err, MLOPS_EINVAL, "empty command");
	}
	if (opts == NULL) {
		exec_opts_init(&defaults);
		opts = &defaults;
	}
	start = sshexec_now_ms();
	if (opts->timeout_ms > 0) {
		deadline = start + opts->timeout_ms;
	}
	memset(&ctx, 0, sizeof(ctx));
	sshexec_stream_init(&ctx.out,
	    opts->max_stdout ? opts->max_stdout : EXEC_DEFAULT_MAX_OUTPUT,
	    !opts->login_shell);
	sshexec_stream_init(&ctx.errs,
	    opts->max_stderr ? opts->max_stderr : EXEC_DEFAULT_MAX_OUTPUT,
	    !opts->login_shell);
	if (opts->login_shell) {
		sshexec_random_hex(hex, 16);
		snprintf(
		    marker, sizeof(marker), SSHEXEC_MARKER_PREFIX "%s", hex);
		cmd = sshexec_build_command(argv, marker);
		/* what the streams carry: the marker and its newline */
		strcat(marker, "\n");
		ctx.marker     = marker;
		ctx.marker_len = strlen(marker);
	} else {
		cmd = sshexec_build_command(argv, NULL);
	}

	if ((ch = ssh_channel_new(s)) == NULL) {
		rc = sshexec_session_error(s, err, "new channel");
		goto out;
	}
	memset(&cb, 0, sizeof(cb));
	cb.userdata                     = &ctx;
	cb.channel_data_function        = sshexec_on_data;
	cb.channel_exit_status_function = sshexec_on_exit_status;
	cb.channel_exit_signal_function = sshexec_on_exit_signal;
	ssh_callbacks_init(&cb);
	if (ssh_set_channel_callbacks(ch, &cb) != SSH_OK) {
		rc = sshexec_session_error(s, err, "channel callbacks");
		goto out;
	}
	cb_set = true;
	if (ssh_channel_open_session(ch) != SSH_OK) {
		rc = sshexec_session_error(s, err, "opening a channel");
		goto out;
	}
	if (ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		rc = sshexec_session_error(s, err, "starting the command");
		goto out;
	}
	if ((rc = sshexec_pump(&ctx, s, ch, opts, deadline, err)) < 0) {
		goto out;
	}
	if (opts->login_shell && !ctx.out.synced) {
		rc = mlops_error_set(err, MLOPS_ERROR,
		    "login shell (bash -l) ended before running the command "
		    "(exit status %d): check the remote profile",
		    ctx.have_status ? ctx.exit_status : -1);
		goto out;
	}

	memset(out, 0, sizeof(*out));
	out->exit_status = ctx.have_status ? ctx.exit_status : -1;
	if (!ctx.have_status && ctx.have_signal) {
		snprintf(out->exit_signal, sizeof(out->exit_signal), "%s",
		    ctx.exit_signal);
	}
	out->stdout_truncated = ctx.out.truncated;
	out->stderr_truncated = ctx.errs.truncated;
	out->stdout_buf       = strbuf_detach(&ctx.out.buf, &out->stdout_len);
	out->stderr_buf       = strbuf_detach(&ctx.errs.buf, &out->stderr_len);
	out->elapsed_ms       = sshexec_now_ms() - start;
	rc                    = 0;

out:
	if (ch != NULL) {
		/* The callbacks point into this frame: detach them before
		 * the channel can outlive it inside libssh. */
		if (cb_set) {
			ssh_remove_channel_callbacks(ch, &cb);
		}
		if (rc < 0 && ssh_channel_is_open(ch) && ssh_is_connected(s)) {
			/* best effort; sshd forwards it to the process */
			ssh_channel_request_send_signal(ch, "TERM");
		}
		if (ssh_is_connected(s)) {
			ssh_channel_close(ch);
		}
		ssh_channel_free(ch);
	}
	sshexec_stream_fini(&ctx.out);
	sshexec_stream_fini(&ctx.errs);
	free(cmd);
	return rc;
}

/* ---- SFTP ---- */

static const char *
sshexec_sftp_path(const char *path)
{
	if (strcmp(path, "~") == 0) {
		return ".";
	}
	if (strncmp(path, "~/", 2) == 0) {
		path += 2;
		while (*path == '/') {
			path++;
		}
		return *path != '\0' ? path : ".";
	}
	return path;
}

static int
sshexec_sftp_error(sftp_session sftp, struct mlops_error *err,
    const char *what, const char *path)
{
	ssh_session s = sftp->session;
	char        peer[200];
	int         code;

	sshexec_peer_name(peer, sizeof(peer), s);
	if (!ssh_is_connected(s)) {
		return mlops_error_set(err, MLOPS_EUNREACHABLE,
		    "%s: %s %s: %s", peer, what, path, ssh_get_error(s));
	}
	code = sftp_get_error(sftp);
	switch (code) {
	case SSH_FX_NO_SUCH_FILE:
	case SSH_FX_NO_SUCH_PATH:
		return mlops_error_set(err, MLOPS_ENOTFOUND,
		    "%s: %s %s: no such file or directory", peer, what, path);
	case SSH_FX_PERMISSION_DENIED:
		return mlops_error_set(err, MLOPS_ERROR,
		    "%s: %s %s: permission denied", peer, what, path);
	case SSH_FX_FILE_ALREADY_EXISTS:
		return mlops_error_set(err, MLOPS_EEXISTS,
		    "%s: %s %s: already exists", peer, what, path);
	default:
		return mlops_error_set(err, MLOPS_ERROR,
		    "%s: %s %s: %s (sftp status %d)", peer, what, path,
		    ssh_get_error(s), code);
	}
}

int
sshexec_sftp_open(sftp_session *out, ssh_session s, struct mlops_error *err)
{
	sftp_session sftp = NULL;
	int          rc;

	if ((sftp = sftp_new(s)) == NULL) {
		return sshexec_session_error(s, err, "opening SFTP");
	}
	if (sftp_init(sftp) != SSH_OK) {
		rc = sshexec_session_error(s, err, "starting SFTP");
		sftp_free(sftp);
		return rc;
	}
	*out = sftp;
	return 0;
}

int
sshexec_sftp_stat_size(uint64_t *out, sftp_session sftp, const char *path,
    struct mlops_error *err)
{
	sftp_attributes a;

	if ((a = sftp_stat(sftp, sshexec_sftp_path(path))) == NULL) {
		return sshexec_sftp_error(sftp, err, "stat", path);
	}
	*out = a->size;
	sftp_attributes_free(a);
	return 0;
}

int
sshexec_sftp_mkdir_p(
    sftp_session sftp, const char *path, mode_t mode, struct mlops_error *err)
{
	const char     *p    = sshexec_sftp_path(path);
	char           *copy = NULL;
	sftp_attributes a    = NULL;
	int             rc   = 0;

	if (*p == '\0') {
		return mlops_error_set(err, MLOPS_EINVAL, "mkdir: empty path");
	}
	if ((a = sftp_stat(sftp, p)) != NULL) {
		if (a->type != SSH_FILEXFER_TYPE_DIRECTORY) {
			rc = mlops_error_set(err, MLOPS_EEXISTS,
			    "%s exists and is not a directory", path);
		}
		goto out;
	}
	copy = xstrdup(p);
	for (char *c = copy + 1;; c++) {
		bool end = *c == '\0';

		if (!end && *c != '/') {
			continue;
		}
		if (c[-1] == '/') { /* "//" or a trailing "/" */
			if (end) {
				break;
			}
			continue;
		}
		*c = '\0';
		if (sftp_mkdir(sftp, copy, mode) != SSH_OK) {
			/* v3 servers say FAILURE for EEXIST: look */
			sftp_attributes_free(a);
			a = sftp_stat(sftp, copy);
			if (a == NULL) {
				rc = sshexec_sftp_error(
				    sftp, err, "mkdir", copy);
				goto out;
			}
			if (a->type != SSH_FILEXFER_TYPE_DIRECTORY) {
				rc = mlops_error_set(err, MLOPS_EEXISTS,
				    "%s exists and is not a directory", copy);
				goto out;
			}
		}
		if (end) {
			break;
		}
		*c = '/';
	}

out:
	sftp_attributes_free(a);
	free(copy);
	return rc;
}

int
sshexec_sftp_write_file(ssh_session s, sftp_session sftp,
    const char *remote_path, const void *data, size_t len, mode_t mode,
    struct mlops_error *err)
{
	const char        *p = sshexec_sftp_path(remote_path);
	const char        *d = data;
	char               hex[17];
	char              *tmp      = NULL;
	sftp_file          f        = NULL;
	sftp_attributes    a        = NULL;
	struct exec_result res      = { 0 };
	size_t             off      = 0;
	bool               tmp_made = false;
	int                rc       = 0;

	sshexec_random_hex(hex, 8);
	tmp = xasprintf("%s.mlops-tmp-%s", p, hex);
	f   = sftp_open(sftp, tmp, O_WRONLY | O_CREAT | O_EXCL, mode | 0600);
	if (f == NULL) {
		rc = sshexec_sftp_error(sftp, err, "create", tmp);
		goto out;
	}
	tmp_made = true;
	while (off < len) {
		size_t  chunk = len - off;
		ssize_t n;

		if (chunk > SSHEXEC_IO_CHUNK) {
			chunk = SSHEXEC_IO_CHUNK;
		}
		if ((n = sftp_write(f, d + off, chunk)) <= 0) {
			rc = sshexec_sftp_error(sftp, err, "write", tmp);
			goto out;
		}
		off += (size_t) n;
	}
	rc = sftp_close(f);
	f  = NULL;
	if (rc != SSH_OK) {
		rc = sshexec_sftp_error(sftp, err, "close", tmp);
		goto out;
	}
	if (sftp_chmod(sftp, tmp, mode) != SSH_OK) {
		rc = sshexec_sftp_error(sftp, err, "chmod", tmp);
		goto out;
	}
	if (sftp_rename(sftp, tmp, p) == SSH_OK) {
		tmp_made = false;
		goto out;
	}
	/* SFTP v3 rename never replaces: if the target exists, rename(2)
	 * through mv, which does. */
	if ((a = sftp_stat(sftp, p)) == NULL) {
		rc = sshexec_sftp_error(sftp, err, "rename to", remote_path);
		goto out;
	}
	{
		const char      *argv[] = { "mv", "-f", "--", tmp, p, NULL };
		struct exec_opts o;

		exec_opts_init(&o);
		o.timeout_ms = 30000;
		if ((rc = sshexec_run(&res, s, argv, &o, err)) < 0) {
			goto out;
		}
		if (res.exit_status != 0) {
			rc = mlops_error_set(err, MLOPS_ERROR,
			    "replacing %s: mv: %.*s", remote_path,
			    (int) (res.stderr_len > 150 ? 150
			                                : res.stderr_len),
			    res.stderr_buf);
			goto out;
		}
		tmp_made = false;
	}

out:
	if (f != NULL) {
		sftp_close(f);
	}
	if (tmp_made && ssh_is_connected(s)) {
		sftp_unlink(sftp, tmp);
	}
	sftp_attributes_free(a);
	exec_result_fini(&res);
	free(tmp);
	return rc;
}

int
sshexec_sftp_read_range(struct strbuf *out, uint64_t *file_size,
    sftp_session sftp, const char *path, uint64_t offset, size_t maxlen,
    struct mlops_error *err)
{
	sftp_file       f   = NULL;
	sftp_attributes a   = NULL;
	char           *buf = NULL;
	size_t          got = 0;
	int             rc  = 0;

	f = sftp_open(sftp, sshexec_sftp_path(path), O_RDONLY, 0);
	if (f == NULL) {
		rc = sshexec_sftp_error(sftp, err, "open", path);
		goto out;
	}
	if ((a = sftp_fstat(f)) == NULL) {
		rc = sshexec_sftp_error(sftp, err, "stat", path);
		goto out;
	}
	if (sftp_seek64(f, offset) != 0) {
		rc = sshexec_sftp_error(sftp, err, "seek", path);
		goto out;
	}
	buf = xmalloc(SSHEXEC_IO_CHUNK);
	while (got < maxlen) {
		size_t  want = maxlen - got;
		ssize_t n;

		if (want > SSHEXEC_IO_CHUNK) {
			want = SSHEXEC_IO_CHUNK;
		}
		n = sftp_read(f, buf, want);
		if (n < 0) {
			rc = sshexec_sftp_error(sftp, err, "read", path);
			goto out;
		}
		if (n == 0) {
			break;
		}
		strbuf_append(out, buf, (size_t) n);
		got += (size_t) n;
	}
	if (file_size != NULL) {
		*file_size = a->size;
	}

out:
	if (f != NULL) {
		sftp_close(f);
	}
	sftp_attributes_free(a);
	free(buf);
	return rc;
}
