package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/bitext/bitext/glossary"
)

// closedTestDB creates a database with one glossary entry in a folder of
// its own, closes it and returns its path.
func closedTestDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportGlossary(ctx, []glossary.Entry{testEntry("iis", "международная информационная безопасность", "international information security")}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkReadOnlyDB asserts that db reads the entry and refuses to write.
func checkReadOnlyDB(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	if !db.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	es, err := db.GlossaryEntries(ctx, GlossaryFilter{})
	if err != nil || len(es) != 1 || es[0].ID != "iis" {
		t.Errorf("entries %v, %v", es, err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	_, err = db.ImportGlossary(ctx, []glossary.Entry{testEntry("x", "икс", "x")}, "test")
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("a write: %v, want ErrReadOnly", err)
	}
}

// TestOpenReadOnly: a database opened for reading answers queries, refuses
// writes with ErrReadOnly, and an immutable open (for a folder that cannot
// be written) leaves no -wal or -shm file behind.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	for _, immutable := range []bool{false, true} {
		path := closedTestDB(t)
		var db *DB
		if immutable {
			r, err := openReader(ctx, path, true)
			if err != nil {
				t.Fatal(err)
			}
			db = &DB{path: path, reader: r}
		} else {
			var err error
			if db, err = OpenReadOnly(ctx, path); err != nil {
				t.Fatal(err)
			}
		}
		checkReadOnlyDB(t, db)
		if err := db.Close(); err != nil {
			t.Error(err)
		}
		if immutable {
			for _, side := range []string{"-wal", "-shm"} {
				if _, err := os.Stat(path + side); err == nil {
					t.Errorf("an immutable open created %s", filepath.Base(path+side))
				}
			}
		}
	}
	if _, err := OpenReadOnly(ctx, filepath.Join(t.TempDir(), "missing.db")); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "--db") {
		t.Errorf("a missing database: %v", err)
	}
}

// TestOpenReadOnlyOldSchema: an older schema cannot be upgraded without
// writing: the error says so and is ErrReadOnly.
func TestOpenReadOnlyOldSchema(t *testing.T) {
	ctx := context.Background()
	path := closedTestDB(t)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, "PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = OpenReadOnly(ctx, path)
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "older") {
		t.Errorf("OpenReadOnly of schema 1: %v", err)
	}
}

func TestUseImmutable(t *testing.T) {
	tests := []struct {
		dirWritable, walPending, want bool
	}{
		{true, false, false}, // SQLite can create -shm: a plain read-only open failed for another reason
		{true, true, false},
		{false, false, true}, // no -shm can be made, and nothing waits in a -wal file
		{false, true, false}, // an immutable open would miss the -wal file's changes
	}
	for _, tc := range tests {
		if got := useImmutable(tc.dirWritable, tc.walPending); got != tc.want {
			t.Errorf("useImmutable(dir writable %v, wal pending %v) = %v, want %v", tc.dirWritable, tc.walPending, got, tc.want)
		}
	}
}

// TestOpenOnReadOnlyFiles: a database whose file or folder cannot be
// written is refused by Open with ErrReadOnly (saying which), and opened
// by OpenReadOnly. chmod does not stop root, so this runs only for other
// users.
func TestOpenOnReadOnlyFiles(t *testing.T) {
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		t.Skip("needs a user that file modes bind (not root)")
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		fileMode  os.FileMode
		dirMode   os.FileMode
		inMessage string
	}{
		{"file", 0o444, 0o755, "the file is not writable"},
		{"folder", 0o644, 0o555, "folder"},
		{"both", 0o444, 0o555, "not writable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := closedTestDB(t)
			dir := filepath.Dir(path)
			if err := os.Chmod(path, tc.fileMode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tc.dirMode); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			if db, err := Open(ctx, path); !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), tc.inMessage) {
				if db != nil {
					db.Close()
				}
				t.Fatalf("Open: %v, want ErrReadOnly naming %q", err, tc.inMessage)
			}
			db, err := OpenReadOnly(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			checkReadOnlyDB(t, db)
		})
	}
}
