/*
 * MlopsJobPage: one job. Its row in the window's job store follows
 * JobEvents, so the state changes here without a refresh; JobShow adds
 * the sbatch script. The log viewer asks the log source for a tail of
 * stdout or stderr (follow keeps the end in view; a log larger than
 * JOB_LOG_MAX shows its tail). Cancel asks first. Main thread.
 */
#include <time.h>

#include <string.h>

#include <mlops/job_state.h>
#include <mlops/logfmt.h>

#include "mlops-hydra-syntax.h"
#include "mlops-log-source.h"
#include "mlops-model.h"
#include "mlops-job-page.h"
#include "mlops-util.h"

/* The most of a log the viewer holds: GtkTextView slows past this. */
#define JOB_LOG_MAX (1024 * 1024)

enum job_field {
	F_PROJECT,
	F_CLUSTER,
	F_SLURM,
	F_EXIT,
	F_GPUS,
	F_NODES,
	F_MEM,
	F_TIME,
	F_SUBMITTED,
	F_STARTED,
	F_ENDED,
	F_ELAPSED,
	F_NODELIST,
	F_COMMIT,
	F_CONFIG,
	F_OVERRIDES,
	F_WORKDIR,
	F_STDOUT,
	F_STDERR,
	F_EXPECTED,
	F_N
};

static const struct {
	const char *title;
	gboolean    right;
} job_fields[F_N] = {
	[F_PROJECT]   = { "Project", FALSE },
	[F_CLUSTER]   = { "Cluster / partition", FALSE },
	[F_SLURM]     = { "Slurm job id", FALSE },
	[F_EXIT]      = { "Exit code", FALSE },
	[F_GPUS]      = { "GPUs per node", FALSE },
	[F_NODES]     = { "Nodes × CPUs per task", FALSE },
	[F_MEM]       = { "Memory", FALSE },
	[F_TIME]      = { "Time limit", FALSE },
	[F_EXPECTED]  = { "Expected start", FALSE },
	[F_CONFIG]    = { "Config name", FALSE },
	[F_SUBMITTED] = { "Submitted", TRUE },
	[F_STARTED]   = { "Started", TRUE },
	[F_ENDED]     = { "Ended", TRUE },
	[F_ELAPSED]   = { "Elapsed", TRUE },
	[F_NODELIST]  = { "Nodes", TRUE },
	[F_COMMIT]    = { "Commit", TRUE },
	[F_OVERRIDES] = { "Overrides", TRUE },
	[F_WORKDIR]   = { "Work dir", TRUE },
	[F_STDOUT]    = { "stdout", TRUE },
	[F_STDERR]    = { "stderr", TRUE },
};

struct _MlopsJobPage {
	AdwBin parent_instance;

	GtkLabel          *title_label;
	GtkLabel          *subtitle_label;
	GtkWidget         *badge_box;
	GtkWidget         *wandb_button;
	GtkWidget         *cancel_button;
	GtkLabel          *reason_label;
	GtkListBox        *fields_left;
	GtkListBox        *fields_right;
	AdwViewStack      *view_stack;
	GtkTextView       *script_view;
	GtkToggleButton   *stdout_button;
	GtkToggleButton   *stderr_button;
	GtkToggleButton   *follow_button;
	GtkLabel          *log_status;
	GtkScrolledWindow *log_scroller;
	GtkTextView       *log_view;
	GtkScrolledWindow *page_scroller;

	GtkWidget *badge;
	GtkWidget *values[F_N];
	GtkWidget *rows[F_N];

	MlopsWindow        *win;
	MlopsConnection    *conn;
	MlopsJobRow        *row; /* strong */
	gulong              row_handler;
	gint64              id;
	guint               tick;
	guint               log_generation;
	gboolean            log_settled;
	gboolean            log_in_flight;
	gboolean            log_again;
	gboolean            log_cut;
	gboolean            log_was_terminal;
	gint64              log_offset; /* next byte to read; -1: the end */
	struct mlops_logfmt logfmt;
};

G_DEFINE_FINAL_TYPE(MlopsJobPage, mlops_job_page, ADW_TYPE_BIN)

static void job_fetch_log(MlopsJobPage *self);
static void job_log_follow(MlopsJobPage *self);

/* ---- fields ------------------------------------------------------------- */

static void
job_set(MlopsJobPage *self, enum job_field f, const char *value)
{
	gtk_label_set_text(GTK_LABEL(self->values[f]), value[0] ? value : "—");
}

static void
job_show_elapsed(MlopsJobPage *self, const Mlops__Job *j)
{
	char buf[64];

	job_set(self, F_ELAPSED,
	    mlops_model_duration(buf, sizeof(buf),
	        mlops_model_job_elapsed(j, (int64_t) time(NULL))));
}

static gboolean
job_tick(gpointer data)
{
	MlopsJobPage *self = data;

	/* The clock only: the job itself changes through events. */
	if (self->row != NULL) {
		job_show_elapsed(self, mlops_job_row_get_job(self->row));
	}
	return G_SOURCE_CONTINUE;
}

static void
job_render(MlopsJobPage *self)
{
	const Mlops__Job *j;
	char              buf[256], b2[64];
	g_autofree char  *t   = NULL;
	g_autofree char  *sub = NULL;
	gboolean          running;

	if (self->row == NULL) {
		return;
	}
	j = mlops_job_row_get_job(self->row);
	t = g_strdup_printf("Job %" G_GINT64_FORMAT, j->id);
	gtk_label_set_text(self->title_label, t);
	sub = g_strdup(j->description[0] ? j->description : "No description");
	gtk_label_set_text(self->subtitle_label, sub);
	mlops_util_badge_set(self->badge, j);
	if (j->reason[0] != '\0' && g_strcmp0(j->reason, "None") != 0) {
		g_autofree char *r = g_strdup_printf("Reason: %s", j->reason);

		gtk_label_set_text(self->reason_label, r);
		gtk_widget_set_visible(GTK_WIDGET(self->reason_label), TRUE);
	} else {
		gtk_widget_set_visible(GTK_WIDGET(self->reason_label), FALSE);
	}
	job_set(self, F_PROJECT, j->project);
	g_snprintf(buf, sizeof(buf), "%s / %s", j->cluster,
	    j->partition[0] ? j->partition : "default");
	job_set(self, F_CLUSTER, buf);
	job_set(self, F_SLURM, mlops_model_job_slurm_id(buf, sizeof(buf), j));
	if (j->exit_code >= 0) {
		g_snprintf(buf, sizeof(buf), "%d", j->exit_code);
	} else {
		buf[0] = '\0';
	}
	job_set(self, F_EXIT, buf);
	mlops_model_job_gpus(buf, sizeof(buf), j);
	job_set(self, F_GPUS, buf[0] ? buf : "none (CPU job)");
	g_snprintf(buf, sizeof(buf), "%d × %d", j->nodes > 0 ? j->nodes : 1,
	    j->cpus_per_task > 0 ? j->cpus_per_task : 1);
	job_set(self, F_NODES, buf);
	job_set(self, F_MEM, j->mem[0] ? j->mem : "cluster default");
	job_set(self, F_TIME,
	    j->time_limit[0] ? j->time_limit : "partition default");
	job_set(self, F_SUBMITTED,
	    mlops_model_time(buf, sizeof(buf), j->submitted_at));
	job_set(self, F_STARTED,
	    mlops_model_time(buf, sizeof(buf), j->started_at));
	/* A live job's ended_at is Slurm's projected end, not an end. */
	job_set(self, F_ENDED,
	    mlops_model_job_ended(j)
	        ? mlops_model_time(buf, sizeof(buf), j->ended_at)
	        : "");
	job_show_elapsed(self, j);
	job_set(self, F_NODELIST, j->node_list);
	mlops_model_short_sha(b2, sizeof(b2), j->commit);
	g_snprintf(buf, sizeof(buf), "%s%s%s%s", j->branch,
	    j->branch[0] ? " · " : "", b2,
	    j->dirty ? " + uncommitted changes" : "");
	job_set(self, F_COMMIT, buf);
	job_set(self, F_CONFIG, j->config_name);
	{
		/* as `mlops job show` prints them: shell words */
		g_autofree char *o = mlops_hydra_join_words(
		    (const char *const *) j->overrides, j->n_overrides);

		job_set(self, F_OVERRIDES, o);
	}
	job_set(self, F_WORKDIR, j->work_dir);
	job_set(self, F_STDOUT, j->stdout_path);
	job_set(self, F_STDERR, j->stderr_path);
	job_set(self, F_EXPECTED, j->expected_start);
	gtk_widget_set_visible(
	    self->rows[F_EXPECTED], j->expected_start[0] != '\0');
	gtk_widget_set_visible(
	    self->rows[F_CONFIG], j->config_name[0] != '\0');

	gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->script_view),
	    j->sbatch_script[0] ? j->sbatch_script : "(loading…)", -1);
	gtk_widget_set_visible(self->wandb_button, j->wandb_url[0] != '\0');
	running = !mlops_model_job_ended(j);
	gtk_widget_set_visible(self->cancel_button, running);
	gtk_widget_action_set_enabled(GTK_WIDGET(self), "job.cancel", running);
	gtk_widget_action_set_enabled(
	    GTK_WIDGET(self), "job.open-wandb", j->wandb_url[0] != '\0');
	if (running && j->started_at > 0 && self->tick == 0) {
		self->tick = g_timeout_add_seconds(1, job_tick, self);
	} else if (!running && self->tick != 0) {
		g_source_remove(self->tick);
		self->tick = 0;
	}
}

static void
job_row_changed(GObject *row, GParamSpec *pspec, MlopsJobPage *self)
{
	const Mlops__Job *j = mlops_job_row_get_job(MLOPS_JOB_ROW(row));
	int before = job_state_parse(mlops_util_badge_get_state(self->badge));
	gboolean ended
	    = j->terminal && !(before >= 0 && job_state_terminal(before));

	(void) pspec;
	job_render(self);
	/* Each poll that changed the job may have grown its log; once it
	 * ended, one more read takes the rest. */
	if (!self->log_was_terminal || ended) {
		job_log_follow(self);
	}
	self->log_was_terminal = j->terminal;
}

static void
job_attach(MlopsJobPage *self, MlopsJobRow *row)
{
	if (self->row == row) {
		return;
	}
	if (self->row != NULL) {
		g_signal_handler_disconnect(self->row, self->row_handler);
		g_clear_object(&self->row);
	}
	self->row              = g_object_ref(row);
	self->log_was_terminal = mlops_job_row_get_job(row)->terminal;
	self->row_handler      = g_signal_connect(
	         row, "notify::job", G_CALLBACK(job_row_changed), self);
}

static void
job_show_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsJobPage) self = data;
	struct mlops_error err       = { 0 };
	Mlops__Response   *resp;
	MlopsJobRow       *row;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		if (err.code != MLOPS_EUNREACHABLE) {
			mlops_window_toast_error(
			    self->win, "Could not read the job", &err);
		}
		return;
	}
	if (resp->job_show->job != NULL) {
		row = mlops_window_upsert_job(self->win, resp->job_show->job);
		if (resp->job_show->job->id == self->id) {
			job_attach(self, row);
			job_render(self);
		}
	}
	mlops__response__free_unpacked(resp, NULL);
}

void
mlops_job_page_refresh(MlopsJobPage *self)
{
	Mlops__Request        req  = MLOPS__REQUEST__INIT;
	Mlops__JobShowRequest body = MLOPS__JOB_SHOW_REQUEST__INIT;

	if (self->id <= 0) {
		return;
	}
	body.id       = self->id;
	req.body_case = MLOPS__REQUEST__BODY_JOB_SHOW;
	req.job_show  = &body;
	mlops_connection_call(
	    self->conn, &req, 15000, job_show_done, g_object_ref(self));
	job_fetch_log(self);
}

void
mlops_job_page_show(MlopsJobPage *self, gint64 id)
{
	MlopsJobRow *row = mlops_window_lookup_job(self->win, id);

	self->id = id;
	if (row != NULL) {
		job_attach(self, row);
		job_render(self);
	} else {
		g_autofree char *t
		    = g_strdup_printf("Job %" G_GINT64_FORMAT, id);

		if (self->row != NULL) {
			g_signal_handler_disconnect(
			    self->row, self->row_handler);
			g_clear_object(&self->row);
		}
		gtk_label_set_text(self->title_label, t);
		gtk_label_set_text(self->subtitle_label, "Loading…");
		mlops_util_badge_set(self->badge, NULL);
	}
	gtk_text_buffer_set_text(
	    gtk_text_view_get_buffer(self->log_view), "", 0);
	adw_view_stack_set_visible_child_name(self->view_stack, "details");
	mlops_job_page_refresh(self);
}

gint64
mlops_job_page_get_id(MlopsJobPage *self)
{
	return self->id;
}

/* ---- the log
 * ------------------------------------------------------------------ */

static void
job_log_set_status(MlopsJobPage *self, const char *text)
{
	gtk_label_set_text(self->log_status, text);
	gtk_widget_set_visible(GTK_WIDGET(self->log_status), text[0] != '\0');
}

static gboolean
job_log_scroll_end(gpointer data)
{
	MlopsJobPage  *self = data;
	GtkTextBuffer *buf  = gtk_text_view_get_buffer(self->log_view);
	GtkTextIter    end;

	gtk_text_buffer_get_end_iter(buf, &end);
	gtk_text_view_scroll_to_iter(
	    self->log_view, &end, 0.0, TRUE, 0.0, 1.0);
	g_object_unref(self);
	return G_SOURCE_REMOVE;
}

/* Appends what the formatter let out; keeps the buffer under the cap. */
static void
job_log_append(MlopsJobPage *self, struct strbuf *out)
{
	GtkTextBuffer   *buf = gtk_text_view_get_buffer(self->log_view);
	GtkTextIter      a, b;
	g_autofree char *text = NULL;
	int              chars;

	if (out->len == 0) {
		return;
	}
	text = g_utf8_make_valid(out->buf, (gssize) out->len);
	gtk_text_buffer_get_end_iter(buf, &b);
	gtk_text_buffer_insert(buf, &b, text, -1);
	strbuf_reset(out);
	chars = gtk_text_buffer_get_char_count(buf);
	if (chars > 2 * JOB_LOG_MAX) {
		gtk_text_buffer_get_start_iter(buf, &a);
		gtk_text_buffer_get_iter_at_offset(
		    buf, &b, chars - JOB_LOG_MAX);
		gtk_text_iter_forward_line(&b);
		gtk_text_buffer_delete(buf, &a, &b);
		self->log_cut = TRUE;
	}
	if (gtk_toggle_button_get_active(self->follow_button)) {
		g_idle_add(job_log_scroll_end, g_object_ref(self));
	}
}

/* A log request in flight: the page and the request's generation. */
struct job_log_req {
	MlopsJobPage *self;
	guint         gen;
};

static void job_log_request(MlopsJobPage *self);

static void
job_log_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct job_log_req *req      = data;
	g_autoptr(MlopsJobPage) self = req->self;
	guint                   gen  = req->gen;
	struct mlops_error      err  = { 0 };
	struct mlops_log_chunk *c;
	struct strbuf           out;
	size_t                  skip = 0;
	gboolean                more;

	g_free(req);
	c = mlops_log_source_fetch_finish(MLOPS_CONNECTION(src), res, &err);
	if (gen != self->log_generation) {
		mlops_log_chunk_free(c);
		return; /* for another job or stream */
	}
	self->log_in_flight = FALSE;
	self->log_settled   = TRUE;
	if (c == NULL) {
		g_autofree char *t = NULL;

		if (mlops_log_source_unsupported(&err)) {
			job_log_set_status(self,
			    "Logs are not available from this daemon yet.");
		} else {
			t = mlops_util_error_text(
			    "Could not read the log", &err);
			job_log_set_status(self, t);
		}
		return;
	}
	if (c->missing) {
		g_autofree char *t = g_strdup_printf(
		    "No output yet: %s does not exist on the cluster%s.",
		    c->path[0] ? c->path : "the file",
		    c->terminal ? "" : " yet");

		job_log_set_status(self, t);
		mlops_log_chunk_free(c);
		return;
	}
	if (self->log_offset >= 0 && c->size >= 0
	    && c->size < self->log_offset) {
		/* The file shrank (rewritten): read its end again. */
		mlops_log_chunk_free(c);
		self->log_offset = -1;
		job_log_request(self);
		return;
	}
	if (self->log_offset < 0 && c->offset > 0) {
		/* A tail read starts mid-line: show from the next line. */
		const char *nl = memchr(c->data, '\n', c->len);

		skip          = nl != NULL ? (size_t) (nl - c->data) + 1 : 0;
		self->log_cut = TRUE;
	}
	strbuf_init(&out);
	mlops_logfmt_feed(&self->logfmt, c->data + skip, c->len - skip, &out);
	self->log_offset = c->offset + (gint64) c->len;
	more = c->len > 0 && c->size >= 0 && self->log_offset < c->size;
	if (c->terminal && !more) {
		mlops_logfmt_flush(&self->logfmt, &out);
	}
	job_log_append(self, &out);
	strbuf_fini(&out);
	if (self->log_cut) {
		g_autofree char *size
		    = g_format_size((guint64) MAX(c->size, 0));
		g_autofree char *t
		    = g_strdup_printf("The log is %s: showing its end.", size);

		job_log_set_status(self, t);
	} else {
		job_log_set_status(self, "");
	}
	mlops_log_chunk_free(c);
	/* Catching up on a large file, or an event came meanwhile. */
	if (more || self->log_again) {
		self->log_again = FALSE;
		job_log_request(self);
	}
}

static void
job_log_request(MlopsJobPage *self)
{
	gboolean want_err = gtk_toggle_button_get_active(self->stderr_button);
	struct job_log_req *req;

	if (self->id <= 0) {
		return;
	}
	if (self->log_in_flight) {
		self->log_again = TRUE;
		return;
	}
	self->log_in_flight = TRUE;
	req                 = g_new0(struct job_log_req, 1);
	req->self           = g_object_ref(self);
	req->gen            = self->log_generation;
	mlops_log_source_fetch(self->conn, self->id, want_err,
	    self->log_offset,
	    self->log_offset < 0 ? JOB_LOG_MAX : MLOPS_LOG_READ_MAX,
	    job_log_done, req);
}

/* Shows the log from its end again (new job, other stream, reload). */
static void
job_fetch_log(MlopsJobPage *self)
{
	if (self->id <= 0) {
		return;
	}
	self->log_generation++;
	self->log_in_flight = FALSE;
	self->log_again     = FALSE;
	self->log_settled   = FALSE;
	self->log_offset    = -1;
	self->log_cut       = FALSE;
	mlops_logfmt_fini(&self->logfmt);
	mlops_logfmt_init(&self->logfmt);
	gtk_text_buffer_set_text(
	    gtk_text_view_get_buffer(self->log_view), "", 0);
	job_log_set_status(self, "Loading the log…");
	job_log_request(self);
}

/* Following: the job changed (the poller saw it), so its log may have. */
static void
job_log_follow(MlopsJobPage *self)
{
	if (gtk_toggle_button_get_active(self->follow_button)
	    && self->log_settled) {
		job_log_request(self);
	}
}

static void
job_stream_toggled(GtkToggleButton *b, MlopsJobPage *self)
{
	if (gtk_toggle_button_get_active(b)) {
		job_fetch_log(self);
	}
}

static void
job_follow_toggled(GtkToggleButton *b, MlopsJobPage *self)
{
	if (gtk_toggle_button_get_active(b)) {
		g_idle_add(job_log_scroll_end, g_object_ref(self));
	}
}

/* ---- actions
 * ------------------------------------------------------------------- */

static void
job_cancel_done(GObject *src, GAsyncResult *res, gpointer data)
{
	g_autoptr(MlopsJobPage) self = data;
	struct mlops_error err       = { 0 };
	Mlops__Response   *resp;
	g_autofree char   *t = NULL;

	resp = mlops_connection_call_finish(MLOPS_CONNECTION(src), res, &err);
	if (resp == NULL) {
		mlops_window_toast_error(
		    self->win, "Could not cancel the job", &err);
		return;
	}
	if (resp->cancel->job != NULL) {
		mlops_window_upsert_job(self->win, resp->cancel->job);
		t = g_strdup_printf(
		    "Cancelled job %" G_GINT64_FORMAT, resp->cancel->job->id);
	} else {
		t = g_strdup("Cancelled the job");
	}
	mlops_window_toast(self->win, t);
	mlops__response__free_unpacked(resp, NULL);
}

static void
job_cancel_response(AdwMessageDialog *d, const char *response, gpointer data)
{
	MlopsJobPage        *self = data;
	Mlops__Request       req  = MLOPS__REQUEST__INIT;
	Mlops__CancelRequest body = MLOPS__CANCEL_REQUEST__INIT;
	gint64 id = GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(d), "job-id"));

	if (g_strcmp0(response, "cancel-job") != 0) {
		return;
	}
	body.id       = id;
	req.body_case = MLOPS__REQUEST__BODY_CANCEL;
	req.cancel    = &body;
	mlops_connection_call(
	    self->conn, &req, 60000, job_cancel_done, g_object_ref(self));
}

static void
job_cancel_action(GtkWidget *w, const char *action, GVariant *param)
{
	MlopsJobPage    *self = MLOPS_JOB_PAGE(w);
	GtkWidget       *d;
	g_autofree char *heading = NULL;

	(void) action;
	(void) param;
	if (self->id <= 0) {
		return;
	}
	heading
	    = g_strdup_printf("Cancel Job %" G_GINT64_FORMAT "?", self->id);
	d = adw_message_dialog_new(GTK_WINDOW(self->win), heading,
	    "Slurm stops the job (scancel). Its output so far is kept.");
	adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(d), "keep",
	    "_Keep Running", "cancel-job", "_Cancel Job", NULL);
	adw_message_dialog_set_response_appearance(
	    ADW_MESSAGE_DIALOG(d), "cancel-job", ADW_RESPONSE_DESTRUCTIVE);
	adw_message_dialog_set_default_response(ADW_MESSAGE_DIALOG(d), "keep");
	adw_message_dialog_set_close_response(ADW_MESSAGE_DIALOG(d), "keep");
	g_object_set_data(
	    G_OBJECT(d), "job-id", GSIZE_TO_POINTER((gsize) self->id));
	g_signal_connect_object(
	    d, "response", G_CALLBACK(job_cancel_response), self, 0);
	gtk_window_present(GTK_WINDOW(d));
}

static void
job_wandb_action(GtkWidget *w, const char *action, GVariant *param)
{
	MlopsJobPage *self = MLOPS_JOB_PAGE(w);

	(void) action;
	(void) param;
	if (self->row != NULL
	    && mlops_job_row_get_job(self->row)->wandb_url[0] != '\0') {
		gtk_show_uri(GTK_WINDOW(self->win),
		    mlops_job_row_get_job(self->row)->wandb_url,
		    GDK_CURRENT_TIME);
	}
}

static void
job_open_log_action(GtkWidget *w, const char *action, GVariant *param)
{
	MlopsJobPage *self = MLOPS_JOB_PAGE(w);

	(void) action;
	(void) param;
	adw_view_stack_set_visible_child_name(self->view_stack, "output");
	job_fetch_log(self);
}

/* ---- setup and GObject
 * ---------------------------------------------------------- */

void
mlops_job_page_setup(MlopsJobPage *self, MlopsWindow *win)
{
	self->win  = win;
	self->conn = mlops_window_get_connection(win);
	g_signal_connect_object(self->conn, "resync",
	    G_CALLBACK(mlops_job_page_refresh), self, G_CONNECT_SWAPPED);
}

static void
mlops_job_page_dispose(GObject *obj)
{
	MlopsJobPage *self = MLOPS_JOB_PAGE(obj);

	if (self->tick != 0) {
		g_source_remove(self->tick);
		self->tick = 0;
	}
	if (self->row != NULL) {
		g_signal_handler_disconnect(self->row, self->row_handler);
		g_clear_object(&self->row);
	}
	gtk_widget_dispose_template(GTK_WIDGET(self), MLOPS_TYPE_JOB_PAGE);
	G_OBJECT_CLASS(mlops_job_page_parent_class)->dispose(obj);
}

static void
mlops_job_page_finalize(GObject *obj)
{
	mlops_logfmt_fini(&MLOPS_JOB_PAGE(obj)->logfmt);
	G_OBJECT_CLASS(mlops_job_page_parent_class)->finalize(obj);
}

static void
mlops_job_page_class_init(MlopsJobPageClass *klass)
{
	GObjectClass   *oc = G_OBJECT_CLASS(klass);
	GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

	oc->dispose  = mlops_job_page_dispose;
	oc->finalize = mlops_job_page_finalize;
	gtk_widget_class_set_template_from_resource(
	    wc, "/org/mlops/MissionControl/mlops-job-page.ui");
#define BIND(x) gtk_widget_class_bind_template_child(wc, MlopsJobPage, x)
	BIND(title_label);
	BIND(subtitle_label);
	BIND(badge_box);
	BIND(wandb_button);
	BIND(cancel_button);
	BIND(reason_label);
	BIND(fields_left);
	BIND(fields_right);
	BIND(view_stack);
	BIND(script_view);
	BIND(stdout_button);
	BIND(stderr_button);
	BIND(follow_button);
	BIND(log_status);
	BIND(log_scroller);
	BIND(log_view);
	BIND(page_scroller);
#undef BIND
	gtk_widget_class_install_action(
	    wc, "job.cancel", NULL, job_cancel_action);
	gtk_widget_class_install_action(
	    wc, "job.open-wandb", NULL, job_wandb_action);
	gtk_widget_class_install_action(
	    wc, "job.open-log", NULL, job_open_log_action);
}

static void
mlops_job_page_init(MlopsJobPage *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	mlops_logfmt_init(&self->logfmt);
	self->log_offset = -1;
	self->badge      = mlops_util_badge_new();
	gtk_box_append(GTK_BOX(self->badge_box), self->badge);
	for (int f = 0; f < F_N; f++) {
		self->rows[f] = mlops_util_field_row(
		    job_fields[f].title, "", &self->values[f]);
		gtk_list_box_append(job_fields[f].right ? self->fields_right
		                                        : self->fields_left,
		    self->rows[f]);
	}
	g_signal_connect(self->stdout_button, "toggled",
	    G_CALLBACK(job_stream_toggled), self);
	g_signal_connect(self->stderr_button, "toggled",
	    G_CALLBACK(job_stream_toggled), self);
	g_signal_connect(self->follow_button, "toggled",
	    G_CALLBACK(job_follow_toggled), self);
}
