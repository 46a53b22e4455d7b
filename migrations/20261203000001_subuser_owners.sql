-- A subuser belongs to exactly one customer. No documented call tells which customer a
-- subuser is registered under (API.md §3 takes only the subuser's name), so the console
-- learns it from the first change an operator made to the subuser from a customer's page,
-- after SendGrid confirmed the subuser exists; later changes from any other customer's page
-- are refused. Subusers seen before this table existed keep the customer they were first seen
-- under.
CREATE TABLE subuser_owners (
    username  TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
    customer  TEXT NOT NULL,
    learnt_at TEXT NOT NULL,
    learnt_by TEXT
) STRICT;

INSERT INTO subuser_owners (username, customer, learnt_at)
SELECT username, customer, MIN(first_seen)
FROM known_subusers
GROUP BY username COLLATE NOCASE;

CREATE INDEX subuser_owners_customer ON subuser_owners (customer, username);

DROP TABLE known_subusers;
