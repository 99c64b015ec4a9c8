package align

import "math"

// dense is one coarse level of the search: every item (a sentence or a
// block of consecutive sentences) is a small dense sketch made by hashing
// its features, so that merging two items is a vector sum.
type dense struct {
	n, m           int
	src, tgt       []float32 // n×dim and m×dim sketches
	srcLen, tgtLen []float64 // item lengths
	srcPre, tgtPre []float64 // prefix sums of lengths
	ratio, s2      float64
	base           float64
	wSim, wLen     float64
	skip, merge    float64
	size           float64
	// sums of two neighbouring items (for 2-x beads) and squared norms of
	// single items and pairs
	src2, tgt2     []float32
	srcNN, tgtNN   []float64
	src2NN, tgt2NN []float64
}

const sketchDim = 64

// newDense builds the sentence-level sketches from the fine features.
func newDense(f *fine, opts Options) *dense {
	d := &dense{n: f.n, m: f.m, ratio: f.ratio, s2: f.s2, wSim: 1, wLen: 1,
		skip: opts.Weights.Skip, merge: opts.Weights.Merge, size: opts.Weights.Size}
	d.src = make([]float32, d.n*sketchDim)
	d.tgt = make([]float32, d.m*sketchDim)
	d.srcLen = make([]float64, d.n)
	d.tgtLen = make([]float64, d.m)
	for i := range d.n {
		d.srcLen[i] = f.srcLen[i+1] - f.srcLen[i]
		v := d.src[i*sketchDim : (i+1)*sketchDim]
		if f.mt != nil {
			sketch(v[:48], f.mt.src[i], 1)
			sketch(v[48:], f.anc.src[i], 0.5)
		} else {
			sketch(v, f.anc.src[i], 1)
		}
	}
	for j := range d.m {
		d.tgtLen[j] = f.tgtLen[j+1] - f.tgtLen[j]
		v := d.tgt[j*sketchDim : (j+1)*sketchDim]
		if f.mt != nil {
			sketch(v[:48], f.mt.tgt[j], 1)
			sketch(v[48:], f.anc.tgt[j], 0.5)
		} else {
			sketch(v, f.anc.tgt[j], 1)
		}
	}
	d.finish()
	return d
}

// sketch hashes a bag into v and scales it to length scale.
func sketch(v []float32, b bag, scale float64) {
	for _, ft := range b {
		v[ft.key%uint32(len(v))] += ft.w
	}
	norm := 0.0
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		k := float32(scale / math.Sqrt(norm))
		for i := range v {
			v[i] *= k
		}
	}
}

func (d *dense) finish() {
	pairs := func(vec []float32, n int) ([]float32, []float64, []float64) {
		sum := make([]float32, max(n-1, 0)*sketchDim)
		nn1 := make([]float64, n)
		nn2 := make([]float64, max(n-1, 0))
		for i := range n {
			v := vec[i*sketchDim : (i+1)*sketchDim]
			nn1[i] = dot(v, v)
			if i+1 < n {
				o := sum[i*sketchDim : (i+1)*sketchDim]
				w := vec[(i+1)*sketchDim : (i+2)*sketchDim]
				for k := range o {
					o[k] = v[k] + w[k]
				}
				nn2[i] = dot(o, o)
			}
		}
		return sum, nn1, nn2
	}
	d.src2, d.srcNN, d.src2NN = pairs(d.src, d.n)
	d.tgt2, d.tgtNN, d.tgt2NN = pairs(d.tgt, d.m)
	d.srcPre = prefix(d.n, func(i int) float64 { return d.srcLen[i] })
	d.tgtPre = prefix(d.m, func(i int) float64 { return d.tgtLen[i] })
	d.base = sampleBase(d.n, d.m, func(p, q int) float64 {
		return cosine(d.src[p*sketchDim:(p+1)*sketchDim], d.tgt[q*sketchDim:(q+1)*sketchDim])
	})
}

// halve merges items pairwise into a level of half the size.
func (d *dense) halve() *dense {
	h := &dense{n: (d.n + 1) / 2, m: (d.m + 1) / 2, ratio: d.ratio, s2: d.s2,
		wSim: d.wSim, wLen: d.wLen, skip: d.skip, merge: d.merge, size: d.size}
	merge := func(vec []float32, lens []float64, n int) ([]float32, []float64) {
		out := make([]float32, ((n+1)/2)*sketchDim)
		ol := make([]float64, (n+1)/2)
		for i := range n {
			k := i / 2
			ol[k] += lens[i]
			o := out[k*sketchDim : (k+1)*sketchDim]
			for x, y := range vec[i*sketchDim : (i+1)*sketchDim] {
				o[x] += y
			}
		}
		return out, ol
	}
	h.src, h.srcLen = merge(d.src, d.srcLen, d.n)
	h.tgt, h.tgtLen = merge(d.tgt, d.tgtLen, d.m)
	h.finish()
	return h
}

func cosine(u, v []float32) float64 {
	var uv, uu, vv float64
	for k := range u {
		uv += float64(u[k]) * float64(v[k])
		uu += float64(u[k]) * float64(u[k])
		vv += float64(v[k]) * float64(v[k])
	}
	if uu == 0 || vv == 0 {
		return 0
	}
	return uv / math.Sqrt(uu*vv)
}

func (d *dense) score(i, j, a, b int) float64 {
	if a == 0 || b == 0 {
		return -d.skip
	}
	// coarse beads take one or two items on each side
	u, uu := d.src[(i-1)*sketchDim:i*sketchDim], d.srcNN[i-1]
	if a == 2 {
		u, uu = d.src2[(i-2)*sketchDim:(i-1)*sketchDim], d.src2NN[i-2]
	}
	v, vv := d.tgt[(j-1)*sketchDim:j*sketchDim], d.tgtNN[j-1]
	if b == 2 {
		v, vv = d.tgt2[(j-2)*sketchDim:(j-1)*sketchDim], d.tgt2NN[j-2]
	}
	c := 0.0
	if uu > 0 && vv > 0 {
		var uv float32
		for k := range sketchDim {
			uv += u[k] * v[k]
		}
		c = float64(uv) / math.Sqrt(uu*vv)
	}
	c = (c - d.base) / (1 - d.base)
	ls, lt := d.srcPre[i]-d.srcPre[i-a], d.tgtPre[j]-d.tgtPre[j-b]
	s := d.wSim*c + d.wLen*lengthProb(ls, lt, d.ratio, d.s2)
	return (1+d.size*(float64(a+b)/2-1))*s - d.merge*float64(a+b-2)
}
