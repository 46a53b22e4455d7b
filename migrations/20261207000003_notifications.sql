-- Notifications: the admins' webhook (one row) and the outbox of messages for it. A message is
-- queued in the same transaction as the audit event that raises it and delivered by the
-- console's worker with retries; each try is also in the audit log (`notification.send`).
CREATE TABLE notification_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    -- Holds a secret as a rule (a Slack webhook's path is its credential): pages and the audit
    -- log show it masked.
    webhook_url TEXT,
    updated_by  TEXT,
    updated_at  TEXT
) STRICT;

INSERT INTO notification_settings (id) VALUES (1);

CREATE TABLE notification_outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    text            TEXT NOT NULL,
    -- The audit event that raised it.
    event_id        INTEGER NOT NULL,
    -- Where it goes: the webhook set when it was raised.
    webhook_url     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    delivered_at    TEXT,
    -- Set when the worker gave up (after its last try).
    failed_at       TEXT,
    last_error      TEXT
) STRICT;

CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at, id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
