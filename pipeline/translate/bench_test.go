package translate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/endpoint/fake"
)

const wmt21 = "../../../shared/bench/ruen-wmt/wmt21-newstest-ru-en"

// loadWMT21 reads the 107 Russian documents (1,000 segments) of WMT21, one
// segment a line. It skips the benchmark when the data is absent.
func loadWMT21(b *testing.B) []Document {
	dirs, _ := filepath.Glob(filepath.Join(wmt21, "*", "src.txt"))
	if len(dirs) == 0 {
		b.Skip("benchmark data not found at " + wmt21)
	}
	sort.Strings(dirs)
	var docs []Document
	for _, p := range dirs {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		doc := Document{Name: filepath.Base(filepath.Dir(p))}
		for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			doc.Segments = append(doc.Segments, Segment{ID: fmt.Sprintf("%s:%d", doc.Name, i+1), Text: line})
		}
		docs = append(docs, doc)
	}
	return docs
}

// BenchmarkThroughput translates 1,000 segments against the fake endpoint
// with 200 ms per call and 8 requests in flight, and compares the wall time
// with the ideal calls × 200 ms / 8.
func BenchmarkThroughput(b *testing.B) {
	const latency, concurrency = 200 * time.Millisecond, 8
	cases := []struct {
		name string
		docs func(b *testing.B) []Document
	}{
		{"wmt21-107docs", loadWMT21},
		{"one-doc-1000", func(*testing.B) []Document { return []Document{{Name: "synthetic", Segments: sentences(1000)}} }},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			docs := tc.docs(b)
			srv := fake.New(fake.Options{Latency: latency})
			defer srv.Close()
			cfg := endpoint.Default()
			cfg.BaseURL, cfg.Model, cfg.Concurrency = srv.BaseURL(), "fake-model", concurrency
			client, err := endpoint.New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			tok := endpoint.NewTokens("gpt-4o-mini")
			tok.Count("загрузка словаря") // load the vocabulary outside the timing
			tr := New(client, Options{Concurrency: concurrency, CountTokens: tok.Count})
			b.ResetTimer()
			var wall time.Duration
			calls0 := srv.Calls()
			for range b.N {
				start := time.Now()
				var wg sync.WaitGroup
				for _, d := range docs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						res, err := tr.Translate(context.Background(), d)
						if err != nil || res.Counts()[bitext.StateTranslated] != len(d.Segments) {
							b.Errorf("%s: %v %v", d.Name, err, res.Counts())
						}
					}()
				}
				wg.Wait()
				wall += time.Since(start)
			}
			calls := float64(srv.Calls()-calls0) / float64(b.N)
			ideal := calls * float64(latency) / concurrency
			perRun := float64(wall) / float64(b.N)
			b.ReportMetric(calls, "calls/run")
			b.ReportMetric(perRun/1e6, "wall-ms/run")
			b.ReportMetric(ideal/1e6, "ideal-ms/run")
			b.ReportMetric(perRun/ideal, "wall/ideal")
		})
	}
}

// BenchmarkPromptOverhead reports the prompt tokens sent per source token
// (o200k vocabulary), over the WMT21 documents and the Russian seed
// release, with and without a glossary hit in every batch.
func BenchmarkPromptOverhead(b *testing.B) {
	docs := loadWMT21(b)
	if data, err := os.ReadFile("../../../shared/seeds/004_8209e3a29d577eb9.txt"); err == nil {
		doc := Document{Name: "seed-004", Context: "Press release of the Russian Foreign Ministry"}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				doc.Segments = append(doc.Segments, Segment{ID: "x", Text: line})
			}
		}
		docs = append(docs, doc)
	}
	tok := endpoint.NewTokens("gpt-4o-mini")
	for _, withTerms := range []bool{false, true} {
		name := "no-glossary"
		var terms Terms
		if withTerms {
			name = "glossary"
			terms = mapTerms{entries: []TermHit{
				{Term: "россия", Target: "Russia", Forbidden: []string{"Rossiya"}},
				{Term: "безопасност", Target: "security"},
				{Term: "президент", Target: "President"},
			}}
		}
		b.Run(name, func(b *testing.B) {
			var prompt, source, completion int
			for range b.N {
				srv := fake.New(fake.Options{})
				cfg := endpoint.Default()
				cfg.BaseURL, cfg.Model = srv.BaseURL(), "fake-model"
				client, _ := endpoint.New(cfg)
				tr := New(client, Options{Terms: terms, CountTokens: tok.Count})
				prompt, source, completion = 0, 0, 0
				for _, d := range docs {
					if _, err := tr.Translate(context.Background(), d); err != nil {
						b.Fatal(err)
					}
					for _, s := range d.Segments {
						source += tok.Count(s.Text)
					}
				}
				for _, r := range srv.Received() {
					prompt += tok.Count(r.System) + tok.Count(r.User) + 8 // 4 per message of chat framing
				}
				completion = int(client.Usage().CompletionTokens)
				srv.Close()
			}
			b.ReportMetric(float64(prompt)/float64(source), "prompt-tok/src-tok")
			b.ReportMetric(float64(prompt), "prompt-tok")
			b.ReportMetric(float64(source), "src-tok")
			_ = completion
		})
	}
}
