/*
 * sbatch: validation of a job spec before it is rendered, and the Slurm
 * time-limit parser. Pure; any thread.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "sbatch.h"

#define SBATCH_IDENT_MAX  128
#define SBATCH_PATH_MAX   4096
#define SBATCH_MEM_DIGITS 15

static bool sbatch_is_digit(char c);
static bool sbatch_is_ident(const char *s);
static bool sbatch_is_env_name(const char *s);
static int  sbatch_time_field(
     const char **p, size_t max_digits, const char *stop, int64_t *out);
static int sbatch_check_ident(const char *field, const char *value,
    bool required, struct mlops_error *err);
static int sbatch_check_range(
    const char *field, int value, int lo, int hi, struct mlops_error *err);
static int sbatch_check_log_path(const char *field, const char *value,
    const struct sbatch_array *array, struct mlops_error *err);
static int sbatch_check_path(
    const char *field, const char *value, struct mlops_error *err);
static int sbatch_check_list(
    const char *field, const struct sbatch_list *l, struct mlops_error *err);
static int sbatch_check_resources(
    const struct sbatch_spec *spec, struct mlops_error *err);
static int sbatch_check_env(
    const struct sbatch_spec *spec, struct mlops_error *err);
static int sbatch_check_run(
    const struct sbatch_spec *spec, struct mlops_error *err);
static int sbatch_check_array(
    const struct sbatch_array *array, struct mlops_error *err);

static bool
sbatch_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [A-Za-z0-9._-]+, not starting with '-': safe as a directive value. */
static bool
sbatch_is_ident(const char *s)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                         "abcdefghijklmnopqrstuvwxyz"
	                         "0123456789._-";
	size_t            n    = strspn(s, ok);

	return n > 0 && s[n] == '\0' && s[0] != '-' && n <= SBATCH_IDENT_MAX;
}

/* [A-Za-z_][A-Za-z0-9_]*, ASCII whatever the locale. */
static bool
sbatch_is_env_name(const char *s)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                         "abcdefghijklmnopqrstuvwxyz_"
	                         "0123456789";

	return *s != '\0' && !sbatch_is_digit(*s) && s[strspn(s, ok)] == '\0';
}

/* Reads 1..max_digits digits at *p, which must then be at one of the
 * bytes of `stop` (or at the end when stop includes ""); advances *p. */
static int
sbatch_time_field(
    const char **p, size_t max_digits, const char *stop, int64_t *out)
{
	const char *s = *p;
	int64_t     v = 0;
	size_t      n = 0;

	while (sbatch_is_digit(s[n])) {
		if (n == max_digits) {
			return MLOPS_EINVAL;
		}
		v = v * 10 + (s[n] - '0');
		n++;
	}
	if (n == 0 || (s[n] != '\0' && strchr(stop, s[n]) == NULL)) {
		return MLOPS_EINVAL;
	}
	*p   = s + n;
	*out = v;
	return 0;
}

int
sbatch_parse_time(const char *s, int64_t *seconds)
{
	int64_t     f[4] = { 0, 0, 0, 0 };
	int64_t     total;
	size_t      n = 0;
	bool        days;
	const char *p = s;

	if (s == NULL || *s == '\0') {
		return MLOPS_EINVAL;
	}
	days = strchr(s, '-') != NULL;
	if (days) {
		/* D-HH[:MM[:SS]] */
		if (sbatch_time_field(&p, 8, "-", &f[n++]) < 0 || *p != '-') {
			return MLOPS_EINVAL;
		}
		p++;
	}
	for (;;) {
		size_t max = n == 0 ? 8 : 2;

		if (n == 4 || sbatch_time_field(&p, max, ":", &f[n]) < 0) {
			return MLOPS_EINVAL;
		}
		n++;
		if (*p == '\0') {
			break;
		}
		p++; /* ':' */
	}
	if (days) {
		/* f = days, hours[, minutes[, seconds]] */
		if (n > 4 || f[1] >= 24 || f[2] >= 60 || f[3] >= 60) {
			return MLOPS_EINVAL;
		}
		total = f[0] * 86400 + f[1] * 3600 + f[2] * 60 + f[3];
	} else if (n == 1) {
		total = f[0] * 60; /* MM */
	} else if (n == 2) {
		if (f[1] >= 60) { /* MM:SS */
			return MLOPS_EINVAL;
		}
		total = f[0] * 60 + f[1];
	} else if (n == 3) {
		if (f[1] >= 60 || f[2] >= 60) { /* HH:MM:SS */
			return MLOPS_EINVAL;
		}
		total = f[0] * 3600 + f[1] * 60 + f[2];
	} else {
		return MLOPS_EINVAL;
	}
	if (total <= 0) {
		return MLOPS_EINVAL;
	}
	*seconds = total;
	return 0;
}

static int
sbatch_check_ident(const char *field, const char *value, bool required,
    struct mlops_error *err)
{
	if (value == NULL) {
		if (!required) {
			return 0;
		}
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, field, "%s: required", field);
	}
	if (!sbatch_is_ident(value)) {
		return mlops_error_set_field(err, MLOPS_EINVAL, field,
		    "%s: '%.64s' must be 1-%d of [A-Za-z0-9._-], not starting "
		    "with '-'",
		    field, value, SBATCH_IDENT_MAX);
	}
	return 0;
}

static int
sbatch_check_range(
    const char *field, int value, int lo, int hi, struct mlops_error *err)
{
	if (value < lo || value > hi) {
		return mlops_error_set_field(err, MLOPS_EINVAL, field,
		    "%s: %d is out of range %d..%d", field, value, lo, hi);
	}
	return 0;
}

/* Absolute, made of [A-Za-z0-9._/+,@=~-] (safe unquoted in a directive,
 * no Slurm '%' pattern, no ':' that would split PATH-like lists), and no
 * "." or ".." component. */
static int
sbatch_check_path(
    const char *field, const char *value, struct mlops_error *err)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                         "abcdefghijklmnopqrstuvwxyz"
	                         "0123456789._/+,@=~-";
	size_t            len;

	if (value == NULL) {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, field, "%s: required", field);
	}
	len = strlen(value);
	if (value[0] != '/' || len > SBATCH_PATH_MAX) {
		return mlops_error_set_field(err, MLOPS_EINVAL, field,
		    "%s: must be an absolute path (at most %d bytes)", field,
		    SBATCH_PATH_MAX);
	}
	if (value[strspn(value, ok)] != '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, field,
		    "%s: '%.64s' may hold only [A-Za-z0-9._/+,@=~-]", field,
		    value);
	}
	for (const char *c = value; c != NULL; c = strchr(c + 1, '/')) {
		size_t n = strcspn(c + 1, "/");

		if ((n == 1 && c[1] == '.')
		    || (n == 2 && c[1] == '.' && c[2] == '.')) {
			return mlops_error_set_field(err, MLOPS_EINVAL, field,
			    "%s: '%.64s' has a '.' or '..' component", field,
			    value);
		}
	}
	return 0;
}

/* A log path: as sbatch_check_path(), but an array job's may hold Slurm's
 * "%a" (the task index), so that each task writes its own file. */
static int
sbatch_check_log_path(const char *field, const char *value,
    const struct sbatch_array *array, struct mlops_error *err)
{
	char *copy;
	int   rc;

	if (array == NULL || value == NULL || strstr(value, "%a") == NULL) {
		return sbatch_check_path(field, value, err);
	}
	copy = xstrdup(value);
	for (char *p = strstr(copy, "%a"); p != NULL; p = strstr(p, "%a")) {
		p[0] = 'a';
	}
	rc = sbatch_check_path(field, copy, err);
	free(copy);
	return rc;
}

static int
sbatch_check_list(
    const char *field, const struct sbatch_list *l, struct mlops_error *err)
{
	if (l->n > 0 && l->v == NULL) {
		return mlops_error_set_field(err, MLOPS_EINVAL, field,
		    "%s: %zu elements but no array", field, l->n);
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i] == NULL) {
			return mlops_error_set_field(err, MLOPS_EINVAL, field,
			    "%s: element %zu is NULL", field, i);
		}
	}
	return 0;
}

static int
sbatch_check_resources(const struct sbatch_spec *spec, struct mlops_error *err)
{
	int64_t secs;
	size_t  n;
	int     rc;

	if ((rc = sbatch_check_ident("partition", spec->partition, true, err))
	        < 0
	    || (rc = sbatch_check_range(
	            "nodes", spec->nodes, 1, SBATCH_MAX_NODES, err))
	        < 0
	    || (rc = sbatch_check_range("gpus_per_node", spec->gpus_per_node,
	            0, SBATCH_MAX_GPUS_PER_NODE, err))
	        < 0
	    || (rc = sbatch_check_ident(
	            "gpu_type", spec->gpu_type, false, err))
	        < 0
	    || (rc = sbatch_check_range("cpus_per_task", spec->cpus_per_task,
	            1, SBATCH_MAX_CPUS_PER_TASK, err))
	        < 0
	    || (rc = sbatch_check_ident("account", spec->account, false, err))
	        < 0
	    || (rc = sbatch_check_ident("qos", spec->qos, false, err)) < 0) {
		return rc;
	}
	if (spec->gpu_type != NULL && spec->gpus_per_node == 0) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "gpu_type",
		    "gpu_type: '%s' given for a job without GPUs",
		    spec->gpu_type);
	}
	if (spec->gpu_request_style != SBATCH_GPU_GRES
	    && spec->gpu_request_style != SBATCH_GPU_CONSTRAINT) {
		return mlops_error_set_field(err, MLOPS_EINVAL,
		    "gpu_request_style", "gpu_request_style: unknown style %d",
		    (int) spec->gpu_request_style);
	}
	if (spec->mem != NULL) {
		const char *m = spec->mem;

		n = strspn(m, "0123456789");
		if (n == 0 || n > SBATCH_MEM_DIGITS
		    || !(m[n] == '\0'
		        || (strchr("KMGT", m[n]) != NULL && m[n + 1] == '\0'))
		    || strspn(m, "0") == n) {
			return mlops_error_set_field(err, MLOPS_EINVAL, "mem",
			    "mem: '%.32s' must be a positive number with an "
			    "optional K, M, G or T suffix",
			    m);
		}
	}
	if (spec->time_limit != NULL
	    && sbatch_parse_time(spec->time_limit, &secs) < 0) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "time_limit",
		    "time_limit: '%.32s' is not a Slurm time (MM, MM:SS, "
		    "HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS)",
		    spec->time_limit);
	}
	return 0;
}

static int
sbatch_check_env(const struct sbatch_spec *spec, struct mlops_error *err)
{
	int rc;

	if ((rc = sbatch_check_list("setup", &spec->setup, err)) < 0) {
		return rc;
	}
	if (spec->conda_env != NULL
	    && (spec->conda_env[0] == '\0' || spec->conda_env[0] == '-')) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "conda_env",
		    "conda_env: must be non-empty and not start with '-'");
	}
	if (spec->n_env > 0 && spec->env == NULL) {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "env", "env: entries but no array");
	}
	for (size_t i = 0; i < spec->n_env; i++) {
		const struct sbatch_env *ev = &spec->env[i];

		if (ev->name == NULL || !sbatch_is_env_name(ev->name)) {
			return mlops_error_set_field(err, MLOPS_EINVAL, "env",
			    "env: '%.64s' is not a variable name "
			    "([A-Za-z_][A-Za-z0-9_]*)",
			    ev->name != NULL ? ev->name : "(null)");
		}
		if (ev->value == NULL) {
			return mlops_error_set_field(err, MLOPS_EINVAL, "env",
			    "env: %.64s has no value", ev->name);
		}
	}
	return 0;
}

static int
sbatch_check_run(const struct sbatch_spec *spec, struct mlops_error *err)
{
	const char *ts = spec->train_script;
	int         rc;

	if (ts == NULL || ts[0] == '\0' || ts[0] == '/' || ts[0] == '-'
	    || strchr(ts, '\n') != NULL) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "train_script",
		    "train_script: must be a one-line path relative to "
		    "code_dir, not starting with '-'");
	}
	if (spec->config_name != NULL && spec->config_name[0] == '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "config_name",
		    "config_name: empty (use NULL for none)");
	}
	if ((rc = sbatch_check_ident(
	         "package_name", spec->package_name, false, err))
	        < 0
	    || (rc = sbatch_check_list(
	            "default_overrides", &spec->default_overrides, err))
	        < 0
	    || (rc = sbatch_check_list("overrides", &spec->overrides, err))
	        < 0) {
		return rc;
	}
	return spec->array != NULL ? sbatch_check_array(spec->array, err) : 0;
}

static int
sbatch_check_array(const struct sbatch_array *array, struct mlops_error *err)
{
	if (array->size < 1 || array->size > SBATCH_MAX_ARRAY_SIZE) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "array",
		    "array: size %u is out of range 1..%d", array->size,
		    SBATCH_MAX_ARRAY_SIZE);
	}
	if (array->max_parallel > array->size) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "array",
		    "array: max_parallel %u exceeds size %u",
		    array->max_parallel, array->size);
	}
	for (unsigned i = 0; array->task_job_ids != NULL && i < array->size;
	     i++) {
		if (array->task_job_ids[i] <= 0) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "array",
			    "array: task %u: job id %" PRId64 " must be > 0",
			    i, array->task_job_ids[i]);
		}
	}
	if (array->task_overrides == NULL) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "array",
		    "array: no per-task override table");
	}
	for (unsigned i = 0; i < array->size; i++) {
		if (sbatch_check_list("array", &array->task_overrides[i], err)
		    < 0) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "array", "array: task %u: a NULL override", i);
		}
	}
	return 0;
}

int
sbatch_validate(const struct sbatch_spec *spec, struct mlops_error *err)
{
	const char *c = spec->commit;
	size_t      n;
	int         rc;

	if (spec->job_id <= 0) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "job_id",
		    "job_id: %" PRId64 " must be > 0", spec->job_id);
	}
	if (spec->instance != NULL
	    && (strlen(spec->instance) < 4 || strlen(spec->instance) > 16
	        || strspn(spec->instance, "0123456789abcdef")
	            != strlen(spec->instance))) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "instance",
		    "instance: expected 4 to 16 lowercase hex digits");
	}
	if (spec->project == NULL || spec->project[0] == '\0') {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "project", "project: required");
	}
	if ((rc = sbatch_check_ident("cluster", spec->cluster, true, err))
	    < 0) {
		return rc;
	}
	n = c != NULL ? strspn(c, "0123456789abcdefABCDEF") : 0;
	if (c == NULL || n < 7 || n > 64 || c[n] != '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "commit",
		    "commit: must be a hex sha of 7 to 64 digits");
	}
	if ((rc = sbatch_check_resources(spec, err)) < 0
	    || (rc = sbatch_check_env(spec, err)) < 0
	    || (rc = sbatch_check_path("job_dir", spec->job_dir, err)) < 0
	    || (rc = sbatch_check_path("code_dir", spec->code_dir, err)) < 0
	    || (rc = sbatch_check_log_path(
	            "stdout_path", spec->stdout_path, spec->array, err))
	        < 0
	    || (rc = sbatch_check_log_path(
	            "stderr_path", spec->stderr_path, spec->array, err))
	        < 0
	    || (rc = sbatch_check_run(spec, err)) < 0) {
		return rc;
	}
	return 0;
}
