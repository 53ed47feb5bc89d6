/*
 * The JSON form of a project's configuration, as the store keeps it
 * (projects.config_json). json-c; pure.
 */
#ifndef MLOPS_SERVER_PROJECT_JSON_H
#define MLOPS_SERVER_PROJECT_JSON_H

#include <stdbool.h>

#include "config.h"

/**
 * Serialises `pc` with defaults filled; `file_present` records whether a
 * .mlops-config.yaml existed. Caller frees.
 */
char *project_json_from_config(
    const struct project_config *pc, bool file_present);

/** A JSON array of the strings in `l`. Caller frees. */
char *project_json_strlist(const struct strlist *l);

#endif
