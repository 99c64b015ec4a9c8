package glossary

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The second fresh set (testdata/fresh2, see its README): its own glossary
// of 51 entries, 260 labelled Russian sentences (97 with hard negatives, 30
// with irregular forms of «посол») and 234 labelled translations (128
// clean), written without looking at the code.

func fresh2Glossary(t *testing.T) []Entry {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "fresh2", "glossary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, bad, err := Parse(f, CSV, false)
	if err != nil {
		t.Fatalf("fresh2 glossary: %v %v", err, bad)
	}
	return es
}

// fresh2Rows reads a labelled TSV file: every line has three columns.
func fresh2Rows(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "fresh2", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) != 3 {
			t.Fatalf("%s:%d: %d columns, want 3", name, n, len(parts))
		}
		rows = append(rows, parts)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func splitIDs(s string) []string {
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// TestFresh2Matching reports matching precision and recall on the second
// fresh set, counted per (sentence, entry).
func TestFresh2Matching(t *testing.T) {
	m, err := NewMatcher(fresh2Glossary(t))
	if err != nil {
		t.Fatal(err)
	}
	var c prCounter
	for _, r := range fresh2Rows(t, "matching.tsv") {
		want := splitIDs(r[1])
		var got []string
		for _, mt := range m.Match(r[0]) {
			if !slices.Contains(got, mt.ID) {
				got = append(got, mt.ID)
			}
		}
		slices.Sort(got)
		c.add(got, want)
		if !slices.Equal(got, want) && testing.Verbose() {
			t.Logf("want %v got %v: %s (%s)", want, got, r[0], r[2])
		}
	}
	t.Logf("fresh2 matching: precision %.4f recall %.4f (%d true, %d predicted, %d labelled)", c.p(), c.r(), c.tp, c.predicted, c.truth)
	if c.p() < 0.95 || c.r() < 0.95 {
		t.Errorf("matching precision %.4f recall %.4f, below the 0.95 floor", c.p(), c.r())
	}
}

// TestFresh2Verification reports violation precision and recall on the
// second fresh set, per (translation, entry, kind).
func TestFresh2Verification(t *testing.T) {
	es := fresh2Glossary(t)
	m, err := NewMatcher(es)
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(es)
	var c prCounter
	for _, r := range fresh2Rows(t, "verification.tsv") {
		want := splitIDs(r[2])
		var got []string
		for _, x := range v.Verify(m.Match(r[0]), r[1]) {
			if k := x.ID + ":" + string(x.Kind); !slices.Contains(got, k) {
				got = append(got, k)
			}
		}
		slices.Sort(got)
		c.add(got, want)
		if !slices.Equal(got, want) && testing.Verbose() {
			t.Logf("want %v got %v: %s → %s", want, got, r[0], r[1])
		}
	}
	t.Logf("fresh2 verification: precision %.4f recall %.4f (%d true, %d predicted, %d labelled)", c.p(), c.r(), c.tp, c.predicted, c.truth)
	if c.p() < 0.9 || c.r() < 0.9 {
		t.Errorf("violation precision %.4f recall %.4f, below the 0.9 floor", c.p(), c.r())
	}
}
