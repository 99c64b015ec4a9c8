package align

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldReference is the definition foldText implements: fold the canonical
// decomposition of s rune by rune.
func foldReference(s string, translit bool) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if translit {
				if t, ok := cyrLatin[r]; ok {
					b.WriteString(t)
					space = false
					continue
				}
				if t, ok := latinFold[r]; ok {
					b.WriteString(t)
					space = false
					continue
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
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// foldAlphabet mixes the scripts and characters the aligner meets.
var foldAlphabet = []rune("aZ09 .,-«»()ЁёйЙщЪыЭюЯабвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯіїєґÄäÖöÜüßÉéèêçœæøÅåłıŁ́̈ǅǆﬁ½²Ωω가힣漢字١٢\u00a0\u2009\u0301")

func TestFoldTextMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []string{"", " ", "А.В.Крутских, Щёлково-2024", "Straße Äußere Müller", "Ǆemal ǅ ﬁne", "й и\u0306 Й"}
	for range 20000 {
		n := r.IntN(12)
		rs := make([]rune, n)
		for k := range rs {
			rs[k] = foldAlphabet[r.IntN(len(foldAlphabet))]
		}
		cases = append(cases, string(rs))
	}
	for _, s := range cases {
		for _, tr := range []bool{true, false} {
			if got, want := foldText(s, tr), foldReference(s, tr); got != want {
				t.Fatalf("foldText(%q, %v) = %q, want %q", s, tr, got, want)
			}
		}
	}
}

func FuzzFoldText(f *testing.F) {
	f.Add("А.В.Крутских, Щёлково-2024")
	f.Add("Straße ﬁ 가")
	f.Fuzz(func(t *testing.T, s string) {
		for _, tr := range []bool{true, false} {
			if got, want := foldText(s, tr), foldReference(s, tr); got != want {
				t.Fatalf("foldText(%q, %v) = %q, want %q", s, tr, got, want)
			}
		}
	})
}
