package review

import (
	"context"

	"github.com/bitext/bitext/align"
)

// PairSource tells what kind of pairs a document has, for the review-effort
// figures (align.EffortAt): bitext's own translation, a human translation,
// or a human translation aligned through bitext's machine translation.
func PairSource(ctx context.Context, st Store, doc int64) align.PairSource {
	ps, err := st.PairsAt(ctx, doc, 0, 200)
	if err != nil || len(ps) == 0 || ps[0].EnDoc == 0 {
		return align.Translated
	}
	for _, p := range ps {
		if p.MT != "" {
			return align.HumanWithMT
		}
	}
	return align.Human
}
