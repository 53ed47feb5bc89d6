/*
 * hydra: checking a launch's overrides against the composed config of
 * tests/fixtures/hydra/ml: every error case with its exact message, and
 * every valid form (key=value, group=option, +, ++, ~key, ~key=value,
 * nested keys, lists, dicts, quoted strings with spaces and commas).
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

#include "hydra.h"

#define TREE(name) MLOPS_FIXTURES "/hydra/" name

static int
group_setup(void **state)
{
	struct hydra_config *cfg = NULL;
	struct mlops_error   err = { 0 };

	if (hydra_load(&cfg, TREE("ml"), NULL, &err) != 0) {
		print_error("%s\n", err.msg);
		return -1;
	}
	*state = cfg;
	return 0;
}

static int
group_teardown(void **state)
{
	hydra_config_free(*state);
	return 0;
}

/* Validates trainer.devices=2 (the tree's one ???) plus `ovs`. */
static struct hydra_resolved *
resolve_ok(void **state, const char *const *ovs, size_t n)
{
	const char            *all[32];
	struct hydra_resolved *res = NULL;
	struct mlops_error     err = { 0 };
	int                    rc;

	assert_true(n < 31);
	all[0] = "trainer.devices=2";
	memcpy(all + 1, ovs, n * sizeof(*ovs));
	rc = hydra_validate_overrides(&res, *state, all, n + 1, &err);
	if (rc != 0) {
		print_error("%d %s\n", rc, err.msg);
	}
	assert_int_equal(rc, 0);
	assert_non_null(res);
	return res;
}

static void
expect_fail(void **state, const char *override, const char *msg)
{
	const char            *all[2] = { "trainer.devices=2", override };
	struct hydra_resolved *res    = NULL;
	struct mlops_error     err    = { 0 };

	assert_int_equal(hydra_validate_overrides(&res, *state, all, 2, &err),
	    MLOPS_EINVAL);
	assert_null(res);
	assert_string_equal(err.field, "overrides");
	assert_string_equal(err.msg, msg);
}

static const struct hydra_node *
node(const struct hydra_resolved *res, const char *path)
{
	return hydra_node_find(
	    hydra_config_root(hydra_resolved_config(res)), path);
}

static void
expect_scalar(const struct hydra_resolved *res, const char *path,
    enum hydra_type type, const char *value)
{
	const struct hydra_node *n = node(res, path);

	if (n == NULL) {
		print_error("no node %s\n", path);
	}
	assert_non_null(n);
	assert_int_equal(n->kind, HYDRA_NODE_SCALAR);
	if (n->type != type) {
		print_error("%s: type %s, wanted %s\n", path,
		    hydra_type_name(n->type), hydra_type_name(type));
	}
	assert_int_equal(n->type, type);
	assert_string_equal(n->value, value);
}

/* ---- errors ---- */

static void
test_unknown_key(void **state)
{
	expect_fail(state, "trainer.max_epoch=3",
	    "overrides: unknown key 'trainer.max_epoch' (did you mean "
	    "'trainer.max_epochs'?)");
	expect_fail(state, "optimizer.lr.x=3",
	    "overrides: unknown key 'optimizer.lr.x' (did you mean "
	    "'optimizer.lr'?)");
	expect_fail(state, "traienr.devices=3",
	    "overrides: unknown key 'traienr.devices' (did you mean "
	    "'trainer.devices'?)");
	expect_fail(state, "modle=large",
	    "overrides: unknown key 'modle' (did you mean 'model'?)");
	expect_fail(state, "zzz=1",
	    "overrides: unknown key 'zzz' (use +zzz=... to add it)");
	expect_fail(state, "data.augment.5=x",
	    "overrides: unknown key 'data.augment.5' (did you mean "
	    "'data.augment'?)");
}

static void
test_bad_group_option(void **state)
{
	expect_fail(state, "model=huge",
	    "overrides: model=huge: no option 'huge' in group 'model' "
	    "(options: large, small)");
	expect_fail(state, "model/encoder=rnn",
	    "overrides: model/encoder=rnn: no option 'rnn' in group "
	    "'model/encoder' (options: cnn, vit)");
	expect_fail(state, "model=[small,huge]",
	    "overrides: model=[small,huge]: no option 'huge' in group "
	    "'model' (options: large, small)");
	expect_fail(state, "experiment=big",
	    "overrides: experiment=big: group 'experiment' is not in the "
	    "defaults list (use +experiment=big to add it)");
	expect_fail(state, "+model=large",
	    "overrides: +model=large: group 'model' is already in the "
	    "defaults list (use model=large to change it)");
	expect_fail(state, "+model=small",
	    "overrides: +model=small: group 'model' is already in the "
	    "defaults list");
	expect_fail(state, "++model=large",
	    "overrides: ++model=large: force-add of config groups is not "
	    "supported (use model=... or +model=...)");
	expect_fail(state, "~model=large",
	    "overrides: ~model=large: no 'model=large' in the defaults list");
	expect_fail(state, "~experiment",
	    "overrides: ~experiment: no 'experiment' in the defaults list");
	expect_fail(state, "seed@x=1",
	    "overrides: seed@x=1: 'seed' is not a config group");
	expect_fail(state, "model@a:b=small",
	    "overrides: model@a:b=small: renaming a package is not "
	    "supported");
	expect_fail(state, "model={a:1}x",
	    "overrides: model={a:1}x: unexpected 'x' after {a:1}");
}

static void
test_type_mismatch(void **state)
{
	expect_fail(state, "optimizer.lr=abc",
	    "overrides: optimizer.lr=abc: expected a float");
	expect_fail(state, "trainer.max_epochs=3.5",
	    "overrides: trainer.max_epochs=3.5: expected an int");
	expect_fail(state, "trainer.max_epochs='3'",
	    "overrides: trainer.max_epochs='3': expected an int");
	expect_fail(
	    state, "debug=yes", "overrides: debug=yes: expected a bool");
	expect_fail(state, "model.name=[a]",
	    "overrides: model.name=[a]: expected a string");
	expect_fail(state, "data.augment=flip",
	    "overrides: data.augment=flip: expected a list");
	expect_fail(state, "data=3", "overrides: data=3: expected a map");
	expect_fail(state, "seed=1.0", "overrides: seed=1.0: expected an int");
}

static void
test_mandatory(void **state)
{
	struct hydra_resolved *res    = NULL;
	struct mlops_error     err    = { 0 };
	const char *const      ovs[]  = { "seed=1" };
	const char *const      ovs2[] = { "trainer=cpu", "+extra=???" };

	assert_int_equal(hydra_validate_overrides(&res, *state, ovs, 1, &err),
	    MLOPS_EINVAL);
	assert_string_equal(err.field, "overrides");
	assert_string_equal(err.msg,
	    "overrides: 'trainer.devices' is mandatory (?\?\?) and was not "
	    "given");
	/* trainer=cpu has devices: 1; a new ??? must be given too */
	assert_int_equal(
	    hydra_validate_overrides(&res, *state, ovs2, 1, &err), 0);
	hydra_resolved_free(res);
	res = NULL;
	assert_int_equal(hydra_validate_overrides(&res, *state, ovs2, 2, &err),
	    MLOPS_EINVAL);
	assert_string_equal(err.msg,
	    "overrides: 'extra' is mandatory (?\?\?) and was not given");
}

/* `- model: ???` in the defaults list: a launch must choose it. */
static void
test_mandatory_group(void **state)
{
	struct hydra_config   *cfg   = NULL;
	struct hydra_resolved *res   = NULL;
	struct mlops_error     err   = { 0 };
	const char *const      ovs[] = { "model=c" };

	(void) state;
	assert_int_equal(
	    hydra_load(&cfg, TREE("null_default"), NULL, &err), 0);
	assert_int_equal(
	    hydra_validate_overrides(&res, cfg, NULL, 0, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "overrides");
	assert_string_equal(err.msg,
	    "overrides: 'model' is mandatory (?\?\?) and was not given "
	    "(options: a, b)");
	assert_int_equal(
	    hydra_validate_overrides(&res, cfg, ovs, 1, &err), MLOPS_EINVAL);
	assert_string_equal(err.msg,
	    "overrides: model=c: no option 'c' in group 'model' (options: a, "
	    "b)");
	assert_null(res);
	hydra_config_free(cfg);
}

static void
test_add_delete_errors(void **state)
{
	expect_fail(state, "+trainer.max_epochs=3",
	    "overrides: +trainer.max_epochs=3: key already exists (use ++ "
	    "to force)");
	expect_fail(state, "~foo", "overrides: ~foo: no such key");
	expect_fail(state, "~nothing", "overrides: ~nothing: no such key");
	expect_fail(state, "~seed=41",
	    "overrides: ~seed=41: the value of 'seed' is 42, not 41");
	expect_fail(state, "+seed.x=1",
	    "overrides: +seed.x=1: 'seed' is not "
	    "a map");
	/* ++ forces a value in, but not below a scalar */
	expect_fail(
	    state, "++seed.x=1", "overrides: ++seed.x=1: 'seed' is not a map");
}

static void
test_syntax_errors(void **state)
{
	expect_fail(state, "seed", "overrides: seed: expected key=value");
	expect_fail(state, "=3", "overrides: =3: invalid key ''");
	expect_fail(state, "a..b=1", "overrides: a..b=1: invalid key 'a..b'");
	expect_fail(state, "a b=1", "overrides: a b=1: invalid key 'a b'");
	expect_fail(state, "tag='abc",
	    "overrides: tag='abc: unterminated quoted value");
	expect_fail(state, "tag=a[b",
	    "overrides: tag=a[b: '[' must be escaped (\\[) or the value "
	    "quoted");
	expect_fail(state, "data.path=~/data",
	    "overrides: data.path=~/data: '~' is not allowed in an unquoted "
	    "value; quote the value");
	expect_fail(state, "tag=a=b",
	    "overrides: tag=a=b: '=' must be escaped (\\=) or the value "
	    "quoted");
	expect_fail(state, "tag=[a,b", "overrides: tag=[a,b: missing ']'");
	expect_fail(state, "tag=${a.b",
	    "overrides: tag=${a.b: unterminated interpolation");
	expect_fail(state, "data.augment=[a,,b]",
	    "overrides: data.augment=[a,,b]: empty element");
	expect_fail(state, "lr=0.1,0.01",
	    "overrides: lr=0.1,0.01: several values are a sweep (use "
	    "--sweep); for a list write lr=[...], for a string quote the "
	    "value");
	expect_fail(state, "seed=range(0,3)",
	    "overrides: seed=range(0,3): range() is a sweep (use --sweep)");
	expect_fail(state, "seed=int(3.5)",
	    "overrides: seed=int(3.5): function int() is not supported (use "
	    "--no-validate)");
}

/* ---- valid forms ---- */

static void
test_set_values(void **state)
{
	const char *const ovs[] = {
		"optimizer.lr=0.01",
		"optimizer.weight_decay=0",
		"trainer.max_epochs=1_000",
		"debug=TRUE",
		"model.name=tiny",
		"model.encoder.channels=[1, 2, [3]]",
		"data.augment.0=rotate",
		"tag=  hello world  ",
		"data.path=\"/data/a b,c\"",
		"run_name=plain",
		"notes=a\\,b\\ c",
		"seed=null",
		"max_norm=-inf",
		"data.mean=[]",
		"nothing=${seed}",
		"model.dropout=${oc.env:DROPOUT,0.2}",
		"data={batch_size:32, workers: 4}",
	};
	struct hydra_resolved   *res;
	const struct hydra_node *n;

	res = resolve_ok(state, ovs, sizeof(ovs) / sizeof(ovs[0]));
	expect_scalar(res, "trainer.devices", HYDRA_TYPE_INT, "2");
	expect_scalar(res, "optimizer.lr", HYDRA_TYPE_FLOAT, "0.01");
	expect_scalar(res, "optimizer.weight_decay", HYDRA_TYPE_INT, "0");
	expect_scalar(res, "trainer.max_epochs", HYDRA_TYPE_INT, "1_000");
	expect_scalar(res, "debug", HYDRA_TYPE_BOOL, "TRUE");
	expect_scalar(res, "model.name", HYDRA_TYPE_STRING, "tiny");
	n = node(res, "model.encoder.channels");
	assert_int_equal(n->kind, HYDRA_NODE_LIST);
	assert_int_equal(n->nitems, 3);
	expect_scalar(res, "model.encoder.channels.2.0", HYDRA_TYPE_INT, "3");
	expect_scalar(res, "data.augment.0", HYDRA_TYPE_STRING, "rotate");
	expect_scalar(res, "data.augment.1", HYDRA_TYPE_STRING, "crop");
	expect_scalar(res, "tag", HYDRA_TYPE_STRING, "hello world");
	expect_scalar(res, "data.path", HYDRA_TYPE_STRING, "/data/a b,c");
	expect_scalar(res, "notes", HYDRA_TYPE_STRING, "a,b c");
	expect_scalar(res, "seed", HYDRA_TYPE_NULL, "null");
	expect_scalar(res, "max_norm", HYDRA_TYPE_FLOAT, "-inf");
	assert_int_equal(node(res, "data.mean")->nitems, 0);
	expect_scalar(res, "nothing", HYDRA_TYPE_INTERPOLATION, "${seed}");
	expect_scalar(res, "model.dropout", HYDRA_TYPE_INTERPOLATION,
	    "${oc.env:DROPOUT,0.2}");
	/* dicts merge into maps */
	expect_scalar(res, "data.batch_size", HYDRA_TYPE_INT, "32");
	expect_scalar(res, "data.workers", HYDRA_TYPE_INT, "4");
	expect_scalar(res, "data.shuffle", HYDRA_TYPE_BOOL, "yes");
	n = node(res, "optimizer.lr");
	assert_string_equal(n->file, "<override>");
	assert_int_equal(n->line, 2);
	/* normalized: prefix, key, and the value text without outer blanks */
	assert_int_equal(hydra_resolved_noverrides(res), 18);
	assert_string_equal(
	    hydra_resolved_override(res, 0), "trainer.devices=2");
	assert_string_equal(
	    hydra_resolved_override(res, 8), "tag=hello world");
	assert_string_equal(
	    hydra_resolved_override(res, 9), "data.path=\"/data/a b,c\"");
	assert_null(hydra_resolved_override(res, 18));
	hydra_resolved_free(res);
}

/* Quoted strings: escapes before quotes, and quotes turn numbers into
 * strings. */
static void
test_quoting(void **state)
{
	const char *const ovs[] = {
		"++q1='it\\'s'",
		"++q2=\"say \\\"hi\\\"\"",
		"++q3='C:\\\\'",
		"++q4='a\\b'",
		"++q5=\"1,2,3\"",
		"++q6=\"{a:10} ${xyz}\"",
		"++q7='42'",
	};
	struct hydra_resolved *res
	    = resolve_ok(state, ovs, sizeof(ovs) / sizeof(ovs[0]));

	expect_scalar(res, "q1", HYDRA_TYPE_STRING, "it's");
	expect_scalar(res, "q2", HYDRA_TYPE_STRING, "say \"hi\"");
	expect_scalar(res, "q3", HYDRA_TYPE_STRING, "C:\\");
	expect_scalar(res, "q4", HYDRA_TYPE_STRING, "a\\b");
	expect_scalar(res, "q5", HYDRA_TYPE_STRING, "1,2,3");
	expect_scalar(res, "q6", HYDRA_TYPE_INTERPOLATION, "{a:10} ${xyz}");
	expect_scalar(res, "q7", HYDRA_TYPE_STRING, "42");
	hydra_resolved_free(res);
}

/* Hydra's grammar types of unquoted values. */
static void
test_value_types(void **state)
{
	const char *const ovs[] = {
		"++t.a=10",
		"++t.b=-20",
		"++t.c=1_000_000",
		"++t.d=3.14",
		"++t.e=1e-3",
		"++t.f=.5",
		"++t.g=10.",
		"++t.h=nan",
		"++t.i=True",
		"++t.j=NULL",
		"++t.k=10abc",
		"++t.l=foo-bar_10",
		"++t.m=010",
		"++t.n=/path/to/x.yaml",
		"++t.o=1.2.3",
		"++t.p=a:b",
	};
	struct hydra_resolved *res
	    = resolve_ok(state, ovs, sizeof(ovs) / sizeof(ovs[0]));

	expect_scalar(res, "t.a", HYDRA_TYPE_INT, "10");
	expect_scalar(res, "t.b", HYDRA_TYPE_INT, "-20");
	expect_scalar(res, "t.c", HYDRA_TYPE_INT, "1_000_000");
	expect_scalar(res, "t.d", HYDRA_TYPE_FLOAT, "3.14");
	expect_scalar(res, "t.e", HYDRA_TYPE_FLOAT, "1e-3");
	expect_scalar(res, "t.f", HYDRA_TYPE_FLOAT, ".5");
	expect_scalar(res, "t.g", HYDRA_TYPE_FLOAT, "10.");
	expect_scalar(res, "t.h", HYDRA_TYPE_FLOAT, "nan");
	expect_scalar(res, "t.i", HYDRA_TYPE_BOOL, "True");
	expect_scalar(res, "t.j", HYDRA_TYPE_NULL, "NULL");
	expect_scalar(res, "t.k", HYDRA_TYPE_STRING, "10abc");
	expect_scalar(res, "t.l", HYDRA_TYPE_STRING, "foo-bar_10");
	expect_scalar(res, "t.m", HYDRA_TYPE_STRING, "010");
	expect_scalar(res, "t.n", HYDRA_TYPE_STRING, "/path/to/x.yaml");
	expect_scalar(res, "t.o", HYDRA_TYPE_STRING, "1.2.3");
	expect_scalar(res, "t.p", HYDRA_TYPE_STRING, "a:b");
	hydra_resolved_free(res);
}

static void
test_add_force_delete(void **state)
{
	const char *const ovs[] = {
		"+trainer.strategy=ddp",
		"+logger.wandb.project=\"my run\"",
		"++trainer.max_epochs=3.5",
		"++new.key=[1,2]",
		"~data.shuffle",
		"~tag='123'",
		"~seed=42.0",
		"~data.augment.0",
		"+callbacks={early_stop: {patience: 3}}",
	};
	struct hydra_resolved *res
	    = resolve_ok(state, ovs, sizeof(ovs) / sizeof(ovs[0]));

	expect_scalar(res, "trainer.strategy", HYDRA_TYPE_STRING, "ddp");
	expect_scalar(
	    res, "logger.wandb.project", HYDRA_TYPE_STRING, "my run");
	expect_scalar(res, "trainer.max_epochs", HYDRA_TYPE_FLOAT, "3.5");
	expect_scalar(res, "new.key.1", HYDRA_TYPE_INT, "2");
	assert_null(node(res, "data.shuffle"));
	assert_null(node(res, "tag"));
	assert_null(node(res, "seed"));
	assert_int_equal(node(res, "data.augment")->nitems, 1);
	expect_scalar(res, "data.augment.0", HYDRA_TYPE_STRING, "crop");
	expect_scalar(
	    res, "callbacks.early_stop.patience", HYDRA_TYPE_INT, "3");
	assert_string_equal(hydra_resolved_override(res, 2),
	    "+logger.wandb.project=\"my run\"");
	assert_string_equal(hydra_resolved_override(res, 5), "~data.shuffle");
	hydra_resolved_free(res);
}

static void
test_group_forms(void **state)
{
	const char *const      ovs[]  = { "model=large", "optimizer=sgd",
		      "+experiment=big", "trainer.max_epochs=5" };
	const char *const      ovs2[] = { "model/encoder=vit", "~optimizer" };
	const char *const      ovs3[] = { "~model=small", "model.x=1" };
	const char *const      ovs4[] = { "model=large", "model=small" };
	struct hydra_resolved *res;
	const struct hydra_config *cfg;

	res = resolve_ok(state, ovs, 4);
	cfg = hydra_resolved_config(res);
	expect_scalar(res, "model.name", HYDRA_TYPE_STRING, "large");
	expect_scalar(res, "model.encoder.kind", HYDRA_TYPE_STRING, "vit");
	expect_scalar(res, "optimizer.momentum", HYDRA_TYPE_FLOAT, "0.9");
	assert_null(node(res, "optimizer.betas"));
	/* experiment/big (_global_) after the primary, then the override */
	expect_scalar(res, "seed", HYDRA_TYPE_INT, "7");
	expect_scalar(res, "trainer.max_epochs", HYDRA_TYPE_INT, "5");
	assert_string_equal(
	    hydra_config_choice_find(cfg, "model")->option, "large");
	assert_string_equal(
	    hydra_config_choice_find(cfg, "model/encoder")->option, "vit");
	assert_string_equal(
	    hydra_config_choice_find(cfg, "experiment")->option, "big");
	assert_string_equal(
	    hydra_config_choice_find(cfg, "experiment")->package, "");
	assert_string_equal(
	    hydra_config_default(cfg, hydra_config_ndefaults(cfg) - 1)
	        ->config_path,
	    "experiment/big");
	hydra_resolved_free(res);

	res = resolve_ok(state, ovs2, 2);
	cfg = hydra_resolved_config(res);
	expect_scalar(res, "model.encoder.patch", HYDRA_TYPE_INT, "16");
	expect_scalar(res, "model.name", HYDRA_TYPE_STRING, "small");
	assert_null(node(res, "optimizer"));
	assert_null(hydra_config_choice_find(cfg, "optimizer"));
	hydra_resolved_free(res);

	/* the last choice of a group wins */
	res = resolve_ok(state, ovs4, 2);
	expect_scalar(res, "model.name", HYDRA_TYPE_STRING, "small");
	hydra_resolved_free(res);

	/* ~group=option deletes only that option; a key below then fails */
	{
		const char *all[3] = { "trainer.devices=2", ovs3[0], ovs3[1] };
		struct hydra_resolved *r   = NULL;
		struct mlops_error     err = { 0 };

		assert_int_equal(
		    hydra_validate_overrides(&r, *state, all, 3, &err),
		    MLOPS_EINVAL);
		assert_string_equal(err.msg,
		    "overrides: unknown key 'model.x' (use +model.x=... to "
		    "add it)");
	}
	/* the original config is untouched */
	assert_string_equal(
	    hydra_config_choice_find(*state, "model")->option, "small");
	assert_int_equal(
	    hydra_node_find(hydra_config_root(*state), "trainer.devices")
	        ->type,
	    HYDRA_TYPE_MISSING);
}

/* Hydra's own config (hydra.*, hydra/...) is passed on unchecked. */
static void
test_hydra_keys(void **state)
{
	const char *const          ovs[] = { "hydra.run.dir=/tmp/${now:%H}",
		         "hydra/launcher=submitit_slurm", "hydra.job.chdir=true",
		         "+hydra.anything=1" };
	struct hydra_resolved     *res   = resolve_ok(state, ovs, 4);
	const struct hydra_config *cfg   = hydra_resolved_config(res);
	const struct hydra_choice *c
	    = hydra_config_choice_find(cfg, "hydra/launcher");

	assert_non_null(c);
	assert_string_equal(c->option, "submitit_slurm");
	assert_false(c->loaded);
	assert_null(node(res, "hydra"));
	assert_string_equal(
	    hydra_resolved_override(res, 1), "hydra.run.dir=/tmp/${now:%H}");
	hydra_resolved_free(res);
}

static void
test_resolved_json(void **state)
{
	const char *const      ovs[] = { "model=large", "tag=x y" };
	struct hydra_resolved *res   = resolve_ok(state, ovs, 2);
	char                  *json  = hydra_resolved_to_json(res);

	assert_non_null(strstr(json,
	    "\"overrides\":[\"trainer.devices=2\",\"model=large\","
	    "\"tag=x y\"]"));
	assert_non_null(strstr(json, "\"choices\":{\"model\":\"large\","));
	assert_non_null(strstr(json,
	    "{\"key\":\"tag\",\"type\":\"string\",\"value\":\"x y\","
	    "\"file\":\"<override>\",\"line\":3}"));
	free(json);
	hydra_resolved_free(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_group_option),
		cmocka_unit_test(test_type_mismatch),
		cmocka_unit_test(test_mandatory),
		cmocka_unit_test(test_mandatory_group),
		cmocka_unit_test(test_add_delete_errors),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_set_values),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_value_types),
		cmocka_unit_test(test_add_force_delete),
		cmocka_unit_test(test_group_forms),
		cmocka_unit_test(test_hydra_keys),
		cmocka_unit_test(test_resolved_json),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
