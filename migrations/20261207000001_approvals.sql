-- Four-eyes approval. The admins' policy (one row) and the requests it makes of managers'
-- changes: the stored change runs only when a different manager or an admin approves it
-- before it expires. A request is never deleted; its decision is also in the audit log.
CREATE TABLE approval_policy (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    close             INTEGER NOT NULL DEFAULT 0 CHECK (close IN (0, 1)),
    downgrade         INTEGER NOT NULL DEFAULT 0 CHECK (downgrade IN (0, 1)),
    deactivate        INTEGER NOT NULL DEFAULT 0 CHECK (deactivate IN (0, 1)),
    offerings_removal INTEGER NOT NULL DEFAULT 0 CHECK (offerings_removal IN (0, 1)),
    credits_threshold INTEGER CHECK (credits_threshold > 0),
    expiry_hours      INTEGER NOT NULL DEFAULT 24 CHECK (expiry_hours BETWEEN 1 AND 168),
    updated_by        TEXT,
    updated_at        TEXT
) STRICT;

INSERT INTO approval_policy (id) VALUES (1);

CREATE TABLE approval_requests (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    customer        TEXT NOT NULL,
    summary         TEXT NOT NULL,
    -- The submitted form, to be made again (checked against SendGrid anew) on approval.
    change          TEXT NOT NULL,
    -- What SendGrid reported when the request was made, to show what changed since.
    before_state    TEXT,
    -- The requester's form key: the change made on approval is recorded under it.
    idempotency_key TEXT NOT NULL UNIQUE,
    requested_by    TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'declined')),
    decided_by      TEXT,
    decided_at      TEXT,
    reason          TEXT,
    result          TEXT,
    succeeded       INTEGER CHECK (succeeded IN (0, 1)),
    attempt_id      INTEGER,
    job_id          INTEGER
) STRICT;

CREATE INDEX approval_requests_status ON approval_requests (status, expires_at);
CREATE INDEX approval_requests_customer ON approval_requests (customer, id);
