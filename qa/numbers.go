package qa

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

// Number is a number found in a text: written in digits (with the
// language's separators, a scale word such as «млн» or "billion", an
// ordinal ending), as a Roman numeral, or in words.
type Number struct {
	Span bitext.Span `json:"span"`
	Text string      `json:"text"` // the text of Span
	// Value is the number's value; Key is the same value as a canonical
	// decimal string ("2500000", "1.5"), which the checks compare.
	Value float64 `json:"value"`
	Key   string  `json:"key"`
	// Alt is a second reading's key when the writing is ambiguous (a
	// Russian "1,500" reads 1.5 but may be an English-style 1500), or "".
	Alt     string `json:"alt,omitempty"`
	Ordinal bool   `json:"ordinal,omitempty"` // 76-й, 76th, второй, second
	Percent bool   `json:"percent,omitempty"`
	// Word: written in words ("two", «второй», "a million"). Such numbers
	// answer for numbers in digits on the other side but are never
	// reported missing or added: words such as "one" or "second" are too
	// often not numbers at all.
	Word  bool `json:"word,omitempty"`
	Roman bool `json:"roman,omitempty"` // XXI
	// Date marks the day, month or year of a date that Dates reports;
	// the date check compares those.
	Date bool `json:"date,omitempty"`

	dotted bool // a part of a dotted, slashed or ISO group (23.12.2024, 12/23/2024, 2024-12-23)
	group  int  // the index of its first part, for dotted parts
	sep    byte // the separator after it within the group
	year   bool // four digits, no separators, 1000–2100: may be a year
	plain  bool // digits only: no separators, decimals, scale or suffix
	// code: glued to letters (COVID-19, G20, Су-35, MOD081): part of a
	// name, which one side may spell out and the other not
	code bool
	// addedYear: the year of a date whose other side gives none («27
	// июля с.г.», "27 July 2021"): a translator may make it explicit
	addedYear bool
	scaled    bool // with a scale word: «2,5 млн», "2.5 million"
	// split: the values of the parts of a number grouped by plain spaces
	// («16 100» may be 16 and 100)
	split []string
}

// Numbers finds the numbers of a text written in lang (bitext.Russian or
// bitext.English; anything else reads as English). Numbers inside URLs
// and e-mail addresses are left out (the name check compares those
// whole). Parts of dates are marked Date.
func Numbers(text string, lang bitext.Lang) []Number {
	nums := scanNumbers(text, lang == bitext.Russian)
	scanDates(text, lang == bitext.Russian, nums)
	return nums
}

// space separators that may group thousands: space, no-break space,
// figure space, thin space, narrow no-break space.
func groupSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u2007' || r == '\u2009' || r == '\u202f'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDash(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

func isCyrillic(r rune) bool {
	return (r >= 0x0400 && r <= 0x04ff) || (r >= 0x0500 && r <= 0x052f)
}

// digitsAt returns the end of the run of ASCII digits starting at i.
func digitsAt(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// spaceAt returns the width of a grouping space at i, or 0.
func spaceAt(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	if s[i] == ' ' {
		return 1
	}
	if s[i] < 0x80 {
		return 0
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if groupSpace(r) {
		return w
	}
	return 0
}

// skipSpaces skips any run of white space from i.
func skipSpaces(s string, i int) int {
	for i < len(s) {
		if s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' {
			i++
			continue
		}
		if s[i] < 0x80 {
			return i
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) && !groupSpace(r) {
			return i
		}
		i += w
	}
	return i
}

// decimalKey renders intPart.frac × 10^scale as a canonical decimal.
func decimalKey(intPart, frac string, scale int) string {
	digits := strings.TrimLeft(intPart+frac, "0")
	exp := scale - len(frac)
	if digits == "" {
		return "0"
	}
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if exp > 30 {
		exp = 30
	}
	if exp >= 0 {
		return digits + strings.Repeat("0", exp)
	}
	n := -exp
	if n >= len(digits) {
		if n > 30 {
			return "0"
		}
		return "0." + strings.Repeat("0", n-len(digits)) + digits
	}
	return digits[:len(digits)-n] + "." + digits[len(digits)-n:]
}

func keyValue(k string) float64 {
	v, _ := strconv.ParseFloat(k, 64)
	return v
}

func floatKey(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// urlSpans are the spans of URLs and e-mail addresses in s.
func urlSpans(s string) []bitext.Span {
	var out []bitext.Span
	for _, t := range latinTokens(s) {
		if t.kind == tokURL || t.kind == tokEmail {
			out = append(out, t.span)
		}
	}
	return out
}

// scanNumbers finds numbers in digits and in words.
func scanNumbers(s string, ru bool) []Number {
	var nums []Number
	var skip []bitext.Span
	if strings.Contains(s, "://") || strings.Contains(s, "www.") || strings.Contains(s, "@") || strings.Contains(s, ".ru") || strings.Contains(s, ".com") || strings.Contains(s, ".org") {
		skip = urlSpans(s)
	}
	var words wordRun
	i := 0
	for i < len(s) {
		c := s[i]
		if len(skip) > 0 && i >= skip[0].Start {
			if i < skip[0].End {
				words.flush(&nums, s)
				i = skip[0].End
			}
			skip = skip[1:]
			continue
		}
		if isDigit(c) {
			words.flush(&nums, s)
			var next int
			nums, next = parseDigits(s, i, ru, nums)
			i = next
			continue
		}
		var r rune
		w := 1
		if c < 0x80 {
			r = rune(c)
		} else {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsLetter(r) {
			j := i + w
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r2) {
					break
				}
				j += w2
			}
			words.word(&nums, s, i, j, ru)
			i = j
			continue
		}
		if !words.joiner(s, i, r, ru) {
			words.flush(&nums, s)
		}
		i += w
	}
	words.flush(&nums, s)
	annotate(s, nums, ru)
	return nums
}

// annotate gives second readings that depend on neighbours: the second
// year of "2021–22" or «2019/20» reads as 2022 or 2020; an hour before
// "pm" reads as on the 24-hour clock ("5:47 PM" is 17:47).
func annotate(s string, nums []Number, ru bool) {
	for k := range nums {
		n := &nums[k]
		if n.Word || n.Alt != "" {
			continue
		}
		if k > 0 && len(n.Text) == 2 && isDigit(n.Text[0]) && isDigit(n.Text[1]) && nums[k-1].year {
			g := gap(s, nums[k-1].Span.End, n.Span.Start)
			if g == "/" || isDashText(g) {
				y := atoi(nums[k-1].Text)
				if v := y/100*100 + atoi(n.Text); v > y {
					n.Alt = strconv.Itoa(v)
				}
			}
		}
		if !ru && (!n.dotted || n.group == k) && n.Key != "" && !strings.Contains(n.Key, ".") && n.Value >= 1 && n.Value <= 11 {
			end := n.Span.End
			if n.dotted && k+1 < len(nums) && nums[k+1].group == k && n.sep == ':' {
				end = nums[k+1].Span.End
			}
			j := skipSpaces(s, end)
			if t := s[j:min(j+4, len(s))]; strings.HasPrefix(t, "pm") || strings.HasPrefix(t, "PM") || strings.HasPrefix(t, "p.m") || strings.HasPrefix(t, "P.M") {
				n.Alt = strconv.Itoa(int(n.Value) + 12)
			}
		}
	}
}

// parseDigits reads a number in digits starting at i and appends it (or
// its parts) to nums.
func parseDigits(s string, i int, ru bool, nums []Number) ([]Number, int) {
	start := i
	j := digitsAt(s, i)
	intPart := s[i:j]
	// Dotted, slashed or hyphenated groups of plain numbers: dates, codes,
	// section numbers. Read them as parts when there are three or more,
	// or when a slash separates them.
	if j < len(s) && (s[j] == '.' || s[j] == '/' || s[j] == ':') {
		if parts, end, ok := dottedGroup(s, i); ok {
			g := len(nums)
			for k, p := range parts {
				n := Number{Span: p, Text: s[p.Start:p.End], Key: decimalKey(s[p.Start:p.End], "", 0), dotted: true, group: g, plain: true}
				if k < len(parts)-1 {
					n.sep = s[p.End]
				}
				n.Value = keyValue(n.Key)
				n.year = isYearText(n.Text)
				nums = append(nums, n)
			}
			return nums, end
		}
	}
	if len(intPart) == 4 && j+6 <= len(s) && s[j] == '-' && isDigit(s[j+1]) && isDigit(s[j+2]) && s[j+3] == '-' && isDigit(s[j+4]) && isDigit(s[j+5]) && (j+6 == len(s) || !isDigit(s[j+6])) {
		// ISO date 2024-12-23
		g := len(nums)
		for k, p := range []bitext.Span{{Start: i, End: j}, {Start: j + 1, End: j + 3}, {Start: j + 4, End: j + 6}} {
			n := Number{Span: p, Text: s[p.Start:p.End], Key: decimalKey(s[p.Start:p.End], "", 0), dotted: true, group: g, plain: true}
			if k < 2 {
				n.sep = '-'
			}
			n.Value = keyValue(n.Key)
			n.year = k == 0
			nums = append(nums, n)
		}
		return nums, j + 6
	}
	plain := true
	code := gluedToLetter(s, start)
	var split []string
	// thousands groups
	if len(intPart) <= 3 {
		for {
			sep := 0
			if ru {
				sep = spaceAt(s, j)
			} else if j < len(s) && s[j] == ',' {
				sep = 1
			} else {
				sep = spaceAt(s, j)
			}
			if sep == 0 {
				break
			}
			k := j + sep
			e := digitsAt(s, k)
			if e-k != 3 {
				break
			}
			if s[j] == ' ' {
				if split == nil {
					split = append(split, decimalKey(intPart, "", 0))
				}
				split = append(split, decimalKey(s[k:e], "", 0))
			}
			intPart += s[k:e]
			j = e
			plain = false
		}
	}
	frac := ""
	alt := ""
	if j+1 < len(s) && isDigit(s[j+1]) && (s[j] == '.' || s[j] == ',') {
		k := j + 1
		e := digitsAt(s, k)
		switch {
		case s[j] == '.' && !ru && e < len(s) && s[e] == ',' && e-k == 3:
			// "1.000,5": European grouping in English text; read as is.
			frac = s[k:e]
			j = e
		case s[j] == ',' && !ru:
			// an English comma not followed by a 3-digit group: "1,5" is
			// a Russian-style decimal left in the English
			frac = s[k:e]
			j = e
		case s[j] == ',' && ru && e-k == 3 && len(intPart) <= 3 && plain:
			// «1,500»: Russian reads 1.5, but it may be an English-style
			// thousands group
			frac = s[k:e]
			alt = decimalKey(intPart+frac, "", 0)
			j = e
		default:
			frac = s[k:e]
			if s[j] == '.' && e-k == 3 && len(intPart) <= 3 && plain && ru {
				// «1.500» may be a dotted thousands group
				alt = decimalKey(intPart+frac, "", 0)
			}
			j = e
		}
		plain = false
	}
	n := Number{}
	end := j
	scale := 0
	// suffixes glued or after a space
	k := j
	if k < len(s) && s[k] == '%' {
		n.Percent = true
		end = k + 1
	} else if sp := spaceAt(s, k); sp > 0 && k+sp < len(s) && s[k+sp] == '%' {
		n.Percent = true
		end = k + sp + 1
	} else if !code {
		// ordinal / plural endings
		if ru {
			if k < len(s) && isDashByte(s, k) {
				dw := dashWidth(s, k)
				e := k + dw
				cnt := 0
				for e < len(s) {
					r, w := utf8.DecodeRuneInString(s[e:])
					if !isCyrillic(r) || !unicode.IsLetter(r) {
						break
					}
					e += w
					cnt++
				}
				if cnt > 0 && cnt <= 3 {
					n.Ordinal = true
					end = e
					plain = false
					// «20-х», «90-е»: a decade, the 1920s, the 1990s
					if suf := s[k+dw : e]; len(intPart) == 2 && intPart[1] == '0' && intPart[0] != '0' && frac == "" && (suf == "х" || suf == "е" || suf == "ые" || suf == "ых") {
						alt = "19" + intPart
					}
				}
			}
		} else if k+1 < len(s) {
			if suf := strings.ToLower(s[k:min(k+2, len(s))]); (suf == "st" || suf == "nd" || suf == "rd" || suf == "th") && !letterAt(s, k+2) {
				n.Ordinal = true
				end = k + 2
				plain = false
			} else if (s[k] == 's') && !letterAt(s, k+1) {
				end = k + 1 // 1990s
				plain = false
			}
		}
		if !n.Ordinal {
			sc, e := scaleAfter(s, end, ru)
			if sc > 0 {
				scale = sc
				end = e
				plain = false
			}
		}
	}
	n.Span = bitext.Span{Start: start, End: end}
	n.Text = s[start:end]
	n.Key = decimalKey(intPart, frac, scale)
	n.Value = keyValue(n.Key)
	if alt != "" && scale > 0 {
		alt = decimalKey(alt, "", scale)
	}
	n.Alt = alt
	n.plain = plain
	n.code = code
	n.scaled = scale > 0
	if frac == "" && scale == 0 {
		n.split = split
	}
	n.year = plain && isYearText(intPart)
	nums = append(nums, n)
	return nums, end
}

// gluedToLetter reports whether the number at i is glued to a letter
// before it, directly or by a hyphen (COVID-19, G20, Су-35).
func gluedToLetter(s string, i int) bool {
	if i == 0 {
		return false
	}
	j := i
	if s[j-1] == '-' {
		j--
	}
	if j == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:j])
	return unicode.IsLetter(r)
}

func isYearText(t string) bool {
	if len(t) != 4 {
		return false
	}
	v, _ := strconv.Atoi(t)
	return v >= 1000 && v <= 2100
}

func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || r == '_'
}

func isDashByte(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isDash(r)
}

func dashWidth(s string, i int) int {
	_, w := utf8.DecodeRuneInString(s[i:])
	return w
}

// dottedGroup reads 12.05.2021, 75/240, 3.2.1, 18:20 from i: plain digit
// runs joined by one kind of separator. A single "." join is a decimal,
// not a group.
func dottedGroup(s string, i int) ([]bitext.Span, int, bool) {
	j := digitsAt(s, i)
	sep := s[j]
	parts := []bitext.Span{{Start: i, End: j}}
	for j < len(s) && s[j] == sep && j+1 < len(s) && isDigit(s[j+1]) {
		e := digitsAt(s, j+1)
		parts = append(parts, bitext.Span{Start: j + 1, End: e})
		j = e
	}
	if len(parts) < 2 || (sep == '.' && len(parts) < 3) {
		return nil, 0, false
	}
	return parts, j, true
}

// scaleAfter reads a scale word after a number at i («млн», "billion",
// "bn", glued "k"), returning its power of ten and the end.
func scaleAfter(s string, i int, ru bool) (int, int) {
	k := i
	glued := true
	if sp := spaceAt(s, k); sp > 0 {
		k += sp
		glued = false
	}
	e := k
	for e < len(s) {
		r, w := utf8.DecodeRuneInString(s[e:])
		if !unicode.IsLetter(r) {
			break
		}
		e += w
	}
	if e == k || e-k > 24 {
		return 0, i
	}
	w := strings.ToLower(s[k:e])
	if ru {
		if sc, ok := ruScale[w]; ok {
			if e < len(s) && s[e] == '.' && (w == "тыс" || w == "млн" || w == "млрд" || w == "трлн") {
				e++
			}
			return sc, e
		}
		return 0, i
	}
	if sc, ok := enScale[w]; ok {
		return sc, e
	}
	if glued {
		switch w {
		case "k":
			if hasCurrencyBefore(s, i) {
				return 3, e
			}
		case "m":
			// "$5m"; "100m" alone may be metres
			if hasCurrencyBefore(s, i) {
				return 6, e
			}
		case "b":
			if hasCurrencyBefore(s, i) {
				return 9, e
			}
		}
	}
	return 0, i
}

// hasCurrencyBefore reports whether the number ending at i is preceded by
// a currency sign.
func hasCurrencyBefore(s string, i int) bool {
	j := i - 1
	for j >= 0 && (isDigit(s[j]) || s[j] == '.' || s[j] == ',') {
		j--
	}
	if j < 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:j+1])
	return r == '$' || r == '£' || r == '€' || r == '¥' || r == '₽'
}

// wordRun accumulates number words that make one number: «двадцать
// пять», "two hundred and five", «два миллиона».
type wordRun struct {
	start, end int
	total      float64 // completed thousands
	cur        float64
	any        bool
	ord        bool
	last       wordNum
	joined     bool // a joiner (space, hyphen, "and") was seen since the last word
}

func (w *wordRun) flush(nums *[]Number, s string) {
	if !w.any {
		return
	}
	v := w.total + w.cur
	k := floatKey(v)
	*nums = append(*nums, Number{Span: bitext.Span{Start: w.start, End: w.end}, Text: s[w.start:w.end], Value: v, Key: k, Word: true, Ordinal: w.ord, Roman: w.last.roman})
	*w = wordRun{}
}

// joiner reports whether the rune at i may join number words.
func (w *wordRun) joiner(s string, i int, r rune, ru bool) bool {
	if !w.any {
		return false
	}
	if r == ' ' || r == '-' || r == '\u00a0' {
		w.joined = true
		return true
	}
	return false
}

func (w *wordRun) word(nums *[]Number, s string, i, j int, ru bool) {
	t := s[i:j]
	lw := lower(t)
	var wn wordNum
	var ok bool
	if ru {
		wn, ok = ruWords[lw]
	} else {
		wn, ok = enWords[lw]
		if !ok && w.any && lw == "and" && w.joined && w.cur >= 100 {
			w.joined = true // "two hundred and five": keep going
			return
		}
	}
	if ru && !ok && w.any && w.joined && lw == "с" {
		w.joined = true // «двух с половиной миллионов»
		return
	}
	if !ok {
		initial := len(t) == 1 && ((j < len(s) && s[j] == '.') || (i > 0 && s[i-1] == '.'))
		if rv, rok := romanValue(t); rok && romanAllowed(t, ru) && !initial {
			w.flush(nums, s)
			k := floatKey(float64(rv))
			*nums = append(*nums, Number{Span: bitext.Span{Start: i, End: j}, Text: t, Value: float64(rv), Key: k, Roman: true, Word: !ru})
			return
		}
		w.flush(nums, s)
		return
	}
	if w.any && !w.canFollow(wn) {
		w.flush(nums, s)
	}
	if !w.any {
		w.start = i
		w.any = true
	}
	switch {
	case wn.scale > 0:
		m := pow10(wn.scale)
		if w.cur == 0 {
			w.cur = 1
		}
		if wn.scale == 2 {
			w.cur *= m
		} else {
			w.total += w.cur * m
			w.cur = 0
		}
	default:
		w.cur += wn.v
	}
	w.ord = wn.ord
	w.last = wn
	w.end = j
	w.joined = false
	if wn.ord || wn.alone {
		w.flush(nums, s)
	}
}

// canFollow reports whether wn continues the run: a smaller part after a
// larger one, or a scale.
func (w *wordRun) canFollow(wn wordNum) bool {
	if !w.joined || w.last.ord || w.last.alone || wn.alone {
		return false
	}
	if wn.scale > 0 {
		return wn.scale > w.last.scale || w.last.scale == 0
	}
	if w.last.scale > 0 {
		return true
	}
	if wn.half {
		return w.last.v >= 1 && w.last.v < 1000
	}
	// «двадцать пять», "twenty-five", «сто двадцать»
	lv := w.last.v
	switch {
	case lv >= 100 && int(lv)%100 == 0:
		return wn.v < 100
	case lv >= 20 && lv < 100 && int(lv)%10 == 0:
		return wn.v < 10 && wn.v >= 1
	}
	return false
}

// lower lower-cases a word, without allocating when it is lower-case
// already.
func lower(t string) string {
	for _, r := range t {
		if unicode.IsUpper(r) {
			return strings.ToLower(t)
		}
	}
	return t
}

func pow10(n int) float64 {
	v := 1.0
	for ; n > 0; n-- {
		v *= 10
	}
	return v
}

// romanValue parses a canonical upper-case Roman numeral.
func romanValue(t string) (int, bool) {
	if len(t) == 0 || len(t) > 12 {
		return 0, false
	}
	val := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	total := 0
	for k := 0; k < len(t); k++ {
		v, ok := val[t[k]]
		if !ok {
			return 0, false
		}
		if k+1 < len(t) && val[t[k+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	if total <= 0 || total >= 4000 || toRoman(total) != t {
		return 0, false
	}
	return total, true
}

func toRoman(n int) string {
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for k, v := range vals {
		for n >= v {
			b.WriteString(syms[k])
			n -= v
		}
	}
	return b.String()
}

// romanAllowed: in Russian, Roman numerals of two letters or more, and
// I, V, X alone; in English any (they only ever answer for a Russian one).
func romanAllowed(t string, ru bool) bool {
	if !ru {
		return true
	}
	if len(t) == 1 {
		return t == "I" || t == "V" || t == "X"
	}
	// two-letter acronyms that happen to be numerals
	switch t {
	case "CD", "DC", "CC", "MD", "MC", "CM", "DM", "LI", "MI", "DI", "CI", "XL", "MM", "MCC", "LCD", "DCC":
		return false
	}
	return true
}
