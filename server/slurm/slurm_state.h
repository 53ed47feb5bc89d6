/*
 * The mapping from every job state string squeue, sacct and scontrol print
 * to Mission Control's own states (<mlops/job_state.h>). Pure tables; safe
 * on any thread.
 */
#ifndef MLOPS_SERVER_SLURM_STATE_H
#define MLOPS_SERVER_SLURM_STATE_H

#include <mlops/job_state.h>

/**
 * Maps a state as Slurm prints it to ours. Accepts the long form
 * ("RUNNING") and the compact one ("R") of every job state of Slurm 22.05
 * and later, in any letter case, with surrounding blanks, with sacct's
 * "CANCELLED by <uid>" and with the "+" that marks a truncated field.
 * Slurm's flag states that are not in our list map to the base state a
 * user would see (see the table in slurm_state.c for each and why).
 *
 * Returns the state (>= 0), or MLOPS_EPARSE when `s` is NULL, empty or not
 * a Slurm job state.
 */
int slurm_state_from_string(const char *s);

#endif
