/*
 * Listener setup for the daemon's nng sockets, and the single-instance
 * lock. Runs on main's thread; the pipe callback runs on nng threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>
#include <nng/transport/ipc/ipc.h>

#include <mlops/log.h>
#include <mlops/paths.h>
#include <mlops/xmalloc.h>

#include "listen.h"
#include "mlopsd.h"

struct listen_entry {
	nng_socket   le_sock;
	nng_listener le_listener;
	char        *le_url;
	uint16_t     le_peer; /* the SP protocol id a client speaks */
	unsigned le_attached; /* pipes the socket took (guarded by ls_mtx) */
};

struct listen_set {
	pthread_mutex_t      ls_mtx;
	pthread_cond_t       ls_cv;
	struct listen_entry *ls_v;
	size_t               ls_n;
	pthread_t            ls_thread;
	int                  ls_running;
	int                  ls_stop;
	unsigned             ls_interval_ms;
	struct mlopsd       *ls_d;
};

static int listen_open(nng_listener *out, nng_socket sock, const char *url,
    struct mlopsd *d, struct mlops_error *err);

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
	if (strncmp(url, "tls+tcp://", 10) == 0
	    && strchr(url + 10, ':') != NULL) {
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
listen_tls(
    nng_listener l, struct mlopsd *d, const char *url, struct mlops_error *err)
{
	nng_tls_config *cfg = NULL;
	int             nrv;

	if (d->d_tls.cert_file == NULL) {
		return mlops_error_set_field(err, MLOPS_EINVAL, "tls-cert",
		    "%s needs --tls-cert and --tls-key", url);
	}
	if ((nrv = nng_tls_config_alloc(&cfg, NNG_TLS_MODE_SERVER)) != 0) {
		return mlops_error_set(
		    err, MLOPS_EIO, "TLS: %s", nng_strerror(nrv));
	}
	if (d->d_tls.key_file != NULL
	    && strcmp(d->d_tls.key_file, d->d_tls.cert_file) != 0) {
		FILE *fc = fopen(d->d_tls.cert_file, "re");
		FILE *fk = fopen(d->d_tls.key_file, "re");
		char *c = xcalloc(1, 65537), *k = xcalloc(1, 65537);

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
		nrv = nng_tls_config_cert_key_file(
		    cfg, d->d_tls.cert_file, NULL);
	}
	if (nrv != 0) {
		nng_tls_config_free(cfg);
		return mlops_error_set_field(err, MLOPS_EINVAL, "tls-cert",
		    "TLS certificate/key %s: %s", d->d_tls.cert_file,
		    nng_strerror(nrv));
	}
	if (d->d_tls.ca_file != NULL) {
		if ((nrv = nng_tls_config_ca_file(cfg, d->d_tls.ca_file))
		    != 0) {
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
		return mlops_error_set(
		    err, MLOPS_EIO, "TLS: %s", nng_strerror(nrv));
	}
	return 0;
}

static int
listen_open(nng_listener *out, nng_socket sock, const char *url,
    struct mlopsd *d, struct mlops_error *err)
{
	nng_listener l;
	const char  *path = mlops_ipc_path(url);
	int          nrv, rc;

	if ((rc = listen_url_check(url, err)) < 0) {
		return rc;
	}
	if (path != NULL) {
		char *dir   = xstrdup(path);
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
		return mlops_error_set(err, MLOPS_EINVAL, "listen %s: %s", url,
		    nng_strerror(nrv));
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
	*out = l;
	return 0;
}

/* Counts pipes the socket core attached: the guard's proof of life. */
static void
listen_attached_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct listen_set *ls = arg;
	nng_socket         s  = nng_pipe_socket(p);

	(void) ev;
	pthread_mutex_lock(&ls->ls_mtx);
	for (size_t i = 0; i < ls->ls_n; i++) {
		if (nng_socket_id(ls->ls_v[i].le_sock) == nng_socket_id(s)) {
			ls->ls_v[i].le_attached++;
		}
	}
	pthread_mutex_unlock(&ls->ls_mtx);
}

int
listen_start(nng_socket sock, const char *url, struct mlopsd *d,
    struct mlops_error *err)
{
	struct listen_set *ls = d->d_listeners;
	nng_listener       l;
	int                peer = 0, rc;

	if (ls != NULL) {
		nng_pipe_notify(
		    sock, NNG_PIPE_EV_ADD_POST, listen_attached_cb, ls);
	}
	if ((rc = listen_open(&l, sock, url, d, err)) < 0) {
		return rc;
	}
	if (ls == NULL) {
		return 0;
	}
	nng_socket_get_int(sock, NNG_OPT_PEER, &peer);
	pthread_mutex_lock(&ls->ls_mtx);
	ls->ls_v = xreallocarray(ls->ls_v, ls->ls_n + 1, sizeof(*ls->ls_v));
	ls->ls_v[ls->ls_n++] = (struct listen_entry) {
		.le_sock     = sock,
		.le_listener = l,
		.le_url      = xstrdup(url),
		.le_peer     = (uint16_t) peer,
	};
	pthread_mutex_unlock(&ls->ls_mtx);
	return 0;
}

struct listen_set *
listen_set_new(void)
{
	struct listen_set *ls = xcalloc(1, sizeof(*ls));

	pthread_mutex_init(&ls->ls_mtx, NULL);
	pthread_cond_init(&ls->ls_cv, NULL);
	return ls;
}

void
listen_set_free(struct listen_set *ls)
{
	if (ls == NULL) {
		return;
	}
	for (size_t i = 0; i < ls->ls_n; i++) {
		free(ls->ls_v[i].le_url);
	}
	free(ls->ls_v);
	pthread_mutex_destroy(&ls->ls_mtx);
	pthread_cond_destroy(&ls->ls_cv);
	free(ls);
}

/*
 * Completes an SP handshake as a peer of protocol `peer` would and waits
 * until the socket core has attached the pipe (le_attached moves), then
 * hangs up. A listener whose accept loop died still completes the
 * handshake in its transport, but its pipes are never attached. Returns 0
 * when the listener is alive. Called without ls_mtx held.
 */
static int
listen_probe(struct listen_set *ls, size_t idx, int timeout_ms)
{
	struct sockaddr_un   sa = { .sun_family = AF_UNIX };
	struct listen_entry *e;
	const char          *path;
	uint8_t              hdr[8] = { 0, 'S', 'P', 0, 0, 0, 0, 0 };
	uint8_t              got[8];
	size_t               n = 0;
	unsigned             before;
	int                  fd, rc = -1;
	struct pollfd        pfd;

	pthread_mutex_lock(&ls->ls_mtx);
	e      = &ls->ls_v[idx];
	path   = mlops_ipc_path(e->le_url);
	before = e->le_attached;
	hdr[4] = (uint8_t) (e->le_peer >> 8);
	hdr[5] = (uint8_t) e->le_peer;
	pthread_mutex_unlock(&ls->ls_mtx);

	if (path == NULL || strlen(path) >= sizeof(sa.sun_path)) {
		return 0; /* not probed */
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		return 0;
	}
	if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0
	    || write(fd, hdr, sizeof(hdr)) != (ssize_t) sizeof(hdr)) {
		goto out;
	}
	pfd.fd     = fd;
	pfd.events = POLLIN;
	while (n < sizeof(got) && poll(&pfd, 1, timeout_ms) > 0) {
		ssize_t r = read(fd, got + n, sizeof(got) - n);
		if (r <= 0) {
			break;
		}
		n += (size_t) r;
	}
	if (n != sizeof(got) || got[1] != 'S' || got[2] != 'P') {
		goto out;
	}
	for (int waited = 0; waited < timeout_ms; waited += 10) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		unsigned        now;

		pthread_mutex_lock(&ls->ls_mtx);
		now = ls->ls_v[idx].le_attached;
		pthread_mutex_unlock(&ls->ls_mtx);
		if (now != before) {
			rc = 0;
			break;
		}
		nanosleep(&ts, NULL);
	}
out:
	close(fd);
	return rc;
}

static void
listen_restart(struct listen_set *ls, struct listen_entry *e)
{
	struct mlops_error err = { 0 };
	nng_listener       l;

	log_warn("listener %s stopped accepting (nng 1.5.2 stalls after a "
	         "client hangs up mid-handshake); restarting it",
	    e->le_url);
	nng_listener_close(e->le_listener);
	if (listen_open(&l, e->le_sock, e->le_url, ls->ls_d, &err) < 0) {
		log_error(
		    "cannot restart listener %s: %s", e->le_url, err.msg);
		return;
	}
	e->le_listener = l;
}

static void *
listen_guard_main(void *arg)
{
	struct listen_set *ls = arg;
	struct timespec    ts;

	pthread_mutex_lock(&ls->ls_mtx);
	while (!ls->ls_stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ls->ls_interval_ms / 1000;
		ts.tv_nsec += (long) (ls->ls_interval_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&ls->ls_cv, &ls->ls_mtx, &ts);
		for (size_t i = 0; i < ls->ls_n && !ls->ls_stop; i++) {
			int bad;

			pthread_mutex_unlock(&ls->ls_mtx);
			bad = listen_probe(ls, i, 2000) < 0;
			pthread_mutex_lock(&ls->ls_mtx);
			if (bad && !ls->ls_stop) {
				listen_restart(ls, &ls->ls_v[i]);
			}
		}
	}
	pthread_mutex_unlock(&ls->ls_mtx);
	return NULL;
}

int
listen_guard_start(
    struct mlopsd *d, unsigned interval_ms, struct mlops_error *err)
{
	struct listen_set *ls = d->d_listeners;

	ls->ls_d           = d;
	ls->ls_interval_ms = interval_ms ? interval_ms : 1000;
	if (pthread_create(&ls->ls_thread, NULL, listen_guard_main, ls) != 0) {
		return mlops_error_set(
		    err, MLOPS_ERROR, "cannot start the listener guard");
	}
	ls->ls_running = 1;
	return 0;
}

void
listen_guard_stop(struct mlopsd *d)
{
	struct listen_set *ls = d->d_listeners;

	if (ls == NULL || !ls->ls_running) {
		return;
	}
	pthread_mutex_lock(&ls->ls_mtx);
	ls->ls_stop = 1;
	pthread_cond_signal(&ls->ls_cv);
	pthread_mutex_unlock(&ls->ls_mtx);
	pthread_join(ls->ls_thread, NULL);
	ls->ls_running = 0;
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
		return mlops_error_set(
		    err, MLOPS_EINVAL, "%s is not ipc://", url);
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
		rc = mlops_error_set(
		    err, MLOPS_EIO, "%s: %s", lock, strerror(errno));
		free(lock);
		return rc;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		n                       = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0]      = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		free(lock);
		return mlops_error_set(err, MLOPS_EBUSY,
		    "another mlopsd (pid %s) is already running on %s",
		    pid[0] ? pid : "?", url);
	}
	free(lock);
	listen_lock_pid(fd);
	return fd;
}

void
listen_lock_pid(int fd)
{
	char pid[32];
	int  n;

	if (fd < 0) {
		return;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long) getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t) n, 0) < 0) {
		log_warn("cannot write pid to lock file: %s", strerror(errno));
	}
}
