package pipeline

import (
	"encoding/json"

	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/bitext/bitext/store"

	"github.com/bitext/bitext/align"
)

// The aligner checks each translated document: the English of every
// sentence against its Russian, to catch what the segment ids hide (a reply
// that merged two sentences' English into one id and shifted the rest). A
// large document is checked while it is being translated: as the finished
// sentences form a longer and longer prefix of the document, a background
// goroutine aligns that prefix window by window, so that after the last
// reply only the tail is left to align.

// checkOptions are the aligner's options for the check: one English text
// per Russian sentence, so small beads in a band of ±6 sentences around the
// diagonal show a merge or a shift (a reply would have to merge more than
// six sentences in a row to escape it).
//
// known holds the glossary entries already found in the Russian sentences
// (by text), so that the check does not match them again.
func (j *Job) checkOptions(known map[string][]string) align.Options {
	opts := align.Options{MaxSrc: 2, MaxTgt: 2, MaxTotal: 3, Band: 6, Diagonal: true}
	if j.Glossary != nil {
		opts.Dictionary = knownDict{j.Glossary, known}
	}
	return opts
}

// knownDict is the glossary as the check's dictionary, with the entries of
// the Russian sentences known in advance.
type knownDict struct {
	g   *Glossary
	src map[string][]string
}

func (d knownDict) Concepts(text string, source bool) []string {
	if source {
		if ids, ok := d.src[text]; ok {
			return ids
		}
	}
	return d.g.Concepts(text, source)
}

// knownConcepts lists the entries recorded for each finished segment's
// Russian (from its terms).
func knownConcepts(segs []store.Segment) map[string][]string {
	known := make(map[string][]string, len(segs))
	for i := range segs {
		s := &segs[i]
		if !s.Done() {
			continue
		}
		var hits []struct {
			ID string `json:"id"`
		}
		if json.Unmarshal([]byte(s.Terms), &hits) != nil {
			continue // matched again by the check
		}
		ids := make([]string, len(hits))
		for k, h := range hits {
			ids[k] = h.ID
		}
		known[s.Source] = ids
	}
	return known
}

// Window sizes of the progressive check: a window of checkWindow +
// checkMargin sentences is aligned and its beads that end within the first
// checkWindow sentences are kept; the margin gives the beads near the
// window's end their right context.
const (
	checkWindow = 192
	checkMargin = 32
)

// checkDelay is how long the check lets a burst of replies settle before
// it aligns what they finished.
const checkDelay = 20 * time.Millisecond

// checker aligns a document's finished sentences progressively.
type checker struct {
	opts align.Options

	mu    sync.Mutex
	pos   []int32 // sentence index → position in the document order, -1 for none
	known []bool  // the position has its final state
	done  []bool  // … and it is translated (paired in the check)
	src   []string
	tgt   []string
	next  int // first position without a final state
	wake  chan struct{}
	quit  chan struct{}
	ended chan struct{}
	once  sync.Once
	// flushed asks the goroutine to catch up and close the channel sent
	flushed chan chan struct{}

	// owned by the goroutine until ended is closed
	scanned int      // positions moved into ru/tr
	ru, tr  []string // the finished sentences' Russian and English, in order
	beads   []span
	ci, cj  int // ru[:ci] and tr[:cj] are covered by beads
	windows int // windows aligned
	err     error
}

// newChecker starts the progressive check of sentences in document order
// (their indices). Resolve reports each sentence's final state; finish
// stops the goroutine and aligns the rest.
func newChecker(ctx context.Context, opts align.Options, order []int) *checker {
	top := -1
	for _, idx := range order {
		top = max(top, idx)
	}
	c := &checker{opts: opts, pos: make([]int32, top+1), known: make([]bool, len(order)),
		done: make([]bool, len(order)), src: make([]string, len(order)), tgt: make([]string, len(order)),
		wake: make(chan struct{}, 1), quit: make(chan struct{}), ended: make(chan struct{}),
		flushed: make(chan chan struct{})}
	for i := range c.pos {
		c.pos[i] = -1
	}
	for p, idx := range order {
		if idx >= 0 {
			c.pos[idx] = int32(p)
		}
	}
	go c.loop(ctx)
	return c
}

// resolve records the final state of sentence idx: translated (with its
// Russian and English) or not (failed, waiting).
func (c *checker) resolve(idx int, translated bool, ru, en string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	p, ok := -1, false
	if idx >= 0 && idx < len(c.pos) {
		p = int(c.pos[idx])
		ok = p >= 0
	}
	if ok && !c.known[p] {
		c.known[p], c.done[p], c.src[p], c.tgt[p] = true, translated, ru, en
		for c.next < len(c.known) && c.known[c.next] {
			c.next++
		}
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *checker) loop(ctx context.Context) {
	defer close(c.ended)
	for {
		select {
		case <-c.quit:
			return
		case <-ctx.Done():
			return
		case <-c.wake:
			// Replies come in bursts, and the requests they make room
			// for should leave before the check takes the CPU.
			select {
			case <-time.After(checkDelay):
			case <-c.quit:
				return
			case <-ctx.Done():
				return
			}
			c.advance(ctx)
		case r := <-c.flushed:
			c.advance(ctx)
			close(r)
		}
	}
}

// advance takes the newly finished prefix and aligns every full window.
func (c *checker) advance(ctx context.Context) {
	c.mu.Lock()
	for ; c.scanned < c.next; c.scanned++ {
		if c.done[c.scanned] {
			c.ru = append(c.ru, c.src[c.scanned])
			c.tr = append(c.tr, c.tgt[c.scanned])
		}
	}
	c.mu.Unlock()
	for c.err == nil && ctx.Err() == nil && len(c.ru)-max(c.ci, c.cj) >= checkWindow+checkMargin {
		c.window(ctx)
		c.windows++
	}
}

// window aligns the next window and keeps its beads that end within the
// first checkWindow sentences of both sides.
func (c *checker) window(ctx context.Context) {
	ie, je := min(c.ci+checkWindow+checkMargin, len(c.ru)), min(c.cj+checkWindow+checkMargin, len(c.tr))
	beads, err := align.Align(ctx, align.Input{Src: c.ru[c.ci:ie], Tgt: c.tr[c.cj:je]}, c.opts)
	if err != nil {
		c.err = err
		return
	}
	ni, nj := c.ci, c.cj
	for _, b := range beads {
		ei, ej := ni, nj
		if len(b.Src) > 0 {
			ei = c.ci + b.Src[len(b.Src)-1] + 1
		}
		if len(b.Tgt) > 0 {
			ej = c.cj + b.Tgt[len(b.Tgt)-1] + 1
		}
		if ei-c.ci > checkWindow || ej-c.cj > checkWindow {
			break
		}
		c.beads = append(c.beads, spanOf(b, c.ci, c.cj))
		ni, nj = ei, ej
	}
	if ni == c.ci && nj == c.cj {
		// No bead fits (cannot happen with beads of at most three
		// sentences): keep the whole window rather than loop.
		for _, b := range beads {
			c.beads = append(c.beads, spanOf(b, c.ci, c.cj))
		}
		ni, nj = ie, je
	}
	c.ci, c.cj = ni, nj
}

// stop ends the background work and waits for it (c may be nil).
func (c *checker) stop() {
	if c == nil {
		return
	}
	c.once.Do(func() { close(c.quit) })
	<-c.ended
}

// span is a bead of the check in little memory: Russian sentences i to
// i+ns-1 with English sentences j to j+nt-1 (a bead's sentences are
// consecutive on each side), and the bead's confidence. A document of
// hundreds of thousands of sentences keeps one per bead while it is
// translated.
type span struct {
	i, j   int32
	ns, nt int32
	conf   float64
}

// spanOf is b moved by di sentences on the Russian side and dj on the
// English side.
func spanOf(b align.Bead, di, dj int) span {
	s := span{i: int32(di), j: int32(dj), ns: int32(len(b.Src)), nt: int32(len(b.Tgt)), conf: b.Confidence}
	if len(b.Src) > 0 {
		s.i += int32(b.Src[0])
	}
	if len(b.Tgt) > 0 {
		s.j += int32(b.Tgt[0])
	}
	return s
}

// bead expands the span (its Score is not kept).
func (s span) bead() align.Bead {
	b := align.Bead{Src: make([]int, s.ns), Tgt: make([]int, s.nt), Confidence: s.conf}
	for k := range b.Src {
		b.Src[k] = int(s.i) + k
	}
	for k := range b.Tgt {
		b.Tgt[k] = int(s.j) + k
	}
	return b
}

// oneToOne reports whether the span pairs one Russian sentence with one
// English sentence of the same position.
func (s span) oneToOne() bool { return s.ns == 1 && s.nt == 1 && s.i == s.j }

// finish stops the background work (c may be nil: there was none) and
// returns the beads of the whole check of ru against tr (the finished
// sentences of the document as committed). The beads found in the
// background are kept when they were found on exactly these sentences; the
// rest is aligned now.
func (c *checker) finish(ctx context.Context, ru, tr []string, opts align.Options) ([]span, error) {
	var beads []span
	ci, cj := 0, 0
	if c != nil {
		c.stop()
		if c.err == nil && c.ci <= len(ru) && c.cj <= len(tr) &&
			slices.Equal(c.ru[:c.ci], ru[:c.ci]) && slices.Equal(c.tr[:c.cj], tr[:c.cj]) {
			beads, ci, cj = c.beads, c.ci, c.cj
		}
	}
	if ci == len(ru) && cj == len(tr) {
		return beads, nil
	}
	rest, err := align.Align(ctx, align.Input{Src: ru[ci:], Tgt: tr[cj:]}, opts)
	if err != nil {
		return nil, fmt.Errorf("align translation: %w", err)
	}
	for _, b := range rest {
		beads = append(beads, spanOf(b, ci, cj))
	}
	return beads, nil
}
