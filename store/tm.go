package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// TMEntry is a unit of a translation memory brought from another tool.
type TMEntry struct {
	Key    string `db:"key"` // HumanKey of the Russian
	Source string `db:"source"`
	Target string `db:"target"`
	File   string `db:"file"`
	TUID   string `db:"tuid"`
}

// TMImport counts what ImportTM did.
type TMImport struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`   // a Russian sentence the memory had: the later unit wins
	Unchanged int `json:"unchanged"` // the same English again
}

// ImportTM stores the units next gives into the memory of imported
// translations, in one transaction: an error (a malformed file halfway)
// stores nothing. next returns false at the end. Units are read one at a
// time, so a memory of any size imports in bounded memory.
func (db *DB) ImportTM(ctx context.Context, file, who string, next func() (TMEntry, bool, error)) (TMImport, error) {
	var st TMImport
	now := time.Now().UTC().Format(timeFormat)
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		st = TMImport{}
		get, err := tx.PreparexContext(ctx, `SELECT target FROM tm_memory WHERE key = ?`)
		if err != nil {
			return err
		}
		defer get.Close()
		put, err := tx.PreparexContext(ctx, `INSERT INTO tm_memory (key, source, target, file, tuid, imported_by, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET source = excluded.source, target = excluded.target,
			file = excluded.file, tuid = excluded.tuid, imported_by = excluded.imported_by, imported_at = excluded.imported_at`)
		if err != nil {
			return err
		}
		defer put.Close()
		for {
			e, ok, err := next()
			if err != nil {
				return err
			}
			if !ok {
				return nil
			}
			e.Source, e.Target = strings.TrimSpace(e.Source), strings.TrimSpace(e.Target)
			if e.Source == "" || e.Target == "" {
				continue
			}
			if e.Key == "" {
				e.Key = HumanKey(e.Source)
			}
			var old string
			switch err := get.GetContext(ctx, &old, e.Key); {
			case err == nil && old == e.Target:
				st.Unchanged++
				continue
			case err == nil:
				st.Updated++
			default:
				st.Added++
			}
			if _, err := put.ExecContext(ctx, e.Key, e.Source, e.Target, file, e.TUID, who, now); err != nil {
				return fmt.Errorf("unit %s: %w", e.TUID, err)
			}
		}
	})
	if err != nil {
		return TMImport{}, fmt.Errorf("import the memory %s: %w", file, err)
	}
	return st, nil
}

// FindTM returns the imported translations of the given Russian sentences,
// by HumanKey.
func (db *DB) FindTM(ctx context.Context, sources []string) (map[string]TMEntry, error) {
	out := map[string]TMEntry{}
	if len(sources) == 0 {
		return out, nil
	}
	keys := make([]string, len(sources))
	for i, s := range sources {
		keys[i] = HumanKey(s)
	}
	var rows []TMEntry
	if err := db.reader.SelectContext(ctx, &rows, `SELECT key, source, target, file, tuid
		FROM tm_memory WHERE key IN (SELECT value FROM json_each(?))`, jsonOf(keys, "[]")); err != nil {
		return nil, fmt.Errorf("look up imported translations: %w", err)
	}
	for _, r := range rows {
		out[r.Key] = r
	}
	return out, nil
}

// CountTMHits counts the imported translations served.
func (db *DB) CountTMHits(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	return db.Write(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE tm_memory SET hits = hits + 1 WHERE key IN (SELECT value FROM json_each(?))`, jsonOf(keys, "[]"))
		return err
	})
}
