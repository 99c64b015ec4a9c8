package qa

import (
	"strings"
	"testing"
)

// largeInputs are long and repetitive texts: the checks must finish on
// them without a panic (BenchmarkLargeInputs times them: no quadratic
// scans).
var largeInputs = map[string]string{
	"dotted cyrillic": strings.Repeat("слово.", 20000),
	"numbers":         strings.Repeat("1 000 000, ", 5000),
	"dates":           strings.Repeat("23 сентября 2021 г., ", 3000),
	"latin":           strings.Repeat("OEWG.", 20000),
	"words":           strings.Repeat("двадцать пять ", 10000),
	"digits":          strings.Repeat("1", 100000),
}

// TestLargeInputs: every number of a long text changed is found.
func TestLargeInputs(t *testing.T) {
	for name, s := range largeInputs {
		fs := Check(s, strings.ReplaceAll(s, "1", "2"))
		if strings.Contains(s, "1") && len(fs) == 0 {
			t.Errorf("%s: no finding for changed numbers", name)
		}
		Doc([]Pair{{s, s + "x"}, {s, "y"}})
	}
}

// BenchmarkLargeInputs times the checks on long, repetitive texts
// (go test -tags sqlite_fts5 -run '^$' -bench LargeInputs ./qa/).
func BenchmarkLargeInputs(b *testing.B) {
	for name, s := range largeInputs {
		b.Run(strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(2 * len(s)))
			for range b.N {
				Check(s, strings.ReplaceAll(s, "1", "2"))
			}
		})
	}
}
