/*
 * MlopsPreferences: the daemon connection (local or a remote URL with its
 * TLS files) and autostart. Applying reconnects. Main thread.
 */
#ifndef MLOPS_GTK_PREFERENCES_H
#define MLOPS_GTK_PREFERENCES_H

#include <adwaita.h>

G_BEGIN_DECLS

#define MLOPS_TYPE_PREFERENCES (mlops_preferences_get_type())
G_DECLARE_FINAL_TYPE(MlopsPreferences, mlops_preferences, MLOPS, PREFERENCES,
    AdwPreferencesWindow)

MlopsPreferences *mlops_preferences_new(GtkWindow *parent);

G_END_DECLS

#endif
