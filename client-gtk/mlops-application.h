/*
 * MlopsApplication: the AdwApplication. Owns the MlopsConnection and the
 * saved connection settings, the app actions (preferences, about, quit,
 * show-job for notifications), the command line (--connect,
 * --no-autostart) and job-end notifications. Main thread.
 */
#ifndef MLOPS_GTK_APPLICATION_H
#define MLOPS_GTK_APPLICATION_H

#include <adwaita.h>

#include "mlops-connection.h"

G_BEGIN_DECLS

#define MLOPS_APP_ID "org.mlops.MissionControl"

#define MLOPS_TYPE_APPLICATION (mlops_application_get_type())
G_DECLARE_FINAL_TYPE(
    MlopsApplication, mlops_application, MLOPS, APPLICATION, AdwApplication)

MlopsApplication *mlops_application_new(void);
MlopsConnection  *mlops_application_get_connection(MlopsApplication *self);

/** The saved settings (strings borrowed until the next set). */
void mlops_application_get_settings(
    MlopsApplication *self, struct mlops_connection_opts *out);
/**
 * Saves new settings to $XDG_CONFIG_HOME/mlops/gtk.ini and reconnects.
 * A --connect URL or $MLOPS_CONNECT keeps overriding the saved URL.
 */
void mlops_application_set_settings(
    MlopsApplication *self, const struct mlops_connection_opts *opts);
/** TRUE when --connect or $MLOPS_CONNECT decides the URL. */
gboolean mlops_application_url_overridden(MlopsApplication *self);

/**
 * Sends a desktop notification for a job that ended while no window of
 * ours is focused. Returns TRUE when one was due.
 */
gboolean mlops_application_notify_job_end(
    MlopsApplication *self, const Mlops__Job *job);

/** Runs the app (g_application_run()); returns its exit status. */
int mlops_application_run(MlopsApplication *self, int argc, char **argv);

G_END_DECLS

#endif
