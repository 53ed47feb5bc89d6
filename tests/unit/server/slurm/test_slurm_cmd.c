/*
 * slurm_cmd: each builder's exact argv (the commands the fixtures in
 * tests/fixtures/slurm/ were recorded with), the single-id doubling, and
 * the rejection of bad job ids, names, lists and paths with MLOPS_EINVAL
 * naming the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include <mlops/shquote.h>
#include "slurm_cmd.h"

/* Joins argv with single spaces, unquoted, for comparison. */
static char *
cmd_join(char **argv)
{
	size_t len = 1;
	char  *s;

	for (size_t i = 0; argv[i] != NULL; i++) {
		len += strlen(argv[i]) + 1;
	}
	s    = xmalloc(len);
	s[0] = '\0';
	for (size_t i = 0; argv[i] != NULL; i++) {
		if (i > 0) {
			strcat(s, " ");
		}
		strcat(s, argv[i]);
	}
	return s;
}

static void
expect_argv(char **argv, const char *want)
{
	char *got;

	assert_non_null(argv);
	got = cmd_join(argv);
	if (strcmp(got, want) != 0) {
		print_error("got:  %s\nwant: %s\n", got, want);
	}
	assert_string_equal(got, want);
	free(got);
	slurm_argv_free(argv);
}

static void
test_slurm_cmd_fixed(void **state)
{
	(void) state;
	expect_argv(slurm_cmd_version(), "sinfo --version");
	expect_argv(slurm_cmd_partitions(), "scontrol show partition -o");
	expect_argv(slurm_cmd_nodes(), "scontrol -d -o show node");
	expect_argv(slurm_cmd_pending_gpus(),
	    "squeue -h -r -t PENDING -O "
	    "JobID:|,JobArrayID:|,Partition:|,NumNodes:|,NumTasks:|,"
	    "tres-per-job:|,tres-per-node:|,tres-per-task:|,"
	    "tres-per-socket:|,Reason:|");
	slurm_argv_free(NULL);
}

static void
test_slurm_cmd_poll(void **state)
{
	const char *const  one[]  = { "6" };
	const char *const  many[] = { "6", "40_2", "99999" };
	struct mlops_error err    = { 0 };
	char             **argv   = NULL;

	(void) state;
	/* One id is doubled: a lone unknown id makes squeue fail. */
	assert_int_equal(slurm_cmd_poll(&argv, one, 1, &err), 0);
	expect_argv(argv,
	    "env TZ=UTC SLURM_TIME_FORMAT=standard squeue -h -r -t all -j 6,6 "
	    "-O " SLURM_CMD_POLL_FORMAT);
	assert_int_equal(slurm_cmd_poll(&argv, many, 3, &err), 0);
	expect_argv(argv,
	    "env TZ=UTC SLURM_TIME_FORMAT=standard squeue -h -r -t all -j "
	    "6,40_2,99999 -O " SLURM_CMD_POLL_FORMAT);
	assert_int_equal(slurm_cmd_sacct(&argv, one, 1, &err), 0);
	expect_argv(argv,
	    "env TZ=UTC SLURM_TIME_FORMAT=standard sacct -n -P -X -j 6 "
	    "-o " SLURM_CMD_SACCT_FORMAT);
	assert_int_equal(slurm_cmd_sacct(&argv, many, 3, &err), 0);
	expect_argv(argv,
	    "env TZ=UTC SLURM_TIME_FORMAT=standard sacct -n -P -X -j "
	    "6,40_2,99999 -o " SLURM_CMD_SACCT_FORMAT);
}

static void
test_slurm_cmd_single(void **state)
{
	struct mlops_error err  = { 0 };
	char             **argv = NULL;

	(void) state;
	assert_int_equal(slurm_cmd_show_job(&argv, "40", &err), 0);
	expect_argv(argv,
	    "env TZ=UTC SLURM_TIME_FORMAT=standard scontrol show job -o 40");
	assert_int_equal(slurm_cmd_start(&argv, "31", &err), 0);
	expect_argv(argv,
	    "env TZ=UTC SLURM_TIME_FORMAT=standard squeue -h --start -j 31,31 "
	    "-o %i|%A|%T|%S|%Y|%r");
	assert_int_equal(slurm_cmd_cancel(&argv, "40_2", &err), 0);
	expect_argv(argv, "scancel 40_2");
	assert_int_equal(
	    slurm_cmd_sbatch(
	        &argv, "/home/mlops/ws-alpha/proj/7-abc/job.sbatch", &err),
	    0);
	expect_argv(argv,
	    "sbatch --parsable /home/mlops/ws-alpha/proj/7-abc/job.sbatch");
	/* A path with spaces and quotes is one argv element. */
	assert_int_equal(
	    slurm_cmd_sbatch(&argv, "ws/it's a dir/job.sbatch", &err), 0);
	assert_string_equal(argv[2], "ws/it's a dir/job.sbatch");
	assert_null(argv[3]);
	slurm_argv_free(argv);
}

static void
test_slurm_cmd_names(void **state)
{
	const char *const  names[] = { "mlops-42", "fx-array" };
	struct mlops_error err     = { 0 };
	char             **argv    = NULL;

	(void) state;
	assert_int_equal(slurm_cmd_sacct_by_name(&argv, names, 2, 7, &err), 0);
	expect_argv(argv,
	    "env TZ=UTC SLURM_TIME_FORMAT=standard sacct -n -P -X "
	    "--name=mlops-42,fx-array -S now-7days "
	    "-o " SLURM_CMD_SACCT_FORMAT);
	assert_int_equal(slurm_cmd_squeue_by_name(&argv, names, 1, &err), 0);
	expect_argv(argv,
	    "env TZ=UTC SLURM_TIME_FORMAT=standard squeue -h -r --me -t all "
	    "--name=mlops-42 -O " SLURM_CMD_POLL_FORMAT);
}

static void
test_slurm_cmd_ids_valid(void **state)
{
	static const char *const good[]
	    = { "0", "1", "12345", "123_4", "4294967294", "1_0" };
	static const char *const bad[] = { "", "-1", "12a", "1_", "_1",
		"1_2_3", "1,2", "1 2", "1;rm -rf /", "$(id)", "123_[1-4]",
		"1+0", " 1", "1\n", "123456789012345678901234567890123" };

	(void) state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_true(slurm_job_id_valid(good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (slurm_job_id_valid(bad[i])) {
			print_error("accepted: '%s'\n", bad[i]);
		}
		assert_false(slurm_job_id_valid(bad[i]));
	}
	assert_false(slurm_job_id_valid(NULL));
}

static void
test_slurm_cmd_names_valid(void **state)
{
	static const char *const good[]
	    = { "mlops-42", "a", "x.y_z+1", "MLOPS_7-abc" };
	static const char *const bad[] = { "", "-x", "a,b", "a b", "a|b",
		"a'b", "a\"b", "a;b", "a$b", "a\nb", "a=b", "a/b", "a*" };
	char                     long_name[SLURM_CMD_NAME_MAX + 2];

	(void) state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_true(slurm_job_name_valid(good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(slurm_job_name_valid(bad[i]));
	}
	assert_false(slurm_job_name_valid(NULL));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_false(slurm_job_name_valid(long_name));
	long_name[SLURM_CMD_NAME_MAX] = '\0';
	assert_true(slurm_job_name_valid(long_name));
}

/* Calls `rc` expecting MLOPS_EINVAL on `field`, with argv untouched. */
#define EXPECT_EINVAL(call, want_field)                      \
	do {                                                 \
		struct mlops_error e_  = { 0 };              \
		char             **a_  = NULL;               \
		int                rc_ = (call);             \
		assert_int_equal(rc_, MLOPS_EINVAL);         \
		assert_int_equal(e_.code, MLOPS_EINVAL);     \
		assert_string_equal(e_.field, want_field);   \
		assert_non_null(strstr(e_.msg, want_field)); \
		assert_null(a_);                             \
	} while (0)

static void
test_slurm_cmd_rejects(void **state)
{
	const char *const bad_id[]   = { "6", "6;scancel -u mlops" };
	const char *const null_id[]  = { NULL };
	const char *const bad_name[] = { "ok", "a,b" };
	const char      **many = xcalloc(SLURM_CMD_MAX_IDS + 1, sizeof(*many));

	(void) state;
	for (size_t i = 0; i < SLURM_CMD_MAX_IDS + 1; i++) {
		many[i] = "1";
	}
	EXPECT_EINVAL(slurm_cmd_poll(&a_, bad_id, 2, &e_), "job_id");
	EXPECT_EINVAL(slurm_cmd_poll(&a_, null_id, 1, &e_), "job_id");
	EXPECT_EINVAL(slurm_cmd_poll(&a_, NULL, 0, &e_), "job_ids");
	EXPECT_EINVAL(slurm_cmd_poll(&a_, bad_id, 0, &e_), "job_ids");
	EXPECT_EINVAL(
	    slurm_cmd_poll(&a_, many, SLURM_CMD_MAX_IDS + 1, &e_), "job_ids");
	EXPECT_EINVAL(slurm_cmd_sacct(&a_, bad_id, 2, &e_), "job_id");
	EXPECT_EINVAL(slurm_cmd_sacct(&a_, NULL, 0, &e_), "job_ids");
	EXPECT_EINVAL(slurm_cmd_show_job(&a_, "1 2", &e_), "job_id");
	EXPECT_EINVAL(slurm_cmd_show_job(&a_, NULL, &e_), "job_id");
	EXPECT_EINVAL(slurm_cmd_start(&a_, "x", &e_), "job_id");
	EXPECT_EINVAL(slurm_cmd_cancel(&a_, "-u", &e_), "job_id");
	EXPECT_EINVAL(slurm_cmd_cancel(&a_, "", &e_), "job_id");
	EXPECT_EINVAL(
	    slurm_cmd_sacct_by_name(&a_, bad_name, 2, 7, &e_), "job_name");
	EXPECT_EINVAL(
	    slurm_cmd_sacct_by_name(&a_, NULL, 0, 7, &e_), "job_names");
	EXPECT_EINVAL(
	    slurm_cmd_sacct_by_name(&a_, bad_name, 1, 0, &e_), "days");
	EXPECT_EINVAL(
	    slurm_cmd_sacct_by_name(&a_, bad_name, 1, 3651, &e_), "days");
	EXPECT_EINVAL(
	    slurm_cmd_squeue_by_name(&a_, bad_name, 2, &e_), "job_name");
	EXPECT_EINVAL(slurm_cmd_sbatch(&a_, "", &e_), "script_path");
	EXPECT_EINVAL(slurm_cmd_sbatch(&a_, NULL, &e_), "script_path");
	EXPECT_EINVAL(slurm_cmd_sbatch(&a_, "--wrap=id", &e_), "script_path");
	EXPECT_EINVAL(
	    slurm_cmd_sbatch(&a_, "job\n.sbatch", &e_), "script_path");
	/* NULL err is allowed. */
	{
		char **a = NULL;

		assert_int_equal(
		    slurm_cmd_cancel(&a, "bad", NULL), MLOPS_EINVAL);
		assert_null(a);
	}
	free(many);
}

/* What sshexec will send: every element survives as one plain word. */
static void
test_slurm_cmd_quoted(void **state)
{
	const char *const  ids[] = { "6", "7" };
	struct mlops_error err   = { 0 };
	char             **argv  = NULL;
	char              *line;

	(void) state;
	assert_int_equal(slurm_cmd_poll(&argv, ids, 2, &err), 0);
	line = shquote_argv((const char *const *) argv);
	assert_string_equal(line,
	    "env 'TZ=UTC' 'SLURM_TIME_FORMAT=standard' squeue -h -r -t all "
	    "-j 6,7 -O '" SLURM_CMD_POLL_FORMAT "'");
	free(line);
	slurm_argv_free(argv);
}

static void
test_slurm_cmd_version_floor(void **state)
{
	struct mlops_error err = { 0 };

	(void) state;
	assert_int_equal(slurm_cmd_check_version(22, 5, "22.05.8", &err), 0);
	assert_int_equal(slurm_cmd_check_version(20, 11, "20.11.9", &err), 0);
	assert_int_equal(slurm_cmd_check_version(-1, -1, "", &err), 0);
	assert_int_equal(
	    slurm_cmd_check_version(20, 2, "20.02.7", &err), MLOPS_ESLURM);
	assert_non_null(strstr(err.msg, "Slurm 20.02.7 is older than 20.11"));
	assert_int_equal(
	    slurm_cmd_check_version(19, 5, "19.05.5", &err), MLOPS_ESLURM);
	/* Supported from 20.11 on; tested with the sandbox's two. */
	assert_true(slurm_cmd_version_tested(22, 5));
	assert_true(slurm_cmd_version_tested(24, 11));
	assert_false(slurm_cmd_version_tested(23, 2));
	assert_false(slurm_cmd_version_tested(24, 5));
	assert_false(slurm_cmd_version_tested(-1, -1));
	assert_int_equal(slurm_cmd_check_version(23, 2, "23.02.7", &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slurm_cmd_fixed),
		cmocka_unit_test(test_slurm_cmd_poll),
		cmocka_unit_test(test_slurm_cmd_single),
		cmocka_unit_test(test_slurm_cmd_names),
		cmocka_unit_test(test_slurm_cmd_ids_valid),
		cmocka_unit_test(test_slurm_cmd_names_valid),
		cmocka_unit_test(test_slurm_cmd_rejects),
		cmocka_unit_test(test_slurm_cmd_quoted),
		cmocka_unit_test(test_slurm_cmd_version_floor),
	};

	return cmocka_run_group_tests_name("slurm_cmd", tests, NULL, NULL);
}
