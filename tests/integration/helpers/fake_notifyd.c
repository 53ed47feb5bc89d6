/*
 * A stand-in for the desktop's notification server on a test's private
 * session bus: owns org.freedesktop.Notifications, the name GNotification's
 * freedesktop backend calls, and appends one line per Notify call to the
 * file named by argv[1]: "notify<TAB>app<TAB>summary<TAB>body". Its first
 * line is "ready" once the name is owned. Runs until killed.
 */
#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>

static const char introspection[]
    = "<node><interface name='org.freedesktop.Notifications'>"
      "<method name='Notify'>"
      "<arg type='s' direction='in'/><arg type='u' direction='in'/>"
      "<arg type='s' direction='in'/><arg type='s' direction='in'/>"
      "<arg type='s' direction='in'/><arg type='as' direction='in'/>"
      "<arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
      "<arg type='u' direction='out'/></method>"
      "<method name='CloseNotification'>"
      "<arg type='u' direction='in'/></method>"
      "<method name='GetCapabilities'>"
      "<arg type='as' direction='out'/></method>"
      "<method name='GetServerInformation'>"
      "<arg type='s' direction='out'/><arg type='s' direction='out'/>"
      "<arg type='s' direction='out'/><arg type='s' direction='out'/>"
      "</method>"
      "<signal name='NotificationClosed'>"
      "<arg type='u'/><arg type='u'/></signal>"
      "<signal name='ActionInvoked'>"
      "<arg type='u'/><arg type='s'/></signal>"
      "</interface></node>";

static FILE    *out;
static guint32  next_id = 1;
static gboolean owned;

static void
on_call(GDBusConnection *c, const char *sender, const char *path,
    const char *iface, const char *method, GVariant *params,
    GDBusMethodInvocation *inv, gpointer data)
{
	(void) c;
	(void) sender;
	(void) path;
	(void) iface;
	(void) data;
	if (g_str_equal(method, "Notify")) {
		const char *app, *icon, *summary, *body;
		guint32     replaces;

		g_variant_get_child(params, 0, "&s", &app);
		g_variant_get_child(params, 1, "u", &replaces);
		g_variant_get_child(params, 2, "&s", &icon);
		g_variant_get_child(params, 3, "&s", &summary);
		g_variant_get_child(params, 4, "&s", &body);
		fprintf(out, "notify\t%s\t%s\t%s\n", app, summary, body);
		fflush(out);
		g_dbus_method_invocation_return_value(inv,
		    g_variant_new(
		        "(u)", replaces != 0 ? replaces : next_id++));
	} else if (g_str_equal(method, "GetCapabilities")) {
		const char *caps[] = { "body", "actions", NULL };

		g_dbus_method_invocation_return_value(
		    inv, g_variant_new("(^as)", caps));
	} else if (g_str_equal(method, "GetServerInformation")) {
		g_dbus_method_invocation_return_value(inv,
		    g_variant_new(
		        "(ssss)", "fake-notifyd", "mlops", "1", "1.2"));
	} else {
		g_dbus_method_invocation_return_value(inv, NULL);
	}
}

static void
on_bus(GDBusConnection *c, const char *name, gpointer data)
{
	static const GDBusInterfaceVTable vt = { on_call, NULL, NULL, { 0 } };
	GDBusNodeInfo                    *info = data;

	(void) name;
	g_dbus_connection_register_object(c, "/org/freedesktop/Notifications",
	    info->interfaces[0], &vt, NULL, NULL, NULL);
}

static void
on_name(GDBusConnection *c, const char *name, gpointer data)
{
	(void) c;
	(void) name;
	(void) data;
	owned = TRUE;
	fprintf(out, "ready\n");
	fflush(out);
}

static void
on_lost(GDBusConnection *c, const char *name, gpointer data)
{
	(void) c;
	(void) data;
	if (owned) {
		exit(0); /* the session bus went away */
	}
	fprintf(stderr, "fake-notifyd: cannot own %s\n", name);
	exit(1);
}

int
main(int argc, char **argv)
{
	GDBusNodeInfo *info;

	if (argc != 2 || (out = fopen(argv[1], "a")) == NULL) {
		fprintf(stderr, "usage: fake-notifyd LOGFILE\n");
		return 2;
	}
	info = g_dbus_node_info_new_for_xml(introspection, NULL);
	g_bus_own_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications",
	    G_BUS_NAME_OWNER_FLAGS_NONE, on_bus, on_name, on_lost, info, NULL);
	g_main_loop_run(g_main_loop_new(NULL, FALSE));
	return 0;
}
