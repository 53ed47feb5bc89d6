/*
 * Default locations shared by the daemon and its clients (PRODUCT.md
 * "Binaries"): the XDG config, state and runtime directories, and the
 * local socket URLs derived from them.
 */
#ifndef MLOPS_COMMON_PATHS_H
#define MLOPS_COMMON_PATHS_H

#include <mlops/error.h>

/** $XDG_CONFIG_HOME/mlops or ~/.config/mlops. Caller frees. */
char *mlops_path_config_dir(void);
/** $XDG_STATE_HOME/mlops or ~/.local/state/mlops. Caller frees. */
char *mlops_path_state_dir(void);
/**
 * $XDG_RUNTIME_DIR/mlops, or /tmp/mlops-UID when XDG_RUNTIME_DIR is unset
 * (tmux's fallback). Caller frees.
 */
char *mlops_path_runtime_dir(void);
/** "ipc://<runtime dir>/mlopsd.sock". Caller frees. */
char *mlops_default_url(void);
/**
 * The events (PUB) URL that pairs with a request URL: for ipc://D/X.sock
 * it is ipc://D/X-events.sock; for tcp and tls+tcp it is the next port.
 * Caller frees; NULL when the URL has neither form.
 */
char *mlops_events_url_for(const char *url);
/**
 * Creates `dir` and its parents; the last component with `mode`. When
 * `private_dir` is set, refuses (MLOPS_EIO) a directory that is not owned by
 * us or that others can access, like tmux's socket directory check.
 */
int mlops_mkdir_p(
    const char *dir, int mode, int private_dir, struct mlops_error *err);
/** The path part of an ipc:// URL (borrowed), or NULL. */
const char *mlops_ipc_path(const char *url);

#endif
