-- v6broker schema, version 7: the events table accepts only the kinds v6broker knows
-- (store.EventKind); 'crl' records every CRL issued, so that every daemon publishes it. SQLite adds
-- no CHECK to an existing table, so the table is rebuilt with it (ids, and the AUTOINCREMENT
-- sequence, carried over). A CHECK, not a trigger: the store tells a unique violation by SQLite's
-- result code, and every trigger of this schema guards a uniqueness.
CREATE TABLE events_checked (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           BIGINT  NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('init', 'add', 'revoke', 'suspend', 'resume', 'renew', 'delete', 'crl',
                                                  'node-add', 'node-join', 'link-create', 'link-delete', 'link-cancel')),
    client_id    BIGINT,
    client_name  TEXT,
    detail       TEXT
);
INSERT INTO events_checked (id, at, kind, client_id, client_name, detail)
    SELECT id, at, kind, client_id, client_name, detail FROM events;
DROP TABLE events;
ALTER TABLE events_checked RENAME TO events;
