/*
 * Error codes, their names, and the helpers that fill struct mlops_error.
 * Pure and thread-safe: nothing here has state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mlops/error.h>

static const struct {
	int         code;
	const char *name;
	const char *text;
} error_table[] = {
	{ MLOPS_OK, "OK", "success" },
	{ MLOPS_ERROR, "ERROR", "failed" },
	{ MLOPS_ENOTFOUND, "ENOTFOUND", "not found" },
	{ MLOPS_EEXISTS, "EEXISTS", "already exists" },
	{ MLOPS_EINVAL, "EINVAL", "invalid argument" },
	{ MLOPS_ETIMEDOUT, "ETIMEDOUT", "timed out" },
	{ MLOPS_EUNREACHABLE, "EUNREACHABLE", "unreachable" },
	{ MLOPS_EAUTH, "EAUTH", "authentication failed" },
	{ MLOPS_EPARSE, "EPARSE", "parse error" },
	{ MLOPS_ESLURM, "ESLURM", "Slurm refused" },
	{ MLOPS_EPROTO, "EPROTO", "protocol error" },
	{ MLOPS_EVERSION, "EVERSION", "protocol version mismatch" },
	{ MLOPS_ENOTIMPL, "ENOTIMPL", "not implemented yet" },
	{ MLOPS_EHOSTKEY, "EHOSTKEY", "host key not trusted" },
	{ MLOPS_EBUSY, "EBUSY", "busy" },
	{ MLOPS_EIO, "EIO", "I/O error" },
	{ MLOPS_ENOTGIT, "ENOTGIT", "not a git work tree" },
	{ MLOPS_EDIRTY, "EDIRTY", "work tree has uncommitted changes" },
	{ MLOPS_ECONFIG, "ECONFIG", "configuration error" },
};

static size_t
error_index(int code)
{
	for (size_t i = 0; i < sizeof(error_table) / sizeof(error_table[0]);
	     i++) {
		if (error_table[i].code == code) {
			return i;
		}
	}
	return 1; /* MLOPS_ERROR */
}

const char *
mlops_strerror(int code)
{
	return error_table[error_index(code)].text;
}

const char *
mlops_err_name(int code)
{
	return error_table[error_index(code)].name;
}

int
mlops_error_set(struct mlops_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL) {
		return code;
	}
	err->code     = code;
	err->field[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
mlops_error_set_field(
    struct mlops_error *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL) {
		return code;
	}
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void
mlops_error_field(struct mlops_error *err, const char *field)
{
	if (err != NULL) {
		snprintf(
		    err->field, sizeof(err->field), "%s", field ? field : "");
	}
}

void
mlops_error_clear(struct mlops_error *err)
{
	if (err != NULL) {
		memset(err, 0, sizeof(*err));
	}
}

void
mlops_error_prefix(struct mlops_error *err, const char *fmt, ...)
{
	char    buf[MLOPS_ERROR_MSG_MAX];
	size_t  n, m;
	va_list ap;

	if (err == NULL) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* buf = prefix ": " old message, truncated to fit. */
	n = strlen(buf);
	if (n + 2 < sizeof(buf)) {
		memcpy(buf + n, ": ", 2);
		n += 2;
		m = strnlen(err->msg, sizeof(err->msg));
		if (m > sizeof(buf) - 1 - n) {
			m = sizeof(buf) - 1 - n;
		}
		memcpy(buf + n, err->msg, m);
		n += m;
	}
	buf[n] = '\0';
	memcpy(err->msg, buf, sizeof(buf));
}
