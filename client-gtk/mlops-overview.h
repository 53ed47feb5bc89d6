/*
 * MlopsOverview: the first screen. One card per cluster (connection state,
 * GPUs free/total per type and partition, pending requests), the projects
 * with their git badges and a Sync button, and the latest jobs. Kept live
 * by the daemon's events. Main thread.
 */
#ifndef MLOPS_GTK_OVERVIEW_H
#define MLOPS_GTK_OVERVIEW_H

#include "mlops-window.h"

G_BEGIN_DECLS

#define MLOPS_TYPE_OVERVIEW (mlops_overview_get_type())
G_DECLARE_FINAL_TYPE(MlopsOverview, mlops_overview, MLOPS, OVERVIEW, AdwBin)

void mlops_overview_setup(MlopsOverview *self, MlopsWindow *win);
/** Lists clusters, GPUs, projects and jobs again. */
void mlops_overview_refresh(MlopsOverview *self);
/** Shows and focuses the job search. */
void mlops_overview_focus_search(MlopsOverview *self);

G_END_DECLS

#endif
