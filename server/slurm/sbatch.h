/*
 * sbatch: the pure renderer that turns one job's spec into the text of its
 * sbatch script, after validating every field. No I/O, no state; safe on
 * any thread.
 *
 * Two kinds of output need two kinds of safety. `#SBATCH` directive values
 * are parsed by sbatch itself and cannot be shell-quoted, so everything
 * that reaches a directive is validated to a safe character set first
 * (and the free-text description never reaches one). Everything that
 * reaches the script body as a shell word goes through shquote_arg(), so
 * an override or an env value may hold any byte but NUL and still arrives
 * as exactly one unchanged argument. sbatch reads directives only up to
 * the first line that is neither blank nor a comment, and every rendered
 * block puts a command before any user text, so even a multi-line value
 * with a line reading "#SBATCH ..." is never taken as a directive.
 */
#ifndef MLOPS_SERVER_SBATCH_H
#define MLOPS_SERVER_SBATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>
#include <mlops/strbuf.h>

/* Limits checked by sbatch_validate(). */
#define SBATCH_MAX_NODES         1024
#define SBATCH_MAX_GPUS_PER_NODE 64
#define SBATCH_MAX_CPUS_PER_TASK 1024
#define SBATCH_MAX_ARRAY_SIZE    10000
#define SBATCH_MASTER_PORT_BASE  15000 /* MASTER_PORT = base + id % span */
#define SBATCH_MASTER_PORT_SPAN  20000

/* How GPUs are asked for (a cluster's gpu_request_style). */
enum sbatch_gpu_style {
	SBATCH_GPU_GRES       = 0, /* --gres=gpu:TYPE:N */
	SBATCH_GPU_CONSTRAINT = 1, /* --gres=gpu:N --constraint=TYPE */
};

/* One exported environment variable of the project's env. */
struct sbatch_env {
	const char *name;
	const char *value;
};

/* A borrowed list of strings (v[0..n-1]; each element non-NULL). */
struct sbatch_list {
	const char *const *v;
	size_t             n;
};

/* A job array: `--array=0-(size-1)%max_parallel`. Task i appends
 * task_overrides[i] to the job's overrides (a sweep's grid point) and,
 * with task_job_ids, runs with MLOPS_JOB_ID=task_job_ids[i] (each task
 * is a job of its own in Mission Control). */
struct sbatch_array {
	unsigned                  size;           /* N tasks, 1..10000 */
	unsigned                  max_parallel;   /* K at once; 0: no limit */
	const struct sbatch_list *task_overrides; /* N lists (may be empty) */
	const int64_t            *task_job_ids;   /* N ids > 0, or NULL */
};

/*
 * Everything the script needs. All pointers are borrowed for the duration
 * of the call; NULL means "not set" where a field says so.
 */
struct sbatch_spec {
	/* identity */
	int64_t     job_id;      /* Mission Control's id, > 0: names the job */
	const char *instance;    /* the daemon's instance id ([0-9a-f]{4,16}),
	                            part of the job name so that two daemons (or
	                            a fresh database) never share job names;
	                            NULL: none */
	const char *project;     /* any non-empty text; MLOPS_PROJECT */
	const char *cluster;     /* [A-Za-z0-9._-]+; part of WANDB_RUN_ID */
	const char *commit;      /* hex sha, 7..64 digits; MLOPS_COMMIT */
	const char *description; /* any text or NULL; only WANDB_NOTES */

	/* resources (directive values: validated, never quoted) */
	const char           *partition;     /* [A-Za-z0-9._-]+ */
	int                   nodes;         /* 1..1024 */
	int                   gpus_per_node; /* 0..64; 0: a CPU job */
	const char           *gpu_type;      /* NULL: any GPU type */
	enum sbatch_gpu_style gpu_request_style;
	int                   cpus_per_task; /* 1..1024 */
	const char *mem;        /* [0-9]+[KMGT]?, > 0; NULL: cluster default */
	const char *time_limit; /* Slurm time (sbatch_parse_time()); NULL:
	                           the partition's default */
	const char *account;    /* NULL: none */
	const char *qos;        /* NULL: none */

	/* environment */
	struct sbatch_list       setup;     /* cluster setup lines, trusted */
	const char              *conda_env; /* NULL: none */
	const struct sbatch_env *env;       /* project env: n_env name/value */
	size_t                   n_env;

	/* where: absolute remote paths, [A-Za-z0-9._/+,@=~-] only */
	const char *job_dir;     /* <workspace>/<project>/<id>-<short sha> */
	const char *code_dir;    /* <job_dir>/code */
	const char *stdout_path; /* in job_dir */
	const char *stderr_path; /* in job_dir */

	/* what */
	const char        *train_script; /* relative to code_dir */
	const char        *config_name;  /* Hydra --config-name; NULL: none */
	struct sbatch_list default_overrides; /* project's, first */
	struct sbatch_list overrides;         /* the launch's, after */
	bool               install_editable;
	const char        *package_name;  /* NULL: no import check */
	const struct sbatch_array *array; /* NULL: not an array job */
};

/**
 * Parses a Slurm time limit: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`
 * or `D-HH:MM:SS` (ASCII digits; a unit below the leading one is range
 * checked: seconds and minutes < 60, hours < 24 after days). The total
 * must be > 0 ("0" would mean no limit to Slurm, and UNLIMITED/INFINITE are
 * not accepted). On success sets *seconds and returns 0; otherwise returns
 * MLOPS_EINVAL and leaves *seconds untouched.
 */
int sbatch_parse_time(const char *s, int64_t *seconds);

/**
 * Checks every field of `spec` (see struct sbatch_spec for the rules).
 * Returns 0 or MLOPS_EINVAL, with err->field naming the struct member at
 * fault and err->msg starting with "<field>: ".
 */
int sbatch_validate(const struct sbatch_spec *spec, struct mlops_error *err);

/**
 * The built-in template, byte for byte the text of config/sbatch.tmpl.
 * Static; never NULL.
 */
const char *sbatch_default_template(void);

/**
 * The Slurm job name of a job: "mlops-<instance>-<id>", or "mlops-<id>"
 * without an instance. Returns `buf`.
 */
char *sbatch_job_name(
    char *buf, size_t len, const char *instance, int64_t job_id);

/**
 * Validates `spec`, then renders its script from `template_text` (NULL:
 * sbatch_default_template()) and appends it to `out`.
 *
 * Template language: `{{name}}` placeholders, each alone on its own line
 * and used at most once, are replaced by pre-rendered blocks of whole lines
 * (an empty block removes the line): directives, setup, environment,
 * install, run. `{{! ... }}` is a comment, dropped (with its newline when
 * it fills its lines). {{directives}} and {{run}} are required, and the
 * result must start with "#!".
 *
 * Returns 0, or MLOPS_EINVAL: a spec field (as sbatch_validate()) or a
 * template error (err->field "sbatch_template", the message names the line
 * and the placeholder). On error `out` is left unchanged.
 */
int sbatch_render(struct strbuf *out, const char *template_text,
    const struct sbatch_spec *spec, struct mlops_error *err);

#endif
