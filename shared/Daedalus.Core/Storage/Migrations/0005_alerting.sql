-- Notifications and anomaly detection (docs/alerting.md).

-- The notification outbox: the pipeline only inserts rows here (never waits on the network); a dispatcher
-- delivers them. (event_key, channel) is unique, so one event is one notification per channel however often
-- the pipeline, a retry or a restart reports it. The webhook URL is a secret name, resolved at delivery.
CREATE TABLE daedalus.notification_outbox (
    id               bigserial PRIMARY KEY,
    event_key        text NOT NULL,
    channel          text NOT NULL,
    format           text NOT NULL,
    url_secret       text NOT NULL,
    kind             text NOT NULL,
    source           text,
    event            jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz,
    delivered_at     timestamptz,
    abandoned_at     timestamptz,
    last_error       text,
    UNIQUE (event_key, channel)
);
CREATE INDEX notification_outbox_due ON daedalus.notification_outbox (next_attempt_at) WHERE delivered_at IS NULL AND abandoned_at IS NULL;

-- Global notification channels (the top-level `notifications:` of daedalus.yaml); per-source channels live in
-- the source definition. One row.
CREATE TABLE daedalus.notification_settings (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    channels    jsonb NOT NULL DEFAULT '[]'::jsonb,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- What each finished run looked like per stream: the history anomaly detection learns from.
-- change_rate = rows read / rows in the target table (planner estimate); null when unknown.
CREATE TABLE daedalus.run_stream_metrics (
    run_id            uuid NOT NULL REFERENCES daedalus.runs (id) ON DELETE CASCADE,
    source            text NOT NULL,
    stream            text NOT NULL,
    status            text NOT NULL,
    started_at        timestamptz NOT NULL,
    rows              double precision NOT NULL,
    change_rate       double precision,
    quarantine_rate   double precision,
    duration_seconds  double precision NOT NULL,
    PRIMARY KEY (run_id, stream)
);
CREATE INDEX run_stream_metrics_history ON daedalus.run_stream_metrics (source, stream, started_at DESC);

-- Metrics of a run that departed from the stream's usual values.
CREATE TABLE daedalus.run_anomalies (
    run_id         uuid NOT NULL REFERENCES daedalus.runs (id) ON DELETE CASCADE,
    source         text NOT NULL,
    stream         text NOT NULL,
    metric         text NOT NULL,
    value          double precision NOT NULL,
    expected       double precision NOT NULL,
    low            double precision NOT NULL,
    high           double precision NOT NULL,
    score          double precision NOT NULL,
    baseline_runs  integer NOT NULL,
    seasonal       boolean NOT NULL,
    detected_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, stream, metric)
);
CREATE INDEX run_anomalies_source ON daedalus.run_anomalies (source, detected_at DESC);
