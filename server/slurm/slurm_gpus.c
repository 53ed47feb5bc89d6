/*
 * slurm_gpus: per (partition, GPU type) totals, allocated, unavailable,
 * free and pending counts from parsed node, partition and pending-job
 * lists. Pure; any thread.
 */
#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "slurm_gpus.h"

/* GPUs of one type on one node. */
struct slurm_gpus_node_type {
	const char *type;
	long        total;
	long        used;
};

static struct slurm_gpu_row *slurm_gpus_row(struct slurm_gpu_summary *s,
    const char *partition, const char *type, bool any);

static size_t slurm_gpus_node_types(
    const struct slurm_node *node, struct slurm_gpus_node_type **out);

static bool slurm_gpus_part_wanted(
    const struct slurm_partitions *parts, const char *name);
static bool slurm_gpus_held(const char *reason);
static int  slurm_gpus_row_cmp(const void *a, const void *b);
static void slurm_gpus_add(long *sum, long n);

/* *sum += n for n >= 0, saturating instead of overflowing. */
static void
slurm_gpus_add(long *sum, long n)
{
	*sum = n > LONG_MAX - *sum ? LONG_MAX : *sum + n;
}

static struct slurm_gpu_row *
slurm_gpus_row(struct slurm_gpu_summary *s, const char *partition,
    const char *type, bool any)
{
	struct slurm_gpu_row *r;

	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].any == any
		    && strcmp(s->v[i].partition, partition) == 0
		    && strcmp(s->v[i].type, type) == 0) {
			return &s->v[i];
		}
	}
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	r    = &s->v[s->n++];
	memset(r, 0, sizeof(*r));
	r->partition = xstrdup(partition);
	r->type      = xstrdup(type);
	r->any       = any;
	return r;
}

/*
 * The node's GPUs per type, with what GresUsed says is in use. Used
 * entries whose type the node does not list (an untyped "gpu:2" on a typed
 * node) fill the types in order, so that no busy GPU looks free.
 */
static size_t
slurm_gpus_node_types(
    const struct slurm_node *node, struct slurm_gpus_node_type **out)
{
	struct slurm_gpus_node_type *t         = NULL;
	size_t                       n         = 0;
	long                         unmatched = 0;

	for (size_t i = 0; i < node->n_gres; i++) {
		const struct slurm_gres *g = &node->gres[i];
		size_t                   j;

		if (strcmp(g->name, "gpu") != 0) {
			continue;
		}
		for (j = 0; j < n && strcmp(t[j].type, g->type) != 0; j++) { }
		if (j == n) {
			t = xreallocarray(t, n + 1, sizeof(*t));
			t[n++]
			    = (struct slurm_gpus_node_type) { g->type, 0, 0 };
		}
		slurm_gpus_add(&t[j].total, g->count);
	}
	if (!node->has_gres_used) {
		bool busy = node->flags
		    & (SLURM_NODE_ALLOCATED | SLURM_NODE_MIXED
		        | SLURM_NODE_COMPLETING);

		for (size_t j = 0; j < n; j++) {
			t[j].used = busy ? t[j].total : 0;
		}
		*out = t;
		return n;
	}
	for (size_t i = 0; i < node->n_gres_used; i++) {
		const struct slurm_gres *g = &node->gres_used[i];
		size_t                   j;

		if (strcmp(g->name, "gpu") != 0) {
			continue;
		}
		for (j = 0; j < n && strcmp(t[j].type, g->type) != 0; j++) { }
		if (j == n) {
			slurm_gpus_add(&unmatched, g->count);
		} else {
			slurm_gpus_add(&t[j].used, g->count);
		}
	}
	for (size_t j = 0; j < n; j++) {
		if (t[j].used > t[j].total) {
			t[j].used = t[j].total;
		}
	}
	for (size_t j = 0; j < n && unmatched > 0; j++) {
		long room = t[j].total - t[j].used;
		long take = unmatched < room ? unmatched : room;

		t[j].used += take;
		unmatched -= take;
	}
	*out = t;
	return n;
}

static bool
slurm_gpus_part_wanted(const struct slurm_partitions *parts, const char *name)
{
	if (parts == NULL) {
		return true;
	}
	for (size_t i = 0; i < parts->n; i++) {
		if (strcmp(parts->v[i].name, name) == 0) {
			return true;
		}
	}
	return false;
}

/* Within a partition: types by name, the "any" row last. */
static int
slurm_gpus_row_cmp(const void *a, const void *b)
{
	const struct slurm_gpu_row *x = a, *y = b;

	if (x->any != y->any) {
		return x->any ? 1 : -1;
	}
	return strcmp(x->type, y->type);
}

static bool
slurm_gpus_held(const char *reason)
{
	return reason != NULL
	    && (strcmp(reason, "JobHeldUser") == 0
	        || strcmp(reason, "JobHeldAdmin") == 0);
}

int
slurm_gpus_summarize(struct slurm_gpu_summary *out,
    const struct slurm_nodes *nodes, const struct slurm_partitions *parts,
    const struct slurm_gpu_requests *pending, struct mlops_error *err)
{
	struct slurm_gpu_summary res     = { NULL, 0 };
	char                   **order   = NULL; /* partition order */
	size_t                   n_order = 0, m = 0;
	struct slurm_gpu_row    *sorted;

	if (nodes == NULL) {
		return mlops_error_set_field(
		    err, MLOPS_EINVAL, "nodes", "nodes: missing");
	}
	if (parts != NULL) {
		for (size_t i = 0; i < parts->n; i++) {
			order = xreallocarray(
			    order, n_order + 1, sizeof(*order));
			order[n_order++] = parts->v[i].name;
		}
	}

	/* Totals, allocated and unavailable from the nodes. */
	for (size_t i = 0; i < nodes->n; i++) {
		const struct slurm_node     *node = &nodes->v[i];
		struct slurm_gpus_node_type *t    = NULL;
		size_t n_t    = slurm_gpus_node_types(node, &t);
		bool   usable = slurm_node_gpus_usable(node->flags);

		for (size_t p = 0; p < node->n_partitions && n_t > 0; p++) {
			const char *part = node->partitions[p];
			size_t      k;

			if (!slurm_gpus_part_wanted(parts, part)) {
				continue;
			}
			for (k = 0; k < n_order && strcmp(order[k], part) != 0;
			     k++) { }
			if (k == n_order) {
				order = xreallocarray(
				    order, n_order + 1, sizeof(*order));
				order[n_order++] = node->partitions[p];
			}
			for (size_t j = 0; j < n_t; j++) {
				struct slurm_gpu_row *r = slurm_gpus_row(
				    &res, part, t[j].type, false);

				slurm_gpus_add(&r->total, t[j].total);
				slurm_gpus_add(&r->allocated, t[j].used);
				if (!usable) {
					slurm_gpus_add(&r->unavailable,
					    t[j].total - t[j].used);
				}
			}
		}
		free(t);
	}

	/* Pending requests. */
	for (size_t i = 0; pending != NULL && i < pending->n; i++) {
		const struct slurm_gpu_request *req = &pending->v[i];

		if (slurm_gpus_held(req->reason)) {
			continue;
		}
		for (size_t p = 0; p < req->n_partitions; p++) {
			const char *part = req->partitions[p];

			for (size_t g = 0; g < req->n_gpus; g++) {
				struct slurm_gpu_row *only  = NULL;
				size_t                types = 0;

				for (size_t k = 0; k < res.n; k++) {
					if (!res.v[k].any
					    && strcmp(res.v[k].partition, part)
					        == 0
					    && (req->gpus[g].typed == false
					        || strcmp(res.v[k].type,
					               req->gpus[g].type)
					            == 0)) {
						only = &res.v[k];
						types++;
					}
				}
				if (types == 1) {
					slurm_gpus_add(&only->pending,
					    req->gpus[g].count);
				} else if (types > 1) {
					slurm_gpus_add(&slurm_gpus_row(&res,
					                   part, "any", true)
					                    ->pending,
					    req->gpus[g].count);
				}
			}
		}
	}

	/* "any" rows sum their partition's typed rows. */
	for (size_t i = 0; i < res.n; i++) {
		struct slurm_gpu_row *any = &res.v[i];

		if (!any->any) {
			continue;
		}
		for (size_t k = 0; k < res.n; k++) {
			const struct slurm_gpu_row *r = &res.v[k];

			if (!r->any
			    && strcmp(r->partition, any->partition) == 0) {
				slurm_gpus_add(&any->total, r->total);
				slurm_gpus_add(&any->allocated, r->allocated);
				slurm_gpus_add(
				    &any->unavailable, r->unavailable);
			}
		}
	}

	/* Partitions in order, each one's rows sorted; then free. Every
	 * row's partition is in `order`: rows come from nodes' partitions,
	 * which were added above, and "any" rows join existing ones. */
	sorted = xcalloc(res.n ? res.n : 1, sizeof(*sorted));
	for (size_t k = 0; k < n_order; k++) {
		size_t start = m;

		for (size_t i = 0; i < res.n; i++) {
			if (strcmp(res.v[i].partition, order[k]) == 0) {
				sorted[m++] = res.v[i];
			}
		}
		if (m - start > 1) {
			qsort(sorted + start, m - start, sizeof(*sorted),
			    slurm_gpus_row_cmp);
		}
	}
	assert(m == res.n);
	free(res.v);
	res.v = sorted;
	for (size_t i = 0; i < res.n; i++) {
		struct slurm_gpu_row *r = &res.v[i];

		r->free = r->total - r->allocated - r->unavailable;
		if (r->free < 0) {
			r->free = 0;
		}
	}
	free(order);
	*out = res;
	return 0;
}

void
slurm_gpu_summary_fini(struct slurm_gpu_summary *s)
{
	if (s == NULL) {
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].partition);
		free(s->v[i].type);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

const struct slurm_gpu_row *
slurm_gpus_find(
    const struct slurm_gpu_summary *s, const char *partition, const char *type)
{
	for (size_t i = 0; s != NULL && i < s->n; i++) {
		if (strcmp(s->v[i].partition, partition) == 0
		    && strcmp(s->v[i].type, type) == 0) {
			return &s->v[i];
		}
	}
	return NULL;
}

static int
slurm_gpus_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

size_t
slurm_gpus_types(
    char ***out, const struct slurm_nodes *nodes, const char *partition)
{
	char **v = NULL;
	size_t n = 0;

	for (size_t i = 0; nodes != NULL && i < nodes->n; i++) {
		const struct slurm_node *nd = &nodes->v[i];
		bool                     in = partition == NULL;

		for (size_t k = 0; !in && k < nd->n_partitions; k++) {
			in = strcmp(nd->partitions[k], partition) == 0;
		}
		for (size_t g = 0; in && g < nd->n_gres; g++) {
			bool seen = false;

			if (strcmp(nd->gres[g].name, "gpu") != 0) {
				continue;
			}
			for (size_t k = 0; k < n && !seen; k++) {
				seen = strcmp(v[k], nd->gres[g].type) == 0;
			}
			if (!seen) {
				v      = xreallocarray(v, n + 1, sizeof(*v));
				v[n++] = xstrdup(nd->gres[g].type);
			}
		}
	}
	if (n > 1) {
		qsort(v, n, sizeof(*v), slurm_gpus_strcmp);
	}
	*out = v;
	return n;
}

void
slurm_gpus_types_free(char **types, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(types[i]);
	}
	free(types);
}
