-- The terminology glossary (termbase). List columns hold JSON arrays of
-- strings. version counts the changes of an entry: an edit names the
-- version it was based on and fails when another edit came first.
CREATE TABLE glossary_entries (
    id             TEXT    PRIMARY KEY,              -- stable external key, kept from imports
    ru             TEXT    NOT NULL CHECK (ru <> ''),-- Russian term, lemma form
    ru_key         TEXT    NOT NULL,                 -- ru folded (lower case, ё→е), for lookups
    en             TEXT    NOT NULL CHECK (en <> ''),-- required English term
    ru_variants    TEXT    NOT NULL DEFAULT '[]',
    en_variants    TEXT    NOT NULL DEFAULT '[]',
    forbidden_en   TEXT    NOT NULL DEFAULT '[]',
    case_sensitive INTEGER NOT NULL DEFAULT 0,
    abbreviation   INTEGER NOT NULL DEFAULT 0,
    domain         TEXT    NOT NULL DEFAULT '',
    note           TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL DEFAULT 'preferred' CHECK (status IN ('preferred', 'admitted', 'deprecated')),
    created_by     TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_by     TEXT    NOT NULL DEFAULT '',
    updated_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX glossary_entries_ru_key ON glossary_entries(ru_key);
CREATE INDEX glossary_entries_status ON glossary_entries(status, domain);

-- Every change of an entry: who, when, and the entry before and after as
-- JSON (before is NULL for an addition, after is NULL for a removal). No
-- foreign key: the history of a removed entry stays.
CREATE TABLE glossary_history (
    seq      INTEGER PRIMARY KEY,
    entry_id TEXT    NOT NULL,
    action   TEXT    NOT NULL CHECK (action IN ('add', 'edit', 'deprecate', 'remove', 'import')),
    who      TEXT    NOT NULL,
    at       TEXT    NOT NULL,
    version  INTEGER NOT NULL,                       -- version of the entry after the change
    before   TEXT,
    after    TEXT
);
CREATE INDEX glossary_history_entry ON glossary_history(entry_id, seq);
