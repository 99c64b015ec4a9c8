package align

import (
	"math"
	"runtime"
	"strings"
	"sync"
)

// channel is one kind of similarity evidence between the two sides: a bag
// per source and per target sentence, prefix sums of their masses, and the
// mean Dice similarity of random pairs, used to normalise the score.
type channel struct {
	src, tgt       []bag
	srcSum, tgtSum []float64 // prefix sums of the masses
	base           float64
	pair           []float32 // overlap per stored pair
	// refSrc and refTgt are the mean similarity of each sentence with its
	// marginK best partners inside the band (for the margin score).
	refSrc, refTgt []float64
	bestTgt        []float64 // best 1-1 Dice of each target sentence
}

// marginK is how many best partners define a sentence's local reference.
const marginK = 4

func newChannel(src, tgt []bag) *channel {
	c := &channel{src: src, tgt: tgt, srcSum: prefix(len(src), func(i int) float64 { return src[i].mass() }),
		tgtSum: prefix(len(tgt), func(i int) float64 { return tgt[i].mass() })}
	c.base = sampleBase(len(src), len(tgt), func(p, q int) float64 {
		return dice(overlap(src[p], tgt[q]), src[p].mass(), tgt[q].mass())
	})
	return c
}

func dice(ov, ms, mt float64) float64 {
	if ms+mt == 0 {
		return 0
	}
	return 2 * math.Min(ov, math.Min(ms, mt)) / (ms + mt)
}

// sampleBase is the mean similarity of a fixed pseudo-random sample of
// pairs: mostly pairs that are not translations of each other.
func sampleBase(n, m int, sim func(p, q int) float64) float64 {
	if n == 0 || m == 0 {
		return 0
	}
	k := min(1000, n*m)
	x := uint64(88172645463325252)
	s := 0.0
	for range k {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		p := int(x % uint64(n))
		q := int((x >> 32) % uint64(m))
		s += sim(p, q)
	}
	return math.Min(s/float64(k), 0.9)
}

func prefix(n int, f func(int) float64) []float64 {
	s := make([]float64, n+1)
	for i := range n {
		s[i+1] = s[i] + f(i)
	}
	return s
}

// fine scores beads of sentences exactly, from pair overlaps computed for
// the cells of the search band only.
type fine struct {
	n, m                  int
	srcLen, tgtLen        []float64 // prefix sums of sentence lengths
	ratio, s2             float64
	w                     Weights
	wMT, wAnc, wLen, wEmb float64
	mt, anc               *channel // mt is nil without MT
	// mt2 compares the source with the translation of the target (nil
	// without one).
	mt2   *channel
	emb   *embChannel
	model *beadModel // nil: the weighted-sum score
	// pin[p] is the target sentence anchored to source sentence p, or -1.
	pin []int

	// pair store: source sentence p has pairs with target q0[p] ≤ q < q0[p]+qn[p]
	q0, qn, poff []int
}

func newFine(in Input, opts Options) *fine {
	w := *opts.Weights
	f := &fine{n: len(in.Src), m: len(in.Tgt), w: w, s2: w.Variance}
	f.srcLen = prefix(f.n, func(i int) float64 { return runeLen(in.Src[i]) })
	f.tgtLen = prefix(f.m, func(i int) float64 { return runeLen(in.Tgt[i]) })
	f.ratio = 1
	if f.srcLen[f.n] > 0 && f.tgtLen[f.m] > 0 {
		f.ratio = f.tgtLen[f.m] / f.srcLen[f.n]
	}
	srcFold := make([]string, f.n)
	tgtFold := make([]string, f.m)
	for i, s := range in.Src {
		srcFold[i] = foldText(s, true)
	}
	for j, s := range in.Tgt {
		tgtFold[j] = foldText(s, true)
	}
	f.anc = newChannel(anchorBags(in.Src, in.Tgt, srcFold, tgtFold, opts.Dictionary))
	f.wAnc, f.wLen = w.AnchorNoMT, w.LengthNoMT
	if in.MT != nil {
		f.mt = mtChannel(in.MT, in.Tgt)
		f.wMT, f.wAnc, f.wLen = w.MT, w.Anchor, w.Length
	}
	if in.TgtMT != nil {
		f.mt2 = mtChannel(in.Src, in.TgtMT)
		f.wMT, f.wAnc, f.wLen = w.MT, w.Anchor, w.Length
		if f.mt == nil {
			// the only MT channel: it drives the coarse pass and the
			// confidence model as MT would
			f.mt, f.mt2 = f.mt2, nil
		}
	}
	f.model = opts.model
	if f.model == nil {
		f.model = &confidenceNoMT
		if in.MT != nil {
			f.model = &confidenceMT
		}
	}
	if opts.Embeddings != nil {
		f.emb = newEmbChannel(opts.Embeddings, opts.MaxSrc, opts.MaxTgt)
		f.wEmb = w.Embed
	}
	return f
}

// mtChannel compares sentences with translations of the other side's
// sentences into their language (src[i] and tgt[j] are in one language).
func mtChannel(src, tgt []string) *channel {
	var g bagger
	for _, s := range src {
		c := make(map[uint32]float32)
		mtGrams(s, c)
		g.add(c)
	}
	for _, s := range tgt {
		c := make(map[uint32]float32)
		mtGrams(s, c)
		g.add(c)
	}
	all := g.bags()
	return newChannel(all[:len(src)], all[len(src):])
}

// anchorBags builds the anchor bags of both sides; document frequencies are
// counted over both sides together.
func anchorBags(src, tgt, srcFold, tgtFold []string, dict Dictionary) ([]bag, []bag) {
	var g bagger
	for i, t := range srcFold {
		c := make(map[uint32]float32)
		anchorCounts(t, c)
		if dict != nil {
			for _, k := range dict.Concepts(src[i], true) {
				c[hashString(seedDict, k)]++
			}
		}
		g.add(c)
	}
	for j, t := range tgtFold {
		c := make(map[uint32]float32)
		anchorCounts(t, c)
		if dict != nil {
			for _, k := range dict.Concepts(tgt[j], false) {
				c[hashString(seedDict, k)]++
			}
		}
		g.add(c)
	}
	all := g.bags()
	return all[:len(src)], all[len(src):]
}

// pairs computes the overlaps of every (source, target) sentence pair that
// a bead inside the band can contain.
func (f *fine) pairs(bd *band, opts Options) {
	f.q0 = make([]int, f.n)
	f.qn = make([]int, f.n)
	f.poff = make([]int, f.n+1)
	for p := range f.n {
		lo, hi := f.m, 0
		for r := p + 1; r <= min(f.n, p+opts.MaxSrc); r++ {
			if bd.hi[r] >= bd.lo[r] {
				lo = min(lo, bd.lo[r]-opts.MaxTgt)
				hi = max(hi, bd.hi[r])
			}
		}
		lo = max(lo, 0)
		hi = min(hi, f.m)
		if hi < lo {
			hi = lo
		}
		f.q0[p], f.qn[p] = lo, hi-lo
		f.poff[p+1] = f.poff[p] + hi - lo
	}
	total := f.poff[f.n]
	chans := []*channel{f.anc}
	if f.mt != nil {
		chans = append(chans, f.mt)
	}
	if f.mt2 != nil {
		chans = append(chans, f.mt2)
	}
	for _, c := range chans {
		c.pair = make([]float32, total)
	}
	if f.emb != nil {
		f.emb.pair = make([]float32, total)
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for p := w; p < f.n; p += workers {
				for k := range f.qn[p] {
					q := f.q0[p] + k
					for _, c := range chans {
						c.pair[f.poff[p]+k] = float32(overlap(c.src[p], c.tgt[q]))
					}
					if f.emb != nil {
						f.emb.pair[f.poff[p]+k] = float32(dot(f.emb.e.Src[p], f.emb.e.Tgt[q]))
					}
				}
			}
		})
	}
	wg.Wait()
	for _, c := range chans {
		f.references(c)
	}
	if f.w.Pin > 0 && f.mt != nil {
		f.pins()
	}
}

// pins finds anchors (with MT only): pairs of sentences that are each
// other's best 1-1 match by MT similarity, by a margin of PinMargin (in
// units of the normalised MT similarity), kept to the longest chain
// in which both sides ascend. The search then gives a bonus to the bead
// that links an anchored pair, whatever its shape: on the dev set such
// pairs were never misplaced, but a fifth of them belong to m-n beads, so
// forcing them into 1-1 beads would hurt.
func (f *fine) pins() {
	type top struct {
		best, second float64
		arg          int
	}
	ts := make([]top, f.n)
	tt := make([]top, f.m)
	for k := range ts {
		ts[k] = top{math.Inf(-1), math.Inf(-1), -1}
	}
	for k := range tt {
		tt[k] = top{math.Inf(-1), math.Inf(-1), -1}
	}
	push := func(t *top, v float64, arg int) {
		switch {
		case v > t.best:
			t.second, t.best, t.arg = t.best, v, arg
		case v > t.second:
			t.second = v
		}
	}
	c := f.mt
	for p := range f.n {
		ms := c.srcSum[p+1] - c.srcSum[p]
		for k := range f.qn[p] {
			q := f.q0[p] + k
			v := dice(float64(c.pair[f.poff[p]+k]), ms, c.tgtSum[q+1]-c.tgtSum[q])
			push(&ts[p], v, q)
			push(&tt[q], v, p)
		}
	}
	margin := f.w.PinMargin * (1 - c.base) // in raw Dice units
	// candidates in source order; their targets are distinct
	var ps, qs []int
	for p, t := range ts {
		q := t.arg
		if q < 0 || tt[q].arg != p {
			continue
		}
		if t.best-t.second < margin || tt[q].best-tt[q].second < margin {
			continue
		}
		ps = append(ps, p)
		qs = append(qs, q)
	}
	f.pin = make([]int, f.n)
	for k := range f.pin {
		f.pin[k] = -1
	}
	for _, k := range longestAscending(qs) {
		f.pin[ps[k]] = qs[k]
	}
}

// longestAscending returns the indices of a longest strictly ascending
// subsequence of v (patience sorting, O(n log n)).
func longestAscending(v []int) []int {
	var tails []int // index into v of the smallest tail of each length
	prev := make([]int, len(v))
	for k, x := range v {
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if v[tails[mid]] < x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		prev[k] = -1
		if lo > 0 {
			prev[k] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, k)
		} else {
			tails[lo] = k
		}
	}
	out := make([]int, len(tails))
	k := -1
	if len(tails) > 0 {
		k = tails[len(tails)-1]
	}
	for l := len(out) - 1; l >= 0; l-- {
		out[l] = k
		k = prev[k]
	}
	return out
}

// references computes the local reference similarity of every sentence:
// the mean of its marginK best 1-1 similarities inside the band.
func (f *fine) references(c *channel) {
	topS := make([][marginK]float64, f.n)
	topT := make([][marginK]float64, f.m)
	push := func(t *[marginK]float64, v float64) {
		for k := range t {
			if v > t[k] {
				v, t[k] = t[k], v
			}
		}
	}
	for p := range f.n {
		ms := c.srcSum[p+1] - c.srcSum[p]
		for k := range f.qn[p] {
			q := f.q0[p] + k
			d := dice(float64(c.pair[f.poff[p]+k]), ms, c.tgtSum[q+1]-c.tgtSum[q])
			push(&topS[p], d)
			push(&topT[q], d)
		}
	}
	mean := func(t [marginK]float64) float64 {
		s := 0.0
		for _, v := range t {
			s += v
		}
		return s / marginK
	}
	c.refSrc = make([]float64, f.n)
	c.refTgt = make([]float64, f.m)
	for p := range topS {
		c.refSrc[p] = mean(topS[p])
	}
	c.bestTgt = make([]float64, f.m)
	for q := range topT {
		c.refTgt[q] = mean(topT[q])
		c.bestTgt[q] = topT[q][0]
	}
}

// at returns the index of pair (p, q) in the pair store, or -1.
func (f *fine) at(p, q int) int {
	k := q - f.q0[p]
	if k < 0 || k >= f.qn[p] {
		return -1
	}
	return f.poff[p] + k
}

// chanSim is the normalised similarity of a bead in one channel.
func (f *fine) chanSim(c *channel, i, j, a, b int) float64 {
	if c.srcSum[i]-c.srcSum[i-a]+c.tgtSum[j]-c.tgtSum[j-b] == 0 {
		return 0
	}
	return (f.rawDice(c, i, j, a, b) - c.base) / (1 - c.base)
}

// sim is the combined evidence that source [i-a, i) and target [j-b, j)
// are translations of each other (a, b ≥ 1).
func (f *fine) sim(i, j, a, b int) float64 {
	ls, lt := f.srcLen[i]-f.srcLen[i-a], f.tgtLen[j]-f.tgtLen[j-b]
	s := f.wLen * lengthProb(ls, lt, f.ratio, f.s2)
	s += f.wAnc * f.chanSim(f.anc, i, j, a, b)
	if f.mt2 != nil {
		s += f.wMT * f.w.Both * (f.chanSim(f.mt, i, j, a, b) + f.chanSim(f.mt2, i, j, a, b))
	} else if f.mt != nil {
		s += f.wMT * f.chanSim(f.mt, i, j, a, b)
	}
	if f.emb != nil {
		s += f.wEmb * f.emb.sim(f, i, j, a, b)
	}
	return s
}

func (f *fine) score(i, j, a, b int) float64 {
	if a == 0 || b == 0 {
		return -f.w.Skip
	}
	s := (1 + f.w.Size*(float64(a+b)/2-1)) * f.sim(i, j, a, b)
	s -= f.w.Merge * float64(a+b-2)
	if f.pin != nil {
		for p := i - a; p < i; p++ {
			if q := f.pin[p]; q >= j-b && q < j {
				s += f.w.Pin
			}
		}
	}
	if a > 1 && b > 1 {
		s -= f.w.Many
	}
	return s
}

// confidence is the probability that the bead of step s is strictly
// correct, from the confidence model.
func (f *fine) confidence(s step) float64 {
	switch {
	case s.shape.a == 0:
		return f.nullProb(s.j-1, true)
	case s.shape.b == 0:
		return f.nullProb(s.i-1, false)
	}
	return f.pairProb(s.i, s.j, s.shape.a, s.shape.b)
}

// mtGrams adds the features compared between the MT and the target: the
// character bigrams of the folded text and its words cut to four letters
// (a crude stem). Both were chosen on the development set over trigrams,
// 4-grams, whole words and their mixes.
func mtGrams(s string, c map[uint32]float32) {
	t := foldText(s, false)
	ngramCounts(t, 2, seedGram, c)
	for _, w := range strings.Fields(t) {
		n := 0
		for k := range w {
			if n == 4 {
				w = w[:k]
				break
			}
			n++
		}
		c[hashString(seedWord, w)]++
	}
}
