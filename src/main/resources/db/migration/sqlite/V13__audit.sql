-- v6broker schema, version 13: the audit trail (issue 16, docs/decisions.md 28).
--
-- One row per change: who made it (actor_kind and actor: the OS user of a command, the API token's
-- name, the operator of a web session, a subscriber, the daemon), from where (origin), when, what
-- (action, the client) and the client's state before and after, as JSON. Written in the change's
-- own transaction, so a change without its row cannot commit. Append-only: the triggers refuse
-- every UPDATE and DELETE, whoever makes it.
CREATE TABLE audit (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    actor_kind   TEXT    NOT NULL CHECK (actor_kind IN ('cli', 'api', 'web', 'subscriber', 'daemon')),
    actor        TEXT    NOT NULL,
    origin       TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    client_id    INTEGER,
    client_name  TEXT,
    detail       TEXT,
    before       TEXT,
    after        TEXT
);
CREATE INDEX audit_client ON audit (lower(client_name), id);
CREATE INDEX audit_at ON audit (at);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: its rows cannot be changed');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: its rows cannot be deleted');
END;
