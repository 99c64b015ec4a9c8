package translate

import (
	"strings"
	"unicode/utf8"
)

// sized is what batching needs of a unit: its source tokens.
type sized interface{ tokenCount() int }

func (u *unit) tokenCount() int { return u.tokens }

// makeBatches groups consecutive units into batches of at most maxTokens
// source tokens and maxSegments units. A unit is never larger than a batch
// (cutPieces sees to that), but one is always placed even if it is.
func makeBatches[U sized](units []U, maxTokens, maxSegments int) [][]U {
	var out [][]U
	var cur []U
	tokens := 0
	for _, u := range units {
		if len(cur) > 0 && (tokens+u.tokenCount() > maxTokens || len(cur) >= maxSegments) {
			out = append(out, cur)
			cur, tokens = nil, 0
		}
		cur = append(cur, u)
		tokens += u.tokenCount()
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// balance re-cuts a document's batches so that their number is a multiple
// of the requests in flight: with 25 batches and 8 slots the last round
// would run one request while 7 slots idle; 32 smaller batches keep every
// round full. Documents with fewer batches than slots are left alone (other
// documents fill the slots, and splitting would only repeat the system
// message), and so are documents where filling the last round would add more
// than a third more requests. The new batches are contiguous and no larger
// than the old ones.
func balance[U sized](batches [][]U, slots int) [][]U {
	n := len(batches)
	if slots <= 1 || n <= slots || n%slots == 0 {
		return batches
	}
	var units []U
	total := 0
	for _, b := range batches {
		for _, u := range b {
			units = append(units, u)
			total += u.tokenCount()
		}
	}
	k := (n + slots - 1) / slots * slots
	// Every batch repeats the system message: more than a third more
	// requests costs more than the idle slots are worth.
	if k > len(units) || 3*(k-n) > n {
		return batches
	}
	out := make([][]U, 0, k)
	start, acc := 0, 0
	for i, u := range units {
		acc += u.tokenCount()
		left := k - len(out) - 1 // batches still to make after this one
		// Cut when this batch reached its share of the tokens, keeping at
		// least one unit for every batch still to come.
		share := total * (len(out) + 1) / k
		if left > 0 && (acc >= share || len(units)-(i+1) == left) {
			out = append(out, units[start:i+1])
			start = i + 1
		}
	}
	out = append(out, units[start:])
	return out
}

// piece is part of a segment; glue is what joins it to the previous piece
// ("" inside a word cut between characters, " " otherwise).
type piece struct {
	text, glue string
	tokens     int // when known (a text within the limit), else 0
}

// cutPieces cuts text into pieces of at most maxTokens tokens, at spaces.
// A word longer than the limit on its own is cut between characters. The
// pieces, joined with their glue, hold every word of text in order. Text
// within the limit comes back whole and untouched.
func cutPieces(text string, maxTokens int, count func(string) int) []piece {
	if n := count(text); n <= maxTokens {
		return []piece{{text: text, tokens: n}}
	}
	var pieces []piece
	var cur strings.Builder
	curTokens := 0
	flush := func() {
		if cur.Len() > 0 {
			pieces = append(pieces, piece{text: cur.String(), glue: " "})
			cur.Reset()
			curTokens = 0
		}
	}
	for _, w := range strings.Fields(text) {
		wt := count(w) + 1
		if wt > maxTokens {
			flush()
			for i, part := range cutWord(w, maxTokens, count) {
				glue := " "
				if i > 0 {
					glue = ""
				}
				pieces = append(pieces, piece{text: part, glue: glue})
			}
			continue
		}
		if curTokens+wt > maxTokens {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
		curTokens += wt
	}
	flush()
	if len(pieces) > 0 {
		pieces[0].glue = ""
	}
	return pieces
}

// cutWord cuts a word without spaces into runs of at most maxTokens tokens,
// on character boundaries, by halving until each part fits.
func cutWord(w string, maxTokens int, count func(string) int) []string {
	if count(w) <= maxTokens || utf8.RuneCountInString(w) < 2 {
		return []string{w}
	}
	mid := len(w) / 2
	for mid > 0 && !utf8.RuneStart(w[mid]) {
		mid--
	}
	if mid == 0 {
		return []string{w}
	}
	return append(cutWord(w[:mid], maxTokens, count), cutWord(w[mid:], maxTokens, count)...)
}
