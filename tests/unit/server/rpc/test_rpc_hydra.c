/*
 * rpc_hydra: the project_config request served exactly as a network
 * request is (rpc_dispatch, an in-memory store): the leaves with their
 * types and sources, the groups in defaults-list order with their choices
 * (mandatory, null, absent optional, package keys, option lists), the
 * other groups, and the errors with their fields.
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
#include <mlops/protocol.h>
#include <mlops/xmalloc.h>

#include "config.h"
#include "mlopsd.h"
#include "rpc.h"
#include "store.h"
#include "testutil.h"

#define TREE(name) MLOPS_FIXTURES "/hydra/" name

struct fixture {
	struct mlops_config cfg;
	struct mlopsd       d;
	struct store       *st;
	char               *dir;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	if (store_open(&f->st, ":memory:", NULL) < 0) {
		return -1;
	}
	f->d.d_cfg         = &f->cfg;
	f->d.d_config_path = "clusters.yaml";
	f->d.d_state_dir   = "/nonexistent";
	f->dir             = testutil_mkdtemp("rpc_hydra");
	*state             = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Registers project `name` whose .mlops-config.yaml holds `yaml`. */
static void
add_project(struct fixture *f, const char *name, const char *yaml)
{
	char                *path = xasprintf("%s/%s", f->dir, name);
	struct store_project p    = { .name = (char *) name, .path = path };
	struct mlops_error   err  = { 0 };

	assert_int_equal(testutil_write(path, ".mlops-config.yaml", yaml), 0);
	if (store_project_insert(f->st, &p, &err) != 0) {
		fail_msg("store_project_insert: %s", err.msg);
	}
	free(path);
}

/* A project whose hydra_config_dir is the fixture tree `tree`. */
static void
add_tree_project(struct fixture *f, const char *name, const char *tree)
{
	char *yaml = xasprintf("hydra_config_dir: %s\n", tree);

	add_project(f, name, yaml);
	free(yaml);
}

/* Asks project_config; returns the response (caller frees). */
static Mlops__Response *
ask(struct fixture *f, const char *name, const char *config_name)
{
	Mlops__Request              req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectConfigRequest body = MLOPS__PROJECT_CONFIG_REQUEST__INIT;
	Mlops__Response            *resp = NULL;
	uint8_t                    *in = NULL, *out = NULL;
	size_t                      inlen = 0, outlen = 0;

	req.proto_major    = MLOPS_PROTOCOL_MAJOR;
	req.proto_minor    = MLOPS_PROTOCOL_MINOR;
	req.request_id     = 1;
	req.body_case      = MLOPS__REQUEST__BODY_PROJECT_CONFIG;
	req.project_config = &body;
	body.name          = (char *) name;
	body.config_name   = (char *) config_name;
	assert_int_equal(
	    mlops_pack(&in, &inlen, (const ProtobufCMessage *) &req, NULL), 0);
	rpc_dispatch(&f->d, f->st, in, inlen, &out, &outlen);
	assert_int_equal(mlops_response_unpack(&resp, out, outlen, NULL), 0);
	free(in);
	free(out);
	return resp;
}

static const Mlops__ProjectConfigReply *
reply_ok(Mlops__Response *resp)
{
	if (resp->error != NULL && resp->error->code != 0) {
		fail_msg("project_config: %s", resp->error->message);
	}
	assert_int_equal(
	    resp->body_case, MLOPS__RESPONSE__BODY_PROJECT_CONFIG);
	return resp->project_config;
}

static void
expect_error(struct fixture *f, const char *name, const char *config_name,
    int code, const char *field, const char *msg_part)
{
	Mlops__Response *resp = ask(f, name, config_name);

	assert_non_null(resp->error);
	assert_int_equal(resp->error->code, code);
	assert_string_equal(resp->error->field, field);
	if (strstr(resp->error->message, msg_part) == NULL) {
		fail_msg("'%s' lacks '%s'", resp->error->message, msg_part);
	}
	mlops__response__free_unpacked(resp, NULL);
}

static const Mlops__HydraValue *
value(const Mlops__ProjectConfigReply *r, const char *key)
{
	for (size_t i = 0; i < r->n_values; i++) {
		if (strcmp(r->values[i]->key, key) == 0) {
			return r->values[i];
		}
	}
	fail_msg("no value %s", key);
	return NULL;
}

static void
expect_group(const Mlops__HydraGroup *g, const char *key, const char *group,
    const char *choice, const char *options, bool optional, bool mandatory)
{
	char buf[256] = "";

	assert_string_equal(g->key, key);
	assert_string_equal(g->group, group);
	assert_string_equal(g->choice, choice);
	for (size_t i = 0; i < g->n_options; i++) {
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
		    i ? "," : "", g->options[i]);
	}
	assert_string_equal(buf, options);
	assert_int_equal(g->optional, optional);
	assert_int_equal(g->mandatory, mandatory);
}

static void
test_values(void **state)
{
	struct fixture                  *f = *state;
	Mlops__Response                 *resp;
	const Mlops__ProjectConfigReply *r;
	const Mlops__HydraValue         *v;
	json_object                     *o, *schema;

	add_tree_project(f, "ml", TREE("ml"));
	resp = ask(f, "ml", "");
	r    = reply_ok(resp);
	assert_string_equal(r->project, "ml");
	assert_string_equal(r->config_dir, TREE("ml"));
	assert_string_equal(r->config_name, "config");
	v = value(r, "trainer.devices");
	assert_string_equal(v->type, "missing");
	assert_string_equal(v->value, "???");
	assert_string_equal(v->file, "trainer/default.yaml");
	assert_int_equal(v->line, 2);
	assert_true(v->mandatory);
	v = value(r, "optimizer.lr");
	assert_string_equal(v->type, "float");
	assert_string_equal(v->value, "1e-3");
	assert_false(v->mandatory);
	assert_string_equal(value(r, "data.augment.1")->value, "crop");
	assert_string_equal(value(r, "run_name")->type, "interpolation");
	assert_string_equal(value(r, "nothing")->type, "null");
	/* one value per leaf of the JSON schema, in the same order */
	o = json_tokener_parse(r->config_json);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "schema", &schema));
	assert_int_equal(json_object_array_length(schema), r->n_values);
	assert_string_equal(json_object_get_string(json_object_object_get(
	                        json_object_array_get_idx(schema, 0), "key")),
	    r->values[0]->key);
	json_object_put(o);

	/* defaults-list entries in order, then the other groups */
	assert_int_equal(r->n_groups, 7);
	expect_group(r->groups[0], "model", "model", "small", "large,small",
	    false, false);
	expect_group(r->groups[1], "model/encoder", "model/encoder", "cnn",
	    "cnn,vit", false, false);
	expect_group(r->groups[2], "optimizer", "optimizer", "adam",
	    "adam,sgd", false, false);
	expect_group(r->groups[3], "trainer", "trainer", "default",
	    "cpu,default", false, false);
	expect_group(r->groups[4], "local", "local", "", "", true, false);
	expect_group(r->groups[5], "", "experiment", "", "big", false, false);
	/* hydra/ alone holds only a group: no choice to offer */
	expect_group(
	    r->groups[6], "", "hydra/launcher", "", "slurm", false, false);
	mlops__response__free_unpacked(resp, NULL);
}

/* null, ???, package keys and option lists. */
static void
test_group_forms(void **state)
{
	struct fixture                  *f = *state;
	Mlops__Response                 *resp;
	const Mlops__ProjectConfigReply *r;

	add_tree_project(f, "nd", TREE("null_default"));
	add_tree_project(f, "pk", TREE("packages"));
	add_tree_project(f, "lo", TREE("list_options"));

	resp = ask(f, "nd", "");
	r    = reply_ok(resp);
	assert_int_equal(r->n_groups, 2);
	expect_group(r->groups[0], "db", "db", "", "mysql", false, false);
	expect_group(r->groups[1], "model", "model", "", "a,b", false, true);
	mlops__response__free_unpacked(resp, NULL);

	resp = ask(f, "pk", "");
	r    = reply_ok(resp);
	expect_group(
	    r->groups[0], "db", "db", "mysql", "mysql,postgres", false, false);
	expect_group(r->groups[1], "db@backup", "db", "postgres",
	    "mysql,postgres", false, false);
	mlops__response__free_unpacked(resp, NULL);

	resp = ask(f, "lo", "");
	r    = reply_ok(resp);
	assert_int_equal(r->n_groups, 1);
	expect_group(r->groups[0], "transforms", "transforms", "flip,crop",
	    "blur,crop,flip", false, false);
	mlops__response__free_unpacked(resp, NULL);
}

static void
test_errors(void **state)
{
	struct fixture *f = *state;

	add_tree_project(f, "ml", TREE("ml"));
	add_tree_project(f, "broken", TREE("bad_syntax"));
	add_project(f, "plain", "conda_env: x\n");
	expect_error(f, "", "", MLOPS_EINVAL, "name", "a project name");
	expect_error(f, "nope", "", MLOPS_ENOTFOUND, "name", "nope");
	expect_error(f, "ml", "train", MLOPS_ENOTFOUND, "config_name",
	    "no primary config 'train'");
	expect_error(f, "plain", "", MLOPS_ENOTFOUND, "hydra_config_dir",
	    "project plain has no Hydra config directory 'conf'");
	expect_error(f, "broken", "", MLOPS_ECONFIG, "hydra_config_dir",
	    "/config.yaml:4:2: YAML syntax error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_group_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
