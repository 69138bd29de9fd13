-- v6broker schema, version 3 (PostgreSQL): laptop and site links ('v6broker link create').
-- Same rules as the SQLite version: a subnet index is held by a client or by a link, never both,
-- and quarantined after a delete; the database refuses anything else, whatever the writer.
CREATE TABLE links (
    id           BIGSERIAL PRIMARY KEY,
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

CREATE FUNCTION allocations_not_held_by_a_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.pool = 'subnet' AND EXISTS (SELECT 1 FROM links WHERE links.pool_index = NEW.pool_index
            AND (links.reusable_at IS NULL OR links.reusable_at > NEW.allocated_at)) THEN
        RAISE EXCEPTION 'subnet index % held by a link', NEW.pool_index USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER allocations_not_held_by_a_link BEFORE INSERT ON allocations
    FOR EACH ROW EXECUTE FUNCTION allocations_not_held_by_a_link();

CREATE FUNCTION links_not_held_elsewhere() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.pool_index IS NOT NULL AND (
            EXISTS (SELECT 1 FROM allocations WHERE allocations.pool = 'subnet' AND allocations.pool_index = NEW.pool_index
                AND (allocations.reusable_at IS NULL OR allocations.reusable_at > NEW.created_at))
            OR EXISTS (SELECT 1 FROM links WHERE links.pool_index = NEW.pool_index
                AND (links.reusable_at IS NULL OR links.reusable_at > NEW.created_at))) THEN
        RAISE EXCEPTION 'subnet index % held by a client or a link', NEW.pool_index USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER links_not_held_elsewhere BEFORE INSERT ON links
    FOR EACH ROW EXECUTE FUNCTION links_not_held_elsewhere();
