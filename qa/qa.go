// Package qa checks Russian–English translation pairs the way a reviewer
// of diplomatic texts would before trusting them: that every number and
// date of the Russian is in the English and nothing was added, read in
// each language's conventions («1 000,5», «2,5 млн», «23 сентября
// 2021 г.», «№ 75/240», «XXI век» against "1,000.5", "2.5 million",
// "September 23, 2021", "No. 75/240", "21st century"); that Latin-script
// names, acronyms, URLs and e-mail addresses are carried over unchanged;
// that nothing is left untranslated or echoed; that lengths fit the
// document; that repeated sentences are translated alike; and that
// brackets, quotes and final punctuation agree.
//
// It is pure logic: Check looks at one pair, Doc at a document's pairs,
// Consistency across documents. Findings are bitext.Finding values whose
// Key names the kind and the values concerned (number:2500000,
// date:2021-09-23), so that a finding a reviewer accepted as a false
// alarm can be recognised when the pair is checked again.
//
// The checks are conservative: where a legitimate translation may write
// a number or date in a way the checker does not read, it raises a
// warning or nothing rather than an error. Numbers in words ("two",
// «второй», "a million") answer for numbers in digits on the other side
// but are never reported themselves.
//
// Severities. Errors: a number or date changed, or missing or added with
// nothing in its place (except small numbers up to 10, Roman numerals,
// numbers glued to names such as COVID-19, and a year the English adds
// to a date, which are warnings); «в прошлом году» rendered "this year";
// an acronym, URL, e-mail address or handle of the Russian missing from
// the English; Cyrillic in the English outside quotes and brackets; an
// English identical to the Russian (unless it has no Cyrillic) or empty.
// Warnings: everything else, including Cyrillic inside quotes or
// brackets (a cited title or term, «Известия»), a Cyrillic х or С used
// as a sign (105х195, °С), other Latin words of the Russian missing
// (Brasil may become Brazil), roundings with a scale word (1 234 567 →
// "1.23 million"), length, consistency, name spelling and form.
//
// Keys: number:<value> (missing), number:+<value> (added),
// number:<ru>><en> (changed), number:<ru>~<en> (rounded), date:<ISO>
// (date:2021-09-23, date:--09-23, date:+… added), date:last-year,
// name:<token>, name:<stem>:<spelling>, untranslated:echo|empty|sign|<word>,
// length:short|long, consistency:ru:<hash>|en:<hash>,
// form:parentheses|brackets|quotes|spaces|final.
package qa

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

// Check checks one pair alone: numbers, dates, Latin-script names and
// tokens, text left untranslated, form. An empty Russian gives nothing.
func Check(ru, en string) []bitext.Finding {
	if strings.TrimSpace(ru) == "" {
		return nil
	}
	var out []bitext.Finding
	if strings.TrimSpace(en) == "" {
		return append(out, bitext.Finding{Kind: bitext.FindingUntranslated, Severity: bitext.SeverityError,
			RU: clip(ru), Message: "the English is empty", Key: "untranslated:empty"})
	}
	if f, ok := echo(ru, en); ok {
		return append(out, f)
	}
	out = checkNumbersDates(ru, en, out)
	out = checkLatin(ru, en, out)
	out = checkCyrillic(en, out)
	out = checkForm(ru, en, out)
	return dedupe(out)
}

// clip shortens a text for a finding's span.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= 200 {
		return s
	}
	k := 200
	for k > 0 && !utf8.RuneStart(s[k]) {
		k--
	}
	return s[:k] + "…"
}

// dedupe merges findings with one key, keeping the first.
func dedupe(fs []bitext.Finding) []bitext.Finding {
	if len(fs) < 2 {
		return fs
	}
	seen := make(map[string]bool, len(fs))
	out := fs[:0]
	for _, f := range fs {
		if seen[f.Key] {
			continue
		}
		seen[f.Key] = true
		out = append(out, f)
	}
	return out
}

// --- numbers and dates ---

// groupKey writes a decimal key with spaces between thousands.
func groupKey(k string) string {
	intPart, frac, _ := strings.Cut(k, ".")
	if len(intPart) <= 4 {
		return k
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// describe is a number as a reviewer reads it: its text, and its value
// when the text does not show it plainly.
func describe(n *Number) string {
	plainText := strings.TrimSpace(n.Text)
	if plainText == n.Key || plainText == groupKey(n.Key) {
		return plainText
	}
	return plainText + " (" + groupKey(n.Key) + ")"
}

func describeDate(d *Date) string {
	return d.Text + " (" + d.Key() + ")"
}

func sameDate(a, b *Date, years bool) bool {
	dm := func(d, m int) bool {
		if a.Day == d && a.Month == m {
			return true
		}
		return false
	}
	ok := dm(b.Day, b.Month) || (b.Swap && dm(b.Month, b.Day)) || (a.Swap && a.Day == b.Month && a.Month == b.Day)
	if !ok {
		return false
	}
	if years {
		return a.Year == b.Year
	}
	return a.Year == 0 || b.Year == 0
}

func checkNumbersDates(ru, en string, out []bitext.Finding) []bitext.Finding {
	rn := scanNumbers(ru, true)
	en2 := scanNumbers(en, false)
	if len(rn) == 0 && len(en2) == 0 && !mayHaveMonth(ru) && !mayHaveMonth(en) {
		return checkRelativeYears(ru, en, out)
	}
	rd := scanDates(ru, true, rn)
	ed := scanDates(en, false, en2)
	out = compareDates(rd, ed, rn, en2, out)
	out = compareNumbers(ru, rn, en2, out)
	return checkRelativeYears(ru, en, out)
}

// mayHaveMonth is a cheap test before the month scan on texts without
// digits (a month alone: «в сентябре»).
func mayHaveMonth(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || (s[i] >= 'A' && s[i] <= 'Z') {
			return true
		}
	}
	return false
}

// compareDates matches the dates of both sides; a year one side gives in
// a date and the other outside one is freed for the number check.
func compareDates(rd, ed []Date, rn, en []Number, out []bitext.Finding) []bitext.Finding {
	if len(rd) == 0 && len(ed) == 0 {
		return out
	}
	rm := make([]bool, len(rd))
	em := make([]bool, len(ed))
	free := func(nums []Number, d *Date) {
		if d.yearNum >= 0 {
			nums[d.yearNum].Date = false
		}
	}
	for pass := 0; pass < 2; pass++ {
		for i := range rd {
			if rm[i] {
				continue
			}
			for j := range ed {
				if em[j] || !sameDate(&rd[i], &ed[j], pass == 0) {
					continue
				}
				rm[i], em[j] = true, true
				if pass == 1 {
					if rd[i].Year != 0 {
						free(rn, &rd[i])
					}
					if ed[j].Year != 0 {
						free(en, &ed[j])
						if ed[j].yearNum >= 0 {
							en[ed[j].yearNum].addedYear = true
						}
					}
				}
				break
			}
		}
	}
	// a day the other side writes as a bare number ("on the 23rd")
	leftDay := func(nums []Number, day int) bool {
		for k := range nums {
			n := &nums[k]
			if !n.Date && !n.Word && !n.dotted && n.Value == float64(day) {
				n.Date = true
				return true
			}
		}
		return false
	}
	// a date one side gives with a month only and the other with a day
	for i := range rd {
		if rm[i] {
			continue
		}
		for j := range ed {
			if !em[j] && rd[i].Month == ed[j].Month && (rd[i].Day == 0 || ed[j].Day == 0) && (rd[i].Year == ed[j].Year || rd[i].Year == 0 || ed[j].Year == 0) {
				rm[i], em[j] = true, true
				out = append(out, bitext.Finding{Kind: bitext.FindingDate, Severity: bitext.SeverityWarning, RU: rd[i].Text, EN: ed[j].Text,
					Message: "the Russian has " + describeDate(&rd[i]) + "; the English has " + describeDate(&ed[j]) + ": check the day",
					Key:     "date:" + rd[i].Key()})
				break
			}
		}
	}
	for i := range rd {
		if !rm[i] && rd[i].Day > 0 && leftDay(en, rd[i].Day) {
			rm[i] = true
			free(rn, &rd[i])
		}
	}
	for j := range ed {
		if !em[j] && ed[j].Day > 0 && leftDay(rn, ed[j].Day) {
			em[j] = true
			free(en, &ed[j])
		}
	}
	var ur, ue []int
	for i := range rd {
		if !rm[i] {
			ur = append(ur, i)
		}
	}
	for j := range ed {
		if !em[j] {
			ue = append(ue, j)
		}
	}
	k := 0
	for ; k < len(ur) && k < len(ue); k++ {
		r, e := &rd[ur[k]], &ed[ue[k]]
		out = append(out, bitext.Finding{Kind: bitext.FindingDate, Severity: bitext.SeverityError, RU: r.Text, EN: e.Text,
			Message: "the Russian has " + describeDate(r) + "; the English has " + describeDate(e),
			Key:     "date:" + r.Key()})
	}
	for _, i := range ur[k:] {
		r := &rd[i]
		sev := bitext.SeverityError
		if r.Day == 0 {
			sev = bitext.SeverityWarning
		}
		out = append(out, bitext.Finding{Kind: bitext.FindingDate, Severity: sev, RU: r.Text,
			Message: "the Russian has " + describeDate(r) + "; the English lacks it", Key: "date:" + r.Key()})
	}
	for _, j := range ue[k:] {
		e := &ed[j]
		sev := bitext.SeverityError
		if e.Day == 0 {
			sev = bitext.SeverityWarning
		}
		out = append(out, bitext.Finding{Kind: bitext.FindingDate, Severity: sev, EN: e.Text,
			Message: "the English has " + describeDate(e) + ", which the Russian lacks", Key: "date:+" + e.Key()})
	}
	return out
}

// compareNumbers compares the numbers outside dates as multisets of
// values.
func compareNumbers(ru string, rn, en []Number, out []bitext.Finding) []bitext.Finding {
	var rh, rs, eh, es []int
	for k := range rn {
		switch {
		case rn[k].Date:
		case rn[k].Word:
			rs = append(rs, k)
		default:
			rh = append(rh, k)
		}
	}
	for k := range en {
		switch {
		case en[k].Date:
		case en[k].Word:
			es = append(es, k)
		default:
			eh = append(eh, k)
		}
	}
	rUsed := make([]bool, len(rn))
	eUsed := make([]bool, len(en))
	if len(rh) == 0 && len(eh) == 0 {
		return changedWords(rn, rs, rUsed, en, es, eUsed, out)
	}
	match := func(as []int, a []Number, aUsed []bool, bs []int, b []Number, bUsed []bool, eq func(x, y *Number) bool) {
		for _, i := range as {
			if aUsed[i] {
				continue
			}
			for _, j := range bs {
				if !bUsed[j] && eq(&a[i], &b[j]) {
					aUsed[i], bUsed[j] = true, true
					break
				}
			}
		}
	}
	same := func(x, y *Number) bool { return x.Key == y.Key }
	alt := func(x, y *Number) bool {
		return (x.Alt != "" && (x.Alt == y.Key || x.Alt == y.Alt)) || (y.Alt != "" && x.Key == y.Alt)
	}
	match(rh, rn, rUsed, eh, en, eUsed, same)
	match(rh, rn, rUsed, eh, en, eUsed, alt)
	match(rh, rn, rUsed, es, en, eUsed, same)
	match(eh, en, eUsed, rs, rn, rUsed, same)
	match(rh, rn, rUsed, es, en, eUsed, alt)
	match(eh, en, eUsed, rs, rn, rUsed, alt)
	var ur, ue []int
	for _, i := range rh {
		if !rUsed[i] {
			ur = append(ur, i)
		}
	}
	for _, j := range eh {
		if !eUsed[j] {
			ue = append(ue, j)
		}
	}
	out = changedWords(rn, rs, rUsed, en, es, eUsed, out)
	if len(ur) == 0 && len(ue) == 0 {
		return out
	}
	// «16 100x185» grouped by a plain space may be two numbers
	for _, i := range ur {
		if len(rn[i].split) == 0 {
			continue
		}
		var take []int
		for _, part := range rn[i].split {
			found := -1
			for _, j := range ue {
				if !eUsed[j] && !slices.Contains(take, j) && en[j].Key == part {
					found = j
					break
				}
			}
			if found < 0 {
				take = nil
				break
			}
			take = append(take, found)
		}
		if take != nil {
			rUsed[i] = true
			for _, j := range take {
				eUsed[j] = true
			}
		}
	}
	// rounded: "1 234 567" against "1.23 million" (only with a scale
	// word: a plain 1200 for 1230 is a changed digit)
	for _, i := range ur {
		for _, j := range ue {
			if rUsed[i] || eUsed[j] {
				continue
			}
			if en[j].scaled && rounds(rn[i].Key, en[j].Key, writtenDigits(en[j].Text)) {
				rUsed[i], eUsed[j] = true, true
				out = append(out, bitext.Finding{Kind: bitext.FindingNumber, Severity: bitext.SeverityWarning, RU: rn[i].Text, EN: en[j].Text,
					Message: "the Russian has " + describe(&rn[i]) + "; the English rounds it to " + describe(&en[j]),
					Key:     "number:" + rn[i].Key + "~" + en[j].Key})
			}
		}
	}
	ur, ue = ur[:0], ue[:0]
	for _, i := range rh {
		if !rUsed[i] {
			ur = append(ur, i)
		}
	}
	for _, j := range eh {
		if !eUsed[j] {
			ue = append(ue, j)
		}
	}
	k := 0
	for ; k < len(ur) && k < len(ue); k++ {
		out = append(out, changed(ru, &rn[ur[k]], &en[ue[k]]))
	}
	for _, i := range ur[k:] {
		r := &rn[i]
		out = append(out, bitext.Finding{Kind: bitext.FindingNumber, Severity: lonelySeverity(r), RU: r.Text,
			Message: "the Russian has " + describe(r) + "; the English lacks it", Key: "number:" + r.Key})
	}
	for _, j := range ue[k:] {
		e := &en[j]
		out = append(out, bitext.Finding{Kind: bitext.FindingNumber, Severity: lonelySeverity(e), EN: e.Text,
			Message: "the English has " + describe(e) + ", which the Russian lacks", Key: "number:+" + e.Key})
	}
	return out
}

// changed is the finding for a number the English renders with another
// value: a year the Russian gives on its own («в 2017 году») is a date,
// any other number (a range's end included) a number.
func changed(ru string, r, e *Number) bitext.Finding {
	if r.year && e.year && yearAlone(ru, r) {
		return bitext.Finding{Kind: bitext.FindingDate, Severity: bitext.SeverityError, RU: r.Text, EN: e.Text,
			Message: "the Russian has the year " + r.Text + "; the English has " + e.Text,
			Key:     "date:year:" + r.Key + ">" + e.Key}
	}
	return bitext.Finding{Kind: bitext.FindingNumber, Severity: bitext.SeverityError, RU: r.Text, EN: e.Text,
		Message: "the Russian has " + describe(r) + "; the English has " + describe(e),
		Key:     "number:" + r.Key + ">" + e.Key}
}

// changedWords compares the numbers both sides write as words once the
// digits are matched: a word number of the Russian left over against one
// of the English, both ordinal or both cardinal («шесть сессий» and
// "seven sessions", «третий раунд» and "fourth round"), is a changed
// number. A word number alone on one side says nothing (English writes
// "a", "once", "twice"; Russian «одна из»).
func changedWords(rn []Number, rs []int, rUsed []bool, en []Number, es []int, eUsed []bool, out []bitext.Finding) []bitext.Finding {
	for _, i := range rs {
		if rUsed[i] {
			continue
		}
		for _, j := range es {
			if !eUsed[j] && en[j].Key == rn[i].Key {
				rUsed[i], eUsed[j] = true, true
				break
			}
		}
	}
	for _, i := range rs {
		if rUsed[i] {
			continue
		}
		for _, j := range es {
			// whole numbers only («полтора года» is "a year and a half"),
			// no Roman letters ("I", "C"), no vague or bare scale words
			if !eUsed[j] && en[j].Ordinal == rn[i].Ordinal && exactWord(&rn[i]) && exactWord(&en[j]) {
				rUsed[i], eUsed[j] = true, true
				out = append(out, changed("", &rn[i], &en[j]))
				break
			}
		}
	}
	return out
}

// yearAlone tells whether a year of the Russian stands as a date of its
// own: followed by «году», «года», «годом», «год» or «г.», and not the end
// of a range («с 2015 по 2020 год», «2021–2025 гг.»).
func yearAlone(ru string, n *Number) bool {
	if n.Span.Start < 0 || n.Span.End > len(ru) {
		return false
	}
	after := strings.TrimLeft(ru[n.Span.End:], " \u00a0")
	if !strings.HasPrefix(after, "год") && !(strings.HasPrefix(after, "г.") && !strings.HasPrefix(after, "гг.")) {
		return false
	}
	if strings.HasPrefix(after, "годы") || strings.HasPrefix(after, "годах") || strings.HasPrefix(after, "годов") {
		return false
	}
	before := strings.TrimRight(ru[:n.Span.Start], " \u00a0")
	for _, p := range []string{"-", "–", "—", " по", " до"} {
		if strings.HasSuffix(before, p) {
			return false
		}
	}
	return true
}

// exactWord tells whether a number written in words names one exact
// value: whole, not a Roman numeral, not a vague plural («десятки»,
// "dozens", "thousands") nor a scale word alone («тысячи», "million":
// "2 1/2 million" reads as a bare "million").
func exactWord(n *Number) bool {
	if n.Roman || n.Value < 1 || n.Value != float64(int64(n.Value)) {
		return false
	}
	w := strings.ToLower(strings.TrimSpace(n.Text))
	if vagueWords[w] {
		return false
	}
	switch n.Value {
	case 1e3, 1e6, 1e9, 1e12:
		return strings.ContainsAny(w, " -")
	}
	return true
}

// vagueWords name a rough quantity, not a number.
var vagueWords = map[string]bool{
	"десятки": true, "десятков": true, "десятками": true, "десяткам": true, "сотни": true, "сотен": true, "сотнями": true,
	"тысячи": true, "тысяч": true, "тысячами": true, "миллионы": true, "миллионов": true,
	"dozen": true, "dozens": true, "hundreds": true, "thousands": true, "millions": true, "billions": true, "scores": true,
}

// lonelySeverity: a number one side has and the other lacks, with no
// other number in its place, is an error unless it is small enough to be
// written in words the checker does not read ("twice", "a pair", «оба»),
// a Roman numeral, or part of a code name (COVID-19, G20: one side may
// name the thing in words).
func lonelySeverity(n *Number) bitext.Severity {
	if n.Roman || n.code || n.addedYear || (n.Value <= 10 && !n.Percent && !strings.Contains(n.Key, ".")) {
		return bitext.SeverityWarning
	}
	return bitext.SeverityError
}

// rounds reports whether the decimal b is a rounding of a to fewer
// significant digits (1234567 → 1230000, 1.26 → 1.3), with at least two
// significant digits left; written is how many digits b was written with
// ("723.0 million" claims four, and is no rounding of 723.2 million).
func rounds(a, b string, written int) bool {
	sa, ea := significand(a)
	sb, eb := significand(b)
	if len(sb) >= len(sa) || written >= len(sa) || len(sb) < 2 || ea != eb {
		return false
	}
	// round sa to len(sb) digits
	head := []byte(sa[:len(sb)])
	if sa[len(sb)] >= '5' {
		k := len(head) - 1
		for k >= 0 && head[k] == '9' {
			head[k] = '0'
			k--
		}
		if k < 0 {
			return false
		}
		head[k]++
	}
	return string(head) == sb
}

func writtenDigits(s string) int {
	n := 0
	lead := true
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			if lead && s[i] == '0' {
				continue
			}
			lead = false
			n++
		}
	}
	return n
}

// significand gives the significant digits of a decimal key and the
// position of its decimal point from the first of them.
func significand(k string) (string, int) {
	intPart, frac, _ := strings.Cut(k, ".")
	digits := intPart + frac
	point := len(intPart)
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
		point--
	}
	return strings.TrimRight(digits, "0"), point
}

// relative years
var (
	ruRel = [3][]string{
		{"с.г.", "с. г.", "т.г.", "т. г.", "текущий год", "текущего года", "этого года", "этом году", "текущем году", "сего года", "нынешнем году", "нынешнего года"},
		{"п.г.", "п. г.", "прошлого года", "прошлом году", "прошлый год", "минувшего года", "минувшем году", "прошедшего года", "прошедшем году"},
		{"следующего года", "следующем году", "будущего года", "будущем году", "наступающем году", "наступающего года"},
	}
	enRel = [3][]string{
		{"this year", "current year", "this year's"},
		{"last year", "previous year", "past year", "prior year", "a year ago", "year before"},
		{"next year", "following year", "coming year", "upcoming year", "year after"},
	}
	relName = [3]string{"this-year", "last-year", "next-year"}
	relEN   = [3]string{"this year", "last year", "next year"}
)

// checkRelativeYears: «в прошлом году» rendered "this year" is an error
// (a year in digits instead is fine).
func checkRelativeYears(ru, en string, out []bitext.Finding) []bitext.Finding {
	if !strings.Contains(ru, "год") && !strings.Contains(ru, "г.") {
		return out
	}
	lr := strings.ToLower(ru)
	le := strings.ToLower(en)
	var rHas, eHas [3]string
	for k := range 3 {
		for _, p := range ruRel[k] {
			if strings.Contains(lr, p) {
				rHas[k] = p
				break
			}
		}
		for _, p := range enRel[k] {
			if strings.Contains(le, p) {
				eHas[k] = p
				break
			}
		}
	}
	for k := range 3 {
		if rHas[k] == "" || eHas[k] != "" {
			continue
		}
		for o := range 3 {
			if o != k && eHas[o] != "" && rHas[o] == "" {
				out = append(out, bitext.Finding{Kind: bitext.FindingDate, Severity: bitext.SeverityError, RU: rHas[k], EN: eHas[o],
					Message: fmt.Sprintf("the Russian has «%s» (%s); the English has %q", rHas[k], relEN[k], eHas[o]),
					Key:     "date:" + relName[k]})
				break
			}
		}
	}
	return out
}

// --- untranslated ---

// echo reports an English that repeats the Russian.
func echo(ru, en string) (bitext.Finding, bool) {
	if normSpace(ru) != normSpace(en) {
		return bitext.Finding{}, false
	}
	if !hasCyrillic(ru) {
		return bitext.Finding{}, false // numbers, Latin names: the same in both
	}
	return bitext.Finding{Kind: bitext.FindingUntranslated, Severity: bitext.SeverityError, RU: clip(ru), EN: clip(en),
		Message: "the English repeats the Russian untranslated", Key: "untranslated:echo"}, true
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if isCyrillic(r) {
			return true
		}
	}
	return false
}

// normSpace collapses white space and trims.
func normSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// checkCyrillic reports Cyrillic words in the English: an error, or a
// warning inside quotes or brackets, where a translator may cite the
// original («Известия», a title, a term).
func checkCyrillic(en string, out []bitext.Finding) []bitext.Finding {
	if !hasCyrillic(en) {
		return out
	}
	var words, lookAlike []string
	quoted := true
	depth := 0    // brackets and paired quotes
	straight := 0 // straight double quotes seen
	i := 0
	for i < len(en) {
		r, w := utf8.DecodeRuneInString(en[i:])
		switch r {
		case '(', '[', '«', '“', '„':
			depth++
		case ')', ']', '»', '”':
			if depth > 0 {
				depth--
			}
		case '"':
			straight++
		}
		if isCyrillic(r) && unicode.IsLetter(r) {
			j := i + w
			for j < len(en) {
				r2, w2 := utf8.DecodeRuneInString(en[j:])
				if !unicode.IsLetter(r2) {
					break
				}
				j += w2
			}
			switch {
			case inDomain(en, i, j):
				// стопкоронавирус.рф: an address copied as it is
			case j-i == 2 && lookAlikeSign(en, i, j):
				lookAlike = append(lookAlike, en[i:j])
			default:
				words = append(words, en[i:j])
				if depth == 0 && straight%2 == 0 {
					quoted = false
				}
			}
			i = j
			continue
		}
		i += w
	}
	if len(words) == 0 {
		if len(lookAlike) > 0 {
			out = append(out, bitext.Finding{Kind: bitext.FindingUntranslated, Severity: bitext.SeverityWarning, EN: lookAlike[0],
				Message: "the English has the Cyrillic letter " + lookAlike[0] + " as a sign (105х195, °С): use the Latin x or C",
				Key:     "untranslated:sign"})
		}
		return out
	}
	sev := bitext.SeverityError
	msg := "the English has Cyrillic text: "
	if quoted {
		sev = bitext.SeverityWarning
		msg = "the English cites Cyrillic text in quotes or brackets (a title or term? check it is meant): "
	}
	shown := words
	if len(shown) > 5 {
		shown = shown[:5]
	}
	msg += strings.Join(shown, " ")
	if len(words) > 5 {
		msg += " …"
	}
	if len(words) == 1 && !quoted && len(words[0]) <= 4 && strings.ContainsFunc(words[0], unicode.IsUpper) {
		msg = "the English has Cyrillic letters that look like Latin ones: " + words[0]
	}
	return append(out, bitext.Finding{Kind: bitext.FindingUntranslated, Severity: sev, EN: strings.Join(shown, " "),
		Message: msg, Key: "untranslated:" + strings.ToLower(words[0])})
}

// inDomain reports whether the Cyrillic word at [i, j) belongs to a
// domain or URL (стопкоронавирус.рф, https://премияарсеньева.рф/).
func inDomain(s string, i, j int) bool {
	a, b := i, j
	// addresses are short: look no further than this
	lo, hi := max(0, i-256), min(len(s), j+256)
	for a > lo {
		r, w := utf8.DecodeLastRuneInString(s[:a])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '/' || r == ':') {
			break
		}
		a -= w
	}
	for b < hi {
		r, w := utf8.DecodeRuneInString(s[b:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '/' || r == ':') {
			break
		}
		b += w
	}
	t := strings.TrimRight(s[a:b], ".:/-")
	return strings.HasSuffix(t, ".рф") || strings.Contains(t, ".рф/") || strings.Contains(t, "://") || strings.HasPrefix(t, "www.")
}

// lookAlikeSign: a single Cyrillic х between digits (105х195) or С after
// a degree sign (°С).
func lookAlikeSign(s string, i, j int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	switch r {
	case 'х', 'Х':
		return i > 0 && isDigit(s[i-1]) && j < len(s) && isDigit(s[j])
	case 'С':
		return strings.HasSuffix(strings.TrimRight(s[:i], " "), "°")
	}
	return false
}
