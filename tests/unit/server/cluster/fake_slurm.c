/*
 * fake_slurm: squeue and sacct answers from a table (fake_slurm.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/xmalloc.h>

#include "fake_slurm.h"

struct fake_job *
fake_slurm_add(struct fake_slurm *fs, const char *id, const char *state,
    bool in_squeue, bool in_sacct)
{
	struct fake_job *j;

	fs->v = xreallocarray(fs->v, fs->n + 1, sizeof(*fs->v));
	j     = &fs->v[fs->n++];
	memset(j, 0, sizeof(*j));
	snprintf(j->id, sizeof(j->id), "%s", id);
	snprintf(j->name, sizeof(j->name), "fx-%s", id);
	j->state     = state;
	j->in_squeue = in_squeue;
	j->in_sacct  = in_sacct;
	return j;
}

void
fake_slurm_fini(struct fake_slurm *fs)
{
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

struct fake_job *
fake_slurm_find(struct fake_slurm *fs, const char *id)
{
	for (size_t i = 0; i < fs->n; i++) {
		if (strcmp(fs->v[i].id, id) == 0) {
			return &fs->v[i];
		}
	}
	return NULL;
}

/* The value of option `opt` ("-j", "--name=") in argv, or NULL. */
static const char *
fake_opt(const char *const *argv, const char *opt)
{
	size_t len = strlen(opt);

	for (size_t i = 0; argv[i] != NULL; i++) {
		if (opt[len - 1] == '=' && strncmp(argv[i], opt, len) == 0) {
			return argv[i] + len;
		}
		if (strcmp(argv[i], opt) == 0 && argv[i + 1] != NULL) {
			return argv[i + 1];
		}
	}
	return NULL;
}

static bool
fake_has(const char *const *argv, const char *word)
{
	for (size_t i = 0; argv[i] != NULL; i++) {
		if (strcmp(argv[i], word) == 0) {
			return true;
		}
	}
	return false;
}

/* Whether `id` is in the comma list `list` (an array's id holds its
 * tasks). */
static bool
fake_in_list(const char *list, const struct fake_job *j, bool by_name)
{
	const char *key = by_name ? j->name : j->id;
	size_t      n   = strlen(key);
	const char *p   = list;

	while (p != NULL && *p != '\0') {
		size_t m = strcspn(p, ",");

		if (m == n && strncmp(p, key, n) == 0) {
			return true;
		}
		/* "123" asks for the tasks "123_4" too */
		if (!by_name && strncmp(j->id, p, m) == 0 && j->id[m] == '_') {
			return true;
		}
		p += m;
		p += *p == ',';
	}
	return false;
}

static const char *
fake_raw(const struct fake_job *j, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int) strcspn(j->id, "_"), j->id);
	return buf;
}

static int
fake_squeue(
    void *arg, const char *const *argv, struct strbuf *out, struct strbuf *err)
{
	struct fake_slurm *fs    = arg;
	const char        *ids   = fake_opt(argv, "-j");
	const char        *names = fake_opt(argv, "--name=");
	bool               me    = fake_has(argv, "--me");

	(void) err;
	for (size_t i = 0; i < fs->n; i++) {
		const struct fake_job *j = &fs->v[i];
		char                   raw[32], exitbuf[32];
		const char            *task = strchr(j->id, '_');

		/* The filters add up, as squeue's do. */
		if (!j->in_squeue || (ids == NULL && names == NULL && !me)
		    || (ids != NULL && !fake_in_list(ids, j, false))
		    || (names != NULL && !fake_in_list(names, j, true))) {
			continue;
		}
		if (j->odd) {
			snprintf(exitbuf, sizeof(exitbuf), "exit?");
		} else if (fs->v2205) {
			snprintf(
			    exitbuf, sizeof(exitbuf), "%d", j->exit_code << 8);
		} else {
			snprintf(
			    exitbuf, sizeof(exitbuf), "%d:0", j->exit_code);
		}
		strbuf_printf(out,
		    "%s|%s|%s|%s|%s|None|cpu|1|2026-12-07T23:02:09|"
		    "2026-12-07T23:02:10|2026-12-07T23:32:10|30:00|0:05|%s|"
		    "g-cpu1|%s|\n",
		    fake_raw(j, raw, sizeof(raw)), j->id, raw,
		    task != NULL ? task + 1 : "N/A", j->state, exitbuf,
		    j->name);
	}
	return 0;
}

static int
fake_sacct(
    void *arg, const char *const *argv, struct strbuf *out, struct strbuf *err)
{
	struct fake_slurm *fs    = arg;
	const char        *ids   = fake_opt(argv, "-j");
	const char        *names = fake_opt(argv, "--name=");

	(void) err;
	for (size_t i = 0; i < fs->n; i++) {
		const struct fake_job *j = &fs->v[i];
		char                   raw[32];

		if (!j->in_sacct
		    || !((ids != NULL && fake_in_list(ids, j, false))
		        || (names != NULL && fake_in_list(names, j, true)))) {
			continue;
		}
		strbuf_printf(out,
		    "%s|%s|%s|%d:0|2026-12-07T23:02:09|2026-12-07T23:02:10|"
		    "2026-12-07T23:02:40|00:00:30|00:30:00|cpu|1|g-cpu1|None|"
		    "%s\n",
		    fake_raw(j, raw, sizeof(raw)), j->id, j->state,
		    j->exit_code, j->name);
	}
	return 0;
}

void
fake_slurm_serve(struct fake_slurm *fs, struct replay *r)
{
	replay_add_fn(r, "squeue", NULL, fake_squeue, fs, -1);
	replay_add_fn(r, "sacct", NULL, fake_sacct, fs, -1);
}
