package input

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// addFixtureSeeds adds every fixture file as a seed, so plain `go test`
// runs the fuzz targets over them.
func addFixtureSeeds(f *testing.F) {
	for _, dir := range []string{"enc", "bad", "html", "src", "docx"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{
		"", "\r\n\r\n", "a\u00A0b\u200Bc\u00ADd\r", "\xEF\xBB\xBF\xFF", "\xFF\xFE\x00\xD8", "e\u0301\u0327",
		"\uFEFF\n \u2029\u0301", "# Title\n**b** [l](u) `c` ~~s~~ \\*", "<html><body><p>Да</p></body></html>",
	} {
		f.Add([]byte(s))
	}
}

// checkText asserts the properties every normalised text has.
func checkText(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("invalid UTF-8: %q", s)
	}
	if !norm.NFC.IsNormalString(s) {
		t.Fatalf("not NFC: %q", s)
	}
	if strings.ContainsRune(s, '\r') {
		t.Fatalf("contains CR: %q", s)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == '\uFEFF' || r == '\u00A0' || r == '\u200B' || r == '\u00AD' {
			t.Fatalf("contains %U: %q", r, s)
		}
	}
	if strings.Contains(s, " \n") || strings.Contains(s, "\t\n") || strings.HasSuffix(s, "\n") || strings.HasSuffix(s, " ") {
		t.Fatalf("trailing whitespace: %q", s)
	}
}

func FuzzDecode(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		text, enc, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrBinary) && !errors.Is(err, ErrEncoding) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		if enc == "" {
			t.Fatal("no encoding reported")
		}
		if !utf8.ValidString(text) {
			t.Fatalf("%s decoded to invalid UTF-8", enc)
		}
		n := Normalize(text)
		checkText(t, n)
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q -> %q", n, again)
		}
	})
}

func FuzzRead(f *testing.F) {
	addFixtureSeeds(f)
	names := []string{"a.txt", "a.md", "a.html", "a.docx", "a"}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &Reader{}
		for _, name := range names {
			doc, err := r.Read(context.Background(), name, strings.NewReader(string(b)))
			if err != nil {
				var fe *Error
				if !errors.As(err, &fe) || fe.Path != name {
					t.Fatalf("%s: error %v (%T) is not an *Error naming the file", name, err, err)
				}
				continue
			}
			if doc.Text == "" {
				t.Fatalf("%s: empty text without ErrEmpty", name)
			}
			checkText(t, doc.Text)
		}
	})
}
