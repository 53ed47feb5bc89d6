/*
 * A job's output as a terminal would have left it: a carriage return
 * rewinds its line, so a progress bar redrawn with "\r" shows as its last
 * state. Streaming and pure: feed the bytes in file order, chunk by chunk;
 * only complete lines come out until the caller flushes. Used by the
 * clients that print logs. One owner per state.
 */
#ifndef MLOPS_COMMON_LOGFMT_H
#define MLOPS_COMMON_LOGFMT_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/strbuf.h>

/* An open line longer than this is let out as is (no newline came). */
#define MLOPS_LOGFMT_LINE_MAX (1024u * 1024u)

/* Caller-embedded; mlops_logfmt_init() before use. */
struct mlops_logfmt {
	struct strbuf lf_line; /* the open line as shown so far */
	bool          lf_cr; /* a "\r" ended it: rewinds unless "\n" follows */
};

void mlops_logfmt_init(struct mlops_logfmt *lf);
void mlops_logfmt_fini(struct mlops_logfmt *lf);

/**
 * Takes `len` more bytes of output and appends each line they complete to
 * `out`, with its "\n": of a line, only the text after its last "\r" (a
 * "\r\n" ending is a plain line end). NUL bytes are dropped. The open last
 * line is kept for the next call, unless it grows past
 * MLOPS_LOGFMT_LINE_MAX without any line break.
 */
void mlops_logfmt_feed(
    struct mlops_logfmt *lf, const void *data, size_t len, struct strbuf *out);

/**
 * Appends the open last line, as shown so far and without a newline (the
 * output ended there), and forgets it. Returns true when it was not empty.
 */
bool mlops_logfmt_flush(struct mlops_logfmt *lf, struct strbuf *out);

/**
 * Where the last `n` lines of `buf` start (a final "\n" ends the last
 * line, it does not start another). *enough is false when `buf` holds
 * fewer than n line breaks before them, so that its first line may be only
 * the end of a longer one; the return is then 0.
 */
size_t mlops_logfmt_tail_start(
    const char *buf, size_t len, size_t n, bool *enough);

#endif
