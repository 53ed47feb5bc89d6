/*
 * The sweeps table and the sweep-wide queries on its task rows (see
 * store_sweeps.h). Sweeps are launched and listed rarely, so these
 * statements are prepared per call instead of joining the store's cache.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "store.h"
#include "store_impl.h"
#include "store_jobs_impl.h"
#include "store_sweeps.h"

/* Prepares `sql` on the connection of `st`. */
static int
store_sweep_prepare(sqlite3_stmt **out, struct store *st, const char *sql,
    struct mlops_error *err)
{
	int rc = sqlite3_prepare_v2(st->s_db, sql, -1, out, NULL);

	if (rc != SQLITE_OK) {
		*out = NULL;
		return store_sqlite_error(
		    st->s_db, rc, err, "preparing a sweep statement");
	}
	return 0;
}

static char *
store_sweep_spec_json(char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	char        *s;

	for (size_t i = 0; i < n; i++) {
		json_object_array_add(a, json_object_new_string(v[i]));
	}
	s = xstrdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	json_object_put(a);
	return s;
}

int
store_sweep_insert(
    struct store *st, struct store_sweep *s, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	char         *spec = NULL;
	int           rc;

	if (s->project == NULL || s->cluster == NULL || s->ntasks < 1
	    || s->max_parallel < 0) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "sweep",
		    "sweep: a project, a cluster and at least one task are "
		    "required");
	}
	if ((rc = store_sweep_prepare(&stmt, st,
	         "INSERT INTO sweeps (project, cluster, ntasks, "
	         "max_parallel, spec_json) VALUES (?1, ?2, ?3, ?4, ?5) "
	         "RETURNING id, created_at",
	         err))
	    < 0) {
		return rc;
	}
	spec = store_sweep_spec_json(s->spec, s->n_spec);
	if ((rc = store_bind_text(stmt, 1, s->project)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, s->cluster)) != SQLITE_OK
	    || (rc = sqlite3_bind_int(stmt, 3, s->ntasks)) != SQLITE_OK
	    || (rc = sqlite3_bind_int(stmt, 4, s->max_parallel)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 5, spec)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding sweep");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
		rc = store_sqlite_error(
		    st->s_db, rc, err, "inserting a sweep");
		goto out;
	}
	s->id         = sqlite3_column_int64(stmt, 0);
	s->created_at = sqlite3_column_int64(stmt, 1);
	rc            = 0;
out:
	sqlite3_finalize(stmt);
	free(spec);
	return rc;
}

int
store_sweep_get(struct store_sweep **out, struct store *st, int64_t id,
    struct mlops_error *err)
{
	sqlite3_stmt       *stmt = NULL;
	struct store_sweep *s    = NULL;
	json_object        *a    = NULL;
	int                 rc;

	if ((rc = store_sweep_prepare(&stmt, st,
	         "SELECT id, project, cluster, slurm_job_id, ntasks, "
	         "max_parallel, spec_json, created_at FROM sweeps "
	         "WHERE id = ?1",
	         err))
	    < 0) {
		return rc;
	}
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = mlops_error_set_field(err, MLOPS_ENOTFOUND, "sweep_id",
		    "no sweep %lld", (long long) id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = store_sqlite_error(st->s_db, rc, err, "reading a sweep");
		goto out;
	}
	s               = xcalloc(1, sizeof(*s));
	s->id           = sqlite3_column_int64(stmt, 0);
	s->project      = store_column_strdup(stmt, 1);
	s->cluster      = store_column_strdup(stmt, 2);
	s->slurm_job_id = store_column_strdup(stmt, 3);
	s->ntasks       = sqlite3_column_int(stmt, 4);
	s->max_parallel = sqlite3_column_int(stmt, 5);
	a = json_tokener_parse((const char *) sqlite3_column_text(stmt, 6));
	if (a != NULL && json_object_is_type(a, json_type_array)) {
		s->n_spec = json_object_array_length(a);
		s->spec   = xcalloc(s->n_spec + 1, sizeof(char *));
		for (size_t i = 0; i < s->n_spec; i++) {
			s->spec[i] = xstrdup(json_object_get_string(
			    json_object_array_get_idx(a, i)));
		}
	}
	s->created_at = sqlite3_column_int64(stmt, 7);
	*out          = s;
	rc            = 0;
out:
	json_object_put(a);
	sqlite3_finalize(stmt);
	return rc;
}

void
store_sweep_free(struct store_sweep *s)
{
	if (s == NULL) {
		return;
	}
	free(s->project);
	free(s->cluster);
	free(s->slurm_job_id);
	for (size_t i = 0; i < s->n_spec; i++) {
		free(s->spec[i]);
	}
	free(s->spec);
	free(s);
}

/* Runs a statement with ?1 = id and ?2 = text to its end. */
static int
store_sweep_exec(struct store *st, const char *sql, int64_t id,
    const char *text, int64_t t, const char *what, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_sweep_prepare(&stmt, st, sql, err)) < 0) {
		return rc;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, id)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, text)) != SQLITE_OK
	    || (sqlite3_bind_parameter_count(stmt) >= 3
	        && (rc = store_bind_int64_or_null(stmt, 3, t, 0))
	            != SQLITE_OK)) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding sweep");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err, "%s", what);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sweep_set_submitted(struct store *st, int64_t id, const char *array_id,
    int64_t submitted_at, struct mlops_error *err)
{
	int rc;

	if (array_id == NULL || *array_id == '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "slurm_job_id",
		    "sweep %lld: no Slurm job id", (long long) id);
	}
	if ((rc = store_sweep_exec(st,
	         "UPDATE sweeps SET slurm_job_id = ?2 WHERE id = ?1", id,
	         array_id, 0, "recording a sweep's array", err))
	    < 0) {
		return rc;
	}
	if (sqlite3_changes64(st->s_db) == 0) {
		return mlops_error_set_field(err, MLOPS_ENOTFOUND, "sweep_id",
		    "no sweep %lld", (long long) id);
	}
	return store_sweep_exec(st,
	    "UPDATE jobs SET state = 'PENDING', "
	    "slurm_job_id = ?2 || '_' || array_task_id, "
	    "submitted_at = coalesce(?3, unixepoch()), "
	    "updated_at = unixepoch() "
	    "WHERE sweep_id = ?1 AND state = 'SUBMITTING'",
	    id, array_id, submitted_at, "recording a sweep's submission", err);
}

int
store_sweep_set_submit_failed(
    struct store *st, int64_t id, const char *why, struct mlops_error *err)
{
	return store_sweep_exec(st,
	    "UPDATE jobs SET state = 'SUBMIT_FAILED', reason = ?2, "
	    "submit_error = ?2, updated_at = unixepoch() "
	    "WHERE sweep_id = ?1 AND state = 'SUBMITTING'",
	    id, why, 0, "recording a sweep's failed submission", err);
}

int
store_sweep_tasks(struct store_job ***out, size_t *n, struct store *st,
    int64_t id, struct mlops_error *err)
{
	sqlite3_stmt      *stmt = NULL;
	struct store_job **list = NULL;
	size_t             len = 0, cap = 0;
	int                rc;

	if ((rc = store_sweep_prepare(&stmt, st,
	         "SELECT " STORE_JOB_LIST_COLUMNS
	         " FROM jobs AS j WHERE j.sweep_id = ?1 "
	         "ORDER BY j.array_task_id, j.id",
	         err))
	    < 0) {
		return rc;
	}
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (len == cap) {
			cap  = cap ? 2 * cap : 16;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		list[len++] = store_job_from_row(stmt);
	}
	if (rc != SQLITE_DONE) {
		rc = store_sqlite_error(
		    st->s_db, rc, err, "listing the tasks of a sweep");
		store_job_list_free(list, len);
		goto out;
	}
	*out = list;
	*n   = len;
	rc   = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

int
store_sweep_progress(struct store_sweep_progress *out, struct store *st,
    int64_t id, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_sweep_prepare(&stmt, st,
	         "SELECT count(j.id), "
	         "coalesce(sum(j.state IN ('SUBMITTING', 'PENDING', "
	         "'REQUEUED')), 0), "
	         "coalesce(sum(j.state IN ('CONFIGURING', 'RUNNING', "
	         "'COMPLETING', 'SUSPENDED')), 0), "
	         "coalesce(sum(j.state = 'COMPLETED'), 0), "
	         "coalesce(sum(j.state = 'CANCELLED'), 0), "
	         "coalesce(sum(j.terminal AND j.state NOT IN ('COMPLETED', "
	         "'CANCELLED')), 0) "
	         "FROM sweeps AS s LEFT JOIN jobs AS j ON j.sweep_id = s.id "
	         "WHERE s.id = ?1 GROUP BY s.id",
	         err))
	    < 0) {
		return rc;
	}
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = mlops_error_set_field(err, MLOPS_ENOTFOUND, "sweep_id",
		    "no sweep %lld", (long long) id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = store_sqlite_error(
		    st->s_db, rc, err, "counting the tasks of a sweep");
		goto out;
	}
	out->total     = sqlite3_column_int(stmt, 0);
	out->pending   = sqlite3_column_int(stmt, 1);
	out->running   = sqlite3_column_int(stmt, 2);
	out->completed = sqlite3_column_int(stmt, 3);
	out->cancelled = sqlite3_column_int(stmt, 4);
	out->failed    = sqlite3_column_int(stmt, 5);
	rc             = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}
