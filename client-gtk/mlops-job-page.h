/*
 * MlopsJobPage: one job in full (every field, the sbatch script), its log
 * viewer (monospace; follow reads on as the job's events arrive;
 * stdout/stderr; a large log shows its end), Cancel with a confirmation
 * and Open in WandB. Main thread.
 */
#ifndef MLOPS_GTK_JOB_PAGE_H
#define MLOPS_GTK_JOB_PAGE_H

#include "mlops-window.h"

G_BEGIN_DECLS

#define MLOPS_TYPE_JOB_PAGE (mlops_job_page_get_type())
G_DECLARE_FINAL_TYPE(MlopsJobPage, mlops_job_page, MLOPS, JOB_PAGE, AdwBin)

void   mlops_job_page_setup(MlopsJobPage *self, MlopsWindow *win);
void   mlops_job_page_show(MlopsJobPage *self, gint64 id);
gint64 mlops_job_page_get_id(MlopsJobPage *self);
void   mlops_job_page_refresh(MlopsJobPage *self);

G_END_DECLS

#endif
