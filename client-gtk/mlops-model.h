/*
 * The desktop app's view-model: pure functions from daemon messages to what
 * the screens show (job filtering as `mlops jobs` filters, state badges,
 * GPU summaries, durations, user-facing error text). No GTK, no I/O, no
 * display: the unit tests link this alone. Thread-safe (no state).
 */
#ifndef MLOPS_GTK_MODEL_H
#define MLOPS_GTK_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mlops.pb-c.h"

/* ---- job states ------------------------------------------------------- */

/** Badge colour classes, one CSS class each in style.css. */
enum mlops_badge {
	MLOPS_BADGE_NEUTRAL, /* unknown or not yet submitted */
	MLOPS_BADGE_QUEUED,  /* waiting: PENDING, REQUEUED, SUSPENDED... */
	MLOPS_BADGE_RUNNING, /* RUNNING, CONFIGURING, COMPLETING */
	MLOPS_BADGE_SUCCESS, /* COMPLETED */
	MLOPS_BADGE_ERROR,   /* FAILED, TIMEOUT, OUT_OF_MEMORY, ... */
	MLOPS_BADGE_MUTED,   /* CANCELLED, LOST */
};

/*
 * States are common's enum job_state (<mlops/job_state.h>: the list, the
 * names, which are terminal); a job's is mlops_job_state_of()
 * (<mlops/types.h>), negative for a state this app does not know. Only
 * how a state looks is decided here.
 */

/** True when job `j` has ended: its terminal flag, or a terminal state. */
bool mlops_model_job_ended(const Mlops__Job *j);
/** The badge colour of state `st`; NEUTRAL for an unknown one (< 0). */
enum mlops_badge mlops_model_state_badge(int st);
/** The CSS class of a badge ("badge-running"). Never NULL. */
const char *mlops_model_badge_class(enum mlops_badge b);
/**
 * State `st` in words for the badge ("Running", "Out of memory"); for a
 * state this app does not know (st < 0), the daemon's `name` for it as it
 * is, or "Unknown" when that is NULL or "". Static or borrowed.
 */
const char *mlops_model_state_label(int st, const char *name);

/* ---- job filtering (`mlops jobs --state S --search TEXT`) -------------- */

/**
 * True when `state_filter` is valid: NULL or "" (any), "active",
 * "terminal" or a state name, in any case.
 */
bool mlops_model_state_filter_valid(const char *state_filter);

/**
 * True when job `j` passes the filter the daemon applies for
 * JobsRequest.state and .search: the state is the named one (any case),
 * or "active"/"terminal" by the job's terminal flag; the search text
 * (NULL or "" for none) is found, ignoring ASCII case, in the description,
 * any override, or the Slurm job id.
 */
bool mlops_model_job_matches(
    const Mlops__Job *j, const char *search, const char *state_filter);

/** A state filter choice: { value, label }. */
struct mlops_state_choice {
	const char *value; /* "", "active", "terminal" or a state's name */
	const char *label;
};
/** The number of state filter choices. */
size_t mlops_model_n_state_choices(void);
/** Choice `i` (< mlops_model_n_state_choices()), in display order. */
struct mlops_state_choice mlops_model_state_choice(size_t i);

/* ---- job fields --------------------------------------------------------- */

/** "2 × a100", "2 GPUs", or "" for a CPU job. */
char *mlops_model_job_gpus(char *buf, size_t len, const Mlops__Job *j);
/** The Slurm id as squeue shows it ("1234" or "1234_5"), "" when none. */
char *mlops_model_job_slurm_id(char *buf, size_t len, const Mlops__Job *j);
/**
 * Seconds the job has run: for a finished job the daemon's elapsed_s (or
 * ended_at - started_at), for a live one now - started_at (its ended_at
 * is Slurm's projected end), -1 when it has not started.
 */
int64_t mlops_model_job_elapsed(const Mlops__Job *j, int64_t now);
/** "45 s", "12 min", "1 h 05 min", "2 d 3 h"; "" for a negative count. */
char *mlops_model_duration(char *buf, size_t len, int64_t seconds);
/** Local "YYYY-MM-DD HH:MM", or "" for 0 (unset). */
char *mlops_model_time(char *buf, size_t len, int64_t unix_s);
/** The first seven characters of a sha ("" stays ""). */
char *mlops_model_short_sha(char *buf, size_t len, const char *sha);

/**
 * Inserts `j` into `ids` (newest first, no duplicates): the index where a
 * job with this id belongs in a list sorted by id descending.
 */
size_t mlops_model_job_insert_pos(
    const int64_t *ids, size_t n, int64_t id, bool *exists);

/* ---- projects ------------------------------------------------------------
 */

/** "main · 1a2b3c4" or "detached at 1a2b3c4". */
char *mlops_model_project_ref(char *buf, size_t len, const Mlops__Project *p);
/**
 * "2 ahead" / "2 ahead, 1 behind" / "" (in step, or no upstream when
 * ahead is -1).
 */
char *mlops_model_project_ahead(
    char *buf, size_t len, const Mlops__Project *p);

/* ---- GPUs ------------------------------------------------------------------
 */

/** One line of a cluster card: GPUs of one type in one partition. */
struct mlops_gpu_summary {
	char   title[96];    /* "a100" */
	char   subtitle[96]; /* "partition gpu" */
	char   count[64];    /* "4 of 6 free" */
	char   pending[64];  /* "2 GPUs requested by pending jobs" or "" */
	double fraction;     /* free / total in [0, 1]; 0 when total is 0 */
	bool   none_free;    /* total > 0 and free == 0 */
};

/** The summary of one GpuRow. */
void mlops_model_gpu_summary(
    struct mlops_gpu_summary *out, const Mlops__GpuRow *row);

/**
 * Free GPUs of `type` in `partition` of a cluster ("" partition: every
 * partition), or -1 when the cluster has no such type there.
 */
int mlops_model_gpus_free(
    const Mlops__ClusterGpus *c, const char *partition, const char *type);
/** "a100 — 4 free" / "a100 — none free" / "a100" (unknown). */
char *mlops_model_gpu_choice_label(
    char *buf, size_t len, const char *type, int free_now);

/* ---- launch form
 * ------------------------------------------------------------ */

/**
 * Splits the overrides text the way a shell would split words, without
 * expansions: whitespace separates, '…' and "…" quote, \ escapes outside
 * single quotes. Caller frees each string and the array (NULL-terminated)
 * with mlops_model_strv_free(). Returns 0, or -1 for an unclosed quote
 * (*out untouched).
 */
int  mlops_model_split_overrides(char ***out, size_t *n, const char *text);
void mlops_model_strv_free(char **v);

/** The launch form's fields that Error.field may name. */
enum mlops_launch_field {
	MLOPS_LAUNCH_FIELD_NONE,
	MLOPS_LAUNCH_FIELD_PROJECT,
	MLOPS_LAUNCH_FIELD_CLUSTER,
	MLOPS_LAUNCH_FIELD_PARTITION,
	MLOPS_LAUNCH_FIELD_GPU_TYPE,
	MLOPS_LAUNCH_FIELD_GPUS,
	MLOPS_LAUNCH_FIELD_NODES,
	MLOPS_LAUNCH_FIELD_CPUS,
	MLOPS_LAUNCH_FIELD_MEM,
	MLOPS_LAUNCH_FIELD_TIME,
	MLOPS_LAUNCH_FIELD_DESCRIPTION,
	MLOPS_LAUNCH_FIELD_CONFIG_NAME,
	MLOPS_LAUNCH_FIELD_OVERRIDES,
	MLOPS_LAUNCH_FIELD_DIRTY,
};

/** The form field that a daemon Error.field names; NONE when unknown. */
enum mlops_launch_field mlops_model_launch_field(const char *field);

/* ---- errors --------------------------------------------------------------
 */

/**
 * One sentence for a toast: what failed (`doing`, e.g. "Could not launch
 * the job") and why, in words a user understands, from an error code and
 * the daemon's message (may be empty).
 */
char *mlops_model_error_text(
    char *buf, size_t len, const char *doing, int code, const char *message);

/* ---- logs ----------------------------------------------------------------
 */

/**
 * Where to start showing a log of `len` bytes so that at most `max` bytes
 * are shown, at the start of a line when one begins in that window.
 * Returns 0 when the whole log fits.
 */
size_t mlops_model_log_tail_start(const char *buf, size_t len, size_t max);

/* ---- messages
 * ---------------------------------------------------------------- */

/**
 * An independent copy of a job (packed and unpacked again), so that it
 * can outlive the reply it came in. Caller frees with
 * mlops__job__free_unpacked(). NULL only when packing fails.
 */
Mlops__Job *mlops_model_job_dup(const Mlops__Job *j);
/** The same for a project. */
Mlops__Project *mlops_model_project_dup(const Mlops__Project *p);

#endif
