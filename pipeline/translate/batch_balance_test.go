package translate

import "testing"

func TestBalance(t *testing.T) {
	mk := func(n, tokens int) []*unit {
		us := make([]*unit, n)
		for i := range us {
			us[i] = &unit{tokens: tokens}
		}
		return us
	}
	for _, c := range []struct {
		name               string
		units, maxSegments int
		slots, wantBatches int
	}{
		{"25 batches on 8 slots become 32", 250, 10, 8, 32},
		{"fewer batches than slots stay", 30, 10, 8, 3},
		{"exact multiple stays", 160, 10, 8, 16},
		{"one slot stays", 250, 10, 1, 25},
		{"too few units to split", 9, 1, 8, 9},
		{"10 batches on 8 slots: 16 would cost too much", 100, 10, 8, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			units := mk(c.units, 20)
			got := balance(makeBatches(units, 1<<20, c.maxSegments), c.slots)
			if len(got) != c.wantBatches {
				t.Fatalf("%d batches, want %d", len(got), c.wantBatches)
			}
			n, maxLen := 0, 0
			for _, b := range got {
				if len(b) == 0 {
					t.Fatal("empty batch")
				}
				for _, u := range b {
					if u != units[n] {
						t.Fatalf("unit %d out of order", n)
					}
					n++
				}
				maxLen = max(maxLen, len(b))
			}
			if n != c.units {
				t.Fatalf("%d units in batches, want %d", n, c.units)
			}
			if maxLen > c.maxSegments {
				t.Fatalf("a batch of %d units exceeds the old bound %d", maxLen, c.maxSegments)
			}
		})
	}
}
