/*
 * MlopsLaunchDialog's Hydra part: the project's config asked for when the
 * project or the config name changes (MlopsHydraForm does the call), and
 * the overrides sent (the form's changed fields, then the free-text ones)
 * shown live with the task count of a sweep and what is still missing.
 * Main thread.
 */
#include <stdlib.h>
#include <string.h>

#include "mlops-hydra-form.h"
#include "mlops-hydra-syntax.h"
#include "mlops-launch-dialog-private.h"
#include "mlops-model.h"

/*
 * The overrides sent: the Hydra form's changed fields, then the free-text
 * ones (NULL-terminated, freed with mlops_model_strv_free()), or NULL
 * when a quote of the free text is not closed.
 */
char **
launch_overrides(MlopsLaunchDialog *self, size_t *n)
{
	char **form, **text, **all;
	size_t nf = 0, nt = 0;

	if (mlops_model_split_overrides(&text, &nt,
	        gtk_editable_get_text(GTK_EDITABLE(self->overrides_row)))
	    < 0) {
		return NULL;
	}
	form = mlops_hydra_form_get_overrides(self->hydra_form, &nf);
	all  = calloc(nf + nt + 1, sizeof(char *));
	g_assert(all != NULL);
	memcpy(all, form, nf * sizeof(char *));
	memcpy(all + nf, text, nt * sizeof(char *));
	free(form); /* the strings moved to `all` */
	free(text);
	*n = nf + nt;
	return all;
}

/* The list sent, shown live; a sweep's task count; what is missing. */
void
launch_update_overrides(MlopsLaunchDialog *self)
{
	size_t           n = 0, ntasks = 0;
	char           **v     = launch_overrides(self, &n);
	gboolean         sweep = gtk_switch_get_active(self->sweep_switch);
	g_autofree char *tasks = NULL;
	g_autofree char *sent  = NULL;
	char             why[256];
	GString         *sum = g_string_new(NULL);

	g_free(self->hydra_missing);
	self->hydra_missing = mlops_hydra_form_get_missing(self->hydra_form);
	if (v == NULL) {
		g_string_append(sum, "A quote of the overrides is not closed");
	} else {
		sent = mlops_hydra_join_words((const char *const *) v, n);
		g_string_append(
		    sum, n > 0 ? sent : "None: the defaults as they are");
		if (sweep
		    && mlops_hydra_sweep_count((const char *const *) v, n,
		           &ntasks, why, sizeof(why))
		        < 0) {
			tasks = g_strdup_printf(
			    "Cannot count the tasks: %s", why);
		} else if (sweep) {
			tasks = g_strdup_printf(ntasks == 1
			        ? "%zu task: give a field a list of values"
			        : "%zu tasks in one Slurm job array",
			    ntasks);
		}
	}
	if (self->hydra_missing != NULL) {
		g_string_append_printf(
		    sum, "\nStill to give: %s", self->hydra_missing);
	}
	adw_action_row_set_subtitle(
	    ADW_ACTION_ROW(self->summary_row), sum->str);
	g_string_free(sum, TRUE);
	if (tasks != NULL) {
		adw_action_row_set_subtitle(
		    ADW_ACTION_ROW(self->sweep_row), tasks);
	} else {
		adw_action_row_set_subtitle(ADW_ACTION_ROW(self->sweep_row),
		    "Fields take lists of values (a,b or range(0,3)); every "
		    "combination runs as one task of a Slurm job array");
	}
	gtk_widget_set_visible(self->max_parallel_row, sweep);
	/* a config the daemon cannot read would refuse every launch */
	gtk_widget_set_visible(self->no_validate_row,
	    mlops_hydra_form_get_state(self->hydra_form)
	        == MLOPS_HYDRA_FORM_ERROR);
	mlops_model_strv_free(v);
	launch_update_sensitive(self);
}

/* Asks for the chosen project's Hydra config (and config name). */
void
launch_load_config(MlopsLaunchDialog *self)
{
	const Mlops__Project *p = launch_project(self);

	g_clear_handle_id(&self->config_timer, g_source_remove);
	if (p == NULL) {
		mlops_hydra_form_show_none(self->hydra_form);
		return;
	}
	mlops_hydra_form_load(self->hydra_form, self->conn, p->name,
	    gtk_editable_get_text(GTK_EDITABLE(self->config_row)));
}

static gboolean
launch_config_timer(gpointer data)
{
	MlopsLaunchDialog *self = data;

	self->config_timer = 0;
	launch_load_config(self);
	return G_SOURCE_REMOVE;
}

static void
launch_on_config_name(GtkEditable *e, MlopsLaunchDialog *self)
{
	(void) e;
	/* while the name is typed, ask once it rests */
	g_clear_handle_id(&self->config_timer, g_source_remove);
	if (self->pending == 0) {
		self->config_timer
		    = g_timeout_add(400, launch_config_timer, self);
	}
}

static void
launch_on_overrides_changed(MlopsLaunchDialog *self)
{
	/* the Hydra field the daemon complained about was edited */
	if (g_strcmp0(self->error_field, "overrides") == 0
	    && self->error_widget == NULL
	    && mlops_hydra_form_get_error_key(self->hydra_form) == NULL) {
		launch_clear_error(self);
	}
	launch_update_overrides(self);
}

static void
launch_on_sweep(GObject *o, GParamSpec *p, MlopsLaunchDialog *self)
{
	(void) p;
	mlops_hydra_form_set_sweep(
	    self->hydra_form, gtk_switch_get_active(GTK_SWITCH(o)));
	launch_update_overrides(self);
}

void
launch_hydra_connect(MlopsLaunchDialog *self)
{
	g_signal_connect(self->config_row, "changed",
	    G_CALLBACK(launch_on_config_name), self);
	g_signal_connect_swapped(self->overrides_row, "changed",
	    G_CALLBACK(launch_on_overrides_changed), self);
	g_signal_connect_swapped(self->hydra_form, "changed",
	    G_CALLBACK(launch_on_overrides_changed), self);
	g_signal_connect(self->sweep_switch, "notify::active",
	    G_CALLBACK(launch_on_sweep), self);
}
