/*
 * POSIX shell quoting: the one place where an argv becomes a command line,
 * for the daemon's remote shells and for the command lines the CLI and the
 * desktop app show a user. Pure; safe on any thread.
 */
#ifndef MLOPS_COMMON_SHQUOTE_H
#define MLOPS_COMMON_SHQUOTE_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/strbuf.h>

/**
 * Appends `arg` to `sb` as exactly one POSIX sh word that expands to the
 * bytes of `arg`, unchanged, in sh, dash, bash, ksh and zsh.
 *
 * A word made only of [A-Za-z0-9_./:=@%+,-] is appended as is, unless it
 * could be read as something other than a plain word: an assignment
 * (`NAME=...`, which sh would take as a variable assignment in command
 * position), a word starting with `=` (zsh's `=cmd` expansion) or one
 * whose first `=` is followed by another (`x==cmd`, which zsh expands
 * under MAGIC_EQUAL_SUBST); those and everything else are single-quoted,
 * with each `'` written as `'\''`. The empty string becomes `''`.
 *
 * NUL bytes: a C string ends at its first NUL, and so does a POSIX argv
 * element, so an argument can never carry one; data that may contain NUL
 * must travel over stdin or SFTP instead. `arg` NULL is treated as "".
 * Newlines, control bytes and non-ASCII (UTF-8 or not) are kept verbatim
 * inside the quotes.
 */
void shquote_arg(struct strbuf *sb, const char *arg);

/**
 * Joins a NULL-terminated argv into one command line: each element quoted
 * with shquote_arg(), separated by single spaces.
 * Returns NULL when `argv` is NULL or empty (no command to run); otherwise
 * a string the caller frees with free().
 */
char *shquote_argv(const char *const *argv);

/** True when shquote_arg() would leave `arg` unquoted. */
bool shquote_is_plain(const char *arg);

/**
 * Appends `v[0..n)` to `sb` as the words that follow a command name (the
 * overrides of `mlops launch P -- ...`), separated by single spaces, each
 * quoted as shquote_arg() quotes it except that a NAME=value word stays as
 * it is: after the command name sh reads it as a plain word, not as an
 * assignment. A NULL element is "". Each word expands to its bytes
 * unchanged when the result follows a command name.
 */
void shquote_args(struct strbuf *sb, const char *const *v, size_t n);

#endif
