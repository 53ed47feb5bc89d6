/*
 * The step handlers of mlops-gtk-test, by the file that holds them; the
 * table in steps.c names and describes them. Main thread.
 */
#ifndef MLOPS_TESTS_GTK_STEPS_H
#define MLOPS_TESTS_GTK_STEPS_H

#include "driver.h"

G_BEGIN_DECLS

/* steps_window.c: the main window, its overview and project pages */
enum step_rc step_wait_connected(struct driver *d, char **a, int n);
enum step_rc step_wait_disconnected(struct driver *d, char **a, int n);
enum step_rc step_wait_clusters(struct driver *d, char **a, int n);
enum step_rc step_wait_project(struct driver *d, char **a, int n);
enum step_rc step_wait_gpu_free(struct driver *d, char **a, int n);
enum step_rc step_wait_project_jobs(struct driver *d, char **a, int n);
enum step_rc step_project_filter(struct driver *d, char **a, int n);
enum step_rc step_expect_project_jobs(struct driver *d, char **a, int n);
enum step_rc step_action(struct driver *d, char **a, int n);
enum step_rc step_expect_accel(struct driver *d, char **a, int n);
enum step_rc step_wait_toast(struct driver *d, char **a, int n);
enum step_rc step_screenshot(struct driver *d, char **a, int n);
enum step_rc step_touch(struct driver *d, char **a, int n);
enum step_rc step_wait_file(struct driver *d, char **a, int n);
enum step_rc step_sleep(struct driver *d, char **a, int n);
enum step_rc step_quit(struct driver *d, char **a, int n);

/* steps_launch.c: the Launch dialog and its Hydra form */
enum step_rc step_wait_launch_ready(struct driver *d, char **a, int n);
enum step_rc step_launch_set(struct driver *d, char **a, int n);
enum step_rc step_wait_preview(struct driver *d, char **a, int n);
enum step_rc step_wait_field_error(struct driver *d, char **a, int n);
enum step_rc step_wait_hydra(struct driver *d, char **a, int n);
enum step_rc step_wait_launched(struct driver *d, char **a, int n);

/* steps_job.c: the job page */
enum step_rc step_wait_job_state(struct driver *d, char **a, int n);
enum step_rc step_wait_log(struct driver *d, char **a, int n);
enum step_rc step_wait_log_text(struct driver *d, char **a, int n);
enum step_rc step_job_stream(struct driver *d, char **a, int n);
enum step_rc step_wait_wandb(struct driver *d, char **a, int n);

/* steps_desktop.c: Preferences, focus, dialogs, notifications */
enum step_rc step_prefs_set(struct driver *d, char **a, int n);
enum step_rc step_prefs_close(struct driver *d, char **a, int n);
enum step_rc step_expect_url(struct driver *d, char **a, int n);
enum step_rc step_focus(struct driver *d, char **a, int n);
enum step_rc step_dialog_response(struct driver *d, char **a, int n);
enum step_rc step_expect_notifications(struct driver *d, char **a, int n);

G_END_DECLS

#endif
