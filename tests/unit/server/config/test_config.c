/*
 * config: clusters.yaml and .mlops-config.yaml parsing, from the fixtures in
 * tests/fixtures/config/ (good_*.yaml, bad_*.yaml) and small inline texts.
 * Every error case asserts the exact "file:line:col: key:" prefix.
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
#include <mlops/xmalloc.h>

#include "config.h"
#include "testutil.h"

#define FIXTURE(name) MLOPS_FIXTURES "/config/" name

/* Each case runs with its own scratch dir as $HOME. */
struct test_ctx {
	char *dir;
	char *old_home;
};

static int
test_setup(void **state)
{
	struct test_ctx *t    = xcalloc(1, sizeof(*t));
	const char      *home = getenv("HOME");

	t->dir      = testutil_mkdtemp("config");
	t->old_home = home ? xstrdup(home) : NULL;
	if (t->dir == NULL) {
		free(t);
		return -1;
	}
	setenv("HOME", t->dir, 1);
	*state = t;
	return 0;
}

static int
test_teardown(void **state)
{
	struct test_ctx *t = *state;

	if (t->old_home != NULL) {
		setenv("HOME", t->old_home, 1);
	} else {
		unsetenv("HOME");
	}
	testutil_rmtree(t->dir);
	free(t->dir);
	free(t->old_home);
	free(t);
	return 0;
}

/* Asserts that err->msg starts with "<file>:<line>:<col>: <key>: " and
 * contains `what`. */
static void
expect_error(const struct mlops_error *err, const char *file, int line,
    int col, const char *key, const char *what)
{
	char *prefix = xasprintf("%s:%d:%d: %s: ", file, line, col, key);
	bool  ok     = strncmp(err->msg, prefix, strlen(prefix)) == 0
	    && strstr(err->msg, what) != NULL;

	if (!ok) {
		print_error(
		    "got:    %s\nwanted: %s...%s\n", err->msg, prefix, what);
	}
	free(prefix);
	assert_true(ok);
	assert_int_equal(err->code, MLOPS_ECONFIG);
}

static void
expect_load_error(
    const char *fixture, int line, int col, const char *key, const char *what)
{
	struct mlops_config *cfg = NULL;
	struct mlops_error   err = { 0 };
	char *path = xasprintf(MLOPS_FIXTURES "/config/%s", fixture);

	assert_int_equal(config_load(&cfg, path, &err), MLOPS_ECONFIG);
	assert_null(cfg);
	expect_error(&err, path, line, col, key, what);
	free(path);
}

static void
expect_parse_error(
    const char *text, int line, int col, const char *key, const char *what)
{
	struct mlops_config *cfg = NULL;
	struct mlops_error   err = { 0 };

	assert_int_equal(
	    config_parse(&cfg, "t.yaml", text, strlen(text), &err),
	    MLOPS_ECONFIG);
	assert_null(cfg);
	expect_error(&err, "t.yaml", line, col, key, what);
}

static struct mlops_config *
parse_ok(const char *text)
{
	struct mlops_config *cfg = NULL;
	struct mlops_error   err = { 0 };
	int                  rc;

	rc = config_parse(&cfg, "t.yaml", text, strlen(text), &err);
	if (rc != 0) {
		print_error("unexpected error: %s\n", err.msg);
	}
	assert_int_equal(rc, 0);
	assert_non_null(cfg);
	return cfg;
}

/* ---- clusters.yaml ---- */

static void
test_list_form(void **state)
{
	struct test_ctx             *t   = *state;
	struct mlops_config         *cfg = NULL;
	struct mlops_error           err = { 0 };
	const struct cluster_config *a, *b;
	char                        *want;

	assert_int_equal(
	    config_load(&cfg, FIXTURE("good_clusters_list.yaml"), &err), 0);
	assert_string_equal(cfg->path, FIXTURE("good_clusters_list.yaml"));
	assert_int_equal(cfg->n_clusters, 2);
	assert_int_equal(cfg->warnings.n, 0);

	a = config_cluster_find(cfg, "alpha");
	assert_ptr_equal(a, &cfg->clusters[0]);
	assert_int_equal(a->line, 3);
	assert_int_equal(a->column, 5);
	assert_string_equal(a->host, "alice@login.alpha.example.org");
	assert_string_equal(a->user, "alice");
	assert_string_equal(a->hostname, "login.alpha.example.org");
	assert_int_equal(a->port, 2222);
	want = xasprintf("%s/.ssh/id_alpha", t->dir);
	assert_string_equal(a->ssh_key_path, want);
	free(want);
	want = xasprintf("%s/.ssh/known_hosts_alpha", t->dir);
	assert_string_equal(a->known_hosts, want);
	free(want);
	want = xasprintf("%s/templates/alpha.sh", t->dir);
	assert_string_equal(a->sbatch_template, want);
	free(want);
	/* A remote path: never expanded locally. */
	assert_string_equal(a->workspace, "~/mlops-jobs");
	assert_int_equal(a->allowed_partitions.n, 2);
	assert_string_equal(a->allowed_partitions.v[0], "gpu");
	assert_string_equal(a->allowed_partitions.v[1], "gpu-long");
	assert_null(a->allowed_partitions.v[2]);
	assert_true(strlist_contains(&a->allowed_gpu_types, "h100_80gb"));
	assert_int_equal(a->allowed_gpu_types.n, 2);
	assert_int_equal(a->gpu_request_style, GPU_REQUEST_CONSTRAINT);
	assert_string_equal(a->conda_env, "torch-2.3");
	assert_true(a->use_login_shell);
	assert_string_equal(a->account, "proj-123");
	assert_string_equal(a->qos, "normal");
	assert_int_equal(a->setup.n, 2);
	assert_string_equal(a->setup.v[0], "module load cuda/12.1");
	assert_string_equal(a->setup.v[1], "source /opt/site/env.sh");
	assert_int_equal(a->poll_interval, 15);
	assert_int_equal(a->gpu_cache_ttl, 120);

	b = config_cluster_find(cfg, "beta");
	assert_ptr_equal(b, &cfg->clusters[1]);
	assert_int_equal(b->line, 24);
	assert_int_equal(b->column, 5);
	assert_string_equal(b->host, "beta-login");
	assert_null(b->user);
	assert_string_equal(b->hostname, "beta-login");
	assert_int_equal(b->port, 0);
	assert_null(b->ssh_key_path);
	assert_null(b->known_hosts);
	assert_null(b->sbatch_template);
	assert_null(b->conda_env);
	assert_null(b->account);
	/* Scalars where lists are expected. */
	assert_int_equal(b->allowed_partitions.n, 1);
	assert_string_equal(b->allowed_partitions.v[0], "debug");
	assert_int_equal(b->allowed_gpu_types.n, 1);
	assert_string_equal(b->allowed_gpu_types.v[0], "v100");
	assert_false(b->use_login_shell);
	assert_int_equal(b->gpu_request_style, GPU_REQUEST_GRES);
	/* A block string is split into lines, blank ones dropped. */
	assert_int_equal(b->setup.n, 2);
	assert_string_equal(b->setup.v[0], "module purge");
	assert_string_equal(b->setup.v[1], "module load cuda");
	assert_int_equal(b->poll_interval, CONFIG_DEFAULT_POLL_INTERVAL);
	assert_int_equal(b->gpu_cache_ttl, CONFIG_DEFAULT_GPU_CACHE_TTL);

	assert_null(config_cluster_find(cfg, "gamma"));
	assert_null(config_cluster_find(NULL, "alpha"));
	config_free(cfg);
}

static void
test_map_form(void **state)
{
	struct mlops_config         *cfg = NULL;
	struct mlops_error           err = { 0 };
	const struct cluster_config *a, *b;

	(void) state;
	assert_int_equal(
	    config_load(&cfg, FIXTURE("good_clusters_map.yaml"), &err), 0);
	assert_int_equal(cfg->n_clusters, 2);
	a = &cfg->clusters[0];
	assert_string_equal(a->name, "alpha");
	assert_int_equal(a->line, 2);
	assert_int_equal(a->column, 3);
	assert_string_equal(a->user, "alice");
	assert_string_equal(a->hostname, "alpha.example.org");
	assert_string_equal(a->workspace, "/home/alice/jobs");
	assert_int_equal(a->poll_interval, 30);
	b = config_cluster_find(cfg, "beta");
	assert_non_null(b);
	assert_string_equal(b->user, "bob");
	assert_string_equal(b->hostname, "beta");
	assert_int_equal(b->poll_interval, 60);
	assert_int_equal(b->gpu_request_style, GPU_REQUEST_GRES);
	config_free(cfg);
}

static void
test_map_form_name_mismatch(void **state)
{
	(void) state;
	expect_parse_error("clusters:\n"
	                   "  alpha:\n"
	                   "    name: beta\n"
	                   "    host: h\n"
	                   "    workspace: /w\n",
	    3, 11, "name", "differs from the cluster's key");
	expect_parse_error("clusters:\n"
	                   "  \"bad name\":\n"
	                   "    host: h\n"
	                   "    workspace: /w\n",
	    2, 3, "name", "not a valid cluster name");
	expect_parse_error("clusters:\n"
	                   "  alpha: h\n",
	    2, 10, "clusters", "must be a mapping");
}

static void
test_missing_and_empty(void **state)
{
	struct test_ctx     *t    = *state;
	struct mlops_config *cfg  = NULL;
	struct mlops_error   err  = { 0 };
	char                *path = xasprintf("%s/nope/clusters.yaml", t->dir);

	assert_int_equal(config_load(&cfg, path, &err), 0);
	assert_non_null(cfg);
	assert_null(cfg->path);
	assert_int_equal(cfg->n_clusters, 0);
	config_free(cfg);
	free(path);

	assert_int_equal(
	    config_load(&cfg, FIXTURE("good_empty.yaml"), &err), 0);
	assert_int_equal(cfg->n_clusters, 0);
	config_free(cfg);
	assert_int_equal(
	    config_load(&cfg, FIXTURE("good_comments_only.yaml"), &err), 0);
	assert_int_equal(cfg->n_clusters, 0);
	config_free(cfg);

	cfg = parse_ok("clusters:\n");
	assert_int_equal(cfg->n_clusters, 0);
	config_free(cfg);
	cfg = parse_ok("clusters: []\n");
	assert_int_equal(cfg->n_clusters, 0);
	config_free(cfg);
	cfg = parse_ok("---\n");
	assert_int_equal(cfg->n_clusters, 0);
	config_free(cfg);

	/* A directory is not a config file. */
	assert_int_equal(config_load(&cfg, t->dir, &err), MLOPS_EIO);
	config_free(NULL);
}

static void
test_syntax_error(void **state)
{
	(void) state;
	expect_load_error("bad_syntax.yaml", 3, 16, "YAML syntax error",
	    "mapping values are not allowed");
	/* A tab cannot indent. */
	expect_parse_error("clusters:\n\t- name: a\n", 2, 1,
	    "YAML syntax error", "cannot start any token");
	/* Invalid UTF-8 is placed by its byte offset. */
	expect_parse_error("clusters:\n  - name: \xff\n", 2, 11,
	    "YAML syntax error", "UTF-8");
	expect_parse_error("clusters: []\n---\nclusters: []\n", 2, 1,
	    "YAML syntax error", "only one document");
	expect_parse_error("clusters: [*nope]\n", 1, 12, "YAML syntax error",
	    "undefined alias");
}

static void
test_wrong_type(void **state)
{
	(void) state;
	expect_load_error("bad_type.yaml", 6, 7, "port",
	    "expected a port number, found a mapping");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: [a, b]\n"
	                   "    workspace: /w\n",
	    3, 11, "host", "expected a string, found a list");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n"
	                   "    workspace: {path: /w}\n",
	    4, 16, "workspace", "expected a string, found a mapping");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n"
	                   "    workspace: /w\n"
	                   "    setup: {a: b}\n",
	    5, 12, "setup", "expected a list of strings");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n"
	                   "    workspace: /w\n"
	                   "    allowed_gpu_types: [a100, [h100]]\n",
	    5, 31, "allowed_gpu_types", "list items must be strings");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n"
	                   "    workspace: /w\n"
	                   "    use_login_shell: maybe\n",
	    5, 22, "use_login_shell", "expected true or false");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n"
	                   "    workspace: /w\n"
	                   "    port: 70000\n",
	    5, 11, "port", "from 1 to 65535");
	expect_parse_error("clusters: yes\n", 1, 11, "clusters",
	    "expected a list or a mapping");
	expect_parse_error(
	    "- clusters\n", 1, 1, "clusters", "must be a mapping");
	expect_parse_error("clusters:\n  - just-a-name\n", 2, 5, "clusters",
	    "must be a mapping");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n"
	                   "    workspace: \"\"\n",
	    4, 16, "workspace", "must not be empty");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n"
	                   "    workspace: \"/w\\nrm\"\n",
	    4, 16, "workspace", "one line");
}

static void
test_gpu_request_style(void **state)
{
	(void) state;
	expect_load_error("bad_gpu_style.yaml", 5, 24, "gpu_request_style",
	    "expected gres or constraint, found \"gpus\"");
}

static void
test_seconds(void **state)
{
	static const char *const bad[] = { "-5", "1.5", "30s",
		"99999999999999999999", "604801", "\"\"", "[30]" };
	struct mlops_config     *cfg;

	(void) state;
	expect_load_error("bad_poll_zero.yaml", 5, 20, "poll_interval",
	    "expected whole seconds from 1 to 604800, found \"0\"");
	expect_load_error(
	    "bad_poll_abc.yaml", 5, 20, "poll_interval", "found \"abc\"");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = xasprintf("clusters:\n"
		                       "  - name: a\n"
		                       "    host: h\n"
		                       "    workspace: /w\n"
		                       "    gpu_cache_ttl: %s\n",
		    bad[i]);

		expect_parse_error(
		    text, 5, 20, "gpu_cache_ttl", "expected whole seconds");
		free(text);
	}
	cfg = parse_ok("clusters:\n"
	               "  - name: a\n"
	               "    host: h\n"
	               "    workspace: /w\n"
	               "    gpu_cache_ttl: 1\n"
	               "    poll_interval: 604800\n");
	assert_int_equal(cfg->clusters[0].gpu_cache_ttl, 1);
	assert_int_equal(cfg->clusters[0].poll_interval, 604800);
	config_free(cfg);
}

static void
test_duplicates(void **state)
{
	(void) state;
	expect_load_error("bad_duplicate_name.yaml", 8, 11, "name",
	    "duplicate cluster name 'alpha' (first at line 2)");
	/* In the map form YAML itself lets the key repeat. */
	expect_parse_error("clusters:\n"
	                   "  a: {host: h, workspace: /w}\n"
	                   "  a: {host: h, workspace: /w}\n",
	    3, 3, "name", "duplicate cluster name 'a'");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n"
	                   "    workspace: /w\n"
	                   "    host: g\n",
	    5, 5, "host", "duplicate key in cluster 'a'");
}

static void
test_required(void **state)
{
	(void) state;
	expect_load_error("bad_missing_host.yaml", 2, 5, "host",
	    "required key missing in cluster 'alpha'");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n",
	    2, 5, "workspace", "required key missing");
	expect_parse_error("clusters:\n"
	                   "  - host: h\n"
	                   "    workspace: /w\n",
	    2, 5, "name", "required key missing in the cluster at line 2");
	expect_parse_error("clusters:\n"
	                   "  - name:\n"
	                   "    host: h\n"
	                   "    workspace: /w\n",
	    2, 5, "name", "required key missing");
}

static void
test_names(void **state)
{
	char                *text;
	struct mlops_config *cfg;

	(void) state;
	expect_load_error("bad_name_chars.yaml", 2, 11, "name",
	    "\"alpha beta\" is not a valid cluster name");
	expect_load_error("bad_partition_chars.yaml", 5, 31,
	    "allowed_partitions", "\"gpu;reboot\" is not a valid name");
	expect_parse_error("clusters:\n"
	                   "  - name: -x\n"
	                   "    host: h\n"
	                   "    workspace: /w\n",
	    2, 11, "name", "not a valid cluster name");
	expect_parse_error("clusters:\n"
	                   "  - name: a\n"
	                   "    host: h\n"
	                   "    workspace: /w\n"
	                   "    account: \"a b\"\n",
	    5, 14, "account", "not a valid name");

	/* 64 characters is the limit. */
	text = xasprintf("clusters:\n  - name: %0*d\n    host: h\n"
	                 "    workspace: /w\n",
	    64, 7);
	cfg  = parse_ok(text);
	assert_int_equal(strlen(cfg->clusters[0].name), 64);
	config_free(cfg);
	free(text);
	text = xasprintf("clusters:\n  - name: %0*d\n    host: h\n"
	                 "    workspace: /w\n",
	    65, 7);
	expect_parse_error(text, 2, 11, "name", "1-64");
	free(text);

	cfg = parse_ok("clusters:\n  - name: A.b_c-9\n    host: h\n"
	               "    workspace: /w\n");
	assert_string_equal(cfg->clusters[0].name, "A.b_c-9");
	config_free(cfg);
}

static void
test_host(void **state)
{
	static const char *const bad[]
	    = { "\"@h\"", "u@", "\"a b\"", "-oProxy" };
	struct mlops_config *cfg;

	(void) state;
	cfg = parse_ok("clusters:\n  - name: a\n    host: u@x@h.org\n"
	               "    workspace: /w\n");
	assert_string_equal(cfg->clusters[0].user, "u@x");
	assert_string_equal(cfg->clusters[0].hostname, "h.org");
	config_free(cfg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = xasprintf("clusters:\n  - name: a\n"
		                       "    host: %s\n    workspace: /w\n",
		    bad[i]);

		expect_parse_error(text, 3, 11, "host", "");
		free(text);
	}
}

static void
test_unknown_key_warning(void **state)
{
	struct mlops_config *cfg  = NULL;
	struct mlops_error   err  = { 0 };
	const char          *path = FIXTURE("good_unknown_key.yaml");
	char                *want;

	(void) state;
	assert_int_equal(config_load(&cfg, path, &err), 0);
	assert_int_equal(cfg->n_clusters, 1);
	assert_int_equal(cfg->warnings.n, 2);
	want = xasprintf(
	    "%s:5:5: unknown key 'partitions' in cluster 'alpha'", path);
	assert_string_equal(cfg->warnings.v[0], want);
	free(want);
	want = xasprintf("%s:6:1: unknown key 'extra_top'", path);
	assert_string_equal(cfg->warnings.v[1], want);
	free(want);
	config_free(cfg);
}

static void
test_bools_and_nulls(void **state)
{
	struct mlops_config *cfg;

	(void) state;
	cfg = parse_ok("clusters:\n"
	               "  - {name: a, host: h, workspace: /w, "
	               "use_login_shell: yes}\n"
	               "  - {name: b, host: h, workspace: /w, "
	               "use_login_shell: No}\n"
	               "  - {name: c, host: h, workspace: /w, "
	               "use_login_shell: TRUE}\n"
	               "  - {name: d, host: h, workspace: /w, "
	               "use_login_shell: ~, poll_interval: null, "
	               "conda_env: , setup: }\n");
	assert_true(cfg->clusters[0].use_login_shell);
	assert_false(cfg->clusters[1].use_login_shell);
	assert_true(cfg->clusters[2].use_login_shell);
	assert_false(cfg->clusters[3].use_login_shell);
	assert_int_equal(cfg->clusters[3].poll_interval, 30);
	assert_null(cfg->clusters[3].conda_env);
	assert_int_equal(cfg->clusters[3].setup.n, 0);
	config_free(cfg);
}

static void
test_anchors(void **state)
{
	struct mlops_config *cfg;
	struct strbuf        sb = STRBUF_INIT;
	char                *big;

	(void) state;
	/* Anchors shared between clusters are fine... */
	cfg = parse_ok("clusters:\n"
	               "  - name: a\n"
	               "    host: h\n"
	               "    workspace: /w\n"
	               "    allowed_gpu_types: &gpus [a100, h100]\n"
	               "  - name: b\n"
	               "    host: h\n"
	               "    workspace: /w\n"
	               "    allowed_gpu_types: *gpus\n");
	assert_int_equal(cfg->clusters[1].allowed_gpu_types.n, 2);
	config_free(cfg);

	/* ...but cannot expand a small file into a huge config. */
	big = xmalloc(65537);
	memset(big, 'x', 65536);
	big[65536] = '\0';
	strbuf_printf(&sb,
	    "clusters:\n  - name: a\n    host: h\n"
	    "    workspace: /w\n    setup: [&s %s",
	    big);
	for (int i = 0; i < 300; i++) {
		strbuf_puts(&sb, ", *s");
	}
	strbuf_puts(&sb, "]\n");
	expect_parse_error(strbuf_str(&sb), 5, 13, "setup", "aliases");
	strbuf_fini(&sb);
	free(big);
}

static void
test_expand_home(void **state)
{
	struct test_ctx *t = *state;
	char            *s, *want;

	s = config_expand_home("~");
	assert_string_equal(s, t->dir);
	free(s);
	s    = config_expand_home("~/a/b");
	want = xasprintf("%s/a/b", t->dir);
	assert_string_equal(s, want);
	free(want);
	free(s);
	s = config_expand_home("/abs/~/x");
	assert_string_equal(s, "/abs/~/x");
	free(s);
	s = config_expand_home("~bob/x");
	assert_string_equal(s, "~bob/x");
	free(s);
	assert_null(config_expand_home(NULL));

	setenv("HOME", "/home/u/", 1);
	s = config_expand_home("~/k");
	assert_string_equal(s, "/home/u/k");
	free(s);
	setenv("HOME", "/", 1);
	s = config_expand_home("~/k");
	assert_string_equal(s, "/k");
	free(s);
}

static void
test_strlist(void **state)
{
	struct strlist l = { NULL, 0 };
	char           buf[16];

	(void) state;
	assert_false(strlist_contains(&l, "a"));
	for (int i = 0; i < 100; i++) {
		snprintf(buf, sizeof(buf), "s%d", i);
		strlist_add(&l, buf);
		assert_null(l.v[l.n]);
	}
	assert_int_equal(l.n, 100);
	assert_string_equal(l.v[57], "s57");
	assert_true(strlist_contains(&l, "s99"));
	assert_false(strlist_contains(&l, "s100"));
	strlist_fini(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	strlist_fini(NULL);
}

/* ---- .mlops-config.yaml ---- */

static void
test_project_defaults(void **state)
{
	struct test_ctx       *t   = *state;
	struct project_config *pc  = NULL;
	struct mlops_error     err = { 0 };
	char *path = xasprintf("%s/.mlops-config.yaml", t->dir);

	assert_int_equal(project_config_load(&pc, path, &err), 0);
	assert_null(pc->conda_env);
	assert_string_equal(pc->train_script, "train.py");
	assert_int_equal(pc->default_overrides.n, 0);
	assert_false(pc->install_editable);
	assert_null(pc->package_name);
	assert_int_equal(pc->code_sync, CODE_SYNC_SNAPSHOT);
	assert_string_equal(pc->hydra_config_dir, "conf");
	assert_int_equal(pc->n_env, 0);
	assert_int_equal(pc->warnings.n, 0);
	project_config_free(pc);

	assert_int_equal(testutil_write(t->dir, ".mlops-config.yaml", ""), 0);
	assert_int_equal(project_config_load(&pc, path, &err), 0);
	assert_string_equal(pc->train_script, "train.py");
	assert_string_equal(pc->hydra_config_dir, "conf");
	project_config_free(pc);
	project_config_free(NULL);
	free(path);
}

static void
test_project_full(void **state)
{
	struct project_config *pc   = NULL;
	struct mlops_error     err  = { 0 };
	const char            *path = FIXTURE("good_project.yaml");
	char                  *want;

	(void) state;
	assert_int_equal(project_config_load(&pc, path, &err), 0);
	assert_string_equal(pc->conda_env, "myproj");
	assert_string_equal(pc->train_script, "src/train.py");
	assert_int_equal(pc->default_overrides.n, 2);
	assert_string_equal(
	    pc->default_overrides.v[0], "trainer.max_epochs=10");
	assert_string_equal(
	    pc->default_overrides.v[1], "+experiment=baseline");
	assert_true(pc->install_editable);
	assert_string_equal(pc->package_name, "my_pkg");
	assert_int_equal(pc->code_sync, CODE_SYNC_GIT);
	assert_string_equal(pc->hydra_config_dir, "configs");
	assert_int_equal(pc->n_env, 3);
	assert_string_equal(pc->env[0].name, "WANDB_PROJECT");
	assert_string_equal(pc->env[0].value, "my-project");
	assert_string_equal(pc->env[1].name, "OMP_NUM_THREADS");
	assert_string_equal(pc->env[1].value, "4");
	assert_string_equal(pc->env[2].name, "EMPTY");
	assert_string_equal(pc->env[2].value, "");
	assert_int_equal(pc->warnings.n, 1);
	want = xasprintf("%s:14:1: unknown key 'wandb'", path);
	assert_string_equal(pc->warnings.v[0], want);
	free(want);
	project_config_free(pc);

	assert_int_equal(project_config_load(
	                     &pc, FIXTURE("good_project_scalar.yaml"), &err),
	    0);
	assert_int_equal(pc->default_overrides.n, 1);
	assert_string_equal(
	    pc->default_overrides.v[0], "trainer.fast_dev_run=true");
	project_config_free(pc);
}

static void
expect_project_error(
    const char *text, int line, int col, const char *key, const char *what)
{
	struct project_config *pc  = NULL;
	struct mlops_error     err = { 0 };

	assert_int_equal(
	    project_config_parse(&pc, "p.yaml", text, strlen(text), &err),
	    MLOPS_ECONFIG);
	assert_null(pc);
	expect_error(&err, "p.yaml", line, col, key, what);
}

static void
test_project_types(void **state)
{
	struct project_config *pc  = NULL;
	struct mlops_error     err = { 0 };
	const char            *path;

	(void) state;
	path = FIXTURE("bad_project_type.yaml");
	assert_int_equal(project_config_load(&pc, path, &err), MLOPS_ECONFIG);
	expect_error(&err, path, 2, 19, "install_editable",
	    "expected true or false, found \"maybe\"");
	assert_string_equal(err.field, "install_editable");

	path = FIXTURE("bad_project_train_script.yaml");
	assert_int_equal(project_config_load(&pc, path, &err), MLOPS_ECONFIG);
	expect_error(&err, path, 1, 15, "train_script", "\"..\"");

	expect_project_error("train_script: /abs/train.py\n", 1, 15,
	    "train_script", "relative");
	expect_project_error(
	    "train_script: ..\n", 1, 15, "train_script", "\"..\"");
	expect_project_error(
	    "train_script: -c\n", 1, 15, "train_script", "'-'");
	expect_project_error("train_script: [a]\n", 1, 15, "train_script",
	    "expected a string, found a list");
	expect_project_error("default_overrides: {a: b}\n", 1, 20,
	    "default_overrides", "expected a list of strings");
	expect_project_error("code_sync: rsync\n", 1, 12, "code_sync",
	    "expected snapshot or git, found \"rsync\"");
	expect_project_error("package_name: \"my pkg\"\n", 1, 15,
	    "package_name", "not a valid name");
	expect_project_error(
	    "env: [A=1]\n", 1, 6, "env", "expected a mapping");
	expect_project_error("env:\n  A: [1]\n", 2, 6, "env",
	    "A: expected a string, found a list");
	expect_project_error(
	    "env:\n  A: 1\n  A: 2\n", 3, 3, "env", "duplicate variable A");
	expect_project_error("conda_env: a\nconda_env: b\n", 2, 1, "conda_env",
	    "duplicate key");
	expect_project_error(
	    "- a\n", 1, 1, "(top level)", "expected a mapping");
	expect_project_error("conda_env: [a\n", 2, 1, "YAML syntax error", "");

	/* Nested dirs and "./" are fine. */
	pc = NULL;
	assert_int_equal(project_config_parse(&pc, "p.yaml",
	                     "train_script: ./a/b..c/t.py\n", 27, &err),
	    0);
	assert_string_equal(pc->train_script, "./a/b..c/t.py");
	project_config_free(pc);
}

static void
test_project_env_name(void **state)
{
	struct project_config *pc   = NULL;
	struct mlops_error     err  = { 0 };
	const char            *path = FIXTURE("bad_project_env_name.yaml");

	(void) state;
	assert_int_equal(project_config_load(&pc, path, &err), MLOPS_ECONFIG);
	assert_null(pc);
	expect_error(
	    &err, path, 3, 3, "env", "\"2BAD\" is not a valid variable name");
	expect_project_error(
	    "env:\n  A-B: 1\n", 2, 3, "env", "not a valid variable name");
	expect_project_error("env:\n  _OK: 1\n  \"\": 2\n", 3, 3, "env", "");
}

/* The reference files in config/ are valid and use only known keys. */
static void
test_examples(void **state)
{
	struct mlops_config   *cfg = NULL;
	struct project_config *pc  = NULL;
	struct mlops_error     err = { 0 };

	(void) state;
	assert_int_equal(
	    config_load(&cfg,
	        MLOPS_FIXTURES "/../../config/clusters.example.yaml", &err),
	    0);
	assert_int_equal(cfg->n_clusters, 2);
	assert_int_equal(cfg->warnings.n, 0);
	config_free(cfg);
	assert_int_equal(
	    project_config_load(&pc,
	        MLOPS_FIXTURES "/../../config/mlops-config.example.yaml",
	        &err),
	    0);
	assert_int_equal(pc->warnings.n, 0);
	assert_int_equal(pc->n_env, 2);
	project_config_free(pc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_list_form, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_map_form, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_map_form_name_mismatch, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_missing_and_empty, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_syntax_error, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_wrong_type, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_gpu_request_style, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_seconds, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_duplicates, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_required, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_names, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_host, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_unknown_key_warning, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_bools_and_nulls, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_anchors, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_expand_home, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_strlist, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_project_defaults, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_project_full, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_project_types, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_project_env_name, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_examples, test_setup, test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
