-- Run events, retention and source retirement (forward-only, additive).

-- What happened in a run, in order: queued, pull started, each batch enqueued and what became of it (loaded with its
-- counts, poisoned, lost), each stream pulled, the pull finished, the run settled. Written by the step that did it;
-- no foreign key so a load never waits on the runs row, and retention deletes events with their run.
CREATE TABLE IF NOT EXISTS daedalus.run_events (
    id        bigserial PRIMARY KEY,
    run_id    uuid NOT NULL,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind      text NOT NULL,
    source    text NOT NULL,
    stream    text,
    batch_id  text,
    detail    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS run_events_run ON daedalus.run_events (run_id, id);
CREATE INDEX IF NOT EXISTS run_events_at ON daedalus.run_events (at);

-- Retention prunes by age in small batches: each table needs an index on the column it ages by.
CREATE INDEX IF NOT EXISTS runs_finished_at ON daedalus.runs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS quarantine_created_at ON daedalus.quarantine (created_at);
CREATE INDEX IF NOT EXISTS enqueued_batches_settled_at ON daedalus.enqueued_batches (settled_at) WHERE state <> 'queued';
CREATE INDEX IF NOT EXISTS audit_log_at ON daedalus.audit_log (at);

-- A source past its retirement time (definition.retireAt) is no longer pulled; set once, when the scheduler retires it.
ALTER TABLE daedalus.sources ADD COLUMN IF NOT EXISTS retired_at timestamptz;
