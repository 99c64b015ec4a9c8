package review

import (
	"context"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
)

type ImpactedPair struct {
	Pair         bitext.Pair
	Reason, Kind string
}
type PairScanner interface {
	EachPair(ctx context.Context, statuses []bitext.Status, fn func(bitext.Pair) error) error
}

func Impact(ctx context.Context, pairs PairScanner, before *glossary.Entry, after glossary.Entry) ([]ImpactedPair, error) {
	return nil, nil
}
func (r *Reviewer) Recheck(ctx context.Context, doc int64, ids []int64) (int, error) { return 0, nil }
