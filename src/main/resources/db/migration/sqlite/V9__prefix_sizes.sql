-- v6broker schema, version 9 (SQLite): prefix sizes (issue 14, docs/decisions.md 22).
--
-- The plan's pools: the hermit pool (size 128, its host indices) and one region of subnet blocks
-- per size, each the block numbers first..last of that size inside the broker's prefix. Written
-- by 'v6broker init' (or, for a home made before this version, by its first command: the plan it
-- always had), and by 'v6broker plan add-region'; never changed after.
CREATE TABLE pools (
    pool         TEXT    NOT NULL PRIMARY KEY CHECK (pool IN ('hermit', 'subnet', 'subnet60', 'subnet56', 'subnet48')),
    size         INTEGER NOT NULL CHECK (size IN (128, 64, 60, 56, 48)),
    first_index  BIGINT  NOT NULL,
    last_index   BIGINT  NOT NULL CHECK (last_index >= first_index),
    created_at   BIGINT  NOT NULL
);

-- The free indices of each pool as intervals lo..hi, apart from each other: every index of a pool
-- is either in one interval, or taken (a row of allocations, or a link's). The lowest free index of
-- a pool is the lo of its first interval: one lookup of the primary key, whatever the pool holds.
CREATE TABLE allocation_free (
    pool  TEXT    NOT NULL,
    lo    BIGINT  NOT NULL,
    hi    BIGINT  NOT NULL CHECK (hi >= lo),
    PRIMARY KEY (pool, lo)
);

-- A client's prefix length: 128 for a hermit, its block's size for a subnet (64 before sizes).
ALTER TABLE clients ADD COLUMN size INTEGER NOT NULL DEFAULT 64 CHECK (size IN (128, 64, 60, 56, 48));
UPDATE clients SET size = 128 WHERE type = 'hermit';
DROP INDEX clients_holder;
CREATE INDEX clients_holder ON clients (type, size, pool_index) WHERE deleted_at IS NULL;

-- allocations take the pools of every size: SQLite changes a CHECK only by copying the table
DROP TRIGGER allocations_not_held_by_a_link;
DROP TRIGGER links_not_held_elsewhere;
CREATE TABLE allocations_v9 (
    pool          TEXT    NOT NULL CHECK (pool IN ('hermit', 'subnet', 'subnet60', 'subnet56', 'subnet48')),
    pool_index    BIGINT  NOT NULL,
    client_id     BIGINT  NOT NULL REFERENCES clients (id),
    allocated_at  BIGINT  NOT NULL,
    reusable_at   BIGINT,
    PRIMARY KEY (pool, pool_index)
);
INSERT INTO allocations_v9 (pool, pool_index, client_id, allocated_at, reusable_at)
    SELECT pool, pool_index, client_id, allocated_at, reusable_at FROM allocations;
DROP TABLE allocations;
ALTER TABLE allocations_v9 RENAME TO allocations;
CREATE INDEX allocations_client ON allocations (client_id);
CREATE INDEX allocations_quarantine ON allocations (pool, reusable_at) WHERE reusable_at IS NOT NULL;

-- as in version 3: a subnet /64 held by a link (or in its quarantine) cannot go to a client ...
CREATE TRIGGER allocations_not_held_by_a_link BEFORE INSERT ON allocations
WHEN NEW.pool = 'subnet' AND EXISTS (SELECT 1 FROM links WHERE links.pool_index = NEW.pool_index
    AND (links.reusable_at IS NULL OR links.reusable_at > NEW.allocated_at))
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: subnet index held by a link');
END;

-- ... and one held by a client (or in its quarantine), or by another link, cannot go to a link.
CREATE TRIGGER links_not_held_elsewhere BEFORE INSERT ON links
WHEN NEW.pool_index IS NOT NULL AND (
    EXISTS (SELECT 1 FROM allocations WHERE allocations.pool = 'subnet' AND allocations.pool_index = NEW.pool_index
        AND (allocations.reusable_at IS NULL OR allocations.reusable_at > NEW.created_at))
    OR EXISTS (SELECT 1 FROM links WHERE links.pool_index = NEW.pool_index
        AND (links.reusable_at IS NULL OR links.reusable_at > NEW.created_at)))
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: subnet index held by a client or a link');
END;

-- two more event kinds: a region added to the plan, a client's prefix resized (as in version 7,
-- SQLite changes a CHECK only by copying the table; ids and the AUTOINCREMENT sequence carried over)
CREATE TABLE events_v9 (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           BIGINT  NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('init', 'add', 'revoke', 'suspend', 'resume', 'renew', 'delete', 'crl',
                                                  'node-add', 'node-join', 'link-create', 'link-delete', 'link-cancel',
                                                  'region-add', 'resize')),
    client_id    BIGINT,
    client_name  TEXT,
    detail       TEXT
);
INSERT INTO events_v9 (id, at, kind, client_id, client_name, detail)
    SELECT id, at, kind, client_id, client_name, detail FROM events;
DROP TABLE events;
ALTER TABLE events_v9 RENAME TO events;
