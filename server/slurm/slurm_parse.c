/*
 * slurm_parse: the helpers every Slurm output parser shares (lines,
 * Key=Value and '|' splitting, durations, times, exit codes) and the small
 * parsers: sinfo --version, sbatch --parsable and error text. Pure; any
 * thread. Nodes and partitions are in slurm_parse_nodes.c, jobs in
 * slurm_parse_jobs.c.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "slurm_parse.h"
#include "slurm_parse_impl.h"

static bool    slurm_parse_digits(const char *s, size_t len, long *out);
static int64_t slurm_parse_days_from_civil(long y, long m, long d);
static size_t  slurm_kv_key_len(const char *w);
static bool    slurm_duration_seconds(const char *s, long *out);

/* ---- shared helpers ---------------------------------------------------- */

void
slurm_lines_init(struct slurm_lines *it, const char *text)
{
	it->pos    = text ? text : "";
	it->lineno = 0;
}

char *
slurm_lines_next(struct slurm_lines *it)
{
	while (*it->pos != '\0') {
		const char *start = it->pos;
		const char *end   = strchr(start, '\n');
		size_t      len;
		bool        blank = true;

		if (end == NULL) {
			end = start + strlen(start);
		}
		it->pos = *end == '\n' ? end + 1 : end;
		it->lineno++;
		len = (size_t) (end - start);
		if (len > 0 && start[len - 1] == '\r') {
			len--;
		}
		for (size_t i = 0; i < len; i++) {
			if (start[i] != ' ' && start[i] != '\t') {
				blank = false;
				break;
			}
		}
		if (!blank) {
			return xstrndup(start, len);
		}
	}
	return NULL;
}

/* Length of the key when `w` starts a "Key=" word, else 0. */
static size_t
slurm_kv_key_len(const char *w)
{
	size_t i = 0;

	if (!isalpha((unsigned char) w[0])) {
		return 0;
	}
	while (isalnum((unsigned char) w[i]) || w[i] == '_' || w[i] == ':'
	    || w[i] == '/') {
		i++;
	}
	return w[i] == '=' ? i : 0;
}

long
slurm_kv_split(char *line, struct slurm_kv **out)
{
	struct slurm_kv *kv      = NULL;
	long             n       = 0;
	size_t           cap     = 0;
	char            *p       = line;
	char            *val_end = NULL; /* end of the current value */

	while (*p != '\0') {
		char  *word;
		size_t klen;

		while (*p == ' ' || *p == '\t') {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		word = p;
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			p++;
		}
		klen = slurm_kv_key_len(word);
		if (klen > 0) {
			if (val_end != NULL) {
				*val_end = '\0';
			}
			if ((size_t) n == cap) {
				cap = cap ? cap * 2 : 64;
				kv  = xreallocarray(kv, cap, sizeof(*kv));
			}
			word[klen] = '\0';
			kv[n].key  = word;
			kv[n].val  = word + klen + 1;
			n++;
		} else if (n == 0) {
			free(kv);
			return -1;
		}
		val_end = p;
	}
	if (val_end != NULL) {
		*val_end = '\0';
	}
	*out = kv;
	return n;
}

const char *
slurm_kv_get(const struct slurm_kv *kv, long n, const char *key)
{
	for (long i = 0; i < n; i++) {
		if (strcmp(kv[i].key, key) == 0) {
			return kv[i].val;
		}
	}
	return NULL;
}

int
slurm_fields_split(char *line, char **fields, size_t n, bool trailing)
{
	size_t len = strlen(line);
	char  *p   = line;

	if (trailing && len > 0 && line[len - 1] == '|') {
		line[len - 1] = '\0';
	}
	for (size_t i = 0; i + 1 < n; i++) {
		char *bar = strchr(p, '|');

		if (bar == NULL) {
			return -1;
		}
		*bar      = '\0';
		fields[i] = p;
		p         = bar + 1;
	}
	fields[n - 1] = p;
	return 0;
}

bool
slurm_is_none(const char *s)
{
	static const char *const none[] = { "", "None", "(null)", "N/A",
		"None assigned", "Unknown", "n/a" };

	if (s == NULL) {
		return true;
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		if (strcmp(s, none[i]) == 0) {
			return true;
		}
	}
	return false;
}

char *
slurm_dup_value(const char *s)
{
	return slurm_is_none(s) ? NULL : xstrdup(s);
}

int
slurm_parse_fail(struct mlops_error *err, size_t lineno, const char *field,
    const char *what, const char *value)
{
	if (lineno > 0) {
		return mlops_error_set_field(err, MLOPS_EPARSE, field,
		    "line %zu: %s: %s: '%.80s'", lineno, field, what,
		    value ? value : "(missing)");
	}
	return mlops_error_set_field(err, MLOPS_EPARSE, field,
	    "%s: %s: '%.80s'", field, what, value ? value : "(missing)");
}

/* Parses exactly `len` decimal digits (1..18 of them). */
static bool
slurm_parse_digits(const char *s, size_t len, long *out)
{
	long v = 0;

	if (len == 0 || len > 18) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

int
slurm_parse_count(long *out, const char *s, size_t lineno, const char *field,
    struct mlops_error *err)
{
	long v;

	if (s == NULL || !slurm_parse_digits(s, strlen(s), &v)) {
		return slurm_parse_fail(err, lineno, field, "not a number", s);
	}
	*out = v;
	return 0;
}

long
slurm_count_mul(long a, long b)
{
	if (a <= 0 || b <= 0) {
		return 0;
	}
	if (a > SLURM_GRES_COUNT_MAX / b) {
		return SLURM_GRES_COUNT_MAX;
	}
	return a * b;
}

char **
slurm_split_list(const char *s, size_t *n_out)
{
	char      **list = NULL;
	size_t      n    = 0;
	const char *p    = s;

	if (s == NULL || *s == '\0') {
		*n_out = 0;
		return NULL;
	}
	for (;;) {
		size_t len = strcspn(p, ",");

		if (len > 0) {
			list      = xreallocarray(list, n + 1, sizeof(*list));
			list[n++] = xstrndup(p, len);
		}
		if (p[len] == '\0') {
			break;
		}
		p += len + 1;
	}
	*n_out = n;
	return list;
}

void
slurm_list_free(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i]);
	}
	free(list);
}

/* ---- durations, times, exit codes -------------------------------------- */

/* The value of a duration in seconds, or false when `s` is not one. */
static bool
slurm_duration_seconds(const char *s, long *out)
{
	long        part[3] = { 0, 0, 0 };
	long        days    = 0, secs;
	size_t      n       = 0;
	const char *p       = s;
	const char *dash    = strchr(s, '-');

	if (dash != NULL) {
		if (!slurm_parse_digits(s, (size_t) (dash - s), &days)) {
			return false;
		}
		p = dash + 1;
	}
	for (;;) {
		size_t len = strcspn(p, ":");

		if (n == 3 || !slurm_parse_digits(p, len, &part[n])) {
			return false;
		}
		n++;
		if (p[len] == '\0') {
			break;
		}
		p += len + 1;
	}
	/* Bounds first, so that the arithmetic below cannot overflow. */
	if (days > 1000000 || part[0] > 100000000 || part[1] > 100000000
	    || part[2] > 100000000) {
		return false;
	}
	if (dash != NULL) {
		/* D-H, D-H:M, D-H:M:S */
		if (n >= 2 && (part[1] > 59 || (n == 3 && part[2] > 59))) {
			return false;
		}
		secs = part[0] * 3600 + part[1] * 60 + part[2];
	} else if (n == 1) {
		secs = part[0] * 60; /* M */
	} else if (n == 2) {
		if (part[1] > 59) { /* M:S */
			return false;
		}
		secs = part[0] * 60 + part[1];
	} else {
		if (part[1] > 59 || part[2] > 59) { /* H:M:S */
			return false;
		}
		secs = part[0] * 3600 + part[1] * 60 + part[2];
	}
	*out = days * 86400 + secs;
	return true;
}

int
slurm_parse_duration(long *out, const char *s, struct mlops_error *err)
{
	/* sacct prints Partition_Limit for a job that set no limit. */
	if (s == NULL || *s == '\0' || strcmp(s, "NONE") == 0
	    || strcmp(s, "NOT_SET") == 0 || strcmp(s, "N/A") == 0
	    || strcmp(s, "Partition_Limit") == 0) {
		*out = SLURM_DURATION_NONE;
		return 0;
	}
	if (strcmp(s, "UNLIMITED") == 0 || strcmp(s, "INFINITE") == 0) {
		*out = SLURM_DURATION_UNLIMITED;
		return 0;
	}
	if (!slurm_duration_seconds(s, out)) {
		return slurm_parse_fail(
		    err, 0, "duration", "not a Slurm duration", s);
	}
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
slurm_parse_days_from_civil(long y, long m, long d)
{
	int64_t  yy  = y - (m <= 2);
	int64_t  era = (yy >= 0 ? yy : yy - 399) / 400;
	unsigned yoe = (unsigned) (yy - era * 400);
	unsigned doy
	    = (unsigned) ((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t) doe - 719468;
}

int
slurm_parse_time(
    int64_t *out, const char *s, long utc_offset, struct mlops_error *err)
{
	static const int mdays[]
	    = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y, mo, d, h, mi, sec;

	if (s == NULL || slurm_is_none(s)) {
		*out = 0;
		return 0;
	}
	/* YYYY-MM-DDTHH:MM:SS, exactly 19 bytes */
	if (strlen(s) != 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T'
	    || s[13] != ':' || s[16] != ':' || !slurm_parse_digits(s, 4, &y)
	    || !slurm_parse_digits(s + 5, 2, &mo)
	    || !slurm_parse_digits(s + 8, 2, &d)
	    || !slurm_parse_digits(s + 11, 2, &h)
	    || !slurm_parse_digits(s + 14, 2, &mi)
	    || !slurm_parse_digits(s + 17, 2, &sec) || mo < 1 || mo > 12
	    || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60) {
		return slurm_parse_fail(err, 0, "time", "not a Slurm time", s);
	}
	if (mo == 2 && d == 29
	    && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
		return slurm_parse_fail(err, 0, "time", "no such day", s);
	}
	*out = slurm_parse_days_from_civil(y, mo, d) * 86400 + h * 3600
	    + mi * 60 + sec - utc_offset;
	return 0;
}

int
slurm_parse_exit_code(
    int *code, int *signal, const char *s, struct mlops_error *err)
{
	const char *colon;
	long        c, sig;

	if (s == NULL || (colon = strchr(s, ':')) == NULL
	    || !slurm_parse_digits(s, (size_t) (colon - s), &c)
	    || !slurm_parse_digits(colon + 1, strlen(colon + 1), &sig)
	    || c > 255 || sig > 255) {
		return slurm_parse_fail(
		    err, 0, "ExitCode", "not an exit code (N:S)", s);
	}
	*code   = (int) c;
	*signal = (int) sig;
	return 0;
}

/* ---- sinfo --version --------------------------------------------------- */

int
slurm_parse_version(
    struct slurm_version *out, const char *text, struct mlops_error *err)
{
	struct slurm_lines   it;
	struct slurm_version v = { 0 };
	char                *line;
	const char          *ver;
	char                 name[32];
	int                  rc = 0, used = 0;

	slurm_lines_init(&it, text);
	line = slurm_lines_next(&it);
	if (line == NULL) {
		return mlops_error_set_field(
		    err, MLOPS_EPARSE, "version", "version: empty output");
	}
	if (sscanf(line, "%31s %n", name, &used) != 1 || used == 0
	    || (strcmp(name, "slurm") != 0
	        && strcmp(name, "slurm-wlm") != 0)) {
		rc = slurm_parse_fail(
		    err, it.lineno, "version", "not \"slurm X.Y.Z\"", line);
		goto out;
	}
	ver = line + used;
	if (sscanf(ver, "%d.%d.%d", &v.major, &v.minor, &v.patch) != 3
	    || v.major < 0 || v.minor < 0 || v.patch < 0
	    || strlen(ver) >= sizeof(v.text) || strchr(ver, ' ') != NULL) {
		rc = slurm_parse_fail(
		    err, it.lineno, "version", "not a version X.Y.Z", ver);
		goto out;
	}
	snprintf(v.text, sizeof(v.text), "%s", ver);
	*out = v;
out:
	free(line);
	return rc;
}

/* ---- sbatch --parsable ------------------------------------------------- */

/* "12345" or "12345;cluster": sbatch --parsable's one line. */
static bool
slurm_parse_is_submit_line(const char *line)
{
	const char *semi = strchr(line, ';');
	size_t      len = semi != NULL ? (size_t) (semi - line) : strlen(line);
	long        id;

	return slurm_parse_digits(line, len, &id)
	    && (semi == NULL
	        || (semi[1] != '\0' && strchr(semi + 1, ';') == NULL
	            && strchr(semi + 1, ' ') == NULL));
}

int
slurm_parse_sbatch(
    struct slurm_submit *out, const char *text, struct mlops_error *err)
{
	struct slurm_lines it;
	char              *line, *id = NULL, *other = NULL, *semi;
	unsigned           other_line = 0, n_ids = 0;
	size_t             notices = 0;
	int                rc      = 0;

	slurm_lines_init(&it, text);
	while ((line = slurm_lines_next(&it)) != NULL) {
		if (slurm_parse_is_submit_line(line)) {
			if (n_ids++ > 0) {
				/* two ids: which one is this job's? */
				rc = slurm_parse_fail(err, it.lineno, "job_id",
				    "a second job id", line);
				free(line);
				goto out;
			}
			id = line;
			continue;
		}
		notices++;
		if (other == NULL) {
			other      = line;
			other_line = it.lineno;
		} else {
			free(line);
		}
	}
	if (id == NULL) {
		rc = other == NULL ? mlops_error_set_field(
		         err, MLOPS_EPARSE, "job_id", "sbatch: empty output")
		                   : slurm_parse_fail(err, other_line,
		                       "job_id", "not a job id", other);
		goto out;
	}
	if ((semi = strchr(id, ';')) != NULL) {
		*semi = '\0';
	}
	out->job_id  = xstrdup(id);
	out->cluster = semi != NULL ? xstrdup(semi + 1) : NULL;
	out->notices = notices;
out:
	free(id);
	free(other);
	return rc;
}

void
slurm_submit_fini(struct slurm_submit *s)
{
	if (s == NULL) {
		return;
	}
	free(s->job_id);
	free(s->cluster);
	s->job_id  = NULL;
	s->cluster = NULL;
	s->notices = 0;
}

int
slurm_parse_error(const char *stderr_text, struct mlops_error *err)
{
	static const char  submit[] = "Batch job submission failed: ";
	struct slurm_lines it;
	char              *line, *best = NULL, *last = NULL;
	const char        *msg, *e;

	slurm_lines_init(&it, stderr_text);
	while ((line = slurm_lines_next(&it)) != NULL) {
		if (strstr(line, "error: ") != NULL) {
			free(best);
			best = xstrdup(line);
		}
		free(last);
		last = line;
	}
	if (best == NULL) {
		best = last;
		last = NULL;
	}
	if (best == NULL) {
		return mlops_error_set(
		    err, MLOPS_ESLURM, "Slurm failed without a message");
	}
	msg = best;
	if ((e = strstr(msg, "error: ")) != NULL) {
		msg = e + strlen("error: ");
	}
	if (strncmp(msg, submit, strlen(submit)) == 0) {
		msg += strlen(submit);
	}
	mlops_error_set(err, MLOPS_ESLURM, "%s", msg);
	free(best);
	free(last);
	return MLOPS_ESLURM;
}
