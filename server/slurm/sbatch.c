/*
 * sbatch: renders a validated job spec into the text of its sbatch script,
 * through a template of pre-rendered blocks (see sbatch.h). Pure: builds
 * strings only; any thread.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/shquote.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "sbatch.h"

enum sbatch_block {
	SBATCH_BLOCK_DIRECTIVES,
	SBATCH_BLOCK_SETUP,
	SBATCH_BLOCK_ENVIRONMENT,
	SBATCH_BLOCK_INSTALL,
	SBATCH_BLOCK_RUN,
	SBATCH_BLOCK_COUNT,
};

static const struct {
	const char *name;
	bool        required;
} sbatch_placeholders[SBATCH_BLOCK_COUNT] = {
	[SBATCH_BLOCK_DIRECTIVES]  = { "directives", true },
	[SBATCH_BLOCK_SETUP]       = { "setup", false },
	[SBATCH_BLOCK_ENVIRONMENT] = { "environment", false },
	[SBATCH_BLOCK_INSTALL]     = { "install", false },
	[SBATCH_BLOCK_RUN]         = { "run", true },
};

/*
 * The built-in template. config/sbatch.tmpl holds the same bytes (a unit
 * test compares them); edit both together.
 */
static const char sbatch_template_text[]
    = "{{! config/sbatch.tmpl: the job script Mission Control renders for a "
      "job.\n"
      "    A cluster's own `sbatch_template` (clusters.yaml) uses the same\n"
      "    language. Each placeholder stands alone on its line, at most "
      "once, and\n"
      "    is replaced by a block of whole lines (an empty block drops the "
      "line):\n"
      "      {{directives}}  required: the #SBATCH lines (job name "
      "mlops-<id>,\n"
      "                      comment mlops-id=<id>, partition, nodes, tasks, "
      "GPUs,\n"
      "                      CPUs, memory, time, account, qos, "
      "output/error,\n"
      "                      chdir, array). They must come before any "
      "command.\n"
      "      {{setup}}       the cluster's setup lines from clusters.yaml, "
      "then\n"
      "                      conda activation when a conda env is set.\n"
      "      {{environment}} the project's env, MLOPS_*, WANDB_* and the\n"
      "                      MASTER_ADDR/MASTER_PORT rendezvous, all "
      "exported.\n"
      "      {{install}}     install_editable: a per-job venv with the "
      "job's code\n"
      "                      installed editable (or a PYTHONPATH "
      "fallback).\n"
      "      {{run}}         required: cd into the code dir, then srun the "
      "train\n"
      "                      script with its overrides.\n"
      "    These {{! ...}} comments are dropped; the script must start with "
      "\"#!\".\n"
      "    There is no escape for a literal double brace. }}\n"
      "#!/bin/bash\n"
      "{{directives}}\n"
      "\n"
      "set -euo pipefail\n"
      "{{setup}}\n"
      "{{environment}}\n"
      "{{install}}\n"
      "{{run}}\n";

static int  sbatch_directive(struct strbuf *sb, const char *opt,
     const char *value, struct mlops_error *err);
static int  sbatch_render_directives(struct strbuf *sb,
     const struct sbatch_spec *spec, struct mlops_error *err);
static void sbatch_render_setup(
    struct strbuf *sb, const struct sbatch_spec *spec);
static void sbatch_export(
    struct strbuf *sb, const char *name, const char *value);
static void sbatch_render_environment(
    struct strbuf *sb, const struct sbatch_spec *spec);
static const char *sbatch_python(const struct sbatch_spec *spec);
static void        sbatch_render_install(
           struct strbuf *sb, const struct sbatch_spec *spec);
static void sbatch_args(
    struct strbuf *sb, const struct sbatch_list *l, const char *sep);
static void sbatch_render_run(
    struct strbuf *sb, const struct sbatch_spec *spec);
static size_t      sbatch_line_of(const char *text, const char *p);
static bool        sbatch_at_line_start(const char *text, const char *p);
static const char *sbatch_comment_end(const char *p);
static int         sbatch_expand(struct strbuf *out, const char *text,
            struct strbuf *blocks, struct mlops_error *err);

const char *
sbatch_default_template(void)
{
	return sbatch_template_text;
}

/* One `#SBATCH --opt=value` line. Values are validated before rendering;
 * this re-checks that nothing sbatch would misread gets through. */
static int
sbatch_directive(struct strbuf *sb, const char *opt, const char *value,
    struct mlops_error *err)
{
	if (value[0] == '\0' || strpbrk(value, " \t\r\n#\"'\\") != NULL) {
		return mlops_error_set_field(err, MLOPS_EINVAL, opt,
		    "%s: '%.64s' is not safe in an #SBATCH line", opt, value);
	}
	strbuf_printf(sb, "#SBATCH --%s=%s\n", opt, value);
	return 0;
}

static int
sbatch_render_directives(
    struct strbuf *sb, const struct sbatch_spec *spec, struct mlops_error *err)
{
	char  buf[64];
	char *gres = NULL;
	int   rc;
	int   tasks = spec->gpus_per_node > 0 ? spec->gpus_per_node : 1;

	sbatch_job_name(buf, sizeof(buf), spec->instance, spec->job_id);
	if ((rc = sbatch_directive(sb, "job-name", buf, err)) < 0
	    || (rc = sbatch_directive(sb, "partition", spec->partition, err))
	        < 0) {
		goto out;
	}
	strbuf_printf(sb, "#SBATCH --nodes=%d\n", spec->nodes);
	strbuf_printf(sb, "#SBATCH --ntasks-per-node=%d\n", tasks);
	if (spec->gpus_per_node > 0) {
		bool typed = spec->gpu_type != NULL
		    && spec->gpu_request_style == SBATCH_GPU_GRES;

		gres = typed ? xasprintf(
		           "gpu:%s:%d", spec->gpu_type, spec->gpus_per_node)
		             : xasprintf("gpu:%d", spec->gpus_per_node);
		if ((rc = sbatch_directive(sb, "gres", gres, err)) < 0) {
			goto out;
		}
		if (spec->gpu_type != NULL
		    && spec->gpu_request_style == SBATCH_GPU_CONSTRAINT
		    && (rc = sbatch_directive(
		            sb, "constraint", spec->gpu_type, err))
		        < 0) {
			goto out;
		}
	}
	strbuf_printf(sb, "#SBATCH --cpus-per-task=%d\n", spec->cpus_per_task);
	if ((spec->mem != NULL
	        && (rc = sbatch_directive(sb, "mem", spec->mem, err)) < 0)
	    || (spec->time_limit != NULL
	        && (rc = sbatch_directive(sb, "time", spec->time_limit, err))
	            < 0)
	    || (spec->account != NULL
	        && (rc = sbatch_directive(sb, "account", spec->account, err))
	            < 0)
	    || (spec->qos != NULL
	        && (rc = sbatch_directive(sb, "qos", spec->qos, err)) < 0)
	    || (rc = sbatch_directive(sb, "output", spec->stdout_path, err))
	        < 0
	    || (rc = sbatch_directive(sb, "error", spec->stderr_path, err))
	        < 0) {
		goto out;
	}
	{
		char name[40]; /* "mlops-" + 16 hex + "-" + int64: fits */

		sbatch_job_name(
		    name, sizeof(name), spec->instance, spec->job_id);
		snprintf(buf, sizeof(buf), "mlops-id=%s", name + 6);
	}
	if ((rc = sbatch_directive(sb, "comment", buf, err)) < 0
	    || (rc = sbatch_directive(sb, "chdir", spec->job_dir, err)) < 0) {
		goto out;
	}
	if (spec->array != NULL) {
		strbuf_printf(
		    sb, "#SBATCH --array=0-%u", spec->array->size - 1);
		if (spec->array->max_parallel > 0) {
			strbuf_printf(sb, "%%%u", spec->array->max_parallel);
		}
		strbuf_putc(sb, '\n');
	}
	rc = 0;
out:
	free(gres);
	return rc;
}

static void
sbatch_render_setup(struct strbuf *sb, const struct sbatch_spec *spec)
{
	if (spec->setup.n == 0 && spec->conda_env == NULL) {
		return;
	}
	/* Restores nounset only if the template had it on. */
	strbuf_puts(sb,
	    "\n# nounset is off during setup: module and conda scripts often "
	    "read unset\n# variables.\n"
	    "case $- in *u*) mlops_nounset=1 ;; *) mlops_nounset= ;; esac\n"
	    "set +u\n");
	if (spec->setup.n > 0) {
		strbuf_puts(sb,
		    "\n# Cluster setup lines from clusters.yaml: the admin's "
		    "own "
		    "shell, trusted\n# config run verbatim (never user "
		    "input).\n");
		for (size_t i = 0; i < spec->setup.n; i++) {
			strbuf_puts(sb, spec->setup.v[i]);
			strbuf_putc(sb, '\n');
		}
	}
	if (spec->conda_env != NULL) {
		struct strbuf env = STRBUF_INIT;

		shquote_arg(&env, spec->conda_env);
		strbuf_printf(sb,
		    "\n# Conda environment (the project's conda_env wins over "
		    "the cluster's).\n"
		    "if mlops_conda_hook=\"$(conda shell.bash hook "
		    "2>/dev/null)"
		    "\"; then\n"
		    "\teval \"$mlops_conda_hook\"\n"
		    "\tconda activate %s\n"
		    "else\n"
		    "\techo \"mlops: no 'conda shell.bash hook'; trying "
		    "'source "
		    "activate'\" >&2\n"
		    "\tsource activate %s\n"
		    "fi\n",
		    strbuf_str(&env), strbuf_str(&env));
		strbuf_fini(&env);
	}
	strbuf_puts(
	    sb, "\nif [ -n \"$mlops_nounset\" ]; then\n\tset -u\nfi\n");
}

static void
sbatch_export(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_printf(sb, "export %s=", name);
	shquote_arg(sb, value);
	strbuf_putc(sb, '\n');
}

static void
sbatch_render_environment(struct strbuf *sb, const struct sbatch_spec *spec)
{
	char  buf[64];
	char *run_id;

	if (spec->n_env > 0) {
		strbuf_puts(
		    sb, "\n# The project's env (.mlops-config.yaml).\n");
		for (size_t i = 0; i < spec->n_env; i++) {
			sbatch_export(
			    sb, spec->env[i].name, spec->env[i].value);
		}
	}
	strbuf_puts(sb,
	    "\n# Mission Control's own variables (set after the project's, "
	    "so they win).\n");
	snprintf(buf, sizeof(buf), "%" PRId64, spec->job_id);
	sbatch_export(sb, "MLOPS_JOB_ID", buf);
	sbatch_export(sb, "MLOPS_PROJECT", spec->project);
	sbatch_export(sb, "MLOPS_CLUSTER", spec->cluster);
	sbatch_export(sb, "MLOPS_COMMIT", spec->commit);
	sbatch_job_name(buf, sizeof(buf), spec->instance, spec->job_id);
	sbatch_export(sb, "WANDB_RUN_GROUP", buf);
	/* Stable across requeues: made of the cluster and the id only (and
	 * the task index, each array task being its own run). The cluster is
	 * [A-Za-z0-9._-]+, safe inside double quotes. */
	run_id = spec->instance != NULL
	    ? xasprintf("mlops-%s-%s-%" PRId64, spec->instance, spec->cluster,
	        spec->job_id)
	    : xasprintf("mlops-%s-%" PRId64, spec->cluster, spec->job_id);
	if (spec->array == NULL) {
		sbatch_export(sb, "WANDB_RUN_ID", run_id);
	} else {
		strbuf_printf(sb,
		    "export WANDB_RUN_ID=\"%s-$SLURM_ARRAY_TASK_ID\"\n",
		    run_id);
	}
	free(run_id);
	sbatch_export(sb, "WANDB_RESUME", "allow");
	if (spec->description != NULL && spec->description[0] != '\0') {
		sbatch_export(sb, "WANDB_NOTES", spec->description);
	}
	strbuf_printf(sb,
	    "\n# Rendezvous for torchrun and PyTorch Lightning: the first "
	    "node, "
	    "and a port\n# derived from the Slurm job id.\n"
	    "mlops_nodes=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\")\n"
	    "MASTER_ADDR=${mlops_nodes%%%%[[:space:]]*}\n"
	    "MASTER_PORT=$((%d + SLURM_JOB_ID %% %d))\n"
	    "export MASTER_ADDR MASTER_PORT\n",
	    SBATCH_MASTER_PORT_BASE, SBATCH_MASTER_PORT_SPAN);
}

/* The conda env's python once it is active, else python3. */
static const char *
sbatch_python(const struct sbatch_spec *spec)
{
	return spec->conda_env != NULL ? "python" : "python3";
}

static void
sbatch_render_install(struct strbuf *sb, const struct sbatch_spec *spec)
{
	struct strbuf venv = STRBUF_INIT, code = STRBUF_INIT;
	struct strbuf pp = STRBUF_INIT, tmp = STRBUF_INIT;

	if (!spec->install_editable) {
		return;
	}
	/* An array's tasks may run at once: each builds its own venv. */
	strbuf_printf(
	    &tmp, "%s/venv%s", spec->job_dir, spec->array != NULL ? "-" : "");
	shquote_arg(&venv, strbuf_str(&tmp));
	if (spec->array != NULL) {
		strbuf_puts(&venv, "\"$SLURM_ARRAY_TASK_ID\"");
	}
	shquote_arg(&code, spec->code_dir);
	strbuf_reset(&tmp);
	strbuf_printf(&tmp, "%s/src:%s", spec->code_dir, spec->code_dir);
	shquote_arg(&pp, strbuf_str(&tmp));

	strbuf_printf(sb,
	    "\n# install_editable: the job's code goes into its own venv, "
	    "layered on the\n# environment above (--system-site-packages), "
	    "never into the shared env.\n"
	    "if %s -m venv --system-site-packages %s \\\n"
	    "\t&& %s/bin/python -m pip install --quiet "
	    "--disable-pip-version-check \\\n"
	    "\t\t--no-deps --no-build-isolation -e %s; then\n"
	    "\texport VIRTUAL_ENV=%s\n"
	    "\texport PATH=%s/bin:\"$PATH\"\n",
	    sbatch_python(spec), strbuf_str(&venv), strbuf_str(&venv),
	    strbuf_str(&code), strbuf_str(&venv), strbuf_str(&venv));
	if (spec->package_name != NULL) {
		/* package_name is [A-Za-z0-9._-]+: safe in the message. */
		strbuf_printf(sb,
		    "\tpython -c 'import importlib, sys; "
		    "importlib.import_module(sys.argv[1].replace(\"-\", "
		    "\"_\"))'"
		    " %s \\\n"
		    "\t\t|| echo \"mlops: warning: package %s does not "
		    "import\" >&2\n",
		    spec->package_name, spec->package_name);
	}
	strbuf_printf(sb,
	    "else\n"
	    "\techo \"mlops: warning: no editable install (venv or pip "
	    "failed); "
	    "using PYTHONPATH\" >&2\n"
	    "\texport PYTHONPATH=%s${PYTHONPATH:+:\"$PYTHONPATH\"}\n"
	    "fi\n",
	    strbuf_str(&pp));
	strbuf_fini(&venv);
	strbuf_fini(&code);
	strbuf_fini(&pp);
	strbuf_fini(&tmp);
}

/* Each element as one quoted word, each preceded by `sep`. */
static void
sbatch_args(struct strbuf *sb, const struct sbatch_list *l, const char *sep)
{
	for (size_t i = 0; i < l->n; i++) {
		strbuf_puts(sb, sep);
		shquote_arg(sb, l->v[i]);
	}
}

static void
sbatch_render_run(struct strbuf *sb, const struct sbatch_spec *spec)
{
	static const char cont[] = " \\\n\t";

	strbuf_puts(sb,
	    "\n# Run every rank through srun. Each argument is one quoted "
	    "shell word and\n# reaches the train script as one argv "
	    "element.\ncd ");
	shquote_arg(sb, spec->code_dir);
	strbuf_putc(sb, '\n');
	if (spec->array != NULL) {
		strbuf_puts(sb,
		    "# This array task's overrides, by $SLURM_ARRAY_TASK_ID.\n"
		    "case \"${SLURM_ARRAY_TASK_ID:-}\" in\n");
		for (unsigned i = 0; i < spec->array->size; i++) {
			strbuf_printf(sb, "%u) ", i);
			if (spec->array->task_job_ids != NULL) {
				strbuf_printf(sb, "MLOPS_JOB_ID=%" PRId64 "; ",
				    spec->array->task_job_ids[i]);
			}
			strbuf_puts(sb, "set --");
			sbatch_args(sb, &spec->array->task_overrides[i], " ");
			strbuf_puts(sb, " ;;\n");
		}
		strbuf_puts(sb,
		    "*)\n"
		    "\techo \"mlops: no overrides for array task "
		    "${SLURM_ARRAY_TASK_ID:-(unset)}\" >&2\n"
		    "\texit 1\n"
		    "\t;;\n"
		    "esac\n");
	}
	/* Slurm 22.05 to 23.02 srun does not inherit --cpus-per-task. */
	strbuf_printf(sb,
	    "# srun of Slurm 22.05-23.02 does not inherit --cpus-per-task.\n"
	    "export SRUN_CPUS_PER_TASK=%d\n",
	    spec->cpus_per_task);
	strbuf_printf(sb, "srun %s ", sbatch_python(spec));
	shquote_arg(sb, spec->train_script);
	if (spec->config_name != NULL) {
		struct strbuf opt = STRBUF_INIT;

		/* One element, so that a name starting with '-' stays the
		 * option's value. */
		strbuf_printf(&opt, "--config-name=%s", spec->config_name);
		strbuf_puts(sb, cont);
		shquote_arg(sb, strbuf_str(&opt));
		strbuf_fini(&opt);
	}
	sbatch_args(sb, &spec->default_overrides, cont);
	sbatch_args(sb, &spec->overrides, cont);
	if (spec->array != NULL) {
		strbuf_printf(sb, "%s\"$@\"", cont);
	}
	strbuf_putc(sb, '\n');
}

static size_t
sbatch_line_of(const char *text, const char *p)
{
	size_t line = 1;

	for (const char *c = text; c < p; c++) {
		line += *c == '\n';
	}
	return line;
}

static bool
sbatch_at_line_start(const char *text, const char *p)
{
	return p == text || p[-1] == '\n';
}

/* The end of the comment opened at p ("{{!"): just past its balancing
 * "}}", so that a comment may mention {{placeholders}}. NULL if open. */
static const char *
sbatch_comment_end(const char *p)
{
	int depth = 0;

	while (*p != '\0') {
		if (p[0] == '{' && p[1] == '{') {
			depth++;
			p += 2;
		} else if (p[0] == '}' && p[1] == '}') {
			p += 2;
			if (--depth == 0) {
				return p;
			}
		} else {
			p++;
		}
	}
	return NULL;
}

/* Copies `text` to `out`, dropping comments and replacing placeholders
 * with blocks[]. */
static int
sbatch_expand(struct strbuf *out, const char *text, struct strbuf *blocks,
    struct mlops_error *err)
{
	bool        seen[SBATCH_BLOCK_COUNT] = { false };
	const char *p                        = text, *open, *close;

	while ((open = strstr(p, "{{")) != NULL) {
		size_t len;
		int    b;

		strbuf_append(out, p, (size_t) (open - p));
		if (open[2] == '!') {
			if ((close = sbatch_comment_end(open)) == NULL) {
				goto unterminated;
			}
			if (sbatch_at_line_start(text, open)
			    && *close == '\n') {
				close++;
			}
			p = close;
			continue;
		}
		if ((close = strstr(open + 2, "}}")) == NULL
		    || memchr(open, '\n', (size_t) (close - open)) != NULL) {
			goto unterminated;
		}
		len = (size_t) (close - open - 2);
		for (b = 0; b < SBATCH_BLOCK_COUNT; b++) {
			const char *name = sbatch_placeholders[b].name;

			if (strlen(name) == len
			    && memcmp(name, open + 2, len) == 0) {
				break;
			}
		}
		if (b == SBATCH_BLOCK_COUNT) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "sbatch_template",
			    "sbatch_template: line %zu: unknown placeholder "
			    "{{%.*s}}",
			    sbatch_line_of(text, open),
			    (int) (len > 64 ? 64 : len), open + 2);
		}
		if (seen[b] || !sbatch_at_line_start(text, open)
		    || (close[2] != '\n' && close[2] != '\0')) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "sbatch_template",
			    "sbatch_template: line %zu: {{%s}} must stand "
			    "alone "
			    "on its line, once",
			    sbatch_line_of(text, open),
			    sbatch_placeholders[b].name);
		}
		seen[b] = true;
		strbuf_append(out, blocks[b].buf, blocks[b].len);
		p = close[2] == '\n' ? close + 3 : close + 2;
	}
	strbuf_puts(out, p);
	for (int b = 0; b < SBATCH_BLOCK_COUNT; b++) {
		if (sbatch_placeholders[b].required && !seen[b]) {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "sbatch_template",
			    "sbatch_template: {{%s}} is missing",
			    sbatch_placeholders[b].name);
		}
	}
	if (strncmp(strbuf_str(out), "#!", 2) != 0) {
		return mlops_error_set_field(err, MLOPS_EINVAL,
		    "sbatch_template",
		    "sbatch_template: the script must start with \"#!\"");
	}
	return 0;

unterminated:
	return mlops_error_set_field(err, MLOPS_EINVAL, "sbatch_template",
	    "sbatch_template: line %zu: unterminated {{",
	    sbatch_line_of(text, open));
}

int
sbatch_render(struct strbuf *out, const char *template_text,
    const struct sbatch_spec *spec, struct mlops_error *err)
{
	struct strbuf blocks[SBATCH_BLOCK_COUNT];
	struct strbuf script = STRBUF_INIT;
	int           rc;

	for (int b = 0; b < SBATCH_BLOCK_COUNT; b++) {
		strbuf_init(&blocks[b]);
	}
	if ((rc = sbatch_validate(spec, err)) < 0
	    || (rc = sbatch_render_directives(
	            &blocks[SBATCH_BLOCK_DIRECTIVES], spec, err))
	        < 0) {
		goto out;
	}
	sbatch_render_setup(&blocks[SBATCH_BLOCK_SETUP], spec);
	sbatch_render_environment(&blocks[SBATCH_BLOCK_ENVIRONMENT], spec);
	sbatch_render_install(&blocks[SBATCH_BLOCK_INSTALL], spec);
	sbatch_render_run(&blocks[SBATCH_BLOCK_RUN], spec);
	if ((rc = sbatch_expand(&script,
	         template_text != NULL ? template_text : sbatch_template_text,
	         blocks, err))
	    < 0) {
		goto out;
	}
	strbuf_append(out, script.buf, script.len);
out:
	for (int b = 0; b < SBATCH_BLOCK_COUNT; b++) {
		strbuf_fini(&blocks[b]);
	}
	strbuf_fini(&script);
	return rc;
}

char *
sbatch_job_name(char *buf, size_t len, const char *instance, int64_t job_id)
{
	if (instance != NULL) {
		snprintf(buf, len, "mlops-%s-%" PRId64, instance, job_id);
	} else {
		snprintf(buf, len, "mlops-%" PRId64, job_id);
	}
	return buf;
}
