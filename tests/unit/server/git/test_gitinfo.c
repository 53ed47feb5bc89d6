/*
 * gitinfo: metadata, HEAD archive and diff of throwaway repositories built
 * with the git command line in a temp dir per case. HOME and the config
 * search paths point into a temp dir, so the user's git config never
 * applies.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <git2.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "gitinfo.h"
#include "testutil.h"

#define GIT                                               \
	"git -c user.name=t -c user.email=t@example.com " \
	"-c advice.detachedHead=false -c init.defaultBranch=main"

/* One scratch dir per case; repositories live below it. */
struct fx {
	char *dir;  /* scratch: command output, archives, patches */
	char *repo; /* dir/repo, the work tree under test */
};

static char *test_home;

static int
fx_setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof(*fx));

	fx->dir = testutil_mkdtemp("gitinfo");
	if (fx->dir == NULL) {
		free(fx);
		return -1;
	}
	fx->repo = xasprintf("%s/repo", fx->dir);
	*state   = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;

	testutil_rmtree(fx->dir);
	free(fx->dir);
	free(fx->repo);
	free(fx);
	return 0;
}

/* Runs a shell command line and asserts it exits 0. */
#define SH(...) assert_int_equal(testutil_sh(__VA_ARGS__), 0)

/* Runs `cmd` in `cwd` and returns its stdout without the final newline. */
static char *
capture(struct fx *fx, const char *cwd, const char *cmd)
{
	char  *out = xasprintf("%s/capture.txt", fx->dir);
	char  *text;
	size_t len;

	SH("cd '%s' && %s > '%s'", cwd, cmd, out);
	text = testutil_read(out, &len);
	assert_non_null(text);
	while (len > 0 && text[len - 1] == '\n') {
		text[--len] = '\0';
	}
	free(out);
	return text;
}

/* dir/repo with one commit holding a.txt ("first", then a body). */
static void
make_repo(struct fx *fx)
{
	SH("git init -q -b main '%s'", fx->repo);
	assert_int_equal(testutil_write(fx->repo, "a.txt", "hello\n"), 0);
	SH("cd '%s' && git add a.txt && " GIT " commit -q -m first -m body",
	    fx->repo);
}

/* dir/origin.git (bare) with one commit pushed from dir/seed. */
static void
make_origin(struct fx *fx)
{
	SH("cd '%s' && git init -q --bare -b main origin.git && "
	   "git clone -q origin.git seed 2>/dev/null",
	    fx->dir);
	SH("cd '%s/seed' && echo base > base.txt && git add base.txt && " GIT
	   " commit -q -m base && git push -q origin main",
	    fx->dir);
	SH("cd '%s' && git clone -q origin.git repo", fx->dir);
}

static struct gitinfo *
read_ok(const char *path)
{
	struct mlops_error err = { 0 };
	struct gitinfo    *gi  = NULL;
	int                rc  = gitinfo_read(&gi, path, &err);

	if (rc != 0) {
		fail_msg("gitinfo_read(%s): %d %s", path, rc, err.msg);
	}
	assert_non_null(gi);
	return gi;
}

static void
test_clean(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;
	char           *sha, *ct, *real;

	make_repo(fx);
	gi   = read_ok(fx->repo);
	sha  = capture(fx, fx->repo, "git rev-parse HEAD");
	ct   = capture(fx, fx->repo, "git log -1 --format=%ct");
	real = realpath(fx->repo, NULL);

	assert_string_equal(gi->root, real);
	assert_string_equal(gi->head_sha, sha);
	assert_int_equal(strlen(gi->head_sha), 40);
	assert_string_equal(gi->branch, "main");
	assert_false(gi->detached);
	assert_null(gi->upstream);
	assert_null(gi->origin_url);
	assert_false(gi->dirty);
	assert_int_equal(gi->untracked, 0);
	assert_int_equal(gi->ahead, -1);
	assert_int_equal(gi->behind, -1);
	assert_string_equal(gi->head_subject, "first");
	assert_int_equal(gi->head_time, strtoll(ct, NULL, 10));

	gitinfo_free(gi);
	free(sha);
	free(ct);
	free(real);
}

static void
test_modified(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;

	make_repo(fx);
	assert_int_equal(testutil_write(fx->repo, "a.txt", "changed!\n"), 0);
	gi = read_ok(fx->repo);
	assert_true(gi->dirty);
	assert_int_equal(gi->untracked, 0);
	gitinfo_free(gi);
}

static void
test_staged(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;

	make_repo(fx);
	assert_int_equal(testutil_write(fx->repo, "new.txt", "new\n"), 0);
	SH("cd '%s' && git add new.txt", fx->repo);
	gi = read_ok(fx->repo);
	assert_true(gi->dirty);
	assert_int_equal(gi->untracked, 0);
	gitinfo_free(gi);
}

static void
test_deleted(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;

	make_repo(fx);
	SH("rm '%s/a.txt'", fx->repo);
	gi = read_ok(fx->repo);
	assert_true(gi->dirty);
	assert_int_equal(gi->untracked, 0);
	gitinfo_free(gi);
}

static void
test_untracked_only(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;

	make_repo(fx);
	assert_int_equal(testutil_write(fx->repo, "u.txt", "u\n"), 0);
	gi = read_ok(fx->repo);
	assert_false(gi->dirty);
	assert_int_equal(gi->untracked, 1);
	gitinfo_free(gi);

	/* Files inside an untracked directory count one by one. */
	assert_int_equal(testutil_write(fx->repo, "d/x.txt", "x\n"), 0);
	assert_int_equal(testutil_write(fx->repo, "d/y.txt", "y\n"), 0);
	gi = read_ok(fx->repo);
	assert_false(gi->dirty);
	assert_int_equal(gi->untracked, 3);
	gitinfo_free(gi);

	/* Ignored files do not count. */
	assert_int_equal(
	    testutil_write(fx->repo, ".git/info/exclude", "d/\nu.txt\n"), 0);
	gi = read_ok(fx->repo);
	assert_false(gi->dirty);
	assert_int_equal(gi->untracked, 0);
	gitinfo_free(gi);
}

static void
test_ahead(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;
	char           *url = xasprintf("%s/origin.git", fx->dir);

	make_origin(fx);
	SH("cd '%s' && " GIT " commit -q --allow-empty -m one && " GIT
	   " commit -q --allow-empty -m two",
	    fx->repo);
	gi = read_ok(fx->repo);
	assert_string_equal(gi->branch, "main");
	assert_string_equal(gi->upstream, "origin/main");
	assert_string_equal(gi->origin_url, url);
	assert_int_equal(gi->ahead, 2);
	assert_int_equal(gi->behind, 0);
	assert_string_equal(gi->head_subject, "two");
	assert_false(gi->dirty);
	gitinfo_free(gi);
	free(url);
}

static void
test_behind(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;

	make_origin(fx);
	SH("cd '%s/seed' && " GIT " commit -q --allow-empty -m later && "
	   "git push -q origin main",
	    fx->dir);
	gi = read_ok(fx->repo);
	assert_int_equal(gi->ahead, 0);
	assert_int_equal(gi->behind, 0); /* not fetched yet */
	gitinfo_free(gi);

	SH("cd '%s' && git fetch -q origin", fx->repo);
	gi = read_ok(fx->repo);
	assert_string_equal(gi->upstream, "origin/main");
	assert_int_equal(gi->ahead, 0);
	assert_int_equal(gi->behind, 1);
	gitinfo_free(gi);
}

static void
test_tracks_local_branch(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;

	make_repo(fx);
	SH("cd '%s' && git checkout -q --track -b feature main && " GIT
	   " commit -q --allow-empty -m feat",
	    fx->repo);
	gi = read_ok(fx->repo);
	assert_string_equal(gi->branch, "feature");
	assert_string_equal(gi->upstream, "main");
	assert_int_equal(gi->ahead, 1);
	assert_int_equal(gi->behind, 0);
	gitinfo_free(gi);
}

static void
test_detached(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;
	char           *sha;

	make_origin(fx);
	SH("cd '%s' && git checkout -q --detach", fx->repo);
	gi  = read_ok(fx->repo);
	sha = capture(fx, fx->repo, "git rev-parse HEAD");
	assert_null(gi->branch);
	assert_true(gi->detached);
	assert_string_equal(gi->head_sha, sha);
	assert_null(gi->upstream);
	assert_int_equal(gi->ahead, -1);
	assert_int_equal(gi->behind, -1);
	assert_non_null(gi->origin_url);
	gitinfo_free(gi);
	free(sha);
}

static void
test_no_remote(void **state)
{
	struct fx      *fx = *state;
	struct gitinfo *gi;

	make_repo(fx);
	SH("cd '%s' && git remote add upstream /nowhere", fx->repo);
	gi = read_ok(fx->repo);
	assert_null(gi->origin_url);
	assert_null(gi->upstream);
	assert_int_equal(gi->ahead, -1);
	assert_int_equal(gi->behind, -1);
	gitinfo_free(gi);
}

static void
test_unborn(void **state)
{
	struct fx         *fx  = *state;
	struct mlops_error err = { 0 };
	struct strbuf      sb  = STRBUF_INIT;
	struct gitinfo    *gi;

	SH("git init -q -b main '%s'", fx->repo);
	gi = read_ok(fx->repo);
	assert_null(gi->head_sha);
	assert_string_equal(gi->branch, "main");
	assert_false(gi->detached);
	assert_null(gi->head_subject);
	assert_int_equal(gi->head_time, 0);
	assert_null(gi->upstream);
	assert_int_equal(gi->ahead, -1);
	assert_false(gi->dirty);
	assert_int_equal(gi->untracked, 0);
	gitinfo_free(gi);

	assert_int_equal(testutil_write(fx->repo, "a.txt", "a\n"), 0);
	gi = read_ok(fx->repo);
	assert_false(gi->dirty);
	assert_int_equal(gi->untracked, 1);
	gitinfo_free(gi);

	SH("cd '%s' && git add a.txt", fx->repo);
	gi = read_ok(fx->repo);
	assert_true(gi->dirty);
	assert_int_equal(gi->untracked, 0);
	gitinfo_free(gi);

	/* No commit to archive; the staged file is the whole diff. */
	assert_int_equal(
	    gitinfo_archive_head(&sb, fx->repo, &err), MLOPS_ENOTFOUND);
	assert_int_equal(sb.len, 0);
	assert_int_equal(gitinfo_diff_head(&sb, fx->repo, &err), 0);
	assert_non_null(strstr(strbuf_str(&sb), "+++ b/a.txt"));
	strbuf_fini(&sb);
}

static void
test_not_git(void **state)
{
	struct fx         *fx  = *state;
	struct mlops_error err = { 0 };
	struct gitinfo    *gi  = NULL;

	assert_int_equal(gitinfo_read(&gi, fx->dir, &err), MLOPS_ENOTGIT);
	assert_null(gi);
	assert_non_null(strstr(err.msg, fx->dir));
	assert_non_null(strstr(err.msg, "not a git work tree"));
}

static void
test_missing(void **state)
{
	struct fx         *fx   = *state;
	struct mlops_error err  = { 0 };
	struct gitinfo    *gi   = NULL;
	char              *path = xasprintf("%s/nope", fx->dir);

	assert_int_equal(gitinfo_read(&gi, path, &err), MLOPS_ENOTFOUND);
	assert_null(gi);
	assert_non_null(strstr(err.msg, path));
	free(path);
}

static void
test_subdirectory(void **state)
{
	struct fx         *fx  = *state;
	struct mlops_error err = { 0 };
	struct gitinfo    *gi  = NULL;
	char              *sub, *real;

	make_repo(fx);
	assert_int_equal(testutil_write(fx->repo, "sub/x.txt", "x\n"), 0);
	sub  = xasprintf("%s/sub", fx->repo);
	real = realpath(fx->repo, NULL);
	assert_int_equal(gitinfo_read(&gi, sub, &err), MLOPS_ENOTGIT);
	assert_null(gi);
	assert_non_null(strstr(err.msg, sub));
	assert_non_null(strstr(err.msg, real));
	free(sub);
	free(real);
}

static void
test_bare(void **state)
{
	struct fx         *fx  = *state;
	struct mlops_error err = { 0 };
	struct gitinfo    *gi  = NULL;
	char              *bare;

	make_origin(fx);
	bare = xasprintf("%s/origin.git", fx->dir);
	assert_int_equal(gitinfo_read(&gi, bare, &err), MLOPS_ENOTGIT);
	assert_null(gi);
	assert_non_null(strstr(err.msg, bare));
	free(bare);
}

/* Writes `sb` to dir/name; returns the path (caller frees). */
static char *
save(struct fx *fx, const char *name, const struct strbuf *sb)
{
	char *path = xasprintf("%s/%s", fx->dir, name);
	FILE *fp   = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(sb->buf, 1, sb->len, fp), sb->len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static void
assert_file(const char *dir, const char *name, const char *want)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *got  = testutil_read(path, NULL);

	if (got == NULL) {
		fail_msg("%s: missing", path);
	}
	assert_string_equal(got, want);
	free(got);
	free(path);
}

static void
test_archive(void **state)
{
	struct fx         *fx  = *state;
	struct mlops_error err = { 0 };
	struct strbuf      sb  = STRBUF_INIT;
	struct stat        st;
	char              *tar, *x, *list, *cmd, *path;
	char               target[PATH_MAX];
	ssize_t            n;

	make_repo(fx);
	assert_int_equal(
	    testutil_write(fx->repo, "dir/nested/b.txt", "nested\n"), 0);
	assert_int_equal(
	    testutil_write(fx->repo, "run.sh", "#!/bin/sh\necho hi\n"), 0);
	SH("cd '%s' && chmod 755 run.sh && ln -s dir/nested/b.txt link && "
	   "git add -A && " GIT " commit -q -m tree",
	    fx->repo);
	/* Neither may appear in the archive. */
	assert_int_equal(testutil_write(fx->repo, "a.txt", "modified\n"), 0);
	assert_int_equal(testutil_write(fx->repo, "untracked.txt", "u\n"), 0);

	assert_int_equal(gitinfo_archive_head(&sb, fx->repo, &err), 0);
	assert_int_equal(sb.len % 512, 0);
	tar = save(fx, "head.tar", &sb);

	cmd  = xasprintf("tar -tvf '%s'", tar);
	list = capture(fx, fx->dir, cmd);
	free(cmd);
	assert_non_null(strstr(list, "drwxr-xr-x"));
	assert_non_null(strstr(list, " dir/nested/\n"));
	assert_non_null(strstr(list, "-rwxr-xr-x root/root"));
	assert_non_null(strstr(list, " run.sh"));
	assert_non_null(strstr(list, "-rw-r--r-- root/root"));
	assert_non_null(strstr(list, " link -> dir/nested/b.txt"));
	assert_null(strstr(list, "untracked"));
	free(list);

	x = xasprintf("%s/x", fx->dir);
	SH("mkdir '%s' && tar -xf '%s' -C '%s'", x, tar, x);
	assert_file(x, "a.txt", "hello\n");
	assert_file(x, "dir/nested/b.txt", "nested\n");
	assert_file(x, "run.sh", "#!/bin/sh\necho hi\n");
	path = xasprintf("%s/run.sh", x);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_mode & S_IXUSR);
	free(path);
	path = xasprintf("%s/link", x);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(path, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "dir/nested/b.txt");
	free(path);
	path = xasprintf("%s/untracked.txt", x);
	assert_int_not_equal(lstat(path, &st), 0);
	free(path);

	/* Same content as git's own archive of HEAD. */
	SH("mkdir '%s/y' && cd '%s' && git archive HEAD | tar -xf - -C '%s/y'"
	   " && diff -r '%s' '%s/y'",
	    fx->dir, fx->repo, fx->dir, x, fx->dir);

	strbuf_fini(&sb);
	free(tar);
	free(x);
}

static void
test_archive_appends(void **state)
{
	struct fx         *fx  = *state;
	struct mlops_error err = { 0 };
	struct strbuf      sb  = STRBUF_INIT;

	make_repo(fx);
	strbuf_puts(&sb, "keep");
	assert_int_equal(gitinfo_archive_head(&sb, fx->repo, &err), 0);
	assert_memory_equal(sb.buf, "keep", 4);
	assert_int_equal((sb.len - 4) % 10240, 0);
	/* Header of a.txt: name, then the ustar magic at offset 257. */
	assert_string_equal(sb.buf + 4, "a.txt");
	assert_memory_equal(sb.buf + 4 + 257,
	    "ustar\0"
	    "00",
	    8);
	strbuf_fini(&sb);
}

static void
test_archive_submodule(void **state)
{
	struct fx         *fx  = *state;
	struct mlops_error err = { 0 };
	struct strbuf      sb  = STRBUF_INIT;
	char              *tar, *cmd, *list;

	make_repo(fx);
	/* A gitlink entry, as `git submodule add` would record. */
	SH("cd '%s' && git update-index --add --cacheinfo "
	   "160000,$(git rev-parse HEAD),sub && " GIT " commit -q -m sub",
	    fx->repo);
	assert_int_equal(gitinfo_archive_head(&sb, fx->repo, &err), 0);
	tar  = save(fx, "head.tar", &sb);
	cmd  = xasprintf("tar -tf '%s'", tar);
	list = capture(fx, fx->dir, cmd);
	assert_string_equal(list, "a.txt");
	free(list);
	free(cmd);
	free(tar);
	strbuf_fini(&sb);
}

static void
test_archive_long_names(void **state)
{
	struct fx         *fx  = *state;
	struct mlops_error err = { 0 };
	struct strbuf      sb  = STRBUF_INIT;
	char               dir[156], file[102], *name, *tar, *x;

	/* 155-byte prefix + '/' + 99-byte name = 255 bytes: fits. */
	memset(dir, 'p', 155);
	dir[155] = '\0';
	memset(file, 'n', 99);
	file[99] = '\0';
	name     = xasprintf("%s/%s", dir, file);
	assert_int_equal(strlen(name), 255);
	make_repo(fx);
	assert_int_equal(testutil_write(fx->repo, name, "long\n"), 0);
	SH("cd '%s' && git add -A && " GIT " commit -q -m long", fx->repo);
	assert_int_equal(gitinfo_archive_head(&sb, fx->repo, &err), 0);
	tar = save(fx, "long.tar", &sb);
	x   = xasprintf("%s/x", fx->dir);
	SH("mkdir '%s' && tar -xf '%s' -C '%s'", x, tar, x);
	assert_file(x, name, "long\n");
	free(name);

	/* A 101-byte last component cannot be split: rejected. */
	memset(file, 'n', 101);
	file[101] = '\0';
	name      = xasprintf("%s/%s", dir, file);
	assert_int_equal(testutil_write(fx->repo, name, "longer\n"), 0);
	SH("cd '%s' && git add -A && " GIT " commit -q -m longer", fx->repo);
	strbuf_reset(&sb);
	assert_int_equal(
	    gitinfo_archive_head(&sb, fx->repo, &err), MLOPS_EINVAL);
	assert_int_equal(sb.len, 0);
	assert_non_null(strstr(err.msg, "pppp"));
	free(name);
	free(tar);
	free(x);
	strbuf_fini(&sb);
}

static void
test_diff(void **state)
{
	struct fx         *fx  = *state;
	struct mlops_error err = { 0 };
	struct strbuf      sb  = STRBUF_INIT;
	char              *patch;

	make_repo(fx);
	SH("cd '%s' && printf 'bin\\000\\001\\002\\377' > bin.dat && "
	   "git add bin.dat && " GIT " commit -q -m bin",
	    fx->repo);
	assert_int_equal(gitinfo_diff_head(&sb, fx->repo, &err), 0);
	assert_int_equal(sb.len, 0);

	assert_int_equal(
	    testutil_write(fx->repo, "a.txt", "hello\nmore\n"), 0);
	assert_int_equal(testutil_write(fx->repo, "new.txt", "staged\n"), 0);
	assert_int_equal(testutil_write(fx->repo, "u.txt", "untracked\n"), 0);
	SH("cd '%s' && git add new.txt && "
	   "printf 'bin\\000\\003\\004\\377' > bin.dat",
	    fx->repo);
	assert_int_equal(gitinfo_diff_head(&sb, fx->repo, &err), 0);
	assert_non_null(strstr(sb.buf, "+more\n"));
	assert_non_null(strstr(sb.buf, "+++ b/new.txt"));
	assert_non_null(strstr(sb.buf, "GIT binary patch"));
	assert_null(strstr(sb.buf, "u.txt"));

	/* Applies to a clean checkout of HEAD and reproduces the tree. */
	patch = save(fx, "p.diff", &sb);
	SH("cd '%s' && git clone -q repo clean && cd clean && "
	   "git apply --check '%s' && git apply '%s' && "
	   "cmp a.txt ../repo/a.txt && cmp bin.dat ../repo/bin.dat && "
	   "cmp new.txt ../repo/new.txt",
	    fx->dir, patch, patch);
	free(patch);
	strbuf_fini(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_clean, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_modified, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_staged, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_deleted, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_untracked_only, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_ahead, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_behind, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_tracks_local_branch, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_detached, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_no_remote, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_unborn, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_not_git, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_missing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_subdirectory, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_bare, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_archive, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_archive_appends, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_archive_submodule, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_archive_long_names, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_diff, fx_setup, fx_teardown),
	};
	static const char *const git_env[]
	    = { "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
		      "GIT_OBJECT_DIRECTORY", "GIT_CEILING_DIRECTORIES",
		      "GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
		      "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT" };
	struct mlops_error err = { 0 };
	int                rc;

	/* Hermetic git: before libgit2 reads its config search paths. */
	test_home = testutil_mkdtemp("gitinfo-home");
	if (test_home == NULL) {
		return 1;
	}
	for (size_t i = 0; i < sizeof(git_env) / sizeof(git_env[0]); i++) {
		unsetenv(git_env[i]);
	}
	setenv("HOME", test_home, 1);
	setenv("XDG_CONFIG_HOME", test_home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	if (gitinfo_global_init(&err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, "");
	git_libgit2_opts(
	    GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, test_home);
	git_libgit2_opts(
	    GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, test_home);

	rc = cmocka_run_group_tests_name("gitinfo", tests, NULL, NULL);

	gitinfo_global_shutdown();
	testutil_rmtree(test_home);
	free(test_home);
	return rc;
}
