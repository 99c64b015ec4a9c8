-- Translation memories people bring from other tools (TMX): the
-- normalised Russian of each unit (key: its SHA-256, as human_memory) with
-- its English, served at no cost with origin 'tm' — below approved pairs,
-- above the model.
CREATE TABLE tm_memory (
    key          TEXT    PRIMARY KEY,
    source       TEXT    NOT NULL,
    target       TEXT    NOT NULL,
    file         TEXT    NOT NULL,      -- the TMX it came from
    tuid         TEXT    NOT NULL DEFAULT '',
    imported_by  TEXT    NOT NULL,
    imported_at  TEXT    NOT NULL,
    hits         INTEGER NOT NULL DEFAULT 0
);

-- origin 'tm' for segments and pairs. SQLite cannot change a CHECK
-- constraint: both tables are made again with their rows (nothing refers
-- to either; the pairs' full-text index keeps its rows, which are keyed
-- by pair id, and is rebuilt to be sure).
CREATE TABLE segments_new (
    sentence_id      INTEGER PRIMARY KEY REFERENCES sentences(id) ON DELETE CASCADE,
    doc_id           INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx              INTEGER NOT NULL,
    source           TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'translated', 'verified', 'needs-review', 'failed')),
    target           TEXT    NOT NULL DEFAULT '',
    origin           TEXT    NOT NULL DEFAULT '' CHECK (origin IN ('', 'model', 'memory', 'human', 'source', 'tm')),
    reason           TEXT    NOT NULL DEFAULT '',
    violations       TEXT    NOT NULL DEFAULT '[]',
    terms            TEXT    NOT NULL DEFAULT '[]',
    term_sig         TEXT    NOT NULL DEFAULT '',
    model            TEXT    NOT NULL DEFAULT '',
    prompt_version   TEXT    NOT NULL DEFAULT '',
    glossary_version TEXT    NOT NULL DEFAULT '',
    attempts         INTEGER NOT NULL DEFAULT 0,
    confidence       REAL,
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (doc_id, idx)
);
INSERT INTO segments_new (sentence_id, doc_id, idx, source, state, target, origin, reason, violations, terms, term_sig,
                          model, prompt_version, glossary_version, attempts, confidence, updated_at)
    SELECT sentence_id, doc_id, idx, source, state, target, origin, reason, violations, terms, term_sig,
           model, prompt_version, glossary_version, attempts, confidence, updated_at FROM segments;
DROP TABLE segments;
ALTER TABLE segments_new RENAME TO segments;
CREATE INDEX segments_state ON segments(doc_id, state);

CREATE TABLE pairs_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id      INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    en_doc      INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    src         TEXT    NOT NULL DEFAULT '[]',
    tgt         TEXT    NOT NULL DEFAULT '[]',
    ru          TEXT    NOT NULL DEFAULT '',
    en          TEXT    NOT NULL DEFAULT '',
    mt          TEXT    NOT NULL DEFAULT '',
    confidence  REAL    NOT NULL DEFAULT 0 CHECK (confidence BETWEEN 0 AND 1),
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'translated', 'verified', 'needs-review', 'failed', 'human')),
    origin      TEXT    NOT NULL DEFAULT '' CHECK (origin IN ('', 'model', 'memory', 'human', 'source', 'tm')),
    status      TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'rejected')),
    edited      INTEGER NOT NULL DEFAULT 0,
    reviewed    INTEGER NOT NULL DEFAULT 0,
    violations  TEXT    NOT NULL DEFAULT '[]',
    terms       TEXT    NOT NULL DEFAULT '[]',
    reason      TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    reviewed_by TEXT    NOT NULL DEFAULT '',
    reviewed_at TEXT    NOT NULL DEFAULT '',
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ru_fold     TEXT GENERATED ALWAYS AS (replace(replace(ru, 'ё', 'е'), 'Ё', 'Е')) VIRTUAL,
    en_fold     TEXT GENERATED ALWAYS AS (replace(replace(en, 'ё', 'е'), 'Ё', 'Е')) VIRTUAL,
    findings    TEXT    NOT NULL DEFAULT '[]',
    accepted    TEXT    NOT NULL DEFAULT '[]'
);
INSERT INTO pairs_new (id, doc_id, en_doc, idx, src, tgt, ru, en, mt, confidence, state, origin, status, edited, reviewed,
                       violations, terms, reason, note, version, reviewed_by, reviewed_at, updated_at, findings, accepted)
    SELECT id, doc_id, en_doc, idx, src, tgt, ru, en, mt, confidence, state, origin, status, edited, reviewed,
           violations, terms, reason, note, version, reviewed_by, reviewed_at, updated_at, findings, accepted FROM pairs;
-- ids of pairs merged away may come back (undo): the id sequence goes on
-- from where it was, not from the largest id left.
CREATE TEMP TABLE old_pairs_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'pairs';
DROP TABLE pairs;
ALTER TABLE pairs_new RENAME TO pairs;
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM old_pairs_seq), 0)) WHERE name = 'pairs';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'pairs', seq FROM old_pairs_seq WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'pairs');
DROP TABLE old_pairs_seq;
CREATE INDEX pairs_doc ON pairs(doc_id, idx);

CREATE TRIGGER pairs_fts_insert AFTER INSERT ON pairs BEGIN
    INSERT INTO pairs_fts (rowid, ru_fold, en_fold)
    VALUES (new.id, replace(replace(new.ru, 'ё', 'е'), 'Ё', 'Е'), replace(replace(new.en, 'ё', 'е'), 'Ё', 'Е'));
END;
CREATE TRIGGER pairs_fts_delete AFTER DELETE ON pairs BEGIN
    INSERT INTO pairs_fts (pairs_fts, rowid, ru_fold, en_fold)
    VALUES ('delete', old.id, replace(replace(old.ru, 'ё', 'е'), 'Ё', 'Е'), replace(replace(old.en, 'ё', 'е'), 'Ё', 'Е'));
END;
CREATE TRIGGER pairs_fts_update AFTER UPDATE OF ru, en ON pairs BEGIN
    INSERT INTO pairs_fts (pairs_fts, rowid, ru_fold, en_fold)
    VALUES ('delete', old.id, replace(replace(old.ru, 'ё', 'е'), 'Ё', 'Е'), replace(replace(old.en, 'ё', 'е'), 'Ё', 'Е'));
    INSERT INTO pairs_fts (rowid, ru_fold, en_fold)
    VALUES (new.id, replace(replace(new.ru, 'ё', 'е'), 'Ё', 'Е'), replace(replace(new.en, 'ё', 'е'), 'Ё', 'Е'));
END;
INSERT INTO pairs_fts (pairs_fts) VALUES ('rebuild');
