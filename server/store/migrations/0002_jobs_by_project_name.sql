-- Schema version 2: indexes for the job list filters that 0001 left to a
-- table scan. Run by store_migrate.c in one transaction, like 0001.
--
-- Each index ends with id so that "ORDER BY id DESC LIMIT n" walks it
-- newest first without sorting, and "id < ?" (paging) is a range on it.

-- "mlops jobs --project NAME" filters by name: the jobs of a removed
-- project have lost project_id (jobs_project) and keep only the name.
CREATE INDEX jobs_project_name ON jobs (project, id DESC);

-- "--state active": the live jobs of every cluster, newest first. Only
-- they are indexed (jobs_active has them by cluster). "--state terminal"
-- needs none: most jobs are terminal, so walking ids from the newest finds
-- a page of them at once.
CREATE INDEX jobs_live ON jobs (id DESC) WHERE terminal = 0;

-- The jobs of one sweep. Most jobs are in none, so they are left out.
CREATE INDEX jobs_sweep ON jobs (sweep_id, id DESC)
    WHERE sweep_id IS NOT NULL;
