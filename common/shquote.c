/*
 * POSIX shell quoting for command lines (see shquote.h). Pure code, no
 * state; any thread.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/strbuf.h>

#include <mlops/shquote.h>

static bool shquote_is_safe_char(unsigned char c);
static bool shquote_is_name_char(unsigned char c, bool first);
static bool shquote_plain(const char *arg, bool command_position);
static void shquote_word(
    struct strbuf *sb, const char *arg, bool command_position);

static bool
shquote_is_safe_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9')) {
		return true;
	}
	return c != '\0' && strchr("_./:=@%+,-", c) != NULL;
}

static bool
shquote_is_name_char(unsigned char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
		return true;
	}
	return !first && c >= '0' && c <= '9';
}

/*
 * True when `arg` may go unquoted: only safe characters, not empty, no
 * leading `=` (zsh's =cmd), no `=` right after the first `=` (zsh's
 * MAGIC_EQUAL_SUBST expands the `=value` of x==value), and in command
 * position not NAME=value (an assignment there).
 */
static bool
shquote_plain(const char *arg, bool command_position)
{
	const unsigned char *p = (const unsigned char *) arg;
	const char          *eq;
	size_t               name_len;

	if (arg == NULL || *arg == '\0' || *arg == '=') {
		return false;
	}
	for (; *p != '\0'; p++) {
		if (!shquote_is_safe_char(*p)) {
			return false;
		}
	}
	if ((eq = strchr(arg, '=')) != NULL && eq[1] == '=') {
		return false;
	}
	p        = (const unsigned char *) arg;
	name_len = 0;
	while (shquote_is_name_char(p[name_len], name_len == 0)) {
		name_len++;
	}
	if (command_position && name_len > 0 && p[name_len] == '=') {
		return false;
	}
	return true;
}

bool
shquote_is_plain(const char *arg)
{
	return shquote_plain(arg, true);
}

static void
shquote_word(struct strbuf *sb, const char *arg, bool command_position)
{
	const char *p;

	if (arg == NULL) {
		arg = "";
	}
	if (shquote_plain(arg, command_position)) {
		strbuf_puts(sb, arg);
		return;
	}
	strbuf_putc(sb, '\'');
	for (p = arg; *p != '\0'; p++) {
		if (*p == '\'') {
			/* close the quote, an escaped quote, reopen */
			strbuf_puts(sb, "'\\''");
		} else {
			strbuf_putc(sb, *p);
		}
	}
	strbuf_putc(sb, '\'');
}

void
shquote_arg(struct strbuf *sb, const char *arg)
{
	shquote_word(sb, arg, true);
}

void
shquote_args(struct strbuf *sb, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			strbuf_putc(sb, ' ');
		}
		shquote_word(sb, v[i], false);
	}
}

char *
shquote_argv(const char *const *argv)
{
	struct strbuf sb = STRBUF_INIT;

	if (argv == NULL || argv[0] == NULL) {
		return NULL;
	}
	strbuf_init(&sb);
	for (size_t i = 0; argv[i] != NULL; i++) {
		if (i > 0) {
			strbuf_putc(&sb, ' ');
		}
		shquote_arg(&sb, argv[i]);
	}
	return strbuf_detach(&sb, NULL);
}
