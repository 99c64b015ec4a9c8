package qa

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

// Date is a calendar date or part of one found in a text: a day and a
// month, a month and a year, all three, or a month alone («в сентябре»).
// A range of days («16-17 сентября», "September 16-17") gives one Date
// per day, all with the span of the whole expression.
type Date struct {
	Span  bitext.Span `json:"span"`
	Text  string      `json:"text"`
	Day   int         `json:"day,omitempty"`  // 1–31, 0 when absent
	Month int         `json:"month"`          // 1–12
	Year  int         `json:"year,omitempty"` // 0 when absent
	// Swap: a numeric date whose day and month may be read either way
	// (English 03/04/2021).
	Swap bool `json:"swap,omitempty"`

	yearNum int // index in the numbers of its year, -1 when none
}

// Key renders the date as in ISO 8601, with "-" for a missing year and
// no day when there is none: 2021-09-23, --09-23, 2021-09, --09.
func (d Date) Key() string {
	y := "-"
	if d.Year > 0 {
		y = fmt.Sprintf("%04d", d.Year)
	}
	if d.Day > 0 {
		return fmt.Sprintf("%s-%02d-%02d", y, d.Month, d.Day)
	}
	return fmt.Sprintf("%s-%02d", y, d.Month)
}

// Dates finds the dates of a text written in lang.
func Dates(text string, lang bitext.Lang) []Date {
	ru := lang == bitext.Russian
	return scanDates(text, ru, scanNumbers(text, ru))
}

var ruMonths = buildRuMonths()

var enMonths = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

// enMonthAbbr are abbreviations, months only beside a day or a year.
var enMonthAbbr = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var ruMonthAbbr = map[string]int{
	"янв": 1, "февр": 2, "фев": 2, "апр": 4, "авг": 8, "сент": 9, "сен": 9, "окт": 10, "нояб": 11, "ноя": 11, "дек": 12,
}

func buildRuMonths() map[string]int {
	m := map[string]int{}
	for stem, v := range map[string]int{"январ": 1, "феврал": 2, "апрел": 4, "июн": 6, "июл": 7, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12} {
		for _, e := range []string{"ь", "я", "е", "ю", "ём", "ем"} {
			m[stem+e] = v
		}
	}
	for stem, v := range map[string]int{"март": 3, "август": 8} {
		for _, e := range []string{"", "а", "е", "у", "ом"} {
			m[stem+e] = v
		}
	}
	for _, f := range []string{"май", "мая", "мае", "маю", "маем"} {
		m[f] = 5
	}
	return m
}

// words preceding "May" that make it a month
var mayContext = map[string]bool{"in": true, "of": true, "since": true, "until": true, "till": true, "by": true, "early": true,
	"late": true, "mid": true, "during": true, "from": true, "last": true, "next": true, "this": true, "before": true, "after": true, "through": true}

// scanDates finds dates around month names and numeric dates among nums,
// marking the numbers it takes Date.
func scanDates(s string, ru bool, nums []Number) []Date {
	var dates []Date
	// numeric dates
	for k := 0; k < len(nums); k++ {
		n := &nums[k]
		if !n.dotted || n.group != k {
			continue
		}
		e := k
		for e < len(nums) && nums[e].dotted && nums[e].group == k {
			e++
		}
		if e-k != 3 || nums[k].sep != nums[k+1].sep {
			k = e - 1
			continue
		}
		a, b, c := atoi(nums[k].Text), atoi(nums[k+1].Text), atoi(nums[k+2].Text)
		d := Date{Span: bitext.Span{Start: nums[k].Span.Start, End: nums[k+2].Span.End}, yearNum: -1}
		ok := false
		switch nums[k].sep {
		case '.':
			if len(nums[k+2].Text) == 4 && validDM(a, b) {
				d.Day, d.Month, d.Year, ok = a, b, c, true
			}
		case '/':
			if len(nums[k+2].Text) == 4 {
				switch {
				case ru && validDM(a, b):
					d.Day, d.Month, d.Year, ok = a, b, c, true
				case !ru && validDM(b, a):
					d.Day, d.Month, d.Year, ok = b, a, c, true
					d.Swap = validDM(a, b) && a != b
				case !ru && validDM(a, b):
					d.Day, d.Month, d.Year, ok = a, b, c, true
				}
			}
		case '-':
			if nums[k].year && validDM(c, b) {
				d.Day, d.Month, d.Year, ok = c, b, a, true
			}
		}
		if ok {
			d.Text = s[d.Span.Start:d.Span.End]
			for x := k; x < e; x++ {
				nums[x].Date = true
			}
			dates = append(dates, d)
		}
		k = e - 1
	}
	// month names
	ni := 0 // first number at or after the current word
	i := 0
	for i < len(s) {
		c := s[i]
		if c < 0x80 && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			i += w
			continue
		}
		j := i + w
		for j < len(s) {
			r2, w2 := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsLetter(r2) {
				break
			}
			j += w2
		}
		word := s[i:j]
		for ni < len(nums) && nums[ni].Span.Start < i {
			ni++
		}
		month, abbr := monthOf(word, ru)
		if month > 0 && (ru && r >= 0x80 || unicode.IsUpper(r)) {
			end := j
			if abbr && j < len(s) && s[j] == '.' {
				end = j + 1
			}
			ds := monthDate(s, ru, nums, ni, i, end, month, word, abbr)
			dates = append(dates, ds...)
		}
		i = j
	}
	return dates
}

func atoi(t string) int {
	v := 0
	for k := 0; k < len(t) && k < 9; k++ {
		v = v*10 + int(t[k]-'0')
	}
	return v
}

func validDM(d, m int) bool { return d >= 1 && d <= 31 && m >= 1 && m <= 12 }

func monthOf(word string, ru bool) (int, bool) {
	lw := lower(word)
	if ru {
		if m, ok := ruMonths[lw]; ok {
			return m, false
		}
		if m, ok := ruMonthAbbr[lw]; ok {
			return m, true
		}
		if word[0] < 'A' || word[0] > 'Z' {
			return 0, false
		}
		// an English date quoted in Russian text ("May 2020 Update")
	}
	if m, ok := enMonths[lw]; ok {
		return m, false
	}
	m, ok := enMonthAbbr[lw]
	return m, ok
}

// dayNumber reports whether n can be a day of a month.
func dayNumber(n *Number) bool {
	if n.Date || n.dotted || n.Word || n.Roman || n.Percent {
		return false
	}
	if !n.plain && !n.Ordinal {
		return false
	}
	if strings.ContainsAny(n.Key, ".") {
		return false
	}
	v := n.Value
	return v >= 1 && v <= 31 && len(strings.TrimLeft(digitsOnly(n.Text), "0")) <= 2
}

func digitsOnly(t string) string {
	e := digitsAt(t, 0)
	return t[:e]
}

// gap is the text between two offsets, trimmed and lower-cased.
func gap(s string, a, b int) string {
	if a > b {
		return "?"
	}
	return strings.ToLower(strings.TrimFunc(s[a:b], func(r rune) bool { return unicode.IsSpace(r) || groupSpace(r) }))
}

func isDashText(g string) bool {
	r, w := utf8.DecodeRuneInString(g)
	return w == len(g) && isDash(r)
}

// dayJoin: what may stand between two days of one month.
func dayJoin(g string, ru bool) bool {
	if isDashText(g) || g == "," || g == "/" {
		return true
	}
	if ru {
		return g == "и" || g == "по" || g == "или" || g == "до"
	}
	return g == "and" || g == "to" || g == "through" || g == "or" || g == "till" || g == "until" || g == "&"
}

// monthDate reads the days before or after a month word at [ms, me) and
// the year after it.
func monthDate(s string, ru bool, nums []Number, ni, ms, me, month int, word string, abbr bool) []Date {
	var days []int // indices into nums
	start, end := ms, me
	// days before the month: «23 сентября», "23rd of September"
	if ni > 0 {
		k := ni - 1
		g := gap(s, nums[k].Span.End, ms)
		if dayNumber(&nums[k]) && (g == "" || (!ru && (g == "of" || g == "of the"))) {
			days = append(days, k)
			for k > 0 && dayNumber(&nums[k-1]) && dayJoin(gap(s, nums[k-1].Span.End, nums[k].Span.Start), ru) {
				k--
				days = append(days, k)
			}
			start = nums[k].Span.Start
		}
	}
	next := ni
	for next < len(nums) && nums[next].Span.Start < me {
		next++
	}
	// days after the month: "September 23", "September 16-17"
	if len(days) == 0 && next < len(nums) && (!ru || word[0] < 0x80) {
		k := next
		g := gap(s, me, nums[k].Span.Start)
		if dayNumber(&nums[k]) && (g == "" || g == "the") && !nums[k].year {
			days = append(days, k)
			for k+1 < len(nums) && dayNumber(&nums[k+1]) && !nums[k+1].year && dayJoin(gap(s, nums[k].Span.End, nums[k+1].Span.Start), ru) {
				k++
				days = append(days, k)
			}
			end = nums[k].Span.End
			next = k + 1
		}
	}
	// the year
	year, yearNum := 0, -1
	if next < len(nums) && nums[next].year && !nums[next].Date {
		g := gap(s, end, nums[next].Span.Start)
		if g == "" || g == "," {
			yearNum = next
			year = atoi(nums[next].Text)
			end = nums[next].Span.End
		}
	}
	if len(days) == 0 && year == 0 {
		if abbr {
			return nil
		}
		if strings.EqualFold(word, "may") {
			pw := prevWord(s, ms)
			if !mayContext[strings.ToLower(pw)] || word != "May" {
				return nil
			}
		}
	}
	for _, k := range days {
		nums[k].Date = true
	}
	if yearNum >= 0 {
		nums[yearNum].Date = true
	}
	text := s[start:end]
	if len(days) == 0 {
		return []Date{{Span: bitext.Span{Start: start, End: end}, Text: text, Month: month, Year: year, yearNum: yearNum}}
	}
	slices.Sort(days)
	out := make([]Date, 0, len(days))
	for x := range days {
		out = append(out, Date{Span: bitext.Span{Start: start, End: end}, Text: text, Day: int(nums[days[x]].Value), Month: month, Year: year, yearNum: yearNum})
	}
	return out
}

// prevWord is the word before offset i (letters only), or "".
func prevWord(s string, i int) string {
	j := i
	for j > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:j])
		if unicode.IsLetter(r) {
			break
		}
		if !unicode.IsSpace(r) && r != '-' {
			return ""
		}
		j -= w
	}
	e := j
	for j > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:j])
		if !unicode.IsLetter(r) {
			break
		}
		j -= w
	}
	return s[j:e]
}
