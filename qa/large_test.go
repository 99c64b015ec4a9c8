package qa

import (
	"strings"
	"testing"
	"time"
)

// TestLargeInputs: long and repetitive texts stay fast (no quadratic
// scans).
func TestLargeInputs(t *testing.T) {
	for name, s := range map[string]string{
		"dotted cyrillic": strings.Repeat("слово.", 20000),
		"numbers":         strings.Repeat("1 000 000, ", 5000),
		"dates":           strings.Repeat("23 сентября 2021 г., ", 3000),
		"latin":           strings.Repeat("OEWG.", 20000),
		"words":           strings.Repeat("двадцать пять ", 10000),
		"digits":          strings.Repeat("1", 100000),
	} {
		start := time.Now()
		Check(s, strings.ReplaceAll(s, "1", "2"))
		Doc([]Pair{{s, s + "x"}, {s, "y"}})
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %v", name, d)
		}
	}
}
