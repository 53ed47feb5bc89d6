/*
 * sshpool's connection handling against the real SLURM sandbox
 * (tests/sandbox/up): loss and recovery of a cluster (through a TCP
 * forwarder the test cuts) while another one answers, keepalive and
 * capped backoff, a closed port, connection reuse over many commands,
 * and threads, async work and a stop with work in flight. Fails (never
 * skips) when the sandbox is not there.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <mlops/xmalloc.h>

#include "sandbox_ssh_fixture.h"
#include "testutil.h"

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

/* ------------------------------------------------------------ cases */

static void
test_unreachable_then_reconnects_while_other_cluster_answers(void **state)
{
	struct sbx           *x = *state;
	struct cluster_config ca, cb;
	struct sshpool       *pa, *pb;
	struct sshpool_opts   o;
	struct sshpool_status st;
	struct exec_result    res;
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
	    pool_wait(pa, EXEC_CONNECTED, 15000, &st), EXEC_CONNECTED);
	assert_int_equal(
	    pool_wait(pb, EXEC_CONNECTED, 15000, &st), EXEC_CONNECTED);
	assert_int_equal(run(pa, &res, NULL, &err, "hostname", NULL), 0);
	assert_string_equal(res.stdout_buf, "alpha-login\n");
	exec_result_fini(&res);

	/* alpha goes away: the idle probe notices within ~1-2 s */
	proxy_cmd(&px, 'd');
	t_down = now_ms();
	assert_int_equal(
	    pool_wait(pa, EXEC_UNREACHABLE, 8000, &st), EXEC_UNREACHABLE);
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
		exec_result_fini(&res);
		sleep_ms(300);
	}
	sshpool_status(pa, &st);
	assert_int_equal(st.state, EXEC_UNREACHABLE);
	assert_true(st.next_retry_ms <= o.backoff_max_ms);

	/* alpha is back: reconnects by itself within the backoff ceiling */
	proxy_cmd(&px, 'u');
	t0 = now_ms();
	assert_int_equal(
	    pool_wait(pa, EXEC_CONNECTED,
	        o.backoff_max_ms + o.connect_timeout_ms + 1000, &st),
	    EXEC_CONNECTED);
	print_message("alpha back after %llu ms\n",
	    (unsigned long long) (now_ms() - t0));
	assert_int_equal(st.n_connects, 2);
	assert_string_equal(st.last_error, "");
	assert_int_equal(run(pa, &res, NULL, &err, "hostname", NULL), 0);
	assert_string_equal(res.stdout_buf, "alpha-login\n");
	exec_result_fini(&res);
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
	struct exec_result    res;
	struct mlops_error    err  = { 0 };
	unsigned              port = 0;
	int                   fd   = proxy_listen(&port);
	uint64_t              t0;

	close(fd); /* a port nobody listens on */
	cc_init(&cc, x, "closed", port);
	fast_opts(&o);
	pool = pool_start(&cc, &o);
	pool_wait_settled(pool, &st);
	assert_int_equal(st.state, EXEC_UNREACHABLE);
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
	struct exec_result    res;
	struct mlops_error    err = { 0 };
	char                  n[16], want[24];
	uint64_t              t0;

	cc_init(&cc, x, "alpha", x->alpha_port);
	pool = pool_start(&cc, NULL);
	assert_int_equal(
	    pool_wait(pool, EXEC_CONNECTED, 15000, &st), EXEC_CONNECTED);
	t0 = now_ms();
	for (int i = 0; i < 50; i++) {
		snprintf(n, sizeof(n), "%d", i);
		snprintf(want, sizeof(want), "%d\n", i);
		assert_int_equal(
		    run(pool, &res, NULL, &err, "echo", n, NULL), 0);
		assert_string_equal(res.stdout_buf, want);
		exec_result_fini(&res);
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
async_cb(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err)
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
	struct poster     *p = arg;
	struct exec_result res;
	struct mlops_error err = { 0 };

	for (int i = 0; i < 10; i++) {
		if (run(p->pool, &res, NULL, &err, "echo", "x", NULL) == 0
		    && strcmp(res.stdout_buf, "x\n") == 0) {
			p->ok++;
		}
		exec_result_fini(&res);
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
	assert_int_equal(st.state, EXEC_DISCONNECTED);
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
	const struct CMUnitTest tests[] = {
		SBX_TEST(
		    test_unreachable_then_reconnects_while_other_cluster_answers),
		SBX_TEST(test_closed_port_is_unreachable),
		SBX_TEST(test_fifty_commands_one_connection),
		SBX_TEST(test_threads_async_and_stop),
	};

	return cmocka_run_group_tests_name(
	    "sandbox_ssh_pool", tests, sbx_group_setup, sbx_group_teardown);
}
