/*
 * The Hydra check of a launch: load the project's config directory once,
 * then validate each task's overrides, the project's default_overrides
 * first, exactly in the order the job script hands them to Hydra.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include <mlops/xmalloc.h>

#include "config.h"
#include "hydra.h"
#include "launch_hydra.h"

struct launch_hydra {
	struct hydra_config *lh_cfg;
	char                *lh_dir;
	char               **lh_defaults; /* the project's default_overrides */
	size_t               lh_ndefaults;
};

static char *launch_hydra_resolved_json(const struct hydra_resolved *res);

int
launch_hydra_open(struct launch_hydra **out, const char *project_root,
    const struct project_config *pc, const char *config_name,
    struct mlops_error *err)
{
	const char *rel
	    = pc && pc->hydra_config_dir && pc->hydra_config_dir[0] != '\0'
	    ? pc->hydra_config_dir
	    : "conf";
	struct launch_hydra *h;
	struct stat          sb;
	char                *dir;
	int                  rc;

	*out = NULL;
	dir  = rel[0] == '/' ? xstrdup(rel)
	                     : xasprintf("%s/%s", project_root, rel);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		/* No Hydra config: nothing to check (ENOENT, ENOTDIR, ...). */
		free(dir);
		return 0;
	}
	h         = xcalloc(1, sizeof(*h));
	h->lh_dir = dir;
	rc        = hydra_load(&h->lh_cfg, dir,
            config_name && config_name[0] != '\0' ? config_name : NULL, err);
	if (rc < 0) {
		mlops_error_field(err,
		    rc == MLOPS_ENOTFOUND ? "config_name"
		                          : "hydra_config_dir");
		launch_hydra_free(h);
		return rc;
	}
	if (pc != NULL && pc->default_overrides.n > 0) {
		h->lh_ndefaults = pc->default_overrides.n;
		h->lh_defaults  = xcalloc(h->lh_ndefaults, sizeof(char *));
		for (size_t i = 0; i < h->lh_ndefaults; i++) {
			h->lh_defaults[i]
			    = xstrdup(pc->default_overrides.v[i]);
		}
	}
	*out = h;
	return 0;
}

/* The normalized overrides as a JSON array of strings. Caller frees. */
static char *
launch_hydra_resolved_json(const struct hydra_resolved *res)
{
	json_object *a = json_object_new_array();
	char        *s;

	for (size_t i = 0; i < hydra_resolved_noverrides(res); i++) {
		json_object_array_add(a,
		    json_object_new_string(hydra_resolved_override(res, i)));
	}
	s = xstrdup(json_object_to_json_string_ext(
	    a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
	return s;
}

int
launch_hydra_check(struct launch_hydra *h, const char *const *ov, size_t n,
    char **resolved_json, char **config_json, struct mlops_error *err)
{
	struct hydra_resolved *res = NULL;
	const char           **all;
	size_t                 nall = h->lh_ndefaults + n;
	int                    rc;

	all = xcalloc(nall + 1, sizeof(*all));
	for (size_t i = 0; i < h->lh_ndefaults; i++) {
		all[i] = h->lh_defaults[i];
	}
	for (size_t i = 0; i < n; i++) {
		all[h->lh_ndefaults + i] = ov[i];
	}
	rc = hydra_validate_overrides(&res, h->lh_cfg, all, nall, err);
	free(all);
	if (rc < 0) {
		if (rc != MLOPS_EINVAL) {
			mlops_error_field(err, "hydra_config_dir");
		}
		return rc;
	}
	if (resolved_json != NULL) {
		*resolved_json = launch_hydra_resolved_json(res);
	}
	if (config_json != NULL) {
		*config_json = hydra_resolved_to_json(res);
	}
	hydra_resolved_free(res);
	return 0;
}

const struct hydra_config *
launch_hydra_config(const struct launch_hydra *h)
{
	return h->lh_cfg;
}

const char *
launch_hydra_dir(const struct launch_hydra *h)
{
	return h->lh_dir;
}

char **
launch_hydra_strv(const char *json, size_t *n)
{
	json_object *a = json ? json_tokener_parse(json) : NULL;
	char       **v = NULL;
	size_t       len;

	*n = 0;
	if (a != NULL && json_object_is_type(a, json_type_array)
	    && (len = json_object_array_length(a)) > 0) {
		v = xcalloc(len + 1, sizeof(*v));
		for (size_t i = 0; i < len; i++) {
			v[i] = xstrdup(json_object_get_string(
			    json_object_array_get_idx(a, i)));
		}
		*n = len;
	}
	json_object_put(a);
	return v;
}

void
launch_hydra_strv_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++) {
		free(v[i]);
	}
	free(v);
}

void
launch_hydra_free(struct launch_hydra *h)
{
	if (h == NULL) {
		return;
	}
	hydra_config_free(h->lh_cfg);
	free(h->lh_dir);
	for (size_t i = 0; i < h->lh_ndefaults; i++) {
		free(h->lh_defaults[i]);
	}
	free(h->lh_defaults);
	free(h);
}
