/*
 * The toasts and notifications the app showed or sent, for the test
 * driver. Toasts are read off the main window's AdwToastOverlay, whose
 * children besides its content are the toasts on screen; notifications
 * are the method calls to a notification server that leave the app's
 * session bus connection (GNotification's freedesktop, GTK and portal
 * backends). The filter runs on GDBus's worker thread; the rest on the
 * main thread.
 */
#include "probe.h"
#include "watch.h"

/* What the bus filter records; it owns this until GDBus drops it. */
struct watch_notes {
	GMutex mu;
	guint  n;
	char  *last;
};

struct watch {
	GtkWidget          *overlay;   /* the window's AdwToastOverlay */
	GHashTable         *on_screen; /* toast widgets seen, held weakly */
	GString            *toasts;
	GDBusConnection    *bus;
	guint               filter;
	struct watch_notes *notes;
};

static void
watch_notes_free(gpointer p)
{
	struct watch_notes *notes = p;

	g_mutex_clear(&notes->mu);
	g_free(notes->last);
	g_free(notes);
}

/* The title of a notification the app sends, or NULL for another call. */
static char *
watch_notification_title(GDBusMessage *m)
{
	const char *iface  = g_dbus_message_get_interface(m);
	const char *member = g_dbus_message_get_member(m);
	GVariant   *body   = g_dbus_message_get_body(m);
	char       *title  = NULL;

	if (iface == NULL || member == NULL || body == NULL) {
		return NULL;
	}
	if (g_str_equal(iface, "org.freedesktop.Notifications")
	    && g_str_equal(member, "Notify")
	    && g_variant_is_of_type(body, G_VARIANT_TYPE("(susssasa{sv}i)"))) {
		g_variant_get_child(body, 3, "s", &title);
	} else if ((g_str_equal(iface, "org.gtk.Notifications")
	               || g_str_equal(
	                   iface, "org.freedesktop.portal.Notification"))
	    && g_str_equal(member, "AddNotification")
	    && g_variant_n_children(body) > 0) {
		g_autoptr(GVariant) n = g_variant_get_child_value(
		    body, g_variant_n_children(body) - 1);

		if (!g_variant_is_of_type(n, G_VARIANT_TYPE_VARDICT)
		    || !g_variant_lookup(n, "title", "s", &title)) {
			title = g_strdup("");
		}
	}
	return title;
}

static GDBusMessage *
watch_filter(
    GDBusConnection *bus, GDBusMessage *m, gboolean incoming, gpointer data)
{
	struct watch_notes *notes = data;
	char               *title;

	(void) bus;
	if (incoming
	    || g_dbus_message_get_message_type(m)
	        != G_DBUS_MESSAGE_TYPE_METHOD_CALL
	    || (title = watch_notification_title(m)) == NULL) {
		return m;
	}
	g_mutex_lock(&notes->mu);
	notes->n++;
	g_free(notes->last);
	notes->last = title;
	g_mutex_unlock(&notes->mu);
	return m;
}

static void
watch_toast_gone(gpointer data, GObject *was)
{
	struct watch *w = data;

	g_hash_table_remove(w->on_screen, was);
}

static gboolean
watch_collect_label(GtkWidget *l, gpointer data)
{
	GString *text = data;

	if (GTK_IS_LABEL(l) && *gtk_label_get_text(GTK_LABEL(l)) != '\0') {
		g_string_append_printf(text, "%s%s", text->len > 0 ? " " : "",
		    gtk_label_get_text(GTK_LABEL(l)));
	}
	return FALSE; /* all of them */
}

void
watch_poll(struct watch *w)
{
	GtkWidget *content
	    = adw_toast_overlay_get_child(ADW_TOAST_OVERLAY(w->overlay));

	for (GtkWidget *c = gtk_widget_get_first_child(w->overlay); c != NULL;
	     c            = gtk_widget_get_next_sibling(c)) {
		GString *text;

		if (c == content || g_hash_table_contains(w->on_screen, c)) {
			continue;
		}
		text = g_string_new(NULL);
		probe_find(c, watch_collect_label, text);
		g_string_append_printf(w->toasts, "%s\n", text->str);
		g_string_free(text, TRUE);
		g_hash_table_add(w->on_screen, c);
		g_object_weak_ref(G_OBJECT(c), watch_toast_gone, w);
	}
}

const char *
watch_toasts(struct watch *w)
{
	return w->toasts->str;
}

gboolean
watch_notifications(struct watch *w, guint *n, char **last)
{
	if (w->filter == 0) {
		return FALSE;
	}
	g_mutex_lock(&w->notes->mu);
	*n = w->notes->n;
	if (last != NULL) {
		*last = g_strdup(w->notes->last);
	}
	g_mutex_unlock(&w->notes->mu);
	return TRUE;
}

struct watch *
watch_new(MlopsApplication *app, MlopsWindow *win)
{
	struct watch    *w = g_new0(struct watch, 1);
	GDBusConnection *bus
	    = g_application_get_dbus_connection(G_APPLICATION(app));

	w->overlay   = probe_child(win, MLOPS_TYPE_WINDOW, "toast_overlay");
	w->on_screen = g_hash_table_new(NULL, NULL);
	w->toasts    = g_string_new(NULL);
	w->notes     = g_new0(struct watch_notes, 1);
	g_mutex_init(&w->notes->mu);
	if (bus != NULL) {
		w->bus = g_object_ref(bus);
		/* GDBus frees the notes once no filter call can run. */
		w->filter = g_dbus_connection_add_filter(
		    bus, watch_filter, w->notes, watch_notes_free);
	}
	return w;
}

void
watch_free(struct watch *w)
{
	GHashTableIter it;
	gpointer       c;

	if (w == NULL) {
		return;
	}
	g_hash_table_iter_init(&it, w->on_screen);
	while (g_hash_table_iter_next(&it, &c, NULL)) {
		g_object_weak_unref(G_OBJECT(c), watch_toast_gone, w);
	}
	g_hash_table_unref(w->on_screen);
	g_string_free(w->toasts, TRUE);
	if (w->filter != 0) {
		g_dbus_connection_remove_filter(w->bus, w->filter);
	} else {
		watch_notes_free(w->notes);
	}
	g_clear_object(&w->bus);
	g_free(w);
}
