/*
 * Argument vectors of every Slurm command Mission Control runs on a login
 * node. Pure: no I/O, safe on any thread. Each builder returns a
 * NULL-terminated argv whose elements are the plain, unquoted arguments;
 * sshexec joins them with shquote_argv(), so no element is ever
 * interpreted by the remote shell. The output formats named here are the
 * ones slurm_parse.h reads; change them together.
 *
 * Times in the outputs are in the login node's local time zone and in
 * Slurm's "standard" format; a SLURM_TIME_FORMAT set in the remote
 * environment would change them (the parsers then report MLOPS_EPARSE).
 */
#ifndef MLOPS_SERVER_SLURM_CMD_H
#define MLOPS_SERVER_SLURM_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include <mlops/error.h>

/** Most job ids or names one command may carry (keeps lines short). */
#define SLURM_CMD_MAX_IDS 1000

/** Longest job name accepted (Slurm itself has no small limit). */
#define SLURM_CMD_NAME_MAX 200

/** Longest script path accepted. */
#define SLURM_CMD_PATH_MAX 4096

/*
 * The output formats, for the parsers and their tests. Fields are
 * separated by '|'; in the squeue -O formats every field, the last
 * included, is followed by one '|'. The free-text field (the job name)
 * comes last so that a '|' inside it cannot shift the others.
 */
#define SLURM_CMD_POLL_FORMAT                                               \
	"JobID:|,JobArrayID:|,ArrayJobID:|,ArrayTaskID:|,State:|,Reason:|," \
	"Partition:|,NumNodes:|,SubmitTime:|,StartTime:|,EndTime:|,"        \
	"TimeLimit:|,TimeUsed:|,exit_code:|,NodeList:|,Name:|"
#define SLURM_CMD_PENDING_FORMAT                                            \
	"JobID:|,JobArrayID:|,Partition:|,NumNodes:|,NumTasks:|,"           \
	"tres-per-job:|,tres-per-node:|,tres-per-task:|,tres-per-socket:|," \
	"Reason:|"
#define SLURM_CMD_SACCT_FORMAT                                              \
	"JobIDRaw,JobID,State,ExitCode,Submit,Start,End,Elapsed,Timelimit," \
	"Partition,NNodes,NodeList,Reason,JobName"
#define SLURM_CMD_START_FORMAT "%i|%A|%T|%S|%Y|%r"

/*
 * The oldest Slurm whose squeue -O and sacct -o know every field the
 * formats above ask for (tres-per-* and exit_code in squeue, Reason in
 * sacct). Older versions are refused rather than half-parsed.
 */
#define SLURM_CMD_MIN_MAJOR 20
#define SLURM_CMD_MIN_MINOR 11

/*
 * The Slurm versions the test suite runs against, each with a sandbox
 * cluster and recorded fixtures (docs/slurm-versions.md).
 */
#define SLURM_CMD_TESTED_VERSIONS "22.05 and 24.11"

/** Whether major.minor is one of SLURM_CMD_TESTED_VERSIONS. */
bool slurm_cmd_version_tested(int major, int minor);

/**
 * Checks a cluster's Slurm version (as sshpool learned it; major < 0 means
 * unknown, which passes: the commands themselves will say) against
 * SLURM_CMD_MIN_*. Returns 0 or MLOPS_ESLURM naming both versions.
 */
int slurm_cmd_check_version(
    int major, int minor, const char *text, struct mlops_error *err);

/** Frees an argv from this module; NULL is a no-op. */
void slurm_argv_free(char **argv);

/**
 * True when `id` is a Slurm job id we may put on a command line:
 * ^[0-9]+(_[0-9]+)?$ ("123" or an array task "123_4"), at most 32 bytes.
 */
bool slurm_job_id_valid(const char *id);

/**
 * True when `name` is a job name we may search for: 1 to
 * SLURM_CMD_NAME_MAX bytes of [A-Za-z0-9._+-], not starting with '-'.
 * (',' would split squeue's and sacct's name lists.)
 */
bool slurm_job_name_valid(const char *name);

/** `sinfo --version`. Never fails; caller frees with slurm_argv_free(). */
char **slurm_cmd_version(void);

/** `scontrol show partition -o`. Never fails; caller frees. */
char **slurm_cmd_partitions(void);

/** `scontrol -d -o show node` (-d adds GresUsed). Never fails; caller frees.
 */
char **slurm_cmd_nodes(void);

/**
 * Every pending job, one line per array task, with what it asks for:
 * `squeue -h -r -t PENDING -O SLURM_CMD_PENDING_FORMAT`.
 * Slurm 22.05 shows --gres=gpu[:TYPE]:N and --gpus-per-node as
 * tres-per-node "gres:gpu[:TYPE]:N", --gpus as tres-per-job and
 * --gpus-per-task as tres-per-task (times NumTasks). Never fails.
 */
char **slurm_cmd_pending_gpus(void);

/**
 * One squeue for the poll cycle: `squeue -h -r -t all -j ID,ID,...
 * -O SLURM_CMD_POLL_FORMAT`.
 *
 * Found on Slurm 22.05.8: with two or more ids squeue loads every job and
 * filters, so ids that are finished long ago (purged after MinJobAge) or
 * unknown are simply absent and the exit status is 0; `-t all` keeps
 * COMPLETED/FAILED/CANCELLED/TIMEOUT jobs visible until MinJobAge. With
 * exactly one id squeue asks for that job alone and an unknown one fails
 * the command (exit 1, "slurm_load_jobs error: Invalid job id specified").
 * So a single id is written twice ("-j 6,6", which squeue de-duplicates),
 * and a missing row always means "ask sacct", never an error. `-r` prints
 * one line per array task; an array's base id selects all its tasks.
 *
 * `ids` holds 1..SLURM_CMD_MAX_IDS valid job ids. Caller frees.
 * Returns 0, or MLOPS_EINVAL (field "job_id" or "job_ids").
 */
int slurm_cmd_poll(char ***out, const char *const *ids, size_t n_ids,
    struct mlops_error *err);

/**
 * Every job of the login user, for a poll of more jobs than one `-j` list
 * may carry: `squeue -h -r -t all --me -O SLURM_CMD_POLL_FORMAT` (the
 * caller matches the rows to its jobs). `--me` is Slurm 20.11's, the
 * oldest the daemon accepts. Never fails; caller frees.
 */
char **slurm_cmd_poll_mine(void);

/**
 * Accounting for a batch of jobs: `sacct -n -P -X -j ID,... -o
 * SLURM_CMD_SACCT_FORMAT`. With -j sacct looks back to the epoch, needs no
 * -S, prints nothing for unknown ids (exit 0) and, with -X, one line per
 * array task (JobID "123_4", JobIDRaw the task's own id) or one line
 * "123_[1-4]" for tasks that never started. Same validation as
 * slurm_cmd_poll(). Caller frees.
 */
int slurm_cmd_sacct(char ***out, const char *const *ids, size_t n_ids,
    struct mlops_error *err);

/**
 * Accounting by job name, to find jobs again after a crash:
 * `sacct -n -P -X --name=N1,N2 -S now-<days>days -o SLURM_CMD_SACCT_FORMAT`.
 * Without -j sacct would start at midnight today, hence -S. `days` is
 * 1..3650. Names must pass slurm_job_name_valid(). Caller frees.
 * Returns 0, or MLOPS_EINVAL (field "job_name", "job_names" or "days").
 */
int slurm_cmd_sacct_by_name(char ***out, const char *const *names,
    size_t n_names, unsigned days, struct mlops_error *err);

/**
 * `squeue -h -r --me -t all --name=N1,N2 -O SLURM_CMD_POLL_FORMAT` (only
 * this user's jobs: another user's job of that name is not ours); unknown
 * names give no line and exit 0. Caller frees. Returns 0 or MLOPS_EINVAL.
 */
int slurm_cmd_squeue_by_name(char ***out, const char *const *names,
    size_t n_names, struct mlops_error *err);

/**
 * `scontrol show job -o ID` (an array's base id prints every task). Fails
 * remotely with "Invalid job id specified" once the job is purged.
 * Caller frees. Returns 0 or MLOPS_EINVAL (field "job_id").
 */
int slurm_cmd_show_job(char ***out, const char *id, struct mlops_error *err);

/**
 * Expected start: `squeue -h --start -j ID,ID -o SLURM_CMD_START_FORMAT`
 * (id doubled as in slurm_cmd_poll(); --start ignores -O, so this one uses
 * -o). Prints only pending jobs. Caller frees. Returns 0 or MLOPS_EINVAL.
 */
int slurm_cmd_start(char ***out, const char *id, struct mlops_error *err);

/**
 * `scancel ID`. On 22.05 scancel of an unknown or finished job prints
 * nothing and exits 0. Caller frees. Returns 0 or MLOPS_EINVAL.
 */
int slurm_cmd_cancel(char ***out, const char *id, struct mlops_error *err);

/**
 * `sbatch --parsable PATH`: the script carries its own #SBATCH lines.
 * `path` is 1..SLURM_CMD_PATH_MAX bytes, not starting with '-' (sbatch
 * would read it as an option) and free of control characters; a relative
 * path is relative to the login directory. Caller frees.
 * Returns 0 or MLOPS_EINVAL (field "script_path").
 */
int slurm_cmd_sbatch(char ***out, const char *path, struct mlops_error *err);

#endif
