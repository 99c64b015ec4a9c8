package xliff

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/format/internal/fixture"
	"github.com/bitext/bitext/format/internal/xmlx"
)

var update = flag.Bool("update", false, "rewrite golden files")

var testHeader = Header{ToolVersion: "1.2.3", Date: time.Date(2025, 3, 6, 12, 0, 0, 0, time.UTC)}

func units() []Unit {
	var us []Unit
	for _, c := range fixture.Cases() {
		u := Unit{Pair: c.Pair, RUSentences: c.RUSentences, ENSentences: c.ENSentences}
		if c.Pair.Doc == 9 {
			u.File = "reports/второй <doc> & co.txt"
		}
		us = append(us, u)
	}
	return us
}

func encode(t testing.TB, h Header, us []Unit) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := NewEncoder(&buf, h)
	for _, u := range us {
		if err := e.Encode(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if e.Count() != len(us) {
		t.Fatalf("Count %d, want %d", e.Count(), len(us))
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it); got:\n%s", path, got)
	}
}

type export struct {
	units []Unit
	data  []byte
}

func exports(t *testing.T) map[string]export {
	all := units()
	return map[string]export{
		"all.xlf.golden":   {all, encode(t, testHeader, all)},
		"empty.xlf.golden": {nil, encode(t, Header{}, nil)},
	}
}

func TestEncodeGolden(t *testing.T) {
	for name, x := range exports(t) {
		t.Run(name, func(t *testing.T) { golden(t, name, x.data) })
	}
}

func TestStateTable(t *testing.T) {
	want := map[int64]struct {
		kind             Kind
		state, qualifier string
		approved         bool
	}{
		101: {KindApproved, "final", "", true},
		102: {KindMachineDraft, "needs-review-translation", "leveraged-mt", false},
		103: {KindMemoryDraft, "needs-review-translation", "leveraged-tm", false},
		104: {KindHumanDraft, "translated", "", false},
		105: {KindRejected, "needs-translation", "", false},
		106: {KindNoEnglish, "new", "", false},
		107: {KindNoEnglish, "new", "", false},
		108: {KindSourceDraft, "needs-review-translation", "", false},
		109: {KindApproved, "final", "", true},
		110: {KindApproved, "final", "", true},
		111: {KindHumanDraft, "translated", "", false},
	}
	seen := map[Kind]bool{}
	for _, c := range fixture.Cases() {
		w := want[c.Pair.ID]
		r := TargetState(&c.Pair)
		if r.Kind != w.kind || r.State != w.state || r.Qualifier != w.qualifier || r.Approved != w.approved {
			t.Errorf("%s: %+v, want %+v", c.Name, r, w)
		}
		seen[r.Kind] = true
		// what we write reads back as the pair's status
		target := c.Pair.EN
		if r.EmptyTarget {
			target = ""
		}
		approved := ""
		if r.Approved {
			approved = "yes"
		}
		status := c.Pair.Status
		if status == "" {
			status = bitext.StatusDraft
		}
		if got := StatusOf(r.State, approved, target); got != status {
			t.Errorf("%s: reads back as %s, want %s", c.Name, got, status)
		}
	}
	if len(seen) != len(States()) {
		t.Errorf("the fixtures cover %d kinds of %d", len(seen), len(States()))
	}
	// the README has the table
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range States() {
		q := r.Qualifier
		if q == "" {
			q = "–"
		}
		row := regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(string(r.Kind)) + ` \|[^\n]*\| ` + regexp.QuoteMeta(r.State) + `[^|]*\| ` + regexp.QuoteMeta(q) + ` \|`)
		if !row.Match(readme) {
			t.Errorf("README.md has no row for %s (%s, %s)", r.Kind, r.State, q)
		}
	}
}

func TestStatusOf(t *testing.T) {
	for _, tc := range []struct {
		state, approved, target string
		want                    bitext.Status
	}{
		{"final", "yes", "x", bitext.StatusApproved},
		{"final", "", "x", bitext.StatusApproved},
		{"FINAL", "no", "x", bitext.StatusDraft},
		{"signed-off", "", "x", bitext.StatusApproved},
		{"translated", "yes", "x", bitext.StatusApproved},
		{"", "yes", "", bitext.StatusApproved},
		{"needs-translation", "", "x", bitext.StatusRejected},
		{"needs-translation", "", " ", bitext.StatusDraft},
		{"new", "", "", bitext.StatusDraft},
		{"translated", "", "x", bitext.StatusDraft},
		{"needs-review-translation", "no", "x", bitext.StatusDraft},
		{"needs-l10n", "", "x", bitext.StatusDraft},
		{"x-custom", "", "x", bitext.StatusDraft},
		{"", "", "x", bitext.StatusDraft},
	} {
		if got := StatusOf(tc.state, tc.approved, tc.target); got != tc.want {
			t.Errorf("StatusOf(%q, %q, %q) = %s, want %s", tc.state, tc.approved, tc.target, got, tc.want)
		}
	}
}

func TestEncodeSegments(t *testing.T) {
	data := string(encode(t, testHeader, units()))
	for _, want := range []string{
		`<seg-source xml:lang="ru"><mrk mtype="seg" mid="1">Выручка выросла на 5 %.</mrk> <mrk mtype="seg" mid="2">Прибыль составила 3 млн руб.</mrk></seg-source>`,
		// 2-1: the English is one text
		`state-qualifier="leveraged-mt">Revenue grew by 5%, and profit was 3 million rubles.</target>`,
		// 2-2: the English is segmented like the Russian
		`<target xml:lang="en" state="final"><mrk mtype="seg" mid="1">The first sentence.</mrk> <mrk mtype="seg" mid="2">The second sentence.</mrk></target>`,
		`<alt-trans origin="bitext-mt">`,
		`<note from="bitext" priority="1">glossary: «прибыль» is not rendered`,
		`<note from="bitext" priority="1">QA error (number): 3 million in the Russian, 30 million in the English</note>`,
		`<note from="bitext" priority="5">QA warning (length)`,
		`<note from="bitext" priority="10">QA warning (name), accepted as a false alarm: accepted one</note>`,
		`<note from="bitext" priority="2">translation failed: the model refused twice</note>`,
		`<note from="bitext" priority="3">for the reviewer: check the figures</note>`,
		`<note from="bitext" priority="10">bitext: origin model; machine state needs-review; confidence 0.81; version 1, sentences [1, 2]:[1, 2]</note>`,
		`<trans-unit id="p102" extradata="bitext doc=7 pair=102 version=1">`,
		`<trans-unit id="p101" approved="yes" extradata="bitext doc=7 pair=101 version=3">`,
		`<target xml:lang="en" state="new"></target>`,
		`<file original="reports/второй &lt;doc&gt; &amp; co.txt"`,
	} {
		if !strings.Contains(data, want) {
			t.Errorf("no %s", want)
		}
	}
	if n := strings.Count(data, "<file "); n != 2 {
		t.Errorf("%d files, want one per document", n)
	}
	// sentences that do not make up the text are not written
	c := fixture.Cases()[1]
	c.Pair.RU = "Выручка выросла. Прибыль тоже."
	out := string(encode(t, Header{}, []Unit{{Pair: c.Pair, RUSentences: c.RUSentences, ENSentences: c.ENSentences}}))
	if strings.Contains(out, "seg-source") {
		t.Errorf("stale sentences written:\n%s", out)
	}
}

func TestEncodeControlsAndMarkup(t *testing.T) {
	data := encode(t, Header{}, units())
	for _, bad := range []string{"\x01", "\x0b", "\x1f", "a < b", "&&"} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("output holds %q", bad)
		}
	}
	for _, good := range []string{"a &lt; b &amp;&amp; c &gt; d", "🙂", "&#13;\nвторая строка\tтаб", "'апостроф' конец"} {
		if !bytes.Contains(data, []byte(good)) {
			t.Errorf("output lacks %q", good)
		}
	}
}

func TestEncodeNeedsID(t *testing.T) {
	e := NewEncoder(&bytes.Buffer{}, Header{})
	if err := e.Encode(Unit{Pair: bitext.Pair{Doc: 3, Index: 4, RU: "x"}}); err == nil || !strings.Contains(err.Error(), "no id") {
		t.Fatalf("error %v", err)
	}
}

func TestValidate(t *testing.T) {
	for name, x := range exports(t) {
		t.Run(name, func(t *testing.T) {
			fixture.Xmllint(t, x.data, "out.xlf", "--schema", fixture.Formats+"/xliff-core-1.2-strict.xsd")
		})
	}
}

// toolkitXLIFF prints the units translate-toolkit reads from an XLIFF on
// standard input.
const toolkitXLIFF = `
import sys, json
from translate.storage import xliff
store = xliff.xlifffile.parsestring(sys.stdin.buffer.read())
print(json.dumps([{"id": u.getid(), "source": u.source, "target": u.target, "approved": u.isapproved(),
  "fuzzy": u.isfuzzy(), "translated": u.istranslated(), "state_n": u.get_state_n()} for u in store.units if not u.isheader()]))
`

type toolkitUnit struct {
	ID, Source, Target          string
	Approved, Fuzzy, Translated bool
	StateN                      int `json:"state_n"`
}

func TestTranslateToolkitReads(t *testing.T) {
	x := exports(t)["all.xlf.golden"]
	var got []toolkitUnit
	if err := json.Unmarshal(fixture.Toolkit(t, toolkitXLIFF, x.data), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(x.units) {
		t.Fatalf("translate-toolkit reads %d units, we wrote %d", len(got), len(x.units))
	}
	// translate-toolkit ranks the states (get_state_n): new <
	// needs-translation < needs-review-translation < translated < final
	// (approved)
	rank := map[string]int{}
	for i, u := range x.units {
		g, p, row := got[i], u.Pair, TargetState(&u.Pair)
		rank[row.State] = g.StateN
		// translate-toolkit prefixes the file's original and U+0004
		if _, id, _ := strings.Cut(g.ID, "\x04"); id != "p"+strconv.FormatInt(p.ID, 10) {
			t.Errorf("unit %d: id %q", i, g.ID)
		}
		wantTarget := p.EN
		if row.EmptyTarget {
			wantTarget = ""
		}
		same := func(a, b string) bool { return xmlx.Space(a) == xmlx.Space(xmlx.Clean(b)) }
		if !same(g.Source, p.RU) || !same(g.Target, wantTarget) {
			t.Errorf("unit %d: translate-toolkit %q → %q, we wrote %q → %q", i, g.Source, g.Target, p.RU, wantTarget)
		}
		if g.Approved != (p.Status == bitext.StatusApproved) {
			t.Errorf("unit %d (%s): approved %v", i, row.Kind, g.Approved)
		}
		// translate-toolkit 3.8: every unit not approved with a target
		// text is fuzzy
		if g.Fuzzy != (!row.Approved && !row.EmptyTarget) {
			t.Errorf("unit %d (%s): fuzzy %v", i, row.Kind, g.Fuzzy)
		}
	}
	order := []string{"new", "needs-translation", "needs-review-translation", "translated", "final"}
	for i := 1; i < len(order); i++ {
		if rank[order[i-1]] >= rank[order[i]] {
			t.Errorf("translate-toolkit ranks %s (%d) not below %s (%d)", order[i-1], rank[order[i-1]], order[i], rank[order[i]])
		}
	}
	t.Logf("translate-toolkit state_n: %v", rank)
}

// TestPocount checks that pocount counts our file as we do.
func TestPocount(t *testing.T) {
	path, err := exec.LookPath("pocount")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pocount is missing (apt-get install translate-toolkit)")
		}
		t.Skip("pocount is missing")
	}
	x := exports(t)["all.xlf.golden"]
	file := filepath.Join(t.TempDir(), "all.xlf")
	if err := os.WriteFile(file, x.data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, file).CombinedOutput()
	if err != nil {
		t.Fatalf("pocount: %v\n%s", err, out)
	}
	text := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(string(out), "")
	t.Logf("pocount:\n%s", text)
	got := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^([A-Za-z-]+): +(\d+)`).FindAllStringSubmatch(text, -1) {
		got[m[1]], _ = strconv.Atoi(m[2])
	}
	// translate-toolkit: Translated = approved, Fuzzy = any other unit
	// with a target, Untranslated = no target text; by state: Final,
	// Needs-Review (needs-review-*), Unreviewed (translated), Needs-Work
	// (needs-translation), Empty (new)
	want := map[string]int{}
	for _, u := range x.units {
		want["Total"]++
		row := TargetState(&u.Pair)
		switch {
		case row.Approved:
			want["Translated"]++
		case row.EmptyTarget:
			want["Untranslated"]++
		default:
			want["Fuzzy"]++
		}
		want[map[string]string{"final": "Final", "needs-review-translation": "Needs-Review", "translated": "Unreviewed",
			"needs-translation": "Needs-Work", "new": "Empty"}[row.State]]++
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("pocount %s: %d, we count %d", k, got[k], n)
		}
	}
}
