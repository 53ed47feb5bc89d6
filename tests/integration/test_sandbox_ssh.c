/*
 * sshpool + sshexec against the real SLURM sandbox (tests/sandbox/up):
 * connection, quoting, exit status, caps, timeouts, login shells, host
 * key refusal and trust, authentication, ~/.ssh/config, SFTP, loss and
 * recovery of a cluster, and connection reuse. Fails (never skips) when
 * the sandbox is not there.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "config.h"
#include "shquote.h"
#include "sshexec.h"
#include "sshpool.h"
#include "testutil.h"

/* What the sandbox offers, from $MLOPS_SANDBOX_DIR/sandbox.env. */
struct sbx {
	char    *dir;
	char    *user;
	char    *host;
	char    *key;
	char    *known_hosts;
	unsigned alpha_port;
	unsigned beta_port;
	char    *alpha_fp;   /* SHA256:... of alpha's host key */
	char    *alpha_line; /* alpha's known_hosts line, without the host */
	char    *tmp;        /* per-test scratch dir */
};

/* ---------------------------------------------------------- helpers */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000u, (long) (ms % 1000u) * 1000000L };

	nanosleep(&ts, NULL);
}

static char *
sbx_env_get(const char *text, const char *name)
{
	size_t      nl = strlen(name);
	const char *p  = text;

	while ((p = strstr(p, name)) != NULL) {
		bool at_line = p == text || p[-1] == ' ' || p[-1] == '\n';

		if (at_line && p[nl] == '=') {
			const char *v   = p + nl + 1;
			size_t      len = strcspn(v, "\n");

			if (len >= 2 && v[0] == '\'' && v[len - 1] == '\'') {
				return xstrndup(v + 1, len - 2);
			}
			return xstrndup(v, len);
		}
		p += nl;
	}
	return NULL;
}

static int
sbx_group_setup(void **state)
{
	const char *dir = getenv("MLOPS_SANDBOX_DIR");
	struct sbx *x   = xcalloc(1, sizeof(*x));
	char       *envp, *text, *v, *kh;

	x->dir = xstrdup(dir != NULL && *dir ? dir : "/var/tmp/mlops-sandbox");
	envp   = xasprintf("%s/sandbox.env", x->dir);
	text   = testutil_read(envp, NULL);
	if (text == NULL) {
		fprintf(stderr,
		    "FAIL: no SLURM sandbox: cannot read %s (run "
		    "tests/sandbox/up, or set MLOPS_SANDBOX_DIR)\n",
		    envp);
		free(envp);
		free(x->dir);
		free(x);
		return -1;
	}
	free(envp);
	x->user        = sbx_env_get(text, "MLOPS_SANDBOX_SSH_USER");
	x->host        = sbx_env_get(text, "MLOPS_SANDBOX_SSH_HOST");
	x->key         = sbx_env_get(text, "MLOPS_SANDBOX_CLIENT_KEY");
	x->known_hosts = sbx_env_get(text, "MLOPS_SANDBOX_KNOWN_HOSTS");
	x->alpha_fp
	    = sbx_env_get(text, "MLOPS_SANDBOX_ALPHA_HOST_KEY_FINGERPRINT");
	v             = sbx_env_get(text, "MLOPS_SANDBOX_ALPHA_SSH_PORT");
	x->alpha_port = v != NULL ? (unsigned) atoi(v) : 22221;
	free(v);
	v            = sbx_env_get(text, "MLOPS_SANDBOX_BETA_SSH_PORT");
	x->beta_port = v != NULL ? (unsigned) atoi(v) : 22222;
	free(v);
	v = sbx_env_get(text, "MLOPS_SANDBOX_ALPHA_HOST_KEY");
	free(text);
	if (x->user == NULL) {
		x->user = xstrdup("mlops");
	}
	if (x->host == NULL) {
		x->host = xstrdup("127.0.0.1");
	}
	if (x->key == NULL) {
		x->key = xasprintf("%s/client/id_ed25519", x->dir);
	}
	if (x->known_hosts == NULL) {
		x->known_hosts = xasprintf("%s/client/known_hosts", x->dir);
	}
	/* "ssh-ed25519 AAAA... comment" -> "ssh-ed25519 AAAA..." */
	if (v != NULL && (kh = testutil_read(v, NULL)) != NULL) {
		char *sp = strchr(kh, ' ');

		if (sp != NULL && (sp = strchr(sp + 1, ' ')) != NULL) {
			*sp = '\0';
		}
		kh[strcspn(kh, "\n")] = '\0';
		x->alpha_line         = kh;
	}
	free(v);
	if (x->alpha_line == NULL || x->alpha_fp == NULL) {
		fprintf(stderr, "FAIL: sandbox.env lacks alpha's host key\n");
		return -1;
	}
	*state = x;
	return 0;
}

static int
sbx_group_teardown(void **state)
{
	struct sbx *x = *state;

	if (x == NULL) {
		return 0;
	}
	free(x->dir);
	free(x->user);
	free(x->host);
	free(x->key);
	free(x->known_hosts);
	free(x->alpha_fp);
	free(x->alpha_line);
	free(x);
	return 0;
}

static int
sbx_setup(void **state)
{
	struct sbx *x = *state;

	x->tmp = testutil_mkdtemp("sshtest");
	return x->tmp == NULL ? -1 : 0;
}

static int
sbx_teardown(void **state)
{
	struct sbx *x = *state;

	testutil_rmtree(x->tmp);
	free(x->tmp);
	x->tmp = NULL;
	return 0;
}

/* A cluster entry as config.c would produce it; free with cc_fini(). */
static void
cc_init(struct cluster_config *cc, const struct sbx *x, const char *name,
    unsigned port)
{
	memset(cc, 0, sizeof(*cc));
	cc->name         = xstrdup(name);
	cc->host         = xasprintf("%s@%s", x->user, x->host);
	cc->user         = xstrdup(x->user);
	cc->hostname     = xstrdup(x->host);
	cc->port         = port;
	cc->ssh_key_path = xstrdup(x->key);
	cc->known_hosts  = xstrdup(x->known_hosts);
	cc->workspace    = xstrdup("~");
}

static void
cc_fini(struct cluster_config *cc)
{
	free(cc->name);
	free(cc->host);
	free(cc->user);
	free(cc->hostname);
	free(cc->ssh_key_path);
	free(cc->known_hosts);
	free(cc->workspace);
	memset(cc, 0, sizeof(*cc));
}

static void
cc_set(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

static void
fast_opts(struct sshpool_opts *o)
{
	sshpool_opts_init(o);
	o->connect_timeout_ms = 5000;
	o->backoff_initial_ms = 200;
	o->backoff_max_ms     = 1000;
	o->stop_timeout_ms    = 3000;
	o->default_timeout_ms = 30000;
}

static struct sshpool *
pool_start(const struct cluster_config *cc, const struct sshpool_opts *o)
{
	struct sshpool    *pool = NULL;
	struct mlops_error err  = { 0 };

	assert_int_equal(sshpool_new(&pool, cc, o, &err), 0);
	assert_int_equal(sshpool_start(pool, &err), 0);
	return pool;
}

/* Waits until the pool is in `want` (or left CONNECTING for good). */
static enum sshpool_state
pool_wait(struct sshpool *pool, enum sshpool_state want, unsigned max_ms,
    struct sshpool_status *st)
{
	uint64_t end = now_ms() + max_ms;

	for (;;) {
		sshpool_status(pool, st);
		if (st->state == want || now_ms() >= end) {
			return st->state;
		}
		sleep_ms(20);
	}
}

static void
pool_wait_settled(struct sshpool *pool, struct sshpool_status *st)
{
	uint64_t end = now_ms() + 15000;

	do {
		sshpool_status(pool, st);
		if ((st->state == SSHPOOL_CONNECTED
		        || st->state == SSHPOOL_UNREACHABLE)
		    && st->n_connect_attempts > 0) {
			return;
		}
		sleep_ms(20);
	} while (now_ms() < end);
	fail_msg("pool did not settle: %s", sshpool_state_name(st->state));
}

static int
run(struct sshpool *pool, struct sshexec_result *res,
    const struct sshexec_opts *o, struct mlops_error *err, ...)
{
	const char *argv[32];
	va_list     ap;
	size_t      n = 0;

	va_start(ap, err);
	while ((argv[n] = va_arg(ap, const char *)) != NULL) {
		n++;
		assert_true(n < 31);
	}
	va_end(ap);
	memset(res, 0, sizeof(*res));
	return sshpool_exec(pool, argv, o, res, err);
}

static char *
write_known_hosts(const struct sbx *x, const char *name, const char *text)
{
	assert_int_equal(testutil_write(x->tmp, name, text), 0);
	return xasprintf("%s/%s", x->tmp, name);
}

/* ------------------------------------------------------------ cases */

static void
test_connect_and_slurm_version(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_status st;
	struct sshexec_result res;
	struct mlops_error    err = { 0 };
	regex_t               re;

	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);
	cc_fini(&cc); /* the pool copied what it needs */
	assert_int_equal(
	    pool_wait(pool, SSHPOOL_CONNECTED, 15000, &st), SSHPOOL_CONNECTED);
	assert_int_equal(regcomp(&re, "^[0-9]+\\.[0-9]+", REG_EXTENDED), 0);
	assert_int_equal(regexec(&re, st.slurm_version, 0, NULL, 0), 0);
	regfree(&re);
	assert_true(st.slurm_major >= 17);
	assert_true(st.slurm_minor >= 0);
	assert_string_equal(st.last_error, "");
	assert_true(st.last_contact > 0);
	assert_string_equal(sshpool_name(pool), "alpha");

	assert_int_equal(
	    run(pool, &res, NULL, &err, "sinfo", "--version", NULL), 0);
	assert_int_equal(res.exit_status, 0);
	assert_non_null(strstr(res.stdout_buf, st.slurm_version));
	sshexec_result_fini(&res);

	assert_int_equal(run(pool, &res, NULL, &err, "hostname", NULL), 0);
	assert_string_equal(res.stdout_buf, "alpha-login\n");
	sshexec_result_fini(&res);
	sshpool_free(pool);
}

static void
test_exec_metacharacters_arrive_unchanged(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshexec_result res;
	struct mlops_error    err  = { 0 };
	struct strbuf         want = STRBUF_INIT;
	struct stat           sb;
	char                  hex[9];
	char                 *pwned, *a[12];
	const char           *argv[20];
	size_t                n = 0;

	snprintf(hex, sizeof(hex), "%08x", (unsigned) now_ms());
	pwned = xasprintf("/tmp/mlops-pwned-%d-%s", (int) getpid(), hex);
	a[0]  = xasprintf("$(touch %s)", pwned);
	a[1]  = xasprintf("`touch %s`", pwned);
	a[2]  = xasprintf("; touch %s", pwned);
	a[3]  = xasprintf("x && touch %s | cat", pwned);
	a[4]  = xasprintf("'\"; touch %s #", pwned);
	a[5]  = xasprintf("line1\nline2\ntouch %s", pwned);
	a[6]  = xstrdup("* ~ ? [a] {x,y} $HOME \\ \t");
	a[7]  = xstrdup("");
	a[8]  = xstrdup("-n");
	a[9]  = xstrdup("h\xc3\xa9llo \xe2\x9c\x93");
	a[10] = xstrdup("it's");
	a[11] = xstrdup("FOO=bar");

	argv[n++] = "printf";
	argv[n++] = "%s\\0";
	for (size_t i = 0; i < 12; i++) {
		argv[n++] = a[i];
		strbuf_append(&want, a[i], strlen(a[i]) + 1);
	}
	argv[n] = NULL;

	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);
	assert_int_equal(sshpool_exec(pool, argv, NULL, &res, &err), 0);
	assert_int_equal(res.exit_status, 0);
	assert_int_equal(res.stdout_len, want.len);
	assert_memory_equal(res.stdout_buf, want.buf, want.len);
	assert_int_equal(stat(pwned, &sb), -1); /* same host: check here */
	sshexec_result_fini(&res);

	/* the same through a login shell (quoted twice) */
	{
		struct sshexec_opts o;

		sshexec_opts_init(&o);
		o.login_shell = true;
		assert_int_equal(sshpool_exec(pool, argv, &o, &res, &err), 0);
		assert_int_equal(res.stdout_len, want.len);
		assert_memory_equal(res.stdout_buf, want.buf, want.len);
		assert_int_equal(stat(pwned, &sb), -1);
		sshexec_result_fini(&res);
	}
	sshpool_free(pool);
	cc_fini(&cc);
	for (size_t i = 0; i < 12; i++) {
		free(a[i]);
	}
	free(pwned);
	strbuf_fini(&want);
}

static void
test_exec_stderr_exit_status_and_signal(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshexec_result res;
	struct mlops_error    err = { 0 };

	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);
	assert_int_equal(run(pool, &res, NULL, &err, "sh", "-c",
	                     "echo out; echo e >&2; exit 3", NULL),
	    0);
	assert_int_equal(res.exit_status, 3);
	assert_string_equal(res.exit_signal, "");
	assert_string_equal(res.stdout_buf, "out\n");
	assert_int_equal(res.stdout_len, 4);
	assert_string_equal(res.stderr_buf, "e\n");
	assert_false(res.stdout_truncated);
	sshexec_result_fini(&res);

	assert_int_equal(
	    run(pool, &res, NULL, &err, "sh", "-c", "kill -KILL $$", NULL), 0);
	assert_int_equal(res.exit_status, -1);
	assert_string_equal(res.exit_signal, "KILL");
	sshexec_result_fini(&res);

	assert_int_equal(
	    run(pool, &res, NULL, &err, "no-such-command-mlops", NULL), 0);
	assert_int_equal(res.exit_status, 127);
	assert_non_null(strstr(res.stderr_buf, "not found"));
	sshexec_result_fini(&res);
	sshpool_free(pool);
	cc_fini(&cc);
}

static void
test_exec_output_caps_and_stdin(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshexec_result res;
	struct sshexec_opts   o;
	struct mlops_error    err = { 0 };
	char                 *data;
	const size_t          big = 3u * 1024u * 1024u;

	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);

	sshexec_opts_init(&o);
	o.max_stdout = 1000;
	o.max_stderr = 10;
	assert_int_equal(run(pool, &res, &o, &err, "sh", "-c",
	                     "head -c 200000 /dev/zero | tr '\\0' x; "
	                     "echo 0123456789abcdef >&2",
	                     NULL),
	    0);
	assert_int_equal(res.exit_status, 0); /* drained: head completed */
	assert_int_equal(res.stdout_len, 1000);
	assert_true(res.stdout_truncated);
	assert_int_equal(strlen(res.stdout_buf), 1000);
	assert_int_equal(res.stderr_len, 10);
	assert_string_equal(res.stderr_buf, "0123456789");
	assert_true(res.stderr_truncated);
	sshexec_result_fini(&res);

	/* 5 MB uncapped: the window keeps moving with callbacks */
	assert_int_equal(run(pool, &res, NULL, &err, "sh", "-c",
	                     "head -c 5000000 /dev/zero", NULL),
	    0);
	assert_int_equal(res.stdout_len, 5000000);
	assert_false(res.stdout_truncated);
	sshexec_result_fini(&res);

	/* stdin: 3 MB with NUL bytes, echoed back byte for byte */
	data = xmalloc(big);
	for (size_t i = 0; i < big; i++) {
		data[i] = (char) (i * 7 + i / 1000);
	}
	sshexec_opts_init(&o);
	o.stdin_data = data;
	o.stdin_len  = big;
	assert_int_equal(run(pool, &res, &o, &err, "cat", NULL), 0);
	assert_int_equal(res.stdout_len, big);
	assert_memory_equal(res.stdout_buf, data, big);
	sshexec_result_fini(&res);
	free(data);

	/* no stdin: EOF at once, so `cat` ends */
	sshexec_opts_init(&o);
	o.timeout_ms = 5000;
	assert_int_equal(run(pool, &res, &o, &err, "cat", NULL), 0);
	assert_int_equal(res.stdout_len, 0);
	assert_string_equal(res.stdout_buf, "");
	sshexec_result_fini(&res);
	sshpool_free(pool);
	cc_fini(&cc);
}

static void
test_exec_timeout_keeps_session(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_status st;
	struct sshexec_result res;
	struct sshexec_opts   o;
	struct mlops_error    err = { 0 };
	uint64_t              t0;

	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);
	sshexec_opts_init(&o);
	o.timeout_ms = 500;
	t0           = now_ms();
	assert_int_equal(
	    run(pool, &res, &o, &err, "sleep", "10", NULL), MLOPS_ETIMEDOUT);
	assert_int_equal(err.code, MLOPS_ETIMEDOUT);
	assert_true(now_ms() - t0 < 3000 + 5000 /* includes connect */);
	assert_null(res.stdout_buf);

	t0 = now_ms();
	assert_int_equal(
	    run(pool, &res, &o, &err, "echo", "still here", NULL), 0);
	assert_true(now_ms() - t0 < 2000);
	assert_string_equal(res.stdout_buf, "still here\n");
	sshexec_result_fini(&res);
	sshpool_status(pool, &st);
	assert_int_equal(st.state, SSHPOOL_CONNECTED);
	assert_int_equal(st.n_connects, 1);
	sshpool_free(pool);
	cc_fini(&cc);
}

/* sshpool_call work: installs (and later removes) a ~/.bash_profile for
 * mlops that is noisy only while a flag file of this test exists, so
 * nobody else's login shell ever sees the noise. */
struct profile_job {
	const char *flag;
	bool        installed;
	bool        remove;
};

static const char profile_tag[]
    = "# mlops test_sandbox_ssh: temporary, removed by the test\n";

static int
profile_fn(
    ssh_session s, sftp_session sftp, void *arg, struct mlops_error *err)
{
	struct profile_job *job = arg;
	struct strbuf       cur = STRBUF_INIT;
	char               *text;
	int                 rc;

	if (sftp == NULL) {
		return mlops_error_set(err, MLOPS_ERROR, "no sftp");
	}
	rc = sshexec_sftp_read_range(
	    &cur, NULL, sftp, "~/.bash_profile", 0, 4096, err);
	if (job->remove) {
		if (rc == 0 && strstr(strbuf_str(&cur), profile_tag) != NULL) {
			sftp_unlink(sftp, ".bash_profile");
		}
		strbuf_fini(&cur);
		return 0;
	}
	if (rc == 0 && strstr(strbuf_str(&cur), profile_tag) == NULL) {
		strbuf_fini(&cur);
		return 0; /* somebody's own profile: leave it alone */
	}
	strbuf_fini(&cur);
	if (rc < 0 && rc != MLOPS_ENOTFOUND) {
		return rc;
	}
	/* absent, or ours left over by a crashed run: (re)write it */
	text = xasprintf("%s"
	                 "[ -f ~/.profile ] && . ~/.profile\n"
	                 "if [ -e %s ]; then\n"
	                 "  echo 'Welcome to alpha-login! (MOTD noise)'\n"
	                 "  printf 'no newline at the end'\n"
	                 "  echo 'profile noise on stderr' >&2\n"
	                 "fi\n",
	    profile_tag, job->flag);
	rc   = sshexec_sftp_write_file(
	      s, sftp, "~/.bash_profile", text, strlen(text), 0644, err);
	free(text);
	job->installed = rc == 0;
	return rc;
}

static void
test_login_shell_strips_profile_noise(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshexec_result res;
	struct sshexec_opts   o;
	struct mlops_error    err = { 0 };
	struct profile_job    job = { 0 };
	char                 *flag;

	flag = xasprintf("/tmp/mlops-login-noise-%d", (int) getpid());
	cc_init(&cc, x, "alpha", x->alpha_port);
	pool     = pool_start(&cc, NULL);
	job.flag = flag;
	assert_int_equal(sshpool_call(pool, profile_fn, &job, &err), 0);
	assert_int_equal(
	    testutil_sh("touch %s && chmod 644 %s", flag, flag), 0);

	sshexec_opts_init(&o);
	o.login_shell = true;
	if (!job.installed) {
		print_message(
		    "~/.bash_profile of %s exists: not made noisy\n", x->user);
	} else {
		/* the raw login shell really is noisy */
		assert_int_equal(run(pool, &res, NULL, &err, "bash", "-lc",
		                     "echo payload", NULL),
		    0);
		assert_non_null(strstr(res.stdout_buf, "MOTD noise"));
		assert_non_null(strstr(res.stderr_buf, "profile noise"));
		sshexec_result_fini(&res);
	}
	assert_int_equal(run(pool, &res, &o, &err, "sh", "-c",
	                     "echo payload; echo err-payload >&2", NULL),
	    0);
	assert_string_equal(res.stdout_buf, "payload\n");
	assert_string_equal(res.stderr_buf, "err-payload\n");
	sshexec_result_fini(&res);

	/* it is a login shell, and marker-like text is left alone */
	assert_int_equal(run(pool, &res, &o, &err, "bash", "-c",
	                     "shopt -q login_shell && echo login || echo no; "
	                     "printf '%s\\n' mlops-marker-00000000 tail",
	                     NULL),
	    0);
	/* bash -c inside the login shell is not itself a login shell */
	assert_string_equal(
	    res.stdout_buf, "no\nmlops-marker-00000000\ntail\n");
	sshexec_result_fini(&res);
	assert_int_equal(
	    run(pool, &res, &o, &err, "shopt", "login_shell", NULL), 0);
	assert_non_null(strstr(res.stdout_buf, "on"));
	sshexec_result_fini(&res);

	/* stdin passes through the wrapper */
	o.stdin_data = "via stdin\n";
	o.stdin_len  = 10;
	assert_int_equal(run(pool, &res, &o, &err, "cat", NULL), 0);
	assert_string_equal(res.stdout_buf, "via stdin\n");
	assert_string_equal(res.stderr_buf, "");
	sshexec_result_fini(&res);

	/* use_login_shell on the cluster turns it on for every command */
	{
		struct sshpool *lp;

		cc.use_login_shell = true;
		lp                 = pool_start(&cc, NULL);
		assert_int_equal(
		    run(lp, &res, NULL, &err, "echo", "clean", NULL), 0);
		assert_string_equal(res.stdout_buf, "clean\n");
		assert_string_equal(res.stderr_buf, "");
		sshexec_result_fini(&res);
		sshpool_free(lp);
	}

	unlink(flag);
	job.remove = true;
	assert_int_equal(sshpool_call(pool, profile_fn, &job, &err), 0);
	sshpool_free(pool);
	cc_fini(&cc);
	free(flag);
}

struct call_flag {
	int called;
};

static int
flag_fn(ssh_session s, sftp_session sftp, void *arg, struct mlops_error *err)
{
	struct call_flag *f = arg;

	(void) s;
	(void) sftp;
	(void) err;
	f->called++;
	return 0;
}

static void
test_hostkey_unknown_is_refused(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_status st;
	struct sshexec_result res;
	struct mlops_error    err  = { 0 };
	struct call_flag      flag = { 0 };
	char                 *kh, *fp = NULL, *type = NULL;
	int                   known = 9;
	uint64_t              t0;

	kh = write_known_hosts(x, "empty_known_hosts", "");
	cc_init(&cc, x, "alpha", x->alpha_port);
	cc_set(&cc.known_hosts, kh);

	assert_int_equal(
	    sshpool_fetch_hostkey(&fp, &type, &known, &cc, &err), 0);
	assert_string_equal(fp, x->alpha_fp);
	assert_string_equal(type, "ssh-ed25519");
	assert_int_equal(known, 0);

	pool = pool_start(&cc, NULL);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.state, SSHPOOL_UNREACHABLE);
	assert_int_equal(st.last_error_code, MLOPS_EHOSTKEY);
	assert_non_null(strstr(st.last_error, "is not known"));
	assert_non_null(strstr(st.last_error, x->alpha_fp));
	assert_non_null(strstr(st.last_error, "mlops cluster trust alpha"));
	assert_string_equal(st.slurm_version, ""); /* nothing ran */
	assert_int_equal(st.n_connects, 0);

	t0 = now_ms();
	assert_int_equal(
	    run(pool, &res, NULL, &err, "true", NULL), MLOPS_EHOSTKEY);
	assert_true(now_ms() - t0 < 1500);
	assert_non_null(strstr(err.msg, "SHA256:"));
	assert_int_equal(
	    sshpool_call(pool, flag_fn, &flag, &err), MLOPS_EHOSTKEY);
	assert_int_equal(flag.called, 0);
	sshpool_status(pool, &st);
	assert_int_equal(st.n_commands, 0);
	sshpool_free(pool);

	/* a missing known_hosts file is refused the same way */
	cc_set(&cc.known_hosts, "/nonexistent/mlops/known_hosts");
	pool = pool_start(&cc, NULL);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.last_error_code, MLOPS_EHOSTKEY);
	assert_non_null(strstr(st.last_error, "SHA256:"));
	sshpool_free(pool);

	cc_fini(&cc);
	free(kh);
	free(fp);
	free(type);
}

static void
test_hostkey_changed_is_refused(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_status st;
	struct mlops_error    err = { 0 };
	char                 *kh, *text, *pub, *fp = NULL, *type = NULL;
	char                 *keyf;
	int                   known = 9;

	/* another ed25519 key, listed for alpha's host:port */
	keyf = xasprintf("%s/otherkey", x->tmp);
	assert_int_equal(
	    testutil_sh("ssh-keygen -q -t ed25519 -N '' -f %s", keyf), 0);
	text = xasprintf("%s.pub", keyf);
	pub  = testutil_read(text, NULL);
	free(text);
	assert_non_null(pub);
	text = xasprintf("[%s]:%u %s", x->host, x->alpha_port, pub);
	kh   = write_known_hosts(x, "changed_known_hosts", text);
	free(text);

	cc_init(&cc, x, "alpha", x->alpha_port);
	cc_set(&cc.known_hosts, kh);
	assert_int_equal(
	    sshpool_fetch_hostkey(&fp, &type, &known, &cc, &err), 0);
	assert_int_equal(known, -1);

	pool = pool_start(&cc, NULL);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.state, SSHPOOL_UNREACHABLE);
	assert_int_equal(st.last_error_code, MLOPS_EHOSTKEY);
	assert_non_null(strstr(st.last_error, "HOST KEY CHANGED"));
	assert_non_null(strstr(st.last_error, x->alpha_fp));
	assert_non_null(strstr(st.last_error, kh));
	assert_string_equal(st.slurm_version, "");
	sshpool_free(pool);

	/* trust refuses to paper over a changed key */
	assert_int_equal(
	    sshpool_trust_hostkey(&cc, x->alpha_fp, &err), MLOPS_EHOSTKEY);
	assert_non_null(strstr(err.msg, "remove the old entry"));

	/* only a key of another type is known (libssh: KNOWN_HOSTS_OTHER) */
	free(keyf);
	free(pub);
	free(kh);
	keyf = xasprintf("%s/ecdsakey", x->tmp);
	assert_int_equal(
	    testutil_sh("ssh-keygen -q -t ecdsa -N '' -f %s", keyf), 0);
	text = xasprintf("%s.pub", keyf);
	pub  = testutil_read(text, NULL);
	free(text);
	assert_non_null(pub);
	text = xasprintf("[%s]:%u %s", x->host, x->alpha_port, pub);
	kh   = write_known_hosts(x, "other_known_hosts", text);
	free(text);
	cc_set(&cc.known_hosts, kh);
	pool = pool_start(&cc, NULL);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.last_error_code, MLOPS_EHOSTKEY);
	assert_non_null(strstr(st.last_error, "CHANGED"));
	assert_non_null(strstr(st.last_error, x->alpha_fp));
	sshpool_free(pool);

	cc_fini(&cc);
	free(kh);
	free(pub);
	free(keyf);
	free(fp);
	free(type);
}

static void
test_trust_adds_key_then_connects(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_status st;
	struct sshexec_result res;
	struct mlops_error    err = { 0 };
	char                 *kh, *text, *fp = NULL, *type = NULL;
	int                   known = 9;

	/* a known_hosts that does not exist yet, in a missing directory */
	kh = xasprintf("%s/sub/dir/known_hosts", x->tmp);
	cc_init(&cc, x, "alpha", x->alpha_port);
	cc_set(&cc.known_hosts, kh);

	assert_int_equal(
	    sshpool_fetch_hostkey(&fp, &type, &known, &cc, &err), 0);
	assert_int_equal(known, 0);
	assert_string_equal(fp, x->alpha_fp);

	/* a fingerprint other than the one confirmed: refused */
	assert_int_equal(
	    sshpool_trust_hostkey(&cc,
	        "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &err),
	    MLOPS_EHOSTKEY);
	assert_null(testutil_read(kh, NULL));

	assert_int_equal(sshpool_trust_hostkey(&cc, fp, &err), 0);
	text = testutil_read(kh, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "ssh-ed25519"));
	free(text);
	/* trusting again is a no-op success */
	assert_int_equal(sshpool_trust_hostkey(&cc, fp, &err), 0);

	pool = pool_start(&cc, NULL);
	assert_int_equal(
	    pool_wait(pool, SSHPOOL_CONNECTED, 15000, &st), SSHPOOL_CONNECTED);
	assert_int_equal(
	    run(pool, &res, NULL, &err, "echo", "trusted", NULL), 0);
	assert_string_equal(res.stdout_buf, "trusted\n");
	sshexec_result_fini(&res);
	sshpool_free(pool);

	/* the flow after a refusal: pool refuses, trust, kick, connected */
	free(kh);
	kh = write_known_hosts(x, "kick_known_hosts", "");
	cc_set(&cc.known_hosts, kh);
	{
		struct sshpool_opts o;

		sshpool_opts_init(&o);
		o.backoff_initial_ms = 30000; /* only a kick brings it back */
		pool                 = pool_start(&cc, &o);
	}
	pool_wait_settled(pool, &st);
	assert_int_equal(st.last_error_code, MLOPS_EHOSTKEY);
	assert_int_equal(sshpool_trust_hostkey(&cc, fp, &err), 0);
	sshpool_kick(pool);
	assert_int_equal(
	    pool_wait(pool, SSHPOOL_CONNECTED, 10000, &st), SSHPOOL_CONNECTED);
	sshpool_free(pool);

	cc_fini(&cc);
	free(kh);
	free(fp);
	free(type);
}

static void
test_bad_key_is_eauth(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_status st;
	struct sshexec_result res;
	struct mlops_error    err = { 0 };
	char                 *keyf, *who;

	keyf = xasprintf("%s/stranger", x->tmp);
	assert_int_equal(
	    testutil_sh("ssh-keygen -q -t ed25519 -N '' -f %s", keyf), 0);
	who = xasprintf("%s@%s:%u", x->user, x->host, x->alpha_port);

	cc_init(&cc, x, "alpha", x->alpha_port);
	cc_set(&cc.ssh_key_path, keyf);
	pool = pool_start(&cc, NULL);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.state, SSHPOOL_UNREACHABLE);
	assert_int_equal(st.last_error_code, MLOPS_EAUTH);
	assert_non_null(strstr(st.last_error, who));
	assert_int_equal(
	    run(pool, &res, NULL, &err, "true", NULL), MLOPS_EAUTH);
	assert_non_null(strstr(err.msg, who));
	sshpool_free(pool);

	/* a key file that is not there */
	cc_set(&cc.ssh_key_path, "/nonexistent/id_ed25519");
	pool = pool_start(&cc, NULL);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.last_error_code, MLOPS_EAUTH);
	assert_non_null(strstr(st.last_error, "/nonexistent/id_ed25519"));
	sshpool_free(pool);

	cc_fini(&cc);
	free(keyf);
	free(who);
}

static void
test_ssh_config_alias(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_status st;
	struct sshexec_result res;
	struct mlops_error    err      = { 0 };
	char                 *old_home = NULL, *old_sock = NULL, *text, *kh;
	const char           *h    = getenv("HOME");
	const char           *sock = getenv("SSH_AUTH_SOCK");

	old_home = h != NULL ? xstrdup(h) : NULL;
	old_sock = sock != NULL ? xstrdup(sock) : NULL;
	text     = xasprintf("Host myalias\n"
	                         "  HostName %s\n"
	                         "  Port %u\n"
	                         "  User %s\n"
	                         "  IdentityFile %s\n"
	                         "Host *\n"
	                         "  Port 1\n"
	                         "  User nobody-from-star\n",
	        x->host, x->alpha_port, x->user, x->key);
	assert_int_equal(testutil_write(x->tmp, ".ssh/config", text), 0);
	free(text);
	/* the default known_hosts of this HOME */
	kh = testutil_read(x->known_hosts, NULL);
	assert_non_null(kh);
	assert_int_equal(testutil_write(x->tmp, ".ssh/known_hosts", kh), 0);
	free(kh);
	setenv("HOME", x->tmp, 1);
	unsetenv("SSH_AUTH_SOCK");

	/* host is the alias; everything else comes from ~/.ssh/config */
	memset(&cc, 0, sizeof(cc));
	cc.name     = xstrdup("aliased");
	cc.host     = xstrdup("myalias");
	cc.hostname = xstrdup("myalias");
	pool        = pool_start(&cc, NULL);
	assert_int_equal(
	    pool_wait(pool, SSHPOOL_CONNECTED, 15000, &st), SSHPOOL_CONNECTED);
	assert_int_equal(run(pool, &res, NULL, &err, "id", "-un", NULL), 0);
	assert_string_equal(res.stdout_buf, "mlops\n");
	sshexec_result_fini(&res);
	sshpool_free(pool);

	/* explicit cluster keys win over the config: port */
	cc.port = 1;
	pool    = pool_start(&cc, NULL);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.last_error_code, MLOPS_EUNREACHABLE);
	assert_non_null(strstr(st.last_error, ":1"));
	sshpool_free(pool);
	/* ... and user */
	cc.port = 0;
	cc.user = xstrdup("root");
	pool    = pool_start(&cc, NULL);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.last_error_code, MLOPS_EAUTH);
	assert_non_null(strstr(st.last_error, "root@"));
	sshpool_free(pool);

	if (old_home != NULL) {
		setenv("HOME", old_home, 1);
	}
	if (old_sock != NULL) {
		setenv("SSH_AUTH_SOCK", old_sock, 1);
	}
	free(old_home);
	free(old_sock);
	cc_fini(&cc);
}

/* SFTP round trip, run on the pool's worker. */
struct sftp_job {
	char *dir;
	int   step_failed;
	char  why[600];
};

#define SFTP_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			snprintf(job->why, sizeof(job->why), "%d: %s: %s", \
			    __LINE__, #cond, err->msg);                    \
			job->step_failed = __LINE__;                       \
			goto out;                                          \
		}                                                          \
	} while (0)

static int
sftp_fn(ssh_session s, sftp_session sftp, void *arg, struct mlops_error *err)
{
	struct sftp_job      *job  = arg;
	struct strbuf         got  = STRBUF_INIT;
	struct sshexec_result res  = { 0 };
	char                 *deep = NULL, *file = NULL, *abs = NULL;
	char                 *data = NULL;
	const size_t          n    = 200000;
	uint64_t              size = 0;
	const char           *argv[4];

	SFTP_CHECK(sftp != NULL);
	deep = xasprintf("~/%s/a/b//c/", job->dir);
	file = xasprintf("~/%s/a/b/c/data.bin", job->dir);
	SFTP_CHECK(sshexec_sftp_mkdir_p(sftp, deep, 0755, err) == 0);
	SFTP_CHECK(sshexec_sftp_mkdir_p(sftp, deep, 0755, err) == 0);

	data = xmalloc(n);
	for (size_t i = 0; i < n; i++) {
		data[i] = (char) (i % 251);
	}
	SFTP_CHECK(
	    sshexec_sftp_write_file(s, sftp, file, data, n, 0640, err) == 0);
	SFTP_CHECK(sshexec_sftp_stat_size(&size, sftp, file, err) == 0);
	SFTP_CHECK(size == n);
	SFTP_CHECK(
	    sshexec_sftp_read_range(&got, &size, sftp, file, 0, n + 10, err)
	    == 0);
	SFTP_CHECK(got.len == n && memcmp(got.buf, data, n) == 0);
	strbuf_reset(&got);
	SFTP_CHECK(
	    sshexec_sftp_read_range(&got, &size, sftp, file, 1000, 20, err)
	    == 0);
	SFTP_CHECK(got.len == 20 && memcmp(got.buf, data + 1000, 20) == 0);
	strbuf_reset(&got);
	SFTP_CHECK(
	    sshexec_sftp_read_range(&got, &size, sftp, file, n + 5, 20, err)
	    == 0);
	SFTP_CHECK(got.len == 0 && size == n);

	/* mode is exact, umask or not */
	abs     = xasprintf("%s/a/b/c/data.bin", job->dir);
	argv[0] = "stat";
	argv[1] = "-c%a";
	argv[2] = abs;
	argv[3] = NULL;
	SFTP_CHECK(sshexec_run(&res, s, argv, NULL, err) == 0);
	SFTP_CHECK(strcmp(res.stdout_buf, "640\n") == 0);
	sshexec_result_fini(&res);

	/* replacing an existing file (the mv path); no temp files left */
	SFTP_CHECK(
	    sshexec_sftp_write_file(s, sftp, file, "new", 3, 0755, err) == 0);
	strbuf_reset(&got);
	SFTP_CHECK(
	    sshexec_sftp_read_range(&got, &size, sftp, file, 0, 100, err)
	    == 0);
	SFTP_CHECK(got.len == 3 && memcmp(got.buf, "new", 3) == 0);
	argv[0] = "ls";
	argv[1] = "-A";
	argv[2] = deep + 2; /* relative to the login dir */
	SFTP_CHECK(sshexec_run(&res, s, argv, NULL, err) == 0);
	SFTP_CHECK(strcmp(res.stdout_buf, "data.bin\n") == 0);
	sshexec_result_fini(&res);

	/* absent files */
	SFTP_CHECK(sshexec_sftp_stat_size(&size, sftp, "~/no/such/file", err)
	    == MLOPS_ENOTFOUND);
	SFTP_CHECK(sshexec_sftp_read_range(
	               &got, NULL, sftp, "no-such-file", 0, 10, err)
	    == MLOPS_ENOTFOUND);
	/* a file in the way of mkdir -p */
	SFTP_CHECK(
	    sshexec_sftp_mkdir_p(sftp, file, 0755, err) == MLOPS_EEXISTS);
	/* parent missing */
	free(abs);
	abs = xasprintf("~/%s/missing/x", job->dir);
	SFTP_CHECK(sshexec_sftp_write_file(s, sftp, abs, "x", 1, 0644, err)
	    == MLOPS_ENOTFOUND);

out:
	argv[0] = "rm";
	argv[1] = "-rf";
	argv[2] = job->dir;
	argv[3] = NULL;
	sshexec_run(&res, s, argv, NULL, NULL);
	sshexec_result_fini(&res);
	strbuf_fini(&got);
	free(deep);
	free(file);
	free(abs);
	free(data);
	return job->step_failed ? MLOPS_ERROR : 0;
}

static void
test_sftp_helpers(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct mlops_error    err = { 0 };
	struct sftp_job       job = { 0 };

	job.dir = xasprintf(
	    "mlops-sftp-test-%d-%u", (int) getpid(), (unsigned) now_ms());
	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);
	if (sshpool_call(pool, sftp_fn, &job, &err) != 0) {
		fail_msg("sftp step at line %d: %s", job.step_failed, job.why);
	}
	/* the cached SFTP session serves a second call */
	job.step_failed = 0;
	if (sshpool_call(pool, sftp_fn, &job, &err) != 0) {
		fail_msg("sftp step at line %d: %s", job.step_failed, job.why);
	}
	sshpool_free(pool);
	cc_fini(&cc);
	free(job.dir);
}

/* ---- a TCP forwarder we can cut, to make alpha vanish and return ---- */

struct proxy {
	unsigned        port;
	unsigned        target;
	int             lfd;
	int             wake[2];
	int             fds[64][2];
	size_t          n;
	pthread_t       thr;
	pthread_mutex_t mtx;
	pthread_cond_t  cv;
	char            cmd; /* 'd' down, 'u' up, 'q' quit; 0 done */
};

static int
proxy_listen(unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t          len = sizeof(sa);
	int                fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family      = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port        = htons((uint16_t) *port);
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0
	    || listen(fd, 16) != 0) {
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *) &sa, &len);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void
proxy_close_all(struct proxy *p)
{
	for (size_t i = 0; i < p->n; i++) {
		close(p->fds[i][0]);
		close(p->fds[i][1]);
	}
	p->n = 0;
}

static void *
proxy_main(void *arg)
{
	struct proxy *p = arg;
	struct pollfd pf[2 + 128];
	char          buf[65536];

	for (;;) {
		size_t np = 0;

		pf[np++]
		    = (struct pollfd) { .fd = p->wake[0], .events = POLLIN };
		pf[np++] = (struct pollfd) { .fd = p->lfd, .events = POLLIN };
		for (size_t i = 0; i < p->n; i++) {
			pf[np++] = (struct pollfd) { .fd = p->fds[i][0],
				.events                  = POLLIN };
			pf[np++] = (struct pollfd) { .fd = p->fds[i][1],
				.events                  = POLLIN };
		}
		if (poll(pf, np, -1) < 0) {
			continue;
		}
		if (pf[0].revents) {
			char c;

			if (read(p->wake[0], &c, 1) == 1) {
				pthread_mutex_lock(&p->mtx);
				if (c == 'd' || c == 'q') {
					proxy_close_all(p);
					if (p->lfd >= 0) {
						close(p->lfd);
						p->lfd = -1;
					}
				} else if (c == 'u' && p->lfd < 0) {
					p->lfd = proxy_listen(&p->port);
				}
				p->cmd = 0;
				pthread_cond_broadcast(&p->cv);
				pthread_mutex_unlock(&p->mtx);
				if (c == 'q') {
					return NULL;
				}
			}
			continue;
		}
		if (p->lfd >= 0 && pf[1].revents & POLLIN) {
			int                a = accept(p->lfd, NULL, NULL);
			int                b;
			struct sockaddr_in sa;

			if (a < 0) {
				continue;
			}
			b = socket(AF_INET, SOCK_STREAM, 0);
			memset(&sa, 0, sizeof(sa));
			sa.sin_family      = AF_INET;
			sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			sa.sin_port        = htons((uint16_t) p->target);
			if (p->n >= 64
			    || connect(b, (struct sockaddr *) &sa, sizeof(sa))
			        != 0) {
				close(a);
				close(b);
				continue;
			}
			p->fds[p->n][0] = a;
			p->fds[p->n][1] = b;
			p->n++;
			continue;
		}
		for (size_t i = 0; i < p->n; i++) {
			for (int side = 0; side < 2; side++) {
				struct pollfd *q = &pf[2 + 2 * i + side];
				ssize_t        r;

				if (!q->revents) {
					continue;
				}
				r = read(q->fd, buf, sizeof(buf));
				if (r <= 0
				    || write(p->fds[i][!side], buf, (size_t) r)
				        != r) {
					close(p->fds[i][0]);
					close(p->fds[i][1]);
					p->fds[i][0] = p->fds[p->n - 1][0];
					p->fds[i][1] = p->fds[p->n - 1][1];
					p->n--;
					goto next_round;
				}
			}
		}
	next_round:;
	}
}

static void
proxy_cmd(struct proxy *p, char c)
{
	pthread_mutex_lock(&p->mtx);
	p->cmd = c;
	assert_int_equal(write(p->wake[1], &c, 1), 1);
	while (p->cmd != 0) {
		pthread_cond_wait(&p->cv, &p->mtx);
	}
	pthread_mutex_unlock(&p->mtx);
}

static void
test_unreachable_then_reconnects_while_other_cluster_answers(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config ca, cb;
	struct sshpool       *pa, *pb;
	struct sshpool_opts   o;
	struct sshpool_status st;
	struct sshexec_result res;
	struct mlops_error    err = { 0 };
	struct proxy          px;
	char                 *line, *kh;
	uint64_t              t0, t_down;

	memset(&px, 0, sizeof(px));
	px.target = x->alpha_port;
	px.lfd    = proxy_listen(&px.port);
	assert_true(px.lfd >= 0);
	assert_int_equal(pipe(px.wake), 0);
	pthread_mutex_init(&px.mtx, NULL);
	pthread_cond_init(&px.cv, NULL);
	assert_int_equal(pthread_create(&px.thr, NULL, proxy_main, &px), 0);

	/* alpha's key, known under the proxy's host:port */
	line = xasprintf("[%s]:%u %s\n", x->host, px.port, x->alpha_line);
	kh   = write_known_hosts(x, "proxy_known_hosts", line);
	free(line);
	cc_init(&ca, x, "alpha-via-proxy", px.port);
	cc_set(&ca.known_hosts, kh);
	cc_init(&cb, x, "beta", x->beta_port);

	fast_opts(&o);
	o.keepalive_s = 1;
	pa            = pool_start(&ca, &o);
	pb            = pool_start(&cb, &o);
	assert_int_equal(
	    pool_wait(pa, SSHPOOL_CONNECTED, 15000, &st), SSHPOOL_CONNECTED);
	assert_int_equal(
	    pool_wait(pb, SSHPOOL_CONNECTED, 15000, &st), SSHPOOL_CONNECTED);
	assert_int_equal(run(pa, &res, NULL, &err, "hostname", NULL), 0);
	assert_string_equal(res.stdout_buf, "alpha-login\n");
	sshexec_result_fini(&res);

	/* alpha goes away: the idle probe notices within ~1-2 s */
	proxy_cmd(&px, 'd');
	t_down = now_ms();
	assert_int_equal(pool_wait(pa, SSHPOOL_UNREACHABLE, 8000, &st),
	    SSHPOOL_UNREACHABLE);
	assert_true(st.last_error[0] != '\0');
	assert_int_equal(st.last_error_code, MLOPS_EUNREACHABLE);
	print_message("alpha unreachable after %llu ms: %s\n",
	    (unsigned long long) (now_ms() - t_down), st.last_error);

	/* work for alpha fails fast; beta answers as usual meanwhile */
	for (int i = 0; i < 5; i++) {
		t0 = now_ms();
		assert_int_equal(run(pa, &res, NULL, &err, "true", NULL),
		    MLOPS_EUNREACHABLE);
		assert_true(err.msg[0] != '\0');
		assert_true(now_ms() - t0 < 1500);

		t0 = now_ms();
		assert_int_equal(
		    run(pb, &res, NULL, &err, "hostname", NULL), 0);
		assert_string_equal(res.stdout_buf, "beta-login\n");
		assert_true(now_ms() - t0 < 1500);
		sshexec_result_fini(&res);
		sleep_ms(300);
	}
	sshpool_status(pa, &st);
	assert_int_equal(st.state, SSHPOOL_UNREACHABLE);
	assert_true(st.next_retry_ms <= o.backoff_max_ms);

	/* alpha is back: reconnects by itself within the backoff ceiling */
	proxy_cmd(&px, 'u');
	t0 = now_ms();
	assert_int_equal(
	    pool_wait(pa, SSHPOOL_CONNECTED,
	        o.backoff_max_ms + o.connect_timeout_ms + 1000, &st),
	    SSHPOOL_CONNECTED);
	print_message("alpha back after %llu ms\n",
	    (unsigned long long) (now_ms() - t0));
	assert_int_equal(st.n_connects, 2);
	assert_string_equal(st.last_error, "");
	assert_int_equal(run(pa, &res, NULL, &err, "hostname", NULL), 0);
	assert_string_equal(res.stdout_buf, "alpha-login\n");
	sshexec_result_fini(&res);
	sshpool_status(pb, &st);
	assert_int_equal(st.n_connects, 1);

	sshpool_free(pa);
	sshpool_free(pb);
	proxy_cmd(&px, 'q');
	pthread_join(px.thr, NULL);
	close(px.wake[0]);
	close(px.wake[1]);
	pthread_cond_destroy(&px.cv);
	pthread_mutex_destroy(&px.mtx);
	cc_fini(&ca);
	cc_fini(&cb);
	free(kh);
}

static void
test_closed_port_is_unreachable(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_opts   o;
	struct sshpool_status st;
	struct sshexec_result res;
	struct mlops_error    err  = { 0 };
	unsigned              port = 0;
	int                   fd   = proxy_listen(&port);
	uint64_t              t0;

	close(fd); /* a port nobody listens on */
	cc_init(&cc, x, "closed", port);
	fast_opts(&o);
	pool = pool_start(&cc, &o);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.state, SSHPOOL_UNREACHABLE);
	assert_int_equal(st.last_error_code, MLOPS_EUNREACHABLE);
	assert_non_null(strstr(st.last_error, "cannot connect"));
	t0 = now_ms();
	assert_int_equal(
	    run(pool, &res, NULL, &err, "true", NULL), MLOPS_EUNREACHABLE);
	assert_true(now_ms() - t0 < 1500);
	/* retries keep going, with the delay capped */
	sleep_ms(2500);
	sshpool_status(pool, &st);
	assert_true(st.n_connect_attempts >= 3);
	assert_true(st.next_retry_ms <= o.backoff_max_ms);
	sshpool_free(pool);
	cc_fini(&cc);
}

static void
test_fifty_commands_one_connection(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_status st;
	struct sshexec_result res;
	struct mlops_error    err = { 0 };
	char                  n[16], want[24];
	uint64_t              t0;

	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);
	assert_int_equal(
	    pool_wait(pool, SSHPOOL_CONNECTED, 15000, &st), SSHPOOL_CONNECTED);
	t0 = now_ms();
	for (int i = 0; i < 50; i++) {
		snprintf(n, sizeof(n), "%d", i);
		snprintf(want, sizeof(want), "%d\n", i);
		assert_int_equal(
		    run(pool, &res, NULL, &err, "echo", n, NULL), 0);
		assert_string_equal(res.stdout_buf, want);
		sshexec_result_fini(&res);
	}
	print_message(
	    "50 commands in %llu ms\n", (unsigned long long) (now_ms() - t0));
	sshpool_status(pool, &st);
	assert_int_equal(st.n_connects, 1);
	assert_int_equal(st.n_connect_attempts, 1);
	assert_true(st.n_commands >= 50);
	sshpool_free(pool);
	cc_fini(&cc);
}

/* Async work from several threads, then a stop with work in flight. */
struct async_count {
	pthread_mutex_t mtx;
	int             ok;
	int             failed;
	int             shutting_down;
};

static void
async_cb(void *arg, int rc, struct sshexec_result *res,
    const struct mlops_error *err)
{
	struct async_count *c = arg;

	pthread_mutex_lock(&c->mtx);
	if (rc == 0 && res->exit_status == 0) {
		c->ok++;
	} else {
		c->failed++;
		if (err != NULL && strstr(err->msg, "shutting down") != NULL) {
			c->shutting_down++;
		}
	}
	pthread_mutex_unlock(&c->mtx);
}

struct poster {
	struct sshpool *pool;
	int             ok;
};

static void *
poster_main(void *arg)
{
	struct poster        *p = arg;
	struct sshexec_result res;
	struct mlops_error    err = { 0 };

	for (int i = 0; i < 10; i++) {
		if (run(p->pool, &res, NULL, &err, "echo", "x", NULL) == 0
		    && strcmp(res.stdout_buf, "x\n") == 0) {
			p->ok++;
		}
		sshexec_result_fini(&res);
	}
	return NULL;
}

static void
test_threads_async_and_stop(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct sshpool_status st;
	struct async_count    c = { 0 };
	struct poster         ps[4];
	pthread_t             th[4];
	struct mlops_error    err       = { 0 };
	const char *const     sleeper[] = { "sleep", "20", NULL };
	const char *const     echo[]    = { "echo", "y", NULL };
	uint64_t              t0;

	pthread_mutex_init(&c.mtx, NULL);
	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);
	for (int i = 0; i < 4; i++) {
		ps[i].pool = pool;
		ps[i].ok   = 0;
		assert_int_equal(
		    pthread_create(&th[i], NULL, poster_main, &ps[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(ps[i].ok, 10);
	}
	sshpool_status(pool, &st);
	assert_int_equal(st.n_connects, 1);

	for (int i = 0; i < 3; i++) {
		assert_int_equal(
		    sshpool_exec_async(pool, echo, NULL, async_cb, &c, &err),
		    0);
	}
	/* one long command running, two queued behind it */
	assert_int_equal(
	    sshpool_exec_async(pool, sleeper, NULL, async_cb, &c, &err), 0);
	assert_int_equal(
	    sshpool_exec_async(pool, echo, NULL, async_cb, &c, &err), 0);
	assert_int_equal(
	    sshpool_exec_async(pool, echo, NULL, async_cb, &c, &err), 0);
	sleep_ms(1000);
	t0 = now_ms();
	assert_int_equal(sshpool_stop(pool), 0);
	assert_true(now_ms() - t0 < 2000);
	pthread_mutex_lock(&c.mtx);
	assert_int_equal(c.ok, 3);
	assert_int_equal(c.failed, 3); /* cancelled sleep + 2 drained */
	assert_int_equal(c.shutting_down, 2);
	pthread_mutex_unlock(&c.mtx);
	sshpool_status(pool, &st);
	assert_int_equal(st.state, SSHPOOL_DISCONNECTED);
	/* after stop: refused at once, callback never called */
	assert_int_equal(
	    sshpool_exec_async(pool, echo, NULL, async_cb, &c, &err),
	    MLOPS_ERROR);
	assert_non_null(strstr(err.msg, "shutting down"));
	sshpool_free(pool);
	pthread_mutex_destroy(&c.mtx);
	cc_fini(&cc);
}

int
main(void)
{
#define SBX_TEST(f) cmocka_unit_test_setup_teardown(f, sbx_setup, sbx_teardown)
	const struct CMUnitTest tests[] = {
		SBX_TEST(test_connect_and_slurm_version),
		SBX_TEST(test_exec_metacharacters_arrive_unchanged),
		SBX_TEST(test_exec_stderr_exit_status_and_signal),
		SBX_TEST(test_exec_output_caps_and_stdin),
		SBX_TEST(test_exec_timeout_keeps_session),
		SBX_TEST(test_login_shell_strips_profile_noise),
		SBX_TEST(test_hostkey_unknown_is_refused),
		SBX_TEST(test_hostkey_changed_is_refused),
		SBX_TEST(test_trust_adds_key_then_connects),
		SBX_TEST(test_bad_key_is_eauth),
		SBX_TEST(test_ssh_config_alias),
		SBX_TEST(test_sftp_helpers),
		SBX_TEST(
		    test_unreachable_then_reconnects_while_other_cluster_answers),
		SBX_TEST(test_closed_port_is_unreachable),
		SBX_TEST(test_fifty_commands_one_connection),
		SBX_TEST(test_threads_async_and_stop),
	};

	return cmocka_run_group_tests_name(
	    "sandbox_ssh", tests, sbx_group_setup, sbx_group_teardown);
}
