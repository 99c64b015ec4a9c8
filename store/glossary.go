package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/bitext/bitext/glossary"
)

// Glossary errors.
var (
	// ErrConflict: the entry changed since the version the edit was based on.
	ErrConflict = errors.New("conflict: the entry was changed by someone else; reload it and edit again")
	// ErrExists: an entry with that id exists already.
	ErrExists = errors.New("exists")
	// ErrDuplicateTerm: another entry gives the same Russian term a
	// different required English term.
	ErrDuplicateTerm = errors.New("the Russian term already has another required English term")
)

// timeFormat is how times are stored (UTC, sortable).
const timeFormat = "2006-01-02T15:04:05.000Z"

// glossaryRow is a glossary_entries row.
type glossaryRow struct {
	ID            string `db:"id"`
	RU            string `db:"ru"`
	RUKey         string `db:"ru_key"`
	EN            string `db:"en"`
	RUVariants    string `db:"ru_variants"`
	ENVariants    string `db:"en_variants"`
	ForbiddenEN   string `db:"forbidden_en"`
	ExcludeRU     string `db:"ru_exclude"`
	CaseSensitive bool   `db:"case_sensitive"`
	Abbreviation  bool   `db:"abbreviation"`
	Domain        string `db:"domain"`
	Note          string `db:"note"`
	Status        string `db:"status"`
	CreatedBy     string `db:"created_by"`
	CreatedAt     string `db:"created_at"`
	UpdatedBy     string `db:"updated_by"`
	UpdatedAt     string `db:"updated_at"`
	Version       int64  `db:"version"`
}

const glossaryColumns = `id, ru, ru_key, en, ru_variants, en_variants, forbidden_en, case_sensitive, abbreviation,
	domain, note, status, created_by, created_at, updated_by, updated_at, version, ru_exclude`

func toRow(e glossary.Entry) glossaryRow {
	list := func(l []string) string {
		if l == nil {
			l = []string{}
		}
		b, _ := json.Marshal(l)
		return string(b)
	}
	return glossaryRow{ID: e.ID, RU: e.RU, RUKey: foldKey(e.RU), EN: e.EN,
		RUVariants: list(e.RUVariants), ENVariants: list(e.ENVariants), ForbiddenEN: list(e.ForbiddenEN), ExcludeRU: list(e.ExcludeRU),
		CaseSensitive: e.CaseSensitive, Abbreviation: e.Abbreviation, Domain: e.Domain, Note: e.Note,
		Status: string(e.Status), CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt.UTC().Format(timeFormat),
		UpdatedBy: e.UpdatedBy, UpdatedAt: e.UpdatedAt.UTC().Format(timeFormat), Version: e.Version}
}

func (r glossaryRow) entry() (glossary.Entry, error) {
	e := glossary.Entry{ID: r.ID, RU: r.RU, EN: r.EN, CaseSensitive: r.CaseSensitive, Abbreviation: r.Abbreviation,
		Domain: r.Domain, Note: r.Note, Status: glossary.Status(r.Status), CreatedBy: r.CreatedBy,
		UpdatedBy: r.UpdatedBy, Version: r.Version}
	for _, l := range []struct {
		src string
		dst *[]string
	}{{r.RUVariants, &e.RUVariants}, {r.ENVariants, &e.ENVariants}, {r.ForbiddenEN, &e.ForbiddenEN}, {r.ExcludeRU, &e.ExcludeRU}} {
		if err := json.Unmarshal([]byte(l.src), l.dst); err != nil {
			return e, fmt.Errorf("glossary entry %s: bad list %q: %w", r.ID, l.src, err)
		}
		if len(*l.dst) == 0 {
			*l.dst = nil
		}
	}
	var err error
	if e.CreatedAt, err = time.Parse(timeFormat, r.CreatedAt); err != nil {
		return e, fmt.Errorf("glossary entry %s: created_at: %w", r.ID, err)
	}
	if e.UpdatedAt, err = time.Parse(timeFormat, r.UpdatedAt); err != nil {
		return e, fmt.Errorf("glossary entry %s: updated_at: %w", r.ID, err)
	}
	return e, nil
}

func foldKey(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.Join(strings.Fields(s), " ")), "ё", "е")
}

// GlossaryFilter selects entries for GlossaryEntries. Empty fields select
// everything.
type GlossaryFilter struct {
	Text   string          // substring of the Russian or English term, variants or note (case-insensitive)
	Status glossary.Status // exact status
	Domain string          // exact domain
}

// GlossaryEntries returns the entries selected by f, ordered by id.
func (db *DB) GlossaryEntries(ctx context.Context, f GlossaryFilter) ([]glossary.Entry, error) {
	q := "SELECT " + glossaryColumns + " FROM glossary_entries WHERE 1=1"
	var args []any
	if f.Text != "" {
		q += ` AND (instr(ru_key, ?) > 0 OR instr(lower(en), ?) > 0 OR instr(lower(ru_variants), ?) > 0
			OR instr(lower(en_variants), ?) > 0 OR instr(lower(note), ?) > 0 OR instr(lower(id), ?) > 0)`
		k := foldKey(f.Text)
		// SQLite's lower() folds ASCII only: Cyrillic is compared after Go folding of ru_key.
		args = append(args, k, strings.ToLower(f.Text), k, strings.ToLower(f.Text), strings.ToLower(f.Text), strings.ToLower(f.Text))
	}
	if f.Status != "" {
		q += " AND status = ?"
		args = append(args, string(f.Status))
	}
	if f.Domain != "" {
		q += " AND domain = ?"
		args = append(args, f.Domain)
	}
	q += " ORDER BY id"
	var rows []glossaryRow
	if err := db.reader.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("list glossary: %w", err)
	}
	out := make([]glossary.Entry, 0, len(rows))
	for _, r := range rows {
		e, err := r.entry()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// GlossaryEntry returns one entry, or ErrNotFound.
func (db *DB) GlossaryEntry(ctx context.Context, id string) (glossary.Entry, error) {
	var r glossaryRow
	err := db.reader.GetContext(ctx, &r, "SELECT "+glossaryColumns+" FROM glossary_entries WHERE id = ?", id)
	if errors.Is(err, sql.ErrNoRows) {
		return glossary.Entry{}, fmt.Errorf("glossary entry %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return glossary.Entry{}, fmt.Errorf("glossary entry %s: %w", id, err)
	}
	return r.entry()
}

// GlossaryVersion returns a digest of the whole glossary content
// (glossary.Version over every entry); it changes whenever an entry is
// added, changed or removed. The translation memory is keyed by it.
func (db *DB) GlossaryVersion(ctx context.Context) (string, error) {
	es, err := db.GlossaryEntries(ctx, GlossaryFilter{})
	if err != nil {
		return "", err
	}
	return glossary.Version(es), nil
}

// AddGlossaryEntry adds a new entry (an id is generated when empty) and
// returns it as stored, at version 1.
func (db *DB) AddGlossaryEntry(ctx context.Context, e glossary.Entry, who string) (glossary.Entry, error) {
	e.Normalize()
	if e.ID == "" {
		e.ID = glossary.GenerateID(e.RU, e.EN)
	}
	if err := e.Validate(); err != nil {
		return e, fmt.Errorf("add glossary entry: %w", err)
	}
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		var err error
		e, err = insertEntry(ctx, tx, e, who, "add", time.Now())
		return err
	})
	if err != nil {
		return e, fmt.Errorf("add glossary entry %s: %w", e.ID, err)
	}
	return e, nil
}

func insertEntry(ctx context.Context, tx *sqlx.Tx, e glossary.Entry, who, action string, now time.Time) (glossary.Entry, error) {
	var n int
	if err := tx.GetContext(ctx, &n, "SELECT count(*) FROM glossary_entries WHERE id = ?", e.ID); err != nil {
		return e, err
	}
	if n > 0 {
		return e, ErrExists
	}
	if err := checkTerm(ctx, tx, e); err != nil {
		return e, err
	}
	e.CreatedBy, e.UpdatedBy = who, who
	e.CreatedAt, e.UpdatedAt = now.UTC().Truncate(time.Millisecond), now.UTC().Truncate(time.Millisecond)
	e.Version = 1
	if _, err := tx.NamedExecContext(ctx, `INSERT INTO glossary_entries (`+glossaryColumns+`) VALUES
		(:id, :ru, :ru_key, :en, :ru_variants, :en_variants, :forbidden_en, :case_sensitive, :abbreviation,
		 :domain, :note, :status, :created_by, :created_at, :updated_by, :updated_at, :version, :ru_exclude)`, toRow(e)); err != nil {
		return e, err
	}
	return e, addHistory(ctx, tx, e.ID, action, who, now, e.Version, nil, &e)
}

// checkTerm refuses a second required English term for the same Russian
// term (deprecated entries aside).
func checkTerm(ctx context.Context, tx *sqlx.Tx, e glossary.Entry) error {
	if e.Status == glossary.Deprecated {
		return nil
	}
	var other []struct {
		ID string `db:"id"`
		EN string `db:"en"`
	}
	if err := tx.SelectContext(ctx, &other, `SELECT id, en FROM glossary_entries
		WHERE ru_key = ? AND id <> ? AND status <> 'deprecated'`, foldKey(e.RU), e.ID); err != nil {
		return err
	}
	for _, o := range other {
		if !strings.EqualFold(o.EN, e.EN) {
			return fmt.Errorf("%w: %q is %q in entry %s", ErrDuplicateTerm, e.RU, o.EN, o.ID)
		}
	}
	return nil
}

func addHistory(ctx context.Context, tx *sqlx.Tx, id, action, who string, at time.Time, version int64, before, after *glossary.Entry) error {
	js := func(e *glossary.Entry) any {
		if e == nil {
			return nil
		}
		b, _ := json.Marshal(e)
		return string(b)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO glossary_history (entry_id, action, who, at, version, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, action, who, at.UTC().Format(timeFormat), version, js(before), js(after))
	return err
}

// loadForUpdate reads an entry inside a write transaction and checks the
// version the caller based the change on.
func loadForUpdate(ctx context.Context, tx *sqlx.Tx, id string, version int64) (glossary.Entry, error) {
	var r glossaryRow
	err := tx.GetContext(ctx, &r, "SELECT "+glossaryColumns+" FROM glossary_entries WHERE id = ?", id)
	if errors.Is(err, sql.ErrNoRows) {
		return glossary.Entry{}, ErrNotFound
	}
	if err != nil {
		return glossary.Entry{}, err
	}
	cur, err := r.entry()
	if err != nil {
		return cur, err
	}
	if cur.Version != version {
		return cur, fmt.Errorf("%w (you edited version %d, the entry is at version %d, last changed by %s at %s)",
			ErrConflict, version, cur.Version, cur.UpdatedBy, cur.UpdatedAt.Format(time.RFC3339))
	}
	return cur, nil
}

// UpdateGlossaryEntry replaces the content of entry e.ID. e.Version must be
// the version the edit was based on; when the entry has changed since, it
// returns ErrConflict and changes nothing. It returns the stored entry.
func (db *DB) UpdateGlossaryEntry(ctx context.Context, e glossary.Entry, who string) (glossary.Entry, error) {
	e.Normalize()
	if err := e.Validate(); err != nil {
		return e, fmt.Errorf("edit glossary entry %s: %w", e.ID, err)
	}
	action := "edit"
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		cur, err := loadForUpdate(ctx, tx, e.ID, e.Version)
		if err != nil {
			return err
		}
		if e.Status == glossary.Deprecated && cur.Status != glossary.Deprecated {
			action = "deprecate"
		}
		e, err = updateEntry(ctx, tx, cur, e, who, action, time.Now())
		return err
	})
	if err != nil {
		return e, fmt.Errorf("edit glossary entry %s: %w", e.ID, err)
	}
	return e, nil
}

func updateEntry(ctx context.Context, tx *sqlx.Tx, cur, e glossary.Entry, who, action string, now time.Time) (glossary.Entry, error) {
	if err := checkTerm(ctx, tx, e); err != nil {
		return e, err
	}
	e.CreatedBy, e.CreatedAt = cur.CreatedBy, cur.CreatedAt
	e.UpdatedBy, e.UpdatedAt = who, now.UTC().Truncate(time.Millisecond)
	e.Version = cur.Version + 1
	res, err := tx.NamedExecContext(ctx, `UPDATE glossary_entries SET ru = :ru, ru_key = :ru_key, en = :en,
		ru_variants = :ru_variants, en_variants = :en_variants, forbidden_en = :forbidden_en,
		case_sensitive = :case_sensitive, abbreviation = :abbreviation, domain = :domain, note = :note,
		ru_exclude = :ru_exclude, status = :status, updated_by = :updated_by, updated_at = :updated_at, version = :version
		WHERE id = :id AND version = :version - 1`, toRow(e))
	if err != nil {
		return e, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return e, ErrConflict
	}
	return e, addHistory(ctx, tx, e.ID, action, who, now, e.Version, &cur, &e)
}

// DeprecateGlossaryEntry marks an entry deprecated (version as in
// UpdateGlossaryEntry).
func (db *DB) DeprecateGlossaryEntry(ctx context.Context, id string, version int64, who string) (glossary.Entry, error) {
	var e glossary.Entry
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		cur, err := loadForUpdate(ctx, tx, id, version)
		if err != nil {
			return err
		}
		next := cur
		next.Status = glossary.Deprecated
		e, err = updateEntry(ctx, tx, cur, next, who, "deprecate", time.Now())
		return err
	})
	if err != nil {
		return e, fmt.Errorf("deprecate glossary entry %s: %w", id, err)
	}
	return e, nil
}

// DeleteGlossaryEntry removes an entry (version as in UpdateGlossaryEntry).
// Its history stays.
func (db *DB) DeleteGlossaryEntry(ctx context.Context, id string, version int64, who string) error {
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		cur, err := loadForUpdate(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM glossary_entries WHERE id = ? AND version = ?", id, version); err != nil {
			return err
		}
		return addHistory(ctx, tx, id, "remove", who, time.Now(), cur.Version, &cur, nil)
	})
	if err != nil {
		return fmt.Errorf("remove glossary entry %s: %w", id, err)
	}
	return nil
}

// GlossaryChange is one line of an entry's history.
type GlossaryChange struct {
	Seq     int64           `json:"seq"`
	EntryID string          `json:"id"`
	Action  string          `json:"action"`
	Who     string          `json:"who"`
	At      time.Time       `json:"at"`
	Version int64           `json:"version"`
	Before  *glossary.Entry `json:"before,omitempty"`
	After   *glossary.Entry `json:"after,omitempty"`
}

// GlossaryHistory returns the changes of an entry, oldest first (also for a
// removed entry).
func (db *DB) GlossaryHistory(ctx context.Context, id string) ([]GlossaryChange, error) {
	var rows []struct {
		Seq     int64          `db:"seq"`
		EntryID string         `db:"entry_id"`
		Action  string         `db:"action"`
		Who     string         `db:"who"`
		At      string         `db:"at"`
		Version int64          `db:"version"`
		Before  sql.NullString `db:"before"`
		After   sql.NullString `db:"after"`
	}
	if err := db.reader.SelectContext(ctx, &rows, `SELECT seq, entry_id, action, who, at, version, before, after
		FROM glossary_history WHERE entry_id = ? ORDER BY seq`, id); err != nil {
		return nil, fmt.Errorf("glossary history %s: %w", id, err)
	}
	out := make([]GlossaryChange, 0, len(rows))
	for _, r := range rows {
		c := GlossaryChange{Seq: r.Seq, EntryID: r.EntryID, Action: r.Action, Who: r.Who, Version: r.Version}
		var err error
		if c.At, err = time.Parse(timeFormat, r.At); err != nil {
			return nil, fmt.Errorf("glossary history %s: %w", id, err)
		}
		for _, s := range []struct {
			src sql.NullString
			dst **glossary.Entry
		}{{r.Before, &c.Before}, {r.After, &c.After}} {
			if !s.src.Valid {
				continue
			}
			var e glossary.Entry
			if err := json.Unmarshal([]byte(s.src.String), &e); err != nil {
				return nil, fmt.Errorf("glossary history %s seq %d: %w", id, r.Seq, err)
			}
			*s.dst = &e
		}
		out = append(out, c)
	}
	return out, nil
}

// ImportStats counts what an import did.
type ImportStats struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// Conflicts are rows exported from an older version of an entry that
	// someone has changed since: they were not imported.
	Conflicts []ImportConflict `json:"conflicts,omitempty"`
}

// ImportConflict is an imported row based on an older version of its
// entry than the stored one, with both contents.
type ImportConflict struct {
	ID     string         `json:"id"`
	Stored glossary.Entry `json:"stored"`
	File   glossary.Entry `json:"file"`
}

// ImportOptions change how ImportGlossaryWith treats rows.
type ImportOptions struct {
	// Force imports rows based on an older version of their entry over the
	// changes made since (otherwise they are conflicts, left alone).
	Force bool
}

// ImportGlossary adds or updates the entries (matched by id) in one
// transaction: either every entry is stored or none. Entries whose content
// is unchanged are left alone (no new version).
func (db *DB) ImportGlossary(ctx context.Context, entries []glossary.Entry, who string) (ImportStats, error) {
	return db.ImportGlossaryWith(ctx, entries, who, ImportOptions{})
}

// ImportGlossaryWith is ImportGlossary with options. A row that carries the
// version it was exported from (the version column) and differs from an
// entry changed since is a conflict: listed, not imported, unless Force.
func (db *DB) ImportGlossaryWith(ctx context.Context, entries []glossary.Entry, who string, opts ImportOptions) (ImportStats, error) {
	var st ImportStats
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		var err error
		st, err = importEntries(ctx, tx, entries, who, opts)
		return err
	})
	if err != nil {
		return ImportStats{}, fmt.Errorf("import glossary: %w", err)
	}
	return st, nil
}

// importEntries is ImportGlossary within tx.
func importEntries(ctx context.Context, tx *sqlx.Tx, entries []glossary.Entry, who string, opts ImportOptions) (ImportStats, error) {
	var st ImportStats
	err := func() error {
		now := time.Now()
		for _, e := range entries {
			e.Normalize()
			if err := e.Validate(); err != nil {
				return fmt.Errorf("entry %s: %w", e.ID, err)
			}
			var r glossaryRow
			err := tx.GetContext(ctx, &r, "SELECT "+glossaryColumns+" FROM glossary_entries WHERE id = ?", e.ID)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if _, err := insertEntry(ctx, tx, e, who, "import", now); err != nil {
					return fmt.Errorf("entry %s: %w", e.ID, err)
				}
				st.Added++
				continue
			case err != nil:
				return fmt.Errorf("entry %s: %w", e.ID, err)
			}
			cur, err := r.entry()
			if err != nil {
				return err
			}
			if sameContent(cur, e) {
				st.Unchanged++
				continue
			}
			if e.Version > 0 && e.Version < cur.Version && !opts.Force {
				st.Conflicts = append(st.Conflicts, ImportConflict{ID: e.ID, Stored: cur, File: e})
				continue
			}
			if _, err := updateEntry(ctx, tx, cur, e, who, "import", now); err != nil {
				return fmt.Errorf("entry %s: %w", e.ID, err)
			}
			st.Updated++
		}
		return nil
	}()
	return st, err
}

// SeedGlossary gives a database its first glossary, once in its life: when
// it has never been seeded, the entries are imported if the glossary is
// empty (a database that already has a glossary keeps it as it is), and
// the database remembers it was seeded (with version), so that entries a
// user removes stay removed. It reports whether it imported the entries.
func (db *DB) SeedGlossary(ctx context.Context, entries []glossary.Entry, version, who string) (bool, error) {
	imported := false
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		imported = false
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM settings WHERE key = 'glossary_seed'`); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM glossary_entries`); err != nil {
			return err
		}
		if n == 0 {
			if _, err := importEntries(ctx, tx, entries, who, ImportOptions{}); err != nil {
				return err
			}
			imported = true
		}
		value := version
		if !imported {
			value = "skipped: the database had a glossary"
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('glossary_seed', ?)`, value)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("seed glossary: %w", err)
	}
	return imported, nil
}

// Setting returns a stored setting, "" when it is not set.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v []string
	if err := db.reader.SelectContext(ctx, &v, `SELECT value FROM settings WHERE key = ?`, key); err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	if len(v) == 0 {
		return "", nil
	}
	return v[0], nil
}

func sameContent(a, b glossary.Entry) bool {
	return glossary.Version([]glossary.Entry{a}) == glossary.Version([]glossary.Entry{b}) && a.Domain == b.Domain && a.Note == b.Note
}

// GlossaryStamp changes whenever an entry is added, changed or removed; it
// is cheap to read, so callers can keep a built glossary until it moves.
func (db *DB) GlossaryStamp(ctx context.Context) (string, error) {
	var st struct {
		N   int64  `db:"n"`
		Max string `db:"mx"`
		Sum int64  `db:"sm"`
	}
	err := db.reader.GetContext(ctx, &st,
		`SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), '') AS mx, COALESCE(SUM(version), 0) AS sm FROM glossary_entries`)
	if err != nil {
		return "", fmt.Errorf("glossary stamp: %w", err)
	}
	return fmt.Sprintf("%d/%s/%d", st.N, st.Max, st.Sum), nil
}
