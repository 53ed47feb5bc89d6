/*
 * Client connection to mlopsd over nng REQ (calls) and SUB (events).
 * Calls run on per-call nng contexts, so one client serves many threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/tls/tls.h>

#include <mlops/client.h>
#include <mlops/xmalloc.h>

struct mlops_client {
	nng_socket      sock;
	char           *url;
	pthread_mutex_t mtx;
	uint64_t        next_id;
};

struct mlops_sub {
	nng_socket        sock;
	mlops_sub_drop_cb drop_cb;
	void             *drop_arg;
	atomic_bool       closing; /* no drop reports while we close */
};

static int client_tls_config(nng_tls_config **out,
    const struct mlops_tls_opts *tls, struct mlops_error *err);

static int
client_nng_err(
    struct mlops_error *err, int nrv, const char *what, const char *url)
{
	int code = MLOPS_EUNREACHABLE;

	if (nrv == NNG_ETIMEDOUT) {
		code = MLOPS_ETIMEDOUT;
	} else if (nrv == NNG_EADDRINVAL || nrv == NNG_ENOTSUP) {
		code = MLOPS_EINVAL;
	}
	return mlops_error_set_field(err, code,
	    code == MLOPS_EINVAL ? "url" : NULL, "%s %s: %s", what, url,
	    nng_strerror(nrv));
}

static int
client_dial(nng_socket sock, const char *url, const struct mlops_tls_opts *tls,
    struct mlops_error *err)
{
	nng_dialer      d;
	nng_tls_config *cfg = NULL;
	int             nrv, rc = 0;

	if ((nrv = nng_dialer_create(&d, sock, url)) != 0) {
		return client_nng_err(err, nrv, "cannot dial", url);
	}
	if (strncmp(url, "tls+tcp://", 10) == 0) {
		if ((rc = client_tls_config(&cfg, tls, err)) < 0) {
			nng_dialer_close(d);
			return rc;
		}
		nrv = nng_dialer_set_ptr(d, NNG_OPT_TLS_CONFIG, cfg);
		nng_tls_config_free(cfg); /* the dialer holds a reference */
		if (nrv != 0) {
			nng_dialer_close(d);
			return client_nng_err(err, nrv, "TLS setup for", url);
		}
	}
	/*
	 * Blocking start: a missing daemon is reported now, not later. A
	 * connection reset during the handshake (the daemon restarting a
	 * stalled listener) is retried for a few seconds.
	 */
	for (int attempt = 0;; attempt++) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };

		nrv = nng_dialer_start(d, 0);
		if (nrv == 0) {
			return 0;
		}
		if (attempt >= 25
		    || (nrv != NNG_ECONNSHUT && nrv != NNG_ECONNRESET
		        && nrv != NNG_ECLOSED && nrv != NNG_ECONNABORTED
		        && nrv != NNG_ETIMEDOUT)) {
			break;
		}
		nanosleep(&ts, NULL);
	}
	nng_dialer_close(d);
	return client_nng_err(err, nrv, "cannot connect to", url);
}

/* Reads a whole (small) PEM file; NULL on error. Caller frees. */
static char *
client_read_pem(const char *path)
{
	FILE  *fp = fopen(path, "re");
	char  *buf;
	size_t n;

	if (fp == NULL) {
		return NULL;
	}
	buf = xmalloc(65537);
	n   = fread(buf, 1, 65536, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

/* Our certificate and key, from one combined file or two files. */
static int
client_own_cert(nng_tls_config *cfg, const char *cert, const char *key)
{
	char *c, *k;
	int   nrv;

	if (key == NULL || strcmp(key, cert) == 0) {
		return nng_tls_config_cert_key_file(cfg, cert, NULL);
	}
	c   = client_read_pem(cert);
	k   = client_read_pem(key);
	nrv = (c == NULL || k == NULL)
	    ? NNG_ENOENT
	    : nng_tls_config_own_cert(cfg, c, k, NULL);
	free(c);
	free(k);
	return nrv;
}

static int
client_tls_config(nng_tls_config **out, const struct mlops_tls_opts *tls,
    struct mlops_error *err)
{
	nng_tls_config *cfg = NULL;
	int             nrv;

	if ((nrv = nng_tls_config_alloc(&cfg, NNG_TLS_MODE_CLIENT)) != 0) {
		return mlops_error_set(
		    err, MLOPS_ERROR, "TLS: %s", nng_strerror(nrv));
	}
	if (tls != NULL && tls->ca_file != NULL) {
		if ((nrv = nng_tls_config_ca_file(cfg, tls->ca_file)) != 0) {
			nng_tls_config_free(cfg);
			return mlops_error_set(err, MLOPS_EINVAL,
			    "TLS CA file %s: %s", tls->ca_file,
			    nng_strerror(nrv));
		}
		nng_tls_config_auth_mode(cfg, NNG_TLS_AUTH_MODE_REQUIRED);
	}
	if (tls != NULL && tls->cert_file != NULL) {
		nrv = client_own_cert(cfg, tls->cert_file, tls->key_file);
		if (nrv != 0) {
			nng_tls_config_free(cfg);
			return mlops_error_set(err, MLOPS_EINVAL,
			    "TLS certificate %s: %s", tls->cert_file,
			    nng_strerror(nrv));
		}
	}
	if (tls != NULL && tls->server_name != NULL) {
		nng_tls_config_server_name(cfg, tls->server_name);
	}
	*out = cfg;
	return 0;
}

int
mlops_client_open(struct mlops_client **out, const char *url,
    const struct mlops_tls_opts *tls, struct mlops_error *err)
{
	struct mlops_client *c;
	int                  nrv, rc;

	c = xcalloc(1, sizeof(*c));
	if ((nrv = nng_req0_open(&c->sock)) != 0) {
		free(c);
		return mlops_error_set(
		    err, MLOPS_ERROR, "nng: %s", nng_strerror(nrv));
	}
	nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, MLOPS_MSG_MAX);
	/* Never resend a request: a launch must not be submitted twice. */
	nng_socket_set_ms(
	    c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	if ((rc = client_dial(c->sock, url, tls, err)) < 0) {
		nng_close(c->sock);
		free(c);
		return rc;
	}
	c->url = xstrdup(url);
	pthread_mutex_init(&c->mtx, NULL);
	c->next_id = 1;
	*out       = c;
	return 0;
}

void
mlops_client_close(struct mlops_client *c)
{
	if (c == NULL) {
		return;
	}
	nng_close(c->sock);
	pthread_mutex_destroy(&c->mtx);
	free(c->url);
	free(c);
}

const char *
mlops_client_url(const struct mlops_client *c)
{
	return c->url;
}

static int
client_prepare(struct mlops_client *c, Mlops__Request *req, nng_msg **out,
    struct mlops_error *err)
{
	uint8_t *buf = NULL;
	size_t   len = 0;
	nng_msg *msg = NULL;
	int      rc;

	req->proto_major = MLOPS_PROTOCOL_MAJOR;
	req->proto_minor = MLOPS_PROTOCOL_MINOR;
	pthread_mutex_lock(&c->mtx);
	req->request_id = c->next_id++;
	pthread_mutex_unlock(&c->mtx);
	if ((rc = mlops_pack(&buf, &len, &req->base, err)) < 0) {
		return rc;
	}
	if (nng_msg_alloc(&msg, 0) != 0
	    || nng_msg_append(msg, buf, len) != 0) {
		free(buf);
		nng_msg_free(msg);
		return mlops_error_set(err, MLOPS_ERROR, "out of memory");
	}
	free(buf);
	*out = msg;
	return 0;
}

static int
client_finish(nng_msg *msg, uint64_t want_id, Mlops__Response **out,
    struct mlops_error *err)
{
	Mlops__Response *resp = NULL;
	int              rc;

	rc = mlops_response_unpack(
	    &resp, nng_msg_body(msg), nng_msg_len(msg), err);
	nng_msg_free(msg);
	if (rc < 0) {
		return rc;
	}
	if (resp->request_id == 0 && resp->error != NULL) {
		/* The daemon could not read the request at all. */
		rc = mlops_response_error(resp, err);
		mlops__response__free_unpacked(resp, NULL);
		return rc < 0 ? rc : MLOPS_EPROTO;
	}
	if (resp->request_id != want_id) {
		uint64_t got = resp->request_id;

		mlops__response__free_unpacked(resp, NULL);
		return mlops_error_set(err, MLOPS_EPROTO,
		    "reply to request %llu does not match request %llu",
		    (unsigned long long) got, (unsigned long long) want_id);
	}
	rc   = mlops_response_error(resp, err);
	*out = resp;
	return rc;
}

/* Methods that change nothing, and so may be sent again. */
static int
client_idempotent(Mlops__Request__BodyCase c)
{
	switch (c) {
	case MLOPS__REQUEST__BODY_HELLO:
	case MLOPS__REQUEST__BODY_STATUS:
	case MLOPS__REQUEST__BODY_CLUSTER_LIST:
	case MLOPS__REQUEST__BODY_PROJECT_LIST:
	case MLOPS__REQUEST__BODY_PROJECT_SHOW:
		return 1;
	default:
		return 0;
	}
}

/* One attempt; *nrv_out gets nng's error when the transport failed. */
static int
client_call_once(struct mlops_client *c, Mlops__Request *req,
    Mlops__Response **out, int timeout_ms, int *nrv_out,
    struct mlops_error *err)
{
	nng_ctx  ctx;
	nng_aio *aio = NULL;
	nng_msg *msg = NULL;
	int      nrv, rc;

	*nrv_out = 0;
	if ((rc = client_prepare(c, req, &msg, err)) < 0) {
		return rc;
	}
	if ((nrv = nng_ctx_open(&ctx, c->sock)) != 0
	    || (nrv = nng_aio_alloc(&aio, NULL, NULL)) != 0) {
		nng_msg_free(msg);
		return mlops_error_set(
		    err, MLOPS_ERROR, "nng: %s", nng_strerror(nrv));
	}
	nng_aio_set_timeout(aio, timeout_ms > 0 ? timeout_ms : -1);
	nng_aio_set_msg(aio, msg);
	nng_ctx_send(ctx, aio);
	nng_aio_wait(aio);
	if ((nrv = nng_aio_result(aio)) != 0) {
		nng_msg_free(nng_aio_get_msg(aio));
		*nrv_out = nrv;
		rc       = client_nng_err(err, nrv, "cannot send to", c->url);
		goto out;
	}
	nng_ctx_recv(ctx, aio);
	nng_aio_wait(aio);
	if ((nrv = nng_aio_result(aio)) != 0) {
		*nrv_out = nrv;
		rc       = nrv == NNG_ETIMEDOUT
		          ? mlops_error_set(err, MLOPS_ETIMEDOUT,
		              "no reply from %s within %d ms", c->url, timeout_ms)
		          : client_nng_err(err, nrv, "no reply from", c->url);
		goto out;
	}
	rc = client_finish(nng_aio_get_msg(aio), req->request_id, out, err);
out:
	nng_aio_free(aio);
	nng_ctx_close(ctx);
	return rc;
}

int
mlops_client_call(struct mlops_client *c, Mlops__Request *req,
    Mlops__Response **out, int timeout_ms, struct mlops_error *err)
{
	int nrv = 0, rc;

	/*
	 * A connection reset before the reply is ambiguous for a request
	 * that changes state (it may have run), so only requests that
	 * change nothing are sent again, once, over a fresh connection.
	 */
	rc = client_call_once(c, req, out, timeout_ms, &nrv, err);
	if (rc < 0 && client_idempotent(req->body_case)
	    && (nrv == NNG_ECONNRESET || nrv == NNG_ECONNSHUT
	        || nrv == NNG_ECONNABORTED)) {
		rc = client_call_once(c, req, out, timeout_ms, &nrv, err);
	}
	if (rc < 0 && nrv != 0 && nrv != NNG_ETIMEDOUT
	    && !client_idempotent(req->body_case)) {
		mlops_error_prefix(err,
		    "the connection failed before the "
		    "reply; the request may or may not "
		    "have been carried out");
	}
	return rc;
}

/* One asynchronous call: send, then receive, on its own context. */
struct client_async {
	struct mlops_client *c;
	nng_ctx              ctx;
	nng_aio             *aio;
	uint64_t             id;
	int                  sent;
	mlops_client_cb      cb;
	void                *arg;
};

static void
client_async_done(struct client_async *a, int rc, Mlops__Response *resp,
    struct mlops_error *err)
{
	a->cb(rc, resp, err, a->arg);
	nng_ctx_close(a->ctx);
	/* nng_aio_free() from its own callback would deadlock. */
	nng_aio_reap(a->aio);
	free(a);
}

static void
client_async_cb(void *arg)
{
	struct client_async *a  = arg;
	struct mlops_error   e  = { 0 };
	Mlops__Response     *rp = NULL;
	int                  nrv, rc;

	if ((nrv = nng_aio_result(a->aio)) != 0) {
		if (!a->sent) {
			nng_msg_free(nng_aio_get_msg(a->aio));
		}
		rc = client_nng_err(&e, nrv, "call to", a->c->url);
		client_async_done(a, rc, NULL, &e);
		return;
	}
	if (!a->sent) {
		a->sent = 1;
		nng_ctx_recv(a->ctx, a->aio);
		return;
	}
	rc = client_finish(nng_aio_get_msg(a->aio), a->id, &rp, &e);
	client_async_done(a, rc, rp, &e);
}

int
mlops_client_call_async(struct mlops_client *c, Mlops__Request *req,
    int timeout_ms, mlops_client_cb cb, void *arg, struct mlops_error *err)
{
	struct client_async *a;
	nng_msg             *msg = NULL;
	int                  nrv, rc;

	if ((rc = client_prepare(c, req, &msg, err)) < 0) {
		return rc;
	}
	a      = xcalloc(1, sizeof(*a));
	a->c   = c;
	a->id  = req->request_id;
	a->cb  = cb;
	a->arg = arg;
	if ((nrv = nng_ctx_open(&a->ctx, c->sock)) != 0) {
		nng_msg_free(msg);
		free(a);
		return mlops_error_set(
		    err, MLOPS_ERROR, "nng: %s", nng_strerror(nrv));
	}
	if ((nrv = nng_aio_alloc(&a->aio, client_async_cb, a)) != 0) {
		nng_msg_free(msg);
		nng_ctx_close(a->ctx);
		free(a);
		return mlops_error_set(
		    err, MLOPS_ERROR, "nng: %s", nng_strerror(nrv));
	}
	nng_aio_set_timeout(a->aio, timeout_ms > 0 ? timeout_ms : -1);
	nng_aio_set_msg(a->aio, msg);
	nng_ctx_send(a->ctx, a->aio);
	return 0;
}

int
mlops_client_hello(struct mlops_client *c, const char *client_name,
    Mlops__Response **out, struct mlops_error *err)
{
	Mlops__Request      req   = MLOPS__REQUEST__INIT;
	Mlops__HelloRequest hello = MLOPS__HELLO_REQUEST__INIT;
	Mlops__Response    *resp  = NULL;
	int                 rc;

	hello.client_name    = (char *) client_name;
	hello.client_version = (char *) MLOPS_VERSION;
	req.body_case        = MLOPS__REQUEST__BODY_HELLO;
	req.hello            = &hello;
	rc                   = mlops_client_call(c, &req, &resp, 10000, err);
	if (rc == 0
	    && (resp->body_case != MLOPS__RESPONSE__BODY_HELLO
	        || resp->hello == NULL)) {
		rc = mlops_error_set(err, MLOPS_EPROTO,
		    "daemon answered Hello with something else");
	}
	if (rc == 0 && resp->hello->proto_major != MLOPS_PROTOCOL_MAJOR) {
		rc = mlops_error_set(err, MLOPS_EVERSION,
		    "daemon %s speaks protocol %u.%u, this client %u.%u",
		    resp->hello->server_version, resp->hello->proto_major,
		    resp->hello->proto_minor, MLOPS_PROTOCOL_MAJOR,
		    MLOPS_PROTOCOL_MINOR);
	}
	if (out != NULL && resp != NULL) {
		*out = resp;
	} else if (resp != NULL) {
		mlops__response__free_unpacked(resp, NULL);
	}
	return rc;
}

static int
client_probe(const char *url)
{
	struct mlops_client *c  = NULL;
	struct mlops_error   e  = { 0 };
	int                  rc = mlops_client_open(&c, url, NULL, &e);

	if (rc == 0) {
		rc = mlops_client_hello(c, "probe", NULL, &e);
		mlops_client_close(c);
	}
	return rc;
}

int
mlops_client_autostart(const char *mlopsd_path, const char *url,
    const char *const *extra_args, int wait_ms, struct mlops_error *err)
{
	const char     *argv[32];
	size_t          n = 0;
	pid_t           pid;
	int             status;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	argv[n++] = mlopsd_path;
	argv[n++] = "--listen";
	argv[n++] = url;
	for (; extra_args != NULL && *extra_args != NULL && n < 30;
	     extra_args++) {
		argv[n++] = *extra_args;
	}
	argv[n] = NULL;

	if ((pid = fork()) < 0) {
		return mlops_error_set(err, MLOPS_EUNREACHABLE,
		    "cannot start %s: %s", mlopsd_path, strerror(errno));
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		execvp(mlopsd_path, (char *const *) argv);
		fprintf(stderr, "mlops: cannot run %s: %s\n", mlopsd_path,
		    strerror(errno));
		_exit(127);
	}
	/* mlopsd forks and its parent exits once it listens (or failed). */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* It said why on stderr; it may also have lost a race with
		 * another client's autostart, so look once more. */
		if (client_probe(url) == 0) {
			return 0;
		}
		return mlops_error_set(err, MLOPS_EUNREACHABLE,
		    "%s could not start (exit status %d)", mlopsd_path,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	for (int waited = 0; waited <= wait_ms; waited += 50) {
		if (client_probe(url) == 0) {
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	return mlops_error_set(err, MLOPS_EUNREACHABLE,
	    "started %s but nothing answers on %s", mlopsd_path, url);
}

int
mlops_sub_open(struct mlops_sub **out, const char *url,
    const struct mlops_tls_opts *tls, struct mlops_error *err)
{
	struct mlops_sub *s = xcalloc(1, sizeof(*s));
	int               nrv, rc;

	if ((nrv = nng_sub0_open(&s->sock)) != 0) {
		free(s);
		return mlops_error_set(
		    err, MLOPS_ERROR, "nng: %s", nng_strerror(nrv));
	}
	nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, MLOPS_MSG_MAX);
	nng_socket_set(s->sock, NNG_OPT_SUB_SUBSCRIBE, "", 0);
	if ((rc = client_dial(s->sock, url, tls, err)) < 0) {
		nng_close(s->sock);
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* nng runs REM_POST callbacks before the pipe leaves the socket, and
 * nng_close() waits for every pipe to leave: none runs after close. */
static void
sub_pipe_event(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct mlops_sub *s = arg;

	(void) p;
	if (ev == NNG_PIPE_EV_REM_POST && !atomic_load(&s->closing)) {
		s->drop_cb(s->drop_arg);
	}
}

void
mlops_sub_on_drop(struct mlops_sub *s, mlops_sub_drop_cb cb, void *arg)
{
	s->drop_cb  = cb;
	s->drop_arg = arg;
	nng_pipe_notify(s->sock, NNG_PIPE_EV_REM_POST,
	    cb != NULL ? sub_pipe_event : NULL, cb != NULL ? s : NULL);
}

void
mlops_sub_close(struct mlops_sub *s)
{
	if (s != NULL) {
		atomic_store(&s->closing, true);
		nng_close(s->sock);
		free(s);
	}
}

int
mlops_sub_recv(struct mlops_sub *s, Mlops__Event **out, int timeout_ms,
    struct mlops_error *err)
{
	nng_msg *msg = NULL;
	int      nrv, rc;

	nng_socket_set_ms(s->sock, NNG_OPT_RECVTIMEO,
	    timeout_ms < 0 ? NNG_DURATION_INFINITE : timeout_ms);
	if ((nrv = nng_recvmsg(s->sock, &msg, 0)) != 0) {
		return nrv == NNG_ETIMEDOUT
		    ? mlops_error_set(err, MLOPS_ETIMEDOUT, "no event")
		    : mlops_error_set(err, MLOPS_EUNREACHABLE, "events: %s",
		        nng_strerror(nrv));
	}
	rc = mlops_event_unpack(out, nng_msg_body(msg), nng_msg_len(msg), err);
	nng_msg_free(msg);
	return rc;
}

int
mlops_sub_fd(struct mlops_sub *s, struct mlops_error *err)
{
	int fd = -1, nrv;

	if ((nrv = nng_socket_get_int(s->sock, NNG_OPT_RECVFD, &fd)) != 0) {
		return mlops_error_set(
		    err, MLOPS_ERROR, "nng: %s", nng_strerror(nrv));
	}
	return fd;
}
