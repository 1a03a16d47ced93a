-- Daedalus core tables. Migrations are forward-only and additive.
CREATE SCHEMA IF NOT EXISTS daedalus;

-- Runtime truth for sources: YAML is applied here, the API edits it.
CREATE TABLE daedalus.sources (
    name        text PRIMARY KEY,
    plugin      text NOT NULL,
    enabled     boolean NOT NULL,
    definition  jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Where each (source, stream) resumes. Advances only once its batch is stored or durably enqueued.
CREATE TABLE daedalus.cursors (
    source      text NOT NULL,
    stream      text NOT NULL,
    value       text,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, stream)
);

CREATE TABLE daedalus.runs (
    id               uuid PRIMARY KEY,
    source           text NOT NULL,
    trigger          text NOT NULL,
    status           text NOT NULL,
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    rows_read        bigint NOT NULL DEFAULT 0,
    rows_loaded      bigint NOT NULL DEFAULT 0,
    rows_quarantined bigint NOT NULL DEFAULT 0,
    rows_deleted     bigint NOT NULL DEFAULT 0,
    batches          integer NOT NULL DEFAULT 0,
    error            text
);
CREATE INDEX runs_source_started ON daedalus.runs (source, started_at DESC);

CREATE TABLE daedalus.run_streams (
    run_id           uuid NOT NULL REFERENCES daedalus.runs (id) ON DELETE CASCADE,
    stream           text NOT NULL,
    rows_read        bigint NOT NULL DEFAULT 0,
    batches          integer NOT NULL DEFAULT 0,
    cursor_from      text,
    cursor_to        text,
    duration_ms      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, stream)
);

-- The batch ledger: one row per loaded batch, written in the load transaction. A redelivered batch finds its row and is skipped.
CREATE TABLE daedalus.batches (
    batch_id     text PRIMARY KEY,
    run_id       uuid NOT NULL,
    source       text NOT NULL,
    stream       text NOT NULL,
    sequence     integer NOT NULL,
    rows         integer NOT NULL,
    loaded       integer NOT NULL DEFAULT 0,
    quarantined  integer NOT NULL DEFAULT 0,
    deleted      integer NOT NULL DEFAULT 0,
    stale        integer NOT NULL DEFAULT 0,
    cursor_from  text,
    cursor_to    text,
    duration_ms  integer NOT NULL DEFAULT 0,
    loaded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX batches_source_stream_loaded ON daedalus.batches (source, stream, loaded_at DESC);
CREATE INDEX batches_loaded_at ON daedalus.batches (loaded_at);

-- Rows that failed a QA rule: never dropped. Protected columns are stored protected here too.
CREATE TABLE daedalus.quarantine (
    id          bigserial PRIMARY KEY,
    batch_id    text NOT NULL,
    run_id      uuid NOT NULL,
    source      text NOT NULL,
    stream      text NOT NULL,
    rule        text NOT NULL,
    reason      text NOT NULL,
    row         jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_source_stream ON daedalus.quarantine (source, stream, created_at DESC);

-- Metric layer: one series per (name, labels); points keep sum/count/min/max so avg = sum/count.
CREATE TABLE daedalus.metric_series (
    id      bigserial PRIMARY KEY,
    name    text NOT NULL,
    labels  jsonb NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (name, labels)
);

CREATE TABLE daedalus.metric_points (
    series_id  bigint NOT NULL REFERENCES daedalus.metric_series (id) ON DELETE CASCADE,
    ts         timestamptz NOT NULL,
    sum        double precision NOT NULL,
    count      bigint NOT NULL,
    min        double precision,
    max        double precision,
    PRIMARY KEY (series_id, ts)
);
CREATE INDEX metric_points_ts ON daedalus.metric_points (ts);

CREATE TABLE daedalus.audit_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text NOT NULL,
    action  text NOT NULL,
    target  text NOT NULL,
    detail  jsonb NOT NULL DEFAULT '{}'::jsonb
);
