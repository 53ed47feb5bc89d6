/*
 * How sweeps print: the tasks of one Slurm job array in array order, with
 * their own overrides, and the sweep's progress by state class.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/strbuf.h>

#include "cmd_sweep.h"
#include "output.h"

static int
sweep_task_cmp(const void *a, const void *b)
{
	const Mlops__Job *x = *(const Mlops__Job *const *) a;
	const Mlops__Job *y = *(const Mlops__Job *const *) b;

	return (x->array_task_id > y->array_task_id)
	    - (x->array_task_id < y->array_task_id);
}

/* The tasks, sorted by array index (a copy of the pointer array). */
static Mlops__Job **
sweep_sorted(Mlops__Job *const *v, size_t n)
{
	Mlops__Job **s = calloc(n ? n : 1, sizeof(*s));

	if (s == NULL) {
		abort();
	}
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), sweep_task_cmp);
	return s;
}

static json_object *
sweep_tasks_json(Mlops__Job *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	Mlops__Job **s = sweep_sorted(v, n);

	for (size_t i = 0; i < n; i++) {
		json_object_array_add(a, job_fmt_json(s[i], false));
	}
	free(s);
	return a;
}

/* TASK ID STATE SLURM ELAPSED OVERRIDES, one row per task. */
static int
sweep_tasks_text(Mlops__Job *const *v, size_t n)
{
	static const char *const hdr[]
	    = { "task", "id", "state", "slurm", "elapsed", "overrides" };
	struct output_table *t   = output_table_new(hdr, 6);
	Mlops__Job         **s   = sweep_sorted(v, n);
	int64_t              now = (int64_t) time(NULL);
	int                  rc;

	for (size_t i = 0; i < n; i++) {
		const Mlops__Job *j = s[i];
		char              task[16], id[24], state[320], slurm[64];
		char              el[32];
		struct strbuf     ov = STRBUF_INIT;
		int64_t           e  = job_fmt_elapsed(j, now);

		snprintf(task, sizeof(task), "%d", j->array_task_id);
		snprintf(id, sizeof(id), "%" PRId64, j->id);
		job_fmt_state(state, sizeof(state), j, false);
		job_fmt_slurm_id(slurm, sizeof(slurm), j);
		if (e >= 0) {
			output_fmt_duration(el, sizeof(el), (uint64_t) e);
		} else {
			el[0] = '\0';
		}
		job_fmt_overrides(&ov, j);
		const char *row[6]
		    = { task, id, state, slurm, el, strbuf_str(&ov) };
		output_table_add(t, row);
		strbuf_fini(&ov);
	}
	rc = output_print_table(t);
	output_table_free(t);
	free(s);
	return rc;
}

int
cmd_sweep_launch_print(struct cli *cli, const Mlops__LaunchRequest *req,
    const Mlops__LaunchReply *r)
{
	const Mlops__Job *j      = r->job;
	const char       *script = j->sbatch_script;
	size_t            failed = 0;
	int               rc     = 0;

	for (size_t i = 0; i < r->n_tasks; i++) {
		failed += job_fmt_terminal(r->tasks[i]);
	}
	if (req->dry_run) {
		failed = 0;
	}
	if (cli->json) {
		/* A failed sweep prints only the error object. */
		if (failed == 0) {
			json_object *o = json_object_new_object();

			json_object_object_add(
			    o, "sweep_id", json_object_new_int64(r->sweep_id));
			json_object_object_add(o, "tasks",
			    sweep_tasks_json(r->tasks, r->n_tasks));
			json_object_object_add(o, "sbatch_script",
			    json_object_new_string(script));
			rc = output_print_json(o);
		}
	} else if (req->dry_run) {
		rc = output_print(script);
		if (rc == 0 && script[0] != '\0'
		    && script[strlen(script) - 1] != '\n') {
			rc = output_print("\n");
		}
	} else {
		rc = output_printf("%" PRId64 "\n", r->sweep_id);
	}
	if (rc < 0) {
		return cli_fail(cli, MLOPS_EIO, NULL, "cannot write output");
	}
	if (failed > 0) {
		char state[320];

		return cli_fail(cli, MLOPS_ERROR, NULL,
		    "sweep %" PRId64 ": %s", r->sweep_id,
		    job_fmt_state(state, sizeof(state), j, true));
	}
	if (!cli->json) {
		const char *sid = j->slurm_job_id;

		output_flush();
		cli_notice(cli, req->dry_run ? "dry run" : "launched",
		    "sweep %" PRId64 ": %zu tasks (jobs %" PRId64 "..%" PRId64
		    ")%s%.*s",
		    r->sweep_id, r->n_tasks,
		    r->n_tasks ? r->tasks[0]->id : j->id,
		    r->n_tasks ? r->tasks[r->n_tasks - 1]->id : j->id,
		    sid[0] ? ", Slurm array " : "", (int) strcspn(sid, "_"),
		    sid);
	}
	return CLI_EXIT_OK;
}

static json_object *
sweep_progress_json(const Mlops__SweepProgress *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(
	    o, "sweep_id", json_object_new_int64(p->sweep_id));
	json_object_object_add(
	    o, "slurm_job_id", output_json_str(p->slurm_job_id));
	json_object_object_add(o, "total", json_object_new_int(p->total));
	json_object_object_add(o, "pending", json_object_new_int(p->pending));
	json_object_object_add(o, "running", json_object_new_int(p->running));
	json_object_object_add(
	    o, "completed", json_object_new_int(p->completed));
	json_object_object_add(o, "failed", json_object_new_int(p->failed));
	json_object_object_add(
	    o, "cancelled", json_object_new_int(p->cancelled));
	json_object_object_add(
	    o, "done", json_object_new_boolean(p->pending + p->running == 0));
	return o;
}

int
cmd_sweep_jobs_print(struct cli *cli, const Mlops__JobsReply *r)
{
	const Mlops__SweepProgress *p = r->sweep;
	int                         rc;

	if (p == NULL) {
		return cli_fail(cli, MLOPS_EPROTO, NULL,
		    "the daemon sent no sweep progress");
	}
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "sweep", sweep_progress_json(p));
		json_object_object_add(
		    o, "jobs", sweep_tasks_json(r->jobs, r->n_jobs));
		rc = output_print_json(o);
	} else {
		rc = output_printf("sweep %" PRId64 " (Slurm array %s): %d "
		                   "tasks: %d pending, %d running, %d done, "
		                   "%d failed, %d cancelled\n",
		    p->sweep_id, p->slurm_job_id[0] ? p->slurm_job_id : "-",
		    p->total, p->pending, p->running, p->completed, p->failed,
		    p->cancelled);
		if (rc == 0) {
			rc = sweep_tasks_text(r->jobs, r->n_jobs);
		}
	}
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : CLI_EXIT_OK;
}

int
cmd_sweep_cancel_print(
    struct cli *cli, int64_t sweep_id, const Mlops__CancelReply *r)
{
	int rc;

	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(
		    o, "sweep_id", json_object_new_int64(sweep_id));
		json_object_object_add(
		    o, "tasks", sweep_tasks_json(r->tasks, r->n_tasks));
		rc = output_print_json(o);
	} else {
		rc = output_printf("cancelled sweep %" PRId64 " (%zu tasks)\n",
		    sweep_id, r->n_tasks);
		if (rc == 0) {
			rc = sweep_tasks_text(r->tasks, r->n_tasks);
		}
	}
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : CLI_EXIT_OK;
}
