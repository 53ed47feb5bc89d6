/*
 * Process-wide log sink. The one piece of global state in common/: the sink
 * is set by main() before threads start and guarded by a mutex after.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <mlops/error.h>
#include <mlops/log.h>

static pthread_mutex_t log_mtx   = PTHREAD_MUTEX_INITIALIZER;
static FILE           *log_fp    = NULL;
static int             log_owned = 0;
static enum log_level  log_max   = LOG_LEVEL_INFO;

static const char *const log_names[] = { "error", "warn", "info", "debug" };

void
mlops_log_open(FILE *fp, enum log_level level)
{
	pthread_mutex_lock(&log_mtx);
	if (log_owned && log_fp != NULL) {
		fclose(log_fp);
	}
	log_fp    = fp;
	log_owned = 0;
	log_max   = level;
	pthread_mutex_unlock(&log_mtx);
}

int
mlops_log_open_file(const char *path, enum log_level level)
{
	FILE *fp = fopen(path, "ae");

	if (fp == NULL) {
		return MLOPS_EIO;
	}
	setvbuf(fp, NULL, _IOLBF, 0);
	mlops_log_open(fp, level);
	pthread_mutex_lock(&log_mtx);
	log_owned = 1;
	pthread_mutex_unlock(&log_mtx);
	return 0;
}

void
mlops_log_close(void)
{
	mlops_log_open(NULL, log_max);
}

static void __attribute__((format(printf, 2, 0)))
mlops_vlog(enum log_level level, const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm       tm;
	char            stamp[32];
	FILE           *fp;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

	pthread_mutex_lock(&log_mtx);
	fp = log_fp ? log_fp : stderr;
	if (level <= log_max) {
		fprintf(fp, "%s.%03ldZ %s: ", stamp, ts.tv_nsec / 1000000,
		    log_names[level]);
		vfprintf(fp, fmt, ap);
		fputc('\n', fp);
		fflush(fp);
	}
	pthread_mutex_unlock(&log_mtx);
}

void
mlops_log(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mlops_vlog(level, fmt, ap);
	va_end(ap);
}

void
mlops_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mlops_vlog(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}
