/*
 * Internals shared by the hydra*.c files: the in-memory repository of a
 * config directory, node helpers and the composer (defaults list -> tree).
 * The parsed override comes from the syntax library's own internals
 * (common/hydra/hydra_syntax_impl.h, on this folder's include path only).
 */
#ifndef MLOPS_SERVER_HYDRA_IMPL_H
#define MLOPS_SERVER_HYDRA_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <mlops/error.h>

#include "hydra.h"
#include "hydra_syntax_impl.h"

#define HYDRA_OVERRIDE_FILE "<override>"

/* ---- repository ---- */

enum hydra_dkind {
	HYDRA_D_SELF,   /* _self_ */
	HYDRA_D_CONFIG, /* - path/to/config[@pkg] */
	HYDRA_D_GROUP,  /* - [optional|override] group[@pkg]: option */
};

/* One defaults-list entry as written in a file. */
struct hydra_dentry {
	enum hydra_dkind kind;
	char            *path;    /* CONFIG: config path; GROUP: group path */
	char            *package; /* text after '@', or NULL */
	char            *value;   /* GROUP option; NULL for null */
	char           **options; /* GROUP with a list of options */
	size_t           noptions;
	bool             is_list;
	bool             optional;
	bool             override;
	unsigned         line, column;
};

/* One config file. A file that failed to parse keeps its error, which is
 * reported when a composition uses it (Hydra only reads what it uses). */
struct hydra_file {
	char                *name; /* "model/small" */
	char                *path; /* "<dir>/model/small.yaml", for messages */
	char                *header;  /* "# @package X" value, or NULL */
	struct hydra_node   *content; /* a map, without `defaults` */
	struct hydra_dentry *defaults;
	size_t               ndefaults;
	int                  err_code; /* 0, or why the file is unusable */
	char                *err_msg;
};

/* Everything hydra_load() read; immutable and shared by reference. */
struct hydra_repo {
	atomic_uint         refs;
	char               *dir;
	struct hydra_file  *files; /* sorted by name */
	size_t              nfiles;
	struct hydra_group *groups; /* sorted by name */
	size_t              ngroups;
};

struct hydra_config {
	struct hydra_repo    *repo;
	char                 *name;
	struct hydra_node    *root;
	struct hydra_choice  *choices;
	size_t                nchoices;
	struct hydra_default *defaults;
	size_t                ndefaults;
};

/**
 * Parses one file's text (header, YAML, defaults list) into `f`, whose
 * name and path are set. Returns 0 or MLOPS_ECONFIG ("path:line:col: ...").
 */
int  hydra_file_parse(struct hydra_file *f, const char *text, size_t len,
     const char *rel, struct mlops_error *err);
void hydra_file_fini(struct hydra_file *f);

struct hydra_repo       *hydra_repo_ref(struct hydra_repo *repo);
void                     hydra_repo_unref(struct hydra_repo *repo);
const struct hydra_file *hydra_repo_file(
    const struct hydra_repo *repo, const char *name);
const struct hydra_group *hydra_repo_group(
    const struct hydra_repo *repo, const char *name);
/** "a, b, c" of a group's options ("none" when empty). Caller frees. */
char *hydra_group_options_text(const struct hydra_group *g);

/* ---- nodes ---- */

struct hydra_node *hydra_node_new(enum hydra_node_kind kind, const char *key,
    const char *file, unsigned line, unsigned column);
struct hydra_node *hydra_node_scalar(const char *key, enum hydra_type type,
    const char *value, const char *file, unsigned line, unsigned column);
void hydra_node_append(struct hydra_node *parent, struct hydra_node *child);
/** Deep copy; the copy's key is `key` (NULL keeps the original's). */
struct hydra_node *hydra_node_copy(
    const struct hydra_node *n, const char *key);
void hydra_node_free(struct hydra_node *n);
/** Index of `key` in map `m`, or -1. */
long hydra_node_index(const struct hydra_node *m, const char *key);
/** Replaces member i of `parent` by `child` (freeing the old one). */
void hydra_node_replace(
    struct hydra_node *parent, size_t i, struct hydra_node *child);
/** Removes and frees item i of `parent`. */
void hydra_node_remove(struct hydra_node *parent, size_t i);
/**
 * OmegaConf merge of `src` into map `dst`: maps merge recursively, anything
 * else replaces, and a ??? never replaces a value. `src` is copied.
 */
void hydra_node_merge(struct hydra_node *dst, const struct hydra_node *src);
/** Type of a plain YAML scalar as OmegaConf's loader resolves it. */
enum hydra_type hydra_yaml_plain_type(const char *s);

/* ---- the defaults tree (hydra_element.c) ---- */

/* A node of the defaults tree: Hydra's InputDefault and its subtree. */
struct hydra_dn {
	enum hydra_dkind  kind;
	bool              primary, optional, override, external, is_list;
	bool              interp;  /* value waits for the other choices */
	bool              deleted; /* removed by ~group */
	bool              absent;  /* optional and not found */
	char             *path;    /* CONFIG: path; GROUP: group as written */
	char             *value;   /* GROUP option; NULL for null */
	char            **options;
	size_t            noptions;
	char             *package; /* explicit package */
	char             *header;  /* absolute package header, or NULL */
	char             *pbase;   /* parent's group path */
	char             *ppkg;    /* parent's final package */
	const char       *where;   /* file path (or override) naming it */
	unsigned          line, column;
	const char       *text; /* the command-line override that added it */
	struct hydra_dn **children; /* NULL: a leaf */
	size_t            nchildren;
	struct hydra_dn  *parent;
	/* a config expanded from `- group: [a, b]`: that entry's override
	 * key and group path, and which of its options this is */
	char *list_key, *list_group, *list_option;
};

/* Strings: `s` with every `from` replaced; '/' -> '.'; a+sep+b, skipping an
 * empty side. All return a string the caller frees. */
char *hydra_replace(const char *s, const char *from, const char *to);
char *hydra_dots(const char *s);
char *hydra_join(const char *a, const char *sep, const char *b);

/* Hydra's InputDefault methods. The char * results are the caller's. */
char       *hydra_dn_group_path(const struct hydra_dn *d);
const char *hydra_dn_name(const struct hydra_dn *d);
char       *hydra_dn_config_path(const struct hydra_dn *d);
char       *hydra_dn_final_package(const struct hydra_dn *d, bool use_header);
char       *hydra_dn_override_key(const struct hydra_dn *d);
void        hydra_dn_update_parent(
           struct hydra_dn *d, const char *pbase, const char *ppkg);
void             hydra_dn_set_header(struct hydra_dn *d, const char *header);
void             hydra_dn_free(struct hydra_dn *d);
struct hydra_dn *hydra_dn_from_entry(
    const struct hydra_dentry *e, const struct hydra_file *f);
/**
 * An error at the place that named `d`: "path:line:col: defaults: ..." with
 * `code`, or MLOPS_EINVAL "overrides: <override>: ..." when a command-line
 * override put it there. Returns the code.
 */
int hydra_dn_error(const struct hydra_dn *d, struct mlops_error *err, int code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- composition ---- */

/* A config-group override from the command line. */
struct hydra_gov {
	enum hydra_op op;
	char         *group;   /* group path */
	char         *package; /* after '@', or NULL */
	char         *key;     /* group[@package] */
	char         *value;   /* option, NULL for null or a bare ~group */
	char        **options; /* a list of options */
	size_t        noptions;
	bool          is_list;
	const char   *text; /* the override as given, for messages */
};

/**
 * Builds the final defaults list of `config_name` with the group overrides
 * applied and composes the tree. With `validating`, a mandatory group left
 * unset is an error (MLOPS_EINVAL); otherwise its choice stays "???".
 * Returns 0, MLOPS_ENOTFOUND, MLOPS_ECONFIG or MLOPS_EINVAL.
 */
int hydra_compose(struct hydra_config **out, struct hydra_repo *repo,
    const char *config_name, const struct hydra_gov *govs, size_t ngovs,
    bool validating, struct mlops_error *err);

/**
 * JSON of a config (see hydra_config_to_json()); with `with_overrides`, an
 * "overrides" array of `ovs` is added. Caller frees.
 */
char *hydra_json_render(const struct hydra_config *cfg, const char *const *ovs,
    size_t n, bool with_overrides);

/** Levenshtein distance (capped inputs; for "did you mean"). */
size_t hydra_edit_distance(const char *a, const char *b);

#endif
