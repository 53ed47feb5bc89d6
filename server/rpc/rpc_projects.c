/*
 * Project methods: register a local git work tree, list, show, re-read
 * (sync) and remove it. Reading git metadata is local and quick, so these
 * are answered inline on nng's threads; each call opens and frees its own
 * git_repository (gitinfo.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include <mlops/types.h>
#include <mlops/xmalloc.h>

#include "config.h"
#include "events_wire.h"
#include "gitinfo.h"
#include "mlopsd.h"
#include "project_json.h"
#include "rpc_handlers.h"
#include "store.h"

#define PROJECT_CONFIG_FILE ".mlops-config.yaml"

static const char *
rpc_project_jstr(struct rpc_call *call, json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL
	    || !json_object_is_type(v, json_type_string)) {
		return "";
	}
	return rpc_call_strdup(call, json_object_get_string(v));
}

static bool
rpc_project_jbool(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v)
	    && json_object_get_boolean(v);
}

/* A JSON array of strings -> an arena-owned char *[]. */
static char **
rpc_project_jarray(struct rpc_call *call, json_object *a, size_t *n)
{
	size_t len;
	char **v;

	*n = 0;
	if (a == NULL || !json_object_is_type(a, json_type_array)) {
		return NULL;
	}
	len = json_object_array_length(a);
	v   = rpc_call_alloc(call, (len ? len : 1) * sizeof(char *));
	for (size_t i = 0; i < len; i++) {
		v[(*n)++] = rpc_call_strdup(call,
		    json_object_get_string(json_object_array_get_idx(a, i)));
	}
	return v;
}

static Mlops__ProjectConfig *
rpc_project_config(struct rpc_call *call, const char *text)
{
	Mlops__ProjectConfig *c = RPC_ALLOC(
	    call, Mlops__ProjectConfig, MLOPS__PROJECT_CONFIG__INIT);
	json_object *o = text ? json_tokener_parse(text) : NULL;
	json_object *v = NULL;

	if (o == NULL) {
		return c;
	}
	c->file_present = rpc_project_jbool(o, "file_present");
	c->conda_env    = (char *) rpc_project_jstr(call, o, "conda_env");
	c->train_script = (char *) rpc_project_jstr(call, o, "train_script");
	c->install_editable = rpc_project_jbool(o, "install_editable");
	c->package_name = (char *) rpc_project_jstr(call, o, "package_name");
	c->code_sync    = (char *) rpc_project_jstr(call, o, "code_sync");
	c->hydra_config_dir
	    = (char *) rpc_project_jstr(call, o, "hydra_config_dir");
	if (json_object_object_get_ex(o, "default_overrides", &v)) {
		c->default_overrides
		    = rpc_project_jarray(call, v, &c->n_default_overrides);
	}
	if (json_object_object_get_ex(o, "env", &v)
	    && json_object_is_type(v, json_type_object)) {
		size_t n = (size_t) json_object_object_length(v);

		c->env = rpc_call_alloc(call, (n ? n : 1) * sizeof(*c->env));
		json_object_object_foreach(v, key, val)
		{
			Mlops__EnvVar *e = RPC_ALLOC(
			    call, Mlops__EnvVar, MLOPS__ENV_VAR__INIT);

			e->name  = rpc_call_strdup(call, key);
			e->value = rpc_call_strdup(
			    call, json_object_get_string(val));
			c->env[c->n_env++] = e;
		}
	}
	json_object_put(o);
	return c;
}

static Mlops__Project *
rpc_project_to_proto(struct rpc_call *call, const struct store_project *p,
    const struct gitinfo *gi)
{
	Mlops__Project *m
	    = RPC_ALLOC(call, Mlops__Project, MLOPS__PROJECT__INIT);
	json_object *w;

	m->name       = rpc_call_strdup(call, p->name);
	m->path       = rpc_call_strdup(call, p->path);
	m->origin_url = rpc_call_strdup(call, p->origin_url);
	m->branch     = rpc_call_strdup(call, p->branch);
	m->head_sha   = rpc_call_strdup(call, p->head_sha);
	m->detached   = p->detached;
	m->dirty      = p->dirty;
	m->untracked  = p->untracked;
	m->ahead      = p->ahead;
	m->behind     = p->behind;
	m->added_at   = p->added_at;
	m->synced_at  = p->synced_at;
	m->config     = rpc_project_config(call, p->config_json);
	if (p->config_warnings_json != NULL
	    && (w = json_tokener_parse(p->config_warnings_json)) != NULL) {
		m->config_warnings
		    = rpc_project_jarray(call, w, &m->n_config_warnings);
		json_object_put(w);
	}
	m->upstream     = rpc_call_strdup(call, p->upstream);
	m->head_subject = rpc_call_strdup(call, p->head_subject);
	(void) gi;
	return m;
}

/*
 * Reads the work tree at `path` into `p` (git fields and configuration).
 * Notes for the user go to `notes`. Returns 0, MLOPS_ENOTFOUND,
 * MLOPS_ENOTGIT or MLOPS_ECONFIG.
 */
static int
rpc_project_read(struct store_project *p, struct strlist *notes,
    const char *path, struct mlops_error *err)
{
	struct gitinfo        *gi  = NULL;
	struct project_config *pc  = NULL;
	char                  *cfg = NULL;
	struct stat            st;
	bool                   present;
	int                    rc;

	if ((rc = gitinfo_read(&gi, path, err)) < 0) {
		mlops_error_field(err, "path");
		goto out;
	}
	if (gi->head_sha == NULL) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, "path",
		    "%s has no commits yet: commit something first", path);
		goto out;
	}
	cfg     = xasprintf("%s/%s", gi->root, PROJECT_CONFIG_FILE);
	present = stat(cfg, &st) == 0;
	if ((rc = project_config_load(&pc, cfg, err)) < 0) {
		mlops_error_field(err, "config");
		goto out;
	}
	free(p->origin_url);
	free(p->branch);
	free(p->head_sha);
	free(p->upstream);
	free(p->head_subject);
	free(p->config_json);
	free(p->config_warnings_json);
	p->origin_url           = xstrdup_null(gi->origin_url);
	p->branch               = xstrdup_null(gi->branch);
	p->head_sha             = xstrdup(gi->head_sha);
	p->upstream             = xstrdup_null(gi->upstream);
	p->head_subject         = xstrdup_null(gi->head_subject);
	p->detached             = gi->detached;
	p->dirty                = gi->dirty;
	p->untracked            = gi->untracked;
	p->ahead                = gi->ahead;
	p->behind               = gi->behind;
	p->config_json          = project_json_from_config(pc, present);
	p->config_warnings_json = project_json_strlist(&pc->warnings);
	p->synced_at            = (int64_t) time(NULL);
	if (gi->detached) {
		char *n = xasprintf("HEAD is detached at %.7s: launches use "
		                    "that commit until you check out a branch",
		    gi->head_sha);
		strlist_add(notes, n);
		free(n);
	}
	if (gi->upstream == NULL) {
		strlist_add(notes,
		    gi->branch != NULL
		        ? "the branch has no upstream: ahead of origin is "
		          "unknown"
		        : "no upstream: ahead of origin is unknown");
	}
	for (size_t i = 0; i < pc->warnings.n; i++) {
		strlist_add(notes, pc->warnings.v[i]);
	}
out:
	project_config_free(pc);
	gitinfo_free(gi);
	free(cfg);
	return rc;
}

static Mlops__ProjectReply *
rpc_project_reply(struct rpc_call *call, const struct store_project *p,
    const struct strlist *notes)
{
	Mlops__ProjectReply *r
	    = RPC_ALLOC(call, Mlops__ProjectReply, MLOPS__PROJECT_REPLY__INIT);

	r->project = rpc_project_to_proto(call, p, NULL);
	if (notes != NULL && notes->n > 0) {
		r->n_notes = notes->n;
		r->notes   = rpc_call_alloc(call, notes->n * sizeof(char *));
		for (size_t i = 0; i < notes->n; i++) {
			r->notes[i] = rpc_call_strdup(call, notes->v[i]);
		}
	}
	return r;
}

/* The default name: the folder's name. */
static char *
rpc_project_default_name(const char *path)
{
	const char *end = path + strlen(path);
	const char *s;

	while (end > path + 1 && end[-1] == '/') {
		end--;
	}
	for (s = end; s > path && s[-1] != '/'; s--) { }
	return xstrndup(s, (size_t) (end - s));
}

RPC_HANDLER(rpc_project_add)
{
	const Mlops__ProjectAddRequest *a     = req->project_add;
	struct store_project            p     = { 0 };
	struct strlist                  notes = { 0 };
	struct mlopsd                  *d     = rpc_call_daemon(call);
	char                           *name  = NULL;
	int                             rc;

	if (a == NULL || a->path == NULL || a->path[0] != '/') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "path",
		    "path: must be an absolute path on the daemon's machine");
	}
	name = (a->name != NULL && a->name[0] != '\0')
	    ? xstrdup(a->name)
	    : rpc_project_default_name(a->path);
	if (!mlops_name_valid(name)) {
		rc = mlops_error_set_field(err, MLOPS_EINVAL, "name",
		    "name: '%s' is not a valid project name (use letters, "
		    "digits, '.', '_' and '-', at most 64; pick one with "
		    "--name)",
		    name);
		goto out;
	}
	if ((rc = rpc_project_read(&p, &notes, a->path, err)) < 0) {
		goto out;
	}
	{
		struct gitinfo *gi = NULL;
		/* gitinfo gave the canonical root; store that path. */
		if (gitinfo_read(&gi, a->path, NULL) == 0) {
			p.path = xstrdup(gi->root);
			gitinfo_free(gi);
		} else {
			p.path = xstrdup(a->path);
		}
	}
	p.name = name;
	name   = NULL;
	if ((rc = store_project_insert(rpc_call_store(call), &p, err)) < 0) {
		goto out;
	}
	resp->body_case   = MLOPS__RESPONSE__BODY_PROJECT_ADD;
	resp->project_add = rpc_project_reply(call, &p, &notes);
	events_project(
	    d->d_events, MLOPS__PROJECT_CHANGE__PROJECT_CHANGE_ADDED, p.name);
out:
	free(name);
	strlist_fini(&notes);
	store_project_fini(&p);
	return rc;
}

RPC_HANDLER(rpc_project_list)
{
	struct store_project   **list = NULL;
	size_t                   n    = 0;
	Mlops__ProjectListReply *r;
	int                      rc;

	if ((rc = store_project_list(&list, &n, rpc_call_store(call), err))
	    < 0) {
		return rc;
	}
	r = RPC_ALLOC(
	    call, Mlops__ProjectListReply, MLOPS__PROJECT_LIST_REPLY__INIT);
	r->projects   = rpc_call_alloc(call, (n ? n : 1) * sizeof(void *));
	r->n_projects = n;
	for (size_t i = 0; i < n; i++) {
		r->projects[i] = rpc_project_to_proto(call, list[i], NULL);
	}
	store_project_list_free(list, n);
	resp->body_case    = MLOPS__RESPONSE__BODY_PROJECT_LIST;
	resp->project_list = r;
	return 0;
}

static int
rpc_project_lookup(struct store_project **out, struct rpc_call *call,
    const char *name, struct mlops_error *err)
{
	if (name == NULL || name[0] == '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "name",
		    "name: a project name is required");
	}
	return store_project_get_by_name(out, rpc_call_store(call), name, err);
}

RPC_HANDLER(rpc_project_show)
{
	struct store_project *p = NULL;
	int                   rc;

	if ((rc = rpc_project_lookup(&p, call,
	         req->project_show ? req->project_show->name : NULL, err))
	    < 0) {
		return rc;
	}
	resp->body_case    = MLOPS__RESPONSE__BODY_PROJECT_SHOW;
	resp->project_show = rpc_project_reply(call, p, NULL);
	store_project_free(p);
	return 0;
}

RPC_HANDLER(rpc_project_sync)
{
	struct store_project *p     = NULL;
	struct strlist        notes = { 0 };
	int                   rc;

	if ((rc = rpc_project_lookup(&p, call,
	         req->project_sync ? req->project_sync->name : NULL, err))
	    < 0) {
		return rc;
	}
	/* On failure the stored record stays as it was. */
	if ((rc = rpc_project_read(p, &notes, p->path, err)) < 0
	    || (rc = store_project_update_git(rpc_call_store(call), p, err))
	        < 0) {
		goto out;
	}
	resp->body_case    = MLOPS__RESPONSE__BODY_PROJECT_SYNC;
	resp->project_sync = rpc_project_reply(call, p, &notes);
	events_project(rpc_call_daemon(call)->d_events,
	    MLOPS__PROJECT_CHANGE__PROJECT_CHANGE_SYNCED, p->name);
out:
	strlist_fini(&notes);
	store_project_free(p);
	return rc;
}

RPC_HANDLER(rpc_project_remove)
{
	const char *name
	    = req->project_remove ? req->project_remove->name : NULL;
	int rc;

	if (name == NULL || name[0] == '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "name",
		    "name: a project name is required");
	}
	if ((rc = store_project_delete(rpc_call_store(call), name, err)) < 0) {
		return rc;
	}
	resp->body_case = MLOPS__RESPONSE__BODY_PROJECT_REMOVE;
	resp->project_remove
	    = RPC_ALLOC(call, Mlops__Empty, MLOPS__EMPTY__INIT);
	events_project(rpc_call_daemon(call)->d_events,
	    MLOPS__PROJECT_CHANGE__PROJECT_CHANGE_REMOVED, name);
	return 0;
}
