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

G_END_DECLS

#endif
