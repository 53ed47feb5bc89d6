/*
 * The parts of a job's sbatch spec that come from configuration
 * (clusters.yaml and the project's .mlops-config.yaml), so that the pure
 * renderer of slurm/sbatch.h knows nothing of configuration files.
 */
#ifndef MLOPS_SERVER_LAUNCH_SPEC_H
#define MLOPS_SERVER_LAUNCH_SPEC_H

#include "config.h"
#include "sbatch.h"

/**
 * The conda env a job uses: the project's conda_env wins over the
 * cluster's; NULL when neither sets one. Borrowed from the arguments
 * (either may be NULL).
 */
const char *launch_spec_conda_env(
    const struct cluster_config *cc, const struct project_config *pc);

/**
 * Fills the fields of `spec` that come from configuration: from the
 * cluster gpu_request_style, account, qos and setup; from the project
 * train_script, default_overrides, install_editable, package_name and env;
 * conda_env from launch_spec_conda_env(). Other fields are left as they
 * are. `spec` borrows from `cc` and `pc`, which must outlive it, and from
 * *env_out, the array of the project's env, which the caller frees with
 * free() after the spec (NULL when there is none).
 */
void launch_spec_apply_config(struct sbatch_spec *spec,
    struct sbatch_env **env_out, const struct cluster_config *cc,
    const struct project_config *pc);

#endif
