/*
 * The sbatch tests' starting point: a one-GPU job with every required
 * field set, which each case changes. Shared by test_sbatch.c and
 * test_sbatch_validate.c.
 */
#ifndef MLOPS_TESTS_SBATCH_SPEC_BASE_H
#define MLOPS_TESTS_SBATCH_SPEC_BASE_H

#include <stdio.h>

#include <mlops/xmalloc.h>

#include "sbatch.h"

#define SHA     "0123456789abcdef0123456789abcdef01234567"
#define JOB_DIR "/scratch/mlops/vision/42-0123456"

/* A one-GPU job with every required field set; cases change from here. */
static inline struct sbatch_spec
sb_base(void)
{
	struct sbatch_spec s = { 0 };

	s.job_id            = 42;
	s.project           = "vision";
	s.cluster           = "alpha";
	s.commit            = SHA;
	s.description       = "baseline";
	s.partition         = "gpu";
	s.nodes             = 1;
	s.gpus_per_node     = 1;
	s.gpu_type          = "a100";
	s.gpu_request_style = SBATCH_GPU_GRES;
	s.cpus_per_task     = 8;
	s.mem               = "32G";
	s.time_limit        = "04:00:00";
	s.job_dir           = JOB_DIR;
	s.code_dir          = JOB_DIR "/code";
	s.stdout_path       = JOB_DIR "/stdout.log";
	s.stderr_path       = JOB_DIR "/stderr.log";
	s.train_script      = "train.py";
	return s;
}

#define MAX_ARGS 64

/* Overrides that a shell would mangle or execute if they were not quoted;
 * the executing ones touch `pwned`. Caller frees each out[i]. */
static inline size_t
sb_hostile(char **out, const char *pwned)
{
	size_t n = 0;

	out[n++] = xstrdup("model.name=my big model");
	out[n++] = xstrdup("msg='single quoted'");
	out[n++] = xstrdup("msg2=\"double quoted\"");
	out[n++] = xasprintf("cmd=$(touch %s)", pwned);
	out[n++] = xasprintf("cmd2=`touch %s`", pwned);
	out[n++] = xasprintf("x=1; touch %s", pwned);
	out[n++] = xasprintf("y=1 && touch %s", pwned);
	out[n++] = xasprintf("note=line one\nline two\ntouch %s", pwned);
	out[n++] = xasprintf("z=1 | touch %s > %s", pwned, pwned);
	out[n++] = xstrdup("*");
	out[n++] = xstrdup("+files=[*.py,?]");
	out[n++] = xstrdup("-leading-dash");
	out[n++] = xstrdup("--help");
	out[n++] = xstrdup("it's");
	out[n++] = xstrdup("");
	out[n++] = xstrdup("home=$HOME ${PATH} $1 \"$@\"");
	out[n++] = xstrdup("~/x");
	out[n++] = xstrdup("back\\slash\ttab");
	return n;
}

#endif
