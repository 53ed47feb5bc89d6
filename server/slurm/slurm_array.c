/*
 * Array task ids and ranges, and MaxArraySize: see slurm_array.h. Pure
 * functions over text.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "slurm_array.h"

/* A decimal number at *p (at most 9 digits); advances *p past it. */
static bool
slurm_array_number(const char **p, long *out)
{
	const char *s = *p;
	long        v = 0;

	if (!isdigit((unsigned char) *s)) {
		return false;
	}
	for (; isdigit((unsigned char) *s); s++) {
		if (s - *p >= 9) {
			return false;
		}
		v = v * 10 + (*s - '0');
	}
	*p   = s;
	*out = v;
	return true;
}

bool
slurm_array_task_split(
    const char *slurm_job_id, char *array_id, size_t len, long *task)
{
	const char *us = slurm_job_id ? strchr(slurm_job_id, '_') : NULL;
	const char *p;
	size_t      n;

	if (us == NULL || us == slurm_job_id) {
		return false;
	}
	n = (size_t) (us - slurm_job_id);
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char) slurm_job_id[i])) {
			return false;
		}
	}
	p = us + 1;
	if (n + 1 > len || !slurm_array_number(&p, task) || *p != '\0') {
		return false;
	}
	memcpy(array_id, slurm_job_id, n);
	array_id[n] = '\0';
	return true;
}

/* "1-3%2" / "0,2,5-7": whether `task` is in the list (up to the '%'). */
static bool
slurm_array_list_has(const char *p, const char *end, long task)
{
	while (p < end) {
		long lo, hi;

		if (!slurm_array_number(&p, &lo)) {
			return false;
		}
		hi = lo;
		if (*p == '-') {
			p++;
			if (!slurm_array_number(&p, &hi)) {
				return false;
			}
		}
		if (task >= lo && task <= hi) {
			return true;
		}
		if (*p != ',') {
			return false; /* the end, or the "%K" throttle */
		}
		p++;
	}
	return false;
}

bool
slurm_array_covers(const char *job_id, const char *array_id, long task)
{
	size_t      n = strlen(array_id);
	const char *p, *end;
	long        t;

	if (job_id == NULL || strncmp(job_id, array_id, n) != 0
	    || job_id[n] != '_') {
		return false;
	}
	p = job_id + n + 1;
	if (*p != '[') {
		return slurm_array_number(&p, &t) && *p == '\0' && t == task;
	}
	p++;
	if ((end = strchr(p, ']')) == NULL || end[1] != '\0') {
		return false;
	}
	return slurm_array_list_has(p, end, task);
}

const struct slurm_job *
slurm_array_find(const struct slurm_jobs *jobs, const char *slurm_job_id)
{
	char                    array_id[32];
	long                    task;
	const struct slurm_job *range = NULL, *own = NULL;

	/* The last of several lines of one id: Slurm reused the id, and
	 * accounting lists the newest job last. */
	for (size_t i = 0; i < jobs->n; i++) {
		if (strcmp(jobs->v[i].job_id, slurm_job_id) == 0) {
			own = &jobs->v[i];
		}
	}
	if (own != NULL) {
		return own;
	}
	if (!slurm_array_task_split(
	        slurm_job_id, array_id, sizeof(array_id), &task)) {
		return NULL;
	}
	for (size_t i = 0; i < jobs->n && range == NULL; i++) {
		if (strchr(jobs->v[i].job_id, '[') != NULL
		    && slurm_array_covers(jobs->v[i].job_id, array_id, task)) {
			range = &jobs->v[i];
		}
	}
	return range;
}

bool
slurm_array_names(
    const char *const *ids, size_t n_ids, const char *slurm_job_id)
{
	char array_id[32];
	long task;
	bool is_task = slurm_array_task_split(
	    slurm_job_id, array_id, sizeof(array_id), &task);

	for (size_t i = 0; i < n_ids; i++) {
		if (strcmp(ids[i], slurm_job_id) == 0
		    || (is_task
		        && slurm_array_covers(ids[i], array_id, task))) {
			return true;
		}
	}
	return false;
}

bool
slurm_array_listed(const struct slurm_jobs *jobs, const char *array_id)
{
	for (size_t i = 0; i < jobs->n; i++) {
		if (jobs->v[i].array_job_id != NULL
		    && strcmp(jobs->v[i].array_job_id, array_id) == 0) {
			return true;
		}
	}
	return false;
}

int
slurm_array_parse_max_size(
    long *out, const char *text, struct mlops_error *err)
{
	static const char key[] = "MaxArraySize";
	const char       *line  = text;

	while (line != NULL && *line != '\0') {
		const char *p = line;

		if (strncmp(p, key, sizeof(key) - 1) == 0
		    && (p[sizeof(key) - 1] == ' '
		        || p[sizeof(key) - 1] == '=')) {
			long v;

			p += sizeof(key) - 1;
			while (*p == ' ') {
				p++;
			}
			if (*p++ != '=') {
				break;
			}
			while (*p == ' ') {
				p++;
			}
			if (!slurm_array_number(&p, &v)
			    || (*p != '\n' && *p != '\0' && *p != ' ')) {
				break;
			}
			*out = v;
			return 0;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return mlops_error_set_field(err, MLOPS_EPARSE, "MaxArraySize",
	    "scontrol show config: no MaxArraySize = N line");
}
