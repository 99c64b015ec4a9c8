package pipeline

// The verify stage: the translator verifies each reply against the
// glossary (pipeline/translate); here a large document's translation is
// checked by the aligner while it is being translated (check.go), a human
// translation's pairs are verified against the glossary, and a document's
// outcome is decided from its segments: translated, incomplete or failed.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bitext/bitext"
)

// startCheck starts the progressive check of a large document with
// sentences to translate (see check.go); the sentences already final are
// resolved at once.
func (j *Job) startCheck(ctx context.Context, w *docWork) {
	segs := w.segs
	if len(w.todo) == 0 || len(segs) < checkWindow+checkMargin || j.Translator == nil || j.Config.DryRun {
		return
	}
	order := make([]int, len(segs))
	known := make(map[string][]string, len(segs))
	for i := range segs {
		order[i] = segs[i].Idx
		hits := w.hits[segs[i].Idx]
		ids := make([]string, len(hits))
		for k, h := range hits {
			ids[k] = h.ID
		}
		known[segs[i].Source] = ids
	}
	w.chk = newChecker(ctx, j.checkOptions(known), order)
	waiting := make(map[int]bool, len(w.todo))
	for _, s := range w.todo {
		waiting[s.Idx] = true
	}
	for i := range segs {
		if s := &segs[i]; !waiting[s.Idx] {
			w.chk.resolve(s.Idx, s.Done(), s.Source, s.Target)
		}
	}
}

// conclude decides a written document's action from its segments: never
// "translated" with failed or pending segments (failed when nothing of it
// was translated, incomplete otherwise), and says why in its error.
func (j *Job) conclude(w *docWork) {
	dr := &w.report
	if note := failedNote(w.segs); note != "" {
		dr.addError(note)
	}
	failed, pending := dr.Segments[bitext.StateFailed], dr.Segments[bitext.StatePending]
	switch {
	case failed > 0 && failed == len(w.segs):
		dr.Action = ActFailed
	case failed > 0 || pending > 0:
		dr.Action = ActIncomplete
	}
	if pending > 0 && !strings.Contains(dr.Error, "pending") {
		dr.addError(fmt.Sprintf("%d segment(s) still pending, without a reply (the endpoint could not be reached for them): run the same command again", pending))
	}
}

// noteWithheld makes a document incomplete when paragraphs taken for
// English held Cyrillic and were left out of its English (see
// writeEnglish).
func noteWithheld(dr *DocReport, withheld []int) {
	if len(withheld) == 0 || strings.Contains(dr.Error, "taken for English") {
		return
	}
	nums := make([]string, len(withheld))
	for i, pi := range withheld {
		nums[i] = fmt.Sprint(pi + 1)
	}
	dr.Action = ActIncomplete
	dr.addError(fmt.Sprintf("paragraph %s was taken for English but holds Cyrillic: left out of the English (not copied); check --langs, or split the paragraph into its Russian and English parts", strings.Join(nums, ", ")))
}

// verifyPair checks a pair against the glossary: the entries found in its
// Russian and the violations of its English.
func (j *Job) verifyPair(p *bitext.Pair) {
	if j.QA != nil {
		p.SetFindings(j.QA.Check(p.RU, p.EN))
	}
	if j.Glossary == nil || p.RU == "" {
		return
	}
	hits := j.Glossary.Match(p.RU)
	p.Terms = p.Terms[:0]
	for _, h := range hits {
		if !slices.Contains(p.Terms, h.ID) {
			p.Terms = append(p.Terms, h.ID)
		}
	}
	p.Violations = j.Glossary.Verify(p.RU, hits, p.EN)
}

// countPairs counts a document's stored pairs in its report: the pairs,
// the doubtful ones, the glossary terms of those with English and the
// violations (so that the figures include what reviewers changed).
func countPairs(dr *DocReport, pairs []bitext.Pair) {
	dr.Pairs, dr.LowConf, dr.Terms, dr.TermsOK, dr.Violations, dr.TermSuccess = len(pairs), 0, 0, 0, 0, nil
	dr.QAErrors, dr.QAWarnings, dr.Findings = 0, 0, nil
	for k := range pairs {
		p := &pairs[k]
		if p.Confidence < LowConfidence && p.State != bitext.StateFailed && !p.Human() {
			dr.LowConf++
		}
		if !p.State.Done() || p.Status == bitext.StatusRejected {
			continue
		}
		t, ok := p.TermCounts()
		dr.Terms += t
		dr.TermsOK += ok
		dr.Violations += len(p.Violations)
		for _, f := range p.Findings {
			if f.Accepted {
				continue
			}
			if dr.Findings == nil {
				dr.Findings = map[bitext.FindingKind]int{}
			}
			dr.Findings[f.Kind]++
			if f.Severity == bitext.SeverityError {
				dr.QAErrors++
			} else {
				dr.QAWarnings++
			}
		}
	}
	if dr.Terms > 0 {
		v := float64(dr.TermsOK) / float64(dr.Terms)
		dr.TermSuccess = &v
	}
}

// Checker finds what a translation got wrong beyond the glossary (QA):
// numbers, dates, names, text left untranslated, lengths far from the
// document's, inconsistencies, form.
type Checker interface {
	// Check checks one pair alone.
	Check(ru, en string) []bitext.Finding
	// CheckDoc checks a document's pairs together (one slice per pair).
	CheckDoc(ru, en []string) [][]bitext.Finding
}

// checkQA sets the QA findings of a run's pairs; a machine translation
// with an error finding is not verified: it needs a look, and its note
// says why.
func (j *Job) checkQA(pairs []bitext.Pair) {
	if j.QA == nil || len(pairs) == 0 {
		return
	}
	ru := make([]string, len(pairs))
	en := make([]string, len(pairs))
	for k := range pairs {
		if pairs[k].State.Done() {
			ru[k], en[k] = pairs[k].RU, pairs[k].EN
		}
	}
	found := j.QA.CheckDoc(ru, en)
	for k := range pairs {
		p := &pairs[k]
		if !p.State.Done() || k >= len(found) {
			continue
		}
		p.SetFindings(found[k])
		if errs, _ := p.OpenFindings(); errs > 0 && p.State == bitext.StateVerified {
			p.State = bitext.StateNeedsReview
			for _, f := range p.Findings {
				if f.Severity == bitext.SeverityError && !f.Accepted {
					p.Note = strings.TrimSpace(p.Note + " QA: " + f.Message)
					break
				}
			}
		}
	}
}
