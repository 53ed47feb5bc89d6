/*
 * Project rows of the store: registered git work trees and their last known
 * git metadata. Runs on the thread owning the struct store it is given.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "store.h"
#include "store_impl.h"

#define STORE_PROJECT_COLUMNS                                       \
	"id, name, path, origin_url, branch, head_sha, upstream, "  \
	"head_subject, detached, dirty, untracked, ahead, behind, " \
	"config_json, config_warnings, added_at, synced_at"

static int store_project_bind_git(
    sqlite3_stmt *stmt, int first, const struct store_project *p);
static int store_project_conflict(
    struct store *st, const struct store_project *p, struct mlops_error *err);

static struct store_project *store_project_from_row(sqlite3_stmt *stmt);

/*
 * Binds the fields store_project_update_git() writes, in its order, to
 * parameters first .. first+12. Returns the first failing SQLite result.
 */
static int
store_project_bind_git(
    sqlite3_stmt *stmt, int first, const struct store_project *p)
{
	int rcs[] = {
		store_bind_text(stmt, first + 0, p->origin_url),
		store_bind_text(stmt, first + 1, p->branch),
		store_bind_text(stmt, first + 2, p->head_sha),
		store_bind_text(stmt, first + 3, p->upstream),
		store_bind_text(stmt, first + 4, p->head_subject),
		sqlite3_bind_int(stmt, first + 5, p->detached ? 1 : 0),
		sqlite3_bind_int(stmt, first + 6, p->dirty ? 1 : 0),
		sqlite3_bind_int(stmt, first + 7, p->untracked),
		store_bind_int64_or_null(
		    stmt, first + 8, p->ahead < 0 ? -1 : p->ahead, -1),
		store_bind_int64_or_null(
		    stmt, first + 9, p->behind < 0 ? -1 : p->behind, -1),
		store_bind_text(stmt, first + 10, p->config_json),
		store_bind_text(stmt, first + 11, p->config_warnings_json),
		store_bind_int64_or_null(stmt, first + 12, p->synced_at, 0),
	};

	for (size_t i = 0; i < sizeof(rcs) / sizeof(rcs[0]); i++) {
		if (rcs[i] != SQLITE_OK) {
			return rcs[i];
		}
	}
	return SQLITE_OK;
}

/* A project from a row of STORE_PROJECT_COLUMNS. */
static struct store_project *
store_project_from_row(sqlite3_stmt *stmt)
{
	struct store_project *p = xcalloc(1, sizeof(*p));

	p->id                   = sqlite3_column_int64(stmt, 0);
	p->name                 = store_column_strdup(stmt, 1);
	p->path                 = store_column_strdup(stmt, 2);
	p->origin_url           = store_column_strdup(stmt, 3);
	p->branch               = store_column_strdup(stmt, 4);
	p->head_sha             = store_column_strdup(stmt, 5);
	p->upstream             = store_column_strdup(stmt, 6);
	p->head_subject         = store_column_strdup(stmt, 7);
	p->detached             = sqlite3_column_int(stmt, 8) != 0;
	p->dirty                = sqlite3_column_int(stmt, 9) != 0;
	p->untracked            = sqlite3_column_int(stmt, 10);
	p->ahead                = (int) store_column_int64_or(stmt, 11, -1);
	p->behind               = (int) store_column_int64_or(stmt, 12, -1);
	p->config_json          = store_column_strdup(stmt, 13);
	p->config_warnings_json = store_column_strdup(stmt, 14);
	p->added_at             = sqlite3_column_int64(stmt, 15);
	p->synced_at            = store_column_int64_or(stmt, 16, 0);
	return p;
}

/*
 * After a UNIQUE violation on insert: says whether the name or the path is
 * taken, and by which project. Returns MLOPS_EEXISTS (or a lookup error).
 */
static int
store_project_conflict(
    struct store *st, const struct store_project *p, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_PROJECT_CONFLICT,
	         "SELECT name FROM projects WHERE name = ?1 OR path = ?2 "
	         "ORDER BY name = ?1 DESC LIMIT 1",
	         err))
	    < 0) {
		goto out;
	}
	if (store_bind_text(stmt, 1, p->name) != SQLITE_OK
	    || store_bind_text(stmt, 2, p->path) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, sqlite3_errcode(st->s_db),
		    err, "binding project");
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW
	    && strcmp((const char *) sqlite3_column_text(stmt, 0), p->name)
	        == 0) {
		rc = mlops_error_set_field(err, MLOPS_EEXISTS, "name",
		    "project %s already exists", p->name);
	} else if (rc == SQLITE_ROW) {
		rc = mlops_error_set_field(err, MLOPS_EEXISTS, "path",
		    "%s is already registered as project %s", p->path,
		    (const char *) sqlite3_column_text(stmt, 0));
	} else if (rc == SQLITE_DONE) {
		rc = mlops_error_set(
		    err, MLOPS_EEXISTS, "project %s already exists", p->name);
	} else {
		rc = store_sqlite_error(
		    st->s_db, rc, err, "looking up project %s", p->name);
	}
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_project_insert(
    struct store *st, struct store_project *p, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int64_t       id, added_at;
	int           rc;

	if (p->name == NULL || *p->name == '\0') {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "name", "project name is empty");
	}
	if (p->path == NULL || *p->path == '\0') {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "path", "project path is empty");
	}
	if ((rc = store_stmt(&stmt, st, STORE_STMT_PROJECT_INSERT,
	         "INSERT INTO projects (name, path, origin_url, branch, "
	         "head_sha, upstream, head_subject, detached, dirty, "
	         "untracked, ahead, behind, config_json, config_warnings, "
	         "synced_at, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	         "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
	         "coalesce(?16, unixepoch())) RETURNING id, added_at",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = store_bind_text(stmt, 1, p->name)) != SQLITE_OK
	    || (rc = store_bind_text(stmt, 2, p->path)) != SQLITE_OK
	    || (rc = store_project_bind_git(stmt, 3, p)) != SQLITE_OK
	    || (rc = store_bind_int64_or_null(stmt, 16, p->added_at, 0))
	        != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding project");
		goto out;
	}
	/* With RETURNING, the first step does the whole insert. */
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		store_stmt_release(stmt);
		stmt = NULL;
		rc   = store_project_conflict(st, p, err);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = store_sqlite_error(
		    st->s_db, rc, err, "adding project %s", p->name);
		goto out;
	}
	id       = sqlite3_column_int64(stmt, 0);
	added_at = sqlite3_column_int64(stmt, 1);
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(
		    st->s_db, rc, err, "adding project %s", p->name);
		goto out;
	}
	p->id       = id;
	p->added_at = added_at;
	rc          = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_project_get_by_name(struct store_project **out, struct store *st,
    const char *name, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_PROJECT_GET_BY_NAME,
	         "SELECT " STORE_PROJECT_COLUMNS
	         " FROM projects WHERE name = ?1",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = store_bind_text(stmt, 1, name)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding name");
		goto out;
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		rc = mlops_error_set(
		    err, MLOPS_ENOTFOUND, "no project named %s", name);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = store_sqlite_error(
		    st->s_db, rc, err, "reading project %s", name);
		goto out;
	}
	*out = store_project_from_row(stmt);
	rc   = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_project_list(struct store_project ***out, size_t *n, struct store *st,
    struct mlops_error *err)
{
	sqlite3_stmt          *stmt = NULL;
	struct store_project **list = NULL;
	size_t                 len = 0, cap = 0;
	int                    rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_PROJECT_LIST,
	         "SELECT " STORE_PROJECT_COLUMNS
	         " FROM projects ORDER BY name",
	         err))
	    < 0) {
		goto out;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (len == cap) {
			cap  = cap ? cap * 2 : 8;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		list[len++] = store_project_from_row(stmt);
	}
	if (rc != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err, "listing projects");
		goto out;
	}
	*out = list;
	*n   = len;
	list = NULL;
	rc   = 0;
out:
	store_stmt_release(stmt);
	store_project_list_free(list, len);
	return rc;
}

int
store_project_update_git(
    struct store *st, const struct store_project *p, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_PROJECT_UPDATE_GIT,
	         "UPDATE projects SET origin_url = ?2, branch = ?3, "
	         "head_sha = ?4, upstream = ?5, head_subject = ?6, "
	         "detached = ?7, dirty = ?8, untracked = ?9, ahead = ?10, "
	         "behind = ?11, config_json = ?12, config_warnings = ?13, "
	         "synced_at = ?14 WHERE id = ?1",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = sqlite3_bind_int64(stmt, 1, p->id)) != SQLITE_OK
	    || (rc = store_project_bind_git(stmt, 2, p)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding project");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err,
		    "updating project %lld", (long long) p->id);
		goto out;
	}
	if (sqlite3_changes64(st->s_db) == 0) {
		rc = mlops_error_set(err, MLOPS_ENOTFOUND,
		    "no project with id %lld", (long long) p->id);
		goto out;
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_project_delete(
    struct store *st, const char *name, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	/* jobs.project_id is ON DELETE SET NULL: the history stays. */
	if ((rc = store_stmt(&stmt, st, STORE_STMT_PROJECT_DELETE,
	         "DELETE FROM projects WHERE name = ?1", err))
	    < 0) {
		goto out;
	}
	if ((rc = store_bind_text(stmt, 1, name)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding name");
		goto out;
	}
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		rc = store_sqlite_error(
		    st->s_db, rc, err, "removing project %s", name);
		goto out;
	}
	if (sqlite3_changes64(st->s_db) == 0) {
		rc = mlops_error_set(
		    err, MLOPS_ENOTFOUND, "no project named %s", name);
		goto out;
	}
	rc = 0;
out:
	store_stmt_release(stmt);
	return rc;
}

void
store_project_fini(struct store_project *p)
{
	if (p == NULL) {
		return;
	}
	free(p->name);
	free(p->path);
	free(p->origin_url);
	free(p->branch);
	free(p->head_sha);
	free(p->upstream);
	free(p->head_subject);
	free(p->config_json);
	free(p->config_warnings_json);
	memset(p, 0, sizeof(*p));
}

void
store_project_free(struct store_project *p)
{
	store_project_fini(p);
	free(p);
}

void
store_project_list_free(struct store_project **list, size_t n)
{
	if (list == NULL) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		store_project_free(list[i]);
	}
	free(list);
}
