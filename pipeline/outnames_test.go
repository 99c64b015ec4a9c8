package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// outNameCases: roots and inputs are relative to a temporary folder, in
// which every input exists; want maps each input to its output base
// (slash-separated), noted lists the inputs that get a note.
var outNameCases = []struct {
	name   string
	roots  []string
	inputs []string
	want   map[string]string
	noted  []string
}{
	{"a folder is mirrored", []string{"in"}, []string{"in/a/b/x.ru.txt", "in/y.txt"},
		map[string]string{"in/a/b/x.ru.txt": "a/b/x", "in/y.txt": "y"}, nil},
	{"one base name in two folders under the root", []string{"in"}, []string{"in/a/x.txt", "in/b/x.txt"},
		map[string]string{"in/a/x.txt": "a/x", "in/b/x.txt": "b/x"}, nil},
	{"files named directly", []string{"in/a/x.txt", "in/b/y.txt"}, []string{"in/a/x.txt", "in/b/y.txt"},
		map[string]string{"in/a/x.txt": "x", "in/b/y.txt": "y"}, nil},
	{"files named directly with one base name", []string{"in/a/x.txt", "in/b/x.txt"}, []string{"in/a/x.txt", "in/b/x.txt"},
		map[string]string{"in/a/x.txt": "x.txt-#in/a/x.txt", "in/b/x.txt": "x.txt-#in/b/x.txt"}, []string{"in/a/x.txt", "in/b/x.txt"}},
	{"two extensions", []string{"in"}, []string{"in/x.txt", "in/x.md", "in/z.txt"},
		map[string]string{"in/x.txt": "x.txt", "in/x.md": "x.md", "in/z.txt": "z"}, []string{"in/x.txt", "in/x.md"}},
	{"a language suffix", []string{"in"}, []string{"in/x.ru.txt", "in/x.txt"},
		map[string]string{"in/x.ru.txt": "x.ru.txt", "in/x.txt": "x.txt"}, []string{"in/x.ru.txt", "in/x.txt"}},
	{"names differing in case only", []string{"in"}, []string{"in/X.txt", "in/x.txt"},
		map[string]string{"in/X.txt": "X.txt-#in/X.txt", "in/x.txt": "x.txt-#in/x.txt"}, []string{"in/X.txt", "in/x.txt"}},
	{"a whole file name meets a plain one", []string{"in"}, []string{"in/x.txt", "in/x.md", "in/x.txt.md"},
		map[string]string{"in/x.txt": "x.txt-#in/x.txt", "in/x.md": "x.md", "in/x.txt.md": "x.txt.md"},
		[]string{"in/x.txt", "in/x.md", "in/x.txt.md"}},
	{"the first folder that holds the file", []string{"in", "in/a/x.txt"}, []string{"in/a/x.txt"},
		map[string]string{"in/a/x.txt": "a/x"}, nil},
}

// TestOutputNames: output names mirror the folders given, do not depend on
// the order of the inputs, and never collide; a clash is resolved the
// same way every time and noted.
func TestOutputNames(t *testing.T) {
	for _, tc := range outNameCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			abs := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
			var roots, inputs []string
			for _, in := range tc.inputs {
				p := abs(in)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
				inputs = append(inputs, p)
			}
			for _, r := range tc.roots {
				roots = append(roots, abs(r))
			}
			want := map[string]string{}
			for in, name := range tc.want {
				if i := strings.Index(name, "#"); i >= 0 { // a hash of the input's path
					sum := sha256.Sum256([]byte(abs(name[i+1:])))
					name = name[:i] + hex.EncodeToString(sum[:])[:8]
				}
				want[abs(in)] = filepath.FromSlash(name)
			}
			names, notes := outputNames(roots, inputs)
			if !maps.Equal(names, want) {
				t.Errorf("names %v, want %v", names, want)
			}
			rev := slices.Clone(inputs)
			slices.Reverse(rev)
			if again, _ := outputNames(roots, rev); !maps.Equal(again, names) {
				t.Errorf("inputs in the other order: %v, first %v", again, names)
			}
			var noted []string
			for in, note := range notes {
				noted = append(noted, in)
				if !strings.Contains(note, filepath.ToSlash(names[in])) {
					t.Errorf("note %q does not give the name %s", note, names[in])
				}
			}
			var wantNoted []string
			for _, in := range tc.noted {
				wantNoted = append(wantNoted, abs(in))
			}
			slices.Sort(noted)
			slices.Sort(wantNoted)
			if !slices.Equal(noted, wantNoted) {
				t.Errorf("notes for %v, want %v (%v)", noted, wantNoted, notes)
			}
		})
	}
}
