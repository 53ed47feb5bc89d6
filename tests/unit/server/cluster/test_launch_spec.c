/*
 * launch_spec: the sbatch spec fields that come from clusters.yaml and the
 * project's .mlops-config.yaml; the project wins on conda_env.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>

#include "launch_spec.h"
#include "../slurm/sbatch_spec_base.h"

static void
test_apply_config(void **state)
{
	char                 *setup[]    = { "module load x", NULL };
	char                 *defaults[] = { "a=1", NULL };
	struct env_var        env[]      = { { "K", "V" }, { "L", "W" } };
	struct cluster_config cc         = { 0 };
	struct project_config pc         = { 0 };
	struct sbatch_spec    s          = sb_base();
	struct sbatch_env    *senv       = NULL;

	(void) state;
	cc.gpu_request_style = GPU_REQUEST_CONSTRAINT;
	cc.account           = "acct";
	cc.qos               = "q";
	cc.setup             = (struct strlist) { setup, 1 };
	cc.conda_env         = "cluster-env";
	pc.train_script      = "main.py";
	pc.default_overrides = (struct strlist) { defaults, 1 };
	pc.install_editable  = true;
	pc.package_name      = "pkg";
	pc.env               = env;
	pc.n_env             = 2;
	assert_string_equal(launch_spec_conda_env(&cc, &pc), "cluster-env");
	pc.conda_env = "project-env";
	assert_string_equal(launch_spec_conda_env(&cc, &pc), "project-env");
	assert_null(launch_spec_conda_env(NULL, NULL));
	launch_spec_apply_config(&s, &senv, &cc, &pc);
	assert_int_equal(s.gpu_request_style, SBATCH_GPU_CONSTRAINT);
	assert_string_equal(s.account, "acct");
	assert_string_equal(s.qos, "q");
	assert_int_equal(s.setup.n, 1);
	assert_string_equal(s.setup.v[0], "module load x");
	assert_string_equal(s.conda_env, "project-env");
	assert_string_equal(s.train_script, "main.py");
	assert_int_equal(s.default_overrides.n, 1);
	assert_true(s.install_editable);
	assert_string_equal(s.package_name, "pkg");
	assert_int_equal(s.n_env, 2);
	assert_ptr_equal(s.env, senv);
	assert_string_equal(s.env[1].name, "L");
	assert_string_equal(s.env[1].value, "W");
	assert_int_equal(sbatch_validate(&s, NULL), 0);
	free(senv);

	/* The gres style, and no env at all. */
	cc.gpu_request_style = GPU_REQUEST_GRES;
	pc.n_env             = 0;
	s                    = sb_base();
	launch_spec_apply_config(&s, &senv, &cc, &pc);
	assert_int_equal(s.gpu_request_style, SBATCH_GPU_GRES);
	assert_null(senv);
	assert_int_equal(s.n_env, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
