-- Exactly once, for real (forward-only, additive).

-- A reset bumps the stream's generation: batch ids include it, so a re-pull after a reset re-applies every row
-- instead of being recognised as already loaded.
ALTER TABLE daedalus.cursors ADD COLUMN IF NOT EXISTS generation integer NOT NULL DEFAULT 0;

-- Runs tell the truth: a heartbeat while a process works on the run (a run whose heartbeat stops is closed by the
-- next process that looks), what the pull itself ended as, and the batches and rows that never loaded.
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS heartbeat_at timestamptz;
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS pull_status text;
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS pull_error text;
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS pull_finished_at timestamptz;
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS batches_poisoned integer NOT NULL DEFAULT 0;
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS batches_lost integer NOT NULL DEFAULT 0;
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS rows_not_loaded bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS runs_open ON daedalus.runs (status) WHERE status IN ('running', 'loading');

-- Every batch a pull put on the queue, and what became of it: queued -> loaded | poisoned | lost. A run settles
-- when none of its batches is queued; a batch still queued when the queue is empty was lost by storage, and its
-- stream is re-pulled from the batch's cursor_from (the hole in the chain).
-- Keyed by (batch, run): an identical batch re-sent by a later run (same content, same id) belongs to both runs.
CREATE TABLE IF NOT EXISTS daedalus.enqueued_batches (
    batch_id     text NOT NULL,
    run_id       uuid NOT NULL,
    source       text NOT NULL,
    stream       text NOT NULL,
    sequence     integer NOT NULL,
    rows         integer NOT NULL,
    cursor_from  text,
    cursor_to    text,
    state        text NOT NULL DEFAULT 'queued',
    error        text,
    enqueued_at  timestamptz NOT NULL DEFAULT now(),
    settled_at   timestamptz,
    PRIMARY KEY (batch_id, run_id)
);
CREATE INDEX IF NOT EXISTS enqueued_batches_run ON daedalus.enqueued_batches (run_id, state);
CREATE INDEX IF NOT EXISTS enqueued_batches_queued ON daedalus.enqueued_batches (enqueued_at) WHERE state = 'queued';

-- Metric sums are exact: money summed in double precision drifts (468712.93999999994).
ALTER TABLE daedalus.metric_points ALTER COLUMN sum TYPE numeric USING sum::numeric;
ALTER TABLE daedalus.metric_points ALTER COLUMN min TYPE numeric USING min::numeric;
ALTER TABLE daedalus.metric_points ALTER COLUMN max TYPE numeric USING max::numeric;
