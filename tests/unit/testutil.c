/*
 * Scratch directories and file helpers for the unit tests.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mlops/shquote.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "testutil.h"

char *
testutil_mkdtemp(const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	char       *path;

	path
	    = xasprintf("%s/mlops-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
	if (mkdtemp(path) == NULL) {
		free(path);
		return NULL;
	}
	return path;
}

static int
testutil_rm_one(
    const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void) st;
	(void) flag;
	(void) ftw;
	remove(path);
	return 0;
}

void
testutil_rmtree(const char *path)
{
	if (path != NULL) {
		nftw(path, testutil_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
}

static void
testutil_mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
}

int
testutil_write(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp;
	int   rc = -1;

	testutil_mkdirs(path);
	if ((fp = fopen(path, "w")) != NULL) {
		rc = fputs(text, fp) < 0 ? -1 : 0;
		if (fclose(fp) != 0) {
			rc = -1;
		}
	}
	free(path);
	return rc;
}

char *
testutil_read(const char *path, size_t *len)
{
	FILE  *fp = fopen(path, "rb");
	char  *buf;
	size_t n = 0, cap = 4096, r;

	if (fp == NULL) {
		return NULL;
	}
	buf = xmalloc(cap);
	while ((r = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
		n += r;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	fclose(fp);
	buf[n] = '\0';
	if (len != NULL) {
		*len = n;
	}
	return buf;
}

int
testutil_sh(const char *fmt, ...)
{
	va_list ap;
	char   *cmd;
	int     st;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	st = system(cmd);
	free(cmd);
	if (st == -1 || !WIFEXITED(st)) {
		return -1;
	}
	return WEXITSTATUS(st);
}

char *
testutil_sh_words(const char *shell, const char *words, size_t *len)
{
	char         *dir = testutil_mkdtemp("sh-words");
	char         *out, *cmd, *got = NULL;
	const char   *argv[] = { shell, "-c", NULL };
	struct strbuf line   = STRBUF_INIT;

	if (dir == NULL) {
		return NULL;
	}
	out     = xasprintf("%s/out", dir);
	cmd     = xasprintf("printf '%%s\\0' %s", words);
	argv[2] = cmd;
	/* system()'s sh runs: shell -c 'printf ... WORDS' >DIR/out */
	for (size_t i = 0; i < 3; i++) {
		shquote_arg(&line, argv[i]);
		strbuf_putc(&line, ' ');
	}
	strbuf_putc(&line, '>');
	shquote_arg(&line, out);
	if (testutil_sh("%s", strbuf_str(&line)) == 0) {
		got = testutil_read(out, len);
	}
	strbuf_fini(&line);
	free(cmd);
	free(out);
	testutil_rmtree(dir);
	free(dir);
	return got;
}
