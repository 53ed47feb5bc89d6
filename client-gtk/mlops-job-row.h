/*
 * MlopsJobRow: one job as an item of a GListModel. Owns a copy of the
 * daemon's Job message and replaces it when an event or a reply brings a
 * newer one, notifying "job" so that bound widgets redraw. Main thread.
 */
#ifndef MLOPS_GTK_JOB_ROW_H
#define MLOPS_GTK_JOB_ROW_H

#include <glib-object.h>

#include "mlops.pb-c.h"

G_BEGIN_DECLS

#define MLOPS_TYPE_JOB_ROW (mlops_job_row_get_type())
G_DECLARE_FINAL_TYPE(MlopsJobRow, mlops_job_row, MLOPS, JOB_ROW, GObject)

/** A row holding a copy of `job` (borrowed). */
MlopsJobRow *mlops_job_row_new(const Mlops__Job *job);
/** The job; borrowed until the next update. Never NULL. */
const Mlops__Job *mlops_job_row_get_job(MlopsJobRow *self);
gint64            mlops_job_row_get_id(MlopsJobRow *self);
/**
 * Replaces the job with a copy of `job`. A reply without the sbatch script
 * keeps the script already known. Notifies "job".
 */
void mlops_job_row_update(MlopsJobRow *self, const Mlops__Job *job);

G_END_DECLS

#endif
