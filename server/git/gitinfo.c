/*
 * Git metadata of a project's work tree, its HEAD as a ustar archive and its
 * uncommitted diff, through libgit2. Runs on whichever thread calls it; each
 * call opens and frees its own git_repository and copies libgit2's error
 * message on that same thread.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include <mlops/xmalloc.h>

#include "gitinfo.h"

#define GITINFO_TAR_BLOCK       512
#define GITINFO_TAR_RECORD      (20 * GITINFO_TAR_BLOCK)
#define GITINFO_TAR_NAME_MAX    100
#define GITINFO_TAR_PREFIX_MAX  155
#define GITINFO_TAR_OCTAL11_MAX 077777777777ULL

/* Status bits that make a work tree dirty (untracked files do not). */
#define GITINFO_DIRTY_MASK                                         \
	(GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED          \
	    | GIT_STATUS_INDEX_DELETED | GIT_STATUS_INDEX_RENAMED  \
	    | GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_MODIFIED \
	    | GIT_STATUS_WT_DELETED | GIT_STATUS_WT_TYPECHANGE     \
	    | GIT_STATUS_WT_RENAMED | GIT_STATUS_CONFLICTED)

/* State of one archive walk; the callback records its failure here. */
struct gitinfo_tar {
	struct strbuf      *sb;
	git_repository     *repo;
	int64_t             mtime;
	int                 rc;
	struct mlops_error *err;
};

static int gitinfo_git_error(
    struct mlops_error *err, int code, const char *path, const char *what);
static int   gitinfo_open(git_repository **out, char **rootp, const char *path,
      struct mlops_error *err);
static char *gitinfo_ref_short(const char *refname);
static int   gitinfo_upstream_ref(char **out, git_config *cfg,
      const char *refname, const char *root, struct mlops_error *err);
static int   gitinfo_read_upstream(struct gitinfo *gi, git_repository *repo,
      git_config *cfg, const char *refname, const git_oid *local,
      struct mlops_error *err);
static int   gitinfo_read_head(struct gitinfo *gi, git_repository *repo,
      git_config *cfg, struct mlops_error *err);
static int   gitinfo_read_origin(
      struct gitinfo *gi, git_config *cfg, struct mlops_error *err);
static int gitinfo_read_status(
    struct gitinfo *gi, git_repository *repo, struct mlops_error *err);
static void gitinfo_tar_octal(
    unsigned char *field, size_t width, unsigned long long value);
static int  gitinfo_tar_name(unsigned char *h, const char *path, size_t len);
static int  gitinfo_tar_header(struct gitinfo_tar *t, const char *path,
     char type, unsigned mode, unsigned long long size, const char *link);
static void gitinfo_tar_pad(struct strbuf *sb, size_t unit);
static int  gitinfo_tar_entry(
     const char *dir, const git_tree_entry *entry, void *payload);

/* Sets `err` from libgit2's last error on this thread; returns `code`. */
static int
gitinfo_git_error(
    struct mlops_error *err, int code, const char *path, const char *what)
{
	const git_error *ge = git_error_last();

	return mlops_error_set(err, code, "%s: %s: %s", path, what,
	    ge != NULL && ge->message != NULL ? ge->message : "libgit2 error");
}

int
gitinfo_global_init(struct mlops_error *err)
{
	if (git_libgit2_init() < 0) {
		return gitinfo_git_error(err, MLOPS_ERROR, "libgit2", "init");
	}
	return 0;
}

void
gitinfo_global_shutdown(void)
{
	git_libgit2_shutdown();
}

/*
 * Opens the repository whose work tree root is `path`; `*rootp` gets the
 * realpath of that root. Rejects subdirectories and bare repositories.
 */
static int
gitinfo_open(git_repository **out, char **rootp, const char *path,
    struct mlops_error *err)
{
	git_repository *repo   = NULL;
	char           *real   = NULL;
	char           *wdreal = NULL;
	const char     *wd;
	struct stat     st;
	int             gr, rc = 0;

	if (path == NULL || *path == '\0') {
		return mlops_error_set(
		    err, MLOPS_ENOTFOUND, "empty project path");
	}
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			return mlops_error_set(
			    err, MLOPS_ENOTFOUND, "%s does not exist", path);
		}
		return mlops_error_set(
		    err, MLOPS_EIO, "%s: %s", path, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) {
		return mlops_error_set(err, MLOPS_ENOTGIT,
		    "%s is not a git work tree (not a directory)", path);
	}
	if ((real = realpath(path, NULL)) == NULL) {
		rc = mlops_error_set(
		    err, MLOPS_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}

	/* Search upwards so that a subdirectory can name its real root. */
	gr = git_repository_open_ext(&repo, real, 0, NULL);
	if (gr == GIT_ENOTFOUND) {
		rc = mlops_error_set(
		    err, MLOPS_ENOTGIT, "%s is not a git work tree", path);
		goto out;
	}
	if (gr < 0) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, path, "open");
		goto out;
	}
	if (git_repository_is_bare(repo)
	    || (wd = git_repository_workdir(repo)) == NULL) {
		rc = mlops_error_set(err, MLOPS_ENOTGIT,
		    "%s is a bare repository, not a git work tree", path);
		goto out;
	}
	if ((wdreal = realpath(wd, NULL)) == NULL) {
		rc = mlops_error_set(
		    err, MLOPS_EIO, "%s: %s", wd, strerror(errno));
		goto out;
	}
	if (strcmp(wdreal, real) != 0) {
		rc = mlops_error_set(err, MLOPS_ENOTGIT,
		    "%s is inside the git work tree %s, not its root", path,
		    wdreal);
		goto out;
	}

	*out   = repo;
	repo   = NULL;
	*rootp = real;
	real   = NULL;
out:
	git_repository_free(repo);
	free(real);
	free(wdreal);
	return rc;
}

/* "refs/heads/main" -> "main", "refs/remotes/origin/main" -> "origin/main". */
static char *
gitinfo_ref_short(const char *refname)
{
	static const char *const prefixes[]
	    = { "refs/heads/", "refs/remotes/" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(refname, prefixes[i], n) == 0) {
			return xstrdup(refname + n);
		}
	}
	return xstrdup(refname);
}

/*
 * The upstream ref of local branch `refname` as git derives it from
 * branch.<name>.remote/.merge and the remote's fetch refspecs; NULL when
 * there is none. Read from config directly: git_remote_lookup() and
 * git_branch_upstream_name() leak PCRE2 match data in libgit2 1.5.1
 * (fixed by libgit2 PR #6382, after 1.5).
 */
static int
gitinfo_upstream_ref(char **out, git_config *cfg, const char *refname,
    const char *root, struct mlops_error *err)
{
	static const char    heads[] = "refs/heads/";
	git_config_iterator *it      = NULL;
	git_config_entry    *entry;
	git_refspec         *spec = NULL;
	git_buf              buf  = GIT_BUF_INIT;
	const char          *branch, *remote, *merge;
	char                *key  = NULL;
	char                *name = NULL;
	int                  gr, rc = 0;

	if (strncmp(refname, heads, sizeof(heads) - 1) != 0) {
		goto done; /* not a local branch */
	}
	branch = refname + sizeof(heads) - 1;
	key    = xasprintf("branch.%s.remote", branch);
	gr     = git_config_get_string(&remote, cfg, key);
	free(key);
	key = xasprintf("branch.%s.merge", branch);
	if (gr == 0) {
		gr = git_config_get_string(&merge, cfg, key);
	}
	free(key);
	key = NULL;
	if (gr == GIT_ENOTFOUND) {
		goto done;
	}
	if (gr < 0) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, root, "upstream");
		goto out;
	}
	if (strcmp(remote, ".") == 0) {
		name = xstrdup(merge); /* tracks a local branch */
		goto done;
	}

	key = xasprintf("remote.%s.fetch", remote);
	gr  = git_config_multivar_iterator_new(&it, cfg, key, NULL);
	while (gr == 0 && (gr = git_config_next(&entry, it)) == 0) {
		if (entry->value == NULL || entry->value[0] == '^'
		    || git_refspec_parse(&spec, entry->value, 1) < 0) {
			continue; /* negative or unparsable: maps nothing */
		}
		if (git_refspec_src_matches(spec, merge)) {
			gr = git_refspec_transform(&buf, spec, merge);
			if (gr == 0) {
				name = xstrdup(buf.ptr);
			}
			break;
		}
		git_refspec_free(spec);
		spec = NULL;
	}
	if (gr < 0 && gr != GIT_ITEROVER && gr != GIT_ENOTFOUND) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, root, "upstream");
		goto out;
	}
done:
	*out = name;
	name = NULL;
out:
	git_refspec_free(spec);
	git_config_iterator_free(it);
	git_buf_dispose(&buf);
	free(key);
	free(name);
	return rc;
}

/*
 * Fills upstream, and ahead/behind when both `local` and the upstream ref
 * exist. A branch without upstream configuration is not an error.
 */
static int
gitinfo_read_upstream(struct gitinfo *gi, git_repository *repo,
    git_config *cfg, const char *refname, const git_oid *local,
    struct mlops_error *err)
{
	char   *name = NULL;
	git_oid up;
	size_t  ahead, behind;
	int     gr, rc;

	rc = gitinfo_upstream_ref(&name, cfg, refname, gi->root, err);
	if (rc < 0 || name == NULL) {
		goto out;
	}
	gi->upstream = gitinfo_ref_short(name);
	if (local == NULL) {
		goto out;
	}
	gr = git_reference_name_to_id(&up, repo, name);
	if (gr == GIT_ENOTFOUND) {
		goto out; /* configured but never fetched */
	}
	if (gr < 0
	    || git_graph_ahead_behind(&ahead, &behind, repo, local, &up) < 0) {
		rc = gitinfo_git_error(
		    err, MLOPS_ERROR, gi->root, "ahead/behind");
		goto out;
	}
	gi->ahead  = ahead > INT_MAX ? INT_MAX : (int) ahead;
	gi->behind = behind > INT_MAX ? INT_MAX : (int) behind;
out:
	free(name);
	return rc;
}

/* HEAD: sha, branch or detached, subject, time, upstream. */
static int
gitinfo_read_head(struct gitinfo *gi, git_repository *repo, git_config *cfg,
    struct mlops_error *err)
{
	git_reference *head   = NULL;
	git_commit    *commit = NULL;
	const git_oid *oid;
	const char    *msg, *target;
	char           sha[GIT_OID_HEXSZ + 1];
	size_t         len;
	int            gr, rc = 0;

	gr = git_repository_head(&head, repo);
	if (gr == GIT_EUNBORNBRANCH || gr == GIT_ENOTFOUND) {
		/* Unborn: HEAD names a branch that has no commit yet. */
		if (git_reference_lookup(&head, repo, "HEAD") < 0) {
			rc = gitinfo_git_error(
			    err, MLOPS_ERROR, gi->root, "HEAD");
			goto out;
		}
		target = git_reference_symbolic_target(head);
		if (target != NULL) {
			gi->branch = gitinfo_ref_short(target);
			rc         = gitinfo_read_upstream(
			            gi, repo, cfg, target, NULL, err);
		}
		goto out;
	}
	if (gr < 0 || (oid = git_reference_target(head)) == NULL
	    || git_commit_lookup(&commit, repo, oid) < 0) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, gi->root, "HEAD");
		goto out;
	}

	gi->head_sha  = xstrdup(git_oid_tostr(sha, sizeof(sha), oid));
	gi->head_time = (int64_t) git_commit_time(commit);
	msg           = git_commit_message(commit);
	if (msg == NULL) {
		msg = "";
	}
	len = strcspn(msg, "\n");
	if (len > 0 && msg[len - 1] == '\r') {
		len--;
	}
	gi->head_subject = xstrndup(msg, len);

	gi->detached = git_repository_head_detached(repo) == 1;
	if (!gi->detached) {
		gi->branch = gitinfo_ref_short(git_reference_name(head));
		rc         = gitinfo_read_upstream(
		            gi, repo, cfg, git_reference_name(head), oid, err);
	}
out:
	git_commit_free(commit);
	git_reference_free(head);
	return rc;
}

/* The configured URL of remote "origin" (insteadOf is not applied). */
static int
gitinfo_read_origin(
    struct gitinfo *gi, git_config *cfg, struct mlops_error *err)
{
	const char *url;
	int         gr;

	gr = git_config_get_string(&url, cfg, "remote.origin.url");
	if (gr == GIT_ENOTFOUND) {
		return 0;
	}
	if (gr < 0) {
		return gitinfo_git_error(err, MLOPS_ERROR, gi->root, "origin");
	}
	gi->origin_url = xstrdup(url);
	return 0;
}

/* dirty and untracked, from one status pass (submodules excluded). */
static int
gitinfo_read_status(
    struct gitinfo *gi, git_repository *repo, struct mlops_error *err)
{
	git_status_options opts;
	git_status_list   *list = NULL;
	size_t             n;

	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show  = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED
	    | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS
	    | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&list, repo, &opts) < 0) {
		return gitinfo_git_error(err, MLOPS_ERROR, gi->root, "status");
	}
	n = git_status_list_entrycount(list);
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);

		if (e->status & GIT_STATUS_WT_NEW) {
			if (gi->untracked < INT_MAX) {
				gi->untracked++;
			}
		}
		if (e->status & GITINFO_DIRTY_MASK) {
			gi->dirty = true;
		}
	}
	git_status_list_free(list);
	return 0;
}

int
gitinfo_read(struct gitinfo **out, const char *path, struct mlops_error *err)
{
	git_repository *repo = NULL;
	git_config     *cfg  = NULL;
	struct gitinfo *gi   = NULL;
	char           *root = NULL;
	int             rc;

	if ((rc = gitinfo_open(&repo, &root, path, err)) < 0) {
		goto out;
	}
	if (git_repository_config_snapshot(&cfg, repo) < 0) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, root, "config");
		goto out;
	}
	gi         = xcalloc(1, sizeof(*gi));
	gi->root   = root;
	root       = NULL;
	gi->ahead  = -1;
	gi->behind = -1;
	if ((rc = gitinfo_read_head(gi, repo, cfg, err)) < 0
	    || (rc = gitinfo_read_origin(gi, cfg, err)) < 0
	    || (rc = gitinfo_read_status(gi, repo, err)) < 0) {
		goto out;
	}
	*out = gi;
	gi   = NULL;
out:
	gitinfo_free(gi);
	free(root);
	git_config_free(cfg);
	git_repository_free(repo);
	return rc;
}

void
gitinfo_free(struct gitinfo *gi)
{
	if (gi == NULL) {
		return;
	}
	free(gi->root);
	free(gi->head_sha);
	free(gi->branch);
	free(gi->upstream);
	free(gi->origin_url);
	free(gi->head_subject);
	free(gi);
}

/* Writes `value` as zero-padded octal filling width-1 digits plus NUL. */
static void
gitinfo_tar_octal(unsigned char *field, size_t width, unsigned long long value)
{
	field[width - 1] = '\0';
	for (size_t i = width - 1; i > 0; i--) {
		field[i - 1] = (unsigned char) ('0' + (value & 7));
		value >>= 3;
	}
}

/*
 * Stores `path` in the name (100) and prefix (155) fields of header `h`,
 * splitting at a '/' when it is longer than the name field. Returns 0, or
 * -1 when ustar cannot hold it.
 */
static int
gitinfo_tar_name(unsigned char *h, const char *path, size_t len)
{
	if (len <= GITINFO_TAR_NAME_MAX) {
		memcpy(h, path, len);
		return 0;
	}
	/* The name part must be non-empty, so skip a trailing '/'. */
	for (size_t i = len - 1; i-- > 0;) {
		if (path[i] != '/') {
			continue;
		}
		if (len - i - 1 > GITINFO_TAR_NAME_MAX) {
			return -1;
		}
		if (i <= GITINFO_TAR_PREFIX_MAX) {
			memcpy(h + 345, path, i);
			memcpy(h, path + i + 1, len - i - 1);
			return 0;
		}
	}
	return -1;
}

/*
 * Appends one ustar header. A directory whose name does not fit even
 * without its trailing '/' gets no member: extracting its contents
 * creates it.
 */
static int
gitinfo_tar_header(struct gitinfo_tar *t, const char *path, char type,
    unsigned mode, unsigned long long size, const char *link)
{
	unsigned char h[GITINFO_TAR_BLOCK];
	size_t        len = strlen(path);
	unsigned      sum = 0;

	memset(h, 0, sizeof(h));
	if (gitinfo_tar_name(h, path, len) < 0) {
		if (type != '5') {
			return mlops_error_set(t->err, MLOPS_EINVAL,
			    "%s: path of %zu bytes too long for ustar", path,
			    len);
		}
		if (gitinfo_tar_name(h, path, len - 1) < 0) {
			return 0; /* directory: no member */
		}
	}
	if (size > GITINFO_TAR_OCTAL11_MAX) {
		return mlops_error_set(t->err, MLOPS_EINVAL,
		    "%s: file too large for a ustar archive", path);
	}
	gitinfo_tar_octal(h + 100, 8, mode);
	gitinfo_tar_octal(h + 108, 8, 0); /* uid */
	gitinfo_tar_octal(h + 116, 8, 0); /* gid */
	gitinfo_tar_octal(h + 124, 12, size);
	gitinfo_tar_octal(h + 136, 12, (unsigned long long) t->mtime);
	h[156] = (unsigned char) type;
	if (link != NULL) {
		memcpy(h + 157, link, strlen(link));
	}
	memcpy(h + 257, "ustar", 6);      /* magic with its NUL */
	memcpy(h + 263, "00", 2);         /* version */
	memcpy(h + 265, "root", 4);       /* uname */
	memcpy(h + 297, "root", 4);       /* gname */
	gitinfo_tar_octal(h + 329, 8, 0); /* devmajor */
	gitinfo_tar_octal(h + 337, 8, 0); /* devminor */

	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < sizeof(h); i++) {
		sum += h[i];
	}
	gitinfo_tar_octal(h + 148, 7, sum); /* 6 digits, NUL, then ' ' */
	strbuf_append(t->sb, h, sizeof(h));
	return 0;
}

/* Pads `sb` with NULs to a multiple of `unit`. */
static void
gitinfo_tar_pad(struct strbuf *sb, size_t unit)
{
	static const unsigned char zeros[GITINFO_TAR_BLOCK];

	while (sb->len % unit != 0) {
		size_t n = unit - sb->len % unit;

		strbuf_append(
		    sb, zeros, n < sizeof(zeros) ? n : sizeof(zeros));
	}
}

/* git_tree_walk callback (pre-order): one member per tree entry. */
static int
gitinfo_tar_entry(const char *dir, const git_tree_entry *entry, void *payload)
{
	struct gitinfo_tar *t    = payload;
	const char         *name = git_tree_entry_name(entry);
	git_filemode_t      mode = git_tree_entry_filemode(entry);
	git_blob           *blob = NULL;
	char               *path = NULL;
	char               *link = NULL;
	const void         *data;
	git_object_size_t   size;
	int                 rc = 0;

	if (mode == GIT_FILEMODE_COMMIT) {
		return 0; /* submodule: skipped */
	}
	path = xasprintf(
	    "%s%s%s", dir, name, mode == GIT_FILEMODE_TREE ? "/" : "");
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0
	    || strchr(name, '/') != NULL) {
		rc = mlops_error_set(
		    t->err, MLOPS_EINVAL, "%s: unsafe tree entry name", path);
		goto out;
	}
	if (mode == GIT_FILEMODE_TREE) {
		rc = gitinfo_tar_header(t, path, '5', 0755, 0, NULL);
		goto out;
	}
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE
	    && mode != GIT_FILEMODE_LINK) {
		goto out; /* unknown mode: nothing to archive */
	}
	if (git_blob_lookup(&blob, t->repo, git_tree_entry_id(entry)) < 0) {
		rc = gitinfo_git_error(t->err, MLOPS_ERROR, path, "blob");
		goto out;
	}
	data = git_blob_rawcontent(blob);
	size = git_blob_rawsize(blob);
	if (mode == GIT_FILEMODE_LINK) {
		if (size == 0 || size > GITINFO_TAR_NAME_MAX
		    || memchr(data, '\0', (size_t) size) != NULL) {
			rc = mlops_error_set(t->err, MLOPS_EINVAL,
			    "%s: symlink target empty or too long for ustar",
			    path);
			goto out;
		}
		link = xstrndup(data, (size_t) size);
		rc   = gitinfo_tar_header(t, path, '2', 0777, 0, link);
		goto out;
	}
	rc = gitinfo_tar_header(t, path, '0',
	    mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644, size, NULL);
	if (rc == 0) {
		strbuf_append(t->sb, data, (size_t) size);
		gitinfo_tar_pad(t->sb, GITINFO_TAR_BLOCK);
	}
out:
	git_blob_free(blob);
	free(link);
	free(path);
	if (rc < 0) {
		t->rc = rc;
		return -1;
	}
	return 0;
}

int
gitinfo_archive_head(
    struct strbuf *out, const char *root, struct mlops_error *err)
{
	static const unsigned char eof[2 * GITINFO_TAR_BLOCK];
	git_repository            *repo = NULL;
	git_reference             *head = NULL;
	git_object                *obj  = NULL;
	git_tree                  *tree = NULL;
	char                      *real = NULL;
	struct strbuf              sb   = STRBUF_INIT;
	struct gitinfo_tar         t;
	int                        gr, rc;

	if ((rc = gitinfo_open(&repo, &real, root, err)) < 0) {
		goto out;
	}
	gr = git_repository_head(&head, repo);
	if (gr == GIT_EUNBORNBRANCH || gr == GIT_ENOTFOUND) {
		rc = mlops_error_set(
		    err, MLOPS_ENOTFOUND, "%s has no commits", real);
		goto out;
	}
	if (gr < 0 || git_reference_peel(&obj, head, GIT_OBJECT_COMMIT) < 0
	    || git_commit_tree(&tree, (git_commit *) obj) < 0) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, real, "HEAD tree");
		goto out;
	}

	t.sb    = &sb;
	t.repo  = repo;
	t.mtime = git_commit_time((git_commit *) obj);
	t.rc    = 0;
	t.err   = err;
	if (t.mtime < 0
	    || (unsigned long long) t.mtime > GITINFO_TAR_OCTAL11_MAX) {
		t.mtime = 0;
	}
	gr = git_tree_walk(tree, GIT_TREEWALK_PRE, gitinfo_tar_entry, &t);
	if (t.rc < 0) {
		rc = t.rc;
		goto out;
	}
	if (gr < 0) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, real, "tree walk");
		goto out;
	}
	strbuf_append(&sb, eof, sizeof(eof));
	gitinfo_tar_pad(&sb, GITINFO_TAR_RECORD);

	strbuf_append(out, sb.buf, sb.len);
out:
	strbuf_fini(&sb);
	git_tree_free(tree);
	git_object_free(obj);
	git_reference_free(head);
	git_repository_free(repo);
	free(real);
	return rc;
}

int
gitinfo_diff_head(
    struct strbuf *out, const char *root, struct mlops_error *err)
{
	git_diff_options opts;
	git_repository  *repo = NULL;
	git_reference   *head = NULL;
	git_object      *tree = NULL;
	git_diff        *diff = NULL;
	git_buf          buf  = GIT_BUF_INIT;
	char            *real = NULL;
	int              gr, rc;

	if ((rc = gitinfo_open(&repo, &real, root, err)) < 0) {
		goto out;
	}
	/* An unborn HEAD diffs against the empty tree (tree stays NULL). */
	gr = git_repository_head(&head, repo);
	if (gr < 0 && gr != GIT_EUNBORNBRANCH && gr != GIT_ENOTFOUND) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, real, "HEAD");
		goto out;
	}
	if (gr == 0 && git_reference_peel(&tree, head, GIT_OBJECT_TREE) < 0) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, real, "HEAD tree");
		goto out;
	}

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags             = GIT_DIFF_SHOW_BINARY;
	opts.ignore_submodules = GIT_SUBMODULE_IGNORE_ALL;
	opts.id_abbrev         = GIT_OID_HEXSZ;
	gr                     = git_diff_tree_to_workdir_with_index(
	                        &diff, repo, (git_tree *) tree, &opts);
	if (gr < 0 || git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH) < 0) {
		rc = gitinfo_git_error(err, MLOPS_ERROR, real, "diff");
		goto out;
	}
	strbuf_append(out, buf.ptr, buf.size);
out:
	git_buf_dispose(&buf);
	git_diff_free(diff);
	git_object_free(tree);
	git_reference_free(head);
	git_repository_free(repo);
	free(real);
	return rc;
}
