package input

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTree creates files (path → contents) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
}

// rel returns p relative to dir with forward slashes.
func rel(dir, p string) string {
	r, err := filepath.Rel(dir, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// TestExpandAccountsForEveryFile checks that every entry of a folder is
// either returned, skipped with the right reason, or refused, and that
// nothing is silently left out.
func TestExpandAccountsForEveryFile(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"b.txt": "Текст.", "a.md": "# Заголовок", "c.html": "<p>Текст</p>", "sub/d.htm": "<p>Да</p>", "sub/e.TXT": "Да.",
		"z.text":      "Текст.",
		"notes":       "Заметки к брифингу официального представителя.\n",
		"page":        "<!DOCTYPE html><html><body><p>Текст</p></body></html>",
		"blob":        "\x01\x00\x00\x00\x10\x27\x00\x00\xFF\x7F\x00\x00",
		"empty":       "",
		"report.pdf":  "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n",
		"scan.png":    "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",
		"photo.JPG":   "\xFF\xD8\xFF\xE0\x00\x10JFIF",
		"old.doc":     "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00",
		"letter.rtf":  "{\\rtf1\\ansi Текст}",
		"saved.doc":   "{\\rtf1\\ansi Word saves RTF as .doc}",
		"book.odt":    "PK\x03\x04\x14\x00\x00\x00",
		"bundle.bin":  "PK\x03\x04\x14\x00\x00\x00",
		"table.csv":   "ru,en\nМИБ,IIS\n",
		"big.txt":     strings.Repeat("Текст. ", 100),
		".hidden.txt": "Скрытый.",
		".git/f.txt":  "внутри скрытой папки",
		".git/HEAD":   "ref: refs/heads/main",
	})
	symlink(t, "b.txt", filepath.Join(dir, "link.txt"))
	symlink(t, "missing.txt", filepath.Join(dir, "dangling.txt"))
	symlink(t, "loop2", filepath.Join(dir, "loop1"))
	symlink(t, "loop1", filepath.Join(dir, "loop2"))
	symlink(t, "sub", filepath.Join(dir, "linkdir"))
	if _, err := os.Stat(os.DevNull); err == nil {
		symlink(t, os.DevNull, filepath.Join(dir, "null.txt"))
	}
	extra := makeSpecialFiles(t, dir) // FIFO, socket where the system has them

	r := &Reader{MaxBytes: 500}
	files, skipped, errs := r.Expand(context.Background(), []string{dir})

	var got []string
	for _, f := range files {
		got = append(got, rel(dir, f))
	}
	want := []string{"a.md", "b.txt", "c.html", "link.txt", "notes", "page", "sub/d.htm", "sub/e.TXT", "z.text"}
	if !slices.Equal(got, want) {
		t.Errorf("files = %v\nwant    %v", got, want)
	}

	reasons := map[string]string{}
	for _, s := range skipped {
		reasons[rel(dir, s.Path)] = s.Reason
	}
	wantSkipped := map[string]string{
		"blob":         "NUL bytes",
		"empty":        "empty",
		"report.pdf":   "pdftotext",
		"scan.png":     "OCR",
		"photo.JPG":    "OCR",
		"old.doc":      "save it as .docx or plain text",
		"letter.rtf":   "RTF",
		"saved.doc":    "RTF",
		"book.odt":     "OpenDocument",
		"bundle.bin":   "ZIP archive",
		"table.csv":    "extension .csv",
		".hidden.txt":  "hidden file",
		".git":         "hidden folder",
		"dangling.txt": "does not exist",
		"loop1":        "loop",
		"loop2":        "loop",
		"linkdir":      "link to a folder",
	}
	if _, err := os.Stat(os.DevNull); err == nil {
		wantSkipped["null.txt"] = "device"
	}
	for name, hint := range extra {
		wantSkipped[name] = hint
	}
	for name, hint := range wantSkipped {
		reason, ok := reasons[name]
		switch {
		case !ok:
			t.Errorf("%s not listed as skipped", name)
		case !strings.Contains(reason, hint) || !strings.Contains(reason, "; "):
			t.Errorf("%s: reason %q should say %q and what to do", name, reason, hint)
		}
	}
	for name := range reasons {
		if _, ok := wantSkipped[name]; !ok {
			t.Errorf("%s skipped unexpectedly: %s", name, reasons[name])
		}
	}

	if len(errs) != 1 || !errors.Is(errs[0], ErrTooLarge) || pathOfError(errs[0]) != filepath.Join(dir, "big.txt") {
		t.Errorf("errs = %v, want big.txt refused as too large", errs)
	}

	// Every entry is accounted for (the content of hidden folders by the
	// folder's line).
	accounted := map[string]bool{"big.txt": true}
	for _, f := range got {
		accounted[f] = true
	}
	for name := range reasons {
		accounted[name] = true
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		name := rel(dir, p)
		switch {
		case err != nil || p == dir:
		case d.IsDir() && strings.HasPrefix(d.Name(), "."):
			if !accounted[name] {
				t.Errorf("hidden folder %s not listed", name)
			}
			return fs.SkipDir
		case !d.IsDir() && !accounted[name]:
			t.Errorf("%s neither read nor skipped", name)
		}
		return nil
	})
}

func pathOfError(err error) string {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Path
	}
	return ""
}

// TestExpandPaths checks the paths given on the command line: files taken
// as given, once; missing paths and links reported; huge files refused
// from their size.
func TestExpandPaths(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"b.txt": "Текст.", "skip.pdf": "%PDF-1.4", "big.txt": strings.Repeat("x", 101)})
	symlink(t, "missing.txt", filepath.Join(dir, "dangling.txt"))
	symlink(t, "self", filepath.Join(dir, "self"))
	r := &Reader{MaxBytes: 100}
	b, pdf := filepath.Join(dir, "b.txt"), filepath.Join(dir, "skip.pdf")
	files, skipped, errs := r.Expand(context.Background(), []string{pdf, b, b, filepath.Join(dir, "missing.txt"),
		filepath.Join(dir, "dangling.txt"), filepath.Join(dir, "self"), filepath.Join(dir, "big.txt")})
	if !slices.Equal(files, []string{pdf, b}) || len(skipped) != 0 {
		t.Errorf("files = %v, skipped = %v", files, skipped)
	}
	wantErrs := []struct {
		file, hint string
		kind       error
	}{
		{"missing.txt", "does not exist", ErrUnreadable},
		{"dangling.txt", "symbolic link to missing.txt, which does not exist", ErrUnreadable},
		{"self", "loop", ErrUnreadable},
		{"big.txt", "larger than the limit", ErrTooLarge},
	}
	if len(errs) != len(wantErrs) {
		t.Fatalf("errs = %v", errs)
	}
	for i, w := range wantErrs {
		if pathOfError(errs[i]) != filepath.Join(dir, w.file) || !errors.Is(errs[i], w.kind) || !strings.Contains(errs[i].Error(), w.hint) {
			t.Errorf("errs[%d] = %v, want %s: %s (%v)", i, errs[i], w.file, w.hint, w.kind)
		}
	}
}

func TestExpandCanceled(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.txt": "Да.", "b.txt": "Да."})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	files, skipped, errs := (&Reader{}).Expand(ctx, []string{dir})
	if len(files)+len(skipped)+len(errs) != 0 {
		t.Errorf("after cancel: %v %v %v", files, skipped, errs)
	}
}
