/*
 * mlops cluster check NAME and mlops cluster trust NAME [--yes]: test a
 * cluster end to end, and accept its SSH host key after the user saw its
 * fingerprint.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mlops/strbuf.h>

#include "cmd.h"
#include "output.h"

static json_object *
check_partition_json(const Mlops__Partition *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(
	    o, "default", json_object_new_boolean(p->is_default));
	json_object_object_add(o, "state", output_json_str(p->state));
	json_object_object_add(o, "max_time", output_json_str(p->max_time));
	json_object_object_add(
	    o, "max_time_s", output_json_count(p->max_time_s));
	json_object_object_add(
	    o, "default_time", output_json_str(p->default_time));
	json_object_object_add(
	    o, "nodes", json_object_new_int64(p->total_nodes));
	json_object_object_add(
	    o, "cpus", json_object_new_int64(p->total_cpus));
	json_object_object_add(o, "node_list", output_json_str(p->nodes));
	json_object_object_add(
	    o, "gpu_types", output_json_strv(p->gpu_types, p->n_gpu_types));
	return o;
}

static void
check_join(struct strbuf *sb, char **v, size_t n)
{
	strbuf_reset(sb);
	for (size_t i = 0; i < n; i++) {
		strbuf_printf(sb, "%s%s", i ? "," : "", v[i]);
	}
}

static int
check_text(const Mlops__ClusterCheckReply *r)
{
	static const char *const hdr[] = { "partition", "default", "state",
		"max time", "default time", "nodes", "cpus", "gpu types" };
	struct output_kv        *kv    = output_kv_new();
	struct output_table     *t     = output_table_new(hdr, 8);
	struct strbuf            sb    = STRBUF_INIT;
	char                     tbuf[OUTPUT_TIME_MAX];
	int                      rc;

	check_join(&sb, r->gpu_types, r->n_gpu_types);
	output_kv_add(kv, 0, "cluster", r->name);
	if (r->slurm_version_note != NULL
	    && r->slurm_version_note[0] != '\0') {
		output_kv_addf(kv, 0, "slurm", "%s (%s)", r->slurm_version,
		    r->slurm_version_note);
	} else {
		output_kv_add(kv, 0, "slurm", r->slurm_version);
	}
	output_kv_add(kv, 0, "host key", r->host_key_fingerprint);
	output_kv_addf(kv, 0, "nodes", "%d", r->nodes);
	output_kv_add(kv, 0, "gpu types", sb.len ? strbuf_str(&sb) : "none");
	output_kv_add(kv, 0, "checked", output_fmt_time(tbuf, r->checked_at));
	for (size_t i = 0; i < r->n_partitions; i++) {
		const Mlops__Partition *p = r->partitions[i];
		char                    nodes[16], cpus[16];

		snprintf(nodes, sizeof(nodes), "%d", p->total_nodes);
		snprintf(cpus, sizeof(cpus), "%d", p->total_cpus);
		check_join(&sb, p->gpu_types, p->n_gpu_types);
		const char *row[8] = { p->name, p->is_default ? "yes" : "",
			p->state, p->max_time,
			p->default_time[0] ? p->default_time : "-", nodes,
			cpus, sb.len ? strbuf_str(&sb) : "-" };
		output_table_add(t, row);
	}
	rc = output_print_kv(kv);
	if (rc >= 0) {
		rc = output_print("\n");
	}
	if (rc >= 0) {
		rc = output_print_table(t);
	}
	output_kv_free(kv);
	output_table_free(t);
	strbuf_fini(&sb);
	return rc;
}

int
cmd_cluster_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS };
	Mlops__Request             req    = MLOPS__REQUEST__INIT;
	Mlops__ClusterCheckRequest body   = MLOPS__CLUSTER_CHECK_REQUEST__INIT;
	Mlops__Response           *resp   = NULL;
	const Mlops__ClusterCheckReply *r;
	int                             c, rc;

	if ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		return c == CLI_GETOPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if ((rc = cli_nargs(cli, argc - optind, 1, 1, "cluster NAME")) != 0) {
		return rc;
	}
	body.name         = argv[optind];
	req.body_case     = MLOPS__REQUEST__BODY_CLUSTER_CHECK;
	req.cluster_check = &body;
	if ((rc = cli_call(
	         cli, &req, MLOPS__RESPONSE__BODY_CLUSTER_CHECK, &resp))
	    != 0) {
		return rc;
	}
	r = resp->cluster_check;
	if (cli->json) {
		json_object *o = json_object_new_object();
		json_object *a = json_object_new_array();

		json_object_object_add(
		    o, "name", json_object_new_string(r->name));
		json_object_object_add(
		    o, "slurm_version", output_json_str(r->slurm_version));
		json_object_object_add(o, "slurm_version_note",
		    output_json_str(r->slurm_version_note));
		json_object_object_add(o, "host_key_fingerprint",
		    output_json_str(r->host_key_fingerprint));
		json_object_object_add(
		    o, "nodes", json_object_new_int64(r->nodes));
		json_object_object_add(o, "gpu_types",
		    output_json_strv(r->gpu_types, r->n_gpu_types));
		for (size_t i = 0; i < r->n_partitions; i++) {
			json_object_array_add(
			    a, check_partition_json(r->partitions[i]));
		}
		json_object_object_add(o, "partitions", a);
		json_object_object_add(
		    o, "checked_at", output_json_time(r->checked_at));
		rc = output_print_json(o);
	} else {
		rc = check_text(r);
	}
	mlops__response__free_unpacked(resp, NULL);
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : CLI_EXIT_OK;
}

static int
trust_call(struct cli *cli, const char *name, const char *fingerprint,
    Mlops__Response **out)
{
	Mlops__Request             req  = MLOPS__REQUEST__INIT;
	Mlops__ClusterTrustRequest body = MLOPS__CLUSTER_TRUST_REQUEST__INIT;

	body.name         = (char *) name;
	body.fingerprint  = (char *) (fingerprint ? fingerprint : "");
	req.body_case     = MLOPS__REQUEST__BODY_CLUSTER_TRUST;
	req.cluster_trust = &body;
	return cli_call(cli, &req, MLOPS__RESPONSE__BODY_CLUSTER_TRUST, out);
}

/* Asks on the terminal; "y" or "yes" confirms. */
static bool
trust_confirm(const char *question)
{
	FILE *tty      = fopen("/dev/tty", "r+");
	char  line[32] = "";

	if (tty == NULL) {
		return false;
	}
	fprintf(tty, "%s [y/N] ", question);
	fflush(tty);
	if (fgets(line, sizeof(line), tty) == NULL) {
		line[0] = '\0';
	}
	fclose(tty);
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0
	    || strcmp(line, "yes") == 0;
}

static int
trust_print(struct cli *cli, const Mlops__ClusterTrustReply *r)
{
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(
		    o, "name", json_object_new_string(r->name));
		json_object_object_add(
		    o, "fingerprint", output_json_str(r->fingerprint));
		json_object_object_add(
		    o, "key_type", output_json_str(r->key_type));
		json_object_object_add(o, "known",
		    json_object_new_string(r->known == 1 ? "trusted"
		            : r->known == 0              ? "unknown"
		                                         : "changed"));
		json_object_object_add(
		    o, "added", json_object_new_boolean(r->added));
		json_object_object_add(
		    o, "known_hosts", output_json_str(r->known_hosts));
		return output_print_json(o);
	}
	return output_printf("%s: %s key %s%s\n", r->name, r->key_type,
	    r->fingerprint,
	    r->added            ? " added to known hosts"
	        : r->known == 1 ? " is already trusted"
	                        : "");
}

int
cmd_cluster_trust(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		CLI_COMMON_OPTIONS,
	};
	Mlops__Response                *resp = NULL, *resp2 = NULL;
	const Mlops__ClusterTrustReply *r;
	bool                            yes = false;
	int                             c, rc;
	char                            question[256];

	while ((c = cli_getopt(cli, argc, argv, ":hy", opts)) != -1) {
		if (c == CLI_GETOPT_HELP) {
			return CLI_EXIT_OK;
		}
		if (c != 'y') {
			return CLI_EXIT_USAGE;
		}
		yes = true;
	}
	if ((rc = cli_nargs(cli, argc - optind, 1, 1, "cluster NAME")) != 0) {
		return rc;
	}
	/* First look at the key the server presents now. */
	if ((rc = trust_call(cli, argv[optind], NULL, &resp)) != 0) {
		return rc;
	}
	r = resp->cluster_trust;
	if (r->known == 1) {
		rc = trust_print(cli, r);
		goto out;
	}
	if (r->known < 0) {
		rc = cli_fail(cli, MLOPS_EHOSTKEY, NULL,
		    "the host key of %s CHANGED: it now presents %s %s. This "
		    "could be an attack. If the change is expected, remove "
		    "the old entry from %s and run this command again",
		    r->name, r->key_type, r->fingerprint, r->known_hosts);
		goto out;
	}
	if (!yes) {
		fprintf(stderr,
		    "The host key of %s is not known.\n%s key "
		    "fingerprint is %s.\n",
		    r->name, r->key_type, r->fingerprint);
		snprintf(question, sizeof(question),
		    "Trust it and add it to %s?", r->known_hosts);
		if (!isatty(STDIN_FILENO) && !isatty(STDERR_FILENO)) {
			rc = cli_fail(cli, MLOPS_EHOSTKEY, "--yes",
			    "no terminal to confirm on: check "
			    "the fingerprint and use --yes");
			goto out;
		}
		if (!trust_confirm(question)) {
			rc = cli_fail(
			    cli, MLOPS_EHOSTKEY, NULL, "not trusted");
			goto out;
		}
	}
	/* The daemon adds it only if the server still shows this key. */
	if ((rc = trust_call(cli, argv[optind], r->fingerprint, &resp2))
	    != 0) {
		goto out;
	}
	rc = trust_print(cli, resp2->cluster_trust) < 0
	    ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	    : CLI_EXIT_OK;
out:
	if (resp != NULL) {
		mlops__response__free_unpacked(resp, NULL);
	}
	if (resp2 != NULL) {
		mlops__response__free_unpacked(resp2, NULL);
	}
	return rc < 0 ? CLI_EXIT_ERROR : rc;
}
