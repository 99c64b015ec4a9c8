package segment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext"
)

// benchText builds at least size bytes of text by repeating the inputs of
// a corpus file (and the Russian seed document, when it is there),
// separated by blank lines, so that it has paragraphs, titles and lists.
func benchText(b *testing.B, file string, seeds []string, size int) string {
	b.Helper()
	cases, _ := loadCorpus(b, file)
	var unit strings.Builder
	for _, c := range cases {
		unit.WriteString(c.text)
		unit.WriteString("\n\n")
	}
	for _, name := range seeds {
		matches, _ := filepath.Glob(filepath.Join(seedDir, name))
		for _, m := range matches {
			if data, err := os.ReadFile(m); err == nil {
				unit.Write(data)
				unit.WriteString("\n\n")
			}
		}
	}
	u := unit.String()
	return strings.Repeat(u, size/len(u)+1)
}

const benchSize = 4 << 20 // 4 MiB

// BenchmarkSplit splits about 4 MiB of Russian text in one call and
// reports MB/s.
func BenchmarkSplit(b *testing.B) {
	text := benchText(b, "ru.cases", []string{"004_*.txt"}, benchSize)
	s := New()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n = len(s.Split(text, bitext.Russian))
	}
	b.ReportMetric(float64(n), "sentences")
}

// BenchmarkSplitParagraphs does what the pipeline does: Paragraphs, then
// Split on each paragraph, over the same Russian text.
func BenchmarkSplitParagraphs(b *testing.B) {
	text := benchText(b, "ru.cases", []string{"004_*.txt"}, benchSize)
	s := New()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		for _, p := range Paragraphs(text) {
			s.Split(text[p.Start:p.End], bitext.Russian)
		}
	}
}

// BenchmarkSplitEnglish splits about 4 MiB of English text.
func BenchmarkSplitEnglish(b *testing.B) {
	text := benchText(b, "en.cases", []string{"000_*.txt", "001_*.txt", "002_*.txt", "003_*.txt"}, benchSize)
	s := New()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		s.Split(text, bitext.English)
	}
}

// BenchmarkNew measures building the tables.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		New()
	}
}
