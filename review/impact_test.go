package review

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/store"
)

// entriesCheck checks pairs against glossary entries as the run does
// (cmd/bitext glossaryCheck).
type entriesCheck struct {
	m *glossary.Matcher
	v *glossary.Verifier
}

func newEntriesCheck(t testing.TB, entries ...glossary.Entry) entriesCheck {
	t.Helper()
	m, err := glossary.NewMatcher(entries)
	if err != nil {
		t.Fatal(err)
	}
	return entriesCheck{m: m, v: glossary.NewVerifier(entries)}
}

func (c entriesCheck) Check(ru, en string) ([]string, []bitext.Violation) {
	ms := c.m.Match(ru)
	var ids []string
	for _, m := range ms {
		if !slices.Contains(ids, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	var out []bitext.Violation
	for _, v := range c.v.Verify(ms, en) {
		src := ""
		for _, m := range ms {
			if m.ID == v.ID {
				src = m.Surface
				break
			}
		}
		out = append(out, bitext.Violation{TermID: v.ID, Kind: string(v.Kind), Expected: v.Expected, Source: src, Found: v.Found})
	}
	return ids, out
}

// impactPair is a pair of the impact fixture.
type impactPair struct {
	ru, en string
	status bitext.Status
}

// The pairs of the impact tests, by position.
var impactPairs = []impactPair{
	0: {"Вопросы международной информационной безопасности обсуждались.", "Issues of international information security were discussed.", bitext.StatusDraft},
	1: {"Россия выступает за обеспечение международной информационной безопасности.", "Russia advocates ensuring information security.", bitext.StatusDraft},
	2: {"Международная информационная безопасность — приоритет.", "International information security is a priority.", bitext.StatusDraft},
	3: {"Сотрудничество в области МИБ продолжится.", "Cooperation in the field of IIS will continue.", bitext.StatusApproved},
	4: {"Погода сегодня хорошая.", "The weather is good today.", bitext.StatusDraft},
	5: {"Угрозы международной информационной безопасности растут.", "Threats to international cybersecurity are growing.", bitext.StatusRejected},
	6: {"Он занимается международной информационной безопасностью.", "He deals with international information security.", bitext.StatusApproved},
	7: {"Мы говорили о международной информационной безопасности.", "We spoke about global cyber security.", bitext.StatusDraft},
	8: {"Информационная безопасность страны важна.", "The country's information security matters.", bitext.StatusApproved},
}

// newImpactFixture stores a document with the pairs of impactPairs (as
// bitext's own translation), their statuses set by a reviewer, and returns
// the database and the pairs.
func newImpactFixture(t testing.TB, ps []impactPair) (*store.DB, []bitext.Pair) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "bitext.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	stored := addDocument(t, db, "impact.ru.txt", ps)
	r := &Reviewer{Store: db, Who: "alice"}
	for i, p := range ps {
		var err error
		switch p.status {
		case bitext.StatusApproved:
			_, err = r.Approve(ctx, stored[i].Doc, []int64{stored[i].ID}, 0)
		case bitext.StatusRejected:
			_, err = r.Reject(ctx, stored[i].Doc, []int64{stored[i].ID}, 0)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	out, err := db.Pairs(ctx, stored[0].Doc)
	if err != nil {
		t.Fatal(err)
	}
	return db, out
}

// addDocument stores a Russian document of the pairs' Russian and its
// pairs (drafts, bitext's own translation).
func addDocument(t testing.TB, db *store.DB, name string, ps []impactPair) []bitext.Pair {
	t.Helper()
	ctx := context.Background()
	var rs []string
	for _, p := range ps {
		rs = append(rs, p.ru)
	}
	doc := makeDoc(name, bitext.Russian, rs)
	if _, err := db.SaveDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	fresh := make([]bitext.Pair, len(ps))
	for i, p := range ps {
		fresh[i] = bitext.Pair{Src: []int{i}, Tgt: []int{i}, RU: p.ru, EN: p.en, Confidence: 0.9,
			State: bitext.StateTranslated, Origin: bitext.OriginModel}
	}
	stored, err := db.SyncPairs(ctx, store.PairSync{Doc: doc.ID, Fresh: fresh})
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

// mib is the entry of the impact tests as stored.
var mib = glossary.Entry{ID: "mib", RU: "международная информационная безопасность", EN: "international information security", Status: glossary.Preferred}

func TestImpact(t *testing.T) {
	ctx := context.Background()
	db, ps := newImpactFixture(t, impactPairs)
	with := func(f func(e *glossary.Entry)) glossary.Entry {
		e := cloneEntry(mib)
		f(&e)
		return e
	}
	for _, tc := range []struct {
		name   string
		before *glossary.Entry
		after  glossary.Entry
		want   map[int]string // position → kind
		reason map[int]string // position → part of the reason
	}{
		{name: "new entry", after: mib,
			want:   map[int]string{1: ImpactLacksNew, 7: ImpactLacksNew},
			reason: map[int]string{1: "its English lacks the new rendering «international information security», now required for «международной информационной безопасности»"}},
		{name: "inflected Russian forms", after: with(func(e *glossary.Entry) { e.EN = "ICT security" }),
			// nominative, genitive, instrumental, prepositional
			want: map[int]string{0: ImpactLacksNew, 1: ImpactLacksNew, 2: ImpactLacksNew, 6: ImpactLacksNew, 7: ImpactLacksNew},
			reason: map[int]string{2: "for «Международная информационная безопасность»", 6: "for «международной информационной безопасностью»",
				7: "for «международной информационной безопасности»"}},
		{name: "the new rendering holds the old one",
			before: func() *glossary.Entry {
				e := with(func(e *glossary.Entry) { e.EN = "information security" })
				return &e
			}(),
			after: mib,
			// pair 0 has the new one (the old one inside it counts for
			// nothing); pair 7 lacked the old one and lacks the new one
			want:   map[int]string{1: ImpactOldRendering, 7: ImpactLacksNew},
			reason: map[int]string{1: "its English uses the old rendering «information security»; the glossary now requires «international information security»"}},
		{name: "changing the required English", before: &mib,
			after: with(func(e *glossary.Entry) { e.EN = "international ICT security" }),
			want:  map[int]string{0: ImpactOldRendering, 1: ImpactLacksNew, 2: ImpactOldRendering, 6: ImpactOldRendering, 7: ImpactLacksNew},
			reason: map[int]string{
				0: "its English uses the old rendering «international information security»; the glossary now requires «international ICT security» for «международной информационной безопасности»",
				2: "«International information security»",
				1: "lacks the new rendering «international ICT security»"}},
		{name: "the old rendering kept as a variant", before: &mib,
			after: with(func(e *glossary.Entry) {
				e.EN, e.ENVariants = "international ICT security", []string{"international information security"}
			}),
			// pairs 1 and 7 lacked the old one and lack the new one
			want: map[int]string{1: ImpactLacksNew, 7: ImpactLacksNew}},
		{name: "a change of case only", before: &mib,
			after: with(func(e *glossary.Entry) { e.EN = "International Information Security" }),
			want:  map[int]string{}},
		{name: "a change of the note only", before: &mib,
			after: with(func(e *glossary.Entry) { e.Note = "UN usage" }),
			want:  map[int]string{}},
		{name: "adding a forbidden rendering", before: &mib,
			after:  with(func(e *glossary.Entry) { e.ForbiddenEN = []string{"information security", "cyber security"} }),
			want:   map[int]string{1: ImpactForbidden, 7: ImpactForbidden},
			reason: map[int]string{1: "the term is now forbidden here: its English uses «information security», which the glossary forbids for «международной информационной безопасности» (use «international information security»)"}},
		{name: "adding a Russian variant", before: &mib,
			after:  with(func(e *glossary.Entry) { e.RUVariants = []string{"МИБ"} }),
			want:   map[int]string{3: ImpactLacksNew},
			reason: map[int]string{3: "its English lacks «international information security», now required for «МИБ»"}},
		{name: "adding a Russian variant with its English", before: &mib,
			after: with(func(e *glossary.Entry) { e.RUVariants, e.ENVariants = []string{"МИБ"}, []string{"IIS"} }),
			// pair 7 lacked the term and still does, the same way
			want: map[int]string{}},
		{name: "a deprecated entry", before: &mib,
			after: with(func(e *glossary.Entry) { e.Status = glossary.Deprecated }),
			want:  map[int]string{}},
		{name: "a shorter term", after: glossary.Entry{ID: "is", RU: "информационная безопасность", EN: "information safety"},
			// every pair with the words, the longer term's among them
			want: map[int]string{0: ImpactLacksNew, 1: ImpactLacksNew, 2: ImpactLacksNew, 6: ImpactLacksNew, 7: ImpactLacksNew, 8: ImpactLacksNew}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := Impact(ctx, db, tc.before, tc.after, 0)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(got) {
				t.Fatalf("total %d, %d pairs returned without a limit", total, len(got))
			}
			kinds := map[int]string{}
			for k, ip := range got {
				kinds[ip.Pair.Index] = ip.Kind
				if k > 0 && ip.Pair.Index <= got[k-1].Pair.Index {
					t.Fatalf("out of order: %d after %d", ip.Pair.Index, got[k-1].Pair.Index)
				}
				if ip.Pair.Status == bitext.StatusRejected {
					t.Fatalf("rejected pair %d listed", ip.Pair.Index)
				}
				if ip.Pair.ID != ps[ip.Pair.Index].ID || ip.Pair.EN != ps[ip.Pair.Index].EN {
					t.Fatalf("pair %+v is not the stored one", ip.Pair)
				}
				if want, ok := tc.reason[ip.Pair.Index]; ok && !strings.Contains(ip.Reason, want) {
					t.Errorf("pair %d: reason %q, want it to say %q", ip.Pair.Index, ip.Reason, want)
				}
				t.Logf("pair %d %s: %s", ip.Pair.Index, ip.Kind, ip.Reason)
			}
			if fmt.Sprint(kinds) != fmt.Sprint(tc.want) {
				t.Fatalf("impacted %v, want %v", kinds, tc.want)
			}
		})
	}
}

func TestImpactLimitAndErrors(t *testing.T) {
	ctx := context.Background()
	db, ps := newImpactFixture(t, impactPairs)
	after := cloneEntry(mib)
	after.EN = "international ICT security"
	got, total, err := Impact(ctx, db, &mib, after, 2)
	if err != nil {
		t.Fatal(err)
	}
	if total != 5 || len(got) != 2 || got[0].Pair.ID != ps[0].ID || got[1].Pair.ID != ps[1].ID {
		t.Fatalf("limit 2: %d of %d: %+v", len(got), total, got)
	}
	if _, _, err := Impact(ctx, db, nil, glossary.Entry{ID: "x", RU: "термин"}, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("an entry without English: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := Impact(cctx, db, nil, mib, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestRecheck(t *testing.T) {
	ctx := context.Background()
	db, ps := newImpactFixture(t, impactPairs)
	r := &Reviewer{Store: db, Who: "carol"}
	if _, err := r.Recheck(ctx, ps[0].Doc, []int64{ps[0].ID}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("re-check without a glossary: %v", err)
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	// merge pairs 4 and 5 away: pair 5's id is gone
	m := ps[4]
	m.Src, m.Tgt, m.RU, m.EN, m.Version = []int{4, 5}, []int{4, 5}, ps[4].RU+" "+ps[5].RU, ps[4].EN+" "+ps[5].EN, ps[4].Version+1
	if _, _, err := db.ChangePairs(ctx, store.PairChange{Doc: m.Doc, Action: "merge", Who: "t", Before: ps[4:6], After: []bitext.Pair{m}}); err != nil {
		t.Fatal(err)
	}
	before, _ := db.Pairs(ctx, ps[0].Doc)

	// The glossary gains the entry: pairs with the term get it among their
	// terms, and those whose English lacks it a violation.
	r.Glossary = newEntriesCheck(t, mib)
	n, err := r.Recheck(ctx, ps[0].Doc, ids)
	if err != nil {
		t.Fatal(err)
	}
	// 0, 1, 2, 6, 7 and the merged 4+5 hold the term
	if n != 6 {
		t.Fatalf("%d pairs changed, want 6", n)
	}
	now, _ := db.Pairs(ctx, ps[0].Doc)
	violations := func(ps []bitext.Pair) map[int64]string {
		out := map[int64]string{}
		for _, p := range ps {
			if len(p.Violations) > 0 {
				out[p.ID] = p.Violations[0].Kind + " " + p.Violations[0].Expected
			}
		}
		return out
	}
	want := map[int64]string{ps[1].ID: "missing international information security", ps[4].ID: "missing international information security",
		ps[7].ID: "missing international information security"}
	if fmt.Sprint(violations(now)) != fmt.Sprint(want) {
		t.Fatalf("violations %v, want %v", violations(now), want)
	}
	untouched := func(now []bitext.Pair) {
		t.Helper()
		if len(now) != len(before) {
			t.Fatalf("%d pairs, %d before", len(now), len(before))
		}
		for k := range now {
			a, b := before[k], now[k]
			if a.ID != b.ID || a.EN != b.EN || a.RU != b.RU || a.Status != b.Status || a.State != b.State || a.Version != b.Version ||
				a.ReviewedBy != b.ReviewedBy || a.ReviewedAt != b.ReviewedAt || a.Edited != b.Edited || a.Reviewed != b.Reviewed {
				t.Fatalf("re-check changed more than the findings:\n was %+v\n now %+v", a, b)
			}
		}
	}
	untouched(now)
	if now[0].Terms == nil || now[0].Terms[0] != "mib" || len(now[3].Terms) != 0 {
		t.Fatalf("terms: %v %v", now[0].Terms, now[3].Terms)
	}
	h, err := db.PairHistory(ctx, ps[6].Doc, ps[6].ID)
	if err != nil || len(h) != 1 || h[0].Action != "approve" {
		t.Fatalf("history of an approved, re-checked pair: %+v %v", h, err)
	}

	// Nothing changed since: nothing to store.
	if n, err := r.Recheck(ctx, ps[0].Doc, ids[:3]); err != nil || n != 0 {
		t.Fatalf("second re-check: %d %v", n, err)
	}

	// The entry is fixed to allow the renderings used: the violations go.
	// (Many ids: the document's pairs are read at once.)
	fixed := cloneEntry(mib)
	fixed.ENVariants = []string{"information security", "cyber security", "cybersecurity"}
	r.Glossary = newEntriesCheck(t, fixed)
	many := slices.Clone(ids)
	for k := range 40 {
		many = append(many, 1<<40+int64(k), ids[0]) // unknown ids and repeats
	}
	n, err = r.Recheck(ctx, ps[0].Doc, many)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("%d pairs changed after the fix, want 3", n)
	}
	now, _ = db.Pairs(ctx, ps[0].Doc)
	if v := violations(now); len(v) != 0 {
		t.Fatalf("violations left after the fix: %v", v)
	}
	untouched(now)

	// A pair of another document is not found in this one.
	if n, err := r.Recheck(ctx, ps[0].Doc+100, ids); err != nil || n != 0 {
		t.Fatalf("re-check in another document: %d %v", n, err)
	}
}

// BenchmarkImpact measures Impact over 20,000 pairs in 20 documents, one
// pair in 20 holding the term.
func BenchmarkImpact(b *testing.B) {
	const docs, perDoc = 20, 1000
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bitext.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	plain := []impactPair{
		{"Министр иностранных дел провёл переговоры со своим коллегой в Москве и обсудил вопросы двустороннего сотрудничества.",
			"The Minister of Foreign Affairs held talks with his counterpart in Moscow and discussed bilateral cooperation.", ""},
		{"Стороны подчеркнули важность укрепления торгово-экономических связей и расширения гуманитарных контактов.",
			"The parties stressed the importance of strengthening trade and economic ties and expanding humanitarian contacts.", ""},
		{"Делегация посетила выставку, посвящённую истории дипломатических отношений между двумя странами.",
			"The delegation visited an exhibition on the history of diplomatic relations between the two countries.", ""},
		{"В ходе встречи были затронуты актуальные международные и региональные проблемы, включая ситуацию на Ближнем Востоке.",
			"The meeting touched upon pressing international and regional issues, including the situation in the Middle East.", ""},
	}
	term := []impactPair{
		impactPairs[0], impactPairs[1], impactPairs[6], impactPairs[7],
	}
	for d := range docs {
		ps := make([]impactPair, perDoc)
		for i := range ps {
			if i%20 == 7 {
				ps[i] = term[(i/20)%len(term)]
			} else {
				ps[i] = plain[i%len(plain)]
				ps[i].ru = fmt.Sprintf("%s (%d-%d)", ps[i].ru, d, i)
			}
		}
		addDocument(b, db, fmt.Sprintf("doc%d.ru.txt", d), ps)
	}
	after := cloneEntry(mib)
	after.EN = "international ICT security"
	b.Run("scan", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := db.EachPair(ctx, impactStatuses, func(bitext.Pair) error { n++; return nil }); err != nil || n != docs*perDoc {
				b.Fatal(n, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*docs*perDoc), "µs/pair")
	})
	b.Run("impact", func(b *testing.B) {
		for b.Loop() {
			_, total, err := Impact(ctx, db, &mib, after, 100)
			if err != nil || total != docs*perDoc/20 {
				b.Fatal(total, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*docs*perDoc), "µs/pair")
	})
}
