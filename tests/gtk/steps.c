/*
 * The steps a mlops-gtk-test script may use: the only list of them. Each
 * row is the step's name, its arguments (see struct step_spec), what it
 * does (--list-steps prints it) and its handler. Waits look at what the
 * UI shows and time out after S seconds (30 when not given).
 */
#include "steps.h"

const struct step_spec driver_steps[] = {
	/* the main window */
	{ "wait-connected", "[S]", "the window is connected to the daemon",
	    step_wait_connected },
	{ "wait-disconnected", "[S]", "the window is not connected",
	    step_wait_disconnected },
	{ "wait-clusters", "N [S]",
	    "at least N cluster cards, N of them with GPU lines",
	    step_wait_clusters },
	{ "wait-project", "NAME [S]", "the overview lists project NAME",
	    step_wait_project },
	{ "wait-gpu-free", "CLUSTER PARTITION TYPE N [S]",
	    "CLUSTER's card shows N free GPUs of TYPE in PARTITION",
	    step_wait_gpu_free },
	{ "wait-project-jobs", "N [S]",
	    "the project page is filled and lists at least N jobs",
	    step_wait_project_jobs },
	{ "project-filter", "TEXT STATE",
	    "type TEXT in the project page's search, choose STATE (\"\": any)",
	    step_project_filter },
	{ "expect-project-jobs", "N", "the project page lists exactly N jobs",
	    step_expect_project_jobs },
	{ "action", "NAME [ARG]",
	    "activate action NAME (app.*, win.*, launch.*, prefs.*, job.*, "
	    "project.*) with ARG",
	    step_action },
	{ "expect-accel", "ACCEL ACTION",
	    "the shortcut ACCEL activates ACTION", step_expect_accel },
	{ "wait-toast", "TEXT [S]", "the window showed a toast with TEXT",
	    step_wait_toast },
	{ "screenshot", "NAME",
	    "save NAME.png of the window in front in the screenshot dir",
	    step_screenshot },

	/* the Launch dialog */
	{ "wait-launch-ready", "[S]",
	    "the Launch dialog is filled from the daemon and can preview",
	    step_wait_launch_ready },
	{ "launch-set", "FIELD VALUE",
	    "set a Launch field through its widget: project, cluster, "
	    "partition, gpu_type (by label), gpus, nodes, cpus_per_task, mem, "
	    "time_limit, description, config_name, overrides, allow_dirty, "
	    "sweep, no_validate, max_parallel, hydra:KEY; show "
	    "hydra|overrides "
	    "scrolls there",
	    step_launch_set },
	{ "wait-preview", "[S]", "the dialog shows the rendered script",
	    step_wait_preview },
	{ "wait-field-error", "FIELD [S]",
	    "the dialog marks FIELD's row (overrides: or a Hydra field) and "
	    "says why",
	    step_wait_field_error },
	{ "wait-hydra",
	    "state|fields|groups|overrides|missing|tasks|error "
	    "VALUE [S]",
	    "the Hydra part shows VALUE: its state (none, loading, ready, "
	    "error), field and group counts, the overrides sent, the keys "
	    "still to give, a sweep's tasks, the key marked invalid",
	    step_wait_hydra },
	{ "wait-launched", "[S]",
	    "the dialog closed on the new job's page ($JOB is its id)",
	    step_wait_launched },

	/* the job page */
	{ "wait-job-state", "STATE [S]", "the job page's badge shows STATE",
	    step_wait_job_state },
	{ "wait-log", "[S]", "the log viewer settled (text or a reason)",
	    step_wait_log },
	{ "wait-log-text", "TEXT [S]", "the log viewer shows TEXT",
	    step_wait_log_text },
	{ "job-stream", "stdout|stderr", "press the log's stream switch",
	    step_job_stream },
	{ "wait-wandb", "[S]", "the job page offers its W&B run",
	    step_wait_wandb },

	/* the desktop */
	{ "prefs-set", "url|ca|cert|key|autostart VALUE",
	    "open Preferences and set a field (apply: action prefs.apply)",
	    step_prefs_set },
	{ "prefs-close", "", "close Preferences", step_prefs_close },
	{ "expect-url", "URL", "the app is connected to URL",
	    step_expect_url },
	{ "focus", "in|out [S]",
	    "give the window X11 input focus or take it away, as a window "
	    "manager does; wait for is-active",
	    step_focus },
	{ "dialog-response", "ID [S]",
	    "press the message dialog's button for response ID",
	    step_dialog_response },
	{ "expect-notifications", "N",
	    "N desktop notifications went out on the session bus",
	    step_expect_notifications },

	/* the script */
	{ "touch", "FILE", "create FILE (a sign for the test's shell side)",
	    step_touch },
	{ "wait-file", "FILE [S]", "FILE exists", step_wait_file },
	{ "sleep", "S", "wait S seconds", step_sleep },
	{ "quit", "", "end the script here", step_quit },
	{ NULL, NULL, NULL, NULL },
};
