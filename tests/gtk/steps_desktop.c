/*
 * Steps on what surrounds the window: Preferences, X11 input focus given
 * and taken as a window manager would (the reason the driver links
 * libX11), message dialogs, and the notifications sent to the desktop.
 * Main thread.
 */
#include <stdlib.h>

#include <gdk/x11/gdkx.h>

#include "mlops-preferences.h"
#include "probe.h"
#include "steps.h"
#include "watch.h"

/* ---- Preferences ---------------------------------------------------------
 */

enum step_rc
step_prefs_set(struct driver *d, char **a, int n)
{
	GtkWidget       *prefs = probe_toplevel(MLOPS_TYPE_PREFERENCES);
	g_autofree char *id    = NULL;

	if (prefs == NULL) {
		if (d->phase++ == 0) {
			g_action_group_activate_action(
			    G_ACTION_GROUP(d->app), "preferences", NULL);
		}
		return driver_wait(d, FALSE, "no Preferences window");
	}
	if (g_str_equal(a[0], "autostart")) {
		if (!g_str_equal(a[1], "true")
		    && !g_str_equal(a[1], "false")) {
			return driver_fail(d, "autostart is true or false");
		}
		gtk_switch_set_active(
		    GTK_SWITCH(probe_child(
		        prefs, MLOPS_TYPE_PREFERENCES, "autostart_switch")),
		    g_str_equal(a[1], "true"));
		return STEP_DONE;
	}
	id = g_strdup_printf("%s_row", a[0]);
	gtk_editable_set_text(
	    GTK_EDITABLE(probe_child(prefs, MLOPS_TYPE_PREFERENCES, id)),
	    a[1]);
	return STEP_DONE;
}

enum step_rc
step_prefs_close(struct driver *d, char **a, int n)
{
	GtkWidget *prefs = probe_toplevel(MLOPS_TYPE_PREFERENCES);

	if (prefs != NULL) {
		gtk_window_destroy(GTK_WINDOW(prefs));
	}
	return STEP_DONE;
}

enum step_rc
step_expect_url(struct driver *d, char **a, int n)
{
	const char *url
	    = mlops_connection_get_url(mlops_window_get_connection(d->win));

	return g_str_equal(url, a[0]) ? STEP_DONE
	                              : driver_fail(d, "connected to %s", url);
}

/* ---- focus ---------------------------------------------------------------
 */

/* X11 focus as a window manager gives it: the window's is-active follows
 * the FocusIn/FocusOut the server sends. 1 when asked, 0 when the window
 * is not shown yet, -1 on another display. */
static int
desktop_focus(struct driver *d, gboolean in)
{
	GdkSurface *surf = gtk_native_get_surface(GTK_NATIVE(d->win));
	GdkDisplay *disp = gtk_widget_get_display(GTK_WIDGET(d->win));

	if (!GDK_IS_X11_DISPLAY(disp)) {
		return -1;
	}
	if (surf == NULL || !gtk_widget_get_mapped(GTK_WIDGET(d->win))) {
		return 0;
	}
	XSetInputFocus(gdk_x11_display_get_xdisplay(disp),
	    in ? gdk_x11_surface_get_xid(surf) : None, RevertToNone,
	    CurrentTime);
	XFlush(gdk_x11_display_get_xdisplay(disp));
	return 1;
}

enum step_rc
step_focus(struct driver *d, char **a, int n)
{
	gboolean in = g_str_equal(a[0], "in");

	if (d->phase == 0) {
		int rc = desktop_focus(d, in);

		if (rc < 0) {
			return driver_fail(d, "not an X11 display");
		}
		d->phase = rc;
	}
	return driver_wait(d,
	    d->phase > 0 && gtk_window_is_active(GTK_WINDOW(d->win)) == in,
	    "the window is%s active", in ? " not" : " still");
}

/* ---- dialogs -------------------------------------------------------------
 */

static gboolean
desktop_match_button(GtkWidget *w, gpointer label)
{
	return GTK_IS_BUTTON(w)
	    && g_strcmp0(gtk_button_get_label(GTK_BUTTON(w)), label) == 0;
}

enum step_rc
step_dialog_response(struct driver *d, char **a, int n)
{
	GtkWidget *dlg = probe_toplevel(ADW_TYPE_MESSAGE_DIALOG);
	GtkWidget *b   = NULL;
	gboolean   had;

	if (dlg != NULL
	    && adw_message_dialog_has_response(
	        ADW_MESSAGE_DIALOG(dlg), a[0])) {
		b = probe_find(dlg, desktop_match_button,
		    (gpointer) adw_message_dialog_get_response_label(
		        ADW_MESSAGE_DIALOG(dlg), a[0]));
	}
	if (b == NULL) {
		return driver_wait(d, FALSE, "no dialog offers %s", a[0]);
	}
	had = gtk_window_is_active(GTK_WINDOW(dlg))
	    || gtk_window_is_active(GTK_WINDOW(d->win));
	/* The button, as a click: it answers and closes. */
	gtk_widget_activate(b);
	/* As a window manager does: the focus goes back to the window the
	 * dialog belonged to. */
	if (had) {
		desktop_focus(d, TRUE);
	}
	return STEP_DONE;
}

/* ---- notifications -------------------------------------------------------
 */

enum step_rc
step_expect_notifications(struct driver *d, char **a, int n)
{
	g_autofree char *last = NULL;
	guint            sent = 0;

	if (!watch_notifications(d->watch, &sent, &last)) {
		return driver_fail(d, "the app has no session bus");
	}
	return sent == (guint) atoi(a[0])
	    ? STEP_DONE
	    : driver_fail(d, "%u sent%s%s", sent, last ? ", last: " : "",
	        last ? last : "");
}
