/*
 * mlops status: the daemon's version, pid, uptime and configuration, and
 * the connection state of each cluster (one Status call).
 */
#include <stdio.h>
#include <string.h>

#include <mlops/types.h>

#include "cmd.h"
#include "output.h"

const char cmd_status_usage[]
    = "usage: mlops status [--json]\n"
      "\n"
      "Show the daemon's version, pid, uptime and configuration, then for "
      "each\n"
      "configured cluster its connection state (disconnected, connecting,\n"
      "connected, unreachable), Slurm version, last contact, last poll and\n"
      "last error. A cluster whose last job poll failed (a Slurm command\n"
      "failed, or printed a row that cannot be read) is listed under \"poll\n"
      "errors\" with that error and the time of its last successful poll.\n"
      "Warnings about the configuration files come last.\n"
      "\n"
      "Options:\n"
      "  --json      print one JSON object: server_version, pid, started_at,\n"
      "              uptime_s, url, config_path, state_dir, clusters[] "
      "{name,\n"
      "              state, slurm_version, last_contact_at, last_poll_at,\n"
      "              last_poll_ok_at, last_poll_error, last_error,\n"
      "              poll_cycles, poll_commands}, config_warnings[]\n"
      "  -h, --help  show this help\n";

json_object *
cmd_status_cluster_json(const Mlops__ClusterStatus *cs)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(cs->name));
	json_object_object_add(o, "state",
	    json_object_new_string(mlops_cluster_state_name(cs->state)));
	json_object_object_add(
	    o, "slurm_version", output_json_str(cs->slurm_version));
	json_object_object_add(
	    o, "last_contact_at", output_json_time(cs->last_contact_at));
	json_object_object_add(
	    o, "last_poll_at", output_json_time(cs->last_poll_at));
	json_object_object_add(
	    o, "last_poll_ok_at", output_json_time(cs->last_poll_ok_at));
	json_object_object_add(
	    o, "last_poll_error", output_json_str(cs->last_poll_error));
	json_object_object_add(
	    o, "last_error", output_json_str(cs->last_error));
	json_object_object_add(o, "poll_cycles",
	    json_object_new_int64((int64_t) cs->poll_cycles));
	json_object_object_add(o, "poll_commands",
	    json_object_new_int64((int64_t) cs->poll_commands));
	return o;
}

static int
status_json(struct cli *cli, const Mlops__StatusReply *st)
{
	json_object *o = json_object_new_object();
	json_object *a = json_object_new_array();

	json_object_object_add(
	    o, "server_version", output_json_str(st->server_version));
	json_object_object_add(o, "pid", json_object_new_int64(st->pid));
	json_object_object_add(
	    o, "started_at", output_json_time(st->started_at));
	json_object_object_add(
	    o, "uptime_s", json_object_new_int64((int64_t) st->uptime_s));
	json_object_object_add(o, "url", json_object_new_string(cli->url));
	json_object_object_add(
	    o, "config_path", output_json_str(st->config_path));
	json_object_object_add(o, "state_dir", output_json_str(st->state_dir));
	for (size_t i = 0; i < st->n_clusters; i++) {
		json_object_array_add(
		    a, cmd_status_cluster_json(st->clusters[i]));
	}
	json_object_object_add(o, "clusters", a);
	json_object_object_add(o, "config_warnings",
	    output_json_strv(st->config_warnings, st->n_config_warnings));
	return output_print_json(o);
}

static int
status_text(struct cli *cli, const Mlops__StatusReply *st)
{
	static const char *const hdr[] = { "cluster", "state", "slurm",
		"last contact", "last poll", "last error" };
	struct output_kv        *kv    = output_kv_new();
	struct output_table     *t;
	char                     t1[OUTPUT_TIME_MAX], t2[OUTPUT_TIME_MAX];
	char                     up[32];
	int                      rc;

	output_kv_addf(
	    kv, 0, "daemon", "mlopsd %s, pid %u", st->server_version, st->pid);
	output_kv_add(kv, 0, "url", cli->url);
	output_kv_addf(kv, 0, "started", "%s (up %s)",
	    output_fmt_time(t1, st->started_at),
	    output_fmt_duration(up, sizeof(up), st->uptime_s));
	output_kv_add(kv, 0, "config", st->config_path);
	output_kv_add(kv, 0, "state", st->state_dir);
	if (st->n_clusters == 0) {
		output_kv_add(kv, 0, "clusters", "none configured");
	}
	rc = output_print_kv(kv);
	output_kv_free(kv);

	if (st->n_clusters > 0) {
		t = output_table_new(hdr, 6);
		for (size_t i = 0; i < st->n_clusters; i++) {
			const Mlops__ClusterStatus *cs = st->clusters[i];
			const char                 *row[6]
			    = { cs->name, mlops_cluster_state_name(cs->state),
				      cs->slurm_version,
				      output_fmt_time(t1, cs->last_contact_at),
				      output_fmt_time(t2, cs->last_poll_at),
				      cs->last_error };

			output_table_add(t, row);
		}
		output_print("\n");
		rc |= output_print_table(t);
		output_table_free(t);
	}
	for (size_t i = 0, n = 0; i < st->n_clusters; i++) {
		const Mlops__ClusterStatus *cs = st->clusters[i];

		if (cs->last_poll_error == NULL
		    || cs->last_poll_error[0] == '\0') {
			continue;
		}
		if (n++ == 0) {
			output_print("\npoll errors:\n");
		}
		output_printf("  %s (last successful poll %s): %s\n", cs->name,
		    output_fmt_time(t1, cs->last_poll_ok_at),
		    cs->last_poll_error);
	}
	if (st->n_config_warnings > 0) {
		output_print("\nconfig warnings:\n");
		for (size_t i = 0; i < st->n_config_warnings; i++) {
			output_printf("  %s\n", st->config_warnings[i]);
		}
	}
	return rc;
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS };
	Mlops__Request             req    = MLOPS__REQUEST__INIT;
	Mlops__StatusRequest       body   = MLOPS__STATUS_REQUEST__INIT;
	Mlops__Response           *resp   = NULL;
	int                        c, rc;

	if ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		return c == CLI_GETOPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if ((rc = cli_nargs(cli, argc - optind, 0, 0, "")) != 0) {
		return rc;
	}
	req.body_case = MLOPS__REQUEST__BODY_STATUS;
	req.status    = &body;
	if ((rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_STATUS, &resp))
	    != 0) {
		return rc;
	}
	rc = cli->json ? status_json(cli, resp->status)
	               : status_text(cli, resp->status);
	mlops__response__free_unpacked(resp, NULL);
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : CLI_EXIT_OK;
}
