/*
 * Listener setup for the daemon's nng sockets, and the single-instance
 * lock. Runs on main's thread; the pipe callback runs on nng threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>
#include <nng/transport/ipc/ipc.h>

#include <mlops/log.h>
#include <mlops/paths.h>
#include <mlops/xmalloc.h>

#include "listen.h"
#include "mlopsd.h"

int
listen_url_check(const char *url, struct mlops_error *err)
{
	const char *path = mlops_ipc_path(url);

	if (path != NULL) {
		if (path[0] != '/') {
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "listen", "%s: ipc path must be absolute", url);
		}
		return 0;
	}
	if (strncmp(url, "tls+tcp://", 10) == 0 &&
	    strchr(url + 10, ':') != NULL) {
		return 0;
	}
	return mlops_error_set_field(err, MLOPS_EINVAL, "listen",
	    "%s: only ipc:///path and tls+tcp://host:port are accepted", url);
}

/* Refuses local peers that are not us (tmux's server-acl idea). */
static void
listen_pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	uint64_t uid = 0;

	(void) ev;
	(void) arg;
	if (nng_pipe_get_uint64(p, NNG_OPT_IPC_PEER_UID, &uid) != 0) {
		return; /* not an ipc pipe: TLS authenticated it */
	}
	if (uid != (uint64_t) geteuid() && uid != 0) {
		log_warn("refusing local connection from uid %llu",
		    (unsigned long long) uid);
		nng_pipe_close(p);
	}
}

static int
listen_tls(nng_listener l, struct mlopsd *d, const char *url,
    struct mlops_error *err)
{
	nng_tls_config *cfg = NULL;
	int             nrv;

	if (d->d_tls.cert_file == NULL) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "tls-cert",
		    "%s needs --tls-cert and --tls-key", url);
	}
	if ((nrv = nng_tls_config_alloc(&cfg, NNG_TLS_MODE_SERVER)) != 0) {
		return mlops_error_set(err, MLOPS_EIO, "TLS: %s",
		    nng_strerror(nrv));
	}
	if (d->d_tls.key_file != NULL &&
	    strcmp(d->d_tls.key_file, d->d_tls.cert_file) != 0) {
		FILE  *fc = fopen(d->d_tls.cert_file, "re");
		FILE  *fk = fopen(d->d_tls.key_file, "re");
		char  *c = xcalloc(1, 65537), *k = xcalloc(1, 65537);

		if (fc != NULL) {
			fread(c, 1, 65536, fc);
			fclose(fc);
		}
		if (fk != NULL) {
			fread(k, 1, 65536, fk);
			fclose(fk);
		}
		nrv = nng_tls_config_own_cert(cfg, c, k, NULL);
		free(c);
		free(k);
	} else {
		nrv = nng_tls_config_cert_key_file(cfg, d->d_tls.cert_file,
		    NULL);
	}
	if (nrv != 0) {
		nng_tls_config_free(cfg);
		return mlops_error_set_field(err, MLOPS_EINVAL, "tls-cert",
		    "TLS certificate/key %s: %s", d->d_tls.cert_file,
		    nng_strerror(nrv));
	}
	if (d->d_tls.ca_file != NULL) {
		if ((nrv = nng_tls_config_ca_file(cfg, d->d_tls.ca_file)) !=
		    0) {
			nng_tls_config_free(cfg);
			return mlops_error_set_field(err, MLOPS_EINVAL,
			    "tls-ca", "TLS CA %s: %s", d->d_tls.ca_file,
			    nng_strerror(nrv));
		}
		nng_tls_config_auth_mode(cfg, NNG_TLS_AUTH_MODE_REQUIRED);
	} else {
		nng_tls_config_auth_mode(cfg, NNG_TLS_AUTH_MODE_NONE);
	}
	nrv = nng_listener_set_ptr(l, NNG_OPT_TLS_CONFIG, cfg);
	nng_tls_config_free(cfg);
	if (nrv != 0) {
		return mlops_error_set(err, MLOPS_EIO, "TLS: %s",
		    nng_strerror(nrv));
	}
	return 0;
}

int
listen_start(nng_socket sock, const char *url, struct mlopsd *d,
    struct mlops_error *err)
{
	nng_listener l;
	const char  *path = mlops_ipc_path(url);
	int          nrv, rc;

	if ((rc = listen_url_check(url, err)) < 0) {
		return rc;
	}
	if (path != NULL) {
		char *dir = xstrdup(path);
		char *slash = strrchr(dir, '/');

		if (slash != NULL && slash != dir) {
			*slash = '\0';
			rc     = mlops_mkdir_p(dir, 0700, 1, err);
		}
		free(dir);
		if (rc < 0) {
			return rc;
		}
	}
	nng_pipe_notify(sock, NNG_PIPE_EV_ADD_PRE, listen_pipe_cb, NULL);
	if ((nrv = nng_listener_create(&l, sock, url)) != 0) {
		return mlops_error_set(err, MLOPS_EINVAL, "listen %s: %s",
		    url, nng_strerror(nrv));
	}
	if (path != NULL) {
		nng_listener_set_int(l, NNG_OPT_IPC_PERMISSIONS, 0600);
	} else if ((rc = listen_tls(l, d, url, err)) < 0) {
		nng_listener_close(l);
		return rc;
	}
	if ((nrv = nng_listener_start(l, 0)) != 0) {
		nng_listener_close(l);
		return mlops_error_set(err,
		    nrv == NNG_EADDRINUSE ? MLOPS_EBUSY : MLOPS_EIO,
		    "listen %s: %s", url, nng_strerror(nrv));
	}
	return 0;
}

int
listen_lock(const char *url, struct mlops_error *err)
{
	const char *path = mlops_ipc_path(url);
	char       *lock, *dir, *slash;
	char        pid[32] = "";
	int         fd, rc;
	ssize_t     n;

	if (path == NULL) {
		return mlops_error_set(err, MLOPS_EINVAL, "%s is not ipc://",
		    url);
	}
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if ((rc = mlops_mkdir_p(dir, 0700, 1, err)) < 0) {
			free(dir);
			return rc;
		}
	}
	free(dir);
	lock = xasprintf("%s.lock", path);
	fd   = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = mlops_error_set(err, MLOPS_EIO, "%s: %s", lock,
		    strerror(errno));
		free(lock);
		return rc;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		free(lock);
		return mlops_error_set(err, MLOPS_EBUSY,
		    "another mlopsd (pid %s) is already running on %s",
		    pid[0] ? pid : "?", url);
	}
	free(lock);
	n = snprintf(pid, sizeof(pid), "%ld\n", (long) getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t) n, 0) < 0) {
		log_warn("cannot write pid to lock file: %s", strerror(errno));
	}
	return fd;
}
