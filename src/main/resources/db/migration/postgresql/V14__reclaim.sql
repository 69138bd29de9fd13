-- v6broker schema, version 14: the reclaim policy's notices (issue 16, docs/decisions.md 29).
--
-- A client noticed for having had no session for clients.reclaimNotifyDays: when. The suspension
-- and the deletion are counted from here, and the row goes when the client connects again or an
-- operator resumes it. The notice, the suspension and the deletion are in the audit trail too.
CREATE TABLE reclaim_notices (
    client_id    BIGINT  PRIMARY KEY REFERENCES clients (id),
    notified_at  BIGINT  NOT NULL,
    last_seen    BIGINT  NOT NULL
);
