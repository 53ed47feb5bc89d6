/*
 * struct project_config -> JSON text for the store. Pure.
 */
#include <json-c/json.h>

#include <mlops/xmalloc.h>

#include "project_json.h"

static json_object *
project_json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *
project_json_array(const struct strlist *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		json_object_array_add(a, json_object_new_string(l->v[i]));
	}
	return a;
}

static char *
project_json_finish(json_object *o)
{
	char *s = xstrdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return s;
}

char *
project_json_strlist(const struct strlist *l)
{
	return project_json_finish(project_json_array(l));
}

char *
project_json_from_config(const struct project_config *pc, bool file_present)
{
	json_object *o   = json_object_new_object();
	json_object *env = json_object_new_object();

	json_object_object_add(
	    o, "file_present", json_object_new_boolean(file_present));
	json_object_object_add(
	    o, "conda_env", project_json_str(pc->conda_env));
	json_object_object_add(
	    o, "train_script", project_json_str(pc->train_script));
	json_object_object_add(o, "default_overrides",
	    project_json_array(&pc->default_overrides));
	json_object_object_add(o, "install_editable",
	    json_object_new_boolean(pc->install_editable));
	json_object_object_add(
	    o, "package_name", project_json_str(pc->package_name));
	json_object_object_add(o, "code_sync",
	    json_object_new_string(
	        pc->code_sync == CODE_SYNC_GIT ? "git" : "snapshot"));
	json_object_object_add(
	    o, "hydra_config_dir", project_json_str(pc->hydra_config_dir));
	for (size_t i = 0; i < pc->n_env; i++) {
		json_object_object_add(env, pc->env[i].name,
		    json_object_new_string(pc->env[i].value));
	}
	json_object_object_add(o, "env", env);
	return project_json_finish(o);
}
