-- Credit limits, offerings and changes held for later (issue 7).

-- Subusers the console has seen under a customer. No upstream call lists a customer's
-- subusers (API.md §3), so the Limits tab offers the ones checked here before.
CREATE TABLE known_subusers (
    customer   TEXT NOT NULL,
    username   TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (customer, username)
) STRICT, WITHOUT ROWID;

-- The recurring rule this console last set on a (sub)user. `task=retrieve` answers only
-- credit, credit_remain and last_reset (API.md §3), so the period and dates are kept here to
-- describe the limit; the row goes when the console removes the limit.
CREATE TABLE limit_rules (
    username        TEXT PRIMARY KEY NOT NULL,
    customer        TEXT NOT NULL,
    credits         INTEGER NOT NULL CHECK (credits > 0),
    period          TEXT NOT NULL CHECK (period IN ('daily', 'weekly', 'monthly')),
    start_date      TEXT,
    end_date        TEXT,
    initial_credits INTEGER CHECK (initial_credits > 0),
    set_by          TEXT NOT NULL,
    set_on          TEXT NOT NULL
) STRICT;

-- The v3 offerings catalog (API.md §5.2), cached as SendGrid recommends: one row, replaced
-- by "Refresh catalog" or when it is a day old.
CREATE TABLE offerings_catalog (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    entries    TEXT NOT NULL,
    fetched_at TEXT NOT NULL
) STRICT;

-- Offerings and state changes held by the console until due: the v3 API has no scheduling.
-- A job runs through the audit log with the idempotency key of the form that created it, so a
-- job interrupted mid-run and run again replays its first outcome instead of calling twice.
CREATE TABLE scheduled_jobs (
    id              INTEGER PRIMARY KEY,
    due_at          TEXT NOT NULL,
    customer        TEXT NOT NULL,
    action          TEXT NOT NULL,
    payload         TEXT NOT NULL,
    summary         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    result          TEXT,
    attempt_id      INTEGER,
    finished_at     TEXT
) STRICT;

CREATE INDEX scheduled_jobs_due ON scheduled_jobs (status, due_at);
CREATE INDEX scheduled_jobs_customer ON scheduled_jobs (customer, id);
