/*
 * Small widget helpers shared by the screens. Main thread.
 */
#include <mlops/job_state.h>
#include <mlops/types.h>

#include "mlops-model.h"
#include "mlops-util.h"

static const enum mlops_badge util_badges[]
    = { MLOPS_BADGE_NEUTRAL, MLOPS_BADGE_QUEUED, MLOPS_BADGE_RUNNING,
	      MLOPS_BADGE_SUCCESS, MLOPS_BADGE_ERROR, MLOPS_BADGE_MUTED };

GtkWidget *
mlops_util_badge_new(void)
{
	GtkWidget *l = gtk_label_new("");

	gtk_widget_add_css_class(l, "badge");
	gtk_widget_set_valign(l, GTK_ALIGN_CENTER);
	gtk_widget_set_halign(l, GTK_ALIGN_START);
	return l;
}

void
mlops_util_badge_set(GtkWidget *badge, const Mlops__Job *j)
{
	int         st   = j != NULL ? mlops_job_state_of(j) : MLOPS_EPARSE;
	const char *name = st >= 0 ? job_state_name((enum job_state) st)
	    : j != NULL            ? j->state
	                           : "";

	for (size_t i = 0; i < G_N_ELEMENTS(util_badges); i++) {
		gtk_widget_remove_css_class(
		    badge, mlops_model_badge_class(util_badges[i]));
	}
	gtk_widget_add_css_class(
	    badge, mlops_model_badge_class(mlops_model_state_badge(st)));
	gtk_label_set_text(
	    GTK_LABEL(badge), mlops_model_state_label(st, name));
	g_object_set_data_full(G_OBJECT(badge), "mlops-state",
	    g_strdup(name != NULL ? name : ""), g_free);
}

const char *
mlops_util_badge_get_state(GtkWidget *badge)
{
	const char *s = g_object_get_data(G_OBJECT(badge), "mlops-state");

	return s != NULL ? s : "";
}

void
mlops_util_remove_children(GtkWidget *container)
{
	GtkWidget *child;

	while ((child = gtk_widget_get_first_child(container)) != NULL) {
		if (GTK_IS_LIST_BOX(container)) {
			gtk_list_box_remove(GTK_LIST_BOX(container), child);
		} else if (GTK_IS_FLOW_BOX(container)) {
			gtk_flow_box_remove(GTK_FLOW_BOX(container), child);
		} else if (GTK_IS_BOX(container)) {
			gtk_box_remove(GTK_BOX(container), child);
		} else {
			gtk_widget_unparent(child);
		}
	}
}

GtkWidget *
mlops_util_field_row(
    const char *title, const char *value, GtkWidget **value_out)
{
	GtkWidget *row = adw_action_row_new();
	GtkWidget *v   = gtk_label_new(value);

	adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
	gtk_label_set_selectable(GTK_LABEL(v), TRUE);
	gtk_label_set_wrap(GTK_LABEL(v), TRUE);
	gtk_label_set_wrap_mode(GTK_LABEL(v), PANGO_WRAP_WORD_CHAR);
	gtk_label_set_xalign(GTK_LABEL(v), 1.0);
	gtk_label_set_justify(GTK_LABEL(v), GTK_JUSTIFY_RIGHT);
	gtk_widget_set_hexpand(v, TRUE);
	gtk_widget_add_css_class(v, "field-value");
	adw_action_row_add_suffix(ADW_ACTION_ROW(row), v);
	if (value_out != NULL) {
		*value_out = v;
	}
	return row;
}

char *
mlops_util_error_text(const char *doing, const struct mlops_error *err)
{
	char buf[640];

	mlops_model_error_text(buf, sizeof(buf), doing, err->code, err->msg);
	return g_strdup(buf);
}

GtkWidget *
mlops_util_mono_view(void)
{
	GtkWidget *v = gtk_text_view_new();

	gtk_text_view_set_editable(GTK_TEXT_VIEW(v), FALSE);
	gtk_text_view_set_monospace(GTK_TEXT_VIEW(v), TRUE);
	gtk_text_view_set_cursor_visible(GTK_TEXT_VIEW(v), FALSE);
	gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(v), GTK_WRAP_NONE);
	gtk_text_view_set_left_margin(GTK_TEXT_VIEW(v), 8);
	gtk_text_view_set_right_margin(GTK_TEXT_VIEW(v), 8);
	gtk_text_view_set_top_margin(GTK_TEXT_VIEW(v), 6);
	gtk_text_view_set_bottom_margin(GTK_TEXT_VIEW(v), 6);
	gtk_widget_add_css_class(v, "mono-view");
	return v;
}
