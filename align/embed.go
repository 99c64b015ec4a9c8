package align

import "math"

// Embeddings are sentence vectors for both sides of a document pair, from a
// multilingual sentence encoder (see Embedder).
type Embeddings struct {
	Src, Tgt [][]float32
}

// embChannel scores beads by the cosine of summed sentence vectors, the way
// Vecalign scores concatenated sentences.
type embChannel struct {
	e    *Embeddings
	pair []float32 // dot products of stored pairs
	// self dot products of a sentence with the k-th next one on its side
	srcSelf, tgtSelf [][]float64
	base             float64
}

func newEmbChannel(e *Embeddings, maxSrc, maxTgt int) *embChannel {
	c := &embChannel{e: e}
	self := func(v [][]float32, k int) [][]float64 {
		out := make([][]float64, len(v))
		for i := range v {
			out[i] = make([]float64, k)
			for d := 0; d < k && i+d < len(v); d++ {
				out[i][d] = dot(v[i], v[i+d])
			}
		}
		return out
	}
	c.srcSelf = self(e.Src, maxSrc)
	c.tgtSelf = self(e.Tgt, maxTgt)
	c.base = sampleBase(len(e.Src), len(e.Tgt), func(p, q int) float64 {
		return cos32(e.Src[p], e.Tgt[q])
	})
	return c
}

func dot(u, v []float32) float64 {
	s := 0.0
	for k := range min(len(u), len(v)) {
		s += float64(u[k]) * float64(v[k])
	}
	return s
}

func cos32(u, v []float32) float64 {
	uu, vv := dot(u, u), dot(v, v)
	if uu == 0 || vv == 0 {
		return 0
	}
	return dot(u, v) / math.Sqrt(uu*vv)
}

// sim is the normalised cosine between the sums of the bead's vectors.
func (c *embChannel) sim(f *fine, i, j, a, b int) float64 {
	norm := func(self [][]float64, from, to int) float64 {
		s := 0.0
		for x := from; x < to; x++ {
			for y := x; y < to; y++ {
				if y == x {
					s += self[x][0]
				} else {
					s += 2 * self[x][y-x]
				}
			}
		}
		return s
	}
	uu, vv := norm(c.srcSelf, i-a, i), norm(c.tgtSelf, j-b, j)
	if uu <= 0 || vv <= 0 {
		return 0
	}
	uv := 0.0
	for p := i - a; p < i; p++ {
		for q := j - b; q < j; q++ {
			if k := f.at(p, q); k >= 0 {
				uv += float64(c.pair[k])
			}
		}
	}
	return (uv/math.Sqrt(uu*vv) - c.base) / (1 - c.base)
}
