/*
 * A recorded executor for the cluster core's unit tests: the executor
 * interface (executor.h) answered from rules instead of a cluster. A
 * command is matched by its program (after `env NAME=VALUE...`) and a
 * text its argv (joined with spaces) contains; the rule gives its stdout
 * (often a recorded fixture of tests/fixtures/slurm/), stderr and exit status,
 * or an executor failure (a timeout, a dropped connection), or computes the
 * answer from the argv (a poll of 2,000 jobs). A session's file operations are
 * matched the same way, as commands named "@mkdir", "@write", "@read" and
 * "@stat" with the path as argument; files written are kept in memory.
 * Every command is logged. Work runs on the executor's own worker thread,
 * in order, as on a cluster's SSH pool.
 */
#ifndef MLOPS_TESTS_REPLAY_H
#define MLOPS_TESTS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/strbuf.h>

#include "executor.h"

struct replay;

/* Computes a command's answer: fills out/err, returns the exit status
 * (negative: the command was killed by SIGKILL). */
typedef int (*replay_fn)(void *arg, const char *const *argv,
    struct strbuf *out, struct strbuf *err);

/** A new replay for cluster `name`; nothing runs until it is an executor.
 */
struct replay *replay_new(const char *name);
/** Frees it; its executor must have been freed first. */
void replay_free(struct replay *r);

/**
 * Answers commands of program `argv0` whose joined argv contains
 * `contains` (NULL: any) with `out`, `err` (NULL: "") and `status`, the
 * next `times` times (-1: always). Later rules win over earlier ones.
 */
void replay_add(struct replay *r, const char *argv0, const char *contains,
    const char *out, const char *err, int status, int times);
/** Like replay_add() with `out` read from tests/fixtures/slurm/<path>. */
void replay_add_fixture(struct replay *r, const char *argv0,
    const char *contains, const char *fixture, int times);
/** The executor itself fails such commands: rc (MLOPS_ETIMEDOUT,
 * MLOPS_EUNREACHABLE...) with `msg`. */
void replay_add_fail(struct replay *r, const char *argv0, const char *contains,
    int rc, const char *msg, int times);
/** Answers such commands with `fn(arg, argv, out, err)`. */
void replay_add_fn(struct replay *r, const char *argv0, const char *contains,
    replay_fn fn, void *arg, int times);

/** Makes the executor unreachable (every new piece of work fails with
 * MLOPS_EUNREACHABLE "msg") or reachable again. */
void replay_set_down(struct replay *r, bool down, const char *msg);

/** How many commands of program `argv0` ran (NULL: all). */
size_t replay_count(struct replay *r, const char *argv0);
/** Like replay_count(), only commands whose joined argv holds `contains`. */
size_t replay_count_with(
    struct replay *r, const char *argv0, const char *contains);
/** The joined argv of the last command of `argv0`, or NULL. Copy; free. */
char *replay_last(struct replay *r, const char *argv0);
/** How many commands found no rule (they exited 127). */
size_t replay_unmatched(struct replay *r);
/** The content of a file written through a session, or NULL. Borrowed. */
const struct strbuf *replay_file(struct replay *r, const char *path);

/** Waits until the worker has nothing queued or running. */
void replay_drain(struct replay *r);

/**
 * The executor of `r` (started, its worker running; the connect hook runs
 * first there). Freed with executor_free(), which leaves `r` alive.
 */
struct executor *replay_executor(
    struct replay *r, exec_call_fn on_connect, void *on_connect_arg);

#endif
