/*
 * Names of shared enums and the name allow-list. Pure.
 */
#include <string.h>

#include <mlops/types.h>

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
