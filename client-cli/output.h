/*
 * CLI output: aligned tables, "key: value" blocks and JSON. The
 * output_*_render() and output_fmt_*() functions are pure (they fill a
 * strbuf or a caller's buffer); only the output_print*() functions write,
 * and this module is the only code of the CLI that writes to stdout.
 */
#ifndef MLOPS_CLIENT_CLI_OUTPUT_H
#define MLOPS_CLIENT_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include <mlops/strbuf.h>

/* ---- tables (docker ps / squeue style) -------------------------------- */

struct output_table;

/**
 * A table with `ncols` columns; `headers` are printed in capitals.
 * Caller frees with output_table_free().
 */
struct output_table *output_table_new(
    const char *const *headers, size_t ncols);
void output_table_free(struct output_table *t);
/**
 * Appends a row of exactly `ncols` cells (copied). A NULL or empty cell
 * shows as "-"; control characters show as spaces.
 */
void output_table_add(struct output_table *t, const char *const *cells);
/**
 * Renders the table: each column as wide as its widest cell, columns
 * separated by two spaces, no trailing blanks, one "\n" per line.
 */
void output_table_render(const struct output_table *t, struct strbuf *out);

/* ---- key: value blocks (show) ---------------------------------------- */

struct output_kv;

/** Caller frees with output_kv_free(). */
struct output_kv *output_kv_new(void);
void              output_kv_free(struct output_kv *kv);
/**
 * Adds "key: value" at nesting `depth` (0 = top). A NULL value makes `key`
 * a heading for the deeper entries that follow; an empty value shows "-".
 */
void output_kv_add(
    struct output_kv *kv, int depth, const char *key, const char *value);
void output_kv_addf(struct output_kv *kv, int depth, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/** Renders with the values of each depth aligned in one column. */
void output_kv_render(const struct output_kv *kv, struct strbuf *out);

/* ---- values ---------------------------------------------------------- */

#define OUTPUT_TIME_MAX 32

/**
 * Formats unix seconds as RFC 3339 UTC ("2026-11-28T16:00:00Z") into
 * `buf`; 0 (unset) gives "". Returns buf.
 */
char *output_fmt_time(char buf[OUTPUT_TIME_MAX], int64_t t);
/** Formats seconds as "3d 4h", "2h 5m", "4m 10s" or "12s". Returns buf. */
char *output_fmt_duration(char *buf, size_t len, uint64_t secs);
/** The first 7 characters of a sha ("" stays ""). Returns buf. */
char *output_fmt_short_sha(char buf[8], const char *sha);

/* JSON values; each returns a new reference or NULL for JSON null. */
json_object *output_json_str(const char *s);       /* "" -> null */
json_object *output_json_time(int64_t t);          /* 0 -> null */
json_object *output_json_count(int64_t n);         /* < 0 -> null */
json_object *output_json_strv(char **v, size_t n); /* array, never null */

/**
 * How much of `s` ends on a whole UTF-8 character: `len`, less the start
 * of a character cut short at its end (at most 3 bytes), which more
 * bytes may still complete.
 */
size_t output_utf8_whole(const char *s, size_t len);
/**
 * `len` bytes of text as a JSON string, each byte that is not part of
 * valid UTF-8 as U+FFFD (so that the JSON is valid UTF-8). New reference.
 */
json_object *output_json_text(const char *s, size_t len);

/**
 * Renders `obj` (NULL: null) as pretty-printed JSON plus "\n" or, with
 * `one_line`, as compact JSON plus "\n". Slashes are not escaped.
 */
void output_json_render(json_object *obj, bool one_line, struct strbuf *out);

/**
 * The error object of a failure: {"error": {"code": code, "field": field,
 * "message": message}}, `field` NULL or "" as null. New reference.
 */
json_object *output_error_json(
    const char *code, const char *field, const char *message);

/* ---- printing (the only writers to stdout) ---------------------------- */

/** Writes `s` as is. Returns 0 or -1 when stdout failed. */
int output_print(const char *s);
int output_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int output_print_table(const struct output_table *t);
int output_print_kv(const struct output_kv *kv);
/** Prints `obj` and drops our reference to it. */
int output_print_json(json_object *obj);
/** Prints `obj` on one line, flushes, and drops our reference. */
int output_print_json_line(json_object *obj);
/** Prints output_error_json() on one line and flushes. */
int output_print_error(
    const char *code, const char *field, const char *message);
/** Flushes stdout; returns -1 when any write failed (e.g. a full disk). */
int output_flush(void);

#endif
