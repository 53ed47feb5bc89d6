/*
 * How a job is shown, shared by launch, jobs, job show, cancel and watch:
 * its JSON object (PRODUCT.md's field names), its state and GPU labels,
 * what its end means as an exit status, and its overrides as shell words.
 * States and their names are common's (<mlops/job_state.h>), and so is the
 * shell quoting (<mlops/shquote.h>). Pure; the CLI's only thread.
 */
#include <stdio.h>
#include <string.h>

#include <mlops/job_state.h>
#include <mlops/shquote.h>
#include <mlops/types.h>

#include "cmd.h"
#include "output.h"

const char *
job_fmt_state_name(Mlops__JobState w, const char *name)
{
	int st = mlops_job_state_from_wire(w, name);

	if (st >= 0) {
		return job_state_name((enum job_state) st);
	}
	return name != NULL ? name : ""; /* a state newer than this client */
}

json_object *
job_fmt_json(const Mlops__Job *j, bool with_script)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(j->id));
	json_object_object_add(o, "project", output_json_str(j->project));
	json_object_object_add(o, "cluster", output_json_str(j->cluster));
	json_object_object_add(o, "partition", output_json_str(j->partition));
	json_object_object_add(
	    o, "slurm_job_id", output_json_str(j->slurm_job_id));
	json_object_object_add(
	    o, "array_task_id", output_json_count(j->array_task_id));
	json_object_object_add(o, "state",
	    output_json_str(job_fmt_state_name(j->job_state, j->state)));
	json_object_object_add(o, "reason", output_json_str(j->reason));
	json_object_object_add(
	    o, "exit_code", output_json_count(j->exit_code));
	json_object_object_add(
	    o, "description", output_json_str(j->description));
	json_object_object_add(o, "commit", output_json_str(j->commit));
	json_object_object_add(o, "branch", output_json_str(j->branch));
	json_object_object_add(o, "dirty", json_object_new_boolean(j->dirty));
	json_object_object_add(
	    o, "overrides", output_json_strv(j->overrides, j->n_overrides));
	json_object_object_add(
	    o, "config_name", output_json_str(j->config_name));
	json_object_object_add(o, "gpus", json_object_new_int64(j->gpus));
	json_object_object_add(o, "gpu_type", output_json_str(j->gpu_type));
	json_object_object_add(o, "nodes", json_object_new_int64(j->nodes));
	json_object_object_add(
	    o, "cpus_per_task", json_object_new_int64(j->cpus_per_task));
	json_object_object_add(o, "mem", output_json_str(j->mem));
	json_object_object_add(
	    o, "time_limit", output_json_str(j->time_limit));
	json_object_object_add(
	    o, "submitted_at", output_json_time(j->submitted_at));
	json_object_object_add(
	    o, "started_at", output_json_time(j->started_at));
	json_object_object_add(o, "ended_at", output_json_time(j->ended_at));
	json_object_object_add(
	    o, "elapsed_s", output_json_count(j->elapsed_s));
	json_object_object_add(o, "node_list", output_json_str(j->node_list));
	json_object_object_add(o, "wandb_url", output_json_str(j->wandb_url));
	json_object_object_add(o, "work_dir", output_json_str(j->work_dir));
	json_object_object_add(
	    o, "stdout_path", output_json_str(j->stdout_path));
	json_object_object_add(
	    o, "stderr_path", output_json_str(j->stderr_path));
	json_object_object_add(
	    o, "terminal", json_object_new_boolean(job_fmt_terminal(j)));
	json_object_object_add(o, "sweep_id",
	    j->sweep_id > 0 ? json_object_new_int64(j->sweep_id) : NULL);
	json_object_object_add(
	    o, "expected_start", output_json_str(j->expected_start));
	json_object_object_add(o, "resolved_overrides",
	    output_json_strv(j->resolved_overrides, j->n_resolved_overrides));
	if (with_script) {
		json_object_object_add(
		    o, "sbatch_script", output_json_str(j->sbatch_script));
		/* the composition as the daemon stored it; null: unchecked */
		json_object_object_add(o, "config",
		    j->config_json[0] != '\0'
		        ? json_tokener_parse(j->config_json)
		        : NULL);
	}
	return o;
}

/* The reason worth showing: not empty and not Slurm's "None". */
static const char *
job_fmt_reason(const Mlops__Job *j)
{
	const char *r = j->reason;

	return r != NULL && *r != '\0' && strcmp(r, "None") != 0 ? r : NULL;
}

char *
job_fmt_state(char *buf, size_t len, const Mlops__Job *j, bool any_reason)
{
	const char *name   = job_fmt_state_name(j->job_state, j->state);
	const char *state  = name[0] != '\0' ? name : "UNKNOWN";
	const char *reason = job_fmt_reason(j);

	if (reason != NULL
	    && (any_reason || mlops_job_state_of(j) == JOB_STATE_PENDING)) {
		snprintf(buf, len, "%s (%s)", state, reason);
	} else {
		snprintf(buf, len, "%s", state);
	}
	return buf;
}

char *
job_fmt_gpus(char *buf, size_t len, const Mlops__Job *j)
{
	if (j->gpus <= 0) {
		snprintf(buf, len, "%s", "");
	} else if (j->gpu_type[0] != '\0') {
		snprintf(buf, len, "%dx%s", j->gpus, j->gpu_type);
	} else {
		snprintf(buf, len, "%d", j->gpus);
	}
	return buf;
}

char *
job_fmt_slurm_id(char *buf, size_t len, const Mlops__Job *j)
{
	/* A sweep's task already reads "123_4". */
	if (j->slurm_job_id[0] != '\0' && j->array_task_id >= 0
	    && strchr(j->slurm_job_id, '_') == NULL) {
		snprintf(buf, len, "%s_%d", j->slurm_job_id, j->array_task_id);
	} else {
		snprintf(buf, len, "%s", j->slurm_job_id);
	}
	return buf;
}

int64_t
job_fmt_elapsed(const Mlops__Job *j, int64_t now)
{
	if (j->elapsed_s >= 0) {
		return j->elapsed_s;
	}
	if (j->started_at <= 0) {
		return -1;
	}
	if (j->ended_at >= j->started_at) {
		return j->ended_at - j->started_at;
	}
	return !job_fmt_terminal(j) && now >= j->started_at
	    ? now - j->started_at
	    : -1;
}

bool
job_fmt_terminal(const Mlops__Job *j)
{
	int st = mlops_job_state_of(j);

	return j->terminal || (st >= 0 && job_state_terminal(st));
}

int
job_fmt_exit_status(const Mlops__Job *j)
{
	if (j->exit_code > 0) {
		return j->exit_code <= 255 ? j->exit_code : CLI_EXIT_ERROR;
	}
	return mlops_job_state_of(j) == JOB_STATE_COMPLETED ? CLI_EXIT_OK
	                                                    : CLI_EXIT_ERROR;
}

void
job_fmt_overrides(struct strbuf *out, const Mlops__Job *j)
{
	job_fmt_argv(out, j->overrides, j->n_overrides);
}

void
job_fmt_argv(struct strbuf *out, char *const *v, size_t n)
{
	/* they follow `mlops launch P --` on a command line */
	shquote_args(out, (const char *const *) v, n);
}
