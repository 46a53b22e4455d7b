-- Results of changes per UTC day and outcome, so the home page's 30-day chart of changes reads
-- 120 rows, not the log. Sign-ins and other events are counted by audit_daily_outcomes.
CREATE TABLE audit_daily_changes (
    day     TEXT NOT NULL,
    outcome TEXT NOT NULL,
    changes INTEGER NOT NULL,
    PRIMARY KEY (day, outcome)
) STRICT, WITHOUT ROWID;

INSERT INTO audit_daily_changes (day, outcome, changes)
SELECT substr(occurred_at, 1, 10), outcome, COUNT(*)
FROM audit_events
WHERE kind = 'result' AND outcome IS NOT NULL
GROUP BY substr(occurred_at, 1, 10), outcome;

CREATE TRIGGER audit_events_count_change AFTER INSERT ON audit_events
WHEN NEW.kind = 'result' AND NEW.outcome IS NOT NULL
BEGIN
    INSERT INTO audit_daily_changes (day, outcome, changes)
    VALUES (substr(NEW.occurred_at, 1, 10), NEW.outcome, 1)
    ON CONFLICT (day, outcome) DO UPDATE SET changes = changes + 1;
END;
