/*
 * MlopsConnection: the daemon link of the desktop app. Calls go out through
 * mlops_client_call_async(); their completions run on an nng thread and hop
 * to the GTK main thread with g_main_context_invoke(). Events come from the
 * SUB socket's NNG_OPT_RECVFD watched by g_unix_fd_add(). Connecting (dial,
 * Hello, autostart) blocks and so runs in a GTask worker thread. A local
 * daemon's exit is seen at once through a pidfd, a remote one's when the
 * event link drops; any call that fails in transport also marks the link
 * lost. While lost, it retries with backoff
 * (and at once when a local socket file appears); it never polls a live
 * daemon. Everything else runs on the main thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib-unix.h>

#include <mlops/paths.h>
#include <mlops/protocol.h>

#include "mlops-connection.h"

#define CONN_RETRY_MIN_S 1
#define CONN_RETRY_MAX_S 10
#define CONN_CLIENT_NAME "mlops-gtk"

/* A client shared by the calls in flight on it: nng callbacks may still
 * run after the connection dropped it, so the last reference closes it. */
struct conn_client {
	gint                 refs;
	struct mlops_client *client;
};

struct _MlopsConnection {
	GObject parent_instance;

	MlopsConnectionState  state;
	char                 *url;
	gboolean              url_is_default;
	gboolean              autostart;
	struct mlops_tls_opts tls;
	char                 *message;
	char                 *server_version;
	gboolean              debug;

	struct conn_client *cc;   /* NULL unless connected */
	struct mlops_sub   *sub;  /* NULL unless connected */
	struct conn_drop   *drop; /* the sub's drop report; lives as long */
	guint               sub_watch;
	int                 pidfd;
	guint               pid_watch;
	guint64             last_seq;
	GList              *pending; /* struct conn_call, in flight */

	guint         generation; /* bumped by every (re)connect */
	gboolean      attempt_running;
	guint         retry_source;
	guint         retry_delay;
	GFileMonitor *sock_monitor;
	gboolean      probing;
};

G_DEFINE_FINAL_TYPE(MlopsConnection, mlops_connection, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *conn_props[N_PROPS];

enum { SIG_EVENT, SIG_RESYNC, N_SIGNALS };
static guint conn_signals[N_SIGNALS];

static void conn_lost(MlopsConnection *self, const char *why);
static void conn_schedule_retry(MlopsConnection *self);
static void conn_start_attempt(MlopsConnection *self);

/* ---- client references -------------------------------------------------- */

static struct conn_client *
conn_client_ref(struct conn_client *cc)
{
	g_atomic_int_inc(&cc->refs);
	return cc;
}

static void
conn_client_unref(struct conn_client *cc)
{
	if (cc != NULL && g_atomic_int_dec_and_test(&cc->refs)) {
		mlops_client_close(cc->client);
		g_free(cc);
	}
}

/* ---- state ----------------------------------------------------------------
 */

static void
conn_set_state(MlopsConnection *self, MlopsConnectionState st, const char *msg)
{
	gboolean changed = self->state != st
	    || g_strcmp0(self->message, msg != NULL ? msg : "") != 0;

	g_free(self->message);
	self->message = g_strdup(msg != NULL ? msg : "");
	self->state   = st;
	if (changed) {
		g_object_notify_by_pspec(
		    G_OBJECT(self), conn_props[PROP_STATE]);
	}
}

static void conn_debug(MlopsConnection *self, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void
conn_debug(MlopsConnection *self, const char *fmt, ...)
{
	va_list ap;

	if (!self->debug) {
		return;
	}
	va_start(ap, fmt);
	fputs("mlops-gtk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- calls ----------------------------------------------------------------
 */

struct conn_call {
	MlopsConnection    *self; /* weak: cleared when abandoned */
	GTask              *task;
	struct conn_client *cc;
	GMainContext       *ctx;
	const char         *name;
	/* Filled on the nng thread, read on the main thread. */
	int                rc;
	Mlops__Response   *resp;
	struct mlops_error err;
};

/* What the GTask carries to call_finish(). */
struct conn_result {
	Mlops__Response   *resp;
	struct mlops_error err;
};

static void
conn_result_free(gpointer p)
{
	struct conn_result *r = p;

	if (r->resp != NULL) {
		mlops__response__free_unpacked(r->resp, NULL);
	}
	g_free(r);
}

static void
conn_task_return(
    GTask *task, int rc, Mlops__Response *resp, const struct mlops_error *err)
{
	struct conn_result *r = g_new0(struct conn_result, 1);

	r->resp = resp;
	if (err != NULL) {
		r->err = *err;
	}
	if (rc < 0 && r->err.code == 0) {
		r->err.code = rc;
	}
	g_task_return_pointer(task, r, conn_result_free);
}

static void conn_probe(MlopsConnection *self);

/* Main thread: the call's result, unless the connection moved on. */
static gboolean
conn_call_main(gpointer data)
{
	struct conn_call *call = data;
	MlopsConnection  *self = call->self;

	if (self != NULL) {
		self->pending = g_list_remove(self->pending, call);
		conn_debug(
		    self, "%s: %d %s", call->name, call->rc, call->err.msg);
		/* No reply at all: the transport failed; is the daemon
		 * still there? */
		if (call->rc < 0 && call->resp == NULL
		    && self->cc == call->cc) {
			conn_probe(self);
		}
		conn_task_return(call->task, call->rc, call->resp, &call->err);
		call->resp = NULL;
	}
	if (call->resp != NULL) {
		mlops__response__free_unpacked(call->resp, NULL);
	}
	g_object_unref(call->task);
	conn_client_unref(call->cc);
	g_main_context_unref(call->ctx);
	g_free(call);
	return G_SOURCE_REMOVE;
}

/* nng thread: never blocks; hands the result to the main thread. */
static void
conn_call_nng_cb(
    int rc, Mlops__Response *resp, const struct mlops_error *err, void *arg)
{
	struct conn_call *call = arg;

	call->rc   = rc;
	call->resp = resp;
	if (err != NULL) {
		call->err = *err;
	}
	g_main_context_invoke(call->ctx, conn_call_main, call);
}

void
mlops_connection_call(MlopsConnection *self, Mlops__Request *req,
    int timeout_ms, GAsyncReadyCallback cb, gpointer user_data)
{
	GTask             *task = g_task_new(self, NULL, cb, user_data);
	struct conn_call  *call;
	struct mlops_error err = { 0 };
	int                rc;

	if (self->state != MLOPS_CONNECTION_CONNECTED || self->cc == NULL) {
		mlops_error_set(
		    &err, MLOPS_EUNREACHABLE, "not connected to the daemon");
		conn_task_return(task, MLOPS_EUNREACHABLE, NULL, &err);
		g_object_unref(task);
		return;
	}
	call          = g_new0(struct conn_call, 1);
	call->self    = self;
	call->task    = task;
	call->cc      = conn_client_ref(self->cc);
	call->ctx     = g_main_context_ref_thread_default();
	call->name    = mlops_request_name(req->body_case);
	self->pending = g_list_prepend(self->pending, call);
	rc            = mlops_client_call_async(self->cc->client, req,
            timeout_ms > 0 ? timeout_ms : MLOPS_CALL_TIMEOUT_MS,
	               conn_call_nng_cb, call, &err);
	if (rc < 0) {
		/* cb will not run: finish here, on this thread. */
		call->rc  = rc;
		call->err = err;
		conn_call_main(call);
	}
}

Mlops__Response *
mlops_connection_call_finish(
    MlopsConnection *self, GAsyncResult *res, struct mlops_error *err)
{
	struct conn_result *r;
	Mlops__Response    *resp;

	g_return_val_if_fail(g_task_is_valid(res, self), NULL);
	r = g_task_propagate_pointer(G_TASK(res), NULL);
	if (r == NULL) {
		mlops_error_set(err, MLOPS_ERROR, "call failed");
		return NULL;
	}
	if (err != NULL) {
		*err = r->err;
	}
	resp = r->err.code < 0 ? NULL : r->resp;
	if (resp != NULL) {
		r->resp = NULL;
	}
	conn_result_free(r);
	return resp;
}

/* Fails every call in flight at once: their replies will not come. */
static void
conn_abandon_calls(MlopsConnection *self, const char *why)
{
	GList *calls = self->pending;

	self->pending = NULL;
	for (GList *l = calls; l != NULL; l = l->next) {
		struct conn_call  *call = l->data;
		struct mlops_error err  = { 0 };

		call->self = NULL; /* the nng completion only cleans up */
		mlops_error_set(&err, MLOPS_EUNREACHABLE, "%s", why);
		conn_task_return(call->task, MLOPS_EUNREACHABLE, NULL, &err);
	}
	g_list_free(calls);
}

/* ---- liveness
 * ---------------------------------------------------------------- */

static void
conn_probe_done(GObject *src, GAsyncResult *res, gpointer data)
{
	MlopsConnection   *self = MLOPS_CONNECTION(src);
	struct mlops_error err  = { 0 };
	Mlops__Response   *resp;

	(void) data;
	self->probing = FALSE;
	resp          = mlops_connection_call_finish(self, res, &err);
	if (resp != NULL) {
		mlops__response__free_unpacked(resp, NULL);
		return;
	}
	if (self->state == MLOPS_CONNECTION_CONNECTED
	    && (err.code == MLOPS_EUNREACHABLE
	        || err.code == MLOPS_ETIMEDOUT)) {
		conn_lost(self, "The daemon stopped answering");
	}
}

/* One Hello after a transport failure (not a timer). */
static void
conn_probe(MlopsConnection *self)
{
	Mlops__Request      req   = MLOPS__REQUEST__INIT;
	Mlops__HelloRequest hello = MLOPS__HELLO_REQUEST__INIT;

	if (self->probing || self->state != MLOPS_CONNECTION_CONNECTED) {
		return;
	}
	self->probing        = TRUE;
	hello.client_name    = CONN_CLIENT_NAME;
	hello.client_version = MLOPS_VERSION;
	req.body_case        = MLOPS__REQUEST__BODY_HELLO;
	req.hello            = &hello;
	mlops_connection_call(self, &req, 5000, conn_probe_done, NULL);
}

static gboolean
conn_pid_exited(gint fd, GIOCondition cond, gpointer data)
{
	MlopsConnection *self = data;

	(void) fd;
	(void) cond;
	self->pid_watch = 0;
	conn_lost(self, "The daemon stopped");
	return G_SOURCE_REMOVE;
}

/* A local daemon's exit wakes us through a pidfd (Linux 5.3+). */
static void
conn_watch_pid(MlopsConnection *self, guint32 pid)
{
#ifdef SYS_pidfd_open
	int fd;

	if (pid == 0 || !g_str_has_prefix(self->url, "ipc://")) {
		return;
	}
	fd = (int) syscall(SYS_pidfd_open, (pid_t) pid, 0);
	if (fd < 0) {
		conn_debug(self, "pidfd_open(%u): %s", pid, strerror(errno));
		return;
	}
	self->pidfd     = fd;
	self->pid_watch = g_unix_fd_add(fd, G_IO_IN, conn_pid_exited, self);
#else
	(void) self;
	(void) pid;
#endif
}

/* ---- events
 * -------------------------------------------------------------------- */

static gboolean
conn_sub_readable(gint fd, GIOCondition cond, gpointer data)
{
	MlopsConnection *self = data;

	(void) fd;
	(void) cond;
	/* Drain what is queued; the fd stays readable while events wait. */
	for (int i = 0; i < 256 && self->sub != NULL; i++) {
		Mlops__Event      *ev  = NULL;
		struct mlops_error err = { 0 };
		int      rc = mlops_sub_recv(self->sub, &ev, 0, &err);
		gboolean gap;

		if (rc == MLOPS_ETIMEDOUT) {
			break;
		}
		if (rc < 0) {
			conn_debug(self, "event: %s", err.msg);
			continue;
		}
		/* A gap means missed events; a smaller number a restarted
		 * daemon. Either way the views list everything again. */
		gap = self->last_seq != 0 && ev->seq != self->last_seq + 1;
		self->last_seq = ev->seq;
		conn_debug(self, "event %llu case %d",
		    (unsigned long long) ev->seq, (int) ev->body_case);
		g_object_ref(self);
		if (gap) {
			g_signal_emit(self, conn_signals[SIG_RESYNC], 0);
		}
		g_signal_emit(self, conn_signals[SIG_EVENT], 0, ev);
		g_object_unref(self);
		mlops__event__free_unpacked(ev, NULL);
	}
	return G_SOURCE_CONTINUE;
}

/* The event link dropped: how a remote daemon's exit shows without a
 * call. Reported on an nng thread for the connection of `generation`. */
struct conn_drop {
	MlopsConnection *self;
	guint            generation;
};

static gboolean
conn_drop_main(gpointer data)
{
	struct conn_drop *d = data;

	if (d->generation == d->self->generation) {
		conn_lost(d->self, "The connection to the daemon dropped");
	}
	return G_SOURCE_REMOVE;
}

static void
conn_drop_free(gpointer data)
{
	struct conn_drop *d = data;

	g_object_unref(d->self);
	g_free(d);
}

static void
conn_sub_dropped(void *arg)
{
	const struct conn_drop *live = arg;
	struct conn_drop       *d    = g_new(struct conn_drop, 1);

	/* The connection outlives this call: conn_drop() closes the sub, and
	 * the sub reports nothing once closed. */
	d->self       = g_object_ref(live->self);
	d->generation = live->generation;
	g_main_context_invoke_full(
	    NULL, G_PRIORITY_DEFAULT, conn_drop_main, d, conn_drop_free);
}

/* ---- connecting
 * -------------------------------------------------------------- */

/* What a worker-thread attempt produces. */
struct conn_attempt {
	guint                 generation;
	char                 *url;
	gboolean              try_autostart;
	struct mlops_tls_opts tls;
	/* results */
	int                  rc;
	struct mlops_error   err;
	struct mlops_client *client;
	struct mlops_sub    *sub;
	Mlops__Response     *hello;
};

static void
conn_attempt_free(gpointer p)
{
	struct conn_attempt *a = p;

	mlops_client_close(a->client);
	mlops_sub_close(a->sub);
	if (a->hello != NULL) {
		mlops__response__free_unpacked(a->hello, NULL);
	}
	g_free(a->url);
	g_free((char *) a->tls.ca_file);
	g_free((char *) a->tls.cert_file);
	g_free((char *) a->tls.key_file);
	g_free(a);
}

static gboolean
conn_executable(const char *p)
{
	return access(p, X_OK) == 0;
}

/*
 * The mlopsd to autostart, as the CLI finds it: $MLOPS_MLOPSD, next to
 * this binary (the build tree's ../server/mlopsd, then the same folder),
 * then $PATH. Caller frees; NULL when none.
 */
static char *
conn_find_mlopsd(void)
{
	const char *env = g_getenv("MLOPS_MLOPSD");
	char        self_path[PATH_MAX];
	ssize_t     n;

	if (env != NULL && *env != '\0') {
		return g_strdup(env);
	}
	n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	if (n > 0) {
		g_autofree char *dir = NULL;
		char            *cand;

		self_path[n] = '\0';
		dir          = g_path_get_dirname(self_path);
		cand = g_build_filename(dir, "..", "server", "mlopsd", NULL);
		if (conn_executable(cand)) {
			return cand;
		}
		g_free(cand);
		cand = g_build_filename(dir, "mlopsd", NULL);
		if (conn_executable(cand)) {
			return cand;
		}
		g_free(cand);
	}
	return g_find_program_in_path("mlopsd");
}

static int
conn_open(struct conn_attempt *a)
{
	const struct mlops_tls_opts *tls        = &a->tls;
	char                        *events_url = NULL;
	int                          rc;

	rc = mlops_client_open(&a->client, a->url, tls, &a->err);
	if (rc == 0) {
		rc = mlops_client_hello(
		    a->client, CONN_CLIENT_NAME, &a->hello, &a->err);
	}
	if (rc == 0) {
		const char *u = a->hello->hello->events_url;

		/* The daemon names its events URL for its first listener;
		 * ours pairs with the URL we dialled. */
		events_url = mlops_events_url_for(a->url);
		if (events_url == NULL && u != NULL && *u != '\0') {
			events_url = strdup(u);
		}
		if (events_url == NULL) {
			rc = mlops_error_set(&a->err, MLOPS_EINVAL,
			    "no events URL pairs with %s", a->url);
		} else {
			rc = mlops_sub_open(&a->sub, events_url, tls, &a->err);
		}
		free(events_url);
	}
	if (rc < 0) {
		mlops_sub_close(a->sub);
		mlops_client_close(a->client);
		a->sub    = NULL;
		a->client = NULL;
		if (a->hello != NULL) {
			mlops__response__free_unpacked(a->hello, NULL);
			a->hello = NULL;
		}
	}
	return rc;
}

static void
conn_attempt_thread(GTask *task, gpointer src, gpointer data, GCancellable *c)
{
	struct conn_attempt *a = data;
	char                *mlopsd;

	(void) src;
	(void) c;
	a->rc = conn_open(a);
	if (a->rc == MLOPS_EUNREACHABLE && a->try_autostart) {
		if ((mlopsd = conn_find_mlopsd()) == NULL) {
			mlops_error_set(&a->err, MLOPS_EUNREACHABLE,
			    "no daemon answers on %s and mlopsd was not found "
			    "(set MLOPS_MLOPSD)",
			    a->url);
		} else {
			a->rc = mlops_client_autostart(
			    mlopsd, a->url, NULL, 10000, &a->err);
			g_free(mlopsd);
			if (a->rc == 0) {
				a->rc = conn_open(a);
			} else {
				mlops_error_prefix(&a->err,
				    "no daemon answered and starting one "
				    "failed");
			}
		}
	}
	g_task_return_boolean(task, a->rc == 0);
}

static void
conn_drop(MlopsConnection *self)
{
	if (self->sub_watch != 0) {
		g_source_remove(self->sub_watch);
		self->sub_watch = 0;
	}
	if (self->pid_watch != 0) {
		g_source_remove(self->pid_watch);
		self->pid_watch = 0;
	}
	if (self->pidfd >= 0) {
		close(self->pidfd);
		self->pidfd = -1;
	}
	mlops_sub_close(self->sub);
	self->sub = NULL;
	g_clear_pointer(&self->drop, g_free);
	conn_client_unref(self->cc);
	self->cc       = NULL;
	self->last_seq = 0;
	self->probing  = FALSE;
}

static void
conn_attempt_done(GObject *src, GAsyncResult *res, gpointer data)
{
	MlopsConnection     *self = MLOPS_CONNECTION(src);
	GTask               *task = G_TASK(res);
	struct conn_attempt *a    = g_task_get_task_data(task);
	struct mlops_error   err  = { 0 };
	int                  fd;

	(void) data;
	if (a->generation != self->generation) {
		return; /* connect() was called again meanwhile */
	}
	self->attempt_running = FALSE;
	if (a->rc < 0) {
		conn_debug(self, "connect %s: %s", a->url, a->err.msg);
		conn_set_state(self, MLOPS_CONNECTION_LOST,
		    a->err.msg[0] != '\0' ? a->err.msg
		                          : mlops_strerror(a->rc));
		conn_schedule_retry(self);
		return;
	}
	if ((fd = mlops_sub_fd(a->sub, &err)) < 0) {
		conn_set_state(self, MLOPS_CONNECTION_LOST, err.msg);
		conn_schedule_retry(self);
		return;
	}
	self->cc         = g_new0(struct conn_client, 1);
	self->cc->refs   = 1;
	self->cc->client = a->client;
	self->sub        = a->sub;
	a->client        = NULL;
	a->sub           = NULL;
	g_free(self->server_version);
	self->server_version = g_strdup(a->hello->hello->server_version);
	self->sub_watch  = g_unix_fd_add(fd, G_IO_IN, conn_sub_readable, self);
	self->drop       = g_new(struct conn_drop, 1);
	self->drop->self = self;
	self->drop->generation = self->generation;
	mlops_sub_on_drop(self->sub, conn_sub_dropped, self->drop);
	self->retry_delay = CONN_RETRY_MIN_S;
	conn_watch_pid(self, a->hello->hello->pid);
	conn_debug(self, "connected to %s (mlopsd %s, pid %u)", self->url,
	    self->server_version, a->hello->hello->pid);
	conn_set_state(self, MLOPS_CONNECTION_CONNECTED, NULL);
	g_signal_emit(self, conn_signals[SIG_RESYNC], 0);
}

static void
conn_start_attempt(MlopsConnection *self)
{
	struct conn_attempt *a;
	GTask               *task;

	if (self->attempt_running) {
		return;
	}
	if (self->retry_source != 0) {
		g_source_remove(self->retry_source);
		self->retry_source = 0;
	}
	self->attempt_running = TRUE;
	a                     = g_new0(struct conn_attempt, 1);
	a->generation         = self->generation;
	a->url                = g_strdup(self->url);
	/* Like the CLI: only the first attempt on the default socket starts
	 * a daemon; a daemon that stopped later is not restarted behind the
	 * user's back. */
	a->try_autostart = self->autostart && self->url_is_default
	    && self->state != MLOPS_CONNECTION_LOST;
	a->tls.ca_file   = g_strdup(self->tls.ca_file);
	a->tls.cert_file = g_strdup(self->tls.cert_file);
	a->tls.key_file  = g_strdup(self->tls.key_file);
	task             = g_task_new(self, NULL, conn_attempt_done, NULL);
	g_task_set_task_data(task, a, conn_attempt_free);
	g_task_run_in_thread(task, conn_attempt_thread);
	g_object_unref(task);
}

static gboolean
conn_retry_cb(gpointer data)
{
	MlopsConnection *self = data;

	self->retry_source = 0;
	conn_start_attempt(self);
	return G_SOURCE_REMOVE;
}

static void
conn_schedule_retry(MlopsConnection *self)
{
	if (self->retry_source != 0) {
		return;
	}
	self->retry_source
	    = g_timeout_add_seconds(self->retry_delay, conn_retry_cb, self);
	self->retry_delay = MIN(self->retry_delay * 2, CONN_RETRY_MAX_S);
}

static void
conn_lost(MlopsConnection *self, const char *why)
{
	if (self->state != MLOPS_CONNECTION_CONNECTED) {
		return;
	}
	conn_debug(self, "lost: %s", why);
	conn_abandon_calls(self, why);
	conn_drop(self);
	self->generation++;
	self->attempt_running = FALSE;
	self->retry_delay     = CONN_RETRY_MIN_S;
	conn_set_state(self, MLOPS_CONNECTION_LOST, why);
	conn_schedule_retry(self);
}

/* A local socket file that appears means a daemon is listening again. */
static void
conn_sock_changed(GFileMonitor *m, GFile *file, GFile *other,
    GFileMonitorEvent ev, gpointer data)
{
	MlopsConnection *self = data;
	g_autofree char *base = g_file_get_basename(file);

	(void) m;
	(void) other;
	if (self->state == MLOPS_CONNECTION_LOST
	    && (ev == G_FILE_MONITOR_EVENT_CREATED
	        || ev == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
	    && g_str_equal(base, "mlopsd.sock")) {
		conn_debug(self, "socket %s appeared", base);
		conn_start_attempt(self);
	}
}

static void
conn_watch_socket_dir(MlopsConnection *self)
{
	const char      *path = mlops_ipc_path(self->url);
	g_autofree char *dir  = NULL;
	g_autoptr(GFile) f    = NULL;

	g_clear_object(&self->sock_monitor);
	if (path == NULL) {
		return;
	}
	dir = g_path_get_dirname(path);
	f   = g_file_new_for_path(dir);
	self->sock_monitor
	    = g_file_monitor_directory(f, G_FILE_MONITOR_NONE, NULL, NULL);
	if (self->sock_monitor != NULL) {
		g_signal_connect(self->sock_monitor, "changed",
		    G_CALLBACK(conn_sock_changed), self);
	}
}

void
mlops_connection_connect(
    MlopsConnection *self, const struct mlops_connection_opts *opts)
{
	g_autofree char *def = mlops_default_url();

	conn_abandon_calls(self, "reconnecting to another daemon");
	conn_drop(self);
	self->generation++;
	self->attempt_running = FALSE;
	g_free(self->url);
	self->url = g_strdup(
	    opts->url != NULL && *opts->url != '\0' ? opts->url : def);
	self->url_is_default = g_str_equal(self->url, def);
	self->autostart      = opts->autostart;
	g_free((char *) self->tls.ca_file);
	g_free((char *) self->tls.cert_file);
	g_free((char *) self->tls.key_file);
	self->tls.ca_file = opts->tls_ca_file != NULL && *opts->tls_ca_file
	    ? g_strdup(opts->tls_ca_file)
	    : NULL;
	self->tls.cert_file
	    = opts->tls_cert_file != NULL && *opts->tls_cert_file
	    ? g_strdup(opts->tls_cert_file)
	    : NULL;
	self->tls.key_file = opts->tls_key_file != NULL && *opts->tls_key_file
	    ? g_strdup(opts->tls_key_file)
	    : NULL;
	self->retry_delay  = CONN_RETRY_MIN_S;
	conn_watch_socket_dir(self);
	conn_set_state(self, MLOPS_CONNECTION_CONNECTING, NULL);
	conn_start_attempt(self);
}

void
mlops_connection_retry(MlopsConnection *self)
{
	if (self->state == MLOPS_CONNECTION_LOST) {
		self->retry_delay = CONN_RETRY_MIN_S;
		conn_start_attempt(self);
	}
}

/* ---- accessors
 * ------------------------------------------------------------------ */

MlopsConnectionState
mlops_connection_get_state(MlopsConnection *self)
{
	return self->state;
}

const char *
mlops_connection_get_url(MlopsConnection *self)
{
	return self->url != NULL ? self->url : "";
}

const char *
mlops_connection_get_message(MlopsConnection *self)
{
	return self->message != NULL ? self->message : "";
}

const char *
mlops_connection_get_server_version(MlopsConnection *self)
{
	return self->server_version != NULL ? self->server_version : "";
}

gboolean
mlops_connection_is_local_default(MlopsConnection *self)
{
	return self->url_is_default;
}

/* ---- GObject
 * ------------------------------------------------------------------------ */

static void
mlops_connection_dispose(GObject *obj)
{
	MlopsConnection *self = MLOPS_CONNECTION(obj);

	self->generation++;
	conn_abandon_calls(self, "the app is closing");
	conn_drop(self);
	if (self->retry_source != 0) {
		g_source_remove(self->retry_source);
		self->retry_source = 0;
	}
	g_clear_object(&self->sock_monitor);
	G_OBJECT_CLASS(mlops_connection_parent_class)->dispose(obj);
}

static void
mlops_connection_finalize(GObject *obj)
{
	MlopsConnection *self = MLOPS_CONNECTION(obj);

	g_free(self->url);
	g_free(self->message);
	g_free(self->server_version);
	g_free((char *) self->tls.ca_file);
	g_free((char *) self->tls.cert_file);
	g_free((char *) self->tls.key_file);
	G_OBJECT_CLASS(mlops_connection_parent_class)->finalize(obj);
}

static void
mlops_connection_get_property(
    GObject *obj, guint id, GValue *value, GParamSpec *pspec)
{
	MlopsConnection *self = MLOPS_CONNECTION(obj);

	switch (id) {
	case PROP_STATE:
		g_value_set_int(value, (int) self->state);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
	}
}

static void
mlops_connection_class_init(MlopsConnectionClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);

	oc->dispose      = mlops_connection_dispose;
	oc->finalize     = mlops_connection_finalize;
	oc->get_property = mlops_connection_get_property;

	conn_props[PROP_STATE] = g_param_spec_int("state", NULL, NULL, 0,
	    MLOPS_CONNECTION_LOST, MLOPS_CONNECTION_IDLE,
	    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_properties(oc, N_PROPS, conn_props);

	/* "event" (Mlops__Event *ev): one daemon event, borrowed. */
	conn_signals[SIG_EVENT] = g_signal_new("event",
	    G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
	    G_TYPE_NONE, 1, G_TYPE_POINTER);
	/* "resync": (re)connected or events were missed; list again. */
	conn_signals[SIG_RESYNC]
	    = g_signal_new("resync", G_TYPE_FROM_CLASS(klass),
	        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mlops_connection_init(MlopsConnection *self)
{
	self->pidfd       = -1;
	self->retry_delay = CONN_RETRY_MIN_S;
	self->debug       = g_getenv("MLOPS_GTK_DEBUG") != NULL;
}

MlopsConnection *
mlops_connection_new(void)
{
	return g_object_new(MLOPS_TYPE_CONNECTION, NULL);
}
