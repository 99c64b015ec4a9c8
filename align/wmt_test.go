package align

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// wmtDir locates the WMT Russian–English data: $BITEXT_SHARED/bench/ruen-wmt
// or ../shared/bench/ruen-wmt beside the module root.
func wmtDir(b *testing.B) string {
	dirs := []string{"../../shared/bench/ruen-wmt/wmt21-newstest-ru-en"}
	if s := os.Getenv("BITEXT_SHARED"); s != "" {
		dirs = append([]string{filepath.Join(s, "bench", "ruen-wmt", "wmt21-newstest-ru-en")}, dirs...)
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	b.Skip("WMT Russian–English data not found (set BITEXT_SHARED)")
	return ""
}

// harden derives a harder alignment problem from a 1-1 document: every 4th
// English segment is merged into the one before it (a 2-1 bead), every 5th
// Russian segment is merged with the next (1-2), and every 9th English
// segment is dropped (1-0). The gold follows the edits.
func harden(src, tgt, mt []string) Input2 {
	var out Input2
	type seg struct {
		ids  []int
		text string
	}
	var s, t []seg
	for i := range src {
		s = append(s, seg{[]int{i}, src[i]})
		t = append(t, seg{[]int{i}, tgt[i]})
	}
	// merge English pairs
	var t2 []seg
	for k := 0; k < len(t); k++ {
		if k%4 == 3 && len(t2) > 0 {
			last := &t2[len(t2)-1]
			last.ids = append(last.ids, t[k].ids...)
			last.text += " " + t[k].text
			continue
		}
		t2 = append(t2, t[k])
	}
	// merge Russian pairs (their MT lines are joined alike)
	var s2 []seg
	var mt2 []string
	for k := 0; k < len(s); k++ {
		if k%5 == 4 && k+1 < len(s) {
			s2 = append(s2, seg{append(append([]int{}, s[k].ids...), s[k+1].ids...), s[k].text + " " + s[k+1].text})
			mt2 = append(mt2, mt[k]+" "+mt[k+1])
			k++
			continue
		}
		s2 = append(s2, s[k])
		mt2 = append(mt2, mt[k])
	}
	// drop English segments
	var t3 []seg
	for k, x := range t2 {
		if k%9 == 8 {
			continue
		}
		t3 = append(t3, x)
	}
	// gold: group by original segment ids; a bead joins the new Russian and
	// English units that share original segments.
	srcOf := map[int]int{}
	for k, x := range s2 {
		for _, id := range x.ids {
			srcOf[id] = k
		}
	}
	tgtOf := map[int]int{}
	for k, x := range t3 {
		for _, id := range x.ids {
			tgtOf[id] = k
		}
	}
	// union-find over units
	parent := map[[2]int][2]int{}
	var find func(x [2]int) [2]int
	find = func(x [2]int) [2]int {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for id := range src {
		a := [2]int{0, srcOf[id]}
		find(a)
		if j, ok := tgtOf[id]; ok {
			parent[find(a)] = find([2]int{1, j})
		}
	}
	for j := range t3 {
		find([2]int{1, j})
	}
	groups := map[[2]int]*Bead{}
	var order [][2]int
	for k := range s2 {
		r := find([2]int{0, k})
		if groups[r] == nil {
			groups[r] = &Bead{Src: []int{}, Tgt: []int{}}
			order = append(order, r)
		}
		groups[r].Src = append(groups[r].Src, k)
	}
	for j := range t3 {
		r := find([2]int{1, j})
		if groups[r] == nil {
			groups[r] = &Bead{Src: []int{}, Tgt: []int{}}
			order = append(order, r)
		}
		groups[r].Tgt = append(groups[r].Tgt, j)
	}
	for _, r := range order {
		out.Gold = append(out.Gold, *groups[r])
	}
	for _, x := range s2 {
		out.In.Src = append(out.In.Src, x.text)
	}
	for _, x := range t3 {
		out.In.Tgt = append(out.In.Tgt, x.text)
	}
	out.In.MT = mt2
	return out
}

// Input2 is a derived document with its gold.
type Input2 struct {
	In   Input
	Gold []Bead
}

// BenchmarkWMTDerived aligns every WMT21 ru-en document after harden and
// reports strict F1 with and without the MT (metrics f1-mt, f1-nomt).
func BenchmarkWMTDerived(b *testing.B) {
	dir := wmtDir(b)
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var docs []Input2
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		src, err1 := ReadLines(filepath.Join(p, "src.txt"))
		tgt, err2 := ReadLines(filepath.Join(p, "tgt.txt"))
		mt, err3 := ReadLines(filepath.Join(p, "mt.txt"))
		if err1 != nil || err2 != nil || err3 != nil || len(src) != len(tgt) || len(mt) != len(src) {
			continue
		}
		docs = append(docs, harden(src, tgt, mt))
	}
	for b.Loop() {
		for _, withMT := range []bool{true, false} {
			var c Counts
			for _, d := range docs {
				in := d.In
				if !withMT {
					in.MT = nil
				}
				beads, err := Align(context.Background(), in, Options{})
				if err != nil {
					b.Fatal(err)
				}
				c.Add(Count(d.Gold, beads))
			}
			name := "f1-nomt"
			if withMT {
				name = "f1-mt"
			}
			b.ReportMetric(c.Scores().Strict.F1, name)
		}
	}
}
