-- v6broker schema, version 9 (PostgreSQL): prefix sizes (issue 14, docs/decisions.md 22). The same
-- tables as the SQLite version, which explains them.
CREATE TABLE pools (
    pool         TEXT    NOT NULL PRIMARY KEY CHECK (pool IN ('hermit', 'subnet', 'subnet60', 'subnet56', 'subnet48')),
    size         INTEGER NOT NULL CHECK (size IN (128, 64, 60, 56, 48)),
    first_index  BIGINT  NOT NULL,
    last_index   BIGINT  NOT NULL CHECK (last_index >= first_index),
    created_at   BIGINT  NOT NULL
);

CREATE TABLE allocation_free (
    pool  TEXT    NOT NULL,
    lo    BIGINT  NOT NULL,
    hi    BIGINT  NOT NULL CHECK (hi >= lo),
    PRIMARY KEY (pool, lo)
);

ALTER TABLE clients ADD COLUMN size INTEGER NOT NULL DEFAULT 64 CHECK (size IN (128, 64, 60, 56, 48));
UPDATE clients SET size = 128 WHERE type = 'hermit';
DROP INDEX clients_holder;
CREATE INDEX clients_holder ON clients (type, size, pool_index) WHERE deleted_at IS NULL;

ALTER TABLE allocations DROP CONSTRAINT allocations_pool_check;
ALTER TABLE allocations ADD CONSTRAINT allocations_pool_check
    CHECK (pool IN ('hermit', 'subnet', 'subnet60', 'subnet56', 'subnet48'));

-- two more event kinds: a region added to the plan, a client's prefix resized
ALTER TABLE events DROP CONSTRAINT events_known_kind;
ALTER TABLE events ADD CONSTRAINT events_known_kind CHECK (kind IN ('init', 'add', 'revoke', 'suspend', 'resume', 'renew',
    'delete', 'crl', 'node-add', 'node-join', 'link-create', 'link-delete', 'link-cancel', 'region-add', 'resize'));
