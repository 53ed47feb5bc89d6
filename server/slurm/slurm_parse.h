/*
 * Parsers for the outputs of the commands slurm_cmd.h builds, recorded from
 * Slurm 22.05 and 24.11 in tests/fixtures/slurm/<version>/; where the
 * versions print a field differently, both forms are read. Pure: they take
 * text and return values, never print, never exit, never do I/O; safe on
 * any thread.
 *
 * Errors: a malformed line gives MLOPS_EPARSE with err->msg
 * "line N: FIELD: what: 'value'" and err->field set to Slurm's field name.
 * Outputs are written only on success; on failure nothing is allocated.
 *
 * Times: Slurm prints local times of the login node ("2026-11-28T16:00:00")
 * with no zone. The job parsers take `utc_offset`, the seconds east of UTC
 * of the cluster's time zone (0 for a cluster running in UTC, as the
 * sandbox does; 3600 for CET). A fixed offset cannot follow a DST change,
 * so a caller that cares reads it with the same poll (`date +%z`).
 * Times are unix seconds; 0 means Slurm printed none ("Unknown", "None",
 * "N/A" or empty).
 */
#ifndef MLOPS_SERVER_SLURM_PARSE_H
#define MLOPS_SERVER_SLURM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mlops/error.h>

/*
 * Durations: special values besides seconds >= 0. UNLIMITED stands for
 * "UNLIMITED" and "INFINITE"; NONE for "NONE", "NOT_SET", "" and sacct's
 * "Partition_Limit" (the job set no limit of its own).
 */
#define SLURM_DURATION_UNLIMITED (-1L)
#define SLURM_DURATION_NONE      (-2L)

/* ---- small values ------------------------------------------------------ */

/**
 * A duration as Slurm prints or accepts it: "M", "M:S", "H:M:S", "D-H",
 * "D-H:M", "D-H:M:S" ("1-02:03:04" is 93784), or one of the special
 * values above. Returns 0 or MLOPS_EPARSE (message without line number).
 */
int slurm_parse_duration(long *out, const char *s, struct mlops_error *err);

/**
 * A timestamp "YYYY-MM-DDTHH:MM:SS" in the cluster's local time, minus
 * `utc_offset` seconds; "Unknown", "None", "N/A" and "" give 0.
 * Returns 0 or MLOPS_EPARSE.
 */
int slurm_parse_time(
    int64_t *out, const char *s, long utc_offset, struct mlops_error *err);

/**
 * sacct's and scontrol's ExitCode "3:0" -> exit status 3, signal 0.
 * Returns 0 or MLOPS_EPARSE.
 */
int slurm_parse_exit_code(
    int *code, int *signal, const char *s, struct mlops_error *err);

/* ---- sinfo --version --------------------------------------------------- */

struct slurm_version {
	int  major, minor, patch;
	char text[32]; /* "22.05.8" as printed (suffixes such as -1 kept) */
};

/**
 * "slurm 22.05.8" (upstream) or "slurm-wlm 22.05.8" (Debian).
 * Returns 0 or MLOPS_EPARSE.
 */
int slurm_parse_version(
    struct slurm_version *out, const char *text, struct mlops_error *err);

/* ---- scontrol show partition -o ---------------------------------------- */

struct slurm_partition {
	char *name;
	bool  is_default;     /* Default=YES */
	char *state;          /* "UP", "DOWN", "DRAIN", "INACTIVE" */
	char *max_time;       /* as printed: "1-00:00:00", "UNLIMITED" */
	long  max_time_s;     /* seconds, or SLURM_DURATION_UNLIMITED */
	char *default_time;   /* as printed: "01:00:00", "NONE" */
	long  default_time_s; /* seconds, _UNLIMITED or _NONE */
	long  total_nodes;
	long  total_cpus;
	char *nodes; /* host list as printed: "a-node[1-2]"; NULL if none */
};

struct slurm_partitions {
	struct slurm_partition *v;
	size_t                  n;
};

/** Caller frees with slurm_partitions_fini(). Returns 0 or MLOPS_EPARSE. */
int slurm_parse_partitions(
    struct slurm_partitions *out, const char *text, struct mlops_error *err);
void slurm_partitions_fini(struct slurm_partitions *p);

/* ---- scontrol -d -o show node ------------------------------------------ */

/*
 * Node state as a bit set: exactly one base bit (IDLE .. UNKNOWN) plus
 * flags. DRAINING and DRAINED are derived: DRAIN on a node that still runs
 * jobs (ALLOCATED, MIXED or COMPLETING) is DRAINING, otherwise DRAINED.
 */
enum slurm_node_flag {
	SLURM_NODE_IDLE             = 1u << 0,
	SLURM_NODE_ALLOCATED        = 1u << 1,
	SLURM_NODE_MIXED            = 1u << 2,
	SLURM_NODE_DOWN             = 1u << 3,
	SLURM_NODE_ERROR            = 1u << 4,
	SLURM_NODE_FUTURE           = 1u << 5,
	SLURM_NODE_UNKNOWN          = 1u << 6,
	SLURM_NODE_DRAIN            = 1u << 7,
	SLURM_NODE_DRAINING         = 1u << 8,
	SLURM_NODE_DRAINED          = 1u << 9,
	SLURM_NODE_FAIL             = 1u << 10,
	SLURM_NODE_MAINT            = 1u << 11,
	SLURM_NODE_NOT_RESPONDING   = 1u << 12,
	SLURM_NODE_POWERED_DOWN     = 1u << 13,
	SLURM_NODE_POWERING_UP      = 1u << 14,
	SLURM_NODE_POWER_DOWN       = 1u << 15, /* power down requested */
	SLURM_NODE_POWERING_DOWN    = 1u << 16,
	SLURM_NODE_POWER_UP         = 1u << 17, /* power up requested */
	SLURM_NODE_RESERVED         = 1u << 18,
	SLURM_NODE_PLANNED          = 1u << 19,
	SLURM_NODE_INVAL            = 1u << 20,
	SLURM_NODE_COMPLETING       = 1u << 21,
	SLURM_NODE_CLOUD            = 1u << 22,
	SLURM_NODE_REBOOT_REQUESTED = 1u << 23,
	SLURM_NODE_REBOOT_ISSUED    = 1u << 24,
	SLURM_NODE_PERFCTRS         = 1u << 25,
	SLURM_NODE_BLOCKED          = 1u << 26,
	SLURM_NODE_DYNAMIC          = 1u << 27,
	SLURM_NODE_OTHER            = 1u << 28, /* a flag we do not know */
};

/**
 * One GRES entry. `type` is never NULL: an untyped entry ("gpu:4", or
 * Slurm's "gpu:(null):4") has type equal to its name ("gpu") and `typed`
 * false. Socket/index suffixes ("(S:0-1)", "(IDX:0-3)") are dropped.
 */
struct slurm_gres {
	char *name;
	char *type;
	bool  typed;
	long  count;
};

struct slurm_node {
	char              *name;
	char              *state;      /* as printed: "MIXED+DRAIN" */
	unsigned           flags;      /* enum slurm_node_flag bits */
	char             **partitions; /* empty when in none */
	size_t             n_partitions;
	struct slurm_gres *gres; /* Gres=: every configured GRES */
	size_t             n_gres;
	struct slurm_gres *gres_used; /* GresUsed= (needs scontrol -d) */
	size_t             n_gres_used;
	bool               has_gres_used;        /* GresUsed= was printed */
	long               cpu_total, cpu_alloc; /* -1 when absent */
	long               real_memory, alloc_memory; /* MB, -1 absent */
	char              *reason; /* drain/down reason, NULL when none */
};

struct slurm_nodes {
	struct slurm_node *v;
	size_t             n;
};

/** Caller frees with slurm_nodes_fini(). Returns 0 or MLOPS_EPARSE. */
int slurm_parse_nodes(
    struct slurm_nodes *out, const char *text, struct mlops_error *err);
void slurm_nodes_fini(struct slurm_nodes *nodes);

/**
 * A node state as scontrol prints it: a base state and "+"-joined flags
 * ("IDLE+DRAIN", "DOWN+NOT_RESPONDING", "IDLE+MAINTENANCE+RESERVED"), also
 * with sinfo's suffix characters ("IDLE*"). Flags this version does not
 * know set SLURM_NODE_OTHER rather than failing.
 * Returns 0 or MLOPS_EPARSE (unknown base state).
 */
int slurm_parse_node_state(
    unsigned *out, const char *state, struct mlops_error *err);

/**
 * A node state as sinfo prints it, long (%T "draining") or compact (%t
 * "drng"), in any case, with one of the suffixes sinfo appends:
 * '*' not responding, '~' powered off, '#' powering up, '!' pending power
 * down, '%' powering down, '$' in a maintenance reservation, '@' pending
 * reboot, '^' reboot issued, '-' planned by backfill.
 * Returns 0 or MLOPS_EPARSE.
 */
int slurm_parse_sinfo_state(
    unsigned *out, const char *state, struct mlops_error *err);

/**
 * Whether new jobs can get this node's GPUs: false when DOWN, DRAIN
 * (draining or drained), FAIL, MAINT, NOT_RESPONDING, INVAL, ERROR,
 * FUTURE, UNKNOWN, RESERVED, REBOOT_REQUESTED/ISSUED, POWER_DOWN,
 * POWERING_DOWN, PERFCTRS or BLOCKED. A POWERED_DOWN (or POWERING_UP,
 * CLOUD) node is usable: Slurm powers it up for the job. PLANNED and
 * COMPLETING nodes are usable.
 */
bool slurm_node_gpus_usable(unsigned flags);

/**
 * A GRES list as in Gres= and GresUsed=: "gpu:a100:4(S:0-1),gpu:v100:2",
 * "gpu:4", "gpu:a100:1(IDX:0)", "gpu:0"; "(null)", "N/A" and "" are empty.
 * Counts may carry K/M/G/T (x1024). Caller frees with slurm_gres_free().
 * Returns 0 or MLOPS_EPARSE.
 */
int  slurm_parse_gres(struct slurm_gres **out, size_t *n_out, const char *s,
     struct mlops_error *err);
void slurm_gres_free(struct slurm_gres *gres, size_t n);

/* ---- jobs: squeue (poll, by name), sacct, scontrol show job ------------ */

struct slurm_job {
	char *job_id;          /* as the store keeps it: "123" or "123_4";
	                          sacct's "123_[1-4]" for tasks not started */
	char   *raw_id;        /* Slurm's own id of this job or task */
	char   *array_job_id;  /* "123" for an array task, NULL otherwise */
	long    array_task_id; /* -1 when not a single array task */
	char   *name;
	int     state;     /* enum job_state, or MLOPS_EPARSE if unknown */
	char   *state_raw; /* as printed: "CANCELLED by 1001" */
	char   *reason;    /* NULL for "None" */
	char   *partition;
	long    nodes;     /* -1 when not printed */
	char   *node_list; /* NULL when none ("", "None assigned") */
	int64_t submit_time, start_time, end_time; /* 0 when none */
	long    time_limit_s; /* or SLURM_DURATION_UNLIMITED / _NONE */
	long    elapsed_s;    /* run time so far or in total; -1 unknown */
	int     exit_code;    /* -1 when not printed */
	int     exit_signal;  /* -1 when not printed */
};

struct slurm_jobs {
	struct slurm_job *v;
	size_t            n;
};

/**
 * Output of slurm_cmd_poll() and slurm_cmd_squeue_by_name()
 * (SLURM_CMD_POLL_FORMAT). squeue's exit_code column is a wait status on
 * 22.05 (768 = exit 3, 15 = signal 15) and "N:S" on 24.11 ("3:0",
 * "0:15"); both are decoded.
 * Caller frees with slurm_jobs_fini(). Returns 0 or MLOPS_EPARSE.
 */
int slurm_parse_squeue(struct slurm_jobs *out, const char *text,
    long utc_offset, struct mlops_error *err);

/**
 * Output of slurm_cmd_sacct() and slurm_cmd_sacct_by_name()
 * (SLURM_CMD_SACCT_FORMAT). Caller frees with slurm_jobs_fini().
 * Returns 0 or MLOPS_EPARSE.
 */
int slurm_parse_sacct(struct slurm_jobs *out, const char *text,
    long utc_offset, struct mlops_error *err);

/**
 * Output of slurm_cmd_show_job(): one "JobId=... " line per job or array
 * task. RunTime becomes elapsed_s. Caller frees with slurm_jobs_fini().
 * Returns 0 or MLOPS_EPARSE.
 */
int slurm_parse_show_job(struct slurm_jobs *out, const char *text,
    long utc_offset, struct mlops_error *err);

void slurm_jobs_fini(struct slurm_jobs *jobs);

/*
 * The lines a tolerant parse could not read. Every other line is returned;
 * a caller leaves the jobs these lines name alone (their state is unknown
 * this time) rather than take them for gone.
 */
struct slurm_skipped {
	size_t             n;     /* lines skipped */
	struct mlops_error first; /* why the first of them was unreadable */
	char             **ids;   /* the job id, as slurm_job.job_id would
	                             be ("123", "123_4", "123_[1-3]"), of each
	                             skipped line where it could be read */
	size_t n_ids;
	bool   unknown;     /* a skipped line whose job id could not be read */
	bool   first_named; /* ids[0] is the first skipped line's */
};

/**
 * Tolerant forms of slurm_parse_squeue(), slurm_parse_sacct() and
 * slurm_parse_show_job(): a line that cannot be read is left out and
 * recorded in `skipped` instead of failing the whole output, so that one
 * odd row never hides all the others. They cannot fail. Caller frees with
 * slurm_jobs_fini() and slurm_skipped_fini().
 */
void slurm_parse_squeue_tolerant(struct slurm_jobs *out,
    struct slurm_skipped *skipped, const char *text, long utc_offset);
void slurm_parse_sacct_tolerant(struct slurm_jobs *out,
    struct slurm_skipped *skipped, const char *text, long utc_offset);
void slurm_parse_show_job_tolerant(struct slurm_jobs *out,
    struct slurm_skipped *skipped, const char *text, long utc_offset);
void slurm_skipped_fini(struct slurm_skipped *skipped);

/* ---- pending GPU requests ---------------------------------------------- */

/*
 * What one pending job (or array task) asks for, in GPUs for the whole
 * job: tres-per-job as is, tres-per-node times NumNodes, tres-per-task
 * times NumTasks, tres-per-socket times NumNodes (a lower bound: we do not
 * know the sockets per node). When several are given, the largest total
 * per type wins. An untyped request ("--gpus=1", "--gres=gpu:1") has
 * `typed` false and type "gpu".
 */
struct slurm_gpu_request {
	char              *job_id; /* "44_1" */
	char              *raw_id;
	char             **partitions; /* "gpu,cpu" split */
	size_t             n_partitions;
	long               nodes, tasks;
	struct slurm_gres *gpus; /* name "gpu", one entry per type */
	size_t             n_gpus;
	char              *reason; /* "Resources", "Priority", "JobHeldUser" */
};

struct slurm_gpu_requests {
	struct slurm_gpu_request *v;
	size_t                    n;
};

/**
 * Output of slurm_cmd_pending_gpus() (SLURM_CMD_PENDING_FORMAT). Lines of
 * jobs that ask for no GPU are skipped. Accepts 22.05's "gres:gpu:a100:1"
 * and the later "gres/gpu:a100=1" spellings. Caller frees with
 * slurm_gpu_requests_fini(). Returns 0 or MLOPS_EPARSE.
 */
int slurm_parse_pending(
    struct slurm_gpu_requests *out, const char *text, struct mlops_error *err);
void slurm_gpu_requests_fini(struct slurm_gpu_requests *reqs);

/* ---- squeue --start ---------------------------------------------------- */

struct slurm_start {
	char   *job_id; /* "31" or "35_2" */
	char   *raw_id;
	int     state;       /* enum job_state or MLOPS_EPARSE */
	int64_t start_time;  /* expected start; 0 when Slurm has none yet */
	char   *sched_nodes; /* nodes it expects to use; NULL when none */
	char   *reason;
};

struct slurm_starts {
	struct slurm_start *v;
	size_t              n;
};

/**
 * Output of slurm_cmd_start() (SLURM_CMD_START_FORMAT). Empty output (the
 * job is no longer pending or unknown) is an empty list. Caller frees with
 * slurm_starts_fini(). Returns 0 or MLOPS_EPARSE.
 */
int  slurm_parse_start(struct slurm_starts *out, const char *text,
     long utc_offset, struct mlops_error *err);
void slurm_starts_fini(struct slurm_starts *starts);

/* ---- sbatch --parsable ------------------------------------------------- */

struct slurm_submit {
	char  *job_id;  /* "12345" */
	char  *cluster; /* "beta" from "12345;beta", NULL when absent */
	size_t notices; /* other lines around it (a site's sbatch wrapper) */
};

/**
 * sbatch --parsable's stdout: "12345" or "12345;cluster" on its own line.
 * Lines that are not a job id (notices printed by a site's sbatch
 * wrapper) are counted in `notices` and otherwise ignored. No job id line,
 * or two of them, is MLOPS_EPARSE: then nobody knows which job, if any,
 * was queued. Caller frees with slurm_submit_fini(). Returns 0 or
 * MLOPS_EPARSE.
 */
int slurm_parse_sbatch(
    struct slurm_submit *out, const char *text, struct mlops_error *err);
void slurm_submit_fini(struct slurm_submit *s);

/**
 * Turns a Slurm command's stderr into an error: the text of its last
 * "error:" line without the "sbatch: error: Batch job submission failed: "
 * style prefixes ("Requested node configuration is not available"), or
 * the last non-empty line. Always returns MLOPS_ESLURM.
 */
int slurm_parse_error(const char *stderr_text, struct mlops_error *err);

#endif
