/*
 * A growable NUL-terminated string buffer, for renderers, remote command
 * lines and CLI tables. Not thread-safe; one owner at a time.
 */
#ifndef MLOPS_COMMON_STRBUF_H
#define MLOPS_COMMON_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char  *buf; /* always NUL-terminated once initialised */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT        \
	{                  \
		NULL, 0, 0 \
	}

void strbuf_init(struct strbuf *sb);
/** Frees the contents; the struct may be reused after strbuf_init(). */
void strbuf_fini(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_append(struct strbuf *sb, const void *data, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/** Returns the buffer (never NULL) and leaves `sb` empty. Caller frees. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/** The current contents, "" when empty. Borrowed until the next change. */
const char *strbuf_str(const struct strbuf *sb);

#endif
