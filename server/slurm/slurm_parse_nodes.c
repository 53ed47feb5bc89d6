/*
 * slurm_parse_nodes: scontrol show partition/node -o, node state strings
 * (scontrol and sinfo forms) and GRES lists. Pure; any thread.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mlops/error.h>
#include <mlops/xmalloc.h>

#include "slurm_parse.h"
#include "slurm_parse_impl.h"

static int  slurm_parse_partition_line(struct slurm_partition *p, char *line,
     size_t lineno, struct mlops_error *err);
static void slurm_partition_fini(struct slurm_partition *p);
static int  slurm_parse_node_line(struct slurm_node *node, char *line,
     size_t lineno, struct mlops_error *err);
static void slurm_node_fini(struct slurm_node *node);
static int  slurm_parse_gres_entry(
     struct slurm_gres *g, const char *s, size_t len, struct mlops_error *err);

static unsigned slurm_node_derive(unsigned flags);
static unsigned slurm_node_strip_suffixes(const char *word, size_t *len);

static bool slurm_gres_word_ok(const char *s, size_t len);
static bool slurm_gres_count(const char *s, size_t len, long *out);
static int  slurm_node_count(long *out, const struct slurm_kv *kv, long n,
     const char *key, size_t lineno, struct mlops_error *err);

/* ---- scontrol show partition -o ---------------------------------------- */

static void
slurm_partition_fini(struct slurm_partition *p)
{
	free(p->name);
	free(p->state);
	free(p->max_time);
	free(p->default_time);
	free(p->nodes);
}

static int
slurm_parse_partition_line(struct slurm_partition *p, char *line,
    size_t lineno, struct mlops_error *err)
{
	struct slurm_kv       *kv = NULL;
	struct slurm_partition r  = { 0 };
	struct mlops_error     sub;
	const char            *name, *v;
	long                   n;
	int                    rc = 0;

	n = slurm_kv_split(line, &kv);
	if (n < 0 || (name = slurm_kv_get(kv, n, "PartitionName")) == NULL
	    || *name == '\0') {
		rc = slurm_parse_fail(err, lineno, "PartitionName",
		    "not a partition line", line);
		goto out;
	}
	r.name       = xstrdup(name);
	v            = slurm_kv_get(kv, n, "Default");
	r.is_default = v != NULL && strcmp(v, "YES") == 0;
	v            = slurm_kv_get(kv, n, "State");
	r.state      = xstrdup(v ? v : "UNKNOWN");
	v            = slurm_kv_get(kv, n, "MaxTime");
	r.max_time   = xstrdup(v ? v : "UNLIMITED");
	if (slurm_parse_duration(&r.max_time_s, r.max_time, &sub) < 0) {
		rc = slurm_parse_fail(
		    err, lineno, "MaxTime", "not a duration", r.max_time);
		goto out;
	}
	if (r.max_time_s == SLURM_DURATION_NONE) {
		r.max_time_s = SLURM_DURATION_UNLIMITED;
	}
	v              = slurm_kv_get(kv, n, "DefaultTime");
	r.default_time = xstrdup(v ? v : "NONE");
	if (slurm_parse_duration(&r.default_time_s, r.default_time, &sub)
	    < 0) {
		rc = slurm_parse_fail(err, lineno, "DefaultTime",
		    "not a duration", r.default_time);
		goto out;
	}
	v = slurm_kv_get(kv, n, "TotalNodes");
	if ((rc = slurm_parse_count(
	         &r.total_nodes, v ? v : "0", lineno, "TotalNodes", err))
	        < 0
	    || (rc = slurm_parse_count(&r.total_cpus,
	            (v = slurm_kv_get(kv, n, "TotalCPUs")) ? v : "0", lineno,
	            "TotalCPUs", err))
	        < 0) {
		goto out;
	}
	r.nodes = slurm_dup_value(slurm_kv_get(kv, n, "Nodes"));
	*p      = r;
	memset(&r, 0, sizeof(r));
out:
	slurm_partition_fini(&r);
	free(kv);
	return rc;
}

int
slurm_parse_partitions(
    struct slurm_partitions *out, const char *text, struct mlops_error *err)
{
	struct slurm_partitions res = { NULL, 0 };
	struct slurm_lines      it;
	char                   *line;
	int                     rc = 0;

	slurm_lines_init(&it, text);
	while ((line = slurm_lines_next(&it)) != NULL) {
		res.v = xreallocarray(res.v, res.n + 1, sizeof(*res.v));
		rc    = slurm_parse_partition_line(
		       &res.v[res.n], line, it.lineno, err);
		free(line);
		if (rc < 0) {
			goto out;
		}
		res.n++;
	}
	*out  = res;
	res.v = NULL;
	res.n = 0;
out:
	slurm_partitions_fini(&res);
	return rc;
}

void
slurm_partitions_fini(struct slurm_partitions *p)
{
	if (p == NULL) {
		return;
	}
	for (size_t i = 0; i < p->n; i++) {
		slurm_partition_fini(&p->v[i]);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* ---- node states ------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned    flags;
} slurm_node_bases[] = {
	{ "IDLE", SLURM_NODE_IDLE },
	{ "ALLOCATED", SLURM_NODE_ALLOCATED },
	{ "ALLOC", SLURM_NODE_ALLOCATED },
	{ "MIXED", SLURM_NODE_MIXED },
	{ "MIX", SLURM_NODE_MIXED },
	{ "DOWN", SLURM_NODE_DOWN },
	{ "ERROR", SLURM_NODE_ERROR },
	{ "FUTURE", SLURM_NODE_FUTURE },
	{ "FUTR", SLURM_NODE_FUTURE },
	{ "UNKNOWN", SLURM_NODE_UNKNOWN },
	{ "UNK", SLURM_NODE_UNKNOWN },
};

/* The "+FLAG" words of scontrol's State= (node_state_flag_string). */
static const struct {
	const char *name;
	unsigned    flags;
} slurm_node_flags[] = {
	{ "DRAIN", SLURM_NODE_DRAIN },
	{ "DRAINING", SLURM_NODE_DRAIN },
	{ "DRAINED", SLURM_NODE_DRAIN },
	{ "FAIL", SLURM_NODE_FAIL },
	{ "FAILING", SLURM_NODE_FAIL },
	{ "MAINT", SLURM_NODE_MAINT },
	{ "MAINTENANCE", SLURM_NODE_MAINT },
	{ "NOT_RESPONDING", SLURM_NODE_NOT_RESPONDING },
	{ "NO_RESPOND", SLURM_NODE_NOT_RESPONDING },
	{ "POWERED_DOWN", SLURM_NODE_POWERED_DOWN },
	{ "POWERING_UP", SLURM_NODE_POWERING_UP },
	{ "POWER_DOWN", SLURM_NODE_POWER_DOWN },
	{ "POWERING_DOWN", SLURM_NODE_POWERING_DOWN },
	{ "POWER_UP", SLURM_NODE_POWER_UP },
	{ "RESERVED", SLURM_NODE_RESERVED },
	{ "PLANNED", SLURM_NODE_PLANNED },
	{ "INVAL", SLURM_NODE_INVAL },
	{ "INVALID_REG", SLURM_NODE_INVAL },
	{ "COMPLETING", SLURM_NODE_COMPLETING },
	{ "CLOUD", SLURM_NODE_CLOUD },
	{ "REBOOT_REQUESTED", SLURM_NODE_REBOOT_REQUESTED },
	{ "REBOOT_ISSUED", SLURM_NODE_REBOOT_ISSUED },
	{ "PERFCTRS", SLURM_NODE_PERFCTRS },
	{ "NPC", SLURM_NODE_PERFCTRS },
	{ "BLOCKED", SLURM_NODE_BLOCKED },
	{ "DYNAMIC_FUTURE", SLURM_NODE_DYNAMIC },
	{ "DYNAMIC_NORM", SLURM_NODE_DYNAMIC },
};

/* sinfo's suffix characters (sinfo(1) NODE STATE CODES). */
static const struct {
	char     c;
	unsigned flags;
} slurm_node_suffixes[] = {
	{ '*', SLURM_NODE_NOT_RESPONDING },
	{ '~', SLURM_NODE_POWERED_DOWN },
	{ '#', SLURM_NODE_POWERING_UP },
	{ '!', SLURM_NODE_POWER_DOWN },
	{ '%', SLURM_NODE_POWERING_DOWN },
	{ '$', SLURM_NODE_MAINT },
	{ '@', SLURM_NODE_REBOOT_REQUESTED },
	{ '^', SLURM_NODE_REBOOT_ISSUED },
	{ '-', SLURM_NODE_PLANNED },
};

/* sinfo's state names, long (%T) and compact (%t), lower case. */
static const struct {
	const char *name;
	unsigned    flags;
} slurm_sinfo_states[] = {
	{ "allocated", SLURM_NODE_ALLOCATED },
	{ "alloc", SLURM_NODE_ALLOCATED },
	{ "allocated+", SLURM_NODE_ALLOCATED | SLURM_NODE_COMPLETING },
	{ "completing", SLURM_NODE_ALLOCATED | SLURM_NODE_COMPLETING },
	{ "comp", SLURM_NODE_ALLOCATED | SLURM_NODE_COMPLETING },
	{ "down", SLURM_NODE_DOWN },
	{ "drained", SLURM_NODE_IDLE | SLURM_NODE_DRAIN },
	{ "drain", SLURM_NODE_IDLE | SLURM_NODE_DRAIN },
	{ "draining", SLURM_NODE_ALLOCATED | SLURM_NODE_DRAIN },
	{ "drng", SLURM_NODE_ALLOCATED | SLURM_NODE_DRAIN },
	{ "fail", SLURM_NODE_IDLE | SLURM_NODE_FAIL },
	{ "failing", SLURM_NODE_ALLOCATED | SLURM_NODE_FAIL },
	{ "failg", SLURM_NODE_ALLOCATED | SLURM_NODE_FAIL },
	{ "future", SLURM_NODE_FUTURE },
	{ "futr", SLURM_NODE_FUTURE },
	{ "idle", SLURM_NODE_IDLE },
	{ "maint", SLURM_NODE_IDLE | SLURM_NODE_MAINT },
	{ "mixed", SLURM_NODE_MIXED },
	{ "mix", SLURM_NODE_MIXED },
	{ "perfctrs", SLURM_NODE_IDLE | SLURM_NODE_PERFCTRS },
	{ "npc", SLURM_NODE_IDLE | SLURM_NODE_PERFCTRS },
	{ "planned", SLURM_NODE_IDLE | SLURM_NODE_PLANNED },
	{ "plnd", SLURM_NODE_IDLE | SLURM_NODE_PLANNED },
	{ "power_down", SLURM_NODE_IDLE | SLURM_NODE_POWER_DOWN },
	{ "pow_dn", SLURM_NODE_IDLE | SLURM_NODE_POWERING_DOWN },
	{ "powered_down", SLURM_NODE_IDLE | SLURM_NODE_POWERED_DOWN },
	{ "powering_down", SLURM_NODE_IDLE | SLURM_NODE_POWERING_DOWN },
	{ "powering_up", SLURM_NODE_IDLE | SLURM_NODE_POWERING_UP },
	{ "pow_up", SLURM_NODE_IDLE | SLURM_NODE_POWERING_UP },
	{ "reboot_issued", SLURM_NODE_IDLE | SLURM_NODE_REBOOT_ISSUED },
	{ "reboot_requested", SLURM_NODE_IDLE | SLURM_NODE_REBOOT_REQUESTED },
	{ "boot", SLURM_NODE_IDLE | SLURM_NODE_REBOOT_REQUESTED },
	{ "reserved", SLURM_NODE_IDLE | SLURM_NODE_RESERVED },
	{ "resv", SLURM_NODE_IDLE | SLURM_NODE_RESERVED },
	{ "unknown", SLURM_NODE_UNKNOWN },
	{ "unk", SLURM_NODE_UNKNOWN },
	{ "inval", SLURM_NODE_IDLE | SLURM_NODE_INVAL },
	{ "blocked", SLURM_NODE_IDLE | SLURM_NODE_BLOCKED },
	{ "cloud", SLURM_NODE_IDLE | SLURM_NODE_CLOUD },
};

#define SLURM_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Adds DRAINING/DRAINED from DRAIN and the base state. */
static unsigned
slurm_node_derive(unsigned flags)
{
	if (flags & SLURM_NODE_DRAIN) {
		if (flags
		    & (SLURM_NODE_ALLOCATED | SLURM_NODE_MIXED
		        | SLURM_NODE_COMPLETING)) {
			flags |= SLURM_NODE_DRAINING;
		} else {
			flags |= SLURM_NODE_DRAINED;
		}
	}
	return flags;
}

/* Strips sinfo suffix characters from the end of word[0..*len). */
static unsigned
slurm_node_strip_suffixes(const char *word, size_t *len)
{
	unsigned flags = 0;
	bool     found = true;

	while (found && *len > 1) {
		found = false;
		for (size_t i = 0; i < SLURM_NELEM(slurm_node_suffixes); i++) {
			if (word[*len - 1] == slurm_node_suffixes[i].c) {
				flags |= slurm_node_suffixes[i].flags;
				(*len)--;
				found = true;
				break;
			}
		}
	}
	return flags;
}

int
slurm_parse_node_state(
    unsigned *out, const char *state, struct mlops_error *err)
{
	unsigned    flags = 0;
	const char *p     = state;
	bool        first = true;

	if (state == NULL || *state == '\0') {
		return slurm_parse_fail(
		    err, 0, "State", "empty node state", state);
	}
	for (;;) {
		size_t word  = strcspn(p, "+");
		size_t len   = word;
		bool   known = false;

		if (len == 0) {
			return slurm_parse_fail(
			    err, 0, "State", "empty state word", state);
		}
		flags |= slurm_node_strip_suffixes(p, &len);
		if (first) {
			for (size_t i = 0; i < SLURM_NELEM(slurm_node_bases);
			     i++) {
				if (strlen(slurm_node_bases[i].name) == len
				    && strncasecmp(
				           p, slurm_node_bases[i].name, len)
				        == 0) {
					flags |= slurm_node_bases[i].flags;
					known = true;
				}
			}
			if (!known) {
				return slurm_parse_fail(err, 0, "State",
				    "unknown node state", state);
			}
			first = false;
		} else {
			for (size_t i = 0; i < SLURM_NELEM(slurm_node_flags);
			     i++) {
				if (strlen(slurm_node_flags[i].name) == len
				    && strncasecmp(
				           p, slurm_node_flags[i].name, len)
				        == 0) {
					flags |= slurm_node_flags[i].flags;
					known = true;
				}
			}
			if (!known) {
				flags |= SLURM_NODE_OTHER;
			}
		}
		if (p[word] == '\0') {
			break;
		}
		p += word + 1;
	}
	*out = slurm_node_derive(flags);
	return 0;
}

int
slurm_parse_sinfo_state(
    unsigned *out, const char *state, struct mlops_error *err)
{
	size_t   len;
	unsigned flags;

	if (state == NULL || *state == '\0') {
		return slurm_parse_fail(
		    err, 0, "State", "empty node state", state);
	}
	len = strlen(state);
	/* "allocated+" is a name, not a suffix. */
	if (strcasecmp(state, "allocated+") == 0) {
		*out = slurm_node_derive(
		    SLURM_NODE_ALLOCATED | SLURM_NODE_COMPLETING);
		return 0;
	}
	flags = slurm_node_strip_suffixes(state, &len);
	for (size_t i = 0; i < SLURM_NELEM(slurm_sinfo_states); i++) {
		if (strlen(slurm_sinfo_states[i].name) == len
		    && strncasecmp(state, slurm_sinfo_states[i].name, len)
		        == 0) {
			*out = slurm_node_derive(
			    flags | slurm_sinfo_states[i].flags);
			return 0;
		}
	}
	return slurm_parse_fail(
	    err, 0, "State", "unknown sinfo node state", state);
}

bool
slurm_node_gpus_usable(unsigned flags)
{
	const unsigned blocked = SLURM_NODE_DOWN | SLURM_NODE_DRAIN
	    | SLURM_NODE_FAIL | SLURM_NODE_MAINT | SLURM_NODE_NOT_RESPONDING
	    | SLURM_NODE_INVAL | SLURM_NODE_ERROR | SLURM_NODE_FUTURE
	    | SLURM_NODE_UNKNOWN | SLURM_NODE_RESERVED
	    | SLURM_NODE_REBOOT_REQUESTED | SLURM_NODE_REBOOT_ISSUED
	    | SLURM_NODE_POWER_DOWN | SLURM_NODE_POWERING_DOWN
	    | SLURM_NODE_PERFCTRS | SLURM_NODE_BLOCKED;

	return (flags & blocked) == 0;
}

/* ---- GRES lists -------------------------------------------------------- */

static bool
slurm_gres_word_ok(const char *s, size_t len)
{
	if (len == 0) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char) s[i];

		if (!(isalnum(c) || c == '_' || c == '-' || c == '.')) {
			return false;
		}
	}
	return true;
}

/* A count with an optional K/M/G/T suffix, at most
 * SLURM_GRES_COUNT_MAX, or false. */
static bool
slurm_gres_count(const char *s, size_t len, long *out)
{
	long mult = 1, v = 0;

	if (len > 0) {
		switch (s[len - 1]) {
		case 'K':
			mult = 1024L;
			len--;
			break;
		case 'M':
			mult = 1024L * 1024;
			len--;
			break;
		case 'G':
			mult = 1024L * 1024 * 1024;
			len--;
			break;
		case 'T':
			mult = 1024L * 1024 * 1024 * 1024;
			len--;
			break;
		default:
			break;
		}
	}
	if (len == 0 || len > 13) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		v = v * 10 + (s[i] - '0');
	}
	if (v > SLURM_GRES_COUNT_MAX / mult) {
		return false;
	}
	*out = v * mult;
	return true;
}

/*
 * One entry "name[:type][:no_consume][:count]" (already without its
 * "(...)" suffix); "name:type=count" (TRES form) is accepted as well.
 */
static int
slurm_parse_gres_entry(
    struct slurm_gres *g, const char *s, size_t len, struct mlops_error *err)
{
	const char *word[4];
	size_t      wlen[4];
	size_t      n = 0, i = 0;
	const char *type       = NULL;
	size_t      tlen       = 0;
	long        count      = 1;
	bool        have_count = false;
	char       *entry      = xstrndup(s, len);
	char       *eq         = strchr(entry, '=');
	int         rc         = MLOPS_EPARSE;

	if (eq != NULL) {
		if (!slurm_gres_count(eq + 1, strlen(eq + 1), &count)) {
			goto out;
		}
		*eq        = '\0';
		have_count = true;
	}
	while (true) {
		size_t l = strcspn(entry + i, ":");

		if (n == 4) {
			goto out;
		}
		word[n]   = entry + i;
		wlen[n++] = l;
		if (entry[i + l] == '\0') {
			break;
		}
		i += l + 1;
	}
	if (!slurm_gres_word_ok(word[0], wlen[0])) {
		goto out;
	}
	for (i = 1; i < n; i++) {
		long c;

		if (!have_count && i == n - 1
		    && slurm_gres_count(word[i], wlen[i], &c)) {
			count      = c;
			have_count = true;
		} else if ((wlen[i] == 10
		               && strncmp(word[i], "no_consume", 10) == 0)) {
			continue;
		} else if (type == NULL && wlen[i] == 6
		    && strncmp(word[i], "(null)", 6) == 0) {
			continue;
		} else if (type == NULL
		    && slurm_gres_word_ok(word[i], wlen[i])) {
			type = word[i];
			tlen = wlen[i];
		} else {
			goto out;
		}
	}
	g->name  = xstrndup(word[0], wlen[0]);
	g->typed = type != NULL;
	g->type  = type ? xstrndup(type, tlen) : xstrdup(g->name);
	g->count = count;
	rc       = 0;
out:
	if (rc < 0) {
		rc = slurm_parse_fail(
		    err, 0, "gres", "not a GRES entry", entry);
	}
	free(entry);
	return rc;
}

int
slurm_parse_gres(struct slurm_gres **out, size_t *n_out, const char *s,
    struct mlops_error *err)
{
	struct slurm_gres *v  = NULL;
	size_t             n  = 0;
	const char        *p  = s;
	int                rc = 0;

	if (s == NULL || slurm_is_none(s)) {
		*out   = NULL;
		*n_out = 0;
		return 0;
	}
	while (*p != '\0') {
		size_t len   = 0, name_len;
		int    depth = 0;

		/* An entry ends at a ',' outside parentheses. */
		while (p[len] != '\0' && (p[len] != ',' || depth > 0)) {
			if (p[len] == '(' && len > 0) {
				depth++;
			} else if (p[len] == ')' && depth > 0) {
				depth--;
			}
			len++;
		}
		/* Drop "(S:0-1)" / "(IDX:0,2)"; keep "(null)" types. */
		name_len = len;
		for (size_t i = 1; i < len; i++) {
			if (p[i] == '(' && strncmp(p + i, "(null)", 6) != 0) {
				name_len = i;
				break;
			}
		}
		if (depth != 0 || name_len == 0) {
			rc = slurm_parse_fail(
			    err, 0, "gres", "not a GRES list", s);
			goto out;
		}
		v = xreallocarray(v, n + 1, sizeof(*v));
		if ((rc = slurm_parse_gres_entry(&v[n], p, name_len, err))
		    < 0) {
			goto out;
		}
		n++;
		p += len;
		if (*p == ',') {
			p++;
		}
	}
	*out   = v;
	*n_out = n;
	v      = NULL;
	n      = 0;
out:
	slurm_gres_free(v, n);
	return rc;
}

void
slurm_gres_free(struct slurm_gres *gres, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(gres[i].name);
		free(gres[i].type);
	}
	free(gres);
}

/* ---- scontrol -d -o show node ------------------------------------------ */

static void
slurm_node_fini(struct slurm_node *node)
{
	free(node->name);
	free(node->state);
	slurm_list_free(node->partitions, node->n_partitions);
	slurm_gres_free(node->gres, node->n_gres);
	slurm_gres_free(node->gres_used, node->n_gres_used);
	free(node->reason);
}

/* Parses an optional count field; absent gives -1. */
static int
slurm_node_count(long *out, const struct slurm_kv *kv, long n, const char *key,
    size_t lineno, struct mlops_error *err)
{
	const char *v = slurm_kv_get(kv, n, key);

	if (v == NULL) {
		*out = -1;
		return 0;
	}
	return slurm_parse_count(out, v, lineno, key, err);
}

static int
slurm_parse_node_line(struct slurm_node *node, char *line, size_t lineno,
    struct mlops_error *err)
{
	struct slurm_kv   *kv = NULL;
	struct slurm_node  r  = { 0 };
	struct mlops_error sub;
	const char        *name, *v;
	long               n;
	int                rc = 0;

	n = slurm_kv_split(line, &kv);
	if (n < 0 || (name = slurm_kv_get(kv, n, "NodeName")) == NULL
	    || *name == '\0') {
		rc = slurm_parse_fail(
		    err, lineno, "NodeName", "not a node line", line);
		goto out;
	}
	r.name = xstrdup(name);
	if ((v = slurm_kv_get(kv, n, "State")) == NULL) {
		rc = slurm_parse_fail(err, lineno, "State", "missing", NULL);
		goto out;
	}
	r.state = xstrdup(v);
	if (slurm_parse_node_state(&r.flags, v, &sub) < 0) {
		rc = slurm_parse_fail(
		    err, lineno, "State", "unknown node state", v);
		goto out;
	}
	v = slurm_kv_get(kv, n, "Partitions");
	if (!slurm_is_none(v)) {
		r.partitions = slurm_split_list(v, &r.n_partitions);
	}
	v = slurm_kv_get(kv, n, "Gres");
	if (slurm_parse_gres(&r.gres, &r.n_gres, v, &sub) < 0) {
		rc = slurm_parse_fail(err, lineno, "Gres", "bad GRES", v);
		goto out;
	}
	v               = slurm_kv_get(kv, n, "GresUsed");
	r.has_gres_used = v != NULL;
	if (slurm_parse_gres(&r.gres_used, &r.n_gres_used, v, &sub) < 0) {
		rc = slurm_parse_fail(err, lineno, "GresUsed", "bad GRES", v);
		goto out;
	}
	if ((rc = slurm_node_count(&r.cpu_total, kv, n, "CPUTot", lineno, err))
	        < 0
	    || (rc = slurm_node_count(
	            &r.cpu_alloc, kv, n, "CPUAlloc", lineno, err))
	        < 0
	    || (rc = slurm_node_count(
	            &r.real_memory, kv, n, "RealMemory", lineno, err))
	        < 0
	    || (rc = slurm_node_count(
	            &r.alloc_memory, kv, n, "AllocMem", lineno, err))
	        < 0) {
		goto out;
	}
	r.reason = slurm_dup_value(slurm_kv_get(kv, n, "Reason"));
	*node    = r;
	memset(&r, 0, sizeof(r));
out:
	slurm_node_fini(&r);
	free(kv);
	return rc;
}

int
slurm_parse_nodes(
    struct slurm_nodes *out, const char *text, struct mlops_error *err)
{
	struct slurm_nodes res = { NULL, 0 };
	struct slurm_lines it;
	char              *line;
	int                rc = 0;

	slurm_lines_init(&it, text);
	while ((line = slurm_lines_next(&it)) != NULL) {
		res.v = xreallocarray(res.v, res.n + 1, sizeof(*res.v));
		rc    = slurm_parse_node_line(
		       &res.v[res.n], line, it.lineno, err);
		free(line);
		if (rc < 0) {
			goto out;
		}
		res.n++;
	}
	*out  = res;
	res.v = NULL;
	res.n = 0;
out:
	slurm_nodes_fini(&res);
	return rc;
}

void
slurm_nodes_fini(struct slurm_nodes *nodes)
{
	if (nodes == NULL) {
		return;
	}
	for (size_t i = 0; i < nodes->n; i++) {
		slurm_node_fini(&nodes->v[i]);
	}
	free(nodes->v);
	nodes->v = NULL;
	nodes->n = 0;
}
