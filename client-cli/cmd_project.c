/*
 * mlops project add|list|show|sync|remove: local git repositories that
 * jobs are launched from. The daemon reads the git metadata and the
 * project's .mlops-config.yaml; this file only asks and prints. "project
 * config" (the Hydra config) is in cmd_project_config.c.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mlops/strbuf.h>

#include "cmd.h"
#include "output.h"

static int project_add(struct cli *cli, int argc, char **argv);
static int project_list(struct cli *cli, int argc, char **argv);
static int project_show(struct cli *cli, int argc, char **argv);
static int project_sync(struct cli *cli, int argc, char **argv);
static int project_remove(struct cli *cli, int argc, char **argv);

#define PROJECT_ADD_SYNOPSIS    "mlops project add PATH [--name NAME] [--json]"
#define PROJECT_LIST_SYNOPSIS   "mlops project list [--json]"
#define PROJECT_SHOW_SYNOPSIS   "mlops project show NAME [--json]"
#define PROJECT_SYNC_SYNOPSIS   "mlops project sync NAME [--json]"
#define PROJECT_REMOVE_SYNOPSIS "mlops project remove NAME [--json]"

#define PROJECT_JSON_FIELDS                                                  \
	"              name, path, origin_url, branch, commit (full sha),\n" \
	"              detached, dirty, untracked, ahead, behind, "          \
	"upstream,\n"                                                        \
	"              head_subject, config {conda_env, train_script,\n"     \
	"              default_overrides[], install_editable, "              \
	"package_name,\n"                                                    \
	"              code_sync, hydra_config_dir, env{}}, "                \
	"config_warnings[],\n"                                               \
	"              added_at, synced_at (unknown values are null)\n"

const char cmd_project_usage[]
    = "usage: mlops project SUBCOMMAND [ARGS...]\n"
      "\n"
      "Projects are local git repositories that jobs are launched from; each\n"
      "may carry a .mlops-config.yaml with its defaults.\n"
      "\n"
      "Subcommands:\n"
      "  " PROJECT_ADD_SYNOPSIS "\n"
      "      register the git repository at PATH\n"
      "  " PROJECT_LIST_SYNOPSIS "\n"
      "      the registered projects\n"
      "  " PROJECT_SHOW_SYNOPSIS "\n"
      "      one project in full: git metadata and configuration\n"
      "  " PROJECT_SYNC_SYNOPSIS "\n"
      "      re-read the project's git metadata and .mlops-config.yaml\n"
      "  " PROJECT_REMOVE_SYNOPSIS "\n"
      "      forget a project (its files are not touched)\n"
      "  " CMD_PROJECT_CONFIG_SYNOPSIS "\n"
      "      the project's Hydra config: values, types, groups, options\n"
      "\n"
      "Run 'mlops project SUBCOMMAND --help' for details.\n";

static const char project_add_usage[]
    = "usage: " PROJECT_ADD_SYNOPSIS "\n"
      "\n"
      "Register the git work tree at PATH as a project and read its\n"
      ".mlops-config.yaml. PATH is made absolute here, so it must exist on\n"
      "this machine. Notes and configuration warnings go to stderr, the\n"
      "project to stdout.\n"
      "\n"
      "Options:\n"
      "  --name NAME  the project's name (default: the folder's name);\n"
      "               letters, digits, '.', '_' and '-'\n"
      "  --json       print the project as one JSON "
      "object:\n" PROJECT_JSON_FIELDS "  -h, --help   show this help\n";

static const char project_list_usage[]
    = "usage: " PROJECT_LIST_SYNOPSIS "\n"
      "\n"
      "List the registered projects as they were last read: name, branch,\n"
      "short commit, whether the work tree is dirty, commits ahead of the\n"
      "upstream, and path.\n"
      "\n"
      "Options:\n"
      "  --json       print one JSON array of objects:\n" PROJECT_JSON_FIELDS
      "  -h, --help   show this help\n";

static const char project_show_usage[]
    = "usage: " PROJECT_SHOW_SYNOPSIS "\n"
      "\n"
      "Show one project in full: git metadata as last read and its\n"
      "configuration with defaults filled in.\n"
      "\n"
      "Options:\n"
      "  --json       print one JSON object:\n" PROJECT_JSON_FIELDS
      "  -h, --help   show this help\n";

static const char project_sync_usage[]
    = "usage: " PROJECT_SYNC_SYNOPSIS "\n"
      "\n"
      "Re-read the project's git metadata (branch, HEAD, dirty, ahead and\n"
      "behind) and its .mlops-config.yaml, then show it.\n"
      "\n"
      "Options:\n"
      "  --json       print one JSON object:\n" PROJECT_JSON_FIELDS
      "  -h, --help   show this help\n";

static const char project_remove_usage[]
    = "usage: " PROJECT_REMOVE_SYNOPSIS "\n"
      "\n"
      "Forget project NAME. Its files are not touched.\n"
      "\n"
      "Options:\n"
      "  --json       print {\"name\": NAME, \"removed\": true}\n"
      "  -h, --help   show this help\n";

static const struct cmd_spec project_commands[] = {
	{ "add", project_add, "register a project", project_add_usage },
	{ "list", project_list, "list projects", project_list_usage },
	{ "show", project_show, "show a project", project_show_usage },
	{ "sync", project_sync, "re-read a project", project_sync_usage },
	{ "remove", project_remove, "forget a project", project_remove_usage },
	{ "config", cmd_project_config, "show a project's Hydra config",
	    cmd_project_config_usage },
};

int
cmd_project(struct cli *cli, int argc, char **argv)
{
	return cli_run_group(cli, project_commands,
	    sizeof(project_commands) / sizeof(project_commands[0]), argc,
	    argv);
}

/* ---- rendering ---------------------------------------------------------- */

static json_object *
project_config_json(const Mlops__ProjectConfig *pc)
{
	json_object *o   = json_object_new_object();
	json_object *env = json_object_new_object();

	json_object_object_add(o, "conda_env", output_json_str(pc->conda_env));
	json_object_object_add(
	    o, "train_script", output_json_str(pc->train_script));
	json_object_object_add(o, "default_overrides",
	    output_json_strv(pc->default_overrides, pc->n_default_overrides));
	json_object_object_add(o, "install_editable",
	    json_object_new_boolean(pc->install_editable));
	json_object_object_add(
	    o, "package_name", output_json_str(pc->package_name));
	json_object_object_add(o, "code_sync", output_json_str(pc->code_sync));
	json_object_object_add(
	    o, "hydra_config_dir", output_json_str(pc->hydra_config_dir));
	for (size_t i = 0; i < pc->n_env; i++) {
		json_object_object_add(env, pc->env[i]->name,
		    json_object_new_string(pc->env[i]->value));
	}
	json_object_object_add(o, "env", env);
	return o;
}

static json_object *
project_json(const Mlops__Project *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "path", output_json_str(p->path));
	json_object_object_add(
	    o, "origin_url", output_json_str(p->origin_url));
	json_object_object_add(o, "branch", output_json_str(p->branch));
	json_object_object_add(o, "commit", output_json_str(p->head_sha));
	json_object_object_add(
	    o, "detached", json_object_new_boolean(p->detached));
	json_object_object_add(o, "dirty", json_object_new_boolean(p->dirty));
	json_object_object_add(
	    o, "untracked", output_json_count(p->untracked));
	json_object_object_add(o, "ahead", output_json_count(p->ahead));
	json_object_object_add(o, "behind", output_json_count(p->behind));
	json_object_object_add(o, "upstream", output_json_str(p->upstream));
	json_object_object_add(
	    o, "head_subject", output_json_str(p->head_subject));
	json_object_object_add(o, "config",
	    p->config != NULL ? project_config_json(p->config) : NULL);
	json_object_object_add(o, "config_warnings",
	    output_json_strv(p->config_warnings, p->n_config_warnings));
	json_object_object_add(o, "added_at", output_json_time(p->added_at));
	json_object_object_add(o, "synced_at", output_json_time(p->synced_at));
	return o;
}

static const char *
project_yesno(bool b)
{
	return b ? "yes" : "no";
}

static void
project_config_kv(struct output_kv *kv, const Mlops__ProjectConfig *pc)
{
	struct strbuf sb = STRBUF_INIT;

	output_kv_add(kv, 0, "config",
	    pc->file_present ? ".mlops-config.yaml"
	                     : "defaults (no .mlops-config.yaml)");
	output_kv_add(kv, 1, "conda_env", pc->conda_env);
	output_kv_add(kv, 1, "train_script", pc->train_script);
	for (size_t i = 0; i < pc->n_default_overrides; i++) {
		strbuf_printf(
		    &sb, "%s%s", i ? " " : "", pc->default_overrides[i]);
	}
	output_kv_add(kv, 1, "default_overrides", strbuf_str(&sb));
	output_kv_add(
	    kv, 1, "install_editable", project_yesno(pc->install_editable));
	output_kv_add(kv, 1, "package_name", pc->package_name);
	output_kv_add(kv, 1, "code_sync", pc->code_sync);
	output_kv_add(kv, 1, "hydra_config_dir", pc->hydra_config_dir);
	if (pc->n_env == 0) {
		output_kv_add(kv, 1, "env", "");
	} else {
		output_kv_add(kv, 1, "env", NULL);
	}
	for (size_t i = 0; i < pc->n_env; i++) {
		output_kv_add(kv, 2, pc->env[i]->name, pc->env[i]->value);
	}
	strbuf_fini(&sb);
}

/* The project as a key: value block; warnings too when `warnings`. */
static int
project_text(const Mlops__Project *p, bool warnings)
{
	struct output_kv *kv = output_kv_new();
	char              t[OUTPUT_TIME_MAX];
	int               rc;

	output_kv_add(kv, 0, "name", p->name);
	output_kv_add(kv, 0, "path", p->path);
	output_kv_add(kv, 0, "origin", p->origin_url);
	if (p->detached || p->branch[0] == '\0') {
		output_kv_add(kv, 0, "branch", "(detached HEAD)");
	} else {
		output_kv_add(kv, 0, "branch", p->branch);
	}
	output_kv_add(kv, 0, "upstream", p->upstream);
	output_kv_add(kv, 0, "commit", p->head_sha);
	output_kv_add(kv, 0, "subject", p->head_subject);
	if (p->dirty && p->untracked > 0) {
		output_kv_addf(
		    kv, 0, "dirty", "yes (%d untracked)", p->untracked);
	} else {
		output_kv_add(kv, 0, "dirty", project_yesno(p->dirty));
	}
	if (p->ahead < 0 || p->behind < 0) {
		output_kv_add(kv, 0, "ahead/behind", "unknown (no upstream)");
	} else {
		output_kv_addf(
		    kv, 0, "ahead/behind", "%d/%d", p->ahead, p->behind);
	}
	output_kv_add(kv, 0, "added", output_fmt_time(t, p->added_at));
	output_kv_add(kv, 0, "synced", output_fmt_time(t, p->synced_at));
	if (p->config != NULL) {
		project_config_kv(kv, p->config);
	}
	rc = output_print_kv(kv);
	output_kv_free(kv);
	if (warnings && p->n_config_warnings > 0) {
		rc |= output_print("config warnings:\n");
		for (size_t i = 0; i < p->n_config_warnings; i++) {
			rc |= output_printf("  %s\n", p->config_warnings[i]);
		}
	}
	return rc;
}

static int
project_list_text(const Mlops__ProjectListReply *r)
{
	static const char *const hdr[]
	    = { "name", "branch", "commit", "dirty", "ahead", "path" };
	struct output_table *t = output_table_new(hdr, 6);
	int                  rc;

	for (size_t i = 0; i < r->n_projects; i++) {
		const Mlops__Project *p = r->projects[i];
		char                  sha[8], ahead[16];

		snprintf(ahead, sizeof(ahead), "%d", p->ahead);
		const char *row[6] = { p->name,
			p->detached || p->branch[0] == '\0' ? "(detached)"
			                                    : p->branch,
			output_fmt_short_sha(sha, p->head_sha),
			project_yesno(p->dirty), p->ahead >= 0 ? ahead : "",
			p->path };
		output_table_add(t, row);
	}
	rc = output_print_table(t);
	output_table_free(t);
	return rc;
}

/* ---- commands ------------------------------------------------------------
 */

/* Parses a subcommand that takes exactly one NAME. */
static int
project_one_name(struct cli *cli, int argc, char **argv, const char **name)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS };
	int                        c, rc;

	if ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		return c == CLI_GETOPT_HELP ? CLI_GETOPT_HELP : CLI_EXIT_USAGE;
	}
	if ((rc = cli_nargs(cli, argc - optind, 1, 1, "project NAME")) != 0) {
		return rc;
	}
	*name = argv[optind];
	return CLI_EXIT_OK;
}

static bool
project_in(const char *s, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, v[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* Prints a ProjectReply: notes and warnings to stderr, project to stdout. */
static int
project_reply(struct cli *cli, const Mlops__ProjectReply *r)
{
	int rc;

	for (size_t i = 0; i < r->n_notes; i++) {
		cli_notice(cli, "note", "%s", r->notes[i]);
	}
	if (r->project == NULL) {
		return cli_fail(
		    cli, MLOPS_EPROTO, NULL, "the daemon sent no project");
	}
	for (size_t i = 0; i < r->project->n_config_warnings; i++) {
		const char *w = r->project->config_warnings[i];

		/* The daemon may repeat a warning among its notes. */
		if (!project_in(w, r->notes, r->n_notes)) {
			cli_notice(cli, "warning", "%s", w);
		}
	}
	rc = cli->json ? output_print_json(project_json(r->project))
	               : project_text(r->project, false);
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : CLI_EXIT_OK;
}

static int
project_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		CLI_COMMON_OPTIONS,
	};
	Mlops__Request           req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectAddRequest body = MLOPS__PROJECT_ADD_REQUEST__INIT;
	Mlops__Response         *resp = NULL;
	const char              *name = NULL;
	char                    *abs  = NULL;
	int                      c, rc;

	while ((c = cli_getopt(cli, argc, argv, ":hn:", opts)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case CLI_GETOPT_HELP:
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if ((rc = cli_nargs(cli, argc - optind, 1, 1, "PATH")) != 0) {
		return rc;
	}
	if (name != NULL && *name == '\0') {
		return cli_usage_error(
		    cli, "--name", "--name: must not be empty");
	}
	if ((abs = realpath(argv[optind], NULL)) == NULL) {
		return cli_fail(cli,
		    errno == ENOENT ? MLOPS_ENOTFOUND : MLOPS_EIO, "PATH",
		    "%s: %s", argv[optind], strerror(errno));
	}
	body.path       = abs;
	body.name       = (char *) (name != NULL ? name : "");
	req.body_case   = MLOPS__REQUEST__BODY_PROJECT_ADD;
	req.project_add = &body;
	rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_PROJECT_ADD, &resp);
	free(abs);
	if (rc != 0) {
		return rc;
	}
	rc = project_reply(cli, resp->project_add);
	mlops__response__free_unpacked(resp, NULL);
	return rc;
}

static int
project_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS };
	Mlops__Request             req    = MLOPS__REQUEST__INIT;
	Mlops__ProjectListRequest  body   = MLOPS__PROJECT_LIST_REQUEST__INIT;
	Mlops__Response           *resp   = NULL;
	const Mlops__ProjectListReply *r;
	int                            c, rc;

	if ((c = cli_getopt(cli, argc, argv, ":h", opts)) != -1) {
		return c == CLI_GETOPT_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	if ((rc = cli_nargs(cli, argc - optind, 0, 0, "")) != 0) {
		return rc;
	}
	req.body_case    = MLOPS__REQUEST__BODY_PROJECT_LIST;
	req.project_list = &body;
	rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_PROJECT_LIST, &resp);
	if (rc != 0) {
		return rc;
	}
	r = resp->project_list;
	if (cli->json) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < r->n_projects; i++) {
			json_object_array_add(a, project_json(r->projects[i]));
		}
		rc = output_print_json(a);
	} else {
		rc = project_list_text(r);
	}
	mlops__response__free_unpacked(resp, NULL);
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : CLI_EXIT_OK;
}

static int
project_show(struct cli *cli, int argc, char **argv)
{
	Mlops__Request             req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectShowRequest  body = MLOPS__PROJECT_SHOW_REQUEST__INIT;
	Mlops__Response           *resp = NULL;
	const Mlops__ProjectReply *r;
	const char                *name = NULL;
	int                        rc;

	if ((rc = project_one_name(cli, argc, argv, &name)) != 0) {
		return rc == CLI_GETOPT_HELP ? CLI_EXIT_OK : rc;
	}
	body.name        = (char *) name;
	req.body_case    = MLOPS__REQUEST__BODY_PROJECT_SHOW;
	req.project_show = &body;
	rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_PROJECT_SHOW, &resp);
	if (rc != 0) {
		return rc;
	}
	r = resp->project_show;
	if (r->project == NULL) {
		rc = cli_fail(
		    cli, MLOPS_EPROTO, NULL, "the daemon sent no project");
	} else {
		rc = cli->json ? output_print_json(project_json(r->project))
		               : project_text(r->project, true);
		rc = rc < 0
		    ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
		    : CLI_EXIT_OK;
	}
	mlops__response__free_unpacked(resp, NULL);
	return rc;
}

static int
project_sync(struct cli *cli, int argc, char **argv)
{
	Mlops__Request            req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectSyncRequest body = MLOPS__PROJECT_SYNC_REQUEST__INIT;
	Mlops__Response          *resp = NULL;
	const char               *name = NULL;
	int                       rc;

	if ((rc = project_one_name(cli, argc, argv, &name)) != 0) {
		return rc == CLI_GETOPT_HELP ? CLI_EXIT_OK : rc;
	}
	body.name        = (char *) name;
	req.body_case    = MLOPS__REQUEST__BODY_PROJECT_SYNC;
	req.project_sync = &body;
	rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_PROJECT_SYNC, &resp);
	if (rc != 0) {
		return rc;
	}
	rc = project_reply(cli, resp->project_sync);
	mlops__response__free_unpacked(resp, NULL);
	return rc;
}

static int
project_remove(struct cli *cli, int argc, char **argv)
{
	Mlops__Request              req  = MLOPS__REQUEST__INIT;
	Mlops__ProjectRemoveRequest body = MLOPS__PROJECT_REMOVE_REQUEST__INIT;
	Mlops__Response            *resp = NULL;
	const char                 *name = NULL;
	int                         rc;

	if ((rc = project_one_name(cli, argc, argv, &name)) != 0) {
		return rc == CLI_GETOPT_HELP ? CLI_EXIT_OK : rc;
	}
	body.name          = (char *) name;
	req.body_case      = MLOPS__REQUEST__BODY_PROJECT_REMOVE;
	req.project_remove = &body;
	rc = cli_call(cli, &req, MLOPS__RESPONSE__BODY_PROJECT_REMOVE, &resp);
	if (rc != 0) {
		return rc;
	}
	mlops__response__free_unpacked(resp, NULL);
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(
		    o, "name", json_object_new_string(name));
		json_object_object_add(
		    o, "removed", json_object_new_boolean(1));
		rc = output_print_json(o);
	} else {
		rc = output_printf("removed project %s\n", name);
	}
	return rc < 0 ? cli_fail(cli, MLOPS_EIO, NULL, "cannot write output")
	              : CLI_EXIT_OK;
}
