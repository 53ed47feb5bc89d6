/*
 * MlopsProjectPage: a project's git state and configuration, and its job
 * history in a GtkColumnView over the window's job store, filtered by
 * project, search text and state with the same rules as `mlops jobs`.
 * Rows follow JobEvents through the store. Main thread.
 */
#include <time.h>

#include "mlops-hydra-syntax.h"
#include "mlops-model.h"
#include "mlops-project-page.h"
#include "mlops-util.h"

#define PROJECT_JOBS_LIMIT 200

struct _MlopsProjectPage {
	AdwBin parent_instance;

	GtkLabel       *title_label;
	GtkLabel       *path_label;
	GtkWidget      *sync_button;
	GtkWidget      *git_badges;
	GtkGrid        *git_grid;
	GtkLabel       *config_title;
	GtkGrid        *config_grid;
	GtkSearchEntry *search_entry;
	GtkDropDown    *state_dropdown;
	GtkColumnView  *job_view;
	GtkLabel       *count_label;

	MlopsWindow        *win;
	MlopsConnection    *conn;
	char               *name;
	char               *search;
	char               *state;
	GtkCustomFilter    *filter;
	GtkFilterListModel *filtered;
};

G_DEFINE_FINAL_TYPE(MlopsProjectPage, mlops_project_page, ADW_TYPE_BIN)

/* ---- the project
 * ------------------------------------------------------------ */

static void
project_grid_add(GtkGrid *g, int row, const char *key, const char *value)
{
	GtkWidget *k = gtk_label_new(key);
	GtkWidget *v = gtk_label_new(value[0] ? value : "—");

	gtk_label_set_xalign(GTK_LABEL(k), 0);
	gtk_label_set_yalign(GTK_LABEL(k), 0);
	gtk_widget_add_css_class(k, "dim-label");
	gtk_label_set_xalign(GTK_LABEL(v), 0);
	gtk_label_set_selectable(GTK_LABEL(v), TRUE);
	gtk_label_set_wrap(GTK_LABEL(v), TRUE);
	gtk_label_set_wrap_mode(GTK_LABEL(v), PANGO_WRAP_WORD_CHAR);
	gtk_widget_set_hexpand(v, TRUE);
	gtk_grid_attach(g, k, 0, row, 1, 1);
	gtk_grid_attach(g, v, 1, row, 1, 1);
}

static void
project_pill(MlopsProjectPage *self, const char *text, const char *cls)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_widget_add_css_class(l, "badge");
	gtk_widget_add_css_class(l, cls);
	gtk_box_append(GTK_BOX(self->git_badges), l);
}

static void
project_show_data(MlopsProjectPage *self, const Mlops__Project *p)
{
	const Mlops__ProjectConfig *c = p->config;
	char                        ref[128], ahead[64], when[32];
	g_autofree char            *head  = NULL;
	g_autofree char            *state = NULL;
	g_autofree char            *ovr   = NULL;
	g_autofree char            *env   = NULL;
	int                         r     = 0;

	gtk_label_set_text(self->title_label, p->name);
	gtk_label_set_text(self->path_label, p->path);
	mlops_util_remove_children(GTK_WIDGET(self->git_grid));
	mlops_util_remove_children(self->git_badges);
	mlops_model_project_ref(ref, sizeof(ref), p);
	mlops_model_project_ahead(ahead, sizeof(ahead), p);
	head = p->head_subject[0]
	    ? g_strdup_printf("%s — %s", ref, p->head_subject)
	    : g_strdup(ref);
	project_grid_add(self->git_grid, r++, "HEAD", head);
	project_grid_add(self->git_grid, r++, "Origin", p->origin_url);
	if (p->ahead < 0) {
		state = g_strdup("no upstream branch");
	} else {
		state = g_strdup_printf(
		    "%s%s", p->upstream, ahead[0] ? "" : " (in step)");
	}
	project_grid_add(self->git_grid, r++, "Upstream", state);
	mlops_model_time(when, sizeof(when), p->synced_at);
	project_grid_add(self->git_grid, r++, "Synced", when);
	for (size_t i = 0; i < p->n_config_warnings; i++) {
		project_grid_add(
		    self->git_grid, r++, "Warning", p->config_warnings[i]);
	}
	if (p->dirty) {
		project_pill(self, "uncommitted changes", "badge-warning");
	} else {
		project_pill(self, "clean", "badge-success");
	}
	if (p->untracked > 0) {
		g_autofree char *t
		    = g_strdup_printf("%d untracked", p->untracked);

		project_pill(self, t, "badge-neutral");
	}
	if (ahead[0] != '\0') {
		project_pill(self, ahead, "badge-info");
	}

	mlops_util_remove_children(GTK_WIDGET(self->config_grid));
	r = 0;
	if (c == NULL) {
		return;
	}
	gtk_label_set_text(self->config_title,
	    c->file_present ? ".mlops-config.yaml"
	                    : ".mlops-config.yaml (absent: defaults)");
	project_grid_add(
	    self->config_grid, r++, "Train script", c->train_script);
	project_grid_add(self->config_grid, r++, "Conda env", c->conda_env);
	project_grid_add(self->config_grid, r++, "Code sync", c->code_sync);
	project_grid_add(
	    self->config_grid, r++, "Hydra config", c->hydra_config_dir);
	ovr = mlops_hydra_join_words(
	    (const char *const *) c->default_overrides,
	    c->n_default_overrides);
	project_grid_add(self->config_grid, r++, "Default overrides", ovr);
	{
		GString *s = g_string_new("");

		for (size_t i = 0; i < c->n_env; i++) {
			g_string_append_printf(
			    s, "%s%s", i ? ", " : "", c->env[i]->name);
		}
		env = g_string_free(s, FALSE);
	}
	project_grid_add(self->config_grid, r++, "Environment", env);
	if (c->install_editable) {
		project_grid_add(self->config_grid, r++, "Installs",
		    c->package_name[0] ? c->package_name
		                       : "the project (pip -e)");
	}
}

static void
project_show_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsProjectPage) self = data;
	struct mlops_error         err   = { 0 };
	Mlops__Response           *resp;
	const Mlops__ProjectReply *r;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		if (err.code != MLOPS_EUNREACHABLE) {
			mlops_window_toast_error(
			    self->win, "Could not read the project", &err);
		}
		return;
	}
	r = resp->body_case == MLOPS__RESPONSE__BODY_PROJECT_SYNC
	    ? resp->project_sync
	    : resp->project_show;
	if (r != NULL && r->project != NULL
	    && g_strcmp0(r->project->name, self->name) == 0) {
		project_show_data(self, r->project);
		if (resp->body_case == MLOPS__RESPONSE__BODY_PROJECT_SYNC) {
			g_autofree char *t
			    = g_strdup_printf("Synced %s", r->project->name);

			mlops_window_toast(self->win, t);
		}
	}
	mlops__response__free_unpacked(resp, NULL);
}

static void
project_fetch(MlopsProjectPage *self, gboolean sync)
{
	Mlops__Request            req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectShowRequest show = MLOPS__PROJECT_SHOW_REQUEST__INIT;
	Mlops__ProjectSyncRequest snc  = MLOPS__PROJECT_SYNC_REQUEST__INIT;

	if (self->name == NULL) {
		return;
	}
	if (sync) {
		snc.name         = self->name;
		req.body_case    = MLOPS__REQUEST__BODY_PROJECT_SYNC;
		req.project_sync = &snc;
	} else {
		show.name        = self->name;
		req.body_case    = MLOPS__REQUEST__BODY_PROJECT_SHOW;
		req.project_show = &show;
	}
	mlops_connection_call(
	    self->conn, &req, 30000, project_show_done, g_object_ref(self));
}

static void
project_sync_action(GtkWidget *w, const char *action, GVariant *param)
{
	(void) action;
	(void) param;
	project_fetch(MLOPS_PROJECT_PAGE(w), TRUE);
}

/* ---- jobs
 * ------------------------------------------------------------------- */

static void
project_update_count(MlopsProjectPage *self)
{
	guint n = g_list_model_get_n_items(G_LIST_MODEL(self->filtered));
	g_autofree char *t
	    = g_strdup_printf("%u job%s shown", n, n == 1 ? "" : "s");

	gtk_label_set_text(self->count_label, t);
}

static void
project_jobs_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsProjectPage) self = data;
	struct mlops_error err           = { 0 };
	Mlops__Response   *resp;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		if (err.code != MLOPS_EUNREACHABLE) {
			mlops_window_toast_error(self->win,
			    "Could not list the project's jobs", &err);
		}
		return;
	}
	for (size_t i = 0; i < resp->jobs->n_jobs; i++) {
		mlops_window_upsert_job(self->win, resp->jobs->jobs[i]);
	}
	mlops__response__free_unpacked(resp, NULL);
	project_update_count(self);
}

static void
project_fetch_jobs(MlopsProjectPage *self)
{
	Mlops__Request     req  = MLOPS__REQUEST__INIT;
	Mlops__JobsRequest body = MLOPS__JOBS_REQUEST__INIT;

	if (self->name == NULL) {
		return;
	}
	body.project  = self->name;
	body.limit    = PROJECT_JOBS_LIMIT;
	req.body_case = MLOPS__REQUEST__BODY_JOBS;
	req.jobs      = &body;
	mlops_connection_call(
	    self->conn, &req, 15000, project_jobs_done, g_object_ref(self));
}

static gboolean
project_filter(gpointer item, gpointer data)
{
	MlopsProjectPage *self = data;
	const Mlops__Job *j    = mlops_job_row_get_job(MLOPS_JOB_ROW(item));

	return self->name != NULL && g_strcmp0(j->project, self->name) == 0
	    && mlops_model_job_matches(j, self->search, self->state);
}

static void
project_refilter(MlopsProjectPage *self)
{
	gtk_filter_changed(
	    GTK_FILTER(self->filter), GTK_FILTER_CHANGE_DIFFERENT);
	project_update_count(self);
}

static void
project_search_changed(GtkSearchEntry *e, MlopsProjectPage *self)
{
	g_free(self->search);
	self->search = g_strdup(gtk_editable_get_text(GTK_EDITABLE(e)));
	project_refilter(self);
}

static void
project_state_changed(GObject *dd, GParamSpec *pspec, MlopsProjectPage *self)
{
	guint i = gtk_drop_down_get_selected(GTK_DROP_DOWN(dd));

	(void) pspec;
	g_free(self->state);
	self->state = g_strdup(i < mlops_model_n_state_choices()
	        ? mlops_model_state_choice(i).value
	        : "");
	project_refilter(self);
}

/* ---- the column view
 * ------------------------------------------------------------- */

enum project_col {
	COL_ID,
	COL_STATE,
	COL_DESCRIPTION,
	COL_CLUSTER,
	COL_GPUS,
	COL_NODES,
	COL_SUBMITTED,
	COL_ELAPSED,
	COL_WANDB,
};

static void
project_cell_update(GObject *item, GParamSpec *pspec, GtkWidget *w)
{
	const Mlops__Job *j = mlops_job_row_get_job(MLOPS_JOB_ROW(item));
	enum project_col  col
	    = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(w), "mlops-col"));
	char buf[128];

	(void) pspec;
	switch (col) {
	case COL_ID:
		g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT, j->id);
		gtk_label_set_text(GTK_LABEL(w), buf);
		break;
	case COL_STATE:
		mlops_util_badge_set(w, j);
		gtk_widget_set_tooltip_text(w,
		    j->reason[0] && g_strcmp0(j->reason, "None") ? j->reason
		                                                 : NULL);
		break;
	case COL_DESCRIPTION:
		gtk_label_set_text(GTK_LABEL(w), j->description);
		gtk_widget_set_tooltip_text(w, j->description);
		break;
	case COL_CLUSTER:
		g_snprintf(buf, sizeof(buf), "%s%s%s", j->cluster,
		    j->partition[0] ? " / " : "", j->partition);
		gtk_label_set_text(GTK_LABEL(w), buf);
		break;
	case COL_GPUS:
		gtk_label_set_text(
		    GTK_LABEL(w), mlops_model_job_gpus(buf, sizeof(buf), j));
		break;
	case COL_NODES:
		g_snprintf(
		    buf, sizeof(buf), "%d", j->nodes > 0 ? j->nodes : 1);
		gtk_label_set_text(GTK_LABEL(w), buf);
		break;
	case COL_SUBMITTED:
		gtk_label_set_text(GTK_LABEL(w),
		    mlops_model_time(buf, sizeof(buf), j->submitted_at));
		break;
	case COL_ELAPSED:
		gtk_label_set_text(GTK_LABEL(w),
		    mlops_model_duration(buf, sizeof(buf),
		        mlops_model_job_elapsed(j, (int64_t) time(NULL))));
		break;
	case COL_WANDB:
		gtk_widget_set_visible(w, j->wandb_url[0] != '\0');
		g_object_set_data_full(
		    G_OBJECT(w), "mlops-url", g_strdup(j->wandb_url), g_free);
		break;
	}
}

static void
project_wandb_clicked(GtkButton *b, gpointer data)
{
	const char *url = g_object_get_data(G_OBJECT(b), "mlops-url");

	(void) data;
	if (url != NULL && *url) {
		gtk_show_uri(GTK_WINDOW(gtk_widget_get_root(GTK_WIDGET(b))),
		    url, GDK_CURRENT_TIME);
	}
}

static void
project_cell_setup(GtkSignalListItemFactory *f, GtkListItem *li, gpointer d)
{
	enum project_col col = GPOINTER_TO_INT(d);
	GtkWidget       *w;

	(void) f;
	if (col == COL_STATE) {
		w = mlops_util_badge_new();
	} else if (col == COL_WANDB) {
		w = gtk_button_new_with_label("WandB");
		gtk_widget_add_css_class(w, "flat");
		gtk_widget_set_tooltip_text(
		    w, "Open the run in Weights & Biases");
		g_signal_connect(
		    w, "clicked", G_CALLBACK(project_wandb_clicked), NULL);
	} else {
		w = gtk_label_new("");
		gtk_label_set_xalign(GTK_LABEL(w), 0);
		gtk_label_set_ellipsize(GTK_LABEL(w), PANGO_ELLIPSIZE_END);
		if (col == COL_ID || col == COL_NODES || col == COL_ELAPSED) {
			gtk_widget_add_css_class(w, "numeric");
		}
	}
	g_object_set_data(G_OBJECT(w), "mlops-col", GINT_TO_POINTER(col));
	gtk_list_item_set_child(li, w);
}

static void
project_cell_bind(GtkSignalListItemFactory *f, GtkListItem *li, gpointer d)
{
	GtkWidget *w    = gtk_list_item_get_child(li);
	GObject   *item = gtk_list_item_get_item(li);
	gulong     id;

	(void) f;
	(void) d;
	project_cell_update(item, NULL, w);
	id = g_signal_connect(
	    item, "notify::job", G_CALLBACK(project_cell_update), w);
	g_object_set_data(G_OBJECT(w), "mlops-handler", GSIZE_TO_POINTER(id));
}

static void
project_cell_unbind(GtkSignalListItemFactory *f, GtkListItem *li, gpointer d)
{
	GtkWidget *w    = gtk_list_item_get_child(li);
	GObject   *item = gtk_list_item_get_item(li);
	gulong     id   = GPOINTER_TO_SIZE(
	          g_object_get_data(G_OBJECT(w), "mlops-handler"));

	(void) f;
	(void) d;
	if (id != 0 && item != NULL) {
		g_signal_handler_disconnect(item, id);
	}
	g_object_set_data(G_OBJECT(w), "mlops-handler", NULL);
}

static void
project_add_column(MlopsProjectPage *self, const char *title,
    enum project_col col, int fixed_width, gboolean expand)
{
	GtkListItemFactory  *f = gtk_signal_list_item_factory_new();
	GtkColumnViewColumn *c;

	g_signal_connect(
	    f, "setup", G_CALLBACK(project_cell_setup), GINT_TO_POINTER(col));
	g_signal_connect(
	    f, "bind", G_CALLBACK(project_cell_bind), GINT_TO_POINTER(col));
	g_signal_connect(f, "unbind", G_CALLBACK(project_cell_unbind),
	    GINT_TO_POINTER(col));
	c = gtk_column_view_column_new(title, f);
	gtk_column_view_column_set_expand(c, expand);
	gtk_column_view_column_set_resizable(c, TRUE);
	if (fixed_width > 0) {
		gtk_column_view_column_set_fixed_width(c, fixed_width);
	}
	gtk_column_view_append_column(self->job_view, c);
	g_object_unref(c);
}

static void
project_job_activated(GtkColumnView *v, guint pos, MlopsProjectPage *self)
{
	g_autoptr(MlopsJobRow) row
	    = g_list_model_get_item(G_LIST_MODEL(self->filtered), pos);

	(void) v;
	if (row != NULL) {
		mlops_window_show_job(self->win, mlops_job_row_get_id(row));
	}
}

/* ---- public
 * ------------------------------------------------------------------- */

void
mlops_project_page_show(MlopsProjectPage *self, const char *name)
{
	if (g_strcmp0(self->name, name) != 0) {
		g_free(self->name);
		self->name = g_strdup(name);
		gtk_label_set_text(self->title_label, name);
		gtk_label_set_text(self->path_label, "");
		mlops_util_remove_children(GTK_WIDGET(self->git_grid));
		mlops_util_remove_children(GTK_WIDGET(self->config_grid));
		mlops_util_remove_children(self->git_badges);
		project_refilter(self);
	}
	mlops_project_page_refresh(self);
}

const char *
mlops_project_page_get_name(MlopsProjectPage *self)
{
	return self->name != NULL ? self->name : "";
}

void
mlops_project_page_refresh(MlopsProjectPage *self)
{
	project_fetch(self, FALSE);
	project_fetch_jobs(self);
}

void
mlops_project_page_focus_search(MlopsProjectPage *self)
{
	gtk_widget_grab_focus(GTK_WIDGET(self->search_entry));
}

static void
project_on_resync(MlopsConnection *conn, MlopsProjectPage *self)
{
	(void) conn;
	if (self->name != NULL) {
		mlops_project_page_refresh(self);
	}
}

static void
project_on_event(MlopsConnection *conn, gpointer evp, MlopsProjectPage *self)
{
	Mlops__Event *ev = evp;

	(void) conn;
	if (ev->body_case == MLOPS__EVENT__BODY_PROJECT && ev->project != NULL
	    && g_strcmp0(ev->project->name, self->name) == 0
	    && ev->project->change
	        != MLOPS__PROJECT_CHANGE__PROJECT_CHANGE_REMOVED) {
		project_fetch(self, FALSE);
	}
	if (ev->body_case == MLOPS__EVENT__BODY_JOB) {
		/* The store has the job by now; new rows change the count. */
		project_update_count(self);
	}
}

void
mlops_project_page_setup(MlopsProjectPage *self, MlopsWindow *win)
{
	GtkNoSelection *sel;

	self->win  = win;
	self->conn = mlops_window_get_connection(win);
	g_signal_connect_object(
	    self->conn, "resync", G_CALLBACK(project_on_resync), self, 0);
	g_signal_connect_object(
	    self->conn, "event", G_CALLBACK(project_on_event), self, 0);
	self->filter   = gtk_custom_filter_new(project_filter, self, NULL);
	self->filtered = gtk_filter_list_model_new(
	    g_object_ref(mlops_window_get_jobs(win)),
	    GTK_FILTER(g_object_ref(self->filter)));
	sel = gtk_no_selection_new(G_LIST_MODEL(g_object_ref(self->filtered)));
	gtk_column_view_set_model(self->job_view, GTK_SELECTION_MODEL(sel));
	g_object_unref(sel);
}

/* ---- GObject
 * ----------------------------------------------------------------- */

static void
mlops_project_page_dispose(GObject *obj)
{
	MlopsProjectPage *self = MLOPS_PROJECT_PAGE(obj);

	if (self->job_view != NULL) {
		gtk_column_view_set_model(self->job_view, NULL);
	}
	g_clear_object(&self->filtered);
	g_clear_object(&self->filter);
	gtk_widget_dispose_template(GTK_WIDGET(self), MLOPS_TYPE_PROJECT_PAGE);
	G_OBJECT_CLASS(mlops_project_page_parent_class)->dispose(obj);
}

static void
mlops_project_page_finalize(GObject *obj)
{
	MlopsProjectPage *self = MLOPS_PROJECT_PAGE(obj);

	g_free(self->name);
	g_free(self->search);
	g_free(self->state);
	G_OBJECT_CLASS(mlops_project_page_parent_class)->finalize(obj);
}

static void
mlops_project_page_class_init(MlopsProjectPageClass *klass)
{
	GObjectClass   *oc = G_OBJECT_CLASS(klass);
	GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

	oc->dispose  = mlops_project_page_dispose;
	oc->finalize = mlops_project_page_finalize;
	gtk_widget_class_set_template_from_resource(
	    wc, "/org/mlops/MissionControl/mlops-project-page.ui");
	gtk_widget_class_bind_template_child(
	    wc, MlopsProjectPage, title_label);
	gtk_widget_class_bind_template_child(wc, MlopsProjectPage, path_label);
	gtk_widget_class_bind_template_child(
	    wc, MlopsProjectPage, sync_button);
	gtk_widget_class_bind_template_child(wc, MlopsProjectPage, git_badges);
	gtk_widget_class_bind_template_child(wc, MlopsProjectPage, git_grid);
	gtk_widget_class_bind_template_child(
	    wc, MlopsProjectPage, config_title);
	gtk_widget_class_bind_template_child(
	    wc, MlopsProjectPage, config_grid);
	gtk_widget_class_bind_template_child(
	    wc, MlopsProjectPage, search_entry);
	gtk_widget_class_bind_template_child(
	    wc, MlopsProjectPage, state_dropdown);
	gtk_widget_class_bind_template_child(wc, MlopsProjectPage, job_view);
	gtk_widget_class_bind_template_child(
	    wc, MlopsProjectPage, count_label);
	gtk_widget_class_install_action(
	    wc, "project.sync", NULL, project_sync_action);
}

static void
mlops_project_page_init(MlopsProjectPage *self)
{
	GtkStringList *states = gtk_string_list_new(NULL);

	gtk_widget_init_template(GTK_WIDGET(self));
	self->search = g_strdup("");
	self->state  = g_strdup("");
	for (size_t i = 0; i < mlops_model_n_state_choices(); i++) {
		gtk_string_list_append(
		    states, mlops_model_state_choice(i).label);
	}
	gtk_drop_down_set_model(self->state_dropdown, G_LIST_MODEL(states));
	g_object_unref(states);
	project_add_column(self, "ID", COL_ID, 60, FALSE);
	project_add_column(self, "State", COL_STATE, 130, FALSE);
	project_add_column(self, "Description", COL_DESCRIPTION, -1, TRUE);
	project_add_column(self, "Cluster", COL_CLUSTER, 120, FALSE);
	project_add_column(self, "GPUs", COL_GPUS, 90, FALSE);
	project_add_column(self, "Nodes", COL_NODES, 60, FALSE);
	project_add_column(self, "Submitted", COL_SUBMITTED, 140, FALSE);
	project_add_column(self, "Elapsed", COL_ELAPSED, 90, FALSE);
	project_add_column(self, "W&B", COL_WANDB, 80, FALSE);
	g_signal_connect(self->search_entry, "search-changed",
	    G_CALLBACK(project_search_changed), self);
	g_signal_connect(self->state_dropdown, "notify::selected",
	    G_CALLBACK(project_state_changed), self);
	g_signal_connect(self->job_view, "activate",
	    G_CALLBACK(project_job_activated), self);
}
