package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

// seedDoc stores a Russian document named name and, through SyncPairs,
// one pair per text ({ru, en}); it returns the document id and the pairs.
func seedDoc(tb testing.TB, db *DB, name string, texts [][2]string) (int64, []bitext.Pair) {
	tb.Helper()
	ctx := context.Background()
	doc := &bitext.Document{Name: name, Path: "/tmp/" + name, Hash: "hash-" + name, Format: "text", Encoding: "utf-8",
		Lang: bitext.Russian, Text: name}
	if _, err := db.SaveDocument(ctx, doc); err != nil {
		tb.Fatal(err)
	}
	fresh := make([]bitext.Pair, len(texts))
	for i, tx := range texts {
		fresh[i] = bitext.Pair{Src: []int{i}, Tgt: []int{i}, RU: tx[0], EN: tx[1], Confidence: 0.9,
			State: bitext.StateTranslated, Origin: bitext.OriginModel}
	}
	ps, err := db.SyncPairs(ctx, PairSync{Doc: doc.ID, Fresh: fresh})
	if err != nil {
		tb.Fatal(err)
	}
	return doc.ID, ps
}

// checkFTS runs FTS5's integrity check against the pairs table: the index
// holds exactly the tokens of the stored texts.
func checkFTS(t *testing.T, db *DB) {
	t.Helper()
	if _, err := db.writer.Exec(`INSERT INTO pairs_fts (pairs_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("the search index is out of step with the pairs: %v", err)
	}
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
}

var docA = [][2]string{
	{"Стороны обсудили вопросы международной информационной безопасности.", "The parties discussed international information security."},
	{"Обеспечение безопасности критической инфраструктуры остаётся приоритетом.", "Protecting critical infrastructure remains a priority."},
	{"Договорённости о сотрудничестве в сфере ИКТ были подтверждены.", "Agreements on cooperation in the field of ICTs were confirmed."},
	{"Российская Федерация выступает за безопасность в сети.", "The Russian Federation advocates security online."},
	{"МИД России опубликовал заявление.", "The Russian MFA published a statement."},
}

var docB = [][2]string{
	{"Государства — члены ШОС подчеркнули важность информационной безопасности.", "The SCO member states stressed the importance of information security."},
	{"Атаки на инфраструктуру недопустимы.", "Attacks on infrastructure are unacceptable."},
	{"Текст с управляющими символами \x02 и \x03 внутри.", `Text with control characters inside <b>bold</b> & "quotes".`},
}

type searchFixture struct {
	db     *DB
	a, b   int64
	byID   map[int64]string // pair id → "a0", "b2"…
	pairsA []bitext.Pair
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	db := openTest(t)
	f := &searchFixture{db: db, byID: map[int64]string{}}
	var pb []bitext.Pair
	f.a, f.pairsA = seedDoc(t, db, "mfa.ru.txt", docA)
	f.b, pb = seedDoc(t, db, "sco.txt", docB)
	for _, p := range f.pairsA {
		f.byID[p.ID] = fmt.Sprint("a", p.Index)
	}
	for _, p := range pb {
		f.byID[p.ID] = fmt.Sprint("b", p.Index)
	}
	return f
}

// names returns the hits as "a0", "b2"…, in order.
func (f *searchFixture) names(hits []PairHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, f.byID[h.Pair.ID])
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestSearchPairsQueries: what queries find, Russian inflection, ё, case,
// phrases, prefixes, and hostile input that must neither fail nor reach
// FTS5 or SQL as syntax.
func TestSearchPairsQueries(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	tests := []struct {
		name, query string
		want        []string // pairs found, any order
		empty       bool     // ErrEmptyQuery
	}{
		{"inflected Russian form", "безопасность", []string{"a0", "a1", "a3", "b0"}, false},
		{"genitive finds the other forms", "безопасности", []string{"a0", "a1", "a3", "b0"}, false},
		{"two Russian words ANDed", "информационной безопасности", []string{"a0", "b0"}, false},
		{"nominative of an adjective", "информационная", []string{"a0", "b0"}, false},
		{"upper case", "ИНФОРМАЦИОННАЯ БЕЗОПАСНОСТЬ", []string{"a0", "b0"}, false},
		{"accusative", "инфраструктура", []string{"a1", "b1"}, false},
		{"prefix", "информ", []string{"a0", "b0"}, false},
		{"е finds ё", "договоренности", []string{"a2"}, false},
		{"ё finds ё", "договорённость", []string{"a2"}, false},
		{"ё typed, text with ё", "остаётся", []string{"a1"}, false},
		{"abbreviation", "МИД", []string{"a4"}, false},
		{"abbreviation lower case", "икт", []string{"a2"}, false},
		{"English", "security", []string{"a0", "a3", "b0"}, false},
		{"English mixed case", "InFoRmAtIoN SeCuRiTy", []string{"a0", "b0"}, false},
		{"English plural and prefix", "states", []string{"a4", "b0"}, false},
		{"English plural -ies", "priorities", []string{"a1"}, false},
		{"Russian and English mixed", "безопасность security", []string{"a0", "a3", "b0"}, false},
		{"phrase", `"информационная безопасность"`, []string{"a0", "b0"}, false},
		{"phrase in guillemets", "«информационной безопасности»", []string{"a0", "b0"}, false},
		{"phrase in the wrong order", `"безопасность информационная"`, []string{}, false},
		{"English phrase", `"information security"`, []string{"a0", "b0"}, false},
		{"English words not adjacent", `"international security"`, []string{}, false},
		{"the same words unquoted", `international security`, []string{"a0"}, false},
		{"phrase and word", `"information security" SCO`, []string{"b0"}, false},
		{"hyphenated words are a phrase", "члены-ШОС", []string{"b0"}, false},
		{"short words match whole words", "в", []string{"a2", "a3"}, false},
		{"unbalanced quote", `"информационной безопасности`, []string{"a0", "b0"}, false},
		{"quotes inside a word", `ин"форм"`, []string{}, false},
		{"punctuation around words", "(безопасность), — «сети»!", []string{"a3"}, false},
		{"html is text", "<b>bold</b>", []string{"b2"}, false},
		{"FTS column filter is text", "en:security", []string{}, false},
		{"FTS operators are words", "AND OR NOT", []string{}, false},
		{"NEAR", "NEAR(", []string{}, false},
		{"NEAR group", `NEAR(безопасность инфраструктура, 5)`, []string{}, false},
		{"caret and minus", "^Стороны -безопасность", []string{"a0"}, false},
		{"star after a word", "безопасн*", []string{"a0", "a1", "a3", "b0"}, false},
		{"SQL", "'; DROP TABLE pairs; --", []string{}, false},
		{"script", "<script>alert(1)</script>", []string{}, false},
		{"empty", "", nil, true},
		{"blank", " \t\n ", nil, true},
		{"a quote", `"`, nil, true},
		{"two quotes", `""`, nil, true},
		{"star", "*", nil, true},
		{"punctuation", `*"(): ^-+.,;'«»`, nil, true},
		{"combining mark alone", "\u0301", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, total, err := f.db.SearchPairs(ctx, tc.query, SearchOptions{})
			if tc.empty {
				if !errors.Is(err, ErrEmptyQuery) {
					t.Fatalf("SearchPairs(%q) = %v, %d, %v; want ErrEmptyQuery", tc.query, f.names(hits), total, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("SearchPairs(%q): %v", tc.query, err)
			}
			if got := sorted(f.names(hits)); !slices.Equal(got, sorted(tc.want)) || total != len(tc.want) {
				m, _ := ftsQuery(tc.query)
				t.Errorf("SearchPairs(%q) (FTS5 %s) found %v (total %d), want %v", tc.query, m, got, total, sorted(tc.want))
			}
		})
	}
	var n int
	if err := f.db.Reader().Get(&n, `SELECT count(*) FROM pairs`); err != nil || n != len(docA)+len(docB) {
		t.Errorf("pairs after the hostile queries: %d, %v", n, err)
	}
	checkFTS(t, f.db)
}

// TestSearchPairsRanking: the pair with the form typed ranks above those
// that share only its stem; hits carry the pair and its document's name.
func TestSearchPairsRanking(t *testing.T) {
	f := newSearchFixture(t)
	hits, total, err := f.db.SearchPairs(context.Background(), "безопасность", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 4 || len(hits) != 4 || f.byID[hits[0].Pair.ID] != "a3" {
		t.Fatalf("hits %v (total %d), want a3 first of 4", f.names(hits), total)
	}
	h := hits[0]
	if h.DocName != "mfa.ru.txt" || h.Pair.Doc != f.a || h.Pair.RU != docA[3][0] || h.Pair.EN != docA[3][1] ||
		h.Pair.Index != 3 || h.Pair.Version != 1 || h.Pair.Status != bitext.StatusDraft || !slices.Equal(h.Pair.Src, []int{3}) {
		t.Errorf("hit %+v", h)
	}
	for _, h := range hits {
		want := map[int64]string{f.a: "mfa.ru.txt", f.b: "sco.txt"}[h.Pair.Doc]
		if h.DocName != want {
			t.Errorf("pair %d: DocName %q, want %q", h.Pair.ID, h.DocName, want)
		}
	}
}

// TestSearchPairsDocFilter: Doc narrows the search to one document.
func TestSearchPairsDocFilter(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		doc   int64
		want  []string
		query string
	}{
		{0, []string{"a0", "a1", "a3", "b0"}, "безопасность"},
		{f.a, []string{"a0", "a1", "a3"}, "безопасность"},
		{f.b, []string{"b0"}, "безопасность"},
		{f.b, []string{}, "МИД"},
		{9999, []string{}, "безопасность"},
	} {
		hits, total, err := f.db.SearchPairs(ctx, tc.query, SearchOptions{Doc: tc.doc})
		if err != nil {
			t.Fatal(err)
		}
		if got := sorted(f.names(hits)); !slices.Equal(got, tc.want) || total != len(tc.want) {
			t.Errorf("doc %d, %q: %v (total %d), want %v", tc.doc, tc.query, got, total, tc.want)
		}
	}
}

// TestSearchPairsPaging: Limit (default, maximum), Offset and the total.
func TestSearchPairsPaging(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const n = 520
	texts := make([][2]string, n)
	for i := range texts {
		texts[i] = [2]string{fmt.Sprintf("Пара номер %d о безопасности%s.", i, strings.Repeat(" и не только", i%7)),
			fmt.Sprintf("Pair number %d about security.", i)}
	}
	doc, _ := seedDoc(t, db, "many.txt", texts)
	seedDoc(t, db, "other.txt", [][2]string{{"Другой документ о безопасности.", "Another document about security."}})
	for _, tc := range []struct {
		opt       SearchOptions
		wantLen   int
		wantTotal int
	}{
		{SearchOptions{}, DefaultSearchLimit, n + 1},
		{SearchOptions{Limit: 10}, 10, n + 1},
		{SearchOptions{Limit: 10000}, MaxSearchLimit, n + 1},
		{SearchOptions{Limit: -3}, DefaultSearchLimit, n + 1},
		{SearchOptions{Limit: 50, Offset: 500}, 21, n + 1},
		{SearchOptions{Limit: 50, Offset: 521}, 0, n + 1},
		{SearchOptions{Limit: 50, Offset: 10000}, 0, n + 1},
		{SearchOptions{Limit: 50, Offset: -5}, 50, n + 1},
		{SearchOptions{Doc: doc, Limit: 500, Offset: 100}, n - 100, n},
	} {
		hits, total, err := db.SearchPairs(ctx, "безопасность", tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != tc.wantLen || total != tc.wantTotal || hits == nil {
			t.Errorf("%+v: %d hits (nil: %v), total %d; want %d, %d", tc.opt, len(hits), hits == nil, total, tc.wantLen, tc.wantTotal)
		}
	}
	// Pages of 37 cover every hit once, in the order of two big pages.
	// The texts are of seven lengths, so of seven ranks (shorter first);
	// equal ranks are in document order.
	for _, q := range []string{"пара безопасность", "безопасность"} {
		var all []PairHit
		for off := 0; off < n+1; off += MaxSearchLimit {
			hits, _, err := db.SearchPairs(ctx, q, SearchOptions{Limit: MaxSearchLimit, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, hits...)
		}
		var paged []PairHit
		for off := 0; ; off += 37 {
			hits, total, err := db.SearchPairs(ctx, q, SearchOptions{Limit: 37, Offset: off})
			if err != nil || total != len(all) {
				t.Fatalf("%q at offset %d: total %d (want %d), %v", q, off, total, len(all), err)
			}
			if len(hits) == 0 {
				break
			}
			paged = append(paged, hits...)
		}
		if len(paged) != len(all) {
			t.Fatalf("%q: pages of 37 gave %d hits, want %d", q, len(paged), len(all))
		}
		for i := range paged {
			if paged[i].Pair.ID != all[i].Pair.ID {
				t.Fatalf("%q: hit %d is pair %d in pages of 37, %d in pages of 500", q, i, paged[i].Pair.ID, all[i].Pair.ID)
			}
		}
		for i := 1; i < len(all); i++ {
			a, b := all[i-1].Pair, all[i].Pair
			if a.Doc != doc || b.Doc != doc {
				continue
			}
			if b.Index%7 < a.Index%7 || b.Index%7 == a.Index%7 && b.Index < a.Index {
				t.Fatalf("%q: hit %d is pair %d after pair %d", q, i, b.Index, a.Index)
			}
		}
	}
}

// TestSearchPairsSnippets: the matched words are marked with \x02…\x03 in
// plain text; the original text (ё, HTML, quotes) is kept; control
// characters of the text cannot pass for marks; long texts are cut around
// the first mark.
func TestSearchPairsSnippets(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	long := strings.Repeat("Слово за словом идёт длинный текст. ", 30) + "Здесь есть кенгуру. " + strings.Repeat("Потом ещё много слов. ", 30)
	_, lp := seedDoc(t, f.db, "long.txt", [][2]string{{long, "A long text mentions a kangaroo."}})
	f.byID[lp[0].ID] = "long"
	tests := []struct {
		query  string
		pair   string
		ru, en string
	}{
		{"информационной безопасности", "a0",
			"Стороны обсудили вопросы международной \x02информационной\x03 \x02безопасности\x03.",
			"The parties discussed international information security."},
		{`"информационная безопасность"`, "a0",
			"Стороны обсудили вопросы международной \x02информационной безопасности\x03.",
			"The parties discussed international information security."},
		{"information security", "a0",
			"Стороны обсудили вопросы международной информационной безопасности.",
			"The parties discussed international \x02information\x03 \x02security\x03."},
		{"договоренности", "a2",
			"\x02Договорённости\x03 о сотрудничестве в сфере ИКТ были подтверждены.",
			"Agreements on cooperation in the field of ICTs were confirmed."},
		{"bold quotes", "b2",
			"Текст с управляющими символами \uFFFD и \uFFFD внутри.",
			`Text with control characters inside <b>` + "\x02bold\x03" + `</b> & "` + "\x02quotes\x03" + `".`},
		{"управляющие", "b2",
			"Текст с \x02управляющими\x03 символами \uFFFD и \uFFFD внутри.",
			`Text with control characters inside <b>bold</b> & "quotes".`},
	}
	for _, tc := range tests {
		hits, _, err := f.db.SearchPairs(ctx, tc.query, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var h *PairHit
		for i := range hits {
			if f.byID[hits[i].Pair.ID] == tc.pair {
				h = &hits[i]
			}
		}
		if h == nil {
			t.Errorf("%q: %s not found in %v", tc.query, tc.pair, f.names(hits))
			continue
		}
		if h.RUSnippet != tc.ru || h.ENSnippet != tc.en {
			t.Errorf("%q: snippets\n  %q\n  %q\nwant\n  %q\n  %q", tc.query, h.RUSnippet, h.ENSnippet, tc.ru, tc.en)
		}
		if h.Pair.RU != docOf(tc.pair)[0] {
			t.Errorf("%q: Pair.RU %q changed", tc.query, h.Pair.RU)
		}
	}

	hits, _, err := f.db.SearchPairs(ctx, "кенгуру kangaroo", SearchOptions{})
	if err != nil || len(hits) != 1 {
		t.Fatalf("кенгуру kangaroo: %d hits, %v", len(hits), err)
	}
	ru := hits[0].RUSnippet
	visible := utf8.RuneCountInString(strings.NewReplacer(MarkStart, "", MarkEnd, "").Replace(ru))
	if !strings.HasPrefix(ru, "…") || !strings.HasSuffix(ru, "…") || !strings.Contains(ru, "Здесь есть \x02кенгуру\x03.") ||
		visible > snippetRunes+2 || visible < snippetRunes-20 {
		t.Errorf("snippet of a long text (%d characters): %q", visible, ru)
	}
	if !strings.Contains(hits[0].ENSnippet, "\x02kangaroo\x03") {
		t.Errorf("English snippet %q", hits[0].ENSnippet)
	}
}

func docOf(name string) [2]string {
	var i int
	fmt.Sscan(name[1:], &i)
	if name[0] == 'a' {
		return docA[i]
	}
	return docB[i]
}

// TestWindow: cutting keeps marks balanced, also when a mark spans the
// cut.
func TestWindow(t *testing.T) {
	words := strings.Fields(strings.Repeat("один два три ", 40))
	words[60] = "\x02начало"
	words[61] = "конец\x03"
	s := strings.Join(words, " ")
	for _, n := range []int{5, 12, 40, 100, 1000} {
		w := window(s, n)
		if strings.Count(w, MarkStart) != strings.Count(w, MarkEnd) {
			t.Errorf("window(%d) = %q: unbalanced marks", n, w)
		}
		in := false
		for _, r := range w {
			switch string(r) {
			case MarkStart:
				if in {
					t.Errorf("window(%d) = %q: nested marks", n, w)
				}
				in = true
			case MarkEnd:
				if !in {
					t.Errorf("window(%d) = %q: end without start", n, w)
				}
				in = false
			}
		}
		if !strings.Contains(w, "\x02начало") {
			t.Errorf("window(%d) = %q lacks the first mark", n, w)
		}
	}
	if w := window("\x02коротко\x03", 5); w != "\x02коротко\x03" {
		t.Errorf("a short text was changed: %q", w)
	}
}

// TestSearchIndexFollowsChanges: merges, splits and edits through
// ChangePairs, runs through SyncPairs (changed, dropped and replaced
// pairs) and a deleted document keep the index right: search finds the new
// texts and not the old.
func TestSearchIndexFollowsChanges(t *testing.T) {
	f := newSearchFixture(t)
	db := f.db
	ctx := context.Background()
	find := func(q string) []int64 {
		t.Helper()
		hits, total, err := db.SearchPairs(ctx, q, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{}
		for _, h := range hits {
			ids = append(ids, h.Pair.ID)
		}
		if total != len(ids) {
			t.Fatalf("%q: total %d for %d hits", q, total, len(ids))
		}
		return ids
	}
	expect := func(q string, ids ...int64) {
		t.Helper()
		if ids == nil {
			ids = []int64{}
		}
		if got := find(q); !slices.Equal(sortedIDs(got), sortedIDs(ids)) {
			t.Errorf("%q found pairs %v, want %v", q, got, ids)
		}
	}

	// Merge a0 and a1 into one pair with new texts.
	a0, a1 := f.pairsA[0], f.pairsA[1]
	merged := a0
	merged.Src, merged.Tgt = []int{0, 1}, []int{0, 1}
	merged.RU, merged.EN = "Кенгуру прыгают по степи.", "Kangaroos hop across the steppe."
	merged.Version, merged.Reviewed = a0.Version+1, true
	after, _, err := db.ChangePairs(ctx, PairChange{Doc: f.a, Action: "merge", Who: "t", Before: []bitext.Pair{a0, a1}, After: []bitext.Pair{merged}})
	if err != nil {
		t.Fatal(err)
	}
	merged = after[0]
	checkFTS(t, db)
	expect("кенгуру", a0.ID)
	expect("kangaroo", a0.ID)
	expect("степь", a0.ID)
	expect("Стороны обсудили")
	expect("priority")
	expect("критической")
	expect("безопасность", f.pairsA[3].ID, idOf(f, "b0"))

	// Split it again: the first keeps its id, the second is new.
	first, second := merged, merged
	first.Src, first.Tgt, first.RU, first.EN, first.Version = []int{0}, []int{0}, "Утконос плывёт.", "A platypus swims.", merged.Version+1
	second.ID, second.Version = 0, 1
	second.Src, second.Tgt, second.RU, second.EN = []int{1}, []int{1}, "Ехидна спит.", "An echidna sleeps."
	after, _, err = db.ChangePairs(ctx, PairChange{Doc: f.a, Action: "split", Who: "t", Before: []bitext.Pair{merged}, After: []bitext.Pair{first, second}})
	if err != nil {
		t.Fatal(err)
	}
	checkFTS(t, db)
	expect("утконосы", a0.ID)
	expect("плывет", a0.ID)
	expect("ехидны", after[1].ID)
	expect("echidna", after[1].ID)
	expect("кенгуру")
	expect("kangaroos")

	// An edit of the English only.
	ed := after[1]
	ed.EN, ed.Version, ed.Edited = "A spiny anteater sleeps.", ed.Version+1, true
	if _, _, err := db.ChangePairs(ctx, PairChange{Doc: f.a, Action: "edit", Who: "t", Before: []bitext.Pair{after[1]}, After: []bitext.Pair{ed}}); err != nil {
		t.Fatal(err)
	}
	checkFTS(t, db)
	expect("anteater", ed.ID)
	expect("echidna")
	expect("ехидна", ed.ID)

	// A run of document b: b0's sentences get a new text (same id, an
	// UPDATE), b1 and b2 are no longer made (DELETE), a new pair appears.
	stored, err := db.Pairs(ctx, f.b)
	if err != nil {
		t.Fatal(err)
	}
	fresh := []bitext.Pair{
		{Src: []int{0}, Tgt: []int{0}, RU: "Пингвины живут в Антарктиде.", EN: "Penguins live in Antarctica.", State: bitext.StateTranslated, Origin: bitext.OriginModel},
		{Src: []int{1, 2}, Tgt: []int{1, 2}, RU: "Моржи отдыхают.", EN: "Walruses rest.", State: bitext.StateTranslated, Origin: bitext.OriginModel},
	}
	synced, err := db.SyncPairs(ctx, PairSync{Doc: f.b, Expect: stored, Fresh: fresh})
	if err != nil {
		t.Fatal(err)
	}
	checkFTS(t, db)
	if synced[0].ID != idOf(f, "b0") {
		t.Fatalf("the run did not keep b0's id: %+v", synced[0])
	}
	expect("пингвинов", synced[0].ID)
	expect("моржи", synced[1].ID)
	expect("walrus", synced[1].ID)
	expect("ШОС")
	expect("недопустимы")
	expect("управляющими")
	expect("bold")
	expect("безопасность", f.pairsA[3].ID)

	// The document paired with an English document of its own: the
	// machine pairs all go (DELETE … WHERE doc_id).
	en := &bitext.Document{Name: "sco.en.txt", Path: "/tmp/sco.en.txt", Hash: "hash-sco-en", Format: "text", Encoding: "utf-8",
		Lang: bitext.English, Text: "x"}
	if _, err := db.SaveDocument(ctx, en); err != nil {
		t.Fatal(err)
	}
	human := []bitext.Pair{{Src: []int{0}, Tgt: []int{0}, RU: "Тюлени ныряют.", EN: "Seals dive.", State: bitext.StateHuman, Origin: bitext.OriginHuman}}
	synced, err = db.SyncPairs(ctx, PairSync{Doc: f.b, En: en.ID, Expect: synced, Fresh: human})
	if err != nil {
		t.Fatal(err)
	}
	checkFTS(t, db)
	expect("тюлень", synced[0].ID)
	expect("пингвин")
	expect("моржи")

	// A deleted document takes its pairs out of the index (the foreign
	// key's cascade fires the trigger).
	if _, err := db.writer.Exec(`DELETE FROM documents WHERE id = ?`, f.a); err != nil {
		t.Fatal(err)
	}
	checkFTS(t, db)
	expect("утконос")
	expect("ехидна")
	expect("безопасность")
	expect("тюлени", synced[0].ID)
}

func idOf(f *searchFixture, name string) int64 {
	for id, n := range f.byID {
		if n == name {
			return id
		}
	}
	panic("no pair " + name)
}

func sortedIDs(ids []int64) []int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

// TestSearchIndexesExistingPairs: pairs stored before migration 9 are
// indexed when a database is upgraded.
func TestSearchIndexesExistingPairs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	_, ps := seedDoc(t, db, "old.txt", docA)
	// Back to schema 8, the pairs kept.
	for _, q := range []string{`DROP TABLE tm_memory`, `ALTER TABLE pairs DROP COLUMN findings`, `ALTER TABLE pairs DROP COLUMN accepted`, `DROP TRIGGER pairs_fts_insert`, `DROP TRIGGER pairs_fts_delete`, `DROP TRIGGER pairs_fts_update`,
		`DROP TABLE pairs_fts`, `ALTER TABLE pairs DROP COLUMN ru_fold`, `ALTER TABLE pairs DROP COLUMN en_fold`, `PRAGMA user_version = 8`} {
		if _, err := db.writer.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hits, total, err := db.SearchPairs(ctx, "договоренность", SearchOptions{})
	if err != nil || total != 1 || hits[0].Pair.ID != ps[2].ID {
		t.Fatalf("after the upgrade: %d hits (total %d), %v", len(hits), total, err)
	}
	checkFTS(t, db)
}

// TestSearchReadOnly: a database opened for reading only can be searched.
func TestSearchReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	seedDoc(t, db, "ro.txt", docA)
	db.Close()
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, total, err := ro.SearchPairs(ctx, "безопасность", SearchOptions{}); err != nil || total != 3 {
		t.Fatalf("read-only search: total %d, %v", total, err)
	}
}

// TestFTSQuery: what the query builder makes of what users type.
func TestFTSQuery(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"безопасности", `("безопасности"* OR "безопасн"*)`},
		{"ИНФОРМАЦИОННОЙ", `("информационной"* OR "информацион"*)`},
		{"мира", `("мира"* OR "мир"*)`},
		{"мир", `"мир"*`},
		{"её", `"ее"`},
		{"ООН ШОС БРИКС", `"оон"* AND "шос"* AND "брикс"*`},
		{"ЮНЕСКО", `("юнеско"* OR "юнеск"*)`},
		{"security", `"security"*`},
		{"countries", `("countries"* OR "countr"*)`},
		{"status", `"status"*`},
		{"2024 G20", `"2024" AND "g20"*`},
		{"в of", `"в" AND "of"`},
		{`"информационная безопасность"`, `"информацион"* + "безопасн"*`},
		{"кибер-безопасность", `"кибер"* + "безопасн"*`},
		{"безопасность безопасность", `("безопасность"* OR "безопасн"*)`},
		{`NEAR("a" "b")`, `"near"* AND "a" AND "b"`},
		{`x AND y OR z NOT w`, `"x" AND "and"* AND "y" AND "or" AND "z" AND "not"* AND "w"`},
		{`col:word`, `"col"* + "word"*`},
		{"ещё", `"еще"*`},
		{"Cafe\u0301", `"café"*`},
	} {
		got, err := ftsQuery(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ftsQuery(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	var long []string
	for i := range 100 {
		long = append(long, fmt.Sprint("w", i))
	}
	got, err := ftsQuery(strings.Join(long, " "))
	if err != nil || strings.Count(got, " AND ") != maxQueryWords-1 {
		t.Errorf("a long query: %s, %v", got, err)
	}
}

// FuzzSearchQuery: whatever is typed, SearchPairs either says the query is
// empty or runs, with balanced marks in its snippets.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"", "безопасность", `"информационная безопасность"`, `"`, `*`, "AND OR NOT", "NEAR(", `NEAR(a b, 2)`,
		"'; DROP TABLE pairs; --", "<script>", "«»", `a"b`, `""""`, "ё-Ё", "col:x", "x^y", "\x00", "\x02\x03", "\xff\xfe",
		"\u0301", "ǅ", "ﬁ", "İstanbul", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "٣٤٥", "a+b*c", "(x OR y) AND NOT z", "{ru en}: x", `x" OR "1"="1`} {
		f.Add(s)
	}
	db, err := Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	seedDoc(f, db, "a.txt", docA)
	seedDoc(f, db, "b.txt", docB)
	f.Fuzz(func(t *testing.T, q string) {
		hits, total, err := db.SearchPairs(context.Background(), q, SearchOptions{Limit: 3})
		if errors.Is(err, ErrEmptyQuery) {
			return
		}
		if err != nil {
			m, _ := ftsQuery(q)
			t.Fatalf("SearchPairs(%q) (FTS5 %s): %v", q, m, err)
		}
		if len(hits) > total || len(hits) > 3 {
			t.Fatalf("SearchPairs(%q): %d hits, total %d", q, len(hits), total)
		}
		for _, h := range hits {
			for _, s := range []string{h.RUSnippet, h.ENSnippet} {
				if strings.Count(s, MarkStart) != strings.Count(s, MarkEnd) {
					t.Fatalf("SearchPairs(%q): unbalanced snippet %q", q, s)
				}
			}
		}
	})
}

// benchSentences makes n pairs of sentences of the kind bitext stores.
func benchSentences(r *rand.Rand, n, doc int) [][2]string {
	subj := [][2]string{{"Стороны", "The parties"}, {"Российская Федерация", "The Russian Federation"}, {"Государства — члены ШОС", "The SCO member states"},
		{"Министры", "The ministers"}, {"Эксперты", "The experts"}, {"Делегации", "The delegations"}, {"Рабочая группа", "The working group"}}
	verb := [][2]string{{"обсудили", "discussed"}, {"подчеркнули важность", "stressed the importance of"}, {"рассмотрели", "considered"},
		{"приветствовали", "welcomed"}, {"выразили озабоченность в связи с", "expressed concern about"}, {"поддержали", "supported"}}
	obj := [][2]string{{"международной информационной безопасности", "international information security"},
		{"защиты критической инфраструктуры", "the protection of critical infrastructure"}, {"использования ИКТ", "the use of ICTs"},
		{"сотрудничества в сфере цифровой экономики", "cooperation in the digital economy"}, {"мер доверия", "confidence-building measures"},
		{"противодействия киберпреступности", "countering cybercrime"}, {"торговли и инвестиций", "trade and investment"},
		{"договорённостей о безопасности", "security arrangements"}, {"энергетической политики", "energy policy"},
		{"гуманитарных связей", "humanitarian ties"}, {"борьбы с терроризмом", "the fight against terrorism"}}
	when := [][2]string{{"на встрече в Москве", "at the meeting in Moscow"}, {"в ходе консультаций", "during the consultations"},
		{"на полях саммита", "on the sidelines of the summit"}, {"в Женеве", "in Geneva"}, {"", ""}}
	out := make([][2]string, n)
	for i := range out {
		s, v, o, w := subj[r.IntN(len(subj))], verb[r.IntN(len(verb))], obj[r.IntN(len(obj))], when[r.IntN(len(when))]
		out[i] = [2]string{
			strings.Join(strings.Fields(fmt.Sprintf("%s %s %s %s (документ %d, пункт %d).", s[0], v[0], o[0], w[0], doc, i)), " "),
			strings.Join(strings.Fields(fmt.Sprintf("%s %s %s %s (document %d, paragraph %d).", s[1], v[1], o[1], w[1], doc, i)), " "),
		}
	}
	return out
}

// BenchmarkSearchPairs searches 50,000 pairs (50 documents of 1,000): a
// word most pairs share the stem of, a rarer inflected word, an English
// phrase, a rare word, and a word within one document; pages of 50.
func BenchmarkSearchPairs(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(1, 2))
	var docs []int64
	for d := range 50 {
		id, _ := seedDoc(b, db, fmt.Sprintf("doc%02d.txt", d), benchSentences(r, 1000, d))
		docs = append(docs, id)
	}
	for _, bc := range []struct {
		name, query string
		doc         int64
	}{
		{"common", "безопасность", 0},
		{"inflected", "договорённость", 0},
		{"phrase", `"critical infrastructure"`, 0},
		{"two-words", "информационная безопасность", 0},
		{"rare", "пункт 777", 0},
		{"doc", "безопасность", docs[7]},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var total int
			for b.Loop() {
				_, n, err := db.SearchPairs(ctx, bc.query, SearchOptions{Doc: bc.doc})
				if err != nil {
					b.Fatal(err)
				}
				total = n
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}
