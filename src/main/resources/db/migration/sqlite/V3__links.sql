-- v6broker schema, version 3 (SQLite): laptop and site links ('v6broker link create').
-- A link holds one /64. When it comes from the broker's subnet pool, pool_index is its index and
-- the index is taken exactly like a client's: never by a client and a link at once (the triggers
-- below make the database refuse it, whatever the writer), and quarantined after a delete
-- (reusable_at) like a client's. A link whose /64 lies outside the broker's prefix has no index.
CREATE TABLE links (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    pool_index   BIGINT,
    dev          TEXT    NOT NULL CHECK (dev IN ('tap', 'tun')),
    gateway      TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    deleted_at   BIGINT,
    reusable_at  BIGINT
);
CREATE UNIQUE INDEX links_live_name ON links (lower(name)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX links_live_prefix ON links (prefix) WHERE deleted_at IS NULL;

-- A subnet index held by a link (or in its quarantine) cannot be allocated to a client ...
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
