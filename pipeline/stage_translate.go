package pipeline

// The translate stage: the segments the plan left for the model are sent
// to the endpoint, each distinct sentence once in the run (and, through
// the leases of lease.go, once among the runs sharing the database), and
// every reply is committed, with its memory entry, as it arrives.

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/store"
)

// translate is the translate stage: it translates w.todo. A document that
// cannot be translated now gets its action (waiting, estimated, cost
// limit); the error is for what fails the document.
func (j *Job) translate(ctx context.Context, w *docWork) error {
	if len(w.todo) == 0 {
		return nil
	}
	return j.translateDeduplicated(ctx, w, w.todo)
}

// flight is what one translateDeduplicated call translates and waits for.
type flight struct {
	own, dups, waiting []*store.Segment
	rep                map[string]*store.Segment // key → the segment translated for it
	mine               chan struct{}             // closed when own is committed (nil: not shared)
	theirs             []chan struct{}           // the flights waiting is in
}

// takeFlights sorts todo into the sentences this call translates, the
// repeats of one of them, and those another document of the run is
// translating right now; it registers the first as this call's flight when
// share is set.
func (j *Job) takeFlights(w *docWork, todo []*store.Segment, share bool) *flight {
	f := &flight{rep: map[string]*store.Segment{}}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.flights == nil {
		j.flights = map[string]chan struct{}{}
	}
	for _, s := range todo {
		k := j.key(s, w)
		switch {
		case f.rep[k] != nil:
			f.dups = append(f.dups, s)
		case share && j.flights[k] != nil:
			f.waiting = append(f.waiting, s)
			if ch := j.flights[k]; len(f.theirs) == 0 || f.theirs[len(f.theirs)-1] != ch {
				f.theirs = append(f.theirs, ch)
			}
			f.rep[k] = s
		default:
			f.rep[k] = s
			f.own = append(f.own, s)
			if share {
				if f.mine == nil {
					f.mine = make(chan struct{})
				}
				j.flights[k] = f.mine
			}
		}
	}
	return f
}

// translateDeduplicated translates each distinct sentence once: a sentence
// repeated in the document is translated once and copied, and a sentence
// that another document of the run is translating right now is waited for
// and then served by the translation memory.
func (j *Job) translateDeduplicated(ctx context.Context, w *docWork, todo []*store.Segment) error {
	share := j.Translator != nil && !j.Config.DryRun
	// One flight for all the keys this call translates: they end together.
	f := j.takeFlights(w, todo, share)
	// A flight stays in the map once closed: a document that looked in the
	// memory before this one committed, and claims the key after, finds it
	// finished and looks again instead of paying a second time.
	// A flight ends when its translations are committed (the waiters then
	// find them in the memory), which may be after this function returns.
	var once sync.Once
	release := func() {
		once.Do(func() {
			go func() {
				w.cm.wait()
				if f.mine != nil {
					close(f.mine)
				}
			}()
		})
	}
	defer release()
	if stop, err := j.translateNow(ctx, w, f.own, share); stop || err != nil {
		return err
	}
	release()
	// Sentences another document was translating: wait, then ask the
	// memory; what it does not have (the other translation failed) is
	// translated here.
	if len(f.waiting) > 0 {
		for _, ch := range f.theirs {
			select {
			case <-ch:
			case <-ctx.Done():
				return nil
			}
		}
		left, err := j.fromMemory(ctx, w, f.waiting, true)
		if err != nil {
			return err
		}
		if stop, err := j.translateNow(ctx, w, left, share); stop || err != nil {
			return err
		}
	}
	return j.copyRepeats(ctx, w, f)
}

// translateNow translates segs (see translateShared); stop is set when the
// document got an action that ends its translation.
func (j *Job) translateNow(ctx context.Context, w *docWork, segs []*store.Segment, share bool) (stop bool, err error) {
	if len(segs) == 0 {
		return false, nil
	}
	act, err := j.translateShared(ctx, w, segs, share)
	if err != nil {
		return true, err
	}
	if act != "" {
		w.report.Action = act
		return true, nil
	}
	return false, nil
}

// copyRepeats gives the repeats inside the document the translation of
// their first occurrence.
func (j *Job) copyRepeats(ctx context.Context, w *docWork, f *flight) error {
	for _, d := range f.dups {
		src := f.rep[j.key(d, w)]
		if !src.Done() {
			w.chk.resolve(d.Idx, false, d.Source, "")
			continue // failed or unfinished: the next run tries again
		}
		d.State, d.Target, d.Origin, d.Violations, d.Reason = src.State, src.Target, bitext.OriginMemory, src.Violations, ""
		d.Terms, d.TermSig = src.Terms, src.TermSig
		d.Model, d.PromptVersion, d.GlossaryVersion = src.Model, src.PromptVersion, w.gver
		if err := j.Store.SaveSegment(ctx, d, nil); err != nil {
			return fmt.Errorf("store repeated sentence %d: %w", d.Idx+1, err)
		}
		w.chk.resolve(d.Idx, true, d.Source, d.Target)
		w.report.FromMemory++
	}
	return nil
}

// translateShared translates segs, sharing the work with the other runs on
// the database: it claims the sentences, serves from the memory those that
// landed since the document looked, translates the rest, and releases the
// leases once the translations are committed. Sentences another run holds
// are waited for: served by the memory when they land, or claimed and
// translated here when their lease expires or is released without a
// translation. share false (a dry run, no endpoint) translates directly.
// A non-empty action stops the document (waiting, cost limit).
func (j *Job) translateShared(ctx context.Context, w *docWork, segs []*store.Segment, share bool) (string, error) {
	if !share {
		return j.translateSegments(ctx, w, segs), nil
	}
	todo := segs
	poll := leasePoll
	for round := 0; len(todo) > 0; round++ {
		if round > 0 {
			select {
			case <-time.After(poll):
			case <-ctx.Done():
				return "", nil
			}
			var err error
			if todo, err = j.fromMemory(ctx, w, todo, true); err != nil {
				return "", err
			}
			ready, err := j.claimable(ctx, todo, w)
			if err != nil {
				return "", err
			}
			if !ready {
				poll = min(2*poll, maxLeasePoll)
				continue // all still held by live runs: wait on
			}
			poll = leasePoll
		}
		mine, theirs, keys, err := j.claim(ctx, todo, w)
		if err != nil {
			return "", err
		}
		if len(mine) > 0 {
			left, err := j.fromMemory(ctx, w, mine, true)
			if err != nil {
				j.release(ctx, keys)
				return "", err
			}
			act := ""
			if len(left) > 0 {
				act = j.translateSegments(ctx, w, left)
				w.cm.wait()
			}
			j.release(ctx, keys)
			if act != "" {
				return act, nil
			}
		}
		if len(theirs) > 0 && round == 0 {
			j.log().Info("sentences are being translated by another run on this database; waiting for them", "file", w.file.Path, "sentences", len(theirs))
		}
		todo = theirs
	}
	return "", nil
}

// commitGather is how long a commit waits for more replies of the same
// burst before it writes.
const commitGather = 5 * time.Millisecond

// saveBacklog is how many replies of a document may wait for their commit
// before the next one waits for room (only an endpoint faster than the
// disk gets that far ahead).
const saveBacklog = 8192

// commits tracks the background commits of a document's replies, so that
// its outputs can be written while the last replies are still being
// stored.
type commits struct {
	mu       sync.Mutex
	running  []chan struct{} // closed when a committer has stored all it got
	err      error           // the first failure
	failures int             // segments not stored
}

// start records a committer and returns the function it calls when done.
func (c *commits) start() func() {
	ch := make(chan struct{})
	c.mu.Lock()
	c.running = append(c.running, ch)
	c.mu.Unlock()
	return func() { close(ch) }
}

// fail records segments that could not be stored.
func (c *commits) fail(err error, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
	c.failures += n
}

// wait waits for every committer started so far and returns how many
// segments could not be stored and the first failure (c may be nil).
func (c *commits) wait() (int, error) {
	if c == nil {
		return 0, nil
	}
	c.mu.Lock()
	running := slices.Clone(c.running)
	c.mu.Unlock()
	for _, ch := range running {
		<-ch
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failures, c.err
}

// translateSegments sends the segments to the endpoint and commits each
// result as it comes. It returns a document action when the document could
// not be translated now.
func (j *Job) translateSegments(ctx context.Context, w *docWork, todo []*store.Segment) string {
	texts := make([]string, len(todo))
	for i, s := range todo {
		texts[i] = s.Source
	}
	if act := j.budget(texts, &w.report); act != "" {
		return act
	}
	r := w.file
	tdoc := translate.Document{Name: r.Name, Context: docContext(r.Doc), Segments: make([]translate.Segment, 0, len(todo))}
	for _, s := range todo {
		id := strconv.Itoa(s.Idx)
		tdoc.Segments = append(tdoc.Segments, translate.Segment{ID: id, Text: s.Source, Hits: w.hits[s.Idx], Matched: j.Glossary != nil})
	}
	if j.Progress != nil {
		j.Progress.Grow(len(todo))
	}
	pending := j.startCommitter(ctx, w.cm)
	onResult := func(res translate.SegmentResult) {
		// A result names its segment by position (and by id, checked).
		if res.Index < 0 || res.Index >= len(todo) || tdoc.Segments[res.Index].ID != res.ID {
			return
		}
		pending.push(j.applyReply(w, todo[res.Index], res))
	}
	res, err := j.Translator(onResult).Translate(ctx, tdoc)
	pending.close() // the committer stores the last replies in the background
	dr := &w.report
	dr.Calls += res.Calls
	dr.TokensIn += int(res.Usage.PromptTokens)
	dr.TokensOut += int(res.Usage.CompletionTokens)
	if err != nil {
		if endpoint.IsUnavailable(err) {
			if !strings.Contains(dr.Error, "wait for the next run") {
				dr.addError(fmt.Sprintf("%s: %v; its untranslated sentences wait for the next run", r.Path, err))
			}
			return ActWaiting
		}
		dr.addError(fmt.Sprintf("%s: %v", r.Path, err))
	}
	return ""
}

// budget returns the action of a document whose texts are not sent: a dry
// run estimates them (whether or not an endpoint is configured: the
// command builds no translator for it), no endpoint leaves them waiting,
// and the cost limit stops them. "" lets them go, their estimated cost
// counted against the limit.
func (j *Job) budget(texts []string, dr *DocReport) string {
	if j.Config.DryRun {
		if j.Estimator != nil {
			dr.TokensIn, dr.TokensOut, dr.Cost = j.Estimator.Estimate(texts)
		}
		return ActEstimated
	}
	if j.Translator == nil {
		return ActWaiting
	}
	if j.Estimator == nil || j.Config.MaxCost <= 0 {
		return ""
	}
	_, _, cost := j.Estimator.Estimate(texts)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.capHit || j.spent+cost > j.Config.MaxCost {
		j.capHit = true
		return ActCostLimit
	}
	j.spent += cost
	return ""
}

// startCommitter starts the goroutine that commits the replies pushed to
// the queue it returns, as many as have arrived in one transaction, so
// that the translator does not wait for the disk (unless saveBacklog
// replies wait for theirs). The context may be ending: a reply is paid
// for, so it is committed.
func (j *Job) startCommitter(ctx context.Context, cm *commits) *saveQueue {
	pending := newSaveQueue(saveBacklog)
	done := cm.start()
	go func() {
		defer done()
		wctx := context.WithoutCancel(ctx)
		for {
			// Replies come in bursts (a round of requests ends together):
			// the group gathers for a few milliseconds, so that the
			// requests those replies make room for leave first and a
			// burst is one transaction.
			group, ok := pending.next(commitGather, 256, 1024)
			if !ok {
				return
			}
			if err := j.Store.SaveSegments(wctx, group); err != nil {
				cm.fail(fmt.Errorf("store replies: %w", err), len(group))
			}
			if j.Progress != nil {
				j.Progress.Done(len(group))
			}
		}
	}()
	return pending
}

// applyReply records a reply in its segment and returns what is to be
// committed: the segment and, for a translation, its memory entry.
func (j *Job) applyReply(w *docWork, s *store.Segment, res translate.SegmentResult) store.SegmentSave {
	h := w.hits[s.Idx]
	s.State, s.Target, s.Reason, s.Attempts = res.State, res.Text, res.Reason, s.Attempts+res.Attempts
	s.Origin = bitext.OriginModel
	if res.State == bitext.StateFailed {
		s.Origin, s.Target = "", ""
	}
	s.Violations = violationsJSON(res.Violations)
	s.Terms, s.TermSig = termsJSON(h), j.signature(h)
	s.Model, s.PromptVersion, s.GlossaryVersion = j.Config.Model, j.Config.PromptVersion, w.gver
	var mem *store.Memory
	if res.State != bitext.StateFailed {
		// the key was computed before the request (w.keys is only read
		// while replies arrive)
		key, ok := w.keys[s.Idx]
		if !ok {
			key = tmKey(s.Source, j.Config.Model, j.Config.PromptVersion, s.TermSig)
		}
		mem = &store.Memory{Key: key, Source: s.Source,
			Target: s.Target, State: s.State, Violations: s.Violations, Model: s.Model, PromptVersion: s.PromptVersion,
			GlossaryVersion: w.gver}
	}
	w.chk.resolve(s.Idx, s.Done(), s.Source, s.Target)
	return store.SegmentSave{Segment: *s, Memory: mem}
}

// docContext is what the model is told about the document: its first
// paragraph (usually the title) and its name.
func docContext(doc *bitext.Document) string {
	if doc == nil || len(doc.Paragraphs) == 0 {
		return ""
	}
	p := doc.Paragraphs[0]
	t := doc.Text[p.Span.Start:p.Span.End]
	if len(t) > 300 {
		t = t[:300]
		for len(t) > 0 && !isRuneStart(t[len(t)-1]) {
			t = t[:len(t)-1]
		}
	}
	return "Title or first paragraph: " + strings.Join(strings.Fields(t), " ")
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// violationsJSON is the stored form of a reply's glossary violations.
func violationsJSON(v []bitext.Violation) string { return jsonList(v) }
