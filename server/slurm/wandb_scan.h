/*
 * Finding a job's Weights & Biases run URL in its output: a pure scanner
 * fed the file's bytes in order, chunk by chunk, keeping across chunks
 * only the line still open. No I/O; any thread, one owner per state.
 */
#ifndef MLOPS_SERVER_WANDB_SCAN_H
#define MLOPS_SERVER_WANDB_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of an open line kept for the next chunk (its last ones). */
#define WANDB_SCAN_CARRY 2048
/* Room for a URL, NUL included; longer ones are ignored. */
#define WANDB_URL_MAX 512

/* Caller-embedded scanner state; wandb_scan_init() before first use. */
struct wandb_scan {
	char   ws_carry[WANDB_SCAN_CARRY]; /* the line still open */
	size_t ws_len;
};

/** Starts a scan at the beginning of a file (or after a gap). */
void wandb_scan_init(struct wandb_scan *ws);

/**
 * Scans `len` bytes that follow what `ws` saw before and looks for the
 * first W&B RUN URL, `http[s]://HOST/ENTITY/PROJECT/runs/ID`, on a
 * complete line (ended by "\n" or "\r"). HOST must be wandb.ai, or the
 * line must say "View run" before the URL (wandb's own
 * "wandb: 🚀 View run NAME at: URL", which names self-hosted servers too).
 * Project, sweep and other pages ("View project at: .../ENTITY/PROJECT")
 * never match. ANSI escape sequences are removed before matching, and a
 * URL split between two chunks is found once its line is complete.
 *
 * On a match copies the URL, normalised to
 * `scheme://HOST/ENTITY/PROJECT/runs/ID` (no trailing path, query or
 * fragment), into `out` (`outlen` >= WANDB_URL_MAX), empties the state
 * and returns true. Otherwise keeps the open last line (its last
 * WANDB_SCAN_CARRY bytes) and returns false.
 */
bool wandb_scan(struct wandb_scan *ws, const void *data, size_t len, char *out,
    size_t outlen);

/**
 * Treats the open last line as complete (the file ended without a
 * newline) and scans it; empties the state. Returns true with `out` set
 * on a match.
 */
bool wandb_scan_flush(struct wandb_scan *ws, char *out, size_t outlen);

/**
 * The run URL on one line of `len` bytes (no line break inside), as
 * wandb_scan() matches it. Returns true with `out` set on a match.
 */
bool wandb_scan_line(const char *line, size_t len, char *out, size_t outlen);

#endif
