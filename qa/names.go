package qa

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

type tokKind int

const (
	tokWord tokKind = iota
	tokURL
	tokEmail
	tokHandle // @name, #tag
)

type latinTok struct {
	span bitext.Span
	text string
	kind tokKind
}

func asciiAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func asciiLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// joiners may continue a Latin token when an ASCII letter or digit
// follows them.
func tokJoiner(c byte) bool {
	switch c {
	case '.', '_', '-', '@', '/', ':', '%', '?', '=', '&', '#', '+', '~':
		return true
	}
	return false
}

// latinTokens finds runs of Latin letters and digits (with the joiners of
// URLs, e-mail addresses and handles inside) that hold a Latin letter and
// are not glued to a Cyrillic letter.
func latinTokens(s string) []latinTok {
	var out []latinTok
	i := 0
	for i < len(s) {
		c := s[i]
		start := i
		if !asciiAlnum(c) && !((c == '@' || c == '#') && i+1 < len(s) && asciiAlnum(s[i+1])) {
			i++
			continue
		}
		if i > 0 && (asciiAlnum(s[i-1]) || s[i-1] == '_') {
			i++
			continue
		}
		j := i + 1
		for j < len(s) {
			if asciiAlnum(s[j]) || s[j] == '_' {
				j++
				continue
			}
			if tokJoiner(s[j]) && j+1 < len(s) && (asciiAlnum(s[j+1]) || (s[j] == ':' && s[j+1] == '/') || (s[j] == '/' && (s[j+1] == '/' || s[j+1] == '#'))) {
				j++
				continue
			}
			break
		}
		i = j
		t := s[start:j]
		hasLetter := false
		for k := 0; k < len(t); k++ {
			if asciiLetter(t[k]) {
				hasLetter = true
				break
			}
		}
		if !hasLetter {
			continue
		}
		// glued to Cyrillic: a homoglyph typo, not a Latin token
		if start > 0 {
			r, _ := utf8.DecodeLastRuneInString(s[:start])
			if isCyrillic(r) {
				continue
			}
		}
		if j < len(s) {
			r, _ := utf8.DecodeRuneInString(s[j:])
			if isCyrillic(r) {
				continue
			}
		}
		out = append(out, latinTok{span: bitext.Span{Start: start, End: j}, text: t, kind: classify(t)})
	}
	return out
}

var tlds = map[string]bool{"ru": true, "com": true, "org": true, "net": true, "int": true, "gov": true, "edu": true, "info": true,
	"io": true, "uk": true, "de": true, "fr": true, "su": true, "by": true, "kz": true, "ua": true, "cn": true, "eu": true, "us": true, "me": true, "tv": true,
	"ee": true, "lv": true, "lt": true, "kg": true, "uz": true, "tj": true, "am": true, "az": true, "ge": true, "md": true, "it": true, "es": true,
	"pl": true, "cz": true, "jp": true, "in": true, "br": true, "ca": true, "au": true, "ch": true, "nl": true, "be": true, "at": true, "se": true,
	"no": true, "fi": true, "dk": true, "tr": true, "il": true, "ir": true, "eg": true, "rs": true, "bg": true, "ro": true, "hu": true, "gr": true,
	"vn": true, "kr": true, "sg": true, "za": true, "mil": true, "biz": true, "online": true, "site": true, "news": true, "co": true}

func classify(t string) tokKind {
	switch {
	case t[0] == '@' || t[0] == '#':
		return tokHandle
	case strings.Contains(t, "://") || strings.HasPrefix(strings.ToLower(t), "www."):
		return tokURL
	case strings.Contains(t, "@"):
		return tokEmail
	}
	if dot := strings.LastIndexByte(t, '.'); dot > 0 {
		host := t
		if sl := strings.IndexByte(t, '/'); sl > 0 {
			host = t[:sl]
		}
		if d := strings.LastIndexByte(host, '.'); d > 0 && tlds[strings.ToLower(host[d+1:])] {
			return tokURL
		}
	}
	return tokWord
}

// checkLatin reports Latin tokens of the Russian the English lacks.
func checkLatin(ru, en string, out []bitext.Finding) []bitext.Finding {
	if !hasASCIILetter(ru) {
		return out
	}
	toks := latinTokens(ru)
	if len(toks) == 0 {
		return out
	}
	enLower := strings.ToLower(en)
	seen := map[string]bool{}
	for _, t := range toks {
		if t.kind == tokWord {
			if _, ok := romanValue(t.text); ok {
				continue // the number check compares Roman numerals
			}
			if len(t.text) < 2 {
				continue
			}
		}
		text := t.text
		if seen[strings.ToLower(text)] {
			continue
		}
		seen[strings.ToLower(text)] = true
		var found bool
		switch t.kind {
		case tokURL, tokEmail:
			found = strings.Contains(en, text) || sameAddress(en, text)
		default:
			found = containsWord(enLower, strings.ToLower(text))
		}
		if found {
			continue
		}
		what := "the Latin-script name"
		switch t.kind {
		case tokURL:
			what = "the URL"
		case tokEmail:
			what = "the e-mail address"
		case tokHandle:
			what = "the handle"
		}
		msg := "the Russian has " + what + " " + text + "; the English lacks it"
		if t.kind == tokURL || t.kind == tokEmail {
			if strings.Contains(enLower, strings.ToLower(text)) {
				msg = "the Russian has " + what + " " + text + "; the English changes its letter case"
			} else {
				msg += " (it must be copied exactly)"
			}
		}
		sev := bitext.SeverityError
		if t.kind == tokWord && !acronym(text) {
			// a foreign word or name: the English may spell it its own way
			// (Brasil → Brazil) or name it differently
			sev = bitext.SeverityWarning
		}
		out = append(out, bitext.Finding{Kind: bitext.FindingName, Severity: sev, RU: text,
			Message: msg, Key: "name:" + strings.ToLower(text)})
	}
	return out
}

func hasASCIILetter(s string) bool {
	for k := 0; k < len(s); k++ {
		if asciiLetter(s[k]) {
			return true
		}
	}
	return false
}

// containsWord reports whether w occurs in s starting at a word boundary.
func containsWord(s, w string) bool {
	for off := 0; ; {
		k := strings.Index(s[off:], w)
		if k < 0 {
			return false
		}
		k += off
		if k == 0 || !asciiAlnum(s[k-1]) {
			return true
		}
		off = k + 1
	}
}

// --- name spelling across a document ---

var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i", 'й': "y",
	'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
	'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
}

var nameEndings = []string{"ого", "ему", "ому", "ыми", "ими", "ой", "ей", "ым", "им", "ом", "ем", "ых", "их", "ую", "ая", "а", "я", "у", "ю", "е", "ы"}

// nameUse is a Russian name and the English word that renders it in a pair.
type nameUse struct {
	key   string // the Russian name's stem, lower-case
	ru    string // the Russian word as written
	en    string // the English word as written (without a possessive)
	canon string // en normalised for comparison
}

// nameUses pairs the capitalised Cyrillic words of the Russian (names,
// surnames; not all-capitals acronyms, not the first word) with the
// English word closest to their transliteration, when one is close.
func nameUses(ru, en string) []nameUse {
	var cands []string
	for i := 0; i < len(en); {
		if !asciiLetter(en[i]) {
			i++
			continue
		}
		j := i
		for j < len(en) && (asciiLetter(en[j]) || (en[j] == '-' && j+1 < len(en) && asciiLetter(en[j+1]))) {
			j++
		}
		if j-i >= 3 && en[i] >= 'A' && en[i] <= 'Z' && (j == len(en) || en[j] < 0x80) {
			cands = append(cands, en[i:j])
		}
		i = j
	}
	if len(cands) == 0 {
		return nil
	}
	var out []nameUse
	first := true
	i := 0
	for i < len(ru) {
		r, w := utf8.DecodeRuneInString(ru[i:])
		if !unicode.IsLetter(r) {
			i += w
			continue
		}
		j := i + w
		upper := 0
		n := 1
		if unicode.IsUpper(r) {
			upper++
		}
		for j < len(ru) {
			r2, w2 := utf8.DecodeRuneInString(ru[j:])
			if !unicode.IsLetter(r2) {
				break
			}
			if unicode.IsUpper(r2) {
				upper++
			}
			n++
			j += w2
		}
		word := ru[i:j]
		wasFirst := first
		first = false
		i = j
		if wasFirst || !unicode.IsUpper(r) || !isCyrillic(r) || upper > 1 || n < 4 {
			continue
		}
		// a hyphenated part («Россия-АСЕАН») or a compound: skip
		if j < len(ru) && ru[j] == '-' {
			continue
		}
		lw := strings.ToLower(word)
		stem := lw
		for _, e := range nameEndings {
			if strings.HasSuffix(lw, e) && utf8.RuneCountInString(lw)-utf8.RuneCountInString(e) >= 3 {
				stem = lw[:len(lw)-len(e)]
				break
			}
		}
		var tb strings.Builder
		for _, c := range stem {
			t, ok := translit[c]
			if !ok {
				tb.Reset()
				break
			}
			tb.WriteString(t)
		}
		tl := tb.String()
		if len(tl) < 4 {
			continue
		}
		best, bestD := "", len(tl)
		for _, c := range cands {
			cw := c
			lc := strings.ToLower(cw)
			d := levenshtein(tl, lc)
			if d < bestD {
				best, bestD = cw, d
			}
		}
		if best == "" || bestD > max(1, len(tl)/3) || bestD > 2 {
			continue
		}
		if d := utf8.RuneCountInString(best) - len(tl); d > 3 || d < -2 {
			continue
		}
		out = append(out, nameUse{key: stem, ru: word, en: best, canon: canonName(best)})
	}
	return out
}

// canonName drops what legitimately varies between renderings of one
// Russian stem: letter case, a plural -s, final vowels (a feminine -a,
// an adjective's -y: Khabarovsk, Khabarovsky; Germany, German).
func canonName(s string) string {
	s = strings.ToLower(s)
	s = strings.TrimSuffix(s, "s")
	return strings.TrimRight(s, "aeiouy")
}

func levenshtein(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	var prevBuf, curBuf [65]int
	prev, cur := prevBuf[:len(b)+1], curBuf[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func asciiLower(s string) string {
	b := []byte(s)
	for k, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[k] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// acronym: two or more capitals, or letters with digits (OEWG, BRICS,
// MH17, iOS), which an English text keeps as they are.
func acronym(t string) bool {
	upper, digit := 0, false
	for k := 0; k < len(t); k++ {
		switch {
		case t[k] >= 'A' && t[k] <= 'Z':
			upper++
		case isDigit(t[k]):
			digit = true
		}
	}
	return upper >= 2 || digit
}

// sameAddress: the address occurs in s with its host in another letter
// case (NHL.Com, NHL.com) and the rest exact.
func sameAddress(s, addr string) bool {
	host, rest := addr, ""
	start := 0
	if k := strings.Index(addr, "://"); k >= 0 {
		start = k + 3
	}
	if k := strings.IndexByte(addr[start:], '/'); k >= 0 {
		host, rest = addr[:start+k], addr[start+k:]
	}
	// ASCII lower-casing keeps byte offsets (strings.ToLower may not, on
	// invalid UTF-8)
	ls, lh := asciiLower(s), asciiLower(host)
	for off := 0; ; {
		k := strings.Index(ls[off:], lh)
		if k < 0 {
			return false
		}
		k += off
		if strings.HasPrefix(s[k+len(host):], rest) {
			return true
		}
		off = k + 1
	}
}
