/*
 * Store: the job listing. Every list filter alone and combined (checked
 * against a model), paging, search, the query plans of the list
 * statements, and the migration from schema version 1.
 */
#include "store_jobs_testutil.h"

/*
 * A model of the jobs the list tests insert, and a brute-force filter
 * that store_job_list() must agree with.
 */
#define MODEL_N 64

struct model_job {
	int64_t     id;
	const char *project, *cluster, *state;
	bool        terminal;
	int64_t     sweep_id;
	const char *description;
	char        overrides_json[64];
	char        slurm[16];
};

static const char *const model_states[] = { "SUBMITTING", "PENDING", "RUNNING",
	"COMPLETED", "FAILED", "CANCELLED", "LOST", "COMPLETING", "TIMEOUT" };
static const char *const model_descriptions[]
    = { "ResNet baseline", "wider net", NULL, "ViT 100% run", "under_score" };

static struct model_job model[MODEL_N];

static void
model_fill(struct store *st)
{
	static char       *ov_a[] = { "lr=3e-4", "bs=64" };
	static char       *ov_b[] = { "lr=1e-3" };
	struct mlops_error err;

	for (int i = 0; i < MODEL_N; i++) {
		struct model_job *m = &model[i];
		struct store_job  j = {
			 .array_task_id = -1, .exit_code = -1, .elapsed_s = -1
		};

		m->project  = (const char *[]) { "p1", "p2", "gone" }[i % 3];
		m->cluster  = (i / 3) % 2 ? "c2" : "c1";
		m->state    = model_states[(i * 7) % 9];
		m->terminal = job_state_terminal(job_state_parse(m->state));
		m->sweep_id = i % 5 == 0 ? 1 : i % 7 == 0 ? 2 : 0;
		m->description = model_descriptions[i % 5];
		if (i % 3 == 0) {
			snprintf(m->overrides_json, sizeof(m->overrides_json),
			    "[\"lr=3e-4\",\"bs=64\"]");
		} else if (i % 3 == 1) {
			snprintf(m->overrides_json, sizeof(m->overrides_json),
			    "[\"lr=1e-3\"]");
		} else {
			snprintf(m->overrides_json, sizeof(m->overrides_json),
			    "[]");
		}
		if (strcmp(m->state, "SUBMITTING") != 0) {
			snprintf(m->slurm, sizeof(m->slurm),
			    i % 4 == 1 ? "%d_4" : "%d", 1000 + i);
		}
		j.project      = (char *) m->project;
		j.cluster      = (char *) m->cluster;
		j.state        = (char *) m->state;
		j.sweep_id     = m->sweep_id;
		j.description  = (char *) m->description;
		j.overrides    = i % 3 == 0 ? ov_a : ov_b;
		j.n_overrides  = i % 3 == 0 ? 2 : i % 3 == 1 ? 1 : 0;
		j.slurm_job_id = m->slurm[0] ? m->slurm : NULL;
		if (store_job_insert(st, &j, &err) != 0) {
			fail_msg("insert: %s", err.msg);
		}
		m->id = j.id;
		assert_int_equal(m->id, i + 1);
	}
}

/* ASCII case-insensitive substring test. */
static bool
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (hay == NULL) {
		return false;
	}
	for (; *hay != '\0'; hay++) {
		size_t k = 0;

		while (k < n && hay[k] != '\0'
		    && tolower((unsigned char) hay[k])
		        == tolower((unsigned char) needle[k])) {
			k++;
		}
		if (k == n) {
			return true;
		}
	}
	return n == 0;
}

static bool
model_match(const struct model_job *m, const struct store_job_filter *f)
{
	if (f->project && strcmp(m->project, f->project) != 0) {
		return false;
	}
	if (f->cluster && strcmp(m->cluster, f->cluster) != 0) {
		return false;
	}
	if (f->state && strcmp(f->state, "active") == 0 && m->terminal) {
		return false;
	}
	if (f->state && strcmp(f->state, "terminal") == 0 && !m->terminal) {
		return false;
	}
	if (f->state && strcmp(f->state, "active") != 0
	    && strcmp(f->state, "terminal") != 0
	    && strcasecmp(f->state, m->state) != 0) {
		return false;
	}
	if (f->sweep_id && m->sweep_id != f->sweep_id) {
		return false;
	}
	if (f->before_id && m->id >= f->before_id) {
		return false;
	}
	if (f->search && !contains(m->description, f->search)
	    && !contains(m->overrides_json, f->search)
	    && !contains(m->slurm[0] ? m->slurm : NULL, f->search)) {
		return false;
	}
	return true;
}

/* "3,2,1": the ids the model says f returns. */
static char *
model_list(const struct store_job_filter *f)
{
	char   buf[1024] = "";
	size_t len       = 0;
	int    limit     = f->limit ? f->limit : 50;

	for (int i = MODEL_N - 1; i >= 0 && limit > 0; i--) {
		if (model_match(&model[i], f)) {
			len += snprintf(buf + len, sizeof(buf) - len, "%s%lld",
			    len ? "," : "", (long long) model[i].id);
			limit--;
		}
	}
	return xstrdup(buf);
}

/* "3,2,1": the ids store_job_list() returns for f. */
static char *
store_list(struct store *st, const struct store_job_filter *f)
{
	struct store_job **v = NULL;
	struct mlops_error err;
	char               buf[1024] = "";
	size_t             n = 0, len = 0;

	if (store_job_list(&v, &n, st, f, &err) != 0) {
		fail_msg("store_job_list: %s", err.msg);
	}
	for (size_t i = 0; i < n; i++) {
		len += snprintf(buf + len, sizeof(buf) - len, "%s%lld",
		    len ? "," : "", (long long) v[i]->id);
		/* Lists carry everything but the script. */
		assert_non_null(v[i]->project);
		assert_non_null(v[i]->state);
		assert_null(v[i]->sbatch_script);
	}
	store_job_list_free(v, n);
	return xstrdup(buf);
}

static void
assert_list(struct store *st, const struct store_job_filter *f)
{
	char *want = model_list(f);
	char *got  = store_list(st, f);

	if (strcmp(want, got) != 0) {
		fail_msg("project=%s cluster=%s state=%s search=%s sweep=%lld "
		         "before=%lld limit=%d: got [%s], want [%s]",
		    f->project, f->cluster, f->state, f->search,
		    (long long) f->sweep_id, (long long) f->before_id,
		    f->limit, got, want);
	}
	free(want);
	free(got);
}

/* store_job_list() for `search` alone, as "3,2,1". */
static char *
search_ids(struct store *st, const char *search)
{
	struct store_job_filter f = { .search = search };

	return store_list(st, &f);
}

static void
assert_search(struct store *st, const char *search, const char *want)
{
	char *got = search_ids(st, search);

	if (strcmp(got, want) != 0) {
		fail_msg(
		    "search \"%s\": got [%s], want [%s]", search, got, want);
	}
	free(got);
}

/* Every filter alone and in every combination, against the model. */
static void
test_job_list_filters(void **state)
{
	static const char *const projects[] = { NULL, "p1", "gone", "nosuch" };
	static const char *const clusters[] = { NULL, "c1", "c2" };
	static const char *const states[]   = { NULL, "RUNNING", "completed",
		  "active", "terminal", "SUBMITTING" };
	static const char *const searches[] = { NULL, "resnet", "RESNET",
		"lr=3e-4", "lr=", "1e-3", "100%", "%", "_", "_4", "12", "7",
		"zz", "net", "101", "under_s" };
	static const int64_t     sweeps[]   = { 0, 1, 2 };
	static const int         limits[]   = { 0, 4 };
	struct store            *st         = open_memory();
	size_t                   count      = 0;

	(void) state;
	model_fill(st);
#define N(a) (sizeof(a) / sizeof((a)[0]))
	/* Every combination, k read as a mixed-radix number. */
	for (size_t k = 0; k < N(projects) * N(clusters) * N(states)
	         * N(searches) * N(sweeps) * N(limits);
	     k++) {
		struct store_job_filter f = { 0 };
		size_t                  r = k;

		f.project = projects[r % N(projects)];
		r /= N(projects);
		f.cluster = clusters[r % N(clusters)];
		r /= N(clusters);
		f.state = states[r % N(states)];
		r /= N(states);
		f.search = searches[r % N(searches)];
		r /= N(searches);
		f.sweep_id = sweeps[r % N(sweeps)];
		r /= N(sweeps);
		f.limit = limits[r % N(limits)];
		assert_list(st, &f);
		count++;
	}
#undef N
	assert_int_equal(count, 4 * 3 * 6 * 16 * 3 * 2);
	store_close(st);
}

/* Pages of `f` with before_id, put together, are the whole list. */
static void
assert_paging(struct store *st, struct store_job_filter f)
{
	struct store_job_filter all = f;
	struct mlops_error      err;
	char                   *want, got[1024] = "";
	size_t                  len   = 0;
	int                     pages = 0;

	all.limit = 1000;
	want      = store_list(st, &all);
	for (;;) {
		struct store_job **v = NULL;
		size_t             n = 0;

		assert_int_equal(store_job_list(&v, &n, st, &f, &err), 0);
		assert_true(n <= (size_t) f.limit);
		for (size_t i = 0; i < n; i++) {
			len += snprintf(got + len, sizeof(got) - len, "%s%lld",
			    len ? "," : "", (long long) v[i]->id);
		}
		if (n > 0) {
			f.before_id = v[n - 1]->id;
			pages++;
		}
		store_job_list_free(v, n);
		if (n < (size_t) f.limit) {
			break;
		}
	}
	assert_string_equal(got, want);
	assert_true(pages >= 2);
	free(want);
}

static void
test_job_list_paging(void **state)
{
	struct store           *st = open_memory();
	struct store_job_filter f  = { .limit = 5 };

	(void) state;
	model_fill(st);
	assert_paging(st, f);
	f.project = "p2";
	assert_paging(st, f);
	f.project = NULL;
	f.state   = "terminal";
	assert_paging(st, f);
	f.state  = NULL;
	f.search = "lr=";
	assert_paging(st, f);
	f.search = "_";
	assert_paging(st, f);
	f.search  = "net";
	f.cluster = "c1";
	f.limit   = 1;
	assert_paging(st, f);

	/* before_id alone: the page after job 11 starts at 10. */
	f = (struct store_job_filter) { .before_id = 11, .limit = 3 };
	assert_list(st, &f);
	{
		char *got = store_list(st, &f);

		assert_string_equal(got, "10,9,8");
		free(got);
	}
	store_close(st);
}

static void
test_job_search(void **state)
{
	static char       *ov[] = { "model.lr=3e-4", "data=\"imagenet\"" };
	struct store      *st   = open_memory();
	struct mlops_error err;
	int64_t            a, b, c, d;
	struct store_job   j               = { .project = "p",
		                .cluster                = "c",
		                .array_task_id          = -1,
		                .exit_code              = -1,
		                .elapsed_s              = -1 };
	static const char *const hostile[] = { "\"", "\"\"", "\"a", "a\"b",
		"*", "a*", "NEAR(", "NEAR(a b)", "-", "-x", "a:b", ":",
		"col:", "^x", "(", ")", "AND", "OR NOT", "\" OR \"", "{a b}",
		"'", "';--", "\\", "%%", "__", "\"*\" NEAR(\"x\" -y:z)" };

	(void) state;
	j.description = "ResNet-50 baseline";
	j.overrides   = ov;
	j.n_overrides = 2;
	assert_int_equal(store_job_insert(st, &j, &err), 0);
	a             = j.id;
	j.description = "weird \"quoted\" NEAR(a b) -x col:val *star";
	j.overrides   = NULL;
	j.n_overrides = 0;
	assert_int_equal(store_job_insert(st, &j, &err), 0);
	b             = j.id;
	j.description = "Schrödinger über alles";
	assert_int_equal(store_job_insert(st, &j, &err), 0);
	c = j.id;
	d = add_job(st, "p", "c", NULL, NULL);
	assert_int_equal(
	    store_job_set_submitted(st, d, "123456_7", 0, &err), 0);
	assert_true(a == 1 && b == 2 && c == 3 && d == 4);

	assert_search(st, "resnet", "1");  /* a description word */
	assert_search(st, "lr=3e-4", "1"); /* an override substring */
	assert_search(st, "model.lr", "1");
	assert_search(st, "123456_7", "4"); /* the Slurm id */
	assert_search(st, "3456", "4");
	assert_search(st, "_7", "4"); /* 2 chars: LIKE */
	assert_search(st, "Re", "1");
	assert_search(st, "e", "3,2,1");
	assert_search(st, "über", "3"); /* 4 chars, 5 bytes: trigram */
	assert_search(st, "ü", "3");    /* 1 char: LIKE */
	assert_search(st, "\"quoted\"", "2");
	assert_search(st, "NEAR(a", "2");
	assert_search(st, "-x", "2");
	assert_search(st, "col:val", "2");
	assert_search(st, "*star", "2");
	assert_search(st, "*", "2");
	assert_search(st, "%", "");
	assert_search(st, "nothing like it", "");
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct store_job      **v = NULL;
		size_t                  n = 0;
		struct store_job_filter f = { .search = hostile[i] };

		if (store_job_list(&v, &n, st, &f, &err) != 0) {
			fail_msg("search \"%s\": %s", hostile[i], err.msg);
		}
		store_job_list_free(v, n);
		f.project = "p";
		f.state   = "active";
		if (store_job_list(&v, &n, st, &f, &err) != 0) {
			fail_msg("search \"%s\": %s", hostile[i], err.msg);
		}
		store_job_list_free(v, n);
	}
	/* The search combines with the other filters. */
	{
		struct store_job      **v = NULL;
		size_t                  n = 0;
		struct store_job_filter f
		    = { .search = "e", .state = "PENDING" };

		assert_int_equal(store_job_list(&v, &n, st, &f, &err), 0);
		assert_int_equal(n, 0);
		store_job_list_free(v, n);
		f.state = "SUBMITTING";
		assert_int_equal(store_job_list(&v, &n, st, &f, &err), 0);
		assert_int_equal(n, 3);
		store_job_list_free(v, n);
	}
	store_close(st);
}

static void
test_job_list_errors(void **state)
{
	struct store           *st = open_memory();
	struct store_job      **v  = (struct store_job **) 0x1;
	size_t                  n  = 7;
	struct mlops_error      err;
	struct store_job_filter f = { .state = "sleeping" };

	(void) state;
	assert_int_equal(store_job_list(&v, &n, st, &f, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "state");
	f = (struct store_job_filter) { .limit = 1001 };
	assert_int_equal(store_job_list(&v, &n, st, &f, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "limit");
	f.limit = -1;
	assert_int_equal(store_job_list(&v, &n, st, &f, &err), MLOPS_EINVAL);
	f = (struct store_job_filter) { .before_id = -5 };
	assert_int_equal(store_job_list(&v, &n, st, &f, &err), MLOPS_EINVAL);
	assert_string_equal(err.field, "before_id");
	assert_ptr_equal(v, (struct store_job **) 0x1);
	assert_int_equal(n, 7);

	/* No filter at all; an empty store. */
	assert_int_equal(store_job_list(&v, &n, st, NULL, &err), 0);
	assert_null(v);
	assert_int_equal(n, 0);
	f = (struct store_job_filter) { .limit = 1000 };
	assert_int_equal(store_job_list(&v, &n, st, &f, &err), 0);
	assert_int_equal(n, 0);
	store_close(st);
}

static void
test_job_list_active_and_submitting(void **state)
{
	struct store      *st = open_memory();
	struct store_job **v  = NULL;
	size_t             n  = 0;
	struct mlops_error err;
	int64_t            s1, r1, p1, done, s2, r2, c2;

	(void) state;
	s1   = add_job(st, "p", "c1", "SUBMITTING", NULL);
	r1   = add_job(st, "p", "c1", "RUNNING", "1");
	done = add_job(st, "p", "c1", "COMPLETED", "2");
	s2   = add_job(st, "q", "c2", "SUBMITTING", NULL);
	p1   = add_job(st, "q", "c1", "PENDING", "3");
	r2   = add_job(st, "p", "c2", "COMPLETING", "4");
	c2   = add_job(st, "p", "c2", "CANCELLED", "5");
	(void) done;
	(void) c2;

	assert_int_equal(store_job_list_active(&v, &n, st, "c1", &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0]->id, r1);
	assert_int_equal(v[1]->id, p1);
	store_job_list_free(v, n);
	assert_int_equal(store_job_list_active(&v, &n, st, "c2", &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0]->id, r2);
	store_job_list_free(v, n);
	assert_int_equal(store_job_list_active(&v, &n, st, "c9", &err), 0);
	assert_int_equal(n, 0);
	assert_null(v);

	assert_int_equal(store_job_list_submitting(&v, &n, st, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0]->id, s1);
	assert_int_equal(v[1]->id, s2);
	assert_string_equal(v[1]->cluster, "c2");
	store_job_list_free(v, n);

	/* Once submitted, a job moves from one list to the other. */
	assert_int_equal(store_job_set_submitted(st, s1, "9", 0, &err), 0);
	assert_int_equal(store_job_list_submitting(&v, &n, st, &err), 0);
	assert_int_equal(n, 1);
	store_job_list_free(v, n);
	assert_int_equal(store_job_list_active(&v, &n, st, "c1", &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0]->id, s1);
	store_job_list_free(v, n);
	store_close(st);
}

/* EXPLAIN QUERY PLAN of the statement in cache slot `id`, as one line. */
static char *
plan_of(struct store *st, enum store_stmt_id id)
{
	sqlite3_stmt *stmt = NULL;
	char         *explain, plan[2048] = "";
	size_t        len = 0;

	assert_non_null(st->s_stmt[id]);
	explain
	    = xasprintf("EXPLAIN QUERY PLAN %s", sqlite3_sql(st->s_stmt[id]));
	assert_int_equal(
	    sqlite3_prepare_v2(store_db(st), explain, -1, &stmt, NULL),
	    SQLITE_OK);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		len += snprintf(plan + len, sizeof(plan) - len, "%s; ",
		    (const char *) sqlite3_column_text(stmt, 3));
	}
	sqlite3_finalize(stmt);
	free(explain);
	return xstrdup(plan);
}

/*
 * Runs the list for `f` (so that its statement is the one cached in slot
 * `id`), then checks that the plan of that statement contains `want`
 * and never sorts.
 */
static void
assert_list_plan(struct store *st, const struct store_job_filter *f,
    enum store_stmt_id id, const char *want)
{
	struct store_job **v = NULL;
	size_t             n = 0;
	struct mlops_error err;
	char              *plan;

	assert_int_equal(store_job_list(&v, &n, st, f, &err), 0);
	store_job_list_free(v, n);
	plan = plan_of(st, id);
	if (strstr(plan, want) == NULL) {
		fail_msg("plan \"%s\" lacks \"%s\"", plan, want);
	}
	if (strstr(plan, "TEMP B-TREE") != NULL) {
		fail_msg("plan \"%s\" sorts", plan);
	}
	free(plan);
}

static void
check_plans(struct store *st)
{
	struct store_job_filter f;
	struct store_job      **v = NULL;
	size_t                  n = 0;
	struct mlops_error      err;
	char                   *plan;

	f = (struct store_job_filter) { .project = "p1" };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_PROJECT,
	    "USING INDEX jobs_project_name (project=? AND id<?)");
	f.cluster = "c1";
	f.state   = "completed";
	f.search  = "ab";
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_PROJECT,
	    "USING INDEX jobs_project_name (project=? AND id<?)");
	f = (struct store_job_filter) { .cluster = "c1", .before_id = 99 };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_CLUSTER,
	    "USING INDEX jobs_cluster (cluster=? AND id<?)");
	f = (struct store_job_filter) { .state = "COMPLETED" };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_STATE,
	    "USING INDEX jobs_state (state=? AND id<?)");
	f = (struct store_job_filter) { .state = "RUNNING", .project = "p1" };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_STATE,
	    "USING INDEX jobs_state (state=? AND id<?)");
	f = (struct store_job_filter) { .state = "active", .cluster = "c2" };
	assert_list_plan(
	    st, &f, STORE_STMT_JOB_LIST_LIVE, "USING INDEX jobs_live (id<?)");
	f = (struct store_job_filter) { .state = "terminal" };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_ALL,
	    "USING INTEGER PRIMARY KEY (rowid<?)");
	f = (struct store_job_filter) { .sweep_id = 1, .project = "p1" };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_SWEEP,
	    "USING INDEX jobs_sweep (sweep_id=? AND id<?)");
	/* A search with a filter that keeps few jobs: the filter drives. */
	f = (struct store_job_filter) { .sweep_id = 2, .search = "lr=3e-4" };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_SWEEP,
	    "USING INDEX jobs_sweep (sweep_id=? AND id<?)");
	f = (struct store_job_filter) { .state = "PENDING", .search = "net" };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_STATE,
	    "USING INDEX jobs_state (state=? AND id<?)");
	plan = plan_of(st, STORE_STMT_JOB_LIST_STATE);
	assert_non_null(strstr(plan, "LIST SUBQUERY"));
	assert_non_null(strstr(plan, "SCAN jobs_fts VIRTUAL TABLE"));
	free(plan);
	f = (struct store_job_filter) { .limit = 10 };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_ALL,
	    "USING INTEGER PRIMARY KEY (rowid<?)");
	f = (struct store_job_filter) { .search = "a" };
	assert_list_plan(st, &f, STORE_STMT_JOB_LIST_ALL,
	    "USING INTEGER PRIMARY KEY (rowid<?)");
	f = (struct store_job_filter) { .search = "lr=3e-4", .cluster = "c1" };
	assert_list_plan(
	    st, &f, STORE_STMT_JOB_LIST_SEARCH, "SCAN jobs_fts VIRTUAL TABLE");
	plan = plan_of(st, STORE_STMT_JOB_LIST_SEARCH);
	assert_non_null(strstr(plan, "USING INTEGER PRIMARY KEY (rowid=?)"));
	free(plan);

	assert_int_equal(store_job_list_active(&v, &n, st, "c1", &err), 0);
	store_job_list_free(v, n);
	plan = plan_of(st, STORE_STMT_JOB_LIST_ACTIVE);
	if (strstr(plan, "USING INDEX jobs_active (cluster=?)") == NULL
	    || strstr(plan, "TEMP B-TREE") != NULL) {
		fail_msg("active list plan \"%s\"", plan);
	}
	free(plan);
	assert_int_equal(store_job_list_submitting(&v, &n, st, &err), 0);
	store_job_list_free(v, n);
	plan = plan_of(st, STORE_STMT_JOB_LIST_SUBMITTING);
	if (strstr(plan, "USING INDEX jobs_state (state=?)") == NULL
	    || strstr(plan, "TEMP B-TREE") != NULL) {
		fail_msg("submitting list plan \"%s\"", plan);
	}
	free(plan);
}

/*
 * Every list statement walks an index newest first: on a fresh database,
 * and again once ANALYZE has given the planner real statistics.
 */
static void
test_job_query_plans(void **state)
{
	struct store *st = open_memory();
	sqlite3      *db = store_db(st);

	(void) state;
	check_plans(st);
	model_fill(st);
	/* A realistic mix: mostly finished jobs, in many projects. */
	exec_ok(db,
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
	    "WHERE i < 3000) INSERT INTO jobs (project, cluster, state, "
	    "sweep_id, slurm_job_id, description) SELECT 'p' || (i % 20), "
	    "'c' || (i % 3), CASE WHEN i % 50 = 0 THEN 'RUNNING' WHEN i % 7 "
	    "= 0 THEN 'FAILED' ELSE 'COMPLETED' END, CASE WHEN i % 100 < 10 "
	    "THEN i / 100 END, CAST(5000 + i AS TEXT), 'run ' || i FROM n");
	exec_ok(db, "ANALYZE");
	/* Statements prepared before ANALYZE are re-planned on next use. */
	check_plans(st);
	store_close(st);
}

/* A version-1 database keeps its jobs and gains the new indexes. */
static void
test_job_migrate_from_v1(void **state)
{
	struct fixture         *f  = *state;
	sqlite3                *db = NULL;
	struct store           *st = NULL;
	struct store_job      **v  = NULL;
	size_t                  n  = 0;
	struct mlops_error      err;
	struct store_job_filter filter = { .project = "gone" };

	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(
	    store_migrate_apply(db, store_migrations, 1, &err), 0);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 1);
	exec_ok(db,
	    "INSERT INTO projects (name, path, added_at) VALUES ('keep', "
	    "'/src/keep', 1);"
	    "INSERT INTO jobs (project_id, project, cluster, state, "
	    "description, slurm_job_id) VALUES "
	    "(1, 'keep', 'c1', 'RUNNING', 'old run', '77'),"
	    "(NULL, 'gone', 'c1', 'COMPLETED', 'older run', '78'),"
	    "(NULL, 'gone', 'c2', 'FAILED', NULL, '79')");
	assert_int_equal(query_int(db,
	                     "SELECT count(*) FROM sqlite_schema WHERE name = "
	                     "'jobs_project_name'"),
	    0);
	sqlite3_close(db);

	assert_int_equal(store_open(&st, f->db, &err), 0);
	assert_int_equal(store_schema_version(st), store_migrations_count);
	assert_true(store_migrations_count >= 2);
	db = store_db(st);
	assert_int_equal(query_int(db, "SELECT count(*) FROM jobs"), 3);
	assert_int_equal(query_int(db,
	                     "SELECT count(*) FROM sqlite_schema WHERE type = "
	                     "'index' AND name IN ('jobs_project_name', "
	                     "'jobs_live', 'jobs_sweep')"),
	    3);

	assert_int_equal(store_job_list(&v, &n, st, &filter, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0]->id, 3);
	assert_int_equal(v[1]->id, 2);
	store_job_list_free(v, n);
	filter = (struct store_job_filter) { .search = "old" };
	assert_int_equal(store_job_list(&v, &n, st, &filter, &err), 0);
	assert_int_equal(n, 2);
	store_job_list_free(v, n);
	filter = (struct store_job_filter) { .state = "active" };
	assert_int_equal(store_job_list(&v, &n, st, &filter, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0]->project_id, 1);
	store_job_list_free(v, n);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_list_filters),
		cmocka_unit_test(test_job_list_paging),
		cmocka_unit_test(test_job_search),
		cmocka_unit_test(test_job_list_errors),
		cmocka_unit_test(test_job_list_active_and_submitting),
		cmocka_unit_test(test_job_query_plans),
		cmocka_unit_test_setup_teardown(
		    test_job_migrate_from_v1, setup, teardown),
	};

	return cmocka_run_group_tests_name(
	    "store_jobs_list", tests, NULL, NULL);
}
