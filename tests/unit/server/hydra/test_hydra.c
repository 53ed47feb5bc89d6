/*
 * hydra: loading and composing the config trees of tests/fixtures/hydra/,
 * one per defaults-list form (group defaults, nested groups, optional
 * present and absent, override, @package, _self_ order, absolute paths,
 * null, ???, interpolated entries, option lists), YAML typing, the JSON
 * dump and the errors of the bad trees.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "hydra.h"
#include "testutil.h"

#define TREE(name) MLOPS_FIXTURES "/hydra/" name

static struct hydra_config *
load_ok(const char *dir, const char *name)
{
	struct hydra_config *cfg = NULL;
	struct mlops_error   err = { 0 };
	int                  rc  = hydra_load(&cfg, dir, name, &err);

	if (rc != 0) {
		print_error("hydra_load(%s): %d %s\n", dir, rc, err.msg);
	}
	assert_int_equal(rc, 0);
	assert_non_null(cfg);
	return cfg;
}

static void
expect_load_error(const char *dir, const char *name, int code, const char *msg)
{
	struct hydra_config *cfg = NULL;
	struct mlops_error   err = { 0 };

	assert_int_equal(hydra_load(&cfg, dir, name, &err), code);
	assert_null(cfg);
	assert_string_equal(err.msg, msg);
}

/* The scalar at `path`, checking its type and text. */
static const struct hydra_node *
expect_scalar(const struct hydra_config *cfg, const char *path,
    enum hydra_type type, const char *value)
{
	const struct hydra_node *n
	    = hydra_node_find(hydra_config_root(cfg), path);

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
	return n;
}

static void
expect_choice(const struct hydra_config *cfg, const char *key,
    const char *option, const char *package, bool loaded)
{
	const struct hydra_choice *c = hydra_config_choice_find(cfg, key);

	if (c == NULL) {
		print_error("no choice %s\n", key);
	}
	assert_non_null(c);
	if (option == NULL) {
		assert_null(c->option);
	} else {
		assert_string_equal(c->option, option);
	}
	assert_string_equal(c->package, package);
	assert_int_equal(c->loaded, loaded);
}

static void
expect_default(const struct hydra_config *cfg, size_t i, const char *path,
    const char *package, const char *parent, bool is_self)
{
	const struct hydra_default *d = hydra_config_default(cfg, i);

	assert_non_null(d);
	assert_string_equal(d->config_path, path);
	assert_string_equal(d->package, package);
	if (parent == NULL) {
		assert_null(d->parent);
	} else {
		assert_string_equal(d->parent, parent);
	}
	assert_int_equal(d->is_self, is_self);
}

/* config.yaml with [model: small, optimizer: adam, trainer: default,
 * optional local: default, _self_]; model/small has its own defaults. */
static void
test_ml_compose(void **state)
{
	struct hydra_config      *cfg = load_ok(TREE("ml"), NULL);
	const struct hydra_node  *n;
	const struct hydra_group *g;

	(void) state;
	assert_string_equal(hydra_config_name(cfg), "config");
	n = expect_scalar(cfg, "model.hidden", HYDRA_TYPE_INT, "256");
	assert_string_equal(n->file, "model/small.yaml");
	assert_int_equal(n->line, 6);
	assert_int_equal(n->column, 1);
	expect_scalar(cfg, "model.name", HYDRA_TYPE_STRING, "small");
	expect_scalar(cfg, "model.encoder.kind", HYDRA_TYPE_STRING, "cnn");
	expect_scalar(cfg, "model.encoder.channels.1", HYDRA_TYPE_INT, "64");
	expect_scalar(cfg, "model.dropout", HYDRA_TYPE_FLOAT, "0.1");
	expect_scalar(cfg, "optimizer.lr", HYDRA_TYPE_FLOAT, "1e-3");
	expect_scalar(cfg, "optimizer.weight_decay", HYDRA_TYPE_FLOAT, "0.0");
	n = expect_scalar(cfg, "trainer.devices", HYDRA_TYPE_MISSING, "???");
	assert_string_equal(n->file, "trainer/default.yaml");
	assert_int_equal(n->line, 2);
	expect_scalar(cfg, "seed", HYDRA_TYPE_INT, "42");
	expect_scalar(cfg, "run_name", HYDRA_TYPE_INTERPOLATION,
	    "${model.name}_${optimizer.name}");
	expect_scalar(cfg, "data.shuffle", HYDRA_TYPE_BOOL, "yes");
	expect_scalar(cfg, "debug", HYDRA_TYPE_BOOL, "false");
	expect_scalar(cfg, "tag", HYDRA_TYPE_STRING, "123");
	expect_scalar(cfg, "nothing", HYDRA_TYPE_NULL, "~");
	expect_scalar(cfg, "max_norm", HYDRA_TYPE_FLOAT, ".inf");
	expect_scalar(cfg, "notes", HYDRA_TYPE_STRING, "free text\n");
	expect_scalar(cfg, "data.mean.2", HYDRA_TYPE_FLOAT, "0.406");
	n = hydra_node_find(hydra_config_root(cfg), "data.augment");
	assert_int_equal(n->kind, HYDRA_NODE_LIST);
	assert_int_equal(n->nitems, 2);
	assert_null(hydra_node_find(hydra_config_root(cfg), "data.augment.2"));
	assert_null(hydra_node_find(hydra_config_root(cfg), "defaults"));
	assert_null(hydra_node_find(hydra_config_root(cfg), "nope.x"));
	/* the primary's own keys come last (_self_ is last) */
	n = hydra_config_root(cfg);
	assert_string_equal(n->items[0]->key, "model");
	assert_string_equal(n->items[3]->key, "seed");

	assert_int_equal(hydra_config_nchoices(cfg), 5);
	assert_string_equal(hydra_config_choice(cfg, 0)->key, "model");
	assert_string_equal(hydra_config_choice(cfg, 1)->key, "model/encoder");
	expect_choice(cfg, "model", "small", "model", true);
	expect_choice(cfg, "model/encoder", "cnn", "model.encoder", true);
	expect_choice(cfg, "optimizer", "adam", "optimizer", true);
	expect_choice(cfg, "trainer", "default", "trainer", true);
	/* `optional local: default`: no such group, skipped */
	expect_choice(cfg, "local", "default", "local", false);
	assert_true(hydra_config_choice_find(cfg, "local")->optional);
	assert_null(hydra_config_choice_find(cfg, "experiment"));

	g = hydra_config_group_find(cfg, "model");
	assert_non_null(g);
	assert_int_equal(g->noptions, 2);
	assert_string_equal(g->options[0], "large");
	assert_string_equal(g->options[1], "small");
	g = hydra_config_group_find(cfg, "model/encoder");
	assert_non_null(g);
	assert_string_equal(g->options[1], "vit");
	assert_non_null(hydra_config_group_find(cfg, "experiment"));
	assert_null(hydra_config_group_find(cfg, "local"));
	assert_string_equal(hydra_config_group(cfg, 0)->name, "experiment");

	assert_int_equal(hydra_config_ndefaults(cfg), 5);
	expect_default(cfg, 0, "model/encoder/cnn", "model.encoder",
	    "model/small", false);
	expect_default(cfg, 1, "model/small", "model", "config", true);
	expect_default(cfg, 2, "optimizer/adam", "optimizer", "config", false);
	expect_default(cfg, 3, "trainer/default", "trainer", "config", false);
	expect_default(cfg, 4, "config", "", NULL, true);
	assert_true(hydra_config_default(cfg, 4)->primary);
	assert_null(hydra_config_default(cfg, 5));
	hydra_config_free(cfg);
}

/* `- override server/db: postgres` in the primary reaches the default
 * that server/apache.yaml declares. */
static void
test_override_in_primary(void **state)
{
	struct hydra_config *cfg = load_ok(TREE("override_primary"), NULL);

	(void) state;
	expect_scalar(cfg, "server.db.driver", HYDRA_TYPE_STRING, "postgres");
	expect_scalar(cfg, "server.db.port", HYDRA_TYPE_INT, "5432");
	expect_scalar(cfg, "server.name", HYDRA_TYPE_STRING, "apache");
	expect_scalar(cfg, "debug", HYDRA_TYPE_BOOL, "true");
	expect_choice(cfg, "server", "apache", "server", true);
	expect_choice(cfg, "server/db", "postgres", "server.db", true);
	expect_default(
	    cfg, 0, "server/db/postgres", "server.db", "server/apache", false);
	hydra_config_free(cfg);
}

/* db@backup, # @package _global_ / _group_ / a.literal, and _here_. */
static void
test_packages(void **state)
{
	struct hydra_config *cfg = load_ok(TREE("packages"), NULL);

	(void) state;
	expect_scalar(cfg, "db.driver", HYDRA_TYPE_STRING, "mysql");
	expect_scalar(cfg, "backup.driver", HYDRA_TYPE_STRING, "postgres");
	expect_scalar(cfg, "backup.port", HYDRA_TYPE_INT, "5432");
	/* env/prod.yaml is _global_: merged into db at the top */
	expect_scalar(cfg, "db.host", HYDRA_TYPE_STRING, "prod.db.internal");
	expect_scalar(cfg, "log_level", HYDRA_TYPE_STRING, "warning");
	assert_null(hydra_node_find(hydra_config_root(cfg), "env"));
	expect_scalar(cfg, "legacy.value", HYDRA_TYPE_INT, "1");
	expect_scalar(cfg, "network.settings.mtu", HYDRA_TYPE_INT, "9000");
	expect_scalar(cfg, "extra_key", HYDRA_TYPE_BOOL, "true");
	expect_scalar(cfg, "app", HYDRA_TYPE_STRING, "demo");
	expect_choice(cfg, "db", "mysql", "db", true);
	expect_choice(cfg, "db@backup", "postgres", "backup", true);
	expect_choice(cfg, "env", "prod", "", true);
	expect_choice(cfg, "legacy", "old", "legacy", true);
	expect_choice(cfg, "net", "lan", "network.settings", true);
	expect_default(cfg, 1, "db/postgres", "backup", "config", false);
	expect_default(cfg, 5, "misc/extra", "", "config", false);
	hydra_config_free(cfg);
}

/* _self_ first: the defaults win; no _self_: it is appended, the
 * config's own values win. */
static void
test_self_order(void **state)
{
	struct hydra_config *cfg;

	(void) state;
	cfg = load_ok(TREE("self_order"), "self_first");
	expect_scalar(cfg, "lr", HYDRA_TYPE_FLOAT, "0.1");
	expect_scalar(cfg, "epochs", HYDRA_TYPE_INT, "3");
	expect_default(cfg, 0, "self_first", "", NULL, true);
	expect_default(cfg, 1, "base/common", "", "self_first", false);
	hydra_config_free(cfg);
	cfg = load_ok(TREE("self_order"), "self_last.yaml");
	assert_string_equal(hydra_config_name(cfg), "self_last");
	expect_scalar(cfg, "lr", HYDRA_TYPE_FLOAT, "0.5");
	expect_default(cfg, 0, "base/common", "", "self_last", false);
	expect_default(cfg, 1, "self_last", "", NULL, true);
	hydra_config_free(cfg);
}

/* In server/nginx.yaml: relative and absolute groups and configs. */
static void
test_absolute_relative(void **state)
{
	struct hydra_config *cfg = load_ok(TREE("absolute"), NULL);

	(void) state;
	expect_scalar(
	    cfg, "server.db.file", HYDRA_TYPE_STRING, "/var/lib/app.db");
	expect_scalar(cfg, "server.cache.port", HYDRA_TYPE_INT, "6379");
	expect_scalar(cfg, "server.common.level", HYDRA_TYPE_STRING, "info");
	expect_scalar(cfg, "server.tls.min_version", HYDRA_TYPE_STRING, "1.3");
	expect_scalar(cfg, "server.name", HYDRA_TYPE_STRING, "nginx");
	expect_choice(cfg, "server/db", "sqlite", "server.db", true);
	/* an absolute group keeps a package relative to its parent */
	expect_choice(
	    cfg, "cache@server.cache", "redis", "server.cache", true);
	expect_default(
	    cfg, 1, "cache/redis", "server.cache", "server/nginx", false);
	expect_default(
	    cfg, 2, "common/logging", "server.common", "server/nginx", false);
	expect_default(
	    cfg, 3, "server/tls/strict", "server.tls", "server/nginx", false);
	hydra_config_free(cfg);
}

/* `- db: null` is a placeholder; `- model: ???` must be chosen. */
static void
test_null_and_mandatory_group(void **state)
{
	struct hydra_config   *cfg    = load_ok(TREE("null_default"), NULL);
	struct hydra_resolved *res    = NULL;
	struct mlops_error     err    = { 0 };
	const char *const      none[] = { NULL };
	const char *const      ovs[]  = { "model=b", "db=mysql" };

	(void) state;
	expect_choice(cfg, "db", NULL, "db", false);
	expect_choice(cfg, "model", "???", "model", false);
	assert_int_equal(hydra_config_ndefaults(cfg), 1);
	expect_scalar(cfg, "x", HYDRA_TYPE_INT, "1");

	assert_int_equal(
	    hydra_validate_overrides(&res, cfg, none, 0, &err), MLOPS_EINVAL);
	assert_null(res);
	assert_string_equal(err.field, "overrides");
	assert_string_equal(err.msg,
	    "overrides: 'model' is mandatory (?\?\?) and was not given "
	    "(options: a, b)");

	assert_int_equal(hydra_validate_overrides(&res, cfg, ovs, 2, &err), 0);
	expect_scalar(
	    hydra_resolved_config(res), "model.size", HYDRA_TYPE_INT, "2");
	expect_scalar(hydra_resolved_config(res), "db.driver",
	    HYDRA_TYPE_STRING, "mysql");
	expect_choice(hydra_resolved_config(res), "db", "mysql", "db", true);
	expect_choice(hydra_resolved_config(res), "model", "b", "model", true);
	hydra_resolved_free(res);
	hydra_config_free(cfg);
}

/* `- optional dataset_model: ${dataset}_${model}` */
static void
test_interpolated_default(void **state)
{
	struct hydra_config   *cfg   = load_ok(TREE("interp_default"), NULL);
	struct hydra_resolved *res   = NULL;
	struct mlops_error     err   = { 0 };
	const char *const      ovs[] = { "model=resnet" };

	(void) state;
	expect_scalar(cfg, "model.batch", HYDRA_TYPE_INT, "256");
	expect_choice(cfg, "dataset_model", "imagenet_alexnet", "", true);
	assert_int_equal(hydra_validate_overrides(&res, cfg, ovs, 1, &err), 0);
	expect_scalar(
	    hydra_resolved_config(res), "model.batch", HYDRA_TYPE_INT, "64");
	expect_choice(hydra_resolved_config(res), "dataset_model",
	    "imagenet_resnet", "dataset_model", false);
	hydra_resolved_free(res);
	hydra_config_free(cfg);
}

/* `- transforms: [flip, crop]` */
static void
test_option_list(void **state)
{
	struct hydra_config *cfg = load_ok(TREE("list_options"), NULL);
	char                *json;

	(void) state;
	expect_scalar(cfg, "transforms.flip_p", HYDRA_TYPE_FLOAT, "0.5");
	expect_scalar(cfg, "transforms.crop_size", HYDRA_TYPE_INT, "224");
	assert_null(
	    hydra_node_find(hydra_config_root(cfg), "transforms.sigma"));
	expect_default(
	    cfg, 0, "transforms/flip", "transforms", "config", false);
	expect_default(
	    cfg, 1, "transforms/crop", "transforms", "config", false);
	/* one choice per option, in order, with the entry's key */
	assert_int_equal(hydra_config_nchoices(cfg), 2);
	assert_string_equal(hydra_config_choice(cfg, 0)->key, "transforms");
	assert_string_equal(hydra_config_choice(cfg, 0)->group, "transforms");
	assert_string_equal(hydra_config_choice(cfg, 0)->option, "flip");
	assert_true(hydra_config_choice(cfg, 0)->loaded);
	assert_string_equal(hydra_config_choice(cfg, 1)->option, "crop");
	json = hydra_config_to_json(cfg);
	assert_non_null(
	    strstr(json, "\"choices\":{\"transforms\":[\"flip\",\"crop\"]}"));
	free(json);
	hydra_config_free(cfg);
}

/* `- optional g: o`: loaded when g/o exists, skipped when the option or
 * the group is missing; an override may then pick an existing option. */
static void
test_optional(void **state)
{
	struct hydra_config   *cfg   = load_ok(TREE("optional"), NULL);
	struct hydra_resolved *res   = NULL;
	struct mlops_error     err   = { 0 };
	const char *const      ovs[] = { "cache=memcached" };
	const char *const      bad[] = { "cache=redis" };

	(void) state;
	expect_scalar(cfg, "db.driver", HYDRA_TYPE_STRING, "mysql");
	expect_choice(cfg, "db", "mysql", "db", true);
	expect_choice(cfg, "cache", "redis", "cache", false);
	expect_choice(cfg, "local", "dev", "local", false);
	assert_true(hydra_config_choice_find(cfg, "cache")->optional);
	assert_null(hydra_node_find(hydra_config_root(cfg), "cache"));
	assert_null(hydra_node_find(hydra_config_root(cfg), "local"));
	assert_int_equal(hydra_config_ndefaults(cfg), 2);
	expect_default(cfg, 0, "db/mysql", "db", "config", false);
	expect_default(cfg, 1, "config", "", NULL, true);

	assert_int_equal(hydra_validate_overrides(&res, cfg, ovs, 1, &err), 0);
	expect_scalar(hydra_resolved_config(res), "cache.servers.1",
	    HYDRA_TYPE_STRING, "b");
	expect_choice(
	    hydra_resolved_config(res), "cache", "memcached", "cache", true);
	hydra_resolved_free(res);
	res = NULL;
	/* an override must name an option that exists, optional or not */
	assert_int_equal(
	    hydra_validate_overrides(&res, cfg, bad, 1, &err), MLOPS_EINVAL);
	assert_string_equal(err.msg,
	    "overrides: cache=redis: no option 'redis' in group 'cache' "
	    "(options: memcached)");
	hydra_config_free(cfg);
}

static void
test_bad_trees(void **state)
{
	(void) state;
	expect_load_error(TREE("bad_syntax"), NULL, MLOPS_ECONFIG,
	    TREE("bad_syntax") "/config.yaml:4:2: YAML syntax error: did not "
	                       "find expected ',' or ']'");
	expect_load_error(TREE("bad_option"), NULL, MLOPS_ECONFIG,
	    TREE("bad_option") "/config.yaml:2:5: defaults: no option 'huge' "
	                       "in "
	                       "group 'model' (options: large, small)");
	expect_load_error(TREE("bad_defaults"), NULL, MLOPS_ECONFIG,
	    TREE("bad_defaults") "/config.yaml:1:1: defaults: must be a list");
	expect_load_error(TREE("bad_order"), NULL, MLOPS_ECONFIG,
	    TREE(
	        "bad_order") "/config.yaml:4:5: defaults: 'override db' comes "
	                     "before 'model'; overrides must be at the end "
	                     "of the defaults list");
	expect_load_error(TREE("bad_header"), NULL, MLOPS_ECONFIG,
	    TREE("bad_header") "/model/a.yaml:1:1: header: expected '# "
	                       "@package VALUE'");
	expect_load_error(TREE("bad_dup"), NULL, MLOPS_ECONFIG,
	    TREE("bad_dup") "/config.yaml:2:1: duplicate key 'lr'");
	expect_load_error(TREE("no_such_tree"), NULL, MLOPS_ENOTFOUND,
	    TREE("no_such_tree") ": no such Hydra config directory");
	expect_load_error(TREE("ml"), "train", MLOPS_ENOTFOUND,
	    TREE("ml") "/train.yaml: no primary config 'train'");
}

/* A broken file is reported only when a composition uses it. */
static void
test_broken_option_used_later(void **state)
{
	struct hydra_config   *cfg   = load_ok(TREE("bad_nested"), NULL);
	struct hydra_resolved *res   = NULL;
	struct mlops_error     err   = { 0 };
	const char *const      ovs[] = { "model=broken" };

	(void) state;
	expect_scalar(cfg, "model.name", HYDRA_TYPE_STRING, "ok");
	assert_int_equal(
	    hydra_validate_overrides(&res, cfg, ovs, 1, &err), MLOPS_ECONFIG);
	assert_null(res);
	assert_string_equal(err.msg,
	    TREE("bad_nested") "/model/broken.yaml:2:7: YAML syntax error: "
	                       "mapping values are not allowed in this "
	                       "context");
	hydra_config_free(cfg);
}

/* Scalars typed as OmegaConf's YAML loader types them. */
static void
test_yaml_types(void **state)
{
	char                *dir = testutil_mkdtemp("hydra");
	struct hydra_config *cfg;
	struct mlops_error   err = { 0 };
	static const struct {
		const char     *key;
		enum hydra_type type;
		const char     *value;
	} want[] = {
		{ "octal", HYDRA_TYPE_INT, "010" },
		{ "hex", HYDRA_TYPE_INT, "0x1F" },
		{ "under", HYDRA_TYPE_INT, "1_000" },
		{ "sexa", HYDRA_TYPE_INT, "1:30" },
		{ "neg", HYDRA_TYPE_INT, "-7" },
		{ "exp", HYDRA_TYPE_FLOAT, "1e5" },
		{ "exp2", HYDRA_TYPE_FLOAT, "1.5e-3" },
		{ "dot", HYDRA_TYPE_FLOAT, ".5" },
		{ "trail", HYDRA_TYPE_FLOAT, "3." },
		{ "nan", HYDRA_TYPE_FLOAT, ".NaN" },
		{ "ninf", HYDRA_TYPE_FLOAT, "-.inf" },
		{ "negdot", HYDRA_TYPE_STRING, "-.5" },
		{ "on", HYDRA_TYPE_BOOL, "on" },
		{ "No", HYDRA_TYPE_BOOL, "No" },
		{ "upper", HYDRA_TYPE_BOOL, "OFF" },
		{ "mixed", HYDRA_TYPE_STRING, "tRUE" },
		{ "null", HYDRA_TYPE_NULL, "NULL" },
		{ "empty", HYDRA_TYPE_NULL, "" },
		{ "date", HYDRA_TYPE_STRING, "2024-01-01" },
		{ "oct", HYDRA_TYPE_STRING, "0o17" },
		{ "ver", HYDRA_TYPE_STRING, "1.2.3" },
		{ "quoted_missing", HYDRA_TYPE_MISSING, "???" },
		{ "quoted_interp", HYDRA_TYPE_INTERPOLATION, "${a.b}" },
		{ "quoted_int", HYDRA_TYPE_STRING, "12" },
		{ "single", HYDRA_TYPE_STRING, "true" },
		{ "tagged", HYDRA_TYPE_INT, "7" },
		{ "derived.x", HYDRA_TYPE_INT, "1" },
		{ "derived.y", HYDRA_TYPE_INT, "3" },
	};

	(void) state;
	assert_non_null(dir);
	assert_int_equal(testutil_write(dir, "config.yaml",
	                     "octal: 010\nhex: 0x1F\nunder: 1_000\n"
	                     "sexa: 1:30\nneg: -7\nexp: 1e5\nexp2: 1.5e-3\n"
	                     "dot: .5\ntrail: 3.\nnan: .NaN\nninf: -.inf\n"
	                     "negdot: -.5\non: on\nNo: No\nupper: OFF\n"
	                     "mixed: tRUE\nnull: NULL\n"
	                     "empty:\ndate: 2024-01-01\noct: 0o17\n"
	                     "ver: 1.2.3\nquoted_missing: '?\?\?'\n"
	                     "quoted_interp: \"${a.b}\"\nquoted_int: \"12\"\n"
	                     "single: 'true'\ntagged: !!int \"7\"\n"
	                     "base: &b {x: 1, y: 2}\n"
	                     "derived: {<<: *b, y: 3}\n"),
	    0);
	assert_int_equal(hydra_load(&cfg, dir, NULL, &err), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		expect_scalar(cfg, want[i].key, want[i].type, want[i].value);
	}
	/* merged keys come first, then the explicit ones */
	assert_string_equal(
	    hydra_node_find(hydra_config_root(cfg), "derived")->items[0]->key,
	    "x");
	hydra_config_free(cfg);

	/* a config must be a map; an empty file is an empty map */
	assert_int_equal(testutil_write(dir, "list.yaml", "- 1\n- 2\n"), 0);
	assert_int_equal(testutil_write(dir, "empty.yaml", "# nothing\n"), 0);
	assert_int_equal(hydra_load(&cfg, dir, "list", &err), MLOPS_ECONFIG);
	assert_non_null(
	    strstr(err.msg, "/list.yaml:1:1: a config file must be a map"));
	assert_int_equal(hydra_load(&cfg, dir, "empty", &err), 0);
	assert_int_equal(hydra_config_root(cfg)->nitems, 0);
	hydra_config_free(cfg);
	testutil_rmtree(dir);
	free(dir);
}

/* Defaults-list entries Hydra 1.3 rejects. */
static void
test_bad_entries(void **state)
{
	static const struct {
		const char *yaml;
		const char *msg;
	} cases[] = {
		{ "defaults:\n  - db: mysql\n    optional: true\n",
		    "/config.yaml:2:5: defaults: an entry must have one key "
		    "(write '- optional group: option' instead of an "
		    "'optional:' key)" },
		{ "defaults:\n  - maybe db: mysql\n",
		    "/config.yaml:2:5: defaults: unknown keyword 'maybe' in "
		    "'maybe db'" },
		{ "defaults:\n  - ~db\n",
		    "/config.yaml:2:5: defaults: deleting an entry ('~db') in "
		    "a "
		    "defaults list is not supported" },
		{ "defaults:\n  - _self_\n  - _self_\n",
		    "/config.yaml:2:5: defaults: _self_ appears more than "
		    "once" },
		{ "defaults:\n  - db@a:b: mysql\n",
		    "/config.yaml:2:5: defaults: renaming a package "
		    "('db@a:b') "
		    "is not supported" },
		{ "defaults:\n  - db: mysql\n  - db: sqlite\n",
		    "/config.yaml:2:5: defaults: 'db' has two values ('mysql' "
		    "and 'sqlite'); use 'override db: ...' to change a "
		    "choice" },
		{ "defaults:\n  - nope: x\n",
		    "/config.yaml:2:5: defaults: no config group 'nope'" },
		{ "defaults:\n  - db/none\n",
		    "/config.yaml:2:5: defaults: config 'db/none' not found" },
		{ "defaults:\n  - override db: sqlite\n  - _self_\n",
		    "/config.yaml:2:5: defaults: cannot override 'db': it is "
		    "not in the defaults list" },
	};
	char *dir = testutil_mkdtemp("hydra");

	(void) state;
	assert_int_equal(testutil_write(dir, "db/mysql.yaml", "d: 1\n"), 0);
	assert_int_equal(testutil_write(dir, "db/sqlite.yaml", "d: 2\n"), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hydra_config *cfg = NULL;
		struct mlops_error   err = { 0 };
		char                *want;

		assert_int_equal(
		    testutil_write(dir, "config.yaml", cases[i].yaml), 0);
		assert_int_equal(
		    hydra_load(&cfg, dir, NULL, &err), MLOPS_ECONFIG);
		want = xasprintf("%s%s", dir, cases[i].msg);
		assert_string_equal(err.msg, want);
		free(want);
	}
	testutil_rmtree(dir);
	free(dir);
}

static void
test_json(void **state)
{
	struct hydra_config *cfg  = load_ok(TREE("ml"), NULL);
	char                *text = hydra_config_to_json(cfg);
	json_object         *o    = json_tokener_parse(text), *v, *e;

	(void) state;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "config_name", &v));
	assert_string_equal(json_object_get_string(v), "config");
	assert_true(json_object_object_get_ex(o, "config", &v));
	assert_true(json_object_object_get_ex(v, "optimizer", &e));
	assert_true(json_object_object_get_ex(e, "lr", &e));
	assert_true(json_object_is_type(e, json_type_double));
	assert_true(fabs(json_object_get_double(e) - 0.001) < 1e-12);
	assert_true(json_object_object_get_ex(v, "seed", &e));
	assert_int_equal(json_object_get_int64(e), 42);
	assert_true(json_object_object_get_ex(v, "nothing", &e));
	assert_null(e);
	assert_true(json_object_object_get_ex(o, "choices", &v));
	assert_true(json_object_object_get_ex(v, "model/encoder", &e));
	assert_string_equal(json_object_get_string(e), "cnn");
	assert_true(json_object_object_get_ex(o, "groups", &v));
	assert_true(json_object_object_get_ex(v, "model", &e));
	assert_int_equal(json_object_array_length(e), 2);
	assert_true(json_object_object_get_ex(o, "schema", &v));
	e = json_object_array_get_idx(v, 0);
	assert_string_equal(
	    json_object_get_string(json_object_object_get(e, "key")),
	    "model.encoder.kind");
	assert_string_equal(
	    json_object_get_string(json_object_object_get(e, "file")),
	    "model/encoder/cnn.yaml");
	assert_true(json_object_object_get_ex(o, "defaults", &v));
	assert_int_equal(json_object_array_length(v), 5);
	assert_false(json_object_object_get_ex(o, "overrides", &v));
	assert_non_null(strstr(text, "\"devices\":\"???\""));
	assert_non_null(strstr(text,
	    "{\"key\":\"trainer.devices\",\"type\":\"missing\",\"value\":"
	    "\"???\",\"file\":\"trainer/default.yaml\",\"line\":2}"));
	json_object_put(o);
	free(text);
	hydra_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ml_compose),
		cmocka_unit_test(test_override_in_primary),
		cmocka_unit_test(test_packages),
		cmocka_unit_test(test_self_order),
		cmocka_unit_test(test_absolute_relative),
		cmocka_unit_test(test_null_and_mandatory_group),
		cmocka_unit_test(test_interpolated_default),
		cmocka_unit_test(test_option_list),
		cmocka_unit_test(test_optional),
		cmocka_unit_test(test_bad_trees),
		cmocka_unit_test(test_broken_option_used_later),
		cmocka_unit_test(test_yaml_types),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
