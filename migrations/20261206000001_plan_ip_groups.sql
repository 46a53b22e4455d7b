-- IP group names named in the plan changes the console sent, kept as the log is written, so the
-- plan form's suggestions read a few rows instead of every attempt's parameters (a scan of the
-- whole log with its JSON, half a second at a million events, on every plan tab).
CREATE TABLE plan_ip_groups (
    name TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

INSERT OR IGNORE INTO plan_ip_groups (name)
SELECT CAST(name.value AS TEXT)
FROM audit_events AS e, json_each(e.params, '$.ip_group') AS name
WHERE e.kind = 'attempt' AND e.action LIKE 'plan.%'
  AND json_type(e.params, '$.ip_group') = 'array'
  AND name.value IS NOT NULL;

CREATE TRIGGER audit_events_plan_ip_groups AFTER INSERT ON audit_events
WHEN NEW.kind = 'attempt' AND NEW.action LIKE 'plan.%'
     AND json_type(NEW.params, '$.ip_group') = 'array'
BEGIN
    INSERT OR IGNORE INTO plan_ip_groups (name)
    SELECT CAST(value AS TEXT) FROM json_each(NEW.params, '$.ip_group') WHERE value IS NOT NULL;
END;
