package pipeline

// TokenEstimator predicts the tokens and price of translating segments
// with the translation protocol: the source tokens plus the JSON framing of
// each segment, a system message per batch, and an English reply somewhat
// shorter than the Russian (Russian needs more tokens for the same content
// in OpenAI vocabularies). Counts are estimates, exact only for OpenAI
// models.
type TokenEstimator struct {
	Count    func(string) int
	PriceIn  float64 // per million prompt tokens
	PriceOut float64 // per million completion tokens
}

// Estimation constants, measured on the sample releases with the fake
// endpoint (see the translate package's prompt-overhead benchmark).
const (
	estSegmentFraming = 12   // tokens of {"id":"…","text":"…"} around a segment
	estSystemPerBatch = 420  // instructions, context and glossary lines
	estBatchTokens    = 1500 // source tokens per batch (translate's default)
	estBatchSegments  = 40
	estReplyRatio     = 0.8 // English tokens per Russian token
)

// Estimate implements Estimator.
func (e *TokenEstimator) Estimate(segments []string) (in, out int, cost float64) {
	src := 0
	for _, s := range segments {
		src += e.Count(s)
	}
	n := len(segments)
	batches := max((src+estBatchTokens-1)/estBatchTokens, (n+estBatchSegments-1)/estBatchSegments)
	in = src + n*estSegmentFraming + batches*estSystemPerBatch
	out = int(float64(src)*estReplyRatio) + n*estSegmentFraming
	cost = (float64(in)*e.PriceIn + float64(out)*e.PriceOut) / 1e6
	return in, out, cost
}
