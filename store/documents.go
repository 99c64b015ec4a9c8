package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/bitext/bitext"
	"github.com/jmoiron/sqlx"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// DocumentSummary is a stored document without its text and sentences.
type DocumentSummary struct {
	ID         int64       `db:"id" json:"id"`
	Name       string      `db:"name" json:"name"`
	Path       string      `db:"path" json:"path"`
	Hash       string      `db:"hash" json:"hash"`
	Format     string      `db:"format" json:"format"`
	Encoding   string      `db:"encoding" json:"encoding"`
	Lang       bitext.Lang `db:"lang" json:"lang"`
	Confidence float64     `db:"confidence" json:"confidence"`
	Kind       bitext.Kind `db:"kind" json:"kind"`
	Sentences  int         `db:"sentences" json:"sentences"`
	CreatedAt  string      `db:"created_at" json:"created_at"`
	// Action is what the last run did with the document (translated,
	// aligned, passed-through, incomplete…), ActionError why it fell short.
	Action      string `db:"action" json:"action"`
	ActionError string `db:"action_error" json:"action_error,omitempty"`
	// TranslationOf is the Russian document an English one translates.
	TranslationOf *int64 `db:"translation_of" json:"translation_of,omitempty"`
}

// SaveDocument stores doc with its paragraphs and sentences in one
// transaction and sets doc.ID. A document whose text hash is already stored
// is not stored again: its existing id is returned with created=false (its
// path and name are refreshed to the latest seen).
func (db *DB) SaveDocument(ctx context.Context, doc *bitext.Document) (created bool, err error) {
	err = db.Write(ctx, func(tx *sqlx.Tx) error {
		var id int64
		err := tx.GetContext(ctx, &id, `SELECT id FROM documents WHERE hash = ?`, doc.Hash)
		switch {
		case err == nil:
			doc.ID = id
			_, err = tx.ExecContext(ctx, `UPDATE documents SET name = ?, path = ?,
				updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`, doc.Name, doc.Path, id)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		created = true
		kind := doc.Kind
		if kind == "" {
			kind = bitext.Original
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO documents (name, path, hash, format, encoding, lang, confidence, kind, text)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			doc.Name, doc.Path, doc.Hash, doc.Format, doc.Encoding, doc.Lang, doc.Confidence, kind, doc.Text)
		if err != nil {
			return err
		}
		if doc.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		pst, err := tx.PreparexContext(ctx, `INSERT INTO paragraphs (doc_id, idx, start_off, end_off, lang, confidence, inherited)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer pst.Close()
		sst, err := tx.PreparexContext(ctx, `INSERT INTO sentences (doc_id, idx, paragraph, start_off, end_off, text)
			VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer sst.Close()
		for _, p := range doc.Paragraphs {
			if _, err := pst.ExecContext(ctx, doc.ID, p.Index, p.Span.Start, p.Span.End, p.Lang, p.Confidence, p.Inherited); err != nil {
				return fmt.Errorf("paragraph %d: %w", p.Index, err)
			}
			for _, s := range p.Sentences {
				if _, err := sst.ExecContext(ctx, doc.ID, s.Index, s.Paragraph, s.Span.Start, s.Span.End, s.Text); err != nil {
					return fmt.Errorf("sentence %d: %w", s.Index, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("save document %s: %w", doc.Name, err)
	}
	return created, nil
}

// SetTranslationOf marks doc as a translation of orig.
func (db *DB) SetTranslationOf(ctx context.Context, doc, orig int64) error {
	return db.Write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE documents SET kind = 'translation', translation_of = ? WHERE id = ?`, orig, doc)
		return err
	})
}

// Documents lists the stored documents, newest first.
func (db *DB) Documents(ctx context.Context) ([]DocumentSummary, error) {
	var out []DocumentSummary
	err := db.reader.SelectContext(ctx, &out, `SELECT d.id, d.name, d.path, d.hash, d.format, d.encoding, d.lang,
		d.confidence, d.kind, d.created_at, d.action, d.action_error, d.translation_of,
		(SELECT count(*) FROM sentences s WHERE s.doc_id = d.id) AS sentences
		FROM documents d ORDER BY d.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return out, nil
}

// Document loads a stored document with its paragraphs and sentences.
func (db *DB) Document(ctx context.Context, id int64) (*bitext.Document, error) {
	var row struct {
		DocumentSummary
		Text string `db:"text"`
	}
	err := db.reader.GetContext(ctx, &row, `SELECT id, name, path, hash, format, encoding, lang, confidence, kind,
		created_at, 0 AS sentences, text FROM documents WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("document %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load document %d: %w", id, err)
	}
	doc := &bitext.Document{ID: row.ID, Name: row.Name, Path: row.Path, Hash: row.Hash, Format: row.Format,
		Encoding: row.Encoding, Lang: row.Lang, Confidence: row.Confidence, Kind: row.Kind, Text: row.Text}
	var paras []struct {
		Idx        int         `db:"idx"`
		Start      int         `db:"start_off"`
		End        int         `db:"end_off"`
		Lang       bitext.Lang `db:"lang"`
		Confidence float64     `db:"confidence"`
		Inherited  bool        `db:"inherited"`
	}
	if err := db.reader.SelectContext(ctx, &paras, `SELECT idx, start_off, end_off, lang, confidence, inherited
		FROM paragraphs WHERE doc_id = ? ORDER BY idx`, id); err != nil {
		return nil, fmt.Errorf("load paragraphs of document %d: %w", id, err)
	}
	for _, p := range paras {
		doc.Paragraphs = append(doc.Paragraphs, bitext.Paragraph{Index: p.Idx, Span: bitext.Span{Start: p.Start, End: p.End},
			Lang: p.Lang, Confidence: p.Confidence, Inherited: p.Inherited})
	}
	var sents []struct {
		Idx       int    `db:"idx"`
		Paragraph int    `db:"paragraph"`
		Start     int    `db:"start_off"`
		End       int    `db:"end_off"`
		Text      string `db:"text"`
	}
	if err := db.reader.SelectContext(ctx, &sents, `SELECT idx, paragraph, start_off, end_off, text
		FROM sentences WHERE doc_id = ? ORDER BY idx`, id); err != nil {
		return nil, fmt.Errorf("load sentences of document %d: %w", id, err)
	}
	for _, s := range sents {
		if s.Paragraph < 0 || s.Paragraph >= len(doc.Paragraphs) {
			return nil, fmt.Errorf("load document %d: sentence %d refers to missing paragraph %d", id, s.Idx, s.Paragraph)
		}
		p := &doc.Paragraphs[s.Paragraph]
		p.Sentences = append(p.Sentences, bitext.Sentence{Index: s.Idx, Paragraph: s.Paragraph,
			Span: bitext.Span{Start: s.Start, End: s.End}, Text: s.Text})
	}
	return doc, nil
}

// SetDocumentAction records what a run did with a document.
func (db *DB) SetDocumentAction(ctx context.Context, doc, run int64, action, why string) error {
	var r any
	if run > 0 {
		r = run
	}
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE documents SET action = ?, action_error = ?, run_id = ? WHERE id = ?`, action, why, r, doc)
		return err
	})
	if err != nil {
		return fmt.Errorf("record the action on document %d: %w", doc, err)
	}
	return nil
}

// DocumentStats counts a document's pairs by machine state and review
// status, with its glossary terms and those rendered as required.
type DocumentStats struct {
	Pairs   int                   `json:"pairs"`
	States  map[bitext.State]int  `json:"states"`
	Status  map[bitext.Status]int `json:"status"`
	Terms   int                   `json:"terms"`
	TermsOK int                   `json:"terms_ok"`
	// Violations counts the pairs with glossary violations.
	Violations int `json:"violations"`
	// QAErrors and QAWarnings count the QA findings not accepted.
	QAErrors   int `json:"qa_errors"`
	QAWarnings int `json:"qa_warnings"`
	// LastChange is when a person last changed one of its pairs, and who
	// ("" when nobody has).
	LastChange string `json:"last_change,omitempty"`
	LastBy     string `json:"last_by,omitempty"`
}

// PairStats returns the DocumentStats of every document that has pairs, by
// document id.
func (db *DB) PairStats(ctx context.Context) (map[int64]*DocumentStats, error) {
	rows, err := db.reader.QueryxContext(ctx, `SELECT doc_id, state, status, terms, violations, findings FROM pairs`)
	if err != nil {
		return nil, fmt.Errorf("count pairs: %w", err)
	}
	defer rows.Close()
	out := map[int64]*DocumentStats{}
	for rows.Next() {
		var r pairRow
		if err := rows.Scan(&r.Doc, &r.State, &r.Status, &r.Terms, &r.Violations, &r.Findings); err != nil {
			return nil, fmt.Errorf("count pairs: %w", err)
		}
		r.Src, r.Tgt, r.Accepted = "[]", "[]", "[]"
		st := out[r.Doc]
		if st == nil {
			st = &DocumentStats{States: map[bitext.State]int{}, Status: map[bitext.Status]int{}}
			out[r.Doc] = st
		}
		st.Pairs++
		st.States[r.State]++
		st.Status[r.Status]++
		p, err := r.pair()
		if err != nil {
			return nil, err
		}
		t, ok := p.TermCounts()
		st.Terms += t
		st.TermsOK += ok
		if len(p.Violations) > 0 {
			st.Violations++
		}
		e, w := p.OpenFindings()
		st.QAErrors += e
		st.QAWarnings += w
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count pairs: %w", err)
	}
	var last []struct {
		Doc int64  `db:"doc_id"`
		At  string `db:"at"`
		Who string `db:"who"`
	}
	if err := sqlx.SelectContext(ctx, db.reader, &last,
		`SELECT h.doc_id, h.at, h.who FROM pair_history h
		   JOIN (SELECT MAX(seq) AS seq FROM pair_history GROUP BY doc_id) m ON h.seq = m.seq`); err != nil {
		return nil, fmt.Errorf("last changes: %w", err)
	}
	for _, l := range last {
		if st := out[l.Doc]; st != nil {
			st.LastChange, st.LastBy = l.At, l.Who
		}
	}
	return out, nil
}
