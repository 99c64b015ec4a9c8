package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
)

// AlignedBead is one stored bead: sentence indices (positions in their
// documents, from 0) on each side, with the aligner's score and confidence.
type AlignedBead struct {
	Src        []int   `json:"src"`
	Tgt        []int   `json:"tgt"`
	Score      float64 `json:"score"`
	Confidence float64 `json:"confidence"`
}

// Alignment is a stored sentence alignment of two documents.
type Alignment struct {
	ID     int64         `json:"id"`
	SrcDoc int64         `json:"src_doc"`
	TgtDoc int64         `json:"tgt_doc"`
	Method string        `json:"method"`
	Beads  []AlignedBead `json:"beads"`
}

// SaveAlignment stores the alignment of documents srcDoc and tgtDoc (both
// already saved with their sentences), replacing any earlier alignment of
// the same pair, and returns its id.
func (db *DB) SaveAlignment(ctx context.Context, srcDoc, tgtDoc int64, method string, beads []AlignedBead) (int64, error) {
	var id int64
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		srcIDs, err := sentenceIDs(ctx, tx, srcDoc)
		if err != nil {
			return err
		}
		tgtIDs, err := sentenceIDs(ctx, tx, tgtDoc)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM alignments WHERE src_doc = ? AND tgt_doc = ?`, srcDoc, tgtDoc); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO alignments (src_doc, tgt_doc, method) VALUES (?, ?, ?)`, srcDoc, tgtDoc, method)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		beadStmt, err := tx.PreparexContext(ctx, `INSERT INTO beads (alignment_id, idx, score, confidence) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer beadStmt.Close()
		sentStmt, err := tx.PreparexContext(ctx, `INSERT INTO bead_sentences (alignment_id, bead_idx, side, sentence_id) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer sentStmt.Close()
		for k, b := range beads {
			if _, err := beadStmt.ExecContext(ctx, id, k, b.Score, b.Confidence); err != nil {
				return fmt.Errorf("bead %d: %w", k, err)
			}
			for _, side := range []struct {
				name string
				idx  []int
				ids  []int64
			}{{"src", b.Src, srcIDs}, {"tgt", b.Tgt, tgtIDs}} {
				for _, s := range side.idx {
					if s < 0 || s >= len(side.ids) {
						return fmt.Errorf("bead %d: %s sentence %d not in the document (%d sentences)", k, side.name, s, len(side.ids))
					}
					if _, err := sentStmt.ExecContext(ctx, id, k, side.name, side.ids[s]); err != nil {
						return fmt.Errorf("bead %d: %w", k, err)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("save alignment of documents %d and %d: %w", srcDoc, tgtDoc, err)
	}
	return id, nil
}

func sentenceIDs(ctx context.Context, tx *sqlx.Tx, doc int64) ([]int64, error) {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT id FROM sentences WHERE doc_id = ? ORDER BY idx`, doc); err != nil {
		return nil, fmt.Errorf("sentences of document %d: %w", doc, err)
	}
	return ids, nil
}

// ErrNoAlignment is returned when no alignment of a document pair is stored.
var ErrNoAlignment = errors.New("no alignment stored")

// AlignmentOf reads the stored alignment of documents srcDoc and tgtDoc.
func (db *DB) AlignmentOf(ctx context.Context, srcDoc, tgtDoc int64) (*Alignment, error) {
	a := &Alignment{SrcDoc: srcDoc, TgtDoc: tgtDoc}
	r := db.Reader()
	err := r.QueryRowxContext(ctx, `SELECT id, method FROM alignments WHERE src_doc = ? AND tgt_doc = ?`, srcDoc, tgtDoc).Scan(&a.ID, &a.Method)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("alignment of documents %d and %d: %w", srcDoc, tgtDoc, ErrNoAlignment)
	}
	if err != nil {
		return nil, fmt.Errorf("alignment of documents %d and %d: %w", srcDoc, tgtDoc, err)
	}
	var beads []struct {
		Idx        int     `db:"idx"`
		Score      float64 `db:"score"`
		Confidence float64 `db:"confidence"`
	}
	if err := r.SelectContext(ctx, &beads, `SELECT idx, score, confidence FROM beads WHERE alignment_id = ? ORDER BY idx`, a.ID); err != nil {
		return nil, fmt.Errorf("beads of alignment %d: %w", a.ID, err)
	}
	a.Beads = make([]AlignedBead, len(beads))
	for k, b := range beads {
		a.Beads[k] = AlignedBead{Src: []int{}, Tgt: []int{}, Score: b.Score, Confidence: b.Confidence}
	}
	var members []struct {
		Bead int    `db:"bead_idx"`
		Side string `db:"side"`
		Idx  int    `db:"idx"`
	}
	if err := r.SelectContext(ctx, &members, `SELECT bs.bead_idx, bs.side, s.idx FROM bead_sentences bs
		JOIN sentences s ON s.id = bs.sentence_id WHERE bs.alignment_id = ?`, a.ID); err != nil {
		return nil, fmt.Errorf("sentences of alignment %d: %w", a.ID, err)
	}
	for _, m := range members {
		if m.Bead < 0 || m.Bead >= len(a.Beads) {
			continue
		}
		b := &a.Beads[m.Bead]
		if m.Side == "src" {
			b.Src = append(b.Src, m.Idx)
		} else {
			b.Tgt = append(b.Tgt, m.Idx)
		}
	}
	for k := range a.Beads {
		slices.Sort(a.Beads[k].Src)
		slices.Sort(a.Beads[k].Tgt)
	}
	return a, nil
}
