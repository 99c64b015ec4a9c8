package glossary

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestFreshMatchingSet scores the matcher on a labelled set written by
// someone who saw only the seed glossary, never the matcher or the other
// test sets: an estimate of precision and recall on unseen text. It is
// never used for tuning; the floor only catches a regression.
func TestFreshMatchingSet(t *testing.T) {
	path := filepath.Join("testdata", "fresh-matching.tsv")
	m, _ := seedGlossary(t)
	var tp, fp, fn, cases, negatives int
	eachCase(t, path, 2, func(line int, parts []string) {
		sentence, ids := parts[0], parts[1]
		cases++
		want := map[string]bool{}
		if ids = strings.TrimSpace(ids); ids != "-" {
			for _, id := range strings.Split(ids, ",") {
				want[strings.TrimSpace(id)] = true
			}
		} else {
			negatives++
		}
		got := map[string]bool{}
		for _, mt := range m.Match(sentence) {
			got[mt.ID] = true
		}
		var extra, missing []string
		for id := range got {
			if want[id] {
				tp++
			} else {
				fp++
				extra = append(extra, id)
			}
		}
		for id := range want {
			if !got[id] {
				fn++
				missing = append(missing, id)
			}
		}
		if len(extra)+len(missing) > 0 && testing.Verbose() {
			sort.Strings(extra)
			sort.Strings(missing)
			t.Logf("%s:%d: extra %v, missing %v: %s", path, line, extra, missing, sentence)
		}
	})
	p := float64(tp) / float64(max(1, tp+fp))
	r := float64(tp) / float64(max(1, tp+fn))
	t.Logf("fresh set: %d sentences (%d without a term): precision %.4f recall %.4f (%d true, %d false, %d missed)", cases, negatives, p, r, tp, fp, fn)
	if p < 0.9 || r < 0.9 {
		t.Errorf("precision %.4f / recall %.4f below the 0.9 floor", p, r)
	}
}

// TestFreshVerificationSet scores the verifier on translations labelled by
// someone who saw only the seed glossary and the verifier's contract.
func TestFreshVerificationSet(t *testing.T) {
	path := filepath.Join("testdata", "fresh-verification.tsv")
	m, v := seedGlossary(t)
	var tp, fp, fn, cases, clean int
	var etp, efp, efn int // by entry: is the entry flagged at all, whatever the kind
	var stp, sfp, sfn int // by translation: is anything flagged
	eachCase(t, path, 3, func(line int, parts []string) {
		cases++
		want := map[string]bool{}
		if labels := strings.TrimSpace(parts[2]); labels != "-" {
			for _, l := range strings.Split(labels, ",") {
				want[strings.TrimSpace(l)] = true
			}
		} else {
			clean++
		}
		got := map[string]bool{}
		for _, viol := range v.Verify(m.Match(parts[0]), parts[1]) {
			got[viol.ID+":"+string(viol.Kind)] = true
		}
		switch {
		case len(got) > 0 && len(want) > 0:
			stp++
		case len(got) > 0:
			sfp++
		case len(want) > 0:
			sfn++
		}
		wantIDs, gotIDs := map[string]bool{}, map[string]bool{}
		for k := range want {
			wantIDs[strings.Split(k, ":")[0]] = true
		}
		for k := range got {
			gotIDs[strings.Split(k, ":")[0]] = true
		}
		for id := range gotIDs {
			if wantIDs[id] {
				etp++
			} else {
				efp++
			}
		}
		for id := range wantIDs {
			if !gotIDs[id] {
				efn++
			}
		}
		var extra, missing []string
		for k := range got {
			if want[k] {
				tp++
			} else {
				fp++
				extra = append(extra, k)
			}
		}
		for k := range want {
			if !got[k] {
				fn++
				missing = append(missing, k)
			}
		}
		if len(extra)+len(missing) > 0 && testing.Verbose() {
			sort.Strings(extra)
			sort.Strings(missing)
			t.Logf("%s:%d: extra %v, missing %v: %s | %s", path, line, extra, missing, parts[0], parts[1])
		}
	})
	p := float64(tp) / float64(max(1, tp+fp))
	r := float64(tp) / float64(max(1, tp+fn))
	ep := float64(etp) / float64(max(1, etp+efp))
	er := float64(etp) / float64(max(1, etp+efn))
	sp := float64(stp) / float64(max(1, stp+sfp))
	sr := float64(stp) / float64(max(1, stp+sfn))
	t.Logf("fresh set: %d translations (%d clean)", cases, clean)
	t.Logf("  by translation (anything flagged): precision %.4f recall %.4f (%d true, %d false, %d missed)", sp, sr, stp, sfp, sfn)
	t.Logf("  by entry (any kind): precision %.4f recall %.4f (%d true, %d false, %d missed)", ep, er, etp, efp, efn)
	t.Logf("  by entry and kind: precision %.4f recall %.4f (%d true, %d false, %d missed)", p, r, tp, fp, fn)
	// The labels mark a term replaced by a forbidden rendering as both
	// forbidden and missing, and every entry whose words lie in that span;
	// the verifier reports one violation per English span, under the
	// longest entry. The floor is on translations and entries.
	if sp < 0.95 || sr < 0.95 || ep < 0.85 || er < 0.85 {
		t.Errorf("below the floor: by translation P %.4f R %.4f, by entry P %.4f R %.4f", sp, sr, ep, er)
	}
}

// seedGlossary builds the matcher and verifier of data/glossary.csv.
func seedGlossary(t *testing.T) (*Matcher, *Verifier) {
	t.Helper()
	g, err := os.Open(filepath.Join("..", "data", "glossary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	entries, _, err := Parse(g, CSV, false)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMatcher(entries)
	if err != nil {
		t.Fatal(err)
	}
	return m, NewVerifier(entries)
}

// eachCase calls fn for every case line of a tab-separated labelled set
// (blank lines and # comments skipped), skipping the test when the set is
// absent.
func eachCase(t *testing.T, path string, fields int, fn func(line int, parts []string)) {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not present", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		parts := strings.Split(text, "\t")
		if len(parts) != fields {
			t.Fatalf("%s:%d: want %d tab-separated fields, got %d", path, line, fields, len(parts))
		}
		fn(line, parts)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
