/*
 * project_config: a project's Hydra configuration composed without
 * overrides, as the schema the CLI prints and the desktop app's launch
 * form is built from. Reading a config directory is local and bounded
 * (hydra.c's limits), so it is answered inline on nng's thread; the
 * project's .mlops-config.yaml is re-read so the answer matches what a
 * launch would check now.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/xmalloc.h>

#include "config.h"
#include "hydra.h"
#include "launch_hydra.h"
#include "rpc_handlers.h"
#include "store.h"

#define RPC_HYDRA_PROJECT_CONFIG ".mlops-config.yaml"

/* What the reply is built into: growable arrays in the call's arena. */
struct rpc_hydra_out {
	struct rpc_call    *call;
	Mlops__HydraValue **values;
	size_t              nvalues, cap;
};

static void rpc_hydra_leaves(
    struct rpc_hydra_out *o, const struct hydra_node *n, const char *path);
static Mlops__HydraGroup *rpc_hydra_group(struct rpc_call *call,
    const struct hydra_config *cfg, const char *key, const char *group);
static void               rpc_hydra_groups(struct rpc_call *call,
                  const struct hydra_config *cfg, Mlops__ProjectConfigReply *r);

/* One leaf: a scalar, or an empty map or list. */
static void
rpc_hydra_leaf(
    struct rpc_hydra_out *o, const struct hydra_node *n, const char *path)
{
	Mlops__HydraValue *v
	    = RPC_ALLOC(o->call, Mlops__HydraValue, MLOPS__HYDRA_VALUE__INIT);

	v->key   = rpc_call_strdup(o->call, path);
	v->type  = rpc_call_strdup(o->call,
            n->kind == HYDRA_NODE_MAP        ? "map"
	         : n->kind == HYDRA_NODE_LIST ? "list"
	                                      : hydra_type_name(n->type));
	v->value = rpc_call_strdup(o->call, n->value);
	v->file  = rpc_call_strdup(o->call, n->file);
	v->line  = n->line;
	v->mandatory
	    = n->kind == HYDRA_NODE_SCALAR && n->type == HYDRA_TYPE_MISSING;
	if (o->nvalues == o->cap) {
		Mlops__HydraValue **grown;

		o->cap = o->cap ? 2 * o->cap : 64;
		grown  = rpc_call_alloc(o->call, o->cap * sizeof(*grown));
		if (o->nvalues > 0) {
			memcpy(grown, o->values, o->nvalues * sizeof(*grown));
		}
		o->values = grown;
	}
	o->values[o->nvalues++] = v;
}

/* Every leaf under `n`, depth first, keys dotted ("layers.0"). */
static void
rpc_hydra_leaves(
    struct rpc_hydra_out *o, const struct hydra_node *n, const char *path)
{
	char *sub;

	if (n->kind == HYDRA_NODE_SCALAR || n->nitems == 0) {
		if (*path != '\0') {
			rpc_hydra_leaf(o, n, path);
		}
		return;
	}
	for (size_t i = 0; i < n->nitems; i++) {
		if (n->kind == HYDRA_NODE_MAP) {
			sub = *path
			    ? xasprintf("%s.%s", path, n->items[i]->key)
			    : xstrdup(n->items[i]->key);
		} else {
			sub = xasprintf("%s.%zu", path, i);
		}
		rpc_hydra_leaves(o, n->items[i], sub);
		free(sub);
	}
}

/* A group entry with its options (none when the directory has no such
 * group, e.g. an absent optional one or Hydra's own hydra/...). */
static Mlops__HydraGroup *
rpc_hydra_group(struct rpc_call *call, const struct hydra_config *cfg,
    const char *key, const char *group)
{
	Mlops__HydraGroup *g
	    = RPC_ALLOC(call, Mlops__HydraGroup, MLOPS__HYDRA_GROUP__INIT);
	const struct hydra_group *hg = hydra_config_group_find(cfg, group);

	g->key    = rpc_call_strdup(call, key);
	g->group  = rpc_call_strdup(call, group);
	g->choice = rpc_call_strdup(call, "");
	if (hg != NULL && hg->noptions > 0) {
		g->options
		    = rpc_call_alloc(call, hg->noptions * sizeof(char *));
		for (size_t i = 0; i < hg->noptions; i++) {
			g->options[i] = rpc_call_strdup(call, hg->options[i]);
		}
		g->n_options = hg->noptions;
	}
	return g;
}

/*
 * The defaults list's group entries in order (one per override key; the
 * options of `- g: [a, b]` are joined with ","), then every other group
 * of the directory that has options, with key "".
 */
static void
rpc_hydra_groups(struct rpc_call *call, const struct hydra_config *cfg,
    Mlops__ProjectConfigReply *r)
{
	size_t nc = hydra_config_nchoices(cfg), ng = hydra_config_ngroups(cfg);
	Mlops__HydraGroup *g;

	r->groups = rpc_call_alloc(call, (nc + ng + 1) * sizeof(*r->groups));
	for (size_t i = 0; i < nc; i++) {
		const struct hydra_choice *c = hydra_config_choice(cfg, i);
		bool none = c->option == NULL || strcmp(c->option, "???") == 0
		    || (!c->loaded && c->optional);

		g = NULL;
		for (size_t k = 0; k < r->n_groups && g == NULL; k++) {
			if (strcmp(r->groups[k]->key, c->key) == 0) {
				g = r->groups[k];
			}
		}
		if (g != NULL) {
			/* a list of options: one choice per element */
			if (!none) {
				g->choice = *g->choice
				    ? rpc_call_keep(call,
				        xasprintf(
				            "%s,%s", g->choice, c->option))
				    : rpc_call_strdup(call, c->option);
			}
			continue;
		}
		g           = rpc_hydra_group(call, cfg, c->key, c->group);
		g->optional = c->optional;
		g->mandatory
		    = c->option != NULL && strcmp(c->option, "???") == 0;
		if (!none) {
			g->choice = rpc_call_strdup(call, c->option);
		}
		r->groups[r->n_groups++] = g;
	}
	for (size_t i = 0; i < ng; i++) {
		const struct hydra_group *hg    = hydra_config_group(cfg, i);
		bool                      found = false;

		for (size_t k = 0; k < r->n_groups && !found; k++) {
			found = strcmp(r->groups[k]->group, hg->name) == 0;
		}
		/* a folder holding only sub-groups offers no choice */
		if (!found && hg->noptions > 0) {
			r->groups[r->n_groups++]
			    = rpc_hydra_group(call, cfg, "", hg->name);
		}
	}
}

/* The project's .mlops-config.yaml (defaults when there is none). */
static int
rpc_hydra_mlops_config(struct project_config **pc,
    const struct store_project *p, struct mlops_error *err)
{
	char *path = xasprintf("%s/%s", p->path, RPC_HYDRA_PROJECT_CONFIG);
	int   rc   = project_config_load(pc, path, err);

	free(path);
	if (rc < 0) {
		mlops_error_field(err, "config");
	}
	return rc;
}

RPC_HANDLER(rpc_hydra_project_config)
{
	const Mlops__ProjectConfigRequest *q  = req->project_config;
	struct store_project              *p  = NULL;
	struct project_config             *pc = NULL;
	struct launch_hydra               *h  = NULL;
	const struct hydra_config         *cfg;
	Mlops__ProjectConfigReply         *r;
	struct rpc_hydra_out               o = { .call = call };
	int                                rc;

	if (q == NULL || q->name == NULL || q->name[0] == '\0') {
		return mlops_error_set_field(err, MLOPS_EINVAL, "name",
		    "name: a project name is required");
	}
	if ((rc = store_project_get_by_name(
	         &p, rpc_call_store(call), q->name, err))
	    < 0) {
		mlops_error_field(err, "name");
		return rc;
	}
	if ((rc = rpc_hydra_mlops_config(&pc, p, err)) < 0
	    || (rc = launch_hydra_open(&h, p->path, pc, q->config_name, err))
	        < 0) {
		goto out;
	}
	if (h == NULL) {
		rc = mlops_error_set_field(err, MLOPS_ENOTFOUND,
		    "hydra_config_dir",
		    "hydra_config_dir: project %s has no Hydra config "
		    "directory '%s' (set hydra_config_dir in %s)",
		    p->name, pc->hydra_config_dir, RPC_HYDRA_PROJECT_CONFIG);
		goto out;
	}
	cfg            = launch_hydra_config(h);
	r              = RPC_ALLOC(call, Mlops__ProjectConfigReply,
	                 MLOPS__PROJECT_CONFIG_REPLY__INIT);
	r->project     = rpc_call_strdup(call, p->name);
	r->config_dir  = rpc_call_strdup(call, pc->hydra_config_dir);
	r->config_name = rpc_call_strdup(call, hydra_config_name(cfg));
	rpc_hydra_leaves(&o, hydra_config_root(cfg), "");
	r->values   = o.values;
	r->n_values = o.nvalues;
	rpc_hydra_groups(call, cfg, r);
	r->config_json       = rpc_call_keep(call, hydra_config_to_json(cfg));
	resp->body_case      = MLOPS__RESPONSE__BODY_PROJECT_CONFIG;
	resp->project_config = r;
out:
	launch_hydra_free(h);
	project_config_free(pc);
	store_project_free(p);
	return rc;
}
