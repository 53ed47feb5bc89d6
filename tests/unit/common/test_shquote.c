/*
 * shquote: every argument survives a real sh (dash) and bash byte for
 * byte, and nothing in it is ever executed, as a whole argv or as the
 * words after a command name (shquote_args).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include <mlops/shquote.h>
#include "testutil.h"

struct shq_fixture {
	char  *dir;   /* scratch dir; side effects would land here */
	char  *pwned; /* dir/pwned: must never exist */
	char  *args[64];
	size_t n_args;
};

static int
shq_setup(void **state)
{
	struct shq_fixture *f = xcalloc(1, sizeof(*f));

	f->dir   = testutil_mkdtemp("shquote");
	f->pwned = xasprintf("%s/pwned", f->dir);
	*state   = f;
	return f->dir == NULL ? -1 : 0;
}

static int
shq_teardown(void **state)
{
	struct shq_fixture *f = *state;

	for (size_t i = 0; i < f->n_args; i++) {
		free(f->args[i]);
	}
	testutil_rmtree(f->dir);
	free(f->dir);
	free(f->pwned);
	free(f);
	return 0;
}

static void shq_add(struct shq_fixture *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
shq_add(struct shq_fixture *f, const char *fmt, ...)
{
	va_list ap;

	assert_true(f->n_args < sizeof(f->args) / sizeof(f->args[0]) - 1);
	va_start(ap, fmt);
	f->args[f->n_args++] = xvasprintf(fmt, ap);
	va_end(ap);
}

/* The hostile arguments, each of which touches f->pwned if it is ever
 * interpreted by the shell instead of passed as data. */
static void
shq_add_hostile(struct shq_fixture *f)
{
	const char *p = f->pwned;

	shq_add(f, "$(touch %s)", p);
	shq_add(f, "`touch %s`", p);
	shq_add(f, "; touch %s", p);
	shq_add(f, "x && touch %s", p);
	shq_add(f, "x || touch %s", p);
	shq_add(f, "| touch %s", p);
	shq_add(f, "\ntouch %s\n", p);
	shq_add(f, "'; touch %s; '", p);
	shq_add(f, "\"; touch %s; \"", p);
	shq_add(f, "\"$(touch %s)\"", p);
	shq_add(f, "'$(touch %s)'", p);
	shq_add(f, "\\'$(touch %s)\\'", p);
	shq_add(f, "${IFS}$(touch${IFS}%s)", p);
	shq_add(f, "> %s", p);
	shq_add(f, "& touch %s &", p);
	shq_add(f, "$((1+1))");
	shq_add(f, "$HOME ${PATH} $0 $1 $@ $* $# $? $$ $!");
	shq_add(f, "it's");
	shq_add(f, "'");
	shq_add(f, "''");
	shq_add(f, "\"");
	shq_add(f, "\\");
	shq_add(f, "\\n");
	shq_add(f, "*");
	shq_add(f, "/*");
	shq_add(f, "?");
	shq_add(f, "[a-z]*");
	shq_add(f, "{a,b}");
	shq_add(f, "~");
	shq_add(f, "~root/x");
	shq_add(f, "a b  c");
	shq_add(f, " leading and trailing ");
	shq_add(f, "tab\there");
	shq_add(f, "%s", "");
	shq_add(f, "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac");
	shq_add(f, "\xff\xfe invalid utf-8");
	shq_add(f, "-n");
	shq_add(f, "-e");
	shq_add(f, "--");
	shq_add(f, "--gres=gpu:a100:1");
	shq_add(f, "#not a comment");
	shq_add(f, "!event");
	shq_add(f, "FOO=bar");
	shq_add(f, "lr=0.1,0.01");
	shq_add(f, "x==ls");
	shq_add(f, "=ls");
	shq_add(f, "\x01\x1b[31mctl\x7f");
	shq_add(f, "plain_word-1.2/x:y@z%%+,");
}

/*
 * The command line `printf '%s\0' ARGS...` built with shquote_argv, or
 * with `as_args`, "printf '%s\0' " and the ARGS from shquote_args.
 */
static char *
shq_printf_cmd(struct shq_fixture *f, size_t from, size_t n, bool as_args)
{
	const char  **argv = xcalloc(n + 3, sizeof(*argv));
	struct strbuf sb   = STRBUF_INIT;
	char         *cmd;

	argv[0] = "printf";
	argv[1] = "%s\\0";
	for (size_t i = 0; i < n; i++) {
		argv[2 + i] = f->args[from + i];
	}
	if (as_args) {
		strbuf_puts(&sb, "printf '%s\\0' ");
		shquote_args(&sb, argv + 2, n);
		cmd = strbuf_detach(&sb, NULL);
	} else {
		cmd = shquote_argv(argv);
	}
	free(argv);
	assert_non_null(cmd);
	return cmd;
}

/* Runs `cmdline` through popen() (that is, /bin/sh -c) and returns all
 * bytes it printed. */
static char *
shq_popen(const char *cmdline, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char          buf[4096];
	size_t        n;
	FILE         *fp;
	int           st;

	fp = popen(cmdline, "r");
	assert_non_null(fp);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		strbuf_append(&sb, buf, n);
	}
	st = pclose(fp);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	return strbuf_detach(&sb, len);
}

/* Runs `cmd` under `shell -c` (shell: "sh" or "bash"). For sh that is
 * popen(cmd) itself; for bash the command is quoted once more as the
 * argument of `bash -c`, which also checks that quoting nests. */
static char *
shq_run(const char *shell, const char *cmd, size_t *len)
{
	const char *argv[] = { shell, "-c", cmd, NULL };
	char       *line, *outp;

	if (strcmp(shell, "sh") == 0) {
		return shq_popen(cmd, len);
	}
	line = shquote_argv(argv);
	outp = shq_popen(line, len);
	free(line);
	return outp;
}

static void
shq_assert_round_trip_as(struct shq_fixture *f, const char *shell, size_t from,
    size_t n, bool as_args)
{
	char       *cmd = shq_printf_cmd(f, from, n, as_args);
	size_t      len, off = 0;
	char       *got = shq_run(shell, cmd, &len);
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		const char *want = f->args[from + i];
		size_t      wl   = strlen(want);

		if (off + wl + 1 > len || memcmp(got + off, want, wl) != 0
		    || got[off + wl] != '\0') {
			fail_msg("%s: argument %zu (%s) came back changed; "
			         "command: %s",
			    shell, from + i, want, cmd);
		}
		off += wl + 1;
	}
	assert_int_equal(off, len);
	if (stat(f->pwned, &st) == 0) {
		fail_msg("%s executed part of an argument: %s", shell, cmd);
	}
	free(got);
	free(cmd);
}

static void
shq_assert_round_trip(
    struct shq_fixture *f, const char *shell, size_t from, size_t n)
{
	shq_assert_round_trip_as(f, shell, from, n, false);
	shq_assert_round_trip_as(f, shell, from, n, true);
}

static void
test_shquote_golden(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "abc", "abc" },
		{ "", "''" },
		{ "a b", "'a b'" },
		{ "it's", "'it'\\''s'" },
		{ "'", "''\\'''" },
		{ "--gres=gpu:a100:1", "--gres=gpu:a100:1" },
		{ "-n", "-n" },
		{ "/work/x-1.2/f_g.py", "/work/x-1.2/f_g.py" },
		{ "FOO=bar", "'FOO=bar'" },
		{ "_x1=2", "'_x1=2'" },
		{ "1x=2", "1x=2" },
		{ "=ls", "'=ls'" },
		{ "x==ls", "'x==ls'" },
		{ "a.b==ls", "'a.b==ls'" },
		{ "1x=a=b", "1x=a=b" },
		{ "~", "'~'" },
		{ "$(id)", "'$(id)'" },
		{ "a\nb", "'a\nb'" },
	};
	struct strbuf sb = STRBUF_INIT;

	(void) state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&sb);
		shquote_arg(&sb, cases[i].in);
		assert_string_equal(strbuf_str(&sb), cases[i].want);
	}
	strbuf_reset(&sb);
	shquote_arg(&sb, NULL);
	assert_string_equal(strbuf_str(&sb), "''");
	strbuf_fini(&sb);
}

static void
test_shquote_argv_join(void **state)
{
	const char *argv[]  = { "sbatch", "--parsable", "a b", "", NULL };
	const char *empty[] = { NULL };
	char       *s;

	(void) state;
	s = shquote_argv(argv);
	assert_string_equal(s, "sbatch --parsable 'a b' ''");
	free(s);
	assert_null(shquote_argv(NULL));
	assert_null(shquote_argv(empty));
}

/* After a command name, NAME=value is a plain word and stays unquoted. */
static void
test_shquote_args_golden(void **state)
{
	const char   *v[] = { "lr=0.1", "trainer.max_epochs=3", "tag=my run",
		  "+x=$(id)", "x==ls", "=ls", "", NULL, "it's", "~a=b" };
	struct strbuf sb  = STRBUF_INIT;

	(void) state;
	shquote_args(&sb, v, sizeof(v) / sizeof(v[0]));
	assert_string_equal(strbuf_str(&sb),
	    "lr=0.1 trainer.max_epochs=3 'tag=my run' '+x=$(id)' 'x==ls' "
	    "'=ls' '' '' 'it'\\''s' '~a=b'");
	strbuf_reset(&sb);
	shquote_args(&sb, v, 0);
	assert_string_equal(strbuf_str(&sb), "");
	strbuf_fini(&sb);
}

static void
test_shquote_round_trip_each(void **state)
{
	struct shq_fixture *f = *state;

	shq_add_hostile(f);
	for (size_t i = 0; i < f->n_args; i++) {
		shq_assert_round_trip(f, "sh", i, 1);
		shq_assert_round_trip(f, "bash", i, 1);
	}
}

static void
test_shquote_round_trip_all(void **state)
{
	struct shq_fixture *f = *state;

	shq_add_hostile(f);
	shq_assert_round_trip(f, "sh", 0, f->n_args);
	shq_assert_round_trip(f, "bash", 0, f->n_args);
}

/* An assignment-looking first word must run as a command, not set a
 * variable: `FOO=bar` unquoted would exit 0 silently. */
static void
test_shquote_assignment_is_a_command(void **state)
{
	const char *argv[] = { "FOO=bar", NULL };
	char       *cmd    = shquote_argv(argv);
	char       *line;

	(void) state;
	line = xasprintf("%s 2>/dev/null", cmd);
	assert_int_equal(testutil_sh("%s", line), 127);
	free(line);
	free(cmd);
}

/* Random bytes 1..255: whatever the input, one word, same bytes back. */
static void
test_shquote_random_bytes(void **state)
{
	struct shq_fixture *f    = *state;
	uint32_t            seed = 12345;

	for (int round = 0; round < 40; round++) {
		for (size_t i = 0; i < 8; i++) {
			size_t n   = (seed >> 8) % 200;
			char  *arg = xmalloc(n + 1);

			for (size_t j = 0; j < n; j++) {
				seed   = seed * 1103515245u + 12345u;
				arg[j] = (char) (1 + (seed >> 16) % 255);
			}
			arg[n]               = '\0';
			f->args[f->n_args++] = arg;
		}
		shq_assert_round_trip(f, "sh", f->n_args - 8, 8);
		shq_assert_round_trip(f, "bash", f->n_args - 8, 8);
		for (size_t i = f->n_args - 8; i < f->n_args; i++) {
			free(f->args[i]);
		}
		f->n_args -= 8;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shquote_golden),
		cmocka_unit_test(test_shquote_argv_join),
		cmocka_unit_test(test_shquote_args_golden),
		cmocka_unit_test_setup_teardown(
		    test_shquote_round_trip_each, shq_setup, shq_teardown),
		cmocka_unit_test_setup_teardown(
		    test_shquote_round_trip_all, shq_setup, shq_teardown),
		cmocka_unit_test(test_shquote_assignment_is_a_command),
		cmocka_unit_test_setup_teardown(
		    test_shquote_random_bytes, shq_setup, shq_teardown),
	};

	return cmocka_run_group_tests_name("shquote", tests, NULL, NULL);
}
