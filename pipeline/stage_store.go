package pipeline

// The store stage: what the aligner found goes into the database (the
// confidences of a translation's sentences, every document's pairs), and a
// document whose replies could not all be stored is read back as the
// database has it. The segments themselves are stored as they are planned
// and translated (stage_plan.go, stage_translate.go).

import (
	"context"
	"errors"
	"fmt"

	"github.com/bitext/bitext"

	"github.com/bitext/bitext/store"
)

// storeConfidences stores the confidence of every aligned sentence once the
// replies' own commits (which would reset them) are done, in the
// background; the channel gives the outcome. When a commit failed nothing
// is stored: the document is written again from the database.
func (j *Job) storeConfidences(ctx context.Context, w *docWork, al *alignment) <-chan error {
	done := make(chan error, 1)
	if len(al.pos) == 0 {
		done <- nil
		return done
	}
	stored := make([]store.SentenceConfidence, 0, len(al.pos))
	for _, k := range al.pos {
		stored = append(stored, store.SentenceConfidence{SentenceID: w.segs[k].SentenceID, Confidence: al.conf[k]})
	}
	cm := w.cm
	go func() {
		if _, err := cm.wait(); err != nil {
			done <- nil // the caller writes everything again
			return
		}
		if err := j.Store.SetConfidences(ctx, stored); err != nil {
			done <- fmt.Errorf("store the confidences: %w", err)
			return
		}
		done <- nil
	}()
	return done
}

// reloadIfUnsaved waits for the replies' commits; when some could not be
// stored it says so in the report and reads the segments back as the
// database has them (reloaded is then true).
func (j *Job) reloadIfUnsaved(ctx context.Context, w *docWork) (reloaded bool, err error) {
	n, serr := w.cm.wait()
	if serr == nil {
		return false, nil
	}
	w.report.addError(fmt.Sprintf("%d segment(s) could not be stored, first: %v", n, serr))
	segs, err := j.Store.Segments(ctx, w.file.DocID)
	if err != nil {
		return true, fmt.Errorf("read the segments back: %w", err)
	}
	w.segs = segs
	summarise(&w.report, segs)
	return true, nil
}

// storePairs stores the pairs a run made for a document (en: its human
// translation, 0 for ours): pairs people worked on stay as they are, their
// glossary findings brought up to date; the others take the run's. A
// reviewer's change in the meantime makes it start again from what is
// stored. It returns the document's pairs as stored.
func (j *Job) storePairs(ctx context.Context, doc, en int64, fresh []bitext.Pair, texts bitext.SideTexts) ([]bitext.Pair, error) {
	j.checkQA(fresh)
	var err error
	for range 5 {
		var expect, stored []bitext.Pair
		if expect, err = j.Store.Pairs(ctx, doc); err != nil {
			return nil, err
		}
		stored, err = j.Store.SyncPairs(ctx, store.PairSync{Doc: doc, En: en, Expect: expect, Fresh: fresh, Recheck: j.verifyPair, Texts: texts})
		if !errors.Is(err, store.ErrPairConflict) {
			return stored, err
		}
	}
	return nil, fmt.Errorf("reviewers kept changing the pairs while they were stored: %w; run again", err)
}

// lineTexts gives sentences by index from a list.
func lineTexts(ss []string) func(int) string {
	return func(i int) string {
		if i < 0 || i >= len(ss) {
			return ""
		}
		return ss[i]
	}
}

// translationTexts gives a translated document's Russian sentences and
// their English (the segments' translations) by sentence index.
func translationTexts(doc *bitext.Document, segs []store.Segment) bitext.SideTexts {
	sents := doc.Sentences()
	ru := make([]string, len(sents))
	en := make([]string, len(sents))
	for i, s := range sents {
		ru[i] = s.Text
	}
	for i := range segs {
		if s := &segs[i]; s.Done() && s.Idx >= 0 && s.Idx < len(en) {
			en[s.Idx] = s.Target
		}
	}
	return bitext.SideTexts{RU: lineTexts(ru), EN: lineTexts(en)}
}
