/*
 * Helpers shared by the slurm_parse*.c files only: line iteration,
 * "Key=Value" and '|' field splitting, numbers and "no value" markers.
 */
#ifndef MLOPS_SERVER_SLURM_PARSE_IMPL_H
#define MLOPS_SERVER_SLURM_PARSE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/error.h>

/* Iterates over the lines of a text ("\n" or "\r\n"). */
struct slurm_lines {
	const char *pos;
	size_t      lineno; /* 1-based number of the line last returned */
};

void slurm_lines_init(struct slurm_lines *it, const char *text);

/**
 * The next line, as an xmalloc'd copy without its end of line (caller
 * frees), or NULL at the end. Blank lines (only spaces) are skipped.
 */
char *slurm_lines_next(struct slurm_lines *it);

/* One "Key=Value" of a scontrol -o line; both point into the line. */
struct slurm_kv {
	const char *key;
	const char *val;
};

/*
 * Splits a scontrol -o line in place. A word that starts with a letter and
 * has a '=' after [A-Za-z0-9_:/] characters starts a new pair; any other
 * word continues the previous value (OS=Linux 6.1 #1 SMP, Reason=a b c).
 * Returns the number of pairs; *out is xmalloc'd (caller frees).
 * Returns -1 when the line does not start with a pair.
 */
long slurm_kv_split(char *line, struct slurm_kv **out);

/** The value of `key`, or NULL. */
const char *slurm_kv_get(const struct slurm_kv *kv, long n, const char *key);

/*
 * Splits `line` in place at '|' into exactly `n` fields; the last one gets
 * the rest of the line, '|' included. With `trailing`, one '|' at the end
 * of the line (squeue -O "field:|") is removed first.
 * Returns 0, or -1 when there are fewer than n fields.
 */
int slurm_fields_split(char *line, char **fields, size_t n, bool trailing);

/* Largest GRES count accepted (2^40): sums of them cannot overflow. */
#define SLURM_GRES_COUNT_MAX (1L << 40)

/* a * b for a, b >= 0, saturating at SLURM_GRES_COUNT_MAX. */
long slurm_count_mul(long a, long b);

/** True for Slurm's ways of printing "nothing". */
bool slurm_is_none(const char *s);

/** xstrdup(s), or NULL when slurm_is_none(s). */
char *slurm_dup_value(const char *s);

/*
 * A non-negative decimal integer (the whole string). On failure fills err
 * with "line N: FIELD: not a number: 'value'".
 */
int slurm_parse_count(long *out, const char *s, size_t lineno,
    const char *field, struct mlops_error *err);

/* "line N: FIELD: what: 'value'" as MLOPS_EPARSE with err->field. */
int slurm_parse_fail(struct mlops_error *err, size_t lineno, const char *field,
    const char *what, const char *value);

/* Splits "a,b,c" into an xmalloc'd array of copies (none for NULL/""). */
char **slurm_split_list(const char *s, size_t *n_out);
void   slurm_list_free(char **list, size_t n);

#endif
