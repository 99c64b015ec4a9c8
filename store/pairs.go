package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bitext/bitext"
	"github.com/jmoiron/sqlx"
	"golang.org/x/text/unicode/norm"
)

// ErrPairConflict is returned when a change names a version of a pair that
// is no longer current: someone else changed it first. The error is a
// *PairConflict with the pairs as they are now.
var ErrPairConflict = errors.New("conflict: the pair was changed by someone else")

// ErrReviewedElsewhere is returned when a document's pairs were reviewed
// against one English and a run makes pairs against another.
var ErrReviewedElsewhere = errors.New("the document was reviewed against another English")

func describeEnglish(en int64) string {
	if en == 0 {
		return "bitext's own translation"
	}
	return fmt.Sprintf("English document %d", en)
}

// PairConflict says which pair changed under a change and how it is now.
type PairConflict struct {
	Want    bitext.Pair  // the pair as the change saw it
	Current *bitext.Pair // the pair as stored now; nil when it is gone
}

func (c *PairConflict) Error() string {
	if c.Current == nil {
		return fmt.Sprintf("%v: pair %d is gone (merged or undone since version %d)", ErrPairConflict, c.Want.ID, c.Want.Version)
	}
	return fmt.Sprintf("%v: pair %d is at version %d, the change was based on version %d", ErrPairConflict, c.Want.ID, c.Current.Version, c.Want.Version)
}

func (c *PairConflict) Unwrap() error { return ErrPairConflict }

// pairRow is a pair as stored.
type pairRow struct {
	ID         int64         `db:"id"`
	Doc        int64         `db:"doc_id"`
	EnDoc      sql.NullInt64 `db:"en_doc"`
	Idx        int           `db:"idx"`
	Src        string        `db:"src"`
	Tgt        string        `db:"tgt"`
	RU         string        `db:"ru"`
	EN         string        `db:"en"`
	MT         string        `db:"mt"`
	Confidence float64       `db:"confidence"`
	State      bitext.State  `db:"state"`
	Origin     bitext.Origin `db:"origin"`
	Status     bitext.Status `db:"status"`
	Edited     bool          `db:"edited"`
	Reviewed   bool          `db:"reviewed"`
	Violations string        `db:"violations"`
	Terms      string        `db:"terms"`
	Findings   string        `db:"findings"`
	Accepted   string        `db:"accepted"`
	Reason     string        `db:"reason"`
	Note       string        `db:"note"`
	Version    int           `db:"version"`
	ReviewedBy string        `db:"reviewed_by"`
	ReviewedAt string        `db:"reviewed_at"`
	UpdatedAt  string        `db:"updated_at"`
}

const pairColumns = `id, doc_id, en_doc, idx, src, tgt, ru, en, mt, confidence, state, origin, status, edited, reviewed,
	violations, terms, findings, accepted, reason, note, version, reviewed_by, reviewed_at, updated_at`

func (r *pairRow) pair() (bitext.Pair, error) {
	p := bitext.Pair{ID: r.ID, Doc: r.Doc, EnDoc: r.EnDoc.Int64, Index: r.Idx, RU: r.RU, EN: r.EN, MT: r.MT,
		Confidence: r.Confidence, State: r.State, Origin: r.Origin, Status: r.Status, Edited: r.Edited, Reviewed: r.Reviewed,
		Reason: r.Reason, Note: r.Note, Version: r.Version, ReviewedBy: r.ReviewedBy, ReviewedAt: r.ReviewedAt, UpdatedAt: r.UpdatedAt}
	for _, f := range []struct {
		name, raw string
		into      any
	}{{"src", r.Src, &p.Src}, {"tgt", r.Tgt, &p.Tgt}, {"violations", r.Violations, &p.Violations}, {"terms", r.Terms, &p.Terms},
		{"findings", r.Findings, &p.Findings}, {"accepted", r.Accepted, &p.Accepted}} {
		if err := json.Unmarshal([]byte(f.raw), f.into); err != nil {
			return p, fmt.Errorf("pair %d: %s: %w", r.ID, f.name, err)
		}
	}
	if p.Src == nil {
		p.Src = []int{}
	}
	if p.Tgt == nil {
		p.Tgt = []int{}
	}
	return p, nil
}

func jsonOf(v any, empty string) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return empty
	}
	return string(b)
}

// Pairs returns the pairs of a document in order (empty when none are
// stored).
func (db *DB) Pairs(ctx context.Context, doc int64) ([]bitext.Pair, error) {
	ps, err := selectPairs(ctx, db.reader, `WHERE doc_id = ? ORDER BY idx`, doc)
	if err != nil {
		return nil, fmt.Errorf("pairs of document %d: %w", doc, err)
	}
	return ps, nil
}

// Pair returns one pair of a document by id, or ErrNotFound.
func (db *DB) Pair(ctx context.Context, doc, id int64) (bitext.Pair, error) {
	ps, err := selectPairs(ctx, db.reader, `WHERE doc_id = ? AND id = ?`, doc, id)
	if err != nil {
		return bitext.Pair{}, fmt.Errorf("pair %d of document %d: %w", id, doc, err)
	}
	if len(ps) == 0 {
		return bitext.Pair{}, fmt.Errorf("pair %d of document %d: %w", id, doc, ErrNotFound)
	}
	return ps[0], nil
}

// PairDoc returns the document a pair belongs to (pair ids are unique
// across documents), or ErrNotFound.
func (db *DB) PairDoc(ctx context.Context, id int64) (int64, error) {
	var doc int64
	err := db.reader.GetContext(ctx, &doc, `SELECT doc_id FROM pairs WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("pair %d: %w (merged, split or undone since, or never there)", id, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("pair %d: %w", id, err)
	}
	return doc, nil
}

// PairsAt returns the pairs of a document at positions from…from+n-1 (fewer
// at the ends).
func (db *DB) PairsAt(ctx context.Context, doc int64, from, n int) ([]bitext.Pair, error) {
	ps, err := selectPairs(ctx, db.reader, `WHERE doc_id = ? AND idx >= ? AND idx < ? ORDER BY idx`, doc, from, from+n)
	if err != nil {
		return nil, fmt.Errorf("pairs %d–%d of document %d: %w", from, from+n-1, doc, err)
	}
	return ps, nil
}

func selectPairs(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) ([]bitext.Pair, error) {
	rows, err := q.QueryxContext(ctx, `SELECT `+pairColumns+` FROM pairs `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bitext.Pair
	for rows.Next() {
		var r pairRow
		if err := rows.StructScan(&r); err != nil {
			return nil, err
		}
		p, err := r.pair()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// pairWriter runs the statements that write pairs in one transaction,
// each prepared once: a statement that writes pairs comes with the search
// index's triggers (migrations/0009_pairs_fts.sql), which SQLite compiles
// again at every prepare, and that would cost more than the writing when
// a run stores a document's pairs one by one.
type pairWriter struct {
	tx    *sqlx.Tx
	stmts map[string]*sqlx.Stmt
}

func newPairWriter(tx *sqlx.Tx) *pairWriter {
	return &pairWriter{tx: tx, stmts: map[string]*sqlx.Stmt{}}
}

// exec runs query, prepared on its first use.
func (w *pairWriter) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st := w.stmts[query]
	if st == nil {
		var err error
		if st, err = w.tx.PreparexContext(ctx, query); err != nil {
			return nil, err
		}
		w.stmts[query] = st
	}
	return st.ExecContext(ctx, args...)
}

// close closes the prepared statements.
func (w *pairWriter) close() {
	for _, st := range w.stmts {
		_ = st.Close()
	}
}

// insertPair stores p (with its id when it has one) at its Index.
func insertPair(ctx context.Context, w *pairWriter, p *bitext.Pair) error {
	var id any
	if p.ID > 0 {
		id = p.ID
	}
	var enDoc any
	if p.EnDoc > 0 {
		enDoc = p.EnDoc
	}
	if p.Status == "" {
		p.Status = bitext.StatusDraft
	}
	if p.Version < 1 {
		p.Version = 1
	}
	res, err := w.exec(ctx, `INSERT INTO pairs (id, doc_id, en_doc, idx, src, tgt, ru, en, mt, confidence, state, origin,
		status, edited, reviewed, violations, terms, findings, accepted, reason, note, version, reviewed_by, reviewed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, p.Doc, enDoc, p.Index, jsonOf(p.Src, "[]"), jsonOf(p.Tgt, "[]"), p.RU, p.EN, p.MT, clamp01(p.Confidence), p.State, p.Origin,
		p.Status, p.Edited, p.Reviewed, jsonOf(p.Violations, "[]"), jsonOf(p.Terms, "[]"), jsonOf(p.Findings, "[]"), jsonOf(p.Accepted, "[]"),
		p.Reason, p.Note, p.Version, p.ReviewedBy, p.ReviewedAt)
	if err != nil {
		return fmt.Errorf("store pair %s: %w", p.Bead(), err)
	}
	if p.ID == 0 {
		p.ID, err = res.LastInsertId()
	}
	return err
}

// updatePair rewrites a stored pair (same id) with p.
func updatePair(ctx context.Context, w *pairWriter, p *bitext.Pair) error {
	_, err := w.exec(ctx, `UPDATE pairs SET idx = ?, src = ?, tgt = ?, ru = ?, en = ?, mt = ?, confidence = ?, state = ?,
		origin = ?, status = ?, edited = ?, reviewed = ?, violations = ?, terms = ?, findings = ?, accepted = ?, reason = ?, note = ?,
		version = ?, reviewed_by = ?, reviewed_at = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`,
		p.Index, jsonOf(p.Src, "[]"), jsonOf(p.Tgt, "[]"), p.RU, p.EN, p.MT, clamp01(p.Confidence), p.State, p.Origin, p.Status,
		p.Edited, p.Reviewed, jsonOf(p.Violations, "[]"), jsonOf(p.Terms, "[]"), jsonOf(p.Findings, "[]"), jsonOf(p.Accepted, "[]"),
		p.Reason, p.Note, p.Version, p.ReviewedBy, p.ReviewedAt, p.ID)
	if err != nil {
		return fmt.Errorf("store pair %d: %w", p.ID, err)
	}
	return nil
}

func clamp01(f float64) float64 { return min(1, max(0, f)) }

// PairSync is what SyncPairs stores.
type PairSync struct {
	Doc int64 // the Russian document
	En  int64 // the English document of a human translation, 0 for bitext's own
	// Expect is the document's pairs as the caller read them before it
	// built Fresh (nil: none).
	Expect []bitext.Pair
	Fresh  []bitext.Pair // the pairs the run made, in order
	// Recheck, when not nil, refreshes the glossary findings of a pair
	// people worked on.
	Recheck func(*bitext.Pair)
	// Texts gives single sentences' texts, for the pairs a run's pair is
	// cut into next to a reviewed one.
	Texts bitext.SideTexts
}

// SyncPairs stores the pairs a run made for a document. Pairs people
// worked on stay as they are (bitext.KeepHuman), their glossary findings
// refreshed by Recheck; a machine pair with the same sentences as a stored
// one keeps its id, and its version moves on when its content changed.
// When a reviewer changed a pair since the caller read Expect,
// ErrPairConflict is returned and nothing is written, so that the caller
// builds its pairs again. It returns the stored pairs.
func (db *DB) SyncPairs(ctx context.Context, sy PairSync) ([]bitext.Pair, error) {
	doc, en, expect, fresh, recheck := sy.Doc, sy.En, sy.Expect, sy.Fresh, sy.Recheck
	var out []bitext.Pair
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		stored, err := selectPairs(ctx, tx, `WHERE doc_id = ? ORDER BY idx`, doc)
		if err != nil {
			return err
		}
		if err := sameVersions(expect, stored); err != nil {
			return err
		}
		if len(stored) > 0 && stored[0].EnDoc != en {
			// The document was paired with another English (or
			// translated after being paired): the pairs start again,
			// unless people reviewed them.
			for k := range stored {
				if stored[k].Human() {
					return fmt.Errorf("%w: its pairs with %s were reviewed (pair %d); they would be lost: review it with that English, or remove the reviewed pairs' changes first",
						ErrReviewedElsewhere, describeEnglish(stored[k].EnDoc), stored[k].ID)
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM pairs WHERE doc_id = ?`, doc); err != nil {
				return err
			}
			stored = nil
		}
		merged := bitext.KeepHuman(stored, fresh, sy.Texts)
		w := newPairWriter(tx)
		defer w.close()
		byBead := map[string]*bitext.Pair{}
		byID := map[int64]*bitext.Pair{}
		for k := range stored {
			byID[stored[k].ID] = &stored[k]
			if !stored[k].Human() {
				byBead[stored[k].Bead()] = &stored[k]
			}
		}
		keep := map[int64]bool{}
		for k := range merged {
			p := &merged[k]
			p.Doc, p.EnDoc = doc, en
			if p.ID != 0 && byID[p.ID] != nil && p.Human() {
				// kept as people left it
				old := byID[p.ID]
				if recheck != nil {
					recheck(p)
				}
				keep[p.ID] = true
				if p.Index != old.Index || !sameCheck(p, old) {
					if err := updatePair(ctx, w, p); err != nil {
						return err
					}
				}
				continue
			}
			if old := byBead[p.Bead()]; old != nil && !keep[old.ID] {
				p.ID, p.Version = old.ID, old.Version
				p.Status, p.ReviewedBy, p.ReviewedAt = old.Status, old.ReviewedBy, old.ReviewedAt
				if !sameMachine(p, old) {
					p.Version++
				}
				keep[old.ID] = true
				if p.Version != old.Version || p.Index != old.Index {
					if err := updatePair(ctx, w, p); err != nil {
						return err
					}
				}
				continue
			}
			p.ID, p.Version = 0, 1
			if p.Status == "" {
				p.Status = bitext.StatusDraft
			}
			if err := insertPair(ctx, w, p); err != nil {
				return err
			}
		}
		for k := range stored {
			if !keep[stored[k].ID] {
				if _, err := w.exec(ctx, `DELETE FROM pairs WHERE id = ?`, stored[k].ID); err != nil {
					return err
				}
			}
		}
		out = merged
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store the pairs of document %d: %w", doc, err)
	}
	return out, nil
}

// sameVersions checks that the pairs the caller read are still the stored
// ones, version for version.
func sameVersions(expect, stored []bitext.Pair) error {
	if expect == nil {
		if len(stored) > 0 {
			return &PairConflict{Want: bitext.Pair{ID: stored[0].ID}, Current: &stored[0]}
		}
		return nil
	}
	cur := make(map[int64]*bitext.Pair, len(stored))
	for k := range stored {
		cur[stored[k].ID] = &stored[k]
	}
	for _, e := range expect {
		c := cur[e.ID]
		if c == nil || c.Version != e.Version {
			return &PairConflict{Want: e, Current: c}
		}
	}
	if len(stored) != len(expect) {
		return &PairConflict{Want: bitext.Pair{}, Current: nil}
	}
	return nil
}

// sameMachine reports whether a fresh pair says what the stored one says.
func sameMachine(p, old *bitext.Pair) bool {
	return p.EN == old.EN && p.RU == old.RU && p.MT == old.MT && p.State == old.State && p.Origin == old.Origin &&
		p.Confidence == old.Confidence && p.Reason == old.Reason && p.Note == old.Note && sameCheck(p, old)
}

// sameCheck reports whether two pairs have the same glossary and QA
// findings.
func sameCheck(p, old *bitext.Pair) bool {
	return jsonOf(p.Violations, "[]") == jsonOf(old.Violations, "[]") && jsonOf(p.Terms, "[]") == jsonOf(old.Terms, "[]") &&
		jsonOf(p.Findings, "[]") == jsonOf(old.Findings, "[]")
}

// PairChange replaces a contiguous stretch of a document's pairs: Before
// are the pairs at positions From… as the caller read them (each checked
// by id and version), After what takes their place (pairs with an id keep
// it; new ones get one). Every change is kept in the history.
type PairChange struct {
	Doc    int64
	Action string // edit, approve, reject, reopen, merge, split, shift, retranslate, undo, accept, unaccept
	Who    string
	Before []bitext.Pair
	After  []bitext.Pair
	// Undoes is the history entry an undo reverts (0 otherwise).
	Undoes int64
}

// ChangePairs applies a change in one transaction: it checks that Before
// is what is stored (a *PairConflict otherwise, nothing written), puts
// After in its place, numbers the document's pairs anew, records the
// change, and keeps the human translation memory in step (approved pairs
// in, everything else out). It returns After as stored and the history
// entry.
func (db *DB) ChangePairs(ctx context.Context, ch PairChange) ([]bitext.Pair, int64, error) {
	var after []bitext.Pair
	var seq int64
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		var err error
		after, seq, err = changePairs(ctx, tx, ch)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("%s pairs of document %d: %w", ch.Action, ch.Doc, err)
	}
	return after, seq, nil
}

// ChangeEach applies several changes (of separate stretches) in one
// transaction: all or none. Each is its own history entry.
func (db *DB) ChangeEach(ctx context.Context, chs []PairChange) error {
	if len(chs) == 0 {
		return nil
	}
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		for _, ch := range chs {
			if _, _, err := changePairs(ctx, tx, ch); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s %d pair(s) of document %d: %w", chs[0].Action, len(chs), chs[0].Doc, err)
	}
	return nil
}

func changePairs(ctx context.Context, tx *sqlx.Tx, ch PairChange) ([]bitext.Pair, int64, error) {
	if len(ch.Before) == 0 {
		return nil, 0, errors.New("nothing to change")
	}
	var seq int64
	after := make([]bitext.Pair, len(ch.After))
	copy(after, ch.After)
	w := newPairWriter(tx)
	defer w.close()
	err := func() error {
		from := ch.Before[0].Index
		cur, err := selectPairs(ctx, tx, `WHERE doc_id = ? AND idx >= ? AND idx < ? ORDER BY idx`, ch.Doc, from, from+len(ch.Before))
		if err != nil {
			return err
		}
		for k, b := range ch.Before {
			if k >= len(cur) || cur[k].ID != b.ID || cur[k].Version != b.Version {
				var now *bitext.Pair
				if p, err := selectPairs(ctx, tx, `WHERE id = ?`, b.ID); err == nil && len(p) == 1 {
					now = &p[0]
				}
				return &PairConflict{Want: b, Current: now}
			}
		}
		if d := len(after) - len(ch.Before); d != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE pairs SET idx = idx + ? WHERE doc_id = ? AND idx >= ?`, d, ch.Doc, from+len(ch.Before)); err != nil {
				return err
			}
		}
		keep := map[int64]bool{}
		for k := range after {
			p := &after[k]
			p.Doc, p.Index = ch.Doc, from+k
			if p.ID != 0 {
				keep[p.ID] = true
			}
		}
		for _, b := range ch.Before {
			if !keep[b.ID] {
				if _, err := w.exec(ctx, `DELETE FROM pairs WHERE id = ?`, b.ID); err != nil {
					return err
				}
			}
		}
		for k := range after {
			p := &after[k]
			var exists bool
			if p.ID != 0 {
				if err := tx.GetContext(ctx, &exists, `SELECT count(*) > 0 FROM pairs WHERE id = ?`, p.ID); err != nil {
					return err
				}
			}
			if exists {
				err = updatePair(ctx, w, p)
			} else {
				err = insertPair(ctx, w, p)
			}
			if err != nil {
				return err
			}
		}
		now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
		res, err := tx.ExecContext(ctx, `INSERT INTO pair_history (doc_id, action, who, at, before, after) VALUES (?, ?, ?, ?, ?, ?)`,
			ch.Doc, ch.Action, ch.Who, now, jsonOf(ch.Before, "[]"), jsonOf(after, "[]"))
		if err != nil {
			return err
		}
		if seq, err = res.LastInsertId(); err != nil {
			return err
		}
		ids := map[int64]bool{}
		for _, p := range append(slicesConcat(ch.Before), after...) {
			ids[p.ID] = true
		}
		for id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO pair_history_pairs (seq, pair_id) VALUES (?, ?)`, seq, id); err != nil {
				return err
			}
		}
		if ch.Undoes != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE pair_history SET undone = ? WHERE seq = ?`, seq, ch.Undoes); err != nil {
				return err
			}
		}
		return syncHumanMemory(ctx, tx, ch.Before, after)
	}()
	return after, seq, err
}

func slicesConcat(ps []bitext.Pair) []bitext.Pair { return append([]bitext.Pair(nil), ps...) }

// syncHumanMemory takes the pairs of a change out of the human memory and
// puts back those now approved.
func syncHumanMemory(ctx context.Context, tx *sqlx.Tx, before, after []bitext.Pair) error {
	for _, p := range before {
		if _, err := tx.ExecContext(ctx, `DELETE FROM human_memory WHERE pair_id = ?`, p.ID); err != nil {
			return err
		}
	}
	for _, p := range after {
		if p.Status != bitext.StatusApproved || strings.TrimSpace(p.RU) == "" || strings.TrimSpace(p.EN) == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO human_memory (key, source, target, pair_id, approved_by, approved_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET target = excluded.target, pair_id = excluded.pair_id,
			approved_by = excluded.approved_by, approved_at = excluded.approved_at`,
			HumanKey(p.RU), p.RU, p.EN, p.ID, p.ReviewedBy, p.ReviewedAt); err != nil {
			return fmt.Errorf("human memory of pair %d: %w", p.ID, err)
		}
	}
	return nil
}

// HumanKey keys the human translation memory: the Russian with its spaces
// folded, in NFC.
func HumanKey(ru string) string {
	h := sha256.Sum256([]byte(strings.Join(strings.Fields(norm.NFC.String(ru)), " ")))
	return hex.EncodeToString(h[:])
}

// HumanMemory is an approved translation served from memory.
type HumanMemory struct {
	Key        string `db:"key"`
	Source     string `db:"source"`
	Target     string `db:"target"`
	PairID     int64  `db:"pair_id"`
	ApprovedBy string `db:"approved_by"`
	ApprovedAt string `db:"approved_at"`
}

// FindHumanMemory returns the approved translations of the given Russian
// sentences, by HumanKey.
func (db *DB) FindHumanMemory(ctx context.Context, sources []string) (map[string]HumanMemory, error) {
	out := map[string]HumanMemory{}
	if len(sources) == 0 {
		return out, nil
	}
	keys := make([]string, len(sources))
	for i, s := range sources {
		keys[i] = HumanKey(s)
	}
	var rows []HumanMemory
	if err := db.reader.SelectContext(ctx, &rows, `SELECT key, source, target, pair_id, approved_by, approved_at
		FROM human_memory WHERE key IN (SELECT value FROM json_each(?))`, jsonOf(keys, "[]")); err != nil {
		return nil, fmt.Errorf("look up approved translations: %w", err)
	}
	for _, r := range rows {
		out[r.Key] = r
	}
	return out, nil
}

// CountHumanMemoryHits counts the approved translations served.
func (db *DB) CountHumanMemoryHits(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	return db.Write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE human_memory SET hits = hits + 1 WHERE key IN (SELECT value FROM json_each(?))`, jsonOf(keys, "[]"))
		return err
	})
}

// PairEvent is one entry of a document's review history.
type PairEvent struct {
	Seq    int64         `json:"seq"`
	Doc    int64         `json:"doc"`
	Action string        `json:"action"`
	Who    string        `json:"who"`
	At     string        `json:"at"`
	Before []bitext.Pair `json:"before"`
	After  []bitext.Pair `json:"after"`
	// Undone is the history entry of the undo that reverted this change
	// (0 while it stands).
	Undone int64 `json:"undone,omitempty"`
}

type eventRow struct {
	Seq    int64  `db:"seq"`
	Doc    int64  `db:"doc_id"`
	Action string `db:"action"`
	Who    string `db:"who"`
	At     string `db:"at"`
	Before string `db:"before"`
	After  string `db:"after"`
	Undone int64  `db:"undone"`
}

func (r *eventRow) event() (PairEvent, error) {
	e := PairEvent{Seq: r.Seq, Doc: r.Doc, Action: r.Action, Who: r.Who, At: r.At, Undone: r.Undone}
	if err := json.Unmarshal([]byte(r.Before), &e.Before); err != nil {
		return e, fmt.Errorf("history entry %d: %w", r.Seq, err)
	}
	if err := json.Unmarshal([]byte(r.After), &e.After); err != nil {
		return e, fmt.Errorf("history entry %d: %w", r.Seq, err)
	}
	return e, nil
}

// PairHistory returns every change that touched a pair, oldest first.
func (db *DB) PairHistory(ctx context.Context, doc, id int64) ([]PairEvent, error) {
	var rows []eventRow
	if err := db.reader.SelectContext(ctx, &rows, `SELECT h.seq, h.doc_id, h.action, h.who, h.at, h.before, h.after, h.undone
		FROM pair_history h JOIN pair_history_pairs p ON p.seq = h.seq
		WHERE p.pair_id = ? AND h.doc_id = ? ORDER BY h.seq`, id, doc); err != nil {
		return nil, fmt.Errorf("history of pair %d: %w", id, err)
	}
	out := make([]PairEvent, 0, len(rows))
	for i := range rows {
		e, err := rows[i].event()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// LastPairChange returns the latest change to a pair that stands (not an
// undo, not undone), or ErrNotFound.
func (db *DB) LastPairChange(ctx context.Context, doc, id int64) (PairEvent, error) {
	var r eventRow
	err := db.reader.GetContext(ctx, &r, `SELECT h.seq, h.doc_id, h.action, h.who, h.at, h.before, h.after, h.undone
		FROM pair_history h JOIN pair_history_pairs p ON p.seq = h.seq
		WHERE p.pair_id = ? AND h.doc_id = ? AND h.action != 'undo' AND h.undone = 0 ORDER BY h.seq DESC LIMIT 1`, id, doc)
	if errors.Is(err, sql.ErrNoRows) {
		return PairEvent{}, fmt.Errorf("changes of pair %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return PairEvent{}, fmt.Errorf("changes of pair %d: %w", id, err)
	}
	return r.event()
}
