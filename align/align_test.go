package align

import (
	"bufio"
	"context"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// pairDoc is a document pair with its gold alignment, read from a TSV file
// of testdata (bead, source sentences, target sentences; " | " separates
// sentences of one bead).
type pairDoc struct {
	src, tgt []string
	gold     []Bead
}

func readPairDoc(t *testing.T, path string) pairDoc {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var d pairDoc
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("%s: want 3 columns: %q", path, line)
		}
		src, tgt, err := ParseBead(cols[0])
		if err != nil {
			t.Fatal(err)
		}
		split := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, " | ")
		}
		ss, ts := split(cols[1]), split(cols[2])
		if len(ss) != len(src) || len(ts) != len(tgt) {
			t.Fatalf("%s: bead %s does not match its sentences", path, cols[0])
		}
		for k, id := range src {
			if id != len(d.src)+0 && k == 0 {
				t.Fatalf("%s: source ids must be consecutive: %s", path, cols[0])
			}
			d.src = append(d.src, ss[k])
		}
		d.tgt = append(d.tgt, ts...)
		d.gold = append(d.gold, Bead{Src: src, Tgt: tgt})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return d
}

func beadStrings(beads []Bead) []string {
	out := make([]string, len(beads))
	for k, b := range beads {
		out[k] = FormatBead(b)
	}
	return out
}

// checkCover fails unless every sentence of both sides is in exactly one
// bead, in order.
func checkCover(t *testing.T, beads []Bead, n, m int) {
	t.Helper()
	i, j := 0, 0
	for _, b := range beads {
		if len(b.Src) == 0 && len(b.Tgt) == 0 {
			t.Fatalf("empty bead in %v", beadStrings(beads))
		}
		for _, s := range b.Src {
			if s != i {
				t.Fatalf("source sentence %d out of order in %v", s, beadStrings(beads))
			}
			i++
		}
		for _, s := range b.Tgt {
			if s != j {
				t.Fatalf("target sentence %d out of order in %v", s, beadStrings(beads))
			}
			j++
		}
		if b.Confidence < 0 || b.Confidence > 1 {
			t.Errorf("bead %s confidence %v outside [0, 1]", FormatBead(b), b.Confidence)
		}
	}
	if i != n || j != m {
		t.Fatalf("beads cover %d/%d sentences, want %d/%d", i, j, n, m)
	}
}

func TestRussianEnglishPair(t *testing.T) {
	d := readPairDoc(t, "testdata/ruen-statement.tsv")
	beads, err := Align(context.Background(), Input{Src: d.src, Tgt: d.tgt}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkCover(t, beads, len(d.src), len(d.tgt))
	c := Count(d.gold, beads)
	s := c.Scores()
	// Without MT only lengths, numbers and transliterated names link the
	// sides; most beads, the 1-1 ones at least, must be right.
	if s.Strict.F1 < 0.6 || s.Lax.F1 < 0.9 {
		t.Errorf("strict F1 %.3f lax %.3f, want ≥ 0.6 / 0.9\ngot  %v\ngold %v", s.Strict.F1, s.Lax.F1, beadStrings(beads), beadStrings(d.gold))
	}
	// With a translation of the source (here the reference itself, split as
	// the source is), every bead is found.
	mt := make([]string, len(d.src))
	for _, b := range d.gold {
		for k, id := range b.Src {
			if k == 0 {
				mt[id] = join(d.tgt, b.Tgt)
			} else {
				mt[id] = ""
			}
		}
	}
	beads, err = Align(context.Background(), Input{Src: d.src, Tgt: d.tgt, MT: mt}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := Count(d.gold, beads).Scores(); s.Strict.F1 < 0.75 {
		t.Errorf("with MT: strict F1 %.3f, want ≥ 0.75\ngot  %v\ngold %v", s.Strict.F1, beadStrings(beads), beadStrings(d.gold))
	}
	// The translation of the target alone (the source, split as the target
	// is) guides the aligner as well as the MT of the source does.
	tgtMT := make([]string, len(d.tgt))
	for _, b := range d.gold {
		for k, id := range b.Tgt {
			if k == 0 {
				tgtMT[id] = join(d.src, b.Src)
			}
		}
	}
	for name, in := range map[string]Input{
		"target MT only": {Src: d.src, Tgt: d.tgt, TgtMT: tgtMT},
		"both":           {Src: d.src, Tgt: d.tgt, MT: mt, TgtMT: tgtMT},
	} {
		beads, err = Align(context.Background(), in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkCover(t, beads, len(d.src), len(d.tgt))
		if s := Count(d.gold, beads).Scores(); s.Strict.F1 < 0.75 {
			t.Errorf("%s: strict F1 %.3f, want ≥ 0.75\ngot  %v\ngold %v", name, s.Strict.F1, beadStrings(beads), beadStrings(d.gold))
		}
	}
}

func join(lines []string, ids []int) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, lines[id])
	}
	return strings.Join(parts, " ")
}

func TestEdgeCases(t *testing.T) {
	long := make([]string, 40)
	for k := range long {
		long[k] = strings.Repeat("Предложение номер ", 1+k%3) + string(rune('А'+k%30)) + "."
	}
	en := make([]string, 40)
	for k := range en {
		en[k] = strings.Repeat("Sentence number ", 1+k%3) + string(rune('A'+k%26)) + "."
	}
	same := []string{"Да.", "Да.", "Да.", "Да.", "Да."}
	sameEn := []string{"Yes.", "Yes.", "Yes.", "Yes.", "Yes."}
	tests := []struct {
		name     string
		in       Input
		want     []string // exact beads, when known
		wantNull int      // least number of null beads
	}{
		{name: "empty source", in: Input{Tgt: []string{"One.", "Two."}}, want: []string{"[]:[0]", "[]:[1]"}},
		{name: "empty target", in: Input{Src: []string{"Раз."}}, want: []string{"[0]:[]"}},
		{name: "both empty", in: Input{}, want: []string{}},
		{name: "one sentence each", in: Input{Src: []string{"Заседание открыто в 10:00."}, Tgt: []string{"The meeting opened at 10:00."}}, want: []string{"[0]:[0]"}},
		{name: "one sentence against three", in: Input{Src: []string{"В 2024 году Россия и Китай провели 12 встреч."},
			Tgt: []string{"In 2024 Russia and China held 12 meetings.", "Unrelated note about weather today.", "Another remark."}}},
		{name: "repeated identical sentences", in: Input{Src: same, Tgt: sameEn}, want: []string{"[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]", "[4]:[4]"}},
		{name: "one side much longer", in: Input{Src: long[:5], Tgt: en}, wantNull: 20},
		// Known weakness: with nothing but lengths to go by, surplus sentences
		// are merged into beads instead of left unpaired (merges cost
		// nothing), so only the invariants are checked here; the
		// untranslated tail with real evidence is TestUntranslatedTailStaysUnpaired.
		{name: "long untranslated tail", in: Input{Src: long, Tgt: en[:10]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			beads, err := Align(context.Background(), tt.in, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkCover(t, beads, len(tt.in.Src), len(tt.in.Tgt))
			if tt.want != nil && !reflect.DeepEqual(beadStrings(beads), tt.want) {
				t.Errorf("got %v, want %v", beadStrings(beads), tt.want)
			}
			nulls := 0
			for _, b := range beads {
				if len(b.Src) == 0 || len(b.Tgt) == 0 {
					nulls++
				}
			}
			if nulls < tt.wantNull {
				t.Errorf("%d null beads, want at least %d: %v", nulls, tt.wantNull, beadStrings(beads))
			}
		})
	}
}

func TestUntranslatedTailStaysUnpaired(t *testing.T) {
	in, _ := synthetic(300, 3)
	// The target stops after the translation of the first 200 source
	// sentences; the rest of the source has no partner.
	cut := 0
	for k := range in.Tgt {
		if strings.Contains(in.Tgt[k], in.MT[199]) {
			cut = k + 1
			break
		}
	}
	in.Tgt = in.Tgt[:cut]
	beads, err := Align(context.Background(), in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkCover(t, beads, len(in.Src), len(in.Tgt))
	for _, b := range beads {
		if len(b.Src) > 0 && b.Src[0] >= 210 && len(b.Tgt) > 0 {
			t.Fatalf("tail sentence paired: %s", FormatBead(b))
		}
	}
}

func TestMTLengthMismatch(t *testing.T) {
	_, err := Align(context.Background(), Input{Src: []string{"a"}, Tgt: []string{"b"}, MT: []string{}}, Options{})
	if err == nil {
		t.Fatal("accepted an MT with the wrong number of lines")
	}
	_, err = Align(context.Background(), Input{Src: []string{"a"}, Tgt: []string{"b"}, TgtMT: []string{"x", "y"}}, Options{})
	if !errors.Is(err, ErrTgtMTLength) {
		t.Fatalf("target MT with the wrong number of lines: err %v, want ErrTgtMTLength", err)
	}
}

// TestSyntheticLarge runs the coarse-to-fine path (the table is too large
// to search in full) and checks it finds the known alignment.
func TestSyntheticLarge(t *testing.T) {
	in, _ := synthetic(3000, 11)
	gold := syntheticGold(3000)
	for _, withMT := range []bool{true, false} {
		x := in
		if !withMT {
			x.MT = nil
		}
		beads, err := Align(context.Background(), x, Options{FullCells: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		checkCover(t, beads, len(in.Src), len(in.Tgt))
		// Without MT the synthetic sides share only numbers and lengths.
		want := 0.9
		if !withMT {
			want = 0.85
		}
		if s := Count(gold, beads).Scores(); s.Strict.F1 < want || s.Lax.F1 < 0.9 {
			t.Errorf("mt=%v: strict F1 %.3f lax %.3f on synthetic text, want ≥ %.1f / 0.9", withMT, s.Strict.F1, s.Lax.F1, want)
		}
	}
}

// TestDiagonal: a band laid around the diagonal instead of a coarse path
// finds the same alignment when the target follows the source closely, and
// still shows a merge and a dropped sentence.
func TestDiagonal(t *testing.T) {
	in, _ := synthetic(2000, 3)
	gold := syntheticGold(2000)
	coarse, err := Align(context.Background(), in, Options{FullCells: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	diag, err := Align(context.Background(), in, Options{FullCells: 10_000, Diagonal: true})
	if err != nil {
		t.Fatal(err)
	}
	checkCover(t, diag, len(in.Src), len(in.Tgt))
	cs, ds := Count(gold, coarse).Scores(), Count(gold, diag).Scores()
	if ds.Strict.F1 < cs.Strict.F1-0.01 {
		t.Errorf("diagonal band: strict F1 %.3f, coarse path %.3f", ds.Strict.F1, cs.Strict.F1)
	}
	// The pipeline's check: one translation per sentence, one of them
	// holding two sentences' text and the next one empty of meaning.
	src := in.Src[:300]
	tgt := append([]string(nil), in.MT[:300]...)
	tgt[120], tgt[121] = tgt[120]+" "+tgt[121], "ok ."
	beads, err := Align(context.Background(), Input{Src: src, Tgt: tgt},
		Options{MaxSrc: 2, MaxTgt: 2, MaxTotal: 3, FullCells: 1000, Band: 4, Diagonal: true})
	if err != nil {
		t.Fatal(err)
	}
	checkCover(t, beads, len(src), len(tgt))
	for _, b := range beads {
		if slices.Contains(b.Src, 120) && !(len(b.Src) == 2 && b.Src[1] == 121 && len(b.Tgt) == 1 && b.Tgt[0] == 120) &&
			!(len(b.Src) == 2 && b.Src[1] == 121 && len(b.Tgt) == 2) {
			t.Errorf("sentence 120 (merged with 121 in the target) is in bead %v:%v", b.Src, b.Tgt)
		}
	}
}

func TestCancel(t *testing.T) {
	in, _ := synthetic(3000, 5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Align(ctx, in, Options{}); err == nil {
		t.Fatal("Align ignored a cancelled context")
	}
}

type wordDict map[string]string

func (d wordDict) Concepts(text string, source bool) []string {
	var out []string
	for ru, en := range d {
		w := en
		if source {
			w = ru
		}
		if strings.Contains(strings.ToLower(text), w) {
			out = append(out, ru)
		}
	}
	return out
}

func TestDictionaryAnchors(t *testing.T) {
	src := []string{"Кошка спит на диване весь день.", "Собака гуляет во дворе."}
	tgt := []string{"The dog walks in the yard and barks at the cat sleeping on the sofa all day long.", "-"}
	dict := wordDict{"собака": "dog", "дворе": "yard"}
	beads, err := Align(context.Background(), Input{Src: src, Tgt: tgt}, Options{Dictionary: dict})
	if err != nil {
		t.Fatal(err)
	}
	checkCover(t, beads, 2, 2)
	found := false
	for _, b := range beads {
		if reflect.DeepEqual(b.Src, []int{1}) && reflect.DeepEqual(b.Tgt, []int{0}) || reflect.DeepEqual(b.Src, []int{0, 1}) {
			found = true
		}
	}
	if !found {
		t.Errorf("dictionary anchors did not pair «Собака гуляет» with the dog sentence: %v", beadStrings(beads))
	}
}

func TestTransliteration(t *testing.T) {
	if got := foldText("А.В.Крутских, Щёлково-2024", true); got != " a v krutskikh shchelkovo 2024 " {
		t.Errorf("foldText = %q", got)
	}
}

// TestConfidenceOnSynthetic runs whether or not the benchmark data is
// present (TestConfidenceMeansCorrectness needs it): on a synthetic
// document with merges and drops, every confidence is a probability,
// right beads are confident, and without MT, where the aligner makes
// mistakes here, the wrong beads are clearly less so.
func TestConfidenceOnSynthetic(t *testing.T) {
	in, _ := synthetic(400, 3)
	gold := map[string]bool{}
	for _, b := range syntheticGold(400) {
		gold[beadKey(b)] = true
	}
	for _, withMT := range []bool{true, false} {
		x := in
		if !withMT {
			x.MT = nil
		}
		beads, err := Align(context.Background(), x, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var right, wrong []float64
		for _, b := range beads {
			if !(b.Confidence >= 0 && b.Confidence <= 1) {
				t.Fatalf("confidence %v outside [0, 1]", b.Confidence)
			}
			if gold[beadKey(b)] {
				right = append(right, b.Confidence)
			} else {
				wrong = append(wrong, b.Confidence)
			}
		}
		mean := func(v []float64) float64 {
			s := 0.0
			for _, x := range v {
				s += x
			}
			return s / float64(max(len(v), 1))
		}
		t.Logf("MT %v: %d right (mean %.2f), %d wrong (mean %.2f)", withMT, len(right), mean(right), len(wrong), mean(wrong))
		if mean(right) < 0.6 {
			t.Errorf("MT %v: right beads have mean confidence %.2f, want ≥ 0.6", withMT, mean(right))
		}
		if !withMT && (len(wrong) < 5 || mean(wrong) > mean(right)-0.2) {
			t.Errorf("no MT: %d wrong beads with mean confidence %.2f, right ones %.2f: want at least 5, clearly less confident", len(wrong), mean(wrong), mean(right))
		}
	}
}

func TestLongestAscending(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want int // length of the result
	}{
		{nil, 0},
		{[]int{5}, 1},
		{[]int{1, 2, 3}, 3},
		{[]int{3, 2, 1}, 1},
		{[]int{1, 9, 2, 8, 3, 4}, 4},
		{[]int{2, 2, 2}, 1},
	} {
		got := longestAscending(tc.in)
		if len(got) != tc.want {
			t.Errorf("longestAscending(%v) = %v, want length %d", tc.in, got, tc.want)
		}
		for k := 1; k < len(got); k++ {
			if got[k] <= got[k-1] || tc.in[got[k]] <= tc.in[got[k-1]] {
				t.Errorf("longestAscending(%v) = %v: not an ascending subsequence", tc.in, got)
			}
		}
	}
}

// TestPins: with MT, sentences that are each other's clear best match are
// anchored; caption lines with no translation are not.
func TestPins(t *testing.T) {
	src := []string{
		"Die Expedition erreichte am 9. Mai den Gipfel des Berges.",
		"Der Abstieg dauerte zwei lange Tage im Sturm.",
		"Im Basislager wartete der Arzt auf die Bergsteiger.",
	}
	mt := []string{
		"L'expédition atteignit le sommet de la montagne le 9 mai.",
		"La descente dura deux longues journées dans la tempête.",
		"Au camp de base, le médecin attendait les alpinistes.",
	}
	tgt := []string{
		"L'expédition atteignit le sommet de la montagne le 9 mai.",
		"La descente dura deux longues journées dans la tempête.",
		"Photo Schweiz.",
		"Stiftung für alpine Forschungen, Zürich",
		"Le col Sud, vu du nord",
		"Au camp de base, le médecin attendait les alpinistes.",
	}
	opts := Options{}.withDefaults()
	f := newFine(Input{Src: src, Tgt: tgt, MT: mt}, opts)
	f.pairs(fullBand(len(src), len(tgt)), opts)
	if want := []int{0, 1, 5}; !slices.Equal(f.pin, want) {
		t.Errorf("pins %v, want %v", f.pin, want)
	}
	w := DefaultWeights
	w.Pin = 0
	opts.Weights = &w
	f = newFine(Input{Src: src, Tgt: tgt, MT: mt}, opts)
	f.pairs(fullBand(len(src), len(tgt)), opts)
	if f.pin != nil {
		t.Errorf("Pin 0: pins %v, want none", f.pin)
	}
}
