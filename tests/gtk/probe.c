/*
 * Widget lookups for the test driver: template children, descendants,
 * toplevels, text, scrolling and screenshots. Main thread.
 */
#include "probe.h"

GtkWidget *
probe_child(gpointer widget, GType type, const char *id)
{
	GObject *o
	    = gtk_widget_get_template_child(GTK_WIDGET(widget), type, id);

	if (o == NULL || !GTK_IS_WIDGET(o)) {
		g_error("%s has no template child widget '%s'",
		    g_type_name(type), id);
	}
	return GTK_WIDGET(o);
}

GtkWidget *
probe_toplevel(GType type)
{
	GListModel *tops = gtk_window_get_toplevels(); /* transfer none */

	for (guint i = 0; i < g_list_model_get_n_items(tops); i++) {
		g_autoptr(GtkWidget) w = g_list_model_get_item(tops, i);

		if (G_TYPE_CHECK_INSTANCE_TYPE(w, type)
		    && gtk_widget_get_visible(w)) {
			return w; /* the toplevel list holds it */
		}
	}
	return NULL;
}

GtkWidget *
probe_find(GtkWidget *root, probe_match_cb match, gpointer data)
{
	if (match(root, data)) {
		return root;
	}
	for (GtkWidget *c = gtk_widget_get_first_child(root); c != NULL;
	     c            = gtk_widget_get_next_sibling(c)) {
		GtkWidget *w = probe_find(c, match, data);

		if (w != NULL) {
			return w;
		}
	}
	return NULL;
}

struct probe_named {
	GType       type;
	const char *name;
};

static gboolean
probe_match_named(GtkWidget *w, gpointer data)
{
	const struct probe_named *want = data;

	return G_TYPE_CHECK_INSTANCE_TYPE(w, want->type)
	    && (want->name == NULL
	        || (probe_is_named(w)
	            && g_str_equal(gtk_widget_get_name(w), want->name)));
}

GtkWidget *
probe_find_named(GtkWidget *root, GType type, const char *name)
{
	struct probe_named want = { type, name };

	return probe_find(root, probe_match_named, &want);
}

guint
probe_count(GtkWidget *root, GType type)
{
	guint n = G_TYPE_CHECK_INSTANCE_TYPE(root, type) ? 1 : 0;

	for (GtkWidget *c = gtk_widget_get_first_child(root); c != NULL;
	     c            = gtk_widget_get_next_sibling(c)) {
		n += probe_count(c, type);
	}
	return n;
}

gboolean
probe_is_named(GtkWidget *w)
{
	/* Without a name of its own, a widget answers its type's name. */
	return !g_str_equal(gtk_widget_get_name(w), G_OBJECT_TYPE_NAME(w));
}

char *
probe_text_view(GtkWidget *view)
{
	GtkTextBuffer *buf = gtk_text_view_get_buffer(GTK_TEXT_VIEW(view));
	GtkTextIter    a, b;

	gtk_text_buffer_get_bounds(buf, &a, &b);
	return gtk_text_buffer_get_text(buf, &a, &b, FALSE);
}

void
probe_scroll_to(GtkWidget *target)
{
	GtkWidget *sw
	    = gtk_widget_get_ancestor(target, GTK_TYPE_SCROLLED_WINDOW);
	GtkWidget       *content;
	graphene_point_t p;

	if (sw == NULL) {
		return;
	}
	content = gtk_scrolled_window_get_child(GTK_SCROLLED_WINDOW(sw));
	if (GTK_IS_VIEWPORT(content)) {
		content = gtk_viewport_get_child(GTK_VIEWPORT(content));
	}
	/* In the scrolled content's own coordinates, y is the offset. */
	if (content != NULL
	    && gtk_widget_compute_point(
	        target, content, &GRAPHENE_POINT_INIT(0, 0), &p)) {
		gtk_adjustment_set_value(gtk_scrolled_window_get_vadjustment(
		                             GTK_SCROLLED_WINDOW(sw)),
		    p.y);
	}
}

gboolean
probe_screenshot(GtkWidget *w, const char *path, GError **error)
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
