-- A random id for this database, made once. It goes into every Slurm job
-- name (mlops-<instance>-<id>), so that jobs of two daemons, or of a
-- database started afresh, never share a name on a cluster: finding a job
-- again by its name after a crash must find only our own.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

INSERT INTO meta (key, value) VALUES ('instance_id', lower(hex(randomblob(4))));
