/*
 * hydra_syntax: multirun expansion (comma lists, range() with ints and floats,
 * choice()), the cartesian product in the basic sweeper's order, the task
 * cap, quoting of values that contain commas, and the refused functions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/hydra_syntax.h>
#include <mlops/strbuf.h>

static struct hydra_sweep *
sweep_ok(const char *const *args, size_t n, size_t max)
{
	struct hydra_sweep *sw  = NULL;
	struct mlops_error  err = { 0 };
	int                 rc  = hydra_sweep_expand(&sw, args, n, max, &err);

	if (rc != 0) {
		print_error("%d %s\n", rc, err.msg);
	}
	assert_int_equal(rc, 0);
	assert_non_null(sw);
	return sw;
}

/* Task i as "a b c". */
static char *
task_text(const struct hydra_sweep *sw, size_t i)
{
	struct strbuf      sb = STRBUF_INIT;
	size_t             n;
	const char *const *ovs = hydra_sweep_task(sw, i, &n);

	strbuf_init(&sb);
	strbuf_puts(&sb, "");
	for (size_t j = 0; j < n; j++) {
		strbuf_printf(&sb, "%s%s", j ? " " : "", ovs[j]);
	}
	return strbuf_detach(&sb, NULL);
}

static void
expect_tasks(
    const char *const *args, size_t n, const char *const *want, size_t nwant)
{
	struct hydra_sweep *sw = sweep_ok(args, n, 1000);

	assert_int_equal(hydra_sweep_ntasks(sw), nwant);
	for (size_t i = 0; i < nwant; i++) {
		char *t = task_text(sw, i);

		assert_string_equal(t, want[i]);
		free(t);
	}
	hydra_sweep_free(sw);
}

static void
expect_error(const char *const *args, size_t n, size_t max, const char *msg)
{
	struct hydra_sweep *sw  = NULL;
	struct mlops_error  err = { 0 };

	assert_int_equal(
	    hydra_sweep_expand(&sw, args, n, max, &err), MLOPS_EINVAL);
	assert_null(sw);
	assert_string_equal(err.field, "overrides");
	assert_string_equal(err.msg, msg);
}

static void
test_product_order(void **state)
{
	const char *const args[]
	    = { "lr=0.1,0.01", "model=small,large", "seed=range(0,3)" };
	const char *const want[] = {
		"lr=0.1 model=small seed=0",
		"lr=0.1 model=small seed=1",
		"lr=0.1 model=small seed=2",
		"lr=0.1 model=large seed=0",
		"lr=0.1 model=large seed=1",
		"lr=0.1 model=large seed=2",
		"lr=0.01 model=small seed=0",
		"lr=0.01 model=small seed=1",
		"lr=0.01 model=small seed=2",
		"lr=0.01 model=large seed=0",
		"lr=0.01 model=large seed=1",
		"lr=0.01 model=large seed=2",
	};

	(void) state;
	expect_tasks(args, 3, want, 12);
}

/* Plain overrides go to every task, in their place. */
static void
test_plain_overrides(void **state)
{
	const char *const args[] = { "trainer.devices=2", "model=a,b",
		"+tag=x", "~debug", "optimizer=adam" };
	const char *const want[] = {
		"trainer.devices=2 model=a +tag=x ~debug optimizer=adam",
		"trainer.devices=2 model=b +tag=x ~debug optimizer=adam",
	};
	const char *const   none[] = { NULL };
	struct hydra_sweep *sw;
	size_t              n = 99;

	(void) state;
	expect_tasks(args, 5, want, 2);
	sw = sweep_ok(none, 0, 10);
	assert_int_equal(hydra_sweep_ntasks(sw), 1);
	assert_non_null(hydra_sweep_task(sw, 0, &n));
	assert_int_equal(n, 0);
	assert_null(hydra_sweep_task(sw, 1, &n));
	hydra_sweep_free(sw);
}

static void
test_ranges(void **state)
{
	const char *const a1[] = { "x=range(0,5,2)" };
	const char *const w1[] = { "x=0", "x=2", "x=4" };
	const char *const a2[] = { "x=range(3,0,-1)" };
	const char *const w2[] = { "x=3", "x=2", "x=1" };
	const char *const a3[] = { "x=range(0,1,0.25)" };
	const char *const w3[] = { "x=0.0", "x=0.25", "x=0.5", "x=0.75" };
	const char *const a4[] = { "x=range(0,10,3.3)" };
	const char *const w4[] = { "x=0.0", "x=3.3", "x=6.6", "x=9.9" };
	const char *const a5[] = { "x=range(1.0, 3)" };
	const char *const w5[] = { "x=1.0", "x=2.0" };
	const char *const a6[] = { "x=range(start=1,stop=4,step=2)" };
	const char *const w6[] = { "x=1", "x=3" };
	const char *const a7[] = { "x=range(0,0.3,0.1)" };
	const char *const w7[] = { "x=0.0", "x=0.1", "x=0.2" };
	const char *const a8[] = { "+x=range(1_000,1_002)" };
	const char *const w8[] = { "+x=1000", "+x=1001" };

	(void) state;
	expect_tasks(a1, 1, w1, 3);
	expect_tasks(a2, 1, w2, 3);
	expect_tasks(a3, 1, w3, 4);
	expect_tasks(a4, 1, w4, 4);
	expect_tasks(a5, 1, w5, 2);
	expect_tasks(a6, 1, w6, 2);
	expect_tasks(a7, 1, w7, 3);
	expect_tasks(a8, 1, w8, 2);
}

static void
test_choice_and_quoting(void **state)
{
	const char *const a1[] = { "model=choice(small, large)" };
	const char *const w1[] = { "model=small", "model=large" };
	const char *const a2[] = { "tag=\"a,b\",c,'d e'" };
	const char *const w2[] = { "tag=\"a,b\"", "tag=c", "tag='d e'" };
	const char *const a3[] = { "x=[1,2],[3,4]", "d={a:1,b:2},{c:3}" };
	const char *const w3[] = {
		"x=[1,2] d={a:1,b:2}",
		"x=[1,2] d={c:3}",
		"x=[3,4] d={a:1,b:2}",
		"x=[3,4] d={c:3}",
	};
	const char *const a4[] = { "tag=a\\,b,c", "path=\"x,y\"" };
	const char *const w4[]
	    = { "tag=a\\,b path=\"x,y\"", "tag=c path=\"x,y\"" };
	const char *const a5[] = { "db@backup=mysql,postgres" };
	const char *const w5[] = { "db@backup=mysql", "db@backup=postgres" };

	(void) state;
	expect_tasks(a1, 1, w1, 2);
	expect_tasks(a2, 1, w2, 3);
	expect_tasks(a3, 2, w3, 4);
	expect_tasks(a4, 2, w4, 2);
	expect_tasks(a5, 1, w5, 2);
}

/* A key given twice keeps its first place and its last values. */
static void
test_repeated_key(void **state)
{
	const char *const args[] = { "a=1,2", "b=x", "a=3,4", "+a=5" };
	const char *const want[] = { "a=3 b=x +a=5", "a=4 b=x +a=5" };

	(void) state;
	expect_tasks(args, 4, want, 2);
}

static void
test_cap(void **state)
{
	const char *const args[]
	    = { "a=range(0,10)", "b=range(0,10)", "c=range(0,10)" };
	const char *const   big[]  = { "a=range(0,1000000000)" };
	const char *const   wide[] = { "a=1,2,3,4,5" };
	struct hydra_sweep *sw;

	(void) state;
	expect_error(args, 3, 100,
	    "overrides: the sweep expands to 1000 tasks, more than the limit "
	    "of 100");
	expect_error(big, 1, 1000,
	    "overrides: the sweep expands to more than the limit of 1000 "
	    "tasks");
	expect_error(wide, 1, 4,
	    "overrides: the sweep expands to more than the limit of 4 tasks");
	sw = sweep_ok(args, 3, 1000);
	assert_int_equal(hydra_sweep_ntasks(sw), 1000);
	hydra_sweep_free(sw);
}

static void
test_refused(void **state)
{
	const char *const g[] = { "model=glob(*)" };
	const char *const i[] = { "lr=interval(0,1)" };
	const char *const e[] = { "x=range(0,0)" };
	const char *const z[] = { "x=range(0,3,0)" };
	const char *const s[] = { "x=range(a,3)" };
	const char *const n[] = { "x=range(1)" };
	const char *const q[] = { "x=choice(range(0,2),3)" };
	const char *const p[] = { "x='unterminated" };
	const char *const f[] = { "x=range(0,1,0.0)" };
	const char *const k[] = { "x=range(0,3,foo=1)" };

	(void) state;
	expect_error(g, 1, 10,
	    "overrides: model=glob(*): glob() is not supported; list the "
	    "options instead (model=a,b)");
	expect_error(i, 1, 10,
	    "overrides: lr=interval(0,1): interval() cannot be expanded; use "
	    "a comma list, choice() or range()");
	expect_error(e, 1, 10, "overrides: x=range(0,0): the range is empty");
	expect_error(
	    z, 1, 10, "overrides: x=range(0,3,0): range() step must not be 0");
	expect_error(s, 1, 10,
	    "overrides: x=range(a,3): range() takes numbers, not 'a'");
	expect_error(n, 1, 10,
	    "overrides: x=range(1): range() takes start, stop and an "
	    "optional step");
	expect_error(q, 1, 10,
	    "overrides: x=choice(range(0,2),3): a sweep inside a sweep is "
	    "not supported");
	expect_error(
	    p, 1, 10, "overrides: x='unterminated: unterminated quoted value");
	expect_error(f, 1, 10,
	    "overrides: x=range(0,1,0.0): invalid range values (start 0, "
	    "stop 1, step 0.0)");
	expect_error(k, 1, 10,
	    "overrides: x=range(0,3,foo=1): range() has no argument 'foo'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_product_order),
		cmocka_unit_test(test_plain_overrides),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_choice_and_quoting),
		cmocka_unit_test(test_repeated_key),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
