/*
 * Steps on the job page: its state badge, the log viewer (its status line
 * and text, the stream switch) and the W&B button. Main thread.
 */
#include <string.h>

#include "mlops-job-page.h"
#include "mlops-util.h"
#include "probe.h"
#include "steps.h"

/* What mlops-job-page.c's log status line says while a read runs. */
#define JOB_LOG_LOADING "Loading the log…"

static GtkWidget *
job_child(struct driver *d, const char *id)
{
	return probe_child(
	    driver_page(d, "job_page"), MLOPS_TYPE_JOB_PAGE, id);
}

enum step_rc
step_wait_job_state(struct driver *d, char **a, int n)
{
	GtkWidget *badge
	    = gtk_widget_get_first_child(job_child(d, "badge_box"));
	const char *state
	    = badge != NULL ? mlops_util_badge_get_state(badge) : "";

	return driver_wait(d, g_ascii_strcasecmp(state, a[0]) == 0,
	    "the page shows '%s'", state);
}

static const char *
job_log_status(struct driver *d)
{
	return gtk_label_get_text(GTK_LABEL(job_child(d, "log_status")));
}

enum step_rc
step_wait_log(struct driver *d, char **a, int n)
{
	const char *status = job_log_status(d);

	if (!g_str_equal(status, JOB_LOG_LOADING)) {
		g_print("# log: %s\n", status);
		return STEP_DONE;
	}
	return driver_wait(d, FALSE, "the log did not settle");
}

enum step_rc
step_wait_log_text(struct driver *d, char **a, int n)
{
	g_autofree char *text = probe_text_view(job_child(d, "log_view"));

	return driver_wait(d, strstr(text, a[0]) != NULL,
	    "the log shows %zu bytes (%s)", strlen(text), job_log_status(d));
}

enum step_rc
step_job_stream(struct driver *d, char **a, int n)
{
	g_autofree char *id = g_strdup_printf("%s_button", a[0]);

	gtk_toggle_button_set_active(
	    GTK_TOGGLE_BUTTON(job_child(d, id)), TRUE);
	return STEP_DONE;
}

enum step_rc
step_wait_wandb(struct driver *d, char **a, int n)
{
	gint64 id = mlops_job_page_get_id(
	    MLOPS_JOB_PAGE(driver_page(d, "job_page")));
	MlopsJobRow *row = mlops_window_lookup_job(d->win, id);
	const char  *url
	    = row != NULL ? mlops_job_row_get_job(row)->wandb_url : "";

	if (gtk_widget_get_visible(job_child(d, "wandb_button"))
	    && url[0] != '\0') {
		g_print("# W&B run: %s\n", url);
		return STEP_DONE;
	}
	return driver_wait(d, FALSE, "no W&B run shown");
}
