-- Schema version 1 of mlopsd's state database (mlops.db).
--
-- store_migrate.c runs this file inside one transaction and sets
-- PRAGMA user_version itself: no BEGIN, COMMIT or user_version here.
-- A released migration is never edited; changes go in a new numbered file.
-- Times are INTEGER unix seconds (UTC). Booleans are INTEGER 0/1.

-- Status cache of the clusters configured in clusters.yaml (the
-- configuration itself lives there, not here). A row is created the first
-- time the daemon contacts a cluster; rows of clusters no longer configured
-- are harmless. The state names belong to the ssh/poller code, so they are
-- not constrained here.
CREATE TABLE clusters (
	name            TEXT NOT NULL PRIMARY KEY,
	state           TEXT NOT NULL DEFAULT 'UNKNOWN',
	slurm_version   TEXT,
	last_error      TEXT,
	last_contact_at INTEGER, -- last successful command on the cluster
	last_poll_at    INTEGER, -- last completed squeue/sacct poll
	updated_at      INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- Registered local git work trees ("mlops project add") and their git
-- metadata as of the last sync.
CREATE TABLE projects (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL UNIQUE CHECK (name <> ''),
	path            TEXT NOT NULL UNIQUE CHECK (path <> ''),
	origin_url      TEXT,
	branch          TEXT,    -- NULL when HEAD is detached or unborn
	head_sha        TEXT,
	upstream        TEXT,    -- "origin/main"; NULL when none configured
	head_subject    TEXT,    -- first line of HEAD's commit message
	detached        INTEGER NOT NULL DEFAULT 0 CHECK (detached IN (0, 1)),
	dirty           INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),
	untracked       INTEGER NOT NULL DEFAULT 0 CHECK (untracked >= 0),
	ahead           INTEGER CHECK (ahead >= 0),  -- NULL: unknown
	behind          INTEGER CHECK (behind >= 0), -- NULL: unknown
	config_json     TEXT     -- the project's .mlops-config.yaml as JSON
	    CHECK (config_json IS NULL OR json_valid(config_json)),
	config_warnings TEXT     -- JSON array of strings
	    CHECK (config_warnings IS NULL OR json_valid(config_warnings)),
	added_at        INTEGER NOT NULL,
	synced_at       INTEGER  -- NULL: never synced
) STRICT;

-- Every job Mission Control launched, newest id last. The id is Mission
-- Control's own and goes into the Slurm job name and comment, so it must
-- never be handed out twice: AUTOINCREMENT forbids reuse even after the
-- newest row is deleted.
--
-- Removing a project keeps its jobs: project_id becomes NULL and the
-- project name recorded at launch remains.
CREATE TABLE jobs (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	project_id     INTEGER REFERENCES projects (id) ON DELETE SET NULL,
	project        TEXT NOT NULL,
	cluster        TEXT NOT NULL,
	partition      TEXT,
	slurm_job_id   TEXT,    -- "123", or "123_4" for an array task
	array_task_id  INTEGER,
	sweep_id       INTEGER, -- groups the jobs of one sweep (not yet used)
	state          TEXT NOT NULL DEFAULT 'SUBMITTING' CHECK (state IN (
	    'SUBMITTING', 'SUBMIT_FAILED',
	    'PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED',
	    'REQUEUED', 'PREEMPTED', 'COMPLETED', 'FAILED', 'CANCELLED',
	    'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE',
	    'LOST')),
	-- Derived from state, so it cannot disagree with it. Terminal as in
	-- Slurm (a base state past SUSPENDED, PREEMPTED included), plus LOST
	-- and SUBMIT_FAILED. The poller never looks at terminal jobs again.
	terminal       INTEGER NOT NULL GENERATED ALWAYS AS (state IN (
	    'SUBMIT_FAILED', 'PREEMPTED', 'COMPLETED', 'FAILED', 'CANCELLED',
	    'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE',
	    'LOST')) STORED,
	reason         TEXT,    -- Slurm's reason (pending reason, or why it ended)
	exit_code      INTEGER,
	description    TEXT,
	commit_sha     TEXT,
	branch         TEXT,
	dirty          INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),
	overrides_json TEXT NOT NULL DEFAULT '[]'
	    CHECK (json_valid(overrides_json)), -- JSON array of strings
	config_name    TEXT,
	gpus           INTEGER CHECK (gpus >= 0),
	gpu_type       TEXT,
	nodes          INTEGER CHECK (nodes >= 1),
	cpus_per_task  INTEGER CHECK (cpus_per_task >= 1),
	mem            TEXT,    -- as given to sbatch --mem, e.g. "32G"
	time_limit     TEXT,    -- as given to sbatch --time, e.g. "1-00:00:00"
	submitted_at   INTEGER,
	started_at     INTEGER,
	ended_at       INTEGER,
	elapsed_s      INTEGER,
	node_list      TEXT,
	wandb_url      TEXT,
	work_dir       TEXT,
	stdout_path    TEXT,
	stderr_path    TEXT,
	sbatch_script  TEXT,    -- the rendered script, as submitted
	submit_error   TEXT,    -- why submission failed (SUBMIT_FAILED)
	created_at     INTEGER NOT NULL DEFAULT (unixepoch()),
	updated_at     INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- "mlops jobs" filters, newest first: each index ends with id so that
-- ORDER BY id DESC LIMIT n walks it without sorting.
CREATE INDEX jobs_project ON jobs (project_id, id DESC);
CREATE INDEX jobs_cluster ON jobs (cluster, id DESC);
CREATE INDEX jobs_state ON jobs (state, id DESC);
-- The poller's "WHERE cluster = ? AND terminal = 0": only live jobs.
CREATE INDEX jobs_active ON jobs (cluster) WHERE terminal = 0;
-- Finding a job from squeue/sacct output, with or without the cluster.
CREATE INDEX jobs_slurm ON jobs (slurm_job_id, cluster);

-- "mlops jobs --search TEXT": substring search (case-insensitive, at least
-- three characters) over description, overrides and Slurm id, so that
-- "lr=3e-4" or "123_4" match as typed. A trigram index answers that at
-- 100,000 jobs without scanning; it is an external-content table (the text
-- is stored once, in jobs) kept current by the triggers below. The update
-- trigger fires only when an indexed column is written, not on the
-- poller's state updates.
CREATE VIRTUAL TABLE jobs_fts USING fts5 (
	description, overrides_json, slurm_job_id,
	content = 'jobs', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER jobs_fts_insert AFTER INSERT ON jobs BEGIN
	INSERT INTO jobs_fts (rowid, description, overrides_json, slurm_job_id)
	VALUES (new.id, new.description, new.overrides_json, new.slurm_job_id);
END;

CREATE TRIGGER jobs_fts_delete AFTER DELETE ON jobs BEGIN
	INSERT INTO jobs_fts (jobs_fts, rowid, description, overrides_json,
	    slurm_job_id)
	VALUES ('delete', old.id, old.description, old.overrides_json,
	    old.slurm_job_id);
END;

CREATE TRIGGER jobs_fts_update
AFTER UPDATE OF description, overrides_json, slurm_job_id ON jobs BEGIN
	INSERT INTO jobs_fts (jobs_fts, rowid, description, overrides_json,
	    slurm_job_id)
	VALUES ('delete', old.id, old.description, old.overrides_json,
	    old.slurm_job_id);
	INSERT INTO jobs_fts (rowid, description, overrides_json, slurm_job_id)
	VALUES (new.id, new.description, new.overrides_json, new.slurm_job_id);
END;
