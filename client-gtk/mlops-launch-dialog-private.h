/*
 * MlopsLaunchDialog's instance struct and the helpers its three files
 * share: mlops-launch-dialog.c (drop-downs, requests, the GObject),
 * mlops-launch-dialog-errors.c (marking the fields the daemon names) and
 * mlops-launch-dialog-hydra.c (the Hydra form's overrides). Main thread.
 */
#ifndef MLOPS_GTK_LAUNCH_DIALOG_PRIVATE_H
#define MLOPS_GTK_LAUNCH_DIALOG_PRIVATE_H

#include <mlops/error.h>

#include "mlops-hydra-form.h"
#include "mlops-launch-dialog.h"

G_BEGIN_DECLS

struct _MlopsLaunchDialog {
	AdwWindow parent_instance;

	AdwToastOverlay    *toast_overlay;
	AdwWindowTitle     *window_title;
	GtkWidget          *submit_button;
	GtkWidget          *preview_button;
	GtkRevealer        *error_revealer;
	GtkLabel           *error_label;
	AdwPreferencesPage *page;
	GtkStack           *stack;
	GtkWidget          *edit_button;
	AdwComboRow        *project_row;
	AdwComboRow        *cluster_row;
	AdwComboRow        *partition_row;
	GtkWidget          *dirty_group;
	GtkWidget          *dirty_row;
	GtkSwitch          *dirty_switch;
	AdwComboRow        *gpu_type_row;
	GtkWidget          *gpus_row;
	GtkSpinButton      *gpus_spin;
	GtkWidget          *nodes_row;
	GtkSpinButton      *nodes_spin;
	GtkWidget          *cpus_row;
	GtkSpinButton      *cpus_spin;
	GtkWidget          *mem_row;
	GtkWidget          *time_row;
	GtkWidget          *description_row;
	GtkWidget          *config_row;
	GtkWidget          *overrides_row;
	MlopsHydraForm     *hydra_form;
	GtkWidget          *no_validate_row;
	GtkSwitch          *no_validate_switch;
	GtkWidget          *sweep_row;
	GtkSwitch          *sweep_switch;
	GtkWidget          *max_parallel_row;
	GtkSpinButton      *max_parallel_spin;
	GtkWidget          *summary_row;
	GtkWidget          *preview_group;
	GtkTextView        *preview_view;

	MlopsWindow     *win; /* weak */
	MlopsConnection *conn;
	char            *initial_project;

	Mlops__Response *projects; /* ProjectListReply */
	Mlops__Response *clusters; /* ClusterListReply */
	Mlops__Response *gpus;     /* ClusterGpusReply */
	int              pending;  /* lists still to come */

	/* The values behind each drop-down's labels. */
	GPtrArray *project_values, *cluster_values, *partition_values,
	    *gpu_type_values;

	gboolean   busy;
	char      *error_field;
	char      *error_message;
	GtkWidget *error_widget;
	char      *error_subtitle; /* the row's own subtitle, to restore */
	gboolean   filling;
	guint      config_timer;  /* config name typed: ask again soon */
	char      *hydra_missing; /* mandatory Hydra fields not given */
};

/* mlops-launch-dialog.c */
const Mlops__Project *launch_project(MlopsLaunchDialog *self);
void                  launch_update_sensitive(MlopsLaunchDialog *self);

/* mlops-launch-dialog-errors.c */
void launch_show_form(MlopsLaunchDialog *self);
/** Scrolls the form so that `target` starts at `where` (0: the top, 0.5:
 * the middle) of the view. */
void launch_scroll_to(
    MlopsLaunchDialog *self, GtkWidget *target, double where);
void launch_clear_error(MlopsLaunchDialog *self);
/** Marks the field the daemon named, with its message, on the field. */
void launch_show_error(
    MlopsLaunchDialog *self, const char *doing, const struct mlops_error *err);

/* mlops-launch-dialog-hydra.c */
/**
 * The overrides sent: the Hydra form's, then the free-text ones
 * (NULL-terminated, freed with mlops_model_strv_free()), or NULL when a
 * quote of the free text is not closed.
 */
char **launch_overrides(MlopsLaunchDialog *self, size_t *n);
/** Redraws the list sent, the sweep's task count, what is missing. */
void launch_update_overrides(MlopsLaunchDialog *self);
/** Asks for the chosen project's Hydra config (and config name). */
void launch_load_config(MlopsLaunchDialog *self);
/** Connects the Hydra part's signals (from init). */
void launch_hydra_connect(MlopsLaunchDialog *self);

G_END_DECLS

#endif
