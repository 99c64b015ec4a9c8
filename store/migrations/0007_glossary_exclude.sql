-- Russian contexts in which an entry's term is another body or concept of
-- the same name (JSON list, like the other lists): a match inside one is
-- not the entry.
ALTER TABLE glossary_entries ADD COLUMN ru_exclude TEXT NOT NULL DEFAULT '[]';
