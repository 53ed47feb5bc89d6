/*
 * The CLI's JSON building blocks: the error object of a failure, and the
 * text of `logs --json` chunks (valid UTF-8 whatever the bytes, and a
 * character cut by the end of a chunk held back for the next one).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output.h"

/* `obj` rendered on one line (without its "\n"); drops `obj`. */
static char *
render(json_object *obj)
{
	struct strbuf sb = STRBUF_INIT;
	char         *s;

	output_json_render(obj, true, &sb);
	json_object_put(obj);
	s                = strbuf_detach(&sb, NULL);
	s[strlen(s) - 1] = '\0';
	return s;
}

static void
check_text(const char *bytes, size_t len, const char *want)
{
	char *got = render(output_json_text(bytes, len));

	assert_string_equal(got, want);
	free(got);
}

static void
test_error_object(void **state)
{
	char *s;

	(void) state;
	s = render(output_error_json("EUSAGE", NULL, "missing command"));
	assert_string_equal(s,
	    "{\"error\":{\"code\":\"EUSAGE\",\"field\":null,"
	    "\"message\":\"missing command\"}}");
	free(s);
	s = render(output_error_json(
	    "EINVAL", "overrides", "launch: overrides: unknown key \"lrr\""));
	assert_string_equal(s,
	    "{\"error\":{\"code\":\"EINVAL\",\"field\":\"overrides\","
	    "\"message\":\"launch: overrides: unknown key \\\"lrr\\\"\"}}");
	free(s);
	/* an empty field is no field */
	s = render(output_error_json("ENOTFOUND", "", "no job 9"));
	assert_non_null(strstr(s, "\"field\":null"));
	free(s);
}

static void
test_utf8_whole(void **state)
{
	(void) state;
	assert_int_equal(output_utf8_whole("abc", 3), 3);
	assert_int_equal(output_utf8_whole("", 0), 0);
	/* é (C3 A9), whole and cut */
	assert_int_equal(output_utf8_whole("a\xC3\xA9", 3), 3);
	assert_int_equal(output_utf8_whole("a\xC3", 2), 1);
	/* € (E2 82 AC) and 🚀 (F0 9F 9A 80) cut after each byte */
	assert_int_equal(output_utf8_whole("x\xE2", 2), 1);
	assert_int_equal(output_utf8_whole("x\xE2\x82", 3), 1);
	assert_int_equal(output_utf8_whole("x\xE2\x82\xAC", 4), 4);
	assert_int_equal(output_utf8_whole("\xF0\x9F\x9A", 3), 0);
	assert_int_equal(output_utf8_whole("\xF0\x9F\x9A\x80", 4), 4);
	/* bytes no more bytes can complete are not held back */
	assert_int_equal(output_utf8_whole("a\xFF", 2), 2);
	assert_int_equal(output_utf8_whole("a\x80", 2), 2);
	assert_int_equal(output_utf8_whole("\xC3\x28", 2), 2);
	assert_int_equal(output_utf8_whole("\xE0\x80", 2), 2); /* overlong */
	assert_int_equal(output_utf8_whole("\xED\xA0", 2), 2); /* surrogate */
	assert_int_equal(output_utf8_whole("\xF4\x90", 2), 2); /* > U+10FFFF */
}

static void
test_json_text(void **state)
{
	(void) state;
	check_text("line 1\n", 7, "\"line 1\\n\"");
	check_text("h\xC3\xA9", 3, "\"h\xC3\xA9\"");
	/* carriage returns and escapes stay, escaped */
	check_text("a\rb\x1b[0m", 7, "\"a\\rb\\u001b[0m\"");
	/* NUL is a character like any other */
	check_text("a\0b", 3, "\"a\\u0000b\"");
	/* what is not UTF-8 is U+FFFD, byte by byte */
	check_text("a\xFF"
	           "b",
	    3,
	    "\"a\xEF\xBF\xBD"
	    "b\"");
	check_text("\xC3", 1, "\"\xEF\xBF\xBD\"");
	check_text("\xE2\x82", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
	check_text("\xC0\xAF", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_object),
		cmocka_unit_test(test_utf8_whole),
		cmocka_unit_test(test_json_text),
	};
	return cmocka_run_group_tests_name("cli output", tests, NULL, NULL);
}
