/*
 * Test driver for the daemon's request socket, used by the integration
 * tests (never by the product):
 *   mlops_stress concurrent URL CLIENTS REQUESTS PROJECT
 *     CLIENTS threads, each with its own connection, each sends REQUESTS
 *     calls (Hello, ProjectList, ProjectShow PROJECT in turn) and checks
 *     every answer. Prints "N passed, N failed" and exits 1 on a failure.
 *   mlops_stress malformed URL COUNT
 *     sends COUNT malformed, truncated, empty, wrong-version and unknown-
 *     method requests, expects an Error reply to each, and raw junk on
 *     fresh ipc connections; then checks that a valid Hello is answered.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include <mlops/client.h>
#include <mlops/paths.h>
#include <mlops/protocol.h>

struct worker {
	const char *url;
	const char *project;
	int         requests;
	int         passed;
	int         failed;
	char        first_error[320];
};

static void
worker_fail(struct worker *w, const char *what, const struct mlops_error *e)
{
	if (w->failed++ == 0) {
		snprintf(w->first_error, sizeof(w->first_error), "%s: %s",
		    what, e ? e->msg : "wrong answer");
	}
}

static void *
worker_run(void *arg)
{
	struct worker       *w = arg;
	struct mlops_client *c = NULL;
	struct mlops_error   e = { 0 };

	if (mlops_client_open(&c, w->url, NULL, &e) < 0) {
		w->failed = w->requests;
		snprintf(w->first_error, sizeof(w->first_error), "%s", e.msg);
		return NULL;
	}
	for (int i = 0; i < w->requests; i++) {
		Mlops__Request            req = MLOPS__REQUEST__INIT;
		Mlops__HelloRequest       h   = MLOPS__HELLO_REQUEST__INIT;
		Mlops__ProjectListRequest pl
		    = MLOPS__PROJECT_LIST_REQUEST__INIT;
		Mlops__ProjectShowRequest ps
		    = MLOPS__PROJECT_SHOW_REQUEST__INIT;
		Mlops__Response *r  = NULL;
		int              ok = 0;

		switch (i % 3) {
		case 0:
			h.client_name = "stress";
			req.body_case = MLOPS__REQUEST__BODY_HELLO;
			req.hello     = &h;
			break;
		case 1:
			req.body_case    = MLOPS__REQUEST__BODY_PROJECT_LIST;
			req.project_list = &pl;
			break;
		default:
			ps.name          = (char *) w->project;
			req.body_case    = MLOPS__REQUEST__BODY_PROJECT_SHOW;
			req.project_show = &ps;
			break;
		}
		if (mlops_client_call(c, &req, &r, 30000, &e) < 0) {
			worker_fail(w, "call", &e);
		} else {
			switch (i % 3) {
			case 0:
				ok = r->body_case
				        == MLOPS__RESPONSE__BODY_HELLO
				    && r->hello->proto_major
				        == MLOPS_PROTOCOL_MAJOR;
				break;
			case 1:
				ok = r->body_case
				        == MLOPS__RESPONSE__BODY_PROJECT_LIST
				    && r->project_list->n_projects >= 1;
				break;
			default:
				ok = r->body_case
				        == MLOPS__RESPONSE__BODY_PROJECT_SHOW
				    && strcmp(r->project_show->project->name,
				           w->project)
				        == 0;
				break;
			}
			if (ok) {
				w->passed++;
			} else {
				worker_fail(w, "check", NULL);
			}
		}
		if (r != NULL) {
			mlops__response__free_unpacked(r, NULL);
		}
	}
	mlops_client_close(c);
	return NULL;
}

static int
concurrent(const char *url, int clients, int requests, const char *project)
{
	pthread_t     *t      = calloc((size_t) clients, sizeof(*t));
	struct worker *w      = calloc((size_t) clients, sizeof(*w));
	int            passed = 0, failed = 0;

	for (int i = 0; i < clients; i++) {
		w[i].url      = url;
		w[i].project  = project;
		w[i].requests = requests;
		pthread_create(&t[i], NULL, worker_run, &w[i]);
	}
	for (int i = 0; i < clients; i++) {
		pthread_join(t[i], NULL);
		passed += w[i].passed;
		failed += w[i].failed;
		if (w[i].failed) {
			fprintf(
			    stderr, "client %d: %s\n", i, w[i].first_error);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	free(t);
	free(w);
	return failed == 0 && passed == clients * requests ? 0 : 1;
}

/* Sends raw bytes on a REQ socket; returns the reply's error code. */
static int
send_raw(nng_socket s, const void *buf, size_t len, int *code)
{
	nng_msg           *m = NULL;
	Mlops__Response   *r = NULL;
	struct mlops_error e;
	int                rv;

	nng_msg_alloc(&m, 0);
	nng_msg_append(m, buf, len);
	if ((rv = nng_sendmsg(s, m, 0)) != 0) {
		nng_msg_free(m);
		return rv;
	}
	if ((rv = nng_recvmsg(s, &m, 0)) != 0) {
		return rv;
	}
	rv = mlops_response_unpack(&r, nng_msg_body(m), nng_msg_len(m), &e);
	nng_msg_free(m);
	if (rv < 0) {
		return -1;
	}
	*code = r->error ? r->error->code : 0;
	mlops__response__free_unpacked(r, NULL);
	return 0;
}

static int
malformed(const char *url, int count)
{
	nng_socket          s;
	uint8_t            *valid  = NULL, buf[512];
	size_t              vlen   = 0;
	Mlops__Request      req    = MLOPS__REQUEST__INIT;
	Mlops__HelloRequest h      = MLOPS__HELLO_REQUEST__INIT;
	int                 passed = 0, failed = 0, code;
	unsigned            seed = 12345;

	nng_req0_open(&s);
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 10000);
	if (nng_dial(s, url, NULL, 0) != 0) {
		fprintf(stderr, "cannot dial %s\n", url);
		return 1;
	}
	h.client_name   = "malformed";
	req.proto_major = MLOPS_PROTOCOL_MAJOR;
	req.body_case   = MLOPS__REQUEST__BODY_HELLO;
	req.hello       = &h;
	mlops_pack(&valid, &vlen, &req.base, NULL);

	for (int i = 0; i < count; i++) {
		size_t len;
		int    want;

		switch (i % 5) {
		case 0: /* random bytes */
			len = (size_t) (rand_r(&seed) % sizeof(buf));
			for (size_t k = 0; k < len; k++) {
				buf[k] = (uint8_t) rand_r(&seed);
			}
			want = MLOPS_EPROTO;
			break;
		case 1: /* truncated valid request */
			len = vlen > 1 ? (size_t) (rand_r(&seed) % (vlen - 1))
			               : 0;
			memcpy(buf, valid, len);
			want = MLOPS_EPROTO;
			break;
		case 2: { /* wrong major */
			Mlops__Request r2 = req;
			uint8_t       *p  = NULL;
			r2.proto_major    = 99;
			mlops_pack(&p, &len, &r2.base, NULL);
			memcpy(buf, p, len);
			free(p);
			want = MLOPS_EVERSION;
			break;
		}
		case 3: { /* a method this daemon does not know (field 999) */
			static const uint8_t unk[]
			    = { 0x08, 0x01, 0xba, 0x3e, 0x00 };
			memcpy(buf, unk, sizeof(unk));
			len  = sizeof(unk);
			want = MLOPS_EPROTO;
			break;
		}
		default: /* empty message */
			len  = 0;
			want = MLOPS_EPROTO;
			break;
		}
		code = 0;
		if (send_raw(s, buf, len, &code) != 0) {
			failed++;
			fprintf(stderr, "message %d: no reply\n", i);
			continue;
		}
		/* Random bytes may happen to form a valid request; any
		 * error reply (or a valid reply) means the daemon coped. */
		if ((i % 5 == 0 && code <= 0) || code == want) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "message %d: error %d, want %d\n", i,
			    code, want);
		}
	}
	nng_close(s);

	/* Raw junk straight at the ipc socket, bypassing nng's framing. */
	if (mlops_ipc_path(url) != NULL) {
		for (int i = 0; i < 50; i++) {
			struct sockaddr_un sa = { .sun_family = AF_UNIX };
			int fd = socket(AF_UNIX, SOCK_STREAM, 0);

			snprintf(sa.sun_path, sizeof(sa.sun_path), "%s",
			    mlops_ipc_path(url));
			if (connect(fd, (struct sockaddr *) &sa, sizeof(sa))
			    == 0) {
				for (size_t k = 0; k < sizeof(buf); k++) {
					buf[k] = (uint8_t) rand_r(&seed);
				}
				if (write(fd, buf, (size_t) (i * 7 % 300))
				    < 0) {
					/* the daemon may hang up: fine */
				}
			}
			close(fd);
		}
	}

	/* The daemon must still answer. */
	{
		struct mlops_client *c = NULL;
		struct mlops_error   e = { 0 };
		if (mlops_client_open(&c, url, NULL, &e) == 0
		    && mlops_client_hello(c, "after", NULL, &e) == 0) {
			passed++;
		} else {
			failed++;
			fprintf(
			    stderr, "daemon stopped answering: %s\n", e.msg);
		}
		mlops_client_close(c);
	}
	free(valid);
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "concurrent") == 0) {
		return concurrent(
		    argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
	}
	if (argc == 4 && strcmp(argv[1], "malformed") == 0) {
		return malformed(argv[2], atoi(argv[3]));
	}
	fprintf(stderr,
	    "usage: mlops_stress concurrent URL CLIENTS "
	    "REQUESTS PROJECT | malformed URL COUNT\n");
	return 2;
}
