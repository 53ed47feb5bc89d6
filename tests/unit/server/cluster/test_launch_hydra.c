/*
 * launch_hydra: a launch's Hydra check. The config directory found (or
 * not) under the project, the errors naming config_name /
 * hydra_config_dir / overrides, the project's default_overrides checked
 * first, and the JSON handed to the store.
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

#include <json-c/json.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "config.h"
#include "launch_hydra.h"
#include "testutil.h"

#define TREE(name) MLOPS_FIXTURES "/hydra/" name

static struct project_config *
pc_of(const char *yaml)
{
	struct project_config *pc  = NULL;
	struct mlops_error     err = { 0 };

	if (project_config_parse(&pc, "test.yaml", yaml, strlen(yaml), &err)
	    != 0) {
		fail_msg("project_config_parse: %s", err.msg);
	}
	return pc;
}

/* No conf/ in the project: nothing to check, not an error. */
static void
test_no_dir(void **state)
{
	char                  *root = testutil_mkdtemp("lhydra");
	struct project_config *pc   = pc_of("");
	struct launch_hydra   *h    = (void *) 1;
	struct mlops_error     err  = { 0 };

	(void) state;
	assert_int_equal(launch_hydra_open(&h, root, pc, NULL, &err), 0);
	assert_null(h);
	/* a file named conf is not a directory either */
	assert_int_equal(testutil_write(root, "conf", "x\n"), 0);
	assert_int_equal(launch_hydra_open(&h, root, pc, "", &err), 0);
	assert_null(h);
	project_config_free(pc);
	testutil_rmtree(root);
	free(root);
}

/* <root>/conf by default, hydra_config_dir relative or absolute. */
static void
test_dirs(void **state)
{
	char                  *root = testutil_mkdtemp("lhydra");
	struct project_config *pc   = pc_of("");
	struct launch_hydra   *h    = NULL;
	struct mlops_error     err  = { 0 };
	char                  *want;

	(void) state;
	assert_int_equal(
	    testutil_write(root, "conf/config.yaml", "seed: 1\n"), 0);
	assert_int_equal(
	    testutil_write(root, "hydra/train.yaml", "seed: 2\n"), 0);
	assert_int_equal(launch_hydra_open(&h, root, pc, NULL, &err), 0);
	assert_non_null(h);
	want = xasprintf("%s/conf", root);
	assert_string_equal(launch_hydra_dir(h), want);
	free(want);
	launch_hydra_free(h);
	project_config_free(pc);

	pc = pc_of("hydra_config_dir: hydra\n");
	assert_int_equal(launch_hydra_open(&h, root, pc, "train", &err), 0);
	assert_non_null(h);
	assert_non_null(launch_hydra_config(h));
	launch_hydra_free(h);
	project_config_free(pc);

	pc = pc_of("hydra_config_dir: " TREE("ml") "\n");
	assert_int_equal(launch_hydra_open(&h, root, pc, NULL, &err), 0);
	assert_string_equal(launch_hydra_dir(h), TREE("ml"));
	launch_hydra_free(h);
	project_config_free(pc);
	testutil_rmtree(root);
	free(root);
}

static void
test_open_errors(void **state)
{
	struct project_config *pc = pc_of("hydra_config_dir: " TREE("ml"));
	struct project_config *bad
	    = pc_of("hydra_config_dir: " TREE("bad_syntax"));
	struct launch_hydra *h   = NULL;
	struct mlops_error   err = { 0 };

	(void) state;
	assert_int_equal(
	    launch_hydra_open(&h, "/nonexistent", pc, "train", &err),
	    MLOPS_ENOTFOUND);
	assert_null(h);
	assert_string_equal(err.field, "config_name");
	assert_string_equal(
	    err.msg, TREE("ml") "/train.yaml: no primary config 'train'");
	assert_int_equal(
	    launch_hydra_open(&h, "/nonexistent", bad, NULL, &err),
	    MLOPS_ECONFIG);
	assert_null(h);
	assert_string_equal(err.field, "hydra_config_dir");
	assert_non_null(
	    strstr(err.msg, "/config.yaml:4:2: YAML syntax error"));
	project_config_free(pc);
	project_config_free(bad);
}

static void
test_check(void **state)
{
	struct project_config *pc   = pc_of("hydra_config_dir: " TREE("ml"));
	struct launch_hydra   *h    = NULL;
	struct mlops_error     err  = { 0 };
	const char *const      ok[] = { "trainer.devices=2", "model=large" };
	const char *const      bad[]
	    = { "trainer.devices=2", "trainer.max_epoch=3" };
	char        *resolved = NULL, *config = NULL;
	json_object *o, *v;

	(void) state;
	assert_int_equal(launch_hydra_open(&h, "/x", pc, NULL, &err), 0);
	assert_int_equal(
	    launch_hydra_check(h, ok, 2, &resolved, &config, &err), 0);
	assert_string_equal(
	    resolved, "[\"trainer.devices=2\",\"model=large\"]");
	o = json_tokener_parse(config);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "config", &v));
	assert_true(json_object_object_get_ex(v, "model", &v));
	assert_true(json_object_object_get_ex(v, "name", &v));
	assert_string_equal(json_object_get_string(v), "large");
	assert_true(json_object_object_get_ex(o, "overrides", &v));
	assert_int_equal(json_object_array_length(v), 2);
	json_object_put(o);
	free(resolved);
	free(config);

	/* the outputs are optional */
	assert_int_equal(launch_hydra_check(h, ok, 2, NULL, NULL, &err), 0);

	resolved = config = NULL;
	assert_int_equal(
	    launch_hydra_check(h, bad, 2, &resolved, &config, &err),
	    MLOPS_EINVAL);
	assert_null(resolved);
	assert_null(config);
	assert_string_equal(err.field, "overrides");
	assert_string_equal(err.msg,
	    "overrides: unknown key 'trainer.max_epoch' (did you mean "
	    "'trainer.max_epochs'?)");
	/* ??? must be given */
	assert_int_equal(
	    launch_hydra_check(h, NULL, 0, NULL, NULL, &err), MLOPS_EINVAL);
	assert_string_equal(err.msg,
	    "overrides: 'trainer.devices' is mandatory (?\?\?) and was not "
	    "given");
	launch_hydra_free(h);
	project_config_free(pc);
}

/* default_overrides go first, as the job script passes them. */
static void
test_default_overrides(void **state)
{
	struct project_config *pc
	    = pc_of("hydra_config_dir: " TREE("ml") "\n"
	                                            "default_overrides:\n"
	                                            "  - trainer.devices=4\n"
	                                            "  - model=large\n");
	struct launch_hydra *h        = NULL;
	struct mlops_error   err      = { 0 };
	const char *const    ovs[]    = { "model=small" };
	const char *const    bad[]    = { "model=huge" };
	char                *resolved = NULL;

	(void) state;
	assert_int_equal(launch_hydra_open(&h, "/x", pc, NULL, &err), 0);
	assert_int_equal(
	    launch_hydra_check(h, NULL, 0, &resolved, NULL, &err), 0);
	assert_string_equal(
	    resolved, "[\"trainer.devices=4\",\"model=large\"]");
	free(resolved);
	/* the launch's own come after: the last choice of a group wins */
	assert_int_equal(
	    launch_hydra_check(h, ovs, 1, &resolved, NULL, &err), 0);
	assert_string_equal(resolved,
	    "[\"trainer.devices=4\",\"model=large\",\"model=small\"]");
	free(resolved);
	assert_int_equal(
	    launch_hydra_check(h, bad, 1, NULL, NULL, &err), MLOPS_EINVAL);
	assert_string_equal(err.msg,
	    "overrides: model=huge: no option 'huge' in group 'model' "
	    "(options: large, small)");
	launch_hydra_free(h);
	project_config_free(pc);
}

static void
test_strv(void **state)
{
	size_t n = 9;
	char **v = launch_hydra_strv("[\"a=1\",\"+b=x y\"]", &n);

	(void) state;
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "a=1");
	assert_string_equal(v[1], "+b=x y");
	assert_null(v[2]);
	launch_hydra_strv_free(v);
	assert_null(launch_hydra_strv("[]", &n));
	assert_int_equal(n, 0);
	assert_null(launch_hydra_strv(NULL, &n));
	assert_null(launch_hydra_strv("{\"a\":1}", &n));
	assert_int_equal(n, 0);
	launch_hydra_strv_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_dir),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_default_overrides),
		cmocka_unit_test(test_strv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
