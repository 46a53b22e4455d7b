-- Saved views: an operator's named filters of the directory or the audit log, opened by their
-- URL and, when pinned, counted live on the home page. Each operator has their own; a view is
-- shared by its URL, which holds the whole filter.
CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    screen      TEXT NOT NULL CHECK (screen IN ('customers', 'audit')),
    name        TEXT NOT NULL,
    -- The screen's canonical query string (no page or cursor), e.g. `package=Silver`.
    query       TEXT NOT NULL,
    pinned      INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (operator_id, screen, name)
) STRICT;
