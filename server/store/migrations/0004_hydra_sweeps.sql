-- Schema version 4: Hydra-validated launches and sweeps (issue #7).
--
-- A sweep is one Slurm job array; each of its tasks is a row of jobs with
-- sweep_id pointing here and array_task_id set. The array's own job id
-- lives here; each task's slurm_job_id is "<array>_<task>".
CREATE TABLE sweeps (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	project       TEXT NOT NULL,
	cluster       TEXT NOT NULL,
	slurm_job_id  TEXT,    -- the array's job id; NULL until sbatch took it
	ntasks        INTEGER NOT NULL CHECK (ntasks >= 1),
	max_parallel  INTEGER NOT NULL DEFAULT 0 CHECK (max_parallel >= 0),
	spec_json     TEXT NOT NULL DEFAULT '[]'
	    CHECK (json_valid(spec_json)), -- the multirun overrides as given
	created_at    INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;

-- The overrides after validation against the project's Hydra config
-- (normalized, JSON array of strings), and the composed config they give.
-- NULL when the launch skipped validation or the project has no config.
-- The composed config can be large and is read only by "job show", so it
-- is kept apart from the rows every listing reads.
ALTER TABLE jobs ADD COLUMN resolved_overrides_json TEXT
    CHECK (resolved_overrides_json IS NULL
        OR json_valid(resolved_overrides_json));

CREATE TABLE job_configs (
	job_id      INTEGER PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
	config_json TEXT NOT NULL CHECK (json_valid(config_json))
) STRICT;
