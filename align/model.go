package align

import "math"

// The confidence model turns the evidence about an output bead into the
// probability that the bead is exactly right (strictly correct): two
// logistic regressions (pair beads, null beads) fitted on the beads the
// aligner outputs on the training documents, with and without MT (see
// TestFitConfidence, which prints the tables below).

// Pair-bead features, in the order of the coefficient tables.
const (
	fBias    = iota
	fMT      // MT similarity, normalised against random pairs (0 without MT)
	fAnchor  // anchor similarity, normalised against random pairs
	fLenProb // Gale–Church length probability
	fLenDev  // |log of the length ratio against the expected one|
	fLocal   // MT (or anchor) Dice minus the sentences' local reference
	fGain    // Dice of the bead minus the best Dice with one edge sentence removed
	fLenGain // length probability minus the best with one edge sentence removed
	f11      // 1-1 bead
	f21      // 1-2 or 2-1 bead
	f22      // 2-2 bead
	fBig     // sentences beyond three
	fHasAnc  // both sides have anchors
	fSize    // log of the bead's length in characters
	fScore   // the bead's score in the search
	nPairFeatures
)

// Null-bead features.
const (
	gBias   = iota
	gBest   // best Dice of the sentence with a partner in the band
	gRef    // mean of its best partners' Dice
	gSize   // log of its length in characters
	gTarget // 1 for a 0-1 bead, 0 for 1-0
	nNullFeatures
)

// beadModel holds the coefficients of the two logistic regressions.
type beadModel struct {
	pair [nPairFeatures]float64
	null [nNullFeatures]float64
}

func logistic(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func dot64(w, x []float64) float64 {
	s := 0.0
	for k := range w {
		s += w[k] * x[k]
	}
	return s
}

// primary is the channel whose Dice drives the local and gain features: the
// MT when there is one, the anchors otherwise.
func (f *fine) primary() *channel {
	if f.mt != nil {
		return f.mt
	}
	return f.anc
}

// rawDice is the Dice similarity of a bead in one channel.
func (f *fine) rawDice(c *channel, i, j, a, b int) float64 {
	ms, mt := c.srcSum[i]-c.srcSum[i-a], c.tgtSum[j]-c.tgtSum[j-b]
	if ms+mt == 0 {
		return 0
	}
	ov := 0.0
	for p := i - a; p < i; p++ {
		for q := j - b; q < j; q++ {
			if k := f.at(p, q); k >= 0 {
				ov += float64(c.pair[k])
			}
		}
	}
	return dice(ov, ms, mt)
}

func (f *fine) lenProb(i, j, a, b int) float64 {
	ls, lt := f.srcLen[i]-f.srcLen[i-a], f.tgtLen[j]-f.tgtLen[j-b]
	return lengthProb(ls, lt, f.ratio, f.s2)
}

// pairFeatures fills x with the features of the bead of source [i-a, i) and
// target [j-b, j), a, b ≥ 1.
func (f *fine) pairFeatures(i, j, a, b int, x *[nPairFeatures]float64) {
	*x = [nPairFeatures]float64{}
	x[fBias] = 1
	if f.mt != nil {
		x[fMT] = f.chanSim(f.mt, i, j, a, b)
	}
	x[fAnchor] = f.chanSim(f.anc, i, j, a, b)
	x[fLenProb] = f.lenProb(i, j, a, b)
	ls, lt := f.srcLen[i]-f.srcLen[i-a], f.tgtLen[j]-f.tgtLen[j-b]
	x[fLenDev] = math.Abs(math.Log((lt + 1) / (ls*f.ratio + 1)))
	c := f.primary()
	d := f.rawDice(c, i, j, a, b)
	ms, mt := c.srcSum[i]-c.srcSum[i-a], c.tgtSum[j]-c.tgtSum[j-b]
	if ms+mt > 0 {
		rs, rt := 0.0, 0.0
		for p := i - a; p < i; p++ {
			rs += c.refSrc[p] * (c.srcSum[p+1] - c.srcSum[p])
		}
		for q := j - b; q < j; q++ {
			rt += c.refTgt[q] * (c.tgtSum[q+1] - c.tgtSum[q])
		}
		x[fLocal] = d - (rs+rt)/(ms+mt)
	}
	if a+b > 2 {
		bestD, bestL := math.Inf(-1), math.Inf(-1)
		try := func(i2, j2, a2, b2 int) {
			if a2 < 1 || b2 < 1 {
				return
			}
			bestD = math.Max(bestD, f.rawDice(c, i2, j2, a2, b2))
			bestL = math.Max(bestL, f.lenProb(i2, j2, a2, b2))
		}
		try(i-1, j, a-1, b) // drop the last source sentence
		try(i, j, a-1, b)   // drop the first
		try(i, j-1, a, b-1)
		try(i, j, a, b-1)
		x[fGain] = d - bestD
		x[fLenGain] = x[fLenProb] - bestL
	}
	switch {
	case a == 1 && b == 1:
		x[f11] = 1
	case a+b == 3:
		x[f21] = 1
	case a == 2 && b == 2:
		x[f22] = 1
	}
	x[fBig] = float64(max(a+b-3, 0))
	as, at := f.anc.srcSum[i]-f.anc.srcSum[i-a], f.anc.tgtSum[j]-f.anc.tgtSum[j-b]
	if as > 0 && at > 0 {
		x[fHasAnc] = 1
	}
	x[fSize] = math.Log1p(ls+lt) / 5
	x[fScore] = f.score(i, j, a, b)
}

// nullFeatures fills x with the features of a 1-0 (target false) or 0-1
// bead of sentence k.
func (f *fine) nullFeatures(k int, target bool, x *[nNullFeatures]float64) {
	*x = [nNullFeatures]float64{}
	x[gBias] = 1
	c := f.primary()
	best := 0.0
	if !target {
		ms := c.srcSum[k+1] - c.srcSum[k]
		for o := range f.qn[k] {
			q := f.q0[k] + o
			best = math.Max(best, dice(float64(c.pair[f.poff[k]+o]), ms, c.tgtSum[q+1]-c.tgtSum[q]))
		}
		x[gRef] = c.refSrc[k]
		x[gSize] = math.Log1p(f.srcLen[k+1]-f.srcLen[k]) / 5
	} else {
		best = c.bestTgt[k]
		x[gRef] = c.refTgt[k]
		x[gSize] = math.Log1p(f.tgtLen[k+1]-f.tgtLen[k]) / 5
		x[gTarget] = 1
	}
	x[gBest] = best
}

// pairProb is the probability that a pair bead is strictly correct.
func (f *fine) pairProb(i, j, a, b int) float64 {
	var x [nPairFeatures]float64
	f.pairFeatures(i, j, a, b, &x)
	return logistic(dot64(f.model.pair[:], x[:]))
}

// nullProb is the probability that a null bead is strictly correct.
func (f *fine) nullProb(k int, target bool) float64 {
	var x [nNullFeatures]float64
	f.nullFeatures(k, target, &x)
	return logistic(dot64(f.model.null[:], x[:]))
}

// The tables, fitted by TestFitConfidence (ridge penalty 3) on the beads
// the aligner outputs for textberg-defr-dev and for the Russian–English
// documents derived from WMT21 newstest (merges and drops, see harden in
// wmt_test.go): the product aligns Russian with English, so its confidence
// is calibrated on that pair too. WMT22 is held out (TestConfidenceMeansCorrectness,
// the review-effort table in effort_table.go). The aligner without MT leaves
// no null bead on the training set, so the no-MT model reuses the null
// table fitted with MT.
var (
	nullTable    = [nNullFeatures]float64{3.0245, -0.0611, -0.0711, -0.1415, 0.1319}
	confidenceMT = beadModel{
		pair: [nPairFeatures]float64{0.1735, 0.7654, -1.6728, 1.2623, -1.5842, 0.8704, 0.5631, 0.7550, 1.1058, -0.1871, -0.4672, -1.2631, -0.0088, 0.2703, 0.3797},
		null: nullTable,
	}
	confidenceNoMT = beadModel{
		pair: [nPairFeatures]float64{0.6783, 0.0000, -0.3696, 1.0936, -2.0394, 0.6089, -0.0064, 1.3140, 1.0843, -0.0214, -0.5889, -1.2543, -0.0300, 0.3075, -0.1509},
		null: nullTable,
	}
)
