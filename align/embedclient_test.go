package align

import (
	"context"
	"errors"
	"slices"
	"strings"
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

// countingEmbedder counts its calls and can fail.
type countingEmbedder struct {
	tableEmbedder
	calls int
	fail  error
}

func (e *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.calls++
	if e.fail != nil {
		return nil, e.fail
	}
	return e.tableEmbedder.Embed(ctx, texts)
}

func TestEvaluateWithEmbedder(t *testing.T) {
	// Sentences of one length and no shared text: only the vectors say
	// that t3 translates s3 and s4 (by lengths alone, the aligner merges
	// s1 and s2).
	src := []string{"s1", "s2", "s3", "s4", "s5"}
	tgt := []string{"t1", "t2", "t3", "t4"}
	table := tableEmbedder{}
	for k := range src {
		v := make([]float32, 6)
		v[k] = 1
		table[src[k]] = v
	}
	table["t1"], table["t2"], table["t4"] = table["s1"], table["s2"], table["s5"]
	table["t3"] = []float32{0, 0, 1, 1, 0, 0}
	gold := []Bead{{Src: []int{0}, Tgt: []int{0}}, {Src: []int{1}, Tgt: []int{1}}, {Src: []int{2, 3}, Tgt: []int{2}}, {Src: []int{4}, Tgt: []int{3}}}
	docs := []Doc{{Name: "one", Src: src, Tgt: tgt, Gold: gold}, {Name: "two", Src: src, Tgt: tgt, Gold: gold}}
	if c, _, err := EvaluateWith(context.Background(), docs, EvalInputs{}, Options{}); err != nil || c.Scores().Strict.F1 == 1 {
		t.Fatalf("without embeddings: F1 %.3f, err %v; the test needs a document that lengths alone get wrong", c.Scores().Strict.F1, err)
	}
	e := &countingEmbedder{tableEmbedder: table}
	c, res, err := EvaluateWith(context.Background(), docs, EvalInputs{Embedder: e}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.calls != 2 {
		t.Errorf("%d embedding calls for 2 documents, want 2", e.calls)
	}
	if s := c.Scores(); s.Strict.F1 != 1 {
		t.Errorf("strict F1 %.3f with embeddings, want 1; beads %v", s.Strict.F1, beadStrings(res[0].Beads))
	}
	e.fail = errors.New("endpoint down")
	_, _, err = EvaluateWith(context.Background(), docs, EvalInputs{Embedder: e}, Options{})
	if err == nil || !strings.Contains(err.Error(), "evaluate one") || !strings.Contains(err.Error(), "endpoint down") {
		t.Errorf("a failing embedder: error %v, want it to name the document and the cause", err)
	}
}
