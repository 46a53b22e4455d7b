-- Four-eyes approval of bulk changes: a manager's bulk change for more customers than this
-- waits for a second person (NULL: never).
ALTER TABLE approval_policy ADD COLUMN bulk_threshold INTEGER CHECK (bulk_threshold > 0);
