package segment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext"
)

// wmtDir holds the WMT21/22 Russian–English evaluation sets (outside the
// module; read here, never copied into the project).
const wmtDir = "../../../shared/bench/ruen-wmt"

// TestWMTJoins is an outside check on real news text. Each WMT document is
// a list of segments, mostly one sentence each; joined with spaces, every
// join after a segment that ends in «.», «!», «?» or «…» (possibly inside
// closing quotes) is a sentence boundary the segmenter must find. Joins
// after headlines without a stop cannot be found in running text and are
// not counted. Splits inside a segment are counted as "extra"; some are
// right (a segment can hold two sentences), so they are logged, not
// failed. Skipped when the data is not there.
func TestWMTJoins(t *testing.T) {
	sets, _ := filepath.Glob(filepath.Join(wmtDir, "wmt*"))
	if len(sets) == 0 {
		t.Skip("no WMT data in " + wmtDir)
	}
	s := New()
	for _, set := range sets {
		for _, side := range []struct {
			file string
			lang bitext.Lang
		}{{"src.txt", bitext.Russian}, {"tgt.txt", bitext.English}} {
			docs, _ := filepath.Glob(filepath.Join(set, "*", side.file))
			joins, found, extra, segs := 0, 0, 0, 0
			for _, d := range docs {
				b, err := os.ReadFile(d)
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
				var text strings.Builder
				var gold []int
				for i, l := range lines {
					if i > 0 {
						gold = append(gold, text.Len())
						text.WriteByte(' ')
					}
					text.WriteString(strings.TrimSpace(l))
				}
				segs += len(lines)
				pred := map[int]bool{}
				for _, b := range boundaries(s.Split(text.String(), side.lang)) {
					pred[b] = true
				}
				all := map[int]bool{}
				for _, b := range gold {
					all[b] = true
					if !endsWithStop(text.String()[:b]) {
						continue
					}
					joins++
					if pred[b] {
						found++
					}
				}
				for b := range pred {
					if !all[b] {
						extra++
					}
				}
			}
			recall := ratio(found, joins)
			t.Logf("%s %s: %d segments; boundaries after a stop found %d/%d = %.4f; extra splits %d (%.3f per segment)",
				filepath.Base(set), side.file, segs, found, joins, recall, extra, float64(extra)/float64(max(segs, 1)))
			if recall < 0.98 {
				t.Errorf("%s %s: recall %.4f < 0.98", filepath.Base(set), side.file, recall)
			}
		}
	}
}
