/*
 * slurm_cmd: argv builders for sinfo, scontrol, squeue, sacct, scancel and
 * sbatch, with validation of every job id, name and path that goes in.
 * Pure; any thread.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "slurm_cmd.h"

#define SLURM_CMD_ID_MAX 32

static char **slurm_cmd_argv(const char *first, ...);
static int    slurm_cmd_join(char **out, const char *const *items, size_t n,
       bool (*valid)(const char *), bool repeat_single, const char *field,
       const char *list_field, struct mlops_error *err);
static int    slurm_cmd_check_id(const char *id, struct mlops_error *err);

/* Builds an argv from a NULL-terminated list of strings, copying each. */
static char **
slurm_cmd_argv(const char *first, ...)
{
	va_list     ap;
	size_t      n = 0;
	char      **argv;
	const char *s;

	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *)) {
		n++;
	}
	va_end(ap);

	argv = xcalloc(n + 1, sizeof(*argv));
	n    = 0;
	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *)) {
		argv[n++] = xstrdup(s);
	}
	va_end(ap);
	return argv;
}

/*
 * Slurm prints times in the cluster's local zone and in the format
 * SLURM_TIME_FORMAT asks for. Commands whose times we parse run under
 * `env TZ=UTC SLURM_TIME_FORMAT=standard`, so the parsers read UTC in
 * one format wherever the cluster is. (Not for sbatch: its environment
 * becomes the job's.)
 */
static char **
slurm_cmd_utc(char **argv)
{
	static const char *const pre[]
	    = { "env", "TZ=UTC", "SLURM_TIME_FORMAT=standard" };
	size_t n = 0;
	char **out;

	while (argv[n] != NULL) {
		n++;
	}
	out = xcalloc(n + 4, sizeof(*out));
	for (size_t i = 0; i < 3; i++) {
		out[i] = xstrdup(pre[i]);
	}
	memcpy(out + 3, argv, n * sizeof(*out));
	free(argv);
	return out;
}

void
slurm_argv_free(char **argv)
{
	if (argv == NULL) {
		return;
	}
	for (size_t i = 0; argv[i] != NULL; i++) {
		free(argv[i]);
	}
	free(argv);
}

bool
slurm_job_id_valid(const char *id)
{
	size_t i = 0, digits;

	if (id == NULL || strlen(id) > SLURM_CMD_ID_MAX) {
		return false;
	}
	for (digits = 0; id[i] >= '0' && id[i] <= '9'; i++) {
		digits++;
	}
	if (digits == 0) {
		return false;
	}
	if (id[i] == '\0') {
		return true;
	}
	if (id[i++] != '_') {
		return false;
	}
	for (digits = 0; id[i] >= '0' && id[i] <= '9'; i++) {
		digits++;
	}
	return digits > 0 && id[i] == '\0';
}

bool
slurm_job_name_valid(const char *name)
{
	size_t len;

	if (name == NULL || name[0] == '\0' || name[0] == '-') {
		return false;
	}
	len = strlen(name);
	if (len > SLURM_CMD_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		        || (c >= '0' && c <= '9') || c == '.' || c == '_'
		        || c == '+' || c == '-')) {
			return false;
		}
	}
	return true;
}

/*
 * Joins 1..SLURM_CMD_MAX_IDS valid items with ','. With `repeat_single`, a
 * lone item is written twice (see slurm_cmd_poll() in the header).
 */
static int
slurm_cmd_join(char **out, const char *const *items, size_t n,
    bool (*valid)(const char *), bool repeat_single, const char *field,
    const char *list_field, struct mlops_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int           rc = 0;

	if (items == NULL || n == 0) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, list_field,
		    "%s: empty list", list_field);
		goto out;
	}
	if (n > SLURM_CMD_MAX_IDS) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, list_field,
		    "%s: %zu entries, at most %d per command", list_field, n,
		    SLURM_CMD_MAX_IDS);
		goto out;
	}
	strbuf_init(&sb);
	for (size_t i = 0; i < n; i++) {
		if (!valid(items[i])) {
			rc = mlops_error_set_field(err, MLOPS_EINVAL, field,
			    "%s: invalid: '%.64s'", field,
			    items[i] ? items[i] : "(null)");
			goto out;
		}
		if (i > 0) {
			strbuf_putc(&sb, ',');
		}
		strbuf_puts(&sb, items[i]);
	}
	if (n == 1 && repeat_single) {
		strbuf_putc(&sb, ',');
		strbuf_puts(&sb, items[0]);
	}
	*out = strbuf_detach(&sb, NULL);
out:
	strbuf_fini(&sb);
	return rc;
}

static int
slurm_cmd_check_id(const char *id, struct mlops_error *err)
{
	if (!slurm_job_id_valid(id)) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "job_id",
		    "job_id: invalid: '%.64s'", id ? id : "(null)");
	}
	return 0;
}

char **
slurm_cmd_version(void)
{
	return slurm_cmd_argv("sinfo", "--version", NULL);
}

char **
slurm_cmd_partitions(void)
{
	return slurm_cmd_argv("scontrol", "show", "partition", "-o", NULL);
}

char **
slurm_cmd_nodes(void)
{
	return slurm_cmd_argv("scontrol", "-d", "-o", "show", "node", NULL);
}

char **
slurm_cmd_pending_gpus(void)
{
	return slurm_cmd_argv("squeue", "-h", "-r", "-t", "PENDING", "-O",
	    SLURM_CMD_PENDING_FORMAT, NULL);
}

char **
slurm_cmd_poll_mine(void)
{
	return slurm_cmd_utc(slurm_cmd_argv("squeue", "-h", "-r", "-t", "all",
	    "--me", "-O", SLURM_CMD_POLL_FORMAT, NULL));
}

int
slurm_cmd_poll(
    char ***out, const char *const *ids, size_t n_ids, struct mlops_error *err)
{
	char *list = NULL;
	int   rc;

	if ((rc = slurm_cmd_join(&list, ids, n_ids, slurm_job_id_valid, true,
	         "job_id", "job_ids", err))
	    < 0) {
		goto out;
	}
	*out = slurm_cmd_utc(slurm_cmd_argv("squeue", "-h", "-r", "-t", "all",
	    "-j", list, "-O", SLURM_CMD_POLL_FORMAT, NULL));
out:
	free(list);
	return rc;
}

int
slurm_cmd_sacct(
    char ***out, const char *const *ids, size_t n_ids, struct mlops_error *err)
{
	char *list = NULL;
	int   rc;

	if ((rc = slurm_cmd_join(&list, ids, n_ids, slurm_job_id_valid, false,
	         "job_id", "job_ids", err))
	    < 0) {
		goto out;
	}
	*out = slurm_cmd_utc(slurm_cmd_argv("sacct", "-n", "-P", "-X", "-j",
	    list, "-o", SLURM_CMD_SACCT_FORMAT, NULL));
out:
	free(list);
	return rc;
}

int
slurm_cmd_sacct_by_name(char ***out, const char *const *names, size_t n_names,
    unsigned days, struct mlops_error *err)
{
	char *list  = NULL;
	char *name  = NULL;
	char *start = NULL;
	int   rc;

	if (days < 1 || days > 3650) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, "days",
		    "days: %u is outside 1..3650", days);
		goto out;
	}
	if ((rc = slurm_cmd_join(&list, names, n_names, slurm_job_name_valid,
	         false, "job_name", "job_names", err))
	    < 0) {
		goto out;
	}
	name  = xasprintf("--name=%s", list);
	start = xasprintf("now-%udays", days);
	*out  = slurm_cmd_utc(slurm_cmd_argv("sacct", "-n", "-P", "-X", name,
	     "-S", start, "-o", SLURM_CMD_SACCT_FORMAT, NULL));
out:
	free(list);
	free(name);
	free(start);
	return rc;
}

int
slurm_cmd_squeue_by_name(char ***out, const char *const *names, size_t n_names,
    struct mlops_error *err)
{
	char *list = NULL;
	char *name = NULL;
	int   rc;

	if ((rc = slurm_cmd_join(&list, names, n_names, slurm_job_name_valid,
	         false, "job_name", "job_names", err))
	    < 0) {
		goto out;
	}
	name = xasprintf("--name=%s", list);
	*out = slurm_cmd_utc(slurm_cmd_argv("squeue", "-h", "-r", "--me", "-t",
	    "all", name, "-O", SLURM_CMD_POLL_FORMAT, NULL));
out:
	free(list);
	free(name);
	return rc;
}

int
slurm_cmd_show_job(char ***out, const char *id, struct mlops_error *err)
{
	int rc;

	if ((rc = slurm_cmd_check_id(id, err)) < 0) {
		return rc;
	}
	*out = slurm_cmd_utc(
	    slurm_cmd_argv("scontrol", "show", "job", "-o", id, NULL));
	return 0;
}

int
slurm_cmd_start(char ***out, const char *id, struct mlops_error *err)
{
	char *list = NULL;
	int   rc;

	if ((rc = slurm_cmd_check_id(id, err)) < 0) {
		goto out;
	}
	list = xasprintf("%s,%s", id, id);
	*out = slurm_cmd_utc(slurm_cmd_argv("squeue", "-h", "--start", "-j",
	    list, "-o", SLURM_CMD_START_FORMAT, NULL));
out:
	free(list);
	return rc;
}

int
slurm_cmd_cancel(char ***out, const char *id, struct mlops_error *err)
{
	int rc;

	if ((rc = slurm_cmd_check_id(id, err)) < 0) {
		return rc;
	}
	*out = slurm_cmd_argv("scancel", id, NULL);
	return 0;
}

int
slurm_cmd_sbatch(char ***out, const char *path, struct mlops_error *err)
{
	size_t len;

	if (path == NULL || path[0] == '\0') {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "script_path", "script_path: empty");
	}
	len = strlen(path);
	if (len > SLURM_CMD_PATH_MAX) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "script_path",
		    "script_path: %zu bytes, at most %d", len,
		    SLURM_CMD_PATH_MAX);
	}
	if (path[0] == '-') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "script_path",
		    "script_path: starts with '-': '%.64s'", path);
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char) path[i];

		if (c < 0x20 || c == 0x7f) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "script_path",
			    "script_path: control character at byte %zu", i);
		}
	}
	*out = slurm_cmd_argv("sbatch", "--parsable", path, NULL);
	return 0;
}

bool
slurm_cmd_version_tested(int major, int minor)
{
	static const int tested[][2] = { { 22, 5 }, { 24, 11 } };

	for (size_t i = 0; i < sizeof(tested) / sizeof(tested[0]); i++) {
		if (tested[i][0] == major && tested[i][1] == minor) {
			return true;
		}
	}
	return false;
}

int
slurm_cmd_check_version(
    int major, int minor, const char *text, struct mlops_error *err)
{
	if (major < 0 || major > SLURM_CMD_MIN_MAJOR
	    || (major == SLURM_CMD_MIN_MAJOR
	        && minor >= SLURM_CMD_MIN_MINOR)) {
		return 0;
	}
	return mlops_error_set(err, MLOPS_ESLURM,
	    "Slurm %s is older than %d.%02d, the oldest whose squeue and "
	    "sacct have every field Mission Control reads",
	    text != NULL && text[0] != '\0' ? text : "(unknown)",
	    SLURM_CMD_MIN_MAJOR, SLURM_CMD_MIN_MINOR);
}
