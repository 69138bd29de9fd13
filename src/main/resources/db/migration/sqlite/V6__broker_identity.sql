-- v6broker schema, version 6: the broker's identity, one row written by 'v6broker init' (or, for a
-- home made before this version, by its first command). config.json holds the same broker_id and
-- prefix: a home refuses a database whose identity is not its own, and a config.json whose prefix
-- is not the one its clients were numbered from.
CREATE TABLE broker (
    singleton   INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    broker_id   TEXT    NOT NULL,
    prefix      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

-- A create's Idempotency-Key (HTTP API): a retry of a create whose answer was lost finds the client
-- the first attempt made. Keys are single-use, also after the client is deleted.
ALTER TABLE clients ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX clients_idempotency_key ON clients (idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Download links a subscriber took in the current 24-hour window (at most Limits.linksPerDay).
ALTER TABLE subscription_requests ADD COLUMN links_issued INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscription_requests ADD COLUMN links_window_start BIGINT;
