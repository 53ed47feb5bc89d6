/*
 * Job output files read over SFTP by byte ranges, shared by every client:
 * one reader per (job, stream) answers concurrent requests for the same
 * range with one SFTP read, and a result stays good for
 * LOGREAD_FRESH_MS for the clients that follow it. Every byte read is
 * also scanned once for the job's W&B run URL (wandb_scan.h), which is
 * stored on the job. Reads run as async work on the cluster's SSH worker;
 * any thread may call these functions.
 */
#ifndef MLOPS_SERVER_LOGREAD_H
#define MLOPS_SERVER_LOGREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>

struct logread;
struct mlopsd;
struct store_job;

#define LOGREAD_DEFAULT_BYTES (64u * 1024u)        /* max_bytes 0 */
#define LOGREAD_MAX_BYTES     (1024u * 1024u)      /* per read */
#define LOGREAD_HEAD_BYTES    (64u * 1024u)        /* scanned once per file */
#define LOGREAD_SCAN_CAP      (4u * 1024u * 1024u) /* scan after the end */
#define LOGREAD_FRESH_MS      1000 /* a read serves others this long */
#define LOGREAD_MAX_READERS   128  /* idle readers beyond are dropped */
#define LOGREAD_CACHE_MAX     (16u * 1024u * 1024u) /* results held at most */

enum logread_stream {
	LOGREAD_STDOUT = 0,
	LOGREAD_STDERR = 1,
};

/* Counters since start (LogStats on the wire). */
struct logread_stats {
	uint64_t requests;   /* reads asked for with logread_read() */
	uint64_t reads;      /* SFTP reads made for them */
	uint64_t bytes;      /* bytes those reads returned */
	uint64_t shared;     /* requests answered by another's read */
	uint64_t scan_reads; /* extra SFTP reads for the W&B scan */
	uint64_t scan_bytes;
};

/* What a request gets back. */
struct logread_reply {
	char    *data; /* malloc'd; the callback takes it over (may be NULL) */
	size_t   len;
	uint64_t offset;    /* where data starts in the file */
	uint64_t file_size; /* the file's size when it was read */
	bool     missing;   /* no such file (yet): not an error */
};

/*
 * Completion of logread_read(): rc 0 with `r` (the callback owns r->data),
 * or a negative MLOPS_E* with `err` (r NULL). Runs on the cluster's SSH
 * worker, or at once on the caller's thread when a fresh result serves.
 */
typedef void (*logread_cb)(
    void *arg, int rc, struct logread_reply *r, const struct mlops_error *err);

/** What logread needs of a job (borrowed for the call). */
struct logread_job {
	int64_t     id;
	const char *cluster;
	const char *path;     /* the stream's file on the cluster */
	bool        terminal; /* the job's state is final */
	bool        has_url;  /* a W&B URL is stored: no scan needed */
};

/**
 * Creates the readers of daemon `d` (borrowed: its clusters, events and
 * db path are used from the SSH workers). Caller frees with
 * logread_free().
 */
struct logread *logread_new(struct mlopsd *d);
/**
 * Frees every reader and the per-cluster store connections. Call after
 * the clusters' pools stopped (no read in flight). NULL is a no-op.
 */
void logread_free(struct logread *lr);

/**
 * Reads up to `max` bytes (0: LOGREAD_DEFAULT_BYTES, capped at
 * LOGREAD_MAX_BYTES) of stream `stream` of job `job` from `offset`, or
 * with offset -1 the last `max` bytes of the file. A request that the
 * result of a read in flight, or of one done less than LOGREAD_FRESH_MS
 * ago, covers shares that read. `cb` runs exactly once, unless this
 * returns an error. Never blocks.
 * Returns 0, MLOPS_EINVAL (offset < -1) or MLOPS_ENOTFOUND (the job's
 * cluster is not configured).
 */
int logread_read(struct logread *lr, const struct logread_job *job,
    enum logread_stream stream, int64_t offset, uint32_t max, logread_cb cb,
    void *arg, struct mlops_error *err);

/** Copies the counters. */
void logread_stats(struct logread *lr, struct logread_stats *out);

/**
 * The poller's hook, to call after it stored a change of job `job`: when
 * the job runs or has ended and has no W&B URL yet, its output is scanned
 * for one without any client watching. The first LOGREAD_HEAD_BYTES of
 * each output file are read once per job, and once the job has ended the
 * bytes after what was already scanned, up to LOGREAD_SCAN_CAP; so the
 * cost never grows with the number of poll cycles. Queues async work and
 * returns at once; any thread (the poller calls it on the SSH worker).
 */
void logread_job_changed(struct mlopsd *d, const struct store_job *job);

/*
 * A read's result and what part of it answers a request (pure; exposed
 * for the tests).
 */
struct logread_range {
	uint64_t offset;    /* where the data starts */
	size_t   len;       /* bytes of data */
	uint64_t file_size; /* the size seen by the read */
};

/**
 * Whether read result `have` answers a request for `max` bytes from
 * `offset` (-1: the end of the file), as a read made now would: the range
 * starts inside the data, or at its end when the read reached the end of
 * the file, and for -1 the data holds the file's last bytes. On true,
 * *skip and *len say which part of the data to send.
 */
bool logread_covers(const struct logread_range *have, int64_t offset,
    uint32_t max, size_t *skip, size_t *len);

#endif
