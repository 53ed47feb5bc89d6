/*
 * Steps on the Launch dialog: fields set through their widgets, and what
 * the dialog shows read off them: the preview, the rows marked with the
 * daemon's error and the banner saying why, and the Hydra part (its
 * state, its field rows, the summary of the overrides sent and the
 * sweep's task count). Main thread.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/hydra_syntax.h>

#include "mlops-hydra-form.h"
#include "mlops-hydra-syntax.h"
#include "mlops-job-page.h"
#include "mlops-launch-dialog.h"
#include "probe.h"
#include "steps.h"

/* What mlops-launch-dialog-hydra.c writes in the summary row besides the
 * overrides themselves. */
#define LAUNCH_NO_OVERRIDES  "None: the defaults as they are"
#define LAUNCH_OPEN_QUOTE    "A quote of the overrides is not closed"
#define LAUNCH_STILL_TO_GIVE "\nStill to give: "

/*
 * The form's fields: the name launch-set takes and the daemon puts in
 * Error.field, the row the dialog marks, and the widget a user changes
 * (template ids of mlops-launch-dialog.ui).
 */
static const struct launch_field {
	const char *name;
	const char *row;
	const char *input;
} launch_fields[] = {
	{ "project", "project_row", "project_row" },
	{ "cluster", "cluster_row", "cluster_row" },
	{ "partition", "partition_row", "partition_row" },
	{ "gpu_type", "gpu_type_row", "gpu_type_row" },
	{ "gpus", "gpus_row", "gpus_spin" },
	{ "nodes", "nodes_row", "nodes_spin" },
	{ "cpus_per_task", "cpus_row", "cpus_spin" },
	{ "mem", "mem_row", "mem_row" },
	{ "time_limit", "time_row", "time_row" },
	{ "description", "description_row", "description_row" },
	{ "config_name", "config_row", "config_row" },
	{ "overrides", "overrides_row", "overrides_row" },
	{ "allow_dirty", "dirty_row", "dirty_switch" },
	{ "sweep", "sweep_row", "sweep_switch" },
	{ "no_validate", "no_validate_row", "no_validate_switch" },
	{ "max_parallel", "max_parallel_row", "max_parallel_spin" },
};

static const struct launch_field *
launch_field(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(launch_fields); i++) {
		if (g_str_equal(launch_fields[i].name, name)) {
			return &launch_fields[i];
		}
	}
	return NULL;
}

static GtkWidget *
launch_child(GtkWidget *dlg, const char *id)
{
	return probe_child(dlg, MLOPS_TYPE_LAUNCH_DIALOG, id);
}

/* The lists came and no request runs: Preview can be pressed. */
static gboolean
launch_ready(GtkWidget *dlg)
{
	return dlg != NULL
	    && gtk_widget_get_sensitive(launch_child(dlg, "preview_button"));
}

/* What the error banner says, or NULL when it is not shown. */
static const char *
launch_banner(GtkWidget *dlg)
{
	if (dlg == NULL
	    || !gtk_revealer_get_reveal_child(
	        GTK_REVEALER(launch_child(dlg, "error_revealer")))) {
		return NULL;
	}
	return gtk_label_get_text(GTK_LABEL(launch_child(dlg, "error_label")));
}

/* ---- setting fields ------------------------------------------------------
 */

/* Chooses the item labelled `value` (or "value — N free"). */
static gboolean
launch_choose(GtkWidget *combo, const char *value)
{
	GListModel      *m = adw_combo_row_get_model(ADW_COMBO_ROW(combo));
	g_autofree char *prefix = g_strdup_printf("%s — ", value);

	for (guint i = 0; m != NULL && i < g_list_model_get_n_items(m); i++) {
		g_autoptr(GObject) o = g_list_model_get_item(m, i);
		const char *label    = GTK_IS_STRING_OBJECT(o)
		       ? gtk_string_object_get_string(GTK_STRING_OBJECT(o))
		       : "";

		if (g_str_equal(label, value)
		    || g_str_has_prefix(label, prefix)) {
			adw_combo_row_set_selected(ADW_COMBO_ROW(combo), i);
			return TRUE;
		}
	}
	return FALSE;
}

/* Sets `w` as a user would: a choice, a number, true/false, text. */
static gboolean
launch_set_widget(GtkWidget *w, const char *value)
{
	char *end;
	bool  b;

	if (ADW_IS_COMBO_ROW(w)) {
		return launch_choose(w, value);
	}
	if (GTK_IS_SPIN_BUTTON(w)) {
		double v = g_ascii_strtod(value, &end);

		if (end == value || *end != '\0') {
			return FALSE;
		}
		gtk_spin_button_set_value(GTK_SPIN_BUTTON(w), v);
		return TRUE;
	}
	if (GTK_IS_SWITCH(w)) {
		if (!hydra_parse_bool(value, &b)) {
			return FALSE;
		}
		gtk_switch_set_active(GTK_SWITCH(w), b);
		return TRUE;
	}
	if (GTK_IS_EDITABLE(w)) {
		gtk_editable_set_text(GTK_EDITABLE(w), value);
		return TRUE;
	}
	return FALSE;
}

/* The row of Hydra field `key` on show: its normal or its sweep row. */
static gboolean
launch_match_hydra_row(GtkWidget *w, gpointer key)
{
	return ADW_IS_PREFERENCES_ROW(w) && !ADW_IS_EXPANDER_ROW(w)
	    && probe_is_named(w) && g_str_equal(gtk_widget_get_name(w), key)
	    && gtk_widget_get_visible(w);
}

static enum step_rc
launch_set_hydra(
    struct driver *d, GtkWidget *dlg, const char *key, const char *value)
{
	GtkWidget *row   = probe_find(launch_child(dlg, "hydra_form"),
	      launch_match_hydra_row, (gpointer) key);
	GtkWidget *input = row;

	if (row == NULL) {
		return driver_fail(d, "the Hydra form shows no field %s", key);
	}
	if (!ADW_IS_COMBO_ROW(row) && !ADW_IS_ENTRY_ROW(row)) {
		input = probe_find_named(row, GTK_TYPE_SPIN_BUTTON, NULL);
		if (input == NULL) {
			input = probe_find_named(row, GTK_TYPE_SWITCH, NULL);
		}
	}
	if (input == NULL || !launch_set_widget(input, value)) {
		return driver_fail(d, "cannot set %s to '%s'", key, value);
	}
	return STEP_DONE;
}

enum step_rc
step_launch_set(struct driver *d, char **a, int n)
{
	GtkWidget *dlg = probe_toplevel(MLOPS_TYPE_LAUNCH_DIALOG);
	const struct launch_field *f = launch_field(a[0]);

	if (dlg == NULL) {
		return driver_fail(d, "no Launch dialog");
	}
	if (g_str_equal(a[0], "show")) {
		/* "hydra" or "overrides" at the top of the view */
		if (!g_str_equal(a[1], "hydra")
		    && !g_str_equal(a[1], "overrides")) {
			return driver_fail(d, "cannot show '%s'", a[1]);
		}
		probe_scroll_to(launch_child(dlg,
		    g_str_equal(a[1], "hydra") ? "hydra_form"
		                               : "overrides_row"));
		return STEP_DONE;
	}
	if (g_str_has_prefix(a[0], "hydra:")) {
		return launch_set_hydra(d, dlg, a[0] + 6, a[1]);
	}
	if (f == NULL) {
		return driver_fail(d, "no field %s", a[0]);
	}
	if (!gtk_widget_get_visible(launch_child(dlg, f->row))) {
		return driver_fail(d, "the form does not show %s", a[0]);
	}
	if (!launch_set_widget(launch_child(dlg, f->input), a[1])) {
		return driver_fail(d, "cannot set %s to '%s'", a[0], a[1]);
	}
	return STEP_DONE;
}

/* ---- what the dialog shows -----------------------------------------------
 */

enum step_rc
step_wait_launch_ready(struct driver *d, char **a, int n)
{
	GtkWidget *dlg = probe_toplevel(MLOPS_TYPE_LAUNCH_DIALOG);

	return driver_wait(d, launch_ready(dlg),
	    dlg != NULL ? "the form is not filled" : "no Launch dialog");
}

enum step_rc
step_wait_preview(struct driver *d, char **a, int n)
{
	GtkWidget       *dlg    = probe_toplevel(MLOPS_TYPE_LAUNCH_DIALOG);
	g_autofree char *script = dlg != NULL
	    ? probe_text_view(launch_child(dlg, "preview_view"))
	    : NULL;
	const char      *banner = launch_banner(dlg);

	if (script != NULL && *script != '\0') {
		g_print("# previewed script: %zu bytes\n", strlen(script));
		return STEP_DONE;
	}
	/* The daemon answered with an error: no need to wait. */
	if ((banner != NULL && launch_ready(dlg)) || driver_timed_out(d)) {
		return driver_fail(
		    d, "no preview (%s)", banner != NULL ? banner : "-");
	}
	return STEP_WAIT;
}

/* A Hydra field row marked invalid. */
static gboolean
launch_match_hydra_error(GtkWidget *w, gpointer data)
{
	(void) data;
	return ADW_IS_PREFERENCES_ROW(w) && !ADW_IS_EXPANDER_ROW(w)
	    && probe_is_named(w) && gtk_widget_has_css_class(w, "error");
}

/* The key of the Hydra field marked invalid, or NULL. */
static const char *
launch_hydra_error(GtkWidget *dlg)
{
	GtkWidget *row = probe_find(
	    launch_child(dlg, "hydra_form"), launch_match_hydra_error, NULL);

	return row != NULL ? gtk_widget_get_name(row) : NULL;
}

enum step_rc
step_wait_field_error(struct driver *d, char **a, int n)
{
	GtkWidget *dlg = probe_toplevel(MLOPS_TYPE_LAUNCH_DIALOG);
	const struct launch_field *f      = launch_field(a[0]);
	const char                *banner = launch_banner(dlg), *hydra = NULL;
	GString                   *marked;
	gboolean                   ok;

	if (f == NULL) {
		return driver_fail(d, "no field %s", a[0]);
	}
	if (dlg == NULL) {
		return driver_wait(d, FALSE, "no Launch dialog");
	}
	hydra  = launch_hydra_error(dlg);
	marked = g_string_new(NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(launch_fields); i++) {
		if (gtk_widget_has_css_class(
		        launch_child(dlg, launch_fields[i].row), "error")) {
			g_string_append_printf(
			    marked, " %s", launch_fields[i].name);
		}
	}
	if (hydra != NULL) {
		g_string_append_printf(marked, " hydra:%s", hydra);
	}
	/* An override's error marks its Hydra field when it has one. */
	ok = banner != NULL
	    && (gtk_widget_has_css_class(launch_child(dlg, f->row), "error")
	        || (g_str_equal(f->name, "overrides") && hydra != NULL));
	if (ok) {
		g_print("# field %s marked: %s\n", a[0], banner);
	}
	{
		enum step_rc rc = driver_wait(d, ok, "marked:%s (%s)",
		    marked->len > 0 ? marked->str : " none",
		    banner != NULL ? banner : "no error shown");

		g_string_free(marked, TRUE);
		return rc;
	}
}

/* ---- the Hydra part ------------------------------------------------------
 */

struct launch_count {
	GHashTable *keys; /* field names: a normal and a sweep row each */
	guint       groups;
};

static gboolean
launch_count_field(GtkWidget *w, gpointer data)
{
	struct launch_count *c = data;

	if (ADW_IS_PREFERENCES_ROW(w) && !ADW_IS_EXPANDER_ROW(w)
	    && probe_is_named(w)) {
		g_hash_table_add(c->keys, (gpointer) gtk_widget_get_name(w));
		/* a config group's normal row is its only combo row */
		c->groups += ADW_IS_COMBO_ROW(w);
	}
	return FALSE; /* all of them */
}

/* The summary row's subtitle: the overrides sent, then what is missing. */
static const char *
launch_summary(GtkWidget *dlg)
{
	const char *s = adw_action_row_get_subtitle(
	    ADW_ACTION_ROW(launch_child(dlg, "summary_row")));

	return s != NULL ? s : "";
}

/* What the Hydra part shows for `what` (as wait-hydra's spec lists).
 * Caller frees. */
static char *
launch_describe_hydra(GtkWidget *dlg, const char *what)
{
	static const char *const states[]
	    = { "none", "loading", "ready", "error" };
	GtkWidget  *form = launch_child(dlg, "hydra_form");
	const char *sum  = launch_summary(dlg);
	const char *missing;

	if (g_str_equal(what, "state")) {
		return g_strdup(states[mlops_hydra_form_get_state(
		    MLOPS_HYDRA_FORM(form))]);
	}
	if (g_str_equal(what, "fields") || g_str_equal(what, "groups")) {
		struct launch_count c
		    = { g_hash_table_new(g_str_hash, g_str_equal), 0 };
		guint fields;

		probe_find(form, launch_count_field, &c);
		fields = g_hash_table_size(c.keys);
		g_hash_table_unref(c.keys);
		return g_strdup_printf(
		    "%u", g_str_equal(what, "groups") ? c.groups : fields);
	}
	if (g_str_equal(what, "overrides")) {
		char *first = g_strndup(sum, strcspn(sum, "\n"));

		if (g_str_equal(first, LAUNCH_NO_OVERRIDES)
		    || g_str_equal(first, LAUNCH_OPEN_QUOTE)) {
			first[0] = '\0';
		}
		return first;
	}
	if (g_str_equal(what, "missing")) {
		missing = strstr(sum, LAUNCH_STILL_TO_GIVE);
		return g_strdup(missing != NULL
		        ? missing + strlen(LAUNCH_STILL_TO_GIVE)
		        : "");
	}
	if (g_str_equal(what, "tasks")) {
		/* "6 tasks in one Slurm job array"; otherwise no count */
		const char *t = adw_action_row_get_subtitle(
		    ADW_ACTION_ROW(launch_child(dlg, "sweep_row")));

		return g_strdup_printf("%" G_GUINT64_FORMAT,
		    t != NULL && g_ascii_isdigit(t[0])
		        ? g_ascii_strtoull(t, NULL, 10)
		        : 0);
	}
	/* "error" */
	missing = launch_hydra_error(dlg);
	return g_strdup(missing != NULL ? missing : "");
}

enum step_rc
step_wait_hydra(struct driver *d, char **a, int n)
{
	GtkWidget       *dlg = probe_toplevel(MLOPS_TYPE_LAUNCH_DIALOG);
	g_autofree char *got
	    = dlg != NULL ? launch_describe_hydra(dlg, a[0]) : NULL;

	if (got != NULL && g_str_equal(got, a[1])) {
		g_print("# hydra %s: %s\n", a[0], got);
		return STEP_DONE;
	}
	return driver_wait(d, FALSE, "hydra %s is '%s'", a[0],
	    got != NULL ? got : "(no Launch dialog)");
}

enum step_rc
step_wait_launched(struct driver *d, char **a, int n)
{
	GtkWidget *dlg = probe_toplevel(MLOPS_TYPE_LAUNCH_DIALOG);
	gint64     id  = mlops_job_page_get_id(
	         MLOPS_JOB_PAGE(driver_page(d, "job_page")));
	const char *banner = launch_banner(dlg);

	if (dlg == NULL && g_str_equal(driver_page_name(d), "job") && id > 0) {
		d->job = id;
		g_print("# launched job %" G_GINT64_FORMAT "\n", id);
		return STEP_DONE;
	}
	/* The daemon refused: no need to wait. */
	if ((banner != NULL && launch_ready(dlg)) || driver_timed_out(d)) {
		return driver_fail(
		    d, "not launched (%s)", banner != NULL ? banner : "-");
	}
	return STEP_WAIT;
}
