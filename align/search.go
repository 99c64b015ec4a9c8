package align

import (
	"context"
	"fmt"
	"math"
)

// shape is the number of source and target sentences a bead takes.
type shape struct{ a, b int }

// scorer scores a bead that covers source items [i-a, i) and target items
// [j-b, j). Higher is better.
type scorer interface {
	score(i, j, a, b int) float64
}

// band is the set of DP cells searched: in row i (source items consumed) the
// target counts lo[i] ≤ j ≤ hi[i]. Its size is what makes the search linear:
// a band of fixed width around a coarse path has O(n) cells.
type band struct {
	lo, hi []int
	off    []int // offset of row i in the cell arrays
	cells  int
}

func (bd *band) finish() {
	bd.off = make([]int, len(bd.lo))
	c := 0
	for i := range bd.lo {
		bd.off[i] = c
		if bd.hi[i] >= bd.lo[i] {
			c += bd.hi[i] - bd.lo[i] + 1
		}
	}
	bd.cells = c
}

func (bd *band) in(i, j int) bool {
	return i >= 0 && i < len(bd.lo) && j >= bd.lo[i] && j <= bd.hi[i]
}

// fullBand is every cell of an (n+1) × (m+1) table.
func fullBand(n, m int) *band {
	bd := &band{lo: make([]int, n+1), hi: make([]int, n+1)}
	for i := range bd.hi {
		bd.hi[i] = m
	}
	bd.finish()
	return bd
}

// projectBand maps a path found on items merged by factor onto the finer
// items and widens it by w cells on each side.
func projectBand(path []point, factor, n, m, w int) *band {
	bd := &band{lo: make([]int, n+1), hi: make([]int, n+1)}
	for i := range bd.lo {
		bd.lo[i] = m + 1
		bd.hi[i] = -1
	}
	for k := 1; k < len(path); k++ {
		p0, p1 := path[k-1], path[k]
		r0, r1 := min(p0.i*factor, n), min(p1.i*factor, n)
		c0, c1 := max(p0.j*factor-w, 0), min(p1.j*factor+w, m)
		for r := max(r0-w/2, 0); r <= min(r1+w/2, n); r++ {
			bd.lo[r] = min(bd.lo[r], c0)
			bd.hi[r] = max(bd.hi[r], c1)
		}
	}
	bd.lo[0], bd.hi[n] = 0, m
	if bd.hi[0] < 0 {
		bd.hi[0] = 0
	}
	if bd.lo[n] > m {
		bd.lo[n] = m
	}
	bd.finish()
	return bd
}

// point is a DP cell: i source and j target items consumed.
type point struct{ i, j int }

// step is one bead of a path, ending at (i, j).
type step struct {
	i, j  int
	shape shape
	score float64
}

// search finds the best monotonic path from (0, 0) to (n, m) through the
// band, with beads of the given shapes.
func search(ctx context.Context, n, m int, bd *band, shapes []shape, sc scorer) ([]step, error) {
	best := make([]float64, bd.cells)
	back := make([]int8, bd.cells)
	for k := range best {
		best[k] = math.Inf(-1)
		back[k] = -1
	}
	if !bd.in(0, 0) || !bd.in(n, m) {
		return nil, fmt.Errorf("search band misses a corner of the %d×%d table", n, m)
	}
	best[0] = 0
	for i := 0; i <= n; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for j := bd.lo[i]; j <= bd.hi[i]; j++ {
			if i == 0 && j == 0 {
				continue
			}
			c := bd.off[i] + j - bd.lo[i]
			top, arg := math.Inf(-1), int8(-1)
			for s, sh := range shapes {
				pi, pj := i-sh.a, j-sh.b
				if pi < 0 || pj < 0 || !bd.in(pi, pj) {
					continue
				}
				prev := best[bd.off[pi]+pj-bd.lo[pi]]
				if math.IsInf(prev, -1) {
					continue
				}
				if v := prev + sc.score(i, j, sh.a, sh.b); v > top {
					top, arg = v, int8(s)
				}
			}
			best[c], back[c] = top, arg
		}
	}
	var steps []step
	i, j := n, m
	for i > 0 || j > 0 {
		c := bd.off[i] + j - bd.lo[i]
		if back[c] < 0 {
			return nil, fmt.Errorf("no path through the search band at (%d, %d)", i, j)
		}
		sh := shapes[back[c]]
		pi, pj := i-sh.a, j-sh.b
		steps = append(steps, step{i: i, j: j, shape: sh, score: best[c] - best[bd.off[pi]+pj-bd.lo[pi]]})
		i, j = pi, pj
	}
	for l, r := 0, len(steps)-1; l < r; l, r = l+1, r-1 {
		steps[l], steps[r] = steps[r], steps[l]
	}
	return steps, nil
}

// pathOf turns steps into the list of cells visited, starting at (0, 0).
func pathOf(steps []step) []point {
	p := make([]point, 0, len(steps)+1)
	p = append(p, point{})
	for _, s := range steps {
		p = append(p, point{s.i, s.j})
	}
	return p
}

// lengthProb is the Gale–Church probability that a source span of length ls
// and a target span of length lt are translations of each other, given the
// expected ratio c (target/source) and variance s2 per character.
func lengthProb(ls, lt, c, s2 float64) float64 {
	mean := (ls*c + lt) / 2
	d := (lt - ls*c) / math.Sqrt(s2*mean+1)
	return erfcTable.at(math.Abs(d) / math.Sqrt2)
}

// erfcTable holds erfc on [0, erfcMax] for linear interpolation: the
// length model is evaluated for every cell of the search and math.Erfc was
// half the aligner's time. The absolute error is below 1e-6.
var erfcTable = newErfcTable()

const (
	erfcMax   = 8.0 // erfc(8) ≈ 1e-29
	erfcSteps = 4096
)

type erfcLookup [erfcSteps + 2]float64

func newErfcTable() *erfcLookup {
	var t erfcLookup
	for i := range t {
		t[i] = math.Erfc(float64(i) * erfcMax / erfcSteps)
	}
	return &t
}

// at returns erfc(x) for x ≥ 0.
func (t *erfcLookup) at(x float64) float64 {
	if !(x < erfcMax) { // also catches NaN
		if math.IsNaN(x) {
			return math.NaN()
		}
		return 0
	}
	f := x * erfcSteps / erfcMax
	i := int(f)
	frac := f - float64(i)
	return t[i] + (t[i+1]-t[i])*frac
}
