/*
 * executor: the parts of the executor interface that are not one
 * implementation's: options, results and freeing. Any thread.
 */
#include <stdlib.h>
#include <string.h>

#include "executor.h"

void
exec_opts_init(struct exec_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

void
exec_result_fini(struct exec_result *r)
{
	if (r == NULL) {
		return;
	}
	free(r->stdout_buf);
	free(r->stderr_buf);
	memset(r, 0, sizeof(*r));
}

void
executor_free(struct executor *ex)
{
	if (ex == NULL) {
		return;
	}
	ex->ops->stop(ex->impl);
	ex->ops->free(ex->impl);
	free(ex);
}

const char *
exec_state_name(enum exec_state state)
{
	switch (state) {
	case EXEC_DISCONNECTED:
		return "DISCONNECTED";
	case EXEC_CONNECTING:
		return "CONNECTING";
	case EXEC_CONNECTED:
		return "CONNECTED";
	case EXEC_UNREACHABLE:
		return "UNREACHABLE";
	}
	return "UNKNOWN";
}
