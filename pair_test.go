package bitext

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randomPairs cuts n Russian and m English sentences into ordered pairs of
// up to three sentences a side (never empty on both).
func randomPairs(rng *rand.Rand, n, m int) []Pair {
	var out []Pair
	s, t := 0, 0
	for s < n || t < m {
		a, b := rng.IntN(3), rng.IntN(3)
		if a == 0 && b == 0 {
			a = 1
		}
		a, b = min(a, n-s), min(b, m-t)
		if a == 0 && b == 0 {
			if s < n {
				a = 1
			} else {
				b = 1
			}
		}
		p := Pair{Src: []int{}, Tgt: []int{}, Index: len(out), Status: StatusDraft}
		for range a {
			p.Src = append(p.Src, s)
			s++
		}
		for range b {
			p.Tgt = append(p.Tgt, t)
			t++
		}
		out = append(out, p)
	}
	return out
}

// TestKeepHumanProperty: whatever the stored and the fresh pairs, the
// merge keeps every pair people worked on as it was and covers every
// sentence exactly once, in order.
func TestKeepHumanProperty(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 11))
		n, m := 1+rng.IntN(12), 1+rng.IntN(12)
		stored := randomPairs(rng, n, m)
		for k := range stored {
			stored[k].ID = int64(k + 1)
			if rng.IntN(3) == 0 {
				stored[k].Status = StatusApproved
			} else if rng.IntN(4) == 0 {
				stored[k].Edited = true
			} else if rng.IntN(4) == 0 {
				stored[k].Reviewed = true
			}
		}
		fresh := randomPairs(rng, n, m)
		got := KeepHuman(stored, fresh, SideTexts{})
		if err := CheckPairs(got, n, m); err != nil {
			t.Fatalf("seed %d: %v\nstored %v\nfresh %v\ngot %v", seed, err, beads(stored), beads(fresh), beads(got))
		}
		for _, p := range stored {
			if !p.Human() {
				continue
			}
			i := slices.IndexFunc(got, func(q Pair) bool { return q.ID == p.ID })
			if i < 0 || got[i].Bead() != p.Bead() || got[i].Status != p.Status {
				t.Fatalf("seed %d: reviewed pair %d %s lost or changed: %v", seed, p.ID, p.Bead(), beads(got))
			}
		}
	}
}

func beads(ps []Pair) string {
	var s string
	for _, p := range ps {
		h := ""
		if p.Human() {
			h = "*"
		}
		s += fmt.Sprintf(" %s%s", p.Bead(), h)
	}
	return s
}

func TestCheckPairsNamesTheFault(t *testing.T) {
	ok := []Pair{{Index: 0, Src: []int{0}, Tgt: []int{0}}, {Index: 1, Src: []int{1, 2}, Tgt: []int{}}, {Index: 2, Src: []int{}, Tgt: []int{1}}}
	if err := CheckPairs(ok, 3, 2); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		ps     []Pair
		n, m   int
		substr string
	}{
		"gap":      {[]Pair{{Index: 0, Src: []int{0}, Tgt: []int{0}}, {Index: 1, Src: []int{2}, Tgt: []int{1}}}, 3, 2, "Russian sentence 2 where 1 comes next"},
		"twice":    {[]Pair{{Index: 0, Src: []int{0}, Tgt: []int{0}}, {Index: 1, Src: []int{1}, Tgt: []int{0}}}, 2, 1, "English sentence 0 where 1 comes next"},
		"empty":    {[]Pair{{Index: 0, Src: []int{}, Tgt: []int{}}}, 0, 0, "is empty"},
		"short":    {[]Pair{{Index: 0, Src: []int{0}, Tgt: []int{0}}}, 2, 1, "hold 1 Russian and 1 English sentences of 2 and 1"},
		"numbered": {[]Pair{{Index: 1, Src: []int{0}, Tgt: []int{0}}}, 1, 1, "numbered 1"},
	} {
		err := CheckPairs(c.ps, c.n, c.m)
		if err == nil || !contains(err.Error(), c.substr) {
			t.Errorf("%s: %v, want %q", name, err, c.substr)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
