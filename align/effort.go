package align

import (
	"fmt"
	"math"
)

// Review effort: how many of the pairs a translator approves in bulk above
// a confidence threshold (`bitext pairs approve DOC --above C`) are right,
// and how many pairs that approves. The figures are measured, not derived
// from the confidence model: TestEffortTableCurrent aligns the held-out
// Russian–English data and regenerates effort_table.go with -update
// (go test -tags sqlite_fts5 -run TestEffortTableCurrent ./align/ -update).
//
// The data is the WMT22 general test set, Russian-original (227 documents,
// 2,016 segments of news, e-commerce and social media; ruen-wmt in the
// shared benchmark data). It is held out: the confidence model is fitted
// on textberg-defr-dev and the WMT21 documents, the score weights on
// textberg-defr-dev. Each PairSource is measured on its own derivation of
// it; see the constants.

// PairSource is where the pairs under review come from. The aligner sees
// different evidence in each case, and its confidence means a different
// precision.
type PairSource int

const (
	// Translated pairs are those of a document bitext translated itself:
	// the English is its translation of each Russian sentence, and the
	// aligner checks them (small beads around the diagonal, no MT input;
	// the pipeline's check). Measured with the Russian of WMT22 against
	// the MT of the best WMT22 system (JDExploreAcademy) as the English,
	// gold 1-1. Replies that merged or shifted sentences do not occur in
	// that data, so it measures the check on sound translations: an error
	// rate no measurement here can see is not excluded.
	Translated PairSource = iota
	// HumanWithMT pairs come from a human translation aligned with the
	// Russian, given bitext's translation of the Russian as MT
	// (--pair-mt). Measured on WMT22 made harder as in the tests (harden:
	// every 4th English segment merged into the one before, every 5th
	// Russian segment merged with the next, every 9th English unit
	// dropped), with the reference translation as the human English and
	// the JDExploreAcademy MT as bitext's translation. That is more 2-1,
	// 1-2 and 1-0 beads than most human translations have, so the figures
	// lean to the pessimistic side.
	HumanWithMT
	// Human pairs come from a human translation aligned without MT: the
	// data of HumanWithMT without its MT.
	Human
	nPairSources
)

func (s PairSource) String() string {
	switch s {
	case Translated:
		return "translated"
	case HumanWithMT:
		return "human, with MT"
	case Human:
		return "human, without MT"
	}
	return fmt.Sprintf("PairSource(%d)", int(s))
}

// Effort is the review effort at one confidence threshold: approving
// every pair whose Confidence is at or above Threshold.
type Effort struct {
	Threshold float64
	// Precision is the share of the approved pairs that are exactly right
	// (the gold has the same bead); 0 when Pairs is 0.
	Precision float64
	// Share is the share of all the aligner's pairs (beads, null beads
	// included) that are approved.
	Share float64
	// Pairs is the number of approved pairs in the measurement.
	Pairs int
}

// The aim of bulk approval: at least AimPrecision of the approved pairs
// right, at least AimShare of all pairs approved.
const (
	AimPrecision = 0.99
	AimShare     = 0.75
)

// MeetsAim reports whether the effort reaches both AimPrecision and
// AimShare.
func (e Effort) MeetsAim() bool {
	return e.Pairs > 0 && e.Precision >= AimPrecision && e.Share >= AimShare
}

// EffortTable is the measured review effort of a pair source at the
// thresholds 0, 0.01, …, 1, in that order (a copy).
func EffortTable(s PairSource) []Effort {
	if s < 0 || s >= nPairSources {
		return nil
	}
	return append([]Effort(nil), effortTables[s]...)
}

// EffortAt is the measured review effort of approving the pairs of source
// s whose confidence is at or above c. The table has the thresholds in
// steps of 0.01: c is rounded down to the step, so the figures are those
// of a threshold at most 0.01 lower. The Threshold of the result is the
// step measured.
func EffortAt(c float64, s PairSource) Effort {
	t := effortTables[s]
	k := int(math.Floor(c*100 + 1e-9))
	return t[max(0, min(k, len(t)-1))]
}

// minEffortPairs is the fewest approved pairs a recommended threshold
// must have been measured on: a precision of 0.99 seen on fewer pairs is
// just the absence of any error.
const minEffortPairs = 100

// RecommendedThreshold is the lowest threshold whose approved pairs were
// right at least AimPrecision of the time (measured on at least 100
// pairs): the one that approves the most pairs with that precision. ok is
// false when no threshold reaches it (the result is then the threshold
// with the highest precision on at least 100 pairs). Whether it also
// approves AimShare of the pairs is e.Share ≥ AimShare (MeetsAim).
func RecommendedThreshold(s PairSource) (e Effort, ok bool) {
	return recommend(effortTables[s])
}

// recommend is RecommendedThreshold on a table.
func recommend(rows []Effort) (e Effort, ok bool) {
	for _, r := range rows {
		if r.Pairs < minEffortPairs {
			continue
		}
		if r.Precision >= AimPrecision {
			return r, true
		}
		if r.Precision > e.Precision {
			e = r
		}
	}
	return e, false
}
