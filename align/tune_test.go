package align

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestTuneDev prints dev-set scores when ALIGN_TUNE is set (a tuning aid,
// skipped otherwise). ALIGN_W may hold a JSON object of weight overrides,
// ALIGN_SET another set directory.
func TestTuneDev(t *testing.T) {
	if os.Getenv("ALIGN_TUNE") == "" {
		t.Skip("set ALIGN_TUNE=1")
	}
	set := os.Getenv("ALIGN_SET")
	if set == "" {
		set = "/work/shared/bench/align/textberg-defr-dev"
	}
	docs, err := ReadSet(set)
	if err != nil {
		t.Skip(err)
	}
	w := DefaultWeights
	if s := os.Getenv("ALIGN_W"); s != "" {
		if err := json.Unmarshal([]byte(s), &w); err != nil {
			t.Fatal(err)
		}
	}
	for _, mt := range []bool{true, false} {
		if os.Getenv("ALIGN_MTONLY") != "" && !mt {
			continue
		}
		c, _, err := Evaluate(context.Background(), docs, mt, Options{Weights: &w})
		if err != nil {
			t.Fatal(err)
		}
		if mt && os.Getenv("ALIGN_BOTH") != "" {
			c, _, err = EvaluateBoth(context.Background(), docs, Options{Weights: &w})
			if err != nil {
				t.Fatal(err)
			}
		}
		s := c.Scores()
		t.Logf("mt=%v strict P %.4f R %.4f F1 %.4f  lax F1 %.4f", mt, s.Strict.P, s.Strict.R, s.Strict.F1, s.Lax.F1)
	}
}

// TestTuneErrors prints the wrong beads of the dev set (ALIGN_TUNE=errors).
func TestTuneErrors(t *testing.T) {
	if os.Getenv("ALIGN_TUNE") != "errors" {
		t.Skip("set ALIGN_TUNE=errors")
	}
	docs, err := ReadSet("/work/shared/bench/align/textberg-defr-dev")
	if err != nil {
		t.Skip(err)
	}
	w := DefaultWeights
	if s := os.Getenv("ALIGN_W"); s != "" {
		if err := json.Unmarshal([]byte(s), &w); err != nil {
			t.Fatal(err)
		}
	}
	useMT := os.Getenv("ALIGN_NOMT") == ""
	_, res, err := Evaluate(context.Background(), docs, useMT, Options{Weights: &w})
	if err != nil {
		t.Fatal(err)
	}
	for k, r := range res {
		d := docs[k]
		gold := map[string]bool{}
		for _, b := range d.Gold {
			gold[beadKey(b)] = true
		}
		pred := map[string]bool{}
		for _, b := range r.Beads {
			pred[beadKey(b)] = true
		}
		for _, b := range d.Gold {
			if !pred[beadKey(b)] {
				t.Logf("MISSED %v:%v\n   S: %s\n   T: %s", b.Src, b.Tgt, joinIDs(d.Src, b.Src), joinIDs(d.Tgt, b.Tgt))
			}
		}
		for _, b := range r.Beads {
			if !gold[beadKey(b)] {
				t.Logf("WRONG  %v:%v conf %.2f", b.Src, b.Tgt, b.Confidence)
			}
		}
	}
}

func joinIDs(lines []string, ids []int) string {
	s := ""
	for _, i := range ids {
		if i < len(lines) {
			s += " ‖ " + lines[i]
		}
	}
	return s
}

// TestTuneSearch runs a coordinate search over the weights on the dev set
// (ALIGN_TUNE=search).
func TestTuneSearch(t *testing.T) {
	if os.Getenv("ALIGN_TUNE") != "search" {
		t.Skip("set ALIGN_TUNE=search")
	}
	docs, err := ReadSet("/work/shared/bench/align/textberg-defr-dev")
	if err != nil {
		t.Skip(err)
	}
	useMT := os.Getenv("ALIGN_NOMT") == ""
	w := DefaultWeights
	if s := os.Getenv("ALIGN_W"); s != "" {
		if err := json.Unmarshal([]byte(s), &w); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(w Weights) float64 {
		c, _, err := Evaluate(context.Background(), docs, useMT, Options{Weights: &w})
		if err != nil {
			t.Fatal(err)
		}
		return c.Scores().Strict.F1
	}
	best := eval(w)
	t.Logf("start %.4f", best)
	fields := []struct {
		name string
		p    func(*Weights) *float64
		vals []float64
	}{
		{"Skip", func(w *Weights) *float64 { return &w.Skip }, []float64{0, 0.1, 0.2, 0.3, 0.4, 0.6}},
		{"Length", func(w *Weights) *float64 { return &w.Length }, []float64{0, 0.1, 0.2, 0.3, 0.5, 0.8}},
		{"LengthNoMT", func(w *Weights) *float64 { return &w.LengthNoMT }, []float64{0, 0.1, 0.2, 0.3, 0.5, 0.8}},
		{"Anchor", func(w *Weights) *float64 { return &w.Anchor }, []float64{0, 0.3, 0.6, 1, 1.5}},
		{"Merge", func(w *Weights) *float64 { return &w.Merge }, []float64{-0.1, -0.05, 0, 0.05, 0.1, 0.2}},
		{"Many", func(w *Weights) *float64 { return &w.Many }, []float64{-0.1, 0, 0.1, 0.2, 0.4}},
		{"Size", func(w *Weights) *float64 { return &w.Size }, []float64{-0.3, -0.1, 0, 0.2, 0.5, 1}},
		{"Variance", func(w *Weights) *float64 { return &w.Variance }, []float64{3, 6, 12, 24, 48}},
	}
	for round := 0; round < 2; round++ {
		for _, f := range fields {
			for _, v := range f.vals {
				x := w
				*f.p(&x) = v
				if s := eval(x); s > best+1e-9 {
					best, w = s, x
					t.Logf("%s=%v → %.4f", f.name, v, s)
				}
			}
		}
	}
	js, _ := json.Marshal(w)
	t.Logf("best %.4f %s", best, js)
}

// outputSamples collects the features of the beads the aligner outputs
// for a document, labelled 1 when the bead is in the gold.
func outputSamples(d Doc, useMT bool, opts Options) (pairX [][]float64, pairY []float64, nullX [][]float64, nullY []float64, err error) {
	opts = opts.withDefaults()
	in := Input{Src: d.Src, Tgt: d.Tgt}
	if useMT {
		in.MT = d.MT
	}
	beads, err := Align(context.Background(), in, opts)
	if err != nil {
		return
	}
	f := newFine(in, opts)
	f.pairs(fullBand(f.n, f.m), opts)
	gold := map[string]bool{}
	for _, b := range d.Gold {
		gold[beadKey(b)] = true
	}
	for _, b := range beads {
		y := 0.0
		if gold[beadKey(b)] {
			y = 1
		}
		switch {
		case len(b.Src) == 0:
			var x [nNullFeatures]float64
			f.nullFeatures(b.Tgt[0], true, &x)
			nullX, nullY = append(nullX, x[:]), append(nullY, y)
		case len(b.Tgt) == 0:
			var x [nNullFeatures]float64
			f.nullFeatures(b.Src[0], false, &x)
			nullX, nullY = append(nullX, x[:]), append(nullY, y)
		default:
			var x [nPairFeatures]float64
			i, j := b.Src[len(b.Src)-1]+1, b.Tgt[len(b.Tgt)-1]+1
			f.pairFeatures(i, j, len(b.Src), len(b.Tgt), &x)
			pairX, pairY = append(pairX, x[:]), append(pairY, y)
		}
	}
	return
}

// fitLogistic fits a logistic regression by Newton's method with a small
// ridge penalty.
func fitLogistic(X [][]float64, y []float64, lambda float64) []float64 {
	d := len(X[0])
	w := make([]float64, d)
	for iter := 0; iter < 50; iter++ {
		g := make([]float64, d)
		H := make([][]float64, d)
		for k := range H {
			H[k] = make([]float64, d+1)
		}
		for r, x := range X {
			p := logistic(dot64(w, x))
			for a := range d {
				g[a] += (y[r] - p) * x[a]
				for b := range d {
					H[a][b] += p * (1 - p) * x[a] * x[b]
				}
			}
		}
		for a := range d {
			if a > 0 {
				g[a] -= lambda * w[a]
				H[a][a] += lambda
			}
			H[a][a] += 1e-9
			H[a][d] = g[a]
		}
		// solve H δ = g by Gaussian elimination
		for c := range d {
			piv := c
			for r := c + 1; r < d; r++ {
				if math.Abs(H[r][c]) > math.Abs(H[piv][c]) {
					piv = r
				}
			}
			H[c], H[piv] = H[piv], H[c]
			for r := range d {
				if r != c && H[c][c] != 0 {
					k := H[r][c] / H[c][c]
					for cc := c; cc <= d; cc++ {
						H[r][cc] -= k * H[c][cc]
					}
				}
			}
		}
		step := 0.0
		for a := range d {
			delta := H[a][d] / H[a][a]
			w[a] += delta
			step = math.Max(step, math.Abs(delta))
		}
		if step < 1e-7 {
			break
		}
	}
	return w
}

// TestFitConfidence fits the confidence model on the beads the aligner
// outputs for the training set (confidenceTrainingSet) and prints the tables for model.go
// (ALIGN_TUNE=fit).
func TestFitConfidence(t *testing.T) {
	if os.Getenv("ALIGN_TUNE") != "fit" {
		t.Skip("set ALIGN_TUNE=fit")
	}
	docs := confidenceTrainingSet(t)
	for _, useMT := range []bool{true, false} {
		wp, wn, np, nn := fitConfidence(t, docs, useMT)
		t.Logf("mt=%v pairs %d nulls %d\npair: %#v\nnull: %#v", useMT, np, nn, wp, wn)
	}
}

// TestReliability prints a reliability table of the confidence on a set
// (ALIGN_TUNE=reliability, ALIGN_SET): bins of confidence against the
// observed strict precision.
func TestReliability(t *testing.T) {
	if os.Getenv("ALIGN_TUNE") != "reliability" {
		t.Skip("set ALIGN_TUNE=reliability")
	}
	set := os.Getenv("ALIGN_SET")
	if set == "" {
		set = "/work/shared/bench/align/textberg-defr-dev"
	}
	docs, err := ReadSet(set)
	if err != nil {
		t.Skip(err)
	}
	for _, useMT := range []bool{true, false} {
		var n, hit [5]int
		var sum [5]float64
		for _, b := range judge(t, docs, useMT) {
			k := min(int(b.conf*5), 4)
			n[k]++
			sum[k] += b.conf
			if b.ok {
				hit[k]++
			}
		}
		t.Logf("mt=%v (MT available: %v)", useMT, docs[0].MT != nil)
		for k := range n {
			if n[k] > 0 {
				t.Logf("  conf %.1f–%.1f  beads %4d  mean conf %.2f  strict precision %.2f", float64(k)/5, float64(k+1)/5, n[k], sum[k]/float64(n[k]), float64(hit[k])/float64(n[k]))
			}
		}
	}
}
