package qa

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

type quoteCounts struct {
	open, close int // paired marks: «» “” „
	straight    int // "
	paren       int // ( minus )
	bracket     int // [ minus ]
}

func countMarks(s string) quoteCounts {
	var q quoteCounts
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			q.straight++
		case '(':
			q.paren++
		case ')':
			q.paren--
		case '[':
			q.bracket++
		case ']':
			q.bracket--
		case 0xc2: // « »
			if i+1 < len(s) {
				switch s[i+1] {
				case 0xab:
					q.open++
				case 0xbb:
					q.close++
				}
			}
		case 0xe2: // “ ” „
			if i+2 < len(s) && s[i+1] == 0x80 {
				switch s[i+2] {
				case 0x9c, 0x9e:
					q.open++
				case 0x9d:
					q.close++
				}
			}
		}
	}
	return q
}

// quotesBalanced: paired marks open and close alike, straight quotes
// come in pairs. Russian „…“ closes with “, which counts as an opening
// mark: «„» and «“» together balance.
func (q quoteCounts) balanced(s string) bool {
	if q.straight%2 != 0 {
		return false
	}
	if strings.Contains(s, "„") {
		return (q.open+q.close)%2 == 0
	}
	return q.open == q.close
}

// checkForm compares brackets, quotes, doubled spaces and the final
// punctuation. All are warnings.
func checkForm(ru, en string, out []bitext.Finding) []bitext.Finding {
	rq, eq := countMarks(ru), countMarks(en)
	warn := func(key, ruSpan, enSpan, msg string) {
		out = append(out, bitext.Finding{Kind: bitext.FindingForm, Severity: bitext.SeverityWarning, RU: ruSpan, EN: enSpan, Message: msg, Key: "form:" + key})
	}
	if eq.paren != rq.paren && eq.paren != 0 {
		warn("parentheses", "", "", unbalanced("parentheses", eq.paren))
	}
	if eq.bracket != rq.bracket && eq.bracket != 0 {
		warn("brackets", "", "", unbalanced("square brackets", eq.bracket))
	}
	// a dialogue whose Russian uses dashes may be quoted in English across
	// several pairs: compare quotes only when the Russian has some
	if rq.open+rq.close+rq.straight > 0 && rq.balanced(ru) && !eq.balanced(en) {
		warn("quotes", "", "", "the English quotation marks do not pair up (the Russian's do)")
	}
	if strings.Contains(en, "  ") && !strings.Contains(ru, "  ") {
		warn("spaces", "", "  ", "the English has doubled spaces")
	}
	rp, rEnd := finalPunct(ru)
	ep, eEnd := finalPunct(en)
	switch {
	case rp == ep:
	case ep == "" && rp == "." && ruAbbrevEnd(ru):
		// «2021–2025 гг.»: the dot ends an abbreviation
	case rp != "" && ep == "":
		warn("final", rEnd, eEnd, "the Russian ends with «"+rp+"»; the English has no final punctuation")
	case rp == "" && ep != "":
		if ep == "." && enAbbrevEnd(en) {
			break
		}
		warn("final", rEnd, eEnd, "the English ends with \""+ep+"\"; the Russian has no final punctuation")
	default:
		warn("final", rEnd, eEnd, "the Russian ends with «"+rp+"»; the English with \""+ep+"\"")
	}
	return out
}

func unbalanced(what string, d int) string {
	if d > 0 {
		return "the English has an unclosed bracket among its " + what
	}
	return "the English closes " + what + " it did not open"
}

// finalPunct is the sentence-final mark (., !, ?, …) of s, looking past
// closing quotes and brackets, and the tail it was read from.
func finalPunct(s string) (string, string) {
	t := strings.TrimRightFunc(s, unicode.IsSpace)
	for len(t) > 0 {
		r, w := utf8.DecodeLastRuneInString(t)
		switch r {
		case '»', '"', '”', '“', ')', ']', '\'', '’', '*':
			t = strings.TrimRightFunc(t[:len(t)-w], unicode.IsSpace)
			continue
		}
		break
	}
	tail := s[len(t):]
	switch {
	case strings.HasSuffix(t, "..."), strings.HasSuffix(t, "…"):
		return "…", lastRunes(t, 3) + tail
	case strings.HasSuffix(t, "?!"), strings.HasSuffix(t, "!?"):
		return "?", lastRunes(t, 2) + tail
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	switch r {
	case '.', '!', '?':
		return string(r), lastRunes(t, 1) + tail
	}
	return "", lastRunes(t, 1) + tail
}

func lastRunes(s string, n int) string {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		_, w := utf8.DecodeLastRuneInString(s[:i])
		i -= w
	}
	return s[i:]
}

// Russian abbreviations whose dot may end a sentence.
var ruAbbrev = map[string]bool{"г": true, "гг": true, "в": true, "вв": true, "д": true, "п": true, "т": true, "др": true, "пр": true,
	"тыс": true, "млн": true, "млрд": true, "трлн": true, "руб": true, "долл": true, "коп": true, "стр": true, "см": true, "ст": true, "чел": true, "ед": true, "кв": true, "обл": true}

var enAbbrev = map[string]bool{"etc": true, "inc": true, "ltd": true, "co": true, "corp": true, "jr": true, "sr": true, "no": true, "al": true, "st": true, "vs": true}

func ruAbbrevEnd(s string) bool { return abbrevEnd(s, ruAbbrev) }
func enAbbrevEnd(s string) bool { return abbrevEnd(s, enAbbrev) }

func abbrevEnd(s string, table map[string]bool) bool {
	t := strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("»\"”)]'’", r) })
	if !strings.HasSuffix(t, ".") {
		return false
	}
	t = t[:len(t)-1]
	j := len(t)
	for j > 0 {
		r, w := utf8.DecodeLastRuneInString(t[:j])
		if !unicode.IsLetter(r) {
			break
		}
		j -= w
	}
	w := strings.ToLower(t[j:])
	if table[w] {
		return true
	}
	// «с.г.», «т.д.», "U.S.", "a.m.": single letters with dots
	return utf8.RuneCountInString(w) == 1 && j > 0 && t[j-1] == '.'
}
