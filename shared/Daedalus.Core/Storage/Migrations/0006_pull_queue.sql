-- Pulls are work items on the pull queue (forward-only, additive).

-- A run is created `queued` when its pull request is enqueued. It spans every part of the pull: part 1 is the
-- request the scheduler or the API sent; a pull that reaches its time limit stores its cursors and enqueues part
-- n + 1 of the same run. pull_part is the part queued or being pulled: a delivery of any other part is a duplicate.
-- pull_stream is the index (in the source's stream order) the queued part starts at.
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS pull_part integer NOT NULL DEFAULT 1;
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS pull_stream integer NOT NULL DEFAULT 0;
-- Set when the run's pull request went to the poison queue; a replayed request may claim the run again.
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS pull_poisoned_at timestamptz;
DROP INDEX IF EXISTS daedalus.runs_open;
CREATE INDEX IF NOT EXISTS runs_open ON daedalus.runs (status) WHERE status IN ('queued', 'running', 'loading');
