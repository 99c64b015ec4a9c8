-- Documents as read from files, their paragraphs and sentences.
-- All offsets are byte offsets into documents.text (the normalised text).
CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    path           TEXT    NOT NULL,
    hash           TEXT    NOT NULL UNIQUE,          -- SHA-256 of text: same content, one row
    format         TEXT    NOT NULL,                 -- text, markdown, html
    encoding       TEXT    NOT NULL,
    lang           TEXT    NOT NULL,                 -- ru, en, mixed, unknown
    confidence     REAL    NOT NULL DEFAULT 0,
    kind           TEXT    NOT NULL DEFAULT 'original' CHECK (kind IN ('original', 'translation')),
    translation_of INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    text           TEXT    NOT NULL,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX documents_path ON documents(path);

CREATE TABLE paragraphs (
    doc_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    start_off  INTEGER NOT NULL,
    end_off    INTEGER NOT NULL,
    lang       TEXT    NOT NULL,
    confidence REAL    NOT NULL DEFAULT 0,
    inherited  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc_id, idx),
    CHECK (start_off <= end_off)
) WITHOUT ROWID;

CREATE TABLE sentences (
    id        INTEGER PRIMARY KEY,
    doc_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    start_off INTEGER NOT NULL,
    end_off   INTEGER NOT NULL,
    text      TEXT    NOT NULL,
    UNIQUE (doc_id, idx),
    CHECK (start_off <= end_off)
);
