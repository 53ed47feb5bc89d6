/*
 * Shared enums and their names: cluster connection states, mapped to and
 * from the wire enum and to display strings. Pure.
 */
#ifndef MLOPS_COMMON_TYPES_H
#define MLOPS_COMMON_TYPES_H

#include "mlops.pb-c.h"

/** "connected", "unreachable", ... for a wire ClusterState. Never NULL. */
const char *mlops_cluster_state_name(Mlops__ClusterState s);

/** True when `s` is a safe name: [A-Za-z0-9._-]{1,64}, not "." or "..". */
int mlops_name_valid(const char *s);

#endif
