/*
 * sshpool against the real SLURM sandbox (tests/sandbox/up): the first
 * session and the SLURM version it reads, host key refusal (unknown,
 * changed, of another type) and trust, authentication, and
 * ~/.ssh/config. Fails (never skips) when the sandbox is not there.
 */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/xmalloc.h>

#include "sandbox_ssh_fixture.h"
#include "testutil.h"

/* ------------------------------------------------------------ cases */

/* What the connect hook saw: it runs on every new connection. */
struct connect_hook {
	int   runs;
	char *version; /* sinfo --version's output */
};

static int
connect_hook(
    ssh_session s, sftp_session sftp, void *arg, struct mlops_error *err)
{
	const char *const    argv[] = { "sinfo", "--version", NULL };
	struct connect_hook *h      = arg;
	struct exec_result   res    = { 0 };
	int                  rc;

	(void) sftp;
	h->runs++;
	if ((rc = sshexec_run(&res, s, argv, NULL, err)) == 0) {
		free(h->version);
		h->version     = res.stdout_buf;
		res.stdout_buf = NULL;
	}
	exec_result_fini(&res);
	return rc;
}

static void
test_connect_hook_and_host_key(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config cc;
	struct sshpool       *pool = NULL;
	struct sshpool_status st;
	struct exec_result    res;
	struct mlops_error    err  = { 0 };
	struct connect_hook   hook = { 0 };
	regex_t               re;

	cc_init(&cc, x, "alpha", x->alpha_port);
	assert_int_equal(sshpool_new(&pool, &cc, NULL, &err), 0);
	cc_fini(&cc); /* the pool copied what it needs */
	sshpool_set_on_connect(pool, connect_hook, &hook);
	assert_int_equal(sshpool_start(pool, &err), 0);
	assert_int_equal(
	    pool_wait(pool, EXEC_CONNECTED, 15000, &st), EXEC_CONNECTED);
	/* The hook ran once, before the pool said it is connected, on the
	 * live session: the core learns the Slurm version there. */
	assert_int_equal(hook.runs, 1);
	assert_non_null(hook.version);
	assert_int_equal(
	    regcomp(&re, "^slurm(-wlm)? [0-9]+\\.[0-9]+", REG_EXTENDED), 0);
	assert_int_equal(regexec(&re, hook.version, 0, NULL, 0), 0);
	regfree(&re);
	assert_string_equal(st.host_key, x->alpha_fp);
	assert_string_equal(st.last_error, "");
	assert_true(st.last_contact > 0);
	assert_string_equal(sshpool_name(pool), "alpha");

	assert_int_equal(
	    run(pool, &res, NULL, &err, "sinfo", "--version", NULL), 0);
	assert_int_equal(res.exit_status, 0);
	assert_string_equal(res.stdout_buf, hook.version);
	exec_result_fini(&res);

	assert_int_equal(run(pool, &res, NULL, &err, "hostname", NULL), 0);
	assert_string_equal(res.stdout_buf, "alpha-login\n");
	exec_result_fini(&res);
	sshpool_free(pool);
	free(hook.version);
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
	struct exec_result    res;
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
	assert_int_equal(st.state, EXEC_UNREACHABLE);
	assert_int_equal(st.last_error_code, MLOPS_EHOSTKEY);
	assert_non_null(strstr(st.last_error, "is not known"));
	assert_non_null(strstr(st.last_error, x->alpha_fp));
	assert_non_null(strstr(st.last_error, "mlops cluster trust alpha"));
	assert_string_equal(st.host_key, ""); /* refused before it */
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
	assert_int_equal(st.state, EXEC_UNREACHABLE);
	assert_int_equal(st.last_error_code, MLOPS_EHOSTKEY);
	assert_non_null(strstr(st.last_error, "HOST KEY CHANGED"));
	assert_non_null(strstr(st.last_error, x->alpha_fp));
	assert_non_null(strstr(st.last_error, kh));
	assert_string_equal(st.host_key, "");
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
	struct exec_result    res;
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
	    pool_wait(pool, EXEC_CONNECTED, 15000, &st), EXEC_CONNECTED);
	assert_int_equal(
	    run(pool, &res, NULL, &err, "echo", "trusted", NULL), 0);
	assert_string_equal(res.stdout_buf, "trusted\n");
	exec_result_fini(&res);
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
	    pool_wait(pool, EXEC_CONNECTED, 10000, &st), EXEC_CONNECTED);
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
	struct exec_result    res;
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
	assert_int_equal(st.state, EXEC_UNREACHABLE);
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
	struct exec_result    res;
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
	    pool_wait(pool, EXEC_CONNECTED, 15000, &st), EXEC_CONNECTED);
	assert_int_equal(run(pool, &res, NULL, &err, "id", "-un", NULL), 0);
	assert_string_equal(res.stdout_buf, "mlops\n");
	exec_result_fini(&res);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SBX_TEST(test_connect_hook_and_host_key),
		SBX_TEST(test_hostkey_unknown_is_refused),
		SBX_TEST(test_hostkey_changed_is_refused),
		SBX_TEST(test_trust_adds_key_then_connects),
		SBX_TEST(test_bad_key_is_eauth),
		SBX_TEST(test_ssh_config_alias),
	};

	return cmocka_run_group_tests_name(
	    "sandbox_ssh_connect", tests, sbx_group_setup, sbx_group_teardown);
}
