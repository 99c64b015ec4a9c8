package store

import (
	"context"
	"errors"

	"github.com/bitext/bitext"
)

var ErrEmptyQuery = errors.New("empty query")

type PairHit struct {
	Pair                 bitext.Pair
	DocName              string
	RUSnippet, ENSnippet string
}
type SearchOptions struct {
	Doc           int64
	Limit, Offset int
}

func (db *DB) SearchPairs(ctx context.Context, query string, opt SearchOptions) ([]PairHit, int, error) {
	return nil, 0, nil
}
