/*
 * Configuration files: the daemon's clusters.yaml and a project's
 * .mlops-config.yaml, parsed with libyaml into plain structs. Defaults are
 * filled in one place per file (config_cluster_defaults() in config.c,
 * project_config_defaults() in project_config.c); every error names file,
 * line and column. A null YAML value (`key:`, `~`) leaves the default.
 * Pure: no thread of its own, safe to call from any thread.
 */
#ifndef MLOPS_SERVER_CONFIG_H
#define MLOPS_SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/error.h>

#define CONFIG_DEFAULT_POLL_INTERVAL 30u /* seconds */
#define CONFIG_DEFAULT_GPU_CACHE_TTL 60u /* seconds */

enum gpu_request_style {
	GPU_REQUEST_GRES       = 0, /* --gres=gpu:TYPE:N */
	GPU_REQUEST_CONSTRAINT = 1, /* --gres=gpu:N --constraint=TYPE */
};

enum code_sync {
	CODE_SYNC_SNAPSHOT = 0,
	CODE_SYNC_GIT      = 1,
};

/* A list of owned strings; v[n] is NULL once anything was added. */
struct strlist {
	char **v;
	size_t n;
};

/* One entry of clusters.yaml. Every string is owned; NULL when unset. */
struct cluster_config {
	char          *name;         /* required; [A-Za-z0-9._-]{1,64} */
	char          *host;         /* as written: "user@host" or an alias */
	char          *user;         /* the user@ part, NULL if none */
	char          *hostname;     /* host without the user@ part */
	unsigned       port;         /* 0: unset (ssh config or 22) */
	char          *ssh_key_path; /* ~ expanded; NULL: agent/ssh config */
	char          *known_hosts;  /* ~ expanded; NULL: ~/.ssh/known_hosts */
	char          *workspace;    /* remote dir; required */
	struct strlist allowed_partitions; /* empty: any partition */
	struct strlist allowed_gpu_types;  /* empty: any GPU type */
	enum gpu_request_style gpu_request_style;
	char                  *conda_env;
	bool                   use_login_shell;
	char                  *account;
	char                  *qos;
	struct strlist         setup; /* shell lines run before the job */
	char    *sbatch_template;     /* ~ expanded; NULL: the default */
	unsigned poll_interval;       /* seconds, >= 1 */
	unsigned gpu_cache_ttl;       /* seconds, >= 1 */
	int      line;                /* where the entry starts in the file */
	int      column;
};

struct mlops_config {
	char                  *path; /* the file read; NULL if missing */
	struct cluster_config *clusters;
	size_t                 n_clusters;
	struct strlist         warnings; /* "file:line:col: unknown key ..." */
};

/* A project's .mlops-config.yaml. */
struct env_var {
	char *name;
	char *value;
};

struct project_config {
	char           *conda_env;
	char           *train_script; /* default "train.py" */
	struct strlist  default_overrides;
	bool            install_editable;
	char           *package_name;
	enum code_sync  code_sync;        /* default snapshot */
	char           *hydra_config_dir; /* default "conf" */
	struct env_var *env;
	size_t          n_env;
	struct strlist  warnings; /* unknown keys, with line:column */
};

/**
 * Loads clusters.yaml from `path`. A missing file yields an empty config
 * (a daemon with no clusters yet), not an error.
 * On success *out is set; caller frees with config_free().
 * Returns 0, MLOPS_ECONFIG (err->msg is "path:line:col: key: what", and
 * err->field the key) or MLOPS_EIO. cfg->warnings lists unknown keys.
 */
int config_load(
    struct mlops_config **out, const char *path, struct mlops_error *err);

/** Parses clusters.yaml text; `name` is used in messages. As config_load(). */
int config_parse(struct mlops_config **out, const char *name, const char *text,
    size_t len, struct mlops_error *err);

/** Frees `cfg` and everything it owns; NULL is a no-op. */
void config_free(struct mlops_config *cfg);

/** The cluster named `name`, or NULL. Borrowed from `cfg`. */
const struct cluster_config *config_cluster_find(
    const struct mlops_config *cfg, const char *name);

/**
 * Loads a project's .mlops-config.yaml. A missing file yields the defaults.
 * Unknown keys become warnings; type errors are MLOPS_ECONFIG with
 * "path:line:col: key: what". Caller frees with project_config_free().
 */
int project_config_load(
    struct project_config **out, const char *path, struct mlops_error *err);
/** Parses .mlops-config.yaml text; `name` is used in messages. */
int project_config_parse(struct project_config **out, const char *name,
    const char *text, size_t len, struct mlops_error *err);
/** Frees `pc`; NULL is a no-op. */
void project_config_free(struct project_config *pc);

/**
 * Expands a leading "~" or "~/" to $HOME (or the passwd entry). Caller
 * frees. Anything else (including "~user/...") is returned copied; NULL
 * yields NULL.
 */
char *config_expand_home(const char *path);

/** Appends a copy of `s`. A zeroed struct strlist is an empty list. */
void strlist_add(struct strlist *l, const char *s);
/** Frees the strings and leaves `l` empty (no-op on NULL). */
void strlist_fini(struct strlist *l);
/** True if `l` holds a string equal to `s`. */
bool strlist_contains(const struct strlist *l, const char *s);

#endif
