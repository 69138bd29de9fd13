-- v6broker schema, version 15: one more event kind, 'ca-change': a CA rollover began or ended
-- (issue 16, docs/decisions.md 32), so every daemon copies the CA and server files and has
-- openvpn re-read them. As in versions 7 and 9, SQLite changes a CHECK only by copying the table;
-- ids and the AUTOINCREMENT sequence carry over.
CREATE TABLE events_v15 (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           BIGINT  NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('init', 'add', 'revoke', 'suspend', 'resume', 'renew', 'delete', 'crl',
                                                  'node-add', 'node-join', 'link-create', 'link-delete', 'link-cancel',
                                                  'region-add', 'resize', 'ca-change')),
    client_id    BIGINT,
    client_name  TEXT,
    detail       TEXT
);
INSERT INTO events_v15 (id, at, kind, client_id, client_name, detail)
    SELECT id, at, kind, client_id, client_name, detail FROM events;
DROP TABLE events;
ALTER TABLE events_v15 RENAME TO events;
