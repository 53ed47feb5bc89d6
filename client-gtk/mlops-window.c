/*
 * MlopsWindow: the main window. Navigation between the overview, project
 * and job pages (an AdwLeaflet with our own back history), toasts, the
 * banner that says when the daemon went away, and the job store that
 * replies and JobEvents keep current. Main thread.
 */
#include <mlops/job_state.h>
#include <mlops/types.h>

#include "mlops-application.h"
#include "mlops-job-page.h"
#include "mlops-launch-dialog.h"
#include "mlops-model.h"
#include "mlops-overview.h"
#include "mlops-project-page.h"
#include "mlops-util.h"
#include "mlops-window.h"

struct _MlopsWindow {
	AdwApplicationWindow parent_instance;

	AdwToastOverlay  *toast_overlay;
	GtkWidget        *back_button;
	AdwWindowTitle   *window_title;
	GtkRevealer      *banner_revealer;
	GtkLabel         *banner_label;
	GtkWidget        *banner_button;
	AdwLeaflet       *leaflet;
	MlopsOverview    *overview;
	MlopsProjectPage *project_page;
	MlopsJobPage     *job_page;

	MlopsConnection *conn;
	GListStore      *jobs;    /* MlopsJobRow, newest first */
	GArray          *job_ids; /* gint64, parallel to jobs */
	GHashTable      *job_by_id;
	GPtrArray       *history;       /* page names to go back to */
	GtkWidget       *launch_dialog; /* weak */
};

G_DEFINE_FINAL_TYPE(MlopsWindow, mlops_window, ADW_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_CONNECTION, N_PROPS };
static GParamSpec *window_props[N_PROPS];

MlopsConnection *
mlops_window_get_connection(MlopsWindow *self)
{
	return self->conn;
}

/* ---- toasts --------------------------------------------------------------
 */

void
mlops_window_toast(MlopsWindow *self, const char *text)
{
	AdwToast *t = adw_toast_new(text);

	adw_toast_set_timeout(t, 5);
	adw_toast_overlay_add_toast(self->toast_overlay, t);
	g_debug("toast: %s", text);
}

void
mlops_window_toast_error(
    MlopsWindow *self, const char *doing, const struct mlops_error *err)
{
	g_autofree char *text = mlops_util_error_text(doing, err);

	mlops_window_toast(self, text);
}

/* ---- jobs ----------------------------------------------------------------
 */

GListModel *
mlops_window_get_jobs(MlopsWindow *self)
{
	return G_LIST_MODEL(self->jobs);
}

MlopsJobRow *
mlops_window_lookup_job(MlopsWindow *self, gint64 id)
{
	return g_hash_table_lookup(self->job_by_id, &id);
}

MlopsJobRow *
mlops_window_upsert_job(MlopsWindow *self, const Mlops__Job *j)
{
	MlopsJobRow *row = mlops_window_lookup_job(self, j->id);
	gint64      *key;
	size_t       pos;
	bool         exists;

	if (row != NULL) {
		mlops_job_row_update(row, j);
		return row;
	}
	row = mlops_job_row_new(j);
	pos = mlops_model_job_insert_pos((const int64_t *) self->job_ids->data,
	    self->job_ids->len, j->id, &exists);
	g_array_insert_val(self->job_ids, pos, j->id);
	key  = g_new(gint64, 1);
	*key = j->id;
	g_hash_table_insert(self->job_by_id, key, row);
	g_list_store_insert(self->jobs, (guint) pos, row);
	g_object_unref(row); /* the store holds it */
	return row;
}

static void
window_on_event(MlopsConnection *conn, gpointer evp, MlopsWindow *self)
{
	Mlops__Event *ev = evp;
	MlopsJobRow  *row;
	int           prev;

	(void) conn;
	if (ev->body_case != MLOPS__EVENT__BODY_JOB || ev->job == NULL
	    || ev->job->job == NULL) {
		return;
	}
	row  = mlops_window_lookup_job(self, ev->job->job->id);
	prev = mlops_job_state_from_wire(
	    ev->job->previous_job_state, ev->job->previous_state);
	if (prev < 0 && row != NULL) {
		prev = mlops_job_state_of(mlops_job_row_get_job(row));
	}
	/* A job that just ended, seen while we are not in front. */
	if (ev->job->job->terminal && prev >= 0 && !job_state_terminal(prev)) {
		mlops_application_notify_job_end(
		    MLOPS_APPLICATION(
		        gtk_window_get_application(GTK_WINDOW(self))),
		    ev->job->job);
	}
	mlops_window_upsert_job(self, ev->job->job);
}

/* ---- navigation
 * ------------------------------------------------------------- */

/* "overview", "project" or "job". */
static const char *
window_page_name(MlopsWindow *self)
{
	const char *n = adw_leaflet_get_visible_child_name(self->leaflet);

	return n != NULL ? n : "overview";
}

static void
window_update_title(MlopsWindow *self)
{
	const char      *page = window_page_name(self);
	g_autofree char *sub  = NULL;

	if (g_str_equal(page, "project")) {
		sub = g_strdup_printf("Project %s",
		    mlops_project_page_get_name(self->project_page));
	} else if (g_str_equal(page, "job")) {
		sub = g_strdup_printf("Job %" G_GINT64_FORMAT,
		    mlops_job_page_get_id(self->job_page));
	} else {
		sub = g_strdup(mlops_connection_get_url(self->conn));
	}
	adw_window_title_set_subtitle(self->window_title, sub);
	gtk_widget_set_visible(self->back_button, self->history->len > 0);
}

static void
window_go(MlopsWindow *self, const char *page)
{
	const char *cur = window_page_name(self);

	if (!g_str_equal(cur, page)) {
		g_ptr_array_add(self->history, g_strdup(cur));
	}
	adw_leaflet_set_visible_child_name(self->leaflet, page);
	window_update_title(self);
}

void
mlops_window_show_overview(MlopsWindow *self)
{
	g_ptr_array_set_size(self->history, 0);
	adw_leaflet_set_visible_child_name(self->leaflet, "overview");
	window_update_title(self);
}

void
mlops_window_show_project(MlopsWindow *self, const char *name)
{
	mlops_project_page_show(self->project_page, name);
	window_go(self, "project");
}

void
mlops_window_show_job(MlopsWindow *self, gint64 id)
{
	mlops_job_page_show(self->job_page, id);
	window_go(self, "job");
}

void
mlops_window_open_launch(MlopsWindow *self, const char *project)
{
	MlopsLaunchDialog *d;

	if (self->launch_dialog != NULL) {
		gtk_window_present(GTK_WINDOW(self->launch_dialog));
		return;
	}
	if (project == NULL
	    && g_str_equal(window_page_name(self), "project")) {
		project = mlops_project_page_get_name(self->project_page);
	}
	d                   = mlops_launch_dialog_new(self, project);
	self->launch_dialog = GTK_WIDGET(d);
	g_object_add_weak_pointer(
	    G_OBJECT(d), (gpointer *) &self->launch_dialog);
	gtk_window_present(GTK_WINDOW(d));
}

/* ---- actions
 * ---------------------------------------------------------------- */

static void
window_back(GtkWidget *w, const char *action, GVariant *param)
{
	MlopsWindow *self = MLOPS_WINDOW(w);
	char        *prev;

	(void) action;
	(void) param;
	if (self->history->len == 0) {
		return;
	}
	prev = g_ptr_array_steal_index(self->history, self->history->len - 1);
	adw_leaflet_set_visible_child_name(self->leaflet, prev);
	g_free(prev);
	window_update_title(self);
}

static void
window_refresh(GtkWidget *w, const char *action, GVariant *param)
{
	MlopsWindow *self = MLOPS_WINDOW(w);
	const char  *page = window_page_name(self);

	(void) action;
	(void) param;
	if (mlops_connection_get_state(self->conn) == MLOPS_CONNECTION_LOST) {
		mlops_connection_retry(self->conn);
		return;
	}
	mlops_overview_refresh(self->overview);
	if (g_str_equal(page, "project")) {
		mlops_project_page_refresh(self->project_page);
	} else if (g_str_equal(page, "job")) {
		mlops_job_page_refresh(self->job_page);
	}
}

static void
window_show_launch(GtkWidget *w, const char *action, GVariant *param)
{
	const char *p = NULL;

	(void) action;
	if (param != NULL
	    && g_variant_is_of_type(param, G_VARIANT_TYPE_STRING)) {
		p = g_variant_get_string(param, NULL);
	}
	mlops_window_open_launch(MLOPS_WINDOW(w), p != NULL && *p ? p : NULL);
}

static void
window_search(GtkWidget *w, const char *action, GVariant *param)
{
	MlopsWindow *self = MLOPS_WINDOW(w);

	(void) action;
	(void) param;
	if (g_str_equal(window_page_name(self), "project")) {
		mlops_project_page_focus_search(self->project_page);
	} else {
		if (!g_str_equal(window_page_name(self), "overview")) {
			mlops_window_show_overview(self);
		}
		mlops_overview_focus_search(self->overview);
	}
}

static void
window_reconnect(GtkWidget *w, const char *action, GVariant *param)
{
	(void) action;
	(void) param;
	mlops_connection_retry(MLOPS_WINDOW(w)->conn);
}

static void
window_show_overview_action(GtkWidget *w, const char *action, GVariant *p)
{
	(void) action;
	(void) p;
	mlops_window_show_overview(MLOPS_WINDOW(w));
}

static void
window_show_project_action(GtkWidget *w, const char *action, GVariant *p)
{
	(void) action;
	mlops_window_show_project(
	    MLOPS_WINDOW(w), g_variant_get_string(p, NULL));
}

static void
window_show_job_action(GtkWidget *w, const char *action, GVariant *p)
{
	(void) action;
	mlops_window_show_job(MLOPS_WINDOW(w), g_variant_get_int64(p));
}

/* ---- connection banner
 * ---------------------------------------------------------- */

static void
window_on_state(GObject *conn, GParamSpec *pspec, MlopsWindow *self)
{
	MlopsConnection *c    = MLOPS_CONNECTION(conn);
	const char      *url  = mlops_connection_get_url(c);
	const char      *msg  = mlops_connection_get_message(c);
	g_autofree char *text = NULL;
	gboolean         connected;

	(void) pspec;
	switch (mlops_connection_get_state(c)) {
	case MLOPS_CONNECTION_CONNECTED:
		gtk_revealer_set_reveal_child(self->banner_revealer, FALSE);
		break;
	case MLOPS_CONNECTION_CONNECTING:
		text = g_strdup_printf("Connecting to the daemon at %s…", url);
		gtk_widget_set_visible(self->banner_button, FALSE);
		break;
	case MLOPS_CONNECTION_LOST:
	default:
		text = g_strdup_printf(
		    "Not connected to the daemon at %s%s%s. Reconnecting by "
		    "itself…",
		    url, *msg ? ": " : "", msg);
		gtk_widget_set_visible(self->banner_button, TRUE);
		break;
	}
	if (text != NULL) {
		gtk_label_set_text(self->banner_label, text);
		gtk_revealer_set_reveal_child(self->banner_revealer, TRUE);
	}
	/* What is shown is as of the last contact: dim it, and offer no
	 * launch that could not be sent. */
	connected
	    = mlops_connection_get_state(c) == MLOPS_CONNECTION_CONNECTED;
	gtk_widget_set_opacity(
	    GTK_WIDGET(self->leaflet), connected ? 1.0 : 0.55);
	gtk_widget_action_set_enabled(
	    GTK_WIDGET(self), "win.show-launch", connected);
	gtk_widget_action_set_enabled(
	    GTK_WIDGET(self), "win.launch-for", connected);
	window_update_title(self);
}

/* ---- GObject
 * ------------------------------------------------------------------------ */

static void
mlops_window_constructed(GObject *obj)
{
	MlopsWindow *self = MLOPS_WINDOW(obj);

	G_OBJECT_CLASS(mlops_window_parent_class)->constructed(obj);
	g_signal_connect_object(
	    self->conn, "notify::state", G_CALLBACK(window_on_state), self, 0);
	g_signal_connect_object(
	    self->conn, "event", G_CALLBACK(window_on_event), self, 0);
	mlops_overview_setup(self->overview, self);
	mlops_project_page_setup(self->project_page, self);
	mlops_job_page_setup(self->job_page, self);
	window_on_state(G_OBJECT(self->conn), NULL, self);
}

static void
mlops_window_dispose(GObject *obj)
{
	MlopsWindow *self = MLOPS_WINDOW(obj);

	if (self->launch_dialog != NULL) {
		gtk_window_destroy(GTK_WINDOW(self->launch_dialog));
	}
	g_clear_object(&self->conn);
	g_clear_object(&self->jobs);
	gtk_widget_dispose_template(GTK_WIDGET(self), MLOPS_TYPE_WINDOW);
	G_OBJECT_CLASS(mlops_window_parent_class)->dispose(obj);
}

static void
mlops_window_finalize(GObject *obj)
{
	MlopsWindow *self = MLOPS_WINDOW(obj);

	g_array_unref(self->job_ids);
	g_hash_table_unref(self->job_by_id);
	g_ptr_array_unref(self->history);
	G_OBJECT_CLASS(mlops_window_parent_class)->finalize(obj);
}

static void
mlops_window_set_property(
    GObject *obj, guint id, const GValue *value, GParamSpec *pspec)
{
	MlopsWindow *self = MLOPS_WINDOW(obj);

	switch (id) {
	case PROP_CONNECTION:
		self->conn = g_value_dup_object(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
	}
}

static void
mlops_window_class_init(MlopsWindowClass *klass)
{
	GObjectClass   *oc = G_OBJECT_CLASS(klass);
	GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

	oc->constructed               = mlops_window_constructed;
	oc->dispose                   = mlops_window_dispose;
	oc->finalize                  = mlops_window_finalize;
	oc->set_property              = mlops_window_set_property;
	window_props[PROP_CONNECTION] = g_param_spec_object("connection", NULL,
	    NULL, MLOPS_TYPE_CONNECTION,
	    G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY
	        | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(oc, N_PROPS, window_props);

	g_type_ensure(MLOPS_TYPE_OVERVIEW);
	g_type_ensure(MLOPS_TYPE_PROJECT_PAGE);
	g_type_ensure(MLOPS_TYPE_JOB_PAGE);
	gtk_widget_class_set_template_from_resource(
	    wc, "/org/mlops/MissionControl/mlops-window.ui");
	gtk_widget_class_bind_template_child(wc, MlopsWindow, toast_overlay);
	gtk_widget_class_bind_template_child(wc, MlopsWindow, back_button);
	gtk_widget_class_bind_template_child(wc, MlopsWindow, window_title);
	gtk_widget_class_bind_template_child(wc, MlopsWindow, banner_revealer);
	gtk_widget_class_bind_template_child(wc, MlopsWindow, banner_label);
	gtk_widget_class_bind_template_child(wc, MlopsWindow, banner_button);
	gtk_widget_class_bind_template_child(wc, MlopsWindow, leaflet);
	gtk_widget_class_bind_template_child(wc, MlopsWindow, overview);
	gtk_widget_class_bind_template_child(wc, MlopsWindow, project_page);
	gtk_widget_class_bind_template_child(wc, MlopsWindow, job_page);

	gtk_widget_class_install_action(wc, "win.back", NULL, window_back);
	gtk_widget_class_install_action(
	    wc, "win.refresh", NULL, window_refresh);
	gtk_widget_class_install_action(
	    wc, "win.show-launch", NULL, window_show_launch);
	gtk_widget_class_install_action(
	    wc, "win.launch-for", "s", window_show_launch);
	gtk_widget_class_install_action(wc, "win.search", NULL, window_search);
	gtk_widget_class_install_action(
	    wc, "win.reconnect", NULL, window_reconnect);
	gtk_widget_class_install_action(
	    wc, "win.show-overview", NULL, window_show_overview_action);
	gtk_widget_class_install_action(
	    wc, "win.show-project", "s", window_show_project_action);
	gtk_widget_class_install_action(
	    wc, "win.show-job", "x", window_show_job_action);

	gtk_widget_class_add_binding_action(
	    wc, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
	gtk_widget_class_add_binding_action(
	    wc, GDK_KEY_Escape, 0, "win.back", NULL);
}

static void
mlops_window_init(MlopsWindow *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->jobs    = g_list_store_new(MLOPS_TYPE_JOB_ROW);
	self->job_ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	self->job_by_id
	    = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	self->history = g_ptr_array_new_with_free_func(g_free);
}

MlopsWindow *
mlops_window_new(GtkApplication *app, MlopsConnection *conn)
{
	return g_object_new(
	    MLOPS_TYPE_WINDOW, "application", app, "connection", conn, NULL);
}
