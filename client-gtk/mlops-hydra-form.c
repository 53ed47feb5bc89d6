/*
 * MlopsHydraForm: rows for the fields of mlops-hydra-model.c. Each field
 * has its normal row (combo, spin, switch or entry) and a sweep row (an
 * entry for Hydra's multirun syntax); sweep mode shows the second. Every
 * edit goes to the view-model, then refresh() redraws the marks (required,
 * decided by a changed group, the daemon's error) and "changed" is
 * emitted. Main thread.
 */
#include <mlops/hydra_syntax.h>

#include "mlops-hydra-form.h"
#include "mlops-hydra-model.h"
#include "mlops-hydra-syntax.h"
#include "mlops-model.h"
#include "mlops-util.h"

/* One field's widgets. */
struct hf_field {
	MlopsHydraForm *form;
	size_t          idx;
	GtkWidget      *row;   /* AdwComboRow, AdwActionRow or AdwEntryRow */
	GtkWidget      *input; /* GtkSpinButton, GtkSwitch, or the row */
	GtkWidget      *sweep_row; /* AdwEntryRow */
	GtkWidget      *required;  /* "Required" badges on both rows */
	GtkWidget      *sweep_required;
	GtkWidget      *sweep_count;         /* "3 values" on the sweep row */
	GtkWidget      *reset, *sweep_reset; /* back to the default */
	GPtrArray      *choices;  /* a group's values, by combo position */
	char           *subtitle; /* the normal row's own subtitle */
	gboolean        sweep_edited;
};

struct _MlopsHydraForm {
	AdwPreferencesGroup parent_instance;

	MlopsHydraFormState       state;
	struct mlops_hydra_model *model;
	GPtrArray                *fields;    /* struct hf_field */
	GPtrArray                *rows;      /* rows added to the group */
	GPtrArray                *expanders; /* AdwExpanderRow, by section */
	GPtrArray                *sections;  /* their names */
	GtkWidget                *status_row;
	gboolean                  building;
	gboolean                  sweep;
	int                       error_idx;
	char                     *error_msg;
	guint                     gen; /* of the last project_config call */
};

G_DEFINE_FINAL_TYPE(
    MlopsHydraForm, mlops_hydra_form, ADW_TYPE_PREFERENCES_GROUP)

enum { SIG_CHANGED, N_SIGNALS };
static guint hf_signals[N_SIGNALS];

static void hf_refresh(MlopsHydraForm *self);

/* ---- building ----------------------------------------------------------
 */

static void
hf_field_free(gpointer p)
{
	struct hf_field *hf = p;

	if (hf->input != NULL) {
		g_signal_handlers_disconnect_by_data(hf->input, hf);
	}
	g_signal_handlers_disconnect_by_data(hf->sweep_row, hf);
	g_signal_handlers_disconnect_by_data(hf->reset, hf);
	g_signal_handlers_disconnect_by_data(hf->sweep_reset, hf);
	if (hf->choices != NULL) {
		g_ptr_array_unref(hf->choices);
	}
	g_free(hf->subtitle);
	g_free(hf);
}

static void
hf_clear(MlopsHydraForm *self)
{
	/* handlers first: removing the rows may finalize them */
	g_ptr_array_set_size(self->fields, 0);
	for (guint i = 0; i < self->rows->len; i++) {
		adw_preferences_group_remove(ADW_PREFERENCES_GROUP(self),
		    g_ptr_array_index(self->rows, i));
	}
	g_ptr_array_set_size(self->rows, 0);
	g_ptr_array_set_size(self->expanders, 0);
	g_ptr_array_set_size(self->sections, 0);
	g_clear_pointer(&self->model, mlops_hydra_model_free);
	self->error_idx = -1;
	g_clear_pointer(&self->error_msg, g_free);
}

static void
hf_add(MlopsHydraForm *self, GtkWidget *row)
{
	adw_preferences_group_add(ADW_PREFERENCES_GROUP(self), row);
	g_ptr_array_add(self->rows, row);
}

static void
hf_changed(struct hf_field *hf)
{
	MlopsHydraForm *self = hf->form;

	if (self->building) {
		return;
	}
	/* an edit answers the daemon's complaint about the field */
	if (self->error_idx == (int) hf->idx) {
		self->error_idx = -1;
		g_clear_pointer(&self->error_msg, g_free);
	}
	hf_refresh(self);
	g_signal_emit(self, hf_signals[SIG_CHANGED], 0);
}

static void
hf_on_spin(GtkSpinButton *s, struct hf_field *hf)
{
	g_autofree char *t
	    = g_strdup_printf("%.0f", gtk_spin_button_get_value(s));

	mlops_hydra_model_set(hf->form->model, hf->idx, t);
	hf_changed(hf);
}

static void
hf_on_switch(GObject *o, GParamSpec *p, struct hf_field *hf)
{
	(void) p;
	mlops_hydra_model_set(hf->form->model, hf->idx,
	    gtk_switch_get_active(GTK_SWITCH(o)) ? "true" : "false");
	hf_changed(hf);
}

static void
hf_on_entry(GtkEditable *e, struct hf_field *hf)
{
	mlops_hydra_model_set(
	    hf->form->model, hf->idx, gtk_editable_get_text(e));
	hf_changed(hf);
}

static void
hf_on_combo(GObject *o, GParamSpec *p, struct hf_field *hf)
{
	guint i = adw_combo_row_get_selected(ADW_COMBO_ROW(o));

	(void) p;
	if (i < hf->choices->len) {
		mlops_hydra_model_set(hf->form->model, hf->idx,
		    g_ptr_array_index(hf->choices, i));
		hf_changed(hf);
	}
}

static void
hf_on_sweep(GtkEditable *e, struct hf_field *hf)
{
	mlops_hydra_model_set_sweep_text(
	    hf->form->model, hf->idx, gtk_editable_get_text(e));
	if (!hf->form->building) {
		hf->sweep_edited = TRUE;
	}
	hf_changed(hf);
}

static GtkWidget *
hf_badge(void)
{
	GtkWidget *l = gtk_label_new("Required");

	gtk_widget_set_valign(l, GTK_ALIGN_CENTER);
	gtk_widget_add_css_class(l, "badge");
	gtk_widget_add_css_class(l, "badge-warning");
	gtk_widget_set_tooltip_text(
	    l, "This value has no default (?\?\?): give one to launch");
	gtk_widget_set_visible(l, FALSE);
	return l;
}

/* Sets a field through its widget, as a user would. */
static gboolean
hf_set(struct hf_field *hf, const char *value)
{
	bool b;

	if (hf->form->sweep) {
		gtk_editable_set_text(GTK_EDITABLE(hf->sweep_row), value);
	} else if (GTK_IS_SPIN_BUTTON(hf->input)) {
		gtk_spin_button_set_value(
		    GTK_SPIN_BUTTON(hf->input), g_ascii_strtod(value, NULL));
	} else if (GTK_IS_SWITCH(hf->input)) {
		if (!hydra_parse_bool(value, &b)) {
			return FALSE;
		}
		gtk_switch_set_active(GTK_SWITCH(hf->input), b);
	} else if (ADW_IS_COMBO_ROW(hf->input)) {
		for (guint k = 0; k < hf->choices->len; k++) {
			if (g_str_equal(
			        g_ptr_array_index(hf->choices, k), value)) {
				adw_combo_row_set_selected(
				    ADW_COMBO_ROW(hf->input), k);
				return TRUE;
			}
		}
		return FALSE;
	} else {
		gtk_editable_set_text(GTK_EDITABLE(hf->input), value);
	}
	return TRUE;
}

static void
hf_on_reset(GtkButton *b, struct hf_field *hf)
{
	const struct mlops_hydra_field *f
	    = mlops_hydra_model_field(hf->form->model, hf->idx);
	bool v;

	(void) b;
	if (!hf->form->sweep) {
		hf_set(hf, f->initial);
	} else if (f->kind == MLOPS_HYDRA_BOOL
	    && hydra_parse_bool(f->initial, &v)) {
		hf_set(hf, v ? "true" : "false");
	} else {
		hf_set(hf, f->initial);
	}
}

/* A flat "back to the default" button, shown while the field differs. */
static GtkWidget *
hf_reset_button(struct hf_field *hf, const struct mlops_hydra_field *f)
{
	GtkWidget *b = gtk_button_new_from_icon_name("edit-undo-symbolic");
	g_autofree char *t = g_strdup_printf("Back to the default (%s)",
	    f->initial[0] != '\0' ? f->initial
	        : f->mandatory    ? "none: required"
	                          : "none");

	gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
	gtk_widget_add_css_class(b, "flat");
	gtk_widget_set_tooltip_text(b, t);
	gtk_widget_set_visible(b, FALSE);
	g_signal_connect(b, "clicked", G_CALLBACK(hf_on_reset), hf);
	return b;
}

static GtkWidget *
hf_group_row(struct hf_field *hf, const struct mlops_hydra_field *f)
{
	GtkWidget     *row = adw_combo_row_new();
	GtkStringList *m   = gtk_string_list_new(NULL);
	guint          sel = 0;

	hf->choices = g_ptr_array_new_with_free_func(g_free);
	if (f->initial[0] == '\0' || f->optional) {
		gtk_string_list_append(
		    m, f->mandatory ? "Choose an option" : "None");
		g_ptr_array_add(hf->choices, g_strdup(""));
	}
	for (size_t k = 0; k < f->noptions; k++) {
		if (g_str_equal(f->options[k], f->initial)) {
			sel = hf->choices->len;
		}
		gtk_string_list_append(m, f->options[k]);
		g_ptr_array_add(hf->choices, g_strdup(f->options[k]));
	}
	adw_combo_row_set_model(ADW_COMBO_ROW(row), G_LIST_MODEL(m));
	g_object_unref(m);
	adw_combo_row_set_selected(ADW_COMBO_ROW(row), sel);
	hf->subtitle = g_strdup(f->add ? "Config group, not in the defaults "
	                                 "list"
	                               : "Config group");
	hf->input    = row;
	g_signal_connect(row, "notify::selected", G_CALLBACK(hf_on_combo), hf);
	return row;
}

static GtkWidget *
hf_value_row(struct hf_field *hf, const struct mlops_hydra_field *f)
{
	GtkWidget *row;
	bool       b = false;

	hf->subtitle = f->source[0] != '\0'
	    ? g_strdup_printf("%s · %s", f->type, f->source)
	    : g_strdup(f->type);
	if (f->kind == MLOPS_HYDRA_INT) {
		GtkAdjustment *adj
		    = gtk_adjustment_new(0, -1e12, 1e12, 1, 10, 0);

		row       = adw_action_row_new();
		hf->input = gtk_spin_button_new(adj, 1, 0);
		gtk_spin_button_set_numeric(GTK_SPIN_BUTTON(hf->input), TRUE);
		gtk_editable_set_width_chars(GTK_EDITABLE(hf->input), 8);
		gtk_spin_button_set_value(GTK_SPIN_BUTTON(hf->input),
		    g_ascii_strtod(f->initial, NULL));
		g_signal_connect(
		    hf->input, "value-changed", G_CALLBACK(hf_on_spin), hf);
	} else if (f->kind == MLOPS_HYDRA_BOOL) {
		row       = adw_action_row_new();
		hf->input = gtk_switch_new();
		hydra_parse_bool(f->initial, &b);
		gtk_switch_set_active(GTK_SWITCH(hf->input), b);
		g_signal_connect(
		    hf->input, "notify::active", G_CALLBACK(hf_on_switch), hf);
	} else {
		row       = adw_entry_row_new();
		hf->input = row;
		adw_entry_row_set_activates_default(ADW_ENTRY_ROW(row), FALSE);
		gtk_editable_set_text(GTK_EDITABLE(row), f->initial);
		gtk_widget_set_tooltip_text(row, hf->subtitle);
		g_signal_connect(row, "changed", G_CALLBACK(hf_on_entry), hf);
		return row;
	}
	gtk_widget_set_valign(hf->input, GTK_ALIGN_CENTER);
	adw_action_row_add_suffix(ADW_ACTION_ROW(row), hf->input);
	adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), hf->input);
	return row;
}

static struct hf_field *
hf_field_new(MlopsHydraForm *self, size_t i)
{
	const struct mlops_hydra_field *f
	    = mlops_hydra_model_field(self->model, i);
	struct hf_field *hf = g_new0(struct hf_field, 1);

	hf->form = self;
	hf->idx  = i;
	hf->row  = f->kind == MLOPS_HYDRA_GROUP ? hf_group_row(hf, f)
	                                        : hf_value_row(hf, f);
	adw_preferences_row_set_use_markup(
	    ADW_PREFERENCES_ROW(hf->row), FALSE);
	adw_preferences_row_set_title(ADW_PREFERENCES_ROW(hf->row), f->label);
	hf->required = hf_badge();
	hf->reset    = hf_reset_button(hf, f);
	if (ADW_IS_ENTRY_ROW(hf->row)) {
		adw_entry_row_add_suffix(ADW_ENTRY_ROW(hf->row), hf->required);
		adw_entry_row_add_suffix(ADW_ENTRY_ROW(hf->row), hf->reset);
	} else {
		adw_action_row_add_suffix(
		    ADW_ACTION_ROW(hf->row), hf->required);
		adw_action_row_add_suffix(ADW_ACTION_ROW(hf->row), hf->reset);
	}

	hf->sweep_row = adw_entry_row_new();
	adw_preferences_row_set_use_markup(
	    ADW_PREFERENCES_ROW(hf->sweep_row), FALSE);
	adw_preferences_row_set_title(
	    ADW_PREFERENCES_ROW(hf->sweep_row), f->label);
	adw_entry_row_set_activates_default(
	    ADW_ENTRY_ROW(hf->sweep_row), FALSE);
	gtk_widget_set_tooltip_text(hf->sweep_row,
	    "Values to sweep: a,b,c or range(start, stop[, step]) or "
	    "choice(a,b)");
	hf->sweep_count = gtk_label_new("");
	gtk_widget_add_css_class(hf->sweep_count, "dim-label");
	gtk_widget_add_css_class(hf->sweep_count, "numeric");
	adw_entry_row_add_suffix(
	    ADW_ENTRY_ROW(hf->sweep_row), hf->sweep_count);
	hf->sweep_required = hf_badge();
	adw_entry_row_add_suffix(
	    ADW_ENTRY_ROW(hf->sweep_row), hf->sweep_required);
	hf->sweep_reset = hf_reset_button(hf, f);
	adw_entry_row_add_suffix(
	    ADW_ENTRY_ROW(hf->sweep_row), hf->sweep_reset);
	gtk_widget_set_visible(hf->sweep_row, FALSE);
	g_signal_connect(
	    hf->sweep_row, "changed", G_CALLBACK(hf_on_sweep), hf);
	/* Both rows are named by the key, for the inspector and the test
	 * driver (tests/gtk), which find a field by it. */
	gtk_widget_set_name(hf->row, f->key);
	gtk_widget_set_name(hf->sweep_row, f->key);
	return hf;
}

static AdwExpanderRow *
hf_expander(MlopsHydraForm *self, const char *section)
{
	GtkWidget *e;

	for (guint i = 0; i < self->sections->len; i++) {
		if (g_str_equal(
		        g_ptr_array_index(self->sections, i), section)) {
			return g_ptr_array_index(self->expanders, i);
		}
	}
	e = adw_expander_row_new();
	adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(e), FALSE);
	adw_preferences_row_set_title(ADW_PREFERENCES_ROW(e), section);
	g_ptr_array_add(self->sections, g_strdup(section));
	g_ptr_array_add(self->expanders, e);
	return ADW_EXPANDER_ROW(e);
}

/* The text a field's sweep row starts with: its value now. */
static char *
hf_sweep_start(MlopsHydraForm *self, size_t i)
{
	const struct mlops_hydra_field *f
	    = mlops_hydra_model_field(self->model, i);
	bool b;

	if (f->kind == MLOPS_HYDRA_BOOL && hydra_parse_bool(f->value, &b)) {
		return g_strdup(b ? "true" : "false");
	}
	return g_strdup(f->value);
}

/* ---- state -------------------------------------------------------------
 */

static void
hf_status(MlopsHydraForm *self, const char *icon, const char *title,
    const char *subtitle, gboolean spinner)
{
	GtkWidget *row = adw_action_row_new();

	adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
	adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
	if (subtitle != NULL) {
		adw_action_row_set_subtitle(ADW_ACTION_ROW(row), subtitle);
		adw_action_row_set_subtitle_lines(ADW_ACTION_ROW(row), 0);
	}
	if (icon != NULL) {
		GtkWidget *img = gtk_image_new_from_icon_name(icon);

		gtk_widget_add_css_class(img, "error");
		adw_action_row_add_prefix(ADW_ACTION_ROW(row), img);
	}
	if (spinner) {
		GtkWidget *sp = gtk_spinner_new();

		gtk_spinner_start(GTK_SPINNER(sp));
		adw_action_row_add_suffix(ADW_ACTION_ROW(row), sp);
	}
	self->status_row = row;
	hf_add(self, row);
}

void
mlops_hydra_form_show_loading(MlopsHydraForm *self)
{
	hf_clear(self);
	self->state      = MLOPS_HYDRA_FORM_LOADING;
	self->status_row = NULL;
	adw_preferences_group_set_description(
	    ADW_PREFERENCES_GROUP(self), NULL);
	hf_status(self, NULL, "Reading the project's Hydra configuration…",
	    NULL, TRUE);
	gtk_widget_set_visible(GTK_WIDGET(self), TRUE);
	g_signal_emit(self, hf_signals[SIG_CHANGED], 0);
}

void
mlops_hydra_form_show_none(MlopsHydraForm *self)
{
	hf_clear(self);
	self->state = MLOPS_HYDRA_FORM_NONE;
	gtk_widget_set_visible(GTK_WIDGET(self), FALSE);
	g_signal_emit(self, hf_signals[SIG_CHANGED], 0);
}

void
mlops_hydra_form_show_error(MlopsHydraForm *self, const char *text)
{
	hf_clear(self);
	self->state = MLOPS_HYDRA_FORM_ERROR;
	adw_preferences_group_set_description(ADW_PREFERENCES_GROUP(self),
	    "Use the free-text overrides below, or fix the configuration and "
	    "choose the project again.");
	hf_status(self, "dialog-error-symbolic",
	    "Cannot read the Hydra configuration", text, FALSE);
	gtk_widget_set_visible(GTK_WIDGET(self), TRUE);
	g_signal_emit(self, hf_signals[SIG_CHANGED], 0);
}

void
mlops_hydra_form_show_config(
    MlopsHydraForm *self, const Mlops__ProjectConfigReply *r)
{
	g_autofree char *desc = NULL;
	size_t           n;

	hf_clear(self);
	self->state = MLOPS_HYDRA_FORM_READY;
	self->model = mlops_hydra_model_new(r);
	mlops_hydra_model_set_sweep(self->model, self->sweep);
	n    = mlops_hydra_model_nfields(self->model);
	desc = g_strdup_printf("%s/%s.yaml. Changed values become overrides.",
	    r->config_dir[0] ? r->config_dir : "conf",
	    r->config_name[0] ? r->config_name : "config");
	adw_preferences_group_set_description(
	    ADW_PREFERENCES_GROUP(self), desc);
	self->building = TRUE;
	for (size_t i = 0; i < n; i++) {
		g_ptr_array_add(self->fields, hf_field_new(self, i));
	}
	/* Groups and top-level values first, then a section per key. */
	for (size_t i = 0; i < n; i++) {
		const struct mlops_hydra_field *f
		    = mlops_hydra_model_field(self->model, i);
		struct hf_field *hf = g_ptr_array_index(self->fields, i);

		if (f->section[0] == '\0') {
			hf_add(self, hf->row);
			hf_add(self, hf->sweep_row);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct mlops_hydra_field *f
		    = mlops_hydra_model_field(self->model, i);
		struct hf_field *hf = g_ptr_array_index(self->fields, i);
		AdwExpanderRow  *e;

		if (f->section[0] == '\0') {
			continue;
		}
		e = hf_expander(self, f->section);
		if (gtk_widget_get_parent(GTK_WIDGET(e)) == NULL) {
			hf_add(self, GTK_WIDGET(e));
		}
		adw_expander_row_add_row(e, hf->row);
		adw_expander_row_add_row(e, hf->sweep_row);
		/* a section asking for a value opens by itself */
		if (f->mandatory) {
			adw_expander_row_set_expanded(e, TRUE);
		}
	}
	if (n == 0) {
		hf_status(self, NULL, "The configuration has no values", NULL,
		    FALSE);
	}
	self->building = FALSE;
	mlops_hydra_form_set_sweep(self, self->sweep);
	gtk_widget_set_visible(GTK_WIDGET(self), TRUE);
}

struct hf_load {
	MlopsHydraForm *form;
	guint           gen;
};

static void
hf_load_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct hf_load    *l    = data;
	MlopsHydraForm    *self = l->form;
	struct mlops_error err  = { 0 };
	Mlops__Response   *resp;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (l->gen != self->gen) {
		/* another project or config name was chosen since */
	} else if (resp != NULL) {
		const Mlops__ProjectConfigReply *r = resp->project_config;

		if (r->n_values == 0 && r->n_groups == 0) {
			mlops_hydra_form_show_none(self);
		} else {
			mlops_hydra_form_show_config(self, r);
		}
	} else if (err.code == MLOPS_ENOTFOUND
	    && g_str_equal(err.field, "hydra_config_dir")) {
		mlops_hydra_form_show_none(self);
	} else if (err.code == MLOPS_ENOTIMPL) {
		mlops_hydra_form_show_error(self,
		    "This daemon cannot read Hydra configurations "
		    "(project_config): update mlopsd.");
	} else if (err.code == MLOPS_ECONFIG || err.code == MLOPS_ENOTFOUND) {
		mlops_hydra_form_show_error(self, err.msg);
	} else {
		g_autofree char *t
		    = mlops_util_error_text("Asking the daemon failed", &err);

		mlops_hydra_form_show_error(self, t);
	}
	if (resp != NULL) {
		mlops__response__free_unpacked(resp, NULL);
	}
	g_object_unref(self);
	g_free(l);
}

void
mlops_hydra_form_load(MlopsHydraForm *self, MlopsConnection *conn,
    const char *project, const char *config_name)
{
	Mlops__Request              req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectConfigRequest body = MLOPS__PROJECT_CONFIG_REQUEST__INIT;
	struct hf_load             *l    = g_new0(struct hf_load, 1);

	body.name          = (char *) project;
	body.config_name   = (char *) (config_name != NULL ? config_name : "");
	req.body_case      = MLOPS__REQUEST__BODY_PROJECT_CONFIG;
	req.project_config = &body;
	l->form            = g_object_ref(self);
	l->gen             = ++self->gen;
	mlops_hydra_form_show_loading(self);
	mlops_connection_call(conn, &req, 30000, hf_load_done, l);
}

/* ---- marks -------------------------------------------------------------
 */

/* The sweep row's "3 values", shown when more than one or unreadable. */
static void
hf_refresh_count(MlopsHydraForm *self, struct hf_field *hf)
{
	g_autofree char *o = mlops_hydra_model_override(self->model, hf->idx);
	g_autofree char *c = NULL;
	const char      *ov[1] = { o };
	size_t           n     = 1;
	char             why[200];

	if (o != NULL
	    && mlops_hydra_sweep_count(ov, 1, &n, why, sizeof(why)) < 0) {
		gtk_label_set_text(GTK_LABEL(hf->sweep_count), "?");
		gtk_widget_set_tooltip_text(hf->sweep_count, why);
		gtk_widget_set_visible(hf->sweep_count, TRUE);
		return;
	}
	c = g_strdup_printf("%zu values", n);
	gtk_label_set_text(GTK_LABEL(hf->sweep_count), c);
	gtk_widget_set_tooltip_text(hf->sweep_count, NULL);
	gtk_widget_set_visible(hf->sweep_count, n > 1);
}

/* One field's marks: decided by a group, required, changed, the error. */
static void
hf_refresh_field(MlopsHydraForm *self, struct hf_field *hf)
{
	const struct mlops_hydra_field *f
	    = mlops_hydra_model_field(self->model, hf->idx);
	int  by      = mlops_hydra_model_shadowed_by(self->model, hf->idx);
	bool missing = mlops_hydra_model_missing(self->model, hf->idx);
	bool changed = mlops_hydra_model_changed(self->model, hf->idx);
	bool err     = self->error_idx == (int) hf->idx;
	g_autofree char *sub = NULL, *title = NULL;

	if (by >= 0) {
		const struct mlops_hydra_field *g
		    = mlops_hydra_model_field(self->model, (size_t) by);

		sub = g_strdup_printf("Comes from %s=%s at launch", g->key,
		    mlops_hydra_model_text(self->model, (size_t) by));
	}
	gtk_widget_set_sensitive(hf->row, by < 0);
	gtk_widget_set_sensitive(hf->sweep_row, by < 0);
	gtk_widget_set_visible(hf->required, missing);
	gtk_widget_set_visible(hf->sweep_required, missing);
	gtk_widget_set_visible(hf->reset, changed && by < 0);
	gtk_widget_set_visible(hf->sweep_reset, changed && by < 0);
	gtk_widget_remove_css_class(hf->row, "error");
	gtk_widget_remove_css_class(hf->sweep_row, "error");
	if (err) {
		gtk_widget_add_css_class(
		    self->sweep ? hf->sweep_row : hf->row, "error");
	}
	if (ADW_IS_ENTRY_ROW(hf->row)) {
		gtk_widget_set_tooltip_text(
		    hf->row, sub != NULL ? sub : hf->subtitle);
	} else {
		adw_action_row_set_subtitle(ADW_ACTION_ROW(hf->row),
		    err && !self->sweep ? self->error_msg
		        : sub != NULL   ? sub
		                        : hf->subtitle);
	}
	title = err ? g_strdup_printf("%s: %s", f->label, self->error_msg)
	            : g_strdup(f->label);
	if (ADW_IS_ENTRY_ROW(hf->row)) {
		adw_preferences_row_set_title(
		    ADW_PREFERENCES_ROW(hf->row), title);
	}
	adw_preferences_row_set_title(
	    ADW_PREFERENCES_ROW(hf->sweep_row), title);
	if (self->sweep) {
		hf_refresh_count(self, hf);
	}
}

static void
hf_refresh(MlopsHydraForm *self)
{
	guint  n     = self->sections->len;
	guint *total = g_new0(guint, n + 1), *changed = g_new0(guint, n + 1),
	      *missing = g_new0(guint, n + 1);

	for (guint i = 0; i < self->fields->len; i++) {
		const struct mlops_hydra_field *f
		    = mlops_hydra_model_field(self->model, i);

		hf_refresh_field(self, g_ptr_array_index(self->fields, i));
		for (guint s = 0; s < n; s++) {
			if (g_str_equal(g_ptr_array_index(self->sections, s),
			        f->section)) {
				total[s]++;
				changed[s] += !mlops_hydra_model_shadowed(
				                  self->model, i)
				    && mlops_hydra_model_changed(
				        self->model, i);
				missing[s] += mlops_hydra_model_missing(
				    self->model, i);
			}
		}
	}
	for (guint s = 0; s < n; s++) {
		GString *sub = g_string_new(NULL);

		g_string_printf(
		    sub, total[s] == 1 ? "%u value" : "%u values", total[s]);
		if (changed[s] > 0) {
			g_string_append_printf(
			    sub, ", %u changed", changed[s]);
		}
		if (missing[s] > 0) {
			g_string_append_printf(
			    sub, ", %u required", missing[s]);
		}
		adw_expander_row_set_subtitle(
		    g_ptr_array_index(self->expanders, s), sub->str);
		g_string_free(sub, TRUE);
	}
	g_free(total);
	g_free(changed);
	g_free(missing);
}

void
mlops_hydra_form_set_sweep(MlopsHydraForm *self, gboolean sweep)
{
	self->sweep = sweep;
	if (self->model == NULL) {
		return;
	}
	self->building = TRUE;
	for (guint i = 0; i < self->fields->len; i++) {
		struct hf_field *hf = g_ptr_array_index(self->fields, i);

		if (sweep && !hf->sweep_edited) {
			g_autofree char *t = hf_sweep_start(self, i);

			gtk_editable_set_text(GTK_EDITABLE(hf->sweep_row), t);
			mlops_hydra_model_set_sweep_text(self->model, i, t);
		}
		gtk_widget_set_visible(hf->row, !sweep);
		gtk_widget_set_visible(hf->sweep_row, sweep);
	}
	self->building = FALSE;
	mlops_hydra_model_set_sweep(self->model, sweep);
	hf_refresh(self);
	g_signal_emit(self, hf_signals[SIG_CHANGED], 0);
}

/* ---- public ------------------------------------------------------------
 */

MlopsHydraFormState
mlops_hydra_form_get_state(MlopsHydraForm *self)
{
	return self->state;
}

char **
mlops_hydra_form_get_overrides(MlopsHydraForm *self, size_t *n)
{
	return mlops_hydra_model_overrides(self->model, n);
}

char *
mlops_hydra_form_get_missing(MlopsHydraForm *self)
{
	GString *s = NULL;

	for (size_t i = 0; i < mlops_hydra_model_nfields(self->model); i++) {
		if (mlops_hydra_model_missing(self->model, i)) {
			if (s == NULL) {
				s = g_string_new(NULL);
			} else {
				g_string_append_c(s, ' ');
			}
			g_string_append(
			    s, mlops_hydra_model_field(self->model, i)->key);
		}
	}
	return s != NULL ? g_string_free(s, FALSE) : NULL;
}

gboolean
mlops_hydra_form_mark_error(
    MlopsHydraForm *self, const char *message, const char *msg)
{
	int i = mlops_hydra_model_error_field(self->model, message);
	g_autofree char *o = NULL;
	size_t           ol;

	mlops_hydra_form_clear_error(self);
	if (i < 0) {
		return FALSE;
	}
	/* On the field, "lr=fast: expected a float" is "expected a float". */
	o  = mlops_hydra_model_override(self->model, (size_t) i);
	ol = o != NULL ? strlen(o) : 0;
	if (ol > 0 && strncmp(msg, o, ol) == 0
	    && strncmp(msg + ol, ": ", 2) == 0) {
		msg += ol + 2;
	}
	self->error_idx = i;
	self->error_msg = g_strdup(msg);
	hf_refresh(self);
	{
		GtkWidget *e = gtk_widget_get_ancestor(
		    mlops_hydra_form_get_error_widget(self),
		    ADW_TYPE_EXPANDER_ROW);

		if (e != NULL) {
			adw_expander_row_set_expanded(
			    ADW_EXPANDER_ROW(e), TRUE);
		}
	}
	return TRUE;
}

void
mlops_hydra_form_clear_error(MlopsHydraForm *self)
{
	if (self->error_idx < 0) {
		return;
	}
	self->error_idx = -1;
	g_clear_pointer(&self->error_msg, g_free);
	hf_refresh(self);
}

const char *
mlops_hydra_form_get_error_key(MlopsHydraForm *self)
{
	return self->error_idx >= 0
	    ? mlops_hydra_model_field(self->model, (size_t) self->error_idx)
	          ->key
	    : NULL;
}

GtkWidget *
mlops_hydra_form_get_error_widget(MlopsHydraForm *self)
{
	struct hf_field *hf;

	if (self->error_idx < 0) {
		return NULL;
	}
	hf = g_ptr_array_index(self->fields, (guint) self->error_idx);
	return self->sweep ? hf->sweep_row : hf->row;
}

MlopsHydraForm *
mlops_hydra_form_new(void)
{
	return g_object_new(MLOPS_TYPE_HYDRA_FORM, NULL);
}

/* ---- GObject -----------------------------------------------------------
 */

static void
mlops_hydra_form_dispose(GObject *obj)
{
	MlopsHydraForm *self = MLOPS_HYDRA_FORM(obj);

	self->gen++; /* a reply still to come finds nothing to fill */
	g_ptr_array_set_size(self->fields, 0);
	G_OBJECT_CLASS(mlops_hydra_form_parent_class)->dispose(obj);
}

static void
mlops_hydra_form_finalize(GObject *obj)
{
	MlopsHydraForm *self = MLOPS_HYDRA_FORM(obj);

	g_ptr_array_unref(self->fields);
	g_ptr_array_unref(self->rows);
	g_ptr_array_unref(self->expanders);
	g_ptr_array_unref(self->sections);
	mlops_hydra_model_free(self->model);
	g_free(self->error_msg);
	G_OBJECT_CLASS(mlops_hydra_form_parent_class)->finalize(obj);
}

static void
mlops_hydra_form_class_init(MlopsHydraFormClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);

	oc->dispose  = mlops_hydra_form_dispose;
	oc->finalize = mlops_hydra_form_finalize;
	/** MlopsHydraForm::changed: a field, the sweep mode or the state
	 * changed; read the overrides again. */
	hf_signals[SIG_CHANGED]
	    = g_signal_new("changed", G_TYPE_FROM_CLASS(klass),
	        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mlops_hydra_form_init(MlopsHydraForm *self)
{
	self->fields    = g_ptr_array_new_with_free_func(hf_field_free);
	self->rows      = g_ptr_array_new();
	self->expanders = g_ptr_array_new();
	self->sections  = g_ptr_array_new_with_free_func(g_free);
	self->error_idx = -1;
	self->state     = MLOPS_HYDRA_FORM_NONE;
	adw_preferences_group_set_title(
	    ADW_PREFERENCES_GROUP(self), "Hydra Configuration");
	gtk_widget_set_visible(GTK_WIDGET(self), FALSE);
}
