/*
 * mlops-gtk-test: runs MlopsApplication as mlops-gtk does, and with
 * --test-script FILE reads a script of steps (one a line, shell-quoted
 * words, '#' comments), checks every line against the step table, then
 * runs the steps one after the other from a main-loop tick once the
 * window is up. It prints "ok - STEP" or "not ok - STEP (line N): why",
 * a screenshot of the failure, and "gtk script: N passed, N failed"; the
 * exit status is 0 when every step passed, 1 when one failed or the app
 * quit first, 2 when the script cannot be read. Main thread.
 */
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "mlops-launch-dialog.h"
#include "mlops-preferences.h"
#include "probe.h"
#include "watch.h"

/* A step as written in the script. */
struct driver_line {
	int                     line;
	char                  **argv; /* its name, then its arguments */
	int                     argc;
	const struct step_spec *spec;
};

static void
driver_line_clear(gpointer p)
{
	g_strfreev(((struct driver_line *) p)->argv);
}

/* ---- helpers for the steps ----------------------------------------------
 */

enum step_rc
driver_fail(struct driver *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_free(d->why);
	d->why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return STEP_FAIL;
}

gboolean
driver_timed_out(struct driver *d)
{
	return (double) (g_get_monotonic_time() - d->started) / 1e6
	    > d->timeout;
}

enum step_rc
driver_wait(struct driver *d, gboolean done, const char *fmt, ...)
{
	va_list ap;

	if (done) {
		return STEP_DONE;
	}
	if (!driver_timed_out(d)) {
		return STEP_WAIT;
	}
	va_start(ap, fmt);
	g_free(d->why);
	d->why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return STEP_FAIL;
}

GtkWidget *
driver_page(struct driver *d, const char *id)
{
	return probe_child(d->win, MLOPS_TYPE_WINDOW, id);
}

const char *
driver_page_name(struct driver *d)
{
	const char *n = adw_leaflet_get_visible_child_name(
	    ADW_LEAFLET(probe_child(d->win, MLOPS_TYPE_WINDOW, "leaflet")));

	return n != NULL ? n : "overview";
}

GtkWidget *
driver_front(struct driver *d)
{
	GtkWidget *w = probe_toplevel(ADW_TYPE_MESSAGE_DIALOG);

	if (w == NULL) {
		w = probe_toplevel(MLOPS_TYPE_PREFERENCES);
	}
	if (w == NULL) {
		w = probe_toplevel(MLOPS_TYPE_LAUNCH_DIALOG);
	}
	return w != NULL ? w : GTK_WIDGET(d->win);
}

/* ---- the script ---------------------------------------------------------
 */

static const struct step_spec *
driver_spec(const char *name)
{
	for (const struct step_spec *s = driver_steps; s->name != NULL; s++) {
		if (g_str_equal(s->name, name)) {
			return s;
		}
	}
	return NULL;
}

/* A spec word without its brackets. Caller frees. */
static char *
driver_word(const char *w)
{
	return w[0] == '[' ? g_strndup(w + 1, strlen(w) - 2) : g_strdup(w);
}

/* The index of the timeout among a spec's arguments, or -1. */
static int
driver_timeout_index(const struct step_spec *spec)
{
	g_auto(GStrv) words = g_strsplit(spec->args, " ", -1);

	for (int i = 0; words[i] != NULL; i++) {
		if (g_str_equal(words[i], "S")
		    || g_str_equal(words[i], "[S]")) {
			return i;
		}
	}
	return -1;
}

/* Why `arg` does not fit the spec word `w`, or NULL. Caller frees. */
static char *
driver_check_arg(const char *w, const char *arg)
{
	g_autofree char *word = driver_word(w);
	char            *end;

	if (strstr(arg, "$JOB") != NULL) {
		return NULL; /* known when the step runs */
	}
	if (g_str_equal(word, "S")
	    && (g_ascii_strtod(arg, &end) < 0 || end == arg || *end != '\0')) {
		return g_strdup_printf("'%s' is no number of seconds", arg);
	}
	if (g_str_equal(word, "N")
	    && !g_ascii_string_to_signed(
	        arg, 10, G_MININT, G_MAXINT, NULL, NULL)) {
		return g_strdup_printf("'%s' is no integer", arg);
	}
	if (strchr(word, '|') != NULL) {
		g_auto(GStrv) choices = g_strsplit(word, "|", -1);

		if (!g_strv_contains((const char *const *) choices, arg)) {
			return g_strdup_printf(
			    "'%s' is not one of %s", arg, word);
		}
	}
	return NULL;
}

/* Why a line's words do not fit its step's spec, or NULL. Caller frees. */
static char *
driver_check(const struct driver_line *l)
{
	g_auto(GStrv) words = g_strsplit(l->spec->args, " ", -1);
	int min = 0, max = 0;

	for (; words[max] != NULL; max++) {
		if (words[max][0] != '[') {
			min = max + 1;
		}
	}
	if (l->argc - 1 < min || l->argc - 1 > max) {
		return g_strdup_printf("usage: %s%s%s", l->spec->name,
		    *l->spec->args ? " " : "", l->spec->args);
	}
	for (int i = 1; i < l->argc; i++) {
		char *why = driver_check_arg(words[i - 1], l->argv[i]);

		if (why != NULL) {
			return why;
		}
	}
	return NULL;
}

static gboolean
driver_load(struct driver *d, const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines   = NULL;

	if (!g_file_get_contents(path, &text, NULL, error)) {
		return FALSE;
	}
	lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i] != NULL; i++) {
		struct driver_line l   = { i + 1, NULL, 0, NULL };
		g_autoptr(GError) perr = NULL;
		g_autofree char *why   = NULL;
		char            *line  = g_strstrip(lines[i]);

		if (*line == '\0' || *line == '#') {
			continue;
		}
		if (!g_shell_parse_argv(line, &l.argc, &l.argv, &perr)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "%s:%d: %s", path, i + 1, perr->message);
			return FALSE;
		}
		l.spec = driver_spec(l.argv[0]);
		if (l.spec == NULL) {
			why = g_strdup_printf("unknown step '%s'", l.argv[0]);
		} else {
			why = driver_check(&l);
		}
		if (why != NULL) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "%s:%d: %s", path, i + 1, why);
			g_strfreev(l.argv);
			return FALSE;
		}
		g_array_append_val(d->script, l);
	}
	return TRUE;
}

/* ---- running ------------------------------------------------------------
 */

static void
driver_begin(struct driver *d, const struct driver_line *l)
{
	g_autofree char *job = g_strdup_printf("%" G_GINT64_FORMAT, d->job);
	int              ti  = driver_timeout_index(l->spec);

	d->nargs = l->argc - 1;
	d->args  = g_new0(char *, l->argc);
	for (int i = 0; i < d->nargs; i++) {
		GString *a = g_string_new(l->argv[i + 1]);

		g_string_replace(a, "$JOB", job, 0);
		d->args[i] = g_string_free(a, FALSE);
	}
	d->timeout = ti >= 0 && ti < d->nargs
	    ? g_ascii_strtod(d->args[ti], NULL)
	    : DRIVER_DEFAULT_S;
	d->started = g_get_monotonic_time();
	d->phase   = 0;
	g_clear_pointer(&d->why, g_free);
}

static void
driver_end(struct driver *d)
{
	g_clear_pointer(&d->args, g_strfreev);
	d->nargs = 0;
}

static void
driver_finish(struct driver *d)
{
	g_autofree char *last = NULL;
	guint            n    = 0;
	g_auto(GStrv) toasts  = g_strsplit(watch_toasts(d->watch), "\n", -1);

	if (watch_notifications(d->watch, &n, &last)) {
		g_print("# notifications sent: %u%s%s\n", n,
		    last ? ", last: " : "", last ? last : "");
	} else {
		g_print("# notifications: the app has no session bus\n");
	}
	g_print("# toasts:\n");
	for (char **t = toasts; *t != NULL; t++) {
		if (**t != '\0') {
			g_print("#   %s\n", *t);
		}
	}
	g_print("gtk script: %u passed, %u failed\n", d->passed, d->failed);
	d->finished = TRUE;
	g_application_quit(G_APPLICATION(d->app));
}

static gboolean
driver_tick(gpointer data)
{
	struct driver            *d = data;
	const struct driver_line *l;
	g_autofree char          *text = NULL;
	enum step_rc              rc;

	watch_poll(d->watch);
	if (d->cur >= d->script->len) {
		d->tick = 0;
		driver_finish(d);
		return G_SOURCE_REMOVE;
	}
	l = &g_array_index(d->script, struct driver_line, d->cur);
	if (d->args == NULL) {
		driver_begin(d, l);
	}
	rc = l->spec->fn(d, d->args, d->nargs);
	if (rc == STEP_WAIT) {
		return G_SOURCE_CONTINUE;
	}
	text = g_strjoinv(" ", l->argv);
	if (rc == STEP_DONE) {
		d->passed++;
		g_print("ok - %s\n", text);
		d->cur = d->quit ? d->script->len : d->cur + 1;
	} else {
		g_autofree char *path
		    = g_build_filename(d->shot_dir, "failure.png", NULL);

		d->failed++;
		g_print("not ok - %s (line %d): %s\n", text, l->line,
		    d->why != NULL ? d->why : "failed");
		probe_screenshot(driver_front(d), path, NULL);
		/* The steps after a failure depend on it: stop here. */
		d->cur = d->script->len;
	}
	driver_end(d);
	return G_SOURCE_CONTINUE;
}

/* Runs after MlopsApplication's own activate: the window is up. */
static void
driver_activate(GApplication *app, struct driver *d)
{
	GList *ws = gtk_application_get_windows(GTK_APPLICATION(app));

	if (d->ran) {
		return;
	}
	for (GList *l = ws; l != NULL && d->win == NULL; l = l->next) {
		if (MLOPS_IS_WINDOW(l->data)) {
			d->win = l->data;
		}
	}
	if (d->win == NULL) {
		g_printerr("mlops-gtk-test: the app opened no window\n");
		g_application_quit(app);
		return;
	}
	d->ran   = TRUE;
	d->watch = watch_new(d->app, d->win);
	g_mkdir_with_parents(d->shot_dir, 0755);
	g_print("# mlops-gtk-test: %u steps, screenshots in %s\n",
	    d->script->len, d->shot_dir);
	d->tick = g_timeout_add(DRIVER_TICK_MS, driver_tick, d);
}

/* ---- options ------------------------------------------------------------
 */

static void
driver_list_steps(void)
{
	for (const struct step_spec *s = driver_steps; s->name != NULL; s++) {
		g_print("%s%s%s\n    %s\n", s->name, *s->args ? " " : "",
		    s->args, s->summary);
	}
}

static char *
driver_shot_dir(const char *dir)
{
	const char *env;

	if (dir != NULL) {
		return g_strdup(dir);
	}
	if ((env = g_getenv("MLOPS_SCREENSHOT_DIR")) != NULL && *env) {
		return g_strdup(env);
	}
	if ((env = g_getenv("MLOPS_BUILD_DIR")) != NULL && *env) {
		return g_build_filename(env, "screenshots", NULL);
	}
	return g_strdup("screenshots");
}

/* Before the app's own handler: -1 lets it read its options next. */
static gint
driver_local_options(GApplication *app, GVariantDict *opts, struct driver *d)
{
	const char *path = NULL, *dir = NULL;
	g_autoptr(GError) error = NULL;

	(void) app;
	if (g_variant_dict_contains(opts, "list-steps")) {
		driver_list_steps();
		return 0;
	}
	if (g_variant_dict_contains(opts, "version")) {
		return -1;
	}
	if (!g_variant_dict_lookup(opts, "test-script", "^&ay", &path)) {
		g_printerr("mlops-gtk-test: --test-script FILE is required\n");
		return 2;
	}
	if (!driver_load(d, path, &error)) {
		g_printerr("mlops-gtk-test: %s\n", error->message);
		return 2;
	}
	if (!g_variant_dict_lookup(opts, "screenshot-dir", "^&ay", &dir)) {
		dir = NULL;
	}
	d->shot_dir = driver_shot_dir(dir);
	return -1;
}

int
main(int argc, char **argv)
{
	static const GOptionEntry entries[] = {
		{ "test-script", 0, 0, G_OPTION_ARG_FILENAME, NULL,
		    "Run the steps of FILE (see --list-steps)", "FILE" },
		{ "screenshot-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
		    "Where screenshots go (default: $MLOPS_SCREENSHOT_DIR, "
		    "else $MLOPS_BUILD_DIR/screenshots)",
		    "DIR" },
		{ "list-steps", 0, 0, G_OPTION_ARG_NONE, NULL,
		    "Print the steps a script may use and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(MlopsApplication) app = mlops_application_new();
	struct driver d                 = { 0 };
	int           rc;

	d.app    = app;
	d.script = g_array_new(FALSE, TRUE, sizeof(struct driver_line));
	g_array_set_clear_func(d.script, driver_line_clear);
	g_application_add_main_option_entries(G_APPLICATION(app), entries);
	g_signal_connect(
	    app, "handle-local-options", G_CALLBACK(driver_local_options), &d);
	g_signal_connect_after(
	    app, "activate", G_CALLBACK(driver_activate), &d);
	rc = mlops_application_run(app, argc, argv);
	if (rc == 0 && d.ran) {
		if (!d.finished) {
			g_print("not ok - the app quit before the script "
			        "ended\n");
		}
		rc = d.failed > 0 || !d.finished ? 1 : 0;
	}
	if (d.tick != 0) {
		g_source_remove(d.tick);
	}
	driver_end(&d);
	watch_free(d.watch);
	g_array_unref(d.script);
	g_free(d.shot_dir);
	g_free(d.why);
	return rc;
}
