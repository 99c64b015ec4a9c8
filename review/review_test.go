package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/store"
)

// makeDoc builds a document of one paragraph from its sentences.
func makeDoc(name string, lang bitext.Lang, sents []string) *bitext.Document {
	text := strings.Join(sents, " ")
	h := sha256.Sum256([]byte(text))
	d := &bitext.Document{Name: name, Path: name, Hash: hex.EncodeToString(h[:]), Format: "text", Encoding: "utf-8", Lang: lang, Text: text}
	p := bitext.Paragraph{Span: bitext.Span{End: len(text)}, Lang: lang}
	off := 0
	for i, s := range sents {
		p.Sentences = append(p.Sentences, bitext.Sentence{Index: i, Span: bitext.Span{Start: off, End: off + len(s)}, Text: s})
		off += len(s) + 1
	}
	d.Paragraphs = []bitext.Paragraph{p}
	return d
}

// fixture is a database with a Russian document, its human English
// translation and 1:1 pairs of them.
type fixture struct {
	db     *store.DB
	ru, en *bitext.Document
	r      *Reviewer
}

func newFixture(t *testing.T, n int) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "bitext.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var rs, es []string
	for i := range n {
		rs = append(rs, fmt.Sprintf("Предложение номер %d.", i))
		es = append(es, fmt.Sprintf("Sentence number %d.", i))
	}
	f := &fixture{db: db, ru: makeDoc("a.ru.txt", bitext.Russian, rs), en: makeDoc("a.en.txt", bitext.English, es)}
	for _, d := range []*bitext.Document{f.ru, f.en} {
		if _, err := db.SaveDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	var fresh []bitext.Pair
	for i := range n {
		fresh = append(fresh, bitext.Pair{Src: []int{i}, Tgt: []int{i}, RU: rs[i], EN: es[i], Confidence: 0.9,
			State: bitext.StateHuman, Origin: bitext.OriginHuman})
	}
	if _, err := db.SyncPairs(ctx, store.PairSync{Doc: f.ru.ID, En: f.en.ID, Fresh: fresh}); err != nil {
		t.Fatal(err)
	}
	f.r = &Reviewer{Store: db, Who: "alice"}
	return f
}

func (f *fixture) pairs(t *testing.T) []bitext.Pair {
	t.Helper()
	ps, err := f.db.Pairs(context.Background(), f.ru.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// check asserts the invariant and that every pair's texts are the
// sentences it names.
func (f *fixture) check(t *testing.T) []bitext.Pair {
	t.Helper()
	ps := f.pairs(t)
	if err := bitext.CheckPairs(ps, f.ru.SentenceCount(), f.en.SentenceCount()); err != nil {
		t.Fatalf("invariant broken: %v\n%s", err, dump(ps))
	}
	rs, es := f.ru.Sentences(), f.en.Sentences()
	for _, p := range ps {
		var ru, en []string
		for _, s := range p.Src {
			ru = append(ru, rs[s].Text)
		}
		for _, s := range p.Tgt {
			en = append(en, es[s].Text)
		}
		if p.RU != strings.Join(ru, " ") {
			t.Fatalf("pair %d %s: ru %q, want %q", p.ID, p.Bead(), p.RU, strings.Join(ru, " "))
		}
		if !p.Edited && p.EN != strings.Join(en, " ") {
			t.Fatalf("pair %d %s: en %q, want %q", p.ID, p.Bead(), p.EN, strings.Join(en, " "))
		}
	}
	return ps
}

func dump(ps []bitext.Pair) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  #%d id %d v%d %s %s\n", p.Index, p.ID, p.Version, p.Bead(), p.Status)
	}
	return b.String()
}

func TestMergeSplitShiftUndo(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 5)
	ps := f.check(t)
	orig := ps
	m, err := f.r.Merge(ctx, f.ru.ID, ps[2].ID, ps[1].ID) // either order
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != ps[1].ID || m.Bead() != "[1, 2]:[1, 2]" || m.RU != "Предложение номер 1. Предложение номер 2." {
		t.Fatalf("merged %+v", m)
	}
	if _, err := f.r.Merge(ctx, f.ru.ID, ps[0].ID, ps[3].ID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("merge of non-neighbours: %v, want ErrInvalid", err)
	}
	ps = f.check(t)
	if len(ps) != 4 {
		t.Fatalf("%d pairs after merge, want 4", len(ps))
	}
	sp, err := f.r.Split(ctx, f.ru.ID, m.ID, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if sp[0].Bead() != "[1]:[1, 2]" || sp[1].Bead() != "[2]:[]" {
		t.Fatalf("split %s %s", sp[0].Bead(), sp[1].Bead())
	}
	f.check(t)
	// shift the English sentence 2 down to the pair [2]:[]
	sh, err := f.r.Shift(ctx, f.ru.ID, sp[0].ID, English, false)
	if err != nil {
		t.Fatal(err)
	}
	if sh[0].Bead() != "[1]:[1]" || sh[1].Bead() != "[2]:[2]" {
		t.Fatalf("shift %s %s", sh[0].Bead(), sh[1].Bead())
	}
	f.check(t)
	// undo the shift, then the split, then the merge: back to the start
	for _, want := range []int{5, 4, 5} {
		if _, err := f.r.Undo(ctx, f.ru.ID, sp[0].ID); err != nil {
			t.Fatal(err)
		}
		if got := len(f.check(t)); got != want {
			t.Fatalf("%d pairs after undo, want %d", got, want)
		}
	}
	ps = f.check(t)
	for i, p := range ps {
		if p.Bead() != fmt.Sprintf("[%d]:[%d]", i, i) {
			t.Fatalf("after undoing everything: %s", dump(ps))
		}
	}
	for i := range ps {
		if ps[i].ID != orig[i].ID || ps[i].Status != bitext.StatusDraft {
			t.Fatalf("pair %d came back as id %d, want %d (the merged-away pair keeps its id)", i, ps[i].ID, orig[i].ID)
		}
	}
	if _, err := f.r.Undo(ctx, f.ru.ID, ps[1].ID); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("undo with nothing left: %v", err)
	}
	h, err := f.r.History(ctx, f.ru.ID, ps[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range h {
		acts = append(acts, e.Action)
	}
	if strings.Join(acts, " ") != "merge split shift undo undo undo" {
		t.Fatalf("history %v", acts)
	}
}

func TestShiftUpEmptiesPair(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 3)
	ps := f.check(t)
	if _, err := f.r.Shift(ctx, f.ru.ID, ps[1].ID, Russian, true); err != nil {
		t.Fatal(err)
	}
	ps2 := f.check(t)
	if ps2[0].Bead() != "[0, 1]:[0]" || ps2[1].Bead() != "[]:[1]" {
		t.Fatalf("after shift up: %s", dump(ps2))
	}
	if _, err := f.r.Shift(ctx, f.ru.ID, ps[1].ID, English, true); err != nil {
		t.Fatal(err)
	}
	ps3 := f.check(t)
	if len(ps3) != 2 || ps3[0].Bead() != "[0, 1]:[0, 1]" {
		t.Fatalf("the emptied pair stays: %s", dump(ps3))
	}
	if _, err := f.r.Shift(ctx, f.ru.ID, ps3[0].ID, Russian, true); !errors.Is(err, ErrInvalid) {
		t.Fatalf("shift up of the first pair: %v", err)
	}
	if _, err := f.r.Undo(ctx, f.ru.ID, ps[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.r.Undo(ctx, f.ru.ID, ps[0].ID); err != nil {
		t.Fatal(err)
	}
	for i, p := range f.check(t) {
		if p.Bead() != fmt.Sprintf("[%d]:[%d]", i, i) || p.ID != ps[i].ID {
			t.Fatalf("undo did not restore pair %d: %+v", i, p)
		}
	}
}

// TestRandomOperations: after any sequence of merges, splits, shifts and
// undos every sentence is in exactly one pair and the order is kept.
func TestRandomOperations(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(6) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			f := newFixture(t, 12)
			applied := 0
			for step := 0; step < 60; step++ {
				ps := f.pairs(t)
				p := ps[rng.IntN(len(ps))]
				var err error
				switch rng.IntN(5) {
				case 0:
					if p.Index+1 < len(ps) {
						_, err = f.r.Merge(ctx, f.ru.ID, p.ID, ps[p.Index+1].ID)
					}
				case 1:
					_, err = f.r.Split(ctx, f.ru.ID, p.ID, rng.IntN(len(p.Src)+1), rng.IntN(len(p.Tgt)+1))
				case 2:
					side := Russian
					if rng.IntN(2) == 0 {
						side = English
					}
					_, err = f.r.Shift(ctx, f.ru.ID, p.ID, side, rng.IntN(2) == 0)
				case 3:
					_, err = f.r.Undo(ctx, f.ru.ID, p.ID)
				case 4:
					_, err = f.r.Approve(ctx, f.ru.ID, []int64{p.ID}, 0)
				}
				if err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNothingToUndo) {
					t.Fatalf("step %d: %v", step, err)
				}
				if err == nil {
					applied++
				}
				f.check(t)
			}
			if applied < 20 {
				t.Fatalf("only %d operations applied", applied)
			}
		})
	}
}

func TestTwoReviewersConflict(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 2)
	p := f.pairs(t)[0]
	bob := &Reviewer{Store: f.db, Who: "bob"}
	if _, err := f.r.Edit(ctx, f.ru.ID, p.ID, "Alice's sentence number 0.", p.Version); err != nil {
		t.Fatal(err)
	}
	_, err := bob.Edit(ctx, f.ru.ID, p.ID, "Bob's sentence number 0.", p.Version)
	var c *Conflict
	if !errors.As(err, &c) || !errors.Is(err, store.ErrPairConflict) {
		t.Fatalf("second edit: %v, want a conflict", err)
	}
	if c.Current.EN != "Alice's sentence number 0." || c.Yours != "Bob's sentence number 0." || c.By != "alice" {
		t.Fatalf("conflict %+v", c)
	}
	msg := err.Error()
	for _, want := range []string{"Alice's sentence", "Bob's sentence", "alice", "version 2"} {
		if !strings.Contains(msg, want) {
			t.Errorf("conflict message lacks %q:\n%s", want, msg)
		}
	}
	got := f.pairs(t)[0]
	if got.EN != "Alice's sentence number 0." || got.Version != 2 || !got.Edited || got.Status != bitext.StatusDraft {
		t.Fatalf("stored %+v", got)
	}
	// Bob edits again on the version he was shown: it goes through.
	if _, err := bob.Edit(ctx, f.ru.ID, p.ID, "Bob's sentence number 0.", c.Current.Version); err != nil {
		t.Fatal(err)
	}
	// a status change on an old version conflicts too
	if _, err := f.r.Approve(ctx, f.ru.ID, []int64{p.ID}, 2); !errors.As(err, &c) {
		t.Fatalf("approve of an old version: %v", err)
	}
}

func TestApproveFeedsHumanMemory(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 3)
	ps := f.pairs(t)
	if _, err := f.r.Edit(ctx, f.ru.ID, ps[1].ID, "The edited sentence one.", 0); err != nil {
		t.Fatal(err)
	}
	out, err := f.r.Approve(ctx, f.ru.ID, []int64{ps[1].ID, ps[2].ID}, 0)
	if err != nil || len(out.Changed) != 2 {
		t.Fatalf("approve: %+v %v", out, err)
	}
	mem, err := f.db.FindHumanMemory(ctx, []string{ps[1].RU, "  " + ps[2].RU + " ", ps[0].RU})
	if err != nil {
		t.Fatal(err)
	}
	if len(mem) != 2 || mem[store.HumanKey(ps[1].RU)].Target != "The edited sentence one." || mem[store.HumanKey(ps[1].RU)].ApprovedBy != "alice" {
		t.Fatalf("human memory %+v", mem)
	}
	// undoing the approval takes it out again
	if _, err := f.r.Undo(ctx, f.ru.ID, ps[1].ID); err != nil {
		t.Fatal(err)
	}
	mem, _ = f.db.FindHumanMemory(ctx, []string{ps[1].RU})
	if len(mem) != 0 {
		t.Fatalf("undone approval still served: %+v", mem)
	}
	// approving twice is reported, not repeated
	out, _ = f.r.Approve(ctx, f.ru.ID, []int64{ps[2].ID}, 0)
	if len(out.Changed) != 0 || out.Skipped[ps[2].ID] != "already approved" {
		t.Fatalf("second approval %+v", out)
	}
}

type fakeGlossary struct{}

// Check: «МИБ» needs "international information security".
func (fakeGlossary) Check(ru, en string) ([]string, []bitext.Violation) {
	if !strings.Contains(ru, "МИБ") {
		return nil, nil
	}
	if strings.Contains(en, "international information security") {
		return []string{"mib"}, nil
	}
	return []string{"mib"}, []bitext.Violation{{TermID: "mib", Kind: "missing", Expected: "international information security", Source: "МИБ"}}
}

func TestApproveAboveSkipsViolations(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 4)
	f.r.Glossary = fakeGlossary{}
	ps := f.pairs(t)
	// pair 0 gets a violation through an edit; pair 3 is below the threshold
	if _, err := f.r.Edit(ctx, f.ru.ID, ps[3].ID, "Another sentence.", 0); err != nil {
		t.Fatal(err)
	}
	low := ps[2]
	_, _, err := f.db.ChangePairs(ctx, store.PairChange{Doc: f.ru.ID, Action: "edit", Who: "t", Before: []bitext.Pair{low},
		After: []bitext.Pair{func() bitext.Pair { p := low; p.Confidence, p.Version = 0.3, p.Version+1; return p }()}})
	if err != nil {
		t.Fatal(err)
	}
	viol := ps[0]
	viol.Violations, viol.Version = []bitext.Violation{{TermID: "x", Kind: "missing"}}, viol.Version+1
	if _, _, err := f.db.ChangePairs(ctx, store.PairChange{Doc: f.ru.ID, Action: "edit", Who: "t", Before: ps[:1], After: []bitext.Pair{viol}}); err != nil {
		t.Fatal(err)
	}
	out, err := f.r.ApproveAbove(ctx, f.ru.ID, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(out.Changed) != fmt.Sprint([]int64{ps[1].ID, ps[3].ID}) || out.Skipped[ps[0].ID] == "" {
		t.Fatalf("approve above: %+v", out)
	}
}

func TestEditChecksGlossary(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 1)
	f.r.Glossary = fakeGlossary{}
	p := f.pairs(t)[0]
	// the fixture's Russian has no МИБ: no violation either way
	got, err := f.r.Edit(ctx, f.ru.ID, p.ID, "  A new   text.  ", 0)
	if err != nil || got.EN != "A new text." || len(got.Violations) != 0 || got.State != bitext.StateHuman {
		t.Fatalf("edit: %+v %v", got, err)
	}
	if _, err := f.r.Edit(ctx, f.ru.ID, p.ID, "Текст", 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Cyrillic English: %v", err)
	}
	if _, err := f.r.Edit(ctx, f.ru.ID, p.ID, "  ", 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty English: %v", err)
	}
}

// fakeQA finds a "number" in every English that holds "15".
type fakeQA struct{}

func (fakeQA) Check(ru, en string) []bitext.Finding {
	if !strings.Contains(en, "15") {
		return nil
	}
	return []bitext.Finding{{Kind: bitext.FindingNumber, Severity: bitext.SeverityError, RU: "1,5", EN: "15", Message: "1.5 became 15", Key: "number:1.5>15"}}
}

// TestAcceptFinding: an edit is QA-checked; accepting its finding keeps it
// accepted through later checks and in the history; unaccept raises it
// again; an unknown key and a stale version are refused.
func TestAcceptFinding(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 3)
	f.r.QA = fakeQA{}
	ps := f.pairs(t)
	p, err := f.r.Edit(ctx, f.ru.ID, ps[1].ID, "Sentence number 15.", 0)
	if err != nil || len(p.Findings) != 1 || p.Findings[0].Accepted {
		t.Fatalf("edit: %+v %v", p, err)
	}
	if _, err := f.r.Accept(ctx, f.ru.ID, p.ID, "number:nope", 0); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "number:1.5>15") {
		t.Fatalf("unknown key: %v", err)
	}
	if _, err := f.r.Accept(ctx, f.ru.ID, p.ID, "number:1.5>15", p.Version-1); !errors.Is(err, store.ErrPairConflict) {
		t.Fatalf("stale version: %v", err)
	}
	a, err := f.r.Accept(ctx, f.ru.ID, p.ID, "number:1.5>15", p.Version)
	if err != nil || !a.Findings[0].Accepted || len(a.Accepted) != 1 || a.Accepted[0].By != "alice" || !a.Reviewed {
		t.Fatalf("accept: %+v %v", a, err)
	}
	if e, _ := a.OpenFindings(); e != 0 {
		t.Fatalf("open errors after accepting: %d", e)
	}
	// a later edit keeps the finding accepted
	b, err := f.r.Edit(ctx, f.ru.ID, p.ID, "Sentence number 15, again.", a.Version)
	if err != nil || len(b.Findings) != 1 || !b.Findings[0].Accepted {
		t.Fatalf("edit after accepting: %+v %v", b, err)
	}
	c, err := f.r.Unaccept(ctx, f.ru.ID, p.ID, "number:1.5>15", 0)
	if err != nil || c.Findings[0].Accepted || len(c.Accepted) != 0 {
		t.Fatalf("unaccept: %+v %v", c, err)
	}
	h, err := f.r.History(ctx, f.ru.ID, p.ID)
	if err != nil || len(h) != 4 || h[1].Action != "accept" || h[3].Action != "unaccept" {
		t.Fatalf("history: %+v %v", h, err)
	}
	f.check(t)
}
