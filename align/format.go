package align

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bitext/bitext"
)

// FormatBead renders a bead in the standard alignment format, "[i, j]:[k]"
// with 0-based ids, "[5]:[]" and "[]:[7]" for null beads.
func FormatBead(b Bead) string { return bitext.FormatBead(b.Src, b.Tgt) }

// WriteBeads writes one bead per line; with scores, the cost (the negated
// score) follows as a third field, as Vecalign prints it.
func WriteBeads(w io.Writer, beads []Bead, scores bool) error {
	bw := bufio.NewWriter(w)
	for _, b := range beads {
		bw.WriteString(FormatBead(b))
		if scores {
			fmt.Fprintf(bw, ":%.5f", -b.Score)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ParseBead reads one bead in the standard format. Anything after a third
// colon (a cost) is ignored.
func ParseBead(line string) (src, tgt []int, err error) {
	line = strings.TrimSpace(line)
	rest, ok := strings.CutPrefix(line, "[")
	if !ok {
		return nil, nil, fmt.Errorf("bead %q: want '[' at the start", line)
	}
	srcText, rest, ok := strings.Cut(rest, "]")
	if !ok {
		return nil, nil, fmt.Errorf("bead %q: unclosed source list", line)
	}
	rest = strings.TrimSpace(rest)
	rest, ok = strings.CutPrefix(rest, ":")
	if !ok {
		return nil, nil, fmt.Errorf("bead %q: want ':' between the lists", line)
	}
	rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "[")
	if !ok {
		return nil, nil, fmt.Errorf("bead %q: want '[' before the target list", line)
	}
	tgtText, rest, ok := strings.Cut(rest, "]")
	if !ok {
		return nil, nil, fmt.Errorf("bead %q: unclosed target list", line)
	}
	if rest = strings.TrimSpace(rest); rest != "" && rest[0] != ':' {
		return nil, nil, fmt.Errorf("bead %q: unexpected %q after the target list", line, rest)
	}
	if src, err = parseIDs(srcText); err != nil {
		return nil, nil, fmt.Errorf("bead %q: source: %w", line, err)
	}
	if tgt, err = parseIDs(tgtText); err != nil {
		return nil, nil, fmt.Errorf("bead %q: target: %w", line, err)
	}
	return src, tgt, nil
}

func parseIDs(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return []int{}, nil
	}
	parts := strings.Split(s, ",")
	ids := make([]int, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || strings.TrimLeft(p, "0123456789") != "" {
			return nil, fmt.Errorf("bad sentence id %q", p)
		}
		id, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("bad sentence id %q: %w", p, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// ReadBeads reads an alignment file: one bead per line, blank lines and
// lines starting with '#' ignored, a UTF-8 byte-order mark allowed.
func ReadBeads(r io.Reader) ([]Bead, error) {
	beads, _, err := readBeads(r)
	return beads, err
}

// readBeads is ReadBeads that also returns the line of each bead.
func readBeads(r io.Reader) ([]Bead, []int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var out []Bead
	var lines []int
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		src, tgt, err := ParseBead(line)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, Bead{Src: src, Tgt: tgt})
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read beads: %w", err)
	}
	return out, lines, nil
}
