-- The customer directory: a local, searchable merge of v2 customer profiles (API.md §4.1)
-- and v3 accounts (§5.3), always shown with the time of the sync that wrote it.
--
-- A sync reads both lists plus each customer's package and state, then, in one transaction,
-- replaces the two source tables and rebuilds `customers` from them and `customer_links`.
-- A failed sync writes nothing but its failure into `directory_sync`.

-- What the last good sync read from v2: one row per customer profile, with the package
-- from `task=overview` (§2.7).
CREATE TABLE directory_v2 (
    username   TEXT PRIMARY KEY NOT NULL,
    email      TEXT NOT NULL,
    name       TEXT NOT NULL,
    company    TEXT NOT NULL,
    active     INTEGER NOT NULL CHECK (active IN (0, 1)),
    package    TEXT,
    synced_at  TEXT NOT NULL
) STRICT;

-- What the last good sync read from v3: one row per account, with its state (§5.8) and
-- package offering (§5.6).
CREATE TABLE directory_v3 (
    account_id TEXT PRIMARY KEY NOT NULL,
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state      TEXT,
    package    TEXT,
    synced_at  TEXT NOT NULL
) STRICT;

-- An admin's decision about a v2 customer and a v3 account: 'link' joins them whatever
-- their emails; 'separate' keeps them apart even when the emails match.
CREATE TABLE customer_links (
    username   TEXT NOT NULL,
    account_id TEXT NOT NULL,
    decision   TEXT NOT NULL CHECK (decision IN ('link', 'separate')),
    operator   TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (username, account_id)
) STRICT;

CREATE UNIQUE INDEX customer_links_one_account ON customer_links (username) WHERE decision = 'link';
CREATE UNIQUE INDEX customer_links_one_user ON customer_links (account_id) WHERE decision = 'link';

-- The merged directory. `key` is what /customers/:user names: the username, or the account
-- id of a v3-only account.
CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    username   TEXT UNIQUE,
    account_id TEXT UNIQUE,
    linkage    TEXT NOT NULL CHECK (linkage IN ('email', 'manual', 'v2_only', 'v3_only')),
    name       TEXT NOT NULL,
    company    TEXT NOT NULL,
    email      TEXT NOT NULL,
    package    TEXT,
    state      TEXT,
    synced_at  TEXT NOT NULL,
    CHECK (username IS NOT NULL OR account_id IS NOT NULL)
) STRICT;

-- Sorting by any column stays an index walk at 10,000 customers.
CREATE INDEX customers_by_name ON customers (name COLLATE NOCASE, id);
CREATE INDEX customers_by_company ON customers (company COLLATE NOCASE, id);
CREATE INDEX customers_by_username ON customers (username COLLATE NOCASE, id);
CREATE INDEX customers_by_email ON customers (email COLLATE NOCASE, id);
CREATE INDEX customers_by_package ON customers (package COLLATE NOCASE, id);
CREATE INDEX customers_by_state ON customers (state COLLATE NOCASE, id);

-- Search as you type: prefix queries on the words of username, email, name and company.
-- Diacritics are folded, so "Zoe" finds "Zoë". Rebuilt with the table by each sync.
CREATE VIRTUAL TABLE customers_search USING fts5 (
    username, email, name, company,
    content = 'customers',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The one row describing the directory's syncs.
CREATE TABLE directory_sync (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_started_at TEXT,
    last_success_at TEXT,
    last_failure_at TEXT,
    last_failure    TEXT,
    last_notes      TEXT,
    pages           INTEGER NOT NULL DEFAULT 0,
    accounts        INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO directory_sync (id) VALUES (1);
