/*
 * A made-up cluster's jobs for the core's tests, answered in the formats
 * the daemon asks for (slurm_cmd.h) as Slurm 22.05 or 24.11 print them:
 * squeue (by id list, --me, or by name) and sacct rows computed from a
 * table, so that a poll of 2,000 jobs needs no recording of that size.
 */
#ifndef MLOPS_TESTS_FAKE_SLURM_H
#define MLOPS_TESTS_FAKE_SLURM_H

#include <stdbool.h>
#include <stddef.h>

#include "replay.h"

struct fake_job {
	char        id[32];    /* as squeue's JobArrayID: "123", "123_4" */
	char        name[64];  /* the job name */
	const char *state;     /* "RUNNING", "COMPLETED", ... */
	int         exit_code; /* and signal 0 */
	bool        in_squeue; /* squeue still lists it */
	bool        in_sacct;  /* accounting has it */
	bool        odd;       /* its squeue row cannot be read */
};

struct fake_slurm {
	struct fake_job *v;
	size_t           n;
	bool             v2205; /* exit codes as 22.05 prints them */
};

/** Adds a job; returns it for more settings. */
struct fake_job *fake_slurm_add(struct fake_slurm *fs, const char *id,
    const char *state, bool in_squeue, bool in_sacct);
void             fake_slurm_fini(struct fake_slurm *fs);
struct fake_job *fake_slurm_find(struct fake_slurm *fs, const char *id);

/** Answers squeue and sacct on `r` from `fs` (always). */
void fake_slurm_serve(struct fake_slurm *fs, struct replay *r);

#endif
