package pipeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/bitext/bitext"
)

// TestWritePairsToMatchesMarshalIndent checks that the pairs file written
// pair by pair is byte for byte what marshalling the whole file gives, with
// and without pairs, with characters JSON escapes, and with the optional
// fields set and unset.
func TestWritePairsToMatchesMarshalIndent(t *testing.T) {
	pairs := []bitext.Pair{
		{ID: 1, Status: "draft", Version: 1, Src: []int{0}, Tgt: []int{0}, Confidence: 0.912, State: "verified", Origin: "model",
			RU: "Стороны обсудили «МИБ» & <ИКТ>.", EN: "The parties discussed \"IIS\" & <ICT>.\tTab"},
		{ID: 2, Status: "approved", Version: 3, Edited: true, ReviewedBy: "alice", Src: []int{1, 2}, Tgt: []int{1}, Confidence: 0.25, State: "needs-review", Origin: "memory",
			RU: "Вторая\nстрока", EN: "Second line", MT: "machine", Note: "the aligner pairs this sentence differently",
			Violations: []bitext.Violation{{TermID: "mib", Kind: "missing", Expected: "international information security", Source: "МИБ"}}},
		{ID: 7, Status: "draft", Version: 1, Src: []int{3}, Tgt: []int{}, State: "failed", RU: "Третья.", Reason: "reply cut short"},
	}
	for _, tc := range []struct {
		name string
		head PairsFile
		n    int
	}{
		{"translated", PairsFile{Document: "a.txt", Source: "in/a.txt"}, 3},
		{"aligned", PairsFile{Document: "a.ru.txt", Source: "in/a.ru.txt", English: "in/a.en.txt"}, 3},
		{"one", PairsFile{Document: "b.txt", Source: "b.txt"}, 1},
		{"none", PairsFile{Document: "c.txt", Source: "c.txt"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := tc.head
			for _, p := range pairs[:tc.n] {
				whole.Pairs = append(whole.Pairs, FilePair{Bead: p.Bead(), Pair: p})
			}
			want, err := json.MarshalIndent(whole, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			var js, tsv bytes.Buffer
			jw, tw := bufio.NewWriter(&js), bufio.NewWriter(&tsv)
			if err := writePairsTo(jw, tw, tc.head, slices.Values(pairs[:tc.n])); err != nil {
				t.Fatal(err)
			}
			jw.Flush()
			tw.Flush()
			if js.String() != string(want) {
				t.Errorf("streamed JSON differs from MarshalIndent:\n got %q\nwant %q", js.String(), want)
			}
			lines := strings.Split(strings.TrimSuffix(tsv.String(), "\n"), "\n")
			if len(lines) != tc.n+1 || lines[0] != "id\tbead\tconfidence\tstate\tstatus\tru\ten\tviolations" {
				t.Fatalf("TSV has %d lines (want header and %d pairs):\n%s", len(lines), tc.n, tsv.String())
			}
			if tc.n == 3 && lines[3] != "7\t[3]:[]\t0.000\tfailed\tdraft\tТретья.\t[untranslated: reply cut short]\t" {
				t.Errorf("failed pair's TSV line %q", lines[3])
			}
		})
	}
}
