-- Start-up facts about this database, e.g. when it was created. Later migrations add the
-- operators, sessions, audit log and customer directory.
CREATE TABLE console_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

INSERT INTO console_meta (key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
