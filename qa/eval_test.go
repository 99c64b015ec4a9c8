package qa

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bitext/bitext"
)

// labelled is a pair of the labelled set (testdata/labelled.jsonl, written
// without the checker's code; testdata/labelled.md says how).
type labelled struct {
	ID         string   `json:"id"`
	Doc        string   `json:"doc"`
	RU         string   `json:"ru"`
	EN         string   `json:"en"`
	Errors     []string `json:"errors"`
	Also       []string `json:"also_acceptable"`
	Group      string   `json:"group"`
	Debatable  bool     `json:"debatable"`
	Subtype    string   `json:"subtype"`
	Note       string   `json:"note"`
	SourceItem string   `json:"source_item"`
}

func readLabelled(t testing.TB) []labelled {
	t.Helper()
	f, err := os.Open("testdata/labelled.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l labelled
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("labelled.jsonl: %v", err)
		}
		out = append(out, l)
	}
	return out
}

// score is one kind's confusion counts.
type score struct{ tp, fp, fn int }

func (s score) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s score) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

// evaluate checks the labelled set document by document and scores each
// kind: a pair labelled K and flagged K is a hit; flagged K without the
// label (nor K among its also-acceptable kinds) a false alarm. Debatable
// pairs are left out. It also counts the clean pairs with an
// error-severity finding.
func evaluate(t testing.TB, set []labelled) (map[bitext.FindingKind]*score, []string) {
	byDoc := map[string][]int{}
	var docs []string
	for i, l := range set {
		if byDoc[l.Doc] == nil {
			docs = append(docs, l.Doc)
		}
		byDoc[l.Doc] = append(byDoc[l.Doc], i)
	}
	found := make([][]bitext.Finding, len(set))
	for _, d := range docs {
		idx := byDoc[d]
		ps := make([]Pair, len(idx))
		for k, i := range idx {
			ps[k] = Pair{RU: set[i].RU, EN: set[i].EN}
		}
		for k, fs := range Doc(ps) {
			found[idx[k]] = fs
		}
	}
	kinds := []bitext.FindingKind{bitext.FindingNumber, bitext.FindingDate, bitext.FindingName, bitext.FindingUntranslated,
		bitext.FindingLength, bitext.FindingConsistency, bitext.FindingForm}
	scores := map[bitext.FindingKind]*score{}
	for _, k := range kinds {
		scores[k] = &score{}
	}
	var alarms []string
	groups, hit := map[string]bool{}, map[string]bool{}
	for i, l := range set {
		if slices.Contains(l.Errors, "consistency") && l.Group != "" {
			groups[l.Group] = true
			for _, f := range found[i] {
				if f.Kind == bitext.FindingConsistency {
					hit[l.Group] = true
				}
			}
		}
	}
	t.Logf("consistency groups found: %d of %d", len(hit), len(groups))
	for i, l := range set {
		if l.Debatable {
			continue
		}
		flagged := map[bitext.FindingKind]bool{}
		for _, f := range found[i] {
			flagged[f.Kind] = true
			if len(l.Errors) == 0 && f.Severity == bitext.SeverityError {
				alarms = append(alarms, fmt.Sprintf("%s %s: %s\n    ru: %s\n    en: %s", l.ID, f.Kind, f.Message, l.RU, l.EN))
			}
		}
		for _, k := range kinds {
			labelledK := slices.Contains(l.Errors, string(k))
			switch {
			case labelledK && flagged[k]:
				scores[k].tp++
			case labelledK:
				scores[k].fn++
				if testing.Verbose() {
					t.Logf("missed %s %s (%s): %s\n    ru: %s\n    en: %s", l.ID, k, l.Subtype, l.Note, l.RU, l.EN)
				}
			case flagged[k] && !slices.Contains(l.Also, string(k)):
				scores[k].fp++
				if testing.Verbose() {
					for _, f := range found[i] {
						if f.Kind == k {
							t.Logf("false alarm %s %s [%s]: %s\n    ru: %s\n    en: %s", l.ID, k, f.Severity, f.Message, l.RU, l.EN)
						}
					}
				}
			}
		}
	}
	return scores, alarms
}

// TestLabelledSet measures precision and recall per kind on the labelled
// set (go test -tags sqlite_fts5 -run TestLabelledSet -v ./qa/ prints
// every miss and false alarm) and holds the figures reached.
func TestLabelledSet(t *testing.T) {
	set := readLabelled(t)
	scores, alarms := evaluate(t, set)
	var b strings.Builder
	fmt.Fprintf(&b, "%-13s %5s %5s %5s %9s %7s\n", "kind", "tp", "fp", "fn", "precision", "recall")
	kinds := make([]string, 0, len(scores))
	for k := range scores {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		s := scores[bitext.FindingKind(k)]
		fmt.Fprintf(&b, "%-13s %5d %5d %5d %9.3f %7.3f\n", k, s.tp, s.fp, s.fn, s.precision(), s.recall())
	}
	fmt.Fprintf(&b, "error-severity findings on clean pairs: %d\n", len(alarms))
	t.Logf("labelled set, %d pairs:\n%s", len(set), b.String())
	for _, a := range alarms {
		t.Logf("error on a clean pair: %s", a)
	}
	floors := map[bitext.FindingKind][2]float64{ // precision, recall reached; a change that falls below fails
		bitext.FindingNumber: {0.95, 0.95},
		bitext.FindingDate:   {0.95, 0.95},
	}
	for k, fl := range floors {
		if s := scores[k]; s.precision() < fl[0] || s.recall() < fl[1] {
			t.Errorf("%s: precision %.3f, recall %.3f; want at least %.2f and %.2f", k, s.precision(), s.recall(), fl[0], fl[1])
		}
	}
	if len(alarms) > 0 {
		t.Errorf("%d error-severity findings on clean pairs, want none", len(alarms))
	}
}
