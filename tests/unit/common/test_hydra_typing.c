/*
 * hydra_syntax: how Hydra's override lexer types an unquoted value, what
 * a string's own type is, and which words read as bools.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <mlops/hydra_syntax.h>

static void
test_primitive_type(void **state)
{
	static const struct {
		const char     *text;
		enum hydra_type type;
	} cases[] = {
		{ "42", HYDRA_TYPE_INT },
		{ "-7", HYDRA_TYPE_INT },
		{ "1_000", HYDRA_TYPE_INT },
		{ "0", HYDRA_TYPE_INT },
		{ "010", HYDRA_TYPE_STRING }, /* not octal for Hydra */
		{ "3.", HYDRA_TYPE_FLOAT },
		{ ".5", HYDRA_TYPE_FLOAT },
		{ "1e-3", HYDRA_TYPE_FLOAT },
		{ "-inf", HYDRA_TYPE_FLOAT },
		{ "NaN", HYDRA_TYPE_FLOAT },
		{ "true", HYDRA_TYPE_BOOL },
		{ "False", HYDRA_TYPE_BOOL },
		{ "yes", HYDRA_TYPE_STRING }, /* a bool in YAML only */
		{ "null", HYDRA_TYPE_NULL },
		{ "NULL", HYDRA_TYPE_NULL },
		{ "adam", HYDRA_TYPE_STRING },
		{ "1.2.3", HYDRA_TYPE_STRING },
		{ "???", HYDRA_TYPE_MISSING },
		{ "${model.lr}", HYDRA_TYPE_INTERPOLATION },
		{ "", HYDRA_TYPE_STRING },
	};

	(void) state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (hydra_primitive_type(cases[i].text) != cases[i].type) {
			fail_msg("%s: type %d, want %d", cases[i].text,
			    (int) hydra_primitive_type(cases[i].text),
			    (int) cases[i].type);
		}
	}
}

static void
test_string_type(void **state)
{
	(void) state;
	assert_int_equal(hydra_string_type("42"), HYDRA_TYPE_STRING);
	assert_int_equal(hydra_string_type("???"), HYDRA_TYPE_MISSING);
	assert_int_equal(
	    hydra_string_type("a ${b} c"), HYDRA_TYPE_INTERPOLATION);
	assert_int_equal(hydra_string_type("$b"), HYDRA_TYPE_STRING);
}

static void
test_parse_bool(void **state)
{
	bool b = false;

	(void) state;
	assert_true(hydra_parse_bool("Yes", &b) && b);
	assert_true(hydra_parse_bool("off", &b) && !b);
	assert_true(hydra_parse_bool("TRUE", &b) && b);
	assert_true(hydra_parse_bool("No", &b) && !b);
	assert_true(hydra_parse_bool("ON", &b) && b);
	assert_true(hydra_parse_bool("false", &b) && !b);
	/* anything else leaves *out alone */
	b = true;
	assert_false(hydra_parse_bool("1", &b));
	assert_false(hydra_parse_bool("", &b));
	assert_false(hydra_parse_bool("y", &b));
	assert_false(hydra_parse_bool(NULL, &b));
	assert_true(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primitive_type),
		cmocka_unit_test(test_string_type),
		cmocka_unit_test(test_parse_bool),
	};
	return cmocka_run_group_tests_name("hydra_typing", tests, NULL, NULL);
}
