-- v6broker schema, version 10: the prefix length a subscriber asks for (issue 14).
--
-- 128 for a hermit, a subnet's size otherwise (64 for every request made before sizes). The
-- operator approves it as asked or with another size; the client's own size is what was granted.
ALTER TABLE subscription_requests ADD COLUMN size INTEGER NOT NULL DEFAULT 64 CHECK (size IN (128, 64, 60, 56, 48));
UPDATE subscription_requests SET size = 128 WHERE type = 'hermit';
