package pipeline

// A document flows through the stages once, each in its own file:
//
//	read, analyse  stage_read.go (and the Analyzer, pipeline.go)
//	plan           stage_plan.go: which sentences are done, which come
//	               from the memory, which need the model, re-checks after
//	               glossary changes
//	translate      stage_translate.go (over the leases of lease.go)
//	verify         stage_verify.go (the progressive check: check.go)
//	align          stage_align.go
//	store          stage_store.go
//	write          stage_write.go
//
// Its state goes from stage to stage in one docWork. Three flows use the
// stages: translateDoc (a document translated and written), alignPair (a
// Russian document with its human translation) and, inside it with
// --pair-mt, translateForAligner (a pair's Russian translated for the
// aligner, nothing written).

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/store"
)

// docWork is one document on its way through the stages: what each stage
// finds and the next one uses.
type docWork struct {
	file   FileResult // the document as read, analysed and stored
	report DocReport  // what happened to it, filled in by every stage
	gver   string     // the glossary version the segments are checked against

	// plan
	segs   []store.Segment             // every segment of the document, in sentence order
	hits   map[int][]translate.TermHit // glossary entries found, by sentence index (missing: none)
	keys   map[int]string              // translation memory keys, by sentence index
	ahead  map[string]store.Memory     // memory entries looked up ahead, until the plan is done
	looked map[string]bool             // keys looked up ahead, found or not
	todo   []*store.Segment            // the segments the model must translate
	// reviewed holds the sentences of pairs people worked on: never
	// translated again.
	reviewed map[int]bool

	// translate, verify
	cm  *commits // the background commits of the replies
	chk *checker // the progressive check of a large document (nil: none)
}

// newDocWork starts the work on a document read as r.
func (j *Job) newDocWork(r FileResult, action string) *docWork {
	w := &docWork{file: r, report: j.report(r, action), hits: map[int][]translate.TermHit{}, keys: map[int]string{},
		looked: map[string]bool{}, cm: &commits{}}
	if j.Glossary != nil {
		w.gver = j.Glossary.Version()
	}
	return w
}

// fail marks the document failed with err.
func (w *docWork) fail(err error) DocReport {
	w.report.Action, w.report.Error = ActFailed, fmt.Sprintf("%s: %v", w.file.Path, err)
	return w.report
}

// settle waits for the replies to be stored and ends the check (every
// return of a flow runs it).
func (w *docWork) settle() {
	w.cm.wait()
	w.chk.stop()
}

// stopped reports whether the document's translation stopped short of
// its outputs: it waits for the endpoint, was only estimated, or met the
// cost limit.
func (w *docWork) stopped() bool {
	a := w.report.Action
	return a == ActWaiting || a == ActEstimated || a == ActCostLimit
}

// translateSentences runs a document through plan and translate, with the
// progressive check when check is set, and counts its segments.
func (j *Job) translateSentences(ctx context.Context, w *docWork, check bool) error {
	if err := j.plan(ctx, w); err != nil {
		return err
	}
	if check {
		j.startCheck(ctx, w)
	}
	if err := j.translate(ctx, w); err != nil {
		return err
	}
	summarise(&w.report, w.segs)
	return nil
}

// translateDoc translates the Russian sentences of one document, resuming
// from what the store already has, and writes its English and its pairs.
func (j *Job) translateDoc(ctx context.Context, r FileResult) DocReport {
	w := j.newDocWork(r, ActTranslated)
	defer w.settle()
	if err := j.translateSentences(ctx, w, true); err != nil {
		return w.fail(err)
	}
	if w.stopped() {
		return w.report
	}
	if j.Queued != nil && j.Queued() > 0 {
		select {
		case <-time.After(outputDelay):
		case <-ctx.Done():
		}
	}
	// The outputs are written from the segments as they were committed
	// (the last commits finish meanwhile; the store stage waits for them
	// before it stores the confidences). If a commit failed, they are
	// written again from the database.
	err := j.completeTranslation(ctx, w)
	if reloaded, rerr := j.reloadIfUnsaved(ctx, w); rerr != nil {
		return w.fail(rerr)
	} else if reloaded {
		w.chk.stop()
		w.chk, w.cm = nil, nil
		w.report.Outputs, w.report.LowConf = nil, 0
		err = j.completeTranslation(ctx, w)
	}
	if err != nil {
		return w.fail(err)
	}
	j.conclude(w)
	return w.report
}

// completeTranslation takes a translated document through the last
// stages: its pairs are checked by the aligner (verify, align), stored with
// the confidences, keeping the pairs people reviewed (store), and its
// English and pairs files are written from the stored pairs (write).
func (j *Job) completeTranslation(ctx context.Context, w *docWork) error {
	doc := w.file.Doc
	base := j.outName(doc)
	j.noteReplaced(&w.report, base, doc.Path)
	al, err := j.alignTranslation(ctx, w)
	if err != nil {
		return err
	}
	if err := <-j.storeConfidences(ctx, w, al); err != nil {
		return err
	}
	pairs, err := j.storePairs(ctx, w.file.DocID, 0, translationPairs(doc, w.segs, al), translationTexts(doc, w.segs))
	if err != nil {
		return err
	}
	countPairs(&w.report, pairs)
	enPath := filepath.Join(j.Config.OutDir, base+".en.txt")
	withheld, werr := writeEnglishFile(enPath, doc, pairs)
	if werr != nil {
		return werr
	}
	out, err := j.writePairs(base, PairsFile{Document: doc.Name, Source: doc.Path}, slices.Values(pairs))
	noteWithheld(&w.report, withheld)
	w.report.Outputs = append(w.report.Outputs, enPath)
	w.report.Outputs = append(w.report.Outputs, out...)
	return err
}

// translateForAligner translates the Russian side of a pair for the
// aligner (JobConfig.PairMT): plan and translate, nothing written. It
// returns the report and the segments as committed (nil when the document
// failed).
func (j *Job) translateForAligner(ctx context.Context, r FileResult) (DocReport, []store.Segment) {
	w := j.newDocWork(r, ActTranslated)
	defer w.settle()
	if err := j.translateSentences(ctx, w, false); err != nil {
		return w.fail(err), nil
	}
	if reloaded, err := j.reloadIfUnsaved(ctx, w); reloaded && err != nil {
		return w.report, nil
	}
	return w.report, w.segs
}

// alignPair aligns a Russian document with its existing English
// translation and checks every pair against the glossary.
func (j *Job) alignPair(ctx context.Context, ru, en FileResult) DocReport {
	w := j.newDocWork(ru, ActAligned)
	dr := &w.report
	dr.Pair = en.Path
	if err := pairSides(ru, en); err != nil {
		dr.Action, dr.Error = ActFailed, err.Error()
		return *dr
	}
	if err := j.Store.SetTranslationOf(ctx, en.DocID, ru.DocID); err != nil {
		dr.Action, dr.Error = ActFailed, err.Error()
		return *dr
	}
	var mt []string
	if j.Config.PairMT {
		var stop bool
		if mt, stop = j.pairMT(ctx, w); stop {
			return *dr
		}
	}
	sides := newPairTexts(ru.Doc, en.Doc, mt)
	beads, err := j.alignSides(ctx, sides)
	if err != nil {
		dr.Action, dr.Error = ActFailed, fmt.Sprintf("align %s with %s: %v", ru.Path, en.Path, err)
		return *dr
	}
	pairs, err := j.storePairs(ctx, ru.DocID, en.DocID, j.humanPairs(sides, beads), bitext.SideTexts{RU: lineTexts(sides.ru), EN: lineTexts(sides.en)})
	if err != nil {
		dr.Action, dr.Error = ActFailed, fmt.Sprintf("store the pairs of %s with %s: %v", ru.Path, en.Path, err)
		return *dr
	}
	countPairs(dr, pairs)
	base := j.outName(ru.Doc)
	j.noteReplaced(dr, base, ru.Path)
	out, err := j.writePairs(base, PairsFile{Document: ru.Name, Source: ru.Path, English: en.Path}, slices.Values(pairs))
	dr.Outputs = out
	if err != nil {
		dr.Action, dr.Error = ActFailed, err.Error()
	}
	return *dr
}

// pairSides refuses a pair whose sides failed or are the wrong way round.
func pairSides(ru, en FileResult) error {
	if en.Status == Failed {
		return errors.New("English side: " + en.Error)
	}
	if ru.Lang == bitext.English || en.Lang == bitext.Russian {
		return fmt.Errorf("%s is %s and %s is %s: a pair is the Russian text, then its English translation; swap them (--pair RU EN) or rename them (NAME.ru.*, NAME.en.*)", ru.Path, ru.Lang, en.Path, en.Lang)
	}
	return nil
}

// pairMT translates the Russian side of a pair (JobConfig.PairMT) for the
// aligner: one line per source sentence, the sentences of the document's
// English paragraphs as they are. The translation's calls, tokens, cost and
// segment states go into the pair's report. A sentence without a
// translation (the endpoint is away, the cost limit stopped the run, it
// failed) gets an empty line: the aligner still uses the others. Whatever
// kept the translation from being complete and current (such as a
// re-translation for a changed glossary that could not be made) becomes
// the pair's action and error, so that the run does not report success and
// a later run finishes the job. A dry run only estimates: stop is true.
func (j *Job) pairMT(ctx context.Context, w *docWork) (mt []string, stop bool) {
	dr := &w.report
	t, segs := j.translateForAligner(ctx, w.file)
	dr.Segments, dr.FromMemory, dr.Retranslate = t.Segments, t.FromMemory, t.Retranslate
	dr.Calls, dr.TokensIn, dr.TokensOut, dr.Cost = t.Calls, t.TokensIn, t.TokensOut, t.Cost
	switch {
	case t.Action == ActEstimated || j.Config.DryRun:
		dr.Action = ActEstimated
		return nil, true
	case t.Action == ActFailed:
		dr.Action, dr.Error = ActFailed, t.Error
		return nil, true
	}
	src := w.file.Doc.Sentences()
	mt, missing, have := machineLines(w.file.Doc, src, segs)
	var notes []string
	if missing > 0 {
		notes = append(notes, fmt.Sprintf("%d of %d sentences have no machine translation yet, aligned without it", missing, len(src)))
	}
	if t.Error != "" {
		notes = append(notes, t.Error)
	} else if note := failedNote(segs); note != "" {
		notes = append(notes, note)
	}
	if len(notes) > 0 {
		dr.Error = joinNotes(notes...)
	}
	switch {
	case t.Action != ActTranslated:
		dr.Action = t.Action // waiting, cost limit, incomplete
	case missing > 0 || dr.Segments[bitext.StatePending] > 0:
		dr.Action = ActIncomplete
	}
	if have == 0 {
		return nil, false
	}
	return mt, false
}
