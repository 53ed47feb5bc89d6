/*
 * Job rows of the store: the launch path's SUBMITTING row and its
 * submission, and the poller's observations (the "mlops jobs" listing is
 * in store_jobs_list.c). Runs on the thread owning the struct store it is
 * given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include <mlops/error.h>
#include <mlops/job_state.h>
#include <mlops/xmalloc.h>

#include "store.h"
#include "store_impl.h"
#include "store_jobs_impl.h"

static int store_job_overrides_to_json(
    char **out, char *const *v, size_t n, struct mlops_error *err);
static void store_job_strings_from_json(
    char ***v, size_t *n, const char *text);
static int store_job_bind_insert(sqlite3_stmt *stmt, const struct store_job *j,
    const char *state, const char *overrides, const char *resolved);
static int store_job_config_insert(struct store *st, int64_t id,
    const char *config_json, struct mlops_error *err);
static int store_job_state_of(char *buf, size_t len, struct store *st,
    int64_t id, struct mlops_error *err);
static int store_job_not_submitting(
    struct store *st, int64_t id, const char *what, struct mlops_error *err);
static int store_job_observe(struct store *st, int64_t id, const char *state,
    const struct store_job_update *u, bool *changed, struct mlops_error *err);

/*
 * Our canonical name of the state `s` (any letter case) into *out. With
 * `observed`, only states Slurm can report are accepted.
 */
int
store_job_state_arg(
    const char **out, const char *s, bool observed, struct mlops_error *err)
{
	int st;

	if (s == NULL || *s == '\0') {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "state", "no job state");
	}
	st = job_state_parse(s);
	if (st < 0) {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "state", "unknown job state \"%s\"", s);
	}
	if (observed
	    && (st == JOB_STATE_SUBMITTING || st == JOB_STATE_SUBMIT_FAILED)) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "state",
		    "%s is not a state Slurm reports", job_state_name(st));
	}
	*out = job_state_name(st);
	return 0;
}

/* The overrides as a JSON array of strings. Caller frees. */
static int
store_job_overrides_to_json(
    char **out, char *const *v, size_t n, struct mlops_error *err)
{
	json_object *a = json_object_new_array();
	int          rc;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == NULL) {
			rc = mlops_error_set_field(err, MLOPS_EINVAL,
			    "overrides", "override %zu is missing", i);
			goto out;
		}
		json_object_array_add(a, json_object_new_string(v[i]));
	}
	*out = xstrdup(json_object_to_json_string_ext(
	    a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	rc   = 0;
out:
	json_object_put(a);
	return rc;
}

/*
 * Fills *v and *n from a JSON array of strings (overrides_json,
 * resolved_overrides_json: valid JSON by the table's CHECK).
 */
static void
store_job_strings_from_json(char ***v, size_t *n, const char *text)
{
	json_object *a = text ? json_tokener_parse(text) : NULL;
	size_t       len;

	if (a != NULL && json_object_is_type(a, json_type_array)) {
		len = json_object_array_length(a);
		if (len > 0) {
			*v = xcalloc(len, sizeof(**v));
		}
		for (size_t i = 0; i < len; i++) {
			(*v)[i] = xstrdup(json_object_get_string(
			    json_object_array_get_idx(a, i)));
		}
		*n = len;
	}
	json_object_put(a);
}

/* Binds the insert's ?1..?36 from `j`. Returns the first failing result. */
static int
store_job_bind_insert(sqlite3_stmt *stmt, const struct store_job *j,
    const char *state, const char *overrides, const char *resolved)
{
	int rcs[] = {
		store_bind_int64_or_null(stmt, 1, j->project_id, 0),
		store_bind_text(stmt, 2, j->project),
		store_bind_text(stmt, 3, j->cluster),
		store_bind_text(stmt, 4, j->partition),
		store_bind_text(stmt, 5, j->slurm_job_id),
		store_bind_int64_or_null(
		    stmt, 6, j->array_task_id < 0 ? -1 : j->array_task_id, -1),
		store_bind_int64_or_null(stmt, 7, j->sweep_id, 0),
		store_bind_text(stmt, 8, state),
		store_bind_text(stmt, 9, j->reason),
		store_bind_int64_or_null(stmt, 10, j->exit_code, -1),
		store_bind_text(stmt, 11, j->description),
		store_bind_text(stmt, 12, j->commit_sha),
		store_bind_text(stmt, 13, j->branch),
		sqlite3_bind_int(stmt, 14, j->dirty ? 1 : 0),
		store_bind_text(stmt, 15, overrides),
		store_bind_text(stmt, 16, j->config_name),
		store_bind_int64_or_null(
		    stmt, 17, j->gpus < 0 ? -1 : j->gpus, -1),
		store_bind_text(stmt, 18, j->gpu_type),
		store_bind_int64_or_null(
		    stmt, 19, j->nodes < 1 ? 0 : j->nodes, 0),
		store_bind_int64_or_null(
		    stmt, 20, j->cpus_per_task < 1 ? 0 : j->cpus_per_task, 0),
		store_bind_text(stmt, 21, j->mem),
		store_bind_text(stmt, 22, j->time_limit),
		store_bind_int64_or_null(stmt, 23, j->submitted_at, 0),
		store_bind_int64_or_null(stmt, 24, j->started_at, 0),
		store_bind_int64_or_null(stmt, 25, j->ended_at, 0),
		store_bind_int64_or_null(
		    stmt, 26, j->elapsed_s < 0 ? -1 : j->elapsed_s, -1),
		store_bind_text(stmt, 27, j->node_list),
		store_bind_text(stmt, 28, j->wandb_url),
		store_bind_text(stmt, 29, j->work_dir),
		store_bind_text(stmt, 30, j->stdout_path),
		store_bind_text(stmt, 31, j->stderr_path),
		store_bind_text(stmt, 32, j->sbatch_script),
		store_bind_text(stmt, 33, j->submit_error),
		store_bind_int64_or_null(stmt, 34, j->created_at, 0),
		store_bind_int64_or_null(stmt, 35, j->updated_at, 0),
		store_bind_text(stmt, 36, resolved),
	};

	for (size_t i = 0; i < sizeof(rcs) / sizeof(rcs[0]); i++) {
		if (rcs[i] != SQLITE_OK) {
			return rcs[i];
		}
	}
	return SQLITE_OK;
}

/* A job from a row of STORE_JOB_COLUMNS or STORE_JOB_LIST_COLUMNS. */
struct store_job *
store_job_from_row(sqlite3_stmt *stmt)
{
	struct store_job *j = xcalloc(1, sizeof(*j));

	j->id            = sqlite3_column_int64(stmt, 0);
	j->project_id    = store_column_int64_or(stmt, 1, 0);
	j->project       = store_column_strdup(stmt, 2);
	j->cluster       = store_column_strdup(stmt, 3);
	j->partition     = store_column_strdup(stmt, 4);
	j->slurm_job_id  = store_column_strdup(stmt, 5);
	j->array_task_id = (int) store_column_int64_or(stmt, 6, -1);
	j->sweep_id      = store_column_int64_or(stmt, 7, 0);
	j->state         = store_column_strdup(stmt, 8);
	j->terminal      = sqlite3_column_int(stmt, 9) != 0;
	j->reason        = store_column_strdup(stmt, 10);
	j->exit_code     = (int) store_column_int64_or(stmt, 11, -1);
	j->description   = store_column_strdup(stmt, 12);
	j->commit_sha    = store_column_strdup(stmt, 13);
	j->branch        = store_column_strdup(stmt, 14);
	j->dirty         = sqlite3_column_int(stmt, 15) != 0;
	store_job_strings_from_json(&j->overrides, &j->n_overrides,
	    (const char *) sqlite3_column_text(stmt, 16));
	j->config_name   = store_column_strdup(stmt, 17);
	j->gpus          = (int) store_column_int64_or(stmt, 18, 0);
	j->gpu_type      = store_column_strdup(stmt, 19);
	j->nodes         = (int) store_column_int64_or(stmt, 20, 0);
	j->cpus_per_task = (int) store_column_int64_or(stmt, 21, 0);
	j->mem           = store_column_strdup(stmt, 22);
	j->time_limit    = store_column_strdup(stmt, 23);
	j->submitted_at  = store_column_int64_or(stmt, 24, 0);
	j->started_at    = store_column_int64_or(stmt, 25, 0);
	j->ended_at      = store_column_int64_or(stmt, 26, 0);
	j->elapsed_s     = store_column_int64_or(stmt, 27, -1);
	j->node_list     = store_column_strdup(stmt, 28);
	j->wandb_url     = store_column_strdup(stmt, 29);
	j->work_dir      = store_column_strdup(stmt, 30);
	j->stdout_path   = store_column_strdup(stmt, 31);
	j->stderr_path   = store_column_strdup(stmt, 32);
	j->sbatch_script = store_column_strdup(stmt, 33);
	j->submit_error  = store_column_strdup(stmt, 34);
	j->created_at    = sqlite3_column_int64(stmt, 35);
	j->updated_at    = sqlite3_column_int64(stmt, 36);
	if (sqlite3_column_type(stmt, 37) != SQLITE_NULL) {
		j->validated = true;
		store_job_strings_from_json(&j->resolved_overrides,
		    &j->n_resolved_overrides,
		    (const char *) sqlite3_column_text(stmt, 37));
	}
	j->submit_started_at = store_column_int64_or(stmt, 38, 0);
	return j;
}

/*
 * Runs the cached statement `which` (`sql`, with ?1 the job id) up to the
 * job's row. Returns 0 with *stmt on that row (the caller releases it with
 * store_stmt_release(), also on error), MLOPS_ENOTFOUND, or a store error.
 */
static int
store_job_row(sqlite3_stmt **stmt, struct store *st, enum store_stmt_id which,
    const char *sql, int64_t id, struct mlops_error *err)
{
	int rc;

	*stmt = NULL;
	if ((rc = store_stmt(stmt, st, which, sql, err)) < 0) {
		return rc;
	}
	if ((rc = sqlite3_bind_int64(*stmt, 1, id)) != SQLITE_OK) {
		return store_sqlite_error(st->s_db, rc, err, "binding job id");
	}
	rc = sqlite3_step(*stmt);
	if (rc == SQLITE_DONE) {
		return mlops_error_set(
		    err, MLOPS_ENOTFOUND, "no job %lld", (long long) id);
	}
	if (rc != SQLITE_ROW) {
		return store_sqlite_error(
		    st->s_db, rc, err, "reading job %lld", (long long) id);
	}
	return 0;
}

/* Copies the state of job `id` into buf. Returns 0 or MLOPS_ENOTFOUND. */
static int
store_job_state_of(char *buf, size_t len, struct store *st, int64_t id,
    struct mlops_error *err)
{
	sqlite3_stmt *stmt;
	int           rc;

	rc = store_job_row(&stmt, st, STORE_STMT_JOB_STATE_OF,
	    "SELECT state FROM jobs WHERE id = ?1", id, err);
	if (rc == 0) {
		snprintf(buf, len, "%s",
		    (const char *) sqlite3_column_text(stmt, 0));
	}
	store_stmt_release(stmt);
	return rc;
}

int
store_job_insert(
    struct store *st, struct store_job *j, struct mlops_error *err)
{
	sqlite3_stmt *stmt      = NULL;
	char         *overrides = NULL, *resolved = NULL;
	const char   *state = NULL;
	int64_t       id, created_at, updated_at;
	bool          terminal;
	int           rc;

	if (j->project == NULL || *j->project == '\0') {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "project", "job has no project");
	}
	if (j->cluster == NULL || *j->cluster == '\0') {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "cluster", "job has no cluster");
	}
	if ((rc = store_job_state_arg(&state,
	         j->state ? j->state : job_state_name(JOB_STATE_SUBMITTING),
	         false, err))
	        < 0
	    || (rc = store_job_overrides_to_json(
	            &overrides, j->overrides, j->n_overrides, err))
	        < 0) {
		goto out;
	}
	if (j->validated
	    && ((rc = store_job_overrides_to_json(&resolved,
	             j->resolved_overrides, j->n_resolved_overrides, err))
	            < 0
	        || (j->config_json == NULL
	            && (rc = mlops_error_set_field(err, MLOPS_EINVAL,
	                    "overrides", "a validated job needs its config"))
	                < 0))) {
		goto out;
	}
	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_INSERT,
	         "INSERT INTO jobs (project_id, project, cluster, partition, "
	         "slurm_job_id, array_task_id, sweep_id, state, reason, "
	         "exit_code, description, commit_sha, branch, dirty, "
	         "overrides_json, config_name, gpus, gpu_type, nodes, "
	         "cpus_per_task, mem, time_limit, submitted_at, started_at, "
	         "ended_at, elapsed_s, node_list, wandb_url, work_dir, "
	         "stdout_path, stderr_path, sbatch_script, submit_error, "
	         "created_at, updated_at, resolved_overrides_json) VALUES "
	         "(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	         "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
	         "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, "
	         "?32, ?33, coalesce(?34, unixepoch()), "
	         "coalesce(?35, ?34, unixepoch()), ?36) "
	         "RETURNING id, created_at, updated_at, terminal",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = store_job_bind_insert(stmt, j, state, overrides, resolved))
	    != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding job");
		goto out;
	}
	/* With RETURNING, the first step does the whole insert. */
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "adding a job of project %s", j->project);
		goto out;
	}
	id         = sqlite3_column_int64(stmt, 0);
	created_at = sqlite3_column_int64(stmt, 1);
	updated_at = sqlite3_column_int64(stmt, 2);
	terminal   = sqlite3_column_int(stmt, 3) != 0;
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "adding a job of project %s", j->project);
		goto out;
	}
	store_stmt_release(stmt);
	stmt = NULL;
	if (j->validated
	    && (rc = store_job_config_insert(st, id, j->config_json, err))
	        < 0) {
		goto out;
	}
	j->id         = id;
	j->created_at = created_at;
	j->updated_at = updated_at;
	j->terminal   = terminal;
	rc            = 0;
out:
	store_stmt_release(stmt);
	free(overrides);
	free(resolved);
	return rc;
}

/* The composed Hydra config of a validated job, kept apart (job_configs). */
static int
store_job_config_insert(struct store *st, int64_t id, const char *config_json,
    struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_CONFIG_INSERT,
	         "INSERT INTO job_configs (job_id, config_json) "
	         "VALUES (?1, ?2)",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, id)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, config_json)) != SQLITE_OK) {
		rc = store_sqlite_error(
		    st->s_db, rc, err, "binding job config");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "storing the config of job %lld", (long long) id);
		goto out;
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_job_get_config(
    struct store_job *j, struct store *st, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_CONFIG_GET,
	         "SELECT config_json FROM job_configs WHERE job_id = ?1", err))
	    < 0) {
		goto out;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, j->id)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding job id");
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		j->config_json = store_column_strdup(stmt, 0);
	} else if (rc != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "reading the config of job %lld", (long long) j->id);
		goto out;
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_job_get(struct store_job **out, struct store *st, int64_t id,
    struct mlops_error *err)
{
	sqlite3_stmt *stmt;
	int           rc;

	rc = store_job_row(&stmt, st, STORE_STMT_JOB_GET,
	    "SELECT " STORE_JOB_COLUMNS " FROM jobs AS j WHERE j.id = ?1", id,
	    err);
	if (rc == 0) {
		*out = store_job_from_row(stmt);
	}
	store_stmt_release(stmt);
	return rc;
}

int
store_job_set_script(struct store *st, int64_t id, const char *work_dir,
    const char *stdout_path, const char *stderr_path,
    const char *sbatch_script, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_SET_SCRIPT,
	         "UPDATE jobs SET work_dir = ?2, stdout_path = ?3, "
	         "stderr_path = ?4, sbatch_script = ?5, "
	         "updated_at = unixepoch() WHERE id = ?1",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, id)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, work_dir)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 3, stdout_path)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 4, stderr_path)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 5, sbatch_script)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding job");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "recording the script of job %lld", (long long) id);
		goto out;
	}
	if (sqlite3_changes64(st->s_db) == 0) {
		rc = mlops_error_set(
		    err, MLOPS_ENOTFOUND, "no job %lld", (long long) id);
		goto out;
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

/*
 * After a SUBMITTING-only update matched nothing: MLOPS_ENOTFOUND, or
 * MLOPS_EINVAL naming the state the job has moved on to.
 */
static int
store_job_not_submitting(
    struct store *st, int64_t id, const char *what, struct mlops_error *err)
{
	char state[32];
	int  rc;

	if ((rc = store_job_state_of(state, sizeof(state), st, id, err)) < 0) {
		return rc;
	}
	return mlops_error_set_field(err, MLOPS_EINVAL, "state",
	    "job %lld is %s, not SUBMITTING: cannot %s", (long long) id, state,
	    what);
}

int
store_job_set_submitted(struct store *st, int64_t id, const char *slurm_job_id,
    int64_t submitted_at, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if (slurm_job_id == NULL || *slurm_job_id == '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "slurm_job_id",
		    "job %lld: no Slurm job id", (long long) id);
	}
	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_SET_SUBMITTED,
	         "UPDATE jobs SET state = 'PENDING', slurm_job_id = ?2, "
	         "submitted_at = coalesce(?3, unixepoch()), "
	         "updated_at = unixepoch() "
	         "WHERE id = ?1 AND state = 'SUBMITTING'",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, id)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, slurm_job_id)) != SQLITE_OK
	    || (rc = store_bind_int64_or_null(stmt, 3, submitted_at, 0))
	        != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding job");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "recording the submission of job %lld", (long long) id);
		goto out;
	}
	if (sqlite3_changes64(st->s_db) == 0) {
		rc = store_job_not_submitting(
		    st, id, "record its submission", err);
		goto out;
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

/* Sets one column of the SUBMITTING job `id` (and, with sweep_id > 0, of
 * every task of that sweep) to `text`, or to `num` when text is NULL. */
static int
store_job_set_submitting(struct store *st, enum store_stmt_id which,
    const char *sql, int64_t id, int64_t sweep_id, const char *text,
    int64_t num, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, which, sql, err)) < 0) {
		goto out;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, id)) != SQLITE_OK
	    || (rc = sqlite3_bind_int64(stmt, 2, sweep_id)) != SQLITE_OK
	    || (rc = text != NULL
	               ? sqlite3_bind_text(stmt, 3, text, -1, SQLITE_STATIC)
	               : sqlite3_bind_int64(stmt, 3, num))
	        != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding job");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "updating submitting job %lld", (long long) id);
		goto out;
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_job_set_submit_started(struct store *st, int64_t id, int64_t sweep_id,
    int64_t when, struct mlops_error *err)
{
	return store_job_set_submitting(st, STORE_STMT_JOB_SET_SUBMIT_STARTED,
	    "UPDATE jobs SET submit_started_at = ?3, updated_at = unixepoch() "
	    "WHERE state = 'SUBMITTING' "
	    "AND (id = ?1 OR (?2 > 0 AND sweep_id = ?2))",
	    id, sweep_id, NULL, when, err);
}

int
store_job_set_submit_unknown(struct store *st, int64_t id, int64_t sweep_id,
    const char *why, struct mlops_error *err)
{
	return store_job_set_submitting(st, STORE_STMT_JOB_SET_SUBMIT_UNKNOWN,
	    "UPDATE jobs SET reason = ?3, updated_at = unixepoch() "
	    "WHERE state = 'SUBMITTING' "
	    "AND (id = ?1 OR (?2 > 0 AND sweep_id = ?2))",
	    id, sweep_id, why, 0, err);
}

int
store_job_set_submit_failed(
    struct store *st, int64_t id, const char *why, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_SET_SUBMIT_FAILED,
	         "UPDATE jobs SET state = 'SUBMIT_FAILED', reason = ?2, "
	         "submit_error = ?2, updated_at = unixepoch() "
	         "WHERE id = ?1 AND state = 'SUBMITTING'",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, id)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, why)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding job");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "recording the failed submission of job %lld",
		    (long long) id);
		goto out;
	}
	if (sqlite3_changes64(st->s_db) == 0) {
		rc = store_job_not_submitting(
		    st, id, "record a failed submission", err);
		goto out;
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

/*
 * Writes `state` and the fields of `u` that are not "keep" (u may be NULL:
 * the state alone) to the live job `id`, only when one of them differs.
 * *changed says whether the row was written.
 */
static int
store_job_observe(struct store *st, int64_t id, const char *state,
    const struct store_job_update *u, bool *changed, struct mlops_error *err)
{
	static const struct store_job_update keep = {
		.exit_code = -1,
		.elapsed_s = -1,
	};
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if (u == NULL) {
		u = &keep;
	}
	/* coalesce(?N, col): a NULL parameter keeps the column. */
	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_OBSERVE,
	         "UPDATE jobs SET state = ?2, reason = coalesce(?3, reason), "
	         "exit_code = coalesce(?4, exit_code), "
	         "node_list = coalesce(?5, node_list), "
	         "started_at = coalesce(?6, started_at), "
	         "ended_at = coalesce(?7, ended_at), "
	         "elapsed_s = coalesce(?8, elapsed_s), "
	         "updated_at = unixepoch() "
	         "WHERE id = ?1 AND terminal = 0 AND (state IS NOT ?2 "
	         "OR reason IS NOT coalesce(?3, reason) "
	         "OR exit_code IS NOT coalesce(?4, exit_code) "
	         "OR node_list IS NOT coalesce(?5, node_list) "
	         "OR started_at IS NOT coalesce(?6, started_at) "
	         "OR ended_at IS NOT coalesce(?7, ended_at) "
	         "OR elapsed_s IS NOT coalesce(?8, elapsed_s))",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, id)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, state)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 3, u->reason)) != SQLITE_OK
	    || (rc = store_bind_int64_or_null(
	            stmt, 4, u->exit_code < 0 ? -1 : u->exit_code, -1))
	        != SQLITE_OK
	    || (rc = store_bind_text(stmt, 5, u->node_list)) != SQLITE_OK
	    || (rc = store_bind_int64_or_null(stmt, 6, u->started_at, 0))
	        != SQLITE_OK
	    || (rc = store_bind_int64_or_null(stmt, 7, u->ended_at, 0))
	        != SQLITE_OK
	    || (rc = store_bind_int64_or_null(
	            stmt, 8, u->elapsed_s < 0 ? -1 : u->elapsed_s, -1))
	        != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding job");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "updating the state of job %lld", (long long) id);
		goto out;
	}
	*changed = sqlite3_changes64(st->s_db) > 0;
	rc       = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_job_update(struct store *st, const struct store_job_update *u,
    int64_t *job_id, bool *changed, struct mlops_error *err)
{
	sqlite3_stmt *stmt  = NULL;
	const char   *state = NULL;
	bool          did   = false;
	int64_t       id;
	int           rc;

	if (u->cluster == NULL || *u->cluster == '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "cluster",
		    "observation has no cluster");
	}
	if (u->slurm_job_id == NULL || *u->slurm_job_id == '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "slurm_job_id",
		    "observation has no Slurm job id");
	}
	if ((rc = store_job_state_arg(&state, u->state, true, err)) < 0) {
		return rc;
	}
	/*
	 * A Slurm id may come back after the controller's counter is reset:
	 * the live job holding it comes first, then the newest.
	 */
	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_FIND_SLURM,
	         "SELECT id FROM jobs WHERE slurm_job_id = ?1 AND cluster = "
	         "?2 "
	         "ORDER BY terminal, id DESC LIMIT 1",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = store_bind_text(stmt, 1, u->slurm_job_id)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, u->cluster)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding job");
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = mlops_error_set(err, MLOPS_ENOTFOUND,
		    "no job with Slurm id %s on cluster %s", u->slurm_job_id,
		    u->cluster);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "looking up Slurm job %s on %s", u->slurm_job_id,
		    u->cluster);
		goto out;
	}
	id = sqlite3_column_int64(stmt, 0);
	store_stmt_release(stmt);
	stmt = NULL;
	/* Terminal by now? The update's own WHERE leaves it alone. */
	if ((rc = store_job_observe(st, id, state, u, &did, err)) < 0) {
		goto out;
	}
	*job_id  = id;
	*changed = did;
	rc       = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_job_set_state(struct store *st, int64_t id, const char *state,
    const char *reason, bool *changed, struct mlops_error *err)
{
	struct store_job_update u = {
		.reason    = reason,
		.exit_code = -1,
		.elapsed_s = -1,
	};
	const char *name = NULL;
	char        now[32];
	bool        did = false;
	int         rc;

	if ((rc = store_job_state_arg(&name, state, false, err)) < 0
	    || (rc = store_job_observe(st, id, name, &u, &did, err)) < 0) {
		return rc;
	}
	/* Nothing written: unchanged, terminal, or no such job. */
	if (!did
	    && (rc = store_job_state_of(now, sizeof(now), st, id, err)) < 0) {
		return rc;
	}
	*changed = did;
	return 0;
}

int
store_job_set_wandb_url(
    struct store *st, int64_t id, const char *url, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	char          state[32];
	int           rc;

	if (url == NULL || *url == '\0') {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "wandb_url", "empty W&B URL");
	}
	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_SET_WANDB_URL,
	         "UPDATE jobs SET wandb_url = ?2, updated_at = unixepoch() "
	         "WHERE id = ?1 AND wandb_url IS NULL",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, id)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, url)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding job");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "recording the W&B URL of job %lld", (long long) id);
		goto out;
	}
	/* Nothing written: the job has a URL already, or does not exist. */
	if (sqlite3_changes64(st->s_db) == 0) {
		store_stmt_release(stmt);
		stmt = NULL;
		if ((rc = store_job_state_of(
		         state, sizeof(state), st, id, err))
		    < 0) {
			goto out;
		}
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

void
store_job_free(struct store_job *j)
{
	if (j == NULL) {
		return;
	}
	free(j->project);
	free(j->cluster);
	free(j->partition);
	free(j->slurm_job_id);
	free(j->state);
	free(j->reason);
	free(j->description);
	free(j->commit_sha);
	free(j->branch);
	for (size_t i = 0; i < j->n_overrides; i++) {
		free(j->overrides[i]);
	}
	free(j->overrides);
	free(j->config_name);
	free(j->gpu_type);
	free(j->mem);
	free(j->time_limit);
	free(j->node_list);
	free(j->wandb_url);
	free(j->work_dir);
	free(j->stdout_path);
	free(j->stderr_path);
	free(j->sbatch_script);
	free(j->submit_error);
	for (size_t i = 0; i < j->n_resolved_overrides; i++) {
		free(j->resolved_overrides[i]);
	}
	free(j->resolved_overrides);
	free(j->config_json);
	free(j);
}

void
store_job_list_free(struct store_job **v, size_t n)
{
	if (v == NULL) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		store_job_free(v[i]);
	}
	free(v);
}
