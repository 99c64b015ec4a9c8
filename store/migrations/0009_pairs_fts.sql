-- Full-text search over the pairs (store/search.go): an FTS5 index of the
-- Russian and English of every pair, kept in step by triggers.
--
-- It is an external-content table over pairs: the index holds only the
-- tokens, and highlight() reads the texts back from pairs by id. What it
-- indexes are two virtual generated columns of pairs, ru_fold and en_fold:
-- the texts with ё and Ё written е and Е, as most Russian texts do and as
-- translators type, so that «договоренности» finds «договорённости» and
-- the other way round (store/search.go folds the query alike). The
-- replacement keeps every byte offset (both letters take two bytes in
-- UTF-8), so offsets into the folded text are offsets into ru and en.
-- Virtual columns take no space and no SELECT of pairs names them.
--
-- The unicode61 tokenizer folds case (Cyrillic too) and, with
-- remove_diacritics 2, the diacritics of Latin letters (café = cafe); it
-- leaves Cyrillic letters as they are (й is not и).
--
-- The triggers must hand the 'delete' command the texts exactly as they
-- were indexed (old.ru and old.en folded), or the index goes wrong. UPDATE
-- fires only when ru or en is set, so renumbering pairs (idx) costs
-- nothing. Never write pairs with INSERT OR REPLACE: a row replaced that
-- way fires no DELETE trigger (recursive_triggers is off) and would stay
-- indexed. Deleting a document deletes its pairs through the foreign key,
-- which fires the DELETE trigger.
ALTER TABLE pairs ADD COLUMN ru_fold TEXT GENERATED ALWAYS AS (replace(replace(ru, 'ё', 'е'), 'Ё', 'Е')) VIRTUAL;
ALTER TABLE pairs ADD COLUMN en_fold TEXT GENERATED ALWAYS AS (replace(replace(en, 'ё', 'е'), 'Ё', 'Е')) VIRTUAL;

CREATE VIRTUAL TABLE pairs_fts USING fts5(
    ru_fold, en_fold,
    content = 'pairs',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The triggers spell out the folding of ru_fold and en_fold rather than
-- read those columns from new and old: SQLite makes a trigger that reads
-- a generated column several times slower.
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

-- Index the pairs stored before this migration.
INSERT INTO pairs_fts (pairs_fts) VALUES ('rebuild');
