/*
 * Error codes and the caller-owned error detail that travels with a call.
 * Codes are negative, stable, and mirrored one to one by the wire protocol's
 * Error.code; they are never renumbered.
 */
#ifndef MLOPS_COMMON_ERROR_H
#define MLOPS_COMMON_ERROR_H

#include <stddef.h>

enum mlops_err {
	MLOPS_OK           = 0,
	MLOPS_ERROR        = -1,  /* anything without a specific code */
	MLOPS_ENOTFOUND    = -2,  /* no such project, cluster, job, file */
	MLOPS_EEXISTS      = -3,  /* duplicate name */
	MLOPS_EINVAL       = -4,  /* bad input; err->field names the field */
	MLOPS_ETIMEDOUT    = -5,  /* deadline passed */
	MLOPS_EUNREACHABLE = -6,  /* daemon or cluster not reachable */
	MLOPS_EAUTH        = -7,  /* authentication refused */
	MLOPS_EPARSE       = -8,  /* unparsable file or command output */
	MLOPS_ESLURM       = -9,  /* Slurm refused; message is Slurm's text */
	MLOPS_EPROTO       = -10, /* malformed message */
	MLOPS_EVERSION     = -11, /* protocol major mismatch */
	MLOPS_ENOTIMPL     = -12, /* method not implemented yet */
	MLOPS_EHOSTKEY     = -13, /* unknown or changed SSH host key */
	MLOPS_EBUSY   = -14, /* resource in use (daemon already running) */
	MLOPS_EIO     = -15, /* local I/O failed */
	MLOPS_ENOTGIT = -16, /* path is not a git work tree */
	MLOPS_EDIRTY  = -17, /* work tree has uncommitted changes */
	MLOPS_ECONFIG = -18, /* configuration file error */
};

#define MLOPS_ERROR_MSG_MAX   256
#define MLOPS_ERROR_FIELD_MAX 64

/*
 * Detail of a failure. Caller-owned, needs no allocation, safe to fill on any
 * thread. `field` names the input field at fault (empty when none).
 */
struct mlops_error {
	int  code;
	char field[MLOPS_ERROR_FIELD_MAX];
	char msg[MLOPS_ERROR_MSG_MAX];
};

/**
 * Fill `err` (which may be NULL) with `code` and a printf-style message.
 * Returns `code`, so that "set and return" is one statement.
 */
int mlops_error_set(struct mlops_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Like mlops_error_set(), and also records the input field at fault.
 */
int mlops_error_set_field(struct mlops_error *err, int code, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Sets the field at fault, keeping code and message (no-op on NULL). */
void mlops_error_field(struct mlops_error *err, const char *field);

/** Reset `err` to success (no-op on NULL). */
void mlops_error_clear(struct mlops_error *err);

/**
 * Prefix the message in `err` with `fmt` + ": " (no-op on NULL); keeps the
 * code and field. Used to add context as an error travels up.
 */
void mlops_error_prefix(struct mlops_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** A short static description of a code ("not found"). Never NULL. */
const char *mlops_strerror(int code);

/** The stable symbolic name of a code ("ENOTFOUND"). Never NULL. */
const char *mlops_err_name(int code);

#endif
