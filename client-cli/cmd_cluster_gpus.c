/*
 * mlops cluster gpus [NAME]: GPU availability per cluster, partition and
 * GPU type, answered from the daemon's cache.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "output.h"

static json_object *
gpus_cluster_json(const Mlops__ClusterGpus *g)
{
	json_object *o    = json_object_new_object();
	json_object *rows = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(g->name));
	json_object_object_add(
	    o, "fetched_at", output_json_time(g->fetched_at));
	json_object_object_add(o, "stale", json_object_new_boolean(g->stale));
	json_object_object_add(o, "error",
	    g->error && g->error->code
	        ? json_object_new_string(g->error->message)
	        : NULL);
	for (size_t i = 0; i < g->n_rows; i++) {
		const Mlops__GpuRow *r = g->rows[i];
		json_object         *j = json_object_new_object();

		json_object_object_add(
		    j, "partition", json_object_new_string(r->partition));
		json_object_object_add(
		    j, "gpu_type", json_object_new_string(r->gpu_type));
		json_object_object_add(
		    j, "total", json_object_new_int(r->total));
		json_object_object_add(
		    j, "allocated", json_object_new_int(r->allocated));
		json_object_object_add(
		    j, "free", json_object_new_int(r->free));
		json_object_object_add(
		    j, "unavailable", json_object_new_int(r->unavailable));
		json_object_object_add(
		    j, "pending", json_object_new_int(r->pending));
		json_object_array_add(rows, j);
	}
	json_object_object_add(o, "rows", rows);
	return o;
}

static int
gpus_text(const Mlops__ClusterGpusReply *r)
{
	static const char *const hdr[] = { "cluster", "partition", "gpu type",
		"free", "in use", "unavailable", "total", "pending", "age" };
	struct output_table     *t     = output_table_new(hdr, 9);
	time_t                   now   = time(NULL);
	int                      rc;

	for (size_t i = 0; i < r->n_clusters; i++) {
		const Mlops__ClusterGpus *g = r->clusters[i];
		char                      age[32];

		snprintf(age, sizeof(age), "%llds%s",
		    (long long) (g->fetched_at ? now - g->fetched_at : 0),
		    g->stale ? " (refreshing)" : "");
		for (size_t k = 0; k < g->n_rows; k++) {
			const Mlops__GpuRow *gr = g->rows[k];
			char                 n[5][16];

			snprintf(n[0], 16, "%d", gr->free);
			snprintf(n[1], 16, "%d", gr->allocated);
			snprintf(n[2], 16, "%d", gr->unavailable);
			snprintf(n[3], 16, "%d", gr->total);
			snprintf(n[4], 16, "%d", gr->pending);
			const char *row[9]
			    = { g->name, gr->partition, gr->gpu_type, n[0],
				      n[1], n[2], n[3], n[4], age };
			output_table_add(t, row);
		}
	}
	rc = output_print_table(t);
	output_table_free(t);
	return rc;
}

int
cmd_cluster_gpus(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS };
	Mlops__Request             req    = MLOPS__REQUEST__INIT;
	Mlops__ClusterGpusRequest  body   = MLOPS__CLUSTER_GPUS_REQUEST__INIT;
	Mlops__Response           *resp   = NULL;
	const Mlops__ClusterGpusReply *r;
	int                            c, rc, failed = 0;

	if ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		return c == CLI_GETOPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if ((rc = cli_nargs(cli, argc - optind, 0, 1, "")) != 0) {
		return rc;
	}
	body.name        = optind < argc ? argv[optind] : "";
	req.body_case    = MLOPS__REQUEST__BODY_CLUSTER_GPUS;
	req.cluster_gpus = &body;
	if ((rc = cli_call(
	         cli, &req, MLOPS__RESPONSE__BODY_CLUSTER_GPUS, &resp))
	    != 0) {
		return rc;
	}
	r = resp->cluster_gpus;
	/* A cluster whose GPUs could not be read is reported, not hidden. */
	for (size_t i = 0; i < r->n_clusters; i++) {
		const Mlops__ClusterGpus *g = r->clusters[i];

		if (g->error != NULL && g->error->code != 0) {
			fprintf(stderr, "mlops: cluster gpus: %s: %s%s\n",
			    g->name, g->error->message,
			    g->fetched_at ? " (showing the last good figures)"
			                  : "");
			failed++;
		}
	}
	if (cli->json) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < r->n_clusters; i++) {
			json_object_array_add(
			    a, gpus_cluster_json(r->clusters[i]));
		}
		rc = output_print_json(a);
	} else {
		rc = gpus_text(r);
	}
	mlops__response__free_unpacked(resp, NULL);
	if (rc < 0) {
		return cli_fail(cli, MLOPS_EIO, NULL, "cannot write output");
	}
	return failed ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}
