/*
 * POSIX shell quoting for remote command lines (see shquote.h). Pure code,
 * no state; any thread.
 */
#include <stdlib.h>
#include <string.h>

#include <mlops/strbuf.h>

#include <mlops/shquote.h>

static bool shquote_is_safe_char(unsigned char c);
static bool shquote_is_name_char(unsigned char c, bool first);

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

bool
shquote_is_plain(const char *arg)
{
	const unsigned char *p = (const unsigned char *) arg;
	size_t               name_len;

	if (arg == NULL || *arg == '\0' || *arg == '=') {
		return false;
	}
	for (; *p != '\0'; p++) {
		if (!shquote_is_safe_char(*p)) {
			return false;
		}
	}
	/* NAME=value would be an assignment in command position. */
	p        = (const unsigned char *) arg;
	name_len = 0;
	while (shquote_is_name_char(p[name_len], name_len == 0)) {
		name_len++;
	}
	if (name_len > 0 && p[name_len] == '=') {
		return false;
	}
	return true;
}

void
shquote_arg(struct strbuf *sb, const char *arg)
{
	const char *p;

	if (arg == NULL) {
		arg = "";
	}
	if (shquote_is_plain(arg)) {
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
