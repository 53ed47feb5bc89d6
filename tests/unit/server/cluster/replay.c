/*
 * replay: a recorded executor (see replay.h). Rules, the log and the
 * files live under rp_mtx; the work queue runs on rp_thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/xmalloc.h>

#include "replay.h"
#include "testutil.h"

struct replay_rule {
	char               *argv0, *contains;
	char               *out, *err;
	int                 status;
	int                 rc; /* < 0: the executor fails */
	char               *msg;
	replay_fn           fn;
	void               *fn_arg;
	int                 times; /* -1: always */
	struct replay_rule *next;
};

struct replay_file {
	char               *path;
	struct strbuf       data;
	struct replay_file *next;
};

enum replay_kind { REPLAY_RUN, REPLAY_CALL };

struct replay_item {
	enum replay_kind kind;
	char           **argv; /* RUN: a copy */
	size_t           max_stdout;
	exec_run_cb      run_cb;
	exec_call_fn     fn;
	exec_done_cb     done;
	void            *arg;
	/* executor_call(): the caller waits for these */
	bool                sync, finished;
	int                 rc;
	struct mlops_error  err;
	struct replay_item *next;
};

struct replay {
	char           *rp_name;
	pthread_mutex_t rp_mtx;
	pthread_cond_t  rp_cv;
	pthread_t       rp_thread;
	bool            rp_started, rp_stop;
	exec_call_fn    rp_on_connect;
	void           *rp_on_connect_arg;
	/* under rp_mtx */
	struct replay_rule *rp_rules;
	char              **rp_log;  /* joined argv of every command */
	char              **rp_prog; /* its program */
	size_t              rp_nlog;
	size_t              rp_unmatched;
	struct replay_file *rp_files;
	struct replay_item *rp_head, *rp_tail;
	unsigned            rp_busy; /* queued or running */
	bool                rp_down;
	char                rp_down_msg[MLOPS_ERROR_MSG_MAX];
	uint64_t            rp_ncmds;
};

struct replay *
replay_new(const char *name)
{
	struct replay *r = xcalloc(1, sizeof(*r));

	r->rp_name = xstrdup(name);
	pthread_mutex_init(&r->rp_mtx, NULL);
	pthread_cond_init(&r->rp_cv, NULL);
	return r;
}

static void
replay_rule_free(struct replay_rule *rule)
{
	free(rule->argv0);
	free(rule->contains);
	free(rule->out);
	free(rule->err);
	free(rule->msg);
	free(rule);
}

void
replay_free(struct replay *r)
{
	if (r == NULL) {
		return;
	}
	while (r->rp_rules != NULL) {
		struct replay_rule *next = r->rp_rules->next;

		replay_rule_free(r->rp_rules);
		r->rp_rules = next;
	}
	while (r->rp_files != NULL) {
		struct replay_file *next = r->rp_files->next;

		free(r->rp_files->path);
		strbuf_fini(&r->rp_files->data);
		free(r->rp_files);
		r->rp_files = next;
	}
	for (size_t i = 0; i < r->rp_nlog; i++) {
		free(r->rp_log[i]);
		free(r->rp_prog[i]);
	}
	free(r->rp_log);
	free(r->rp_prog);
	pthread_mutex_destroy(&r->rp_mtx);
	pthread_cond_destroy(&r->rp_cv);
	free(r->rp_name);
	free(r);
}

static struct replay_rule *
replay_rule_new(
    struct replay *r, const char *argv0, const char *contains, int times)
{
	struct replay_rule *rule = xcalloc(1, sizeof(*rule));

	rule->argv0    = xstrdup(argv0);
	rule->contains = contains != NULL ? xstrdup(contains) : NULL;
	rule->times    = times;
	pthread_mutex_lock(&r->rp_mtx);
	rule->next  = r->rp_rules;
	r->rp_rules = rule;
	pthread_mutex_unlock(&r->rp_mtx);
	return rule;
}

void
replay_add(struct replay *r, const char *argv0, const char *contains,
    const char *out, const char *err, int status, int times)
{
	struct replay_rule *rule = replay_rule_new(r, argv0, contains, times);

	pthread_mutex_lock(&r->rp_mtx);
	rule->out    = xstrdup(out != NULL ? out : "");
	rule->err    = xstrdup(err != NULL ? err : "");
	rule->status = status;
	pthread_mutex_unlock(&r->rp_mtx);
}

void
replay_add_fixture(struct replay *r, const char *argv0, const char *contains,
    const char *fixture, int times)
{
	char *path = xasprintf("%s/slurm/%s", MLOPS_FIXTURES, fixture);
	char *text = testutil_read(path, NULL);

	if (text == NULL) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		abort();
	}
	replay_add(r, argv0, contains, text, NULL, 0, times);
	free(text);
	free(path);
}

void
replay_add_fail(struct replay *r, const char *argv0, const char *contains,
    int rc, const char *msg, int times)
{
	struct replay_rule *rule = replay_rule_new(r, argv0, contains, times);

	pthread_mutex_lock(&r->rp_mtx);
	rule->rc  = rc;
	rule->msg = xstrdup(msg);
	pthread_mutex_unlock(&r->rp_mtx);
}

void
replay_add_fn(struct replay *r, const char *argv0, const char *contains,
    replay_fn fn, void *arg, int times)
{
	struct replay_rule *rule = replay_rule_new(r, argv0, contains, times);

	pthread_mutex_lock(&r->rp_mtx);
	rule->fn     = fn;
	rule->fn_arg = arg;
	pthread_mutex_unlock(&r->rp_mtx);
}

void
replay_set_down(struct replay *r, bool down, const char *msg)
{
	pthread_mutex_lock(&r->rp_mtx);
	r->rp_down = down;
	snprintf(r->rp_down_msg, sizeof(r->rp_down_msg), "%s",
	    msg != NULL ? msg : "");
	pthread_mutex_unlock(&r->rp_mtx);
}

size_t
replay_count_with(struct replay *r, const char *argv0, const char *contains)
{
	size_t n = 0;

	pthread_mutex_lock(&r->rp_mtx);
	for (size_t i = 0; i < r->rp_nlog; i++) {
		if ((argv0 == NULL || strcmp(r->rp_prog[i], argv0) == 0)
		    && (contains == NULL
		        || strstr(r->rp_log[i], contains) != NULL)) {
			n++;
		}
	}
	pthread_mutex_unlock(&r->rp_mtx);
	return n;
}

size_t
replay_count(struct replay *r, const char *argv0)
{
	return replay_count_with(r, argv0, NULL);
}

char *
replay_last(struct replay *r, const char *argv0)
{
	char *s = NULL;

	pthread_mutex_lock(&r->rp_mtx);
	for (size_t i = r->rp_nlog; i-- > 0;) {
		if (argv0 == NULL || strcmp(r->rp_prog[i], argv0) == 0) {
			s = xstrdup(r->rp_log[i]);
			break;
		}
	}
	pthread_mutex_unlock(&r->rp_mtx);
	return s;
}

size_t
replay_unmatched(struct replay *r)
{
	size_t n;

	pthread_mutex_lock(&r->rp_mtx);
	n = r->rp_unmatched;
	pthread_mutex_unlock(&r->rp_mtx);
	return n;
}

/* Under rp_mtx. */
static struct replay_file *
replay_find_file(struct replay *r, const char *path)
{
	for (struct replay_file *f = r->rp_files; f != NULL; f = f->next) {
		if (strcmp(f->path, path) == 0) {
			return f;
		}
	}
	return NULL;
}

const struct strbuf *
replay_file(struct replay *r, const char *path)
{
	struct replay_file *f;

	pthread_mutex_lock(&r->rp_mtx);
	f = replay_find_file(r, path);
	pthread_mutex_unlock(&r->rp_mtx);
	return f != NULL ? &f->data : NULL;
}

void
replay_drain(struct replay *r)
{
	pthread_mutex_lock(&r->rp_mtx);
	while (r->rp_busy > 0) {
		pthread_cond_wait(&r->rp_cv, &r->rp_mtx);
	}
	pthread_mutex_unlock(&r->rp_mtx);
}

/*
 * Logs `argv` and finds its rule (using one of its times). Returns a copy
 * of what the command gets: exactly one of *rule_rc < 0, *fn set, or
 * out/err/status; *matched false when no rule applies, which is counted
 * as unmatched (exit 127) unless `optional`.
 */
static void
replay_lookup(struct replay *r, const char *const *argv, bool optional,
    bool *matched, int *rule_rc, char **msg, replay_fn *fn, void **fn_arg,
    char **out, char **err, int *status, bool *down)
{
	struct strbuf joined = STRBUF_INIT;
	const char   *prog   = argv[0];

	for (size_t i = 0; argv[i] != NULL; i++) {
		strbuf_printf(&joined, "%s%s", i ? " " : "", argv[i]);
	}
	/* `env NAME=VALUE... PROGRAM ...`: the program is what runs. */
	if (strcmp(argv[0], "env") == 0) {
		for (size_t i = 1; argv[i] != NULL; i++) {
			if (strchr(argv[i], '=') == NULL) {
				prog = argv[i];
				break;
			}
		}
	}
	*matched = false;
	*rule_rc = 0;
	*msg = *out = *err = NULL;
	*fn                = NULL;
	*fn_arg            = NULL;
	*status            = 0;
	pthread_mutex_lock(&r->rp_mtx);
	*down = r->rp_down;
	if (*down) {
		*msg = xstrdup(r->rp_down_msg);
	}
	r->rp_log  = xreallocarray(r->rp_log, r->rp_nlog + 1, sizeof(char *));
	r->rp_prog = xreallocarray(r->rp_prog, r->rp_nlog + 1, sizeof(char *));
	r->rp_log[r->rp_nlog]  = xstrdup(strbuf_str(&joined));
	r->rp_prog[r->rp_nlog] = xstrdup(prog);
	r->rp_nlog++;
	for (struct replay_rule *rule = r->rp_rules; !*down && rule != NULL;
	     rule                     = rule->next) {
		if (rule->times == 0 || strcmp(rule->argv0, prog) != 0
		    || (rule->contains != NULL
		        && strstr(strbuf_str(&joined), rule->contains)
		            == NULL)) {
			continue;
		}
		if (rule->times > 0) {
			rule->times--;
		}
		*matched = true;
		*rule_rc = rule->rc;
		*msg     = rule->msg != NULL ? xstrdup(rule->msg) : NULL;
		*fn      = rule->fn;
		*fn_arg  = rule->fn_arg;
		*out     = rule->out != NULL ? xstrdup(rule->out) : NULL;
		*err     = rule->err != NULL ? xstrdup(rule->err) : NULL;
		*status  = rule->status;
		break;
	}
	if (!*matched && !*down && !optional) {
		r->rp_unmatched++;
		*err = xasprintf(
		    "replay: no rule for: %s\n", strbuf_str(&joined));
		*status = 127;
	}
	r->rp_ncmds++;
	pthread_mutex_unlock(&r->rp_mtx);
	strbuf_fini(&joined);
}

/* Runs one command (or a file operation's stand-in) on the worker. */
static int
replay_exec(struct replay *r, struct exec_result *res, const char *const *argv,
    bool optional, size_t max_stdout, struct mlops_error *err)
{
	bool          matched, down;
	int           rule_rc, status;
	char         *msg, *out, *errtext;
	replay_fn     fn;
	void         *fn_arg;
	struct strbuf o = STRBUF_INIT, e = STRBUF_INIT;

	replay_lookup(r, argv, optional, &matched, &rule_rc, &msg, &fn,
	    &fn_arg, &out, &errtext, &status, &down);
	if (down || rule_rc < 0) {
		int rc = down ? MLOPS_EUNREACHABLE : rule_rc;

		mlops_error_set(err, rc, "%s: %s", r->rp_name,
		    msg != NULL ? msg : "failed");
		free(msg);
		free(out);
		free(errtext);
		return rc;
	}
	if (fn != NULL) {
		status = fn(fn_arg, argv, &o, &e);
	} else {
		strbuf_puts(&o, out != NULL ? out : "");
		strbuf_puts(&e, errtext != NULL ? errtext : "");
	}
	free(msg);
	free(out);
	free(errtext);
	memset(res, 0, sizeof(*res));
	res->exit_status = status < 0 ? -1 : status;
	if (status < 0) {
		snprintf(res->exit_signal, sizeof(res->exit_signal), "KILL");
	}
	if (max_stdout == 0) {
		max_stdout = EXEC_DEFAULT_MAX_OUTPUT;
	}
	res->stdout_buf = strbuf_detach(&o, &res->stdout_len);
	if (res->stdout_len > max_stdout) {
		res->stdout_len             = max_stdout;
		res->stdout_buf[max_stdout] = '\0';
		res->stdout_truncated       = true;
	}
	res->stderr_buf = strbuf_detach(&e, &res->stderr_len);
	return 0;
}

/* A file operation: "@op path", failing when a rule says so. */
static int
replay_file_op(struct replay *r, const char *op, const char *path,
    struct mlops_error *err)
{
	const char *const  argv[] = { op, path, NULL };
	struct exec_result res    = { 0 };
	/* Without a rule the operation simply works. */
	int rc = replay_exec(r, &res, argv, true, 0, err);

	if (rc == 0 && res.exit_status != 0) {
		rc = mlops_error_set(
		    err, MLOPS_ERROR, "%s %s: %s", op, path, res.stderr_buf);
	}
	exec_result_fini(&res);
	return rc;
}

static int
replay_sess_run(void *impl, struct exec_result *out, const char *const *argv,
    const struct exec_opts *opts, struct mlops_error *err)
{
	return replay_exec(
	    impl, out, argv, false, opts != NULL ? opts->max_stdout : 0, err);
}

static int
replay_sess_mkdir_p(
    void *impl, const char *path, mode_t mode, struct mlops_error *err)
{
	(void) mode;
	return replay_file_op(impl, "@mkdir", path, err);
}

static int
replay_sess_write_file(void *impl, const char *path, const void *data,
    size_t len, mode_t mode, struct mlops_error *err)
{
	struct replay      *r = impl;
	struct replay_file *f;
	int                 rc;

	(void) mode;
	if ((rc = replay_file_op(r, "@write", path, err)) < 0) {
		return rc;
	}
	pthread_mutex_lock(&r->rp_mtx);
	if ((f = replay_find_file(r, path)) == NULL) {
		f           = xcalloc(1, sizeof(*f));
		f->path     = xstrdup(path);
		f->next     = r->rp_files;
		r->rp_files = f;
		strbuf_init(&f->data);
	}
	strbuf_reset(&f->data);
	strbuf_append(&f->data, data, len);
	pthread_mutex_unlock(&r->rp_mtx);
	return 0;
}

static int
replay_sess_read_range(void *impl, struct strbuf *out, uint64_t *file_size,
    const char *path, uint64_t offset, size_t maxlen, struct mlops_error *err)
{
	struct replay      *r = impl;
	struct replay_file *f;
	int                 rc;

	if ((rc = replay_file_op(r, "@read", path, err)) < 0) {
		return rc;
	}
	pthread_mutex_lock(&r->rp_mtx);
	if ((f = replay_find_file(r, path)) == NULL) {
		pthread_mutex_unlock(&r->rp_mtx);
		return mlops_error_set(
		    err, MLOPS_ENOTFOUND, "%s: no such file", path);
	}
	if (file_size != NULL) {
		*file_size = f->data.len;
	}
	if (offset < f->data.len) {
		size_t n = f->data.len - (size_t) offset;

		strbuf_append(
		    out, f->data.buf + offset, n < maxlen ? n : maxlen);
	}
	pthread_mutex_unlock(&r->rp_mtx);
	return 0;
}

static int
replay_sess_stat_size(
    void *impl, uint64_t *out, const char *path, struct mlops_error *err)
{
	struct replay      *r = impl;
	struct replay_file *f;
	int                 rc;

	if ((rc = replay_file_op(r, "@stat", path, err)) < 0) {
		return rc;
	}
	pthread_mutex_lock(&r->rp_mtx);
	f = replay_find_file(r, path);
	if (f != NULL) {
		*out = f->data.len;
	}
	pthread_mutex_unlock(&r->rp_mtx);
	return f != NULL
	    ? 0
	    : mlops_error_set(err, MLOPS_ENOTFOUND, "%s: no such file", path);
}

static const struct exec_session_ops replay_session_ops = {
	.run        = replay_sess_run,
	.mkdir_p    = replay_sess_mkdir_p,
	.write_file = replay_sess_write_file,
	.read_range = replay_sess_read_range,
	.stat_size  = replay_sess_stat_size,
};

static void
replay_item_free(struct replay_item *it)
{
	if (it->argv != NULL) {
		for (size_t i = 0; it->argv[i] != NULL; i++) {
			free(it->argv[i]);
		}
		free(it->argv);
	}
	free(it);
}

/* Runs one item on the worker (rp_mtx not held). */
static void
replay_item_run(struct replay *r, struct replay_item *it, bool stopping)
{
	struct mlops_error err = { 0 };
	struct exec_result res = { 0 };
	int                rc;

	if (stopping) {
		rc = mlops_error_set(&err, MLOPS_ERROR, "shutting down");
	} else if (it->kind == REPLAY_RUN) {
		rc = replay_exec(r, &res, (const char *const *) it->argv,
		    false, it->max_stdout, &err);
	} else {
		struct exec_session s = { &replay_session_ops, r };
		bool                down;

		pthread_mutex_lock(&r->rp_mtx);
		down = r->rp_down;
		if (down) {
			mlops_error_set(&err, MLOPS_EUNREACHABLE, "%s: %s",
			    r->rp_name, r->rp_down_msg);
		}
		pthread_mutex_unlock(&r->rp_mtx);
		rc = down ? MLOPS_EUNREACHABLE : it->fn(&s, it->arg, &err);
	}
	if (it->kind == REPLAY_RUN) {
		it->run_cb(it->arg, rc, rc == 0 ? &res : NULL, &err);
		exec_result_fini(&res);
		replay_item_free(it);
		return;
	}
	if (it->sync) {
		pthread_mutex_lock(&r->rp_mtx);
		it->rc       = rc;
		it->err      = err;
		it->finished = true;
		pthread_cond_broadcast(&r->rp_cv);
		pthread_mutex_unlock(&r->rp_mtx);
		return; /* the caller frees it */
	}
	if (it->done != NULL) {
		it->done(it->arg, rc, rc < 0 ? &err : NULL);
	}
	replay_item_free(it);
}

static void *
replay_worker(void *arg)
{
	struct replay *r = arg;

	if (r->rp_on_connect != NULL) {
		struct exec_session s   = { &replay_session_ops, r };
		struct mlops_error  err = { 0 };

		(void) r->rp_on_connect(&s, r->rp_on_connect_arg, &err);
	}
	pthread_mutex_lock(&r->rp_mtx);
	r->rp_busy--; /* the connect hook */
	pthread_cond_broadcast(&r->rp_cv);
	for (;;) {
		struct replay_item *it;
		bool                stopping;

		while (r->rp_head == NULL && !r->rp_stop) {
			pthread_cond_wait(&r->rp_cv, &r->rp_mtx);
		}
		if (r->rp_head == NULL) {
			break;
		}
		it         = r->rp_head;
		r->rp_head = it->next;
		if (r->rp_head == NULL) {
			r->rp_tail = NULL;
		}
		stopping = r->rp_stop;
		pthread_mutex_unlock(&r->rp_mtx);
		replay_item_run(r, it, stopping);
		pthread_mutex_lock(&r->rp_mtx);
		r->rp_busy--;
		pthread_cond_broadcast(&r->rp_cv);
	}
	pthread_mutex_unlock(&r->rp_mtx);
	return NULL;
}

static int
replay_post(struct replay *r, struct replay_item *it, struct mlops_error *err)
{
	pthread_mutex_lock(&r->rp_mtx);
	if (r->rp_stop || !r->rp_started) {
		pthread_mutex_unlock(&r->rp_mtx);
		return mlops_error_set(err, MLOPS_ERROR, "not running");
	}
	if (r->rp_tail != NULL) {
		r->rp_tail->next = it;
	} else {
		r->rp_head = it;
	}
	r->rp_tail = it;
	r->rp_busy++;
	pthread_cond_broadcast(&r->rp_cv);
	pthread_mutex_unlock(&r->rp_mtx);
	return 0;
}

static int
replay_ex_run_async(void *impl, const char *const *argv,
    const struct exec_opts *opts, exec_run_cb cb, void *arg,
    struct mlops_error *err)
{
	struct replay_item *it = xcalloc(1, sizeof(*it));
	size_t              n  = 0;
	int                 rc;

	while (argv[n] != NULL) {
		n++;
	}
	it->kind = REPLAY_RUN;
	it->argv = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		it->argv[i] = xstrdup(argv[i]);
	}
	it->max_stdout = opts != NULL ? opts->max_stdout : 0;
	it->run_cb     = cb;
	it->arg        = arg;
	if ((rc = replay_post(impl, it, err)) < 0) {
		replay_item_free(it);
	}
	return rc;
}

static int
replay_ex_call_async(void *impl, exec_call_fn fn, exec_done_cb done, void *arg,
    struct mlops_error *err)
{
	struct replay_item *it = xcalloc(1, sizeof(*it));
	int                 rc;

	it->kind = REPLAY_CALL;
	it->fn   = fn;
	it->done = done;
	it->arg  = arg;
	if ((rc = replay_post(impl, it, err)) < 0) {
		replay_item_free(it);
	}
	return rc;
}

static int
replay_ex_call(void *impl, exec_call_fn fn, void *arg, struct mlops_error *err)
{
	struct replay      *r  = impl;
	struct replay_item *it = xcalloc(1, sizeof(*it));
	int                 rc;

	it->kind = REPLAY_CALL;
	it->fn   = fn;
	it->arg  = arg;
	it->sync = true;
	if ((rc = replay_post(r, it, err)) < 0) {
		replay_item_free(it);
		return rc;
	}
	pthread_mutex_lock(&r->rp_mtx);
	while (!it->finished) {
		pthread_cond_wait(&r->rp_cv, &r->rp_mtx);
	}
	pthread_mutex_unlock(&r->rp_mtx);
	rc = it->rc;
	if (rc < 0 && err != NULL) {
		*err = it->err;
	}
	replay_item_free(it);
	return rc;
}

static void
replay_ex_status(void *impl, struct exec_status *out)
{
	struct replay *r = impl;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&r->rp_mtx);
	out->state        = r->rp_down ? EXEC_UNREACHABLE : EXEC_CONNECTED;
	out->last_contact = r->rp_down ? 0 : 1;
	out->n_commands   = r->rp_ncmds;
	if (r->rp_down) {
		out->last_error_code = MLOPS_EUNREACHABLE;
		snprintf(out->last_error, sizeof(out->last_error), "%s",
		    r->rp_down_msg);
	}
	pthread_mutex_unlock(&r->rp_mtx);
	snprintf(out->host_key, sizeof(out->host_key), "SHA256:replay");
}

static void
replay_ex_kick(void *impl)
{
	(void) impl;
}

static int
replay_ex_fetch_hostkey(void *impl, char **fingerprint, char **keytype,
    int *known, struct mlops_error *err)
{
	(void) impl;
	(void) err;
	*fingerprint = xstrdup("SHA256:replay");
	*keytype     = xstrdup("ssh-ed25519");
	if (known != NULL) {
		*known = 1;
	}
	return 0;
}

static int
replay_ex_trust_hostkey(
    void *impl, const char *fingerprint, struct mlops_error *err)
{
	(void) impl;
	(void) fingerprint;
	(void) err;
	return 0;
}

static void
replay_ex_stop(void *impl)
{
	struct replay *r = impl;
	bool           join;

	pthread_mutex_lock(&r->rp_mtx);
	join       = r->rp_started && !r->rp_stop;
	r->rp_stop = true;
	pthread_cond_broadcast(&r->rp_cv);
	pthread_mutex_unlock(&r->rp_mtx);
	if (join) {
		pthread_join(r->rp_thread, NULL);
	}
}

static void
replay_ex_free(void *impl)
{
	(void) impl; /* the test owns the replay */
}

static const struct executor_ops replay_ops = {
	.run_async     = replay_ex_run_async,
	.call_async    = replay_ex_call_async,
	.call          = replay_ex_call,
	.status        = replay_ex_status,
	.kick          = replay_ex_kick,
	.fetch_hostkey = replay_ex_fetch_hostkey,
	.trust_hostkey = replay_ex_trust_hostkey,
	.stop          = replay_ex_stop,
	.free          = replay_ex_free,
};

struct executor *
replay_executor(
    struct replay *r, exec_call_fn on_connect, void *on_connect_arg)
{
	struct executor *ex = xcalloc(1, sizeof(*ex));

	ex->ops              = &replay_ops;
	ex->impl             = r;
	r->rp_on_connect     = on_connect;
	r->rp_on_connect_arg = on_connect_arg;
	r->rp_stop           = false;
	r->rp_started        = true;
	r->rp_busy++; /* the connect hook, until it ran */
	if (pthread_create(&r->rp_thread, NULL, replay_worker, r) != 0) {
		abort();
	}
	return ex;
}
