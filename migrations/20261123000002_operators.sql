-- People who may sign in. Email is the identity (case-insensitive); the role decides what
-- they may do. A disabled operator keeps their row so the audit log still names them.
CREATE TABLE operators (
    id                   INTEGER PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'support', 'auditor')),
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at           TEXT NOT NULL,
    disabled_at          TEXT
) STRICT;
