/*
 * logfmt: carriage-return progress bars collapse to their last state,
 * whatever the chunking, and the tail of a buffer is found by lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <mlops/logfmt.h>
#include <mlops/strbuf.h>

/* Feeds `text` in chunks of `step` bytes (0: one chunk); returns output. */
static char *
fmt_chunks(const char *text, size_t step, bool flush)
{
	struct mlops_logfmt lf;
	struct strbuf       out = STRBUF_INIT;
	size_t              n   = strlen(text);

	mlops_logfmt_init(&lf);
	if (step == 0) {
		step = n ? n : 1;
	}
	for (size_t i = 0; i < n; i += step) {
		mlops_logfmt_feed(
		    &lf, text + i, i + step <= n ? step : n - i, &out);
	}
	if (flush) {
		mlops_logfmt_flush(&lf, &out);
	}
	mlops_logfmt_fini(&lf);
	return strbuf_detach(&out, NULL);
}

/* The output must not depend on where the chunks split. */
static void
check(const char *text, bool flush, const char *want)
{
	for (size_t step = 0; step <= 7; step++) {
		char *got = fmt_chunks(text, step, flush);

		assert_string_equal(got, want);
		free(got);
	}
}

static void
test_plain(void **state)
{
	(void) state;
	check("", true, "");
	check("a\nb\n", true, "a\nb\n");
	check("a\n\nb\n", false, "a\n\nb\n");
	/* the open line waits for its newline, or for the flush */
	check("a\nopen", false, "a\n");
	check("a\nopen", true, "a\nopen");
}

static void
test_progress(void **state)
{
	(void) state;
	check(
	    "  0%|     |\r 50%|##   |\r100%|#####|\n", true, "100%|#####|\n");
	/* tqdm's last redraw then a newline; text after the bar */
	check("start\n 10%\r 20%\r 30%\rdone\nend\n", true,
	    "start\ndone\nend\n");
	/* CR LF is a plain line end, not a rewind */
	check("dos line\r\nnext\r\n", true, "dos line\nnext\n");
	check("a\r\r\n", true, "a\n");
	/* a bar still being drawn: only its last state, when flushed */
	check("epoch 1\n 10%\r 20%\r", false, "epoch 1\n");
	check("epoch 1\n 10%\r 20%\r", true, "epoch 1\n 20%");
	check("epoch 1\n 10%\r 20%", true, "epoch 1\n 20%");
	/* a shorter redraw shows only itself */
	check("long text here\rshort\n", true, "short\n");
}

static void
test_nul(void **state)
{
	struct mlops_logfmt lf;
	struct strbuf       out = STRBUF_INIT;

	(void) state;
	mlops_logfmt_init(&lf);
	mlops_logfmt_feed(&lf, "a\0b\n", 4, &out);
	assert_string_equal(strbuf_str(&out), "ab\n");
	assert_int_equal(out.len, 3);
	assert_false(mlops_logfmt_flush(&lf, &out));
	mlops_logfmt_fini(&lf);
	strbuf_fini(&out);
}

static void
test_long_line(void **state)
{
	struct mlops_logfmt lf;
	struct strbuf       out = STRBUF_INIT;
	size_t              n   = MLOPS_LOGFMT_LINE_MAX + 10;
	char               *big = malloc(n);

	(void) state;
	memset(big, 'x', n);
	mlops_logfmt_init(&lf);
	mlops_logfmt_feed(&lf, big, n, &out);
	/* let out before the newline: memory stays bounded */
	assert_int_equal(out.len, n);
	assert_int_equal(lf.lf_line.len, 0);
	mlops_logfmt_feed(&lf, "\n", 1, &out);
	assert_int_equal(out.len, n + 1);
	mlops_logfmt_fini(&lf);
	strbuf_fini(&out);
	free(big);
}

static void
test_tail_start(void **state)
{
	const char *t = "one\ntwo\nthree\n";
	bool        enough;

	(void) state;
	assert_int_equal(mlops_logfmt_tail_start(t, strlen(t), 1, &enough), 8);
	assert_true(enough);
	assert_int_equal(mlops_logfmt_tail_start(t, strlen(t), 2, &enough), 4);
	assert_true(enough);
	/* three lines: all of it, but nothing proves a line starts at 0 */
	assert_int_equal(mlops_logfmt_tail_start(t, strlen(t), 3, &enough), 0);
	assert_false(enough);
	assert_int_equal(mlops_logfmt_tail_start(t, strlen(t), 9, &enough), 0);
	assert_false(enough);
	assert_int_equal(
	    mlops_logfmt_tail_start(t, strlen(t), 0, &enough), strlen(t));
	assert_true(enough);
	/* an open last line counts as a line */
	assert_int_equal(mlops_logfmt_tail_start("a\nb\nc", 5, 2, &enough), 2);
	assert_true(enough);
	assert_int_equal(mlops_logfmt_tail_start("", 0, 3, &enough), 0);
	assert_false(enough);
	/* empty lines are lines */
	assert_int_equal(mlops_logfmt_tail_start("a\n\n\n", 4, 2, &enough), 2);
	assert_true(enough);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_tail_start),
	};
	return cmocka_run_group_tests_name("logfmt", tests, NULL, NULL);
}
