-- v6broker schema, version 4 (PostgreSQL): operator API tokens and the subscription workflow.
-- Tokens and links are stored only as SHA-256 hashes of the secret (hex); the secret itself is
-- shown once and never stored.

CREATE TABLE api_tokens (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
-- one live token per name, case-insensitively
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (lower(name)) WHERE revoked_at IS NULL;

-- A subscriber's request: pending until an operator approves (a client is added) or rejects it.
-- subscriber_hash is the subscriber's own token (read-only tunnel info); link_* is the one-time,
-- expiring download link, at most one live per request.
CREATE TABLE subscription_requests (
    id               BIGSERIAL PRIMARY KEY,
    name             TEXT    NOT NULL,
    email            TEXT    NOT NULL,
    type             TEXT    NOT NULL CHECK (type IN ('hermit', 'subnet')),
    os               TEXT    NOT NULL CHECK (os IN ('linux', 'windows', 'macos')),
    reason           TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    subscriber_hash  TEXT    NOT NULL UNIQUE,
    created_at       BIGINT  NOT NULL,
    decided_at       BIGINT,
    decided_by       TEXT,
    client_id        BIGINT  REFERENCES clients (id),
    client_name      TEXT,
    link_hash        TEXT    UNIQUE,
    link_expires_at  BIGINT,
    link_used_at     BIGINT
);
-- one pending request per name, case-insensitively
CREATE UNIQUE INDEX subscription_requests_pending_name ON subscription_requests (lower(name)) WHERE status = 'pending';
CREATE INDEX subscription_requests_status ON subscription_requests (status, created_at);
