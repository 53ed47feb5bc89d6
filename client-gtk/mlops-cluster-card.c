/*
 * A cluster's card on the overview, built from plain widgets: a header
 * with the name and a state pill, a status line, and one line per GPU type
 * and partition with a level bar. Main thread.
 */
#include <mlops/types.h>

#include "mlops-cluster-card.h"
#include "mlops-model.h"
#include "mlops-util.h"

struct card_parts {
	char      *name;
	GtkWidget *state;
	GtkWidget *status;
	GtkWidget *gpus;
};

static void
card_parts_free(gpointer p)
{
	struct card_parts *c = p;

	g_free(c->name);
	g_free(c);
}

static struct card_parts *
card_parts(GtkWidget *card)
{
	return g_object_get_data(G_OBJECT(card), "mlops-card");
}

GtkWidget *
mlops_cluster_card_new(const char *name)
{
	struct card_parts *c    = g_new0(struct card_parts, 1);
	GtkWidget         *card = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
	GtkWidget         *head = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	GtkWidget         *title;

	c->name = g_strdup(name);
	gtk_widget_add_css_class(card, "card");
	gtk_widget_add_css_class(card, "cluster-card");
	gtk_widget_set_size_request(card, 300, -1);

	title = gtk_label_new(name);
	gtk_widget_add_css_class(title, "title-3");
	gtk_label_set_xalign(GTK_LABEL(title), 0);
	gtk_widget_set_hexpand(title, TRUE);
	gtk_box_append(GTK_BOX(head), title);
	c->state = gtk_label_new("…");
	gtk_widget_add_css_class(c->state, "badge");
	gtk_widget_add_css_class(c->state, "badge-neutral");
	gtk_widget_set_valign(c->state, GTK_ALIGN_CENTER);
	gtk_box_append(GTK_BOX(head), c->state);
	gtk_box_append(GTK_BOX(card), head);

	c->status = gtk_label_new("");
	gtk_label_set_xalign(GTK_LABEL(c->status), 0);
	gtk_label_set_wrap(GTK_LABEL(c->status), TRUE);
	gtk_widget_add_css_class(c->status, "dim-label");
	gtk_widget_add_css_class(c->status, "caption");
	gtk_box_append(GTK_BOX(card), c->status);

	c->gpus = gtk_box_new(GTK_ORIENTATION_VERTICAL, 10);
	gtk_widget_set_margin_top(c->gpus, 4);
	gtk_box_append(GTK_BOX(card), c->gpus);
	g_object_set_data_full(
	    G_OBJECT(card), "mlops-card", c, card_parts_free);
	gtk_accessible_update_property(
	    GTK_ACCESSIBLE(card), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
	return card;
}

const char *
mlops_cluster_card_get_name(GtkWidget *card)
{
	return card_parts(card)->name;
}

void
mlops_cluster_card_set_status(GtkWidget *card, const Mlops__ClusterStatus *st)
{
	struct card_parts       *c         = card_parts(card);
	static const char *const classes[] = { "badge-neutral", "badge-queued",
		"badge-success", "badge-error" };
	const char              *cls       = "badge-neutral";
	g_autofree char         *line      = NULL;
	char                     when[32];

	switch (st->state) {
	case MLOPS__CLUSTER_STATE__CLUSTER_STATE_CONNECTED:
		cls = "badge-success";
		break;
	case MLOPS__CLUSTER_STATE__CLUSTER_STATE_CONNECTING:
		cls = "badge-queued";
		break;
	case MLOPS__CLUSTER_STATE__CLUSTER_STATE_UNREACHABLE:
		cls = "badge-error";
		break;
	default:
		break;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(classes); i++) {
		gtk_widget_remove_css_class(c->state, classes[i]);
	}
	gtk_widget_add_css_class(c->state, cls);
	{
		g_autofree char *label
		    = g_strdup(mlops_cluster_state_name(st->state));

		if (label[0] != '\0') {
			label[0] = g_ascii_toupper(label[0]);
		}
		gtk_label_set_text(GTK_LABEL(c->state), label);
	}
	if (st->state == MLOPS__CLUSTER_STATE__CLUSTER_STATE_UNREACHABLE
	    && st->last_error[0] != '\0') {
		line = g_strdup(st->last_error);
	} else if (st->slurm_version[0] != '\0') {
		mlops_model_time(when, sizeof(when),
		    st->last_poll_at > 0 ? st->last_poll_at
		                         : st->last_contact_at);
		line = g_strdup_printf("Slurm %s%s%s", st->slurm_version,
		    when[0] ? " · last contact " : "", when);
	} else {
		line = g_strdup("");
	}
	gtk_label_set_text(GTK_LABEL(c->status), line);
	gtk_widget_set_visible(c->status, line[0] != '\0');
}

static GtkWidget *
card_gpu_line(const Mlops__GpuRow *row)
{
	struct mlops_gpu_summary s;
	GtkWidget       *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	GtkWidget       *top = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget       *name, *part, *count, *bar;
	g_autofree char *a11y = NULL;

	mlops_model_gpu_summary(&s, row);
	/* Named PARTITION/TYPE, as the test driver (tests/gtk) finds it. */
	{
		g_autofree char *id
		    = g_strdup_printf("%s/%s", row->partition, row->gpu_type);

		gtk_widget_set_name(box, id);
	}
	name = gtk_label_new(s.title);
	gtk_widget_add_css_class(name, "heading");
	gtk_box_append(GTK_BOX(top), name);
	part = gtk_label_new(s.subtitle);
	gtk_widget_add_css_class(part, "dim-label");
	gtk_widget_set_hexpand(part, TRUE);
	gtk_label_set_xalign(GTK_LABEL(part), 0);
	gtk_box_append(GTK_BOX(top), part);
	count = gtk_label_new(s.count);
	gtk_widget_add_css_class(count, "numeric");
	if (s.none_free) {
		gtk_widget_add_css_class(count, "error");
	}
	gtk_box_append(GTK_BOX(top), count);
	gtk_box_append(GTK_BOX(box), top);

	bar = gtk_level_bar_new_for_interval(0.0, 1.0);
	gtk_level_bar_set_value(GTK_LEVEL_BAR(bar), s.fraction);
	/* Few free GPUs are the notable case: colour by what is left. */
	gtk_level_bar_add_offset_value(GTK_LEVEL_BAR(bar), "low", 0.25);
	gtk_level_bar_add_offset_value(GTK_LEVEL_BAR(bar), "high", 0.5);
	gtk_level_bar_add_offset_value(GTK_LEVEL_BAR(bar), "full", 1.0);
	a11y = g_strdup_printf("%s, %s: %s", s.title, s.subtitle, s.count);
	gtk_accessible_update_property(
	    GTK_ACCESSIBLE(bar), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
	gtk_box_append(GTK_BOX(box), bar);
	if (s.pending[0] != '\0') {
		GtkWidget *pend = gtk_label_new(s.pending);

		gtk_label_set_xalign(GTK_LABEL(pend), 0);
		gtk_widget_add_css_class(pend, "caption");
		gtk_widget_add_css_class(pend, "warning");
		gtk_box_append(GTK_BOX(box), pend);
	}
	return box;
}

void
mlops_cluster_card_set_gpus(GtkWidget *card, const Mlops__ClusterGpus *g)
{
	struct card_parts *c    = card_parts(card);
	GtkWidget         *note = NULL;
	guint              n    = 0;

	mlops_util_remove_children(c->gpus);
	for (size_t i = 0; i < g->n_rows; i++) {
		if (g->rows[i]->total <= 0) {
			continue; /* a CPU partition */
		}
		gtk_box_append(GTK_BOX(c->gpus), card_gpu_line(g->rows[i]));
		n++;
	}
	if (g->error != NULL && g->error->code != 0) {
		g_autofree char *t = g_strdup_printf(
		    "GPU availability unknown: %s", g->error->message);

		note = gtk_label_new(t);
		gtk_widget_add_css_class(note, "error");
	} else if (n == 0 && g->fetched_at > 0) {
		note = gtk_label_new("No GPUs in this cluster's partitions");
		gtk_widget_add_css_class(note, "dim-label");
	} else if (g->fetched_at == 0) {
		note = gtk_label_new("GPU availability not fetched yet");
		gtk_widget_add_css_class(note, "dim-label");
	}
	if (note != NULL) {
		gtk_label_set_xalign(GTK_LABEL(note), 0);
		gtk_label_set_wrap(GTK_LABEL(note), TRUE);
		gtk_widget_add_css_class(note, "caption");
		gtk_box_append(GTK_BOX(c->gpus), note);
	}
}
