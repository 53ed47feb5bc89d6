/*
 * Per-cluster SSH worker. The worker thread owns the cluster's libssh
 * session (and its cached SFTP session) for their whole life: it connects,
 * verifies the host key, authenticates, runs queued work, probes the idle
 * connection and reconnects with backoff. Other threads only touch the
 * queue and the status, under sp_mtx.
 *
 * Connection options follow OpenSSH: ~/.ssh/config ($HOME/.ssh/config) is
 * applied, and the cluster's explicit keys win over it. libssh 0.10.6
 * keeps a User set before ssh_options_parse_config() but lets the config's
 * Port override one set before, so the explicit cluster keys (user, port,
 * known_hosts) are set AFTER parsing, which gives "first obtained value
 * wins" with the cluster config in the place of OpenSSH's command line.
 * Our own defaults (key exchange order, timeout) are set BEFORE parsing so
 * that a user's KexAlgorithms or ConnectTimeout still applies.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include <mlops/log.h>
#include <mlops/xmalloc.h>

#include "sshpool.h"
#include "sshpool_impl.h"

enum sshpool_kind {
	SSHPOOL_ITEM_EXEC = 0,
	SSHPOOL_ITEM_CALL = 1,
};

struct sshpool_item {
	struct sshpool_item *next;
	enum sshpool_kind    kind;
	char               **argv; /* exec: owned copy */
	struct exec_opts     opts; /* exec: stdin_data owned */
	sshpool_exec_cb      exec_cb;
	sshpool_call_fn      call_fn;
	sshpool_done_cb      done_cb;
	void                *arg;
};

struct sshpool {
	struct cluster_config sp_cc; /* copied connection fields only */
	struct sshpool_opts   sp_opts;

	pthread_mutex_t sp_mtx;
	pthread_cond_t  sp_cv;      /* worker: work, stop or kick */
	pthread_cond_t  sp_exit_cv; /* sshpool_stop(): worker exited */
	pthread_t       sp_thread;
	bool            sp_started;
	bool            sp_stopping;
	bool            sp_exited;
	bool            sp_joined;
	bool            sp_orphaned;   /* freed while busy: worker frees */
	atomic_bool     sp_cancel;     /* cancels the running command */
	sshpool_call_fn sp_on_connect; /* set before start */
	void           *sp_on_connect_arg;

	/* under sp_mtx */
	struct sshpool_item  *sp_head;
	struct sshpool_item  *sp_tail;
	struct sshpool_status sp_st;
	uint64_t              sp_next_attempt; /* monotonic ms */
	unsigned              sp_backoff_ms;

	/* worker thread only */
	ssh_session  sp_session;
	sftp_session sp_sftp;
	bool         sp_sftp_tried;
	uint64_t     sp_last_activity; /* monotonic ms */
	uint64_t     sp_rng;
};

static uint64_t sshpool_now_ms(void);
static void     sshpool_cond_init(pthread_cond_t *cv);
static void     sshpool_deadline(struct timespec *ts, uint64_t at_ms);
static void     sshpool_cc_copy(
        struct cluster_config *dst, const struct cluster_config *src);
static void sshpool_cc_fini(struct cluster_config *cc);
static int  sshpool_after_connect(
     struct sshpool *pool, ssh_session s, struct mlops_error *err);
static int  sshpool_connect(struct sshpool *pool, struct mlops_error *err);
static void sshpool_disconnect(struct sshpool *pool);
static void sshpool_mark_down(
    struct sshpool *pool, const struct mlops_error *e, bool retry_now);
static unsigned sshpool_jitter(struct sshpool *pool, unsigned ms);
static int      sshpool_fail_code(int last_code);
static void     sshpool_item_free(struct sshpool_item *it);
static void     sshpool_item_fail(
        struct sshpool_item *it, int code, const char *msg);
static void sshpool_item_run(struct sshpool *pool, struct sshpool_item *it);
static void sshpool_fail_queue(
    struct sshpool *pool, int code, const char *msg);
static void  sshpool_probe(struct sshpool *pool);
static void *sshpool_worker(void *arg);
static int   sshpool_post(
      struct sshpool *pool, struct sshpool_item *it, struct mlops_error *err);
static void sshpool_destroy(struct sshpool *pool);

static uint64_t
sshpool_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

static void
sshpool_cond_init(pthread_cond_t *cv)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &a);
	pthread_condattr_destroy(&a);
}

static void
sshpool_deadline(struct timespec *ts, uint64_t at_ms)
{
	ts->tv_sec  = (time_t) (at_ms / 1000u);
	ts->tv_nsec = (long) (at_ms % 1000u) * 1000000L;
}

void
sshpool_opts_init(struct sshpool_opts *opts)
{
	opts->connect_timeout_ms = 10000;
	opts->keepalive_s        = 15;
	opts->backoff_initial_ms = 1000;
	opts->backoff_max_ms     = 60000;
	opts->stop_timeout_ms    = 5000;
	opts->default_timeout_ms = 120000;
}

const struct cluster_config *
sshpool_config(const struct sshpool *pool)
{
	return &pool->sp_cc;
}

bool
sshpool_login_shell(const struct sshpool *pool)
{
	return pool->sp_cc.use_login_shell;
}

const atomic_bool *
sshpool_cancel_flag(struct sshpool *pool)
{
	return &pool->sp_cancel;
}

void *
sshpool_on_connect_arg(const struct sshpool *pool)
{
	return pool->sp_on_connect_arg;
}

void
sshpool_set_on_connect(struct sshpool *pool, sshpool_call_fn fn, void *arg)
{
	pool->sp_on_connect     = fn;
	pool->sp_on_connect_arg = arg;
}

static void
sshpool_cc_copy(struct cluster_config *dst, const struct cluster_config *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->name            = xstrdup_null(src->name);
	dst->host            = xstrdup_null(src->host);
	dst->user            = xstrdup_null(src->user);
	dst->hostname        = xstrdup_null(src->hostname);
	dst->port            = src->port;
	dst->ssh_key_path    = xstrdup_null(src->ssh_key_path);
	dst->known_hosts     = xstrdup_null(src->known_hosts);
	dst->use_login_shell = src->use_login_shell;
}

static void
sshpool_cc_fini(struct cluster_config *cc)
{
	free(cc->name);
	free(cc->host);
	free(cc->user);
	free(cc->hostname);
	free(cc->ssh_key_path);
	free(cc->known_hosts);
	memset(cc, 0, sizeof(*cc));
}

const char *
sshpool_cc_label(const struct cluster_config *cc)
{
	if (cc->name != NULL) {
		return cc->name;
	}
	return cc->hostname != NULL ? cc->hostname : cc->host;
}

/*
 * Records the server's host key in the status, then runs the connect hook
 * (the cluster core learns the Slurm version there). Only a dead session
 * fails the connection: any other failure of the hook is its own concern.
 */
static int
sshpool_after_connect(
    struct sshpool *pool, ssh_session s, struct mlops_error *err)
{
	char              *fp = NULL, *type = NULL;
	struct mlops_error e  = { 0 };
	int                rc = 0;

	if (sshpool_hostkey_info(s, &fp, &type) == 0) {
		pthread_mutex_lock(&pool->sp_mtx);
		snprintf(pool->sp_st.host_key, sizeof(pool->sp_st.host_key),
		    "%s", fp);
		pthread_mutex_unlock(&pool->sp_mtx);
	}
	free(fp);
	free(type);
	if (pool->sp_on_connect != NULL
	    && (rc = pool->sp_on_connect(s, NULL, pool->sp_on_connect_arg, &e))
	        == MLOPS_EUNREACHABLE) {
		*err = e;
		return rc;
	}
	return 0;
}

static int
sshpool_connect(struct sshpool *pool, struct mlops_error *err)
{
	ssh_session s = NULL;
	int         rc;

	if ((rc = sshpool_session_connect(
	         &s, &pool->sp_cc, pool->sp_opts.connect_timeout_ms, err))
	        < 0
	    || (rc = sshpool_check_hostkey(s, &pool->sp_cc, err)) < 0
	    || (rc = sshpool_auth(s, &pool->sp_cc, err)) < 0
	    || (rc = sshpool_after_connect(pool, s, err)) < 0) {
		goto out;
	}
	pool->sp_session       = s;
	pool->sp_last_activity = sshpool_now_ms();
	s                      = NULL;

out:
	if (s != NULL) {
		ssh_disconnect(s);
		ssh_free(s);
	}
	return rc;
}

static void
sshpool_disconnect(struct sshpool *pool)
{
	if (pool->sp_sftp != NULL) {
		sftp_free(pool->sp_sftp);
		pool->sp_sftp = NULL;
	}
	pool->sp_sftp_tried = false;
	if (pool->sp_session != NULL) {
		ssh_disconnect(pool->sp_session);
		ssh_free(pool->sp_session);
		pool->sp_session = NULL;
	}
}

/* Backoff delay with jitter: uniform in [ms/2, ms]. */
static unsigned
sshpool_jitter(struct sshpool *pool, unsigned ms)
{
	uint64_t x = pool->sp_rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	pool->sp_rng = x;
	return ms / 2 + (unsigned) (x % (ms / 2 + 1));
}

/* What queued work gets while the cluster is down: the specific refusal
 * (host key, authentication) or MLOPS_EUNREACHABLE. */
static int
sshpool_fail_code(int last_code)
{
	if (last_code == MLOPS_EHOSTKEY || last_code == MLOPS_EAUTH) {
		return last_code;
	}
	return MLOPS_EUNREACHABLE;
}

/* The connection is gone (or never came): record why, drop the session
 * and schedule the next attempt. Called on the worker, without sp_mtx. */
static void
sshpool_mark_down(
    struct sshpool *pool, const struct mlops_error *e, bool retry_now)
{
	bool     was_up = pool->sp_session != NULL;
	bool     repeat;
	unsigned delay;

	sshpool_disconnect(pool);
	pthread_mutex_lock(&pool->sp_mtx);
	/* The same failure again (a host key still refused, a host still
	 * down) is logged at debug level: one warning per reason. */
	repeat = !was_up && pool->sp_st.state == EXEC_UNREACHABLE
	    && strcmp(pool->sp_st.last_error, e->msg) == 0;
	pool->sp_st.state           = EXEC_UNREACHABLE;
	pool->sp_st.last_error_code = e->code;
	snprintf(pool->sp_st.last_error, sizeof(pool->sp_st.last_error), "%s",
	    e->msg);
	if (retry_now) {
		pool->sp_st.next_retry_ms = 0;
	} else {
		pool->sp_st.next_retry_ms
		    = sshpool_jitter(pool, pool->sp_backoff_ms);
		pool->sp_backoff_ms
		    = pool->sp_backoff_ms * 2 > pool->sp_opts.backoff_max_ms
		    ? pool->sp_opts.backoff_max_ms
		    : pool->sp_backoff_ms * 2;
	}
	delay                 = pool->sp_st.next_retry_ms;
	pool->sp_next_attempt = sshpool_now_ms() + delay;
	pthread_mutex_unlock(&pool->sp_mtx);
	if (was_up) {
		log_warn("sshpool %s: connection lost: %s",
		    sshpool_cc_label(&pool->sp_cc), e->msg);
	} else {
		mlops_log(repeat ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN,
		    "sshpool %s: %s (retry in %u ms)",
		    sshpool_cc_label(&pool->sp_cc), e->msg, delay);
	}
}

static void
sshpool_item_free(struct sshpool_item *it)
{
	if (it->argv != NULL) {
		for (size_t i = 0; it->argv[i] != NULL; i++) {
			free(it->argv[i]);
		}
		free(it->argv);
	}
	free((void *) it->opts.stdin_data);
	free(it);
}

/* Completes an item that will not run, then frees it. */
static void
sshpool_item_fail(struct sshpool_item *it, int code, const char *msg)
{
	struct mlops_error e = { 0 };

	mlops_error_set(&e, code, "%s", msg);
	if (it->kind == SSHPOOL_ITEM_EXEC) {
		it->exec_cb(it->arg, code, NULL, &e);
	} else if (it->done_cb != NULL) {
		it->done_cb(it->arg, code, &e);
	}
	sshpool_item_free(it);
}

/* Detaches the whole queue under sp_mtx (held by the caller) and fails
 * every item outside it. Returns with sp_mtx held again. */
static void
sshpool_fail_queue(struct sshpool *pool, int code, const char *msg)
{
	struct sshpool_item *it = pool->sp_head, *next;
	char                 copy[MLOPS_ERROR_MSG_MAX];

	pool->sp_head = pool->sp_tail = NULL;
	snprintf(copy, sizeof(copy), "%s", msg);
	pthread_mutex_unlock(&pool->sp_mtx);
	for (; it != NULL; it = next) {
		next = it->next;
		sshpool_item_fail(it, code, copy);
	}
	pthread_mutex_lock(&pool->sp_mtx);
}

static void
sshpool_item_run(struct sshpool *pool, struct sshpool_item *it)
{
	struct mlops_error e  = { 0 };
	int                rc = 0;

	if (it->kind == SSHPOOL_ITEM_EXEC) {
		struct exec_result res = { 0 };

		rc = sshexec_run(&res, pool->sp_session,
		    (const char *const *) it->argv, &it->opts, &e);
		pthread_mutex_lock(&pool->sp_mtx);
		pool->sp_st.n_commands++;
		pthread_mutex_unlock(&pool->sp_mtx);
		it->exec_cb(it->arg, rc, rc == 0 ? &res : NULL, &e);
		exec_result_fini(&res);
	} else {
		if (pool->sp_sftp == NULL && !pool->sp_sftp_tried) {
			pool->sp_sftp_tried = true;
			if ((rc = sshexec_sftp_open(
			         &pool->sp_sftp, pool->sp_session, &e))
			    < 0) {
				log_warn("sshpool %s: no SFTP: %s",
				    sshpool_cc_label(&pool->sp_cc), e.msg);
			}
		}
		if (rc != MLOPS_EUNREACHABLE) {
			mlops_error_clear(&e);
			rc = it->call_fn(
			    pool->sp_session, pool->sp_sftp, it->arg, &e);
		}
		if (it->done_cb != NULL) {
			it->done_cb(it->arg, rc, rc == 0 ? NULL : &e);
		}
		/* A broken SFTP channel on a live session: reopen next time */
		if (rc < 0 && pool->sp_sftp != NULL
		    && (ssh_channel_is_closed(pool->sp_sftp->channel)
		        || ssh_channel_is_eof(pool->sp_sftp->channel))) {
			sftp_free(pool->sp_sftp);
			pool->sp_sftp       = NULL;
			pool->sp_sftp_tried = false;
		}
	}
	sshpool_item_free(it);
	if (rc < 0 && !ssh_is_connected(pool->sp_session)) {
		if (e.code == 0) {
			mlops_error_set(
			    &e, MLOPS_EUNREACHABLE, "connection lost");
		}
		e.code = MLOPS_EUNREACHABLE;
		sshpool_mark_down(pool, &e, true);
		return;
	}
	pool->sp_last_activity = sshpool_now_ms();
	pthread_mutex_lock(&pool->sp_mtx);
	pool->sp_st.last_contact = time(NULL);
	pthread_mutex_unlock(&pool->sp_mtx);
}

/* Idle check: a round trip that needs the whole path to work. */
static void
sshpool_probe(struct sshpool *pool)
{
	const char *const  argv[] = { "true", NULL };
	struct exec_opts   o;
	struct exec_result res = { 0 };
	struct mlops_error e   = { 0 };
	int                rc;

	exec_opts_init(&o);
	o.timeout_ms = pool->sp_opts.connect_timeout_ms;
	o.cancel     = &pool->sp_cancel;
	rc           = sshexec_run(&res, pool->sp_session, argv, &o, &e);
	exec_result_fini(&res);
	if (rc == 0) {
		pool->sp_last_activity = sshpool_now_ms();
		pthread_mutex_lock(&pool->sp_mtx);
		pool->sp_st.last_contact = time(NULL);
		pthread_mutex_unlock(&pool->sp_mtx);
		return;
	}
	if (atomic_load(&pool->sp_cancel)) {
		return;
	}
	if (rc != MLOPS_EUNREACHABLE && rc != MLOPS_ETIMEDOUT
	    && ssh_is_connected(pool->sp_session)) {
		/* a live session that refused a channel: not a dead link */
		log_warn("sshpool %s: keepalive: %s",
		    sshpool_cc_label(&pool->sp_cc), e.msg);
		pool->sp_last_activity = sshpool_now_ms();
		return;
	}
	e.code = MLOPS_EUNREACHABLE;
	sshpool_mark_down(pool, &e, true);
}

static void *
sshpool_worker(void *arg)
{
	struct sshpool      *pool = arg;
	struct sshpool_item *it;
	struct mlops_error   e;
	struct timespec      ts;
	uint64_t             now, wake;
	bool                 orphan;
	int                  code;

	pthread_mutex_lock(&pool->sp_mtx);
	while (!pool->sp_stopping) {
		now = sshpool_now_ms();
		if ((it = pool->sp_head) != NULL && pool->sp_session == NULL
		    && pool->sp_st.state == EXEC_UNREACHABLE) {
			/* Down: fail at once, even if a reconnect is due
			 * (it may take the whole connect timeout). */
			char msg[MLOPS_ERROR_MSG_MAX];

			pool->sp_head = it->next;
			if (pool->sp_head == NULL) {
				pool->sp_tail = NULL;
			}
			code = sshpool_fail_code(pool->sp_st.last_error_code);
			snprintf(msg, sizeof(msg), "%s",
			    pool->sp_st.last_error[0] ? pool->sp_st.last_error
			                              : "not connected");
			pthread_mutex_unlock(&pool->sp_mtx);
			sshpool_item_fail(it, code, msg);
			pthread_mutex_lock(&pool->sp_mtx);
			continue;
		}
		if (pool->sp_session == NULL && now >= pool->sp_next_attempt) {
			pool->sp_st.state = EXEC_CONNECTING;
			pool->sp_st.n_connect_attempts++;
			pthread_mutex_unlock(&pool->sp_mtx);
			mlops_error_clear(&e);
			if (sshpool_connect(pool, &e) < 0) {
				if (atomic_load(&pool->sp_cancel)) {
					pthread_mutex_lock(&pool->sp_mtx);
					break;
				}
				sshpool_mark_down(pool, &e, false);
			} else {
				log_info("sshpool %s: connected",
				    sshpool_cc_label(&pool->sp_cc));
			}
			pthread_mutex_lock(&pool->sp_mtx);
			if (pool->sp_session != NULL) {
				pool->sp_st.state = EXEC_CONNECTED;
				pool->sp_st.n_connects++;
				pool->sp_st.last_error_code = 0;
				pool->sp_st.last_error[0]   = '\0';
				pool->sp_st.last_contact    = time(NULL);
				pool->sp_st.next_retry_ms   = 0;
				pool->sp_backoff_ms
				    = pool->sp_opts.backoff_initial_ms;
			}
			/* failed: queued work is failed fast on the next turn
			 */
			continue;
		}
		if ((it = pool->sp_head) != NULL && pool->sp_session != NULL) {
			pool->sp_head = it->next;
			if (pool->sp_head == NULL) {
				pool->sp_tail = NULL;
			}
			pthread_mutex_unlock(&pool->sp_mtx);
			sshpool_item_run(pool, it);
			pthread_mutex_lock(&pool->sp_mtx);
			continue;
		}
		if (pool->sp_session != NULL) {
			wake = pool->sp_last_activity
			    + (uint64_t) pool->sp_opts.keepalive_s * 1000u;
			if (pool->sp_opts.keepalive_s > 0 && now >= wake) {
				pthread_mutex_unlock(&pool->sp_mtx);
				sshpool_probe(pool);
				pthread_mutex_lock(&pool->sp_mtx);
				continue;
			}
			if (pool->sp_opts.keepalive_s == 0) {
				wake = now + 3600u * 1000u;
			}
		} else {
			wake = pool->sp_next_attempt;
		}
		sshpool_deadline(&ts, wake);
		pthread_cond_timedwait(&pool->sp_cv, &pool->sp_mtx, &ts);
	}
	/* Stopping: with sp_mtx held, nothing new can be queued. */
	sshpool_fail_queue(pool, MLOPS_ERROR, "shutting down");
	pthread_mutex_unlock(&pool->sp_mtx);
	sshpool_disconnect(pool);
	pthread_mutex_lock(&pool->sp_mtx);
	pool->sp_st.state = EXEC_DISCONNECTED;
	pool->sp_exited   = true;
	orphan            = pool->sp_orphaned;
	pthread_cond_broadcast(&pool->sp_exit_cv);
	pthread_mutex_unlock(&pool->sp_mtx);
	if (orphan) {
		sshpool_destroy(pool);
	}
	return NULL;
}

int
sshpool_new(struct sshpool **out, const struct cluster_config *cc,
    const struct sshpool_opts *opts, struct mlops_error *err)
{
	struct sshpool *pool;
	uint64_t        seed = 0;

	if (cc == NULL
	    || ((cc->hostname == NULL || *cc->hostname == '\0')
	        && (cc->host == NULL || *cc->host == '\0'))) {
		return mlops_error_set(
		    err, MLOPS_EINVAL, "cluster has no host");
	}
	pool = xcalloc(1, sizeof(*pool));
	sshpool_cc_copy(&pool->sp_cc, cc);
	if (opts != NULL) {
		pool->sp_opts = *opts;
	} else {
		sshpool_opts_init(&pool->sp_opts);
	}
	if (pool->sp_opts.backoff_initial_ms == 0) {
		pool->sp_opts.backoff_initial_ms = 1;
	}
	if (pool->sp_opts.backoff_max_ms < pool->sp_opts.backoff_initial_ms) {
		pool->sp_opts.backoff_max_ms
		    = pool->sp_opts.backoff_initial_ms;
	}
	pthread_mutex_init(&pool->sp_mtx, NULL);
	sshpool_cond_init(&pool->sp_cv);
	sshpool_cond_init(&pool->sp_exit_cv);
	atomic_init(&pool->sp_cancel, false);
	pool->sp_st.state   = EXEC_DISCONNECTED;
	pool->sp_backoff_ms = pool->sp_opts.backoff_initial_ms;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed)) {
		seed = sshpool_now_ms() ^ (uint64_t) (uintptr_t) pool;
	}
	pool->sp_rng = seed | 1u;
	*out         = pool;
	return 0;
}

int
sshpool_start(struct sshpool *pool, struct mlops_error *err)
{
	int rc;

	pthread_mutex_lock(&pool->sp_mtx);
	if (pool->sp_started) {
		pthread_mutex_unlock(&pool->sp_mtx);
		return mlops_error_set(err, MLOPS_EBUSY, "%s: already started",
		    sshpool_cc_label(&pool->sp_cc));
	}
	rc = pthread_create(&pool->sp_thread, NULL, sshpool_worker, pool);
	if (rc == 0) {
		pool->sp_started = true;
	}
	pthread_mutex_unlock(&pool->sp_mtx);
	if (rc != 0) {
		return mlops_error_set(err, MLOPS_ERROR,
		    "%s: cannot start the ssh worker: %s",
		    sshpool_cc_label(&pool->sp_cc), strerror(rc));
	}
	return 0;
}

int
sshpool_stop(struct sshpool *pool)
{
	struct timespec ts;
	bool            exited;

	if (pool == NULL) {
		return 0;
	}
	pthread_mutex_lock(&pool->sp_mtx);
	if (!pool->sp_started || pool->sp_joined) {
		pool->sp_stopping = true;
		pthread_mutex_unlock(&pool->sp_mtx);
		return 0;
	}
	pool->sp_stopping = true;
	atomic_store(&pool->sp_cancel, true);
	pthread_cond_broadcast(&pool->sp_cv);
	sshpool_deadline(
	    &ts, sshpool_now_ms() + pool->sp_opts.stop_timeout_ms);
	while (!pool->sp_exited) {
		if (pthread_cond_timedwait(
		        &pool->sp_exit_cv, &pool->sp_mtx, &ts)
		    == ETIMEDOUT) {
			break;
		}
	}
	exited = pool->sp_exited;
	if (exited) {
		pool->sp_joined = true; /* claimed: join exactly once */
	}
	pthread_mutex_unlock(&pool->sp_mtx);
	if (!exited) {
		log_warn("sshpool %s: worker still busy after %u ms",
		    sshpool_cc_label(&pool->sp_cc),
		    pool->sp_opts.stop_timeout_ms);
		return MLOPS_ETIMEDOUT;
	}
	pthread_join(pool->sp_thread, NULL);
	return 0;
}

static void
sshpool_destroy(struct sshpool *pool)
{
	struct sshpool_item *it, *next;

	for (it = pool->sp_head; it != NULL; it = next) {
		next = it->next;
		sshpool_item_free(it);
	}
	pthread_cond_destroy(&pool->sp_cv);
	pthread_cond_destroy(&pool->sp_exit_cv);
	pthread_mutex_destroy(&pool->sp_mtx);
	sshpool_cc_fini(&pool->sp_cc);
	free(pool);
}

void
sshpool_free(struct sshpool *pool)
{
	pthread_t thread;

	if (pool == NULL) {
		return;
	}
	if (sshpool_stop(pool) == MLOPS_ETIMEDOUT) {
		pthread_mutex_lock(&pool->sp_mtx);
		if (!pool->sp_exited) {
			/* The worker frees the pool when its command ends. */
			pool->sp_orphaned = true;
			thread            = pool->sp_thread;
			pthread_mutex_unlock(&pool->sp_mtx);
			pthread_detach(thread);
			return;
		}
		pool->sp_joined = true;
		pthread_mutex_unlock(&pool->sp_mtx);
		pthread_join(pool->sp_thread, NULL);
	}
	sshpool_destroy(pool);
}

void
sshpool_status(struct sshpool *pool, struct sshpool_status *out)
{
	pthread_mutex_lock(&pool->sp_mtx);
	*out = pool->sp_st;
	pthread_mutex_unlock(&pool->sp_mtx);
}

const char *
sshpool_name(const struct sshpool *pool)
{
	return sshpool_cc_label(&pool->sp_cc);
}

void
sshpool_kick(struct sshpool *pool)
{
	pthread_mutex_lock(&pool->sp_mtx);
	if (pool->sp_st.state == EXEC_UNREACHABLE) {
		/* work posted from now on waits for this attempt */
		pool->sp_st.state         = EXEC_CONNECTING;
		pool->sp_backoff_ms       = pool->sp_opts.backoff_initial_ms;
		pool->sp_next_attempt     = 0;
		pool->sp_st.next_retry_ms = 0;
		pthread_cond_broadcast(&pool->sp_cv);
	}
	pthread_mutex_unlock(&pool->sp_mtx);
}

static int
sshpool_post(
    struct sshpool *pool, struct sshpool_item *it, struct mlops_error *err)
{
	pthread_mutex_lock(&pool->sp_mtx);
	if (!pool->sp_started || pool->sp_stopping) {
		bool stopping = pool->sp_stopping;

		pthread_mutex_unlock(&pool->sp_mtx);
		sshpool_item_free(it);
		return mlops_error_set(err, MLOPS_ERROR, "%s: %s",
		    sshpool_cc_label(&pool->sp_cc),
		    stopping ? "shutting down" : "ssh worker not started");
	}
	if (pool->sp_tail != NULL) {
		pool->sp_tail->next = it;
	} else {
		pool->sp_head = it;
	}
	pool->sp_tail = it;
	pthread_cond_signal(&pool->sp_cv);
	pthread_mutex_unlock(&pool->sp_mtx);
	return 0;
}

int
sshpool_exec_async(struct sshpool *pool, const char *const *argv,
    const struct exec_opts *opts, sshpool_exec_cb cb, void *arg,
    struct mlops_error *err)
{
	struct sshpool_item *it;
	size_t               n = 0;

	if (argv == NULL || argv[0] == NULL || cb == NULL) {
		return mlops_error_set(
		    err, MLOPS_EINVAL, "exec needs a command and a callback");
	}
	while (argv[n] != NULL) {
		n++;
	}
	it       = xcalloc(1, sizeof(*it));
	it->kind = SSHPOOL_ITEM_EXEC;
	it->argv = xcalloc(n + 1, sizeof(*it->argv));
	for (size_t i = 0; i < n; i++) {
		it->argv[i] = xstrdup(argv[i]);
	}
	if (opts != NULL) {
		it->opts = *opts;
	} else {
		exec_opts_init(&it->opts);
	}
	if (it->opts.stdin_data != NULL && it->opts.stdin_len > 0) {
		void *copy = xmalloc(it->opts.stdin_len);

		memcpy(copy, it->opts.stdin_data, it->opts.stdin_len);
		it->opts.stdin_data = copy;
	} else {
		it->opts.stdin_data = NULL;
		it->opts.stdin_len  = 0;
	}
	if (it->opts.timeout_ms == 0) {
		it->opts.timeout_ms = pool->sp_opts.default_timeout_ms;
	}
	it->opts.login_shell
	    = it->opts.login_shell || pool->sp_cc.use_login_shell;
	it->opts.cancel = &pool->sp_cancel;
	it->exec_cb     = cb;
	it->arg         = arg;
	return sshpool_post(pool, it, err);
}

int
sshpool_call_async(struct sshpool *pool, sshpool_call_fn fn,
    sshpool_done_cb done, void *arg, struct mlops_error *err)
{
	struct sshpool_item *it;

	if (fn == NULL) {
		return mlops_error_set(
		    err, MLOPS_EINVAL, "call needs a function");
	}
	it          = xcalloc(1, sizeof(*it));
	it->kind    = SSHPOOL_ITEM_CALL;
	it->call_fn = fn;
	it->done_cb = done;
	it->arg     = arg;
	return sshpool_post(pool, it, err);
}

/* ---- host keys outside the pool ---- */

bool
sshpool_on_worker(struct sshpool *pool)
{
	bool on;

	pthread_mutex_lock(&pool->sp_mtx);
	on = pool->sp_started
	    && pthread_equal(pthread_self(), pool->sp_thread);
	pthread_mutex_unlock(&pool->sp_mtx);
	return on;
}
