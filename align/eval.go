package align

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Counts are the totals behind strict and lax precision and recall, as
// defined by Sennrich & Volk (2011) and computed by the benchmark's
// score.py: precision over every predicted bead (null beads included),
// recall over the gold beads that are non-empty on both sides.
type Counts struct {
	Pred, Gold                   int // predicted beads; gold beads scored for recall
	PStrict, PLax, RStrict, RLax int
}

// Add sums counts (micro-averaging over documents).
func (c *Counts) Add(o Counts) {
	c.Pred += o.Pred
	c.Gold += o.Gold
	c.PStrict += o.PStrict
	c.PLax += o.PLax
	c.RStrict += o.RStrict
	c.RLax += o.RLax
}

// PRF is precision, recall and F1.
type PRF struct{ P, R, F1 float64 }

// Scores are strict and lax P/R/F1.
type Scores struct{ Strict, Lax PRF }

// Scores turns the counts into P/R/F1 (0 where a denominator is 0).
func (c Counts) Scores() Scores {
	prf := func(ph, rh int) PRF {
		var x PRF
		if c.Pred > 0 {
			x.P = float64(ph) / float64(c.Pred)
		}
		if c.Gold > 0 {
			x.R = float64(rh) / float64(c.Gold)
		}
		if x.P+x.R > 0 {
			x.F1 = 2 * x.P * x.R / (x.P + x.R)
		}
		return x
	}
	return Scores{Strict: prf(c.PStrict, c.RStrict), Lax: prf(c.PLax, c.RLax)}
}

// beadKey identifies a bead by its id sets (order inside a side ignored).
func beadKey(b Bead) string {
	s, t := slices.Clone(b.Src), slices.Clone(b.Tgt)
	slices.Sort(s)
	s = slices.Compact(s)
	slices.Sort(t)
	t = slices.Compact(t)
	var sb strings.Builder
	for _, x := range s {
		sb.WriteString(strconv.Itoa(x))
		sb.WriteByte(',')
	}
	sb.WriteByte(':')
	for _, x := range t {
		sb.WriteString(strconv.Itoa(x))
		sb.WriteByte(',')
	}
	return sb.String()
}

type link struct{ s, t int }

// Count compares a predicted alignment of one document with the gold.
func Count(gold, pred []Bead) Counts {
	uniq := func(beads []Bead) (map[string]bool, []Bead, map[link]bool) {
		set := make(map[string]bool)
		var list []Bead
		links := make(map[link]bool)
		for _, b := range beads {
			if len(b.Src) == 0 && len(b.Tgt) == 0 {
				continue
			}
			k := beadKey(b)
			if set[k] {
				continue
			}
			set[k] = true
			list = append(list, b)
			for _, s := range b.Src {
				for _, t := range b.Tgt {
					links[link{s, t}] = true
				}
			}
		}
		return set, list, links
	}
	touches := func(b Bead, links map[link]bool) bool {
		for _, s := range b.Src {
			for _, t := range b.Tgt {
				if links[link{s, t}] {
					return true
				}
			}
		}
		return false
	}
	goldSet, goldList, goldLinks := uniq(gold)
	predSet, predList, predLinks := uniq(pred)
	var c Counts
	c.Pred = len(predList)
	for _, b := range predList {
		if goldSet[beadKey(b)] {
			c.PStrict++
			c.PLax++
		} else if touches(b, goldLinks) {
			c.PLax++
		}
	}
	for _, b := range goldList {
		if len(b.Src) == 0 || len(b.Tgt) == 0 {
			continue
		}
		c.Gold++
		if predSet[beadKey(b)] {
			c.RStrict++
			c.RLax++
		} else if touches(b, predLinks) {
			c.RLax++
		}
	}
	return c
}

// WriteTable prints the scores in the layout of score.py.
func WriteTable(w io.Writer, title string, c Counts) error {
	s := c.Scores()
	_, err := fmt.Fprintf(w, "%s\n  gold beads scored for recall: %d   predicted beads: %d\n               strict     lax\n"+
		"  %-10s  %7.4f  %7.4f\n  %-10s  %7.4f  %7.4f\n  %-10s  %7.4f  %7.4f\n",
		title, c.Gold, c.Pred,
		"precision", s.Strict.P, s.Lax.P,
		"recall", s.Strict.R, s.Lax.R,
		"F1", s.Strict.F1, s.Lax.F1)
	return err
}
