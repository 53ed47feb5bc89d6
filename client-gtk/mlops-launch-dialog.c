/*
 * MlopsLaunchDialog: the Launch form. Its drop-downs come from ProjectList,
 * ClusterList and ClusterGpus (GPU types labelled with their free count).
 * The chosen project's Hydra config (project_config, asked again when the
 * config name changes) becomes MlopsHydraForm; its changed fields and the
 * free-text overrides make the list sent, shown live, with the task count
 * of a sweep. "Preview Script" sends LaunchRequest with dry_run; "Launch"
 * sends it for real. A daemon error naming a field (Error.field) marks
 * that row, or the Hydra field an override error names, with the daemon's
 * message. Main thread.
 */
#include <mlops/job_state.h>
#include <mlops/types.h>

#include "mlops-hydra-form.h"
#include "mlops-launch-dialog-private.h"
#include "mlops-model.h"
#include "mlops-util.h"

G_DEFINE_FINAL_TYPE(MlopsLaunchDialog, mlops_launch_dialog, ADW_TYPE_WINDOW)

/* ---- drop-downs ------------------------------------------------------------
 */

/* Fills a combo row with labels and remembers their values. */
static void
launch_fill(
    AdwComboRow *row, GPtrArray *values, GPtrArray *labels, const char *keep)
{
	GtkStringList *m   = gtk_string_list_new(NULL);
	guint          sel = 0;

	for (guint i = 0; i < labels->len; i++) {
		gtk_string_list_append(m, g_ptr_array_index(labels, i));
		if (keep != NULL
		    && g_strcmp0(g_ptr_array_index(values, i), keep) == 0) {
			sel = i;
		}
	}
	adw_combo_row_set_model(row, G_LIST_MODEL(m));
	g_object_unref(m);
	if (labels->len > 0) {
		adw_combo_row_set_selected(row, sel);
	}
}

static const char *
launch_value(AdwComboRow *row, GPtrArray *values)
{
	guint i = adw_combo_row_get_selected(row);

	return i < values->len ? g_ptr_array_index(values, i) : "";
}

const Mlops__Project *
launch_project(MlopsLaunchDialog *self)
{
	const char *name
	    = launch_value(self->project_row, self->project_values);

	if (self->projects == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < self->projects->project_list->n_projects; i++) {
		if (g_strcmp0(
		        self->projects->project_list->projects[i]->name, name)
		    == 0) {
			return self->projects->project_list->projects[i];
		}
	}
	return NULL;
}

static const Mlops__Cluster *
launch_cluster(MlopsLaunchDialog *self)
{
	const char *name
	    = launch_value(self->cluster_row, self->cluster_values);

	if (self->clusters == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < self->clusters->cluster_list->n_clusters; i++) {
		if (g_strcmp0(
		        self->clusters->cluster_list->clusters[i]->name, name)
		    == 0) {
			return self->clusters->cluster_list->clusters[i];
		}
	}
	return NULL;
}

static const Mlops__ClusterGpus *
launch_cluster_gpus(MlopsLaunchDialog *self, const char *cluster)
{
	if (self->gpus == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < self->gpus->cluster_gpus->n_clusters; i++) {
		if (g_strcmp0(
		        self->gpus->cluster_gpus->clusters[i]->name, cluster)
		    == 0) {
			return self->gpus->cluster_gpus->clusters[i];
		}
	}
	return NULL;
}

static void
launch_add_unique(GPtrArray *a, const char *s)
{
	for (guint i = 0; i < a->len; i++) {
		if (g_strcmp0(g_ptr_array_index(a, i), s) == 0) {
			return;
		}
	}
	g_ptr_array_add(a, g_strdup(s));
}

static void
launch_fill_gpu_types(MlopsLaunchDialog *self)
{
	const Mlops__Cluster     *c = launch_cluster(self);
	const Mlops__ClusterGpus *g
	    = c ? launch_cluster_gpus(self, c->name) : NULL;
	const char *part
	    = launch_value(self->partition_row, self->partition_values);
	g_autofree char *keep = g_strdup(
	    launch_value(self->gpu_type_row, self->gpu_type_values));
	g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *types            = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(types, g_strdup(""));
	g_ptr_array_add(labels, g_strdup("Any type"));
	for (size_t i = 0; g != NULL && i < g->n_rows; i++) {
		if (g->rows[i]->total > 0
		    && (part[0] == '\0'
		        || g_str_equal(g->rows[i]->partition, part))) {
			launch_add_unique(types, g->rows[i]->gpu_type);
		}
	}
	for (size_t i = 0; c != NULL && i < c->n_allowed_gpu_types; i++) {
		launch_add_unique(types, c->allowed_gpu_types[i]);
	}
	for (guint i = 1; i < types->len; i++) {
		char        buf[160];
		const char *t = g_ptr_array_index(types, i);

		mlops_model_gpu_choice_label(
		    buf, sizeof(buf), t, mlops_model_gpus_free(g, part, t));
		g_ptr_array_add(labels, g_strdup(buf));
	}
	g_ptr_array_unref(self->gpu_type_values);
	self->gpu_type_values = types;
	launch_fill(self->gpu_type_row, types, labels, keep);
}

static void
launch_fill_partitions(MlopsLaunchDialog *self)
{
	const Mlops__Cluster     *c = launch_cluster(self);
	const Mlops__ClusterGpus *g
	    = c ? launch_cluster_gpus(self, c->name) : NULL;
	g_autofree char *keep = g_strdup(
	    launch_value(self->partition_row, self->partition_values));
	g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *parts            = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(parts, g_strdup(""));
	for (size_t i = 0; c != NULL && i < c->n_allowed_partitions; i++) {
		launch_add_unique(parts, c->allowed_partitions[i]);
	}
	for (size_t i = 0; g != NULL && i < g->n_rows; i++) {
		launch_add_unique(parts, g->rows[i]->partition);
	}
	g_ptr_array_add(labels, g_strdup("The cluster's default"));
	for (guint i = 1; i < parts->len; i++) {
		g_ptr_array_add(labels, g_strdup(g_ptr_array_index(parts, i)));
	}
	g_ptr_array_unref(self->partition_values);
	self->partition_values = parts;
	launch_fill(self->partition_row, parts, labels, keep);
	launch_fill_gpu_types(self);
}

static void
launch_update_dirty(MlopsLaunchDialog *self)
{
	const Mlops__Project *p = launch_project(self);

	gtk_widget_set_visible(self->dirty_group, p != NULL && p->dirty);
	if (p == NULL || !p->dirty) {
		gtk_switch_set_active(self->dirty_switch, FALSE);
	}
}

void
launch_update_sensitive(MlopsLaunchDialog *self)
{
	gboolean ok = !self->busy && self->pending == 0
	    && launch_project(self) != NULL && launch_cluster(self) != NULL;

	/* A preview lets the daemon say what is missing; a launch waits. */
	gtk_widget_action_set_enabled(GTK_WIDGET(self), "launch.submit",
	    ok && self->hydra_missing == NULL);
	gtk_widget_action_set_enabled(GTK_WIDGET(self), "launch.preview", ok);
	gtk_widget_set_tooltip_text(self->submit_button,
	    self->hydra_missing != NULL ? "Give the required configuration "
	                                  "values first"
	                                : NULL);
}

static void
launch_edit_clicked(GtkButton *b, MlopsLaunchDialog *self)
{
	(void) b;
	launch_show_form(self);
}

/* ---- requests
 * ------------------------------------------------------------------ */

static void
launch_set_busy(MlopsLaunchDialog *self, gboolean busy)
{
	self->busy = busy;
	launch_update_sensitive(self);
}

struct launch_req {
	Mlops__Request       req;
	Mlops__LaunchRequest body;
	char               **overrides;
};

static void
launch_req_fini(struct launch_req *r)
{
	mlops_model_strv_free(r->overrides);
}

/* Reads the form into a LaunchRequest; FALSE when a field cannot be. */
static gboolean
launch_build(MlopsLaunchDialog *self, struct launch_req *r, gboolean dry)
{
	Mlops__Request       req  = MLOPS__REQUEST__INIT;
	Mlops__LaunchRequest body = MLOPS__LAUNCH_REQUEST__INIT;
	size_t               n    = 0;

	memset(r, 0, sizeof(*r));
	if ((r->overrides = launch_overrides(self, &n)) == NULL) {
		struct mlops_error err = { 0 };

		mlops_error_set_field(
		    &err, MLOPS_EINVAL, "overrides", "a quote is not closed");
		launch_show_error(self, "Cannot read the overrides", &err);
		return FALSE;
	}
	r->req  = req;
	r->body = body;
	r->body.project
	    = (char *) launch_value(self->project_row, self->project_values);
	r->body.cluster
	    = (char *) launch_value(self->cluster_row, self->cluster_values);
	r->body.partition = (char *) launch_value(
	    self->partition_row, self->partition_values);
	r->body.gpu_type
	    = (char *) launch_value(self->gpu_type_row, self->gpu_type_values);
	r->body.gpus  = gtk_spin_button_get_value_as_int(self->gpus_spin);
	r->body.nodes = gtk_spin_button_get_value_as_int(self->nodes_spin);
	r->body.cpus_per_task
	    = gtk_spin_button_get_value_as_int(self->cpus_spin);
	r->body.mem
	    = (char *) gtk_editable_get_text(GTK_EDITABLE(self->mem_row));
	r->body.time_limit
	    = (char *) gtk_editable_get_text(GTK_EDITABLE(self->time_row));
	r->body.description = (char *) gtk_editable_get_text(
	    GTK_EDITABLE(self->description_row));
	r->body.config_name
	    = (char *) gtk_editable_get_text(GTK_EDITABLE(self->config_row));
	r->body.overrides   = r->overrides;
	r->body.n_overrides = n;
	r->body.allow_dirty = gtk_switch_get_active(self->dirty_switch);
	r->body.dry_run     = dry;
	r->body.sweep       = gtk_switch_get_active(self->sweep_switch);
	r->body.no_validate = gtk_widget_get_visible(self->no_validate_row)
	    && gtk_switch_get_active(self->no_validate_switch);
	r->body.max_parallel = r->body.sweep
	    ? gtk_spin_button_get_value_as_int(self->max_parallel_spin)
	    : 0;
	/* A type without a count means one GPU of that type. */
	if (r->body.gpus == 0 && r->body.gpu_type[0] != '\0') {
		r->body.gpus = 1;
	}
	r->req.body_case = MLOPS__REQUEST__BODY_LAUNCH;
	r->req.launch    = &r->body;
	return TRUE;
}

static void
launch_preview_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsLaunchDialog) self = data;
	struct mlops_error err            = { 0 };
	Mlops__Response   *resp;

	launch_set_busy(self, FALSE);
	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		launch_show_error(self, "Could not render the script", &err);
		return;
	}
	launch_clear_error(self);
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->preview_view),
	    resp->launch->job != NULL ? resp->launch->job->sbatch_script : "",
	    -1);
	gtk_stack_set_visible_child_name(self->stack, "preview");
	adw_window_title_set_subtitle(self->window_title, "Script preview");
	mlops__response__free_unpacked(resp, NULL);
}

static void
launch_submit_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsLaunchDialog) self = data;
	struct mlops_error err            = { 0 };
	Mlops__Response   *resp;
	const Mlops__Job  *j;
	g_autofree char   *t   = NULL;
	MlopsWindow       *win = self->win;

	launch_set_busy(self, FALSE);
	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		launch_show_error(self, "Could not launch the job", &err);
		if (win != NULL && !gtk_widget_get_visible(GTK_WIDGET(self))) {
			mlops_window_toast_error(
			    win, "Could not launch the job", &err);
		}
		return;
	}
	j = resp->launch->job;
	if (win != NULL && j != NULL
	    && mlops_job_state_of(j) == JOB_STATE_SUBMITTING) {
		/* sbatch ran, but what it did is not known yet */
		for (size_t i = 0; i < resp->launch->n_tasks; i++) {
			mlops_window_upsert_job(win, resp->launch->tasks[i]);
		}
		t = g_strdup_printf(
		    "Job %" G_GINT64_FORMAT
		    " on %s: %s. Looking for it on the cluster.",
		    j->id, j->cluster,
		    j->reason[0] != '\0' ? j->reason
		                         : "no answer from sbatch");
		mlops_window_upsert_job(win, j);
		mlops_window_toast(win, t);
		mlops_window_show_job(win, j->id);
	} else if (win != NULL && j != NULL && resp->launch->sweep_id > 0) {
		/* one job array, a job per task; the page shows task 0 */
		g_autofree char *array = g_strndup(
		    j->slurm_job_id, strcspn(j->slurm_job_id, "_"));

		for (size_t i = 0; i < resp->launch->n_tasks; i++) {
			mlops_window_upsert_job(win, resp->launch->tasks[i]);
		}
		mlops_window_upsert_job(win, j);
		t = g_strdup_printf("Launched sweep %" G_GINT64_FORMAT
		                    " on %s: %zu tasks in Slurm job array %s",
		    resp->launch->sweep_id, j->cluster,
		    MAX(resp->launch->n_tasks, (size_t) 1), array);
		mlops_window_toast(win, t);
		mlops_window_show_job(win, j->id);
	} else if (win != NULL && j != NULL) {
		char sid[64];

		mlops_model_job_slurm_id(sid, sizeof(sid), j);
		t = g_strdup_printf("Launched job %" G_GINT64_FORMAT
		                    " on %s%s%s%s",
		    j->id, j->cluster, sid[0] ? " (Slurm " : "", sid,
		    sid[0] ? ")" : "");
		mlops_window_upsert_job(win, j);
		mlops_window_toast(win, t);
		mlops_window_show_job(win, j->id);
	}
	mlops__response__free_unpacked(resp, NULL);
	gtk_window_destroy(GTK_WINDOW(self));
}

static void
launch_send(MlopsLaunchDialog *self, gboolean dry)
{
	struct launch_req r;

	if (self->busy) {
		return;
	}
	launch_clear_error(self);
	if (!launch_build(self, &r, dry)) {
		return;
	}
	launch_set_busy(self, TRUE);
	/* A launch uploads code and runs sbatch: give it time. */
	mlops_connection_call(self->conn, &r.req, dry ? 60000 : 180000,
	    dry ? launch_preview_done : launch_submit_done,
	    g_object_ref(self));
	launch_req_fini(&r);
}

static void
launch_submit_action(GtkWidget *w, const char *action, GVariant *param)
{
	(void) action;
	(void) param;
	launch_send(MLOPS_LAUNCH_DIALOG(w), FALSE);
}

static void
launch_preview_action(GtkWidget *w, const char *action, GVariant *param)
{
	(void) action;
	(void) param;
	launch_send(MLOPS_LAUNCH_DIALOG(w), TRUE);
}

/* ---- loading
 * --------------------------------------------------------------------- */

static void
launch_lists_ready(MlopsLaunchDialog *self)
{
	g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func(g_free);

	self->filling = TRUE;
	if (self->projects != NULL) {
		for (size_t i = 0;
		     i < self->projects->project_list->n_projects; i++) {
			const char *n
			    = self->projects->project_list->projects[i]->name;

			g_ptr_array_add(self->project_values, g_strdup(n));
			g_ptr_array_add(labels, g_strdup(n));
		}
	}
	launch_fill(self->project_row, self->project_values, labels,
	    self->initial_project);
	g_ptr_array_set_size(labels, 0);
	if (self->clusters != NULL) {
		for (size_t i = 0;
		     i < self->clusters->cluster_list->n_clusters; i++) {
			const char *n
			    = self->clusters->cluster_list->clusters[i]->name;

			g_ptr_array_add(self->cluster_values, g_strdup(n));
			g_ptr_array_add(labels, g_strdup(n));
		}
	}
	launch_fill(self->cluster_row, self->cluster_values, labels, NULL);
	launch_fill_partitions(self);
	launch_update_dirty(self);
	self->filling = FALSE;
	launch_load_config(self);
	launch_update_overrides(self);
	if (self->project_values->len == 0) {
		struct mlops_error err = { 0 };

		mlops_error_set_field(&err, MLOPS_ENOTFOUND, "project",
		    "no project is registered yet; add one on the overview");
		launch_show_error(self, "Nothing to launch", &err);
	}
}

static void
launch_list_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsLaunchDialog) self = data;
	struct mlops_error err            = { 0 };
	Mlops__Response   *resp;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		launch_show_error(self, "Could not fill the form", &err);
	} else if (resp->body_case == MLOPS__RESPONSE__BODY_PROJECT_LIST) {
		self->projects = resp;
	} else if (resp->body_case == MLOPS__RESPONSE__BODY_CLUSTER_LIST) {
		self->clusters = resp;
	} else if (resp->body_case == MLOPS__RESPONSE__BODY_CLUSTER_GPUS) {
		self->gpus = resp;
	} else {
		mlops__response__free_unpacked(resp, NULL);
	}
	if (--self->pending == 0) {
		launch_lists_ready(self);
	}
}

static void
launch_load(MlopsLaunchDialog *self)
{
	Mlops__Request            r1 = MLOPS__REQUEST__INIT;
	Mlops__Request            r2 = MLOPS__REQUEST__INIT;
	Mlops__Request            r3 = MLOPS__REQUEST__INIT;
	Mlops__ProjectListRequest pl = MLOPS__PROJECT_LIST_REQUEST__INIT;
	Mlops__ClusterListRequest cl = MLOPS__CLUSTER_LIST_REQUEST__INIT;
	Mlops__ClusterGpusRequest cg = MLOPS__CLUSTER_GPUS_REQUEST__INIT;

	self->pending   = 3;
	r1.body_case    = MLOPS__REQUEST__BODY_PROJECT_LIST;
	r1.project_list = &pl;
	r2.body_case    = MLOPS__REQUEST__BODY_CLUSTER_LIST;
	r2.cluster_list = &cl;
	cg.name         = "";
	r3.body_case    = MLOPS__REQUEST__BODY_CLUSTER_GPUS;
	r3.cluster_gpus = &cg;
	mlops_connection_call(
	    self->conn, &r1, 15000, launch_list_done, g_object_ref(self));
	mlops_connection_call(
	    self->conn, &r2, 15000, launch_list_done, g_object_ref(self));
	mlops_connection_call(
	    self->conn, &r3, 60000, launch_list_done, g_object_ref(self));
}

/* ---- signals
 * ------------------------------------------------------------------------ */

static void
launch_on_project(GObject *o, GParamSpec *p, MlopsLaunchDialog *self)
{
	(void) o;
	(void) p;
	if (!self->filling) {
		launch_update_dirty(self);
		launch_clear_error(self);
		launch_load_config(self);
	}
}

static void
launch_on_cluster(GObject *o, GParamSpec *p, MlopsLaunchDialog *self)
{
	(void) o;
	(void) p;
	if (!self->filling) {
		self->filling = TRUE;
		launch_fill_partitions(self);
		self->filling = FALSE;
		launch_clear_error(self);
	}
}

static void
launch_on_partition(GObject *o, GParamSpec *p, MlopsLaunchDialog *self)
{
	(void) o;
	(void) p;
	if (!self->filling) {
		self->filling = TRUE;
		launch_fill_gpu_types(self);
		self->filling = FALSE;
		launch_clear_error(self);
	}
}

static void
launch_on_gpu_type(GObject *o, GParamSpec *p, MlopsLaunchDialog *self)
{
	(void) o;
	(void) p;
	if (!self->filling
	    && launch_value(self->gpu_type_row, self->gpu_type_values)[0]
	        != '\0'
	    && gtk_spin_button_get_value_as_int(self->gpus_spin) == 0) {
		gtk_spin_button_set_value(self->gpus_spin, 1);
	}
}

static void
launch_on_edit(GtkWidget *w, MlopsLaunchDialog *self)
{
	if (self->error_widget == w) {
		launch_clear_error(self);
	}
}

/* ---- public
 * ----------------------------------------------------------------------------
 */

MlopsLaunchDialog *
mlops_launch_dialog_new(MlopsWindow *win, const char *project)
{
	MlopsLaunchDialog *self = g_object_new(
	    MLOPS_TYPE_LAUNCH_DIALOG, "transient-for", win, NULL);

	self->win = win;
	g_object_add_weak_pointer(G_OBJECT(win), (gpointer *) &self->win);
	self->conn            = g_object_ref(mlops_window_get_connection(win));
	self->initial_project = g_strdup(project);
	launch_update_sensitive(self);
	launch_load(self);
	return self;
}

/* ---- GObject
 * ----------------------------------------------------------------------------
 */

static void
mlops_launch_dialog_dispose(GObject *obj)
{
	MlopsLaunchDialog *self = MLOPS_LAUNCH_DIALOG(obj);

	g_clear_handle_id(&self->config_timer, g_source_remove);
	if (self->win != NULL) {
		g_object_remove_weak_pointer(
		    G_OBJECT(self->win), (gpointer *) &self->win);
		self->win = NULL;
	}
	g_clear_object(&self->conn);
	gtk_widget_dispose_template(
	    GTK_WIDGET(self), MLOPS_TYPE_LAUNCH_DIALOG);
	G_OBJECT_CLASS(mlops_launch_dialog_parent_class)->dispose(obj);
}

static void
mlops_launch_dialog_finalize(GObject *obj)
{
	MlopsLaunchDialog *self = MLOPS_LAUNCH_DIALOG(obj);

	if (self->projects != NULL) {
		mlops__response__free_unpacked(self->projects, NULL);
	}
	if (self->clusters != NULL) {
		mlops__response__free_unpacked(self->clusters, NULL);
	}
	if (self->gpus != NULL) {
		mlops__response__free_unpacked(self->gpus, NULL);
	}
	g_ptr_array_unref(self->project_values);
	g_ptr_array_unref(self->cluster_values);
	g_ptr_array_unref(self->partition_values);
	g_ptr_array_unref(self->gpu_type_values);
	g_free(self->initial_project);
	g_free(self->error_field);
	g_free(self->error_message);
	g_free(self->error_subtitle);
	g_free(self->hydra_missing);
	G_OBJECT_CLASS(mlops_launch_dialog_parent_class)->finalize(obj);
}

static void
mlops_launch_dialog_class_init(MlopsLaunchDialogClass *klass)
{
	GObjectClass   *oc = G_OBJECT_CLASS(klass);
	GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

	oc->dispose  = mlops_launch_dialog_dispose;
	oc->finalize = mlops_launch_dialog_finalize;
	g_type_ensure(MLOPS_TYPE_HYDRA_FORM);
	gtk_widget_class_set_template_from_resource(
	    wc, "/org/mlops/MissionControl/mlops-launch-dialog.ui");
#define BIND(x) gtk_widget_class_bind_template_child(wc, MlopsLaunchDialog, x)
	BIND(toast_overlay);
	BIND(window_title);
	BIND(submit_button);
	BIND(preview_button);
	BIND(error_revealer);
	BIND(error_label);
	BIND(page);
	BIND(stack);
	BIND(edit_button);
	BIND(project_row);
	BIND(cluster_row);
	BIND(partition_row);
	BIND(dirty_group);
	BIND(dirty_row);
	BIND(dirty_switch);
	BIND(gpu_type_row);
	BIND(gpus_row);
	BIND(gpus_spin);
	BIND(nodes_row);
	BIND(nodes_spin);
	BIND(cpus_row);
	BIND(cpus_spin);
	BIND(mem_row);
	BIND(time_row);
	BIND(description_row);
	BIND(config_row);
	BIND(overrides_row);
	BIND(hydra_form);
	BIND(no_validate_row);
	BIND(no_validate_switch);
	BIND(sweep_row);
	BIND(sweep_switch);
	BIND(max_parallel_row);
	BIND(max_parallel_spin);
	BIND(summary_row);
	BIND(preview_group);
	BIND(preview_view);
#undef BIND
	gtk_widget_class_install_action(
	    wc, "launch.submit", NULL, launch_submit_action);
	gtk_widget_class_install_action(
	    wc, "launch.preview", NULL, launch_preview_action);
	gtk_widget_class_add_binding_action(
	    wc, GDK_KEY_Return, GDK_CONTROL_MASK, "launch.submit", NULL);
	gtk_widget_class_add_binding_action(
	    wc, GDK_KEY_p, GDK_CONTROL_MASK, "launch.preview", NULL);
	gtk_widget_class_add_binding_action(
	    wc, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mlops_launch_dialog_init(MlopsLaunchDialog *self)
{
	GtkWidget *edits[] = { NULL, NULL, NULL, NULL, NULL };

	gtk_widget_init_template(GTK_WIDGET(self));
	self->project_values   = g_ptr_array_new_with_free_func(g_free);
	self->cluster_values   = g_ptr_array_new_with_free_func(g_free);
	self->partition_values = g_ptr_array_new_with_free_func(g_free);
	self->gpu_type_values  = g_ptr_array_new_with_free_func(g_free);
	g_signal_connect(self->project_row, "notify::selected",
	    G_CALLBACK(launch_on_project), self);
	g_signal_connect(self->cluster_row, "notify::selected",
	    G_CALLBACK(launch_on_cluster), self);
	g_signal_connect(self->partition_row, "notify::selected",
	    G_CALLBACK(launch_on_partition), self);
	g_signal_connect(self->gpu_type_row, "notify::selected",
	    G_CALLBACK(launch_on_gpu_type), self);
	g_signal_connect(self->edit_button, "clicked",
	    G_CALLBACK(launch_edit_clicked), self);
	edits[0] = self->mem_row;
	edits[1] = self->time_row;
	edits[2] = self->description_row;
	edits[3] = self->config_row;
	edits[4] = self->overrides_row;
	for (size_t i = 0; i < G_N_ELEMENTS(edits); i++) {
		g_signal_connect(
		    edits[i], "changed", G_CALLBACK(launch_on_edit), self);
		adw_entry_row_set_activates_default(
		    ADW_ENTRY_ROW(edits[i]), FALSE);
	}
	launch_hydra_connect(self);
}
