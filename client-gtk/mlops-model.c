/*
 * The desktop app's view-model: pure functions from daemon messages to
 * what the screens show. No GTK and no I/O, so the unit tests run it
 * without a display. Any thread.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <mlops/job_state.h>
#include <mlops/types.h>

#include "mlops-model.h"

/* ---- job states ------------------------------------------------------- */

/* How each of common's states looks; the states themselves, their names
 * and which are terminal are <mlops/job_state.h>'s. */
static const struct model_look {
	const char      *label;
	enum mlops_badge badge;
} model_looks[JOB_STATE_COUNT] = {
	[JOB_STATE_SUBMITTING]    = { "Submitting", MLOPS_BADGE_NEUTRAL },
	[JOB_STATE_PENDING]       = { "Pending", MLOPS_BADGE_QUEUED },
	[JOB_STATE_CONFIGURING]   = { "Configuring", MLOPS_BADGE_RUNNING },
	[JOB_STATE_RUNNING]       = { "Running", MLOPS_BADGE_RUNNING },
	[JOB_STATE_COMPLETING]    = { "Completing", MLOPS_BADGE_RUNNING },
	[JOB_STATE_SUSPENDED]     = { "Suspended", MLOPS_BADGE_QUEUED },
	[JOB_STATE_REQUEUED]      = { "Requeued", MLOPS_BADGE_QUEUED },
	[JOB_STATE_PREEMPTED]     = { "Preempted", MLOPS_BADGE_ERROR },
	[JOB_STATE_COMPLETED]     = { "Completed", MLOPS_BADGE_SUCCESS },
	[JOB_STATE_FAILED]        = { "Failed", MLOPS_BADGE_ERROR },
	[JOB_STATE_CANCELLED]     = { "Cancelled", MLOPS_BADGE_MUTED },
	[JOB_STATE_TIMEOUT]       = { "Timed out", MLOPS_BADGE_ERROR },
	[JOB_STATE_OUT_OF_MEMORY] = { "Out of memory", MLOPS_BADGE_ERROR },
	[JOB_STATE_NODE_FAIL]     = { "Node failure", MLOPS_BADGE_ERROR },
	[JOB_STATE_BOOT_FAIL]     = { "Boot failure", MLOPS_BADGE_ERROR },
	[JOB_STATE_DEADLINE]      = { "Deadline", MLOPS_BADGE_ERROR },
	[JOB_STATE_LOST]          = { "Lost", MLOPS_BADGE_MUTED },
	[JOB_STATE_SUBMIT_FAILED] = { "Submit failed", MLOPS_BADGE_ERROR },
};

bool
mlops_model_job_ended(const Mlops__Job *j)
{
	int st = mlops_job_state_of(j);

	return j->terminal || (st >= 0 && job_state_terminal(st));
}

enum mlops_badge
mlops_model_state_badge(int st)
{
	return st >= 0 && st < JOB_STATE_COUNT ? model_looks[st].badge
	                                       : MLOPS_BADGE_NEUTRAL;
}

const char *
mlops_model_badge_class(enum mlops_badge b)
{
	switch (b) {
	case MLOPS_BADGE_QUEUED:
		return "badge-queued";
	case MLOPS_BADGE_RUNNING:
		return "badge-running";
	case MLOPS_BADGE_SUCCESS:
		return "badge-success";
	case MLOPS_BADGE_ERROR:
		return "badge-error";
	case MLOPS_BADGE_MUTED:
		return "badge-muted";
	case MLOPS_BADGE_NEUTRAL:
	default:
		return "badge-neutral";
	}
}

const char *
mlops_model_state_label(int st, const char *name)
{
	if (st >= 0 && st < JOB_STATE_COUNT) {
		return model_looks[st].label;
	}
	return name != NULL && *name != '\0' ? name : "Unknown";
}

/* ---- filtering ---------------------------------------------------------- */

/* The filter's choices: every state or a class of them, then the states a
 * user most looks for, labelled as their badges are. */
static const struct mlops_state_choice model_filter_classes[] = {
	{ "", "All states" },
	{ "active", "Active" },
	{ "terminal", "Finished" },
};
static const enum job_state model_filter_states[] = {
	JOB_STATE_PENDING,
	JOB_STATE_RUNNING,
	JOB_STATE_COMPLETED,
	JOB_STATE_FAILED,
	JOB_STATE_CANCELLED,
	JOB_STATE_TIMEOUT,
	JOB_STATE_OUT_OF_MEMORY,
	JOB_STATE_SUBMIT_FAILED,
	JOB_STATE_LOST,
};

#define MODEL_N_FILTER_CLASSES \
	(sizeof(model_filter_classes) / sizeof(model_filter_classes[0]))
#define MODEL_N_FILTER_STATES \
	(sizeof(model_filter_states) / sizeof(model_filter_states[0]))

size_t
mlops_model_n_state_choices(void)
{
	return MODEL_N_FILTER_CLASSES + MODEL_N_FILTER_STATES;
}

struct mlops_state_choice
mlops_model_state_choice(size_t i)
{
	struct mlops_state_choice c = { "", "" };
	enum job_state            st;

	if (i < MODEL_N_FILTER_CLASSES) {
		return model_filter_classes[i];
	}
	if (i - MODEL_N_FILTER_CLASSES < MODEL_N_FILTER_STATES) {
		st      = model_filter_states[i - MODEL_N_FILTER_CLASSES];
		c.value = job_state_name(st);
		c.label = model_looks[st].label;
	}
	return c;
}

bool
mlops_model_state_filter_valid(const char *f)
{
	return f == NULL || *f == '\0' || strcasecmp(f, "active") == 0
	    || strcasecmp(f, "terminal") == 0 || job_state_parse(f) >= 0;
}

/* strstr ignoring ASCII case; an empty needle matches. */
static bool
model_contains(const char *hay, const char *needle)
{
	size_t n;

	if (needle == NULL || *needle == '\0') {
		return true;
	}
	if (hay == NULL) {
		return false;
	}
	n = strlen(needle);
	for (; *hay != '\0'; hay++) {
		if (strncasecmp(hay, needle, n) == 0) {
			return true;
		}
	}
	return false;
}

bool
mlops_model_job_matches(
    const Mlops__Job *j, const char *search, const char *state_filter)
{
	if (state_filter != NULL && *state_filter != '\0') {
		bool terminal = mlops_model_job_ended(j);
		int  want     = job_state_parse(state_filter);

		if (strcasecmp(state_filter, "active") == 0) {
			if (terminal) {
				return false;
			}
		} else if (strcasecmp(state_filter, "terminal") == 0) {
			if (!terminal) {
				return false;
			}
		} else if (want < 0 || mlops_job_state_of(j) != want) {
			return false;
		}
	}
	if (search == NULL || *search == '\0') {
		return true;
	}
	if (model_contains(j->description, search)
	    || model_contains(j->slurm_job_id, search)) {
		return true;
	}
	for (size_t i = 0; i < j->n_overrides; i++) {
		if (model_contains(j->overrides[i], search)) {
			return true;
		}
	}
	return false;
}

/* ---- job fields --------------------------------------------------------- */

char *
mlops_model_job_gpus(char *buf, size_t len, const Mlops__Job *j)
{
	if (j->gpus <= 0) {
		snprintf(buf, len, "%s", "");
	} else if (j->gpu_type != NULL && j->gpu_type[0] != '\0') {
		snprintf(buf, len, "%d × %s", j->gpus, j->gpu_type);
	} else {
		snprintf(
		    buf, len, "%d GPU%s", j->gpus, j->gpus == 1 ? "" : "s");
	}
	return buf;
}

char *
mlops_model_job_slurm_id(char *buf, size_t len, const Mlops__Job *j)
{
	if (j->slurm_job_id == NULL || j->slurm_job_id[0] == '\0') {
		snprintf(buf, len, "%s", "");
	} else if (j->array_task_id >= 0) {
		snprintf(buf, len, "%s_%d", j->slurm_job_id, j->array_task_id);
	} else {
		snprintf(buf, len, "%s", j->slurm_job_id);
	}
	return buf;
}

int64_t
mlops_model_job_elapsed(const Mlops__Job *j, int64_t now)
{
	/* A live job's ended_at is Slurm's projected end (start + time
	 * limit), not an end: only a finished job's counts. */
	if (mlops_model_job_ended(j)) {
		if (j->elapsed_s >= 0) {
			return j->elapsed_s;
		}
		if (j->started_at > 0 && j->ended_at >= j->started_at) {
			return j->ended_at - j->started_at;
		}
		return -1;
	}
	if (j->started_at > 0) {
		return now >= j->started_at ? now - j->started_at : 0;
	}
	return -1;
}

char *
mlops_model_duration(char *buf, size_t len, int64_t s)
{
	if (s < 0) {
		snprintf(buf, len, "%s", "");
	} else if (s < 60) {
		snprintf(buf, len, "%lld s", (long long) s);
	} else if (s < 3600) {
		snprintf(buf, len, "%lld min", (long long) (s / 60));
	} else if (s < 86400) {
		snprintf(buf, len, "%lld h %02lld min", (long long) (s / 3600),
		    (long long) (s % 3600 / 60));
	} else {
		snprintf(buf, len, "%lld d %lld h", (long long) (s / 86400),
		    (long long) (s % 86400 / 3600));
	}
	return buf;
}

char *
mlops_model_time(char *buf, size_t len, int64_t unix_s)
{
	time_t    t = (time_t) unix_s;
	struct tm tm;

	if (unix_s <= 0 || localtime_r(&t, &tm) == NULL
	    || strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0) {
		snprintf(buf, len, "%s", "");
	}
	return buf;
}

char *
mlops_model_short_sha(char *buf, size_t len, const char *sha)
{
	snprintf(buf, len, "%.7s", sha != NULL ? sha : "");
	return buf;
}

size_t
mlops_model_job_insert_pos(
    const int64_t *ids, size_t n, int64_t id, bool *exists)
{
	size_t lo = 0, hi = n;

	/* Binary search over ids sorted descending. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] > id) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (exists != NULL) {
		*exists = lo < n && ids[lo] == id;
	}
	return lo;
}

/* ---- projects ------------------------------------------------------------
 */

char *
mlops_model_project_ref(char *buf, size_t len, const Mlops__Project *p)
{
	char sha[16];

	mlops_model_short_sha(sha, sizeof(sha), p->head_sha);
	if (p->detached || p->branch == NULL || p->branch[0] == '\0') {
		snprintf(buf, len, "detached at %s", sha);
	} else {
		snprintf(buf, len, "%s · %s", p->branch, sha);
	}
	return buf;
}

char *
mlops_model_project_ahead(char *buf, size_t len, const Mlops__Project *p)
{
	if (p->ahead > 0 && p->behind > 0) {
		snprintf(buf, len, "%d ahead, %d behind", p->ahead, p->behind);
	} else if (p->ahead > 0) {
		snprintf(buf, len, "%d ahead", p->ahead);
	} else if (p->behind > 0) {
		snprintf(buf, len, "%d behind", p->behind);
	} else {
		snprintf(buf, len, "%s", "");
	}
	return buf;
}

/* ---- GPUs ------------------------------------------------------------------
 */

void
mlops_model_gpu_summary(
    struct mlops_gpu_summary *out, const Mlops__GpuRow *row)
{
	int total = row->total > 0 ? row->total : 0;
	int avail = row->free > 0 ? row->free : 0;

	if (avail > total) {
		avail = total;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->title, sizeof(out->title), "%s",
	    row->gpu_type != NULL && row->gpu_type[0] != '\0' ? row->gpu_type
	                                                      : "gpu");
	snprintf(out->subtitle, sizeof(out->subtitle), "partition %s",
	    row->partition != NULL ? row->partition : "");
	snprintf(
	    out->count, sizeof(out->count), "%d of %d free", avail, total);
	if (row->pending > 0) {
		snprintf(out->pending, sizeof(out->pending),
		    "%d requested by pending jobs", row->pending);
	}
	out->fraction  = total > 0 ? (double) avail / (double) total : 0.0;
	out->none_free = total > 0 && avail == 0;
}

int
mlops_model_gpus_free(
    const Mlops__ClusterGpus *c, const char *partition, const char *type)
{
	int  free_now = 0;
	bool found    = false;

	if (c == NULL || type == NULL) {
		return -1;
	}
	for (size_t i = 0; i < c->n_rows; i++) {
		const Mlops__GpuRow *r = c->rows[i];

		if (strcmp(r->gpu_type, type) != 0) {
			continue;
		}
		if (partition != NULL && *partition != '\0'
		    && strcmp(r->partition, partition) != 0) {
			continue;
		}
		found = true;
		free_now += r->free > 0 ? r->free : 0;
	}
	return found ? free_now : -1;
}

char *
mlops_model_gpu_choice_label(
    char *buf, size_t len, const char *type, int free_now)
{
	if (free_now < 0) {
		snprintf(buf, len, "%s", type);
	} else if (free_now == 0) {
		snprintf(buf, len, "%s — none free", type);
	} else {
		snprintf(buf, len, "%s — %d free", type, free_now);
	}
	return buf;
}

/* ---- launch form
 * ------------------------------------------------------------ */

void
mlops_model_strv_free(char **v)
{
	if (v == NULL) {
		return;
	}
	for (char **p = v; *p != NULL; p++) {
		free(*p);
	}
	free(v);
}

int
mlops_model_split_overrides(char ***out, size_t *n_out, const char *text)
{
	size_t cap = 8, n = 0, tlen = text != NULL ? strlen(text) : 0;
	char **v = calloc(cap, sizeof(*v));
	char  *word;
	size_t wl    = 0;
	bool   in    = false; /* inside a word */
	char   quote = 0;

	word = malloc(tlen + 1);
	if (v == NULL || word == NULL) {
		free(v);
		free(word);
		return -1;
	}
	for (size_t i = 0; i <= tlen; i++) {
		char c = i < tlen ? text[i] : '\0';

		if (quote != 0) {
			if (c == '\0') {
				break;
			}
			if (c == quote) {
				quote = 0;
			} else if (quote == '"' && c == '\\' && i + 1 < tlen
			    && strchr("\"\\$`", text[i + 1]) != NULL) {
				word[wl++] = text[++i];
			} else {
				word[wl++] = c;
			}
			continue;
		}
		if (c == '\0' || isspace((unsigned char) c)) {
			if (in) {
				if (n + 2 > cap) {
					char **nv;

					cap *= 2;
					nv = realloc(v, cap * sizeof(*v));
					if (nv == NULL) {
						break;
					}
					v = nv;
				}
				word[wl] = '\0';
				v[n++]   = strdup(word);
				v[n]     = NULL;
				wl       = 0;
				in       = false;
			}
			continue;
		}
		in = true;
		if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '\\' && i + 1 < tlen) {
			word[wl++] = text[++i];
		} else {
			word[wl++] = c;
		}
	}
	free(word);
	if (quote != 0) {
		mlops_model_strv_free(v);
		return -1;
	}
	*out = v;
	if (n_out != NULL) {
		*n_out = n;
	}
	return 0;
}

enum mlops_launch_field
mlops_model_launch_field(const char *field)
{
	static const struct {
		const char             *name;
		enum mlops_launch_field f;
	} map[] = {
		{ "project", MLOPS_LAUNCH_FIELD_PROJECT },
		{ "cluster", MLOPS_LAUNCH_FIELD_CLUSTER },
		{ "partition", MLOPS_LAUNCH_FIELD_PARTITION },
		{ "gpu_type", MLOPS_LAUNCH_FIELD_GPU_TYPE },
		{ "gpus", MLOPS_LAUNCH_FIELD_GPUS },
		{ "nodes", MLOPS_LAUNCH_FIELD_NODES },
		{ "cpus_per_task", MLOPS_LAUNCH_FIELD_CPUS },
		{ "mem", MLOPS_LAUNCH_FIELD_MEM },
		{ "time_limit", MLOPS_LAUNCH_FIELD_TIME },
		{ "time", MLOPS_LAUNCH_FIELD_TIME },
		{ "description", MLOPS_LAUNCH_FIELD_DESCRIPTION },
		{ "config_name", MLOPS_LAUNCH_FIELD_CONFIG_NAME },
		{ "overrides", MLOPS_LAUNCH_FIELD_OVERRIDES },
		{ "allow_dirty", MLOPS_LAUNCH_FIELD_DIRTY },
		{ "dirty", MLOPS_LAUNCH_FIELD_DIRTY },
	};
	size_t n;

	if (field == NULL || *field == '\0') {
		return MLOPS_LAUNCH_FIELD_NONE;
	}
	/* "overrides[2]" names one override: the overrides field. */
	n = strcspn(field, "[.");
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strlen(map[i].name) == n
		    && strncmp(map[i].name, field, n) == 0) {
			return map[i].f;
		}
	}
	return MLOPS_LAUNCH_FIELD_NONE;
}

/* ---- errors --------------------------------------------------------------
 */

char *
mlops_model_error_text(
    char *buf, size_t len, const char *doing, int code, const char *message)
{
	const char *m   = message != NULL ? message : "";
	bool        has = *m != '\0';

	switch (code) {
	case -5: /* MLOPS_ETIMEDOUT */
		snprintf(
		    buf, len, "%s: the daemon did not answer in time", doing);
		break;
	case -6: /* MLOPS_EUNREACHABLE */
		snprintf(buf, len, "%s: %s", doing,
		    has ? m : "the daemon cannot be reached");
		break;
	case -7: /* MLOPS_EAUTH */
		snprintf(buf, len, "%s: the cluster refused the SSH login%s%s",
		    doing, has ? " — " : "", m);
		break;
	case -9: /* MLOPS_ESLURM */
		snprintf(buf, len, "%s: Slurm refused it: %s", doing,
		    has ? m : "no reason given");
		break;
	case -10: /* MLOPS_EPROTO */
	case -11: /* MLOPS_EVERSION */
		snprintf(buf, len,
		    "%s: this daemon speaks another version of the "
		    "protocol%s%s",
		    doing, has ? " — " : "", m);
		break;
	case -12: /* MLOPS_ENOTIMPL */
		snprintf(
		    buf, len, "%s: this daemon cannot do that yet", doing);
		break;
	case -13: /* MLOPS_EHOSTKEY */
		snprintf(buf, len,
		    "%s: the cluster's SSH host key is unknown or has changed "
		    "(check it with “mlops cluster trust”)%s%s",
		    doing, has ? " — " : "", m);
		break;
	case -17: /* MLOPS_EDIRTY */
		snprintf(buf, len,
		    "%s: the project has uncommitted changes; switch on "
		    "“Allow uncommitted changes” to launch them anyway",
		    doing);
		break;
	case -18: /* MLOPS_ECONFIG */
		snprintf(buf, len, "%s: configuration error: %s", doing,
		    has ? m : "see the daemon's log");
		break;
	default:
		snprintf(buf, len, "%s%s%s", doing, has ? ": " : "", m);
		break;
	}
	return buf;
}

/* ---- logs ----------------------------------------------------------------
 */

size_t
mlops_model_log_tail_start(const char *buf, size_t len, size_t max)
{
	size_t start;

	if (len <= max) {
		return 0;
	}
	start = len - max;
	if (start > 0 && buf[start - 1] == '\n') {
		return start;
	}
	for (size_t i = start; i < len; i++) {
		if (buf[i] == '\n') {
			return i + 1 < len ? i + 1 : start;
		}
	}
	/* One enormous last line: cut it, at a UTF-8 boundary. */
	while (start < len && ((unsigned char) buf[start] & 0xC0) == 0x80) {
		start++;
	}
	return start;
}

/* ---- messages
 * ---------------------------------------------------------------- */

Mlops__Job *
mlops_model_job_dup(const Mlops__Job *j)
{
	size_t      n   = mlops__job__get_packed_size(j);
	uint8_t    *buf = malloc(n > 0 ? n : 1);
	Mlops__Job *copy;

	if (buf == NULL) {
		return NULL;
	}
	mlops__job__pack(j, buf);
	copy = mlops__job__unpack(NULL, n, buf);
	free(buf);
	return copy;
}

Mlops__Project *
mlops_model_project_dup(const Mlops__Project *p)
{
	size_t          n   = mlops__project__get_packed_size(p);
	uint8_t        *buf = malloc(n > 0 ? n : 1);
	Mlops__Project *copy;

	if (buf == NULL) {
		return NULL;
	}
	mlops__project__pack(p, buf);
	copy = mlops__project__unpack(NULL, n, buf);
	free(buf);
	return copy;
}
