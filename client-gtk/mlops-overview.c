/*
 * MlopsOverview: clusters (state and GPUs), projects (git badges, Sync)
 * and the latest jobs. Lists on resync and on Refresh; after that the
 * daemon's events keep it current: cluster events update a card, project
 * events re-list the projects, and job and cluster events re-read the GPU
 * counts (one request at a time). Main thread.
 */
#include <time.h>

#include "mlops-cluster-card.h"
#include "mlops-model.h"
#include "mlops-overview.h"
#include "mlops-util.h"

#define OVERVIEW_LATEST_JOBS 8
#define OVERVIEW_FETCH_JOBS  20
/* After a stale GPU answer: about one Slurm round trip of the daemon's. */
#define OVERVIEW_STALE_RETRY_S 3

struct _MlopsOverview {
	AdwBin parent_instance;

	GtkFlowBox     *clusters_box;
	GtkWidget      *clusters_empty;
	GtkWidget      *add_project_button;
	GtkListBox     *projects_list;
	GtkWidget      *search_toggle;
	GtkSearchBar   *search_bar;
	GtkSearchEntry *search_entry;
	GtkListBox     *jobs_list;

	MlopsWindow       *win; /* weak: owns us */
	MlopsConnection   *conn;
	GtkCustomFilter   *job_filter;
	GtkSliceListModel *slice;
	char              *search;
	gboolean           gpus_in_flight;
	gboolean           gpus_again;
	gboolean           gpus_followed_up;
	guint              gpus_followup;
};

G_DEFINE_FINAL_TYPE(MlopsOverview, mlops_overview, ADW_TYPE_BIN)

/* ---- clusters
 * ---------------------------------------------------------------- */

static GtkWidget *
overview_card(MlopsOverview *self, const char *name, gboolean create)
{
	GtkWidget *child, *card;

	for (child
	     = gtk_widget_get_first_child(GTK_WIDGET(self->clusters_box));
	     child != NULL; child = gtk_widget_get_next_sibling(child)) {
		card = gtk_flow_box_child_get_child(GTK_FLOW_BOX_CHILD(child));
		if (g_str_equal(mlops_cluster_card_get_name(card), name)) {
			return card;
		}
	}
	if (!create) {
		return NULL;
	}
	card = mlops_cluster_card_new(name);
	gtk_flow_box_append(self->clusters_box, card);
	gtk_widget_set_visible(self->clusters_empty, FALSE);
	return card;
}

static void
overview_status_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsOverview) self = data;
	struct mlops_error err        = { 0 };
	Mlops__Response   *resp;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		if (err.code != MLOPS_EUNREACHABLE) {
			mlops_window_toast_error(self->win,
			    "Could not read the daemon's status", &err);
		}
		return;
	}
	for (size_t i = 0; i < resp->status->n_clusters; i++) {
		const Mlops__ClusterStatus *st = resp->status->clusters[i];

		mlops_cluster_card_set_status(
		    overview_card(self, st->name, TRUE), st);
	}
	gtk_widget_set_visible(self->clusters_empty,
	    resp->status->n_clusters == 0
	        && gtk_widget_get_first_child(GTK_WIDGET(self->clusters_box))
	            == NULL);
	mlops__response__free_unpacked(resp, NULL);
}

static void overview_fetch_gpus(MlopsOverview *self);

static gboolean
overview_gpus_followup(gpointer data)
{
	MlopsOverview *self = data;

	self->gpus_followup = 0;
	overview_fetch_gpus(self);
	g_object_unref(self);
	return G_SOURCE_REMOVE;
}

static void
overview_gpus_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsOverview) self = data;
	struct mlops_error err        = { 0 };
	Mlops__Response   *resp;

	self->gpus_in_flight = FALSE;
	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp != NULL) {
		gboolean stale = FALSE;

		for (size_t i = 0; i < resp->cluster_gpus->n_clusters; i++) {
			const Mlops__ClusterGpus *g
			    = resp->cluster_gpus->clusters[i];

			mlops_cluster_card_set_gpus(
			    overview_card(self, g->name, TRUE), g);
			stale = stale || g->stale;
		}
		/* A stale answer means the daemon is reading the cluster now:
		 * ask once more when that read should be done. Once per
		 * event, so this never turns into polling. */
		if (stale && !self->gpus_followed_up
		    && self->gpus_followup == 0) {
			self->gpus_followed_up = TRUE;
			self->gpus_followup
			    = g_timeout_add_seconds(OVERVIEW_STALE_RETRY_S,
			        overview_gpus_followup, g_object_ref(self));
		}
		mlops__response__free_unpacked(resp, NULL);
	} else if (err.code != MLOPS_EUNREACHABLE) {
		mlops_window_toast_error(
		    self->win, "Could not read GPU availability", &err);
	}
	if (self->gpus_again) {
		self->gpus_again = FALSE;
		overview_fetch_gpus(self);
	}
}

/* One GPU request at a time; a change meanwhile asks once more after. */
static void
overview_fetch_gpus(MlopsOverview *self)
{
	Mlops__Request            req  = MLOPS__REQUEST__INIT;
	Mlops__ClusterGpusRequest body = MLOPS__CLUSTER_GPUS_REQUEST__INIT;

	if (self->gpus_in_flight) {
		self->gpus_again = TRUE;
		return;
	}
	if (mlops_connection_get_state(self->conn)
	    != MLOPS_CONNECTION_CONNECTED) {
		return;
	}
	self->gpus_in_flight = TRUE;
	body.name            = "";
	req.body_case        = MLOPS__REQUEST__BODY_CLUSTER_GPUS;
	req.cluster_gpus     = &body;
	mlops_connection_call(
	    self->conn, &req, 60000, overview_gpus_done, g_object_ref(self));
}

/* ---- projects
 * --------------------------------------------------------------- */

static void
overview_sync_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsOverview) self = data;
	struct mlops_error err        = { 0 };
	Mlops__Response   *resp;
	g_autofree char   *text = NULL;
	char               ref[128];

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		mlops_window_toast_error(
		    self->win, "Could not sync the project", &err);
		return;
	}
	mlops_model_project_ref(ref, sizeof(ref), resp->project_sync->project);
	text = g_strdup_printf("Synced %s: %s%s",
	    resp->project_sync->project->name, ref,
	    resp->project_sync->project->dirty ? ", uncommitted changes" : "");
	mlops_window_toast(self->win, text);
	mlops__response__free_unpacked(resp, NULL);
}

static void
overview_sync_clicked(GtkButton *b, MlopsOverview *self)
{
	Mlops__Request            req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectSyncRequest body = MLOPS__PROJECT_SYNC_REQUEST__INIT;

	body.name        = g_object_get_data(G_OBJECT(b), "mlops-project");
	req.body_case    = MLOPS__REQUEST__BODY_PROJECT_SYNC;
	req.project_sync = &body;
	mlops_connection_call(
	    self->conn, &req, 30000, overview_sync_done, g_object_ref(self));
}

static GtkWidget *
overview_pill(const char *text, const char *cls)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_widget_add_css_class(l, "badge");
	gtk_widget_add_css_class(l, cls);
	gtk_widget_set_valign(l, GTK_ALIGN_CENTER);
	return l;
}

static GtkWidget *
overview_project_row(MlopsOverview *self, const Mlops__Project *p)
{
	GtkWidget       *row = adw_action_row_new();
	GtkWidget       *b;
	char             ref[128], ahead[64];
	g_autofree char *sub = NULL;

	mlops_model_project_ref(ref, sizeof(ref), p);
	mlops_model_project_ahead(ahead, sizeof(ahead), p);
	sub = p->head_subject[0] != '\0'
	    ? g_strdup_printf("%s — %s", ref, p->head_subject)
	    : g_strdup(ref);
	adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), p->name);
	adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
	adw_action_row_set_subtitle(ADW_ACTION_ROW(row), sub);
	adw_action_row_set_subtitle_lines(ADW_ACTION_ROW(row), 1);
	if (p->dirty) {
		adw_action_row_add_suffix(ADW_ACTION_ROW(row),
		    overview_pill("uncommitted changes", "badge-warning"));
	}
	if (ahead[0] != '\0') {
		adw_action_row_add_suffix(
		    ADW_ACTION_ROW(row), overview_pill(ahead, "badge-info"));
	}
	b = gtk_button_new_with_mnemonic("_Sync");
	gtk_widget_set_tooltip_text(b, "Read the project's git state again");
	gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
	g_object_set_data_full(
	    G_OBJECT(b), "mlops-project", g_strdup(p->name), g_free);
	g_signal_connect(
	    b, "clicked", G_CALLBACK(overview_sync_clicked), self);
	adw_action_row_add_suffix(ADW_ACTION_ROW(row), b);
	b = gtk_button_new_from_icon_name("media-playback-start-symbolic");
	gtk_widget_set_tooltip_text(b, "Launch a job of this project");
	gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
	gtk_widget_add_css_class(b, "flat");
	gtk_actionable_set_action_target(GTK_ACTIONABLE(b), "s", p->name);
	gtk_actionable_set_action_name(GTK_ACTIONABLE(b), "win.launch-for");
	adw_action_row_add_suffix(ADW_ACTION_ROW(row), b);
	adw_action_row_add_suffix(ADW_ACTION_ROW(row),
	    gtk_image_new_from_icon_name("go-next-symbolic"));
	gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), TRUE);
	g_object_set_data_full(
	    G_OBJECT(row), "mlops-project", g_strdup(p->name), g_free);
	return row;
}

static void
overview_projects_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsOverview) self = data;
	struct mlops_error err        = { 0 };
	Mlops__Response   *resp;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		if (err.code != MLOPS_EUNREACHABLE) {
			mlops_window_toast_error(
			    self->win, "Could not list the projects", &err);
		}
		return;
	}
	mlops_util_remove_children(GTK_WIDGET(self->projects_list));
	for (size_t i = 0; i < resp->project_list->n_projects; i++) {
		gtk_list_box_append(self->projects_list,
		    overview_project_row(
		        self, resp->project_list->projects[i]));
	}
	if (resp->project_list->n_projects == 0) {
		GtkWidget *row = adw_action_row_new();

		adw_preferences_row_set_title(
		    ADW_PREFERENCES_ROW(row), "No projects yet");
		adw_action_row_set_subtitle(ADW_ACTION_ROW(row),
		    "Add a git repository with the + button or “mlops project "
		    "add PATH”");
		gtk_list_box_append(self->projects_list, row);
	}
	mlops__response__free_unpacked(resp, NULL);
}

static void
overview_fetch_projects(MlopsOverview *self)
{
	Mlops__Request            req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectListRequest body = MLOPS__PROJECT_LIST_REQUEST__INIT;

	req.body_case    = MLOPS__REQUEST__BODY_PROJECT_LIST;
	req.project_list = &body;
	mlops_connection_call(self->conn, &req, 15000, overview_projects_done,
	    g_object_ref(self));
}

static void
overview_project_activated(
    GtkListBox *box, GtkListBoxRow *row, MlopsOverview *self)
{
	const char *name = g_object_get_data(G_OBJECT(row), "mlops-project");

	(void) box;
	if (name != NULL) {
		mlops_window_show_project(self->win, name);
	}
}

static void
overview_add_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsOverview) self = data;
	struct mlops_error err        = { 0 };
	Mlops__Response   *resp;
	g_autofree char   *text = NULL;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		mlops_window_toast_error(
		    self->win, "Could not add the project", &err);
		return;
	}
	text = g_strdup_printf(
	    "Added project %s", resp->project_add->project->name);
	mlops_window_toast(self->win, text);
	mlops__response__free_unpacked(resp, NULL);
}

static void
overview_add_response(GtkNativeDialog *d, int response, MlopsOverview *self)
{
	if (response == GTK_RESPONSE_ACCEPT) {
		g_autoptr(GFile) f
		    = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(d));
		g_autofree char *path = f != NULL ? g_file_get_path(f) : NULL;
		Mlops__Request   req  = MLOPS__REQUEST__INIT;
		Mlops__ProjectAddRequest body
		    = MLOPS__PROJECT_ADD_REQUEST__INIT;

		if (path != NULL) {
			body.path       = path;
			body.name       = "";
			req.body_case   = MLOPS__REQUEST__BODY_PROJECT_ADD;
			req.project_add = &body;
			mlops_connection_call(self->conn, &req, 30000,
			    overview_add_done, g_object_ref(self));
		}
	}
	g_object_unref(d);
}

static void
overview_add_clicked(GtkButton *b, MlopsOverview *self)
{
	GtkFileChooserNative *d;

	(void) b;
	d = gtk_file_chooser_native_new("Add a Project", GTK_WINDOW(self->win),
	    GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "_Add", "_Cancel");
	g_signal_connect(
	    d, "response", G_CALLBACK(overview_add_response), self);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(d));
}

/* ---- jobs
 * ------------------------------------------------------------------------ */

static void
overview_job_row_update(GObject *item, GParamSpec *pspec, GtkWidget *row)
{
	const Mlops__Job *j     = mlops_job_row_get_job(MLOPS_JOB_ROW(item));
	GtkWidget        *badge = g_object_get_data(G_OBJECT(row), "badge");
	g_autofree char  *title = NULL;
	g_autofree char  *sub   = NULL;
	char              gpus[64], el[32];

	(void) pspec;
	title = g_strdup_printf("#%" G_GINT64_FORMAT "  %s", j->id,
	    j->description[0] ? j->description : "(no description)");
	mlops_model_job_gpus(gpus, sizeof(gpus), j);
	mlops_model_duration(
	    el, sizeof(el), mlops_model_job_elapsed(j, (int64_t) time(NULL)));
	sub = g_strdup_printf("%s · %s%s%s%s%s", j->project, j->cluster,
	    gpus[0] ? " · " : "", gpus, el[0] ? " · " : "", el);
	adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
	adw_action_row_set_subtitle(ADW_ACTION_ROW(row), sub);
	mlops_util_badge_set(badge, j);
}

static GtkWidget *
overview_job_row(gpointer item, gpointer data)
{
	GtkWidget *row   = adw_action_row_new();
	GtkWidget *badge = mlops_util_badge_new();

	(void) data;
	adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
	adw_action_row_add_suffix(ADW_ACTION_ROW(row), badge);
	adw_action_row_add_suffix(ADW_ACTION_ROW(row),
	    gtk_image_new_from_icon_name("go-next-symbolic"));
	g_object_set_data(G_OBJECT(row), "badge", badge);
	g_object_set_data(G_OBJECT(row), "mlops-job", item);
	gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), TRUE);
	overview_job_row_update(item, NULL, row);
	g_signal_connect_object(
	    item, "notify::job", G_CALLBACK(overview_job_row_update), row, 0);
	return row;
}

static void
overview_job_activated(
    GtkListBox *box, GtkListBoxRow *row, MlopsOverview *self)
{
	MlopsJobRow *item = g_object_get_data(G_OBJECT(row), "mlops-job");

	(void) box;
	if (item != NULL) {
		mlops_window_show_job(self->win, mlops_job_row_get_id(item));
	}
}

static gboolean
overview_job_filter(gpointer item, gpointer data)
{
	MlopsOverview *self = data;

	return mlops_model_job_matches(
	    mlops_job_row_get_job(MLOPS_JOB_ROW(item)), self->search, NULL);
}

static void
overview_search_changed(GtkSearchEntry *e, MlopsOverview *self)
{
	g_free(self->search);
	self->search = g_strdup(gtk_editable_get_text(GTK_EDITABLE(e)));
	gtk_slice_list_model_set_size(
	    self->slice, self->search[0] ? 50 : OVERVIEW_LATEST_JOBS);
	gtk_filter_changed(
	    GTK_FILTER(self->job_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
overview_jobs_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsOverview) self = data;
	struct mlops_error err        = { 0 };
	Mlops__Response   *resp;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		if (err.code != MLOPS_EUNREACHABLE) {
			mlops_window_toast_error(
			    self->win, "Could not list the jobs", &err);
		}
		return;
	}
	for (size_t i = 0; i < resp->jobs->n_jobs; i++) {
		mlops_window_upsert_job(self->win, resp->jobs->jobs[i]);
	}
	mlops__response__free_unpacked(resp, NULL);
}

static void
overview_fetch_jobs(MlopsOverview *self)
{
	Mlops__Request     req  = MLOPS__REQUEST__INIT;
	Mlops__JobsRequest body = MLOPS__JOBS_REQUEST__INIT;

	body.limit    = OVERVIEW_FETCH_JOBS;
	req.body_case = MLOPS__REQUEST__BODY_JOBS;
	req.jobs      = &body;
	mlops_connection_call(
	    self->conn, &req, 15000, overview_jobs_done, g_object_ref(self));
}

/* ---- refresh and events
 * ------------------------------------------------------------ */

void
mlops_overview_refresh(MlopsOverview *self)
{
	Mlops__Request       req  = MLOPS__REQUEST__INIT;
	Mlops__StatusRequest body = MLOPS__STATUS_REQUEST__INIT;

	if (self->conn == NULL
	    || mlops_connection_get_state(self->conn)
	        != MLOPS_CONNECTION_CONNECTED) {
		return;
	}
	req.body_case = MLOPS__REQUEST__BODY_STATUS;
	req.status    = &body;
	mlops_connection_call(
	    self->conn, &req, 15000, overview_status_done, g_object_ref(self));
	self->gpus_followed_up = FALSE;
	overview_fetch_gpus(self);
	overview_fetch_projects(self);
	overview_fetch_jobs(self);
}

static void
overview_on_resync(MlopsConnection *conn, MlopsOverview *self)
{
	(void) conn;
	mlops_overview_refresh(self);
}

static void
overview_on_event(MlopsConnection *conn, gpointer evp, MlopsOverview *self)
{
	Mlops__Event *ev = evp;

	(void) conn;
	switch (ev->body_case) {
	case MLOPS__EVENT__BODY_CLUSTER:
		if (ev->cluster != NULL && ev->cluster->status != NULL) {
			mlops_cluster_card_set_status(
			    overview_card(
			        self, ev->cluster->status->name, TRUE),
			    ev->cluster->status);
		}
		self->gpus_followed_up = FALSE;
		overview_fetch_gpus(self);
		break;
	case MLOPS__EVENT__BODY_PROJECT:
		overview_fetch_projects(self);
		break;
	case MLOPS__EVENT__BODY_JOB:
		/* The window's job store takes the job; GPU use changed. */
		self->gpus_followed_up = FALSE;
		overview_fetch_gpus(self);
		break;
	default:
		break;
	}
}

void
mlops_overview_setup(MlopsOverview *self, MlopsWindow *win)
{
	GtkFilterListModel *filtered;

	self->win  = win;
	self->conn = mlops_window_get_connection(win);
	g_signal_connect_object(
	    self->conn, "resync", G_CALLBACK(overview_on_resync), self, 0);
	g_signal_connect_object(
	    self->conn, "event", G_CALLBACK(overview_on_event), self, 0);

	self->job_filter
	    = gtk_custom_filter_new(overview_job_filter, self, NULL);
	filtered = gtk_filter_list_model_new(
	    g_object_ref(mlops_window_get_jobs(win)),
	    GTK_FILTER(g_object_ref(self->job_filter)));
	self->slice = gtk_slice_list_model_new(
	    G_LIST_MODEL(filtered), 0, OVERVIEW_LATEST_JOBS);
	gtk_list_box_bind_model(self->jobs_list, G_LIST_MODEL(self->slice),
	    overview_job_row, self, NULL);
	gtk_list_box_set_placeholder(self->jobs_list,
	    gtk_label_new("No jobs yet. Launch one with the Launch button."));
	gtk_search_bar_connect_entry(
	    self->search_bar, GTK_EDITABLE(self->search_entry));
	gtk_search_bar_set_key_capture_widget(
	    self->search_bar, GTK_WIDGET(self));
}

void
mlops_overview_focus_search(MlopsOverview *self)
{
	gtk_search_bar_set_search_mode(self->search_bar, TRUE);
	gtk_widget_grab_focus(GTK_WIDGET(self->search_entry));
}

/* ---- GObject
 * ------------------------------------------------------------------------- */

static void
mlops_overview_dispose(GObject *obj)
{
	MlopsOverview *self = MLOPS_OVERVIEW(obj);

	if (self->gpus_followup != 0) {
		g_source_remove(self->gpus_followup);
		self->gpus_followup = 0;
		g_object_unref(self);
	}
	g_clear_object(&self->slice);
	g_clear_object(&self->job_filter);
	gtk_widget_dispose_template(GTK_WIDGET(self), MLOPS_TYPE_OVERVIEW);
	G_OBJECT_CLASS(mlops_overview_parent_class)->dispose(obj);
}

static void
mlops_overview_finalize(GObject *obj)
{
	MlopsOverview *self = MLOPS_OVERVIEW(obj);

	g_free(self->search);
	G_OBJECT_CLASS(mlops_overview_parent_class)->finalize(obj);
}

static void
mlops_overview_class_init(MlopsOverviewClass *klass)
{
	GObjectClass   *oc = G_OBJECT_CLASS(klass);
	GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

	oc->dispose  = mlops_overview_dispose;
	oc->finalize = mlops_overview_finalize;
	gtk_widget_class_set_template_from_resource(
	    wc, "/org/mlops/MissionControl/mlops-overview.ui");
	gtk_widget_class_bind_template_child(wc, MlopsOverview, clusters_box);
	gtk_widget_class_bind_template_child(
	    wc, MlopsOverview, clusters_empty);
	gtk_widget_class_bind_template_child(
	    wc, MlopsOverview, add_project_button);
	gtk_widget_class_bind_template_child(wc, MlopsOverview, projects_list);
	gtk_widget_class_bind_template_child(wc, MlopsOverview, search_toggle);
	gtk_widget_class_bind_template_child(wc, MlopsOverview, search_bar);
	gtk_widget_class_bind_template_child(wc, MlopsOverview, search_entry);
	gtk_widget_class_bind_template_child(wc, MlopsOverview, jobs_list);
}

static void
mlops_overview_init(MlopsOverview *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->search = g_strdup("");
	g_signal_connect(self->projects_list, "row-activated",
	    G_CALLBACK(overview_project_activated), self);
	g_signal_connect(self->jobs_list, "row-activated",
	    G_CALLBACK(overview_job_activated), self);
	g_signal_connect(self->search_entry, "search-changed",
	    G_CALLBACK(overview_search_changed), self);
	g_signal_connect(self->add_project_button, "clicked",
	    G_CALLBACK(overview_add_clicked), self);
}
