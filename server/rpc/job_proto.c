/*
 * Conversion of a stored job to its wire form. Pure; borrows pointers.
 */
#include <mlops/job_state.h>
#include <mlops/types.h>

#include "job_proto.h"

static char *
job_proto_str(const char *s)
{
	return (char *) (s ? s : "");
}

Mlops__JobState
job_proto_state(const char *name)
{
	int st = job_state_parse(name);

	return st >= 0 ? mlops_job_state_to_wire((enum job_state) st)
	               : MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED;
}

void
job_proto_fill(Mlops__Job *m, const struct store_job *j, bool with_script)
{
	m->id            = j->id;
	m->project       = job_proto_str(j->project);
	m->cluster       = job_proto_str(j->cluster);
	m->partition     = job_proto_str(j->partition);
	m->slurm_job_id  = job_proto_str(j->slurm_job_id);
	m->array_task_id = j->array_task_id;
	m->state         = job_proto_str(j->state);
	m->job_state     = job_proto_state(j->state);
	m->reason        = job_proto_str(j->reason);
	m->exit_code     = j->exit_code;
	m->description   = job_proto_str(j->description);
	m->commit        = job_proto_str(j->commit_sha);
	m->branch        = job_proto_str(j->branch);
	m->dirty         = j->dirty;
	m->n_overrides   = j->n_overrides;
	m->overrides     = j->overrides;
	m->config_name   = job_proto_str(j->config_name);
	m->gpus          = j->gpus;
	m->gpu_type      = job_proto_str(j->gpu_type);
	m->nodes         = j->nodes;
	m->cpus_per_task = j->cpus_per_task;
	m->mem           = job_proto_str(j->mem);
	m->time_limit    = job_proto_str(j->time_limit);
	m->submitted_at  = j->submitted_at;
	m->started_at    = j->started_at;
	m->ended_at      = j->ended_at;
	m->elapsed_s     = j->elapsed_s;
	m->node_list     = job_proto_str(j->node_list);
	m->wandb_url     = job_proto_str(j->wandb_url);
	m->work_dir      = job_proto_str(j->work_dir);
	m->stdout_path   = job_proto_str(j->stdout_path);
	m->stderr_path   = job_proto_str(j->stderr_path);
	m->sbatch_script
	    = job_proto_str(with_script ? j->sbatch_script : NULL);
	m->terminal             = j->terminal;
	m->sweep_id             = j->sweep_id;
	m->n_resolved_overrides = j->n_resolved_overrides;
	m->resolved_overrides   = j->resolved_overrides;
	m->config_json = job_proto_str(with_script ? j->config_json : NULL);
}
