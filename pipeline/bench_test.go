package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/input"
	"github.com/bitext/bitext/pipeline/segment"
	"golang.org/x/text/encoding/charmap"
)

// russianCorpus builds about size bytes of Russian text from the sample
// releases, as separate paragraphs.
func russianCorpus(b *testing.B, size int) []byte {
	b.Helper()
	var parts [][]byte
	for _, name := range []string{"mfa-consultations.ru.txt", "sco-statement.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "data", "samples", name))
		if err != nil {
			b.Skip(err)
		}
		parts = append(parts, data)
	}
	var buf bytes.Buffer
	for buf.Len() < size {
		for _, p := range parts {
			buf.Write(p)
			buf.WriteString("\n\n")
		}
	}
	return buf.Bytes()
}

func writeTemp(b *testing.B, name string, data []byte) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkReadSegment measures decoding + normalisation + paragraph and
// sentence segmentation of a 4 MB Russian file (no language detection), in
// UTF-8 and in windows-1251.
func BenchmarkReadSegment(b *testing.B) {
	utf := russianCorpus(b, 4<<20)
	cp, err := charmap.Windows1251.NewEncoder().Bytes(utf)
	if err != nil {
		b.Fatal(err)
	}
	seg := segment.New()
	for _, c := range []struct {
		name string
		data []byte
	}{{"utf-8", utf}, {"windows-1251", cp}} {
		b.Run(c.name, func(b *testing.B) {
			path := writeTemp(b, "ru.txt", c.data)
			r := &input.Reader{}
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				doc, err := r.ReadFile(context.Background(), path)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for _, p := range segment.Paragraphs(doc.Text) {
					n += len(seg.Split(doc.Text[p.Start:p.End], bitext.Russian))
				}
				if n == 0 {
					b.Fatal("no sentences")
				}
			}
		})
	}
}

// BenchmarkAnalyzeFile is the whole analysis of a 4 MB Russian file: read,
// detect every paragraph, segment.
func BenchmarkAnalyzeFile(b *testing.B) {
	a, err := NewAnalyzer(nil, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	data := russianCorpus(b, 4<<20)
	path := writeTemp(b, "ru.txt", data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := a.ReadFile(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		if doc.Lang != bitext.Russian {
			b.Fatalf("language %s", doc.Lang)
		}
		b.ReportMetric(float64(len(doc.Paragraphs)), "paragraphs/op")
	}
}
