/*
 * Allocation that aborts on out-of-memory (tmux's xmalloc). We are programs,
 * not a library: an OOM is fatal and every other path stays testable.
 */
#ifndef MLOPS_COMMON_XMALLOC_H
#define MLOPS_COMMON_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/** Grows an array of nmemb elements of `size`, checking for overflow. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/** xstrdup() that maps NULL to NULL. */
char *xstrdup_null(const char *s);
char *xstrndup(const char *s, size_t n);
/** Allocates a formatted string. Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

#endif
