/*
 * The pure parts of job log reading: the W&B run URL scanner (run URLs,
 * self-hosted "View run" lines, project URLs ignored, ANSI colours, URLs
 * split between chunks, the first of several) and which part of a cached
 * read answers a request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "logread.h"
#include "wandb_scan.h"

/* Scans `text` as one chunk then flushes; returns the URL or "". */
static const char *
scan_all(const char *text)
{
	static char       url[WANDB_URL_MAX];
	struct wandb_scan ws;

	url[0] = '\0';
	wandb_scan_init(&ws);
	if (!wandb_scan(&ws, text, strlen(text), url, sizeof(url))
	    && !wandb_scan_flush(&ws, url, sizeof(url))) {
		url[0] = '\0';
	}
	return url;
}

static void
test_run_url(void **state)
{
	(void) state;
	assert_string_equal(
	    scan_all("wandb: Syncing run fancy-sun-3\n"
	             "wandb: 🚀 View run fancy-sun-3 at: "
	             "https://wandb.ai/acme/vision/runs/abc123\n"),
	    "https://wandb.ai/acme/vision/runs/abc123");
	/* older wandb */
	assert_string_equal(
	    scan_all("wandb: 🚀 View run at https://wandb.ai/e/p/runs/x9\n"),
	    "https://wandb.ai/e/p/runs/x9");
	/* anywhere on a line, trailing path, query and full stop dropped */
	assert_string_equal(
	    scan_all("see https://wandb.ai/e/p/runs/r1/logs?nw=1 for it\n"),
	    "https://wandb.ai/e/p/runs/r1");
	assert_string_equal(scan_all("run: https://wandb.ai/e/p/runs/r2.\n"),
	    "https://wandb.ai/e/p/runs/r2");
	/* Windows line ends, and a last line without any */
	assert_string_equal(scan_all("x\r\nhttps://wandb.ai/e/p/runs/r3\r\n"),
	    "https://wandb.ai/e/p/runs/r3");
	assert_string_equal(scan_all("https://wandb.ai/e/p/runs/r4"),
	    "https://wandb.ai/e/p/runs/r4");
}

static void
test_self_hosted(void **state)
{
	(void) state;
	assert_string_equal(
	    scan_all("wandb: 🚀 View run exp-7 at: "
	             "http://wandb.corp.example:8080/team/proj/runs/k2j3\n"),
	    "http://wandb.corp.example:8080/team/proj/runs/k2j3");
	/* a run-shaped URL on another host, not on a View run line */
	assert_string_equal(
	    scan_all("fetching https://git.example.com/a/b/runs/c\n"), "");
	/* "View run" after the URL does not count */
	assert_string_equal(
	    scan_all("https://git.example.com/a/b/runs/c View run\n"), "");
	/* ... nor on an earlier line */
	assert_string_equal(
	    scan_all("wandb: View run x\nhttps://h.example/a/b/runs/c\n"), "");
}

static void
test_not_a_run(void **state)
{
	(void) state;
	assert_string_equal(scan_all("wandb: ⭐️ View project at: "
	                             "https://wandb.ai/acme/vision\n"),
	    "");
	assert_string_equal(
	    scan_all("wandb: 🧹 View sweep at: "
	             "https://wandb.ai/acme/vision/sweeps/s1\n"),
	    "");
	assert_string_equal(
	    scan_all("https://wandb.ai/acme/vision/runs\n"), "");
	assert_string_equal(
	    scan_all("https://wandb.ai/acme/vision/runs/\n"), "");
	assert_string_equal(scan_all("https://wandb.ai/acme/runs/x\n"), "");
	assert_string_equal(
	    scan_all("https://wandb.ai/a/b/groups/g/runs/x\n"), "");
	assert_string_equal(scan_all("ftp://wandb.ai/a/b/runs/x\n"), "");
	/* the project line first, then the run: the run is taken */
	assert_string_equal(
	    scan_all("wandb: ⭐️ View project at: https://wandb.ai/e/p\n"
	             "wandb: 🚀 View run r at: https://wandb.ai/e/p/runs/77\n"),
	    "https://wandb.ai/e/p/runs/77");
}

static void
test_ansi(void **state)
{
	(void) state;
	/* wandb colours its URLs */
	assert_string_equal(
	    scan_all(
	        "\x1b[34m\x1b[1mwandb\x1b[0m: 🚀 View run \x1b[33mr\x1b[0m "
	        "at: \x1b[34m\x1b[4mhttps://w.example/e/p/runs/"
	        "q1\x1b[0m\n"),
	    "https://w.example/e/p/runs/q1");
	/* an OSC 8 hyperlink around the text */
	assert_string_equal(
	    scan_all("View run at \x1b]8;;https://x\x07"
	             "https://wandb.ai/e/p/runs/o8\x1b]8;;\x1b\\\n"),
	    "https://wandb.ai/e/p/runs/o8");
	/* a colour code inside the URL */
	assert_string_equal(
	    scan_all("https://wandb.ai/e/p/\x1b[1mruns\x1b[0m/c0\n"),
	    "https://wandb.ai/e/p/runs/c0");
}

static void
test_split(void **state)
{
	const char *text = "epoch 1\rwandb: 🚀 View run r at: "
	                   "https://wandb.example.org/e/p/runs/splitme\n";
	size_t      n    = strlen(text);

	(void) state;
	/* every split point, including inside the emoji and the URL */
	for (size_t cut = 0; cut < n; cut++) {
		struct wandb_scan ws;
		char              url[WANDB_URL_MAX] = "";
		bool              found;

		wandb_scan_init(&ws);
		found = wandb_scan(&ws, text, cut, url, sizeof(url));
		assert_false(found); /* the line is open until its "\n" */
		found = wandb_scan(&ws, text + cut, n - cut, url, sizeof(url));
		assert_true(found);
		assert_string_equal(
		    url, "https://wandb.example.org/e/p/runs/splitme");
	}
	/* byte by byte */
	{
		struct wandb_scan ws;
		char              url[WANDB_URL_MAX] = "";
		size_t            hits               = 0;

		wandb_scan_init(&ws);
		for (size_t i = 0; i < n; i++) {
			hits += wandb_scan(&ws, text + i, 1, url, sizeof(url));
		}
		assert_int_equal(hits, 1);
		assert_string_equal(
		    url, "https://wandb.example.org/e/p/runs/splitme");
	}
}

static void
test_first_wins(void **state)
{
	struct wandb_scan ws;
	char              url[WANDB_URL_MAX];

	(void) state;
	assert_string_equal(
	    scan_all("rank0: https://wandb.ai/e/p/runs/first\n"
	             "rank1: https://wandb.ai/e/p/runs/second\n"),
	    "https://wandb.ai/e/p/runs/first");
	/* in later chunks too */
	wandb_scan_init(&ws);
	assert_false(wandb_scan(&ws, "loss 0.1\n", 9, url, sizeof(url)));
	assert_true(wandb_scan(&ws,
	    "https://wandb.ai/e/p/runs/a\nhttps://wandb.ai/e/p/runs/b\n", 56,
	    url, sizeof(url)));
	assert_string_equal(url, "https://wandb.ai/e/p/runs/a");
}

static void
test_long_lines(void **state)
{
	static char       big[3 * WANDB_SCAN_CARRY + 128];
	struct wandb_scan ws;
	char              url[WANDB_URL_MAX];

	(void) state;
	/* an endless progress line does not grow the state */
	memset(big, '#', sizeof(big) - 1);
	wandb_scan_init(&ws);
	assert_false(wandb_scan(&ws, big, strlen(big), url, sizeof(url)));
	assert_true(ws.ws_len <= WANDB_SCAN_CARRY);
	/* a URL at the end of a long line is still whole */
	assert_true(wandb_scan(
	    &ws, " https://wandb.ai/e/p/runs/z\n", 29, url, sizeof(url)));
	assert_string_equal(url, "https://wandb.ai/e/p/runs/z");
	/* a URL too long to keep is ignored, not cut */
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "https://wandb.ai/e/p/runs/", 26);
	big[sizeof(big) - 2] = '\n';
	assert_string_equal(scan_all(big), "");
}

static void
test_covers(void **state)
{
	/* a read of 100 bytes at 1000 of a 1100-byte file (its end) */
	struct logread_range r = { 1000, 100, 1100 };
	size_t               skip, len;

	(void) state;
	assert_true(logread_covers(&r, 1000, 64, &skip, &len));
	assert_int_equal(skip, 0);
	assert_int_equal(len, 64);
	assert_true(logread_covers(&r, 1050, 1000, &skip, &len));
	assert_int_equal(skip, 50);
	assert_int_equal(len, 50);
	/* at or past the end, which the read reached: nothing new */
	assert_true(logread_covers(&r, 1100, 1000, &skip, &len));
	assert_int_equal(len, 0);
	assert_true(logread_covers(&r, 5000, 1000, &skip, &len));
	assert_int_equal(len, 0);
	/* before the data */
	assert_false(logread_covers(&r, 999, 1000, &skip, &len));
	/* the tail: the last 100 (or fewer) bytes are there, 200 are not */
	assert_true(logread_covers(&r, -1, 100, &skip, &len));
	assert_int_equal(skip, 0);
	assert_int_equal(len, 100);
	assert_true(logread_covers(&r, -1, 10, &skip, &len));
	assert_int_equal(skip, 90);
	assert_int_equal(len, 10);
	assert_false(logread_covers(&r, -1, 200, &skip, &len));

	/* a read cut short by its size (the file goes on): only inside */
	r = (struct logread_range) { 0, 100, 5000 };
	assert_true(logread_covers(&r, 10, 1000, &skip, &len));
	assert_int_equal(len, 90);
	assert_false(logread_covers(&r, 100, 1000, &skip, &len));
	assert_false(logread_covers(&r, -1, 10, &skip, &len));

	/* a whole small file answers any tail */
	r = (struct logread_range) { 0, 30, 30 };
	assert_true(logread_covers(&r, -1, 65536, &skip, &len));
	assert_int_equal(skip, 0);
	assert_int_equal(len, 30);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_url),
		cmocka_unit_test(test_self_hosted),
		cmocka_unit_test(test_not_a_run),
		cmocka_unit_test(test_ansi),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_covers),
	};
	return cmocka_run_group_tests_name("logread", tests, NULL, NULL);
}
