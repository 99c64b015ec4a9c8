-- The review model: every aligned pair of every document, with the
-- machine's state (how the English was made) and the reviewers' status
-- (draft, approved, rejected) kept apart. src and tgt are JSON arrays of
-- sentence indices; en_doc is the English document of a human
-- translation (NULL when bitext translated the Russian itself, tgt then
-- numbers the Russian sentences the English renders). idx orders the
-- pairs of a document; it is renumbered by merges and splits, so it is not
-- unique while a change is made. AUTOINCREMENT: an id is never given
-- twice, so that an undone merge brings back the pair it removed under its
-- own id.
CREATE TABLE pairs (
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
    origin      TEXT    NOT NULL DEFAULT '' CHECK (origin IN ('', 'model', 'memory', 'human', 'source')),
    status      TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'rejected')),
    edited      INTEGER NOT NULL DEFAULT 0,
    reviewed    INTEGER NOT NULL DEFAULT 0,       -- a person acted on it: runs keep it
    violations  TEXT    NOT NULL DEFAULT '[]',
    terms       TEXT    NOT NULL DEFAULT '[]',
    reason      TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    reviewed_by TEXT    NOT NULL DEFAULT '',
    reviewed_at TEXT    NOT NULL DEFAULT '',
    updated_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX pairs_doc ON pairs(doc_id, idx);

-- Every change people (or a re-translation they asked for) made to pairs:
-- the pairs of one contiguous stretch before and after, as JSON arrays.
-- An undo is a change of its own; undone names the undo that reverted a
-- change (0 while it stands). No foreign keys: history outlives pairs.
CREATE TABLE pair_history (
    seq      INTEGER PRIMARY KEY,
    doc_id   INTEGER NOT NULL,
    action   TEXT    NOT NULL CHECK (action IN ('edit', 'approve', 'reject', 'reopen', 'merge', 'split', 'shift', 'retranslate', 'undo')),
    who      TEXT    NOT NULL,
    at       TEXT    NOT NULL,
    before   TEXT    NOT NULL,
    after    TEXT    NOT NULL,
    undone   INTEGER NOT NULL DEFAULT 0
);
-- The pairs each change touched (before or after), to find a pair's
-- history.
CREATE TABLE pair_history_pairs (
    seq     INTEGER NOT NULL REFERENCES pair_history(seq) ON DELETE CASCADE,
    pair_id INTEGER NOT NULL,
    PRIMARY KEY (pair_id, seq)
) WITHOUT ROWID;

-- Approved pairs as translation memory: the normalised Russian of the
-- pair (key: its SHA-256) served as a human translation, above anything a
-- model made, whatever the model, prompt or glossary.
CREATE TABLE human_memory (
    key         TEXT    PRIMARY KEY,
    source      TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    pair_id     INTEGER NOT NULL,
    approved_by TEXT    NOT NULL,
    approved_at TEXT    NOT NULL,
    hits        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX human_memory_pair ON human_memory(pair_id);

-- What the last run did with each document, for `bitext docs`.
ALTER TABLE documents ADD COLUMN action TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN action_error TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN run_id INTEGER;

-- The review column of segments was never used: review status lives with
-- the pairs.
ALTER TABLE segments DROP COLUMN review;

-- The pairs replace the alignment tables: one place for aligned pairs.
DROP TABLE bead_sentences;
DROP TABLE beads;
DROP TABLE alignments;
