-- Bulk changes (issue 7): one operation applied to many customers, each customer its own
-- audited attempt and result. The job and every customer's place in it live here, so a
-- restart shows exactly who was done, failed or not started.

CREATE TABLE bulk_jobs (
    id              INTEGER PRIMARY KEY,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    -- The operation as the form gave it (domain::bulk::BulkOperation, JSON).
    operation       TEXT NOT NULL,
    summary         TEXT NOT NULL,
    concurrency     INTEGER NOT NULL CHECK (concurrency BETWEEN 1 AND 16),
    status          TEXT NOT NULL
        CHECK (status IN ('running', 'cancelling', 'cancelled', 'finished', 'interrupted')),
    -- When the current run started (a retry or resume starts a new run).
    started_at      TEXT NOT NULL,
    -- How many customers were already finished when the current run started (for its rate).
    finished_before INTEGER NOT NULL DEFAULT 0,
    finished_at     TEXT,
    -- The start form's key: the same form posted twice starts one job.
    idempotency_key TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE bulk_items (
    job_id     INTEGER NOT NULL REFERENCES bulk_jobs (id),
    position   INTEGER NOT NULL,
    -- The directory key (what /customers/:user takes) and the identifiers the operation uses.
    customer   TEXT NOT NULL,
    username   TEXT,
    account_id TEXT,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL
        CHECK (status IN ('pending', 'running', 'done', 'skipped', 'failed', 'unknown')),
    message    TEXT NOT NULL DEFAULT '',
    -- Each try has its own idempotency key (`bulk-<job>-<position>-<try>`), so a job resumed
    -- after a stop answers an interrupted call from the audit log instead of repeating it.
    try        INTEGER NOT NULL DEFAULT 1,
    attempt_id INTEGER,
    -- Raised on every change of the row, so progress streams send only what changed.
    seq        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, position)
) STRICT;

CREATE INDEX bulk_items_by_status ON bulk_items (job_id, status, position);
CREATE INDEX bulk_items_by_seq ON bulk_items (job_id, seq);
