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
/** Sets the search text and the state filter ("" any) as the UI does. */
void mlops_project_page_set_filter(
    MlopsProjectPage *self, const char *search, const char *state);
/** Jobs the column view shows now (tests). */
guint mlops_project_page_count_jobs(MlopsProjectPage *self);
/** TRUE once the project's reply arrived. */
gboolean mlops_project_page_is_loaded(MlopsProjectPage *self);

G_END_DECLS

#endif
