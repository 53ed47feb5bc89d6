/*
 * The filtered, paged job history behind "mlops jobs", and the poller's
 * and the recovery's lists. One cached statement per index that can drive
 * a listing; runs on the thread owning the struct store it is given.
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

#define STORE_JOB_LIMIT_DEFAULT 50
#define STORE_JOB_LIMIT_MAX     1000
/* A search text as one FTS5 string: each '"' doubled, so none is syntax. */
#define STORE_JOB_FTS_STRING(p) "'\"' || replace(" p ", '\"', '\"\"') || '\"'"

/*
 * store_job_list()'s parameters, the same in every list statement:
 * ?1 project, ?2 cluster, ?3 state name, ?4 terminal (0 or 1), ?5 sweep id,
 * ?6 before id, ?7 limit, ?8 search text driving the trigram index,
 * ?9 LIKE pattern, ?10 search text checked against the trigram index.
 *
 * Each statement is driven by one index (the filter named in its WHERE as
 * "column = ?N", or the primary key alone), walked newest first from
 * ?6 down; every filter is also checked row by row as "?N IS NULL OR ...",
 * which SQLite cannot use an index for and so never mistakes for a better
 * access path. Which statement runs is chosen in store_job_list_pick().
 * The ?10 subquery runs (once, into a temporary table of ids) only when ?10
 * is bound.
 */
#define STORE_JOB_FILTERS                                                    \
	"(?1 IS NULL OR j.project = ?1) AND (?2 IS NULL OR j.cluster = ?2) " \
	"AND (?3 IS NULL OR j.state = ?3) "                                  \
	"AND (?4 IS NULL OR j.terminal = ?4) "                               \
	"AND (?5 IS NULL OR j.sweep_id = ?5) "                               \
	"AND (?9 IS NULL OR j.description LIKE ?9 ESCAPE '\\' "              \
	"OR j.overrides_json LIKE ?9 ESCAPE '\\' "                           \
	"OR j.slurm_job_id LIKE ?9 ESCAPE '\\') "                            \
	"AND (?10 IS NULL OR j.id IN (SELECT rowid FROM jobs_fts "           \
	"WHERE jobs_fts MATCH " STORE_JOB_FTS_STRING("?10") "))"
#define STORE_JOB_LIST_SQL(drive)                                       \
	"SELECT " STORE_JOB_LIST_COLUMNS " FROM jobs AS j WHERE " drive \
	" AND j.id < ?6 AND " STORE_JOB_FILTERS                         \
	" ORDER BY j.id DESC LIMIT ?7"

/*
 * Searches of three characters or more, unless a filter keeping few jobs
 * drives: the trigram index drives, newest match first.
 */
#define STORE_JOB_SEARCH_MATCH "jobs_fts MATCH " STORE_JOB_FTS_STRING("?8")
#define STORE_JOB_SEARCH_SQL                                      \
	"SELECT " STORE_JOB_LIST_COLUMNS                          \
	" FROM jobs_fts JOIN jobs AS j ON j.id = jobs_fts.rowid " \
	"WHERE " STORE_JOB_SEARCH_MATCH                           \
	" AND jobs_fts.rowid < ?6 AND " STORE_JOB_FILTERS         \
	" ORDER BY jobs_fts.rowid DESC LIMIT ?7"

/* A list statement: its cache slot and its text. */
struct store_job_query {
	enum store_stmt_id id;
	const char        *sql;
};

static const struct store_job_query store_job_list_all = {
	STORE_STMT_JOB_LIST_ALL,
	STORE_JOB_LIST_SQL("1"),
};
static const struct store_job_query store_job_list_project = {
	STORE_STMT_JOB_LIST_PROJECT,
	STORE_JOB_LIST_SQL("j.project = ?1"),
};
static const struct store_job_query store_job_list_cluster = {
	STORE_STMT_JOB_LIST_CLUSTER,
	STORE_JOB_LIST_SQL("j.cluster = ?2"),
};
static const struct store_job_query store_job_list_state = {
	STORE_STMT_JOB_LIST_STATE,
	STORE_JOB_LIST_SQL("j.state = ?3"),
};
/* jobs_live is partial: its own condition, with a literal, drives. */
static const struct store_job_query store_job_list_live = {
	STORE_STMT_JOB_LIST_LIVE,
	STORE_JOB_LIST_SQL("j.terminal = 0"),
};
static const struct store_job_query store_job_list_sweep = {
	STORE_STMT_JOB_LIST_SWEEP,
	STORE_JOB_LIST_SQL("j.sweep_id = ?5"),
};
static const struct store_job_query store_job_list_search = {
	STORE_STMT_JOB_LIST_SEARCH,
	STORE_JOB_SEARCH_SQL,
};

/* A validated filter: what is bound to the list statement. */
struct store_job_args {
	const char *project, *cluster;
	const char *state;      /* canonical name, or NULL */
	int         terminal;   /* -1 any, 0 active, 1 terminal */
	bool        state_live; /* state names a non-terminal state */
	int64_t     sweep_id;
	int64_t     before_id;
	int         limit;
	const char *search;        /* 3+ characters, or NULL */
	bool        search_drives; /* else it is checked row by row */
	char       *like;          /* pattern for 1-2 characters, or NULL */
};

static int store_job_filter_args(struct store_job_args *a,
    const struct store_job_filter *f, struct mlops_error *err);
static const struct store_job_query *store_job_list_pick(
    struct store_job_args *a);
static int store_job_bind_list(
    sqlite3_stmt *stmt, const struct store_job_args *a);
static int    store_job_collect(struct store_job ***out, size_t *n,
       struct store *st, sqlite3_stmt *stmt, const char *what,
       struct mlops_error *err);
static size_t store_job_utf8_len(const char *s);
static char  *store_job_like_pattern(const char *s);

/* Number of characters (UTF-8 code points) of `s`. */
static size_t
store_job_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char) *s & 0xc0) != 0x80) {
			n++;
		}
	}
	return n;
}

/* "%<s>%" with \, % and _ escaped by '\' (the list's ESCAPE). */
static char *
store_job_like_pattern(const char *s)
{
	char  *p = xmalloc(2 * strlen(s) + 3);
	size_t k = 0;

	p[k++] = '%';
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '%' || *s == '_') {
			p[k++] = '\\';
		}
		p[k++] = *s;
	}
	p[k++] = '%';
	p[k]   = '\0';
	return p;
}

/* Checks `f` and turns it into what the list statements bind. */
static int
store_job_filter_args(struct store_job_args *a,
    const struct store_job_filter *f, struct mlops_error *err)
{
	const char *name;
	int         st;

	memset(a, 0, sizeof(*a));
	a->terminal  = -1;
	a->before_id = INT64_MAX;
	a->limit     = STORE_JOB_LIMIT_DEFAULT;
	if (f == NULL) {
		return 0;
	}
	if (f->limit < 0 || f->limit > STORE_JOB_LIMIT_MAX) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "limit",
		    "limit %d is not between 1 and %d", f->limit,
		    STORE_JOB_LIMIT_MAX);
	}
	if (f->before_id < 0) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "before_id",
		    "negative job id %lld", (long long) f->before_id);
	}
	if (f->limit > 0) {
		a->limit = f->limit;
	}
	if (f->before_id > 0) {
		a->before_id = f->before_id;
	}
	if (f->project != NULL && *f->project != '\0') {
		a->project = f->project;
	}
	if (f->cluster != NULL && *f->cluster != '\0') {
		a->cluster = f->cluster;
	}
	a->sweep_id = f->sweep_id;
	if (f->state != NULL && *f->state != '\0') {
		if (strcasecmp(f->state, "active") == 0) {
			a->terminal = 0;
		} else if (strcasecmp(f->state, "terminal") == 0) {
			a->terminal = 1;
		} else if ((st = job_state_parse(f->state)) >= 0) {
			name          = job_state_name(st);
			a->state      = name;
			a->state_live = !job_state_terminal(st);
		} else {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "state",
			    "unknown job state \"%s\" (a state name, "
			    "\"active\" or \"terminal\")",
			    f->state);
		}
	}
	if (f->search != NULL && *f->search != '\0') {
		if (store_job_utf8_len(f->search) >= STORE_JOB_TRIGRAM) {
			a->search = f->search;
		} else {
			a->like = store_job_like_pattern(f->search);
		}
	}
	return 0;
}

/*
 * The list statement for `a` (and whether the search drives it): the
 * index of the filter likely to keep the fewest rows. A sweep and the live
 * states hold few jobs at any time, so they drive even a search (whose
 * matches are then looked up once); otherwise a search drives, newest
 * match first, and stops at the limit. Project and cluster come next, then
 * a terminal state; "terminal" alone walks the ids, since most jobs are.
 */
static const struct store_job_query *
store_job_list_pick(struct store_job_args *a)
{
	bool few = a->sweep_id != 0 || (a->state != NULL && a->state_live)
	    || a->terminal == 0;

	a->search_drives = a->search != NULL && !few;
	if (a->search_drives) {
		return &store_job_list_search;
	}
	if (a->sweep_id != 0) {
		return &store_job_list_sweep;
	}
	if (a->state != NULL && a->state_live) {
		return &store_job_list_state;
	}
	if (a->terminal == 0) {
		return &store_job_list_live;
	}
	if (a->project != NULL) {
		return &store_job_list_project;
	}
	if (a->cluster != NULL) {
		return &store_job_list_cluster;
	}
	if (a->state != NULL) {
		return &store_job_list_state;
	}
	/* "terminal" too: most jobs are, the newest ids find a page. */
	return &store_job_list_all;
}

/* Binds ?1..?9 of a list statement. Returns the first failing result. */
static int
store_job_bind_list(sqlite3_stmt *stmt, const struct store_job_args *a)
{
	int rcs[] = {
		store_bind_text(stmt, 1, a->project),
		store_bind_text(stmt, 2, a->cluster),
		store_bind_text(stmt, 3, a->state),
		store_bind_int64_or_null(stmt, 4, a->terminal, -1),
		store_bind_int64_or_null(stmt, 5, a->sweep_id, 0),
		sqlite3_bind_int64(stmt, 6, a->before_id),
		sqlite3_bind_int(stmt, 7, a->limit),
		store_bind_text(stmt, 9, a->like),
		store_bind_text(stmt, a->search_drives ? 8 : 10, a->search),
	};

	for (size_t i = 0; i < sizeof(rcs) / sizeof(rcs[0]); i++) {
		if (rcs[i] != SQLITE_OK) {
			return rcs[i];
		}
	}
	return SQLITE_OK;
}

/* Steps `stmt` to its end, collecting the jobs it returns. */
static int
store_job_collect(struct store_job ***out, size_t *n, struct store *st,
    sqlite3_stmt *stmt, const char *what, struct mlops_error *err)
{
	struct store_job **list = NULL;
	size_t             len = 0, cap = 0;
	int                rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (len == cap) {
			cap  = cap ? cap * 2 : 16;
			list = xreallocarray(list, cap, sizeof(*list));
		}
		list[len++] = store_job_from_row(stmt);
	}
	if (rc != SQLITE_DONE) {
		rc = store_sqlite_error(st->s_db, rc, err, "%s", what);
		goto out;
	}
	*out = list;
	*n   = len;
	list = NULL;
	rc   = 0;
out:
	store_job_list_free(list, len);
	return rc;
}

int
store_job_list(struct store_job ***out, size_t *n, struct store *st,
    const struct store_job_filter *f, struct mlops_error *err)
{
	const struct store_job_query *q;
	struct store_job_args         a;
	sqlite3_stmt                 *stmt = NULL;
	int                           rc;

	if ((rc = store_job_filter_args(&a, f, err)) < 0) {
		goto out;
	}
	q = store_job_list_pick(&a);
	if ((rc = store_stmt(&stmt, st, q->id, q->sql, err)) < 0) {
		goto out;
	}
	if ((rc = store_job_bind_list(stmt, &a)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding filter");
		goto out;
	}
	rc = store_job_collect(out, n, st, stmt, "listing jobs", err);
out:
	store_stmt_release(stmt);
	free(a.like);
	return rc;
}

int
store_job_list_active(struct store_job ***out, size_t *n, struct store *st,
    const char *cluster, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	/* jobs_active holds only the live jobs, by cluster then id. */
	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_LIST_ACTIVE,
	         "SELECT " STORE_JOB_LIST_COLUMNS
	         " FROM jobs AS j WHERE j.cluster = ?1 AND j.terminal = 0 "
	         "AND j.state <> 'SUBMITTING' ORDER BY j.id",
	         err))
	    < 0) {
		goto out;
	}
	if ((rc = store_bind_text(stmt, 1, cluster)) != SQLITE_OK) {
		rc = store_sqlite_error(st->s_db, rc, err, "binding cluster");
		goto out;
	}
	rc = store_job_collect(
	    out, n, st, stmt, "listing the live jobs of a cluster", err);
out:
	store_stmt_release(stmt);
	return rc;
}

int
store_job_list_submitting(struct store_job ***out, size_t *n, struct store *st,
    struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	if ((rc = store_stmt(&stmt, st, STORE_STMT_JOB_LIST_SUBMITTING,
	         "SELECT " STORE_JOB_LIST_COLUMNS
	         " FROM jobs AS j WHERE j.state = 'SUBMITTING' ORDER BY j.id",
	         err))
	    < 0) {
		goto out;
	}
	rc = store_job_collect(
	    out, n, st, stmt, "listing the jobs being submitted", err);
out:
	store_stmt_release(stmt);
	return rc;
}
