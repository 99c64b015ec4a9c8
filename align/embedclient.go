package align

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bitext/bitext/endpoint"
	openai "github.com/sashabaranov/go-openai"
)

// Embedder turns texts into sentence vectors, one per text, in order.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// EmbeddingClient is an Embedder backed by an OpenAI-compatible
// /v1/embeddings endpoint. It sends the texts in batches.
type EmbeddingClient struct {
	api    *openai.Client
	model  string
	batch  int
	redact endpoint.Redactor // the base URL's password and the key leave error messages
}

// EmbeddingConfig says where the embeddings endpoint is.
type EmbeddingConfig struct {
	BaseURL string // API root, such as http://localhost:8000/v1
	APIKey  string
	Model   string
	Batch   int           // texts per request (default 64)
	Timeout time.Duration // per request (default 60 s)
	// HTTPClient, when not nil, replaces the default client (its Timeout
	// is then the caller's business).
	HTTPClient *http.Client
}

// ErrNoEmbeddingEndpoint is returned when no base URL or model is set.
var ErrNoEmbeddingEndpoint = errors.New("no embeddings endpoint configured (set the base URL and the model)")

// NewEmbeddingClient builds a client; it does not contact the endpoint.
func NewEmbeddingClient(cfg EmbeddingConfig) (*EmbeddingClient, error) {
	if cfg.BaseURL == "" || cfg.Model == "" {
		return nil, ErrNoEmbeddingEndpoint
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	} else {
		t := cfg.Timeout
		if t <= 0 {
			t = 60 * time.Second
		}
		oc.HTTPClient = &http.Client{Timeout: t}
	}
	b := cfg.Batch
	if b <= 0 {
		b = 64
	}
	return &EmbeddingClient{api: openai.NewClientWithConfig(oc), model: cfg.Model, batch: b,
		redact: endpoint.NewRedactor(cfg.BaseURL, cfg.APIKey)}, nil
}

// Embed returns one vector per text. Empty texts are sent as a single
// space, which every server accepts.
func (c *EmbeddingClient) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for from := 0; from < len(texts); from += c.batch {
		to := min(from+c.batch, len(texts))
		in := make([]string, to-from)
		for k, t := range texts[from:to] {
			if t == "" {
				t = " "
			}
			in[k] = t
		}
		resp, err := c.api.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: in, Model: openai.EmbeddingModel(c.model)})
		if err != nil {
			return nil, fmt.Errorf("embed texts %d–%d: %w", from, to-1, c.redact.Error(err))
		}
		if len(resp.Data) != len(in) {
			return nil, fmt.Errorf("embed texts %d–%d: %d vectors for %d texts", from, to-1, len(resp.Data), len(in))
		}
		for k, d := range resp.Data {
			idx := k
			if d.Index >= 0 && d.Index < len(in) {
				idx = d.Index
			}
			if out[from+idx] != nil {
				return nil, fmt.Errorf("embed texts %d–%d: index %d returned twice", from, to-1, d.Index)
			}
			out[from+idx] = d.Embedding
		}
	}
	return out, nil
}

// EmbedPair embeds both sides of a document pair for Options.Embeddings.
func EmbedPair(ctx context.Context, e Embedder, src, tgt []string) (*Embeddings, error) {
	all, err := e.Embed(ctx, append(append(make([]string, 0, len(src)+len(tgt)), src...), tgt...))
	if err != nil {
		return nil, fmt.Errorf("embed document pair: %w", err)
	}
	if len(all) != len(src)+len(tgt) {
		return nil, fmt.Errorf("embed document pair: %d vectors for %d sentences", len(all), len(src)+len(tgt))
	}
	return &Embeddings{Src: all[:len(src)], Tgt: all[len(src):]}, nil
}
