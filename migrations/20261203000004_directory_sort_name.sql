-- Sorting by name sorts by what the directory shows as the name: the name, else the email,
-- else the key. A v3-only account has no name, and sorted by the empty text it came first.
ALTER TABLE customers ADD COLUMN sort_name TEXT
    GENERATED ALWAYS AS (COALESCE(NULLIF(trim(name), ''), NULLIF(trim(email), ''), key)) VIRTUAL;

CREATE INDEX customers_by_sort_name ON customers (sort_name COLLATE NOCASE, id);
