/*
 * Shared job log readers and the W&B run URL scan. Entries (one per job
 * and stream) live under lr_mtx. File reads run as executor_call_async()
 * work on the job's cluster worker; the scan state of an entry is only
 * changed by that work, so one worker thread at a time, in order. URLs
 * found are written through a store connection per cluster, opened and
 * used on that cluster's worker only.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/log.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "clusters.h"
#include "logread.h"
#include "mlopsd.h"
#include "executor.h"
#include "store.h"
#include "wandb_scan.h"

struct logread_waiter {
	int64_t                w_offset;
	uint32_t               w_max;
	bool                   w_own; /* the read in flight was made for it */
	logread_cb             w_cb;
	void                  *w_arg;
	struct logread_waiter *w_next;
};

struct logread_entry {
	int64_t          e_job;
	int              e_stream;
	char            *e_path;
	char            *e_cluster;
	struct executor *e_ex;
	uint64_t         e_used; /* lr_tick of the last use */
	unsigned         e_refs; /* work in flight pointing here */

	/* The shared reader. */
	bool                   e_reading; /* a read is in flight */
	struct logread_waiter *e_waiters; /* in arrival order */
	bool                   e_have;    /* e_range/e_data hold a result */
	bool                   e_missing;
	struct logread_range   e_range;
	char                  *e_data;
	int64_t                e_at_ms;

	/* The W&B scan: bytes [0, e_mark) are scanned. */
	bool              e_terminal;
	bool              e_done;      /* the URL is known: no more scans */
	bool              e_head;      /* the file's start was scanned */
	bool              e_hook_busy; /* the hook's work is queued */
	bool              e_hook_end;  /* the hook scanned the ended job */
	uint64_t          e_mark;
	struct wandb_scan e_scan;

	struct logread_entry *e_next;
};

/* A store connection of one cluster's worker. */
struct logread_db {
	char              *db_cluster;
	struct store      *db_st;
	struct logread_db *db_next;
};

struct logread {
	struct mlopsd        *lr_d;
	pthread_mutex_t       lr_mtx;
	struct logread_entry *lr_entries;
	size_t                lr_n;
	uint64_t              lr_tick;
	struct logread_stats  lr_stats;
	size_t                lr_cached; /* bytes of results held */
	struct logread_db    *lr_dbs;
};

/* One unit of work on the cluster's worker. */
struct logread_work {
	struct logread       *lw_lr;
	struct logread_entry *lw_e;
	char                 *lw_path;
	int64_t               lw_job;
	bool                  lw_read; /* a reader read (else a hook scan) */
	int64_t               lw_offset;
	uint32_t              lw_max;
	bool                  lw_end; /* scan up to the end (job ended) */
	/* Results, filled on the worker. */
	struct strbuf lw_data;
	uint64_t      lw_data_off;
	uint64_t      lw_size;
	bool          lw_missing;
	uint64_t      lw_scan_reads, lw_scan_bytes;
	char          lw_url[WANDB_URL_MAX];
};

/* An answer prepared under the lock, delivered after it. */
struct logread_answer {
	logread_cb             a_cb;
	void                  *a_arg;
	int                    a_rc;
	struct logread_reply   a_reply;
	struct logread_answer *a_next;
};

static int  logread_post(struct logread_work *w, struct mlops_error *err);
static void logread_done(void *arg, int rc, const struct mlops_error *err);

static int64_t
logread_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct logread *
logread_new(struct mlopsd *d)
{
	struct logread *lr = xcalloc(1, sizeof(*lr));

	lr->lr_d = d;
	pthread_mutex_init(&lr->lr_mtx, NULL);
	return lr;
}

static void
logread_entry_free(struct logread_entry *e)
{
	free(e->e_path);
	free(e->e_cluster);
	free(e->e_data);
	free(e);
}

void
logread_free(struct logread *lr)
{
	struct logread_entry *e, *en;
	struct logread_db    *db, *dn;

	if (lr == NULL) {
		return;
	}
	for (e = lr->lr_entries; e != NULL; e = en) {
		en = e->e_next;
		if (e->e_refs > 0 || e->e_waiters != NULL) {
			/* An executor that did not stop in time still holds
			 * it. */
			log_warn("logs: job %lld: a read is still in flight",
			    (long long) e->e_job);
			continue;
		}
		logread_entry_free(e);
	}
	for (db = lr->lr_dbs; db != NULL; db = dn) {
		dn = db->db_next;
		store_close(db->db_st);
		free(db->db_cluster);
		free(db);
	}
	pthread_mutex_destroy(&lr->lr_mtx);
	free(lr);
}

void
logread_stats(struct logread *lr, struct logread_stats *out)
{
	pthread_mutex_lock(&lr->lr_mtx);
	*out = lr->lr_stats;
	pthread_mutex_unlock(&lr->lr_mtx);
}

bool
logread_covers(const struct logread_range *have, int64_t offset, uint32_t max,
    size_t *skip, size_t *len)
{
	uint64_t end = have->offset + have->len;
	uint64_t from;

	if (offset < 0) {
		/* The file's last `max` bytes, as seen by that read. */
		if (end < have->file_size) {
			return false;
		}
		from = have->file_size > max ? have->file_size - max : 0;
		if (from < have->offset) {
			return false;
		}
	} else {
		from = (uint64_t) offset;
		if (from < have->offset
		    || (from >= end && end < have->file_size))
			return false;
	}
	if (from >= end) {
		*skip = have->len;
		*len  = 0;
		return true;
	}
	*skip = (size_t) (from - have->offset);
	*len  = (size_t) (end - from);
	if (*len > max) {
		*len = max;
	}
	return true;
}

/* Forgets the entry's result. Under lr_mtx. */
static void
logread_drop(struct logread *lr, struct logread_entry *e)
{
	if (e->e_have) {
		lr->lr_cached -= e->e_range.len;
	}
	e->e_have = false;
	free(e->e_data);
	e->e_data = NULL;
}

/* Drops cached results older than LOGREAD_FRESH_MS. Under lr_mtx. */
static void
logread_expire(struct logread *lr, int64_t now)
{
	struct logread_entry *e;

	for (e = lr->lr_entries; e != NULL; e = e->e_next) {
		if (e->e_have && now - e->e_at_ms >= LOGREAD_FRESH_MS) {
			logread_drop(lr, e);
		}
	}
}

/* Drops the oldest results but `keep`'s while over LOGREAD_CACHE_MAX. */
static void
logread_trim(struct logread *lr, struct logread_entry *keep)
{
	while (lr->lr_cached > LOGREAD_CACHE_MAX) {
		struct logread_entry *e, *oldest = NULL;

		for (e = lr->lr_entries; e != NULL; e = e->e_next) {
			if (e != keep && e->e_have
			    && (oldest == NULL
			        || e->e_at_ms < oldest->e_at_ms)) {
				oldest = e;
			}
		}
		if (oldest == NULL) {
			return;
		}
		logread_drop(lr, oldest);
	}
}

/* Drops the least recently used idle entry when over the limit. */
static void
logread_evict(struct logread *lr)
{
	struct logread_entry **pp, **victim = NULL;

	if (lr->lr_n < LOGREAD_MAX_READERS) {
		return;
	}
	for (pp = &lr->lr_entries; *pp != NULL; pp = &(*pp)->e_next) {
		struct logread_entry *e = *pp;

		if (e->e_refs == 0 && e->e_waiters == NULL
		    && (victim == NULL || e->e_used < (*victim)->e_used)) {
			victim = pp;
		}
	}
	if (victim != NULL) {
		struct logread_entry *e = *victim;

		*victim = e->e_next;
		logread_drop(lr, e);
		logread_entry_free(e);
		lr->lr_n--;
	}
}

/* The entry of (job, stream), created when new. Under lr_mtx. */
static struct logread_entry *
logread_entry(struct logread *lr, const struct logread_job *job, int stream,
    struct executor *ex)
{
	struct logread_entry *e;

	for (e = lr->lr_entries; e != NULL; e = e->e_next) {
		if (e->e_job == job->id && e->e_stream == stream) {
			break;
		}
	}
	if (e == NULL) {
		logread_evict(lr);
		e            = xcalloc(1, sizeof(*e));
		e->e_job     = job->id;
		e->e_stream  = stream;
		e->e_path    = xstrdup(job->path);
		e->e_cluster = xstrdup(job->cluster);
		e->e_ex      = ex;
		wandb_scan_init(&e->e_scan);
		e->e_next      = lr->lr_entries;
		lr->lr_entries = e;
		lr->lr_n++;
	} else if (strcmp(e->e_path, job->path) != 0) {
		/* Another file now: nothing known about it holds. */
		logread_drop(lr, e);
		free(e->e_path);
		e->e_path = xstrdup(job->path);
		e->e_head = e->e_hook_end = false;
		e->e_mark                 = 0;
		wandb_scan_init(&e->e_scan);
	}
	e->e_used     = ++lr->lr_tick;
	e->e_terminal = e->e_terminal || job->terminal;
	if (job->has_url) {
		e->e_done = true;
	}
	return e;
}

/* A new work item for entry `e`, which it pins. Under lr_mtx. */
static struct logread_work *
logread_work_new(struct logread *lr, struct logread_entry *e)
{
	struct logread_work *w = xcalloc(1, sizeof(*w));

	w->lw_lr   = lr;
	w->lw_e    = e;
	w->lw_path = xstrdup(e->e_path);
	w->lw_job  = e->e_job;
	strbuf_init(&w->lw_data);
	e->e_refs++;
	return w;
}

static void
logread_work_free(struct logread_work *w)
{
	strbuf_fini(&w->lw_data);
	free(w->lw_path);
	free(w);
}

/* Starts the read for waiter `wt` (the entry is not reading). */
static struct logread_work *
logread_start(
    struct logread *lr, struct logread_entry *e, struct logread_waiter *wt)
{
	struct logread_work   *w = logread_work_new(lr, e);
	struct logread_waiter *o;

	/* Others asking for the same range share it: read the most. */
	for (o = e->e_waiters; o != NULL; o = o->w_next) {
		if (o->w_offset == wt->w_offset && o->w_max > wt->w_max) {
			wt->w_max = o->w_max;
		}
	}
	w->lw_read   = true;
	w->lw_offset = wt->w_offset;
	w->lw_max    = wt->w_max;
	wt->w_own    = true;
	e->e_reading = true;
	return w;
}

/* Queues a reply copied from the entry's result. Under lr_mtx. */
static void
logread_answer(struct logread_answer **list, struct logread_entry *e,
    logread_cb cb, void *arg, int64_t offset, size_t skip, size_t len)
{
	struct logread_answer *a = xcalloc(1, sizeof(*a));

	a->a_cb              = cb;
	a->a_arg             = arg;
	a->a_reply.missing   = e->e_missing;
	a->a_reply.file_size = e->e_range.file_size;
	if (offset >= 0) {
		a->a_reply.offset = (uint64_t) offset;
	} else if (!e->e_missing) {
		a->a_reply.offset = e->e_range.offset + skip;
	}
	a->a_reply.len = len;
	if (len > 0) {
		a->a_reply.data = xmalloc(len);
		memcpy(a->a_reply.data, e->e_data + skip, len);
	}
	a->a_next = *list;
	*list     = a;
}

/* Whether the entry's result answers (offset, max); fills the slice. */
static bool
logread_cached(struct logread_entry *e, int64_t offset, uint32_t max,
    size_t *skip, size_t *len)
{
	if (!e->e_have) {
		return false;
	}
	if (e->e_missing) {
		*skip = *len = 0;
		return true;
	}
	return logread_covers(&e->e_range, offset, max, skip, len);
}

static void
logread_deliver(struct logread_answer *a, const struct mlops_error *err)
{
	struct logread_answer *next;

	for (; a != NULL; a = next) {
		next = a->a_next;
		if (a->a_rc < 0) {
			a->a_cb(a->a_arg, a->a_rc, NULL, err);
		} else {
			a->a_cb(a->a_arg, 0, &a->a_reply, NULL);
		}
		free(a);
	}
}

int
logread_read(struct logread *lr, const struct logread_job *job,
    enum logread_stream stream, int64_t offset, uint32_t max, logread_cb cb,
    void *arg, struct mlops_error *err)
{
	struct executor       *ex;
	struct logread_entry  *e;
	struct logread_waiter *wt, **pp;
	struct logread_work   *w       = NULL;
	struct logread_answer *answers = NULL;
	size_t                 skip, len;
	int                    rc;

	if (offset < -1) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "offset",
		    "offset: must be -1 (the end) or a byte offset");
	}
	if (max == 0) {
		max = LOGREAD_DEFAULT_BYTES;
	}
	if (max > LOGREAD_MAX_BYTES) {
		max = LOGREAD_MAX_BYTES;
	}
	ex = clusters_exec(lr->lr_d->d_clusters, job->cluster);
	if (ex == NULL) {
		return mlops_error_set(err, MLOPS_ENOTFOUND,
		    "cluster %s is no longer configured", job->cluster);
	}
	pthread_mutex_lock(&lr->lr_mtx);
	lr->lr_stats.requests++;
	logread_expire(lr, logread_now_ms());
	e = logread_entry(lr, job, (int) stream, ex);
	if (logread_cached(e, offset, max, &skip, &len)) {
		lr->lr_stats.shared++;
		logread_answer(&answers, e, cb, arg, offset, skip, len);
		pthread_mutex_unlock(&lr->lr_mtx);
		logread_deliver(answers, NULL);
		return 0;
	}
	wt           = xcalloc(1, sizeof(*wt));
	wt->w_offset = offset;
	wt->w_max    = max;
	wt->w_cb     = cb;
	wt->w_arg    = arg;
	for (pp = &e->e_waiters; *pp != NULL; pp = &(*pp)->w_next) { }
	*pp = wt;
	if (!e->e_reading) {
		w = logread_start(lr, e, wt);
	}
	pthread_mutex_unlock(&lr->lr_mtx);
	if (w != NULL && (rc = logread_post(w, err)) < 0) {
		logread_done(w, rc, err);
	}
	return 0;
}

/* ---- on the worker -------------------------------------------------- */

/* The store connection of `cluster`, opened on first use (worker only). */
static struct store *
logread_db(struct logread *lr, const char *cluster)
{
	struct logread_db *db;
	struct mlops_error err = { 0 };
	struct store      *st  = NULL;

	pthread_mutex_lock(&lr->lr_mtx);
	for (db = lr->lr_dbs; db != NULL; db = db->db_next) {
		if (strcmp(db->db_cluster, cluster) == 0) {
			st = db->db_st;
			break;
		}
	}
	pthread_mutex_unlock(&lr->lr_mtx);
	if (db != NULL) {
		return st;
	}
	if (store_open(&st, lr->lr_d->d_db_path, &err) < 0) {
		log_warn("logs: cannot open the store: %s", err.msg);
		return NULL;
	}
	db             = xcalloc(1, sizeof(*db));
	db->db_cluster = xstrdup(cluster);
	db->db_st      = st;
	pthread_mutex_lock(&lr->lr_mtx);
	db->db_next = lr->lr_dbs;
	lr->lr_dbs  = db;
	pthread_mutex_unlock(&lr->lr_mtx);
	return st;
}

/* Stores the job's URL unless it has one; publishes the change. */
static void
logread_store_url(
    struct logread *lr, const char *cluster, int64_t id, const char *url)
{
	struct store      *st  = logread_db(lr, cluster);
	struct store_job  *j   = NULL;
	struct mlops_error err = { 0 };
	bool               had;

	if (st == NULL || store_job_get(&j, st, id, &err) < 0) {
		goto out;
	}
	had = j->wandb_url != NULL;
	store_job_free(j);
	j = NULL;
	if (had) {
		goto out;
	}
	if (store_job_set_wandb_url(st, id, url, &err) < 0
	    || store_job_get(&j, st, id, &err) < 0) {
		goto out;
	}
	if (j->wandb_url != NULL && strcmp(j->wandb_url, url) == 0) {
		log_info("job %lld: W&B run %s", (long long) id, url);
		mlopsd_notify_job(lr->lr_d, j, NULL);
	}
out:
	if (err.code != 0) {
		log_warn("job %lld: cannot store the W&B URL: %s",
		    (long long) id, err.msg);
	}
	store_job_free(j);
}

/* Reads [offset, offset + max) into `out`; ENOTFOUND is *missing. */
static int
logread_range_read(struct strbuf *out, uint64_t *size, bool *missing,
    struct exec_session *s, const char *path, uint64_t offset, size_t max,
    struct mlops_error *err)
{
	int rc = exec_read_range(s, out, size, path, offset, max, err);

	if (rc == MLOPS_ENOTFOUND) {
		*missing = true;
		mlops_error_clear(err);
		return 0;
	}
	return rc;
}

/*
 * Scans what `w` read, and what the scan still needs (the file's first
 * LOGREAD_HEAD_BYTES; after the end of the job, the rest up to the cap).
 */
static int
logread_scan(
    struct logread_work *w, struct exec_session *s, struct mlops_error *err)
{
	struct logread       *lr = w->lw_lr;
	struct logread_entry *e  = w->lw_e;
	struct wandb_scan    *ws = xmalloc(sizeof(*ws));
	struct strbuf         sb = STRBUF_INIT;
	bool                  head, terminal, done, found = false;
	bool                  missing = false;
	uint64_t              mark, size = w->lw_size;
	int                   rc = 0;

	pthread_mutex_lock(&lr->lr_mtx);
	done     = e->e_done;
	head     = e->e_head;
	terminal = e->e_terminal;
	mark     = e->e_mark;
	*ws      = e->e_scan;
	pthread_mutex_unlock(&lr->lr_mtx);
	if (done || (w->lw_read && w->lw_missing)) {
		goto out;
	}
	if (!w->lw_read) {
		rc = exec_stat_size(s, &size, w->lw_path, err);
		if (rc == MLOPS_ENOTFOUND) {
			mlops_error_clear(err);
			rc = 0;
		}
		if (rc < 0 || size == 0) {
			goto out;
		}
	}
	if (size < mark) {
		/* The file shrank: a requeued job writes it anew. */
		head = false;
		mark = 0;
		wandb_scan_init(ws);
	}
	if (!head && !(w->lw_read && w->lw_data_off == 0)) {
		rc = logread_range_read(&sb, &size, &missing, s, w->lw_path, 0,
		    LOGREAD_HEAD_BYTES, err);
		if (rc < 0 || missing) {
			goto out;
		}
		w->lw_scan_reads++;
		w->lw_scan_bytes += sb.len;
		wandb_scan_init(ws);
		found
		    = wandb_scan(ws, sb.buf, sb.len, w->lw_url, WANDB_URL_MAX);
		mark = sb.len;
		head = true;
		strbuf_reset(&sb);
	}
	if (!found && w->lw_read) {
		uint64_t off = w->lw_data_off, end = off + w->lw_data.len;

		if (off == 0) {
			head = true;
		}
		if (end > mark && head) {
			if (off > mark) {
				wandb_scan_init(ws); /* a gap: lines restart */
			}
			off   = off > mark ? off : mark;
			found = wandb_scan(ws,
			    w->lw_data.buf + (off - w->lw_data_off),
			    (size_t) (end - off), w->lw_url, WANDB_URL_MAX);
			mark  = end;
		}
	}
	if (!found && w->lw_end) {
		uint64_t got = 0;

		if (size > mark + LOGREAD_SCAN_CAP) {
			/* wandb prints the run URL again when it finishes */
			mark = size - LOGREAD_SCAN_CAP;
			wandb_scan_init(ws);
		}
		while (!found && got < LOGREAD_SCAN_CAP) {
			size_t want = LOGREAD_SCAN_CAP - got;

			if (want > LOGREAD_MAX_BYTES) {
				want = LOGREAD_MAX_BYTES;
			}
			rc = logread_range_read(&sb, &size, &missing, s,
			    w->lw_path, mark, want, err);
			if (rc < 0 || missing || sb.len == 0) {
				break;
			}
			w->lw_scan_reads++;
			w->lw_scan_bytes += sb.len;
			got += sb.len;
			mark += sb.len;
			found = wandb_scan(
			    ws, sb.buf, sb.len, w->lw_url, WANDB_URL_MAX);
			strbuf_reset(&sb);
		}
	}
	if (!found && terminal && head && mark >= size) {
		found = wandb_scan_flush(ws, w->lw_url, WANDB_URL_MAX);
	}
	pthread_mutex_lock(&lr->lr_mtx);
	e->e_head = head;
	e->e_mark = mark;
	e->e_scan = *ws;
	if (found) {
		e->e_done = true;
	}
	pthread_mutex_unlock(&lr->lr_mtx);
out:
	strbuf_fini(&sb);
	free(ws);
	return rc;
}

/* The work itself (worker thread). */
static int
logread_fn(struct exec_session *s, void *arg, struct mlops_error *err)
{
	struct logread_work *w = arg;
	uint64_t             off;
	int                  rc;

	if (w->lw_read) {
		if (w->lw_offset < 0) {
			uint64_t size = 0;

			rc = exec_stat_size(s, &size, w->lw_path, err);
			if (rc == MLOPS_ENOTFOUND) {
				mlops_error_clear(err);
				w->lw_missing = true;
				return 0;
			}
			if (rc < 0) {
				return rc;
			}
			off = size > w->lw_max ? size - w->lw_max : 0;
		} else {
			off = (uint64_t) w->lw_offset;
		}
		rc = logread_range_read(&w->lw_data, &w->lw_size,
		    &w->lw_missing, s, w->lw_path, off, w->lw_max, err);
		if (rc < 0) {
			return rc;
		}
		w->lw_data_off = off;
	}
	/* A failed scan never fails the read it rode on. */
	if ((rc = logread_scan(w, s, err)) < 0 && w->lw_read) {
		log_debug("logs: job %lld: W&B scan: %s",
		    (long long) w->lw_job, err->msg);
		mlops_error_clear(err);
		rc = 0;
	}
	return rc;
}

static int
logread_post(struct logread_work *w, struct mlops_error *err)
{
	return executor_call_async(
	    w->lw_e->e_ex, logread_fn, logread_done, w, err);
}

/* Completion of a reader read: answers the waiters it covers. */
static struct logread_work *
logread_finish_read(
    struct logread_work *w, int rc, struct logread_answer **answers)
{
	struct logread        *lr = w->lw_lr;
	struct logread_entry  *e  = w->lw_e;
	struct logread_waiter *wt, **pp;
	struct logread_work   *next = NULL;
	size_t                 skip, len;

	logread_drop(lr, e);
	if (rc == 0) {
		e->e_have            = true;
		e->e_missing         = w->lw_missing;
		e->e_range.offset    = w->lw_data_off;
		e->e_range.len       = w->lw_data.len;
		e->e_range.file_size = w->lw_size;
		e->e_data            = strbuf_detach(&w->lw_data, NULL);
		e->e_at_ms           = logread_now_ms();
		lr->lr_cached += e->e_range.len;
		logread_expire(lr, e->e_at_ms);
		logread_trim(lr, e);
		lr->lr_stats.reads++;
		lr->lr_stats.bytes += e->e_range.len;
	}
	for (pp = &e->e_waiters; (wt = *pp) != NULL;) {
		bool answer = rc < 0;

		if (rc == 0) {
			answer = logread_cached(
			    e, wt->w_offset, wt->w_max, &skip, &len);
		}
		if (!answer) {
			pp = &wt->w_next;
			continue;
		}
		if (rc < 0) {
			struct logread_answer *a = xcalloc(1, sizeof(*a));

			a->a_cb   = wt->w_cb;
			a->a_arg  = wt->w_arg;
			a->a_rc   = rc;
			a->a_next = *answers;
			*answers  = a;
		} else {
			logread_answer(answers, e, wt->w_cb, wt->w_arg,
			    wt->w_offset, skip, len);
			if (!wt->w_own) {
				lr->lr_stats.shared++;
			}
		}
		*pp = wt->w_next;
		free(wt);
	}
	e->e_reading = false;
	if (e->e_waiters != NULL) {
		next = logread_start(lr, e, e->e_waiters);
	}
	return next;
}

static void
logread_done(void *arg, int rc, const struct mlops_error *err)
{
	struct logread_work   *w       = arg;
	struct logread        *lr      = w->lw_lr;
	struct logread_entry  *e       = w->lw_e;
	struct logread_work   *next    = NULL;
	struct logread_answer *answers = NULL;
	struct mlops_error     perr    = { 0 };

	if (w->lw_url[0] != '\0') {
		logread_store_url(lr, e->e_cluster, w->lw_job, w->lw_url);
	}
	pthread_mutex_lock(&lr->lr_mtx);
	lr->lr_stats.scan_reads += w->lw_scan_reads;
	lr->lr_stats.scan_bytes += w->lw_scan_bytes;
	if (w->lw_read) {
		next = logread_finish_read(w, rc, &answers);
	} else {
		e->e_hook_busy = false;
		if (rc < 0) {
			e->e_hook_end
			    = false; /* the next change tries again */
		}
	}
	e->e_refs--;
	pthread_mutex_unlock(&lr->lr_mtx);
	logread_deliver(answers, err);
	logread_work_free(w);
	if (next != NULL && (rc = logread_post(next, &perr)) < 0) {
		logread_done(next, rc, &perr);
	}
}

/* ---- the poller's hook ---------------------------------------------- */

static void
logread_hook_stream(struct logread *lr, const struct store_job *job,
    int stream, const char *path, struct executor *ex)
{
	struct logread_job    lj = { 0 };
	struct logread_entry *e;
	struct logread_work  *w   = NULL;
	struct mlops_error    err = { 0 };
	int                   rc;

	lj.id       = job->id;
	lj.cluster  = job->cluster;
	lj.path     = path;
	lj.terminal = job->terminal;
	pthread_mutex_lock(&lr->lr_mtx);
	e = logread_entry(lr, &lj, stream, ex);
	if (!e->e_done && !e->e_hook_busy
	    && (job->terminal ? !e->e_hook_end : !e->e_head)) {
		w              = logread_work_new(lr, e);
		w->lw_end      = job->terminal;
		e->e_hook_busy = true;
		if (job->terminal) {
			e->e_hook_end = true;
		}
	}
	pthread_mutex_unlock(&lr->lr_mtx);
	if (w != NULL && (rc = logread_post(w, &err)) < 0) {
		logread_done(w, rc, &err);
	}
}

void
logread_job_changed(struct mlopsd *d, const struct store_job *job)
{
	struct executor *ex;

	if (d == NULL || d->d_logread == NULL || job == NULL
	    || job->wandb_url != NULL || job->stdout_path == NULL
	    || job->state == NULL) {
		return;
	}
	if (!job->terminal && strcmp(job->state, "RUNNING") != 0) {
		return;
	}
	if ((ex = clusters_exec(d->d_clusters, job->cluster)) == NULL) {
		return;
	}
	logread_hook_stream(
	    d->d_logread, job, LOGREAD_STDOUT, job->stdout_path, ex);
	if (job->stderr_path != NULL
	    && strcmp(job->stderr_path, job->stdout_path) != 0) {
		logread_hook_stream(
		    d->d_logread, job, LOGREAD_STDERR, job->stderr_path, ex);
	}
}
