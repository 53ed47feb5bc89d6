/*
 * Names of shared enums, job states to and from the wire, and the name
 * allow-list. Pure.
 */
#include <string.h>

#include <mlops/error.h>
#include <mlops/types.h>

/* The wire enum is job_state + 1 (proto/mlops.proto); test_types checks
 * every value's name, these its two ends. */
_Static_assert(
    MLOPS__JOB_STATE__JOB_STATE_SUBMITTING == JOB_STATE_SUBMITTING + 1,
    "JobState starts at SUBMITTING = 1");
_Static_assert(MLOPS__JOB_STATE__JOB_STATE_SUBMIT_FAILED == JOB_STATE_COUNT,
    "JobState ends at SUBMIT_FAILED, as enum job_state does");

const char *
mlops_cluster_state_name(Mlops__ClusterState s)
{
	switch (s) {
	case MLOPS__CLUSTER_STATE__CLUSTER_STATE_DISCONNECTED:
		return "disconnected";
	case MLOPS__CLUSTER_STATE__CLUSTER_STATE_CONNECTING:
		return "connecting";
	case MLOPS__CLUSTER_STATE__CLUSTER_STATE_CONNECTED:
		return "connected";
	case MLOPS__CLUSTER_STATE__CLUSTER_STATE_UNREACHABLE:
		return "unreachable";
	default:
		return "unknown";
	}
}

Mlops__JobState
mlops_job_state_to_wire(enum job_state st)
{
	if ((int) st < 0 || (int) st >= JOB_STATE_COUNT) {
		return MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED;
	}
	return (Mlops__JobState) (st + 1);
}

int
mlops_job_state_from_wire(Mlops__JobState w, const char *name)
{
	if ((int) w > 0 && (int) w <= JOB_STATE_COUNT) {
		return (int) w - 1;
	}
	/* unset (a daemon before 1.4), or a state newer than this client */
	return job_state_parse(name);
}

int
mlops_job_state_of(const Mlops__Job *j)
{
	return mlops_job_state_from_wire(j->job_state, j->state);
}

int
mlops_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 64 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
		return 0;
	}
	return strspn(s,
	           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	           "0123456789._-")
	    == n;
}
