package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestReadOnlyDatabase: with a database whose file and folder cannot be
// written, the commands that only read it work, and those that would
// change it say that it is read-only (exit 2). chmod does not stop root:
// this runs only for other users (store's tests cover the open modes).
func TestReadOnlyDatabase(t *testing.T) {
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		t.Skip("needs a user that file modes bind (not root)")
	}
	dir := filepath.Join(t.TempDir(), "db")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "g.db")
	seed, err := filepath.Abs("../../data/glossary.csv")
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, db, "", "glossary", "import", seed); code != exitOK {
		t.Fatalf("import: %d %s", code, stderr)
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	reads := [][]string{
		{"glossary", "list", "--text", "ИКТ"},
		{"glossary", "show", "iis"},
		{"glossary", "history", "iis"},
		{"glossary", "export", "--format", "tsv"},
		{"glossary", "match", "-"},
	}
	for _, args := range reads {
		code, stdout, stderr := runCLI(t, db, "Стороны обсудили вопросы МИБ.\n", args...)
		if code != exitOK || stdout == "" {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	writes := [][]string{
		{"glossary", "add", "--id", "x1", "--ru", "тест", "--en", "test"},
		{"glossary", "import", seed},
	}
	for _, args := range writes {
		code, _, stderr := runCLI(t, db, "", args...)
		if code != exitUsage || !strings.Contains(stderr, "read-only") || strings.Contains(stderr, "no such file") {
			t.Errorf("%v: exit %d, want %d saying read-only:\n%s", args, code, exitUsage, stderr)
		}
	}
	if left, _ := filepath.Glob(db + "-*"); len(left) != 0 {
		t.Errorf("files left beside the database: %v", left)
	}
}
