-- Sentence alignments between a document and its translation. One
-- alignment per (source, target) document pair; its beads keep their order
-- (idx) and name the sentences they hold on each side.
CREATE TABLE alignments (
    id         INTEGER PRIMARY KEY,
    src_doc    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    tgt_doc    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    method     TEXT    NOT NULL DEFAULT '',   -- evidence used: "length+anchors", "mt", ...
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (src_doc, tgt_doc)
);
CREATE INDEX alignments_tgt ON alignments(tgt_doc);

CREATE TABLE beads (
    alignment_id INTEGER NOT NULL REFERENCES alignments(id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,            -- position of the bead in the alignment
    score        REAL    NOT NULL DEFAULT 0,
    confidence   REAL    NOT NULL DEFAULT 0 CHECK (confidence BETWEEN 0 AND 1),
    PRIMARY KEY (alignment_id, idx)
) WITHOUT ROWID;

-- The sentences of each bead; a sentence is in at most one bead of an
-- alignment.
CREATE TABLE bead_sentences (
    alignment_id INTEGER NOT NULL,
    bead_idx     INTEGER NOT NULL,
    side         TEXT    NOT NULL CHECK (side IN ('src', 'tgt')),
    sentence_id  INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    PRIMARY KEY (alignment_id, sentence_id),
    FOREIGN KEY (alignment_id, bead_idx) REFERENCES beads(alignment_id, idx) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX bead_sentences_bead ON bead_sentences(alignment_id, bead_idx);
