/*
 * What the app shows or sends in passing, recorded for the test driver:
 * the toasts of the main window (seen while on screen, by polling its
 * toast overlay) and the desktop notifications it sends (the calls on
 * its session bus to a notification server, seen by a GDBus filter).
 */
#ifndef MLOPS_TESTS_GTK_WATCH_H
#define MLOPS_TESTS_GTK_WATCH_H

#include "mlops-application.h"
#include "mlops-window.h"

G_BEGIN_DECLS

struct watch;

/** Starts watching `win`'s toasts and `app`'s session bus (after the app
 * registered). Main thread. Free with watch_free(). */
struct watch *watch_new(MlopsApplication *app, MlopsWindow *win);
void          watch_free(struct watch *w);

/** Records the toasts on screen now. Call it often: each stays some
 * seconds. Main thread. */
void watch_poll(struct watch *w);
/** Every toast seen, one a line. Borrowed until the next poll. */
const char *watch_toasts(struct watch *w);

/**
 * Notifications sent so far, and the last one's title in `last` (may be
 * NULL; caller frees). FALSE when the app has no session bus to send
 * them on. Any thread.
 */
gboolean watch_notifications(struct watch *w, guint *n, char **last);

G_END_DECLS

#endif
