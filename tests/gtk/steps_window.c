/*
 * Steps on the main window: the connection, the overview's cluster cards
 * and projects, the project page's job list, actions and shortcuts,
 * toasts, screenshots, and the script's own steps (files, sleep, quit).
 * Main thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlops-cluster-card.h"
#include "mlops-launch-dialog.h"
#include "mlops-model.h"
#include "mlops-overview.h"
#include "mlops-preferences.h"
#include "mlops-project-page.h"
#include "probe.h"
#include "steps.h"
#include "watch.h"

/* ---- the connection ------------------------------------------------------
 */

static enum step_rc
window_wait_connection(struct driver *d, gboolean connected)
{
	MlopsConnection *c = mlops_window_get_connection(d->win);

	return driver_wait(d,
	    (mlops_connection_get_state(c) == MLOPS_CONNECTION_CONNECTED)
	        == connected,
	    "connection state %d: %s", mlops_connection_get_state(c),
	    mlops_connection_get_message(c));
}

enum step_rc
step_wait_connected(struct driver *d, char **a, int n)
{
	return window_wait_connection(d, TRUE);
}

enum step_rc
step_wait_disconnected(struct driver *d, char **a, int n)
{
	return window_wait_connection(d, FALSE);
}

/* ---- the overview --------------------------------------------------------
 */

static GtkWidget *
window_overview(struct driver *d, const char *id)
{
	return probe_child(
	    driver_page(d, "overview"), MLOPS_TYPE_OVERVIEW, id);
}

/* The card of `cluster`, or NULL. */
static GtkWidget *
window_card(struct driver *d, const char *cluster)
{
	GtkWidget *box = window_overview(d, "clusters_box");

	for (GtkWidget *c = gtk_widget_get_first_child(box); c != NULL;
	     c            = gtk_widget_get_next_sibling(c)) {
		GtkWidget *card
		    = gtk_flow_box_child_get_child(GTK_FLOW_BOX_CHILD(c));

		if (g_str_equal(mlops_cluster_card_get_name(card), cluster)) {
			return card;
		}
	}
	return NULL;
}

enum step_rc
step_wait_clusters(struct driver *d, char **a, int n)
{
	GtkWidget *box  = window_overview(d, "clusters_box");
	guint      want = (guint) atoi(a[0]), cards = 0, gpus = 0;

	for (GtkWidget *c = gtk_widget_get_first_child(box); c != NULL;
	     c            = gtk_widget_get_next_sibling(c)) {
		cards++;
		/* each GPU line has its level bar */
		if (probe_count(c, GTK_TYPE_LEVEL_BAR) > 0) {
			gpus++;
		}
	}
	if (cards >= want && gpus >= want) {
		g_print(
		    "# %u clusters shown, %u with GPU lines\n", cards, gpus);
		return STEP_DONE;
	}
	return driver_wait(
	    d, FALSE, "%u clusters, %u with GPU lines", cards, gpus);
}

enum step_rc
step_wait_project(struct driver *d, char **a, int n)
{
	GtkWidget   *list  = window_overview(d, "projects_list");
	GString     *names = g_string_new(NULL);
	gboolean     found = FALSE;
	enum step_rc rc;

	for (GtkWidget *r = gtk_widget_get_first_child(list); r != NULL;
	     r            = gtk_widget_get_next_sibling(r)) {
		const char *p
		    = g_object_get_data(G_OBJECT(r), "mlops-project");

		if (p != NULL) {
			g_string_append_printf(names, " %s", p);
			found = found || g_str_equal(p, a[0]);
		}
	}
	rc = driver_wait(d, found, "projects shown:%s", names->str);
	g_string_free(names, TRUE);
	return rc;
}

/* A GPU line's free count: its label "N of M free". */
static gboolean
window_match_count(GtkWidget *w, gpointer out)
{
	int total;

	return GTK_IS_LABEL(w)
	    && sscanf(gtk_label_get_text(GTK_LABEL(w)), "%d of %d free",
	           (int *) out, &total)
	    == 2;
}

enum step_rc
step_wait_gpu_free(struct driver *d, char **a, int n)
{
	GtkWidget       *card = window_card(d, a[0]);
	g_autofree char *id   = g_strdup_printf("%s/%s", a[1], a[2]);
	GtkWidget       *line
	    = card ? probe_find_named(card, GTK_TYPE_WIDGET, id) : NULL;
	int free_now = -1;

	if (line != NULL
	    && probe_find(line, window_match_count, &free_now) == NULL) {
		free_now = -1;
	}
	return driver_wait(d, free_now == atoi(a[3]),
	    "%s's card shows %d free on its %s line", a[0], free_now, id);
}

/* ---- the project page ----------------------------------------------------
 */

static GtkWidget *
window_project(struct driver *d, const char *id)
{
	return probe_child(
	    driver_page(d, "project_page"), MLOPS_TYPE_PROJECT_PAGE, id);
}

/* Jobs the project page's column view shows. */
static guint
window_project_jobs(struct driver *d)
{
	GtkColumnView *v = GTK_COLUMN_VIEW(window_project(d, "job_view"));

	return g_list_model_get_n_items(
	    G_LIST_MODEL(gtk_column_view_get_model(v)));
}

enum step_rc
step_wait_project_jobs(struct driver *d, char **a, int n)
{
	guint jobs = window_project_jobs(d);
	/* the git rows come with the project's reply */
	gboolean shown
	    = gtk_widget_get_first_child(window_project(d, "git_grid"))
	    != NULL;

	return driver_wait(d, shown && jobs >= (guint) atoi(a[0]),
	    "%u jobs listed%s", jobs, shown ? "" : ", the project not shown");
}

enum step_rc
step_project_filter(struct driver *d, char **a, int n)
{
	GtkWidget *entry = window_project(d, "search_entry");
	GtkWidget *state = window_project(d, "state_dropdown");
	size_t     i;

	for (i = 0; i < mlops_model_n_state_choices(); i++) {
		if (g_ascii_strcasecmp(mlops_model_state_choice(i).value, a[1])
		    == 0) {
			break;
		}
	}
	if (i == mlops_model_n_state_choices()) {
		return driver_fail(d, "no state filter '%s'", a[1]);
	}
	gtk_editable_set_text(GTK_EDITABLE(entry), a[0]);
	gtk_drop_down_set_selected(GTK_DROP_DOWN(state), (guint) i);
	/* The entry says so after a delay; the script does not wait. */
	g_signal_emit_by_name(entry, "search-changed");
	return STEP_DONE;
}

enum step_rc
step_expect_project_jobs(struct driver *d, char **a, int n)
{
	guint jobs = window_project_jobs(d);

	return jobs == (guint) atoi(a[0])
	    ? STEP_DONE
	    : driver_fail(d, "%u jobs listed", jobs);
}

/* ---- actions and shortcuts -----------------------------------------------
 */

/* The widget whose actions have `name`'s prefix, or NULL. */
static GtkWidget *
window_action_target(struct driver *d, const char *name)
{
	if (g_str_has_prefix(name, "launch.")) {
		return probe_toplevel(MLOPS_TYPE_LAUNCH_DIALOG);
	}
	if (g_str_has_prefix(name, "prefs.")) {
		return probe_toplevel(MLOPS_TYPE_PREFERENCES);
	}
	if (g_str_has_prefix(name, "job.")) {
		return driver_page(d, "job_page");
	}
	if (g_str_has_prefix(name, "project.")) {
		return driver_page(d, "project_page");
	}
	return GTK_WIDGET(d->win);
}

/* The parameter type of action `name` on `target` (NULL: none); FALSE
 * when `target` has no such action. */
static gboolean
window_action_type(
    GtkWidget *target, const char *name, const GVariantType **type)
{
	GtkWidgetClass *wc = GTK_WIDGET_GET_CLASS(target);
	const char     *an, *prop;
	GType           owner;
	const char     *dot = strchr(name, '.');
	GActionGroup   *group;

	for (guint i = 0;
	     gtk_widget_class_query_action(wc, i, &owner, &an, type, &prop);
	     i++) {
		if (g_str_equal(an, name)) {
			return TRUE;
		}
	}
	/* GtkApplicationWindow's own win.* actions */
	group = G_IS_ACTION_GROUP(target) ? G_ACTION_GROUP(target) : NULL;
	if (dot != NULL && group != NULL
	    && g_action_group_has_action(group, dot + 1)) {
		*type
		    = g_action_group_get_action_parameter_type(group, dot + 1);
		return TRUE;
	}
	return FALSE;
}

/* `arg` as a parameter of `type`, or NULL with `why` set. */
static GVariant *
window_action_param(const GVariantType *type, const char *arg, char **why)
{
	g_autoptr(GError) error = NULL;
	GVariant *v;

	if (type == NULL || arg == NULL) {
		if (type != NULL || arg != NULL) {
			*why = g_strdup(type != NULL ? "it needs an argument"
			                             : "it takes no argument");
		}
		return NULL;
	}
	if (g_variant_type_equal(type, G_VARIANT_TYPE_STRING)) {
		return g_variant_ref_sink(g_variant_new_string(arg));
	}
	v = g_variant_parse(type, arg, NULL, NULL, &error);
	if (v == NULL) {
		*why = g_strdup(error->message);
	}
	return v;
}

enum step_rc
step_action(struct driver *d, char **a, int n)
{
	const char         *name = a[0], *arg = n > 1 ? a[1] : NULL;
	GtkWidget          *target = window_action_target(d, name);
	GActionGroup       *app    = G_ACTION_GROUP(d->app);
	const GVariantType *type   = NULL;
	g_autoptr(GVariant) param  = NULL;
	g_autofree char *why       = NULL;
	gboolean         found, ok;

	if (g_str_has_prefix(name, "app.")) {
		found = g_action_group_has_action(app, name + 4);
		type  = found
		     ? g_action_group_get_action_parameter_type(app, name + 4)
		     : NULL;
	} else {
		found = target != NULL
		    && window_action_type(target, name, &type);
	}
	if (!found) {
		return driver_fail(d, "no action %s here", name);
	}
	param = window_action_param(type, arg, &why);
	if (why != NULL) {
		return driver_fail(d, "%s: %s", name, why);
	}
	if (g_str_has_prefix(name, "app.")) {
		g_action_group_activate_action(app, name + 4, param);
		ok = TRUE;
	} else {
		ok = gtk_widget_activate_action_variant(target, name, param);
	}
	return ok ? STEP_DONE : driver_fail(d, "%s is not enabled", name);
}

enum step_rc
step_expect_accel(struct driver *d, char **a, int n)
{
	g_auto(GStrv) acts = gtk_application_get_actions_for_accel(
	    GTK_APPLICATION(d->app), a[0]);

	if (acts != NULL
	    && g_strv_contains((const char *const *) acts, a[1])) {
		return STEP_DONE;
	}
	return driver_fail(d, "%s is not bound to %s", a[0], a[1]);
}

/* ---- toasts and screenshots ----------------------------------------------
 */

enum step_rc
step_wait_toast(struct driver *d, char **a, int n)
{
	return driver_wait(d, strstr(watch_toasts(d->watch), a[0]) != NULL,
	    "toasts: %s", watch_toasts(d->watch));
}

enum step_rc
step_screenshot(struct driver *d, char **a, int n)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *file   = g_strdup_printf("%s.png", a[0]);
	g_autofree char *path   = g_build_filename(d->shot_dir, file, NULL);

	/* Let a frame or two pass first so that the layout settles. */
	if (d->phase++ < 5) {
		gtk_widget_queue_draw(driver_front(d));
		return STEP_WAIT;
	}
	if (!probe_screenshot(driver_front(d), path, &error)) {
		return driver_fail(d, "%s", error->message);
	}
	g_print("# saved %s\n", path);
	return STEP_DONE;
}

/* ---- the script's own steps ----------------------------------------------
 */

enum step_rc
step_touch(struct driver *d, char **a, int n)
{
	return g_file_set_contents(a[0], "", 0, NULL)
	    ? STEP_DONE
	    : driver_fail(d, "cannot touch %s", a[0]);
}

enum step_rc
step_wait_file(struct driver *d, char **a, int n)
{
	return driver_wait(
	    d, g_file_test(a[0], G_FILE_TEST_EXISTS), "no %s", a[0]);
}

enum step_rc
step_sleep(struct driver *d, char **a, int n)
{
	return driver_timed_out(d) ? STEP_DONE : STEP_WAIT;
}

enum step_rc
step_quit(struct driver *d, char **a, int n)
{
	d->quit = TRUE;
	return STEP_DONE;
}
