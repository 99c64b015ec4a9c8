// Package store keeps bitext's documents, sentences, glossary and
// alignments in one SQLite file.
//
// The database runs in WAL mode with foreign keys on and a busy timeout. All
// writes go through a pool of exactly one connection and run in IMMEDIATE
// transactions (DB.Write), so concurrent writers queue instead of failing;
// reads use a separate pool (DB.Reader). The schema is a series of embedded
// SQL files under migrations/, applied in order and tracked with
// PRAGMA user_version.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open bitext database.
type DB struct {
	path   string
	writer *sqlx.DB // exactly one connection
	reader *sqlx.DB // read pool
}

// dsn builds the connection string; per-connection pragmas belong here so
// that every connection of the pool gets them.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_foreign_keys", "1")
	q.Set("_busy_timeout", "5000")
	if readOnly {
		q.Set("_query_only", "1")
		q.Set("_txlock", "deferred")
	} else {
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "NORMAL")
		q.Set("_txlock", "immediate")
	}
	return "file:" + url.PathEscape(path) + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: empty path (set --db or BITEXT_DB)")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	// SQLite would open a file it may not write read-only, and fail at
	// the first change; say so now instead.
	if _, err := os.Stat(path); err == nil && !writable(path) {
		return nil, readOnlyError(path, "the file is not writable", nil)
	}
	w, err := sqlx.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		if reason := readOnlyReason(path); reason != "" {
			return nil, readOnlyError(path, reason, err)
		}
		return nil, fmt.Errorf("open database %s: %w (is it a SQLite file and writable? A damaged one can be recovered with 'sqlite3 %s .recover', or give another --db)", path, err, path)
	}
	db := &DB{path: path, writer: w}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		if reason := readOnlyReason(path); reason != "" {
			return nil, readOnlyError(path, reason, err)
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r, err := sqlx.Open("sqlite3", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	db.reader = r
	return db, nil
}

// Path returns the file the database lives in.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.reader != nil {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	return errors.Join(errs...)
}

// pool is the writer connection, or the read pool of a database opened
// for reading only.
func (db *DB) pool() *sqlx.DB {
	if db.writer == nil {
		return db.reader
	}
	return db.writer
}

// Reader returns the read pool. Use it for queries only.
func (db *DB) Reader() *sqlx.DB { return db.reader }

// Write runs fn in one IMMEDIATE transaction on the single writer
// connection, committing when fn returns nil and rolling back otherwise.
func (db *DB) Write(ctx context.Context, fn func(tx *sqlx.Tx) error) (err error) {
	if db.writer == nil {
		return readOnlyError(db.path, "it was opened for reading only", nil)
	}
	tx, err := db.writer.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error unless the
// answer is "ok".
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var rows []string
	if err := db.pool().SelectContext(ctx, &rows, "PRAGMA integrity_check"); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(rows) == 1 && rows[0] == "ok" {
		return nil
	}
	return fmt.Errorf("integrity check: %s", strings.Join(rows, "; "))
}

// migration is one embedded schema step.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", name)
		}
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share number %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// SchemaVersion returns the PRAGMA user_version of the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.pool().GetContext(ctx, &v, "PRAGMA user_version")
	return v, err
}

// migrate applies every migration newer than user_version, each in its own
// transaction together with the user_version bump.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	cur, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if n := len(ms); n > 0 && cur > ms[n-1].version {
		return fmt.Errorf("database schema version %d is newer than this bitext (%d): upgrade bitext", cur, ms[n-1].version)
	}
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		err := db.Write(ctx, func(tx *sqlx.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			// PRAGMA does not take bound parameters.
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	return nil
}
