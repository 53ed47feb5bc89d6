/*
 * mlops-gtk-test: the desktop app (mlops_gtk_app, the code mlops-gtk
 * runs) driven by a script of steps, for the Xvfb integration tests. The
 * steps are rows of one table (steps.c): a name, the arguments it takes
 * and a handler. Handlers reach the app through its own actions and read
 * what its widgets show (probe.h); they never ask the daemon. Main thread.
 */
#ifndef MLOPS_TESTS_GTK_DRIVER_H
#define MLOPS_TESTS_GTK_DRIVER_H

#include "mlops-application.h"
#include "mlops-window.h"

G_BEGIN_DECLS

/** How often a waiting step looks again, and its default timeout. */
#define DRIVER_TICK_MS   100
#define DRIVER_DEFAULT_S 30

enum step_rc { STEP_WAIT, STEP_DONE, STEP_FAIL };

struct driver;
struct watch;

/**
 * A step's handler. It is called on every tick until it returns
 * STEP_DONE, or STEP_FAIL through driver_fail(). `a` holds the step's `n`
 * arguments (its name left out), each with $JOB replaced by the id of the
 * job launched last.
 */
typedef enum step_rc (*step_cb)(struct driver *d, char **a, int n);

/** One row of the step table. */
struct step_spec {
	const char *name;
	/**
	 * The arguments, one word each: [WORD] is optional (only at the
	 * end), a|b lists the values allowed, N must be an integer and S a
	 * timeout in seconds (default DRIVER_DEFAULT_S).
	 */
	const char *args;
	const char *summary;
	step_cb     fn;
};

/** The step table (steps.c), ended by a row with a NULL name. */
extern const struct step_spec driver_steps[];

struct driver {
	MlopsApplication *app;
	MlopsWindow      *win;
	struct watch     *watch;
	char             *shot_dir;
	GArray           *script; /* struct driver_line */
	guint             cur;
	guint             tick;
	guint             passed, failed;
	gboolean          ran; /* the steps started */
	gboolean finished;     /* ...and all ran, or stopped at a failure */
	gboolean quit;         /* a step asked to end the script */

	/* The step running now. */
	char **args; /* $JOB replaced */
	int    nargs;
	double timeout; /* its S, in seconds */
	gint64 started; /* monotonic µs */
	int    phase;   /* the handler's own progress, 0 at the start */
	char  *why;     /* set by driver_fail() */
	gint64 job;     /* the last launched job, for $JOB */
};

/** Fails the step with a reason. Returns STEP_FAIL. */
enum step_rc driver_fail(struct driver *d, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/** TRUE once the step has run longer than its timeout. */
gboolean driver_timed_out(struct driver *d);
/**
 * STEP_DONE when `done`; else STEP_FAIL with the reason `fmt` once the
 * step timed out, else STEP_WAIT.
 */
enum step_rc driver_wait(struct driver *d, gboolean done, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/** A page of the window by its template id: "overview", "project_page",
 * "job_page". */
GtkWidget *driver_page(struct driver *d, const char *id);
/** The page in front: "overview", "project" or "job". */
const char *driver_page_name(struct driver *d);
/** The window in front: a message dialog, Preferences, the Launch dialog
 * or the main window. */
GtkWidget *driver_front(struct driver *d);

G_END_DECLS

#endif
