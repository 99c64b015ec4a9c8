-- QA findings stored with each pair (numbers, dates, names… that do not
-- agree), and the findings reviewers accepted as false alarms (by key,
-- with who and when): a JSON array each.
ALTER TABLE pairs ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE pairs ADD COLUMN accepted TEXT NOT NULL DEFAULT '[]';

-- Accepting a finding (and taking that back) is a change people make:
-- kept in the history like the others. SQLite cannot change a CHECK
-- constraint, so the history tables are made again with their rows (the
-- table that refers to pair_history goes first, so that dropping it
-- deletes nothing else).
CREATE TEMP TABLE old_pair_history AS SELECT * FROM pair_history;
CREATE TEMP TABLE old_pair_history_pairs AS SELECT * FROM pair_history_pairs;
DROP TABLE pair_history_pairs;
DROP TABLE pair_history;
CREATE TABLE pair_history (
    seq      INTEGER PRIMARY KEY,
    doc_id   INTEGER NOT NULL,
    action   TEXT    NOT NULL CHECK (action IN ('edit', 'approve', 'reject', 'reopen', 'merge', 'split', 'shift', 'retranslate', 'undo',
                                                'accept', 'unaccept')),
    who      TEXT    NOT NULL,
    at       TEXT    NOT NULL,
    before   TEXT    NOT NULL,
    after    TEXT    NOT NULL,
    undone   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE pair_history_pairs (
    seq     INTEGER NOT NULL REFERENCES pair_history(seq) ON DELETE CASCADE,
    pair_id INTEGER NOT NULL,
    PRIMARY KEY (pair_id, seq)
) WITHOUT ROWID;
INSERT INTO pair_history SELECT * FROM old_pair_history;
INSERT INTO pair_history_pairs SELECT * FROM old_pair_history_pairs;
DROP TABLE old_pair_history;
DROP TABLE old_pair_history_pairs;
