/*
 * XDG directory defaults and socket URL derivation. Pure apart from
 * reading the environment and creating directories.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mlops/paths.h>
#include <mlops/xmalloc.h>

static const char *
paths_home(void)
{
	const char    *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && *home == '/') {
		return home;
	}
	pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "/";
}

static char *
paths_xdg(const char *var, const char *fallback)
{
	const char *v = getenv(var);

	if (v != NULL && *v == '/') {
		return xasprintf("%s/mlops", v);
	}
	return xasprintf("%s/%s/mlops", paths_home(), fallback);
}

char *
mlops_path_config_dir(void)
{
	return paths_xdg("XDG_CONFIG_HOME", ".config");
}

char *
mlops_path_state_dir(void)
{
	return paths_xdg("XDG_STATE_HOME", ".local/state");
}

char *
mlops_path_runtime_dir(void)
{
	const char *v = getenv("XDG_RUNTIME_DIR");

	if (v != NULL && *v == '/') {
		return xasprintf("%s/mlops", v);
	}
	return xasprintf("/tmp/mlops-%ld", (long) getuid());
}

char *
mlops_default_url(void)
{
	char *dir = mlops_path_runtime_dir();
	char *url = xasprintf("ipc://%s/mlopsd.sock", dir);

	free(dir);
	return url;
}

const char *
mlops_ipc_path(const char *url)
{
	if (url != NULL && strncmp(url, "ipc://", 6) == 0) {
		return url + 6;
	}
	return NULL;
}

char *
mlops_events_url_for(const char *url)
{
	const char *path = mlops_ipc_path(url);
	const char *colon;
	char       *end;
	long        port;

	if (path != NULL) {
		size_t n = strlen(path);
		if (n > 5 && strcmp(path + n - 5, ".sock") == 0) {
			return xasprintf(
			    "ipc://%.*s-events.sock", (int) (n - 5), path);
		}
		return xasprintf("ipc://%s-events", path);
	}
	if (strncmp(url, "tcp://", 6) != 0
	    && strncmp(url, "tls+tcp://", 10) != 0) {
		return NULL;
	}
	colon = strrchr(url, ':');
	if (colon == NULL || colon < strstr(url, "://") + 3) {
		return NULL;
	}
	errno = 0;
	port  = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || port <= 0 || port >= 65535) {
		return NULL;
	}
	return xasprintf("%.*s:%ld", (int) (colon - url), url, port + 1);
}

int
mlops_mkdir_p(
    const char *dir, int mode, int private_dir, struct mlops_error *err)
{
	char       *p = xstrdup(dir);
	struct stat st;
	int         rc = 0;

	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/') {
			continue;
		}
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			rc = mlops_error_set(err, MLOPS_EIO, "mkdir %s: %s", p,
			    strerror(errno));
			goto out;
		}
		*s = '/';
	}
	if (mkdir(p, (mode_t) mode) < 0 && errno != EEXIST) {
		rc = mlops_error_set(
		    err, MLOPS_EIO, "mkdir %s: %s", p, strerror(errno));
		goto out;
	}
	if (lstat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
		rc = mlops_error_set(
		    err, MLOPS_EIO, "%s is not a directory", p);
		goto out;
	}
	if (private_dir
	    && (st.st_uid != geteuid() || (st.st_mode & 077) != 0)) {
		rc = mlops_error_set(err, MLOPS_EIO,
		    "%s must be owned by uid %ld and not accessible to others "
		    "(mode %03o)",
		    p, (long) geteuid(), (unsigned) (st.st_mode & 0777));
		goto out;
	}
out:
	free(p);
	return rc;
}
