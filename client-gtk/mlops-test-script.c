/*
 * MlopsTestScript: drives the app through its own actions for the Xvfb
 * integration test. Steps (one a line, shell-quoted words, '#' comments;
 * S is a timeout in seconds, default 30; $JOB is the last launched job):
 *
 *   wait-connected [S]            wait-disconnected [S]
 *   wait-clusters N [S]           N cluster cards, each with GPU lines
 *   wait-project NAME [S]         the overview lists project NAME
 *   wait-gpu-free C P T N [S]     cluster C's card shows N free GPUs of
 *                                 type T in partition P
 *   action NAME [ARG]             activate an action: win.*, app.*,
 *                                 launch.* (the Launch dialog), job.*
 *   wait-launch-ready [S]         the Launch form is filled from the daemon
 *   launch-set FIELD VALUE        set a form field as the widgets do
 *   wait-preview [S]              the dry-run script is shown
 *   wait-field-error FIELD [S]    the form marks FIELD invalid
 *   wait-hydra WHAT VALUE [S]     the Launch form's Hydra part shows VALUE
 *                                 for WHAT: state, fields, groups,
 *                                 overrides, missing, tasks, error (see
 *                                 mlops_launch_dialog_describe_hydra())
 *   wait-launched [S]             the dialog closed on the new job's page
 *   wait-job-state STATE [S]      the job page's badge shows STATE
 *   wait-log [S]                  the log viewer settled (text or reason)
 *   wait-log-text TEXT [S]        the log viewer shows TEXT
 *   wait-project-jobs N [S]       the project page lists >= N jobs
 *   project-filter TEXT STATE     set the project page's filters
 *   expect-project-jobs N         the project page lists exactly N jobs
 *   wait-toast TEXT [S]           a toast containing TEXT was shown
 *   screenshot NAME               save NAME.png of the front window
 *   expect-accel ACCEL ACTION     the shortcut ACCEL activates ACTION
 *   prefs-set FIELD VALUE         open Preferences and set url, ca, cert,
 *                                 key or autostart; `action prefs.apply`
 *   prefs-close                   close Preferences
 *   expect-url URL                the connection's URL is URL
 *   focus in|out [S]              give the window X11 input focus, or
 *                                 take it away, and wait for is-active
 *   dialog-response ID [S]        press the open AdwMessageDialog's
 *                                 button for response ID
 *   job-stream stdout|stderr      the job page's stream switch
 *   wait-wandb [S]                the job page offers its W&B run
 *   expect-notifications N        N job-end notifications were sent
 *   touch FILE / wait-file FILE [S] / sleep S / quit
 *
 * Waits look at what the UI shows, from a 100 ms main-loop tick; they
 * never ask the daemon. Main thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gdk/x11/gdkx.h>

#include "mlops-job-page.h"
#include "mlops-launch-dialog.h"
#include "mlops-overview.h"
#include "mlops-preferences.h"
#include "mlops-project-page.h"
#include "mlops-test-script.h"

#define SCRIPT_TICK_MS   100
#define SCRIPT_DEFAULT_S 30

struct script_step {
	int    line;
	char **argv;
	int    argc;
};

struct _MlopsTestScript {
	GObject parent_instance;

	MlopsApplication *app;
	MlopsWindow      *win;
	char             *shot_dir;
	GArray           *steps; /* struct script_step */
	guint             cur;
	gint64            step_started; /* monotonic µs */
	int               phase;
	guint             tick;
	guint             passed, failed;
	gint64            job;
	char             *why;
};

G_DEFINE_FINAL_TYPE(MlopsTestScript, mlops_test_script, G_TYPE_OBJECT)

enum script_rc { STEP_WAIT, STEP_DONE, STEP_FAIL };

static void
script_step_clear(gpointer p)
{
	g_strfreev(((struct script_step *) p)->argv);
}

/* ---- helpers
 * ----------------------------------------------------------------- */

static enum script_rc script_fail(MlopsTestScript *self, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static enum script_rc
script_fail(MlopsTestScript *self, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_free(self->why);
	self->why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return STEP_FAIL;
}

/* The word at `i` with $JOB replaced, or `def`. Caller frees. */
static char *
script_arg(
    MlopsTestScript *self, const struct script_step *s, int i, const char *def)
{
	g_autofree char *job = NULL;
	GString         *out;
	const char      *a;

	if (i >= s->argc) {
		return g_strdup(def);
	}
	job = g_strdup_printf("%" G_GINT64_FORMAT, self->job);
	out = g_string_new(s->argv[i]);
	g_string_replace(out, "$JOB", job, 0);
	a = out->str;
	(void) a;
	return g_string_free(out, FALSE);
}

static double
script_timeout(MlopsTestScript *self, const struct script_step *s, int i)
{
	g_autofree char *a = script_arg(self, s, i, NULL);

	return a != NULL ? g_ascii_strtod(a, NULL) : SCRIPT_DEFAULT_S;
}

static gboolean
script_timed_out(MlopsTestScript *self, double secs)
{
	return (double) (g_get_monotonic_time() - self->step_started) / 1e6
	    > secs;
}

/* The first visible toplevel of `type`, or NULL. */
static GtkWidget *
script_toplevel(GType type)
{
	GListModel *tops = gtk_window_get_toplevels(); /* transfer none */

	for (guint i = 0; i < g_list_model_get_n_items(tops); i++) {
		g_autoptr(GtkWidget) w = g_list_model_get_item(tops, i);

		if (G_TYPE_CHECK_INSTANCE_TYPE(w, type)
		    && gtk_widget_get_visible(w)) {
			return w;
		}
	}
	return NULL;
}

static GtkWidget *
script_front(MlopsTestScript *self)
{
	GtkWidget *d = script_toplevel(ADW_TYPE_MESSAGE_DIALOG);

	if (d == NULL) {
		d = script_toplevel(MLOPS_TYPE_PREFERENCES);
	}
	if (d == NULL) {
		d = mlops_window_get_launch_dialog(self->win);
	}

	return d != NULL ? d : GTK_WIDGET(self->win);
}

static gboolean
script_screenshot(GtkWidget *w, const char *path, GError **error)
{
	GdkPaintable  *p      = gtk_widget_paintable_new(w);
	int            width  = gtk_widget_get_width(w);
	int            height = gtk_widget_get_height(w);
	GtkSnapshot   *snap   = gtk_snapshot_new();
	GskRenderNode *node;
	GskRenderer   *r;
	GdkTexture    *tex;
	gboolean       ok;

	gdk_paintable_snapshot(p, snap, width, height);
	node = gtk_snapshot_free_to_node(snap);
	g_object_unref(p);
	if (node == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
		    "the window drew nothing");
		return FALSE;
	}
	r   = gtk_native_get_renderer(gtk_widget_get_native(w));
	tex = gsk_renderer_render_texture(
	    r, node, &GRAPHENE_RECT_INIT(0, 0, (float) width, (float) height));
	gsk_render_node_unref(node);
	ok = gdk_texture_save_to_png(tex, path);
	g_object_unref(tex);
	if (!ok) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
		    "cannot write %s", path);
	}
	return ok;
}

static gboolean
script_activate(MlopsTestScript *self, const char *name, const char *arg)
{
	GtkWidget *target         = GTK_WIDGET(self->win);
	g_autoptr(GVariant) param = NULL;

	if (g_str_has_prefix(name, "launch.")) {
		target = mlops_window_get_launch_dialog(self->win);
	} else if (g_str_has_prefix(name, "prefs.")) {
		target = script_toplevel(MLOPS_TYPE_PREFERENCES);
	} else if (g_str_has_prefix(name, "job.")) {
		target = mlops_window_get_page(self->win, "job");
	} else if (g_str_has_prefix(name, "project.")) {
		target = mlops_window_get_page(self->win, "project");
	}
	if (target == NULL) {
		return FALSE;
	}
	if (arg != NULL) {
		char  *end;
		gint64 v = g_ascii_strtoll(arg, &end, 10);

		param = g_variant_ref_sink(*end == '\0' && *arg != '\0'
		            && !g_str_equal(name, "win.show-project")
		            && !g_str_equal(name, "win.launch-for")
		        ? g_variant_new_int64(v)
		        : g_variant_new_string(arg));
	}
	if (g_str_has_prefix(name, "app.")) {
		g_action_group_activate_action(
		    G_ACTION_GROUP(self->app), name + 4, param);
		return TRUE;
	}
	return gtk_widget_activate_action_variant(target, name, param);
}

/* ---- steps
 * ---------------------------------------------------------------------- */

/* X11 focus as a window manager would give it: the window's is-active
 * follows the FocusIn/FocusOut the server sends. */
static int
script_focus(MlopsTestScript *self, gboolean in)
{
	GdkSurface *surf = gtk_native_get_surface(GTK_NATIVE(self->win));
	GdkDisplay *disp = gtk_widget_get_display(GTK_WIDGET(self->win));

	if (!GDK_IS_X11_DISPLAY(disp)) {
		return -1;
	}
	if (surf == NULL || !gtk_widget_get_mapped(GTK_WIDGET(self->win))) {
		return 0; /* not shown yet */
	}
	XSetInputFocus(gdk_x11_display_get_xdisplay(disp),
	    in ? gdk_x11_surface_get_xid(surf) : None, RevertToNone,
	    CurrentTime);
	XFlush(gdk_x11_display_get_xdisplay(disp));
	return 1;
}

/* The button showing `label` under `w`, or NULL. */
static GtkWidget *
script_find_button(GtkWidget *w, const char *label)
{
	if (GTK_IS_BUTTON(w)
	    && g_strcmp0(gtk_button_get_label(GTK_BUTTON(w)), label) == 0) {
		return w;
	}
	for (GtkWidget *c = gtk_widget_get_first_child(w); c != NULL;
	     c            = gtk_widget_get_next_sibling(c)) {
		GtkWidget *b = script_find_button(c, label);

		if (b != NULL) {
			return b;
		}
	}
	return NULL;
}

/* The steps of the desktop's own features: Preferences, focus and
 * notifications, dialogs. STEP_FAIL with no reason: not one of these. */
static enum script_rc
script_run_desktop_step(MlopsTestScript *self, const struct script_step *s,
    const char *a1, const char *a2)
{
	const char   *cmd   = s->argv[0];
	GtkWidget    *prefs = script_toplevel(MLOPS_TYPE_PREFERENCES);
	MlopsJobPage *jp
	    = MLOPS_JOB_PAGE(mlops_window_get_page(self->win, "job"));

	if (g_str_equal(cmd, "prefs-set")) {
		if (prefs == NULL) {
			if (self->phase++ == 0) {
				g_action_group_activate_action(
				    G_ACTION_GROUP(self->app), "preferences",
				    NULL);
			}
			return script_timed_out(self, SCRIPT_DEFAULT_S)
			    ? script_fail(self, "no Preferences window")
			    : STEP_WAIT;
		}
		return a1 != NULL && a2 != NULL
		        && mlops_preferences_set_field(
		            MLOPS_PREFERENCES(prefs), a1, a2)
		    ? STEP_DONE
		    : script_fail(self, "no field %s", a1 ? a1 : "");
	}
	if (g_str_equal(cmd, "prefs-close")) {
		if (prefs != NULL) {
			gtk_window_destroy(GTK_WINDOW(prefs));
		}
		return STEP_DONE;
	}
	if (g_str_equal(cmd, "expect-url")) {
		const char *url = mlops_connection_get_url(
		    mlops_window_get_connection(self->win));

		return a1 != NULL && g_str_equal(url, a1)
		    ? STEP_DONE
		    : script_fail(self, "connected to %s", url);
	}
	if (g_str_equal(cmd, "focus")) {
		gboolean in = g_strcmp0(a1, "in") == 0;

		if (self->phase == 0) {
			int rc = script_focus(self, in);

			if (rc < 0) {
				return script_fail(self, "not an X11 display");
			}
			self->phase = rc;
		}
		if (self->phase > 0
		    && gtk_window_is_active(GTK_WINDOW(self->win)) == in) {
			return STEP_DONE;
		}
		return script_timed_out(self, script_timeout(self, s, 2))
		    ? script_fail(
		        self, "the window is%s active", in ? " not" : " still")
		    : STEP_WAIT;
	}
	if (g_str_equal(cmd, "dialog-response")) {
		GtkWidget *d = script_toplevel(ADW_TYPE_MESSAGE_DIALOG);

		GtkWidget *b = d != NULL && a1 != NULL
		        && adw_message_dialog_has_response(
		            ADW_MESSAGE_DIALOG(d), a1)
		    ? script_find_button(d,
		        adw_message_dialog_get_response_label(
		            ADW_MESSAGE_DIALOG(d), a1))
		    : NULL;

		if (b != NULL) {
			gboolean had = gtk_window_is_active(GTK_WINDOW(d))
			    || gtk_window_is_active(GTK_WINDOW(self->win));

			/* The button, as a click: it answers and closes. */
			gtk_widget_activate(b);
			/* As a window manager does: the focus goes back to
			 * the window the dialog belonged to. */
			if (had) {
				script_focus(self, TRUE);
			}
			return STEP_DONE;
		}
		return script_timed_out(self, script_timeout(self, s, 2))
		    ? script_fail(self, "no dialog offers %s", a1 ? a1 : "")
		    : STEP_WAIT;
	}
	if (g_str_equal(cmd, "job-stream")) {
		mlops_job_page_set_stream(jp, g_strcmp0(a1, "stderr") == 0);
		return STEP_DONE;
	}
	if (g_str_equal(cmd, "wait-wandb")) {
		const char *url = mlops_job_page_get_wandb_url(jp);

		if (url != NULL) {
			g_print("# W&B run: %s\n", url);
			return STEP_DONE;
		}
		return script_timed_out(self, script_timeout(self, s, 1))
		    ? script_fail(self, "no W&B run shown")
		    : STEP_WAIT;
	}
	if (g_str_equal(cmd, "expect-notifications")) {
		const char *last = NULL;
		guint       n
		    = mlops_application_get_notifications(self->app, &last);

		return a1 != NULL && n == (guint) atoi(a1)
		    ? STEP_DONE
		    : script_fail(self, "%u sent%s%s", n,
		        last ? ", last: " : "", last ? last : "");
	}
	return STEP_FAIL;
}

static enum script_rc
script_run_step(MlopsTestScript *self, const struct script_step *s)
{
	const char      *cmd  = s->argv[0];
	MlopsConnection *conn = mlops_window_get_connection(self->win);
	GtkWidget       *dlg  = mlops_window_get_launch_dialog(self->win);
	MlopsOverview   *ov
	    = MLOPS_OVERVIEW(mlops_window_get_page(self->win, "overview"));
	MlopsProjectPage *pp
	    = MLOPS_PROJECT_PAGE(mlops_window_get_page(self->win, "project"));
	MlopsJobPage *jp
	    = MLOPS_JOB_PAGE(mlops_window_get_page(self->win, "job"));
	g_autofree char *a1 = script_arg(self, s, 1, NULL);
	g_autofree char *a2 = script_arg(self, s, 2, NULL);
	gboolean         ok = FALSE;
	double           to;

	if (g_str_equal(cmd, "wait-connected")
	    || g_str_equal(cmd, "wait-disconnected")) {
		gboolean want = g_str_equal(cmd, "wait-connected");

		ok = (mlops_connection_get_state(conn)
		         == MLOPS_CONNECTION_CONNECTED)
		    == want;
		to = script_timeout(self, s, 1);
		if (!ok && script_timed_out(self, to)) {
			return script_fail(self, "connection state %d: %s",
			    mlops_connection_get_state(conn),
			    mlops_connection_get_message(conn));
		}
		return ok ? STEP_DONE : STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-clusters")) {
		guint want = a1 ? (guint) atoi(a1) : 1, gpus = 0;
		guint n = mlops_overview_count_clusters(ov, &gpus);

		if (n >= want && gpus >= want) {
			g_print("# %u clusters shown, %u with GPU lines\n", n,
			    gpus);
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 2))) {
			return script_fail(
			    self, "%u clusters, %u with GPUs", n, gpus);
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-project")) {
		g_autofree char *names = mlops_overview_describe_projects(ov);
		g_autofree char *want  = g_strdup_printf("%s\n", a1 ? a1 : "");

		if (strstr(names, want) != NULL) {
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 2))) {
			return script_fail(self, "projects shown: %s", names);
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-gpu-free")) {
		g_autofree char *p  = script_arg(self, s, 2, "");
		g_autofree char *t  = script_arg(self, s, 3, "");
		g_autofree char *nn = script_arg(self, s, 4, "-2");
		int free_now = mlops_overview_gpu_free(ov, a1 ? a1 : "", p, t);

		if (free_now == atoi(nn)) {
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 5))) {
			return script_fail(
			    self, "the card shows %d free", free_now);
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "action")) {
		if (a1 == NULL || !script_activate(self, a1, a2)) {
			return script_fail(
			    self, "no action %s here", a1 ? a1 : "");
		}
		return STEP_DONE;
	}
	if (g_str_equal(cmd, "wait-launch-ready")) {
		if (dlg != NULL
		    && mlops_launch_dialog_is_ready(
		        MLOPS_LAUNCH_DIALOG(dlg))) {
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 1))) {
			return script_fail(self,
			    dlg ? "the form is not filled"
			        : "no Launch dialog");
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "launch-set")) {
		if (dlg == NULL || a1 == NULL || a2 == NULL
		    || !mlops_launch_dialog_set_field(
		        MLOPS_LAUNCH_DIALOG(dlg), a1, a2)) {
			return script_fail(self, "cannot set %s to '%s'",
			    a1 ? a1 : "?", a2 ? a2 : "?");
		}
		return STEP_DONE;
	}
	if (g_str_equal(cmd, "wait-preview")) {
		const char *p = dlg
		    ? mlops_launch_dialog_get_preview(MLOPS_LAUNCH_DIALOG(dlg))
		    : NULL;

		if (p != NULL && *p != '\0') {
			g_print("# previewed script: %zu bytes\n", strlen(p));
			return STEP_DONE;
		}
		{
			const char *f = NULL,
			           *m = dlg
			    ? mlops_launch_dialog_get_field_error(
			        MLOPS_LAUNCH_DIALOG(dlg), &f)
			    : NULL;

			/* The daemon answered with an error: no need to wait.
			 */
			if ((m != NULL
			        && mlops_launch_dialog_is_ready(
			            MLOPS_LAUNCH_DIALOG(dlg)))
			    || script_timed_out(
			        self, script_timeout(self, s, 1))) {
				return script_fail(self, "no preview (%s%s%s)",
				    f ? f : "", f && *f ? ": " : "",
				    m ? m : "-");
			}
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-field-error")) {
		const char *f = NULL,
		           *m = dlg ? mlops_launch_dialog_get_field_error(
		                    MLOPS_LAUNCH_DIALOG(dlg), &f)
		                    : NULL;

		if (m != NULL && g_strcmp0(f, a1) == 0) {
			g_print("# field %s marked: %s\n", f, m);
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 2))) {
			return script_fail(self, "field error: '%s' %s",
			    f ? f : "", m ? m : "none");
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-hydra")) {
		g_autofree char *want = script_arg(self, s, 2, "");
		g_autofree char *got  = dlg && a1
		     ? mlops_launch_dialog_describe_hydra(
		         MLOPS_LAUNCH_DIALOG(dlg), a1)
		     : NULL;

		if (got != NULL && g_str_equal(got, want)) {
			g_print("# hydra %s: %s\n", a1, got);
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 3))) {
			return script_fail(self, "hydra %s is '%s'",
			    a1 ? a1 : "?", got ? got : "(none)");
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-launched")) {
		if (dlg == NULL
		    && g_str_equal(
		        mlops_window_get_page_name(self->win), "job")
		    && mlops_job_page_get_id(jp) > 0) {
			self->job = mlops_job_page_get_id(jp);
			g_print("# launched job %" G_GINT64_FORMAT "\n",
			    self->job);
			return STEP_DONE;
		}
		{
			const char *f = NULL,
			           *m = dlg
			    ? mlops_launch_dialog_get_field_error(
			        MLOPS_LAUNCH_DIALOG(dlg), &f)
			    : NULL;

			if ((m != NULL
			        && mlops_launch_dialog_is_ready(
			            MLOPS_LAUNCH_DIALOG(dlg)))
			    || script_timed_out(
			        self, script_timeout(self, s, 1))) {
				return script_fail(self,
				    "not launched (%s%s%s)", f ? f : "",
				    f && *f ? ": " : "", m ? m : "-");
			}
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-job-state")) {
		const char *st = mlops_job_page_get_shown_state(jp);

		if (a1 != NULL && g_ascii_strcasecmp(st, a1) == 0) {
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 2))) {
			return script_fail(self, "the page shows '%s'", st);
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-log")) {
		if (mlops_job_page_log_settled(jp)) {
			g_print(
			    "# log: %s\n", mlops_job_page_get_log_status(jp));
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 1))) {
			return script_fail(self, "the log did not settle");
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-log-text")) {
		const char *text = mlops_job_page_get_log_text(jp);

		if (a1 != NULL && strstr(text, a1) != NULL) {
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 2))) {
			return script_fail(self,
			    "the log shows %zu bytes (%s)", strlen(text),
			    mlops_job_page_get_log_status(jp));
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "wait-project-jobs")) {
		guint n = mlops_project_page_count_jobs(pp);

		if (mlops_project_page_is_loaded(pp) && a1 != NULL
		    && n >= (guint) atoi(a1)) {
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 2))) {
			return script_fail(self, "%u jobs listed", n);
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "project-filter")) {
		mlops_project_page_set_filter(pp, a1 ? a1 : "", a2 ? a2 : "");
		return STEP_DONE;
	}
	if (g_str_equal(cmd, "expect-project-jobs")) {
		guint n = mlops_project_page_count_jobs(pp);

		if (a1 != NULL && n == (guint) atoi(a1)) {
			return STEP_DONE;
		}
		return script_fail(self, "%u jobs listed", n);
	}
	if (g_str_equal(cmd, "wait-toast")) {
		if (a1 != NULL
		    && strstr(mlops_window_get_toast_log(self->win), a1)
		        != NULL) {
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 2))) {
			return script_fail(self, "toasts: %s",
			    mlops_window_get_toast_log(self->win));
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "screenshot")) {
		g_autoptr(GError) error = NULL;
		g_autofree char *name
		    = g_strdup_printf("%s.png", a1 ? a1 : "shot");
		g_autofree char *path
		    = g_build_filename(self->shot_dir, name, NULL);

		/* Let a frame or two pass first so the layout settles. */
		if (self->phase++ < 5) {
			gtk_widget_queue_draw(script_front(self));
			return STEP_WAIT;
		}
		if (!script_screenshot(script_front(self), path, &error)) {
			return script_fail(self, "%s", error->message);
		}
		g_print("# saved %s\n", path);
		return STEP_DONE;
	}
	if (g_str_equal(cmd, "expect-accel")) {
		g_auto(GStrv) acts = gtk_application_get_actions_for_accel(
		    GTK_APPLICATION(self->app), a1 ? a1 : "");

		if (a2 != NULL && acts != NULL
		    && g_strv_contains((const char *const *) acts, a2)) {
			return STEP_DONE;
		}
		return script_fail(
		    self, "%s is not bound to %s", a1 ? a1 : "", a2 ? a2 : "");
	}
	if (g_str_equal(cmd, "touch")) {
		if (a1 == NULL || !g_file_set_contents(a1, "", 0, NULL)) {
			return script_fail(
			    self, "cannot touch %s", a1 ? a1 : "");
		}
		return STEP_DONE;
	}
	if (g_str_equal(cmd, "wait-file")) {
		if (a1 != NULL && g_file_test(a1, G_FILE_TEST_EXISTS)) {
			return STEP_DONE;
		}
		if (script_timed_out(self, script_timeout(self, s, 2))) {
			return script_fail(self, "no %s", a1 ? a1 : "");
		}
		return STEP_WAIT;
	}
	if (g_str_equal(cmd, "sleep")) {
		return script_timed_out(self, script_timeout(self, s, 1))
		    ? STEP_DONE
		    : STEP_WAIT;
	}
	if (g_str_equal(cmd, "quit")) {
		return STEP_DONE;
	}
	{
		enum script_rc rc;

		g_clear_pointer(&self->why, g_free);
		rc = script_run_desktop_step(self, s, a1, a2);
		if (rc != STEP_FAIL || self->why != NULL) {
			return rc;
		}
	}
	return script_fail(self, "unknown step '%s'", cmd);
}

static void
script_finish(MlopsTestScript *self)
{
	const char *last = NULL;
	guint       n = mlops_application_get_notifications(self->app, &last);

	g_print("# notifications sent: %u%s%s\n", n, last ? ", last: " : "",
	    last ? last : "");
	g_print("# toasts:\n");
	{
		g_auto(GStrv) lines = g_strsplit(
		    mlops_window_get_toast_log(self->win), "\n", -1);

		for (char **l = lines; *l != NULL; l++) {
			if (**l != '\0') {
				g_print("#   %s\n", *l);
			}
		}
	}
	g_print(
	    "gtk script: %u passed, %u failed\n", self->passed, self->failed);
	mlops_application_set_exit_status(self->app, self->failed > 0 ? 1 : 0);
	g_application_quit(G_APPLICATION(self->app));
}

static gboolean
script_tick(gpointer data)
{
	MlopsTestScript          *self = data;
	const struct script_step *s;
	g_autofree char          *text = NULL;
	enum script_rc            rc;

	if (self->cur >= self->steps->len) {
		self->tick = 0;
		script_finish(self);
		return G_SOURCE_REMOVE;
	}
	s  = &g_array_index(self->steps, struct script_step, self->cur);
	rc = script_run_step(self, s);
	if (rc == STEP_WAIT) {
		return G_SOURCE_CONTINUE;
	}
	text = g_strjoinv(" ", s->argv);
	if (rc == STEP_DONE) {
		self->passed++;
		g_print("ok - %s\n", text);
	} else {
		g_autofree char *path
		    = g_build_filename(self->shot_dir, "failure.png", NULL);

		self->failed++;
		g_print(
		    "not ok - %s (line %d): %s\n", text, s->line, self->why);
		script_screenshot(script_front(self), path, NULL);
		/* The steps after a failure depend on it: stop here. */
		self->cur = self->steps->len;
		return G_SOURCE_CONTINUE;
	}
	if (g_str_equal(s->argv[0], "quit")) {
		self->cur = self->steps->len;
	} else {
		self->cur++;
	}
	self->step_started = g_get_monotonic_time();
	self->phase        = 0;
	return G_SOURCE_CONTINUE;
}

void
mlops_test_script_start(MlopsTestScript *self)
{
	g_print("# mlops-gtk test script: %u steps, screenshots in %s\n",
	    self->steps->len, self->shot_dir);
	self->step_started = g_get_monotonic_time();
	self->tick         = g_timeout_add(SCRIPT_TICK_MS, script_tick, self);
}

MlopsTestScript *
mlops_test_script_new(MlopsApplication *app, MlopsWindow *win,
    const char *path, const char *shot_dir, GError **error)
{
	MlopsTestScript *self;
	g_autofree char *text = NULL;
	g_auto(GStrv) lines   = NULL;
	const char *env;

	if (!g_file_get_contents(path, &text, NULL, error)) {
		return NULL;
	}
	self      = g_object_new(MLOPS_TYPE_TEST_SCRIPT, NULL);
	self->app = app;
	self->win = win;
	if (shot_dir != NULL) {
		self->shot_dir = g_strdup(shot_dir);
	} else if ((env = g_getenv("MLOPS_SCREENSHOT_DIR")) != NULL && *env) {
		self->shot_dir = g_strdup(env);
	} else if ((env = g_getenv("MLOPS_BUILD_DIR")) != NULL && *env) {
		self->shot_dir = g_build_filename(env, "screenshots", NULL);
	} else {
		self->shot_dir = g_strdup("screenshots");
	}
	g_mkdir_with_parents(self->shot_dir, 0755);
	lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i] != NULL; i++) {
		struct script_step s   = { i + 1, NULL, 0 };
		g_autoptr(GError) perr = NULL;
		char *line             = g_strstrip(lines[i]);

		if (*line == '\0' || *line == '#') {
			continue;
		}
		if (!g_shell_parse_argv(line, &s.argc, &s.argv, &perr)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "%s:%d: %s", path, i + 1, perr->message);
			g_object_unref(self);
			return NULL;
		}
		g_array_append_val(self->steps, s);
	}
	return self;
}

static void
mlops_test_script_finalize(GObject *obj)
{
	MlopsTestScript *self = MLOPS_TEST_SCRIPT(obj);

	if (self->tick != 0) {
		g_source_remove(self->tick);
	}
	g_array_unref(self->steps);
	g_free(self->shot_dir);
	g_free(self->why);
	G_OBJECT_CLASS(mlops_test_script_parent_class)->finalize(obj);
}

static void
mlops_test_script_class_init(MlopsTestScriptClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = mlops_test_script_finalize;
}

static void
mlops_test_script_init(MlopsTestScript *self)
{
	self->steps = g_array_new(FALSE, TRUE, sizeof(struct script_step));
	g_array_set_clear_func(self->steps, script_step_clear);
}
