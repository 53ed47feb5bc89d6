/*
 * Internals of the Hydra syntax library (mlops_hydra_syntax): the parsed
 * form of one override, shared by its sweep expander and the daemon's
 * override validation and composer (server/hydra/, the only other folder
 * whose include path holds this directory). Clients use
 * <mlops/hydra_syntax.h> alone.
 */
#ifndef MLOPS_COMMON_HYDRA_SYNTAX_IMPL_H
#define MLOPS_COMMON_HYDRA_SYNTAX_IMPL_H

#include <stddef.h>

#include <mlops/error.h>
#include <mlops/hydra_syntax.h>

/* The field every override error names (struct mlops_error.field). */
#define HYDRA_FIELD "overrides"

enum hydra_op {
	HYDRA_OP_SET,   /* key=value */
	HYDRA_OP_ADD,   /* +key=value */
	HYDRA_OP_FORCE, /* ++key=value */
	HYDRA_OP_DEL,   /* ~key[=value] */
};

enum hydra_vkind {
	HYDRA_V_PRIM,   /* unquoted primitive */
	HYDRA_V_QUOTED, /* 'quoted' or "quoted" */
	HYDRA_V_LIST,   /* [a,b] */
	HYDRA_V_DICT,   /* {a:1,b:2} */
	HYDRA_V_FUNC,   /* name(args) */
	HYDRA_V_SWEEP,  /* a,b,c at the top level */
};

struct hydra_val {
	enum hydra_vkind   kind;
	enum hydra_type    type;  /* PRIM and QUOTED */
	char              *text;  /* source text, trimmed */
	char              *str;   /* PRIM/QUOTED: decoded; FUNC: name */
	struct hydra_val **items; /* LIST, DICT values, FUNC args, SWEEP */
	char             **names; /* DICT keys; FUNC argument names or NULL */
	size_t             n;
};

struct hydra_ovr {
	enum hydra_op     op;
	char             *text;     /* the override as given */
	char             *key;      /* key or group path, no prefix */
	char             *package;  /* after '@', or NULL */
	char             *key_elem; /* prefix + key[@package] */
	struct hydra_val *value;    /* NULL when there is no '=' */
};

/**
 * Parses one override (OverrideParser.g4 of Hydra 1.3). On success *out
 * is set; the caller frees it with hydra_ovr_free(). Returns 0 or
 * MLOPS_EINVAL with "overrides: <text>: <why>".
 */
int hydra_ovr_parse(
    struct hydra_ovr **out, const char *text, struct mlops_error *err);
/** Frees a parsed override; NULL is a no-op. */
void hydra_ovr_free(struct hydra_ovr *o);

#endif
