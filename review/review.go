// Package review is the work of translators on aligned pairs: approve,
// reject, edit, merge, split, shift a sentence to the neighbouring pair,
// re-translate one pair, undo, and the history of every change. Each
// operation reads the pairs it changes, builds what replaces them, and
// hands both to the store, which applies the change in one transaction
// only if nobody changed those pairs meanwhile (optimistic versions): two
// reviewers editing one pair never lose a word — the second gets a
// *Conflict with both texts.
package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/store"
)

// Store is what review needs of the database.
type Store interface {
	Pairs(ctx context.Context, doc int64) ([]bitext.Pair, error)
	Pair(ctx context.Context, doc, id int64) (bitext.Pair, error)
	PairsAt(ctx context.Context, doc int64, from, n int) ([]bitext.Pair, error)
	ChangePairs(ctx context.Context, ch store.PairChange) ([]bitext.Pair, int64, error)
	ChangeEach(ctx context.Context, chs []store.PairChange) error
	PairHistory(ctx context.Context, doc, id int64) ([]store.PairEvent, error)
	LastPairChange(ctx context.Context, doc, id int64) (store.PairEvent, error)
	Document(ctx context.Context, id int64) (*bitext.Document, error)
	Segments(ctx context.Context, doc int64) ([]store.Segment, error)
}

// Glossary checks an English text against the glossary entries found in
// the Russian: the ids of the entries and the violations left.
type Glossary interface {
	Check(ru, en string) (terms []string, violations []bitext.Violation)
}

// Translator translates one Russian text with the glossary, through the
// endpoint (never from memory: a re-translation is asked for because the
// stored one is wrong).
type Translator interface {
	TranslateOne(ctx context.Context, ru, context string) (Translation, error)
}

// Translation is what a Translator returns.
type Translation struct {
	EN         string
	State      bitext.State
	Reason     string
	Violations []bitext.Violation
	Terms      []string
}

// Checker checks a pair beyond the glossary (QA): numbers, dates, names,
// text left untranslated, form.
type Checker interface {
	Check(ru, en string) []bitext.Finding
}

// Splitter cuts an English text into sentences (to split an edited pair).
type Splitter interface {
	Sentences(text string) []string
}

// Reviewer applies review operations as one person.
type Reviewer struct {
	Store      Store
	Glossary   Glossary   // nil: no glossary check after edits
	QA         Checker    // nil: no QA check after edits
	Translator Translator // nil: retranslate is refused
	English    Splitter   // nil: an edited pair splits at sentence ends it finds itself
	Who        string
	// Now gives the time stamps (nil: time.Now).
	Now func() time.Time
}

// Kinds of review errors, for callers that branch on them.
var (
	// ErrInvalid: the operation does not apply (not neighbours, nothing
	// to split, …); the message says why.
	ErrInvalid = errors.New("invalid review operation")
	// ErrNothingToUndo: the pair has no change left to undo.
	ErrNothingToUndo = errors.New("nothing to undo")
)

// Conflict is returned when a pair changed since the version a change was
// based on. Nothing was saved; Yours is the text that was not saved.
type Conflict struct {
	Pair    int64
	Based   int          // the version the change was based on
	Current *bitext.Pair // nil: the pair is gone (merged or undone)
	Yours   string       // the English the change would have written ("" for a status change)
	By, At  string       // who made the change in between, and when
}

func (c *Conflict) Error() string {
	if c.Current == nil {
		return fmt.Sprintf("conflict: pair %d is gone since version %d (merged, split or undone by someone else); nothing saved; your text: «%s»",
			c.Pair, c.Based, c.Yours)
	}
	by := ""
	if c.By != "" {
		by = fmt.Sprintf(" by %s at %s", c.By, c.At)
	}
	msg := fmt.Sprintf("conflict: pair %d was changed%s (version %d, you saw version %d); nothing saved.\n  theirs: «%s»",
		c.Pair, by, c.Current.Version, c.Based, c.Current.EN)
	if c.Yours != "" {
		msg += fmt.Sprintf("\n  yours:  «%s»", c.Yours)
	}
	return msg + "\n  look at theirs, then edit again naming version " + fmt.Sprint(c.Current.Version)
}

func (c *Conflict) Unwrap() error { return store.ErrPairConflict }

func (r *Reviewer) now() string {
	t := time.Now()
	if r.Now != nil {
		t = r.Now()
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// conflict turns the store's conflict into a *Conflict naming who changed
// the pair.
func (r *Reviewer) conflict(ctx context.Context, err error, yours string) error {
	var pc *store.PairConflict
	if !errors.As(err, &pc) {
		return err
	}
	c := &Conflict{Pair: pc.Want.ID, Based: pc.Want.Version, Current: pc.Current, Yours: yours}
	if pc.Current != nil {
		if ev, e := r.Store.LastPairChange(ctx, pc.Current.Doc, pc.Current.ID); e == nil {
			c.By, c.At = ev.Who, ev.At
		}
	}
	return c
}

// get reads a pair and checks the version the caller saw (0: any).
func (r *Reviewer) get(ctx context.Context, doc, id int64, version int, yours string) (bitext.Pair, error) {
	p, err := r.Store.Pair(ctx, doc, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return p, fmt.Errorf("%w: document %d has no pair %d (list them with `bitext pairs list`)", ErrInvalid, doc, id)
		}
		return p, err
	}
	if version > 0 && p.Version != version {
		return p, r.conflict(ctx, &store.PairConflict{Want: bitext.Pair{ID: id, Version: version}, Current: &p}, yours)
	}
	return p, nil
}

// change applies one change and turns a conflict into a *Conflict.
func (r *Reviewer) change(ctx context.Context, action string, before, after []bitext.Pair, yours string) ([]bitext.Pair, error) {
	out, _, err := r.Store.ChangePairs(ctx, store.PairChange{Doc: before[0].Doc, Action: action, Who: r.Who, Before: before, After: after})
	if err != nil {
		return nil, r.conflict(ctx, err, yours)
	}
	return out, nil
}

// recheck sets the glossary and QA findings of a pair from its texts
// (findings reviewers accepted stay accepted).
func (r *Reviewer) recheck(p *bitext.Pair) {
	if r.QA != nil {
		p.SetFindings(r.QA.Check(p.RU, p.EN))
	}
	if r.Glossary == nil || strings.TrimSpace(p.RU) == "" {
		p.Violations = nil
		return
	}
	p.Terms, p.Violations = r.Glossary.Check(p.RU, p.EN)
}

// Accept marks a finding of a pair (by its key) as a false alarm: it is
// not raised again for that pair. version, when not 0, is the version the
// reviewer saw. Unaccept takes that back.
func (r *Reviewer) Accept(ctx context.Context, doc, id int64, key string, version int) (bitext.Pair, error) {
	return r.accept(ctx, doc, id, key, version, true)
}

// Unaccept raises an accepted finding again.
func (r *Reviewer) Unaccept(ctx context.Context, doc, id int64, key string, version int) (bitext.Pair, error) {
	return r.accept(ctx, doc, id, key, version, false)
}

func (r *Reviewer) accept(ctx context.Context, doc, id int64, key string, version int, on bool) (bitext.Pair, error) {
	p, err := r.get(ctx, doc, id, version, "")
	if err != nil {
		return p, err
	}
	i := slices.IndexFunc(p.Findings, func(f bitext.Finding) bool { return f.Key == key })
	if i < 0 {
		var keys []string
		for _, f := range p.Findings {
			keys = append(keys, f.Key)
		}
		return p, fmt.Errorf("%w: pair %d has no finding %q (its findings: %s)", ErrInvalid, id, key, strings.Join(keys, ", "))
	}
	if p.Findings[i].Accepted == on {
		return p, nil
	}
	n := p
	n.Findings = slices.Clone(p.Findings)
	n.Accepted = slices.DeleteFunc(slices.Clone(p.Accepted), func(a bitext.Acceptance) bool { return a.Key == key })
	action := "unaccept"
	if on {
		n.Accepted = append(n.Accepted, bitext.Acceptance{Key: key, By: r.Who, At: r.now()})
		action = "accept"
	}
	n.SetFindings(n.Findings)
	n.Reviewed = true // a person judged it: runs keep the pair as it is
	if errs, _ := n.OpenFindings(); errs == 0 && n.State == bitext.StateNeedsReview && len(n.Violations) == 0 && strings.HasPrefix(n.Note, "QA:") {
		// the QA error was all that kept the translation from verified
		n.State, n.Note = bitext.StateVerified, ""
	}
	n.Version++
	out, err := r.change(ctx, action, []bitext.Pair{p}, []bitext.Pair{n}, "")
	if err != nil {
		return p, err
	}
	return out[0], nil
}

// Edit replaces the English of a pair. version is the version the editor
// saw (0: whatever is current). The pair becomes a human draft, checked
// against the glossary.
func (r *Reviewer) Edit(ctx context.Context, doc, id int64, en string, version int) (bitext.Pair, error) {
	en = strings.Join(strings.Fields(en), " ")
	if en == "" {
		return bitext.Pair{}, fmt.Errorf("%w: the new English is empty (to drop a translation, reject the pair)", ErrInvalid)
	}
	p, err := r.get(ctx, doc, id, version, en)
	if err != nil {
		return p, err
	}
	if strings.ContainsFunc(en, isCyrillic) {
		return p, fmt.Errorf("%w: the new English holds Cyrillic letters; English only", ErrInvalid)
	}
	n := p
	n.EN, n.Edited, n.Reviewed, n.State, n.Origin, n.Status = en, true, true, bitext.StateHuman, bitext.OriginHuman, bitext.StatusDraft
	n.ReviewedBy, n.ReviewedAt, n.Reason, n.Note = "", "", "", ""
	n.Version++
	r.recheck(&n)
	out, err := r.change(ctx, "edit", []bitext.Pair{p}, []bitext.Pair{n}, en)
	if err != nil {
		return p, err
	}
	return out[0], nil
}

func isCyrillic(c rune) bool { return c >= 0x400 && c <= 0x52F }

// Outcome says what a bulk status change did.
type Outcome struct {
	Changed []int64          `json:"changed"`
	Skipped map[int64]string `json:"skipped,omitempty"` // pair → why it was left
}

// Approve approves pairs by id (version, when not 0, must match for a
// single pair). Pairs without English (failed, pending) are left, with the
// reason; pairs approved already are left as they are.
func (r *Reviewer) Approve(ctx context.Context, doc int64, ids []int64, version int) (Outcome, error) {
	return r.setStatus(ctx, doc, ids, version, bitext.StatusApproved)
}

// Reject marks pairs as wrong: they stay in the output marked as rejected
// until someone edits or re-translates them.
func (r *Reviewer) Reject(ctx context.Context, doc int64, ids []int64, version int) (Outcome, error) {
	return r.setStatus(ctx, doc, ids, version, bitext.StatusRejected)
}

func (r *Reviewer) setStatus(ctx context.Context, doc int64, ids []int64, version int, st bitext.Status) (Outcome, error) {
	if len(ids) == 0 {
		return Outcome{}, fmt.Errorf("%w: name the pairs (ids from `bitext pairs list`)", ErrInvalid)
	}
	if version > 0 && len(ids) > 1 {
		return Outcome{}, fmt.Errorf("%w: --version applies to one pair", ErrInvalid)
	}
	var chs []store.PairChange
	out := Outcome{Skipped: map[int64]string{}}
	for _, id := range ids {
		p, err := r.get(ctx, doc, id, version, "")
		if err != nil {
			return Outcome{}, err
		}
		if why := r.statusRefused(&p, st); why != "" {
			out.Skipped[id] = why
			continue
		}
		chs = append(chs, r.statusChange(p, st))
		out.Changed = append(out.Changed, id)
	}
	if err := r.Store.ChangeEach(ctx, chs); err != nil {
		return Outcome{}, r.conflict(ctx, err, "")
	}
	return out, nil
}

func (r *Reviewer) statusRefused(p *bitext.Pair, st bitext.Status) string {
	switch {
	case p.Status == st:
		return "already " + string(st)
	case st == bitext.StatusApproved && strings.TrimSpace(p.EN) == "":
		return fmt.Sprintf("no English to approve (%s)", p.State)
	case st == bitext.StatusApproved && strings.TrimSpace(p.RU) == "":
		return "no Russian: an English sentence without a counterpart; merge it with its neighbour or leave it"
	}
	return ""
}

func (r *Reviewer) statusChange(p bitext.Pair, st bitext.Status) store.PairChange {
	n := p
	n.Status, n.ReviewedBy, n.ReviewedAt, n.Reviewed = st, r.Who, r.now(), true
	n.Version++
	action := map[bitext.Status]string{bitext.StatusApproved: "approve", bitext.StatusRejected: "reject", bitext.StatusDraft: "reopen"}[st]
	return store.PairChange{Doc: p.Doc, Action: action, Who: r.Who, Before: []bitext.Pair{p}, After: []bitext.Pair{n}}
}

// ApproveAbove approves every draft pair of a document whose confidence is
// at least c, that has English and Russian and no glossary violation (a
// bulk approval never approves a violation: those are looked at one by
// one).
func (r *Reviewer) ApproveAbove(ctx context.Context, doc int64, c float64) (Outcome, error) {
	ps, err := r.Store.Pairs(ctx, doc)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Skipped: map[int64]string{}}
	var chs []store.PairChange
	for _, p := range ps {
		switch {
		case p.Status != bitext.StatusDraft || p.Confidence < c:
			continue
		case len(p.Violations) > 0:
			out.Skipped[p.ID] = fmt.Sprintf("%d glossary violation(s): review it alone", len(p.Violations))
			continue
		}
		if why := r.statusRefused(&p, bitext.StatusApproved); why != "" {
			out.Skipped[p.ID] = why
			continue
		}
		chs = append(chs, r.statusChange(p, bitext.StatusApproved))
		out.Changed = append(out.Changed, p.ID)
	}
	if err := r.Store.ChangeEach(ctx, chs); err != nil {
		return Outcome{}, r.conflict(ctx, err, "")
	}
	return out, nil
}

// parts returns the Russian and English sentences of a pair, one per Src
// and (as far as they can be told apart) Tgt index.
func (r *Reviewer) parts(ctx context.Context, p *bitext.Pair) (ru, en []string, err error) {
	doc, err := r.Store.Document(ctx, p.Doc)
	if err != nil {
		return nil, nil, err
	}
	sents := doc.Sentences()
	for _, s := range p.Src {
		if s < 0 || s >= len(sents) {
			return nil, nil, fmt.Errorf("pair %d names Russian sentence %d of %d", p.ID, s, len(sents))
		}
		ru = append(ru, sents[s].Text)
	}
	switch {
	case len(p.Tgt) == 0:
	case p.Edited || (p.EnDoc == 0 && p.State == bitext.StateHuman):
		en = r.splitEnglish(p.EN, len(p.Tgt))
	case p.EnDoc != 0:
		ed, err := r.Store.Document(ctx, p.EnDoc)
		if err != nil {
			return nil, nil, err
		}
		es := ed.Sentences()
		for _, t := range p.Tgt {
			if t < 0 || t >= len(es) {
				return nil, nil, fmt.Errorf("pair %d names English sentence %d of %d", p.ID, t, len(es))
			}
			en = append(en, es[t].Text)
		}
	default:
		segs, err := r.Store.Segments(ctx, p.Doc)
		if err != nil {
			return nil, nil, err
		}
		by := make(map[int]string, len(segs))
		for _, s := range segs {
			if s.State.Done() {
				by[s.Idx] = s.Target
			}
		}
		for _, t := range p.Tgt {
			en = append(en, by[t])
		}
		if strings.Join(strings.Fields(strings.Join(en, " ")), " ") != strings.Join(strings.Fields(p.EN), " ") {
			en = r.splitEnglish(p.EN, len(p.Tgt)) // served from elsewhere (an approved translation)
		}
	}
	return ru, en, nil
}

// splitEnglish cuts text into n pieces at sentence ends: the first n-1
// sentences, then the rest together; missing pieces are empty.
func (r *Reviewer) splitEnglish(text string, n int) []string {
	var ss []string
	if r.English != nil {
		ss = r.English.Sentences(text)
	} else {
		ss = cutSentences(text)
	}
	if len(ss) > n {
		ss = append(ss[:n-1], strings.Join(ss[n-1:], " "))
	}
	for len(ss) < n {
		ss = append(ss, "")
	}
	return ss
}

// cutSentences cuts at ". ", "! ", "? " followed by a capital letter or digit.
func cutSentences(text string) []string {
	var out []string
	f := strings.Fields(text)
	start := 0
	for i := 0; i < len(f)-1; i++ {
		w, next := f[i], f[i+1]
		if strings.ContainsAny(w[len(w)-1:], ".!?") && next != "" && (next[0] >= 'A' && next[0] <= 'Z' || next[0] >= '0' && next[0] <= '9') {
			out = append(out, strings.Join(f[start:i+1], " "))
			start = i + 1
		}
	}
	if start < len(f) {
		out = append(out, strings.Join(f[start:], " "))
	}
	return out
}

func join(parts []string) string { return strings.Join(strings.Fields(strings.Join(parts, " ")), " ") }

// rebuilt is a pair made by a structural change from p: sides and texts
// given, a draft to be checked again.
func (r *Reviewer) rebuilt(p bitext.Pair, src, tgt []int, ru, en []string) bitext.Pair {
	n := p
	n.Src, n.Tgt = append([]int{}, src...), append([]int{}, tgt...)
	n.RU, n.EN = join(ru), join(en)
	n.Status, n.ReviewedBy, n.ReviewedAt, n.Note, n.Reviewed = bitext.StatusDraft, "", "", "", true
	if p.MT != "" {
		n.MT = "" // the machine translation of the other cut is not known
	}
	r.recheck(&n)
	return n
}

// Merge joins two neighbouring pairs (a before b, or b before a) into one;
// it keeps the id of the first.
func (r *Reviewer) Merge(ctx context.Context, doc, a, b int64) (bitext.Pair, error) {
	pa, err := r.get(ctx, doc, a, 0, "")
	if err != nil {
		return pa, err
	}
	pb, err := r.get(ctx, doc, b, 0, "")
	if err != nil {
		return pb, err
	}
	if pb.Index < pa.Index {
		pa, pb = pb, pa
	}
	if pb.Index != pa.Index+1 {
		return pa, fmt.Errorf("%w: pairs %d and %d are not neighbours (positions %d and %d): only neighbouring pairs merge", ErrInvalid, pa.ID, pb.ID, pa.Index+1, pb.Index+1)
	}
	ra, ea, err := r.parts(ctx, &pa)
	if err != nil {
		return pa, err
	}
	rb, eb, err := r.parts(ctx, &pb)
	if err != nil {
		return pa, err
	}
	n := r.rebuilt(pa, append(slices.Clone(pa.Src), pb.Src...), append(slices.Clone(pa.Tgt), pb.Tgt...), append(ra, rb...), append(ea, eb...))
	n.Confidence = min(pa.Confidence, pb.Confidence)
	n.Edited = pa.Edited || pb.Edited
	n.State = worse(pa.State, pb.State)
	if pa.Origin != pb.Origin {
		n.Origin = bitext.OriginHuman
		if !n.Edited {
			n.Origin = pa.Origin
		}
	}
	n.Reason = strings.TrimPrefix(pa.Reason+"; "+pb.Reason, "; ")
	n.Reason = strings.TrimSuffix(n.Reason, "; ")
	if pa.MT != "" || pb.MT != "" {
		n.MT = join([]string{pa.MT, pb.MT})
	}
	n.Version = pa.Version + 1
	out, err := r.change(ctx, "merge", []bitext.Pair{pa, pb}, []bitext.Pair{n}, "")
	if err != nil {
		return pa, err
	}
	return out[0], nil
}

// worse returns the worse of two machine states.
func worse(a, b bitext.State) bitext.State {
	rank := func(s bitext.State) int {
		return slices.Index([]bitext.State{bitext.StateHuman, bitext.StateVerified, bitext.StateTranslated, bitext.StateNeedsReview, bitext.StatePending, bitext.StateFailed}, s)
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// Split cuts a pair in two: the first nRU Russian and nEN English
// sentences stay, the rest become a new pair right after it.
func (r *Reviewer) Split(ctx context.Context, doc, id int64, nRU, nEN int) ([]bitext.Pair, error) {
	p, err := r.get(ctx, doc, id, 0, "")
	if err != nil {
		return nil, err
	}
	if nRU < 0 || nRU > len(p.Src) || nEN < 0 || nEN > len(p.Tgt) {
		return nil, fmt.Errorf("%w: pair %d has %d Russian and %d English sentence(s): --ru takes 0…%d and --en 0…%d", ErrInvalid, id, len(p.Src), len(p.Tgt), len(p.Src), len(p.Tgt))
	}
	if (nRU == 0 && nEN == 0) || (nRU == len(p.Src) && nEN == len(p.Tgt)) {
		return nil, fmt.Errorf("%w: splitting pair %d after %d Russian and %d English sentence(s) leaves one side empty of both; keep some sentences on each side", ErrInvalid, id, nRU, nEN)
	}
	ru, en, err := r.parts(ctx, &p)
	if err != nil {
		return nil, err
	}
	first := r.rebuilt(p, p.Src[:nRU], p.Tgt[:nEN], ru[:nRU], en[:nEN])
	second := r.rebuilt(p, p.Src[nRU:], p.Tgt[nEN:], ru[nRU:], en[nEN:])
	first.Version = p.Version + 1
	second.ID, second.Version = 0, 1
	return r.change(ctx, "split", []bitext.Pair{p}, []bitext.Pair{first, second}, "")
}

// Side names a side of a pair.
type Side string

// Sides.
const (
	Russian Side = "ru"
	English Side = "en"
)

// Shift moves one sentence of a pair to its neighbour (InterText's shift):
// up moves the pair's first sentence of that side to the end of the pair
// before, down moves its last sentence to the start of the pair after. A
// pair left with no sentence at all is removed.
func (r *Reviewer) Shift(ctx context.Context, doc, id int64, side Side, up bool) ([]bitext.Pair, error) {
	p, err := r.get(ctx, doc, id, 0, "")
	if err != nil {
		return nil, err
	}
	idx := p.Src
	if side == English {
		idx = p.Tgt
	} else if side != Russian {
		return nil, fmt.Errorf("%w: side %q: use ru or en", ErrInvalid, side)
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("%w: pair %d has no %s sentence to move", ErrInvalid, id, side)
	}
	at := p.Index + 1
	if up {
		at = p.Index - 1
	}
	nb, err := r.Store.PairsAt(ctx, doc, at, 1)
	if err != nil {
		return nil, err
	}
	if at < 0 || len(nb) == 0 {
		where := "after"
		if up {
			where = "before"
		}
		return nil, fmt.Errorf("%w: pair %d has no pair %s it", ErrInvalid, id, where)
	}
	q := nb[0]
	rp, ep, err := r.parts(ctx, &p)
	if err != nil {
		return nil, err
	}
	rq, eq, err := r.parts(ctx, &q)
	if err != nil {
		return nil, err
	}
	type sides struct {
		src, tgt []int
		ru, en   []string
	}
	sp, sq := sides{p.Src, p.Tgt, rp, ep}, sides{q.Src, q.Tgt, rq, eq}
	move := func(from, to *sides, first bool) {
		fi, ft := &from.src, &from.ru
		ti, tt := &to.src, &to.ru
		if side == English {
			fi, ft, ti, tt = &from.tgt, &from.en, &to.tgt, &to.en
		}
		if first {
			*ti, *tt = append(slices.Clone(*ti), (*fi)[0]), append(slices.Clone(*tt), (*ft)[0])
			*fi, *ft = (*fi)[1:], (*ft)[1:]
		} else {
			n := len(*fi) - 1
			*ti, *tt = append([]int{(*fi)[n]}, *ti...), append([]string{(*ft)[n]}, *tt...)
			*fi, *ft = (*fi)[:n], (*ft)[:n]
		}
	}
	move(&sp, &sq, up)
	np := r.rebuilt(p, sp.src, sp.tgt, sp.ru, sp.en)
	nq := r.rebuilt(q, sq.src, sq.tgt, sq.ru, sq.en)
	np.Version, nq.Version = p.Version+1, q.Version+1
	before, after := []bitext.Pair{p, q}, []bitext.Pair{np, nq}
	if up {
		before, after = []bitext.Pair{q, p}, []bitext.Pair{nq, np}
	}
	if len(np.Src) == 0 && len(np.Tgt) == 0 {
		after = []bitext.Pair{nq}
	}
	return r.change(ctx, "shift", before, after, "")
}

// Retranslate asks the model for a new translation of one pair, with the
// glossary; the English becomes a new draft.
func (r *Reviewer) Retranslate(ctx context.Context, doc, id int64) (bitext.Pair, error) {
	if r.Translator == nil {
		return bitext.Pair{}, fmt.Errorf("%w: no endpoint configured: set one (see `bitext endpoint --help`) to re-translate", ErrInvalid)
	}
	p, err := r.get(ctx, doc, id, 0, "")
	if err != nil {
		return p, err
	}
	if strings.TrimSpace(p.RU) == "" {
		return p, fmt.Errorf("%w: pair %d has no Russian to translate", ErrInvalid, id)
	}
	t, err := r.Translator.TranslateOne(ctx, p.RU, "")
	if err != nil {
		return p, fmt.Errorf("re-translate pair %d: %w", id, err)
	}
	if t.State == bitext.StateFailed {
		return p, fmt.Errorf("re-translate pair %d: the model gave no usable translation: %s; the pair is unchanged", id, t.Reason)
	}
	n := p
	n.EN, n.State, n.Origin, n.Reason = join([]string{t.EN}), t.State, bitext.OriginModel, ""
	n.Violations, n.Terms = t.Violations, t.Terms
	if r.QA != nil {
		n.SetFindings(r.QA.Check(n.RU, n.EN))
	}
	n.Edited, n.Reviewed, n.Status, n.ReviewedBy, n.ReviewedAt, n.Note = false, true, bitext.StatusDraft, "", "", ""
	n.Version++
	if r.Glossary != nil {
		r.recheck(&n)
	}
	out, err := r.change(ctx, "retranslate", []bitext.Pair{p}, []bitext.Pair{n}, n.EN)
	if err != nil {
		return p, err
	}
	return out[0], nil
}

// Undo reverts the last change of a pair that still stands. The pairs that
// change made must be as it left them: a later change to one of them is
// undone first.
func (r *Reviewer) Undo(ctx context.Context, doc, id int64) ([]bitext.Pair, error) {
	ev, err := r.Store.LastPairChange(ctx, doc, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: pair %d has no change of people left to undo", ErrNothingToUndo, id)
	}
	if err != nil {
		return nil, err
	}
	cur := make([]bitext.Pair, 0, len(ev.After))
	for _, a := range ev.After {
		// The pair must stand as that change left it: its last change that
		// stands is that one (later ones were undone).
		p, err := r.Store.Pair(ctx, doc, a.ID)
		last, lerr := r.Store.LastPairChange(ctx, doc, a.ID)
		if err != nil || lerr != nil || last.Seq != ev.Seq {
			later := ""
			if lerr == nil && last.Seq != ev.Seq {
				later = fmt.Sprintf(" (%s by %s at %s)", last.Action, last.Who, last.At)
			}
			return nil, fmt.Errorf("%w: the %s of pair %d cannot be undone: pair %d changed after it%s; undo that first", ErrInvalid, ev.Action, id, a.ID, later)
		}
		cur = append(cur, p)
	}
	for k := 1; k < len(cur); k++ {
		if cur[k].Index != cur[k-1].Index+1 {
			return nil, fmt.Errorf("%w: the pairs of that %s are no longer neighbours", ErrInvalid, ev.Action)
		}
	}
	top := 0
	for _, p := range cur {
		top = max(top, p.Version)
	}
	restored := make([]bitext.Pair, len(ev.Before))
	for k, b := range ev.Before {
		b.Version = max(b.Version, top) + 1
		restored[k] = b
	}
	out, _, err := r.Store.ChangePairs(ctx, store.PairChange{Doc: doc, Action: "undo", Who: r.Who, Before: cur, After: restored, Undoes: ev.Seq})
	if err != nil {
		return nil, r.conflict(ctx, err, "")
	}
	return out, nil
}

// History returns every change of a pair, oldest first.
func (r *Reviewer) History(ctx context.Context, doc, id int64) ([]store.PairEvent, error) {
	return r.Store.PairHistory(ctx, doc, id)
}
