/*
 * sbatch: golden scripts, the template language, and a run of
 * rendered scripts under a real bash with fake srun/python/scontrol/conda,
 * which proves that every override arrives as one unchanged argv element
 * and that nothing in one is ever executed. Field validation is in
 * test_sbatch_validate.c.
 *
 * Golden files live in tests/fixtures/sbatch/<case>.sh and are compared
 * byte for byte. After an intended change to the renderer, rewrite them
 * with
 *     MLOPS_UPDATE_GOLDEN=1 ./test_sbatch     (or ctest -R sbatch)
 * and review the diff with git before committing.
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
#include <sys/stat.h>

#include <mlops/error.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "sbatch.h"
#include <mlops/shquote.h>
#include "sbatch_spec_base.h"
#include "testutil.h"

#define GOLDEN_DIR MLOPS_FIXTURES "/sbatch"

static char *sb_render(const struct sbatch_spec *spec, const char *tmpl);
static void  sb_golden(
     const char *name, const struct sbatch_spec *spec, const char *tmpl);

static char *
sb_render(const struct sbatch_spec *spec, const char *tmpl)
{
	struct strbuf      sb  = STRBUF_INIT;
	struct mlops_error err = { 0 };
	int                rc  = sbatch_render(&sb, tmpl, spec, &err);

	if (rc != 0) {
		fail_msg("sbatch_render: %d %s", rc, err.msg);
	}
	return strbuf_detach(&sb, NULL);
}

/* Compares the rendering with GOLDEN_DIR/<name> (or rewrites it when
 * MLOPS_UPDATE_GOLDEN=1), and checks that bash can parse the script. */
static void
sb_golden(const char *name, const struct sbatch_spec *spec, const char *tmpl)
{
	const char *update = getenv("MLOPS_UPDATE_GOLDEN");
	char       *got    = sb_render(spec, tmpl);
	char       *path   = xasprintf("%s/%s", GOLDEN_DIR, name);
	char       *tmp    = testutil_mkdtemp("sbatch-golden");
	char       *want   = NULL;

	assert_non_null(tmp);
	assert_int_equal(testutil_write(tmp, name, got), 0);
	if (testutil_sh("bash -n '%s/%s'", tmp, name) != 0) {
		fail_msg("%s: bash -n rejects the rendered script", name);
	}
	if (update != NULL && strcmp(update, "1") == 0) {
		assert_int_equal(testutil_write(GOLDEN_DIR, name, got), 0);
	} else if ((want = testutil_read(path, NULL)) == NULL) {
		fail_msg("%s: missing; run with MLOPS_UPDATE_GOLDEN=1", path);
	} else if (strcmp(want, got) != 0) {
		testutil_sh("diff -u '%s' '%s/%s'", path, tmp, name);
		fail_msg("%s: rendering differs (diff above); if intended, "
		         "rerun with MLOPS_UPDATE_GOLDEN=1",
		    path);
	}
	testutil_rmtree(tmp);
	free(tmp);
	free(want);
	free(path);
	free(got);
}

static void
test_golden_gpu_gres(void **state)
{
	struct sbatch_spec s = sb_base();

	(void) state;
	sb_golden("gpu_gres.sh", &s, NULL);
}

static void
test_golden_gpu_constraint(void **state)
{
	struct sbatch_spec s = sb_base();

	(void) state;
	s.gpu_request_style = SBATCH_GPU_CONSTRAINT;
	s.gpus_per_node     = 2;
	s.gpu_type          = "h100";
	sb_golden("gpu_constraint.sh", &s, NULL);
}

static void
test_golden_gpu_untyped(void **state)
{
	struct sbatch_spec s = sb_base();

	(void) state;
	s.gpu_type = NULL;
	s.mem      = NULL;
	sb_golden("gpu_untyped.sh", &s, NULL);
	s.gpu_request_style = SBATCH_GPU_CONSTRAINT; /* same directives */
	sb_golden("gpu_untyped.sh", &s, NULL);
}

static void
test_golden_cpu_only(void **state)
{
	struct sbatch_spec s = sb_base();

	(void) state;
	s.partition     = "cpu";
	s.gpus_per_node = 0;
	s.gpu_type      = NULL;
	s.cpus_per_task = 4;
	s.mem           = "4096";
	s.time_limit    = "30";
	s.description   = NULL;
	sb_golden("cpu_only.sh", &s, NULL);
}

static void
test_golden_multi_node(void **state)
{
	struct sbatch_spec s = sb_base();

	(void) state;
	s.nodes         = 2;
	s.gpus_per_node = 4;
	s.cpus_per_task = 12;
	s.mem           = "256G";
	s.time_limit    = "2-00:00:00";
	sb_golden("multi_node.sh", &s, NULL);
}

static void
test_golden_account_qos_setup(void **state)
{
	static const char *const setup[] = {
		"module purge",
		"module load cuda/12.1 nccl/2.18",
		"export NCCL_DEBUG=WARN # site default",
	};
	struct sbatch_spec s = sb_base();

	(void) state;
	s.account = "ml-lab";
	s.qos     = "high";
	s.setup   = (struct sbatch_list) { setup, 3 };
	sb_golden("account_qos_setup.sh", &s, NULL);
}

static void
test_golden_conda_env(void **state)
{
	struct sbatch_spec s = sb_base();

	(void) state;
	s.conda_env = "torch-2.1";
	sb_golden("conda_env.sh", &s, NULL);
}

static void
test_golden_project_env(void **state)
{
	static const struct sbatch_env env[] = {
		{ "HF_HOME", "/data/hf cache" },
		{ "WANDB_PROJECT", "vision" },
		{ "TRICKY", "$(touch /tmp/x) 'q' \"d\"\nnext" },
		{ "EMPTY", "" },
	};
	struct sbatch_spec s = sb_base();

	(void) state;
	s.env   = env;
	s.n_env = 4;
	sb_golden("project_env.sh", &s, NULL);
}

static void
test_golden_install_editable(void **state)
{
	struct sbatch_spec s = sb_base();

	(void) state;
	s.install_editable = true;
	s.package_name     = "vision-models";
	sb_golden("install_editable.sh", &s, NULL);
	s.conda_env    = "torch";
	s.package_name = NULL;
	sb_golden("install_editable_conda.sh", &s, NULL);
}

static void
test_golden_config_name(void **state)
{
	static const char *const defaults[]
	    = { "trainer.max_epochs=10", "data=imagenet" };
	static const char *const overrides[] = { "lr=0.1" };
	struct sbatch_spec       s           = sb_base();

	(void) state;
	s.config_name       = "train_resnet";
	s.default_overrides = (struct sbatch_list) { defaults, 2 };
	s.overrides         = (struct sbatch_list) { overrides, 1 };
	sb_golden("config_name.sh", &s, NULL);
}

static void
test_golden_overrides_hostile(void **state)
{
	char              *args[MAX_ARGS];
	size_t             n = sb_hostile(args, "/tmp/x");
	struct sbatch_spec s = sb_base();

	(void) state;
	s.overrides   = (struct sbatch_list) { (const char *const *) args, n };
	s.description = "desc\n#SBATCH --partition=evil $(touch /tmp/x)";
	sb_golden("overrides_hostile.sh", &s, NULL);
	for (size_t i = 0; i < n; i++) {
		free(args[i]);
	}
}

static void
test_golden_array(void **state)
{
	static const char *const t0[] = { "lr=0.1" };
	static const char *const t1[] = { "lr=0.01", "opt=adam w" };
	static const char *const t2[] = { "lr=0.001", "note=$(touch /tmp/x)" };
	const struct sbatch_list tasks[] = {
		{ t0, 1 },
		{ t1, 2 },
		{ t2, 2 },
		{ NULL, 0 },
	};
	static const char *const overrides[] = { "seed=1" };
	struct sbatch_array      array       = { 4, 2, tasks, NULL };
	struct sbatch_spec       s           = sb_base();

	(void) state;
	s.overrides = (struct sbatch_list) { overrides, 1 };
	s.array     = &array;
	sb_golden("array.sh", &s, NULL);
	array.max_parallel = 0;
	s.description      = NULL;
	sb_golden("array_unlimited.sh", &s, NULL);
}

static void
test_golden_custom_template(void **state)
{
	static const char  tmpl[] = "{{! the beta site's template }}\n"
	                            "#!/bin/bash -l\n"
	                            "{{directives}}\n"
	                            "#SBATCH --exclusive\n"
	                            "set -eo pipefail\n"
	                            "echo \"site prologue\"\n"
	                            "{{setup}}\n"
	                            "{{environment}}\n"
	                            "{{run}}\n"
	                            "echo \"site epilogue {{! inline }}\"\n";
	struct sbatch_spec s      = sb_base();

	(void) state;
	sb_golden("custom_template.sh", &s, tmpl);
}

/* The free-text description never reaches a directive; it is only the
 * quoted value of WANDB_NOTES. sbatch reads #SBATCH lines only up to the
 * first line that is neither blank nor a comment (sbatch(1)); every block
 * starts with a command before any user text, so even a description whose
 * own line reads "#SBATCH ..." lies past that point. */
static void
test_description_not_in_directives(void **state)
{
	struct sbatch_spec s = sb_base();
	char              *out, *line;
	size_t             n_directives = 0;

	(void) state;
	s.description = "x\n#SBATCH --partition=evil\nevil";
	out           = sb_render(&s, NULL);
	for (line = out; *line != '\0'; line += strcspn(line, "\n") + 1) {
		char *one = xstrndup(line, strcspn(line, "\n"));

		if (one[0] != '\0' && one[0] != '#') {
			free(one); /* the first command: directives end */
			break;
		}
		n_directives += strncmp(one, "#SBATCH", 7) == 0;
		assert_null(strstr(one, "evil"));
		free(one);
	}
	assert_int_equal(n_directives, 12);
	assert_non_null(strstr(out,
	    "export WANDB_NOTES='x\n#SBATCH "
	    "--partition=evil\nevil'\n"));
	free(out);
}

static void
test_default_template_matches_file(void **state)
{
	size_t len;
	char  *file
	    = testutil_read(MLOPS_SOURCE_DIR "/config/sbatch.tmpl", &len);

	(void) state;
	assert_non_null(file);
	assert_int_equal(len, strlen(sbatch_default_template()));
	assert_string_equal(file, sbatch_default_template());
	free(file);
}

/* A cluster template that is the shipped file renders like the built-in
 * one. */
static void
test_template_file_renders_same(void **state)
{
	struct sbatch_spec s = sb_base();
	char              *file
	    = testutil_read(MLOPS_SOURCE_DIR "/config/sbatch.tmpl", NULL);
	char *a, *b;

	(void) state;
	assert_non_null(file);
	a = sb_render(&s, NULL);
	b = sb_render(&s, file);
	assert_string_equal(a, b);
	assert_true(
	    strncmp(a, "#!/bin/bash\n#SBATCH --job-name=mlops-42\n", 40) == 0);
	free(a);
	free(b);
	free(file);
}

static void
sb_assert_template_error(const char *tmpl, const char *needle)
{
	struct sbatch_spec s   = sb_base();
	struct strbuf      sb  = STRBUF_INIT;
	struct mlops_error err = { 0 };

	strbuf_puts(&sb, "keep");
	assert_int_equal(sbatch_render(&sb, tmpl, &s, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "sbatch_template");
	if (strncmp(err.msg, "sbatch_template: ", 17) != 0
	    || strstr(err.msg, needle) == NULL) {
		fail_msg("template error '%s' lacks '%s'", err.msg, needle);
	}
	assert_string_equal(strbuf_str(&sb), "keep"); /* untouched */
	strbuf_fini(&sb);
}

static void
test_template_errors(void **state)
{
	(void) state;
	sb_assert_template_error(
	    "#!/bin/bash\n{{directives}}\n{{jobname}}\n{{run}}\n",
	    "line 3: unknown placeholder {{jobname}}");
	sb_assert_template_error(
	    "#!/bin/bash\n{{directives}}\n{{Run}}\n", "{{Run}}");
	sb_assert_template_error(
	    "#!/bin/bash\n{{directives}}\n{{setup}}\n", "{{run}} is missing");
	sb_assert_template_error(
	    "#!/bin/bash\n{{run}}\n", "{{directives}} is missing");
	sb_assert_template_error(
	    "#!/bin/bash\n{{directives}}\necho {{run}}\n", "line 3: {{run}}");
	sb_assert_template_error(
	    "#!/bin/bash\n{{directives}}\n{{run}} x\n", "stand alone");
	sb_assert_template_error(
	    "#!/bin/bash\n{{directives}}\n{{run}}\n{{run}}\n", "once");
	sb_assert_template_error(
	    "#!/bin/bash\n{{directives}}\n{{run\n", "line 3: unterminated");
	sb_assert_template_error(
	    "#!/bin/bash\n{{directives}}\n{{run}}\n{{! open\n",
	    "unterminated");
	sb_assert_template_error("{{directives}}\n{{run}}\n", "#!");
	sb_assert_template_error("", "missing");
}

/* Validation fails before anything is rendered, and out is untouched. */
static void
test_render_invalid_spec(void **state)
{
	struct sbatch_spec s   = sb_base();
	struct strbuf      sb  = STRBUF_INIT;
	struct mlops_error err = { 0 };

	(void) state;
	s.partition = "gpu --qos=high";
	strbuf_puts(&sb, "keep");
	assert_int_equal(sbatch_render(&sb, NULL, &s, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "partition");
	assert_string_equal(strbuf_str(&sb), "keep");
	strbuf_fini(&sb);
	assert_int_equal(sbatch_render(&sb, NULL, &s, NULL), MLOPS_EINVAL);
}

/* ---- validation ---------------------------------------------------- */

/* ---- running the script under bash --------------------------------- */

struct sb_run {
	char *dir;   /* scratch: fake bin/, job/, outputs */
	char *pwned; /* dir/pwned: must never exist */
	char *job_dir, *code_dir;
};

static const char sb_fake_python[]
    = "#!/bin/bash\n"
      "# Fake python: venv/pip as MLOPS_FAKE_VENV says; otherwise records\n"
      "# its argv (NUL-separated), argv0, environment and cwd.\n"
      "case \"${1-}\" in\n"
      "-m)\n"
      "\tif [ \"$2\" = venv ]; then\n"
      "\t\t[ \"${MLOPS_FAKE_VENV-}\" = ok ] || exit 1\n"
      "\t\tmkdir -p \"$4/bin\" && cp \"$0\" \"$4/bin/python\" \\\n"
      "\t\t\t&& cp \"$0\" \"$4/bin/python3\"\n"
      "\t\texit\n"
      "\tfi\n"
      "\tif [ \"$2\" = pip ]; then\n"
      "\t\tprintf '%s\\0' \"$0\" \"$@\" > \"$MLOPS_T/pip.argv\"\n"
      "\t\texit 0\n"
      "\tfi\n"
      "\texit 1 ;;\n"
      "-c) printf '%s\\0' \"$@\" > \"$MLOPS_T/check.argv\"; exit 0 ;;\n"
      "esac\n"
      "printf '%s\\0' \"$@\" > \"$MLOPS_T/argv\"\n"
      "printf '%s' \"$0\" > \"$MLOPS_T/argv0\"\n"
      "env -0 > \"$MLOPS_T/environ\"\n"
      "pwd > \"$MLOPS_T/cwd\"\n";

static const char sb_fake_srun[] = "#!/bin/sh\n"
                                   "printf x > \"$MLOPS_T/srun.called\"\n"
                                   "exec \"$@\"\n";

static const char sb_fake_scontrol[]
    = "#!/bin/sh\n"
      "if [ \"$1\" = show ] && [ \"$2\" = hostnames ] \\\n"
      "\t&& [ \"$3\" = \"$SLURM_JOB_NODELIST\" ]; then\n"
      "\tprintf 'node1\\nnode2\\n'\n"
      "\texit 0\n"
      "fi\n"
      "exit 1\n";

/* `conda shell.bash hook` defines a conda function whose activate puts
 * condabin (with a `python`) first on PATH. */
static const char sb_fake_conda[]
    = "#!/bin/sh\n"
      "[ \"$1\" = shell.bash ] && [ \"$2\" = hook ] || exit 1\n"
      "cat <<'EOF'\n"
      "conda() {\n"
      "\tif [ \"$1\" = activate ]; then\n"
      "\t\texport CONDA_DEFAULT_ENV=\"$2\"\n"
      "\t\texport PATH=\"$MLOPS_T/condabin:$PATH\"\n"
      "\tfi\n"
      "}\n"
      "EOF\n";

static int
sb_run_setup(void **state)
{
	struct sb_run *r = xcalloc(1, sizeof(*r));

	r->dir = testutil_mkdtemp("sbatch");
	if (r->dir == NULL) {
		free(r);
		return -1;
	}
	r->pwned    = xasprintf("%s/pwned", r->dir);
	r->job_dir  = xasprintf("%s/job", r->dir);
	r->code_dir = xasprintf("%s/job/code", r->dir);
	if (testutil_write(r->dir, "bin/python3", sb_fake_python) < 0
	    || testutil_write(r->dir, "condabin/python", sb_fake_python) < 0
	    || testutil_write(r->dir, "bin/srun", sb_fake_srun) < 0
	    || testutil_write(r->dir, "bin/scontrol", sb_fake_scontrol) < 0
	    || testutil_write(r->dir, "bin/conda", sb_fake_conda) < 0
	    || testutil_write(r->dir, "job/code/train.py", "") < 0
	    || testutil_sh(
	           "chmod +x '%s'/bin/* '%s'/condabin/*", r->dir, r->dir)
	        != 0) {
		return -1;
	}
	*state = r;
	return 0;
}

static int
sb_run_teardown(void **state)
{
	struct sb_run *r = *state;

	testutil_rmtree(r->dir);
	free(r->dir);
	free(r->pwned);
	free(r->job_dir);
	free(r->code_dir);
	free(r);
	return 0;
}

/* The base spec, with its directories in the scratch dir. */
static struct sbatch_spec
sb_run_spec(const struct sb_run *r)
{
	struct sbatch_spec s = sb_base();

	s.job_dir     = r->job_dir;
	s.code_dir    = r->code_dir;
	s.stdout_path = JOB_DIR "/stdout.log";
	s.stderr_path = JOB_DIR "/stderr.log";
	return s;
}

/* Renders `spec`, writes it to dir/job.sh and runs it with bash in an
 * empty environment but for PATH and the Slurm variables; `extra` is
 * more NAME=value words for env(1). Returns bash's exit status. */
static int
sb_run_script(
    struct sb_run *r, const struct sbatch_spec *spec, const char *extra)
{
	char         *script = sb_render(spec, NULL);
	struct strbuf cmd    = STRBUF_INIT;
	char         *path   = xasprintf("%s/bin:/usr/bin:/bin", r->dir);
	char         *job    = xasprintf("%s/job.sh", r->dir);
	int           rc;

	assert_int_equal(testutil_write(r->dir, "job.sh", script), 0);
	strbuf_puts(&cmd, "cd ");
	shquote_arg(&cmd, r->dir);
	strbuf_puts(&cmd, " && env -i PATH=");
	shquote_arg(&cmd, path);
	strbuf_puts(&cmd, " HOME=");
	shquote_arg(&cmd, r->dir);
	strbuf_puts(&cmd, " MLOPS_T=");
	shquote_arg(&cmd, r->dir);
	strbuf_printf(&cmd,
	    " SLURM_JOB_ID=4242 'SLURM_JOB_NODELIST=node[1-2]'"
	    " %s bash ",
	    extra != NULL ? extra : "");
	shquote_arg(&cmd, job);
	strbuf_puts(&cmd, " >out.txt 2>err.txt");
	rc = testutil_sh("%s", strbuf_str(&cmd));
	strbuf_fini(&cmd);
	free(script);
	free(path);
	free(job);
	return rc;
}

static char *
sb_run_read(const struct sb_run *r, const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", r->dir, name);
	char *data = testutil_read(path, len);

	free(path);
	if (data == NULL) {
		fail_msg("%s was not written", name);
	}
	return data;
}

/* Asserts that the NUL-separated file `name` holds exactly want[0..n-1]. */
static void
sb_assert_argv(const struct sb_run *r, const char *name,
    const char *const *want, size_t n)
{
	size_t len, off = 0;
	char  *got = sb_run_read(r, name, &len);

	for (size_t i = 0; i < n; i++) {
		size_t wl = strlen(want[i]);

		if (off + wl + 1 > len || memcmp(got + off, want[i], wl) != 0
		    || got[off + wl] != '\0') {
			fail_msg("argv[%zu]: want '%s', got '%s'", i, want[i],
			    off < len ? got + off : "(end)");
		}
		off += wl + 1;
	}
	if (off != len) {
		fail_msg("extra arguments after %zu: '%s'", n, got + off);
	}
	free(got);
}

/* The value of NAME in the recorded `env -0`, or fails. Caller frees. */
static char *
sb_env(const struct sb_run *r, const char *name)
{
	size_t len, nl = strlen(name);
	char  *env = sb_run_read(r, "environ", &len), *val = NULL;

	for (size_t off = 0; off < len; off += strlen(env + off) + 1) {
		if (strncmp(env + off, name, nl) == 0
		    && env[off + nl] == '=') {
			val = xstrdup(env + off + nl + 1);
			break;
		}
	}
	free(env);
	if (val == NULL) {
		fail_msg("%s was not exported", name);
	}
	return val;
}

static void
sb_assert_env(const struct sb_run *r, const char *name, const char *want)
{
	char *got = sb_env(r, name);

	if (strcmp(got, want) != 0) {
		fail_msg("%s: want '%s', got '%s'", name, want, got);
	}
	free(got);
}

static void
sb_assert_not_pwned(const struct sb_run *r)
{
	struct stat st;

	if (stat(r->pwned, &st) == 0) {
		fail_msg("an override was executed: %s exists", r->pwned);
	}
}

static void
test_run_overrides_arrive_intact(void **state)
{
	struct sb_run    *r = *state;
	char             *hostile[MAX_ARGS];
	size_t            n = sb_hostile(hostile, r->pwned);
	const char       *want[MAX_ARGS + 8];
	const char *const defaults[] = { "trainer.devices=4", "x=$(touch y)" };
	static const struct sbatch_env env[]
	    = { { "PROJ_VAR", "v $(touch pwned) 'q'\n2" } };
	struct sbatch_spec s = sb_run_spec(r);
	size_t             w = 0;
	char              *desc;

	s.config_name       = "my config";
	s.default_overrides = (struct sbatch_list) { defaults, 2 };
	s.overrides
	    = (struct sbatch_list) { (const char *const *) hostile, n };
	s.env           = env;
	s.n_env         = 1;
	desc            = xasprintf("notes $(touch %s)\n`x`", r->pwned);
	s.description   = desc;
	s.nodes         = 2;
	s.gpus_per_node = 4;
	assert_int_equal(sb_run_script(r, &s, NULL), 0);

	want[w++] = "train.py";
	want[w++] = "--config-name=my config";
	want[w++] = defaults[0];
	want[w++] = defaults[1];
	for (size_t i = 0; i < n; i++) {
		want[w++] = hostile[i];
	}
	sb_assert_argv(r, "argv", want, w);
	sb_assert_not_pwned(r);
	free(sb_run_read(r, "srun.called", NULL));
	{
		char *a0  = sb_run_read(r, "argv0", NULL);
		char *cwd = sb_run_read(r, "cwd", NULL);
		char *exp = xasprintf("%s/bin/python3", r->dir);

		assert_string_equal(a0, exp);
		assert_true(
		    strncmp(cwd, r->code_dir, strlen(r->code_dir)) == 0);
		free(a0);
		free(cwd);
		free(exp);
	}
	sb_assert_env(r, "MASTER_ADDR", "node1");
	sb_assert_env(r, "MASTER_PORT", "19242"); /* 15000 + 4242 % 20000 */
	sb_assert_env(r, "WANDB_RUN_GROUP", "mlops-42");
	sb_assert_env(r, "WANDB_RUN_ID", "mlops-alpha-42");
	sb_assert_env(r, "WANDB_RESUME", "allow");
	sb_assert_env(r, "WANDB_NOTES", desc);
	sb_assert_env(r, "MLOPS_JOB_ID", "42");
	sb_assert_env(r, "MLOPS_PROJECT", "vision");
	sb_assert_env(r, "MLOPS_CLUSTER", "alpha");
	sb_assert_env(r, "MLOPS_COMMIT", SHA);
	sb_assert_env(r, "PROJ_VAR", env[0].value);
	for (size_t i = 0; i < n; i++) {
		free(hostile[i]);
	}
	free(desc);
}

/* A sweep as the daemon renders it: one log file per task (%a) and, with
 * install_editable, one venv per task (tasks may run at once). */
static void
test_golden_array_sweep(void **state)
{
	static const char *const t0[]    = { "lr=0.1", "seed=0" };
	static const char *const t1[]    = { "lr=0.1", "seed=1" };
	const struct sbatch_list tasks[] = { { t0, 2 }, { t1, 2 } };
	static const int64_t     ids[]   = { 42, 43 };
	struct sbatch_array      array   = { 2, 1, tasks, ids };
	struct sbatch_spec       s       = sb_base();

	(void) state;
	s.array            = &array;
	s.stdout_path      = JOB_DIR "/stdout-%a.log";
	s.stderr_path      = JOB_DIR "/stderr-%a.log";
	s.install_editable = true;
	sb_golden("array_sweep.sh", &s, NULL);
	/* Only an array's log paths may hold %a, and no other pattern. */
	{
		struct mlops_error err = { 0 };
		struct strbuf      out = STRBUF_INIT;

		s.stdout_path = JOB_DIR "/stdout-%j.log";
		assert_int_equal(
		    sbatch_render(&out, NULL, &s, &err), MLOPS_EINVAL);
		assert_string_equal(err.field, "stdout_path");
		s.stdout_path = JOB_DIR "/stdout-%a.log";
		s.array       = NULL;
		assert_int_equal(
		    sbatch_render(&out, NULL, &s, &err), MLOPS_EINVAL);
		assert_string_equal(err.field, "stdout_path");
		strbuf_fini(&out);
	}
}

static void
test_run_array_task(void **state)
{
	struct sb_run           *r    = *state;
	static const char *const t0[] = { "lr=0.1" };
	char                    *t1[3];
	const struct sbatch_list tasks[] = {
		{ t0, 1 },
		{ (const char *const *) t1, 3 },
		{ NULL, 0 },
	};
	static const char *const overrides[] = { "seed=1" };
	struct sbatch_array      array       = { 3, 2, tasks, NULL };
	struct sbatch_spec       s           = sb_run_spec(r);
	const char *want1[] = { "train.py", "seed=1", NULL, NULL, NULL };
	const char *want2[] = { "train.py", "seed=1" };
	char       *err;

	(void) state;
	t1[0] = xstrdup("lr=0.01");
	t1[1] = xstrdup("opt=adam w");
	t1[2] = xasprintf("note=$(touch %s)\n;touch %s", r->pwned, r->pwned);
	want1[2]    = t1[0];
	want1[3]    = t1[1];
	want1[4]    = t1[2];
	s.overrides = (struct sbatch_list) { overrides, 1 };
	s.array     = &array;

	assert_int_equal(sb_run_script(r, &s, "SLURM_ARRAY_TASK_ID=1"), 0);
	sb_assert_argv(r, "argv", want1, 5);
	sb_assert_env(r, "WANDB_RUN_ID", "mlops-alpha-42-1");
	sb_assert_env(r, "WANDB_RUN_GROUP", "mlops-42");

	assert_int_equal(sb_run_script(r, &s, "SLURM_ARRAY_TASK_ID=2"), 0);
	sb_assert_argv(r, "argv", want2, 2);
	sb_assert_env(r, "WANDB_RUN_ID", "mlops-alpha-42-2");

	assert_int_not_equal(sb_run_script(r, &s, "SLURM_ARRAY_TASK_ID=3"), 0);
	err = sb_run_read(r, "err.txt", NULL);
	assert_non_null(strstr(err, "no overrides for array task 3"));
	free(err);
	sb_assert_not_pwned(r);
	for (size_t i = 0; i < 3; i++) {
		free(t1[i]);
	}
}

/* install_editable with a working venv: pip runs with the venv's python
 * (never the shared env's) and the job runs with the venv first on PATH. */
static void
test_run_install_editable_venv(void **state)
{
	struct sb_run     *r = *state;
	struct sbatch_spec s = sb_run_spec(r);
	char              *venv_py, *venv_py3, *venv, *a0;
	const char        *pip_want[10];
	const char        *check_want[3];

	s.install_editable = true;
	s.package_name     = "vision";
	assert_int_equal(sb_run_script(r, &s, "MLOPS_FAKE_VENV=ok"), 0);
	venv        = xasprintf("%s/venv", r->job_dir);
	venv_py     = xasprintf("%s/bin/python", venv);
	venv_py3    = xasprintf("%s/bin/python3", venv);
	pip_want[0] = venv_py;
	pip_want[1] = "-m";
	pip_want[2] = "pip";
	pip_want[3] = "install";
	pip_want[4] = "--quiet";
	pip_want[5] = "--disable-pip-version-check";
	pip_want[6] = "--no-deps";
	pip_want[7] = "--no-build-isolation";
	pip_want[8] = "-e";
	pip_want[9] = r->code_dir;
	sb_assert_argv(r, "pip.argv", pip_want, 10);
	check_want[0] = "-c";
	check_want[1] = "import importlib, sys; "
	                "importlib.import_module(sys.argv[1].replace(\"-\", "
	                "\"_\"))";
	check_want[2] = "vision";
	sb_assert_argv(r, "check.argv", check_want, 3);
	a0 = sb_run_read(r, "argv0", NULL);
	assert_string_equal(a0, venv_py3);
	sb_assert_env(r, "VIRTUAL_ENV", venv);
	free(a0);
	free(venv);
	free(venv_py);
	free(venv_py3);
}

/* Setup lines, then a conda env named with a space and install_editable
 * without venv support: setup runs with nounset off, the env is activated
 * through the hook, the env's python runs the job,
 * and PYTHONPATH replaces the editable install with a warning. */
static void
test_run_conda_install_fallback(void **state)
{
	struct sb_run     *r = *state;
	struct sbatch_spec s = sb_run_spec(r);
	char              *a0, *err, *pp, *exp;
	/* the second line would stop the script if nounset were on */
	static const char *const setup[]
	    = { "export SITE_SETUP=done", "test -z \"$NOT_SET_ANYWHERE\"" };

	s.conda_env        = "my env";
	s.install_editable = true;
	s.setup            = (struct sbatch_list) { setup, 2 };
	assert_int_equal(sb_run_script(r, &s, NULL), 0);
	sb_assert_env(r, "SITE_SETUP", "done");
	a0  = sb_run_read(r, "argv0", NULL);
	exp = xasprintf("%s/condabin/python", r->dir);
	assert_string_equal(a0, exp);
	sb_assert_env(r, "CONDA_DEFAULT_ENV", "my env");
	pp = xasprintf("%s/src:%s", r->code_dir, r->code_dir);
	sb_assert_env(r, "PYTHONPATH", pp);
	err = sb_run_read(r, "err.txt", NULL);
	assert_non_null(strstr(err, "mlops: warning: no editable install"));
	free(a0);
	free(exp);
	free(pp);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_gpu_gres),
		cmocka_unit_test(test_golden_gpu_constraint),
		cmocka_unit_test(test_golden_gpu_untyped),
		cmocka_unit_test(test_golden_cpu_only),
		cmocka_unit_test(test_golden_multi_node),
		cmocka_unit_test(test_golden_account_qos_setup),
		cmocka_unit_test(test_golden_conda_env),
		cmocka_unit_test(test_golden_project_env),
		cmocka_unit_test(test_golden_install_editable),
		cmocka_unit_test(test_golden_config_name),
		cmocka_unit_test(test_golden_overrides_hostile),
		cmocka_unit_test(test_golden_array),
		cmocka_unit_test(test_golden_array_sweep),
		cmocka_unit_test(test_golden_custom_template),
		cmocka_unit_test(test_description_not_in_directives),
		cmocka_unit_test(test_default_template_matches_file),
		cmocka_unit_test(test_template_file_renders_same),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_render_invalid_spec),
		cmocka_unit_test_setup_teardown(
		    test_run_overrides_arrive_intact, sb_run_setup,
		    sb_run_teardown),
		cmocka_unit_test_setup_teardown(
		    test_run_array_task, sb_run_setup, sb_run_teardown),
		cmocka_unit_test_setup_teardown(test_run_install_editable_venv,
		    sb_run_setup, sb_run_teardown),
		cmocka_unit_test_setup_teardown(
		    test_run_conda_install_fallback, sb_run_setup,
		    sb_run_teardown),
	};

	return cmocka_run_group_tests_name("sbatch", tests, NULL, NULL);
}
