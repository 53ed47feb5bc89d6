/*
 * MlopsTestScript: runs a small script of the app's OWN actions, for the
 * integration test under Xvfb (mlops-gtk --test-script FILE). One step a
 * line: activate actions (win.show-launch, launch.submit, job.open-log…),
 * fill the Launch form through the same setters the widgets use, wait for
 * what the window shows (a job's state arriving through events, never a
 * refresh), and save screenshots (PNG) of the window or dialog. Prints
 * "ok - STEP" / "not ok - STEP: why" and sets the exit status. The step
 * list is in mlops-test-script.c and the README. Main thread.
 */
#ifndef MLOPS_GTK_TEST_SCRIPT_H
#define MLOPS_GTK_TEST_SCRIPT_H

#include "mlops-application.h"
#include "mlops-window.h"

G_BEGIN_DECLS

#define MLOPS_TYPE_TEST_SCRIPT (mlops_test_script_get_type())
G_DECLARE_FINAL_TYPE(
    MlopsTestScript, mlops_test_script, MLOPS, TEST_SCRIPT, GObject)

/**
 * Reads the script at `path`. Screenshots go to `shot_dir` (NULL:
 * $MLOPS_SCREENSHOT_DIR, else $MLOPS_BUILD_DIR/screenshots, else
 * ./screenshots). NULL with `error` set when the file cannot be read.
 */
MlopsTestScript *mlops_test_script_new(MlopsApplication *app, MlopsWindow *win,
    const char *path, const char *shot_dir, GError **error);
/** Runs the steps from the main loop; quits the app at the end. */
void mlops_test_script_start(MlopsTestScript *self);

G_END_DECLS

#endif
