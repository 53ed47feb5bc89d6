/*
 * MlopsHydraForm: the Launch dialog's form of a project's Hydra config, an
 * AdwPreferencesGroup built from a ProjectConfigReply: a drop-down per
 * config group (its default preselected), a spin button per int, a switch
 * per bool, an entry per float, string or other value, one expander row
 * per top-level key; mandatory (???) fields are marked until given. In
 * sweep mode every field takes Hydra's multirun syntax instead. The
 * overrides come from mlops-hydra-model.c (changed values only). Emits
 * "changed" on every edit. Main thread.
 */
#ifndef MLOPS_GTK_HYDRA_FORM_H
#define MLOPS_GTK_HYDRA_FORM_H

#include <adwaita.h>

#include "mlops-connection.h"
#include "mlops.pb-c.h"

G_BEGIN_DECLS

#define MLOPS_TYPE_HYDRA_FORM (mlops_hydra_form_get_type())
G_DECLARE_FINAL_TYPE(
    MlopsHydraForm, mlops_hydra_form, MLOPS, HYDRA_FORM, AdwPreferencesGroup)

/** What the form shows. */
typedef enum {
	MLOPS_HYDRA_FORM_NONE,    /* no Hydra config: hidden */
	MLOPS_HYDRA_FORM_LOADING, /* asked the daemon */
	MLOPS_HYDRA_FORM_READY,   /* the fields */
	MLOPS_HYDRA_FORM_ERROR,   /* why the config cannot be read */
} MlopsHydraFormState;

MlopsHydraForm *mlops_hydra_form_new(void);

/**
 * Asks the daemon for `project`'s config (`config_name` "" or NULL: the
 * default) without blocking, and shows it when it comes: the fields, no
 * form (the project has no config dir), or the daemon's error in words.
 * A newer call, or the form going away, voids an older one.
 */
void mlops_hydra_form_load(MlopsHydraForm *self, MlopsConnection *conn,
    const char *project, const char *config_name);

/** Empties the form and says it is reading the config. */
void mlops_hydra_form_show_loading(MlopsHydraForm *self);
/** Builds the fields of `r` (copied). */
void mlops_hydra_form_show_config(
    MlopsHydraForm *self, const Mlops__ProjectConfigReply *r);
/** No Hydra config: no fields, and the form hides. */
void mlops_hydra_form_show_none(MlopsHydraForm *self);
/** The config cannot be read: `text` in words, no fields. */
void mlops_hydra_form_show_error(MlopsHydraForm *self, const char *text);
MlopsHydraFormState mlops_hydra_form_get_state(MlopsHydraForm *self);

/** Sweep mode: every field takes a list of values. */
void mlops_hydra_form_set_sweep(MlopsHydraForm *self, gboolean sweep);

/**
 * The overrides of the changed fields (NULL-terminated; free with
 * mlops_model_strv_free()); `n` may be NULL.
 */
char **mlops_hydra_form_get_overrides(MlopsHydraForm *self, size_t *n);
/** The keys of mandatory fields not given yet, space-separated, or NULL.
 * Caller frees. */
char *mlops_hydra_form_get_missing(MlopsHydraForm *self);

/**
 * Marks the field a daemon error about the overrides names, with `msg`
 * (the message without its "overrides: " field name). FALSE when no
 * field of the form is named.
 */
gboolean mlops_hydra_form_mark_error(
    MlopsHydraForm *self, const char *message, const char *msg);
void mlops_hydra_form_clear_error(MlopsHydraForm *self);
/** The key of the field marked invalid, or NULL. Borrowed. */
const char *mlops_hydra_form_get_error_key(MlopsHydraForm *self);
/** The row marked invalid, or NULL, to scroll to. */
GtkWidget *mlops_hydra_form_get_error_widget(MlopsHydraForm *self);

G_END_DECLS

#endif
