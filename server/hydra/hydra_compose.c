/*
 * Composition of a Hydra config: the defaults tree is built the way Hydra
 * 1.3's defaults_list.py builds it (entries expanded last to first, so the
 * last appearance of a group decides its option and `override` entries
 * reach defaults declared before them; _self_ appended when absent), then
 * flattened into the final defaults list, whose configs are merged in order
 * under their packages. Pure: works on the repository hydra_load() read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "hydra.h"
#include "hydra_impl.h"

#define HYDRA_MAX_TREE_DEPTH 32

/* An option override: from the command line or an `override` entry. */
struct hydra_ovc {
	char       *key;
	char       *value;
	char      **options;
	size_t      noptions;
	bool        is_list;
	bool        used;
	const char *text; /* command line; NULL for a defaults entry */
	const char *where;
	unsigned    line, column;
};

struct hydra_del {
	char       *key;
	char       *name; /* NULL: whatever the option */
	const char *text;
	bool        used;
};

struct hydra_known {
	char                  *key;
	char                  *name;
	const struct hydra_dn *by;
};

struct hydra_ctx {
	struct hydra_repo      *repo;
	bool                    validating;
	struct hydra_ovc       *ovs;
	size_t                  novs;
	struct hydra_del       *dels;
	size_t                  ndels;
	const struct hydra_gov *appends[64];
	size_t                  nappends;
	struct hydra_known     *known;
	size_t                  nknown;
	struct hydra_config    *cfg; /* being filled */
};

static int hydra_expand(struct hydra_ctx *c, struct hydra_dn *node,
    bool is_root, bool interpolated, int depth, struct mlops_error *err);
static struct hydra_ovc *hydra_ov_find(struct hydra_ctx *c, const char *key);
static void              hydra_ov_clear(struct hydra_ovc *o);
static struct hydra_ovc *hydra_ov_add(struct hydra_ctx *c, const char *key,
    const char *value, char *const *options, size_t noptions, bool is_list);
static void hydra_ov_apply(struct hydra_ovc *o, struct hydra_dn *d);
static bool hydra_is_deleted(struct hydra_ctx *c, const struct hydra_dn *d);
static int  hydra_known_set(
     struct hydra_ctx *c, const struct hydra_dn *d, struct mlops_error *err);
static const char *hydra_known_get(const struct hydra_ctx *c, const char *key);
static int         hydra_dn_resolve(
            struct hydra_ctx *c, struct hydra_dn *d, struct mlops_error *err);
static void hydra_push(struct hydra_dn ***v, size_t *n, struct hydra_dn *d);
static int  hydra_register_overrides(struct hydra_ctx *c,
     struct hydra_dn **list, size_t n, const struct hydra_dn *parent,
     bool interpolated, struct mlops_error *err);
static int hydra_not_found(const struct hydra_ctx *c, const struct hydra_dn *d,
    struct mlops_error *err);
static int hydra_expand_list(struct hydra_ctx *c, struct hydra_dn *d,
    const struct hydra_dn *node, struct hydra_dn ***kids, size_t *nkids,
    bool interpolated, int depth, struct mlops_error *err);
static bool hydra_dn_skipped(const struct hydra_dn *d);
static void hydra_emit(struct hydra_config *cfg, const struct hydra_dn *tree,
    const struct hydra_dn *node);
static void hydra_walk(struct hydra_config *cfg, const struct hydra_dn *tree);
static void hydra_collect_choices(
    struct hydra_config *cfg, const struct hydra_dn *d);
static int hydra_check_unused(
    struct hydra_ctx *c, struct hydra_config *cfg, struct mlops_error *err);
static int  hydra_check_duplicates(const struct hydra_dn *d, char ***seen,
     size_t *nseen, struct mlops_error *err);
static void hydra_merge_defaults(
    struct hydra_ctx *c, struct hydra_config *cfg);

/* ---- overrides, deletions, known choices (the Overrides class) ---- */

static struct hydra_ovc *
hydra_ov_find(struct hydra_ctx *c, const char *key)
{
	for (size_t i = 0; i < c->novs; i++) {
		if (strcmp(c->ovs[i].key, key) == 0) {
			return &c->ovs[i];
		}
	}
	return NULL;
}

/* Frees the value of an override (not its key). */
static void
hydra_ov_clear(struct hydra_ovc *o)
{
	free(o->value);
	for (size_t i = 0; i < o->noptions; i++) {
		free(o->options[i]);
	}
	free(o->options);
	o->value    = NULL;
	o->options  = NULL;
	o->noptions = 0;
}

static struct hydra_ovc *
hydra_ov_add(struct hydra_ctx *c, const char *key, const char *value,
    char *const *options, size_t noptions, bool is_list)
{
	struct hydra_ovc *o;

	c->ovs = xreallocarray(c->ovs, c->novs + 1, sizeof(*c->ovs));
	o      = &c->ovs[c->novs++];
	memset(o, 0, sizeof(*o));
	o->key     = xstrdup(key);
	o->value   = xstrdup_null(value);
	o->is_list = is_list;
	if (noptions > 0) {
		o->options = xcalloc(noptions, sizeof(char *));
		for (size_t i = 0; i < noptions; i++) {
			o->options[i] = xstrdup(options[i]);
		}
		o->noptions = noptions;
	}
	return o;
}

/* Applies an override to `d` (Overrides.override_default_option). */
static void
hydra_ov_apply(struct hydra_ovc *o, struct hydra_dn *d)
{
	free(d->value);
	for (size_t i = 0; i < d->noptions; i++) {
		free(d->options[i]);
	}
	free(d->options);
	d->options  = NULL;
	d->noptions = 0;
	d->value    = xstrdup_null(o->value);
	d->is_list  = o->is_list;
	if (o->noptions > 0) {
		d->options = xcalloc(o->noptions, sizeof(char *));
		for (size_t i = 0; i < o->noptions; i++) {
			d->options[i] = xstrdup(o->options[i]);
		}
		d->noptions = o->noptions;
	}
	/* An error about the new option points at the override. */
	d->text   = o->text;
	d->where  = o->where ? o->where : d->where;
	d->line   = o->where ? o->line : d->line;
	d->column = o->where ? o->column : d->column;
	o->used   = true;
}

static bool
hydra_is_deleted(struct hydra_ctx *c, const struct hydra_dn *d)
{
	char *key;
	bool  hit = false;

	if (d->kind != HYDRA_D_GROUP) {
		return false;
	}
	key = hydra_dn_override_key(d);
	for (size_t i = 0; i < c->ndels && !hit; i++) {
		if (strcmp(c->dels[i].key, key) == 0
		    && (c->dels[i].name == NULL
		        || (d->value != NULL
		            && strcmp(c->dels[i].name, d->value) == 0))) {
			c->dels[i].used = true;
			hit             = true;
		}
	}
	free(key);
	return hit;
}

static int
hydra_known_set(
    struct hydra_ctx *c, const struct hydra_dn *d, struct mlops_error *err)
{
	char                     *key;
	const struct hydra_known *k = NULL;
	const struct hydra_dn    *ext;
	int                       rc = 0;

	if (d->kind != HYDRA_D_GROUP || d->is_list) {
		return 0;
	}
	key = hydra_dn_override_key(d);
	for (size_t i = 0; i < c->nknown; i++) {
		if (strcmp(c->known[i].key, key) == 0) {
			k = &c->known[i];
		}
	}
	if (k == NULL) {
		c->known = xreallocarray(
		    c->known, c->nknown + 1, sizeof(*c->known));
		c->known[c->nknown].key  = key;
		c->known[c->nknown].name = xstrdup_null(d->value);
		c->known[c->nknown].by   = d;
		c->nknown++;
		return 0;
	}
	if ((k->name == NULL) != (d->value == NULL)
	    || (k->name != NULL && strcmp(k->name, d->value) != 0)) {
		ext = d->external ? d : k->by->external ? k->by : NULL;
		if (ext != NULL) {
			rc = hydra_dn_error(ext, err, MLOPS_EINVAL,
			    "group '%s' is already in the defaults list (use "
			    "%s=%s to change it)",
			    key, key, ext->value ? ext->value : "null");
		} else {
			rc = hydra_dn_error(d, err, MLOPS_ECONFIG,
			    "'%s' has two values ('%s' and '%s'); use "
			    "'override %s: ...' to change a choice",
			    key, d->value ? d->value : "null",
			    k->name ? k->name : "null", key);
		}
	}
	free(key);
	return rc;
}

static const char *
hydra_known_get(const struct hydra_ctx *c, const char *key)
{
	for (size_t i = 0; i < c->nknown; i++) {
		if (strcmp(c->known[i].key, key) == 0) {
			return c->known[i].name;
		}
	}
	return NULL;
}

/* Replaces ${group} in a deferred defaults entry by the group's choice. */
static int
hydra_dn_resolve(
    struct hydra_ctx *c, struct hydra_dn *d, struct mlops_error *err)
{
	char        **slot = d->kind == HYDRA_D_GROUP ? &d->value : &d->path;
	struct strbuf sb   = STRBUF_INIT;
	const char   *p    = *slot, *open, *close, *choice;
	char         *key  = NULL;
	int           rc   = 0;

	strbuf_init(&sb);
	while ((open = strstr(p, "${")) != NULL) {
		close = strchr(open, '}');
		if (close == NULL) {
			break;
		}
		strbuf_append(&sb, p, (size_t) (open - p));
		key    = xstrndup(open + 2, (size_t) (close - open - 2));
		choice = hydra_known_get(c, key);
		if (choice == NULL) {
			rc = hydra_dn_error(d, err, MLOPS_ECONFIG,
			    "cannot resolve '%s': no choice for '%s'", *slot,
			    key);
			goto out;
		}
		strbuf_puts(&sb, choice);
		free(key);
		key = NULL;
		p   = close + 1;
	}
	strbuf_puts(&sb, p);
	free(*slot);
	*slot = strbuf_detach(&sb, NULL);
out:
	free(key);
	strbuf_fini(&sb);
	return rc;
}

/* ---- building the tree (_create_defaults_tree_impl) ---- */

static void
hydra_push(struct hydra_dn ***v, size_t *n, struct hydra_dn *d)
{
	*v           = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = d;
}

/* _update_overrides(): registers this list's `override` entries. */
static int
hydra_register_overrides(struct hydra_ctx *c, struct hydra_dn **list, size_t n,
    const struct hydra_dn *parent, bool interpolated, struct mlops_error *err)
{
	char                  *pbase = hydra_dn_group_path(parent);
	char                  *ppkg  = hydra_dn_final_package(parent, true);
	const struct hydra_dn *last  = NULL;
	char                  *key   = NULL;
	bool                   legacy;
	int                    rc = 0;

	for (size_t i = 0; i < n; i++) {
		struct hydra_dn *d = list[i];

		if (d->kind == HYDRA_D_SELF) {
			continue;
		}
		hydra_dn_update_parent(d, pbase, ppkg);
		legacy = d->kind == HYDRA_D_GROUP && !d->override
		    && strncmp(d->path, "hydra/", 6) == 0;
		if (last != NULL && !(d->override || d->external || legacy)) {
			rc = hydra_dn_error(d, err, MLOPS_ECONFIG,
			    "'override %s' comes before '%s'; overrides must "
			    "be at the end of the defaults list",
			    last->path, d->path);
			goto out;
		}
		if (d->kind != HYDRA_D_GROUP) {
			continue;
		}
		if (legacy) {
			d->override = true;
		}
		if (!d->override) {
			continue;
		}
		if (!legacy) {
			last = d;
		}
		if (interpolated) {
			rc = hydra_dn_error(d, err, MLOPS_ECONFIG,
			    "'override %s' is not allowed below an "
			    "interpolated defaults entry",
			    d->path);
			goto out;
		}
		key = hydra_dn_override_key(d);
		if (hydra_ov_find(c, key) == NULL) {
			struct hydra_ovc *o = hydra_ov_add(c, key, d->value,
			    d->options, d->noptions, d->is_list);

			o->where  = d->where;
			o->line   = d->line;
			o->column = d->column;
		}
		free(key);
		key = NULL;
	}
out:
	free(key);
	free(pbase);
	free(ppkg);
	return rc;
}

/* Not found: an absent group, or a group without that option. */
static int
hydra_not_found(const struct hydra_ctx *c, const struct hydra_dn *d,
    struct mlops_error *err)
{
	char                     *group = hydra_dn_group_path(d);
	char                     *path  = hydra_dn_config_path(d);
	const struct hydra_group *g     = hydra_repo_group(c->repo, group);
	char                     *opts  = NULL;
	int                       rc;

	if (d->kind != HYDRA_D_GROUP) {
		rc = hydra_dn_error(
		    d, err, MLOPS_ECONFIG, "config '%s' not found", path);
	} else if (g == NULL) {
		rc = hydra_dn_error(
		    d, err, MLOPS_ECONFIG, "no config group '%s'", group);
	} else {
		opts = hydra_group_options_text(g);
		rc   = hydra_dn_error(d, err, MLOPS_ECONFIG,
		      "no option '%s' in group '%s' (options: %s)", d->value,
		      group, opts);
	}
	free(opts);
	free(group);
	free(path);
	return rc;
}

/* Expands the options of `- group: [a, b]` into config entries. */
static int
hydra_expand_list(struct hydra_ctx *c, struct hydra_dn *d,
    const struct hydra_dn *node, struct hydra_dn ***kids, size_t *nkids,
    bool interpolated, int depth, struct mlops_error *err)
{
	char *pbase = hydra_dn_group_path(node);
	char *ppkg  = hydra_dn_final_package(node, true);
	int   rc    = 0;

	for (size_t j = d->noptions; j-- > 0;) {
		struct hydra_dn *item = xcalloc(1, sizeof(*item));

		item->kind        = HYDRA_D_CONFIG;
		item->path        = xasprintf("%s/%s", d->path, d->options[j]);
		item->package     = xstrdup_null(d->package);
		item->optional    = d->optional;
		item->where       = d->where;
		item->line        = d->line;
		item->column      = d->column;
		item->text        = d->text;
		item->parent      = d->parent;
		item->list_key    = hydra_dn_override_key(d);
		item->list_group  = hydra_dn_group_path(d);
		item->list_option = xstrdup(d->options[j]);
		hydra_dn_update_parent(item, pbase, ppkg);
		hydra_push(kids, nkids, item);
		if ((rc = hydra_expand(
		         c, item, false, interpolated, depth + 1, err))
		    < 0) {
			break;
		}
	}
	free(pbase);
	free(ppkg);
	return rc;
}

static int
hydra_expand(struct hydra_ctx *c, struct hydra_dn *node, bool is_root,
    bool interpolated, int depth, struct mlops_error *err)
{
	const struct hydra_file *file;
	struct hydra_dn        **list = NULL, **kids = NULL, *d;
	size_t                   n = 0, nkids = 0, nself = 0;
	bool                     non_override = false;
	const char              *name         = hydra_dn_name(node);
	char                    *path = NULL, *pbase = NULL, *ppkg = NULL;
	char                    *opts;
	int                      rc = 0;
	struct hydra_ovc        *o;

	if (depth > HYDRA_MAX_TREE_DEPTH) {
		return hydra_dn_error(node, err, MLOPS_ECONFIG,
		    "defaults nested deeper than %d (a cycle?)",
		    HYDRA_MAX_TREE_DEPTH);
	}
	path = hydra_dn_config_path(node);
	file = name ? hydra_repo_file(c->repo, path) : NULL;
	if (file != NULL && strcmp(name, "???") != 0) {
		hydra_dn_set_header(node, file->header);
	}
	if (hydra_is_deleted(c, node)) {
		node->deleted = true;
		goto out;
	}
	if ((rc = hydra_known_set(c, node, err)) < 0 || name == NULL) {
		goto out;
	}
	if (strcmp(name, "???") == 0) {
		if (!c->validating) {
			goto out;
		}
		pbase = hydra_dn_override_key(node);
		ppkg  = hydra_dn_group_path(node);
		opts  = hydra_group_options_text(
		     hydra_repo_group(c->repo, ppkg));
		rc = mlops_error_set_field(err, MLOPS_EINVAL, HYDRA_FIELD,
		    HYDRA_FIELD
		    ": '%s' is mandatory (?\?\?) and was not given "
		    "(options: %s)",
		    pbase, opts);
		free(opts);
		goto out;
	}
	if (file == NULL) {
		if (node->optional) {
			node->absent = true;
			goto out;
		}
		rc = hydra_not_found(c, node, err);
		goto out;
	}
	if (file->err_code < 0) {
		rc = mlops_error_set(err, file->err_code, "%s", file->err_msg);
		goto out;
	}
	for (size_t i = 0; i < file->ndefaults; i++) {
		d = hydra_dn_from_entry(&file->defaults[i], file);
		nself += d->kind == HYDRA_D_SELF;
		non_override = non_override || !d->override;
		d->parent    = node;
		hydra_push(&list, &n, d);
	}
	if (nself > 1) {
		rc = hydra_dn_error(list[0], err, MLOPS_ECONFIG,
		    "_self_ appears more than once");
		goto out;
	}
	if ((file->ndefaults > 0 || (is_root && c->nappends > 0))
	    && ((nself == 0 && non_override) || file->ndefaults == 0)) {
		d         = xcalloc(1, sizeof(*d));
		d->kind   = HYDRA_D_SELF;
		d->path   = xstrdup("_self_");
		d->where  = file->path;
		d->parent = node;
		hydra_push(&list, &n, d);
	}
	for (size_t i = 0; is_root && i < c->nappends; i++) {
		const struct hydra_gov *g = c->appends[i];

		d           = xcalloc(1, sizeof(*d));
		d->kind     = HYDRA_D_GROUP;
		d->external = true;
		d->path     = xstrdup(g->group);
		d->value    = xstrdup_null(g->value);
		d->package  = xstrdup_null(g->package);
		d->is_list  = g->is_list;
		if (g->noptions > 0) {
			d->options = xcalloc(g->noptions, sizeof(char *));
			for (size_t j = 0; j < g->noptions; j++) {
				d->options[j] = xstrdup(g->options[j]);
			}
			d->noptions = g->noptions;
		}
		d->text   = g->text;
		d->parent = node;
		hydra_push(&list, &n, d);
	}
	if ((rc = hydra_register_overrides(
	         c, list, n, node, interpolated, err))
	    < 0) {
		goto out;
	}
	pbase = hydra_dn_group_path(node);
	ppkg  = hydra_dn_final_package(node, true);
	for (size_t i = n; i-- > 0;) {
		d       = list[i];
		list[i] = NULL;
		if (d->kind == HYDRA_D_SELF) {
			hydra_push(&kids, &nkids, d);
			continue;
		}
		if (d->override) {
			hydra_dn_free(d);
			continue;
		}
		hydra_dn_update_parent(d, pbase, ppkg);
		if (d->kind == HYDRA_D_GROUP) {
			char *key = hydra_dn_override_key(d);

			if ((o = hydra_ov_find(c, key)) != NULL) {
				hydra_ov_apply(o, d);
			}
			free(key);
		}
		if (d->kind == HYDRA_D_GROUP && d->is_list) {
			rc = hydra_expand_list(c, d, node, &kids, &nkids,
			    interpolated, depth, err);
			hydra_dn_free(d);
			if (rc < 0) {
				goto out;
			}
			continue;
		}
		hydra_push(&kids, &nkids, d);
		if ((d->kind == HYDRA_D_GROUP && d->value != NULL
		        && strstr(d->value, "${") != NULL)
		    || (d->kind == HYDRA_D_CONFIG
		        && strstr(d->path, "${") != NULL)) {
			d->interp = true;
			continue;
		}
		if ((rc = hydra_expand(
		         c, d, false, interpolated, depth + 1, err))
		    < 0) {
			goto out;
		}
	}
	for (size_t i = 0; i < nkids; i++) {
		d = kids[i];
		if (!d->interp) {
			continue;
		}
		d->interp = false;
		if ((rc = hydra_dn_resolve(c, d, err)) < 0
		    || (rc = hydra_expand(c, d, false, true, depth + 1, err))
		        < 0) {
			goto out;
		}
	}
	if (nkids > 0) {
		for (size_t i = 0; i < nkids / 2; i++) {
			d                   = kids[i];
			kids[i]             = kids[nkids - 1 - i];
			kids[nkids - 1 - i] = d;
		}
		node->children  = kids;
		node->nchildren = nkids;
		kids            = NULL;
		nkids           = 0;
	}
out:
	for (size_t i = 0; i < n; i++) {
		hydra_dn_free(list[i]);
	}
	free(list);
	for (size_t i = 0; i < nkids; i++) {
		hydra_dn_free(kids[i]);
	}
	free(kids);
	free(path);
	free(pbase);
	free(ppkg);
	return rc;
}

/* ---- flattening and composing ---- */

static bool
hydra_dn_skipped(const struct hydra_dn *d)
{
	const char *name = hydra_dn_name(d);

	return d->deleted || d->absent || name == NULL
	    || strcmp(name, "???") == 0;
}

static void
hydra_emit(struct hydra_config *cfg, const struct hydra_dn *tree,
    const struct hydra_dn *node)
{
	struct hydra_default *r;

	if (node->kind != HYDRA_D_SELF && hydra_dn_skipped(node)) {
		return;
	}
	cfg->defaults = xreallocarray(
	    cfg->defaults, cfg->ndefaults + 1, sizeof(*cfg->defaults));
	r = &cfg->defaults[cfg->ndefaults++];
	memset(r, 0, sizeof(*r));
	if (node->kind == HYDRA_D_SELF) {
		r->config_path = hydra_dn_config_path(tree);
		r->package     = hydra_dn_final_package(tree, true);
		r->parent
		    = tree->parent ? hydra_dn_config_path(tree->parent) : NULL;
		r->is_self = true;
		r->primary = tree->primary;
		return;
	}
	r->config_path = hydra_dn_config_path(node);
	r->package     = hydra_dn_final_package(node, true);
	r->parent      = tree ? hydra_dn_config_path(tree) : NULL;
	r->primary     = node->primary;
}

static void
hydra_walk(struct hydra_config *cfg, const struct hydra_dn *tree)
{
	if (tree->children == NULL) {
		hydra_emit(cfg, tree->parent, tree);
		return;
	}
	for (size_t i = 0; i < tree->nchildren; i++) {
		if (tree->children[i]->children == NULL) {
			hydra_emit(cfg, tree, tree->children[i]);
		} else {
			hydra_walk(cfg, tree->children[i]);
		}
	}
}

/*
 * Records the group entries, in defaults-list (pre-)order; `- g: [a, b]`
 * gives one choice per option, all with the key of that entry.
 */
static void
hydra_collect_choices(struct hydra_config *cfg, const struct hydra_dn *d)
{
	struct hydra_choice *ch;
	const char          *name = hydra_dn_name(d);
	bool                 item = d->kind == HYDRA_D_CONFIG && d->list_key;

	if ((d->kind == HYDRA_D_GROUP || item) && !d->deleted) {
		cfg->choices = xreallocarray(
		    cfg->choices, cfg->nchoices + 1, sizeof(*cfg->choices));
		ch = &cfg->choices[cfg->nchoices++];
		memset(ch, 0, sizeof(*ch));
		ch->key
		    = item ? xstrdup(d->list_key) : hydra_dn_override_key(d);
		ch->group
		    = item ? xstrdup(d->list_group) : hydra_dn_group_path(d);
		ch->option   = xstrdup_null(item ? d->list_option : name);
		ch->package  = hydra_dn_final_package(d, true);
		ch->optional = d->optional;
		ch->loaded   = !hydra_dn_skipped(d);
	}
	for (size_t i = 0; i < d->nchildren; i++) {
		hydra_collect_choices(cfg, d->children[i]);
	}
}

/* Overrides and deletions nobody matched; Hydra's own groups (hydra/...)
 * are resolved by Hydra itself and only recorded. */
static int
hydra_check_unused(
    struct hydra_ctx *c, struct hydra_config *cfg, struct mlops_error *err)
{
	struct hydra_choice *ch;
	char                *at;

	for (size_t i = 0; i < c->novs; i++) {
		struct hydra_ovc *o = &c->ovs[i];

		if (o->used) {
			continue;
		}
		if (strncmp(o->key, "hydra/", 6) == 0) {
			cfg->choices = xreallocarray(cfg->choices,
			    cfg->nchoices + 1, sizeof(*cfg->choices));
			ch           = &cfg->choices[cfg->nchoices++];
			memset(ch, 0, sizeof(*ch));
			ch->key   = xstrdup(o->key);
			ch->group = xstrdup(o->key);
			at        = strchr(ch->group, '@');
			if (at != NULL) {
				*at = '\0';
			}
			ch->option  = xstrdup_null(o->value);
			ch->package = hydra_dots(ch->group);
			continue;
		}
		if (o->text != NULL) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    HYDRA_FIELD,
			    HYDRA_FIELD ": %s: group '%s' is not in the "
			                "defaults list (use +%s to add it)",
			    o->text, o->key, o->text);
		}
		return mlops_error_set(err, MLOPS_ECONFIG,
		    "%s:%u:%u: defaults: cannot override '%s': it is not in "
		    "the defaults list",
		    o->where, o->line, o->column, o->key);
	}
	for (size_t i = 0; i < c->ndels; i++) {
		if (!c->dels[i].used) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    HYDRA_FIELD,
			    HYDRA_FIELD
			    ": %s: no '%s%s%s' in the defaults list",
			    c->dels[i].text, c->dels[i].key,
			    c->dels[i].name ? "=" : "",
			    c->dels[i].name ? c->dels[i].name : "");
		}
	}
	return 0;
}

/* One override key per final defaults-list entry. */
static int
hydra_check_duplicates(const struct hydra_dn *d, char ***seen, size_t *nseen,
    struct mlops_error *err)
{
	char *key;
	int   rc = 0;

	if (d->kind == HYDRA_D_GROUP && !hydra_dn_skipped(d)) {
		key = hydra_dn_override_key(d);
		for (size_t i = 0; i < *nseen; i++) {
			if (strcmp((*seen)[i], key) == 0) {
				rc = hydra_dn_error(d, err, MLOPS_ECONFIG,
				    d->external
				        ? "group '%s' is already in the "
				          "defaults "
				          "list"
				        : "'%s' appears more than once in the "
				          "final defaults list",
				    key);
				free(key);
				return rc;
			}
		}
		*seen = xreallocarray(*seen, *nseen + 1, sizeof(char *));
		(*seen)[(*nseen)++] = key;
	}
	for (size_t i = 0; i < d->nchildren && rc == 0; i++) {
		rc = hydra_check_duplicates(d->children[i], seen, nseen, err);
	}
	return rc;
}

/* Merges each final defaults entry's content, under its package. */
static void
hydra_merge_defaults(struct hydra_ctx *c, struct hydra_config *cfg)
{
	struct hydra_node *wrap, *inner;
	char              *pkg, *dot;
	long               i;

	cfg->root = hydra_node_new(HYDRA_NODE_MAP, NULL, "", 0, 0);
	for (size_t k = 0; k < cfg->ndefaults; k++) {
		const struct hydra_default *r = &cfg->defaults[k];
		const struct hydra_file    *f
		    = hydra_repo_file(c->repo, r->config_path);

		if (f == NULL || f->content == NULL) {
			continue;
		}
		if (*r->package == '\0') {
			hydra_node_merge(cfg->root, f->content);
			continue;
		}
		/* a.b.c -> {a: {b: {c: content}}} */
		pkg   = xstrdup(r->package);
		dot   = strrchr(pkg, '.');
		inner = hydra_node_copy(f->content, dot ? dot + 1 : pkg);
		while (dot != NULL) {
			*dot = '\0';
			dot  = strrchr(pkg, '.');
			wrap = hydra_node_new(HYDRA_NODE_MAP,
			    dot ? dot + 1 : pkg, inner->file, 1, 1);
			hydra_node_append(wrap, inner);
			inner = wrap;
		}
		wrap = hydra_node_new(HYDRA_NODE_MAP, NULL, inner->file, 1, 1);
		hydra_node_append(wrap, inner);
		hydra_node_merge(cfg->root, wrap);
		hydra_node_free(wrap);
		free(pkg);
	}
	/* Hydra's own node is not part of the job's config. */
	if ((i = hydra_node_index(cfg->root, "hydra")) >= 0) {
		hydra_node_remove(cfg->root, (size_t) i);
	}
}

int
hydra_compose(struct hydra_config **out, struct hydra_repo *repo,
    const char *config_name, const struct hydra_gov *govs, size_t ngovs,
    bool validating, struct mlops_error *err)
{
	struct hydra_ctx     c;
	struct hydra_config *cfg  = NULL;
	struct hydra_dn     *root = NULL;
	struct hydra_ovc    *o;
	char               **seen  = NULL;
	size_t               nseen = 0, len;
	char                *name;
	int                  rc = 0;

	memset(&c, 0, sizeof(c));
	c.repo       = repo;
	c.validating = validating;
	name         = xstrdup(config_name ? config_name : "config");
	len          = strlen(name);
	if (len > 5 && strcmp(name + len - 5, ".yaml") == 0) {
		name[len - 5] = '\0';
	}
	cfg       = xcalloc(1, sizeof(*cfg));
	cfg->repo = hydra_repo_ref(repo);
	cfg->name = name;
	for (size_t i = 0; i < ngovs; i++) {
		const struct hydra_gov *g = &govs[i];

		if (g->op == HYDRA_OP_DEL) {
			c.dels = xreallocarray(
			    c.dels, c.ndels + 1, sizeof(*c.dels));
			c.dels[c.ndels].key  = xstrdup(g->key);
			c.dels[c.ndels].name = xstrdup_null(g->value);
			c.dels[c.ndels].text = g->text;
			c.dels[c.ndels].used = false;
			c.ndels++;
		} else if (g->op == HYDRA_OP_ADD) {
			if (c.nappends
			    == sizeof(c.appends) / sizeof(c.appends[0])) {
				rc = mlops_error_set_field(err, MLOPS_EINVAL,
				    HYDRA_FIELD,
				    HYDRA_FIELD ": %s: too many appended "
				                "groups",
				    g->text);
				goto out;
			}
			c.appends[c.nappends++] = g;
		} else {
			/* the last override of a group wins */
			if ((o = hydra_ov_find(&c, g->key)) != NULL) {
				hydra_ov_clear(o);
				o->value   = xstrdup_null(g->value);
				o->is_list = g->is_list;
				o->options
				    = xcalloc(g->noptions + 1, sizeof(char *));
				for (size_t j = 0; j < g->noptions; j++) {
					o->options[j] = xstrdup(g->options[j]);
				}
				o->noptions = g->noptions;
			} else {
				o = hydra_ov_add(&c, g->key, g->value,
				    g->options, g->noptions, g->is_list);
			}
			o->text = g->text;
		}
	}
	root          = xcalloc(1, sizeof(*root));
	root->kind    = HYDRA_D_CONFIG;
	root->primary = true;
	root->path    = xstrdup(name);
	root->where   = repo->dir;
	hydra_dn_update_parent(root, "", "");
	if (hydra_repo_file(repo, name) == NULL) {
		rc = mlops_error_set(err, MLOPS_ENOTFOUND,
		    "%s/%s.yaml: no primary config '%s'", repo->dir, name,
		    name);
		goto out;
	}
	if ((rc = hydra_expand(&c, root, true, false, 0, err)) < 0
	    || (rc = hydra_check_duplicates(root, &seen, &nseen, err)) < 0) {
		goto out;
	}
	hydra_walk(cfg, root);
	hydra_collect_choices(cfg, root);
	if ((rc = hydra_check_unused(&c, cfg, err)) < 0) {
		goto out;
	}
	hydra_merge_defaults(&c, cfg);
	*out = cfg;
	cfg  = NULL;
out:
	for (size_t i = 0; i < nseen; i++) {
		free(seen[i]);
	}
	free(seen);
	for (size_t i = 0; i < c.novs; i++) {
		free(c.ovs[i].key);
		hydra_ov_clear(&c.ovs[i]);
	}
	free(c.ovs);
	for (size_t i = 0; i < c.ndels; i++) {
		free(c.dels[i].key);
		free(c.dels[i].name);
	}
	free(c.dels);
	for (size_t i = 0; i < c.nknown; i++) {
		free(c.known[i].key);
		free(c.known[i].name);
	}
	free(c.known);
	hydra_dn_free(root);
	hydra_config_free(cfg);
	return rc;
}
