/*
 * Output of sweeps, shared by launch --sweep, jobs --sweep and
 * cancel --sweep (cmd_sweep.c).
 */
#ifndef MLOPS_CLIENT_CLI_CMD_SWEEP_H
#define MLOPS_CLIENT_CLI_CMD_SWEEP_H

#include <stdint.h>

#include "cmd.h"

/**
 * A sweep launch: its id (just the number) and a summary on stderr;
 * --json: {"sweep_id", "tasks": [jobs], "sbatch_script"}; --dry-run: the
 * array's script. A task that failed to submit fails the launch (exit 1;
 * with --json only the error object is printed). Returns the exit code.
 */
int cmd_sweep_launch_print(struct cli *cli, const Mlops__LaunchRequest *req,
    const Mlops__LaunchReply *r);

/**
 * jobs --sweep: the progress line and one row per task in array order;
 * --json: {"sweep": progress, "jobs": [jobs]}. Returns the exit code.
 */
int cmd_sweep_jobs_print(struct cli *cli, const Mlops__JobsReply *r);

/**
 * cancel --sweep: the cancelled tasks; --json: {"sweep_id", "tasks"}.
 * Returns the exit code.
 */
int cmd_sweep_cancel_print(
    struct cli *cli, int64_t sweep_id, const Mlops__CancelReply *r);

#endif
