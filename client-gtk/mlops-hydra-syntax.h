/*
 * Hydra's override syntax for the Launch form: a value quoted so that
 * Hydra reads it back unchanged, the elements of a multirun value, the
 * number of tasks a sweep expands to (counted by the daemon's own
 * hydra_sweep_count(): comma lists, choice(), range()), and overrides
 * joined into shell words for display. Pure, no GTK: unit-tested in
 * tests/unit/gtk/test_hydra_model.c.
 */
#ifndef MLOPS_GTK_HYDRA_SYNTAX_H
#define MLOPS_GTK_HYDRA_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

/**
 * `value` as an override value: unchanged when Hydra reads it unquoted as
 * the same text, else quoted ('…', or "…" when it holds a ' but no "),
 * with backslashes before the quote doubled as Hydra's lexer wants. With
 * `as_string`, a value Hydra would read as another type (42, 1e-3, true,
 * null) or the empty string is quoted too. Caller frees.
 */
char *mlops_hydra_quote(const char *value, bool as_string);
/**
 * A multirun value: each top-level comma-separated element is left as it
 * is when Hydra can read it (a number, a quoted string, a list, range(…),
 * choice(…)) and quoted with mlops_hydra_quote() otherwise. Caller frees.
 */
char *mlops_hydra_sweep_quote(const char *text);

/**
 * The number of tasks the multirun overrides `ovr` expand to, counted by
 * the daemon's hydra_sweep_count(): the product of each key's value count
 * (a comma list, choice(…), range(start, stop[, step])), a repeated key
 * counting once with its last value. Returns 0, or -1 with `why` (may be
 * NULL) set to the daemon's own message for a value it would refuse.
 */
int mlops_hydra_sweep_count(const char *const *ovr, size_t n, size_t *tasks,
    char *why, size_t why_len);

/**
 * Overrides joined as the words after `mlops launch P --` on a shell
 * command line (common's shquote_args()): a shell, and
 * mlops_model_split_overrides(), read every word back unchanged, $, ;, |,
 * backticks, quotes and newlines included. Caller frees.
 */
char *mlops_hydra_join_words(const char *const *v, size_t n);

#endif
