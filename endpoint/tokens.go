package endpoint

import (
	"strings"
	"sync"

	"github.com/tiktoken-go/tokenizer"
)

// Tokens estimates token counts with an OpenAI vocabulary embedded in the
// binary (o200k_base for current models, cl100k_base for older ones). For
// other vendors' models the counts are estimates of the right order. The
// vocabulary is loaded on first use. Safe for concurrent use.
type Tokens struct {
	enc   tokenizer.Encoding
	once  sync.Once
	codec tokenizer.Codec
}

// NewTokens returns a counter suited to model.
func NewTokens(model string) *Tokens {
	enc := tokenizer.O200kBase
	for _, p := range []string{"gpt-4-", "gpt-3.5", "gpt-35"} {
		if strings.HasPrefix(model, p) || model == "gpt-4" {
			enc = tokenizer.Cl100kBase
		}
	}
	return &Tokens{enc: enc}
}

// Count returns the number of tokens of s. Should the vocabulary be
// unavailable, it falls back to one token per three bytes.
func (t *Tokens) Count(s string) int {
	if s == "" {
		return 0
	}
	t.once.Do(func() {
		c, err := tokenizer.Get(t.enc)
		if err == nil {
			t.codec = c
		}
	})
	if t.codec != nil {
		if n, err := t.codec.Count(s); err == nil {
			return n
		}
	}
	return (len(s) + 2) / 3
}
