/*
 * MlopsLaunchDialog: the Launch form. Cluster, partition and GPU type
 * drop-downs filled from the daemon (GPU types show their free count),
 * resources, description and overrides; a dirty-tree warning with "allow
 * dirty"; a preview of the rendered sbatch script (a dry run); fields the
 * daemon rejects are marked with its message. Actions "launch.preview"
 * and "launch.submit". Main thread.
 */
#ifndef MLOPS_GTK_LAUNCH_DIALOG_H
#define MLOPS_GTK_LAUNCH_DIALOG_H

#include "mlops-window.h"

G_BEGIN_DECLS

#define MLOPS_TYPE_LAUNCH_DIALOG (mlops_launch_dialog_get_type())
G_DECLARE_FINAL_TYPE(
    MlopsLaunchDialog, mlops_launch_dialog, MLOPS, LAUNCH_DIALOG, AdwWindow)

/** A dialog over `win`, with `project` (may be NULL) preselected. */
MlopsLaunchDialog *mlops_launch_dialog_new(
    MlopsWindow *win, const char *project);

/**
 * Sets one field through the same widgets a user changes: "project",
 * "cluster", "partition", "gpu_type", "gpus", "nodes", "cpus_per_task",
 * "mem", "time_limit", "description", "config_name", "overrides",
 * "allow_dirty", "sweep", "no_validate" (shown only when the Hydra config
 * cannot be read) ("true"/"false"), "max_parallel", and
 * "hydra:KEY" for a field of the Hydra form (an option, a number, text);
 * "show" with "hydra" or "overrides" scrolls that part to the top.
 * FALSE when the field or the choice is unknown.
 */
gboolean mlops_launch_dialog_set_field(
    MlopsLaunchDialog *self, const char *field, const char *value);
/**
 * What the Hydra form shows, for the test script: "state" (none, loading,
 * ready, error), "fields", "groups", "overrides" (the list sent, as
 * shown), "missing" (mandatory keys not given), "tasks" (of a sweep),
 * "error" (the key of the field marked invalid). NULL for another `what`.
 * Caller frees.
 */
char *mlops_launch_dialog_describe_hydra(
    MlopsLaunchDialog *self, const char *what);
/** TRUE once the drop-downs are filled. */
gboolean mlops_launch_dialog_is_ready(MlopsLaunchDialog *self);
/** The previewed script, or NULL. Borrowed. */
const char *mlops_launch_dialog_get_preview(MlopsLaunchDialog *self);
/** The field marked invalid and its message, or NULL. Borrowed. */
const char *mlops_launch_dialog_get_field_error(
    MlopsLaunchDialog *self, const char **field);

G_END_DECLS

#endif
