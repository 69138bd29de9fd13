-- v6broker schema, version 1 (PostgreSQL). Times are epoch milliseconds (UTC).

CREATE TABLE clients (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT    NOT NULL,
    type        TEXT    NOT NULL CHECK (type IN ('hermit', 'subnet')),
    os          TEXT    NOT NULL CHECK (os IN ('linux', 'windows', 'macos')),
    email       TEXT,
    status      TEXT    NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    pool_index  BIGINT  NOT NULL,
    serial      TEXT    NOT NULL,           -- the current certificate
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    deleted_at  BIGINT
);
-- one live client per name, case-insensitively (names become file names)
CREATE UNIQUE INDEX clients_live_name ON clients (lower(name)) WHERE deleted_at IS NULL;

-- Every index of a pool that is taken: by a client (reusable_at NULL) or in quarantine after a
-- delete (reusable_at set). The primary key is what keeps two writers from taking one prefix.
CREATE TABLE allocations (
    pool          TEXT    NOT NULL CHECK (pool IN ('hermit', 'subnet')),
    pool_index    BIGINT  NOT NULL,
    client_id     BIGINT  NOT NULL REFERENCES clients (id),
    allocated_at  BIGINT  NOT NULL,
    reusable_at   BIGINT,
    PRIMARY KEY (pool, pool_index)
);
CREATE INDEX allocations_client ON allocations (client_id);

CREATE TABLE certificates (
    serial           TEXT    PRIMARY KEY,   -- lower-case hex, no leading zeros
    client_id        BIGINT  REFERENCES clients (id),
    role             TEXT    NOT NULL CHECK (role IN ('client', 'server')),
    common_name      TEXT    NOT NULL,
    not_before       BIGINT  NOT NULL,
    not_after        BIGINT  NOT NULL,
    certificate_pem  TEXT    NOT NULL,
    private_key_pem  TEXT,
    created_at       BIGINT  NOT NULL,
    revoked_at       BIGINT
);
CREATE INDEX certificates_client ON certificates (client_id);
CREATE INDEX certificates_revoked ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE crls (
    number       BIGINT  PRIMARY KEY,
    this_update  BIGINT  NOT NULL,
    next_update  BIGINT  NOT NULL,
    pem          TEXT    NOT NULL
);

-- Append-only: every change, for the daemons to apply and for the record.
CREATE TABLE events (
    id           BIGSERIAL PRIMARY KEY,
    at           BIGINT  NOT NULL,
    kind         TEXT    NOT NULL,
    client_id    BIGINT,
    client_name  TEXT,
    detail       TEXT
);
