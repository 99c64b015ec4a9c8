// Package align pairs the sentences of a text with the sentences of its
// translation.
//
// An alignment is a monotonic sequence of beads: each bead takes zero to
// MaxSrc source sentences and zero to MaxTgt target sentences (1-1, 2-1,
// 1-2, 2-2, 1-3, 3-1, and 1-0 / 0-1 for sentences left without a partner),
// and every sentence of both sides is in exactly one bead.
//
// Beads are scored by combining three kinds of evidence, with weights
// calibrated on a development set:
//
//   - length: a Gale–Church model whose length ratio is estimated from the
//     document pair itself;
//   - similarity to a translation of the source (a machine translation, line
//     parallel to the source, as Bleualign uses): IDF-weighted overlap of
//     character n-grams, normalised against the similarity of random pairs;
//     with a translation of the target as well (Input.TgtMT), the mean of the
//     two directions; sentences that are each other's clear best MT match
//     are anchors, and the bead linking them earns a bonus;
//   - anchors that need no translation: numbers, Latin-script and
//     transliterated Cyrillic words (names, cognates), and the entries of an
//     optional bilingual Dictionary (the glossary).
//
// The search is linear in time and memory: the sentences are merged pairwise
// into coarser and coarser blocks with small dense sketches until the table
// is small, a path is found there, and each finer level searches only a band
// of fixed width around the path of the level above (coarse-to-fine, as in
// Vecalign).
//
// Sentence embeddings (Options.Embeddings, fetched with EmbeddingClient
// from an OpenAI-compatible /v1/embeddings endpoint) are optional extra
// evidence. Every output bead carries a Confidence: the probability that it
// is exactly right, from a logistic model calibrated on the development set.
package align

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/bitext/bitext"
)

// Bead is one unit of an alignment: source and target sentence indices
// (0-based, ascending, possibly empty on one side).
type Bead struct {
	Src []int `json:"src"`
	Tgt []int `json:"tgt"`
	// Score is the bead's contribution to the alignment score (higher is
	// better); it is what `--scores` prints as the cost, negated.
	Score float64 `json:"score"`
	// Confidence is the estimated probability that the bead is exactly
	// right, from a logistic model of the bead's evidence calibrated on the
	// development set (see model.go); below 0.5 a reviewer should check it.
	Confidence float64 `json:"confidence"`
}

// Dictionary finds bilingual dictionary entries (such as glossary terms) in
// sentences. Concepts returns identifiers of the entries whose source-side
// term occurs in text (source true) or whose target-side term occurs in text
// (source false). A shared identifier on the two sides anchors a pair.
type Dictionary interface {
	Concepts(text string, source bool) []string
}

// Input is one document pair to align.
type Input struct {
	Src []string // source sentences
	Tgt []string // target sentences
	// MT, when not nil, is a translation of Src into the target language,
	// line by line (len(MT) == len(Src)).
	MT []string
	// TgtMT, when not nil, is a translation of Tgt into the source
	// language, line by line (len(TgtMT) == len(Tgt)). Its similarity to
	// the source adds to that of MT (both translation directions).
	TgtMT []string
}

// Weights are the calibrated parameters of the bead score. The zero value
// is not useful: start from DefaultWeights.
type Weights struct {
	MT     float64 // weight of the similarity of the MT to the target
	Anchor float64 // weight of the anchor similarity, when MT is given
	// AnchorNoMT is the anchor weight when no MT is given.
	AnchorNoMT float64
	Length     float64 // weight of the Gale–Church length probability
	LengthNoMT float64 // length weight when no MT is given
	Variance   float64 // Gale–Church variance per character
	Skip       float64 // cost of a 1-0 or 0-1 bead
	Merge      float64 // cost of each sentence beyond the second in a bead
	Many       float64 // extra cost of a bead with ≥ 2 sentences on both sides
	Embed      float64 // weight of the embedding similarity, when embeddings are given
	// Size scales a bead's similarity by 1 + Size×((a+b)/2 − 1): 0 counts
	// every bead once whatever its size, 1 counts every sentence.
	Size float64
	// Both scales the sum of the two MT similarities when translations in
	// both directions are given (0.5: their mean).
	Both float64
	// Pin is the bonus of a bead that links two sentences that are each
	// other's clear best match (an anchor, see fine.pins); 0 disables.
	Pin float64
	// PinMargin is how far an anchor's similarity must exceed the second
	// best of either sentence.
	PinMargin float64
}

// DefaultWeights are calibrated on the Text+Berg de-fr development document.
var DefaultWeights = Weights{
	MT: 1.0, Anchor: 1.0, AnchorNoMT: 1.0, Length: 0.3, LengthNoMT: 0.2,
	Variance: 12, Skip: 0.2, Merge: 0, Many: 0, Embed: 1.0, Size: 0, Both: 0.5, Pin: 1, PinMargin: 0.15,
}

// Options configure Align. The zero value selects the defaults.
type Options struct {
	MaxSrc   int // most source sentences in a bead (default 4)
	MaxTgt   int // most target sentences in a bead (default 4)
	MaxTotal int // most sentences in a bead, both sides (default 5)
	// Weights of the bead score; nil selects DefaultWeights.
	Weights *Weights
	// Dictionary, when not nil, adds its entries as anchors.
	Dictionary Dictionary
	// FullCells is the largest table searched without a coarse pass
	// (default 300,000 cells).
	FullCells int
	// Band is the half-width of the search band around a coarse path
	// (default 12 with MT, 32 without: the coarse path is less sure when
	// only lengths and anchors guide it).
	Band int
	// Diagonal lays the search band around the straight line from the
	// first to the last sentence pair instead of a coarse path: for a
	// target that is known to follow the source sentence by sentence (a
	// translation made one segment at a time), where only small local
	// differences are looked for. It saves the coarse pass, and the full
	// table of a small document (FullCells does not apply).
	Diagonal bool
	// Embeddings, when not nil, hold a sentence vector for every source and
	// target sentence (see Embedder); their cosine adds to the score.
	Embeddings *Embeddings

	model *beadModel // overrides the fitted bead model (tuning)
}

func (o Options) withDefaults() Options {
	if o.MaxSrc <= 0 {
		o.MaxSrc = 4
	}
	if o.MaxTgt <= 0 {
		o.MaxTgt = 4
	}
	if o.MaxTotal <= 0 {
		o.MaxTotal = 5
	}
	if o.Weights == nil {
		w := DefaultWeights
		o.Weights = &w
	}
	if o.FullCells <= 0 {
		o.FullCells = 300_000
	}
	return o
}

// shapes lists the bead shapes allowed by the options; null beads are only
// ever 1-0 and 0-1.
func (o Options) shapes() []shape {
	s := []shape{{1, 1}, {1, 0}, {0, 1}}
	for a := 1; a <= o.MaxSrc; a++ {
		for b := 1; b <= o.MaxTgt; b++ {
			if (a > 1 || b > 1) && a+b <= o.MaxTotal {
				s = append(s, shape{a, b})
			}
		}
	}
	return s
}

// ErrMTLength is returned when the MT does not have one line per source
// sentence.
var ErrMTLength = errors.New("the MT must have one line per source sentence")

// ErrTgtMTLength is returned when the target-side MT does not have one
// line per target sentence.
var ErrTgtMTLength = errors.New("the target MT must have one line per target sentence")

// Align aligns the sentences of in.Src with those of in.Tgt.
func Align(ctx context.Context, in Input, opts Options) ([]Bead, error) {
	opts = opts.withDefaults()
	n, m := len(in.Src), len(in.Tgt)
	if in.MT != nil && len(in.MT) != n {
		return nil, fmt.Errorf("align: %w (%d MT lines, %d source sentences)", ErrMTLength, len(in.MT), n)
	}
	if in.TgtMT != nil && len(in.TgtMT) != m {
		return nil, fmt.Errorf("align: %w (%d target-MT lines, %d target sentences)", ErrTgtMTLength, len(in.TgtMT), m)
	}
	if e := opts.Embeddings; e != nil && (len(e.Src) != n || len(e.Tgt) != m) {
		return nil, fmt.Errorf("align: embeddings for %d/%d sentences, text has %d/%d", len(e.Src), len(e.Tgt), n, m)
	}
	if n == 0 || m == 0 {
		return nullBeads(n, m), nil
	}
	if opts.Band <= 0 {
		opts.Band = 12
		if in.MT == nil && in.TgtMT == nil {
			opts.Band = 32
		}
	}
	f := newFine(in, opts)
	var bd *band
	switch {
	case opts.Diagonal:
		bd = projectBand(diagonal(n, m), 1, n, m, opts.Band)
	case (n+1)*(m+1) <= opts.FullCells:
		bd = fullBand(n, m)
	default:
		d := newDense(f, opts)
		p, err := coarsePath(ctx, d.halve(), opts)
		if err != nil {
			return nil, fmt.Errorf("align: %w", err)
		}
		bd = projectBand(p, 2, n, m, opts.Band)
	}
	f.pairs(bd, opts)
	steps, err := search(ctx, n, m, bd, opts.shapes(), f)
	if err != nil {
		return nil, fmt.Errorf("align: %w", err)
	}
	beads := make([]Bead, len(steps))
	for k, s := range steps {
		b := Bead{Src: seq(s.i-s.shape.a, s.i), Tgt: seq(s.j-s.shape.b, s.j), Score: s.score}
		b.Confidence = f.confidence(s)
		beads[k] = b
	}
	return beads, nil
}

// diagonal is the path of single steps closest to the straight line from
// (0, 0) to (n, m).
func diagonal(n, m int) []point {
	k := max(n, m)
	p := make([]point, 0, k+1)
	for t := 0; t <= k; t++ {
		p = append(p, point{t * n / k, t * m / k})
	}
	return p
}

// coarsePath finds a path through a dense level, recursing to a coarser one
// while the table is too large.
func coarsePath(ctx context.Context, d *dense, opts Options) ([]point, error) {
	var bd *band
	if (d.n+1)*(d.m+1) <= coarseCells || d.n < 2 || d.m < 2 {
		bd = fullBand(d.n, d.m)
	} else {
		p, err := coarsePath(ctx, d.halve(), opts)
		if err != nil {
			return nil, err
		}
		bd = projectBand(p, 2, d.n, d.m, opts.Band)
	}
	steps, err := search(ctx, d.n, d.m, bd, coarseShapes, d)
	if err != nil {
		return nil, err
	}
	return pathOf(steps), nil
}

// coarseCells is the largest coarse table searched in full.
const coarseCells = 40_000

var coarseShapes = []shape{{1, 1}, {1, 0}, {0, 1}, {2, 1}, {1, 2}, {2, 2}}

func nullBeads(n, m int) []Bead {
	out := make([]Bead, 0, n+m)
	for i := range n {
		out = append(out, Bead{Src: []int{i}, Tgt: []int{}, Confidence: 1})
	}
	for j := range m {
		out = append(out, Bead{Src: []int{}, Tgt: []int{j}, Confidence: 1})
	}
	return out
}

func seq(from, to int) []int {
	s := make([]int, 0, to-from)
	for k := from; k < to; k++ {
		s = append(s, k)
	}
	return s
}

// Pairs turns beads into the pairs of a human translation: the sentences
// of each side joined (src, tgt) and, when mt is not nil, our translation
// of the Russian ones beside them; the confidence rounded to three places.
// The caller numbers the documents and checks the glossary.
func Pairs(beads []Bead, src, tgt, mt []string) []bitext.Pair {
	out := make([]bitext.Pair, len(beads))
	for k, b := range beads {
		p := bitext.Pair{Index: k, Src: nonNil(b.Src), Tgt: nonNil(b.Tgt), Confidence: math.Round(b.Confidence*1000) / 1000,
			State: bitext.StateHuman, Origin: bitext.OriginHuman, Status: bitext.StatusDraft,
			RU: joinLines(src, b.Src), EN: joinLines(tgt, b.Tgt)}
		if mt != nil {
			p.MT = joinLines(mt, b.Src)
		}
		out[k] = p
	}
	return out
}

func nonNil(x []int) []int {
	if x == nil {
		return []int{}
	}
	return slices.Clone(x)
}

// joinLines joins the sentences ix of ss, each folded onto one line.
func joinLines(ss []string, ix []int) string {
	parts := make([]string, 0, len(ix))
	for _, x := range ix {
		if x >= 0 && x < len(ss) {
			parts = append(parts, strings.Join(strings.Fields(ss[x]), " "))
		}
	}
	return strings.Join(parts, " ")
}
