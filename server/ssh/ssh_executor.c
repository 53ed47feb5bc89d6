/*
 * ssh_executor: the executor interface (executor.h) on a cluster's SSH
 * pool. Commands and sessions run on the pool's worker; a session's file
 * operations go over the pool's SFTP session. Any thread may call the
 * executor; its callbacks run on the worker.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/xmalloc.h>

#include "ssh_executor.h"
#include "sshexec.h"
#include "sshpool.h"

/* The session handed to an exec_call_fn: the pool's live connection. */
struct ssh_exec_session {
	struct sshpool *pool;
	ssh_session     s;
	sftp_session    sftp;
};

/* One queued call or connect hook: the caller's function and its arg. */
struct ssh_exec_box {
	struct sshpool *pool;
	exec_call_fn    fn;
	exec_done_cb    done;
	void           *arg;
};

/* One queued command: the caller's callback. */
struct ssh_exec_run {
	exec_run_cb cb;
	void       *arg;
};

static int
ssh_sess_run(void *impl, struct exec_result *out, const char *const *argv,
    const struct exec_opts *opts, struct mlops_error *err)
{
	struct ssh_exec_session *ss = impl;
	struct exec_opts         o;

	if (opts != NULL) {
		o = *opts;
	} else {
		exec_opts_init(&o);
	}
	o.login_shell = o.login_shell || sshpool_login_shell(ss->pool);
	if (o.cancel == NULL) {
		o.cancel = sshpool_cancel_flag(ss->pool);
	}
	return sshexec_run(out, ss->s, argv, &o, err);
}

static int
ssh_sess_no_sftp(struct mlops_error *err)
{
	return mlops_error_set(err, MLOPS_ERROR,
	    "the cluster's SSH server offers no SFTP: files cannot be moved");
}

static int
ssh_sess_mkdir_p(
    void *impl, const char *path, mode_t mode, struct mlops_error *err)
{
	struct ssh_exec_session *ss = impl;

	if (ss->sftp == NULL) {
		return ssh_sess_no_sftp(err);
	}
	return sshexec_sftp_mkdir_p(ss->sftp, path, mode, err);
}

static int
ssh_sess_write_file(void *impl, const char *path, const void *data, size_t len,
    mode_t mode, struct mlops_error *err)
{
	struct ssh_exec_session *ss = impl;

	if (ss->sftp == NULL) {
		return ssh_sess_no_sftp(err);
	}
	return sshexec_sftp_write_file(
	    ss->s, ss->sftp, path, data, len, mode, err);
}

static int
ssh_sess_read_range(void *impl, struct strbuf *out, uint64_t *file_size,
    const char *path, uint64_t offset, size_t maxlen, struct mlops_error *err)
{
	struct ssh_exec_session *ss = impl;

	if (ss->sftp == NULL) {
		return ssh_sess_no_sftp(err);
	}
	return sshexec_sftp_read_range(
	    out, file_size, ss->sftp, path, offset, maxlen, err);
}

static int
ssh_sess_stat_size(
    void *impl, uint64_t *out, const char *path, struct mlops_error *err)
{
	struct ssh_exec_session *ss = impl;

	if (ss->sftp == NULL) {
		return ssh_sess_no_sftp(err);
	}
	return sshexec_sftp_stat_size(out, ss->sftp, path, err);
}

static const struct exec_session_ops ssh_session_ops = {
	.run        = ssh_sess_run,
	.mkdir_p    = ssh_sess_mkdir_p,
	.write_file = ssh_sess_write_file,
	.read_range = ssh_sess_read_range,
	.stat_size  = ssh_sess_stat_size,
};

/* sshpool_call_fn -> exec_call_fn, with the pool's session wrapped. */
static int
ssh_exec_call_fn(
    ssh_session s, sftp_session sftp, void *arg, struct mlops_error *err)
{
	struct ssh_exec_box    *box = arg;
	struct ssh_exec_session ss  = { box->pool, s, sftp };
	struct exec_session     es  = { &ssh_session_ops, &ss };

	return box->fn(&es, box->arg, err);
}

static void
ssh_exec_call_done(void *arg, int rc, const struct mlops_error *err)
{
	struct ssh_exec_box *box = arg;

	if (box->done != NULL) {
		box->done(box->arg, rc, err);
	}
	free(box);
}

static int
ssh_ex_call_async(void *impl, exec_call_fn fn, exec_done_cb done, void *arg,
    struct mlops_error *err)
{
	struct ssh_exec_box *box = xcalloc(1, sizeof(*box));
	int                  rc;

	box->pool = impl;
	box->fn   = fn;
	box->done = done;
	box->arg  = arg;
	if ((rc = sshpool_call_async(
	         impl, ssh_exec_call_fn, ssh_exec_call_done, box, err))
	    < 0) {
		free(box);
	}
	return rc;
}

static int
ssh_ex_call(void *impl, exec_call_fn fn, void *arg, struct mlops_error *err)
{
	struct ssh_exec_box box = { impl, fn, NULL, arg };

	return sshpool_call(impl, ssh_exec_call_fn, &box, err);
}

static void
ssh_exec_run_done(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err)
{
	struct ssh_exec_run *r = arg;

	r->cb(r->arg, rc, res, err);
	free(r);
}

static int
ssh_ex_run_async(void *impl, const char *const *argv,
    const struct exec_opts *opts, exec_run_cb cb, void *arg,
    struct mlops_error *err)
{
	struct ssh_exec_run *r = xcalloc(1, sizeof(*r));
	int                  rc;

	r->cb  = cb;
	r->arg = arg;
	if ((rc = sshpool_exec_async(
	         impl, argv, opts, ssh_exec_run_done, r, err))
	    < 0) {
		free(r);
	}
	return rc;
}

static void
ssh_ex_status(void *impl, struct exec_status *out)
{
	struct sshpool_status st;

	sshpool_status(impl, &st);
	memset(out, 0, sizeof(*out));
	out->state           = st.state;
	out->last_error_code = st.last_error_code;
	out->last_contact    = st.last_contact;
	out->n_commands      = st.n_commands;
	memcpy(out->last_error, st.last_error, sizeof(out->last_error));
	memcpy(out->host_key, st.host_key, sizeof(out->host_key));
}

static void
ssh_ex_kick(void *impl)
{
	sshpool_kick(impl);
}

static int
ssh_ex_fetch_hostkey(void *impl, char **fingerprint, char **keytype,
    int *known, struct mlops_error *err)
{
	return sshpool_fetch_hostkey(
	    fingerprint, keytype, known, sshpool_config(impl), err);
}

static int
ssh_ex_trust_hostkey(
    void *impl, const char *fingerprint, struct mlops_error *err)
{
	return sshpool_trust_hostkey(sshpool_config(impl), fingerprint, err);
}

static void
ssh_ex_stop(void *impl)
{
	sshpool_stop(impl);
}

static void
ssh_ex_free(void *impl)
{
	struct ssh_exec_box *hook = sshpool_on_connect_arg(impl);
	/* A worker that did not stop in time frees the pool itself later
	 * and may still run the hook: then the hook's box is left to it. */
	bool stopped = sshpool_stop(impl) == 0;

	sshpool_free(impl);
	if (stopped) {
		free(hook);
	}
}

static const struct executor_ops ssh_executor_ops = {
	.run_async     = ssh_ex_run_async,
	.call_async    = ssh_ex_call_async,
	.call          = ssh_ex_call,
	.status        = ssh_ex_status,
	.kick          = ssh_ex_kick,
	.fetch_hostkey = ssh_ex_fetch_hostkey,
	.trust_hostkey = ssh_ex_trust_hostkey,
	.stop          = ssh_ex_stop,
	.free          = ssh_ex_free,
};

int
ssh_executor_new(struct executor **out, const struct cluster_config *cc,
    const struct sshpool_opts *opts, exec_call_fn on_connect,
    void *on_connect_arg, struct mlops_error *err)
{
	struct sshpool      *pool = NULL;
	struct ssh_exec_box *hook = NULL;
	struct executor     *ex;
	int                  rc;

	if ((rc = sshpool_new(&pool, cc, opts, err)) < 0) {
		return rc;
	}
	if (on_connect != NULL) {
		hook       = xcalloc(1, sizeof(*hook));
		hook->pool = pool;
		hook->fn   = on_connect;
		hook->arg  = on_connect_arg;
		sshpool_set_on_connect(pool, ssh_exec_call_fn, hook);
	}
	if ((rc = sshpool_start(pool, err)) < 0) {
		sshpool_free(pool);
		free(hook);
		return rc;
	}
	ex       = xcalloc(1, sizeof(*ex));
	ex->ops  = &ssh_executor_ops;
	ex->impl = pool;
	*out     = ex;
	return 0;
}
