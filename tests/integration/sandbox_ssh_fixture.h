/*
 * Shared setup for the test_sandbox_ssh_*.c cmocka programs (linked into
 * every C integration test, see tests/CMakeLists.txt; not itself a test,
 * so the test_*.c glob skips it): what the SLURM sandbox offers, read
 * from $MLOPS_SANDBOX_DIR/sandbox.env, a scratch dir per test, cluster
 * entries, and sshpool helpers. The group setup fails (never skips) when
 * the sandbox is not there.
 */
#ifndef MLOPS_TESTS_SANDBOX_SSH_FIXTURE_H
#define MLOPS_TESTS_SANDBOX_SSH_FIXTURE_H

#include <stdint.h>

#include "config.h"
#include "sshexec.h"
#include "sshpool.h"

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

/* Group setup/teardown: *state becomes a struct sbx read from
 * sandbox.env; -1 (the whole group fails) when there is no sandbox. */
int sbx_group_setup(void **state);
int sbx_group_teardown(void **state);
/* Per test: a fresh scratch dir in x->tmp, removed afterwards. */
int sbx_setup(void **state);
int sbx_teardown(void **state);

/* Every case runs with the per-test scratch dir. */
#define SBX_TEST(f) cmocka_unit_test_setup_teardown(f, sbx_setup, sbx_teardown)

/* Monotonic milliseconds, and a sleep in them. */
uint64_t now_ms(void);
void     sleep_ms(unsigned ms);

/* A cluster entry as config.c would produce it; free with cc_fini(). */
void cc_init(struct cluster_config *cc, const struct sbx *x, const char *name,
    unsigned port);
void cc_fini(struct cluster_config *cc);
/* Replaces one string field of a cluster entry (NULL clears it). */
void cc_set(char **field, const char *value);

/* Pool options with short timeouts and backoff, for loss/recovery. */
void fast_opts(struct sshpool_opts *o);
/* sshpool_new + sshpool_start, asserting both succeed. */
struct sshpool *pool_start(
    const struct cluster_config *cc, const struct sshpool_opts *o);
/* Waits until the pool is in `want` (or left CONNECTING for good). */
enum exec_state pool_wait(struct sshpool *pool, enum exec_state want,
    unsigned max_ms, struct sshpool_status *st);
/* Waits until a first connect attempt ended CONNECTED or UNREACHABLE;
 * fails the test after 15 s. */
void pool_wait_settled(struct sshpool *pool, struct sshpool_status *st);
/* sshpool_exec of the NULL-terminated argv after `err`; zeroes *res. */
int run(struct sshpool *pool, struct exec_result *res,
    const struct exec_opts *o, struct mlops_error *err, ...);
/* Writes `text` to x->tmp/name; returns that path (free it). */
char *write_known_hosts(
    const struct sbx *x, const char *name, const char *text);

#endif
