/*
 * launch_spec: configuration -> sbatch spec fields. Pure; any thread.
 */
#include <stddef.h>

#include <mlops/xmalloc.h>

#include "launch_spec.h"

/* A struct strlist viewed as a borrowed struct sbatch_list. */
static struct sbatch_list
launch_spec_list(const struct strlist *l)
{
	struct sbatch_list sl = { (const char *const *) l->v, l->n };

	return sl;
}

const char *
launch_spec_conda_env(
    const struct cluster_config *cc, const struct project_config *pc)
{
	if (pc != NULL && pc->conda_env != NULL) {
		return pc->conda_env;
	}
	return cc != NULL ? cc->conda_env : NULL;
}

void
launch_spec_apply_config(struct sbatch_spec *spec, struct sbatch_env **env_out,
    const struct cluster_config *cc, const struct project_config *pc)
{
	struct sbatch_env *env = NULL;

	if (cc != NULL) {
		spec->gpu_request_style
		    = cc->gpu_request_style == GPU_REQUEST_CONSTRAINT
		    ? SBATCH_GPU_CONSTRAINT
		    : SBATCH_GPU_GRES;
		spec->account = cc->account;
		spec->qos     = cc->qos;
		spec->setup   = launch_spec_list(&cc->setup);
	}
	if (pc != NULL) {
		spec->train_script = pc->train_script;
		spec->default_overrides
		    = launch_spec_list(&pc->default_overrides);
		spec->install_editable = pc->install_editable;
		spec->package_name     = pc->package_name;
		if (pc->n_env > 0) {
			env = xcalloc(pc->n_env, sizeof(*env));
			for (size_t i = 0; i < pc->n_env; i++) {
				env[i].name  = pc->env[i].name;
				env[i].value = pc->env[i].value;
			}
		}
		spec->env   = env;
		spec->n_env = pc->n_env;
	}
	spec->conda_env = launch_spec_conda_env(cc, pc);
	*env_out        = env;
}
