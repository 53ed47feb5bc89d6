/*
 * Benchmark of the job store: fills a fresh database in a temporary
 * directory with 100,000 jobs (20 projects, 3 clusters, every state) through
 * store_job_insert(), then times each store_job_list() filter shape, both
 * search paths, paging and the poller's queries, and prints the median of
 * several runs of each, the query plans and the peak RSS. Single-threaded.
 *
 * Usage: bench_store_jobs [-n JOBS] [-r RUNS] [-d DIR] [-k] [-e DB]
 *   -n  jobs to insert (100000)     -r  runs per measurement (25)
 *   -d  parent of the temp dir ($TMPDIR or /tmp)
 *   -k  keep the database afterwards (its path is printed)
 *   -e  measure an existing database kept by -k (made with the same -n)
 *       instead of filling a new one
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "store.h"
#include "store_impl.h"

#define BENCH_PROJECTS 20
#define BENCH_CLUSTERS 3

/* One measured list call. */
struct bench_shape {
	const char             *name;
	struct store_job_filter f;
};

static double bench_now_ms(void);
static int    bench_cmp_double(const void *a, const void *b);
static long   bench_peak_rss_kb(void);
static void   bench_fill(struct store *st, int n);
static size_t bench_list(struct store *st, const struct store_job_filter *f);
static void   bench_row(const char *name, size_t rows, double *s, int runs);
static void   bench_plan(struct store *st, enum store_stmt_id id);
static void   bench_rmtree(const char *dir, const char *db);

static const char *bench_state(int i);

static const struct {
	const char        *name;
	enum store_stmt_id id;
} bench_stmts[] = {
	{ "all", STORE_STMT_JOB_LIST_ALL },
	{ "project", STORE_STMT_JOB_LIST_PROJECT },
	{ "cluster", STORE_STMT_JOB_LIST_CLUSTER },
	{ "state", STORE_STMT_JOB_LIST_STATE },
	{ "live", STORE_STMT_JOB_LIST_LIVE },
	{ "sweep", STORE_STMT_JOB_LIST_SWEEP },
	{ "search", STORE_STMT_JOB_LIST_SEARCH },
	{ "active", STORE_STMT_JOB_LIST_ACTIVE },
	{ "submitting", STORE_STMT_JOB_LIST_SUBMITTING },
};

static const char *const bench_words[] = { "baseline", "ablation", "warmup",
	"cosine", "resnet", "vit", "bert", "distill", "finetune", "sweep",
	"longer", "schedule", "mixup", "dropout", "retry", "debug" };

static double
bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static long
bench_peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * A realistic mix: mostly finished jobs, a few hundred live ones, some of
 * every state (SUBMIT_FAILED and LOST included).
 */
static const char *
bench_state(int i)
{
	static const char *const rare[]
	    = { "SUBMITTING", "CONFIGURING", "COMPLETING", "SUSPENDED",
		      "REQUEUED", "PREEMPTED", "OUT_OF_MEMORY", "NODE_FAIL",
		      "BOOT_FAIL", "DEADLINE", "LOST", "SUBMIT_FAILED" };
	int r = (int) ((uint32_t) i * 2654435761u % 1000);

	if (r < 12) {
		return rare[r];
	}
	if (r < 17) {
		return "PENDING";
	}
	if (r < 22) {
		return "RUNNING";
	}
	if (r < 100) {
		return "FAILED";
	}
	if (r < 150) {
		return "CANCELLED";
	}
	if (r < 170) {
		return "TIMEOUT";
	}
	return "COMPLETED";
}

static void
bench_fill(struct store *st, int n)
{
	static const char *const lrs[] = { "1e-3", "3e-4", "1e-4", "5e-5" };
	struct mlops_error       err;
	char  projects[BENCH_PROJECTS][16], desc[128], slurm[32], script[1400];
	char  ov[4][48];
	char *ovp[4] = { ov[0], ov[1], ov[2], ov[3] };

	for (int p = 0; p < BENCH_PROJECTS; p++) {
		snprintf(projects[p], sizeof(projects[p]), "proj-%02d", p);
	}
	if (store_begin(st, &err) < 0) {
		fprintf(stderr, "begin: %s\n", err.msg);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		struct store_job j = { 0 };
		int p = (int) ((uint32_t) i * 40503u % BENCH_PROJECTS);

		snprintf(desc, sizeof(desc), "%s %s run %d",
		    bench_words[i % 16], bench_words[(i / 16) % 16], i);
		snprintf(ov[0], sizeof(ov[0]), "optimizer.lr=%s", lrs[i % 4]);
		snprintf(
		    ov[1], sizeof(ov[1]), "data.batch_size=%d", 32 << (i % 4));
		snprintf(ov[2], sizeof(ov[2]), "seed=%d", i % 1000);
		snprintf(ov[3], sizeof(ov[3]), "model=%s",
		    bench_words[(i / 7) % 16]);
		if (i % 10 == 3) {
			snprintf(slurm, sizeof(slurm), "%d_%d",
			    4000000 + i / 10, i % 7);
			j.array_task_id = i % 7;
		} else {
			snprintf(slurm, sizeof(slurm), "%d", 4000000 + i);
			j.array_task_id = -1;
		}
		snprintf(script, sizeof(script),
		    "#!/bin/bash\n#SBATCH --job-name=mlops-%d-%s\n"
		    "#SBATCH --comment=mlops:%d\n#SBATCH --partition=gpu\n"
		    "#SBATCH --nodes=1\n#SBATCH --gres=gpu:a100:4\n"
		    "#SBATCH --cpus-per-task=16\n#SBATCH --mem=128G\n"
		    "#SBATCH --time=1-00:00:00\n"
		    "#SBATCH --output=/scratch/u/%s/%d-abcdef0/stdout.log\n"
		    "#SBATCH --error=/scratch/u/%s/%d-abcdef0/stderr.log\n"
		    "set -euo pipefail\nmodule load cuda/12.1\n"
		    "source ~/miniconda3/etc/profile.d/conda.sh\n"
		    "conda activate train\ncd /scratch/u/%s/%d-abcdef0/code\n"
		    "export WANDB_RUN_GROUP=%s\nexport MLOPS_JOB_ID=%d\n"
		    "srun python train.py optimizer.lr=%s "
		    "data.batch_size=%d seed=%d\n",
		    i, projects[p], i, projects[p], i, projects[p], i,
		    projects[p], i, projects[p], i, lrs[i % 4], 32 << (i % 4),
		    i % 1000);
		j.project    = projects[p];
		j.project_id = 0;
		j.cluster    = (char *[]) { "alpha", "beta", "gamma" }[i % 3];
		j.partition  = "gpu";
		j.state      = (char *) bench_state(i);
		j.slurm_job_id  = strcmp(j.state, "SUBMITTING") == 0
                        || strcmp(j.state, "SUBMIT_FAILED") == 0
		     ? NULL
		     : slurm;
		j.sweep_id      = i % 10 == 0 ? 1 + i / 200 : 0;
		j.exit_code     = -1;
		j.description   = desc;
		j.commit_sha    = "0123456789abcdef0123456789abcdef01234567";
		j.branch        = "main";
		j.overrides     = ovp;
		j.n_overrides   = 4;
		j.config_name   = "train";
		j.gpus          = 4;
		j.gpu_type      = "a100";
		j.nodes         = 1;
		j.cpus_per_task = 16;
		j.mem           = "128G";
		j.time_limit    = "1-00:00:00";
		j.submitted_at  = 1700000000 + i * 60;
		j.elapsed_s     = -1;
		j.work_dir      = "/scratch/u/proj/1-abcdef0";
		j.stdout_path   = "/scratch/u/proj/1-abcdef0/stdout.log";
		j.stderr_path   = "/scratch/u/proj/1-abcdef0/stderr.log";
		j.sbatch_script = script;
		j.created_at    = 1700000000 + i * 60;
		if (store_job_insert(st, &j, &err) < 0) {
			fprintf(stderr, "insert %d: %s\n", i, err.msg);
			exit(1);
		}
	}
	if (store_commit(st, &err) < 0) {
		fprintf(stderr, "commit: %s\n", err.msg);
		exit(1);
	}
}

/* Runs one list call; returns how many jobs it gave. */
static size_t
bench_list(struct store *st, const struct store_job_filter *f)
{
	struct store_job **v = NULL;
	size_t             n = 0;
	struct mlops_error err;

	if (store_job_list(&v, &n, st, f, &err) < 0) {
		fprintf(stderr, "list: %s\n", err.msg);
		exit(1);
	}
	store_job_list_free(v, n);
	return n;
}

static void
bench_row(const char *name, size_t rows, double *s, int runs)
{
	qsort(s, (size_t) runs, sizeof(*s), bench_cmp_double);
	printf("| %-44s | %6zu | %9.3f | %9.3f | %9.3f |\n", name, rows,
	    s[runs / 2], s[0], s[runs - 1]);
}

static void
bench_plan(struct store *st, enum store_stmt_id id)
{
	sqlite3_stmt *stmt = NULL;
	char         *sql;

	if (st->s_stmt[id] == NULL) {
		return;
	}
	sql = xasprintf("EXPLAIN QUERY PLAN %s", sqlite3_sql(st->s_stmt[id]));
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL)
	    == SQLITE_OK) {
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			printf(" %s;",
			    (const char *) sqlite3_column_text(stmt, 3));
		}
	}
	sqlite3_finalize(stmt);
	free(sql);
}

static void
bench_rmtree(const char *dir, const char *db)
{
	char *p;

	unlink(db);
	p = xasprintf("%s-wal", db);
	unlink(p);
	free(p);
	p = xasprintf("%s-shm", db);
	unlink(p);
	free(p);
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	struct bench_shape shapes[] = {
		{ "no filter (newest 50)", { 0 } },
		{ "--project proj-07", { .project = "proj-07" } },
		{ "--cluster beta", { .cluster = "beta" } },
		{ "--state COMPLETED (most jobs)", { .state = "COMPLETED" } },
		{ "--state RUNNING (few jobs)", { .state = "RUNNING" } },
		{ "--state active", { .state = "active" } },
		{ "--state terminal", { .state = "terminal" } },
		{ "--state DEADLINE (rare, terminal)",
		    { .state = "DEADLINE" } },
		{ "sweep 42", { .sweep_id = 42 } },
		{ "project + cluster + state FAILED",
		    { .project   = "proj-07",
		        .cluster = "beta",
		        .state   = "FAILED" } },
		{ "project + state RUNNING",
		    { .project = "proj-07", .state = "RUNNING" } },
		{ "--limit 1000", { .limit = 1000 } },
		{ "search 'lr=3e-4' (1 in 4 jobs)", { .search = "lr=3e-4" } },
		{ "search 'run 4242' (10 jobs)", { .search = "run 4242" } },
		{ "search 'ablation warmup' (1 in 256)",
		    { .search = "ablation warmup" } },
		{ "search slurm id '4012345'", { .search = "4012345" } },
		{ "search 'zzzz' (no match)", { .search = "zzzz" } },
		{ "search 'lr=3e-4' + project + cluster",
		    { .search    = "lr=3e-4",
		        .project = "proj-07",
		        .cluster = "beta" } },
		{ "search 'ablation' + state RUNNING",
		    { .search = "ablation", .state = "RUNNING" } },
		{ "search 'optimizer' (every job) + sweep 42",
		    { .search = "optimizer", .sweep_id = 42 } },
		{ "search 'optimizer' + state DEADLINE (rare)",
		    { .search = "optimizer", .state = "DEADLINE" } },
		{ "search 2 chars 'vi' (LIKE, common)", { .search = "vi" } },
		{ "search 2 chars 'qz' (LIKE, no match)", { .search = "qz" } },
		{ "search 2 chars 'vi' + project",
		    { .search = "vi", .project = "proj-07" } },
	};
	const char        *parent = getenv("TMPDIR");
	int                n = 100000, runs = 25, opt;
	bool               keep     = false;
	const char        *existing = NULL;
	char              *dir      = NULL, *db;
	struct stat        sb;
	struct mlops_error err;
	struct store      *st = NULL;
	double             t0, fill_ms, *s;
	long               rss_fill;

	while ((opt = getopt(argc, argv, "n:r:d:ke:")) != -1) {
		switch (opt) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'd':
			parent = optarg;
			break;
		case 'k':
			keep = true;
			break;
		case 'e':
			existing = optarg;
			break;
		default:
			fprintf(stderr,
			    "usage: %s [-n JOBS] [-r RUNS] [-d DIR] [-k] [-e "
			    "DB]\n",
			    argv[0]);
			return 2;
		}
	}
	if (n < 1000 || runs < 1) {
		fprintf(stderr, "need -n >= 1000 and -r >= 1\n");
		return 2;
	}
	if (existing != NULL) {
		db = xstrdup(existing);
	} else {
		dir = xasprintf(
		    "%s/bench_store_jobs.XXXXXX", parent ? parent : "/tmp");
		if (mkdtemp(dir) == NULL) {
			fprintf(
			    stderr, "mkdtemp %s: %s\n", dir, strerror(errno));
			return 1;
		}
		db = xasprintf("%s/mlops.db", dir);
	}
	if (store_open(&st, db, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	s = xcalloc((size_t) runs, sizeof(*s));

	printf("SQLite %s, %d jobs, median of %d runs, warm cache\n",
	    sqlite3_libversion(), n, runs);
	if (existing == NULL) {
		t0 = bench_now_ms();
		bench_fill(st, n);
		fill_ms  = bench_now_ms() - t0;
		rss_fill = bench_peak_rss_kb();
		stat(db, &sb);
		printf("insert: %.0f ms in one transaction (%.0f jobs/s), "
		       "database %.1f MB\n\n",
		    fill_ms, n / (fill_ms / 1e3), (double) sb.st_size / 1e6);
	} else {
		rss_fill = bench_peak_rss_kb();
		printf("existing database %s\n\n", db);
	}

	printf("| %-44s | %6s | %9s | %9s | %9s |\n", "store_job_list()",
	    "rows", "median ms", "min ms", "max ms");
	printf("|%.46s|%.8s|%.11s|%.11s|%.11s|\n",
	    "----------------------------------------------", "--------",
	    "-----------", "-----------", "-----------");
	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		size_t rows = bench_list(st, &shapes[k].f); /* warm-up */

		for (int r = 0; r < runs; r++) {
			t0   = bench_now_ms();
			rows = bench_list(st, &shapes[k].f);
			s[r] = bench_now_ms() - t0;
		}
		bench_row(shapes[k].name, rows, s, runs);
	}

	/* Paging: 100 pages of 50 from the newest, then page 100 alone. */
	{
		struct store_job_filter f         = { .limit = 50 };
		struct store_job      **v         = NULL;
		size_t                  got       = 0;
		int64_t                 before100 = 0;

		for (int r = 0; r < runs; r++) {
			f.before_id = 0;
			t0          = bench_now_ms();
			for (int page = 0; page < 100; page++) {
				if (page == 99) {
					before100 = f.before_id;
				}
				if (store_job_list(&v, &got, st, &f, &err) < 0
				    || got == 0) {
					fprintf(
					    stderr, "paging: %s\n", err.msg);
					return 1;
				}
				f.before_id = v[got - 1]->id;
				store_job_list_free(v, got);
			}
			s[r] = bench_now_ms() - t0;
		}
		bench_row(
		    "pages 1..100 of 50 (before_id), total", 5000, s, runs);
		f.before_id = before100;
		for (int r = 0; r < runs; r++) {
			t0   = bench_now_ms();
			got  = bench_list(st, &f);
			s[r] = bench_now_ms() - t0;
		}
		bench_row("page 100 alone (before_id)", got, s, runs);
		f = (struct store_job_filter) { .project = "proj-07",
			.limit                           = 50 };
		for (int r = 0; r < runs; r++) {
			f.before_id = 0;
			t0          = bench_now_ms();
			for (int page = 0; page < 100; page++) {
				if (store_job_list(&v, &got, st, &f, &err)
				    < 0) {
					fprintf(
					    stderr, "paging: %s\n", err.msg);
					return 1;
				}
				if (got == 0) {
					store_job_list_free(v, got);
					break;
				}
				f.before_id = v[got - 1]->id;
				store_job_list_free(v, got);
			}
			s[r] = bench_now_ms() - t0;
		}
		bench_row(
		    "--project: pages 1..100 of 50, total", 5000, s, runs);
	}

	/* The poller: live jobs of each cluster; one unchanged observation. */
	{
		static const char *const clusters[]
		    = { "alpha", "beta", "gamma" };
		struct store_job **v   = NULL;
		size_t             got = 0, total = 0;

		for (int r = 0; r < runs; r++) {
			t0    = bench_now_ms();
			total = 0;
			for (int c = 0; c < BENCH_CLUSTERS; c++) {
				if (store_job_list_active(
				        &v, &got, st, clusters[c], &err)
				    < 0) {
					fprintf(
					    stderr, "active: %s\n", err.msg);
					return 1;
				}
				total += got;
				store_job_list_free(v, got);
			}
			s[r] = (bench_now_ms() - t0) / BENCH_CLUSTERS;
		}
		bench_row("store_job_list_active(), per cluster",
		    total / BENCH_CLUSTERS, s, runs);
		for (int r = 0; r < runs; r++) {
			t0 = bench_now_ms();
			if (store_job_list_submitting(&v, &got, st, &err)
			    < 0) {
				fprintf(stderr, "submitting: %s\n", err.msg);
				return 1;
			}
			store_job_list_free(v, got);
			s[r] = bench_now_ms() - t0;
		}
		bench_row("store_job_list_submitting()", got, s, runs);
		char live[32] = "";

		/* A RUNNING job on alpha, observed RUNNING again. */
		for (int i = n / 2; i < n && live[0] == '\0'; i++) {
			if (i % 3 == 0 && i % 10 != 3
			    && strcmp(bench_state(i), "RUNNING") == 0) {
				snprintf(
				    live, sizeof(live), "%d", 4000000 + i);
			}
		}
		for (int r = 0; r < runs; r++) {
			struct store_job_update u = {
				.cluster      = "alpha",
				.slurm_job_id = live,
				.state        = "RUNNING",
				.exit_code    = -1,
				.elapsed_s    = -1,
			};
			int64_t id;
			bool    changed;

			t0 = bench_now_ms();
			if (store_job_update(st, &u, &id, &changed, &err)
			    < 0) {
				fprintf(stderr, "update: %s\n", err.msg);
				return 1;
			}
			s[r] = bench_now_ms() - t0;
		}
		bench_row(
		    "store_job_update() by slurm id, no change", 1, s, runs);
		for (int r = 0; r < runs; r++) {
			struct store_job *j = NULL;

			t0 = bench_now_ms();
			if (store_job_get(&j, st, n / 2, &err) < 0) {
				fprintf(stderr, "get: %s\n", err.msg);
				return 1;
			}
			store_job_free(j);
			s[r] = bench_now_ms() - t0;
		}
		bench_row("store_job_get() with its script", 1, s, runs);
	}

	printf("\npeak RSS: %ld KB after insert, %ld KB at the end\n",
	    rss_fill, bench_peak_rss_kb());

	printf("\nquery plans of the statements used above:\n");
	for (size_t k = 0; k < sizeof(bench_stmts) / sizeof(bench_stmts[0]);
	     k++) {
		printf("  %-10s", bench_stmts[k].name);
		bench_plan(st, bench_stmts[k].id);
		printf("\n");
	}

	store_close(st);
	free(s);
	if (keep || existing != NULL) {
		printf("\ndatabase kept: %s\n", db);
	} else {
		bench_rmtree(dir, db);
	}
	free(db);
	free(dir);
	return 0;
}
