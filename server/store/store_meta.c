/*
 * The meta table: facts about the database itself. Read once at startup,
 * so the statement is prepared per call rather than cached.
 */
#include <sqlite3.h>

#include <mlops/xmalloc.h>

#include "store_impl.h"
#include "store_meta.h"

int
store_instance_id(char **out, struct store *st, struct mlops_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int           rc;

	rc = sqlite3_prepare_v2(store_db(st),
	    "SELECT value FROM meta WHERE key = 'instance_id'", -1, &stmt,
	    NULL);
	if (rc != SQLITE_OK) {
		return store_sqlite_error(
		    store_db(st), rc, err, "reading the instance id");
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*out = xstrdup((const char *) sqlite3_column_text(stmt, 0));
		rc   = 0;
	} else if (rc == SQLITE_DONE) {
		rc = mlops_error_set(
		    err, MLOPS_ENOTFOUND, "the database has no instance id");
	} else {
		rc = store_sqlite_error(
		    store_db(st), rc, err, "reading the instance id");
	}
	sqlite3_finalize(stmt);
	return rc;
}
