-- Facts about the database itself, such as whether it was given the seed
-- glossary (once in its life: entries a user removes stay removed).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
