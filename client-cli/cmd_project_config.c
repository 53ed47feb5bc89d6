/*
 * mlops project config NAME [--config-name X] [--json]: the project's Hydra
 * configuration as the daemon composed it (no overrides): the tree with
 * each value's type and source, then the config groups with their choices
 * and options. --json prints the daemon's config_json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "cmd.h"
#include "output.h"

const char cmd_project_config_usage[]
    = "usage: " CMD_PROJECT_CONFIG_SYNOPSIS "\n"
      "\n"
      "Show project NAME's Hydra configuration (its hydra_config_dir,\n"
      "default conf/) composed as Hydra composes it without overrides: the\n"
      "tree of values, each with its type and the file:line it comes from\n"
      "(mandatory values are marked ?\?\?), then every config group with the\n"
      "option the defaults list chooses and the options there are. This is\n"
      "what 'mlops launch' checks overrides against.\n"
      "\n"
      "Options:\n"
      "  --config-name X  the primary config (default: config)\n"
      "  --json           print the composition as one JSON object:\n"
      "                   config_name, config (plain values), schema[]\n"
      "                   {key, type, value, file, line}, choices{},\n"
      "                   groups{}, defaults[] {config_path, package,\n"
      "                   parent, is_self}\n"
      "  -h, --help       show this help\n";

/* The groups: key, choice, notes, options. */
static void
pconf_groups(struct strbuf *out, const Mlops__ProjectConfigReply *r)
{
	static const char *const hdr[]
	    = { "group", "choice", "notes", "options" };
	struct output_table *t    = output_table_new(hdr, 4);
	struct strbuf        opts = STRBUF_INIT, notes = STRBUF_INIT;

	for (size_t i = 0; i < r->n_groups; i++) {
		const Mlops__HydraGroup *g      = r->groups[i];
		bool                     listed = g->key[0] != '\0';
		const char              *choice = g->choice;

		strbuf_reset(&opts);
		strbuf_reset(&notes);
		for (size_t k = 0; k < g->n_options; k++) {
			strbuf_printf(
			    &opts, "%s%s", k ? ", " : "", g->options[k]);
		}
		if (g->mandatory) {
			choice = "???";
			strbuf_puts(&notes, "mandatory");
		} else if (!listed) {
			strbuf_puts(&notes, "not in the defaults list");
		} else if (choice[0] == '\0') {
			/* an absent optional entry, or a `- g: null` */
			choice = g->optional ? "-" : "null";
		}
		if (g->optional) {
			strbuf_printf(
			    &notes, "%soptional", notes.len ? ", " : "");
		}
		if (listed && g->n_options == 0) {
			strbuf_printf(&notes, "%sno such group here",
			    notes.len ? ", " : "");
		}
		const char *row[4] = { listed ? g->key : g->group, choice,
			strbuf_str(&notes), strbuf_str(&opts) };
		output_table_add(t, row);
	}
	output_table_render(t, out);
	output_table_free(t);
	strbuf_fini(&opts);
	strbuf_fini(&notes);
}

static int
pconf_text_reply(const Mlops__ProjectConfigReply *r)
{
	struct strbuf sb = STRBUF_INIT;
	int           rc;

	strbuf_printf(&sb, "# project %s: %s/%s.yaml\n", r->project,
	    r->config_dir, r->config_name);
	if (hydra_fmt_config(&sb, r->config_json, 0) < 0) {
		strbuf_puts(&sb, "# (the daemon sent no config)\n");
	}
	if (r->n_groups > 0) {
		strbuf_puts(&sb, "\n");
		pconf_groups(&sb, r);
	}
	rc = output_print(strbuf_str(&sb));
	strbuf_fini(&sb);
	return rc;
}

int
cmd_project_config(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config-name", required_argument, NULL, 'c' },
		CLI_COMMON_OPTIONS,
	};
	Mlops__Request              req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectConfigRequest body = MLOPS__PROJECT_CONFIG_REQUEST__INIT;
	Mlops__Response            *resp = NULL;
	const Mlops__ProjectConfigReply *r;
	const char                      *config_name = "";
	bool                             given       = false;
	int                              c, rc;

	while ((c = cli_getopt(cli, argc, argv, ":hc:", opts)) != -1) {
		switch (c) {
		case 'c':
			config_name = optarg;
			given       = true;
			break;
		case CLI_GETOPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if ((rc = cli_nargs(cli, argc - optind, 1, 1, "project NAME")) != 0) {
		return rc;
	}
	if (given && *config_name == '\0') {
		return cli_usage_error(
		    cli, "--config-name", "--config-name: must not be empty");
	}
	body.name          = argv[optind];
	body.config_name   = (char *) config_name;
	req.body_case      = MLOPS__REQUEST__BODY_PROJECT_CONFIG;
	req.project_config = &body;
	rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_PROJECT_CONFIG, &resp);
	if (rc != 0) {
		return rc;
	}
	r = resp->project_config;
	if (cli->json) {
		json_object *o = json_tokener_parse(r->config_json);

		rc = o != NULL ? output_print_json(o)
		               : cli_fail(cli, MLOPS_EPROTO, NULL,
		                   "the daemon sent no config");
	} else {
		rc = pconf_text_reply(r);
	}
	mlops__response__free_unpacked(resp, NULL);
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : rc;
}
