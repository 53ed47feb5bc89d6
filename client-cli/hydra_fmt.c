/*
 * A composed Hydra config as the daemon sends it (config_json: the plain
 * values under "config", every leaf's type and source under "schema")
 * printed as an indented YAML-like tree, each leaf with a "# type,
 * file:line" comment and mandatory values marked. Shared by "project
 * config" and "job show". Pure.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mlops/strbuf.h>
#include <mlops/xmalloc.h>

#include "cmd.h"
#include "output.h"

/* Where the comments start, when the line is shorter. */
#define HYDRA_FMT_COMMENT_COLUMN 40

static void hydra_fmt_tree(struct strbuf *out, json_object *schema,
    json_object *node, const char *path, int depth);

/* A string YAML would read as another type ("123", "true", "null"). */
static bool
hydra_fmt_looks_typed(const char *s)
{
	static const char *const words[] = { "true", "false", "yes", "no",
		"on", "off", "null", "~", ".inf", "-.inf", ".nan", "???" };
	char                    *end;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(s, words[i]) == 0) {
			return true;
		}
	}
	(void) strtod(s, &end);
	return end != s && *end == '\0';
}

/*
 * The text of a scalar on one line: JSON-quoted when it would mislead
 * (blanks at the ends, control characters, a string that reads as a
 * number, a bool or null).
 */
static void
hydra_fmt_text(struct strbuf *out, const char *s, const char *type)
{
	bool plain = *s != '\0' && s[0] != ' ' && s[strlen(s) - 1] != ' '
	    && !(type != NULL && strcmp(type, "string") == 0
	        && hydra_fmt_looks_typed(s));

	for (const char *p = s; plain && *p; p++) {
		plain = (unsigned char) *p >= 0x20 && *p != 0x7f;
	}
	if (plain) {
		strbuf_puts(out, s);
	} else {
		json_object *o = json_object_new_string(s);

		strbuf_puts(out,
		    json_object_to_json_string_ext(
		        o, JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
}

static const char *
hydra_fmt_str(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) && v != NULL
	    ? json_object_get_string(v)
	    : NULL;
}

/* Ends a leaf line with its type and source as an aligned comment. */
static void
hydra_fmt_comment(struct strbuf *out, size_t line_start, json_object *leaf)
{
	size_t       len  = out->len - line_start;
	const char  *type = hydra_fmt_str(leaf, "type");
	const char  *file = hydra_fmt_str(leaf, "file");
	json_object *line = NULL;

	if (leaf == NULL || type == NULL) {
		strbuf_putc(out, '\n');
		return;
	}
	do {
		strbuf_putc(out, ' ');
	} while (++len < HYDRA_FMT_COMMENT_COLUMN);
	json_object_object_get_ex(leaf, "line", &line);
	strbuf_printf(out, "# %s",
	    strcmp(type, "missing") == 0 ? "??? mandatory" : type);
	if (file != NULL) {
		strbuf_printf(out, ", %s", file);
		if (line != NULL && strcmp(file, "<override>") != 0) {
			strbuf_printf(out, ":%d", json_object_get_int(line));
		}
	}
	strbuf_putc(out, '\n');
}

/* One member (map key or list item) of a map or a list. */
static void
hydra_fmt_member(struct strbuf *out, json_object *schema, json_object *child,
    const char *label, const char *path, int depth)
{
	json_object *leaf  = NULL;
	size_t       start = out->len;
	bool         map   = json_object_is_type(child, json_type_object);
	bool         list  = json_object_is_type(child, json_type_array);
	bool         empty = (map && json_object_object_length(child) == 0)
	    || (list && json_object_array_length(child) == 0);
	const char *text;

	json_object_object_get_ex(schema, path, &leaf);
	strbuf_printf(out, "%*s", 2 * depth, "");
	if (label == NULL) {
		strbuf_puts(out, "-");
	} else {
		strbuf_printf(out, "%s:", label);
	}
	if ((map || list) && !empty) {
		strbuf_putc(out, '\n');
		hydra_fmt_tree(out, schema, child, path, depth + 1);
		return;
	}
	strbuf_putc(out, ' ');
	if (empty) {
		strbuf_puts(out, map ? "{}" : "[]");
	} else if ((text = hydra_fmt_str(leaf, "value")) != NULL) {
		hydra_fmt_text(out, text, hydra_fmt_str(leaf, "type"));
	} else {
		strbuf_puts(
		    out, child ? json_object_get_string(child) : "null");
	}
	hydra_fmt_comment(out, start, leaf);
}

/* The members of `node`, YAML-like, at `depth`. */
static void
hydra_fmt_tree(struct strbuf *out, json_object *schema, json_object *node,
    const char *path, int depth)
{
	char *sub;

	if (json_object_is_type(node, json_type_object)) {
		json_object_object_foreach(node, key, child)
		{
			sub = *path ? xasprintf("%s.%s", path, key)
			            : xstrdup(key);
			hydra_fmt_member(out, schema, child, key, sub, depth);
			free(sub);
		}
	} else if (json_object_is_type(node, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(node); i++) {
			sub = xasprintf("%s.%zu", path, i);
			hydra_fmt_member(out, schema,
			    json_object_array_get_idx(node, i), NULL, sub,
			    depth);
			free(sub);
		}
	}
}

int
hydra_fmt_config(struct strbuf *out, const char *config_json, int depth)
{
	json_object *o    = json_tokener_parse(config_json);
	json_object *tree = NULL, *leaves = NULL;
	json_object *schema = json_object_new_object();

	if (o == NULL || !json_object_object_get_ex(o, "config", &tree)
	    || !json_object_is_type(tree, json_type_object)) {
		json_object_put(o);
		json_object_put(schema);
		return -1;
	}
	/* the leaves by dotted key */
	if (json_object_object_get_ex(o, "schema", &leaves)
	    && json_object_is_type(leaves, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(leaves); i++) {
			json_object *e = json_object_array_get_idx(leaves, i);
			const char  *key = hydra_fmt_str(e, "key");

			if (key != NULL) {
				json_object_object_add(
				    schema, key, json_object_get(e));
			}
		}
	}
	if (json_object_object_length(tree) == 0) {
		strbuf_printf(out, "%*s{}\n", 2 * depth, "");
	}
	hydra_fmt_tree(out, schema, tree, "", depth);
	json_object_put(schema);
	json_object_put(o);
	return 0;
}
