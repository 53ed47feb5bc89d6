/*
 * Reading a Hydra config directory: every *.yaml below it is read once and
 * handed to hydra_yaml.c, and the sub-directories become config groups. Also
 * the node helpers and the accessors of struct hydra_config. Runs on
 * whichever thread calls it; the only file-system access of the hydra
 * modules is here.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "hydra.h"
#include "hydra_impl.h"

#define HYDRA_MAX_FILES     4096
#define HYDRA_MAX_DIR_DEPTH 16
#define HYDRA_MAX_FILE_SIZE (1024u * 1024u)

/* What the directory scan collects. */
struct hydra_scan {
	const char        *dir;
	struct hydra_file *files;
	size_t             nfiles;
	char             **groups;
	size_t             ngroups;
};

static int hydra_read_text(
    char **out, size_t *len, const char *path, struct mlops_error *err);
static int hydra_scan_dir(struct hydra_scan *sc, const char *rel, int depth,
    struct mlops_error *err);
static int hydra_file_cmp(const void *a, const void *b);
static int hydra_str_cmp(const void *a, const void *b);
static int hydra_repo_read(
    struct hydra_repo **out, const char *dir, struct mlops_error *err);

/* ---- nodes ---- */

struct hydra_node *
hydra_node_new(enum hydra_node_kind kind, const char *key, const char *file,
    unsigned line, unsigned column)
{
	struct hydra_node *n = xcalloc(1, sizeof(*n));

	n->kind   = kind;
	n->type   = HYDRA_TYPE_NONE;
	n->key    = xstrdup_null(key);
	n->file   = xstrdup(file ? file : "");
	n->line   = line;
	n->column = column;
	return n;
}

struct hydra_node *
hydra_node_scalar(const char *key, enum hydra_type type, const char *value,
    const char *file, unsigned line, unsigned column)
{
	struct hydra_node *n
	    = hydra_node_new(HYDRA_NODE_SCALAR, key, file, line, column);

	n->type  = type;
	n->value = xstrdup(value ? value : "");
	return n;
}

void
hydra_node_append(struct hydra_node *parent, struct hydra_node *child)
{
	parent->items = xreallocarray(
	    parent->items, parent->nitems + 1, sizeof(*parent->items));
	parent->items[parent->nitems++] = child;
}

struct hydra_node *
hydra_node_copy(const struct hydra_node *n, const char *key)
{
	struct hydra_node *c = hydra_node_new(
	    n->kind, key ? key : n->key, n->file, n->line, n->column);

	c->type  = n->type;
	c->value = xstrdup_null(n->value);
	if (n->nitems > 0) {
		c->items  = xreallocarray(NULL, n->nitems, sizeof(*c->items));
		c->nitems = n->nitems;
		for (size_t i = 0; i < n->nitems; i++) {
			c->items[i] = hydra_node_copy(n->items[i], NULL);
		}
	}
	return c;
}

void
hydra_node_free(struct hydra_node *n)
{
	if (n == NULL) {
		return;
	}
	for (size_t i = 0; i < n->nitems; i++) {
		hydra_node_free(n->items[i]);
	}
	free(n->items);
	free(n->key);
	free(n->value);
	free(n->file);
	free(n);
}

long
hydra_node_index(const struct hydra_node *m, const char *key)
{
	if (m == NULL || m->kind != HYDRA_NODE_MAP) {
		return -1;
	}
	for (size_t i = 0; i < m->nitems; i++) {
		if (strcmp(m->items[i]->key, key) == 0) {
			return (long) i;
		}
	}
	return -1;
}

void
hydra_node_replace(
    struct hydra_node *parent, size_t i, struct hydra_node *child)
{
	hydra_node_free(parent->items[i]);
	parent->items[i] = child;
}

void
hydra_node_remove(struct hydra_node *parent, size_t i)
{
	hydra_node_free(parent->items[i]);
	memmove(parent->items + i, parent->items + i + 1,
	    (parent->nitems - i - 1) * sizeof(*parent->items));
	parent->nitems--;
}

void
hydra_node_merge(struct hydra_node *dst, const struct hydra_node *src)
{
	for (size_t i = 0; i < src->nitems; i++) {
		const struct hydra_node *s = src->items[i];
		long                     j = hydra_node_index(dst, s->key);
		struct hydra_node       *d;

		if (j < 0) {
			hydra_node_append(dst, hydra_node_copy(s, NULL));
			continue;
		}
		d = dst->items[j];
		if (d->kind == HYDRA_NODE_MAP && s->kind == HYDRA_NODE_MAP) {
			hydra_node_merge(d, s);
		} else if (s->type == HYDRA_TYPE_MISSING
		    && d->type != HYDRA_TYPE_MISSING) {
			continue; /* ??? does not replace a value */
		} else {
			hydra_node_replace(
			    dst, (size_t) j, hydra_node_copy(s, NULL));
		}
	}
}

const struct hydra_node *
hydra_node_find(const struct hydra_node *root, const char *path)
{
	const struct hydra_node *n = root;
	const char              *p = path, *dot;
	char                    *seg;
	char                    *end;
	unsigned long            idx;
	long                     i;

	if (root == NULL || path == NULL || *path == '\0') {
		return NULL;
	}
	while (n != NULL) {
		dot = strchr(p, '.');
		seg = dot ? xstrndup(p, (size_t) (dot - p)) : xstrdup(p);
		if (n->kind == HYDRA_NODE_MAP) {
			i = hydra_node_index(n, seg);
			n = i < 0 ? NULL : n->items[i];
		} else if (n->kind == HYDRA_NODE_LIST && seg[0] >= '0'
		    && seg[0] <= '9') {
			errno = 0;
			idx   = strtoul(seg, &end, 10);
			n = (*end != '\0' || errno != 0 || idx >= n->nitems)
			    ? NULL
			    : n->items[idx];
		} else {
			n = NULL;
		}
		free(seg);
		if (dot == NULL) {
			return n;
		}
		p = dot + 1;
	}
	return NULL;
}

/* ---- the directory ---- */

static int
hydra_read_text(
    char **out, size_t *len, const char *path, struct mlops_error *err)
{
	FILE  *fp  = NULL;
	char  *buf = NULL;
	size_t n;
	int    rc = 0;

	if ((fp = fopen(path, "rb")) == NULL) {
		rc = mlops_error_set(
		    err, MLOPS_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	buf = xmalloc(HYDRA_MAX_FILE_SIZE + 1);
	n   = fread(buf, 1, HYDRA_MAX_FILE_SIZE + 1, fp);
	if (ferror(fp)) {
		rc = mlops_error_set(err, MLOPS_EIO, "%s: read failed", path);
		goto out;
	}
	if (n > HYDRA_MAX_FILE_SIZE) {
		rc = mlops_error_set(err, MLOPS_ECONFIG,
		    "%s: larger than %u bytes", path, HYDRA_MAX_FILE_SIZE);
		goto out;
	}
	buf[n] = '\0';
	*out   = buf;
	*len   = n;
	buf    = NULL;
out:
	free(buf);
	if (fp != NULL) {
		fclose(fp);
	}
	return rc;
}

static int
hydra_scan_dir(
    struct hydra_scan *sc, const char *rel, int depth, struct mlops_error *err)
{
	DIR               *dir  = NULL;
	char              *full = NULL, *sub = NULL, *text = NULL;
	struct dirent     *de;
	struct stat        st;
	struct hydra_file *f;
	struct mlops_error ferr;
	size_t             nlen, len = 0;
	int                rc = 0;

	full = *rel ? xasprintf("%s/%s", sc->dir, rel) : xstrdup(sc->dir);
	if ((dir = opendir(full)) == NULL) {
		rc = mlops_error_set(
		    err, MLOPS_EIO, "%s: %s", full, strerror(errno));
		goto out;
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.'
		    || strcmp(de->d_name, "__pycache__") == 0) {
			continue;
		}
		free(sub);
		sub = *rel ? xasprintf("%s/%s", rel, de->d_name)
		           : xstrdup(de->d_name);
		free(full);
		full = xasprintf("%s/%s", sc->dir, sub);
		if (stat(full, &st) != 0) {
			continue; /* dangling link */
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth >= HYDRA_MAX_DIR_DEPTH) {
				rc = mlops_error_set(err, MLOPS_ECONFIG,
				    "%s: config groups nested deeper than %d",
				    full, HYDRA_MAX_DIR_DEPTH);
				goto out;
			}
			sc->groups = xreallocarray(
			    sc->groups, sc->ngroups + 1, sizeof(char *));
			sc->groups[sc->ngroups++] = xstrdup(sub);
			if ((rc = hydra_scan_dir(sc, sub, depth + 1, err))
			    < 0) {
				goto out;
			}
			continue;
		}
		nlen = strlen(sub);
		if (!S_ISREG(st.st_mode) || nlen <= 5
		    || strcmp(sub + nlen - 5, ".yaml") != 0) {
			continue;
		}
		if (sc->nfiles >= HYDRA_MAX_FILES) {
			rc = mlops_error_set(err, MLOPS_ECONFIG,
			    "%s: more than %d config files", sc->dir,
			    HYDRA_MAX_FILES);
			goto out;
		}
		sc->files = xreallocarray(
		    sc->files, sc->nfiles + 1, sizeof(*sc->files));
		f = &sc->files[sc->nfiles++];
		memset(f, 0, sizeof(*f));
		f->name = xstrndup(sub, nlen - 5);
		f->path = xstrdup(full);
		memset(&ferr, 0, sizeof(ferr));
		rc = hydra_read_text(&text, &len, full, &ferr);
		if (rc == 0) {
			rc = hydra_file_parse(f, text, len, sub, &ferr);
		}
		free(text);
		text = NULL;
		if (rc == MLOPS_EIO || rc == MLOPS_ERROR) {
			rc = mlops_error_set(err, rc, "%s", ferr.msg);
			goto out;
		}
		if (rc < 0) {
			/* Reported if and when a composition uses it. */
			f->err_code = rc;
			f->err_msg  = xstrdup(ferr.msg);
			rc          = 0;
		}
	}
out:
	if (dir != NULL) {
		closedir(dir);
	}
	free(full);
	free(sub);
	return rc;
}

static int
hydra_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hydra_file *) a)->name,
	    ((const struct hydra_file *) b)->name);
}

static int
hydra_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static int
hydra_repo_read(
    struct hydra_repo **out, const char *dir, struct mlops_error *err)
{
	struct hydra_scan   sc = { dir, NULL, 0, NULL, 0 };
	struct hydra_repo  *repo;
	struct hydra_group *g;
	const char         *slash;
	int                 rc;

	if ((rc = hydra_scan_dir(&sc, "", 0, err)) < 0) {
		for (size_t i = 0; i < sc.nfiles; i++) {
			hydra_file_fini(&sc.files[i]);
		}
		free(sc.files);
		for (size_t i = 0; i < sc.ngroups; i++) {
			free(sc.groups[i]);
		}
		free(sc.groups);
		return rc;
	}
	if (sc.nfiles > 0) {
		qsort(sc.files, sc.nfiles, sizeof(*sc.files), hydra_file_cmp);
	}
	if (sc.ngroups > 0) {
		qsort(sc.groups, sc.ngroups, sizeof(char *), hydra_str_cmp);
	}
	repo = xcalloc(1, sizeof(*repo));
	atomic_init(&repo->refs, 1);
	repo->dir    = xstrdup(dir);
	repo->files  = sc.files;
	repo->nfiles = sc.nfiles;
	repo->groups = xcalloc(sc.ngroups + 1, sizeof(*repo->groups));
	for (size_t i = 0; i < sc.ngroups; i++) {
		g       = &repo->groups[repo->ngroups++];
		g->name = sc.groups[i];
		for (size_t j = 0; j < sc.nfiles; j++) {
			slash = strrchr(sc.files[j].name, '/');
			if (slash == NULL
			    || (size_t) (slash - sc.files[j].name)
			        != strlen(g->name)
			    || strncmp(
			           sc.files[j].name, g->name, strlen(g->name))
			        != 0) {
				continue;
			}
			g->options = xreallocarray(
			    g->options, g->noptions + 1, sizeof(char *));
			g->options[g->noptions++] = xstrdup(slash + 1);
		}
	}
	free(sc.groups);
	*out = repo;
	return 0;
}

struct hydra_repo *
hydra_repo_ref(struct hydra_repo *repo)
{
	atomic_fetch_add(&repo->refs, 1);
	return repo;
}

void
hydra_repo_unref(struct hydra_repo *repo)
{
	if (repo == NULL || atomic_fetch_sub(&repo->refs, 1) != 1) {
		return;
	}
	for (size_t i = 0; i < repo->nfiles; i++) {
		hydra_file_fini(&repo->files[i]);
	}
	free(repo->files);
	for (size_t i = 0; i < repo->ngroups; i++) {
		for (size_t j = 0; j < repo->groups[i].noptions; j++) {
			free(repo->groups[i].options[j]);
		}
		free(repo->groups[i].options);
		free(repo->groups[i].name);
	}
	free(repo->groups);
	free(repo->dir);
	free(repo);
}

const struct hydra_file *
hydra_repo_file(const struct hydra_repo *repo, const char *name)
{
	struct hydra_file key = { 0 };

	key.name = (char *) name;
	return bsearch(&key, repo->files, repo->nfiles, sizeof(*repo->files),
	    hydra_file_cmp);
}

const struct hydra_group *
hydra_repo_group(const struct hydra_repo *repo, const char *name)
{
	for (size_t i = 0; i < repo->ngroups; i++) {
		if (strcmp(repo->groups[i].name, name) == 0) {
			return &repo->groups[i];
		}
	}
	return NULL;
}

char *
hydra_group_options_text(const struct hydra_group *g)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_init(&sb);
	for (size_t i = 0; g != NULL && i < g->noptions; i++) {
		strbuf_printf(&sb, "%s%s", i ? ", " : "", g->options[i]);
	}
	if (sb.len == 0) {
		strbuf_puts(&sb, "none");
	}
	return strbuf_detach(&sb, NULL);
}

/* ---- public ---- */

int
hydra_load(struct hydra_config **out, const char *config_dir,
    const char *config_name, struct mlops_error *err)
{
	struct hydra_repo   *repo = NULL;
	struct hydra_config *cfg  = NULL;
	struct stat          st;
	int                  rc;

	if (config_dir == NULL || *config_dir == '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL,
		    "hydra_config_dir", "hydra_config_dir: empty path");
	}
	if (stat(config_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		return mlops_error_set(err, MLOPS_ENOTFOUND,
		    "%s: no such Hydra config directory", config_dir);
	}
	if ((rc = hydra_repo_read(&repo, config_dir, err)) < 0
	    || (rc = hydra_compose(
	            &cfg, repo, config_name, NULL, 0, false, err))
	        < 0) {
		goto out;
	}
	*out = cfg;
out:
	hydra_repo_unref(repo);
	return rc;
}

void
hydra_config_free(struct hydra_config *cfg)
{
	if (cfg == NULL) {
		return;
	}
	for (size_t i = 0; i < cfg->nchoices; i++) {
		free(cfg->choices[i].key);
		free(cfg->choices[i].group);
		free(cfg->choices[i].option);
		free(cfg->choices[i].package);
	}
	free(cfg->choices);
	for (size_t i = 0; i < cfg->ndefaults; i++) {
		free(cfg->defaults[i].config_path);
		free(cfg->defaults[i].package);
		free(cfg->defaults[i].parent);
	}
	free(cfg->defaults);
	hydra_node_free(cfg->root);
	free(cfg->name);
	hydra_repo_unref(cfg->repo);
	free(cfg);
}

const struct hydra_node *
hydra_config_root(const struct hydra_config *cfg)
{
	return cfg->root;
}

const char *
hydra_config_name(const struct hydra_config *cfg)
{
	return cfg->name;
}

size_t
hydra_config_nchoices(const struct hydra_config *cfg)
{
	return cfg->nchoices;
}

const struct hydra_choice *
hydra_config_choice(const struct hydra_config *cfg, size_t i)
{
	return i < cfg->nchoices ? &cfg->choices[i] : NULL;
}

const struct hydra_choice *
hydra_config_choice_find(const struct hydra_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->nchoices; i++) {
		if (strcmp(cfg->choices[i].key, key) == 0) {
			return &cfg->choices[i];
		}
	}
	return NULL;
}

size_t
hydra_config_ngroups(const struct hydra_config *cfg)
{
	return cfg->repo->ngroups;
}

const struct hydra_group *
hydra_config_group(const struct hydra_config *cfg, size_t i)
{
	return i < cfg->repo->ngroups ? &cfg->repo->groups[i] : NULL;
}

const struct hydra_group *
hydra_config_group_find(const struct hydra_config *cfg, const char *name)
{
	return hydra_repo_group(cfg->repo, name);
}

size_t
hydra_config_ndefaults(const struct hydra_config *cfg)
{
	return cfg->ndefaults;
}

const struct hydra_default *
hydra_config_default(const struct hydra_config *cfg, size_t i)
{
	return i < cfg->ndefaults ? &cfg->defaults[i] : NULL;
}
