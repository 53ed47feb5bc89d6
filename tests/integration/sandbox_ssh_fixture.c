/*
 * Shared setup for the test_sandbox_ssh_*.c programs: see
 * sandbox_ssh_fixture.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <mlops/xmalloc.h>

#include "sandbox_ssh_fixture.h"
#include "testutil.h"

/* ---------------------------------------------------------- helpers */

uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

void
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

int
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

int
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

int
sbx_setup(void **state)
{
	struct sbx *x = *state;

	x->tmp = testutil_mkdtemp("sshtest");
	return x->tmp == NULL ? -1 : 0;
}

int
sbx_teardown(void **state)
{
	struct sbx *x = *state;

	testutil_rmtree(x->tmp);
	free(x->tmp);
	x->tmp = NULL;
	return 0;
}

void
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

void
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

void
cc_set(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

void
fast_opts(struct sshpool_opts *o)
{
	sshpool_opts_init(o);
	o->connect_timeout_ms = 5000;
	o->backoff_initial_ms = 200;
	o->backoff_max_ms     = 1000;
	o->stop_timeout_ms    = 3000;
	o->default_timeout_ms = 30000;
}

struct sshpool *
pool_start(const struct cluster_config *cc, const struct sshpool_opts *o)
{
	struct sshpool    *pool = NULL;
	struct mlops_error err  = { 0 };

	assert_int_equal(sshpool_new(&pool, cc, o, &err), 0);
	assert_int_equal(sshpool_start(pool, &err), 0);
	return pool;
}

enum exec_state
pool_wait(struct sshpool *pool, enum exec_state want, unsigned max_ms,
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

void
pool_wait_settled(struct sshpool *pool, struct sshpool_status *st)
{
	uint64_t end = now_ms() + 15000;

	do {
		sshpool_status(pool, st);
		if ((st->state == EXEC_CONNECTED
		        || st->state == EXEC_UNREACHABLE)
		    && st->n_connect_attempts > 0) {
			return;
		}
		sleep_ms(20);
	} while (now_ms() < end);
	fail_msg("pool did not settle: %s", exec_state_name(st->state));
}

int
run(struct sshpool *pool, struct exec_result *res, const struct exec_opts *o,
    struct mlops_error *err, ...)
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

char *
write_known_hosts(const struct sbx *x, const char *name, const char *text)
{
	assert_int_equal(testutil_write(x->tmp, name, text), 0);
	return xasprintf("%s/%s", x->tmp, name);
}
