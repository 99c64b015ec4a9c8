package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/align"
	"github.com/bitext/bitext/pipeline"
	"github.com/bitext/bitext/review"
	"github.com/bitext/bitext/store"
)

// part is a stretch of a sentence as the review page shows it: plain
// text, or a glossary term (Class "term", or "forbidden" for a rendering
// the glossary forbids) with what the glossary requires as its Title.
type part struct {
	Text, Class, Title string
}

// pairView is a pair as the review page shows it: the pair, its fields
// copied (not embedded: templates look a promoted field up through
// reflect's FieldByName, which walks the embedded struct and allocates at
// every access — a fifth of the time of a 1,000-pair page), and what the
// page adds.
type pairView struct {
	Pair bitext.Pair

	ID         int64
	Doc        int64
	EnDoc      int64
	Index      int
	Src, Tgt   []int
	RU, EN, MT string
	Confidence float64
	State      bitext.State
	Origin     bitext.Origin
	Status     bitext.Status
	Edited     bool
	Reviewed   bool
	Violations []bitext.Violation
	Terms      []string
	Findings   []bitext.Finding
	Accepted   []bitext.Acceptance
	Reason     string
	Note       string
	Version    int
	ReviewedBy string
	ReviewedAt string
	UpdatedAt  string

	RUParts, ENParts []part
	// Shade is the confidence in five steps (0 lowest); Low marks a pair
	// below the threshold where bulk approval is measured to be right.
	Shade int
	Low   bool
	// Look is the pair's place in the order of pairs that need a look
	// (1 first; 0: approved or rejected already).
	Look int
	// Shape is the bead's shape, such as 1-1 or 2-1.
	Shape string
}

// pairFilter selects the pairs of a document:
// ?status=&below=&violations=&findings=.
type pairFilter struct {
	Status     bitext.Status
	Below      float64 // < 0: none
	Violations bool
	Findings   bool // with QA findings not accepted
}

func parseFilter(r *http.Request) (pairFilter, error) {
	q := r.URL.Query()
	f := pairFilter{Below: -1}
	if v := q.Get("status"); v != "" {
		st, err := bitext.ParseStatus(v)
		if err != nil {
			return f, badRequest("status: %v", err)
		}
		f.Status = st
	}
	if v := strings.TrimSpace(q.Get("below")); v != "" {
		c, err := strconv.ParseFloat(v, 64)
		if err != nil || c < 0 || c > 1 {
			return f, badRequest("below=%q: give a confidence between 0 and 1, such as 0.8", v)
		}
		f.Below = c
	}
	for _, b := range []struct {
		name string
		to   *bool
	}{{"violations", &f.Violations}, {"findings", &f.Findings}} {
		switch v := q.Get(b.name); v {
		case "", "0", "false", "off":
		case "1", "true", "on":
			*b.to = true
		default:
			return f, badRequest("%s=%q: give 1 or 0", b.name, v)
		}
	}
	return f, nil
}

func (f pairFilter) keep(p *bitext.Pair) bool {
	return (f.Status == "" || p.Status == f.Status) && (f.Below < 0 || p.Confidence < f.Below) &&
		(!f.Violations || len(p.Violations) > 0) && (!f.Findings || openFindings(p))
}

// docID reads the {id} of a path as a document id.
func docID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("document id %q: give the number 'bitext docs list' shows", r.PathValue("id"))
	}
	return id, nil
}

// pairID reads the {id} of a path as a pair id.
func pairID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("pair id %q: give the number the review page or 'bitext pairs list' shows", r.PathValue("id"))
	}
	return id, nil
}

// reviewDoc is what the review page shows of a document.
type reviewDoc struct {
	Doc       store.DocumentSummary
	Pairs     []pairView
	All       int // pairs of the document, before the filter
	Filter    pairFilter
	Threshold float64 // bulk approval's recommended threshold
	Source    align.PairSource
}

// document returns a stored document's summary.
func (s *Server) document(ctx context.Context, id int64) (store.DocumentSummary, error) {
	docs, err := s.st.Documents(ctx)
	if err != nil {
		return store.DocumentSummary{}, err
	}
	for _, d := range docs {
		if d.ID == id {
			return d, nil
		}
	}
	return store.DocumentSummary{}, fmt.Errorf("document %d: %w", id, store.ErrNotFound)
}

// loadReview reads a document's pairs as the review page shows them.
func (s *Server) loadReview(r *http.Request) (*reviewDoc, error) {
	ctx := r.Context()
	id, err := docID(r)
	if err != nil {
		return nil, err
	}
	f, err := parseFilter(r)
	if err != nil {
		return nil, err
	}
	d, err := s.document(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.TranslationOf != nil { // an English translation: its pairs are its original's
		if d, err = s.document(ctx, *d.TranslationOf); err != nil {
			return nil, err
		}
	}
	ps, err := s.st.Pairs(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	g, err := s.glossary(ctx)
	if err != nil {
		return nil, err
	}
	rd := &reviewDoc{Doc: d, All: len(ps), Filter: f, Source: review.PairSource(ctx, s.st, d.ID)}
	rd.Threshold = defaultThreshold(rd.Source)
	for _, p := range ps {
		if f.keep(&p) {
			rd.Pairs = append(rd.Pairs, view(p, g, rd.Threshold))
		}
	}
	rankLooks(rd.Pairs)
	return rd, nil
}

// minThreshold is the lowest confidence the review page proposes for
// bulk approval and below which it marks pairs low, even where the
// measurements found every pair right at any confidence (bitext's own
// translations): those measure the pairing, and a pair the aligner doubts
// deserves a look whatever the table says.
const minThreshold = 0.5

// defaultThreshold is the confidence the review page proposes for bulk
// approval: the lowest measured to reach align.AimPrecision, at least
// minThreshold.
func defaultThreshold(src align.PairSource) float64 {
	if e, ok := align.RecommendedThreshold(src); ok {
		return max(e.Threshold, minThreshold)
	}
	return 0.95 // nothing reached the aim: propose only the surest pairs
}

// view prepares a pair for the page.
func view(p bitext.Pair, g *pipeline.Glossary, threshold float64) pairView {
	v := pairView{Pair: p, ID: p.ID, Doc: p.Doc, EnDoc: p.EnDoc, Index: p.Index, Src: p.Src, Tgt: p.Tgt, RU: p.RU, EN: p.EN, MT: p.MT,
		Confidence: p.Confidence, State: p.State, Origin: p.Origin, Status: p.Status, Edited: p.Edited, Reviewed: p.Reviewed,
		Violations: p.Violations, Terms: p.Terms, Findings: p.Findings, Accepted: p.Accepted, Reason: p.Reason, Note: p.Note, Version: p.Version, ReviewedBy: p.ReviewedBy,
		ReviewedAt: p.ReviewedAt, UpdatedAt: p.UpdatedAt,
		Shade: min(4, int(p.Confidence*5)), Low: p.Confidence < threshold, Shape: strconv.Itoa(len(p.Src)) + "-" + strconv.Itoa(len(p.Tgt))}
	var ruSpans, enSpans []pipeline.TermSpan
	if g != nil {
		ruSpans, enSpans = g.Spans(p.RU, p.EN)
	}
	v.RUParts = parts(p.RU, ruSpans, true)
	v.ENParts = parts(p.EN, enSpans, false)
	return v
}

// parts cuts text at the spans.
func parts(text string, spans []pipeline.TermSpan, russian bool) []part {
	out := make([]part, 0, 2*len(spans)+1)
	at := 0
	for _, sp := range spans {
		if sp.Start < at || sp.End > len(text) {
			continue
		}
		if sp.Start > at {
			out = append(out, part{Text: text[at:sp.Start]})
		}
		pt := part{Text: text[sp.Start:sp.End], Class: "term"}
		switch {
		case sp.Forbidden:
			pt.Class, pt.Title = "forbidden", fmt.Sprintf("forbidden by the glossary: write «%s» (%s)", sp.Required, sp.ID)
		case russian:
			pt.Title = fmt.Sprintf("%s → %s (%s)", sp.Term, sp.Required, sp.ID)
		default:
			pt.Title = fmt.Sprintf("glossary: %s → %s (%s)", sp.Term, sp.Required, sp.ID)
		}
		out = append(out, pt)
		at = sp.End
	}
	if at < len(text) {
		out = append(out, part{Text: text[at:]})
	}
	return out
}

// openFindings tells whether a pair has QA findings not accepted.
func openFindings(p *bitext.Pair) bool {
	e, w := p.OpenFindings()
	return e+w > 0
}

// needsLook tells whether a pair waits for a reviewer.
func needsLook(p *bitext.Pair) bool { return p.Status == bitext.StatusDraft }

// rankLooks numbers the pairs that need a look in the order a reviewer
// should take them: glossary violations and QA errors first, then pairs the machine
// flagged, then by confidence, lowest first, then in document order.
func rankLooks(ps []pairView) {
	var order []*pairView
	for k := range ps {
		if needsLook(&ps[k].Pair) {
			order = append(order, &ps[k])
		}
	}
	flagged := func(p *pairView) int {
		if p.State == bitext.StateNeedsReview || p.State == bitext.StateFailed {
			return 0
		}
		return 1
	}
	viol := func(p *pairView) int {
		if errs, _ := p.Pair.OpenFindings(); len(p.Violations) > 0 || errs > 0 {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(order, func(a, b *pairView) int {
		return cmp.Or(cmp.Compare(viol(a), viol(b)), cmp.Compare(flagged(a), flagged(b)),
			cmp.Compare(a.Confidence, b.Confidence), cmp.Compare(a.Index, b.Index))
	})
	for k, p := range order {
		p.Look = k + 1
	}
}

// reviewPage: the pairs of a document side by side.
func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request, u *user) error {
	rd, err := s.loadReview(r)
	if err != nil {
		return err
	}
	e := align.EffortAt(rd.Threshold, rd.Source)
	s.render(w, r, http.StatusOK, "review", u, map[string]any{"R": rd, "Effort": e, "Query": r.URL.RawQuery})
	return nil
}

// reviewRows: the review page's rows alone, for the page's script after a
// change.
func (s *Server) reviewRows(w http.ResponseWriter, r *http.Request, u *user) error {
	rd, err := s.loadReview(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "rows", u, map[string]any{"R": rd})
	return nil
}

// apiDoc: GET /api/docs/{id}: a document with its counts.
func (s *Server) apiDoc(w http.ResponseWriter, r *http.Request, u *user) error {
	id, err := docID(r)
	if err != nil {
		return err
	}
	d, err := s.document(r.Context(), id)
	if err != nil {
		return err
	}
	stats, err := s.st.PairStats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"document": d, "stats": stats[id]})
	return nil
}

// apiPairs: GET /api/docs/{id}/pairs[?status=&below=&violations=], in
// order, each with its place in the order of pairs that need a look.
func (s *Server) apiPairs(w http.ResponseWriter, r *http.Request, u *user) error {
	rd, err := s.loadReview(r)
	if err != nil {
		return err
	}
	type pairJSON struct {
		bitext.Pair
		Look int  `json:"look,omitempty"`
		Low  bool `json:"low,omitempty"`
	}
	out := make([]pairJSON, 0, len(rd.Pairs))
	for _, p := range rd.Pairs {
		out = append(out, pairJSON{Pair: p.Pair, Look: p.Look, Low: p.Low})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// effortJSON is the measured precision of bulk approval at a confidence,
// and how many of the document's pairs it would approve.
type effortJSON struct {
	Source      string  `json:"source"`
	Threshold   float64 `json:"threshold"`
	Precision   float64 `json:"precision"` // measured share of right pairs at or above it
	Share       float64 `json:"share"`     // measured share of all pairs at or above it
	Measured    int     `json:"measured"`  // pairs it was measured on
	Recommended float64 `json:"recommended"`
	Reaches     bool    `json:"reaches_aim"`
	Eligible    int     `json:"eligible"` // this document's draft pairs it would approve
	Held        int     `json:"held"`     // …and those held back for their violations
	Message     string  `json:"message"`
}

func (s *Server) effort(ctx context.Context, doc int64, c float64) (effortJSON, error) {
	src := review.PairSource(ctx, s.st, doc)
	e := align.EffortAt(c, src)
	out := effortJSON{Source: src.String(), Threshold: c, Precision: e.Precision, Share: e.Share, Measured: e.Pairs}
	rec, ok := align.RecommendedThreshold(src)
	out.Recommended, out.Reaches = rec.Threshold, ok
	ps, err := s.st.Pairs(ctx, doc)
	if err != nil {
		return out, err
	}
	for _, p := range ps {
		if p.Status == bitext.StatusDraft && p.Confidence >= c && strings.TrimSpace(p.EN) != "" && strings.TrimSpace(p.RU) != "" {
			if len(p.Violations) > 0 {
				out.Held++
			} else {
				out.Eligible++
			}
		}
	}
	if e.Pairs == 0 {
		out.Message = fmt.Sprintf("No measured pair of this kind (%s) reached confidence %.2f.", src, c)
	} else {
		out.Message = fmt.Sprintf("Measured on held-out Russian–English news (WMT22): pairs of this kind (%s) at confidence ≥ %.2f were right %.1f%% of the time (%.0f%% of all pairs).",
			src, c, 100*e.Precision, 100*e.Share)
	}
	if ok {
		out.Message += fmt.Sprintf(" ≥ %.0f%% right from %.2f.", 100*align.AimPrecision, rec.Threshold)
	} else {
		out.Message += fmt.Sprintf(" No threshold reached %.0f%% right for this kind: check what you approve.", 100*align.AimPrecision)
	}
	return out, nil
}

func parseConfidence(v string) (float64, error) {
	c, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || c < 0 || c > 1 {
		return 0, badRequest("confidence %q: give a number between 0 and 1, such as 0.9", v)
	}
	return c, nil
}

// apiEffort: GET /api/docs/{id}/effort?above=C.
func (s *Server) apiEffort(w http.ResponseWriter, r *http.Request, u *user) error {
	id, err := docID(r)
	if err != nil {
		return err
	}
	c, err := parseConfidence(r.URL.Query().Get("above"))
	if err != nil {
		return err
	}
	if _, err := s.document(r.Context(), id); err != nil {
		return err
	}
	e, err := s.effort(r.Context(), id, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// apiApproveAbove: POST /api/docs/{id}/approve-above {"confidence": C}
// approves every draft pair at or above C without violations.
func (s *Server) apiApproveAbove(w http.ResponseWriter, r *http.Request, u *user) error {
	id, err := docID(r)
	if err != nil {
		return err
	}
	var body struct {
		Confidence *float64 `json:"confidence"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Confidence == nil {
		return badRequest(`give {"confidence": C}, a number between 0 and 1`)
	}
	c, err := parseConfidence(strconv.FormatFloat(*body.Confidence, 'f', -1, 64))
	if err != nil {
		return err
	}
	if _, err := s.document(r.Context(), id); err != nil {
		return err
	}
	e, err := s.effort(r.Context(), id, c)
	if err != nil {
		return err
	}
	rv, err := s.reviewer(r.Context(), u)
	if err != nil {
		return err
	}
	out, err := rv.ApproveAbove(r.Context(), id, c)
	if err != nil {
		return err
	}
	s.log.Info("bulk approval", "user", u.name, "doc", id, "above", c, "approved", len(out.Changed), "precision", e.Precision)
	writeJSON(w, http.StatusOK, map[string]any{"approved": len(out.Changed), "outcome": out, "effort": e})
	return nil
}

// pairOf finds a pair by id alone.
func (s *Server) pairOf(ctx context.Context, id int64) (bitext.Pair, error) {
	doc, err := s.st.PairDoc(ctx, id)
	if err != nil {
		return bitext.Pair{}, err
	}
	return s.st.Pair(ctx, doc, id)
}

// apiPair: GET /api/pairs/{id}.
func (s *Server) apiPair(w http.ResponseWriter, r *http.Request, u *user) error {
	id, err := pairID(r)
	if err != nil {
		return err
	}
	p, err := s.pairOf(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// apiHistory: GET /api/pairs/{id}/history, oldest first.
func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request, u *user) error {
	id, err := pairID(r)
	if err != nil {
		return err
	}
	doc, err := s.st.PairDoc(r.Context(), id)
	if err != nil {
		return err
	}
	rv, err := s.reviewer(r.Context(), u)
	if err != nil {
		return err
	}
	evs, err := rv.History(r.Context(), doc, id)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []store.PairEvent{}
	}
	writeJSON(w, http.StatusOK, evs)
	return nil
}

// opBody is the body of POST /api/pairs/{id}/{op}; each operation reads
// its own fields.
type opBody struct {
	Version int     `json:"version"` // approve, reject, edit: the version seen (0: current)
	EN      *string `json:"en"`      // edit
	With    int64   `json:"with"`    // merge: the neighbour (0: the next pair)
	RU      *int    `json:"ru"`      // split: Russian sentences that stay
	ENCount *int    `json:"en_count"`
	Side    string  `json:"side"` // shift: ru or en
	Dir     string  `json:"dir"`  // shift: up or down
	Key     string  `json:"key"`  // accept, unaccept: the finding's key
}

// apiPairOp: POST /api/pairs/{id}/{approve|reject|edit|merge|split|shift|retranslate|undo|accept|unaccept}.
// It answers with the pairs the change left ("pairs") and, for approve and
// reject, why a pair was left as it was ("skipped").
func (s *Server) apiPairOp(w http.ResponseWriter, r *http.Request, u *user) error {
	ctx := r.Context()
	id, err := pairID(r)
	if err != nil {
		return err
	}
	op := r.PathValue("op")
	var b opBody
	if err := decode(r, &b); err != nil {
		return err
	}
	doc, err := s.st.PairDoc(ctx, id)
	if err != nil {
		return err
	}
	rv, err := s.reviewer(ctx, u)
	if err != nil {
		return err
	}
	var pairs []bitext.Pair
	resp := map[string]any{"doc": doc}
	switch op {
	case "approve", "reject":
		f := rv.Approve
		if op == "reject" {
			f = rv.Reject
		}
		out, err := f(ctx, doc, []int64{id}, b.Version)
		if err != nil {
			return err
		}
		if why := out.Skipped[id]; why != "" {
			resp["skipped"] = why
		}
		p, err := s.st.Pair(ctx, doc, id)
		if err != nil {
			return err
		}
		pairs = []bitext.Pair{p}
	case "edit":
		if b.EN == nil {
			return badRequest(`edit: give {"en": "the English", "version": V}`)
		}
		p, err := rv.Edit(ctx, doc, id, *b.EN, b.Version)
		if err != nil {
			return err
		}
		pairs = []bitext.Pair{p}
	case "merge":
		with := b.With
		if with == 0 {
			p, err := s.st.Pair(ctx, doc, id)
			if err != nil {
				return err
			}
			next, err := s.st.PairsAt(ctx, doc, p.Index+1, 1)
			if err != nil {
				return err
			}
			if len(next) == 0 {
				return badRequest("pair %d is the last: there is no next pair to merge it with", id)
			}
			with = next[0].ID
		}
		p, err := rv.Merge(ctx, doc, id, with)
		if err != nil {
			return err
		}
		pairs = []bitext.Pair{p}
	case "split":
		if b.RU == nil || b.ENCount == nil {
			return badRequest(`split: give {"ru": N, "en_count": M}: the first N Russian and M English sentences stay, the rest become a new pair`)
		}
		if pairs, err = rv.Split(ctx, doc, id, *b.RU, *b.ENCount); err != nil {
			return err
		}
	case "shift":
		side := review.Side(b.Side)
		if side != review.Russian && side != review.English {
			return badRequest(`shift: give "side": "ru" or "en"`)
		}
		if b.Dir != "up" && b.Dir != "down" {
			return badRequest(`shift: give "dir": "up" (the first sentence to the pair before) or "down" (the last to the pair after)`)
		}
		if pairs, err = rv.Shift(ctx, doc, id, side, b.Dir == "up"); err != nil {
			return err
		}
	case "retranslate":
		if s.cfg.Translator == nil {
			return errNoTranslator
		}
		t, err := s.cfg.Translator(ctx)
		if err != nil {
			return err
		}
		rv.Translator = t
		p, err := rv.Retranslate(ctx, doc, id)
		if err != nil {
			return err
		}
		pairs = []bitext.Pair{p}
	case "undo":
		if pairs, err = rv.Undo(ctx, doc, id); err != nil {
			return err
		}
	case "accept", "unaccept":
		if b.Key == "" {
			return badRequest(`%s: give {"key": K, "version": V}, K the finding's key`, op)
		}
		f := rv.Accept
		if op == "unaccept" {
			f = rv.Unaccept
		}
		p, err := f(ctx, doc, id, b.Key, b.Version)
		if err != nil {
			return err
		}
		pairs = []bitext.Pair{p}
	default:
		return fmt.Errorf("%w: /api/pairs/%d/%s", store.ErrNotFound, id, op)
	}
	s.log.Info("pair changed", "op", op, "user", u.name, "doc", doc, "pair", id)
	if pairs == nil {
		pairs = []bitext.Pair{}
	}
	resp["pairs"] = pairs
	writeJSON(w, http.StatusOK, resp)
	return nil
}
