package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/bitext/bitext"
	"github.com/jmoiron/sqlx"
)

// Segment is the translation state of one Russian sentence.
type Segment struct {
	SentenceID      int64         `db:"sentence_id" json:"sentence_id"`
	DocID           int64         `db:"doc_id" json:"doc_id"`
	Idx             int           `db:"idx" json:"index"`
	Source          string        `db:"source" json:"source"`
	State           bitext.State  `db:"state" json:"state"`
	Target          string        `db:"target" json:"target"`
	Origin          bitext.Origin `db:"origin" json:"origin"`
	Reason          string        `db:"reason" json:"reason,omitempty"`
	Violations      string        `db:"violations" json:"-"` // JSON
	Terms           string        `db:"terms" json:"-"`      // JSON
	TermSig         string        `db:"term_sig" json:"-"`
	Model           string        `db:"model" json:"model,omitempty"`
	PromptVersion   string        `db:"prompt_version" json:"prompt_version,omitempty"`
	GlossaryVersion string        `db:"glossary_version" json:"glossary_version,omitempty"`
	Attempts        int           `db:"attempts" json:"attempts"`
	Confidence      *float64      `db:"confidence" json:"confidence,omitempty"`
	UpdatedAt       string        `db:"updated_at" json:"updated_at"`
}

// Done reports whether the segment has an English text that a re-run must
// not pay for again.
func (s *Segment) Done() bool {
	return s.State.Done()
}

// TrackSegments creates a pending segment for every sentence of the
// document that has none, except the sentences of paragraphs in language
// skip (English paragraphs of a mixed document pass through), and returns
// all the document's segments in order. Existing segments keep their
// state. One transaction, one statement for the inserts: a release of
// thousands of sentences is tracked in milliseconds.
func (db *DB) TrackSegments(ctx context.Context, docID int64, skip string) ([]Segment, error) {
	var out []Segment
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO segments (sentence_id, doc_id, idx, source)
			SELECT s.id, s.doc_id, s.idx, s.text FROM sentences s
			JOIN paragraphs p ON p.doc_id = s.doc_id AND p.idx = s.paragraph
			WHERE s.doc_id = ? AND p.lang != ?
			ORDER BY s.idx
			ON CONFLICT (sentence_id) DO NOTHING`, docID, skip); err != nil {
			return err
		}
		var err error
		out, err = scanSegments(ctx, tx, docID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("segments of document %d: %w", docID, err)
	}
	return out, nil
}

// Segments returns the segments of a document in order.
func (db *DB) Segments(ctx context.Context, docID int64) ([]Segment, error) {
	out, err := scanSegments(ctx, db.reader, docID)
	if err != nil {
		return nil, fmt.Errorf("segments of document %d: %w", docID, err)
	}
	return out, nil
}

// queryer is a transaction or a pool.
type queryer interface {
	sqlx.QueryerContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
}

// scanSegments reads the segments of a document in order into a slice
// sized once. The short values most segments share (state, origin, model,
// versions, empty JSON lists, the commit time of a group) are kept once
// rather than once per segment: a document of hundreds of thousands of
// sentences holds its segments in a fraction of the memory.
func scanSegments(ctx context.Context, q queryer, docID int64) ([]Segment, error) {
	var n int
	if err := q.GetContext(ctx, &n, `SELECT count(*) FROM segments WHERE doc_id = ?`, docID); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT sentence_id, doc_id, idx, source, state, target, origin, reason,
		violations, terms, term_sig, model, prompt_version, glossary_version, attempts, confidence, updated_at
		FROM segments WHERE doc_id = ? ORDER BY idx`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]Segment, 0, n)
	shared := map[string]string{}
	same := func(s *string) {
		if len(*s) > 64 {
			return
		}
		if v, ok := shared[*s]; ok {
			*s = v
			return
		}
		if len(shared) < 4096 {
			shared[*s] = *s
		}
	}
	for rows.Next() {
		var g Segment
		if err := rows.Scan(&g.SentenceID, &g.DocID, &g.Idx, &g.Source, &g.State, &g.Target, &g.Origin, &g.Reason,
			&g.Violations, &g.Terms, &g.TermSig, &g.Model, &g.PromptVersion, &g.GlossaryVersion, &g.Attempts,
			&g.Confidence, &g.UpdatedAt); err != nil {
			return nil, err
		}
		for _, f := range []*string{(*string)(&g.State), (*string)(&g.Origin), &g.Violations, &g.Terms, &g.TermSig, &g.Model,
			&g.PromptVersion, &g.GlossaryVersion, &g.UpdatedAt} {
			same(f)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// Memory is one translation memory entry.
type Memory struct {
	Key             string       `db:"key"`
	Source          string       `db:"source"`
	Target          string       `db:"target"`
	State           bitext.State `db:"state"`
	Violations      string       `db:"violations"`
	Model           string       `db:"model"`
	PromptVersion   string       `db:"prompt_version"`
	GlossaryVersion string       `db:"glossary_version"`
	Hits            int          `db:"hits"`
	CreatedAt       string       `db:"created_at"`
}

// SegmentSave is one segment state to commit, with its translation memory
// entry when it has one.
type SegmentSave struct {
	Segment Segment
	Memory  *Memory
}

// SaveSegment commits the new state of a segment and, when mem is not nil,
// its translation memory entry, in one transaction.
func (db *DB) SaveSegment(ctx context.Context, s *Segment, mem *Memory) error {
	return db.SaveSegments(ctx, []SegmentSave{{Segment: *s, Memory: mem}})
}

// SaveSegments commits several segment states (and memory entries) in one
// transaction: all or none. The group is passed to SQLite as one JSON
// array per table, so that a group of hundreds of replies costs two
// statements, not hundreds.
func (db *DB) SaveSegments(ctx context.Context, saves []SegmentSave) error {
	if len(saves) == 0 {
		return nil
	}
	// The last state of a segment saved twice in the group wins.
	last := make(map[int64]int, len(saves))
	for i := range saves {
		last[saves[i].Segment.SentenceID] = i
	}
	var segs []segmentRow
	var mems []memoryRow
	for i := range saves {
		if last[saves[i].Segment.SentenceID] == i {
			segs = append(segs, newSegmentRow(&saves[i].Segment))
		}
		if m := saves[i].Memory; m != nil {
			mems = append(mems, memoryRow{m.Key, m.Source, m.Target, m.State, m.Violations, m.Model, m.PromptVersion, m.GlossaryVersion})
		}
	}
	segJSON, err := json.Marshal(segs)
	if err != nil {
		return fmt.Errorf("save segments: %w", err)
	}
	return db.Write(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE segments SET state = j.state, target = j.target, origin = j.origin,
			reason = j.reason, violations = j.violations, terms = j.terms, term_sig = j.term_sig, model = j.model,
			prompt_version = j.prompt_version, glossary_version = j.glossary_version, attempts = j.attempts,
			confidence = j.confidence, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
			FROM (SELECT value ->> '$.sentence_id' AS sentence_id, value ->> '$.state' AS state,
				value ->> '$.target' AS target, value ->> '$.origin' AS origin, value ->> '$.reason' AS reason,
				value ->> '$.violations' AS violations, value ->> '$.terms' AS terms,
				value ->> '$.term_sig' AS term_sig, value ->> '$.model' AS model,
				value ->> '$.prompt_version' AS prompt_version, value ->> '$.glossary_version' AS glossary_version,
				value ->> '$.attempts' AS attempts, value ->> '$.confidence' AS confidence
				FROM json_each(?)) AS j
			WHERE segments.sentence_id = j.sentence_id`, string(segJSON))
		if err != nil {
			return fmt.Errorf("save %d segment(s): %w", len(segs), err)
		}
		if n, _ := res.RowsAffected(); n != int64(len(segs)) {
			return missingSegment(ctx, tx, segs)
		}
		if len(mems) == 0 {
			return nil
		}
		memJSON, err := json.Marshal(mems)
		if err != nil {
			return fmt.Errorf("save translation memory: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO translation_memory
			(key, source, target, state, violations, model, prompt_version, glossary_version)
			SELECT value ->> '$.key', value ->> '$.source', value ->> '$.target', value ->> '$.state',
				value ->> '$.violations', value ->> '$.model', value ->> '$.prompt_version',
				value ->> '$.glossary_version'
			FROM json_each(?) WHERE true
			ON CONFLICT (key) DO UPDATE SET target = excluded.target, state = excluded.state,
			violations = excluded.violations`, string(memJSON)); err != nil {
			return fmt.Errorf("save translation memory (%d entries): %w", len(mems), err)
		}
		return nil
	})
}

// segmentRow is a segment's new state as SaveSegments sends it to SQLite.
type segmentRow struct {
	SentenceID      int64         `json:"sentence_id"`
	DocID           int64         `json:"doc_id"`
	Idx             int           `json:"idx"`
	State           bitext.State  `json:"state"`
	Target          string        `json:"target"`
	Origin          bitext.Origin `json:"origin"`
	Reason          string        `json:"reason"`
	Violations      string        `json:"violations"`
	Terms           string        `json:"terms"`
	TermSig         string        `json:"term_sig"`
	Model           string        `json:"model"`
	PromptVersion   string        `json:"prompt_version"`
	GlossaryVersion string        `json:"glossary_version"`
	Attempts        int           `json:"attempts"`
	Confidence      *float64      `json:"confidence"`
}

func newSegmentRow(s *Segment) segmentRow {
	return segmentRow{s.SentenceID, s.DocID, s.Idx, s.State, s.Target, s.Origin, s.Reason, s.Violations, s.Terms,
		s.TermSig, s.Model, s.PromptVersion, s.GlossaryVersion, s.Attempts, s.Confidence}
}

// memoryRow is a translation memory entry as SaveSegments sends it.
type memoryRow struct {
	Key             string       `json:"key"`
	Source          string       `json:"source"`
	Target          string       `json:"target"`
	State           bitext.State `json:"state"`
	Violations      string       `json:"violations"`
	Model           string       `json:"model"`
	PromptVersion   string       `json:"prompt_version"`
	GlossaryVersion string       `json:"glossary_version"`
}

// missingSegment names a segment of the group that does not exist.
func missingSegment(ctx context.Context, tx *sqlx.Tx, segs []segmentRow) error {
	for _, s := range segs {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM segments WHERE sentence_id = ?`, s.SentenceID); err != nil {
			return fmt.Errorf("save segment %d of document %d: %w", s.Idx, s.DocID, err)
		}
		if n == 0 {
			return fmt.Errorf("save segment %d of document %d: %w", s.Idx, s.DocID, ErrNotFound)
		}
	}
	return fmt.Errorf("save segments: %w", ErrNotFound)
}

// SentenceConfidence is the alignment confidence of one segment's pair.
type SentenceConfidence struct {
	SentenceID int64
	Confidence float64
}

// confidenceChunk is how many confidences one statement stores.
const confidenceChunk = 20000

// SetConfidences stores the alignment confidence of segments, in one
// transaction.
func (db *DB) SetConfidences(ctx context.Context, conf []SentenceConfidence) error {
	if len(conf) == 0 {
		return nil
	}
	return db.Write(ctx, func(tx *sqlx.Tx) error {
		// One statement per chunk over a JSON object {"sentence id":
		// confidence}: a document's thousands of pairs in a few
		// milliseconds, without building the whole document's JSON.
		var js []byte
		for start := 0; start < len(conf); start += confidenceChunk {
			js = append(js[:0], '{')
			for k, c := range conf[start:min(len(conf), start+confidenceChunk)] {
				if k > 0 {
					js = append(js, ',')
				}
				js = append(js, '"')
				js = strconv.AppendInt(js, c.SentenceID, 10)
				js = append(js, '"', ':')
				js = strconv.AppendFloat(js, c.Confidence, 'g', -1, 64)
			}
			js = append(js, '}')
			if _, err := tx.ExecContext(ctx, `UPDATE segments SET confidence = c.value
				FROM (SELECT CAST(key AS INTEGER) AS id, value FROM json_each(?)) AS c
				WHERE segments.sentence_id = c.id`, string(js)); err != nil {
				return fmt.Errorf("store confidences: %w", err)
			}
		}
		return nil
	})
}

// LookupMemory returns the memory entries for the keys that have one and
// counts a hit for each.
func (db *DB) LookupMemory(ctx context.Context, keys []string) (map[string]Memory, error) {
	out, err := db.FindMemory(ctx, keys)
	if err != nil {
		return nil, err
	}
	hit := make([]string, 0, len(out))
	for k := range out {
		hit = append(hit, k)
	}
	if err := db.CountMemoryHits(ctx, hit); err != nil {
		return nil, err
	}
	return out, nil
}

// FindMemory returns the memory entries for the keys that have one,
// without counting hits (a look-ahead; CountMemoryHits counts the ones
// used).
func (db *DB) FindMemory(ctx context.Context, keys []string) (map[string]Memory, error) {
	out := map[string]Memory{}
	for start := 0; start < len(keys); start += 500 {
		chunk := keys[start:min(len(keys), start+500)]
		q, args, err := sqlx.In(`SELECT * FROM translation_memory WHERE key IN (?)`, chunk)
		if err != nil {
			return nil, err
		}
		var rows []Memory
		if err := db.reader.SelectContext(ctx, &rows, q, args...); err != nil {
			return nil, fmt.Errorf("look up translation memory: %w", err)
		}
		for _, r := range rows {
			out[r.Key] = r
		}
	}
	return out, nil
}

// CountMemoryHits counts one use of each memory entry.
func (db *DB) CountMemoryHits(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		q, args, err := sqlx.In(`UPDATE translation_memory SET hits = hits + 1 WHERE key IN (?)`, keys)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, q, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("count memory hits: %w", err)
	}
	return nil
}

// StartRun records the start of a run and returns its id.
func (db *DB) StartRun(ctx context.Context, args []string) (int64, error) {
	var id int64
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO runs (args) VALUES (?)`, jsonStrings(args))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("record run: %w", err)
	}
	return id, nil
}

// FinishRun stores the report of a run.
func (db *DB) FinishRun(ctx context.Context, id int64, report []byte) error {
	return db.Write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), report = ? WHERE id = ?`, string(report), id)
		return err
	})
}

func jsonStrings(ss []string) string {
	if ss == nil {
		ss = []string{}
	}
	b, _ := json.Marshal(ss) // a []string always marshals
	return string(b)
}
