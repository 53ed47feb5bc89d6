/*
 * mlops cluster: the group's table and usage texts, and `cluster list`.
 * check and trust live in cmd_cluster_check.c, gpus in cmd_cluster_gpus.c.
 */
#include <stdio.h>
#include <string.h>

#include <mlops/strbuf.h>

#include "cmd.h"
#include "output.h"

static int cluster_list(struct cli *cli, int argc, char **argv);

#define CLUSTER_LIST_SYNOPSIS  "mlops cluster list [--json]"
#define CLUSTER_CHECK_SYNOPSIS "mlops cluster check NAME [--json]"
#define CLUSTER_GPUS_SYNOPSIS  "mlops cluster gpus [NAME] [--json]"
#define CLUSTER_TRUST_SYNOPSIS "mlops cluster trust NAME [--yes] [--json]"

const char cmd_cluster_usage[]
    = "usage: mlops cluster SUBCOMMAND [ARGS...]\n"
      "\n"
      "Clusters are configured in clusters.yaml in the daemon's config\n"
      "directory ($XDG_CONFIG_HOME/mlops).\n"
      "\n"
      "Subcommands:\n"
      "  " CLUSTER_LIST_SYNOPSIS "\n"
      "      the configured clusters\n"
      "  " CLUSTER_CHECK_SYNOPSIS "\n"
      "      connect, verify the host key, report Slurm version, partitions\n"
      "      and GPU types\n"
      "  " CLUSTER_GPUS_SYNOPSIS "\n"
      "      GPU availability per cluster, partition and GPU type\n"
      "  " CLUSTER_TRUST_SYNOPSIS "\n"
      "      accept the cluster's SSH host key\n"
      "\n"
      "Run 'mlops cluster SUBCOMMAND --help' for details.\n";

static const char cluster_list_usage[]
    = "usage: " CLUSTER_LIST_SYNOPSIS "\n"
      "\n"
      "List the clusters configured in clusters.yaml.\n"
      "\n"
      "Options:\n"
      "  --json      print one JSON array of objects: name, host, port,\n"
      "              workspace, allowed_partitions[], allowed_gpu_types[],\n"
      "              gpu_request_style, conda_env, use_login_shell, account,\n"
      "              qos, poll_interval, gpu_cache_ttl (unset values are "
      "null)\n"
      "  -h, --help  show this help\n";

static const char cluster_check_usage[]
    = "usage: " CLUSTER_CHECK_SYNOPSIS "\n"
      "\n"
      "Connect to cluster NAME, verify its SSH host key, and report its "
      "Slurm\n"
      "version, partitions and GPU types. A Slurm version Mission Control is\n"
      "not tested with (it is with 22.05 and 24.11) is marked as such.\n"
      "\n"
      "Options:\n"
      "  --json      print one JSON object: name, slurm_version,\n"
      "              slurm_version_note (null for a tested version),\n"
      "              host_key_fingerprint, nodes, gpu_types[], partitions[]\n"
      "              {name, default, state, max_time, max_time_s,\n"
      "              default_time, nodes, cpus, node_list, gpu_types[]},\n"
      "              checked_at\n"
      "  -h, --help  show this help\n";

static const char cluster_gpus_usage[]
    = "usage: " CLUSTER_GPUS_SYNOPSIS "\n"
      "\n"
      "GPU availability per cluster, partition and GPU type: total, free, in\n"
      "use, unavailable (on nodes down, drained or draining) and GPUs asked\n"
      "for by pending jobs. Without NAME, every cluster. Answers from the\n"
      "daemon's cache (refreshed every gpu_cache_ttl seconds while watched).\n"
      "\n"
      "Options:\n"
      "  --json      print one JSON array, a cluster each: name, fetched_at,\n"
      "              stale, error (null, or why its figures could not be\n"
      "              read), rows[] {partition, gpu_type, total, allocated,\n"
      "              free, unavailable, pending}\n"
      "  -h, --help  show this help\n"
      "\n"
      "A cluster whose figures could not be read is reported on stderr and\n"
      "makes the exit status 1; the others' figures (and its own last good\n"
      "ones, if any) are printed all the same, with --json too: there its\n"
      "error is set, and no error object replaces the array.\n";

static const char cluster_trust_usage[]
    = "usage: " CLUSTER_TRUST_SYNOPSIS "\n"
      "\n"
      "Show the SSH host key of cluster NAME and, once confirmed, record it\n"
      "as trusted.\n"
      "\n"
      "Options:\n"
      "  -y, --yes   trust the key without asking (for scripts)\n"
      "  --json      print one JSON object: name, fingerprint, key_type,\n"
      "              known (\"trusted\", \"unknown\" or \"changed\"), added,\n"
      "              known_hosts\n"
      "  -h, --help  show this help\n";

static const struct cmd_spec cluster_commands[] = {
	{ "list", cluster_list, "configured clusters", cluster_list_usage },
	{ "check", cmd_cluster_check, "test a cluster", cluster_check_usage },
	{ "gpus", cmd_cluster_gpus, "GPU availability", cluster_gpus_usage },
	{ "trust", cmd_cluster_trust, "trust a host key",
	    cluster_trust_usage },
};

int
cmd_cluster(struct cli *cli, int argc, char **argv)
{
	return cli_run_group(cli, cluster_commands,
	    sizeof(cluster_commands) / sizeof(cluster_commands[0]), argc,
	    argv);
}

static json_object *
cluster_json(const Mlops__Cluster *cl)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(cl->name));
	json_object_object_add(o, "host", output_json_str(cl->host));
	json_object_object_add(
	    o, "port", cl->port != 0 ? json_object_new_int64(cl->port) : NULL);
	json_object_object_add(o, "workspace", output_json_str(cl->workspace));
	json_object_object_add(o, "allowed_partitions",
	    output_json_strv(
	        cl->allowed_partitions, cl->n_allowed_partitions));
	json_object_object_add(o, "allowed_gpu_types",
	    output_json_strv(cl->allowed_gpu_types, cl->n_allowed_gpu_types));
	json_object_object_add(
	    o, "gpu_request_style", output_json_str(cl->gpu_request_style));
	json_object_object_add(o, "conda_env", output_json_str(cl->conda_env));
	json_object_object_add(o, "use_login_shell",
	    json_object_new_boolean(cl->use_login_shell));
	json_object_object_add(o, "account", output_json_str(cl->account));
	json_object_object_add(o, "qos", output_json_str(cl->qos));
	json_object_object_add(
	    o, "poll_interval", json_object_new_int64(cl->poll_interval));
	json_object_object_add(
	    o, "gpu_cache_ttl", json_object_new_int64(cl->gpu_cache_ttl));
	return o;
}

/* "a,b,c" for a table cell. Caller frees with strbuf_fini(). */
static void
cluster_join(struct strbuf *sb, char **v, size_t n)
{
	strbuf_reset(sb);
	for (size_t i = 0; i < n; i++) {
		strbuf_printf(sb, "%s%s", i ? "," : "", v[i]);
	}
}

static int
cluster_list_text(const Mlops__ClusterListReply *r)
{
	static const char *const hdr[] = { "name", "host", "port", "workspace",
		"partitions", "gpu types", "poll" };
	struct output_table     *t     = output_table_new(hdr, 7);
	struct strbuf            parts = STRBUF_INIT, gpus = STRBUF_INIT;
	int                      rc;

	for (size_t i = 0; i < r->n_clusters; i++) {
		const Mlops__Cluster *cl = r->clusters[i];
		char                  port[16], poll[16];

		snprintf(port, sizeof(port), "%u", cl->port);
		snprintf(poll, sizeof(poll), "%us", cl->poll_interval);
		cluster_join(
		    &parts, cl->allowed_partitions, cl->n_allowed_partitions);
		cluster_join(
		    &gpus, cl->allowed_gpu_types, cl->n_allowed_gpu_types);
		const char *row[7] = { cl->name, cl->host,
			cl->port != 0 ? port : "", cl->workspace,
			strbuf_str(&parts), strbuf_str(&gpus), poll };
		output_table_add(t, row);
	}
	rc = output_print_table(t);
	output_table_free(t);
	strbuf_fini(&parts);
	strbuf_fini(&gpus);
	return rc;
}

static int
cluster_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS };
	Mlops__Request             req    = MLOPS__REQUEST__INIT;
	Mlops__ClusterListRequest  body   = MLOPS__CLUSTER_LIST_REQUEST__INIT;
	Mlops__Response           *resp   = NULL;
	const Mlops__ClusterListReply *r;
	int                            c, rc;

	if ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		return c == CLI_GETOPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if ((rc = cli_nargs(cli, argc - optind, 0, 0, "")) != 0) {
		return rc;
	}
	req.body_case    = MLOPS__REQUEST__BODY_CLUSTER_LIST;
	req.cluster_list = &body;
	rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_CLUSTER_LIST, &resp);
	if (rc != 0) {
		return rc;
	}
	r = resp->cluster_list;
	if (cli->json) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < r->n_clusters; i++) {
			json_object_array_add(a, cluster_json(r->clusters[i]));
		}
		rc = output_print_json(a);
	} else {
		rc = cluster_list_text(r);
	}
	mlops__response__free_unpacked(resp, NULL);
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : CLI_EXIT_OK;
}
