/*
 * sbatch: validation of every field before anything is rendered. Each bad
 * value is refused with MLOPS_EINVAL and the field it belongs to; Slurm
 * time limits are parsed with their range checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/strbuf.h>

#include "sbatch.h"
#include "sbatch_spec_base.h"

static void
sb_assert_bad(const struct sbatch_spec *s, const char *field, int line)
{
	struct mlops_error err = { 0 };
	int                rc  = sbatch_validate(s, &err);
	size_t             n   = strlen(field);

	if (rc != MLOPS_EINVAL || strcmp(err.field, field) != 0
	    || strncmp(err.msg, field, n) != 0 || strncmp(err.msg + n, ": ", 2)
	    || err.code != MLOPS_EINVAL) {
		fail_msg(
		    "line %d: want EINVAL on %s, got %d field '%s' msg '%s'",
		    line, field, rc, err.field, err.msg);
	}
}

#define SB_BAD(field, stmt)                         \
	do {                                        \
		struct sbatch_spec  s_ = sb_base(); \
		struct sbatch_spec *s  = &s_;       \
		stmt;                               \
		sb_assert_bad(s, field, __LINE__);  \
	} while (0)

#define SB_GOOD(stmt)                                               \
	do {                                                        \
		struct sbatch_spec  s_  = sb_base();                \
		struct sbatch_spec *s   = &s_;                      \
		struct mlops_error  err = { 0 };                    \
		stmt;                                               \
		if (sbatch_validate(s, &err) != 0) {                \
			fail_msg("line %d: %s", __LINE__, err.msg); \
		}                                                   \
	} while (0)

static void
test_validate_identity(void **state)
{
	(void) state;
	SB_GOOD((void) s);
	SB_BAD("job_id", s->job_id = 0);
	SB_BAD("job_id", s->job_id = -7);
	SB_BAD("project", s->project = NULL);
	SB_BAD("project", s->project = "");
	SB_GOOD(s->project = "any text, even 'this'");
	SB_BAD("cluster", s->cluster = NULL);
	SB_BAD("cluster", s->cluster = "al pha");
	SB_BAD("cluster", s->cluster = "al/pha");
	SB_BAD("commit", s->commit = NULL);
	SB_BAD("commit", s->commit = "012345");
	SB_BAD("commit", s->commit = "0123456z");
	SB_BAD("commit", s->commit = SHA "0123456789abcdef0123456789");
	SB_GOOD(s->commit = "0123456");
	SB_GOOD(s->description = NULL);
	SB_GOOD(s->description = "\n#SBATCH --x\x01\xff $(x) `y`");
}

static void
test_validate_resources(void **state)
{
	(void) state;
	SB_BAD("partition", s->partition = NULL);
	SB_BAD("partition", s->partition = "");
	SB_BAD("partition", s->partition = "gpu part");
	SB_BAD("partition", s->partition = "-gpu");
	SB_BAD("partition", s->partition = "gpu\n#SBATCH --qos=x");
	SB_BAD("partition", s->partition = "gpu#1");
	SB_BAD("partition", s->partition = "gpu,cpu");
	SB_GOOD(s->partition = "gpu_v2.large-1");
	SB_BAD("nodes", s->nodes = 0);
	SB_BAD("nodes", s->nodes = 1025);
	SB_GOOD(s->nodes = 1024);
	SB_BAD("gpus_per_node", s->gpus_per_node = -1);
	SB_BAD("gpus_per_node", s->gpus_per_node = 65);
	SB_GOOD(s->gpus_per_node = 64);
	SB_GOOD((s->gpus_per_node = 0, s->gpu_type = NULL));
	SB_BAD("gpu_type", s->gpus_per_node = 0);
	SB_BAD("gpu_type", s->gpu_type = "a100 ");
	SB_BAD("gpu_type", s->gpu_type = "-a100");
	SB_BAD("gpu_type", s->gpu_type = "a100:2");
	SB_BAD("gpu_type", s->gpu_type = "");
	SB_BAD("gpu_request_style",
	    s->gpu_request_style = (enum sbatch_gpu_style) 7);
	SB_BAD("cpus_per_task", s->cpus_per_task = 0);
	SB_BAD("cpus_per_task", s->cpus_per_task = 1025);
	SB_BAD("account", s->account = "ml lab");
	SB_BAD("account", s->account = "");
	SB_BAD("qos", s->qos = "high;x");
	SB_BAD("qos", s->qos = "-high");
	SB_GOOD((s->account = "ml-lab", s->qos = "normal"));
}

static void
test_validate_mem(void **state)
{
	static const char *const good[]
	    = { "1", "32G", "4096", "512M", "1T", "100K", "01G" };
	static const char *const bad[] = { "", "0", "00G", "32GB", "32g", "-1",
		"1.5G", "G", "32 G", "32G\n", "1234567890123456", "32P" };

	(void) state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		SB_GOOD(s->mem = good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SB_BAD("mem", s->mem = bad[i]);
	}
	SB_GOOD(s->mem = NULL);
}

static void
test_parse_time(void **state)
{
	static const struct {
		const char *s;
		int64_t     secs;
	} good[] = {
		{ "90", 5400 },
		{ "1", 60 },
		{ "5:30", 330 },
		{ "100:59", 6059 },
		{ "01:00:00", 3600 },
		{ "48:00:00", 172800 },
		{ "0:0:1", 1 },
		{ "1-0", 86400 },
		{ "2-12", 216000 },
		{ "1-02:03", 93780 },
		{ "1-02:03:04", 93784 },
		{ "0-0:1", 60 },
		{ "7-00:00:00", 604800 },
	};
	static const char *const bad[] = { "", "x", "0", "00", "0:0",
		"0:00:00", "0-0", "0-00:00:00", "60:60", "1:60:00", "1:00:60",
		"1-24", "1-23:60", "1-23:59:60", "1:2:3:4", "1-2:3:4:5", "-1",
		"1-", "-", ":5", "5:", " 5", "5 ", "1--2", "1-2-3",
		"123456789", "1:123", "UNLIMITED", "INFINITE", "+5",
		"1-2:3:", "1.5", "5\n", "1-002" };
	int64_t                  secs;

	(void) state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		secs = -1;
		if (sbatch_parse_time(good[i].s, &secs) != 0) {
			fail_msg("'%s' should parse", good[i].s);
		}
		assert_int_equal(secs, good[i].secs);
		SB_GOOD(s->time_limit = good[i].s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		secs = -1;
		if (sbatch_parse_time(bad[i], &secs) != MLOPS_EINVAL) {
			fail_msg("'%s' should not parse", bad[i]);
		}
		assert_int_equal(secs, -1); /* untouched */
		SB_BAD("time_limit", s->time_limit = bad[i]);
	}
	assert_int_equal(sbatch_parse_time(NULL, &secs), MLOPS_EINVAL);
	SB_GOOD(s->time_limit = NULL);
}

static void
test_validate_environment(void **state)
{
	static const struct sbatch_env bad_name[]  = { { "1X", "v" } };
	static const struct sbatch_env bad_dash[]  = { { "A-B", "v" } };
	static const struct sbatch_env bad_empty[] = { { "", "v" } };
	static const struct sbatch_env bad_null[]  = { { NULL, "v" } };
	static const struct sbatch_env bad_value[] = { { "A", NULL } };
	static const struct sbatch_env good[]
	    = { { "_a1", "\n$(x)'\"" }, { "A", "" } };
	static const char *const setup_null[] = { "module load x", NULL };

	(void) state;
	SB_BAD("env", (s->env = bad_name, s->n_env = 1));
	SB_BAD("env", (s->env = bad_dash, s->n_env = 1));
	SB_BAD("env", (s->env = bad_empty, s->n_env = 1));
	SB_BAD("env", (s->env = bad_null, s->n_env = 1));
	SB_BAD("env", (s->env = bad_value, s->n_env = 1));
	SB_BAD("env", (s->env = NULL, s->n_env = 2));
	SB_GOOD((s->env = good, s->n_env = 2));
	SB_BAD("conda_env", s->conda_env = "");
	SB_BAD("conda_env", s->conda_env = "-n");
	SB_GOOD(s->conda_env = "/opt/envs/my env");
	SB_BAD("setup", s->setup = ((struct sbatch_list) { setup_null, 2 }));
	SB_BAD("setup", s->setup = ((struct sbatch_list) { NULL, 1 }));
}

static void
test_validate_paths(void **state)
{
	static const char *const bad[] = { "relative/dir", "", "/a b",
		"/a/../b", "/a/./b", "/a/..", "/x/%j", "/a:b", "/a\nb", "/a#b",
		"/a'b", "/a$b", "/a\\b" };

	(void) state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SB_BAD("job_dir", s->job_dir = bad[i]);
		SB_BAD("code_dir", s->code_dir = bad[i]);
		SB_BAD("stdout_path", s->stdout_path = bad[i]);
		SB_BAD("stderr_path", s->stderr_path = bad[i]);
	}
	SB_BAD("job_dir", s->job_dir = NULL);
	SB_BAD("code_dir", s->code_dir = NULL);
	SB_BAD("stdout_path", s->stdout_path = NULL);
	SB_BAD("stderr_path", s->stderr_path = NULL);
	SB_GOOD(s->job_dir = "/home/u.name/ws/p_1/7-abc+d,e@f=g~h...x");
}

static void
test_validate_run(void **state)
{
	static const char *const null_ov[] = { "a=1", NULL };
	char                    *hostile[MAX_ARGS];
	size_t                   n          = sb_hostile(hostile, "/tmp/x");
	const struct sbatch_list t_null[]   = { { null_ov, 2 } };
	const struct sbatch_list t_ok[]     = { { NULL, 0 }, { null_ov, 1 } };
	static const int64_t     bad_ids[]  = { 7, 0 };
	static const int64_t     good_ids[] = { 7, 8 };
	struct sbatch_array      a;

	(void) state;
	SB_BAD("train_script", s->train_script = NULL);
	SB_BAD("train_script", s->train_script = "");
	SB_BAD("train_script", s->train_script = "/abs/train.py");
	SB_BAD("train_script", s->train_script = "-c");
	SB_BAD("train_script", s->train_script = "a\nb.py");
	SB_GOOD(s->train_script = "scripts/my train.py");
	SB_BAD("config_name", s->config_name = "");
	SB_GOOD(s->config_name = "-odd name");
	SB_BAD("package_name", s->package_name = "a b");
	SB_BAD("package_name", s->package_name = "-a");
	SB_GOOD(s->package_name = "my_pkg.sub-1");
	SB_BAD(
	    "overrides", s->overrides = ((struct sbatch_list) { null_ov, 2 }));
	SB_BAD("default_overrides",
	    s->default_overrides = ((struct sbatch_list) { null_ov, 2 }));
	/* any text at all is a valid override */
	SB_GOOD(s->overrides
	    = ((struct sbatch_list) { (const char *const *) hostile, n }));

	a = (struct sbatch_array) { 0, 0, t_ok, NULL };
	SB_BAD("array", s->array = &a);
	a = (struct sbatch_array) { SBATCH_MAX_ARRAY_SIZE + 1, 0, t_ok, NULL };
	SB_BAD("array", s->array = &a);
	a = (struct sbatch_array) { 2, 3, t_ok, NULL };
	SB_BAD("array", s->array = &a);
	a = (struct sbatch_array) { 2, 0, NULL, NULL };
	SB_BAD("array", s->array = &a);
	a = (struct sbatch_array) { 1, 1, t_null, NULL };
	SB_BAD("array", s->array = &a);
	a = (struct sbatch_array) { 2, 2, t_ok, NULL };
	SB_GOOD(s->array = &a);
	a = (struct sbatch_array) { 2, 2, t_ok, bad_ids };
	SB_BAD("array", s->array = &a);
	a = (struct sbatch_array) { 2, 2, t_ok, good_ids };
	SB_GOOD(s->array = &a);
	for (size_t i = 0; i < n; i++) {
		free(hostile[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_identity),
		cmocka_unit_test(test_validate_resources),
		cmocka_unit_test(test_validate_mem),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_validate_environment),
		cmocka_unit_test(test_validate_paths),
		cmocka_unit_test(test_validate_run),
	};

	return cmocka_run_group_tests_name(
	    "sbatch_validate", tests, NULL, NULL);
}
