-- Live sessions as the daemon sees them on the management interface, and their history: a row
-- is live while ended_at is NULL. One row per (node, OpenVPN client id, connect time).
CREATE TABLE sessions (
    id            BIGSERIAL PRIMARY KEY,
    node          TEXT    NOT NULL,
    client_name   TEXT    NOT NULL,
    mgmt_cid      BIGINT  NOT NULL,
    real_address  TEXT    NOT NULL,
    virtual_ipv6  TEXT,
    connected_at  BIGINT  NOT NULL,
    last_seen     BIGINT  NOT NULL,
    bytes_in      BIGINT  NOT NULL,
    bytes_out     BIGINT  NOT NULL,
    ended_at      BIGINT
);
CREATE UNIQUE INDEX sessions_identity ON sessions (node, mgmt_cid, connected_at);
CREATE INDEX sessions_live ON sessions (node) WHERE ended_at IS NULL;
CREATE INDEX sessions_client ON sessions (lower(client_name), connected_at);

-- How far each node's daemon has applied the event stream.
CREATE TABLE event_cursors (
    node        TEXT    PRIMARY KEY,
    event_id    BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
