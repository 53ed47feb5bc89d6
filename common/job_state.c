/*
 * job_state: the names of Mission Control's job states and which are
 * final. Pure tables, no state; any thread.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <mlops/error.h>
#include <mlops/job_state.h>

static const char *const job_state_names[JOB_STATE_COUNT] = {
	[JOB_STATE_SUBMITTING]    = "SUBMITTING",
	[JOB_STATE_PENDING]       = "PENDING",
	[JOB_STATE_CONFIGURING]   = "CONFIGURING",
	[JOB_STATE_RUNNING]       = "RUNNING",
	[JOB_STATE_COMPLETING]    = "COMPLETING",
	[JOB_STATE_SUSPENDED]     = "SUSPENDED",
	[JOB_STATE_REQUEUED]      = "REQUEUED",
	[JOB_STATE_PREEMPTED]     = "PREEMPTED",
	[JOB_STATE_COMPLETED]     = "COMPLETED",
	[JOB_STATE_FAILED]        = "FAILED",
	[JOB_STATE_CANCELLED]     = "CANCELLED",
	[JOB_STATE_TIMEOUT]       = "TIMEOUT",
	[JOB_STATE_OUT_OF_MEMORY] = "OUT_OF_MEMORY",
	[JOB_STATE_NODE_FAIL]     = "NODE_FAIL",
	[JOB_STATE_BOOT_FAIL]     = "BOOT_FAIL",
	[JOB_STATE_DEADLINE]      = "DEADLINE",
	[JOB_STATE_LOST]          = "LOST",
	[JOB_STATE_SUBMIT_FAILED] = "SUBMIT_FAILED",
};

const char *
job_state_name(enum job_state st)
{
	if ((int) st < 0 || (int) st >= JOB_STATE_COUNT) {
		return "INVALID";
	}
	return job_state_names[st];
}

int
job_state_parse(const char *name)
{
	if (name == NULL) {
		return MLOPS_EPARSE;
	}
	for (int i = 0; i < JOB_STATE_COUNT; i++) {
		if (strcasecmp(name, job_state_names[i]) == 0) {
			return i;
		}
	}
	return MLOPS_EPARSE;
}

bool
job_state_terminal(enum job_state st)
{
	switch (st) {
	case JOB_STATE_PREEMPTED:
	case JOB_STATE_COMPLETED:
	case JOB_STATE_FAILED:
	case JOB_STATE_CANCELLED:
	case JOB_STATE_TIMEOUT:
	case JOB_STATE_OUT_OF_MEMORY:
	case JOB_STATE_NODE_FAIL:
	case JOB_STATE_BOOT_FAIL:
	case JOB_STATE_DEADLINE:
	case JOB_STATE_LOST:
	case JOB_STATE_SUBMIT_FAILED:
		return true;
	default:
		return false;
	}
}
