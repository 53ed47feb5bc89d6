/*
 * The Launch form's Hydra view-model: the fields a ProjectConfigReply
 * offers (a choice per config group, a typed value per leaf), which of them
 * the user changed, and the overrides those changes make, quoted as Hydra's
 * override grammar needs (mlops-hydra-syntax.h); and which field a daemon
 * error names. No GTK, no I/O: the unit tests
 * (tests/unit/gtk/test_hydra_model.c) run it without a display.
 */
#ifndef MLOPS_GTK_HYDRA_MODEL_H
#define MLOPS_GTK_HYDRA_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "mlops.pb-c.h"

/** How a field is edited, and how its text becomes an override. */
enum mlops_hydra_kind {
	MLOPS_HYDRA_GROUP, /* a config group: one of its options */
	MLOPS_HYDRA_INT,   /* a decimal int: a spin button */
	MLOPS_HYDRA_BOOL,  /* a switch: "true" / "false" */
	MLOPS_HYDRA_FLOAT, /* an entry; sent as typed (quoted if it must be) */
	MLOPS_HYDRA_STRING, /* an entry; quoted when Hydra would read another
	                       type or cannot read it unquoted */
	MLOPS_HYDRA_TEXT,   /* null, ???, ${...}, [] or {}: Hydra syntax as
	                       typed */
};

/** One field of the form. Read-only outside mlops-hydra-model.c. */
struct mlops_hydra_field {
	enum mlops_hydra_kind kind;
	char *key; /* override key: "trainer.devices", "model", "db@backup";
	              for a group outside the defaults list, its path */
	char *section; /* top-level key it is shown under; "" at the top */
	char *label;   /* the key inside its section ("devices") */
	char *type;    /* the daemon's type name; "group" for a group */
	char *
	    initial;   /* the text of the default: the value as written ("null"
	                  for a null, "" for ???), a group's choice ("": none) */
	char  *source; /* "trainer/default.yaml:3", or "" */
	char  *group;  /* a group's path ("model/encoder"), else "" */
	char **options; /* a group's options */
	size_t noptions;
	bool   mandatory; /* ??? value, or `- group: ???` */
	bool   optional;  /* a group that may be left out (`~key`) */
	bool   add;       /* a group not in the defaults list: `+group=x` */
	char  *value;     /* the text now (== initial until changed) */
	char  *sweep;     /* the text in sweep mode (NULL: value) */
};

struct mlops_hydra_model;

/**
 * The fields of a composed config: groups first (defaults-list order,
 * Hydra's own hydra/... groups left out), then the leaves in the daemon's
 * order. Caller frees with mlops_hydra_model_free().
 */
struct mlops_hydra_model *mlops_hydra_model_new(
    const Mlops__ProjectConfigReply *r);
void mlops_hydra_model_free(struct mlops_hydra_model *m);

size_t mlops_hydra_model_nfields(const struct mlops_hydra_model *m);
const struct mlops_hydra_field *mlops_hydra_model_field(
    const struct mlops_hydra_model *m, size_t i);
/** The index of the field with override key `key`, or -1. */
int mlops_hydra_model_find(const struct mlops_hydra_model *m, const char *key);

/** Sets a field's text (a group's option, "" for none). */
void mlops_hydra_model_set(
    struct mlops_hydra_model *m, size_t i, const char *text);
/** Sets a field's text in sweep mode (Hydra multirun syntax). */
void mlops_hydra_model_set_sweep_text(
    struct mlops_hydra_model *m, size_t i, const char *text);
/** Sweep mode on or off: which text of each field counts. */
void mlops_hydra_model_set_sweep(struct mlops_hydra_model *m, bool sweep);
bool mlops_hydra_model_get_sweep(const struct mlops_hydra_model *m);

/** The text that counts now (the sweep text in sweep mode). */
const char *mlops_hydra_model_text(
    const struct mlops_hydra_model *m, size_t i);
/** True when the field's text differs from its default. */
bool mlops_hydra_model_changed(const struct mlops_hydra_model *m, size_t i);
/**
 * True when a changed group above decides the field: its value comes from
 * the group's default option (its file is under the group's directory), so
 * it is not offered and makes no override.
 */
bool mlops_hydra_model_shadowed(const struct mlops_hydra_model *m, size_t i);
/** The index of the changed group that decides field `i`, or -1. */
int mlops_hydra_model_shadowed_by(const struct mlops_hydra_model *m, size_t i);
/** True when the field is mandatory and not given yet. */
bool mlops_hydra_model_missing(const struct mlops_hydra_model *m, size_t i);

/**
 * The override a field makes ("key=value", "model=large", "~db",
 * "+experiment=big"), or NULL when it makes none. Caller frees.
 */
char *mlops_hydra_model_override(const struct mlops_hydra_model *m, size_t i);
/**
 * The overrides of every changed field, in field order; NULL-terminated,
 * freed with mlops_model_strv_free(). `n` (may be NULL) gets the count.
 */
char **mlops_hydra_model_overrides(
    const struct mlops_hydra_model *m, size_t *n);

/**
 * The field a daemon error about the overrides names (Error.message of an
 * EINVAL with field "overrides": "overrides: lr=x: expected a float",
 * "overrides: unknown key 'k' ...", "overrides: 'k' is mandatory ..."), or
 * -1 when it names none of them.
 */
int mlops_hydra_model_error_field(
    const struct mlops_hydra_model *m, const char *message);

#endif
