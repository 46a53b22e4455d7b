-- A password change ends the operator's other sessions: each session carries the version of the
-- credentials it was started with, and a session of an older version is ended on its next
-- request. `password_set_at` dates the current password, so a one-time password can expire.
ALTER TABLE operators ADD COLUMN credentials_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE operators ADD COLUMN password_set_at TEXT;
UPDATE operators SET password_set_at = created_at;
