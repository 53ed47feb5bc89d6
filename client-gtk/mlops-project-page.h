/*
 * MlopsProjectPage: one project's git state, its .mlops-config.yaml
 * summary and its job history in a GtkColumnView, narrowed by a search
 * entry and a state filter as `mlops jobs --search --state` narrows.
 * Main thread.
 */
#ifndef MLOPS_GTK_PROJECT_PAGE_H
#define MLOPS_GTK_PROJECT_PAGE_H

#include "mlops-window.h"

G_BEGIN_DECLS

#define MLOPS_TYPE_PROJECT_PAGE (mlops_project_page_get_type())
G_DECLARE_FINAL_TYPE(
    MlopsProjectPage, mlops_project_page, MLOPS, PROJECT_PAGE, AdwBin)

void mlops_project_page_setup(MlopsProjectPage *self, MlopsWindow *win);
/** Shows project `name` and fetches it and its jobs. */
void        mlops_project_page_show(MlopsProjectPage *self, const char *name);
const char *mlops_project_page_get_name(MlopsProjectPage *self);
void        mlops_project_page_refresh(MlopsProjectPage *self);
void        mlops_project_page_focus_search(MlopsProjectPage *self);

G_END_DECLS

#endif
