package pipeline

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileAtomicAndStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.en.txt")
	if err := writeFileAtomic(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Fatalf("content %q, want the last write", b)
	}
	// What a killed run leaves behind, and a user's own hidden file.
	stale := filepath.Join(dir, ".x.en.txt"+tempMark+"12345")
	mine := filepath.Join(dir, ".notes")
	for _, f := range []string{stale, mine} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removeStaleTemps(dir, nil)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file still there (%v)", err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("a file that is not ours was removed: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left %d files, want x.en.txt and .notes", len(entries))
	}
}
