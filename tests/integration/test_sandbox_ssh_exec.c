/*
 * sshpool_exec against the real SLURM sandbox (tests/sandbox/up):
 * quoting (hostile metacharacters arrive unchanged, also through a login
 * shell), exit status, signals and stderr, output caps and stdin,
 * timeouts that keep the session, and login shells whose profile noise
 * is stripped. Fails (never skips) when the sandbox is not there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "sandbox_ssh_fixture.h"
#include "testutil.h"

/* ------------------------------------------------------------ cases */

static void
test_exec_metacharacters_arrive_unchanged(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct exec_result    res;
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
	exec_result_fini(&res);

	/* the same through a login shell (quoted twice) */
	{
		struct exec_opts o;

		exec_opts_init(&o);
		o.login_shell = true;
		assert_int_equal(sshpool_exec(pool, argv, &o, &res, &err), 0);
		assert_int_equal(res.stdout_len, want.len);
		assert_memory_equal(res.stdout_buf, want.buf, want.len);
		assert_int_equal(stat(pwned, &sb), -1);
		exec_result_fini(&res);
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
	struct exec_result    res;
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
	exec_result_fini(&res);

	assert_int_equal(
	    run(pool, &res, NULL, &err, "sh", "-c", "kill -KILL $$", NULL), 0);
	assert_int_equal(res.exit_status, -1);
	assert_string_equal(res.exit_signal, "KILL");
	exec_result_fini(&res);

	assert_int_equal(
	    run(pool, &res, NULL, &err, "no-such-command-mlops", NULL), 0);
	assert_int_equal(res.exit_status, 127);
	assert_non_null(strstr(res.stderr_buf, "not found"));
	exec_result_fini(&res);
	sshpool_free(pool);
	cc_fini(&cc);
}

static void
test_exec_output_caps_and_stdin(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool;
	struct exec_result    res;
	struct exec_opts      o;
	struct mlops_error    err = { 0 };
	char                 *data;
	const size_t          big = 3u * 1024u * 1024u;

	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);

	exec_opts_init(&o);
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
	exec_result_fini(&res);

	/* 5 MB uncapped: the window keeps moving with callbacks */
	assert_int_equal(run(pool, &res, NULL, &err, "sh", "-c",
	                     "head -c 5000000 /dev/zero", NULL),
	    0);
	assert_int_equal(res.stdout_len, 5000000);
	assert_false(res.stdout_truncated);
	exec_result_fini(&res);

	/* stdin: 3 MB with NUL bytes, echoed back byte for byte */
	data = xmalloc(big);
	for (size_t i = 0; i < big; i++) {
		data[i] = (char) (i * 7 + i / 1000);
	}
	exec_opts_init(&o);
	o.stdin_data = data;
	o.stdin_len  = big;
	assert_int_equal(run(pool, &res, &o, &err, "cat", NULL), 0);
	assert_int_equal(res.stdout_len, big);
	assert_memory_equal(res.stdout_buf, data, big);
	exec_result_fini(&res);
	free(data);

	/* no stdin: EOF at once, so `cat` ends */
	exec_opts_init(&o);
	o.timeout_ms = 5000;
	assert_int_equal(run(pool, &res, &o, &err, "cat", NULL), 0);
	assert_int_equal(res.stdout_len, 0);
	assert_string_equal(res.stdout_buf, "");
	exec_result_fini(&res);
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
	struct exec_result    res;
	struct exec_opts      o;
	struct mlops_error    err = { 0 };
	uint64_t              t0;

	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);
	exec_opts_init(&o);
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
	exec_result_fini(&res);
	sshpool_status(pool, &st);
	assert_int_equal(st.state, EXEC_CONNECTED);
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
	struct exec_result    res;
	struct exec_opts      o;
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

	exec_opts_init(&o);
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
		exec_result_fini(&res);
	}
	assert_int_equal(run(pool, &res, &o, &err, "sh", "-c",
	                     "echo payload; echo err-payload >&2", NULL),
	    0);
	assert_string_equal(res.stdout_buf, "payload\n");
	assert_string_equal(res.stderr_buf, "err-payload\n");
	exec_result_fini(&res);

	/* it is a login shell, and marker-like text is left alone */
	assert_int_equal(run(pool, &res, &o, &err, "bash", "-c",
	                     "shopt -q login_shell && echo login || echo no; "
	                     "printf '%s\\n' mlops-marker-00000000 tail",
	                     NULL),
	    0);
	/* bash -c inside the login shell is not itself a login shell */
	assert_string_equal(
	    res.stdout_buf, "no\nmlops-marker-00000000\ntail\n");
	exec_result_fini(&res);
	assert_int_equal(
	    run(pool, &res, &o, &err, "shopt", "login_shell", NULL), 0);
	assert_non_null(strstr(res.stdout_buf, "on"));
	exec_result_fini(&res);

	/* stdin passes through the wrapper */
	o.stdin_data = "via stdin\n";
	o.stdin_len  = 10;
	assert_int_equal(run(pool, &res, &o, &err, "cat", NULL), 0);
	assert_string_equal(res.stdout_buf, "via stdin\n");
	assert_string_equal(res.stderr_buf, "");
	exec_result_fini(&res);

	/* use_login_shell on the cluster turns it on for every command */
	{
		struct sshpool *lp;

		cc.use_login_shell = true;
		lp                 = pool_start(&cc, NULL);
		assert_int_equal(
		    run(lp, &res, NULL, &err, "echo", "clean", NULL), 0);
		assert_string_equal(res.stdout_buf, "clean\n");
		assert_string_equal(res.stderr_buf, "");
		exec_result_fini(&res);
		sshpool_free(lp);
	}

	unlink(flag);
	job.remove = true;
	assert_int_equal(sshpool_call(pool, profile_fn, &job, &err), 0);
	sshpool_free(pool);
	cc_fini(&cc);
	free(flag);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SBX_TEST(test_exec_metacharacters_arrive_unchanged),
		SBX_TEST(test_exec_stderr_exit_status_and_signal),
		SBX_TEST(test_exec_output_caps_and_stdin),
		SBX_TEST(test_exec_timeout_keeps_session),
		SBX_TEST(test_login_shell_strips_profile_noise),
	};

	return cmocka_run_group_tests_name(
	    "sandbox_ssh_exec", tests, sbx_group_setup, sbx_group_teardown);
}
