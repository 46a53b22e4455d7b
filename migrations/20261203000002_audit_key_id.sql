-- The audit chain is keyed (HMAC-SHA256 under a key kept outside the database, see
-- app/src/services/audit/key.rs): each row names the key that signed it. Rows written before
-- the key existed keep NULL here and their plain SHA-256 hashes.
ALTER TABLE audit_events ADD COLUMN key_id TEXT;
