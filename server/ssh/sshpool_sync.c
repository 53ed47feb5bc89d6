/*
 * The blocking forms of the pool's work (sshpool_exec, sshpool_call): the
 * caller's thread waits on a condition variable while the worker runs the
 * asynchronous form. For threads that may block; never the worker itself.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/xmalloc.h>

#include "sshpool.h"
#include "sshpool_impl.h"

/* A blocking caller waiting for its item. */
struct sshpool_waiter {
	pthread_mutex_t    mtx;
	pthread_cond_t     cv;
	bool               done;
	int                rc;
	struct mlops_error err;
	struct exec_result res;
	sshpool_call_fn    fn; /* sshpool_call(): the caller's work */
	void              *arg;
};

static void
sshpool_waiter_exec_cb(
    void *arg, int rc, struct exec_result *res, const struct mlops_error *err)
{
	struct sshpool_waiter *w = arg;

	pthread_mutex_lock(&w->mtx);
	w->rc = rc;
	if (rc == 0 && res != NULL) {
		w->res = *res;
		memset(res, 0, sizeof(*res)); /* moved */
	} else if (err != NULL) {
		w->err = *err;
	}
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mtx);
}

static void
sshpool_waiter_done_cb(void *arg, int rc, const struct mlops_error *err)
{
	struct sshpool_waiter *w = arg;

	pthread_mutex_lock(&w->mtx);
	w->rc = rc;
	if (err != NULL) {
		w->err = *err;
	}
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mtx);
}

/* The same argument goes to fn and done: unwrap the caller's. */
static int
sshpool_waiter_call_fn(
    ssh_session s, sftp_session sftp, void *arg, struct mlops_error *err)
{
	struct sshpool_waiter *w = arg;

	return w->fn(s, sftp, w->arg, err);
}

static int
sshpool_waiter_wait(struct sshpool_waiter *w)
{
	pthread_mutex_lock(&w->mtx);
	while (!w->done) {
		pthread_cond_wait(&w->cv, &w->mtx);
	}
	pthread_mutex_unlock(&w->mtx);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mtx);
	return w->rc;
}

int
sshpool_exec(struct sshpool *pool, const char *const *argv,
    const struct exec_opts *opts, struct exec_result *out,
    struct mlops_error *err)
{
	struct sshpool_waiter w;
	int                   rc;

	rc = sshpool_on_worker(pool);
	if (rc) {
		return mlops_error_set(err, MLOPS_EINVAL,
		    "sshpool_exec called on the pool's own worker");
	}
	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.mtx, NULL);
	pthread_cond_init(&w.cv, NULL);
	if ((rc = sshpool_exec_async(
	         pool, argv, opts, sshpool_waiter_exec_cb, &w, err))
	    < 0) {
		pthread_cond_destroy(&w.cv);
		pthread_mutex_destroy(&w.mtx);
		return rc;
	}
	if ((rc = sshpool_waiter_wait(&w)) < 0) {
		if (err != NULL) {
			*err = w.err;
		}
		return rc;
	}
	*out = w.res;
	return 0;
}

int
sshpool_call(struct sshpool *pool, sshpool_call_fn fn, void *arg,
    struct mlops_error *err)
{
	struct sshpool_waiter w;
	int                   rc;

	rc = sshpool_on_worker(pool);
	if (rc) {
		return mlops_error_set(err, MLOPS_EINVAL,
		    "sshpool_call called on the pool's own worker");
	}
	memset(&w, 0, sizeof(w));
	w.fn  = fn;
	w.arg = arg;
	pthread_mutex_init(&w.mtx, NULL);
	pthread_cond_init(&w.cv, NULL);
	if ((rc = sshpool_call_async(pool, sshpool_waiter_call_fn,
	         sshpool_waiter_done_cb, &w, err))
	    < 0) {
		pthread_cond_destroy(&w.cv);
		pthread_mutex_destroy(&w.mtx);
		return rc;
	}
	if ((rc = sshpool_waiter_wait(&w)) < 0 && err != NULL) {
		*err = w.err;
	}
	return rc;
}
