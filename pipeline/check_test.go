package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/align"
)

// TestAlignerCheckCatchesShift: a reply whose ids are right but whose texts
// are shifted (the English of sentence 3 merged into sentence 2, sentence 3
// given the English of sentence 4, …) passes the protocol's checks; the
// aligner's check flags the pairs around the shift with a low confidence and
// a note, and leaves the pairs before it alone.
func TestAlignerCheckCatchesShift(t *testing.T) {
	e := newJobEnv(t)
	ctx := context.Background()
	ru := []string{
		"Консультации прошли 14 марта 2024 г. в Москве.",
		"Российскую делегацию возглавил А.В.Крутских.",
		"Стороны обсудили 12 вопросов повестки дня.",
		"Было отмечено значение Рабочей группы ООН.",
		"Следующий раунд состоится в 2025 г. в Бразилиа.",
		"Стороны договорились о дальнейших контактах.",
	}
	en := []string{
		"The consultations took place in Moscow on 14 March 2024.",
		"The Russian delegation was headed by A.V.Krutskikh. The parties discussed 12 items of the agenda.",
		"The importance of the UN Working Group was noted.",
		"The next round will take place in Brasilia in 2025.",
		"The parties agreed on further contacts.",
		"Thank you.",
	}
	doc := sharedAnalyzer(t).AnalyzeAs(strings.Join(ru, " "), "ru")
	doc.Name, doc.Path, doc.Format, doc.Encoding = "shift.txt", "shift.txt", "text", "utf-8"
	if _, err := e.db.SaveDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if doc.SentenceCount() != len(ru) {
		t.Fatalf("%d sentences, want %d", doc.SentenceCount(), len(ru))
	}
	segs, err := e.db.TrackSegments(ctx, doc.ID, "en")
	if err != nil {
		t.Fatal(err)
	}
	for i := range segs {
		segs[i].State, segs[i].Target, segs[i].Origin = bitext.StateTranslated, en[i], "model"
		if err := e.db.SaveSegment(ctx, &segs[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	j := &Job{Analyzer: sharedAnalyzer(t), Store: e.db, Config: JobConfig{OutDir: e.out}}
	if err := os.MkdirAll(e.out, 0o755); err != nil {
		t.Fatal(err)
	}
	w := &docWork{file: FileResult{Path: doc.Path, Doc: doc, DocID: doc.ID}, segs: segs}
	if err := j.completeTranslation(ctx, w); err != nil {
		t.Fatal(err)
	}
	dr := w.report
	b, err := os.ReadFile(filepath.Join(e.out, "shift.pairs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pf PairsFile
	if err := json.Unmarshal(b, &pf); err != nil {
		t.Fatal(err)
	}
	if pf.Pairs[0].Note != "" || pf.Pairs[0].Confidence < LowConfidence {
		t.Errorf("the first pair is right and was flagged: %+v", pf.Pairs[0])
	}
	flagged := 0
	for _, p := range pf.Pairs[1:] {
		if p.Note != "" && p.Confidence < LowConfidence {
			flagged++
		}
	}
	if flagged < 2 {
		t.Errorf("%d shifted pairs flagged, want at least 2: %+v", flagged, pf.Pairs)
	}
	if dr.LowConf < 2 {
		t.Errorf("report counts %d low-confidence pairs", dr.LowConf)
	}
}

// checkPair builds n Russian sentences and their English, of varied
// lengths, with numbers as anchors; the English of sentence k is merged
// into sentence k-1 for each k in merged, and sentence k then gets the
// English of k+1 (a shift until the next merged index or the end).
func checkPair(n int, merged ...int) (ru, en []string) {
	r := rand.New(rand.NewPCG(uint64(n), 9))
	ruWords := strings.Fields("стороны обсудили вопросы международной информационной безопасности сотрудничества в рамках ООН и договорились продолжить консультации")
	enWords := strings.Fields("the parties discussed issues of international information security cooperation within the UN and agreed to continue consultations")
	for k := range n {
		w := 3 + r.IntN(14)
		var a, b []string
		for x := range w {
			a = append(a, ruWords[(k+x)%len(ruWords)])
			b = append(b, enWords[(k+x)%len(enWords)])
		}
		num := fmt.Sprint(1000 + r.IntN(9000))
		ru = append(ru, strings.Join(a, " ")+" "+num+".")
		en = append(en, strings.Join(b, " ")+" "+num+".")
	}
	out := append([]string(nil), en...)
	for _, m := range merged {
		out[m-1] = out[m-1] + " " + en[m]
		for k := m; k < n-1 && !slices.Contains(merged, k+1); k++ {
			out[k] = en[k+1]
		}
	}
	return ru, out
}

// TestProgressiveCheck: the check done window by window while replies
// arrive (in any order) flags the same sentences as the check of the whole
// document at once, including shifts that straddle a window's edge, and it
// re-aligns what changed after it was checked.
func TestProgressiveCheck(t *testing.T) {
	j := &Job{}
	opts := j.checkOptions(nil)
	ctx := context.Background()
	flagged := func(beads []align.Bead) []int {
		var out []int
		for _, b := range beads {
			if len(b.Src) != 1 || len(b.Tgt) != 1 || b.Src[0] != b.Tgt[0] {
				out = append(out, b.Src...)
			}
		}
		return out
	}
	n := 1000
	ru, en := checkPair(n, 100, checkWindow-1, checkWindow+checkMargin+5, 700)
	whole, err := align.Align(ctx, align.Input{Src: ru, Tgt: en}, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := flagged(whole)
	if len(want) == 0 {
		t.Fatal("the one-shot check flags nothing: the fixture shows no shift")
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	for _, tc := range []struct {
		name   string
		change int // a sentence whose English changes after it was resolved (-1: none)
	}{{"same", -1}, {"changed after the check", 150}} {
		t.Run(tc.name, func(t *testing.T) {
			c := newChecker(ctx, opts, order)
			perm := rand.New(rand.NewPCG(1, 2)).Perm(n)
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for _, k := range perm[w*n/4 : (w+1)*n/4] {
						c.resolve(k, true, ru[k], en[k])
					}
				})
			}
			wg.Wait()
			c.flush()
			if want := (n - checkMargin) / checkWindow; c.windows < want {
				t.Fatalf("%d windows checked in the background, want %d", c.windows, want)
			}
			final := append([]string(nil), en...)
			if tc.change >= 0 {
				final[tc.change] = "Something else entirely."
			}
			spans, err := c.finish(ctx, ru, final, opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []align.Bead
			for _, sp := range spans {
				got = append(got, sp.bead())
			}
			checkCovers(t, got, n)
			ref, err := align.Align(ctx, align.Input{Src: ru, Tgt: final}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := flagged(got), flagged(ref); !slices.Equal(g, w) {
				t.Errorf("progressive check flags %v, the whole check %v", g, w)
			}
		})
	}
}

// checkCovers fails unless beads cover sentences 0..n-1 of both sides once,
// in order.
func checkCovers(t *testing.T, beads []align.Bead, n int) {
	t.Helper()
	i, j := 0, 0
	for _, b := range beads {
		for _, x := range b.Src {
			if x != i {
				t.Fatalf("source sentence %d where %d was expected (bead %v)", x, i, b)
			}
			i++
		}
		for _, x := range b.Tgt {
			if x != j {
				t.Fatalf("target sentence %d where %d was expected (bead %v)", x, j, b)
			}
			j++
		}
	}
	if i != n || j != n {
		t.Fatalf("beads cover %d/%d sentences, want %d", i, j, n)
	}
}

// flush waits until everything resolved so far has been checked.
func (c *checker) flush() {
	r := make(chan struct{})
	c.flushed <- r
	<-r
}
