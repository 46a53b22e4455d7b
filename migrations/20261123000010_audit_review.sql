-- Review and recovery support for the audit log. Nothing here touches audit_events' rows: the
-- two tables below are derived from them by triggers inside the inserting transaction, so they
-- are always consistent with the log and can be rebuilt from it.

-- From a result or reconcile to its attempt: detail views and the customer timeline.
CREATE INDEX audit_events_attempt ON audit_events (attempt_id) WHERE attempt_id IS NOT NULL;

-- Attempts whose outcome is still unknown: no result, or a result saying "unknown" (the call
-- timed out), and no reconcile yet. Listed until an operator reconciles them. A table of its
-- own because finding them in the log is an anti-join over every attempt ever made, and the
-- dashboard home asks on every visit.
CREATE TABLE audit_open_attempts (
    attempt_id INTEGER PRIMARY KEY REFERENCES audit_events (id)
) STRICT;

INSERT INTO audit_open_attempts (attempt_id)
SELECT a.id FROM audit_events a
WHERE a.kind = 'attempt'
  AND NOT EXISTS (
      SELECT 1 FROM audit_events r
      WHERE r.attempt_id = a.id
        AND (r.kind = 'reconcile'
             OR (r.kind = 'result' AND (r.outcome IS NULL OR r.outcome <> 'unknown')))
  );

CREATE TRIGGER audit_events_open_attempt AFTER INSERT ON audit_events
WHEN NEW.kind = 'attempt'
BEGIN
    INSERT INTO audit_open_attempts (attempt_id) VALUES (NEW.id);
END;

CREATE TRIGGER audit_events_close_attempt AFTER INSERT ON audit_events
WHEN NEW.attempt_id IS NOT NULL
 AND (NEW.kind = 'reconcile'
      OR (NEW.kind = 'result' AND (NEW.outcome IS NULL OR NEW.outcome <> 'unknown')))
BEGIN
    DELETE FROM audit_open_attempts WHERE attempt_id = NEW.attempt_id;
END;

-- Rows with an outcome per UTC day, so the 30-day chart on /audit reads 120 rows, not the log.
CREATE TABLE audit_daily_outcomes (
    day     TEXT NOT NULL,
    outcome TEXT NOT NULL,
    events  INTEGER NOT NULL,
    PRIMARY KEY (day, outcome)
) STRICT, WITHOUT ROWID;

INSERT INTO audit_daily_outcomes (day, outcome, events)
SELECT substr(occurred_at, 1, 10), outcome, COUNT(*)
FROM audit_events
WHERE outcome IS NOT NULL
GROUP BY substr(occurred_at, 1, 10), outcome;

CREATE TRIGGER audit_events_count_outcome AFTER INSERT ON audit_events
WHEN NEW.outcome IS NOT NULL
BEGIN
    INSERT INTO audit_daily_outcomes (day, outcome, events)
    VALUES (substr(NEW.occurred_at, 1, 10), NEW.outcome, 1)
    ON CONFLICT (day, outcome) DO UPDATE SET events = events + 1;
END;
