-- v6broker schema, version 12 (SQLite): clients for routers (issue 15, docs/decisions.md 25). A
-- client's os, and a subscription request's, may be openwrt (an OpenWrt router: UCI and odhcpd)
-- or router (a Linux router: radvd) besides linux, windows and macos.
--
-- SQLite changes a CHECK only by copying the table. clients is the parent of allocations,
-- certificates and subscription_requests: with foreign keys deferred to the commit, the rows are
-- back under the table's name, with the same ids, before anything is checked.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE clients_v11 AS SELECT * FROM clients;
DROP TABLE clients;
CREATE TABLE clients (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    type             TEXT    NOT NULL CHECK (type IN ('hermit', 'subnet')),
    os               TEXT    NOT NULL CHECK (os IN ('linux', 'windows', 'macos', 'openwrt', 'router')),
    email            TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    pool_index       BIGINT  NOT NULL,
    serial           TEXT    NOT NULL,           -- the current certificate
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    deleted_at       BIGINT,
    idempotency_key  TEXT,
    size             INTEGER NOT NULL DEFAULT 64 CHECK (size IN (128, 64, 60, 56, 48))
);
INSERT INTO clients (id, name, type, os, email, status, pool_index, serial, created_at, updated_at, deleted_at,
                     idempotency_key, size)
    SELECT id, name, type, os, email, status, pool_index, serial, created_at, updated_at, deleted_at, idempotency_key, size
    FROM clients_v11;
DROP TABLE clients_v11;
-- the indices of versions 1, 6, 8 and 9, as they were
CREATE UNIQUE INDEX clients_live_name ON clients (lower(name)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX clients_idempotency_key ON clients (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX clients_status_name ON clients (status, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX clients_type_name ON clients (type, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX clients_email ON clients (lower(email)) WHERE deleted_at IS NULL AND email IS NOT NULL;
CREATE INDEX clients_holder ON clients (type, size, pool_index) WHERE deleted_at IS NULL;
CREATE INDEX clients_status_type ON clients (status, type) WHERE deleted_at IS NULL;

CREATE TABLE subscription_requests_v11 AS SELECT * FROM subscription_requests;
DROP TABLE subscription_requests;
CREATE TABLE subscription_requests (
    id                  INTEGER PRIMARY KEY,
    name                TEXT    NOT NULL,
    email               TEXT    NOT NULL,
    type                TEXT    NOT NULL CHECK (type IN ('hermit', 'subnet')),
    os                  TEXT    NOT NULL CHECK (os IN ('linux', 'windows', 'macos', 'openwrt', 'router')),
    reason              TEXT    NOT NULL,
    status              TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    subscriber_hash     TEXT    NOT NULL UNIQUE,
    created_at          BIGINT  NOT NULL,
    decided_at          BIGINT,
    decided_by          TEXT,
    client_id           BIGINT  REFERENCES clients (id),
    client_name         TEXT,
    link_hash           TEXT    UNIQUE,
    link_expires_at     BIGINT,
    link_used_at        BIGINT,
    links_issued        INTEGER NOT NULL DEFAULT 0,
    links_window_start  BIGINT,
    size                INTEGER NOT NULL DEFAULT 64 CHECK (size IN (128, 64, 60, 56, 48))
);
INSERT INTO subscription_requests (id, name, email, type, os, reason, status, subscriber_hash, created_at, decided_at,
                                   decided_by, client_id, client_name, link_hash, link_expires_at, link_used_at,
                                   links_issued, links_window_start, size)
    SELECT id, name, email, type, os, reason, status, subscriber_hash, created_at, decided_at, decided_by, client_id,
           client_name, link_hash, link_expires_at, link_used_at, links_issued, links_window_start, size
    FROM subscription_requests_v11;
DROP TABLE subscription_requests_v11;
CREATE UNIQUE INDEX subscription_requests_pending_name ON subscription_requests (lower(name)) WHERE status = 'pending';
CREATE INDEX subscription_requests_status ON subscription_requests (status, created_at);
