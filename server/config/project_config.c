/*
 * A project's .mlops-config.yaml -> struct project_config: how its jobs are
 * launched (script, overrides, environment, code sync). Pure; runs on
 * whichever thread calls it. YAML helpers live in config.c.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/xmalloc.h>

#include "config.h"
#include "config_impl.h"

#define PROJECT_CONFIG_MAX_ENV 1024

static void project_config_defaults(struct project_config *pc);
static bool project_config_env_name_ok(const char *s);
static int project_config_env(struct project_config *pc, struct config_doc *cd,
    yaml_node_t *map, struct mlops_error *err);
static int project_config_train_script(struct project_config *pc,
    struct config_doc *cd, yaml_node_t *value, struct mlops_error *err);
static int project_config_custom(void *obj, const struct config_field *f,
    struct config_doc *cd, yaml_node_t *value, struct mlops_error *err);

static const struct config_field project_config_fields[] = {
	{ "conda_env", CONFIG_KIND_STRING,
	    offsetof(struct project_config, conda_env) },
	{ "train_script", CONFIG_KIND_CUSTOM,
	    offsetof(struct project_config, train_script) },
	{ "default_overrides", CONFIG_KIND_STRINGS,
	    offsetof(struct project_config, default_overrides) },
	{ "install_editable", CONFIG_KIND_BOOL,
	    offsetof(struct project_config, install_editable) },
	{ "package_name", CONFIG_KIND_IDENT,
	    offsetof(struct project_config, package_name) },
	{ "code_sync", CONFIG_KIND_CUSTOM,
	    offsetof(struct project_config, code_sync) },
	{ "hydra_config_dir", CONFIG_KIND_STRING,
	    offsetof(struct project_config, hydra_config_dir) },
	{ "env", CONFIG_KIND_CUSTOM, offsetof(struct project_config, env) },
};

/* The one place project defaults are set. */
static void
project_config_defaults(struct project_config *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->train_script     = xstrdup("train.py");
	pc->install_editable = false;
	pc->code_sync        = CODE_SYNC_SNAPSHOT;
	pc->hydra_config_dir = xstrdup("conf");
}

/* [A-Za-z_][A-Za-z0-9_]* */
static bool
project_config_env_name_ok(const char *s)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                         "abcdefghijklmnopqrstuvwxyz_"
	                         "0123456789";

	/* ASCII only, whatever the locale; no leading digit. */
	return *s != '\0' && (*s < '0' || *s > '9')
	    && s[strspn(s, ok)] == '\0';
}

static int
project_config_env(struct project_config *pc, struct config_doc *cd,
    yaml_node_t *map, struct mlops_error *err)
{
	yaml_node_pair_t *p;
	char             *name = NULL, *value = NULL;
	int               rc = 0;

	if (map->type != YAML_MAPPING_NODE) {
		return config_node_error(err, cd, map, "env",
		    "expected a mapping of NAME: value, found %s",
		    config_node_kind(map));
	}
	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&cd->cd_doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&cd->cd_doc, p->value);

		if ((rc = config_node_string(&name, cd, k, "env", err)) < 0) {
			goto out;
		}
		if (name == NULL || !project_config_env_name_ok(name)) {
			rc = config_node_error(err, cd, k, "env",
			    "\"%.40s\" is not a valid variable name "
			    "([A-Za-z_][A-Za-z0-9_]*)",
			    name ? name : "");
			goto out;
		}
		for (size_t i = 0; i < pc->n_env; i++) {
			if (strcmp(pc->env[i].name, name) == 0) {
				rc = config_node_error(err, cd, k, "env",
				    "duplicate variable %s", name);
				goto out;
			}
		}
		if (pc->n_env >= PROJECT_CONFIG_MAX_ENV) {
			rc = config_node_error(err, cd, k, "env",
			    "more than %d variables", PROJECT_CONFIG_MAX_ENV);
			goto out;
		}
		if (v->type != YAML_SCALAR_NODE) {
			rc = config_node_error(err, cd, v, "env",
			    "%s: expected a string, found %s", name,
			    config_node_kind(v));
			goto out;
		}
		if (config_node_is_null(v)) {
			value = xstrdup("");
		} else if ((rc = config_node_text(&value, cd, v, "env", err))
		    < 0) {
			goto out;
		}
		if (pc->n_env == 0 || (pc->n_env & (pc->n_env - 1)) == 0) {
			pc->env = xreallocarray(pc->env,
			    pc->n_env ? pc->n_env * 2 : 1, sizeof(*pc->env));
		}
		pc->env[pc->n_env].name  = name;
		pc->env[pc->n_env].value = value;
		pc->n_env++;
		name  = NULL;
		value = NULL;
	}
out:
	free(name);
	free(value);
	return rc;
}

/* A relative path inside the job's code dir: no leading '/' or '-', no
 * ".." component. */
static int
project_config_train_script(struct project_config *pc, struct config_doc *cd,
    yaml_node_t *value, struct mlops_error *err)
{
	char       *s = NULL;
	const char *c;
	int         rc;

	if ((rc = config_node_string(&s, cd, value, "train_script", err))
	    < 0) {
		return rc;
	}
	if (s[0] == '/') {
		rc = config_node_error(err, cd, value, "train_script",
		    "must be a path relative to the project, found \"%.40s\"",
		    s);
		goto out;
	}
	if (s[0] == '-') {
		rc = config_node_error(
		    err, cd, value, "train_script", "must not start with '-'");
		goto out;
	}
	for (c = s; c != NULL; c = strchr(c, '/')) {
		if (*c == '/') {
			c++;
		}
		if (c[0] == '.' && c[1] == '.'
		    && (c[2] == '/' || c[2] == '\0')) {
			rc = config_node_error(err, cd, value, "train_script",
			    "must not contain a \"..\" component");
			goto out;
		}
	}
	free(pc->train_script);
	pc->train_script = s;
	s                = NULL;
	rc               = 0;
out:
	free(s);
	return rc;
}

static int
project_config_custom(void *obj, const struct config_field *f,
    struct config_doc *cd, yaml_node_t *value, struct mlops_error *err)
{
	struct project_config *pc = obj;

	if (strcmp(f->cf_key, "train_script") == 0) {
		return project_config_train_script(pc, cd, value, err);
	}
	if (strcmp(f->cf_key, "env") == 0) {
		return project_config_env(pc, cd, value, err);
	}
	/* code_sync */
	if (config_node_is(value, "snapshot")) {
		pc->code_sync = CODE_SYNC_SNAPSHOT;
	} else if (config_node_is(value, "git")) {
		pc->code_sync = CODE_SYNC_GIT;
	} else if (value->type != YAML_SCALAR_NODE) {
		return config_node_error(err, cd, value, f->cf_key,
		    "expected snapshot or git, found %s",
		    config_node_kind(value));
	} else {
		return config_node_error(err, cd, value, f->cf_key,
		    "expected snapshot or git, found \"%.32s\"",
		    (const char *) value->data.scalar.value);
	}
	return 0;
}

int
project_config_parse(struct project_config **out, const char *name,
    const char *text, size_t len, struct mlops_error *err)
{
	struct project_config *pc = NULL;
	struct config_doc      cd;
	bool                   loaded = false;
	yaml_node_t           *root;
	int                    rc;

	if (name == NULL) {
		name = ".mlops-config.yaml";
	}
	if ((rc = config_doc_load(&cd, name, text, len, err)) < 0) {
		goto out;
	}
	loaded = true;
	pc     = xmalloc(sizeof(*pc));
	project_config_defaults(pc);
	root = config_doc_root(&cd);
	if (root == NULL || config_node_is_null(root)) {
		rc = 0;
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		rc = config_node_error(err, &cd, root, "(top level)",
		    "expected a mapping of keys, found %s",
		    config_node_kind(root));
		goto out;
	}
	rc = config_map_parse(pc, project_config_fields,
	    sizeof(project_config_fields) / sizeof(project_config_fields[0]),
	    project_config_custom, &cd, root, "", &pc->warnings, err);
out:
	if (loaded) {
		config_doc_fini(&cd);
	}
	if (rc < 0) {
		project_config_free(pc);
		return rc;
	}
	*out = pc;
	return 0;
}

int
project_config_load(
    struct project_config **out, const char *path, struct mlops_error *err)
{
	char  *text = NULL;
	size_t len  = 0;
	int    rc;

	rc = config_read_file(&text, &len, path, err);
	if (rc == MLOPS_ENOTFOUND) {
		/* No file: the project uses the defaults. */
		mlops_error_clear(err);
		return project_config_parse(out, path, "", 0, err);
	}
	if (rc < 0) {
		return rc;
	}
	rc = project_config_parse(out, path, text, len, err);
	free(text);
	return rc;
}

void
project_config_free(struct project_config *pc)
{
	if (pc == NULL) {
		return;
	}
	free(pc->conda_env);
	free(pc->train_script);
	strlist_fini(&pc->default_overrides);
	free(pc->package_name);
	free(pc->hydra_config_dir);
	for (size_t i = 0; i < pc->n_env; i++) {
		free(pc->env[i].name);
		free(pc->env[i].value);
	}
	free(pc->env);
	strlist_fini(&pc->warnings);
	free(pc);
}
