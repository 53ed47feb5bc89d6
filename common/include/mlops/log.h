/*
 * Daemon and client logging: one line per call, with time and level, to
 * stderr or to a file chosen at startup. Thread-safe.
 */
#ifndef MLOPS_COMMON_LOG_H
#define MLOPS_COMMON_LOG_H

#include <stdio.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN  = 1,
	LOG_LEVEL_INFO  = 2,
	LOG_LEVEL_DEBUG = 3,
};

/** Sends log lines to `fp` (not owned) at `level` and below. */
void mlops_log_open(FILE *fp, enum log_level level);
/** Opens `path` for appending and logs there. Returns 0 or MLOPS_EIO. */
int  mlops_log_open_file(const char *path, enum log_level level);
void mlops_log_close(void);
void mlops_log(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** Logs and exits with status 1. For main() startup failures only. */
void mlops_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#define log_error(...) mlops_log(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  mlops_log(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  mlops_log(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) mlops_log(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
