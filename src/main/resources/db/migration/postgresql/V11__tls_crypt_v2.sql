-- v6broker schema, version 11: the broker's tls-crypt-v2 server key (issue 15, docs/decisions.md 23).
--
-- One key for the whole broker, so that every node unwraps every client's key: written once, by the
-- first command that needs it (an UPDATE that only fills an empty column), never changed after.
-- The database holds the clients' private keys already; this key is of the same kind.
ALTER TABLE broker ADD COLUMN tls_crypt_v2_key TEXT;
