package store

import (
	"context"
	"fmt"

	"github.com/bitext/bitext"
	"github.com/jmoiron/sqlx"
)

// scanPage is how many pairs EachPair reads at a time.
const scanPage = 1000

// EachPair calls fn with every stored pair, of all documents, whose review
// status is one of statuses (every pair when statuses is empty), in order
// of document id and position. It reads pages of scanPage pairs by keyset
// (doc_id, idx, id), so that memory stays bounded whatever the number of
// pairs, and all pages in one read transaction: the pairs are one
// snapshot, none seen twice or missed because a reviewer merged or split
// pairs meanwhile (writers are not held up: the database is in WAL mode).
// An error of fn stops the scan and is returned as it is. The pairs carry
// their document's id; the document's name is in DB.Documents.
func (db *DB) EachPair(ctx context.Context, statuses []bitext.Status, fn func(bitext.Pair) error) error {
	tx, err := db.reader.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("scan pairs: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to commit
	filter := ""
	var args []any
	if len(statuses) > 0 {
		filter = ` AND status IN (SELECT value FROM json_each(?))`
		args = append(args, jsonOf(statuses, "[]"))
	}
	var doc, id int64
	idx := -1
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("scan pairs: %w", err)
		}
		page, err := selectPairs(ctx, tx, `WHERE (doc_id, idx, id) > (?, ?, ?)`+filter+` ORDER BY doc_id, idx, id LIMIT ?`,
			append([]any{doc, idx, id}, append(args, scanPage)...)...)
		if err != nil {
			return fmt.Errorf("scan pairs after pair %d of document %d: %w", id, doc, err)
		}
		for _, p := range page {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(page) < scanPage {
			return nil
		}
		last := page[len(page)-1]
		doc, idx, id = last.Doc, last.Index, last.ID
	}
}

// RecheckPairs stores fresh glossary findings of pairs: their Violations
// and Terms, and nothing else — not the texts, the status, the review
// fields nor the version, and no history entry (the findings follow from
// the texts and the glossary; a re-check is machine work, not a change
// people made). In one transaction it updates each pair (by ID, in Doc)
// whose findings differ from the stored ones, moving its updated_at, and
// returns how many it updated. A pair that is gone (merged away) or whose
// Russian or English is no longer the RU and EN given (someone changed it
// since it was read, and that change checked it) is left and not counted.
func (db *DB) RecheckPairs(ctx context.Context, ps []bitext.Pair) (int, error) {
	if len(ps) == 0 {
		return 0, nil
	}
	var n int
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		n = 0
		stmt, err := tx.PreparexContext(ctx, `UPDATE pairs SET violations = ?, terms = ?,
			updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
			WHERE id = ? AND doc_id = ? AND ru = ? AND en = ? AND (violations != ? OR terms != ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, p := range ps {
			v, t := jsonOf(p.Violations, "[]"), jsonOf(p.Terms, "[]")
			res, err := stmt.ExecContext(ctx, v, t, p.ID, p.Doc, p.RU, p.EN, v, t)
			if err != nil {
				return fmt.Errorf("pair %d: %w", p.ID, err)
			}
			k, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("pair %d: %w", p.ID, err)
			}
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store the glossary findings of %d pair(s): %w", len(ps), err)
	}
	return n, nil
}
