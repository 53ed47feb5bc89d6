/*
 * Job states: Mission Control's own list (PRODUCT.md "States", plus
 * SUBMIT_FAILED) and its one table of names, shared by the daemon and both
 * clients. The names are those of the store's CHECK in
 * server/store/migrations/0001_init.sql (a store test checks they agree).
 * Pure tables; safe on any thread.
 */
#ifndef MLOPS_COMMON_JOB_STATE_H
#define MLOPS_COMMON_JOB_STATE_H

#include <stdbool.h>

enum job_state {
	JOB_STATE_SUBMITTING = 0, /* recorded, not yet accepted by sbatch */
	JOB_STATE_PENDING,
	JOB_STATE_CONFIGURING,
	JOB_STATE_RUNNING,
	JOB_STATE_COMPLETING,
	JOB_STATE_SUSPENDED,
	JOB_STATE_REQUEUED,
	JOB_STATE_PREEMPTED,
	JOB_STATE_COMPLETED,
	JOB_STATE_FAILED,
	JOB_STATE_CANCELLED,
	JOB_STATE_TIMEOUT,
	JOB_STATE_OUT_OF_MEMORY,
	JOB_STATE_NODE_FAIL,
	JOB_STATE_BOOT_FAIL,
	JOB_STATE_DEADLINE,
	JOB_STATE_LOST,          /* Slurm forgot it, no accounting record */
	JOB_STATE_SUBMIT_FAILED, /* sbatch refused it */
};

/** Number of states; every enum job_state is below it. */
#define JOB_STATE_COUNT (JOB_STATE_SUBMIT_FAILED + 1)

/** Our name of `st` ("PENDING"). Never NULL: "INVALID" when out of range. */
const char *job_state_name(enum job_state st);

/**
 * Parses one of our own names (exactly as job_state_name() prints them,
 * any letter case). Returns the state (>= 0) or MLOPS_EPARSE.
 */
int job_state_parse(const char *name);

/**
 * True for the states after which the job never changes again: Slurm's
 * terminal base states (COMPLETED, FAILED, CANCELLED, TIMEOUT,
 * OUT_OF_MEMORY, NODE_FAIL, BOOT_FAIL, DEADLINE, PREEMPTED) and our LOST and
 * SUBMIT_FAILED. COMPLETING and REQUEUED are not terminal. False when `st`
 * is out of range. Agrees with the store's generated `terminal` column.
 */
bool job_state_terminal(enum job_state st);

#endif
