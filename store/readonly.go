package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/jmoiron/sqlx"
)

// ErrReadOnly is wrapped by the errors for a database that cannot be
// written: its file or its folder is not writable. Commands that only read
// can still open it with OpenReadOnly.
var ErrReadOnly = errors.New("database is read-only")

// readOnlyReason says what keeps the database at path from being written,
// or returns "" when nothing visibly does. A missing file counts as
// writable when its folder is.
func readOnlyReason(path string) string {
	dir := filepath.Dir(path)
	if _, err := os.Stat(path); err == nil && !writable(path) {
		return "the file is not writable"
	}
	if info, err := os.Stat(dir); err == nil && info.IsDir() && !writable(dir) {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return fmt.Sprintf("it does not exist and its folder %s is not writable, so it cannot be created", dir)
		}
		return fmt.Sprintf("its folder %s is not writable (SQLite creates %s-wal and %s-shm beside it)", dir, filepath.Base(path), filepath.Base(path))
	}
	return ""
}

// ReadOnlyError is the error for a database that cannot be written. It
// matches ErrReadOnly with errors.Is.
type ReadOnlyError struct {
	Path   string
	Reason string // what keeps it from being written
	Err    error  // what SQLite said, if anything
}

func (e *ReadOnlyError) Error() string {
	msg := fmt.Sprintf("database %s is read-only: %s; commands that change it cannot run (read-only ones such as 'glossary list', 'glossary export' and 'translate' still work): make the file and its folder writable or give another --db", e.Path, e.Reason)
	if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg
}

// Unwrap returns what SQLite said.
func (e *ReadOnlyError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrReadOnly) true.
func (e *ReadOnlyError) Is(target error) bool { return target == ErrReadOnly }

// readOnlyError is the error for a database that cannot be written.
func readOnlyError(path, reason string, cause error) error {
	return &ReadOnlyError{Path: path, Reason: reason, Err: cause}
}

// roDSN is the connection string for reading only. immutable tells SQLite
// that nobody changes the file while it is open, so that it needs no -shm
// file beside it (it cannot create one in a folder it may not write).
func roDSN(path string, immutable bool) string {
	q := url.Values{}
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	q.Set("_foreign_keys", "1")
	q.Set("_busy_timeout", "5000")
	q.Set("_query_only", "1")
	q.Set("_txlock", "deferred")
	return "file:" + url.PathEscape(path) + "?" + q.Encode()
}

// useImmutable decides whether OpenReadOnly retries, after a plain
// read-only open failed, with immutable=1: only when the folder cannot be
// written (so SQLite could not create the -shm file it needs for a
// database in WAL mode) and no -wal file holds changes (an immutable open
// would not see them).
func useImmutable(dirWritable, walPending bool) bool {
	return !dirWritable && !walPending
}

// OpenReadOnly opens an existing database for reading only, without
// creating, migrating or writing anything; DB.Write fails with
// ErrReadOnly. It works where the file or its folder is not writable. In a
// folder that cannot be written, and without a -wal file beside the
// database, it opens the file as immutable: changes another process makes
// meanwhile are not seen.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: empty path (set --db or BITEXT_DB)")
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("open database %s for reading: it does not exist; check --db (or BITEXT_DB): %w", path, err)
		}
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	r, err := openReader(ctx, path, false)
	if err != nil {
		wal, walErr := os.Stat(path + "-wal")
		walPending := walErr == nil && wal.Size() > 0
		dirWritable := writable(filepath.Dir(path))
		if !dirWritable && walPending {
			return nil, fmt.Errorf("open database %s for reading: %w; its folder is not writable and %s-wal holds changes not yet in the database: open it once with a bitext that may write there, or copy the database with its -wal file into a writable folder", path, err, path)
		}
		if !useImmutable(dirWritable, walPending) {
			return nil, fmt.Errorf("open database %s for reading: %w (is it a SQLite file? A damaged one can be recovered with 'sqlite3 %s .recover')", path, err, path)
		}
		var err2 error
		if r, err2 = openReader(ctx, path, true); err2 != nil {
			return nil, fmt.Errorf("open database %s for reading: %w (is it a SQLite file? A damaged one can be recovered with 'sqlite3 %s .recover')", path, errors.Join(err, err2), path)
		}
	}
	db := &DB{path: path, reader: r}
	if err := db.checkSchemaReadOnly(ctx); err != nil {
		r.Close()
		return nil, err
	}
	return db, nil
}

// openReader opens the read pool and reads the schema version, which
// makes SQLite read the file (a ping alone opens it lazily).
func openReader(ctx context.Context, path string, immutable bool) (*sqlx.DB, error) {
	r, err := sqlx.Open("sqlite3", roDSN(path, immutable))
	if err != nil {
		return nil, err
	}
	r.SetMaxOpenConns(8)
	var v int
	if err := r.GetContext(ctx, &v, "PRAGMA user_version"); err != nil {
		r.Close()
		return nil, err
	}
	var n int
	if err := r.GetContext(ctx, &n, "SELECT count(*) FROM sqlite_master"); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// checkSchemaReadOnly refuses a database whose schema this bitext cannot
// read: newer than it knows, or older and impossible to upgrade here.
func (db *DB) checkSchemaReadOnly(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	cur, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("open database %s for reading: read schema version: %w", db.path, err)
	}
	latest := ms[len(ms)-1].version
	switch {
	case cur > latest:
		return fmt.Errorf("open database %s: schema version %d is newer than this bitext (%d): upgrade bitext", db.path, cur, latest)
	case cur < latest:
		return readOnlyError(db.path, fmt.Sprintf("its schema (version %d) is older than this bitext's (%d) and cannot be upgraded without writing", cur, latest), nil)
	}
	return nil
}

// ReadOnly reports whether the database was opened for reading only.
func (db *DB) ReadOnly() bool { return db.writer == nil }
