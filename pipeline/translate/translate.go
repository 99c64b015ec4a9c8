// Package translate is the translation protocol between bitext and a model
// endpoint: it cuts one document's segments into token-bounded batches of
// consecutive segments, sends each batch as the JSON object
// {"segments":[{"id","text"}]} with the instructions, the document context
// and only the glossary entries found in the batch in the system message,
// checks every reply (same ids, non-empty English without Cyrillic, finish
// reason "stop", no echo of the source), and enforces the glossary with
// deterministic repair and targeted follow-up requests.
//
// A reply that fails the checks is retried, then the batch is split in
// halves, then sent segment by segment; a segment that still fails is
// reported failed with the reason, never copied through. Every segment of
// the document ends in exactly one SegmentResult.
package translate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
)

// Completer sends one chat request; *endpoint.Client implements it.
type Completer interface {
	Complete(ctx context.Context, req endpoint.Request) (endpoint.Reply, error)
}

var _ Completer = (*endpoint.Client)(nil)

// rank orders states best to worst.
func rank(s bitext.State) int {
	switch s {
	case bitext.StateVerified:
		return 0
	case bitext.StateTranslated:
		return 1
	case bitext.StateNeedsReview:
		return 2
	}
	return 3
}

// Segment is one source segment, usually a sentence.
type Segment struct {
	ID   string // the caller's id, returned in the result
	Text string
	// Hits, when Matched, are the glossary entries the caller already
	// found in Text (Options.Terms.Match); the translator then does not
	// match the segment again unless it must cut it into pieces.
	Hits    []TermHit
	Matched bool
}

// Document is what one Translate call works on.
type Document struct {
	Name string
	// Context is a short description the model sees with every batch:
	// title, date, speaker… It is clipped to about 1,200 bytes.
	Context  string
	Segments []Segment
}

// SegmentResult is the outcome for one segment.
type SegmentResult struct {
	ID         string             `json:"id"`
	Index      int                `json:"index"` // position in Document.Segments
	Source     string             `json:"source"`
	Text       string             `json:"text,omitempty"` // the English; empty when failed
	State      bitext.State       `json:"state"`
	Reason     string             `json:"reason,omitempty"` // why it failed
	Violations []bitext.Violation `json:"violations,omitempty"`
	Terms      []TermHit          `json:"terms,omitempty"`
	// Attempts counts the requests that carried the segment (or its
	// longest-travelled piece), follow-ups included.
	Attempts int `json:"attempts"`
}

// Result is the outcome of a Translate call.
type Result struct {
	Segments []SegmentResult `json:"segments"` // in document order
	Calls    int             `json:"calls"`    // Complete calls made
	Usage    endpoint.Usage  `json:"usage"`    // as the replies reported it
}

// Counts returns how many segments ended in each state.
func (r Result) Counts() map[bitext.State]int {
	m := map[bitext.State]int{}
	for _, s := range r.Segments {
		m[s.State]++
	}
	return m
}

// Options tune a Translator. Zero values take the defaults noted.
type Options struct {
	Terms Terms // nil: no glossary; segments end translated
	// Concurrency is the number of batches in flight (default 4). The
	// endpoint client bounds HTTP concurrency across documents as well.
	Concurrency int
	// MaxBatchTokens bounds the source tokens of one request (default 1500);
	// MaxBatchSegments its segments (default 40).
	MaxBatchTokens   int
	MaxBatchSegments int
	// MaxPieceTokens: a longer segment is cut at spaces into pieces of at
	// most this many tokens, translated separately and re-joined
	// (default 400, at most MaxBatchTokens).
	MaxPieceTokens int
	// ExtraReplyTokens is added to the completion budget of every request,
	// for models that reason before answering.
	ExtraReplyTokens int
	// FollowUps is the number of glossary follow-up requests after a reply
	// with violations (default 2, -1 for none).
	FollowUps int
	// CountTokens estimates tokens (default: the o200k vocabulary).
	CountTokens func(string) int
	// OnResult is called once per segment as soon as it is final, from one
	// goroutine at a time, so the caller can commit it right away.
	OnResult func(SegmentResult)
	// DropResults leaves Result.Segments empty and lets go of each
	// segment's work as soon as OnResult has it: a caller that keeps what
	// OnResult hands it then holds a long document's results once, not
	// twice.
	DropResults bool
	Log         *slog.Logger
}

// Translator runs the protocol against one endpoint. It is safe for
// concurrent use by several documents.
type Translator struct {
	c    Completer
	opts Options
}

// New returns a Translator sending requests through c.
func New(c Completer, opts Options) *Translator {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.MaxBatchTokens <= 0 {
		opts.MaxBatchTokens = 1500
	}
	if opts.MaxBatchSegments <= 0 {
		opts.MaxBatchSegments = 40
	}
	if opts.MaxPieceTokens <= 0 {
		opts.MaxPieceTokens = 400
	}
	opts.MaxPieceTokens = min(opts.MaxPieceTokens, opts.MaxBatchTokens)
	switch {
	case opts.FollowUps == 0:
		opts.FollowUps = 2
	case opts.FollowUps < 0:
		opts.FollowUps = 0
	}
	if opts.CountTokens == nil {
		opts.CountTokens = endpoint.NewTokens("").Count
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Translator{c: c, opts: opts}
}

// unit is what travels on the wire: a whole segment or a piece of one.
type unit struct {
	wireID string
	seg    int // index in the document
	piece  int
	glue   string // joins the piece to the previous one
	source string
	tokens int
	hits   []TermHit

	// outcome, written by the one worker owning the unit's batch
	text       string
	state      bitext.State
	reason     string
	violations []bitext.Violation
	attempts   int
	done       bool
}

// planned is a unit before it is built: a piece of a segment and its
// source tokens.
type planned struct{ seg, piece, tokens int32 }

func (p planned) tokenCount() int { return int(p.tokens) }

// run is the state of one Translate call.
type run struct {
	t      *Translator
	doc    Document
	pieces map[int][]piece // the pieces of the segments cut in several
	units  [][]*unit       // per segment, its pieces once built (nil before, and after the segment is reported when results are dropped)

	mu      sync.Mutex
	pending []int // pieces left per segment
	results []SegmentResult
	calls   int
	usage   endpoint.Usage
}

// Translate translates every segment of doc. It returns when each segment
// has a result (reported through OnResult as it comes), or early with the
// context's error, in which case the segments without a result were not
// finished and should be translated again later. A permanent endpoint error
// (wrong key, model or URL) marks the remaining segments failed and is
// returned.
func (t *Translator) Translate(ctx context.Context, doc Document) (Result, error) {
	r := &run{t: t, doc: doc, pending: make([]int, len(doc.Segments))}
	if !t.opts.DropResults {
		r.results = make([]SegmentResult, len(doc.Segments))
	}
	// The units are planned in a few bytes each and built only when their
	// batch is sent: a document of hundreds of thousands of segments does
	// not hold them all at once.
	var plan []planned
	for i, s := range doc.Segments {
		pieces := cutPieces(s.Text, t.opts.MaxPieceTokens, t.opts.CountTokens)
		if len(pieces) > 1 {
			if r.pieces == nil {
				r.pieces = map[int][]piece{}
			}
			r.pieces[i] = pieces
		}
		for p, pc := range pieces {
			if pc.tokens == 0 {
				pc.tokens = t.opts.CountTokens(pc.text)
			}
			plan = append(plan, planned{seg: int32(i), piece: int32(p), tokens: int32(pc.tokens)})
		}
		r.pending[i] = len(pieces)
	}
	r.units = make([][]*unit, len(doc.Segments))
	batches := balance(makeBatches(plan, t.opts.MaxBatchTokens, t.opts.MaxBatchSegments), t.opts.Concurrency)
	plan = nil

	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan []*unit)
	var wg sync.WaitGroup
	var fatalOnce sync.Once
	var fatal error
	// Twice as many workers as request slots: while one worker checks a
	// reply (parsing, glossary verification), another is already waiting
	// for the slot that reply freed, so the endpoint never idles on our CPU.
	for range min(2*t.opts.Concurrency, len(batches)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if err := r.batch(ctx, b); err != nil && ctx.Err() == nil {
					// A permanent endpoint error: stop the other workers.
					fatalOnce.Do(func() { fatal = err; cancel(err) })
				}
			}
		}()
	}
	sent := 0
feed:
	for ; sent < len(batches); sent++ {
		select {
		case work <- r.build(batches[sent]):
			batches[sent] = nil // the worker holds its units now
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()

	if fatal != nil && parent.Err() == nil && !endpoint.IsUnavailable(fatal) {
		// The endpoint refuses us: every unfinished segment fails with why.
		// (When it stopped answering, they stay pending for a later run.)
		for _, b := range batches[sent:] {
			r.build(b)
		}
		for _, us := range r.units {
			for _, u := range us {
				r.mu.Lock()
				done := u.done
				r.mu.Unlock()
				if !done {
					r.finish(u, "", bitext.StateFailed, fatal.Error(), nil)
				}
			}
		}
	}
	res := Result{Segments: r.results, Calls: r.calls, Usage: r.usage}
	if fatal != nil {
		return res, fatal
	}
	if parent.Err() != nil {
		return res, context.Cause(parent)
	}
	return res, nil
}

// build makes the units of a planned batch and records each with its
// segment. Building a batch again (the fatal path builds every batch that
// was not sent) replaces its units.
func (r *run) build(b []planned) []*unit {
	t := r.t
	us := make([]*unit, len(b))
	for k, p := range b {
		i, s := int(p.seg), r.doc.Segments[p.seg]
		pc, n := piece{text: s.Text}, 1
		if pieces, ok := r.pieces[i]; ok {
			pc, n = pieces[p.piece], len(pieces)
		}
		id := "s" + strconv.Itoa(i+1)
		if n > 1 {
			id += "." + strconv.Itoa(int(p.piece)+1)
		}
		u := &unit{wireID: id, seg: i, piece: int(p.piece), glue: pc.glue, source: pc.text, tokens: int(p.tokens)}
		switch {
		case t.opts.Terms == nil:
		case s.Matched && n == 1:
			u.hits = s.Hits
		default:
			u.hits = t.opts.Terms.Match(pc.text)
		}
		r.mu.Lock()
		if r.units[i] == nil {
			r.units[i] = make([]*unit, n)
		}
		r.units[i][p.piece] = u
		r.mu.Unlock()
		us[k] = u
	}
	return us
}

// batch runs the failure ladder over one batch: the whole batch twice, then
// each half once, then each segment still failing twice. It returns an error
// only when the run must stop (permanent endpoint error, cancellation).
func (r *run) batch(ctx context.Context, units []*unit) error {
	left, err := r.try(ctx, units, 2)
	if err != nil || len(left) == 0 {
		return err
	}
	if len(left) > 2 {
		half := len(left) / 2
		a, err := r.try(ctx, left[:half], 1)
		if err != nil {
			return err
		}
		b, err := r.try(ctx, left[half:], 1)
		if err != nil {
			return err
		}
		left = append(a, b...)
	}
	for _, u := range left {
		if _, err := r.try(ctx, []*unit{u}, 2); err != nil {
			return err
		}
	}
	for _, u := range left {
		if !u.done {
			r.finish(u, "", bitext.StateFailed, u.reason, nil)
		}
	}
	return nil
}

// try sends units up to tries times, each time the ones not yet accepted,
// and returns those still not accepted (with their last reason set).
func (r *run) try(ctx context.Context, units []*unit, tries int) ([]*unit, error) {
	left := units
	for i := 0; i < tries && len(left) > 0; i++ {
		var err error
		left, err = r.call(ctx, left)
		if err != nil {
			return left, err
		}
	}
	return left, nil
}

// call makes one request for units, accepts the segments that pass the
// checks (running glossary enforcement on them) and returns the rest.
func (r *run) call(ctx context.Context, units []*unit) ([]*unit, error) {
	// A reply with glossary terms may need up to FollowUps more requests,
	// each waiting for the one before: such a request goes first.
	chain := 1
	for _, u := range units {
		if len(u.hits) > 0 {
			chain += r.t.opts.FollowUps
			break
		}
	}
	segs, err := r.request(ctx, units, nil, chain)
	if err != nil {
		if ctx.Err() != nil {
			return units, context.Cause(ctx)
		}
		if endpoint.IsPermanent(err) {
			return units, err
		}
		var e *endpoint.Error
		if errors.As(err, &e) && e.NoConnection {
			// No connection, after the client's retries: not the
			// segments' fault. They stay pending for the next run (and a
			// few such failures in a row make the client give up on the
			// endpoint).
			return nil, nil
		}
		// The client already retried transient failures; more splitting
		// would only repeat them. The units fail with the reason.
		for _, u := range units {
			r.finish(u, "", bitext.StateFailed, err.Error(), nil)
		}
		return nil, nil
	}
	var accepted, left []*unit
	texts := map[string]string{}
	for _, s := range segs.ok {
		texts[s.ID] = s.Text
	}
	for _, u := range units {
		if reason, bad := segs.bad[u.wireID]; bad {
			u.reason = reason
			left = append(left, u)
			continue
		}
		u.text = strings.TrimSpace(texts[u.wireID])
		accepted = append(accepted, u)
	}
	if len(accepted) > 0 {
		if err := r.enforce(ctx, accepted); err != nil {
			return left, err
		}
	}
	return left, nil
}

// checked is a reply split into acceptable segments and reasons for the
// others.
type checked struct {
	ok  []WireSegment
	bad map[string]string // wire id → reason
}

// request sends units (with glossary fixes for a follow-up) and checks the
// reply. chain is the most requests this one may start, itself included:
// the endpoint client serves the longest chains first. An error is an
// endpoint error; a reply failing the checks comes back with every unit in
// bad.
func (r *run) request(ctx context.Context, units []*unit, fixes map[string][]bitext.Violation, chain int) (checked, error) {
	opts := r.t.opts
	src := 0
	for _, u := range units {
		src += u.tokens
		u.attempts++
	}
	req := endpoint.Request{
		System:    systemMessage(r.doc.Name, r.doc.Context, uniqueHits(units), fixes),
		User:      userMessage(units),
		Schema:    &schema,
		MaxTokens: 2*src + 24*len(units) + 256 + opts.ExtraReplyTokens,
		Priority:  chain,
	}
	reply, err := r.t.c.Complete(ctx, req)
	r.mu.Lock()
	if e := (*endpoint.Error)(nil); !errors.As(err, &e) || e.Attempts > 0 {
		r.calls++ // not a request the client refused to send (endpoint gone)
	}
	r.usage = r.usage.Add(reply.Usage)
	r.mu.Unlock()
	if err != nil {
		return checked{}, err
	}
	all := func(reason string) checked {
		c := checked{bad: map[string]string{}}
		for _, u := range units {
			c.bad[u.wireID] = reason
		}
		opts.Log.Debug("reply rejected", "doc", r.doc.Name, "segments", len(units), "reason", reason)
		return c
	}
	if reply.FinishReason != "stop" {
		return all(fmt.Sprintf("reply cut short (finish_reason %q)", reply.FinishReason)), nil
	}
	segs, err := ParseReply(reply.Text)
	if err != nil {
		return all(fmt.Sprintf("unreadable reply: %v (%s)", err, clip(oneLine(StripControls(reply.Text)), 60))), nil
	}
	if err := checkIDs(units, segs); err != nil {
		return all(err.Error()), nil
	}
	c := checked{bad: map[string]string{}}
	byID := map[string]*unit{}
	for _, u := range units {
		byID[u.wireID] = u
	}
	for _, s := range segs {
		if reason := checkSegment(byID[s.ID].source, s.Text); reason != "" {
			c.bad[s.ID] = reason
			continue
		}
		c.ok = append(c.ok, s)
	}
	return c, nil
}

// enforce verifies accepted units against the glossary, repairs what can be
// repaired, asks up to FollowUps more times for the rest, and finishes every
// unit.
func (r *run) enforce(ctx context.Context, units []*unit) error {
	terms := r.t.opts.Terms
	if terms == nil {
		for _, u := range units {
			r.finish(u, u.text, bitext.StateTranslated, "", nil)
		}
		return nil
	}
	var offending []*unit
	for _, u := range units {
		u.text, u.violations = r.verify(u, u.text)
		if len(u.violations) == 0 {
			r.finish(u, u.text, bitext.StateVerified, "", nil)
			continue
		}
		offending = append(offending, u)
	}
	for round := 0; round < r.t.opts.FollowUps && len(offending) > 0; round++ {
		fixes := map[string][]bitext.Violation{}
		for _, u := range offending {
			fixes[u.wireID] = u.violations
		}
		segs, err := r.request(ctx, offending, fixes, r.t.opts.FollowUps-round)
		if err != nil {
			if ctx.Err() != nil || endpoint.IsPermanent(err) {
				return err
			}
			break // keep the best so far; it goes to review
		}
		var still []*unit
		texts := map[string]string{}
		for _, s := range segs.ok {
			texts[s.ID] = strings.TrimSpace(s.Text)
		}
		for _, u := range offending {
			if text, ok := texts[u.wireID]; ok {
				if fixed, v := r.verify(u, text); len(v) < len(u.violations) {
					u.text, u.violations = fixed, v
				}
			}
			if len(u.violations) == 0 {
				r.finish(u, u.text, bitext.StateVerified, "", nil)
				continue
			}
			still = append(still, u)
		}
		offending = still
	}
	for _, u := range offending {
		r.finish(u, u.text, bitext.StateNeedsReview, "", u.violations)
	}
	return nil
}

// verify checks en against u's glossary hits and applies the deterministic
// repair when it helps; it returns the text to keep and the violations left.
func (r *run) verify(u *unit, en string) (string, []bitext.Violation) {
	terms := r.t.opts.Terms
	v := terms.Verify(u.source, u.hits, en)
	if len(v) == 0 {
		return en, nil
	}
	fixed, left := terms.Repair(en, v)
	if len(left) < len(v) && checkSegment(u.source, fixed) == "" {
		return fixed, left
	}
	return en, v
}

// finish records a unit's outcome and, when it was the segment's last
// piece, assembles and reports the segment.
func (r *run) finish(u *unit, text string, st bitext.State, reason string, v []bitext.Violation) {
	r.mu.Lock()
	if u.done {
		r.mu.Unlock()
		return
	}
	u.done, u.text, u.state, u.reason, u.violations = true, text, st, reason, v
	r.pending[u.seg]--
	if r.pending[u.seg] > 0 {
		r.mu.Unlock()
		return
	}
	res := r.assemble(u.seg)
	if r.results != nil {
		r.results[u.seg] = res
	} else {
		r.units[u.seg] = nil // finished: its pieces are not needed again
	}
	// OnResult runs under the lock so the caller sees one result at a time.
	if f := r.t.opts.OnResult; f != nil {
		f(res)
	}
	r.mu.Unlock()
}

// assemble joins a segment's pieces: the text re-joined with spaces, the
// worst state, every reason and violation.
func (r *run) assemble(i int) SegmentResult {
	seg := r.doc.Segments[i]
	res := SegmentResult{ID: seg.ID, Index: i, Source: seg.Text, State: bitext.StateVerified}
	var text strings.Builder
	var reasons []string
	whole := len(r.units[i]) == 1
	for _, u := range r.units[i] {
		if rank(u.state) > rank(res.State) {
			res.State = u.state
		}
		if !whole {
			text.WriteString(u.glue)
			text.WriteString(u.text)
		}
		if u.reason != "" && u.state == bitext.StateFailed {
			prefix := ""
			if len(r.units[i]) > 1 {
				prefix = fmt.Sprintf("piece %d: ", u.piece+1)
			}
			reasons = append(reasons, prefix+u.reason)
		}
		res.Violations = append(res.Violations, u.violations...)
		res.Terms = append(res.Terms, u.hits...)
		res.Attempts = max(res.Attempts, u.attempts)
	}
	if res.State == bitext.StateFailed {
		res.Reason = strings.Join(reasons, "; ")
		if res.Reason == "" {
			res.Reason = "no acceptable translation"
		}
		return res
	}
	if whole {
		u := r.units[i][0]
		res.Text = u.glue + u.text // the reply's text, not a copy
	} else {
		res.Text = text.String()
	}
	return res
}
