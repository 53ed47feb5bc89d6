/*
 * MlopsWindow: the main window. Holds the toast overlay, the "daemon went
 * away" banner, the page leaflet (overview, project, job) and the app's
 * job store, which lists and events keep up to date. Main thread.
 */
#ifndef MLOPS_GTK_WINDOW_H
#define MLOPS_GTK_WINDOW_H

#include <adwaita.h>

#include "mlops-connection.h"
#include "mlops-job-row.h"

G_BEGIN_DECLS

#define MLOPS_TYPE_WINDOW (mlops_window_get_type())
G_DECLARE_FINAL_TYPE(
    MlopsWindow, mlops_window, MLOPS, WINDOW, AdwApplicationWindow)

MlopsWindow *mlops_window_new(GtkApplication *app, MlopsConnection *conn);

MlopsConnection *mlops_window_get_connection(MlopsWindow *self);

/** Shows a toast. */
void mlops_window_toast(MlopsWindow *self, const char *text);
/** A toast for a failed operation: what failed and why, in words. */
void mlops_window_toast_error(
    MlopsWindow *self, const char *doing, const struct mlops_error *err);

void mlops_window_show_overview(MlopsWindow *self);
void mlops_window_show_project(MlopsWindow *self, const char *name);
void mlops_window_show_job(MlopsWindow *self, gint64 id);
/** Opens the Launch dialog for `project` (NULL: the current one). */
void mlops_window_open_launch(MlopsWindow *self, const char *project);

/** Every job the app knows, newest first (MlopsJobRow items). */
GListModel *mlops_window_get_jobs(MlopsWindow *self);
/** Adds or updates a job; returns its row (borrowed). */
MlopsJobRow *mlops_window_upsert_job(MlopsWindow *self, const Mlops__Job *j);
/** The row of job `id`, or NULL. Borrowed. */
MlopsJobRow *mlops_window_lookup_job(MlopsWindow *self, gint64 id);

G_END_DECLS

#endif
