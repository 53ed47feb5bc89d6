/*
 * Small facts about the database itself (the meta table).
 */
#ifndef MLOPS_SERVER_STORE_META_H
#define MLOPS_SERVER_STORE_META_H

#include <mlops/error.h>

struct store;

/**
 * This database's instance id (8 hex digits, made by migration 0003).
 * Caller frees *out. Returns 0, MLOPS_ENOTFOUND or MLOPS_EIO.
 */
int store_instance_id(char **out, struct store *st, struct mlops_error *err);

#endif
