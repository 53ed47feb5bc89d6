/*
 * MlopsApplication: the AdwApplication of mlops-gtk. Parses the command
 * line, owns the connection and its saved settings (a small key file,
 * $XDG_CONFIG_HOME/mlops/gtk.ini), the app actions and keyboard
 * accelerators, job-end notifications, and runs a --test-script. Main
 * thread.
 */
#include <mlops/paths.h>

#include "mlops-application.h"
#include "mlops-model.h"
#include "mlops-preferences.h"
#include "mlops-test-script.h"
#include "mlops-window.h"

struct _MlopsApplication {
	AdwApplication parent_instance;

	MlopsConnection *conn;
	char            *cli_url; /* --connect or $MLOPS_CONNECT */
	gboolean         no_autostart;
	char            *test_script;
	char            *screenshot_dir;
	MlopsTestScript *script;
	int              exit_status;

	/* saved settings */
	char    *url, *ca_file, *cert_file, *key_file;
	gboolean autostart;

	guint notifications;
	char *last_notification;
};

G_DEFINE_FINAL_TYPE(MlopsApplication, mlops_application, ADW_TYPE_APPLICATION)

/* ---- settings
 * ---------------------------------------------------------------- */

static char *
app_settings_path(void)
{
	g_autofree char *dir = mlops_path_config_dir();

	return g_build_filename(dir, "gtk.ini", NULL);
}

static void
app_load_settings(MlopsApplication *self)
{
	g_autoptr(GKeyFile) kf  = g_key_file_new();
	g_autofree char *path   = app_settings_path();
	g_autoptr(GError) error = NULL;

	self->autostart = TRUE;
	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &error)) {
		return;
	}
	self->url     = g_key_file_get_string(kf, "daemon", "url", NULL);
	self->ca_file = g_key_file_get_string(kf, "daemon", "tls-ca", NULL);
	self->cert_file
	    = g_key_file_get_string(kf, "daemon", "tls-cert", NULL);
	self->key_file = g_key_file_get_string(kf, "daemon", "tls-key", NULL);
	if (g_key_file_has_key(kf, "daemon", "autostart", NULL)) {
		self->autostart
		    = g_key_file_get_boolean(kf, "daemon", "autostart", NULL);
	}
}

static void
app_save_settings(MlopsApplication *self)
{
	g_autoptr(GKeyFile) kf  = g_key_file_new();
	g_autofree char *path   = app_settings_path();
	g_autofree char *dir    = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	g_key_file_set_string(kf, "daemon", "url", self->url ? self->url : "");
	g_key_file_set_string(
	    kf, "daemon", "tls-ca", self->ca_file ? self->ca_file : "");
	g_key_file_set_string(
	    kf, "daemon", "tls-cert", self->cert_file ? self->cert_file : "");
	g_key_file_set_string(
	    kf, "daemon", "tls-key", self->key_file ? self->key_file : "");
	g_key_file_set_boolean(kf, "daemon", "autostart", self->autostart);
	g_mkdir_with_parents(dir, 0700);
	if (!g_key_file_save_to_file(kf, path, &error)) {
		g_warning("cannot save %s: %s", path, error->message);
	}
}

static void
app_connect(MlopsApplication *self)
{
	struct mlops_connection_opts o;

	mlops_application_get_settings(self, &o);
	if (self->cli_url != NULL) {
		o.url = self->cli_url;
	}
	if (self->no_autostart) {
		o.autostart = FALSE;
	}
	mlops_connection_connect(self->conn, &o);
}

void
mlops_application_get_settings(
    MlopsApplication *self, struct mlops_connection_opts *out)
{
	out->url           = self->url;
	out->autostart     = self->autostart;
	out->tls_ca_file   = self->ca_file;
	out->tls_cert_file = self->cert_file;
	out->tls_key_file  = self->key_file;
}

void
mlops_application_set_settings(
    MlopsApplication *self, const struct mlops_connection_opts *opts)
{
	char *url  = g_strdup(opts->url);
	char *ca   = g_strdup(opts->tls_ca_file);
	char *cert = g_strdup(opts->tls_cert_file);
	char *key  = g_strdup(opts->tls_key_file);

	g_free(self->url);
	g_free(self->ca_file);
	g_free(self->cert_file);
	g_free(self->key_file);
	self->url       = url;
	self->ca_file   = ca;
	self->cert_file = cert;
	self->key_file  = key;
	self->autostart = opts->autostart;
	app_save_settings(self);
	app_connect(self);
}

gboolean
mlops_application_url_overridden(MlopsApplication *self)
{
	return self->cli_url != NULL;
}

MlopsConnection *
mlops_application_get_connection(MlopsApplication *self)
{
	return self->conn;
}

/* ---- notifications
 * --------------------------------------------------------------- */

gboolean
mlops_application_notify_job_end(MlopsApplication *self, const Mlops__Job *j)
{
	g_autoptr(GNotification) n = NULL;
	g_autofree char *title     = NULL;
	g_autofree char *body      = NULL;
	g_autofree char *nid       = NULL;

	/* The user is looking at the app when any of its windows (a dialog
	 * included) has the focus. */
	for (GList *l     = gtk_application_get_windows(GTK_APPLICATION(self));
	     l != NULL; l = l->next) {
		if (gtk_window_is_active(GTK_WINDOW(l->data))) {
			return FALSE;
		}
	}
	title = g_strdup_printf("Job %" G_GINT64_FORMAT " %s", j->id,
	    g_ascii_strdown(mlops_model_state_label(j->state), -1));
	body  = g_strdup_printf("%s%s%s on %s", j->project,
            j->description[0] ? " — " : "", j->description, j->cluster);
	n     = g_notification_new(title);
	g_notification_set_body(n, body);
	g_notification_set_default_action_and_target(
	    n, "app.show-job", "x", (gint64) j->id);
	if (g_strcmp0(j->state, "COMPLETED") != 0) {
		g_notification_set_priority(n, G_NOTIFICATION_PRIORITY_HIGH);
	}
	nid = g_strdup_printf("job-%" G_GINT64_FORMAT, j->id);
	/* Without a session bus no notification server can be reached. */
	if (g_application_get_dbus_connection(G_APPLICATION(self)) == NULL) {
		g_debug("no session bus: not sending \"%s\"", title);
	} else {
		g_application_send_notification(G_APPLICATION(self), nid, n);
	}
	self->notifications++;
	g_free(self->last_notification);
	self->last_notification = g_steal_pointer(&title);
	return TRUE;
}

guint
mlops_application_get_notifications(
    MlopsApplication *self, const char **last_title)
{
	if (last_title != NULL) {
		*last_title = self->last_notification;
	}
	return self->notifications;
}

void
mlops_application_set_exit_status(MlopsApplication *self, int status)
{
	self->exit_status = status;
}

/* ---- actions
 * ---------------------------------------------------------------- */

static MlopsWindow *
app_window(MlopsApplication *self)
{
	GList *ws = gtk_application_get_windows(GTK_APPLICATION(self));

	for (GList *l = ws; l != NULL; l = l->next) {
		if (MLOPS_IS_WINDOW(l->data)) {
			return l->data;
		}
	}
	return NULL;
}

static void
app_quit(GSimpleAction *a, GVariant *p, gpointer data)
{
	(void) a;
	(void) p;
	g_application_quit(G_APPLICATION(data));
}

static void
app_preferences(GSimpleAction *a, GVariant *p, gpointer data)
{
	MlopsWindow *w = app_window(MLOPS_APPLICATION(data));

	(void) a;
	(void) p;
	gtk_window_present(GTK_WINDOW(mlops_preferences_new(GTK_WINDOW(w))));
}

static void
app_about(GSimpleAction *a, GVariant *p, gpointer data)
{
	MlopsApplication *self = data;
	MlopsWindow      *w    = app_window(self);
	const char       *sv = mlops_connection_get_server_version(self->conn);
	g_autofree char  *info = g_strdup_printf("Daemon: %s\nmlopsd %s",
	     mlops_connection_get_url(self->conn), *sv ? sv : "not connected");
	GtkWidget        *about;

	(void) a;
	(void) p;
	about = g_object_new(ADW_TYPE_ABOUT_WINDOW, "transient-for", w,
	    "application-icon", MLOPS_APP_ID, "application-name",
	    "Mission Control", "version", MLOPS_VERSION, "comments",
	    "Launch and follow machine-learning jobs on Slurm clusters.",
	    "debug-info", info, "license-type", GTK_LICENSE_CUSTOM, NULL);
	gtk_window_present(GTK_WINDOW(about));
}

static void
app_show_job(GSimpleAction *a, GVariant *p, gpointer data)
{
	MlopsWindow *w = app_window(MLOPS_APPLICATION(data));

	(void) a;
	if (w != NULL) {
		mlops_window_show_job(w, g_variant_get_int64(p));
		gtk_window_present(GTK_WINDOW(w));
	}
}

static const GActionEntry app_actions[] = {
	{ "quit", app_quit, NULL, NULL, NULL, { 0 } },
	{ "preferences", app_preferences, NULL, NULL, NULL, { 0 } },
	{ "about", app_about, NULL, NULL, NULL, { 0 } },
	{ "show-job", app_show_job, "x", NULL, NULL, { 0 } },
};

/* ---- lifecycle
 * ------------------------------------------------------------------ */

static void
app_startup(GApplication *app)
{
	static const struct {
		const char *action;
		const char *accels[3];
	} accels[] = {
		{ "app.quit", { "<Control>q", NULL, NULL } },
		{ "app.preferences", { "<Control>comma", NULL, NULL } },
		{ "win.show-launch", { "<Control>n", NULL, NULL } },
		{ "win.search", { "<Control>f", NULL, NULL } },
		{ "win.refresh", { "<Control>r", "F5", NULL } },
		{ "win.back", { "<Alt>Left", NULL, NULL } },
		{ "window.close", { "<Control>w", NULL, NULL } },
	};
	MlopsApplication *self = MLOPS_APPLICATION(app);

	G_APPLICATION_CLASS(mlops_application_parent_class)->startup(app);
	g_action_map_add_action_entries(
	    G_ACTION_MAP(app), app_actions, G_N_ELEMENTS(app_actions), app);
	for (size_t i = 0; i < G_N_ELEMENTS(accels); i++) {
		gtk_application_set_accels_for_action(
		    GTK_APPLICATION(app), accels[i].action, accels[i].accels);
	}
	app_load_settings(self);
}

static void
app_activate(GApplication *app)
{
	MlopsApplication *self = MLOPS_APPLICATION(app);
	MlopsWindow      *w    = app_window(self);

	if (w == NULL) {
		w = mlops_window_new(GTK_APPLICATION(app), self->conn);
		if (mlops_connection_get_state(self->conn)
		    == MLOPS_CONNECTION_IDLE) {
			app_connect(self);
		}
	}
	gtk_window_present(GTK_WINDOW(w));
	if (self->test_script != NULL && self->script == NULL) {
		g_autoptr(GError) error = NULL;

		self->script = mlops_test_script_new(
		    self, w, self->test_script, self->screenshot_dir, &error);
		if (self->script == NULL) {
			g_printerr("mlops-gtk: %s\n", error->message);
			self->exit_status = 2;
			g_application_quit(app);
			return;
		}
		mlops_test_script_start(self->script);
	}
}

static gint
app_handle_local_options(GApplication *app, GVariantDict *opts)
{
	MlopsApplication *self = MLOPS_APPLICATION(app);
	const char       *s    = NULL;
	const char       *env  = g_getenv("MLOPS_CONNECT");

	if (g_variant_dict_contains(opts, "version")) {
		g_print("mlops-gtk %s\n", MLOPS_VERSION);
		return 0;
	}
	if (g_variant_dict_lookup(opts, "connect", "&s", &s) && *s) {
		self->cli_url = g_strdup(s);
	} else if (env != NULL && *env != '\0') {
		self->cli_url = g_strdup(env);
	}
	self->no_autostart = g_variant_dict_contains(opts, "no-autostart");
	if (g_variant_dict_lookup(opts, "test-script", "^&ay", &s)) {
		self->test_script = g_strdup(s);
	} else if ((s = g_getenv("MLOPS_GTK_TEST_SCRIPT")) != NULL && *s) {
		self->test_script = g_strdup(s);
	}
	if (g_variant_dict_lookup(opts, "screenshot-dir", "^&ay", &s)) {
		self->screenshot_dir = g_strdup(s);
	}
	return -1;
}

static void
app_dispose(GObject *obj)
{
	MlopsApplication *self = MLOPS_APPLICATION(obj);

	g_clear_object(&self->script);
	g_clear_object(&self->conn);
	G_OBJECT_CLASS(mlops_application_parent_class)->dispose(obj);
}

static void
app_finalize(GObject *obj)
{
	MlopsApplication *self = MLOPS_APPLICATION(obj);

	g_free(self->cli_url);
	g_free(self->test_script);
	g_free(self->screenshot_dir);
	g_free(self->url);
	g_free(self->ca_file);
	g_free(self->cert_file);
	g_free(self->key_file);
	g_free(self->last_notification);
	G_OBJECT_CLASS(mlops_application_parent_class)->finalize(obj);
}

static void
mlops_application_class_init(MlopsApplicationClass *klass)
{
	GObjectClass      *oc = G_OBJECT_CLASS(klass);
	GApplicationClass *ac = G_APPLICATION_CLASS(klass);

	oc->dispose              = app_dispose;
	oc->finalize             = app_finalize;
	ac->startup              = app_startup;
	ac->activate             = app_activate;
	ac->handle_local_options = app_handle_local_options;
}

static void
mlops_application_init(MlopsApplication *self)
{
	static const GOptionEntry entries[] = {
		{ "connect", 'c', 0, G_OPTION_ARG_STRING, NULL,
		    "Daemon URL (default: the local socket; $MLOPS_CONNECT)",
		    "URL" },
		{ "no-autostart", 0, 0, G_OPTION_ARG_NONE, NULL,
		    "Do not start a local daemon when none answers", NULL },
		{ "test-script", 0, 0, G_OPTION_ARG_FILENAME, NULL,
		    "Run the steps of FILE through the app's own actions "
		    "(tests; see README)",
		    "FILE" },
		{ "screenshot-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
		    "Where the test script saves screenshots", "DIR" },
		{ "version", 0, 0, G_OPTION_ARG_NONE, NULL,
		    "Print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	self->conn = mlops_connection_new();
	g_application_add_main_option_entries(G_APPLICATION(self), entries);
}

MlopsApplication *
mlops_application_new(void)
{
	/* Non-unique: each run is its own client (tests run several). */
	return g_object_new(MLOPS_TYPE_APPLICATION, "application-id",
	    MLOPS_APP_ID, "flags", G_APPLICATION_NON_UNIQUE, NULL);
}

int
mlops_application_run(MlopsApplication *self, int argc, char **argv)
{
	int rc = g_application_run(G_APPLICATION(self), argc, argv);

	return rc != 0 ? rc : self->exit_status;
}
