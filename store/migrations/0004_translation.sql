-- Translation state: one row per Russian sentence that is translated,
-- committed as it changes so that a crash loses only the replies in flight.
-- state is where the machine translation stands; origin says where the
-- English came from (model, memory, human, source). Review status is kept
-- apart from both.
CREATE TABLE segments (
    sentence_id      INTEGER PRIMARY KEY REFERENCES sentences(id) ON DELETE CASCADE,
    doc_id           INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx              INTEGER NOT NULL,                 -- sentence index in the document
    source           TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'translated', 'verified', 'needs-review', 'failed')),
    target           TEXT    NOT NULL DEFAULT '',
    origin           TEXT    NOT NULL DEFAULT '' CHECK (origin IN ('', 'model', 'memory', 'human', 'source')),
    reason           TEXT    NOT NULL DEFAULT '',      -- why it failed
    violations       TEXT    NOT NULL DEFAULT '[]',    -- JSON: glossary violations left
    terms            TEXT    NOT NULL DEFAULT '[]',    -- JSON: glossary entries matched in the source
    term_sig         TEXT    NOT NULL DEFAULT '',      -- hash of the matched entries and their versions
    model            TEXT    NOT NULL DEFAULT '',
    prompt_version   TEXT    NOT NULL DEFAULT '',
    glossary_version TEXT    NOT NULL DEFAULT '',
    attempts         INTEGER NOT NULL DEFAULT 0,
    confidence       REAL,                             -- alignment confidence of the pair
    review           TEXT    NOT NULL DEFAULT 'draft'
                     CHECK (review IN ('draft', 'translated', 'approved', 'rejected')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (doc_id, idx)
);
CREATE INDEX segments_state ON segments(doc_id, state);

-- Translation memory: a repeated sentence costs nothing. The key is a hash
-- of the normalised source, the model, the prompt version and the glossary
-- entries that apply to the sentence (their ids and versions).
CREATE TABLE translation_memory (
    key              TEXT    PRIMARY KEY,
    source           TEXT    NOT NULL,
    target           TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    violations       TEXT    NOT NULL DEFAULT '[]',
    model            TEXT    NOT NULL,
    prompt_version   TEXT    NOT NULL,
    glossary_version TEXT    NOT NULL,
    hits             INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Runs of `bitext run`, with their machine-readable report.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at TEXT,
    args        TEXT    NOT NULL DEFAULT '[]',
    report      TEXT
);
