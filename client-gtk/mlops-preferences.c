/*
 * MlopsPreferences: where the daemon is (local or a remote URL with TLS
 * files) and whether to start a local one. "Apply" saves the settings and
 * reconnects. Main thread.
 */
#include "mlops-application.h"
#include "mlops-preferences.h"

struct _MlopsPreferences {
	AdwPreferencesWindow parent_instance;

	AdwActionRow *status_row;
	GtkWidget    *url_row;
	GtkSwitch    *autostart_switch;
	GtkWidget    *ca_row;
	GtkWidget    *cert_row;
	GtkWidget    *key_row;
	GtkWidget    *apply_button;
};

G_DEFINE_FINAL_TYPE(
    MlopsPreferences, mlops_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static MlopsApplication *
prefs_app(void)
{
	return MLOPS_APPLICATION(g_application_get_default());
}

static void
prefs_show_status(MlopsPreferences *self)
{
	MlopsConnection *c = mlops_application_get_connection(prefs_app());
	g_autofree char *s
	    = g_strdup_printf("%s — %s%s", mlops_connection_get_url(c),
	        mlops_connection_get_state(c) == MLOPS_CONNECTION_CONNECTED
	            ? "connected, mlopsd "
	            : "not connected",
	        mlops_connection_get_state(c) == MLOPS_CONNECTION_CONNECTED
	            ? mlops_connection_get_server_version(c)
	            : "");

	adw_action_row_set_subtitle(self->status_row, s);
}

static void
prefs_apply(GtkWidget *w, const char *action, GVariant *param)
{
	MlopsPreferences            *self = MLOPS_PREFERENCES(w);
	struct mlops_connection_opts o    = { 0 };

	(void) action;
	(void) param;
	o.url           = gtk_editable_get_text(GTK_EDITABLE(self->url_row));
	o.autostart     = gtk_switch_get_active(self->autostart_switch);
	o.tls_ca_file   = gtk_editable_get_text(GTK_EDITABLE(self->ca_row));
	o.tls_cert_file = gtk_editable_get_text(GTK_EDITABLE(self->cert_row));
	o.tls_key_file  = gtk_editable_get_text(GTK_EDITABLE(self->key_row));
	mlops_application_set_settings(prefs_app(), &o);
	adw_preferences_window_add_toast(ADW_PREFERENCES_WINDOW(self),
	    adw_toast_new(mlops_application_url_overridden(prefs_app())
	            ? "Saved; --connect or MLOPS_CONNECT still decides the URL"
	            : "Saved; reconnecting"));
}

static void
prefs_on_state(GObject *c, GParamSpec *p, MlopsPreferences *self)
{
	(void) c;
	(void) p;
	prefs_show_status(self);
}

static void
mlops_preferences_class_init(MlopsPreferencesClass *klass)
{
	GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

	gtk_widget_class_set_template_from_resource(
	    wc, "/org/mlops/MissionControl/mlops-preferences.ui");
	gtk_widget_class_bind_template_child(wc, MlopsPreferences, status_row);
	gtk_widget_class_bind_template_child(wc, MlopsPreferences, url_row);
	gtk_widget_class_bind_template_child(
	    wc, MlopsPreferences, autostart_switch);
	gtk_widget_class_bind_template_child(wc, MlopsPreferences, ca_row);
	gtk_widget_class_bind_template_child(wc, MlopsPreferences, cert_row);
	gtk_widget_class_bind_template_child(wc, MlopsPreferences, key_row);
	gtk_widget_class_bind_template_child(
	    wc, MlopsPreferences, apply_button);
	gtk_widget_class_install_action(wc, "prefs.apply", NULL, prefs_apply);
}

static void
mlops_preferences_init(MlopsPreferences *self)
{
	struct mlops_connection_opts o;

	gtk_widget_init_template(GTK_WIDGET(self));
	mlops_application_get_settings(prefs_app(), &o);
	gtk_editable_set_text(GTK_EDITABLE(self->url_row), o.url ? o.url : "");
	gtk_switch_set_active(self->autostart_switch, o.autostart);
	gtk_editable_set_text(
	    GTK_EDITABLE(self->ca_row), o.tls_ca_file ? o.tls_ca_file : "");
	gtk_editable_set_text(GTK_EDITABLE(self->cert_row),
	    o.tls_cert_file ? o.tls_cert_file : "");
	gtk_editable_set_text(
	    GTK_EDITABLE(self->key_row), o.tls_key_file ? o.tls_key_file : "");
	prefs_show_status(self);
	g_signal_connect_object(mlops_application_get_connection(prefs_app()),
	    "notify::state", G_CALLBACK(prefs_on_state), self, 0);
}

MlopsPreferences *
mlops_preferences_new(GtkWindow *parent)
{
	return g_object_new(
	    MLOPS_TYPE_PREFERENCES, "transient-for", parent, NULL);
}
