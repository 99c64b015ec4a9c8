package align

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/bitext/bitext/endpoint/fake"
)

func TestEmbeddingClientAgainstFake(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	c, err := NewEmbeddingClient(EmbeddingConfig{BaseURL: srv.BaseURL(), APIKey: "k", Model: "m", Batch: 3})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"один", "два", "", "три", "четыре", "пять", "шесть"}
	got, err := c.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(got), len(texts))
	}
	for k, s := range texts {
		if s == "" {
			s = " "
		}
		if !slices.Equal(got[k], fake.Embed(s)) {
			t.Errorf("text %d %q: vector %v, want %v", k, s, got[k], fake.Embed(s))
		}
	}
	if n := srv.OtherCalls(); n != 3 {
		t.Errorf("%d requests for 7 texts in batches of 3, want 3", n)
	}
	e, err := EmbedPair(context.Background(), c, texts[:2], texts[2:])
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Src) != 2 || len(e.Tgt) != 5 || !slices.Equal(e.Tgt[1], fake.Embed("три")) {
		t.Errorf("EmbedPair split the vectors wrongly: %d/%d", len(e.Src), len(e.Tgt))
	}
}

func TestEmbeddingClientNeedsEndpoint(t *testing.T) {
	if _, err := NewEmbeddingClient(EmbeddingConfig{Model: "m"}); !errors.Is(err, ErrNoEmbeddingEndpoint) {
		t.Errorf("no base URL: err %v", err)
	}
	if _, err := NewEmbeddingClient(EmbeddingConfig{BaseURL: "http://x/v1"}); !errors.Is(err, ErrNoEmbeddingEndpoint) {
		t.Errorf("no model: err %v", err)
	}
}

// tableEmbedder looks vectors up in a table, so that a sentence and its
// "translation" can share a vector.
type tableEmbedder map[string][]float32

func (e tableEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for k, s := range texts {
		out[k] = e[s]
	}
	return out, nil
}

func TestAlignWithEmbeddings(t *testing.T) {
	src := []string{"a1", "a2", "a3", "a4", "a5"}
	tgt := []string{"b1", "b2", "b3x", "b4", "b5"}
	table := tableEmbedder{}
	for k := range src {
		v := make([]float32, 6)
		v[k] = 1
		table[src[k]] = v
		table[tgt[k]] = v
	}
	// b3x is the translation of a3 and a4 together
	table["b3x"] = []float32{0, 0, 1, 1, 0, 0}
	tgt = []string{"b1", "b2", "b3x", "b5"}
	e, err := EmbedPair(context.Background(), table, src, tgt)
	if err != nil {
		t.Fatal(err)
	}
	beads, err := Align(context.Background(), Input{Src: src, Tgt: tgt}, Options{Embeddings: e})
	if err != nil {
		t.Fatal(err)
	}
	got := beadStrings(beads)
	want := []string{"[0]:[0]", "[1]:[1]", "[2, 3]:[2]", "[4]:[3]"}
	if !slices.Equal(got, want) {
		t.Errorf("beads %v, want %v", got, want)
	}
}
