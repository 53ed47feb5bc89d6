/*
 * mlops logs ID [--follow] [--stderr] [--tail N] [--json]: a job's output,
 * asked of the daemon by byte ranges so that neither side ever holds a
 * whole file: the end of the file for --tail, 1 MiB chunks for all of it,
 * and with --follow the new bytes once a second until the job ends.
 * Progress bars drawn with "\r" print as their last state
 * (mlops/logfmt.h); --json prints each chunk read as it is, one JSON
 * object per line. Single-threaded.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mlops/logfmt.h>
#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "cmd.h"
#include "output.h"

#define LOGS_CHUNK      (1024u * 1024u) /* the daemon's cap per read */
#define LOGS_TAIL_FIRST (64u * 1024u)   /* the first --tail read */
#define LOGS_POLL_MS    1000            /* --follow: ask this often */
#define LOGS_RETRY_MS   5000            /* --follow: cluster unreachable */

const char cmd_logs_usage[]
    = "usage: mlops logs ID [--follow] [--stderr] [--tail N] [--json]\n"
      "\n"
      "The job's output, read from its file on the cluster. Lines a "
      "progress\n"
      "bar redraws with carriage returns show as their last state.\n"
      "\n"
      "Options:\n"
      "  -f, --follow  keep printing output as it arrives until the job "
      "ends,\n"
      "                then exit with the job's exit code (as 'mlops "
      "launch\n"
      "                --wait'); before the file exists, wait for it\n"
      "  --stderr      show the job's stderr instead of its stdout\n"
      "  --tail N      only the last N lines (only what follows with "
      "--follow\n"
      "                when N is 0)\n"
      "  --json        print JSON lines: one object per chunk of the file "
      "read,\n"
      "                {\"stream\": \"stdout\" or \"stderr\", "
      "\"offset\": where the\n"
      "                chunk starts in the file, \"bytes\": its length "
      "there,\n"
      "                \"data\": its text as is, carriage returns "
      "included},\n"
      "                and with --follow, once the job has ended, a last\n"
      "                {\"end\": true, \"stream\", \"state\", "
      "\"exit_code\" (null\n"
      "                when unknown)}; a failure is a last line\n"
      "                {\"error\": {\"code\", \"field\", \"message\"}}\n"
      "  -h, --help    show this help\n"
      "\n"
      "Without --follow, a job whose file does not exist yet (it has not\n"
      "started) is reported and the exit status is 1.\n"
      "\n"
      "With --json, bytes that are not UTF-8 show as U+FFFD (offset and\n"
      "bytes still count the file's bytes), a character cut by the end of\n"
      "what a running job has written so far waits for the next read, and\n"
      "an offset back at 0 means the file was written anew (a requeued\n"
      "job). offset + bytes of the last chunk is where to read on.\n";

enum {
	LOGS_OPT_STDERR = 0x200,
	LOGS_OPT_TAIL,
};

struct logs {
	struct cli         *cli;
	int64_t             id;
	bool                use_stderr;
	bool                follow;
	long                tail; /* -1: the whole file */
	bool                json; /* JSON lines, not text */
	struct mlops_logfmt fmt;
	struct strbuf       out;    /* formatted, not yet printed */
	int64_t             offset; /* the next byte to ask for */
	/* --json: the start of a character the next bytes may complete */
	struct strbuf pend;
	int64_t       pend_offset;
	bool          said_missing, said_retry;
	bool          ended; /* the output is complete */
	/* The job as the last reply saw it; `state` is its state's name. */
	Mlops__JobState job_state;
	char           *state;
	bool            terminal;
	int             exit_code;
};

static const char *
logs_stream(const struct logs *l)
{
	return l->use_stderr ? "stderr" : "stdout";
}

static void
logs_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) { }
}

/* Prints what is formatted. Returns 0 or an exit code (printed). */
static int
logs_print(struct logs *l, bool flush)
{
	int rc = 0;

	if (l->out.len > 0) {
		rc = output_print(strbuf_str(&l->out));
		strbuf_reset(&l->out);
	}
	if (rc == 0 && flush) {
		rc = output_flush();
	}
	return rc < 0
	    ? cli_fail(l->cli, MLOPS_EIO, NULL, "cannot write output")
	    : CLI_EXIT_OK;
}

/* Keeps the job's state from a reply. */
static void
logs_note_job(struct logs *l, const Mlops__LogsReply *r)
{
	free(l->state);
	l->job_state = r->job_state;
	l->state     = xstrdup(job_fmt_state_name(r->job_state, r->state));
	l->terminal  = r->terminal;
	l->exit_code = r->exit_code;
}

/* The exit status that stands for the ended job (launch --wait's). */
static int
logs_job_status(const struct logs *l)
{
	Mlops__Job j = MLOPS__JOB__INIT;

	j.job_state = l->job_state;
	j.state     = l->state != NULL ? l->state : "";
	j.terminal  = l->terminal;
	j.exit_code = l->exit_code;
	return job_fmt_exit_status(&j);
}

/* Whether a failure may pass by itself (the cluster is unreachable). */
static bool
logs_transient(int rc)
{
	return rc == MLOPS_EUNREACHABLE || rc == MLOPS_ETIMEDOUT;
}

/*
 * One logs request. Returns 0 with *out (caller frees), or an exit code
 * after printing the failure. With --follow a cluster that cannot be
 * reached is asked again every LOGS_RETRY_MS.
 */
static int
logs_call(struct logs *l, int64_t offset, uint32_t max, Mlops__Response **out)
{
	Mlops__Request     req  = MLOPS__REQUEST__INIT;
	Mlops__LogsRequest body = MLOPS__LOGS_REQUEST__INIT;
	struct cli        *cli  = l->cli;
	int                rc;

	if ((rc = cli_connect(cli)) != CLI_EXIT_OK) {
		return rc;
	}
	body.id        = l->id;
	body.stderr    = l->use_stderr;
	body.offset    = offset;
	body.max_bytes = max;
	req.body_case  = MLOPS__REQUEST__BODY_LOGS;
	req.logs       = &body;
	for (;;) {
		struct mlops_error err  = { 0 };
		Mlops__Response   *resp = NULL;
		bool               from_server;

		if (cli->debug) {
			debug_dump(">> request", &req.base);
		}
		rc = mlops_client_call(
		    cli->client, &req, &resp, cli->timeout_ms, &err);
		if (cli->debug && resp != NULL) {
			debug_dump("<< reply", &resp->base);
		}
		from_server = resp != NULL;
		if (rc == 0
		    && (resp->body_case != MLOPS__RESPONSE__BODY_LOGS
		        || resp->logs == NULL)) {
			mlops__response__free_unpacked(resp, NULL);
			cli_fail(cli, MLOPS_EPROTO, NULL,
			    "the daemon sent an unexpected reply");
			return CLI_EXIT_UNREACHABLE;
		}
		if (rc == 0) {
			if (l->said_retry) {
				cli_notice(cli, "note", "reading again");
				l->said_retry = false;
			}
			*out = resp;
			return CLI_EXIT_OK;
		}
		if (resp != NULL) {
			mlops__response__free_unpacked(resp, NULL);
		}
		if (!(l->follow && from_server && logs_transient(rc))) {
			cli_fail_err(cli, rc, &err);
			return cli_exit_for(rc, from_server);
		}
		if (!l->said_retry) {
			cli_notice(cli, "note", "%s; trying again every %d s",
			    err.msg[0] != '\0' ? err.msg : mlops_strerror(rc),
			    LOGS_RETRY_MS / 1000);
			l->said_retry = true;
		}
		logs_sleep_ms(LOGS_RETRY_MS);
	}
}

/*
 * A reply without a file: without --follow (or once the job has ended)
 * that is the answer, exit 1; with --follow says so once and waits.
 * Returns -1 to go on waiting, or an exit code.
 */
static int
logs_missing(struct logs *l)
{
	if (l->terminal) {
		cli_fail(l->cli, MLOPS_ENOTFOUND, NULL,
		    "job %" PRId64 " left no %s (it is %s)", l->id,
		    logs_stream(l), l->state);
		return l->follow ? logs_job_status(l) : CLI_EXIT_ERROR;
	}
	if (!l->follow) {
		return cli_fail(l->cli, MLOPS_ENOTFOUND, NULL,
		    "job %" PRId64 " has no %s yet (it is %s)", l->id,
		    logs_stream(l), l->state);
	}
	if (!l->said_missing) {
		cli_notice(l->cli, "note",
		    "job %" PRId64 " has no %s yet (it is %s); waiting for it",
		    l->id, logs_stream(l), l->state);
		l->said_missing = true;
	}
	return -1;
}

/*
 * --json: the bytes held back and `len` more from `offset` on as one
 * chunk object, less the start of a character they end in unless `last`
 * (then that prints as U+FFFD). Prints nothing for no bytes.
 */
static void
logs_json_chunk(
    struct logs *l, int64_t offset, const char *data, size_t len, bool last)
{
	struct strbuf buf = STRBUF_INIT;
	json_object  *o;
	size_t        whole;

	if (l->pend.len > 0
	    && l->pend_offset + (int64_t) l->pend.len == offset) {
		offset = l->pend_offset;
		strbuf_append(&buf, l->pend.buf, l->pend.len);
	}
	strbuf_reset(&l->pend);
	strbuf_append(&buf, data, len);
	whole = last ? buf.len : output_utf8_whole(buf.buf, buf.len);
	if (whole < buf.len) {
		strbuf_append(&l->pend, buf.buf + whole, buf.len - whole);
		l->pend_offset = offset + (int64_t) whole;
	}
	if (whole > 0) {
		o = json_object_new_object();
		json_object_object_add(
		    o, "stream", json_object_new_string(logs_stream(l)));
		json_object_object_add(
		    o, "offset", json_object_new_int64(offset));
		json_object_object_add(
		    o, "bytes", json_object_new_int64((int64_t) whole));
		json_object_object_add(
		    o, "data", output_json_text(buf.buf, whole));
		output_json_render(o, true, &l->out);
		json_object_put(o);
	}
	strbuf_fini(&buf);
}

/* Takes `len` bytes of output from `offset` on (they continue what came). */
static void
logs_feed(struct logs *l, int64_t offset, const void *data, size_t len)
{
	if (l->json) {
		logs_json_chunk(l, offset, data, len, false);
	} else {
		mlops_logfmt_feed(&l->fmt, data, len, &l->out);
	}
}

/*
 * The output has ended: the open last line (text), or the bytes held back
 * (--json, once the job has ended), then with --follow the end object.
 */
static void
logs_end(struct logs *l)
{
	json_object *o;

	if (!l->json) {
		mlops_logfmt_flush(&l->fmt, &l->out);
		return;
	}
	if (l->terminal && l->pend.len > 0) {
		logs_json_chunk(
		    l, l->pend_offset + (int64_t) l->pend.len, "", 0, true);
	}
	if (!l->follow) {
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "end", json_object_new_boolean(1));
	json_object_object_add(
	    o, "stream", json_object_new_string(logs_stream(l)));
	json_object_object_add(o, "state", output_json_str(l->state));
	json_object_object_add(
	    o, "exit_code", output_json_count(l->exit_code));
	output_json_render(o, true, &l->out);
	json_object_put(o);
}

/*
 * --tail: the end of the file, asked with growing sizes and then, for
 * very long lines, by 1 MiB ranges backwards, until it holds N lines or
 * starts at the file's start. Sets l->offset to the end of what it read.
 * Returns 0, -1 when the file is missing (and waiting is right), or an
 * exit code.
 */
static int
logs_tail(struct logs *l)
{
	Mlops__Response *resp = NULL;
	struct strbuf    buf  = STRBUF_INIT;
	uint32_t         max  = LOGS_TAIL_FIRST;
	int64_t          start;
	size_t           from;
	bool             enough = false;
	int              rc;

	for (;;) {
		const Mlops__LogsReply *r;

		if ((rc = logs_call(l, -1, max, &resp)) != 0) {
			goto out;
		}
		r = resp->logs;
		logs_note_job(l, r);
		if (r->missing) {
			rc = logs_missing(l);
			goto out;
		}
		strbuf_reset(&buf);
		strbuf_append(&buf, r->data.data, r->data.len);
		start     = r->offset;
		l->offset = r->offset + (int64_t) r->data.len;
		mlops__response__free_unpacked(resp, NULL);
		resp = NULL;
		mlops_logfmt_tail_start(
		    buf.buf, buf.len, (size_t) l->tail, &enough);
		if (enough || start == 0 || max >= LOGS_CHUNK) {
			break;
		}
		max *= 4;
	}
	/* Lines longer than a read: fetch further back, 1 MiB at a time. */
	while (!enough && start > 0) {
		const Mlops__LogsReply *r;
		int64_t                 from_off
		    = start > (int64_t) LOGS_CHUNK ? start - LOGS_CHUNK : 0;
		struct strbuf more = STRBUF_INIT;

		if ((rc = logs_call(
		         l, from_off, (uint32_t) (start - from_off), &resp))
		    != 0) {
			goto out;
		}
		r = resp->logs;
		if (r->missing || r->offset != from_off
		    || r->data.len != (size_t) (start - from_off)) {
			/* The file changed under us: show what we have. */
			break;
		}
		strbuf_append(&more, r->data.data, r->data.len);
		strbuf_append(&more, buf.buf, buf.len);
		strbuf_fini(&buf);
		buf   = more;
		start = from_off;
		mlops__response__free_unpacked(resp, NULL);
		resp = NULL;
		mlops_logfmt_tail_start(
		    buf.buf, buf.len, (size_t) l->tail, &enough);
	}
	from = mlops_logfmt_tail_start(
	    buf.buf, buf.len, (size_t) l->tail, &enough);
	logs_feed(l, start + (int64_t) from, buf.buf + from, buf.len - from);
	rc = 0;
out:
	if (resp != NULL) {
		mlops__response__free_unpacked(resp, NULL);
	}
	strbuf_fini(&buf);
	return rc;
}

/*
 * Reads on from l->offset: to the end of the file, or with --follow
 * until the job has ended and nothing more came. Returns an exit code.
 */
static int
logs_stream_on(struct logs *l)
{
	Mlops__Response *resp = NULL;
	int              rc;

	for (;;) {
		const Mlops__LogsReply *r;
		size_t                  len;
		bool                    more;

		if ((rc = logs_call(l, l->offset, LOGS_CHUNK, &resp)) != 0) {
			return rc;
		}
		r = resp->logs;
		logs_note_job(l, r);
		if (r->missing) {
			mlops__response__free_unpacked(resp, NULL);
			if ((rc = logs_missing(l)) >= 0) {
				return rc;
			}
			logs_sleep_ms(LOGS_POLL_MS);
			continue;
		}
		if (r->file_size < l->offset) {
			/* A requeued job starts its file anew. */
			cli_notice(l->cli, "note",
			    "the %s file was rewritten; reading it from its "
			    "start",
			    logs_stream(l));
			if (l->json) {
				/* what was held back, as it is */
				logs_json_chunk(l,
				    l->pend_offset + (int64_t) l->pend.len, "",
				    0, true);
			} else {
				mlops_logfmt_flush(&l->fmt, &l->out);
				strbuf_putc(&l->out, '\n');
			}
			l->offset = 0;
			mlops__response__free_unpacked(resp, NULL);
			continue;
		}
		len = r->data.len;
		logs_feed(l, r->offset, (const char *) r->data.data, len);
		l->offset = r->offset + (int64_t) len;
		more      = len > 0 && l->offset < r->file_size;
		mlops__response__free_unpacked(resp, NULL);
		resp = NULL;
		if ((rc = logs_print(l, l->follow)) != 0) {
			return rc;
		}
		if (more) {
			continue;
		}
		if (!l->follow) {
			l->ended = true;
			return CLI_EXIT_OK;
		}
		if (l->terminal && len == 0) {
			l->ended = true;
			return logs_job_status(l);
		}
		/* An ended job's last bytes: make sure none follow. */
		if (len == 0 || !l->terminal) {
			logs_sleep_ms(LOGS_POLL_MS);
		}
	}
}

static int
logs_parse_tail(struct cli *cli, const char *s, long *out)
{
	char *end;
	long  v;

	errno = 0;
	v     = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < 0
	    || v > INT_MAX) {
		return cli_usage_error(
		    cli, "--tail", "--tail: not a number of lines: '%s'", s);
	}
	*out = v;
	return CLI_EXIT_OK;
}

int
cmd_logs(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "stderr", no_argument, NULL, LOGS_OPT_STDERR },
		{ "tail", required_argument, NULL, LOGS_OPT_TAIL },
		CLI_COMMON_OPTIONS,
	};
	struct logs l = { .cli = cli, .tail = -1, .exit_code = -1 };
	int         c, rc, prc;

	while ((c = cli_getopt(cli, argc, argv, ":hf", opts)) != -1) {
		switch (c) {
		case 'f':
			l.follow = true;
			break;
		case LOGS_OPT_STDERR:
			l.use_stderr = true;
			break;
		case LOGS_OPT_TAIL:
			if ((rc = logs_parse_tail(cli, optarg, &l.tail))
			    != 0) {
				return rc;
			}
			break;
		case CLI_GETOPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if ((rc = cli_nargs(cli, argc - optind, 1, 1, "job ID")) != 0
	    || (rc = cmd_job_parse_id(cli, argv[optind], &l.id)) != 0) {
		return rc;
	}
	l.json = cli->json;
	mlops_logfmt_init(&l.fmt);
	strbuf_init(&l.out);
	strbuf_init(&l.pend);
	rc = 0;
	if (l.tail >= 0) {
		rc      = logs_tail(&l);
		l.ended = rc == 0 && !l.follow;
	}
	if (rc == -1 || (rc == 0 && (l.tail < 0 || l.follow))) {
		/* rc -1: --follow of a file not there yet, from its start */
		rc = logs_stream_on(&l);
	}
	if (l.ended) {
		logs_end(&l);
	}
	if ((prc = logs_print(&l, true)) != 0 && rc == 0) {
		rc = prc;
	}
	mlops_logfmt_fini(&l.fmt);
	strbuf_fini(&l.out);
	strbuf_fini(&l.pend);
	free(l.state);
	return rc;
}
