package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext/store"
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
	ids, err := e.db.SentenceIDs(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var seeds []store.SegmentSeed
	for _, s := range doc.Sentences() {
		seeds = append(seeds, store.SegmentSeed{SentenceID: ids[s.Index], Idx: s.Index, Source: s.Text})
	}
	if err := e.db.EnsureSegments(ctx, doc.ID, seeds); err != nil {
		t.Fatal(err)
	}
	segs, err := e.db.Segments(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range segs {
		segs[i].State, segs[i].Target, segs[i].Origin = store.SegTranslated, en[i], "model"
		if err := e.db.SaveSegment(ctx, &segs[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	j := &Job{Analyzer: sharedAnalyzer(t), Store: e.db, Config: JobConfig{OutDir: e.out}}
	if err := os.MkdirAll(e.out, 0o755); err != nil {
		t.Fatal(err)
	}
	var dr DocReport
	if err := j.writeTranslation(ctx, doc, segs, &dr); err != nil {
		t.Fatal(err)
	}
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
