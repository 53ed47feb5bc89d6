/*
 * The Launch form's Hydra view-model without a display: fields from a
 * ProjectConfigReply shaped like tests/fixtures/hydra/ml, overrides from
 * changed values only, Hydra's quoting, mandatory detection, the task
 * count of a sweep (comma lists, range(), choice()), the field a daemon
 * error names, and the overrides shown as shell words that sh, bash and
 * the form's own splitter read back unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <mlops/xmalloc.h>

#include "mlops-hydra-model.h"
#include "mlops-hydra-syntax.h"
#include "mlops-model.h"
#include "testutil.h"

/* A reply on the stack with borrowed strings. */
struct treply {
	Mlops__ProjectConfigReply r;
	Mlops__HydraGroup         g[8];
	Mlops__HydraGroup        *gp[8];
	Mlops__HydraValue         v[16];
	Mlops__HydraValue        *vp[16];
};

static char *model_opts[]   = { "large", "small" };
static char *encoder_opts[] = { "cnn", "vit" };
static char *opt_opts[]     = { "adam", "sgd" };
static char *trainer_opts[] = { "cpu", "default" };
static char *exp_opts[]     = { "big" };
static char *db_opts[]      = { "mysql", "pg" };
static char *launch_opts[]  = { "slurm" };

static void
tgroup(struct treply *t, const char *key, const char *group, char **opts,
    size_t n, const char *choice, bool optional, bool mandatory)
{
	Mlops__HydraGroup init = MLOPS__HYDRA_GROUP__INIT;
	size_t            i    = t->r.n_groups++;

	t->g[i]           = init;
	t->g[i].key       = (char *) key;
	t->g[i].group     = (char *) group;
	t->g[i].options   = opts;
	t->g[i].n_options = n;
	t->g[i].choice    = (char *) choice;
	t->g[i].optional  = optional;
	t->g[i].mandatory = mandatory;
	t->gp[i]          = &t->g[i];
}

static void
tvalue(struct treply *t, const char *key, const char *type, const char *value,
    const char *file, unsigned line)
{
	Mlops__HydraValue init = MLOPS__HYDRA_VALUE__INIT;
	size_t            i    = t->r.n_values++;

	t->v[i]           = init;
	t->v[i].key       = (char *) key;
	t->v[i].type      = (char *) type;
	t->v[i].value     = (char *) value;
	t->v[i].file      = (char *) file;
	t->v[i].line      = line;
	t->v[i].mandatory = strcmp(type, "missing") == 0;
	t->vp[i]          = &t->v[i];
}

static struct mlops_hydra_model *
tmodel(struct treply *t)
{
	Mlops__ProjectConfigReply init = MLOPS__PROJECT_CONFIG_REPLY__INIT;

	memset(t, 0, sizeof(*t));
	t->r        = init;
	t->r.groups = t->gp;
	t->r.values = t->vp;
	tgroup(t, "model", "model", model_opts, 2, "small", false, false);
	tgroup(t, "model/encoder", "model/encoder", encoder_opts, 2, "cnn",
	    false, false);
	tgroup(t, "optimizer", "optimizer", opt_opts, 2, "adam", false, false);
	tgroup(
	    t, "trainer", "trainer", trainer_opts, 2, "default", false, false);
	tgroup(t, "local", "local", NULL, 0, "", true, false);
	tgroup(t, "", "experiment", exp_opts, 1, "", false, false);
	tgroup(t, "db", "db", db_opts, 2, "", false, true);
	tgroup(t, "hydra/launcher", "hydra/launcher", launch_opts, 1, "",
	    false, false);
	tvalue(t, "model.name", "string", "small", "model/small.yaml", 5);
	tvalue(t, "model.hidden", "int", "256", "model/small.yaml", 6);
	tvalue(t, "optimizer.lr", "float", "1e-3", "optimizer/adam.yaml", 2);
	tvalue(
	    t, "trainer.devices", "missing", "???", "trainer/default.yaml", 2);
	tvalue(t, "seed", "int", "42", "config.yaml", 9);
	tvalue(t, "run_name", "interpolation",
	    "${model.name}_${optimizer.name}", "config.yaml", 10);
	tvalue(t, "data.shuffle", "bool", "yes", "config.yaml", 16);
	tvalue(t, "debug", "bool", "false", "config.yaml", 17);
	tvalue(t, "tag", "string", "123", "config.yaml", 18);
	tvalue(t, "nothing", "null", "~", "config.yaml", 19);
	tvalue(t, "data.augment.0", "string", "flip", "config.yaml", 14);
	tvalue(t, "hydra.job.name", "string", "x", "config.yaml", 30);
	return mlops_hydra_model_new(&t->r);
}

static size_t
idx(const struct mlops_hydra_model *m, const char *key)
{
	int i = mlops_hydra_model_find(m, key);

	assert_true(i >= 0);
	return (size_t) i;
}

/* The overrides joined by spaces (no quoting), "" for none. */
static void
assert_overrides(const struct mlops_hydra_model *m, const char *want)
{
	size_t n;
	char **v = mlops_hydra_model_overrides(m, &n);
	char   buf[1024];

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			strcat(buf, " ");
		}
		strcat(buf, v[i]);
	}
	assert_null(v[n]);
	mlops_model_strv_free(v);
	assert_string_equal(buf, want);
}

static void
test_fields(void **state)
{
	struct treply                   t;
	struct mlops_hydra_model       *m = tmodel(&t);
	const struct mlops_hydra_field *f;

	(void) state;
	/* 8 groups less local (no options) and hydra/launcher; 12 values
	 * less hydra.job.name */
	assert_int_equal(mlops_hydra_model_nfields(m), 6 + 11);
	f = mlops_hydra_model_field(m, 0);
	assert_int_equal(f->kind, MLOPS_HYDRA_GROUP);
	assert_string_equal(f->key, "model");
	assert_string_equal(f->initial, "small");
	assert_int_equal(f->noptions, 2);
	assert_int_equal(mlops_hydra_model_find(m, "local"), -1);
	assert_int_equal(mlops_hydra_model_find(m, "hydra/launcher"), -1);
	assert_int_equal(mlops_hydra_model_find(m, "hydra.job.name"), -1);
	f = mlops_hydra_model_field(m, idx(m, "experiment"));
	assert_true(f->add);
	f = mlops_hydra_model_field(m, idx(m, "model.hidden"));
	assert_int_equal(f->kind, MLOPS_HYDRA_INT);
	assert_string_equal(f->section, "model");
	assert_string_equal(f->label, "hidden");
	assert_string_equal(f->source, "model/small.yaml:6");
	f = mlops_hydra_model_field(m, idx(m, "data.augment.0"));
	assert_string_equal(f->section, "data");
	assert_string_equal(f->label, "augment.0");
	f = mlops_hydra_model_field(m, idx(m, "seed"));
	assert_string_equal(f->section, "");
	assert_int_equal(
	    mlops_hydra_model_field(m, idx(m, "optimizer.lr"))->kind,
	    MLOPS_HYDRA_FLOAT);
	assert_int_equal(mlops_hydra_model_field(m, idx(m, "debug"))->kind,
	    MLOPS_HYDRA_BOOL);
	assert_int_equal(
	    mlops_hydra_model_field(m, idx(m, "data.shuffle"))->kind,
	    MLOPS_HYDRA_BOOL);
	assert_int_equal(mlops_hydra_model_field(m, idx(m, "tag"))->kind,
	    MLOPS_HYDRA_STRING);
	f = mlops_hydra_model_field(m, idx(m, "nothing"));
	assert_int_equal(f->kind, MLOPS_HYDRA_TEXT);
	assert_string_equal(f->initial, "null");
	f = mlops_hydra_model_field(m, idx(m, "trainer.devices"));
	assert_int_equal(f->kind, MLOPS_HYDRA_TEXT);
	assert_true(f->mandatory);
	assert_string_equal(f->initial, "");
	/* nothing changed: no overrides */
	assert_overrides(m, "");
	mlops_hydra_model_free(m);
}

static void
test_changed_values(void **state)
{
	struct treply             t;
	struct mlops_hydra_model *m = tmodel(&t);

	(void) state;
	/* the same value in another spelling is no change */
	mlops_hydra_model_set(m, idx(m, "data.shuffle"), "true");
	mlops_hydra_model_set(m, idx(m, "seed"), "42");
	mlops_hydra_model_set(m, idx(m, "nothing"), "null");
	assert_false(mlops_hydra_model_changed(m, idx(m, "data.shuffle")));
	assert_overrides(m, "");

	mlops_hydra_model_set(m, idx(m, "model.hidden"), "512");
	mlops_hydra_model_set(m, idx(m, "debug"), "true");
	mlops_hydra_model_set(m, idx(m, "optimizer.lr"), "0.01");
	mlops_hydra_model_set(m, idx(m, "trainer.devices"), "2");
	assert_true(mlops_hydra_model_changed(m, idx(m, "model.hidden")));
	assert_overrides(m,
	    "model.hidden=512 optimizer.lr=0.01 "
	    "trainer.devices=2 debug=true");
	/* back to the default: no override */
	mlops_hydra_model_set(m, idx(m, "model.hidden"), "256");
	assert_overrides(m, "optimizer.lr=0.01 trainer.devices=2 debug=true");

	/* a null set to something, a list typed in, a string that looks
	 * like a number stays a string */
	mlops_hydra_model_set(m, idx(m, "nothing"), "[1, 2]");
	mlops_hydra_model_set(m, idx(m, "tag"), "124");
	mlops_hydra_model_set(m, idx(m, "run_name"), "${model.name}");
	assert_overrides(m,
	    "optimizer.lr=0.01 trainer.devices=2 "
	    "run_name=${model.name} debug=true tag='124' "
	    "nothing=[1, 2]");
	mlops_hydra_model_free(m);
}

static void
test_groups(void **state)
{
	struct treply             t;
	struct mlops_hydra_model *m = tmodel(&t);

	(void) state;
	mlops_hydra_model_set(m, idx(m, "model.hidden"), "512");
	mlops_hydra_model_set(m, idx(m, "model/encoder"), "vit");
	mlops_hydra_model_set(m, idx(m, "optimizer.lr"), "0.5");
	assert_overrides(
	    m, "model/encoder=vit model.hidden=512 optimizer.lr=0.5");
	/* model=large decides model.* and model/encoder: they drop out */
	mlops_hydra_model_set(m, idx(m, "model"), "large");
	assert_true(mlops_hydra_model_shadowed(m, idx(m, "model.hidden")));
	assert_true(mlops_hydra_model_shadowed(m, idx(m, "model/encoder")));
	assert_false(mlops_hydra_model_shadowed(m, idx(m, "optimizer.lr")));
	assert_overrides(m, "model=large optimizer.lr=0.5");
	/* a group outside the defaults list is added; back to none, nothing
	 */
	mlops_hydra_model_set(m, idx(m, "experiment"), "big");
	assert_overrides(m, "model=large +experiment=big optimizer.lr=0.5");
	mlops_hydra_model_set(m, idx(m, "experiment"), "");
	mlops_hydra_model_set(m, idx(m, "model"), "small");
	assert_overrides(
	    m, "model/encoder=vit model.hidden=512 optimizer.lr=0.5");
	/* a chosen group set to none is deleted */
	mlops_hydra_model_set(m, idx(m, "model/encoder"), "");
	assert_overrides(
	    m, "~model/encoder model.hidden=512 optimizer.lr=0.5");
	mlops_hydra_model_free(m);
}

static void
test_mandatory(void **state)
{
	struct treply             t;
	struct mlops_hydra_model *m   = tmodel(&t);
	size_t                    dev = idx(m, "trainer.devices");
	size_t                    db  = idx(m, "db");

	(void) state;
	assert_true(mlops_hydra_model_missing(m, dev));
	assert_true(mlops_hydra_model_missing(m, db));
	assert_false(mlops_hydra_model_missing(m, idx(m, "seed")));
	mlops_hydra_model_set(m, dev, "  ");
	assert_true(mlops_hydra_model_missing(m, dev));
	mlops_hydra_model_set(m, dev, "???");
	assert_true(mlops_hydra_model_missing(m, dev));
	mlops_hydra_model_set(m, dev, "4");
	assert_false(mlops_hydra_model_missing(m, dev));
	mlops_hydra_model_set(m, db, "pg");
	assert_false(mlops_hydra_model_missing(m, db));
	assert_overrides(m, "db=pg trainer.devices=4");
	/* another trainer decides devices: no longer asked for */
	mlops_hydra_model_set(m, dev, "");
	assert_true(mlops_hydra_model_missing(m, dev));
	mlops_hydra_model_set(m, idx(m, "trainer"), "cpu");
	assert_false(mlops_hydra_model_missing(m, dev));
	assert_overrides(m, "trainer=cpu db=pg");
	/* in sweep mode a list counts as given */
	mlops_hydra_model_set(m, idx(m, "trainer"), "default");
	mlops_hydra_model_set_sweep(m, true);
	mlops_hydra_model_set_sweep_text(m, dev, "1,2");
	assert_false(mlops_hydra_model_missing(m, dev));
	mlops_hydra_model_free(m);
}

static void
check_quote(const char *in, bool as_string, const char *want)
{
	char *q = mlops_hydra_quote(in, as_string);

	assert_string_equal(q, want);
	free(q);
}

static void
test_quote(void **state)
{
	(void) state;
	check_quote("adam", true, "adam");
	check_quote("/data/imagenet", true, "/data/imagenet");
	check_quote("my run", true, "my run"); /* inner spaces are fine */
	check_quote("${model.name}_x", true, "${model.name}_x");
	check_quote("123", false, "123");
	check_quote("123", true, "'123'");
	check_quote("1e-3", true, "'1e-3'");
	check_quote("true", true, "'true'");
	check_quote("NULL", true, "'NULL'");
	check_quote("", true, "''");
	check_quote("", false, "''");
	check_quote(" lead", true, "' lead'");
	check_quote("trail ", true, "'trail '");
	check_quote("a,b", true, "'a,b'");
	check_quote("x=y", false, "'x=y'");
	check_quote("f(x)", true, "'f(x)'");
	check_quote("[1]", true, "'[1]'");
	check_quote("it's", true, "\"it's\"");
	check_quote("say \"hi\"", true, "'say \"hi\"'");
	check_quote("a'b\"c", true, "'a\\'b\"c'");
	check_quote("C:\\dir\\", true, "'C:\\dir\\\\'");
	check_quote("a\\'b\"", true, "'a\\\\\\'b\"'");
	check_quote("{x}", true, "'{x}'");
	check_quote("50%", true, "50%");
}

static void
check_sweep_quote(const char *in, const char *want)
{
	char *q = mlops_hydra_sweep_quote(in);

	assert_string_equal(q, want);
	free(q);
}

static void
test_sweep_quote(void **state)
{
	(void) state;
	check_sweep_quote("0.1, 0.01", "0.1,0.01");
	check_sweep_quote("range(0,3)", "range(0,3)");
	check_sweep_quote("choice(a, b)", "choice(a, b)");
	check_sweep_quote("a b,c", "a b,c");
	check_sweep_quote("x=y,z", "'x=y',z");
	check_sweep_quote("'a,b',c", "'a,b',c");
	check_sweep_quote("[1,2],[3]", "[1,2],[3]");
	check_sweep_quote("it's,ok", "\"it's\",ok");
}

static void
check_tasks(const char *const *ovr, size_t n, size_t want)
{
	size_t got = 0;
	char   why[256];

	why[0] = '\0';
	if (mlops_hydra_sweep_count(ovr, n, &got, why, sizeof(why)) < 0) {
		fail_msg("%s: %s", n ? ovr[0] : "-", why);
	}
	assert_int_equal(got, want);
}

static void
check_refused(const char *ovr, const char *why_part)
{
	const char *v[] = { ovr };
	size_t      got = 77;
	char        why[256];

	why[0] = '\0';
	assert_int_equal(
	    mlops_hydra_sweep_count(v, 1, &got, why, sizeof(why)), -1);
	assert_int_equal(got, 77);
	if (strstr(why, why_part) == NULL) {
		fail_msg("'%s' does not say '%s'", why, why_part);
	}
}

static void
test_sweep_count(void **state)
{
	const char *issue[]
	    = { "lr=0.1,0.01", "model=small,large", "seed=range(0,3)" };
	const char *plain[]  = { "a=1", "~b", "+c=x" };
	const char *repeat[] = { "a=1,2", "b=3,4", "a=1,2,3" };

	(void) state;
	check_tasks(issue, 3, 12);
	check_tasks(plain, 3, 1);
	check_tasks(NULL, 0, 1);
	check_tasks(repeat, 3, 6);
	check_tasks((const char *[]) { "x=choice(a,b,c)" }, 1, 3);
	check_tasks((const char *[]) { "x=choice('a,b', c)" }, 1, 2);
	check_tasks((const char *[]) { "x=range(0,10,3)" }, 1, 4);
	check_tasks((const char *[]) { "x=range(5,0,-2)" }, 1, 3);
	check_tasks((const char *[]) { "x=range(start=1, stop=4)" }, 1, 3);
	check_tasks((const char *[]) { "x=range(0,1,0.25)" }, 1, 4);
	check_tasks((const char *[]) { "x=range(0.0,1.0,0.1)" }, 1, 10);
	check_tasks((const char *[]) { "x=range(1_000,1_010)" }, 1, 10);
	check_tasks((const char *[]) { "tag='a,b',c" }, 1, 2);
	check_tasks((const char *[]) { "t=a\\,b,c" }, 1, 2);
	check_tasks((const char *[]) { "l=[1,2],[3,4],[5]" }, 1, 3);
	check_tasks((const char *[]) { "d={a:1,b:2}" }, 1, 1);
	check_tasks((const char *[]) { "r=${x,y}" }, 1, 1);
	check_tasks((const char *[]) { "s=\"it\\\"s,x\",y" }, 1, 2);
	check_tasks((const char *[]) { "db@backup=mysql,pg" }, 1, 2);
	check_refused("x=glob(*)", "glob() is not supported");
	check_refused("x=range(0,0)", "the range is empty");
	check_refused("x=range(3,0)", "the range is empty");
	check_refused("x=range(0,3,0)", "step must not be 0");
	check_refused("x=range(0)", "start, stop");
	check_refused("x=range(a,3)", "takes numbers");
	check_refused("x=range(0,3,bogus=1)", "no argument 'bogus'");
	check_refused("x=range(0,2),3", "a sweep inside a sweep");
	check_refused("x=choice()", "at least one value");
	check_refused("x=choice(a=1)", "no named arguments");
	check_refused("x=interval(0,1)", "interval() cannot be expanded");
	check_refused("x=a,,b", "empty element");
	check_refused("x='a,b", "unterminated quoted value");
	check_refused("x=range(0,100001)", "limit of 100000");
	{
		const char *big[] = { "a=range(0,1000)", "b=range(0,1000)" };
		size_t      got;
		char        why[128];

		assert_int_equal(
		    mlops_hydra_sweep_count(big, 2, &got, why, sizeof(why)),
		    -1);
		assert_non_null(strstr(why, "limit of 100000"));
	}
}

static void
test_sweep_mode(void **state)
{
	struct treply             t;
	struct mlops_hydra_model *m = tmodel(&t);
	size_t                    n = 0;
	char                    **v;

	(void) state;
	mlops_hydra_model_set(m, idx(m, "trainer.devices"), "1");
	mlops_hydra_model_set_sweep(m, true);
	/* untouched in sweep mode: the normal value counts */
	assert_overrides(m, "trainer.devices=1");
	mlops_hydra_model_set_sweep_text(
	    m, idx(m, "optimizer.lr"), "0.1, 0.01");
	mlops_hydra_model_set_sweep_text(m, idx(m, "model"), "small,large");
	mlops_hydra_model_set_sweep_text(m, idx(m, "seed"), "range(0,3)");
	mlops_hydra_model_set_sweep_text(m, idx(m, "tag"), "x=y,z");
	/* a swept group decides the fields under it, as a changed one does
	 */
	mlops_hydra_model_set_sweep_text(m, idx(m, "model.hidden"), "1,2");
	assert_true(mlops_hydra_model_shadowed(m, idx(m, "model.hidden")));
	assert_overrides(m,
	    "model=small,large optimizer.lr=0.1,0.01 "
	    "trainer.devices=1 seed=range(0,3) tag='x=y',z");
	v = mlops_hydra_model_overrides(m, &n);
	{
		size_t tasks = 0;

		assert_int_equal(
		    mlops_hydra_sweep_count(
		        (const char *const *) v, n, &tasks, NULL, 0),
		    0);
		assert_int_equal(tasks, 2 * 2 * 3 * 2);
	}
	mlops_model_strv_free(v);
	/* off again: the normal values */
	mlops_hydra_model_set_sweep(m, false);
	assert_overrides(m, "trainer.devices=1");
	mlops_hydra_model_free(m);
}

static void
test_error_field(void **state)
{
	struct treply             t;
	struct mlops_hydra_model *m = tmodel(&t);

	(void) state;
	mlops_hydra_model_set(m, idx(m, "optimizer.lr"), "fast");
	assert_int_equal(mlops_hydra_model_error_field(m,
	                     "overrides: optimizer.lr=fast: expected a float"),
	    (int) idx(m, "optimizer.lr"));
	assert_int_equal(mlops_hydra_model_error_field(m,
	                     "overrides: 'trainer.devices' is mandatory "
	                     "(?\?\?) and was not "
	                     "given"),
	    (int) idx(m, "trainer.devices"));
	assert_int_equal(mlops_hydra_model_error_field(m,
	                     "overrides: unknown key 'model.hiden' (did you "
	                     "mean 'model.hidden'?)"),
	    -1);
	assert_int_equal(mlops_hydra_model_error_field(m,
	                     "overrides: +experiment=huge: no option 'huge'"),
	    (int) idx(m, "experiment"));
	assert_int_equal(mlops_hydra_model_error_field(
	                     m, "overrides: seed=1.5: expected an int"),
	    (int) idx(m, "seed"));
	assert_int_equal(mlops_hydra_model_error_field(
	                     m, "overrides: bogus=1: no such key"),
	    -1);
	assert_int_equal(mlops_hydra_model_error_field(m, ""), -1);
	assert_int_equal(mlops_hydra_model_error_field(NULL, "x"), -1);
	mlops_hydra_model_free(m);
}

static void
test_join_words(void **state)
{
	const char *w[]
	    = { "a=1", "tag=my run", "q='a b'", "x=it's \"so\"", "" };
	char  *s = mlops_hydra_join_words(w, 5);
	char **back;
	size_t n;

	(void) state;
	assert_string_equal(
	    s, "a=1 'tag=my run' 'q='\\''a b'\\''' 'x=it'\\''s \"so\"' ''");
	assert_int_equal(mlops_model_split_overrides(&back, &n, s), 0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(back[i], w[i]);
	}
	mlops_model_strv_free(back);
	free(s);
}

/*
 * The summary's words, pasted after `mlops launch P --`, reach the shell's
 * command as they were, and nothing in them runs: $(...), backticks, ;, |,
 * newlines and quotes included (the words the header promises).
 */
static void
test_join_words_shell(void **state)
{
	char       *dir   = testutil_mkdtemp("join-words");
	char       *pwned = xasprintf("%s/pwned", dir);
	char       *w[24];
	size_t      n        = 0;
	const char *shells[] = { "sh", "bash" };
	char       *line;
	char      **back;
	size_t      nback;

	(void) state;
	w[n++] = xasprintf("cmd=$(touch %s)", pwned);
	w[n++] = xasprintf("tick=`touch %s`", pwned);
	w[n++] = xasprintf("a=1;touch %s", pwned);
	w[n++] = xasprintf("b=1|touch %s", pwned);
	w[n++] = xasprintf("c=1&&touch %s", pwned);
	/* no blank in them: the splitter alone would not ask for quotes */
	w[n++] = xasprintf("x=$(touch${IFS}%s)", pwned);
	w[n++] = xstrdup("y=a;b");
	w[n++] = xstrdup("z=a|b");
	w[n++] = xstrdup("v=$HOME");
	w[n++] = xstrdup("note=line one\nline two");
	w[n++] = xstrdup("q=it's \"quoted\" \\ here");
	w[n++] = xstrdup("+run.path=${oc.env:HOME}/$USER");
	w[n++] = xstrdup("lr=0.1,0.01");
	w[n++] = xstrdup("glob=*");
	w[n++] = xstrdup("~x=~");
	w[n++] = xstrdup("");
	line   = mlops_hydra_join_words((const char *const *) w, n);
	for (size_t s = 0; s < 2; s++) {
		size_t len, off = 0;
		char  *got = testutil_sh_words(shells[s], line, &len);

		assert_non_null(got);
		for (size_t i = 0; i < n; i++) {
			size_t wl = strlen(w[i]);

			if (off + wl + 1 > len
			    || memcmp(got + off, w[i], wl) != 0
			    || got[off + wl] != '\0') {
				fail_msg("%s changed word %zu (%s) of: %s",
				    shells[s], i, w[i], line);
			}
			off += wl + 1;
		}
		assert_int_equal(off, len);
		free(got);
	}
	assert_int_not_equal(access(pwned, F_OK), 0);
	/* the form reads its own summary back too */
	assert_int_equal(mlops_model_split_overrides(&back, &nback, line), 0);
	assert_int_equal(nback, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(back[i], w[i]);
		free(w[i]);
	}
	mlops_model_strv_free(back);
	free(line);
	testutil_rmtree(dir);
	free(dir);
	free(pwned);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_changed_values),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_mandatory),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_sweep_quote),
		cmocka_unit_test(test_sweep_count),
		cmocka_unit_test(test_sweep_mode),
		cmocka_unit_test(test_error_field),
		cmocka_unit_test(test_join_words),
		cmocka_unit_test(test_join_words_shell),
	};
	return cmocka_run_group_tests_name("hydra_model", tests, NULL, NULL);
}
