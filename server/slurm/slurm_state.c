/*
 * slurm_state: Slurm job state strings -> enum job_state (whose names are
 * in common/job_state.c). Pure tables, no state; any thread.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <mlops/error.h>

#include "slurm_state.h"

/*
 * Every job state Slurm prints (job_state_string() and
 * job_state_string_compact() of 22.05, which squeue %T/%t, sacct State and
 * scontrol JobState use), long and compact form. Slurm shows a state flag
 * instead of the base state when one is set; those flags that are not in
 * our list map as follows:
 *
 *   RESIZING (RS)       RUNNING: the job keeps its allocation while it
 *                       grows or shrinks.
 *   SIGNALING (SI)      RUNNING: a signal is being delivered to a job that
 *                       still runs.
 *   STOPPED (ST)        SUSPENDED: SIGSTOP'd, allocation kept; the nearest
 *                       of our states (not running, not finished).
 *   STAGE_OUT (SO)      COMPLETING: the job has ended and its burst buffer
 *                       is being staged out; not final yet.
 *   SPECIAL_EXIT (SE)   REQUEUED: requeued and held in a special state
 *                       after a chosen exit code; it can run again.
 *   REQUEUE_HOLD (RH)   REQUEUED: requeued and held.
 *   REQUEUE_FED (RF)    REQUEUED: being requeued by a federation.
 *   RESV_DEL_HOLD (RD)  PENDING: held because its reservation was deleted;
 *                       it waits to be released.
 *   REVOKED (RV)        CANCELLED: a federation sibling withdrawn because
 *                       another cluster started the job; on this cluster it
 *                       ended without running, which is what CANCELLED says.
 *
 * Anything else (a state a later Slurm may add) is MLOPS_EPARSE, so that a
 * caller can keep the raw text instead of guessing.
 */
static const struct {
	const char    *name;
	const char    *compact;
	enum job_state state;
} slurm_state_table[] = {
	{ "PENDING", "PD", JOB_STATE_PENDING },
	{ "RUNNING", "R", JOB_STATE_RUNNING },
	{ "SUSPENDED", "S", JOB_STATE_SUSPENDED },
	{ "COMPLETED", "CD", JOB_STATE_COMPLETED },
	{ "CANCELLED", "CA", JOB_STATE_CANCELLED },
	{ "FAILED", "F", JOB_STATE_FAILED },
	{ "TIMEOUT", "TO", JOB_STATE_TIMEOUT },
	{ "NODE_FAIL", "NF", JOB_STATE_NODE_FAIL },
	{ "PREEMPTED", "PR", JOB_STATE_PREEMPTED },
	{ "BOOT_FAIL", "BF", JOB_STATE_BOOT_FAIL },
	{ "DEADLINE", "DL", JOB_STATE_DEADLINE },
	{ "OUT_OF_MEMORY", "OOM", JOB_STATE_OUT_OF_MEMORY },
	{ "CONFIGURING", "CF", JOB_STATE_CONFIGURING },
	{ "COMPLETING", "CG", JOB_STATE_COMPLETING },
	{ "REQUEUED", "RQ", JOB_STATE_REQUEUED },
	{ "RESIZING", "RS", JOB_STATE_RUNNING },
	{ "SIGNALING", "SI", JOB_STATE_RUNNING },
	{ "STOPPED", "ST", JOB_STATE_SUSPENDED },
	{ "STAGE_OUT", "SO", JOB_STATE_COMPLETING },
	{ "SPECIAL_EXIT", "SE", JOB_STATE_REQUEUED },
	{ "REQUEUE_HOLD", "RH", JOB_STATE_REQUEUED },
	{ "REQUEUE_FED", "RF", JOB_STATE_REQUEUED },
	{ "RESV_DEL_HOLD", "RD", JOB_STATE_PENDING },
	{ "REVOKED", "RV", JOB_STATE_CANCELLED },
};

#define SLURM_STATE_TABLE_LEN \
	(sizeof(slurm_state_table) / sizeof(slurm_state_table[0]))

int
slurm_state_from_string(const char *s)
{
	size_t len;

	if (s == NULL) {
		return MLOPS_EPARSE;
	}
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	/* The state is the first word: "CANCELLED by 1001". */
	len = strcspn(s, " \t\r\n");
	/* A fixed-width column marks a truncated value with '+'. */
	while (len > 0 && s[len - 1] == '+') {
		len--;
	}
	if (len == 0) {
		return MLOPS_EPARSE;
	}
	for (size_t i = 0; i < SLURM_STATE_TABLE_LEN; i++) {
		const char *name    = slurm_state_table[i].name;
		const char *compact = slurm_state_table[i].compact;

		if ((strlen(name) == len && strncasecmp(s, name, len) == 0)
		    || (compact != NULL && strlen(compact) == len
		        && strncasecmp(s, compact, len) == 0)) {
			return (int) slurm_state_table[i].state;
		}
	}
	return MLOPS_EPARSE;
}
