-- v6broker schema, version 15: one more event kind, 'ca-change': a CA rollover began or ended
-- (issue 16, docs/decisions.md 32), so every daemon copies the CA and server files and has
-- openvpn re-read them.
ALTER TABLE events DROP CONSTRAINT events_known_kind;
ALTER TABLE events ADD CONSTRAINT events_known_kind CHECK (kind IN ('init', 'add', 'revoke', 'suspend', 'resume', 'renew',
    'delete', 'crl', 'node-add', 'node-join', 'link-create', 'link-delete', 'link-cancel', 'region-add', 'resize', 'ca-change'));
