-- API keys for the self-hosted API. Only a SHA-256 hash of each key is stored; the key itself is shown once.
CREATE TABLE daedalus.api_keys (
    id            text PRIMARY KEY,               -- public part of the key (dk_<id>_<secret>), used to find the row
    name          text NOT NULL,
    key_hash      bytea NOT NULL,                 -- SHA-256 of the whole key
    scopes        text[] NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    CONSTRAINT api_keys_scopes CHECK (scopes <@ ARRAY['read', 'write']::text[] AND cardinality(scopes) > 0)
);
