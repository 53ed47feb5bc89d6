/*
 * The sshexec SFTP helpers against the real SLURM sandbox
 * (tests/sandbox/up), run on an sshpool's worker: mkdir -p, write (exact
 * mode, replacing a file), stat and ranged reads, absent files, and a
 * second call on the cached SFTP session. Fails (never skips) when the
 * sandbox is not there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "sandbox_ssh_fixture.h"
#include "testutil.h"

/* ------------------------------------------------------------ cases */

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
	struct sftp_job   *job  = arg;
	struct strbuf      got  = STRBUF_INIT;
	struct exec_result res  = { 0 };
	char              *deep = NULL, *file = NULL, *abs = NULL;
	char              *data = NULL;
	const size_t       n    = 200000;
	uint64_t           size = 0;
	const char        *argv[4];

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
	exec_result_fini(&res);

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
	exec_result_fini(&res);

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
	exec_result_fini(&res);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SBX_TEST(test_sftp_helpers),
	};

	return cmocka_run_group_tests_name(
	    "sandbox_ssh_sftp", tests, sbx_group_setup, sbx_group_teardown);
}
