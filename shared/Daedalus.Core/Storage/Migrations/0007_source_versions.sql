-- Optimistic concurrency on sources: every write bumps the version, which the API serves as the ETag and checks
-- against If-Match.
ALTER TABLE daedalus.sources ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 1;
