/*
 * MlopsLaunchDialog's field errors: the row a daemon error names (by
 * Error.field, or the Hydra field an override error names) is marked with
 * the daemon's message and scrolled into view; the banner says it in
 * words. Main thread.
 */
#include "mlops-hydra-form.h"
#include "mlops-launch-dialog-private.h"
#include "mlops-model.h"
#include "mlops-util.h"

/* ---- field errors
 * ------------------------------------------------------------- */

void
launch_clear_error(MlopsLaunchDialog *self)
{
	if (self->error_widget != NULL) {
		gtk_widget_remove_css_class(self->error_widget, "error");
		if (ADW_IS_ACTION_ROW(self->error_widget)
		    && !ADW_IS_COMBO_ROW(self->error_widget)) {
			adw_action_row_set_subtitle(
			    ADW_ACTION_ROW(self->error_widget),
			    self->error_subtitle != NULL ? self->error_subtitle
			                                 : "");
		}
		gtk_widget_set_tooltip_text(self->error_widget, NULL);
		self->error_widget = NULL;
	}
	g_clear_pointer(&self->error_subtitle, g_free);
	g_clear_pointer(&self->error_field, g_free);
	g_clear_pointer(&self->error_message, g_free);
	mlops_hydra_form_clear_error(self->hydra_form);
	gtk_revealer_set_reveal_child(self->error_revealer, FALSE);
}

static GtkWidget *
launch_field_widget(MlopsLaunchDialog *self, enum mlops_launch_field f)
{
	switch (f) {
	case MLOPS_LAUNCH_FIELD_PROJECT:
		return GTK_WIDGET(self->project_row);
	case MLOPS_LAUNCH_FIELD_CLUSTER:
		return GTK_WIDGET(self->cluster_row);
	case MLOPS_LAUNCH_FIELD_PARTITION:
		return GTK_WIDGET(self->partition_row);
	case MLOPS_LAUNCH_FIELD_GPU_TYPE:
		return GTK_WIDGET(self->gpu_type_row);
	case MLOPS_LAUNCH_FIELD_GPUS:
		return self->gpus_row;
	case MLOPS_LAUNCH_FIELD_NODES:
		return self->nodes_row;
	case MLOPS_LAUNCH_FIELD_CPUS:
		return self->cpus_row;
	case MLOPS_LAUNCH_FIELD_MEM:
		return self->mem_row;
	case MLOPS_LAUNCH_FIELD_TIME:
		return self->time_row;
	case MLOPS_LAUNCH_FIELD_DESCRIPTION:
		return self->description_row;
	case MLOPS_LAUNCH_FIELD_CONFIG_NAME:
		return self->config_row;
	case MLOPS_LAUNCH_FIELD_OVERRIDES:
		return self->overrides_row;
	case MLOPS_LAUNCH_FIELD_DIRTY:
		return self->dirty_row;
	case MLOPS_LAUNCH_FIELD_NONE:
	default:
		return NULL;
	}
}

void
launch_show_form(MlopsLaunchDialog *self)
{
	gtk_stack_set_visible_child_name(self->stack, "form");
	adw_window_title_set_subtitle(self->window_title, "");
}

void
launch_scroll_to(MlopsLaunchDialog *self, GtkWidget *target, double where)
{
	GtkWidget       *sw, *content = NULL;
	GtkAdjustment   *adj;
	graphene_point_t p;

	(void) self;
	sw = target != NULL
	    ? gtk_widget_get_ancestor(target, GTK_TYPE_SCROLLED_WINDOW)
	    : NULL;
	if (sw != NULL) {
		content
		    = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(sw));
		if (GTK_IS_VIEWPORT(content)) {
			content
			    = gtk_viewport_get_child(GTK_VIEWPORT(content));
		}
	}
	/* In the scrolled content's own coordinates, y is the offset. */
	if (content != NULL
	    && gtk_widget_compute_point(
	        target, content, &GRAPHENE_POINT_INIT(0, 0), &p)) {
		adj = gtk_scrolled_window_get_vadjustment(
		    GTK_SCROLLED_WINDOW(sw));
		gtk_adjustment_set_value(
		    adj, p.y - gtk_adjustment_get_page_size(adj) * where);
	}
}

/* Brings the marked row to the upper third of the form. */
static gboolean
launch_scroll_to_error(gpointer data)
{
	MlopsLaunchDialog *self   = data;
	GtkWidget         *target = self->error_widget;

	if (target == NULL) {
		target = mlops_hydra_form_get_error_widget(self->hydra_form);
	}
	launch_scroll_to(self, target, 1.0 / 3.0);
	g_object_unref(self);
	return G_SOURCE_REMOVE;
}

/* Marks the field the daemon named, with its message, on the field. */
void
launch_show_error(
    MlopsLaunchDialog *self, const char *doing, const struct mlops_error *err)
{
	enum mlops_launch_field f    = mlops_model_launch_field(err->field);
	GtkWidget              *w    = launch_field_widget(self, f);
	g_autofree char        *text = mlops_util_error_text(doing, err);
	const char             *msg  = err->msg;
	size_t                  fl   = strlen(err->field);

	launch_clear_error(self);
	launch_show_form(self);
	/* On the field itself its name is redundant: "mem: bad" -> "bad". */
	if (fl > 0 && strncmp(msg, err->field, fl) == 0
	    && strncmp(msg + fl, ": ", 2) == 0) {
		msg += fl + 2;
	}
	self->error_field   = g_strdup(err->field);
	self->error_message = g_strdup(msg[0] ? msg : text);
	if (msg != err->msg) {
		struct mlops_error short_err = *err;

		g_strlcpy(short_err.msg, msg, sizeof(short_err.msg));
		g_free(text);
		text = mlops_util_error_text(doing, &short_err);
	}
	if (err->code == MLOPS_EDIRTY) {
		w = self->dirty_row;
		gtk_widget_set_visible(self->dirty_group, TRUE);
	}
	if (g_str_equal(err->field, "sweep")) {
		w = self->sweep_row;
	}
	/* An override of the Hydra form: marked on its field by the form. */
	if (g_str_equal(err->field, "overrides")
	    && mlops_hydra_form_mark_error(
	        self->hydra_form, err->msg, self->error_message)) {
		w = mlops_hydra_form_get_error_widget(self->hydra_form);
		gtk_widget_grab_focus(w);
		self->error_widget = NULL;
	} else if (w != NULL) {
		gtk_widget_add_css_class(w, "error");
		gtk_widget_set_tooltip_text(w, self->error_message);
		if (ADW_IS_ACTION_ROW(w) && !ADW_IS_COMBO_ROW(w)) {
			self->error_subtitle = g_strdup(
			    adw_action_row_get_subtitle(ADW_ACTION_ROW(w)));
			adw_action_row_set_subtitle(
			    ADW_ACTION_ROW(w), self->error_message);
		}
		self->error_widget = w;
		gtk_widget_grab_focus(w);
	}
	gtk_label_set_text(self->error_label, text);
	gtk_revealer_set_reveal_child(self->error_revealer, TRUE);
	/* The banner says it; a toast too would only cover the form. */
	if (w != NULL) {
		g_idle_add(launch_scroll_to_error, g_object_ref(self));
	}
	g_debug("launch error: field '%s': %s", err->field, text);
}
