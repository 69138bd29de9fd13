-- v6broker schema, version 7: the events table accepts only the kinds v6broker knows
-- (store.EventKind); 'crl' records every CRL issued, so that every daemon publishes it.
ALTER TABLE events ADD CONSTRAINT events_known_kind CHECK (kind IN ('init', 'add', 'revoke', 'suspend', 'resume', 'renew',
    'delete', 'crl', 'node-add', 'node-join', 'link-create', 'link-delete', 'link-cancel'));
