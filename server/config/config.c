/*
 * clusters.yaml -> struct mlops_config, with its defaults filled in one
 * place. The YAML layer it shares with project_config.c is config_yaml.c.
 * Pure; runs on whichever thread calls it.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mlops/xmalloc.h>

#include "config.h"
#include "config_impl.h"

#define CONFIG_BUDGET       (16u * 1024u * 1024u) /* bytes copied per document */
#define CONFIG_MAX_CLUSTERS 1024
#define CONFIG_NAME_MAX     64

static void config_cluster_defaults(struct cluster_config *cc);
static void config_cluster_fini(struct cluster_config *cc);
static int  config_cluster_name(char **out, struct config_doc *cd,
     yaml_node_t *node, struct mlops_error *err);
static int  config_cluster_host(struct cluster_config *cc,
     struct config_doc *cd, yaml_node_t *node, struct mlops_error *err);
static int  config_cluster_custom(void *obj, const struct config_field *f,
     struct config_doc *cd, yaml_node_t *value, struct mlops_error *err);
static int  config_cluster_parse(struct mlops_config *cfg,
     struct config_doc *cd, yaml_node_t *map, yaml_node_t *key,
     struct mlops_error *err);
static int  config_clusters_custom(void *obj, const struct config_field *f,
     struct config_doc *cd, yaml_node_t *value, struct mlops_error *err);

/* ---- clusters.yaml ---- */

static const struct config_field config_cluster_fields[] = {
	{ "name", CONFIG_KIND_CUSTOM, offsetof(struct cluster_config, name) },
	{ "host", CONFIG_KIND_CUSTOM, offsetof(struct cluster_config, host) },
	{ "port", CONFIG_KIND_PORT, offsetof(struct cluster_config, port) },
	{ "ssh_key_path", CONFIG_KIND_PATH,
	    offsetof(struct cluster_config, ssh_key_path) },
	{ "known_hosts", CONFIG_KIND_PATH,
	    offsetof(struct cluster_config, known_hosts) },
	{ "workspace", CONFIG_KIND_STRING,
	    offsetof(struct cluster_config, workspace) },
	{ "allowed_partitions", CONFIG_KIND_IDENTS,
	    offsetof(struct cluster_config, allowed_partitions) },
	{ "allowed_gpu_types", CONFIG_KIND_IDENTS,
	    offsetof(struct cluster_config, allowed_gpu_types) },
	{ "gpu_request_style", CONFIG_KIND_CUSTOM,
	    offsetof(struct cluster_config, gpu_request_style) },
	{ "conda_env", CONFIG_KIND_STRING,
	    offsetof(struct cluster_config, conda_env) },
	{ "use_login_shell", CONFIG_KIND_BOOL,
	    offsetof(struct cluster_config, use_login_shell) },
	{ "account", CONFIG_KIND_IDENT,
	    offsetof(struct cluster_config, account) },
	{ "qos", CONFIG_KIND_IDENT, offsetof(struct cluster_config, qos) },
	{ "setup", CONFIG_KIND_LINES, offsetof(struct cluster_config, setup) },
	{ "sbatch_template", CONFIG_KIND_PATH,
	    offsetof(struct cluster_config, sbatch_template) },
	{ "poll_interval", CONFIG_KIND_SECONDS,
	    offsetof(struct cluster_config, poll_interval) },
	{ "gpu_cache_ttl", CONFIG_KIND_SECONDS,
	    offsetof(struct cluster_config, gpu_cache_ttl) },
};

static const struct config_field config_top_fields[] = {
	{ "clusters", CONFIG_KIND_CUSTOM, 0 },
};

/* The one place cluster defaults are set. */
static void
config_cluster_defaults(struct cluster_config *cc)
{
	memset(cc, 0, sizeof(*cc));
	cc->port              = 0; /* ssh config, else 22 */
	cc->gpu_request_style = GPU_REQUEST_GRES;
	cc->use_login_shell   = false;
	cc->poll_interval     = CONFIG_DEFAULT_POLL_INTERVAL;
	cc->gpu_cache_ttl     = CONFIG_DEFAULT_GPU_CACHE_TTL;
}

static void
config_cluster_fini(struct cluster_config *cc)
{
	free(cc->name);
	free(cc->host);
	free(cc->user);
	free(cc->hostname);
	free(cc->ssh_key_path);
	free(cc->known_hosts);
	free(cc->workspace);
	strlist_fini(&cc->allowed_partitions);
	strlist_fini(&cc->allowed_gpu_types);
	free(cc->conda_env);
	free(cc->account);
	free(cc->qos);
	strlist_fini(&cc->setup);
	free(cc->sbatch_template);
}

static int
config_cluster_name(char **out, struct config_doc *cd, yaml_node_t *node,
    struct mlops_error *err)
{
	char *s = NULL;
	int   rc;

	if (config_node_is_null(node)) {
		return config_node_error(
		    err, cd, node, "name", "a cluster name must not be empty");
	}
	if ((rc = config_node_string(&s, cd, node, "name", err)) < 0) {
		return rc;
	}
	if (strlen(s) > CONFIG_NAME_MAX || !config_is_ident(s)
	    || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
		rc = config_node_error(err, cd, node, "name",
		    "\"%.40s\" is not a valid cluster name (1-%d letters, "
		    "digits, '.', '_', '-'; not starting with '-')",
		    s, CONFIG_NAME_MAX);
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* "user@host" or an ssh config alias; the user is split off at the last
 * '@', as ssh(1) does. */
static int
config_cluster_host(struct cluster_config *cc, struct config_doc *cd,
    yaml_node_t *node, struct mlops_error *err)
{
	char       *s = NULL;
	const char *at;
	int         rc;

	if ((rc = config_node_string(&s, cd, node, "host", err)) < 0) {
		goto out;
	}
	for (const char *p = s; *p; p++) {
		if (config_is_space(*p)) {
			rc = config_node_error(
			    err, cd, node, "host", "must not contain spaces");
			goto out;
		}
	}
	at = strrchr(s, '@');
	if (at == s || (at != NULL && at[1] == '\0')) {
		rc = config_node_error(err, cd, node, "host",
		    "expected user@host or an ssh alias, found \"%.40s\"", s);
		goto out;
	}
	if (s[0] == '-' || (at != NULL && at[1] == '-')) {
		rc = config_node_error(
		    err, cd, node, "host", "must not start with '-'");
		goto out;
	}
	cc->user     = at != NULL ? xstrndup(s, (size_t) (at - s)) : NULL;
	cc->hostname = xstrdup(at != NULL ? at + 1 : s);
	cc->host     = s;
	s            = NULL;
out:
	free(s);
	return rc;
}

static int
config_cluster_custom(void *obj, const struct config_field *f,
    struct config_doc *cd, yaml_node_t *value, struct mlops_error *err)
{
	struct cluster_config *cc = obj;
	char                  *s  = NULL;
	int                    rc;

	if (strcmp(f->cf_key, "name") == 0) {
		if ((rc = config_cluster_name(&s, cd, value, err)) < 0) {
			return rc;
		}
		if (cc->name != NULL && strcmp(cc->name, s) != 0) {
			/* Map form: the key already named the cluster. */
			rc = config_node_error(err, cd, value, "name",
			    "\"%s\" differs from the cluster's key \"%s\"", s,
			    cc->name);
			free(s);
			return rc;
		}
		free(cc->name);
		cc->name = s;
		return 0;
	}
	if (strcmp(f->cf_key, "host") == 0) {
		return config_cluster_host(cc, cd, value, err);
	}
	/* gpu_request_style */
	if (config_node_is(value, "gres")) {
		cc->gpu_request_style = GPU_REQUEST_GRES;
	} else if (config_node_is(value, "constraint")) {
		cc->gpu_request_style = GPU_REQUEST_CONSTRAINT;
	} else if (value->type != YAML_SCALAR_NODE) {
		return config_node_error(err, cd, value, f->cf_key,
		    "expected gres or constraint, found %s",
		    config_node_kind(value));
	} else {
		return config_node_error(err, cd, value, f->cf_key,
		    "expected gres or constraint, found \"%.32s\"",
		    (const char *) value->data.scalar.value);
	}
	return 0;
}

/* Parses one cluster: `map` holds its fields; `key` is the name node in
 * the map form, NULL in the list form. */
static int
config_cluster_parse(struct mlops_config *cfg, struct config_doc *cd,
    yaml_node_t *map, yaml_node_t *key, struct mlops_error *err)
{
	struct cluster_config cc;
	yaml_node_t          *at = key != NULL ? key : map;
	yaml_node_t          *name_node;
	char                 *where = NULL;
	const char           *missing;
	int                   rc;

	config_cluster_defaults(&cc);
	cc.line   = (int) at->start_mark.line + 1;
	cc.column = (int) at->start_mark.column + 1;
	if (map->type != YAML_MAPPING_NODE) {
		rc = config_node_error(err, cd, map, "clusters",
		    "a cluster must be a mapping of keys, found %s",
		    config_node_kind(map));
		goto out;
	}
	if (cfg->n_clusters >= CONFIG_MAX_CLUSTERS) {
		rc = config_node_error(err, cd, at, "clusters",
		    "more than %d clusters", CONFIG_MAX_CLUSTERS);
		goto out;
	}
	name_node = key != NULL ? key : config_map_find(cd, map, "name");
	if (key != NULL
	    && (rc = config_cluster_name(&cc.name, cd, key, err)) < 0) {
		goto out;
	}
	if (name_node != NULL && name_node->type == YAML_SCALAR_NODE
	    && !config_node_is_null(name_node)) {
		where = xasprintf(" in cluster '%.64s'",
		    (const char *) name_node->data.scalar.value);
	} else {
		where = xasprintf(" in the cluster at line %d", cc.line);
	}
	rc = config_map_parse(&cc, config_cluster_fields,
	    sizeof(config_cluster_fields) / sizeof(config_cluster_fields[0]),
	    config_cluster_custom, cd, map, where, &cfg->warnings, err);
	if (rc < 0) {
		goto out;
	}
	missing = cc.name == NULL  ? "name"
	    : cc.host == NULL      ? "host"
	    : cc.workspace == NULL ? "workspace"
	                           : NULL;
	if (missing != NULL) {
		rc = config_node_error(
		    err, cd, at, missing, "required key missing%s", where);
		goto out;
	}
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		if (strcmp(cfg->clusters[i].name, cc.name) == 0) {
			rc = config_node_error(err, cd, name_node, "name",
			    "duplicate cluster name '%s' (first at line %d)",
			    cc.name, cfg->clusters[i].line);
			goto out;
		}
	}
	if (cfg->n_clusters == 0 || config_is_pow2(cfg->n_clusters)) {
		cfg->clusters = xreallocarray(cfg->clusters,
		    cfg->n_clusters ? cfg->n_clusters * 2 : 1,
		    sizeof(*cfg->clusters));
	}
	cfg->clusters[cfg->n_clusters++] = cc;
	memset(&cc, 0, sizeof(cc));
	rc = 0;
out:
	config_cluster_fini(&cc);
	free(where);
	return rc;
}

/* The value of the top-level "clusters" key: a list of mappings, each with
 * a name, or a mapping from name to fields. */
static int
config_clusters_custom(void *obj, const struct config_field *f,
    struct config_doc *cd, yaml_node_t *value, struct mlops_error *err)
{
	struct mlops_config *cfg = obj;
	int                  rc  = 0;

	(void) f;
	switch (value->type) {
	case YAML_SEQUENCE_NODE:
		for (yaml_node_item_t *it = value->data.sequence.items.start;
		     rc == 0 && it < value->data.sequence.items.top; it++) {
			rc = config_cluster_parse(cfg, cd,
			    yaml_document_get_node(&cd->cd_doc, *it), NULL,
			    err);
		}
		return rc;
	case YAML_MAPPING_NODE:
		for (yaml_node_pair_t *p = value->data.mapping.pairs.start;
		     rc == 0 && p < value->data.mapping.pairs.top; p++) {
			rc = config_cluster_parse(cfg, cd,
			    yaml_document_get_node(&cd->cd_doc, p->value),
			    yaml_document_get_node(&cd->cd_doc, p->key), err);
		}
		return rc;
	default:
		return config_node_error(err, cd, value, "clusters",
		    "expected a list or a mapping of clusters, found %s",
		    config_node_kind(value));
	}
}

int
config_parse(struct mlops_config **out, const char *name, const char *text,
    size_t len, struct mlops_error *err)
{
	struct mlops_config *cfg = NULL;
	struct config_doc    cd;
	bool                 loaded = false;
	yaml_node_t         *root;
	int                  rc;

	if (name == NULL) {
		name = "clusters.yaml";
	}
	if ((rc = config_doc_load(&cd, name, text, len, err)) < 0) {
		goto out;
	}
	loaded    = true;
	cfg       = xcalloc(1, sizeof(*cfg));
	cfg->path = xstrdup(name);
	root      = config_doc_root(&cd);
	if (root == NULL || config_node_is_null(root)) {
		rc = 0; /* an empty file: no clusters yet */
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		rc = config_node_error(err, &cd, root, "clusters",
		    "the file must be a mapping with a 'clusters' key, "
		    "found %s",
		    config_node_kind(root));
		goto out;
	}
	rc = config_map_parse(cfg, config_top_fields,
	    sizeof(config_top_fields) / sizeof(config_top_fields[0]),
	    config_clusters_custom, &cd, root, "", &cfg->warnings, err);
out:
	if (loaded) {
		config_doc_fini(&cd);
	}
	if (rc < 0) {
		config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

int
config_load(
    struct mlops_config **out, const char *path, struct mlops_error *err)
{
	char  *text = NULL;
	size_t len  = 0;
	int    rc;

	rc = config_read_file(&text, &len, path, err);
	if (rc == MLOPS_ENOTFOUND) {
		/* A daemon with no clusters configured yet. */
		mlops_error_clear(err);
		*out = xcalloc(1, sizeof(**out));
		return 0;
	}
	if (rc < 0) {
		return rc;
	}
	rc = config_parse(out, path, text, len, err);
	free(text);
	return rc;
}

void
config_free(struct mlops_config *cfg)
{
	if (cfg == NULL) {
		return;
	}
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		config_cluster_fini(&cfg->clusters[i]);
	}
	free(cfg->clusters);
	strlist_fini(&cfg->warnings);
	free(cfg->path);
	free(cfg);
}

const struct cluster_config *
config_cluster_find(const struct mlops_config *cfg, const char *name)
{
	if (cfg == NULL || name == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < cfg->n_clusters; i++) {
		if (strcmp(cfg->clusters[i].name, name) == 0) {
			return &cfg->clusters[i];
		}
	}
	return NULL;
}
