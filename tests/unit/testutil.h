/*
 * Helpers shared by the unit tests: scratch directories and small file I/O.
 */
#ifndef MLOPS_TESTS_TESTUTIL_H
#define MLOPS_TESTS_TESTUTIL_H

#include <stddef.h>

/** Creates a fresh directory under $TMPDIR. Caller frees the path. */
char *testutil_mkdtemp(const char *tag);
/** Removes a directory tree (best effort). */
void testutil_rmtree(const char *path);
/** Writes `text` to dir/name, creating parent dirs. Returns 0 or -1. */
int testutil_write(const char *dir, const char *name, const char *text);
/** Reads a whole file. Caller frees; NULL on error. */
char *testutil_read(const char *path, size_t *len);
/** Runs a shell command line (tests only); returns its exit status. */
int testutil_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/**
 * Runs `printf '%s\0' WORDS` under `shell -c` ("sh" or "bash"), where
 * WORDS is a command line's text after its command name (as a client
 * prints overrides), and returns the words the shell passed printf, each
 * ended by a NUL, with their total length in *len. Caller frees; NULL when
 * the shell failed.
 */
char *testutil_sh_words(const char *shell, const char *words, size_t *len);

#endif
