/*
 * slurm_parse_jobs: job rows from squeue (poll and by name), sacct,
 * scontrol show job and squeue --start, and the GPU requests of pending
 * jobs. Pure; any thread.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "slurm_parse.h"
#include "slurm_parse_impl.h"
#include "slurm_state.h"

#define SLURM_POLL_FIELDS    16
#define SLURM_SACCT_FIELDS   14
#define SLURM_PENDING_FIELDS 10
#define SLURM_START_FIELDS   6

static bool  slurm_job_id_ok(const char *s);
static void  slurm_job_fini(struct slurm_job *job);
static void  slurm_job_array(struct slurm_job *job);
static int   slurm_job_time(int64_t *out, const char *s, long utc_offset,
      size_t lineno, const char *field, struct mlops_error *err);
static int   slurm_job_duration(long *out, const char *s, size_t lineno,
      const char *field, struct mlops_error *err);
static int   slurm_parse_tres_gpus(struct slurm_gres **gpus, size_t *n_gpus,
      const char *s, long mult, size_t lineno, const char *field,
      struct mlops_error *err);
static int   slurm_squeue_exit_code(struct slurm_job *r, const char *s,
      size_t lineno, struct mlops_error *err);
static int   slurm_parse_squeue_line(struct slurm_job *job, char *line,
      size_t lineno, long utc_offset, struct mlops_error *err);
static int   slurm_parse_sacct_line(struct slurm_job *job, char *line,
      size_t lineno, long utc_offset, struct mlops_error *err);
static int   slurm_parse_show_job_line(struct slurm_job *job, char *line,
      size_t lineno, long utc_offset, struct mlops_error *err);
static int   slurm_parse_job_lines(struct slurm_jobs *out,
      struct slurm_skipped *skipped, const char *text, long utc_offset,
      int (*line_fn)(
        struct slurm_job *, char *, size_t, long, struct mlops_error *),
      char *(*id_fn)(const char *), struct mlops_error *err);
static char *slurm_row_id(const char *line);
static char *slurm_show_job_id(const char *line);
static void  slurm_gpu_request_fini(struct slurm_gpu_request *r);
static int   slurm_pending_count(long *out, const char *s, size_t lineno,
      const char *field, struct mlops_error *err);
static int  slurm_parse_pending_line(struct slurm_gpu_request *req, bool *keep,
     char *line, size_t lineno, struct mlops_error *err);
static void slurm_start_fini(struct slurm_start *s);

/*
 * A job id as squeue, sacct and scontrol print it: "123", "123_4",
 * "123_[1-4%2]" (tasks not started yet) or "123+0" (a het job component).
 */
static bool
slurm_job_id_ok(const char *s)
{
	size_t i = 0;

	if (s == NULL) {
		return false;
	}
	while (s[i] >= '0' && s[i] <= '9') {
		i++;
	}
	if (i == 0 || i > 18) {
		return false;
	}
	if (s[i] == '\0') {
		return true;
	}
	if (s[i] == '_' && s[i + 1] == '[') {
		size_t len = strlen(s);

		if (s[len - 1] != ']' || len < i + 4) {
			return false;
		}
		for (size_t j = i + 2; j < len - 1; j++) {
			if (!strchr("0123456789-,%:", s[j])) {
				return false;
			}
		}
		return true;
	}
	if (s[i] == '_' || s[i] == '+') {
		size_t j = i + 1;

		while (s[j] >= '0' && s[j] <= '9') {
			j++;
		}
		/* Task and component ids are 32-bit. */
		return j > i + 1 && j - i - 1 <= 10 && s[j] == '\0';
	}
	return false;
}

static void
slurm_job_fini(struct slurm_job *job)
{
	free(job->job_id);
	free(job->raw_id);
	free(job->array_job_id);
	free(job->name);
	free(job->state_raw);
	free(job->reason);
	free(job->partition);
	free(job->node_list);
}

void
slurm_jobs_fini(struct slurm_jobs *jobs)
{
	if (jobs == NULL) {
		return;
	}
	for (size_t i = 0; i < jobs->n; i++) {
		slurm_job_fini(&jobs->v[i]);
	}
	free(jobs->v);
	jobs->v = NULL;
	jobs->n = 0;
}

/* Fills array_job_id / array_task_id from job_id "123_4" / "123_[..]". */
static void
slurm_job_array(struct slurm_job *job)
{
	const char *us   = strchr(job->job_id, '_');
	long        task = 0;
	const char *p;

	job->array_task_id = -1;
	if (us == NULL) {
		return;
	}
	job->array_job_id = xstrndup(job->job_id, (size_t) (us - job->job_id));
	for (p = us + 1; *p >= '0' && *p <= '9' && p - us <= 10; p++) {
		task = task * 10 + (*p - '0');
	}
	if (p > us + 1 && *p == '\0') {
		job->array_task_id = task;
	}
}

static int
slurm_job_time(int64_t *out, const char *s, long utc_offset, size_t lineno,
    const char *field, struct mlops_error *err)
{
	struct mlops_error sub;

	if (slurm_parse_time(out, s, utc_offset, &sub) < 0) {
		return slurm_parse_fail(err, lineno, field, "not a time", s);
	}
	return 0;
}

/* A duration; "INVALID" (squeue's clock skew marker) gives -1. */
static int
slurm_job_duration(long *out, const char *s, size_t lineno, const char *field,
    struct mlops_error *err)
{
	struct mlops_error sub;

	if (s != NULL && strcmp(s, "INVALID") == 0) {
		*out = -1;
		return 0;
	}
	if (slurm_parse_duration(out, s, &sub) < 0) {
		return slurm_parse_fail(
		    err, lineno, field, "not a duration", s);
	}
	return 0;
}

/* ---- squeue poll / by name --------------------------------------------- */

/*
 * squeue's exit_code column: Slurm 22.05 prints the batch script's wait
 * status as one number (768 = exit 3, 15 = killed by signal 15); 24.11
 * prints "N:S" as sacct does ("3:0", "0:15"). Both are read.
 */
static int
slurm_squeue_exit_code(
    struct slurm_job *r, const char *s, size_t lineno, struct mlops_error *err)
{
	struct mlops_error sub;
	long               status;

	if (s != NULL && strchr(s, ':') != NULL) {
		if (slurm_parse_exit_code(
		        &r->exit_code, &r->exit_signal, s, &sub)
		    < 0) {
			return slurm_parse_fail(err, lineno, "exit_code",
			    "not an exit code (N:S or a wait status)", s);
		}
		return 0;
	}
	if (slurm_parse_count(&status, s, lineno, "exit_code", NULL) < 0) {
		return slurm_parse_fail(err, lineno, "exit_code",
		    "not an exit code (N:S or a wait status)", s);
	}
	r->exit_code   = (int) ((status >> 8) & 0xff);
	r->exit_signal = (int) (status & 0x7f);
	return 0;
}

static int
slurm_parse_squeue_line(struct slurm_job *job, char *line, size_t lineno,
    long utc_offset, struct mlops_error *err)
{
	char            *f[SLURM_POLL_FIELDS];
	struct slurm_job r = { 0 };
	long             task;
	int              rc = 0;

	if (slurm_fields_split(line, f, SLURM_POLL_FIELDS, true) < 0) {
		rc = slurm_parse_fail(err, lineno, "squeue",
		    "expected 16 '|'-separated fields", line);
		goto out;
	}
	if (!slurm_job_id_ok(f[0]) || strchr(f[0], '_') != NULL) {
		rc = slurm_parse_fail(
		    err, lineno, "JobID", "not a job id", f[0]);
		goto out;
	}
	if (!slurm_job_id_ok(f[1])) {
		rc = slurm_parse_fail(
		    err, lineno, "JobArrayID", "not a job id", f[1]);
		goto out;
	}
	r.raw_id = xstrdup(f[0]);
	r.job_id = xstrdup(f[1]);
	slurm_job_array(&r);
	/* ArrayTaskID is N/A, a task number, or a range without -r. */
	if (!slurm_is_none(f[3]) && r.array_task_id < 0
	    && slurm_parse_count(&task, f[3], lineno, "ArrayTaskID", NULL)
	        == 0) {
		r.array_task_id = task;
	}
	r.state_raw = xstrdup(f[4]);
	r.state     = slurm_state_from_string(f[4]);
	r.reason    = slurm_dup_value(f[5]);
	r.partition = xstrdup(f[6]);
	r.name      = xstrdup(f[15]);
	r.node_list = slurm_dup_value(f[14]);
	if ((rc = slurm_parse_count(&r.nodes, f[7], lineno, "NumNodes", err))
	        < 0
	    || (rc = slurm_job_time(&r.submit_time, f[8], utc_offset, lineno,
	            "SubmitTime", err))
	        < 0
	    || (rc = slurm_job_time(
	            &r.start_time, f[9], utc_offset, lineno, "StartTime", err))
	        < 0
	    || (rc = slurm_job_time(
	            &r.end_time, f[10], utc_offset, lineno, "EndTime", err))
	        < 0
	    || (rc = slurm_job_duration(
	            &r.time_limit_s, f[11], lineno, "TimeLimit", err))
	        < 0
	    || (rc = slurm_job_duration(
	            &r.elapsed_s, f[12], lineno, "TimeUsed", err))
	        < 0) {
		goto out;
	}
	if (r.elapsed_s == SLURM_DURATION_NONE) {
		r.elapsed_s = -1;
	}
	if ((rc = slurm_squeue_exit_code(&r, f[13], lineno, err)) < 0) {
		goto out;
	}
	*job = r;
	memset(&r, 0, sizeof(r));
out:
	slurm_job_fini(&r);
	return rc;
}

/*
 * Runs `line_fn` over every line into a job list. Without `skipped` the
 * first bad line fails the whole; with it, bad lines are recorded there
 * (their job id read by `id_fn`, NULL when it cannot be) and left out.
 */
static int
slurm_parse_job_lines(struct slurm_jobs *out, struct slurm_skipped *skipped,
    const char *text, long utc_offset,
    int (*line_fn)(
        struct slurm_job *, char *, size_t, long, struct mlops_error *),
    char *(*id_fn)(const char *), struct mlops_error *err)
{
	struct slurm_jobs  res = { NULL, 0 };
	struct slurm_lines it;
	struct mlops_error lerr = { 0 };
	char              *line;
	int                rc = 0;

	if (skipped != NULL) {
		memset(skipped, 0, sizeof(*skipped));
	}
	slurm_lines_init(&it, text);
	while ((line = slurm_lines_next(&it)) != NULL) {
		char *copy = skipped != NULL ? xstrdup(line) : NULL;

		res.v = xreallocarray(res.v, res.n + 1, sizeof(*res.v));
		rc    = line_fn(&res.v[res.n], line, it.lineno, utc_offset,
                    skipped != NULL ? &lerr : err);
		free(line);
		if (rc == 0) {
			res.n++;
		} else if (skipped != NULL) {
			char *id = id_fn(copy);

			if (skipped->n++ == 0) {
				skipped->first       = lerr;
				skipped->first_named = id != NULL;
			}
			if (id != NULL) {
				skipped->ids = xreallocarray(skipped->ids,
				    skipped->n_ids + 1, sizeof(char *));
				skipped->ids[skipped->n_ids++] = id;
			} else {
				skipped->unknown = true;
			}
			rc = 0;
		}
		free(copy);
		if (rc < 0) {
			goto out;
		}
	}
	*out  = res;
	res.v = NULL;
	res.n = 0;
out:
	slurm_jobs_fini(&res);
	return rc;
}

/*
 * The job id of an squeue (SLURM_CMD_POLL_FORMAT) or sacct row: its second
 * field (JobArrayID, JobID), as the parsed row's job_id would be. NULL
 * when the line has no such field or it is no job id.
 */
static char *
slurm_row_id(const char *line)
{
	const char *a = strchr(line, '|'), *b;
	char       *id;

	if (a == NULL) {
		return NULL;
	}
	a++;
	b  = a + strcspn(a, "|");
	id = xstrndup(a, (size_t) (b - a));
	if (!slurm_job_id_ok(id)) {
		free(id);
		return NULL;
	}
	return id;
}

/* The job id of a scontrol show job -o line, as its row's job_id. */
static char *
slurm_show_job_id(const char *line)
{
	char            *copy = xstrdup(line);
	struct slurm_kv *kv   = NULL;
	const char      *id, *arr, *task;
	char            *res = NULL;
	long             n   = slurm_kv_split(copy, &kv);

	if (n > 0 && (id = slurm_kv_get(kv, n, "JobId")) != NULL) {
		arr  = slurm_kv_get(kv, n, "ArrayJobId");
		task = slurm_kv_get(kv, n, "ArrayTaskId");
		if (arr != NULL && task != NULL) {
			res = strspn(task, "0123456789") == strlen(task)
			    ? xasprintf("%s_%s", arr, task)
			    : xasprintf("%s_[%s]", arr, task);
		} else if (arr == NULL) {
			res = xstrdup(id);
		}
	}
	if (res != NULL && !slurm_job_id_ok(res)) {
		free(res);
		res = NULL;
	}
	free(kv);
	free(copy);
	return res;
}

void
slurm_skipped_fini(struct slurm_skipped *skipped)
{
	if (skipped == NULL) {
		return;
	}
	for (size_t i = 0; i < skipped->n_ids; i++) {
		free(skipped->ids[i]);
	}
	free(skipped->ids);
	memset(skipped, 0, sizeof(*skipped));
}

int
slurm_parse_squeue(struct slurm_jobs *out, const char *text, long utc_offset,
    struct mlops_error *err)
{
	return slurm_parse_job_lines(out, NULL, text, utc_offset,
	    slurm_parse_squeue_line, slurm_row_id, err);
}

void
slurm_parse_squeue_tolerant(struct slurm_jobs *out,
    struct slurm_skipped *skipped, const char *text, long utc_offset)
{
	(void) slurm_parse_job_lines(out, skipped, text, utc_offset,
	    slurm_parse_squeue_line, slurm_row_id, NULL);
}

/* ---- sacct ------------------------------------------------------------- */

static int
slurm_parse_sacct_line(struct slurm_job *job, char *line, size_t lineno,
    long utc_offset, struct mlops_error *err)
{
	char              *f[SLURM_SACCT_FIELDS];
	struct slurm_job   r = { 0 };
	struct mlops_error sub;
	int                rc = 0;

	if (slurm_fields_split(line, f, SLURM_SACCT_FIELDS, false) < 0) {
		rc = slurm_parse_fail(err, lineno, "sacct",
		    "expected 14 '|'-separated fields", line);
		goto out;
	}
	if (!slurm_job_id_ok(f[0]) || strchr(f[0], '_') != NULL) {
		rc = slurm_parse_fail(
		    err, lineno, "JobIDRaw", "not a job id", f[0]);
		goto out;
	}
	if (!slurm_job_id_ok(f[1])) {
		rc = slurm_parse_fail(
		    err, lineno, "JobID", "not a job id", f[1]);
		goto out;
	}
	r.raw_id = xstrdup(f[0]);
	r.job_id = xstrdup(f[1]);
	slurm_job_array(&r);
	r.state_raw = xstrdup(f[2]);
	r.state     = slurm_state_from_string(f[2]);
	if (slurm_parse_exit_code(&r.exit_code, &r.exit_signal, f[3], &sub)
	    < 0) {
		rc = slurm_parse_fail(
		    err, lineno, "ExitCode", "not an exit code (N:S)", f[3]);
		goto out;
	}
	r.partition = xstrdup(f[9]);
	r.node_list = slurm_dup_value(f[11]);
	r.reason    = slurm_dup_value(f[12]);
	r.name      = xstrdup(f[13]);
	if ((rc = slurm_job_time(
	         &r.submit_time, f[4], utc_offset, lineno, "Submit", err))
	        < 0
	    || (rc = slurm_job_time(
	            &r.start_time, f[5], utc_offset, lineno, "Start", err))
	        < 0
	    || (rc = slurm_job_time(
	            &r.end_time, f[6], utc_offset, lineno, "End", err))
	        < 0
	    || (rc = slurm_job_duration(
	            &r.elapsed_s, f[7], lineno, "Elapsed", err))
	        < 0
	    || (rc = slurm_job_duration(
	            &r.time_limit_s, f[8], lineno, "Timelimit", err))
	        < 0
	    || (rc = slurm_parse_count(&r.nodes, f[10], lineno, "NNodes", err))
	        < 0) {
		goto out;
	}
	*job = r;
	memset(&r, 0, sizeof(r));
out:
	slurm_job_fini(&r);
	return rc;
}

int
slurm_parse_sacct(struct slurm_jobs *out, const char *text, long utc_offset,
    struct mlops_error *err)
{
	return slurm_parse_job_lines(out, NULL, text, utc_offset,
	    slurm_parse_sacct_line, slurm_row_id, err);
}

void
slurm_parse_sacct_tolerant(struct slurm_jobs *out,
    struct slurm_skipped *skipped, const char *text, long utc_offset)
{
	(void) slurm_parse_job_lines(out, skipped, text, utc_offset,
	    slurm_parse_sacct_line, slurm_row_id, NULL);
}

/* ---- scontrol show job -o ---------------------------------------------- */

static int
slurm_parse_show_job_line(struct slurm_job *job, char *line, size_t lineno,
    long utc_offset, struct mlops_error *err)
{
	struct slurm_kv   *kv = NULL;
	struct slurm_job   r  = { 0 };
	struct mlops_error sub;
	const char        *id, *arr, *task, *v;
	long               n;
	int                rc = 0;

	n = slurm_kv_split(line, &kv);
	if (n < 0 || (id = slurm_kv_get(kv, n, "JobId")) == NULL
	    || !slurm_job_id_ok(id) || strchr(id, '_') != NULL) {
		rc = slurm_parse_fail(
		    err, lineno, "JobId", "not a job line", line);
		goto out;
	}
	r.raw_id = xstrdup(id);
	arr      = slurm_kv_get(kv, n, "ArrayJobId");
	task     = slurm_kv_get(kv, n, "ArrayTaskId");
	if (arr != NULL && task != NULL) {
		bool single = task[0] != '\0'
		    && strspn(task, "0123456789") == strlen(task);

		r.job_id = single ? xasprintf("%s_%s", arr, task)
		                  : xasprintf("%s_[%s]", arr, task);
		if (!slurm_job_id_ok(r.job_id)) {
			rc = slurm_parse_fail(
			    err, lineno, "ArrayTaskId", "not a task id", task);
			goto out;
		}
	} else {
		r.job_id = xstrdup(id);
	}
	slurm_job_array(&r);
	v           = slurm_kv_get(kv, n, "JobState");
	r.state_raw = xstrdup(v ? v : "");
	r.state     = slurm_state_from_string(r.state_raw);
	r.name      = xstrdup((v = slurm_kv_get(kv, n, "JobName")) ? v : "");
	r.reason    = slurm_dup_value(slurm_kv_get(kv, n, "Reason"));
	r.partition = xstrdup((v = slurm_kv_get(kv, n, "Partition")) ? v : "");
	r.node_list = slurm_dup_value(slurm_kv_get(kv, n, "NodeList"));
	/* NumNodes is "1" or a requested range "2-4": keep the minimum. */
	v       = slurm_kv_get(kv, n, "NumNodes");
	r.nodes = -1;
	if (v != NULL) {
		char *num = xstrndup(v, strcspn(v, "-"));

		rc = slurm_parse_count(&r.nodes, num, lineno, "NumNodes", err);
		free(num);
		if (rc < 0) {
			goto out;
		}
	}
	r.exit_code = r.exit_signal = -1;
	v                           = slurm_kv_get(kv, n, "ExitCode");
	if (v != NULL
	    && slurm_parse_exit_code(&r.exit_code, &r.exit_signal, v, &sub)
	        < 0) {
		rc = slurm_parse_fail(
		    err, lineno, "ExitCode", "not an exit code (N:S)", v);
		goto out;
	}
	r.elapsed_s = -1;
	if ((v = slurm_kv_get(kv, n, "RunTime")) != NULL
	    && (rc = slurm_job_duration(
	            &r.elapsed_s, v, lineno, "RunTime", err))
	        < 0) {
		goto out;
	}
	r.time_limit_s = SLURM_DURATION_NONE;
	if ((v = slurm_kv_get(kv, n, "TimeLimit")) != NULL
	    && (rc = slurm_job_duration(
	            &r.time_limit_s, v, lineno, "TimeLimit", err))
	        < 0) {
		goto out;
	}
	if ((rc = slurm_job_time(&r.submit_time,
	         slurm_kv_get(kv, n, "SubmitTime"), utc_offset, lineno,
	         "SubmitTime", err))
	        < 0
	    || (rc = slurm_job_time(&r.start_time,
	            slurm_kv_get(kv, n, "StartTime"), utc_offset, lineno,
	            "StartTime", err))
	        < 0
	    || (rc = slurm_job_time(&r.end_time,
	            slurm_kv_get(kv, n, "EndTime"), utc_offset, lineno,
	            "EndTime", err))
	        < 0) {
		goto out;
	}
	*job = r;
	memset(&r, 0, sizeof(r));
out:
	slurm_job_fini(&r);
	free(kv);
	return rc;
}

int
slurm_parse_show_job(struct slurm_jobs *out, const char *text, long utc_offset,
    struct mlops_error *err)
{
	return slurm_parse_job_lines(out, NULL, text, utc_offset,
	    slurm_parse_show_job_line, slurm_show_job_id, err);
}

void
slurm_parse_show_job_tolerant(struct slurm_jobs *out,
    struct slurm_skipped *skipped, const char *text, long utc_offset)
{
	(void) slurm_parse_job_lines(out, skipped, text, utc_offset,
	    slurm_parse_show_job_line, slurm_show_job_id, NULL);
}

/* ---- pending GPU requests ---------------------------------------------- */

/*
 * Adds the GPUs of a TRES list ("gres:gpu:a100:1,gres:gpu:v100:1" or
 * "gres/gpu:a100=1"), times `mult`, to gpus[] (one entry per type).
 */
static int
slurm_parse_tres_gpus(struct slurm_gres **gpus, size_t *n_gpus, const char *s,
    long mult, size_t lineno, const char *field, struct mlops_error *err)
{
	struct slurm_gres *list = NULL;
	size_t             n    = 0;
	char              *copy, *p;
	int                rc = 0;

	if (slurm_is_none(s)) {
		return 0;
	}
	/* Drop the "gres:" / "gres/" prefix of each entry. */
	copy = xstrdup(s);
	p    = copy;
	for (const char *q = s; *q != '\0';) {
		if ((q == s || q[-1] == ',')
		    && (strncmp(q, "gres:", 5) == 0
		        || strncmp(q, "gres/", 5) == 0)) {
			q += 5;
			continue;
		}
		*p++ = *q++;
	}
	*p = '\0';
	if (slurm_parse_gres(&list, &n, copy, NULL) < 0) {
		rc = slurm_parse_fail(
		    err, lineno, field, "not a TRES list", s);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (strcmp(list[i].name, "gpu") != 0) {
			continue;
		}
		for (j = 0; j < *n_gpus; j++) {
			if ((*gpus)[j].typed == list[i].typed
			    && strcmp((*gpus)[j].type, list[i].type) == 0) {
				break;
			}
		}
		if (j == *n_gpus) {
			*gpus = xreallocarray(*gpus, j + 1, sizeof(**gpus));
			(*gpus)[j].name  = xstrdup("gpu");
			(*gpus)[j].type  = xstrdup(list[i].type);
			(*gpus)[j].typed = list[i].typed;
			(*gpus)[j].count = 0;
			(*n_gpus)++;
		}
		(*gpus)[j].count += slurm_count_mul(list[i].count, mult);
		if ((*gpus)[j].count > SLURM_GRES_COUNT_MAX) {
			(*gpus)[j].count = SLURM_GRES_COUNT_MAX;
		}
	}
out:
	slurm_gres_free(list, n);
	free(copy);
	return rc;
}

static void
slurm_gpu_request_fini(struct slurm_gpu_request *r)
{
	free(r->job_id);
	free(r->raw_id);
	slurm_list_free(r->partitions, r->n_partitions);
	slurm_gres_free(r->gpus, r->n_gpus);
	free(r->reason);
}

/* NumNodes/NumTasks: a count, with "N/A" or "" read as 1. */
static int
slurm_pending_count(long *out, const char *s, size_t lineno, const char *field,
    struct mlops_error *err)
{
	if (slurm_is_none(s)) {
		*out = 1;
		return 0;
	}
	return slurm_parse_count(out, s, lineno, field, err);
}

/* Parses one line; *keep is false for jobs that ask for no GPU. */
static int
slurm_parse_pending_line(struct slurm_gpu_request *req, bool *keep, char *line,
    size_t lineno, struct mlops_error *err)
{
	static const char *const names[] = { "tres-per-job", "tres-per-node",
		"tres-per-task", "tres-per-socket" };
	char                    *f[SLURM_PENDING_FIELDS];
	struct slurm_gpu_request r  = { 0 };
	int                      rc = 0;

	*keep = false;
	if (slurm_fields_split(line, f, SLURM_PENDING_FIELDS, true) < 0) {
		rc = slurm_parse_fail(err, lineno, "squeue",
		    "expected 10 '|'-separated fields", line);
		goto out;
	}
	if (!slurm_job_id_ok(f[0]) || strchr(f[0], '_') != NULL) {
		rc = slurm_parse_fail(
		    err, lineno, "JobID", "not a job id", f[0]);
		goto out;
	}
	if (!slurm_job_id_ok(f[1])) {
		rc = slurm_parse_fail(
		    err, lineno, "JobArrayID", "not a job id", f[1]);
		goto out;
	}
	if ((rc = slurm_pending_count(&r.nodes, f[3], lineno, "NumNodes", err))
	        < 0
	    || (rc = slurm_pending_count(
	            &r.tasks, f[4], lineno, "NumTasks", err))
	        < 0) {
		goto out;
	}
	/* Each source gives a total per type; the largest total wins. */
	for (size_t k = 0; k < 4; k++) {
		struct slurm_gres *part = NULL;
		size_t             np   = 0;
		long mult = k == 0 ? 1 : k == 2 ? r.tasks : r.nodes;

		rc = slurm_parse_tres_gpus(
		    &part, &np, f[5 + k], mult, lineno, names[k], err);
		for (size_t i = 0; rc == 0 && i < np; i++) {
			size_t j;

			for (j = 0; j < r.n_gpus; j++) {
				if (r.gpus[j].typed == part[i].typed
				    && strcmp(r.gpus[j].type, part[i].type)
				        == 0) {
					break;
				}
			}
			if (j == r.n_gpus) {
				r.gpus = xreallocarray(
				    r.gpus, j + 1, sizeof(*r.gpus));
				r.gpus[j] = part[i];
				memset(&part[i], 0, sizeof(part[i]));
				r.n_gpus++;
			} else if (part[i].count > r.gpus[j].count) {
				r.gpus[j].count = part[i].count;
			}
		}
		slurm_gres_free(part, np);
		if (rc < 0) {
			goto out;
		}
	}
	if (r.n_gpus == 0) {
		goto out;
	}
	r.job_id     = xstrdup(f[1]);
	r.raw_id     = xstrdup(f[0]);
	r.partitions = slurm_split_list(f[2], &r.n_partitions);
	r.reason     = slurm_dup_value(f[9]);
	*req         = r;
	*keep        = true;
	memset(&r, 0, sizeof(r));
out:
	slurm_gpu_request_fini(&r);
	return rc;
}

int
slurm_parse_pending(
    struct slurm_gpu_requests *out, const char *text, struct mlops_error *err)
{
	struct slurm_gpu_requests res = { NULL, 0 };
	struct slurm_lines        it;
	char                     *line;
	int                       rc = 0;

	slurm_lines_init(&it, text);
	while ((line = slurm_lines_next(&it)) != NULL) {
		bool keep;

		res.v = xreallocarray(res.v, res.n + 1, sizeof(*res.v));
		rc    = slurm_parse_pending_line(
		       &res.v[res.n], &keep, line, it.lineno, err);
		free(line);
		if (rc < 0) {
			goto out;
		}
		if (keep) {
			res.n++;
		}
	}
	*out  = res;
	res.v = NULL;
	res.n = 0;
out:
	slurm_gpu_requests_fini(&res);
	return rc;
}

void
slurm_gpu_requests_fini(struct slurm_gpu_requests *reqs)
{
	if (reqs == NULL) {
		return;
	}
	for (size_t i = 0; i < reqs->n; i++) {
		slurm_gpu_request_fini(&reqs->v[i]);
	}
	free(reqs->v);
	reqs->v = NULL;
	reqs->n = 0;
}

/* ---- squeue --start ---------------------------------------------------- */

static void
slurm_start_fini(struct slurm_start *s)
{
	free(s->job_id);
	free(s->raw_id);
	free(s->sched_nodes);
	free(s->reason);
}

int
slurm_parse_start(struct slurm_starts *out, const char *text, long utc_offset,
    struct mlops_error *err)
{
	struct slurm_starts res = { NULL, 0 };
	struct slurm_lines  it;
	char               *line = NULL;
	int                 rc   = 0;

	slurm_lines_init(&it, text);
	while ((line = slurm_lines_next(&it)) != NULL) {
		char              *f[SLURM_START_FIELDS];
		struct slurm_start s = { 0 };

		if (slurm_fields_split(line, f, SLURM_START_FIELDS, false)
		    < 0) {
			rc = slurm_parse_fail(err, it.lineno, "squeue",
			    "expected 6 '|'-separated fields", line);
			goto out;
		}
		if (!slurm_job_id_ok(f[0])) {
			rc = slurm_parse_fail(
			    err, it.lineno, "JOBID", "not a job id", f[0]);
			goto out;
		}
		if (!slurm_job_id_ok(f[1]) || strchr(f[1], '_') != NULL) {
			rc = slurm_parse_fail(err, it.lineno, "JOBID(raw)",
			    "not a job id", f[1]);
			goto out;
		}
		if ((rc = slurm_job_time(&s.start_time, f[3], utc_offset,
		         it.lineno, "START_TIME", err))
		    < 0) {
			goto out;
		}
		s.job_id      = xstrdup(f[0]);
		s.raw_id      = xstrdup(f[1]);
		s.state       = slurm_state_from_string(f[2]);
		s.sched_nodes = slurm_dup_value(f[4]);
		s.reason      = slurm_dup_value(f[5]);
		res.v = xreallocarray(res.v, res.n + 1, sizeof(*res.v));
		res.v[res.n++] = s;
		free(line);
		line = NULL;
	}
	*out  = res;
	res.v = NULL;
	res.n = 0;
out:
	free(line);
	slurm_starts_fini(&res);
	return rc;
}

void
slurm_starts_fini(struct slurm_starts *starts)
{
	if (starts == NULL) {
		return;
	}
	for (size_t i = 0; i < starts->n; i++) {
		slurm_start_fini(&starts->v[i]);
	}
	free(starts->v);
	starts->v = NULL;
	starts->n = 0;
}
