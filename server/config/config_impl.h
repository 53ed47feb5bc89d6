/*
 * Internals shared by config.c (clusters.yaml) and project_config.c
 * (.mlops-config.yaml): loading a libyaml document, reading typed values
 * out of its nodes, and reporting "file:line:column: key: what".
 */
#ifndef MLOPS_SERVER_CONFIG_IMPL_H
#define MLOPS_SERVER_CONFIG_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include <mlops/error.h>

#include "config.h"

#define CONFIG_MAX_FILE_SIZE (1024u * 1024u) /* bytes read from a file */
#define CONFIG_MAX_SECONDS   604800u         /* one week */

/* One loaded YAML document and the name it is reported under. */
struct config_doc {
	yaml_document_t cd_doc;
	const char     *cd_name;
	bool            cd_loaded;
	size_t          cd_budget; /* bytes still allowed to be copied out */
};

/* How config_map_parse() reads a value into the target struct. */
enum config_kind {
	CONFIG_KIND_STRING,  /* one line of text, no control characters */
	CONFIG_KIND_PATH,    /* a string with a leading ~ expanded */
	CONFIG_KIND_IDENT,   /* [A-Za-z0-9._-]+, not starting with '-' */
	CONFIG_KIND_STRINGS, /* list of strings; a scalar is one item */
	CONFIG_KIND_IDENTS,  /* list of idents; a scalar is one item */
	CONFIG_KIND_LINES,   /* list of lines; scalars are split at '\n' */
	CONFIG_KIND_BOOL,    /* true/false/yes/no/on/off */
	CONFIG_KIND_SECONDS, /* whole seconds, 1..CONFIG_MAX_SECONDS */
	CONFIG_KIND_PORT,    /* 1..65535 */
	CONFIG_KIND_CUSTOM,  /* read by the caller's callback */
};

/* One known key: where its value goes (offset into the target struct). */
struct config_field {
	const char      *cf_key;
	enum config_kind cf_kind;
	size_t           cf_offset;
};

/* Reads a CONFIG_KIND_CUSTOM value into `obj`. Returns 0 or MLOPS_ECONFIG. */
typedef int (*config_custom_cb)(void *obj, const struct config_field *f,
    struct config_doc *cd, yaml_node_t *value, struct mlops_error *err);

/**
 * Reads a whole file into a NUL-terminated buffer the caller frees.
 * Returns 0, MLOPS_ENOTFOUND (no such file; err is set too), MLOPS_ECONFIG
 * (larger than CONFIG_MAX_FILE_SIZE) or MLOPS_EIO.
 */
int config_read_file(
    char **out, size_t *len, const char *path, struct mlops_error *err);

/**
 * Parses the single YAML document in `text`. `name` is borrowed for the
 * life of `cd`. On success the caller calls config_doc_fini(); on failure
 * `cd` needs no cleanup. Returns 0 or MLOPS_ECONFIG (syntax error, with
 * libyaml's line and column, or more than one document).
 */
int  config_doc_load(struct config_doc *cd, const char *name, const char *text,
     size_t len, struct mlops_error *err);
void config_doc_fini(struct config_doc *cd);

/** The root node, or NULL for an empty document. */
yaml_node_t *config_doc_root(struct config_doc *cd);

/** True for a plain empty, "~" or "null" scalar. */
bool config_node_is_null(const yaml_node_t *node);

/** True if `node` is a scalar whose text is exactly `s`. */
bool config_node_is(const yaml_node_t *node, const char *s);

/** The value for `key` in mapping `map`, or NULL. */
yaml_node_t *config_map_find(
    struct config_doc *cd, const yaml_node_t *map, const char *key);

/**
 * Sets `err` to MLOPS_ECONFIG with "name:line:col: key: what" at `node`
 * (1-based) and err->field to `key`. Returns MLOPS_ECONFIG.
 */
int config_node_error(struct mlops_error *err, const struct config_doc *cd,
    const yaml_node_t *node, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/** Appends "name:line:col: what" at `node` to `warnings`. */
void config_node_warn(struct strlist *warnings, const struct config_doc *cd,
    const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** "a string", "a list" or "a mapping", for messages. */
const char *config_node_kind(const yaml_node_t *node);

/**
 * Copies a scalar that must be one line of text. A null scalar yields
 * *out = NULL. Returns 0 or MLOPS_ECONFIG (not a scalar, empty, control
 * characters). Caller frees *out.
 */
int config_node_string(char **out, struct config_doc *cd, yaml_node_t *node,
    const char *key, struct mlops_error *err);

/**
 * Copies a scalar of any text (newlines and tabs allowed). Caller frees.
 * Returns 0 or MLOPS_ECONFIG.
 */
int config_node_text(char **out, struct config_doc *cd, yaml_node_t *node,
    const char *key, struct mlops_error *err);

/** True if `s` is [A-Za-z0-9._-]+ and does not start with '-'. */
bool config_is_ident(const char *s);

/**
 * Reads mapping `map` into `obj` following `fields`. Unknown keys become
 * warnings ("... unknown key 'k'<where>"); a duplicate known key or a
 * non-scalar key is an error; a null value leaves the field as it is.
 * Returns 0 or MLOPS_ECONFIG.
 */
int config_map_parse(void *obj, const struct config_field *fields,
    size_t n_fields, config_custom_cb custom, struct config_doc *cd,
    yaml_node_t *map, const char *where, struct strlist *warnings,
    struct mlops_error *err);

/** True for the blank characters YAML scalars are trimmed of. */
bool config_is_space(char c);

/** True when `n` is a power of two (growth of sequence buffers). */
bool config_is_pow2(size_t n);

#endif
