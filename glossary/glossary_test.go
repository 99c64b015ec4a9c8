package glossary

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func seedEntries(tb testing.TB) []Entry {
	tb.Helper()
	f, err := os.Open("../data/glossary.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	es, bad, err := Parse(f, CSV, false)
	if err != nil {
		tb.Fatalf("seed glossary: %v %v", err, bad)
	}
	return es
}

func TestSeedGlossary(t *testing.T) {
	es := seedEntries(t)
	if len(es) < 60 {
		t.Errorf("seed glossary has %d entries, want at least 60", len(es))
	}
	forbidden := 0
	for _, e := range es {
		if len(e.ForbiddenEN) > 0 {
			forbidden++
		}
	}
	if forbidden < 30 {
		t.Errorf("only %d entries carry forbidden renderings", forbidden)
	}
	if _, err := NewMatcher(es); err != nil {
		t.Fatal(err)
	}
}

// readTSV reads a labelled file: lines of TAB-separated fields, # comments.
func readTSV(t *testing.T, name string, fields int) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rec := strings.Split(line, "\t")
		if len(rec) != fields {
			t.Fatalf("%s line %d: %d fields, want %d", name, n, len(rec), fields)
		}
		out = append(out, rec)
	}
	return out
}

func labels(s string) []string {
	if strings.TrimSpace(s) == "-" {
		return nil
	}
	l := strings.Fields(s)
	slices.Sort(l)
	return l
}

// overlap counts the items two sorted multisets share.
func overlap(a, b []string) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

type prCounter struct{ tp, predicted, truth int }

func (c *prCounter) add(pred, truth []string) {
	c.tp += overlap(pred, truth)
	c.predicted += len(pred)
	c.truth += len(truth)
}

func (c prCounter) p() float64 { return ratio(c.tp, c.predicted) }
func (c prCounter) r() float64 { return ratio(c.tp, c.truth) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// TestMatchLabelled measures matching precision and recall over the
// labelled Russian sentences (entry ids per sentence, nested included).
func TestMatchLabelled(t *testing.T) {
	m, err := NewMatcher(seedEntries(t))
	if err != nil {
		t.Fatal(err)
	}
	rows := readTSV(t, "match.tsv", 2)
	if len(rows) < 150 {
		t.Errorf("%d labelled sentences, want at least 150", len(rows))
	}
	var c prCounter
	negatives, falsePos := 0, 0
	for _, r := range rows {
		truth := labels(r[0])
		var pred []string
		for _, x := range m.Match(r[1]) {
			pred = append(pred, x.ID)
		}
		slices.Sort(pred)
		c.add(pred, truth)
		if len(truth) == 0 {
			negatives++
			if len(pred) > 0 {
				falsePos++
			}
		}
		if !reflect.DeepEqual(pred, truth) && !(len(pred) == 0 && len(truth) == 0) {
			t.Logf("disagreement: %q\n  want %v\n  got  %v", r[1], truth, pred)
		}
	}
	t.Logf("matching on %d sentences (%d hard negatives, %d with a false match): precision %.4f recall %.4f (%d/%d predicted, %d/%d true)",
		len(rows), negatives, falsePos, c.p(), c.r(), c.tp, c.predicted, c.tp, c.truth)
	if negatives < 30 {
		t.Errorf("%d hard negatives, want at least 30", negatives)
	}
	if c.p() < 0.98 || c.r() < 0.98 {
		t.Errorf("matching precision %.4f recall %.4f, want ≥ 0.98", c.p(), c.r())
	}
}

// TestVerifyLabelled measures violation detection precision and recall
// over the labelled English translations.
func TestVerifyLabelled(t *testing.T) {
	es := seedEntries(t)
	m, err := NewMatcher(es)
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(es)
	rows := readTSV(t, "verify.tsv", 3)
	if len(rows) < 100 {
		t.Errorf("%d labelled translations, want at least 100", len(rows))
	}
	var c prCounter
	withViolations := 0
	for _, r := range rows {
		truth := labels(r[0])
		if len(truth) > 0 {
			withViolations++
		}
		var pred []string
		for _, x := range v.Verify(m.Match(r[1]), r[2]) {
			pred = append(pred, string(x.Kind)+":"+x.ID)
		}
		slices.Sort(pred)
		c.add(pred, truth)
		if !reflect.DeepEqual(pred, truth) && !(len(pred) == 0 && len(truth) == 0) {
			t.Logf("disagreement: %q\n  want %v\n  got  %v", r[2], truth, pred)
		}
	}
	t.Logf("verification on %d translations (%d with violations): precision %.4f recall %.4f (%d/%d predicted, %d/%d true)",
		len(rows), withViolations, c.p(), c.r(), c.tp, c.predicted, c.tp, c.truth)
	if c.p() < 0.98 || c.r() < 0.98 {
		t.Errorf("violation precision %.4f recall %.4f, want ≥ 0.98", c.p(), c.r())
	}
}

var matchCases = []struct {
	name string
	text string
	want []string // "id@surface", nested ones prefixed with "  "
}{
	{"inflected multi-word", "вопросы международной информационной безопасностью",
		[]string{"iis@международной информационной безопасностью", "  is@информационной безопасностью"}},
	{"ё folded", "Организация Объединённых Наций", []string{"un-full@Организация Объединённых Наций"}},
	{"abbreviation in hyphenated compound", "в ИКТ-среде", []string{"ict-env@ИКТ-среде", "  ict@ИКТ"}},
	{"abbreviation not inside words", "в конфликте и в ЦМИБ", nil},
	{"abbreviation is case-sensitive", "мид и икт", nil},
	{"inserted abbreviation", "Рабочая группа ООН открытого состава",
		[]string{"oewg@Рабочая группа ООН открытого состава", "  un@ООН"}},
	{"inserted parenthesis", "Рабочая группа (далее – РГОС) открытого состава",
		[]string{"oewg@Рабочая группа (далее – РГОС) открытого состава", "  oewg-abbr@РГОС"}},
	{"one-word term exact forms", "безопасный суверенный суверенитета", []string{"sovereignty@суверенитета"}},
	{"longest wins", "Совет Безопасности Российской Федерации",
		[]string{"sc-rf@Совет Безопасности Российской Федерации", "  sc@Совет Безопасности", "  rf@Российской Федерации"}},
	{"case-sensitive entry", "совет безопасности", nil},
	{"no match across a sentence break", "Рабочая группа открытого. Состава", nil},
	{"two occurrences", "РГОС и РГОС", []string{"oewg-abbr@РГОС", "oewg-abbr@РГОС"}},
	{"abbreviation variant with ending", "представитель МИДа", []string{"mfa@МИДа"}},
	{"empty", "", nil},
}

func TestMatchCases(t *testing.T) {
	m, err := NewMatcher(seedEntries(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range matchCases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, x := range m.Match(tc.text) {
				if tc.text[x.Start:x.End] != x.Surface {
					t.Errorf("span %d-%d is %q, surface %q", x.Start, x.End, tc.text[x.Start:x.End], x.Surface)
				}
				s := x.ID + "@" + x.Surface
				if x.Nested {
					s = "  " + s
				}
				got = append(got, s)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Match(%q)\n got %q\nwant %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestDeprecatedEntriesNotMatched(t *testing.T) {
	es := []Entry{{ID: "a", RU: "меры укрепления доверия", EN: "confidence-building measures", Status: Deprecated}}
	m, err := NewMatcher(es)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Match("меры укрепления доверия"); len(got) != 0 {
		t.Errorf("deprecated entry matched: %v", got)
	}
}

func TestRepair(t *testing.T) {
	es := seedEntries(t)
	m, _ := NewMatcher(es)
	v := NewVerifier(es)
	ru := "Стороны обсудили МИБ и меры укрепления доверия в ИКТ-среде."
	en := "The parties discussed IIB and trust-building measures in the ICT environment. IIB matters."
	vs := v.Verify(m.Match(ru), en)
	fixed, rest := v.Repair(en, vs)
	want := "The parties discussed international information security and confidence-building measures in the ICT environment. International information security matters."
	if fixed != want {
		t.Errorf("Repair:\n got %q\nwant %q", fixed, want)
	}
	if len(rest) != 0 {
		t.Errorf("left %v", rest)
	}
	if again := v.Verify(m.Match(ru), fixed); len(again) != 0 {
		t.Errorf("repaired text still has %v", again)
	}

	// A rendering forbidden by two entries is ambiguous; a missing term is
	// left alone; offsets of what remains follow the repairs.
	en = "IIB is discussed by the Ministry of International Affairs."
	vs = v.Verify(m.Match("МИБ обсуждается в Министерстве иностранных дел, а также МИД."), en)
	fixed, rest = v.Repair(en, vs)
	if !strings.HasPrefix(fixed, "International information security is") {
		t.Errorf("repaired %q", fixed)
	}
	kinds := map[ViolationKind]int{}
	for _, r := range rest {
		kinds[r.Kind]++
		if r.Kind == Forbidden && fixed[r.Start:r.End] != r.Found {
			t.Errorf("remaining violation offsets not moved: %q at %d-%d in %q", r.Found, r.Start, r.End, fixed)
		}
	}
	if kinds[Forbidden] != 1 || kinds[Missing] != 1 {
		t.Errorf("remaining %v, want one ambiguous forbidden and one missing", rest)
	}
}

func TestVerifyCountsOccurrences(t *testing.T) {
	es := seedEntries(t)
	m, _ := NewMatcher(es)
	v := NewVerifier(es)
	ru := "ИКТ, ИКТ и снова ИКТ."
	for _, tc := range []struct {
		en  string
		got int
	}{{"ICTs, ICT and again ICT-related.", 3}, {"ICTs and again ICTs.", 2}, {"Nothing.", 0}} {
		vs := v.Verify(m.Match(ru), tc.en)
		if tc.got == 3 {
			if len(vs) != 0 {
				t.Errorf("%q: %v", tc.en, vs)
			}
			continue
		}
		if len(vs) != 1 || vs[0].Kind != Missing || vs[0].Want != 3 || vs[0].Got != tc.got {
			t.Errorf("%q: %v, want missing 3/%d", tc.en, vs, tc.got)
		}
	}
}

func TestFormatsRoundTrip(t *testing.T) {
	es := seedEntries(t)
	es = append(es, Entry{ID: "odd", RU: "термин\tс табом", EN: "a \"quoted\", term", Note: "line one\nline two\\x",
		ENVariants: []string{"v1", "v2"}, CaseSensitive: true, Abbreviation: true, Domain: "d", Status: Admitted})
	es[len(es)-1].Normalize()
	for _, tc := range []struct {
		name string
		f    Format
		tbx  int
	}{{"csv", CSV, 0}, {"tsv", TSV, 0}, {"tbx2", TBX, 2}, {"tbx3", TBX, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			var err error
			if tc.tbx != 0 {
				err = WriteTBX(&buf, es, tc.tbx)
			} else {
				err = Write(&buf, tc.f, es)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, bad, err := Parse(bytes.NewReader(buf.Bytes()), tc.f, false)
			if err != nil {
				t.Fatalf("%v %v", err, bad)
			}
			if len(got) != len(es) {
				t.Fatalf("%d entries back, want %d", len(got), len(es))
			}
			for i := range es {
				if !reflect.DeepEqual(got[i], es[i]) {
					t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], es[i])
				}
			}
			if Version(got) != Version(es) {
				t.Error("version changed by the round trip")
			}
		})
	}
}

func TestTBXGolden(t *testing.T) {
	es := seedEntries(t)[:3]
	for _, v := range []int{2, 3} {
		var buf bytes.Buffer
		if err := WriteTBX(&buf, es, v); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", fmt.Sprintf("seed3.v%d.tbx", v))
		if *update {
			if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("TBX v%d differs from %s:\n%s", v, golden, buf.String())
		}
	}
}

func TestImportErrors(t *testing.T) {
	in := "id,ru,en,ru_variants,en_variants,forbidden_en,case_sensitive,note\n" +
		"a,ООН,UN,,,,false,\n" + // line 2 good
		"b,,UN,,,,false,\n" + // line 3 missing ru
		"a,ИКТ,ICTs,,,,false,\n" + // line 4 duplicate id
		"c,ООН,United Nations Organization,,,,false,\n" + // line 5 same ru, other en
		"d,МИБ,international information security,,,,maybe,\n" + // line 6 bad bool
		",СНГ,CIS,,,,,\n" // line 7 good, id generated
	_, bad, err := Parse(strings.NewReader(in), CSV, false)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *ImportError", err)
	}
	var lines []int
	for _, b := range bad {
		lines = append(lines, b.Line)
	}
	if !reflect.DeepEqual(lines, []int{3, 4, 5, 6}) {
		t.Errorf("bad lines %v, want [3 4 5 6]: %v", lines, err)
	}
	if !errors.Is(bad[0].Err, ErrMissingRU) {
		t.Errorf("line 3: %v", bad[0].Err)
	}
	good, bad, err := Parse(strings.NewReader(in), CSV, true)
	if err != nil || len(good) != 2 || len(bad) != 4 {
		t.Fatalf("skip invalid: %d good, %d bad, %v", len(good), len(bad), err)
	}
	if good[1].ID == "" || good[1].ID != GenerateID("СНГ", "CIS") {
		t.Errorf("generated id %q", good[1].ID)
	}
	for _, bad := range []string{"", "ru,en,nonsense\nа,b,c\n", "id,en\nx,y\n"} {
		if _, _, err := Parse(strings.NewReader(bad), CSV, false); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if _, _, err := Parse(strings.NewReader("<html/>"), TBX, false); err == nil {
		t.Error("TBX with a wrong root accepted")
	}
}

// checkParse is the property every importer must keep on any input: no
// panic, and either an error with no entries or valid entries only.
func checkParse(t *testing.T, data []byte, f Format) {
	es, bad, err := Parse(bytes.NewReader(data), f, false)
	if err != nil {
		if es != nil {
			t.Fatalf("error %v with %d entries: partial import", err, len(es))
		}
		return
	}
	if len(bad) != 0 {
		t.Fatalf("no error but %d bad rows", len(bad))
	}
	ids := map[string]bool{}
	for _, e := range es {
		if err := e.Validate(); err != nil || e.ID == "" || ids[e.ID] {
			t.Fatalf("invalid entry %+v accepted: %v", e, err)
		}
		ids[e.ID] = true
	}
	// what was accepted survives a round trip
	var buf bytes.Buffer
	if err := Write(&buf, f, es); err != nil {
		t.Fatal(err)
	}
	back, _, err := Parse(&buf, f, false)
	if err != nil || len(back) != len(es) {
		t.Fatalf("round trip of accepted entries: %d → %d, %v", len(es), len(back), err)
	}
}

func FuzzReadCSV(f *testing.F) {
	seed, _ := os.ReadFile("../data/glossary.csv")
	f.Add(seed)
	f.Add([]byte("id,ru,en\n1,ООН,UN\n1,ООН,UN\n"))
	f.Add([]byte("ru,en,note\n\"a\nb\",c,\"d\"\"e\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, CSV) })
}

func FuzzReadTSV(f *testing.F) {
	f.Add([]byte("id\tru\ten\tnote\n1\tООН\tUN\ta\\tb\\\\\n"))
	f.Add([]byte("ru\ten\n\\\t\\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, TSV) })
}

func FuzzReadTBX(f *testing.F) {
	for _, name := range []string{"seed3.v2.tbx", "seed3.v3.tbx"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(b)
	}
	f.Add([]byte(`<martif><text><body><termEntry id="x"><langSet xml:lang="ru"><tig><term>ООН</term></tig></langSet></termEntry></body></text></martif>`))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, TBX) })
}

func FuzzMatch(f *testing.F) {
	m, err := NewMatcher(seedEntries(f))
	if err != nil {
		f.Fatal(err)
	}
	v := NewVerifier(seedEntries(f))
	for _, tc := range matchCases {
		f.Add(tc.text)
	}
	f.Add("Рабочая группа (ООН (РГОС) ИКТ) открытого состава ))((")
	f.Add("\xff\xfeМИБ-ИКТ-среда")
	f.Fuzz(func(t *testing.T, text string) {
		ms := m.Match(text)
		last := -1
		for i, x := range ms {
			if x.Start < 0 || x.End > len(text) || x.Start >= x.End || text[x.Start:x.End] != x.Surface {
				t.Fatalf("bad span %+v in %q", x, text)
			}
			if x.Nested {
				p := ms[x.Parent]
				if p.Nested || x.Start < p.Start || x.End > p.End || x.Parent >= i {
					t.Fatalf("nested %+v outside parent %+v", x, p)
				}
				continue
			}
			if x.Start < last {
				t.Fatalf("outer matches overlap or are out of order: %+v", ms)
			}
			last = x.End
		}
		if utf8.ValidString(text) {
			vs := v.Verify(ms, text)
			fixed, _ := v.Repair(text, vs)
			_ = fixed
		}
	})
}

// generated builds n distinct entries of two to five Russian words.
func generated(n int) []Entry {
	stems := []string{"информацион", "безопасн", "международн", "сотрудничеств", "технологи", "организаци", "комитет",
		"совет", "групп", "эксперт", "государств", "политик", "связ", "развити", "договор", "служб", "агентств",
		"программ", "систем", "центр", "национальн", "регионал", "цифров", "сетев", "защит", "угроз", "мер", "доверител"}
	ends := []string{"ая", "ого", "ой", "ые", "ых", "ий", "а", "ы", "ом"}
	es := make([]Entry, n)
	for i := range es {
		k := 2 + i%4
		ws := make([]string, k)
		x := i
		for j := range ws {
			ws[j] = stems[x%len(stems)] + ends[(x/len(stems)+j)%len(ends)]
			x = x/len(stems) + 7*j + 1
		}
		ws[0] += fmt.Sprint(i) // keeps entries distinct
		es[i] = Entry{ID: fmt.Sprint("gen", i), RU: strings.Join(ws, " "), EN: fmt.Sprint("term ", i),
			ForbiddenEN: []string{fmt.Sprint("bad term ", i)}, Status: Preferred}
	}
	return es
}

func BenchmarkBuildMatcher50k(b *testing.B) {
	es := generated(50000)
	b.ReportAllocs()
	var m *Matcher
	for b.Loop() {
		var err error
		if m, err = NewMatcher(es); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heapMB")
	runtime.KeepAlive(m)
}

func BenchmarkBuildVerifier50k(b *testing.B) {
	es := generated(50000)
	b.ReportAllocs()
	for b.Loop() {
		NewVerifier(es)
	}
}

// benchText reads the Russian side of the WMT benchmark data (news, not
// this domain) and the Russian seed document; it skips when absent.
func benchText(b *testing.B) string {
	files, _ := filepath.Glob("/work/shared/bench/ruen-wmt/*/*/src.txt")
	seed, _ := filepath.Glob("/work/shared/seeds/*.txt")
	var sb strings.Builder
	for _, f := range append(files, seed...) {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		sb.Write(data)
		sb.WriteByte('\n')
	}
	if sb.Len() < 100_000 {
		b.Skip("benchmark text in /work/shared/bench/ruen-wmt not found")
	}
	return sb.String()
}

func benchMatch(b *testing.B, es []Entry) {
	text := benchText(b)
	lines := strings.Split(text, "\n")
	m, err := NewMatcher(es)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	found := 0
	for b.Loop() {
		found = 0
		for _, l := range lines {
			found += len(m.Match(l))
		}
	}
	b.ReportMetric(float64(found), "matches")
}

func BenchmarkMatchSeed(b *testing.B) { benchMatch(b, seedEntries(b)) }

// BenchmarkMatchSeedCold builds a new matcher for every pass, so that no
// word is found in the memo of stemmed words (the build is timed too).
func BenchmarkMatchSeedCold(b *testing.B) {
	es := seedEntries(b)
	text := benchText(b)
	lines := strings.Split(text, "\n")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := NewMatcher(es)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range lines {
			m.Match(l)
		}
	}
}
func BenchmarkMatch50k(b *testing.B) { benchMatch(b, append(seedEntries(b), generated(50000)...)) }

func BenchmarkVerify(b *testing.B) {
	es := seedEntries(b)
	m, _ := NewMatcher(es)
	v := NewVerifier(es)
	ru := "Стороны приветствовали начало работы Рабочей группы ООН открытого состава по вопросам безопасности в сфере использования ИКТ и самих ИКТ и обсудили МИБ с представителями МИД России."
	en := "The parties welcomed the start of the UN Open Working Group on Security in the Use of ICTs and ICTs themselves and discussed IIB with representatives of the Russian Foreign Ministry."
	ms := m.Match(ru)
	b.ReportAllocs()
	for b.Loop() {
		v.Verify(ms, en)
	}
}

func TestMatchConcurrent(t *testing.T) {
	es := seedEntries(t)
	m, _ := NewMatcher(es)
	rows := readTSV(t, "match.tsv", 2)
	want := make([]int, len(rows))
	for i, r := range rows {
		want[i] = len(m.Match(r[1]))
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			for i, r := range rows {
				if n := len(m.Match(r[1])); n != want[i] {
					done <- fmt.Errorf("%q: %d matches, want %d", r[1], n, want[i])
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestValidateLimits(t *testing.T) {
	long := strings.Repeat("ж", MaxTermLen+1)
	for _, tc := range []struct {
		name string
		e    Entry
		want string // substring of the error; "" = valid
	}{
		{"at the limit", Entry{ID: strings.Repeat("x", MaxIDLen), RU: strings.Repeat("ж", MaxTermLen), EN: "x"}, ""},
		{"long Russian term", Entry{RU: long, EN: "x"}, "Russian term of 301 characters"},
		{"long English variant", Entry{RU: "ж", EN: "x", ENVariants: []string{strings.Repeat("y", 400)}}, "English variant of 400"},
		{"long forbidden rendering", Entry{RU: "ж", EN: "x", ForbiddenEN: []string{long}}, "forbidden rendering"},
		{"long id", Entry{ID: strings.Repeat("i", MaxIDLen+1), RU: "ж", EN: "x"}, "id of 101 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.e
			e.Normalize()
			err := e.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want it to mention %q", err, tc.want)
			}
		})
	}
	// The shipped glossary is well inside the limits.
	f, err := os.Open("../data/glossary.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := Parse(f, CSV, false); err != nil {
		t.Errorf("data/glossary.csv: %v", err)
	}
}

// TestNoFalseAlarms: classes of false alarms reviewers met.
//   - several entries sharing words in one list: a rendering must not run
//     across the punctuation between two terms ("Defence, the Ministry" is
//     not "Defence Ministry"), which hid "Ministry of Justice";
//   - a forbidden rendering that equals the required one once articles are
//     ignored is matched word for word, articles included, so the required
//     rendering does not contain it.
func TestNoFalseAlarms(t *testing.T) {
	es := seedEntries(t)
	es = append(es, Entry{ID: "sc-rf-test", RU: "Совет Безопасности Российской Федерации Тест", EN: "Security Council of the Russian Federation",
		ForbiddenEN: []string{"Security Council of Russian Federation"}})
	checkViolations(t, es, []violationCase{
		{"Делегации Минобороны России, Минюста России провели встречу.", "Delegations of the Ministry of Defence, the Ministry of Justice met.", nil},
		{"Делегации Минюста России и Минобороны России провели встречу.", "Delegations of the Ministry of Justice and the Ministry of Defence met.", nil},
		{"Минобороны, Минюст и МИД обменялись мнениями.", "The Ministry of Defence, the Ministry of Justice and the Ministry of Foreign Affairs exchanged views.", nil},
		{"Минобороны и Минюст обменялись мнениями.", "The Defence Ministry and the Justice Ministry exchanged views.", nil},
		{"Минюст обменялся мнениями.", "The Ministry of Defence, Justice exchanged views.", []string{"missing:minjust"}},
		{"Совет Безопасности Российской Федерации Тест провел заседание.", "The Security Council of the Russian Federation held a meeting.", nil},
		{"Совет Безопасности Российской Федерации Тест провел заседание.", "The Security Council of Russian Federation held a meeting.", []string{"forbidden:sc-rf-test"}},
	})
}

// TestFleetingVowels: nouns whose last vowel drops out when inflected
// match in every case and number, alone and inside multi-word terms,
// without the user listing forms; «после» (after) is not «посол».
func TestFleetingVowels(t *testing.T) {
	es := []Entry{
		{ID: "amb", RU: "посол", EN: "ambassador"},
		{ID: "amb-full", RU: "Чрезвычайный и Полномочный Посол", EN: "Ambassador Extraordinary and Plenipotentiary"},
		{ID: "market", RU: "рынок", EN: "market"},
		{ID: "day", RU: "День информационной безопасности", EN: "Information Security Day"},
	}
	m, err := NewMatcher(es)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Посол вручил верительные грамоты.", []string{"amb"}},
		{"Министр принял посла Франции.", []string{"amb"}},
		{"Послу передали ноту.", []string{"amb"}},
		{"Встреча с послом прошла в Москве.", []string{"amb"}},
		{"Послы стран ШОС собрались.", []string{"amb"}},
		{"Министр принял послов.", []string{"amb"}},
		{"Министр встретился с послами.", []string{"amb"}},
		{"Речь шла о послах.", []string{"amb"}},
		{"После встречи стороны подписали протокол.", nil},
		{"Разговор шёл о после Японии.", []string{"amb"}},
		{"О после Бельгии в сообщении ничего не говорится.", []string{"amb"}},
		{"Вопрос о том, что было после встречи, обсудили.", nil},
		{"Говорили о, после паузы, продолжении.", nil},
		{"Он принял Чрезвычайного и Полномочного Посла Индии.", []string{"amb-full"}},
		{"Чрезвычайным и Полномочным Послом назначен дипломат.", []string{"amb-full"}},
		{"Доступ к рынкам открыт.", []string{"market"}},
		{"Ко Дню информационной безопасности подготовлен доклад.", []string{"day"}},
	} {
		var got []string
		for _, mt := range m.Match(c.text) {
			if !mt.Nested {
				got = append(got, mt.ID)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.text, got, c.want)
		}
	}
}

// TestExcludedContexts: an entry's excluded Russian contexts (another body
// of the same name) keep it from matching there, and travel through CSV,
// TSV and TBX.
func TestExcludedContexts(t *testing.T) {
	e := Entry{ID: "oewg", RU: "Рабочая группа открытого состава", EN: "Open-ended Working Group",
		ExcludeRU: []string{"рабочая группа открытого состава по космосу", "рабочая группа открытого состава по старению"}}
	m, err := NewMatcher([]Entry{e})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		n    int
	}{
		{"Рабочая группа открытого состава по безопасности в сфере ИКТ провела сессию.", 1},
		{"Рабочая группа открытого состава по космосу провела сессию.", 0},
		{"Доклад Рабочей группы открытого состава по старению опубликован.", 0},
		{"В Рабочей группе открытого состава по старению и в Рабочей группе открытого состава по ИКТ выступили делегации.", 1},
	} {
		if got := len(m.Match(c.text)); got != c.n {
			t.Errorf("%q: %d matches, want %d", c.text, got, c.n)
		}
	}
	for _, f := range []Format{CSV, TSV, TBX} {
		var b bytes.Buffer
		if err := Write(&b, f, []Entry{e}); err != nil {
			t.Fatal(err)
		}
		back, bad, err := Parse(&b, f, false)
		if err != nil || len(bad) > 0 || len(back) != 1 || !slices.Equal(back[0].ExcludeRU, e.ExcludeRU) {
			t.Errorf("%v round trip: %+v %v %v", f, back, bad, err)
		}
	}
}

// TestDeprecatedRenderingIsForbidden: deprecating an entry makes what it
// rendered forbidden where a live entry applies to the same Russian term.
func TestDeprecatedRenderingIsForbidden(t *testing.T) {
	es := []Entry{
		{ID: "old", RU: "МИБ", EN: "IIS", Abbreviation: true, Status: Deprecated},
		{ID: "new", RU: "МИБ", EN: "international information security", Abbreviation: true},
		{ID: "gone", RU: "киберпространство", EN: "cyber space", Status: Deprecated},
	}
	checkViolations(t, es, []violationCase{
		{"Вопросы МИБ обсуждались.", "IIS issues were discussed.", []string{"forbidden:new"}}, // once, as forbidden
		{"Вопросы МИБ обсуждались.", "International information security issues were discussed.", nil},
		{"Киберпространство обсуждалось.", "Cyber space was discussed.", nil}, // no live entry: nothing imposed
	})
}

func TestReadableAndCheckedIDs(t *testing.T) {
	for en, want := range map[string]string{
		"Open-ended Working Group": "open-ended-working-group",
		"UN Security Council":      "un-security-council",
		"  ICTs ":                  "icts",
		"международная":            "",
		"Group of Governmental Experts on Advancing Responsible State Behaviour": "group-of-governmental-experts-on",
	} {
		if got := ReadableID(en); got != want {
			t.Errorf("ReadableID(%q) = %q, want %q", en, got, want)
		}
	}
	for id, ok := range map[string]bool{"iis-abbr": true, "oewg_2021.v2": true, "мид": true, "": false, "bad id": false, "-x": false, "a/b": false, strings.Repeat("a", 101): false} {
		if err := CheckID(id); (err == nil) != ok {
			t.Errorf("CheckID(%q) = %v, want ok %v", id, err, ok)
		}
	}
}

// violationCase is a Russian sentence, its English and the violations
// ("kind:id", sorted) the verifier must report.
type violationCase struct {
	ru, en string
	want   []string
}

// checkViolations verifies each case against the entries.
func checkViolations(t *testing.T, es []Entry, cases []violationCase) {
	t.Helper()
	m, err := NewMatcher(es)
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(es)
	for _, c := range cases {
		var got []string
		for _, x := range v.Verify(m.Match(c.ru), c.en) {
			got = append(got, string(x.Kind)+":"+x.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q → %q: %v, want %v", c.ru, c.en, got, c.want)
		}
	}
}
