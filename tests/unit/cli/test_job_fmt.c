/*
 * job_fmt: a job's state as the CLI shows it (--json "state" stays the
 * name scripts know, from the wire enum or, from a daemon before protocol
 * 1.4, from the name), which states are ended, the exit status of an
 * ended job, and overrides as shell words (common's quoting) that sh and
 * bash read back unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <mlops/job_state.h>
#include <mlops/strbuf.h>
#include <mlops/types.h>
#include <mlops/xmalloc.h>

#include "cmd.h"
#include "output.h"
#include "testutil.h"

/* The JSON of `j`'s member `key` as a string ("" for null). */
static char *
json_member(const Mlops__Job *j, const char *key)
{
	json_object *o = job_fmt_json(j, false);
	json_object *v = json_object_object_get(o, key);
	char        *s = strdup(v != NULL ? json_object_get_string(v) : "");

	json_object_put(o);
	return s;
}

static void
test_state_names(void **state)
{
	(void) state;
	for (int s = 0; s < JOB_STATE_COUNT; s++) {
		Mlops__Job j = MLOPS__JOB__INIT;
		char       buf[64];
		char      *got;

		j.job_state = mlops_job_state_to_wire(s);
		got         = json_member(&j, "state");
		assert_string_equal(got, job_state_name(s));
		free(got);
		got = json_member(&j, "terminal");
		assert_string_equal(
		    got, job_state_terminal(s) ? "true" : "false");
		free(got);
		assert_int_equal(job_fmt_terminal(&j), job_state_terminal(s));
		assert_string_equal(job_fmt_state(buf, sizeof(buf), &j, true),
		    job_state_name(s));
	}
}

/* A daemon before 1.4 sends the name only; a newer one may send a state
 * this client does not know, whose name is shown as it is. */
static void
test_old_and_new_daemons(void **state)
{
	Mlops__Job j = MLOPS__JOB__INIT;
	char       buf[64];
	char      *got;

	(void) state;
	j.state = "TIMEOUT";
	got     = json_member(&j, "state");
	assert_string_equal(got, "TIMEOUT");
	free(got);
	assert_true(job_fmt_terminal(&j));

	j.job_state = (Mlops__JobState) (JOB_STATE_COUNT + 1);
	j.state     = "REBOOTING";
	got         = json_member(&j, "state");
	assert_string_equal(got, "REBOOTING");
	free(got);
	assert_false(job_fmt_terminal(&j));

	j.job_state = MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED;
	j.state     = "";
	got         = json_member(&j, "state");
	assert_string_equal(got, ""); /* null, as before */
	free(got);
	assert_string_equal(
	    job_fmt_state(buf, sizeof(buf), &j, true), "UNKNOWN");
}

static void
test_reason(void **state)
{
	Mlops__Job j = MLOPS__JOB__INIT;
	char       buf[64];

	(void) state;
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_PENDING;
	j.reason    = "Resources";
	assert_string_equal(
	    job_fmt_state(buf, sizeof(buf), &j, false), "PENDING (Resources)");
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_RUNNING;
	assert_string_equal(
	    job_fmt_state(buf, sizeof(buf), &j, false), "RUNNING");
	assert_string_equal(
	    job_fmt_state(buf, sizeof(buf), &j, true), "RUNNING (Resources)");
}

static void
test_exit_status(void **state)
{
	Mlops__Job j = MLOPS__JOB__INIT;

	(void) state;
	j.exit_code = -1;
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_COMPLETED;
	assert_int_equal(job_fmt_exit_status(&j), CLI_EXIT_OK);
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_CANCELLED;
	assert_int_equal(job_fmt_exit_status(&j), CLI_EXIT_ERROR);
	j.exit_code = 3;
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_FAILED;
	assert_int_equal(job_fmt_exit_status(&j), 3);
	/* a daemon before 1.4 */
	j.exit_code = -1;
	j.job_state = MLOPS__JOB_STATE__JOB_STATE_UNSPECIFIED;
	j.state     = "COMPLETED";
	assert_int_equal(job_fmt_exit_status(&j), CLI_EXIT_OK);
}

/* `job show` prints overrides as the words after `mlops launch P --`. */
static void
test_overrides_golden(void **state)
{
	char         *v[] = { "model=large", "trainer.devices=1",
		        "+run.note=two words", "optimizer=sgd", "x=$HOME", "" };
	struct strbuf sb  = STRBUF_INIT;

	(void) state;
	job_fmt_argv(&sb, v, sizeof(v) / sizeof(v[0]));
	assert_string_equal(strbuf_str(&sb),
	    "model=large trainer.devices=1 '+run.note=two words' "
	    "optimizer=sgd 'x=$HOME' ''");
	strbuf_fini(&sb);
}

/*
 * Pasted after a command name, the overrides reach it unchanged in sh and
 * bash, and nothing in them runs: $(...), backticks, ;, |, newlines and
 * quotes included.
 */
static void
test_overrides_shell(void **state)
{
	char         *dir   = testutil_mkdtemp("job-fmt");
	char         *pwned = xasprintf("%s/pwned", dir);
	char         *w[16];
	size_t        n        = 0;
	const char   *shells[] = { "sh", "bash" };
	Mlops__Job    j        = MLOPS__JOB__INIT;
	struct strbuf sb       = STRBUF_INIT;

	(void) state;
	w[n++]        = xasprintf("a=$(touch${IFS}%s)", pwned);
	w[n++]        = xasprintf("b=`touch %s`", pwned);
	w[n++]        = xasprintf("c=1;touch${IFS}%s", pwned);
	w[n++]        = xasprintf("d=1|touch${IFS}%s", pwned);
	w[n++]        = xstrdup("e=line one\nline two");
	w[n++]        = xstrdup("f=it's \"quoted\" \\ here");
	w[n++]        = xstrdup("g=$HOME^x");
	w[n++]        = xstrdup("lr=0.1,0.01");
	w[n++]        = xstrdup("=ls");
	w[n++]        = xstrdup("x==ls");
	w[n++]        = xstrdup("");
	j.overrides   = w;
	j.n_overrides = n;
	job_fmt_overrides(&sb, &j);
	for (size_t s = 0; s < 2; s++) {
		size_t len, off = 0;
		char  *got
		    = testutil_sh_words(shells[s], strbuf_str(&sb), &len);

		assert_non_null(got);
		for (size_t i = 0; i < n; i++) {
			size_t wl = strlen(w[i]);

			if (off + wl + 1 > len
			    || memcmp(got + off, w[i], wl) != 0
			    || got[off + wl] != '\0') {
				fail_msg("%s changed override %zu (%s) of: %s",
				    shells[s], i, w[i], strbuf_str(&sb));
			}
			off += wl + 1;
		}
		assert_int_equal(off, len);
		free(got);
	}
	assert_int_not_equal(access(pwned, F_OK), 0);
	for (size_t i = 0; i < n; i++) {
		free(w[i]);
	}
	strbuf_fini(&sb);
	testutil_rmtree(dir);
	free(dir);
	free(pwned);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_old_and_new_daemons),
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_overrides_golden),
		cmocka_unit_test(test_overrides_shell),
	};
	return cmocka_run_group_tests_name("job_fmt", tests, NULL, NULL);
}
