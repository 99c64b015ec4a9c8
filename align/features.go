package align

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// feature is one weighted entry of a sparse bag: a hashed character n-gram
// or anchor token and its weight (count × inverse document frequency).
type feature struct {
	key uint32
	w   float32
}

// bag is a sparse feature vector sorted by key.
type bag []feature

// mass returns the total weight of the bag.
func (b bag) mass() float64 {
	s := 0.0
	for _, f := range b {
		s += float64(f.w)
	}
	return s
}

// overlap returns Σ min(wa, wb) over the keys both bags share.
func overlap(a, b bag) float64 {
	s := 0.0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].key < b[j].key:
			i++
		case a[i].key > b[j].key:
			j++
		default:
			s += float64(min(a[i].w, b[j].w))
			i++
			j++
		}
	}
	return s
}

// hashString is FNV-1a over s with a channel seed, so that n-grams and
// anchor tokens never collide by construction of the seed.
func hashString(seed uint32, s string) uint32 {
	h := uint32(2166136261) ^ seed
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// foldText lowercases s, removes diacritics, transliterates Cyrillic into
// Latin letters and turns everything that is not a letter or digit into a
// single space. The result is padded with one space on each side. It
// gives what folding the canonical decomposition (NFD) of s would give,
// but decomposes only the characters that have a decomposition: ASCII and
// most Cyrillic letters go straight through.
func foldText(s string, translit bool) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	var emit func(r rune)
	emit = func(r rune) {
		switch {
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			case 'A' <= r && r <= 'Z':
				r += 'a' - 'A'
			default:
				if !space {
					b.WriteByte(' ')
					space = true
				}
				return
			}
			b.WriteByte(byte(r))
			space = false
			return
		case plainCyrillic(r): // a letter, and its lower case is +0x20
			if r < 0x430 {
				r += 0x20
			}
			if translit {
				b.WriteString(cyrBasic[r-0x430])
			} else {
				b.WriteRune(r)
			}
			space = false
			return
		case 0xAC00 <= r && r <= 0xD7A3: // Hangul syllables decompose by rule
			for _, x := range norm.NFD.String(string(r)) {
				emit(x)
			}
			return
		default:
			var buf [utf8.UTFMax]byte
			n := utf8.EncodeRune(buf[:], r)
			if d := norm.NFD.Properties(buf[:n]).Decomposition(); d != nil {
				for _, x := range string(d) {
					emit(x)
				}
				return
			}
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			return
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if translit {
				if 0x430 <= r && r < 0x450 {
					b.WriteString(cyrBasic[r-0x430])
					space = false
					return
				}
				if t, ok := cyrLatin[r]; ok {
					b.WriteString(t)
					space = false
					return
				}
				if t, ok := latinFold[r]; ok {
					b.WriteString(t)
					space = false
					return
				}
			}
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	for _, r := range s {
		emit(r)
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// plainCyrillic reports whether r is a basic Russian letter without a
// canonical decomposition (all of А–я except Й and й).
func plainCyrillic(r rune) bool {
	return 0x410 <= r && r < 0x450 && r != 'Й' && r != 'й'
}

// cyrBasic is cyrLatin for а–я, indexed by r − 'а'.
var cyrBasic = func() [32]string {
	var t [32]string
	for r := rune(0x430); r < 0x450; r++ {
		t[r-0x430] = cyrLatin[r]
	}
	return t
}()

// cyrLatin transliterates Russian letters the way English-language media
// spell Russian names (BGN/PCGN-like): «Крутских» → "krutskikh".
var cyrLatin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g",
}

// latinFold spells out Latin letters that have no decomposition.
var latinFold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ð': "d", 'þ': "th", 'ł': "l", 'ı': "i",
}

// ngramCounts adds the character n-grams of the folded text t to counts.
func ngramCounts(t string, n int, seed uint32, counts map[uint32]float32) {
	// Work on runes so that n-grams never cut a UTF-8 sequence.
	var starts []int
	for i := range t {
		starts = append(starts, i)
	}
	starts = append(starts, len(t))
	for k := 0; k+n < len(starts); k++ {
		counts[hashString(seed, t[starts[k]:starts[k+n]])]++
	}
}

// anchorCounts adds the anchor tokens of the folded, transliterated text t:
// digit runs (numbers, years, dates) and the first five letters of every
// word of four letters or more (names, Latin tokens, cognates).
func anchorCounts(t string, counts map[uint32]float32) {
	for _, w := range strings.Fields(t) {
		if isDigits(w) {
			counts[hashString(seedNumber, w)]++
			continue
		}
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		var k int
		n := 0
		for k = range w {
			if n == 5 {
				break
			}
			n++
		}
		if n < 5 {
			k = len(w)
		}
		counts[hashString(seedWord, w[:k])]++
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Hash seeds, one per kind of feature.
const (
	seedGram   uint32 = 0x9e3779b9
	seedNumber uint32 = 0x85ebca6b
	seedWord   uint32 = 0xc2b2ae35
	seedDict   uint32 = 0x27d4eb2f
)

// bagger turns raw per-sentence counts into weighted bags with weights
// count × idf, where the document frequency is taken over all sentences of
// the channel (both sides), so that n-grams present everywhere weigh little.
type bagger struct {
	counts []map[uint32]float32
}

func (g *bagger) add(c map[uint32]float32) { g.counts = append(g.counts, c) }

func (g *bagger) bags() []bag {
	df := make(map[uint32]int)
	for _, c := range g.counts {
		for k := range c {
			df[k]++
		}
	}
	n := float64(len(g.counts))
	out := make([]bag, len(g.counts))
	for i, c := range g.counts {
		b := make(bag, 0, len(c))
		for k, v := range c {
			idf := math.Log(1 + n/float64(df[k]))
			b = append(b, feature{key: k, w: v * float32(idf)})
		}
		slices.SortFunc(b, func(x, y feature) int {
			switch {
			case x.key < y.key:
				return -1
			case x.key > y.key:
				return 1
			}
			return 0
		})
		out[i] = b
	}
	return out
}

// runeLen is the length of a sentence used by the length model: letters and
// digits only, so tokenisation spaces and punctuation do not count.
func runeLen(s string) float64 {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return float64(n)
}
