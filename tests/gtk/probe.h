/*
 * Widget lookups for the test driver: template children by their id in
 * the .ui files, descendants by type or widget name, toplevel windows,
 * and a few readers and actors (text, scrolling, screenshots). Nothing
 * here is part of the app; it sees only the widgets. Main thread.
 */
#ifndef MLOPS_TESTS_GTK_PROBE_H
#define MLOPS_TESTS_GTK_PROBE_H

#include <adwaita.h>

G_BEGIN_DECLS

/**
 * The template child `id` of `widget`, whose template belongs to `type`
 * (gtk_widget_get_template_child()). Aborts when there is none: the .ui
 * file and the driver disagree.
 */
GtkWidget *probe_child(gpointer widget, GType type, const char *id);

/** The first visible toplevel window of `type`, or NULL. */
GtkWidget *probe_toplevel(GType type);

/** Called by probe_find() for each descendant; TRUE stops the walk. */
typedef gboolean (*probe_match_cb)(GtkWidget *w, gpointer data);
/** The first widget under `root` (depth first, root included) that
 * `match` accepts, or NULL. */
GtkWidget *probe_find(GtkWidget *root, probe_match_cb match, gpointer data);
/** The first widget under `root` of `type` named `name` (NULL: any). */
GtkWidget *probe_find_named(GtkWidget *root, GType type, const char *name);
/** Widgets of `type` under `root`. */
guint probe_count(GtkWidget *root, GType type);

/** TRUE when the app gave `w` a name (gtk_widget_set_name()). */
gboolean probe_is_named(GtkWidget *w);

/** The whole text of a GtkTextView. Caller frees. */
char *probe_text_view(GtkWidget *view);

/** Scrolls the scrolled window around `target` so that it starts at the
 * top of the view. */
void probe_scroll_to(GtkWidget *target);

/** Saves what `w` (a window) shows as a PNG file. */
gboolean probe_screenshot(GtkWidget *w, const char *path, GError **error);

G_END_DECLS

#endif
