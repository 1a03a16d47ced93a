-- Scheduler state: the last schedule slot claimed per source. Claiming a slot is one conditional upsert,
-- so overlapping ticks and several instances start each slot's pull at most once.
CREATE TABLE daedalus.schedule_state (
    source      text PRIMARY KEY,
    last_slot   timestamptz NOT NULL,
    claimed_by  text NOT NULL,
    claimed_at  timestamptz NOT NULL DEFAULT now()
);
