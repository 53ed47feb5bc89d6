/*
 * Hydra's override and multirun syntax as the daemon and the desktop app
 * both need it: how Hydra's override lexer types a value, which words are
 * bools, and the expansion of a multirun sweep into its tasks. No config
 * files, no YAML and no I/O (the daemon's server/hydra/ adds those). Pure;
 * objects are immutable once returned, so any thread may read them.
 */
#ifndef MLOPS_COMMON_HYDRA_SYNTAX_H
#define MLOPS_COMMON_HYDRA_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/error.h>

/**
 * The type of a scalar, as OmegaConf sees the YAML (YAML 1.1 core schema:
 * yes/no/on/off are bools, 1e-3 is a float, 010 is an octal int; quoted
 * scalars are strings), or as Hydra's override grammar types a value.
 */
enum hydra_type {
	HYDRA_TYPE_NONE, /* maps and lists */
	HYDRA_TYPE_INT,
	HYDRA_TYPE_FLOAT,
	HYDRA_TYPE_BOOL,
	HYDRA_TYPE_NULL,
	HYDRA_TYPE_STRING,
	HYDRA_TYPE_INTERPOLATION, /* a string containing ${...}, kept as text
	                           */
	HYDRA_TYPE_MISSING,       /* ??? : mandatory value */
};

/**
 * The type Hydra's override lexer gives `text` as an unquoted one-token
 * primitive: INT, FLOAT, BOOL, NULL, or STRING / INTERPOLATION / MISSING.
 */
enum hydra_type hydra_primitive_type(const char *text);

/**
 * The type of a text known to be a string: MISSING for "???",
 * INTERPOLATION when it contains "${", else STRING.
 */
enum hydra_type hydra_string_type(const char *text);

/**
 * Reads `text` as a bool: true, yes and on, or false, no and off, in any
 * letter case (every spelling YAML 1.1 and Hydra's override lexer type as
 * a bool, and a few more). Sets *out and returns true, or returns false
 * and leaves *out for anything else, NULL included.
 */
bool hydra_parse_bool(const char *text, bool *out);

struct hydra_sweep; /* an expanded multirun sweep */

/**
 * Expands Hydra's multirun syntax as its basic sweeper does: each argument
 * is an override whose value may be a comma list (`lr=0.1,0.01`; quote an
 * element containing a comma: `tag="a,b",c`), `choice(a,b,...)` or
 * `range(start,stop[,step])` (ints, or floats when any bound is a float).
 * The tasks are the cartesian product in argument order, the last argument
 * varying fastest; a repeated key keeps its first position and its last
 * value. Plain overrides are copied into every task. glob(), interval() and
 * the other functions are refused.
 *
 * More than `max_tasks` tasks is an error naming the limit (0: only the
 * library's own hard limit). On success *out is set; the caller frees it
 * with hydra_sweep_free(). Returns 0 or MLOPS_EINVAL (err->field
 * "overrides").
 */
int hydra_sweep_expand(struct hydra_sweep **out, const char *const *args,
    size_t n, size_t max_tasks, struct mlops_error *err);

/**
 * As hydra_sweep_expand(), with the same checks and errors, but only
 * counts the tasks into *ntasks, building none (the desktop app's live
 * count as the user types).
 */
int hydra_sweep_count(size_t *ntasks, const char *const *args, size_t n,
    size_t max_tasks, struct mlops_error *err);

/** Frees a sweep; NULL is a no-op. */
void hydra_sweep_free(struct hydra_sweep *sw);

/** Number of tasks (Slurm array size); at least 1. */
size_t hydra_sweep_ntasks(const struct hydra_sweep *sw);

/**
 * The plain overrides of task `i` (0-based), `*n` of them. Borrowed from
 * `sw`.
 */
const char *const *hydra_sweep_task(
    const struct hydra_sweep *sw, size_t i, size_t *n);

#endif
