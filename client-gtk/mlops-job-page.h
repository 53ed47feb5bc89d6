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
/** The state its badge shows (the daemon's name), or "" (tests). */
const char *mlops_job_page_get_shown_state(MlopsJobPage *self);
/** What the log area says: its status line, or "" (tests). */
const char *mlops_job_page_get_log_status(MlopsJobPage *self);
/** The text the log viewer shows (tests). Borrowed until the next call. */
const char *mlops_job_page_get_log_text(MlopsJobPage *self);
/** TRUE once a log request completed, with text or a reason (tests). */
gboolean mlops_job_page_log_settled(MlopsJobPage *self);
/* The W&B run URL the page offers to open, or NULL. */
const char *mlops_job_page_get_wandb_url(MlopsJobPage *self);
/* Shows stdout or stderr, as the switch above the log does. */
void mlops_job_page_set_stream(MlopsJobPage *self, gboolean stderr_stream);

G_END_DECLS

#endif
