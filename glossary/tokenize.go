package glossary

import (
	"unicode"
	"unicode/utf8"
)

// token is one word of a text: a maximal run of letters and digits.
// Hyphens split words («ИКТ-среда» is two tokens).
type token struct {
	start, end int // byte offsets into the text
	// brk is set when punctuation that ends a phrase (.,;:!? dashes,
	// slashes…) stands between this token and the previous one, outside
	// parentheses. A term never spans a break.
	brk bool
	// paren is set when the token is inside parentheses.
	paren bool
}

// isWordRune reports whether r belongs to a word.
func isWordRune(r rune) bool {
	switch {
	case r < 0x80:
		return 'a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9'
	case 0x410 <= r && r <= 0x44F, r == 0x401, r == 0x451: // А-я, Ё, ё
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isSoftSeparator reports whether r may stand inside a term between two of
// its words without breaking it: spaces, hyphens, quotes and parentheses.
func isSoftSeparator(r rune) bool {
	if unicode.IsSpace(r) {
		return true
	}
	switch r {
	case '-', '\u2010', '\u2011', '«', '»', '"', '\'', '„', '“', '”', '‘', '’', '(', ')', '[', ']', '\u00ad', '*', '_':
		return true
	}
	return false
}

// tokenize splits text into word tokens, appending them to dst.
func tokenize(dst []token, text string) []token {
	depth := 0
	brk := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			switch {
			case r == '(' || r == '[':
				depth++
			case r == ')' || r == ']':
				if depth > 0 {
					depth--
				}
			case !isSoftSeparator(r) && depth == 0:
				brk = true
			}
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			i += size
		}
		dst = append(dst, token{start: start, end: i, brk: brk, paren: depth > 0})
		brk = false
	}
	return dst
}

// foldLower writes the lower-case form of s with ё folded to е into buf and
// returns it together with the number of runes.
func foldLower(buf []byte, s string) ([]byte, int) {
	buf = buf[:0]
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			i++
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
		switch {
		case r >= 'А' && r <= 'Я':
			r += 'а' - 'А'
		case r == 'ё' || r == 'Ё':
			r = 'е'
		case r >= 'а' && r <= 'я':
		default:
			r = unicode.ToLower(r)
		}
		buf = utf8.AppendRune(buf, r)
	}
	return buf, n
}

// fold returns the lower-case, ё-folded form of s.
func fold(s string) string {
	b, _ := foldLower(nil, s)
	return string(b)
}

// abbrevShape reports whether a word looks like an abbreviation: at least
// two letters, all upper case (digits allowed), e.g. «ООН», «ИКТ», «G20».
func abbrevShape(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			letters++
		case unicode.IsDigit(r):
		default:
			return false
		}
	}
	return letters >= 2
}

// gapShape reports whether a word may be skipped inside a term: an
// abbreviation («Рабочая группа ООН открытого состава»), possibly with a
// short inflectional ending («МИДа»).
func gapShape(w string) bool {
	if r, _ := utf8.DecodeRuneInString(w); r >= 'а' && r <= 'я' || r >= 'a' && r <= 'z' {
		return false // fast path: a lower-case word
	}
	if abbrevShape(w) {
		return utf8.RuneCountInString(w) <= 8
	}
	// upper-case stem of ≥2 letters followed by ≤2 lower-case letters
	upper, lower := 0, 0
	for _, r := range w {
		switch {
		case unicode.IsUpper(r) && lower == 0:
			upper++
		case unicode.IsLower(r):
			lower++
		default:
			return false
		}
	}
	return upper >= 2 && lower <= 2
}

// firstUpper reports whether the first letter of w is upper case.
func firstUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}
