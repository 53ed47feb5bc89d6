/*
 * A project's Hydra config directory as Mission Control understands it: the
 * config files (YAML, read with libyaml), the defaults list composed the way
 * Hydra 1.3 composes it, the config groups and their options, and the
 * command-line overrides checked against the result. Hydra's override and
 * multirun syntax itself, which the desktop app shares, is the common
 * library's <mlops/hydra_syntax.h>, included here.
 *
 * Pure: only hydra_load() touches the file system (it reads the whole
 * directory once); everything else works on memory and never prints. Objects
 * are immutable once returned, so they may be read from any thread.
 */
#ifndef MLOPS_SERVER_HYDRA_H
#define MLOPS_SERVER_HYDRA_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/error.h>
#include <mlops/hydra_syntax.h>

/** Where the tree of a node is. */
enum hydra_node_kind {
	HYDRA_NODE_MAP,
	HYDRA_NODE_LIST,
	HYDRA_NODE_SCALAR,
};

/**
 * One value of a config tree. Read-only for users of this module; owned by
 * the struct hydra_config it was reached from.
 */
struct hydra_node {
	enum hydra_node_kind kind;
	enum hydra_type      type; /* HYDRA_TYPE_NONE for maps and lists */
	char                *key;  /* name in the parent map, else NULL */
	char *value; /* scalar text (quotes removed), else NULL */
	char *file; /* source, relative to the config dir ("model/small.yaml"),
	               or "<override>" for a value given on the command line */
	unsigned            line; /* 1-based; for an override, its index + 1 */
	unsigned            column; /* 1-based; 0 for an override */
	struct hydra_node **items;  /* map members in order, or list items */
	size_t              nitems;
};

/**
 * The choice made for one config group entry of the final defaults list
 * (Hydra's hydra.runtime.choices). `- g: [a, b]` gives one choice per
 * option, each with the entry's key.
 */
struct hydra_choice {
	char *key;    /* override key: "model", "db@backup", "model/encoder" */
	char *group;  /* config group path: "db", "model/encoder" */
	char *option; /* chosen option; NULL for "null"; "???" when unset */
	char *package; /* where the option's content lands ("" = top level) */
	bool  optional;
	bool  loaded; /* false: null, ???, an absent optional option, or one
	                 of Hydra's own groups (hydra/...) we cannot see */
};

/** A config group: a sub-directory of the config dir and its options. */
struct hydra_group {
	char  *name;    /* "model", "model/encoder" */
	char **options; /* sorted option names (file names without .yaml) */
	size_t noptions;
};

/** One entry of the final defaults list, in composition order. */
struct hydra_default {
	char *config_path; /* "model/small" (no extension) */
	char *package;     /* "" = top level */
	char *parent;      /* config whose defaults list named it, or NULL */
	bool  is_self;     /* the parent's own content (_self_) */
	bool  primary;     /* the primary config itself */
};

struct hydra_config;   /* a composed config and the repository behind it */
struct hydra_resolved; /* a config after validated overrides */

/**
 * Reads every *.yaml under `config_dir` (the sub-directories are the config
 * groups), then composes `config_name` (NULL means "config"; a ".yaml"
 * suffix is allowed) with its defaults list as Hydra 1.3 does, without
 * overrides. Mandatory group choices (`- db: ???`) are left unset here.
 * Files that fail to parse are reported only when the composition uses
 * them, like Hydra.
 *
 * On success *out is set; the caller frees it with hydra_config_free().
 * Returns 0, MLOPS_ENOTFOUND (no such directory, or no such primary config;
 * the message names the path), MLOPS_ECONFIG ("file:line:column: ..." for
 * YAML and defaults-list problems) or MLOPS_EIO.
 */
int hydra_load(struct hydra_config **out, const char *config_dir,
    const char *config_name, struct mlops_error *err);

/** Frees a config from hydra_load(); NULL is a no-op. */
void hydra_config_free(struct hydra_config *cfg);

/** The composed tree (a map; the `hydra` node is not part of it). */
const struct hydra_node *hydra_config_root(const struct hydra_config *cfg);

/** The primary config's name ("config"). Borrowed. */
const char *hydra_config_name(const struct hydra_config *cfg);

/** Group choices in defaults-list order. Borrowed. */
size_t hydra_config_nchoices(const struct hydra_config *cfg);
const struct hydra_choice *hydra_config_choice(
    const struct hydra_config *cfg, size_t i);
/** The choice for an override key ("db@backup"), or NULL. */
const struct hydra_choice *hydra_config_choice_find(
    const struct hydra_config *cfg, const char *key);

/** All config groups of the directory, sorted by name. Borrowed. */
size_t                    hydra_config_ngroups(const struct hydra_config *cfg);
const struct hydra_group *hydra_config_group(
    const struct hydra_config *cfg, size_t i);
/** The group named `name` ("model/encoder"), or NULL. */
const struct hydra_group *hydra_config_group_find(
    const struct hydra_config *cfg, const char *name);

/** The final defaults list, in composition order. Borrowed. */
size_t hydra_config_ndefaults(const struct hydra_config *cfg);
const struct hydra_default *hydra_config_default(
    const struct hydra_config *cfg, size_t i);

/**
 * The node at a dotted path ("trainer.max_epochs", "layers.0" for a list
 * item) under `root`, or NULL.
 */
const struct hydra_node *hydra_node_find(
    const struct hydra_node *root, const char *path);

/** "int", "float", "bool", "null", "string", "interpolation", "missing";
 * "map"/"list" for HYDRA_TYPE_NONE. Static. */
const char *hydra_type_name(enum hydra_type type);

/**
 * JSON for `mlops project config --json` and for storing with a job:
 * {"config_name", "config": plain composed values, "schema": [{"key",
 * "type", "value", "file", "line"}...] for every leaf, "choices": {key:
 * option|null|[options] for `- g: [a, b]`}, "groups": {group: [options]},
 * "defaults": [{"config_path",
 * "package", "parent", "is_self"}]}. Caller frees.
 */
char *hydra_config_to_json(const struct hydra_config *cfg);

/**
 * Checks `overrides` (Hydra's override syntax, one per element, as the
 * shell delivered them) against `cfg` and composes the result:
 * `key=value` (the key must exist and the value fit its type), `+key=value`
 * (must not exist), `++key=value`, `~key[=value]`, `group=option` (an
 * existing option; the group must be in the defaults list), `+group=option`,
 * `~group[=option]`, `group@pkg=option`. Values may be lists, dicts, quoted
 * strings and interpolations; sweeps are refused (see hydra_sweep_expand()
 * in <mlops/hydra_syntax.h>).
 * Keys under `hydra.` / `hydra/` (Hydra's own config) pass unchecked. Every
 * `???` left in the result, and every mandatory group choice, must have been
 * given.
 *
 * On success *out holds the normalized override list and the composed
 * config; the caller frees it with hydra_resolved_free(). `cfg` is not
 * changed and may be freed before *out. Returns 0, MLOPS_EINVAL (err->field
 * "overrides", message "overrides: <override>: <why>") or MLOPS_ECONFIG (a
 * config file the new choices pulled in is broken).
 */
int hydra_validate_overrides(struct hydra_resolved **out,
    const struct hydra_config *cfg, const char *const *overrides, size_t n,
    struct mlops_error *err);

/** Frees a result of hydra_validate_overrides(); NULL is a no-op. */
void hydra_resolved_free(struct hydra_resolved *res);

/** The composed config after the overrides. Borrowed from `res`. */
const struct hydra_config *hydra_resolved_config(
    const struct hydra_resolved *res);

/** The normalized overrides ("+trainer.seed=3"), in input order. */
size_t      hydra_resolved_noverrides(const struct hydra_resolved *res);
const char *hydra_resolved_override(
    const struct hydra_resolved *res, size_t i);

/**
 * hydra_config_to_json() of the result, plus "overrides": [...].
 * Caller frees.
 */
char *hydra_resolved_to_json(const struct hydra_resolved *res);

#endif
