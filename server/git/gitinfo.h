/*
 * Git metadata of a project's work tree (HEAD, branch, upstream, dirtiness)
 * and the code snapshot of HEAD (ustar archive + uncommitted diff), read
 * with libgit2. No thread of its own: each call opens, uses and frees its
 * own git_repository, so calls are safe from any thread once
 * gitinfo_global_init() has run.
 */
#ifndef MLOPS_SERVER_GITINFO_H
#define MLOPS_SERVER_GITINFO_H

#include <stdbool.h>
#include <stdint.h>

#include <mlops/error.h>
#include <mlops/strbuf.h>

/** Metadata of one work tree. Every string is owned by the struct. */
struct gitinfo {
	char *root;         /* realpath of the work tree, no trailing slash */
	char *head_sha;     /* 40 hex; NULL on an unborn branch */
	char *branch;       /* short name ("main"); NULL when detached */
	bool  detached;     /* HEAD points straight at a commit */
	char *upstream;     /* "origin/main"; NULL when none configured */
	char *origin_url;   /* remote "origin" URL; NULL when no origin */
	bool  dirty;        /* tracked files modified/staged/deleted */
	int   untracked;    /* untracked, non-ignored files */
	int   ahead;        /* commits ahead of upstream; -1 = unknown */
	int   behind;       /* commits behind upstream; -1 = unknown */
	char *head_subject; /* first line of HEAD's message; NULL on unborn */
	int64_t head_time;  /* HEAD commit time, unix seconds; 0 on unborn */
};

/**
 * Initialises libgit2. Call once from main() before any other gitinfo_*
 * call (and, in tests, after setting HOME). Returns 0 or MLOPS_ERROR.
 */
int gitinfo_global_init(struct mlops_error *err);

/** Releases libgit2's global state; pairs with gitinfo_global_init(). */
void gitinfo_global_shutdown(void);

/**
 * Reads the metadata of the work tree whose root is `path`.
 *
 * `path` must be the root of a non-bare work tree: a subdirectory of one, a
 * bare repository or a plain directory gives MLOPS_ENOTGIT (for a
 * subdirectory the message names the real root). A missing path gives
 * MLOPS_ENOTFOUND. On an unborn branch `branch` is the branch HEAD names,
 * `head_sha`/`head_subject` are NULL and `head_time` is 0. `dirty` counts
 * staged and unstaged changes to tracked files (not untracked files, not
 * submodules). `ahead`/`behind` are -1 when the branch has no upstream or
 * either side has no commit.
 *
 * On success `*out` is a new struct; caller frees with gitinfo_free().
 * Returns 0, MLOPS_ENOTFOUND, MLOPS_ENOTGIT, MLOPS_EIO or MLOPS_ERROR.
 */
int gitinfo_read(
    struct gitinfo **out, const char *path, struct mlops_error *err);

/** Frees `gi` and its strings; NULL is a no-op. */
void gitinfo_free(struct gitinfo *gi);

/**
 * Appends the tree of HEAD of the work tree `root` to `out` as a POSIX
 * ustar archive: member names are relative to the tree (no prefix),
 * directories come before their contents, files keep mode 0644 or 0755,
 * symlinks stay symlinks, submodules are skipped, and every member carries
 * HEAD's commit time. File contents are the blobs as stored (no checkout
 * filters). Names longer than ustar can hold (prefix 155 + name 100) and
 * symlink targets over 100 bytes give MLOPS_EINVAL naming the path.
 *
 * `out` is left unchanged on failure. Returns 0, MLOPS_ENOTFOUND (missing
 * path, or HEAD has no commit), MLOPS_ENOTGIT, MLOPS_EINVAL or MLOPS_ERROR.
 */
int gitinfo_archive_head(
    struct strbuf *out, const char *root, struct mlops_error *err);

/**
 * Appends the uncommitted changes to tracked files of the work tree `root`
 * (index and work tree against HEAD; untracked files and submodules left
 * out) to `out` as a patch with full object ids and binary hunks, which
 * `git apply` accepts on a checkout of HEAD. Appends nothing when clean.
 *
 * `out` is left unchanged on failure. Returns 0, MLOPS_ENOTFOUND,
 * MLOPS_ENOTGIT or MLOPS_ERROR.
 */
int gitinfo_diff_head(
    struct strbuf *out, const char *root, struct mlops_error *err);

#endif
