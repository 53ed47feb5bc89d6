/*
 * A launch's Hydra check: the project's config directory loaded once per
 * launch (or per project_config request), then each task's overrides
 * checked against it before anything touches a cluster. The project's
 * default_overrides (.mlops-config.yaml) come first, as the job script
 * passes them first. Reads files only in launch_hydra_open().
 */
#ifndef MLOPS_SERVER_LAUNCH_HYDRA_H
#define MLOPS_SERVER_LAUNCH_HYDRA_H

#include <stddef.h>

#include <mlops/error.h>

struct project_config;
struct hydra_config;

/** A project's Hydra config, loaded once per launch. */
struct launch_hydra;

/**
 * Loads <project_root>/<pc->hydra_config_dir> (default "conf"; an absolute
 * path is used as is) composed as `config_name` (NULL/"" = "config").
 * *out = NULL (and 0 returned) when the project has no such directory:
 * there is nothing to validate. Errors: MLOPS_ENOTFOUND field
 * "config_name" (no such primary config), MLOPS_ECONFIG field
 * "hydra_config_dir" ("file:line:column: ..."), MLOPS_EIO.
 */
int launch_hydra_open(struct launch_hydra **out, const char *project_root,
    const struct project_config *pc, const char *config_name,
    struct mlops_error *err);

/**
 * Validates one task's overrides (after the project's default_overrides).
 * On success returns 0 and, when non-NULL, sets *resolved_json (a JSON
 * array of the normalized overrides) and *config_json (the composed config,
 * hydra_resolved_to_json()); the caller frees both. Errors: MLOPS_EINVAL
 * field "overrides", the message naming the override and suggesting the
 * closest existing key; MLOPS_ECONFIG field "hydra_config_dir" when an
 * option the overrides chose is a broken file.
 */
int launch_hydra_check(struct launch_hydra *h, const char *const *ov, size_t n,
    char **resolved_json, char **config_json, struct mlops_error *err);

/** The config without overrides. Borrowed from `h`. */
const struct hydra_config *launch_hydra_config(const struct launch_hydra *h);

/** The config directory as read (absolute). Borrowed from `h`. */
const char *launch_hydra_dir(const struct launch_hydra *h);

/**
 * The strings of a JSON array such as *resolved_json, as a NULL-terminated
 * array of *n strings (for struct store_job's resolved_overrides); NULL
 * with *n = 0 when it is empty or not an array. Free with
 * launch_hydra_strv_free().
 */
char **launch_hydra_strv(const char *json, size_t *n);
void   launch_hydra_strv_free(char **v);

/** Frees `h`; NULL is a no-op. */
void launch_hydra_free(struct launch_hydra *h);

#endif
