/*
 * Small widget helpers shared by the screens: state badges, field rows,
 * error toasts' text. Main thread.
 */
#ifndef MLOPS_GTK_UTIL_H
#define MLOPS_GTK_UTIL_H

#include <adwaita.h>

#include <mlops/error.h>

#include "mlops.pb-c.h"

G_BEGIN_DECLS

/** A label styled as a state badge (pill); set it with badge_set(). */
GtkWidget *mlops_util_badge_new(void);
/**
 * Shows the state of job `j` on a badge: its words and its colour class.
 * NULL: no job yet ("Unknown").
 */
void mlops_util_badge_set(GtkWidget *badge, const Mlops__Job *j);
/**
 * The name of the state shown on a badge (job_state_name()'s, or the
 * daemon's for a state this app does not know), or "". Borrowed.
 */
const char *mlops_util_badge_get_state(GtkWidget *badge);

/** Removes every child of a GtkBox, GtkListBox or GtkFlowBox. */
void mlops_util_remove_children(GtkWidget *container);

/**
 * A row "title: value" for a boxed list, the value selectable. Returns
 * the row; `value_out` (may be NULL) gets the value label to update.
 */
GtkWidget *mlops_util_field_row(
    const char *title, const char *value, GtkWidget **value_out);

/** The toast text for a failed operation. Caller frees. */
char *mlops_util_error_text(const char *doing, const struct mlops_error *err);

/** A monospace, read-only text view. */
GtkWidget *mlops_util_mono_view(void);

G_END_DECLS

#endif
