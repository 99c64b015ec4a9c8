package align

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseBead(t *testing.T) {
	tests := []struct {
		in       string
		src, tgt []int
		bad      bool
	}{
		{in: "[0]:[0]", src: []int{0}, tgt: []int{0}},
		{in: "[4]:[5, 6, 7]", src: []int{4}, tgt: []int{5, 6, 7}},
		{in: " [6,7] : [9,10] ", src: []int{6, 7}, tgt: []int{9, 10}},
		{in: "[12]:[]", src: []int{12}, tgt: []int{}},
		{in: "[]:[51]", src: []int{}, tgt: []int{51}},
		{in: "[1]:[2]:0.3512", src: []int{1}, tgt: []int{2}},
		{in: "[1]:[2] x", bad: true},
		{in: "[a]:[2]", bad: true},
		{in: "[1,]:[2]", bad: true},
		{in: "[-1]:[2]", bad: true},
		{in: "[1]-[2]", bad: true},
		{in: "[1]:[2", bad: true},
	}
	for _, tt := range tests {
		src, tgt, err := ParseBead(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseBead(%q) accepted a malformed bead", tt.in)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(src, tt.src) || !reflect.DeepEqual(tgt, tt.tgt) {
			t.Errorf("ParseBead(%q) = %v, %v, %v; want %v, %v", tt.in, src, tgt, err, tt.src, tt.tgt)
		}
	}
}

func FuzzParseBead(f *testing.F) {
	for _, s := range []string{"[0]:[0]", "[4]:[5, 6, 7]", "[]:[3]", "[1]:[]:0.5", "[", "[1,2]:[3", "[99999999999999999999]:[1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		src, tgt, err := ParseBead(s)
		if err != nil {
			return
		}
		// A bead that parses must print back to a form that parses to the
		// same ids.
		out := FormatBead(Bead{Src: src, Tgt: tgt})
		s2, t2, err := ParseBead(out)
		if err != nil || !reflect.DeepEqual(s2, src) || !reflect.DeepEqual(t2, tgt) {
			t.Fatalf("%q → %q → %v %v %v", s, out, s2, t2, err)
		}
	})
}

func TestReadBeadsSkipsCommentsAndBOM(t *testing.T) {
	beads, err := ReadBeads(strings.NewReader("\ufeff[0]:[0]\n# note\n\n[1, 2]:[1]\n"))
	if err != nil || len(beads) != 2 || FormatBead(beads[1]) != "[1, 2]:[1]" {
		t.Fatalf("got %v, %v", beads, err)
	}
	if _, err := ReadBeads(strings.NewReader("[0]:[0]\nnot a bead\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error %v should name line 2", err)
	}
}

func TestCountMatchesDefinition(t *testing.T) {
	gold := []Bead{{Src: []int{0}, Tgt: []int{0}}, {Src: []int{1, 2}, Tgt: []int{1}}, {Src: []int{3}, Tgt: []int{}}, {Src: []int{4}, Tgt: []int{2}}}
	pred := []Bead{{Src: []int{0}, Tgt: []int{0}}, {Src: []int{1}, Tgt: []int{1}}, {Src: []int{2}, Tgt: []int{}}, {Src: []int{3}, Tgt: []int{}}, {Src: []int{4}, Tgt: []int{2}}, {Src: []int{4}, Tgt: []int{2}}}
	c := Count(gold, pred)
	want := Counts{Pred: 5, Gold: 3, PStrict: 3, PLax: 4, RStrict: 2, RLax: 3}
	if c != want {
		t.Errorf("Count = %+v, want %+v", c, want)
	}
}

func TestReadSetRefusesBrokenDocuments(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // file in the document folder → contents
		want  []string          // parts of the error
	}{
		{"good", map[string]string{"src.txt": "a\nb\n", "tgt.txt": "A\n", "gold.txt": "[0, 1]:[0]\n"}, nil},
		{"missing tgt.txt", map[string]string{"src.txt": "a\n", "gold.txt": "[0]:[]\n"}, []string{"tgt.txt", "needs src.txt, tgt.txt and gold.txt"}},
		{"source id out of range", map[string]string{"src.txt": "a\nb\n", "tgt.txt": "A\n", "gold.txt": "[0]:[0]\n# c\n[1, 7]:[0]\n"}, []string{"gold.txt: line 3: bead [1, 7]:[0]", "sentence 7 does not exist: src.txt has 2 lines"}},
		{"unscored deletion bead past the end", map[string]string{"src.txt": "a\n", "tgt.txt": "A\n", "gold.txt": "[0]:[0]\n[1]:[]\n"}, nil},
		{"target id out of range", map[string]string{"src.txt": "a\n", "tgt.txt": "A\n", "gold.txt": "[0]:[0, 1]\n"}, []string{"line 1", "tgt.txt has 1 lines"}},
		{"negative id", map[string]string{"src.txt": "a\n", "tgt.txt": "A\n", "gold.txt": "[-1]:[0]\n"}, []string{"line 1", `bad sentence id "-1"`}},
		{"src.txt not UTF-8", map[string]string{"src.txt": "a\n\xc8\xca\n", "tgt.txt": "A\n", "gold.txt": "[0]:[0]\n"}, []string{"src.txt: line 2 is not valid UTF-8"}},
		{"tgt.txt with NUL bytes", map[string]string{"src.txt": "a\n", "tgt.txt": "A\x00\n", "gold.txt": "[0]:[0]\n"}, []string{"tgt.txt: line 1 has NUL bytes"}},
		{"bad bead", map[string]string{"src.txt": "a\n", "tgt.txt": "A\n", "gold.txt": "[0]:[0\n"}, []string{"line 1", "unclosed target list"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set := t.TempDir()
			doc := filepath.Join(set, "001")
			if err := os.Mkdir(doc, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, text := range tc.files {
				if err := os.WriteFile(filepath.Join(doc, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			docs, err := ReadSet(set)
			if tc.want == nil {
				if err != nil || len(docs) != 1 {
					t.Fatalf("got %d documents, %v", len(docs), err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, %d documents", len(docs))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
