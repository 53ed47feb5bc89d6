-- Schema version 5: when sbatch was started for a job (unix seconds; NULL
-- until then). A job whose sbatch answer was never read (a timeout, a
-- dropped connection, an answer that is not the job id) stays SUBMITTING
-- and is looked for on the cluster; the grace before it is given up counts
-- from this moment, not from the row's creation before a long upload.
ALTER TABLE jobs ADD COLUMN submit_started_at INTEGER;
-- Rows already SUBMITTING may have had sbatch sent: their grace counts
-- from their creation, as it did before.
UPDATE jobs SET submit_started_at = created_at WHERE state = 'SUBMITTING';
