package align

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// synthetic builds a document pair of n source sentences: the target
// "translates" every word by a fixed letter substitution, merges every 7th
// sentence with the next, drops every 50th and keeps numbers, so that
// lengths, anchors and the MT channel all carry signal.
func synthetic(n int, seed uint64) (Input, int) {
	r := rand.New(rand.NewPCG(seed, 1))
	words := strings.Fields("gipfel berg hütte weg seil fels eis schnee grat wand tal see wald nebel wind regen sonne himmel route führer lager zelt karte höhe stunde morgen abend nacht kälte")
	sub := func(w string) string {
		var b strings.Builder
		for _, c := range w {
			b.WriteRune('a' + (c*7)%26)
		}
		return b.String()
	}
	in := Input{}
	var tgt []string
	for i := 0; i < n; i++ {
		k := 4 + r.IntN(20)
		src, mt := make([]string, 0, k), make([]string, 0, k)
		for range k {
			w := words[r.IntN(len(words))]
			if r.IntN(9) == 0 {
				w = fmt.Sprint(r.IntN(5000))
			}
			src = append(src, w)
			mt = append(mt, sub(w))
		}
		s, t := strings.Join(src, " ")+" .", strings.Join(mt, " ")+" ."
		in.Src = append(in.Src, s)
		in.MT = append(in.MT, t)
		switch {
		case i%50 == 49:
		case i%7 == 6 && len(tgt) > 0:
			tgt[len(tgt)-1] += " " + t
		default:
			tgt = append(tgt, t)
		}
	}
	in.Tgt = tgt
	return in, len(tgt)
}

func benchAlign(b *testing.B, n int, withMT bool) {
	in, _ := synthetic(n, 7)
	if !withMT {
		in.MT = nil
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Align(context.Background(), in, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAlign1k(b *testing.B)       { benchAlign(b, 1_000, true) }
func BenchmarkAlign10k(b *testing.B)      { benchAlign(b, 10_000, true) }
func BenchmarkAlign100k(b *testing.B)     { benchAlign(b, 100_000, true) }
func BenchmarkAlign10kNoMT(b *testing.B)  { benchAlign(b, 10_000, false) }
func BenchmarkAlign100kNoMT(b *testing.B) { benchAlign(b, 100_000, false) }

// syntheticGold is the alignment synthetic builds.
func syntheticGold(n int) []Bead {
	var gold []Bead
	j := 0
	for i := 0; i < n; i++ {
		switch {
		case i%50 == 49:
			gold = append(gold, Bead{Src: []int{i}, Tgt: []int{}})
		case i%7 == 6 && j > 0:
			last := &gold[len(gold)-1]
			if len(last.Tgt) == 0 {
				// the previous source sentence was dropped: find the bead before
				for k := len(gold) - 1; k >= 0; k-- {
					if len(gold[k].Tgt) > 0 {
						last = &gold[k]
						break
					}
				}
			}
			last.Src = append(last.Src, i)
		default:
			gold = append(gold, Bead{Src: []int{i}, Tgt: []int{j}})
			j++
		}
	}
	return gold
}

// BenchmarkCheck1k is the pipeline's check of its own translation: 1,000
// source sentences against one translation each, small beads, a narrow
// band around the diagonal.
func BenchmarkCheck1k(b *testing.B) {
	in, _ := synthetic(1_000, 7)
	in.Tgt, in.MT = in.MT, nil
	opts := Options{MaxSrc: 2, MaxTgt: 2, MaxTotal: 3, Band: 6, Diagonal: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Align(context.Background(), in, opts); err != nil {
			b.Fatal(err)
		}
	}
}
