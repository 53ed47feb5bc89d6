/*
 * Helpers shared by the test_slurm_*.c files: read and parse a fixture of
 * tests/fixtures/slurm/, find a job, and assert parse errors and GRES
 * entries. Include
 * after <cmocka.h>.
 */
#ifndef MLOPS_TESTS_TEST_SLURM_UTIL_H
#define MLOPS_TESTS_TEST_SLURM_UTIL_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "slurm_parse.h"
#include "testutil.h"

/* Unix times of the sandbox's (UTC) timestamps the fixtures hold. */
#define T_16_53_24 1795884804
#define T_16_53_25 1795884805
#define T_17_03_25 1795885405
#define T_16_55_00 1795884900
#define T_16_56_06 1795884966
#define T_16_56_10 1795884970
#define T_16_56_11 1795884971
#define T_16_56_14 1795884974
#define T_16_56_16 1795884976
#define T_16_56_34 1795884994
#define T_16_57_22 1795885042

/* The fixture's text; the caller frees it. */
static inline char *
fx(const char *name)
{
	char *path = xasprintf("%s/slurm/%s", MLOPS_FIXTURES, name);
	char *text = testutil_read(path, NULL);

	if (text == NULL) {
		print_error("cannot read %s\n", path);
	}
	assert_non_null(text);
	free(path);
	return text;
}

/* rc is MLOPS_EPARSE and the message names `line` and `field`. */
static inline void
expect_eparse(
    int rc, const struct mlops_error *err, const char *line, const char *field)
{
	assert_int_equal(rc, MLOPS_EPARSE);
	assert_int_equal(err->code, MLOPS_EPARSE);
	if ((line != NULL && strstr(err->msg, line) == NULL)
	    || strstr(err->msg, field) == NULL
	    || strcmp(err->field, field) != 0) {
		print_error("msg '%s' field '%s': want '%s' and '%s'\n",
		    err->msg, err->field, line ? line : "", field);
	}
	if (line != NULL) {
		assert_non_null(strstr(err->msg, line));
	}
	assert_non_null(strstr(err->msg, field));
	assert_string_equal(err->field, field);
}

/* The job `id` among `jobs`; fails the test when there is none. */
static inline const struct slurm_job *
job_id(const struct slurm_jobs *jobs, const char *id)
{
	for (size_t i = 0; i < jobs->n; i++) {
		if (strcmp(jobs->v[i].job_id, id) == 0) {
			return &jobs->v[i];
		}
	}
	print_error("no job %s\n", id);
	fail();
	return NULL;
}

/* Parses fixture `name` with `fn` (a squeue, sacct or scontrol parser),
 * which must succeed. */
static inline void
parse_jobs(struct slurm_jobs *jobs, const char *name,
    int (*fn)(struct slurm_jobs *, const char *, long, struct mlops_error *))
{
	struct mlops_error err  = { 0 };
	char              *text = fx(name);
	int                rc   = fn(jobs, text, 0, &err);

	if (rc != 0) {
		print_error("%s: %s\n", name, err.msg);
	}
	assert_int_equal(rc, 0);
	free(text);
}

static inline void
expect_gres(const struct slurm_gres *g, const char *name, const char *type,
    bool typed, long count)
{
	assert_string_equal(g->name, name);
	assert_string_equal(g->type, type);
	assert_int_equal(g->typed, typed);
	assert_int_equal(g->count, count);
}

#endif
