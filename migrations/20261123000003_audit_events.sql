-- The audit log: append-only and hash-chained (DESIGN.md "Data").
--   kind = 'attempt' is committed before an upstream mutation, 'result' after it (attempt_id
--   links them); 'event' records sign-ins, operator changes and other local actions;
--   'reconcile' records what an operator found when resolving an unknown outcome.
--   hash = sha256(prev_hash || canonical row); prev_hash is UNIQUE so the chain cannot fork.
CREATE TABLE audit_events (
    id               INTEGER PRIMARY KEY,
    occurred_at      TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('attempt', 'result', 'event', 'reconcile')),
    attempt_id       INTEGER REFERENCES audit_events (id),
    operator         TEXT,
    customer         TEXT,
    action           TEXT NOT NULL,
    params           TEXT NOT NULL DEFAULT '{}',
    outcome          TEXT CHECK (outcome IN ('success', 'failure', 'unknown', 'refused')),
    upstream_status  INTEGER,
    upstream_message TEXT,
    duration_ms      INTEGER,
    idempotency_key  TEXT UNIQUE,
    before_state     TEXT,
    after_state      TEXT,
    client_ip        TEXT,
    prev_hash        TEXT NOT NULL UNIQUE,
    hash             TEXT NOT NULL
) STRICT;

CREATE INDEX audit_events_customer ON audit_events (customer, id);
CREATE INDEX audit_events_operator ON audit_events (operator, id);
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_outcome ON audit_events (outcome, id);
CREATE INDEX audit_events_time ON audit_events (occurred_at);
CREATE UNIQUE INDEX audit_events_result_of ON audit_events (attempt_id) WHERE kind = 'result';

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
