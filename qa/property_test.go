package qa

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

// group writes digits in groups of three with sep.
func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

type rendering struct{ ru, en string }

// randomNumber writes one random number in Russian and English
// conventions.
func randomNumber(r *rand.Rand) rendering {
	intPart := strconv.FormatUint(r.Uint64N(10_000_000_000)>>uint(r.IntN(30)), 10)
	frac := ""
	if r.IntN(3) == 0 {
		frac = strconv.Itoa(1 + r.IntN(99))
	}
	ruSeps := []string{" ", "\u00a0", "\u2009", "\u202f"}
	scales := [][3]string{{"", "", ""}, {"тыс.", "thousand", ""}, {"млн", "million", "m"}, {"млрд", "billion", "bn"}, {"трлн", "trillion", "tn"}}
	sc := scales[0]
	if r.IntN(2) == 0 {
		sc = scales[1+r.IntN(4)]
		if len(intPart) > 3 {
			intPart = intPart[:3]
		}
	}
	ru := group(intPart, ruSeps[r.IntN(len(ruSeps))])
	en := group(intPart, ",")
	if frac != "" {
		ru += "," + frac
		en += "." + frac
	}
	if sc[0] != "" {
		ru += " " + sc[0]
		switch {
		case sc[2] != "" && r.IntN(2) == 0:
			en = "$" + en + sc[2]
		default:
			en += " " + sc[1]
		}
	}
	if sc[0] == "" && r.IntN(4) == 0 {
		ru += "%"
		if r.IntN(2) == 0 {
			en += "%"
		} else {
			en += " per cent"
		}
	}
	return rendering{ru, en}
}

// changeDigit replaces one digit of s by another.
func changeDigit(r *rand.Rand, s string) string {
	var at []int
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			at = append(at, i)
		}
	}
	i := at[r.IntN(len(at))]
	d := byte('0' + r.IntN(9))
	if d >= s[i] {
		d++
	}
	return s[:i] + string(d) + s[i+1:]
}

// TestPropertyNumbers: a number written in Russian convention and its
// English rendering always agree; changing one digit of the English is
// always an error.
func TestPropertyNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		a, b := randomNumber(r), randomNumber(r)
		ru := "По данным министерства, показатель составил " + a.ru + ", а затем " + b.ru + "."
		en := "According to the ministry, the figure was " + a.en + ", and then " + b.en + "."
		if fs := Check(ru, en); hasError(fs) {
			t.Fatalf("%q ↔ %q: %s", ru, en, show(fs))
		}
		bad := "According to the ministry, the figure was " + changeDigit(r, a.en) + ", and then " + b.en + "."
		fs := Check(ru, bad)
		found := false
		for _, f := range fs {
			found = found || (f.Kind == bitext.FindingNumber && f.Severity == bitext.SeverityError)
		}
		if !found {
			t.Fatalf("changed digit not found: %q ↔ %q: %s", ru, bad, show(fs))
		}
	}
}

var (
	ruMonthGen = []string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
	enMonthGen = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// TestPropertyDates: a date written the Russian way agrees with its
// English renderings; another day, month or year is an error.
func TestPropertyDates(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	enDate := func(d, m, y int) string {
		switch r.IntN(4) {
		case 0:
			return strconv.Itoa(d) + " " + enMonthGen[m] + " " + strconv.Itoa(y)
		case 1:
			return enMonthGen[m] + " " + strconv.Itoa(d) + ", " + strconv.Itoa(y)
		case 2:
			return "the " + strconv.Itoa(d) + ordSuffix(d) + " of " + enMonthGen[m] + " " + strconv.Itoa(y)
		}
		return strconv.Itoa(d) + ordSuffix(d) + " " + enMonthGen[m] + " " + strconv.Itoa(y)
	}
	for range 3000 {
		d, m, y := 1+r.IntN(28), r.IntN(12), 1990+r.IntN(40)
		ru := "Встреча состоялась " + strconv.Itoa(d) + " " + ruMonthGen[m] + " " + strconv.Itoa(y) + " г. в Москве."
		if r.IntN(3) == 0 {
			ru = "Встреча состоялась " + strconv.Itoa(d) + " " + ruMonthGen[m] + " " + strconv.Itoa(y) + " года в Москве."
		}
		en := "The meeting took place on " + enDate(d, m, y) + " in Moscow."
		if fs := Check(ru, en); hasError(fs) {
			t.Fatalf("%q ↔ %q: %s", ru, en, show(fs))
		}
		d2, m2, y2 := d, m, y
		switch r.IntN(3) {
		case 0:
			d2 = 1 + (d+r.IntN(27))%28
		case 1:
			m2 = (m + 1 + r.IntN(11)) % 12
		case 2:
			y2 = y + 1 + r.IntN(5)
		}
		bad := "The meeting took place on " + enDate(d2, m2, y2) + " in Moscow."
		fs := Check(ru, bad)
		found := false
		for _, f := range fs {
			found = found || ((f.Kind == bitext.FindingDate || f.Kind == bitext.FindingNumber) && f.Severity == bitext.SeverityError)
		}
		if !found {
			t.Fatalf("changed date not found: %q ↔ %q: %s", ru, bad, show(fs))
		}
	}
}

func ordSuffix(d int) string {
	switch {
	case d%10 == 1 && d != 11:
		return "st"
	case d%10 == 2 && d != 12:
		return "nd"
	case d%10 == 3 && d != 13:
		return "rd"
	}
	return "th"
}

// --- fuzzing ---

var fuzzSeeds = []string{
	"В 2021–2025 гг. выделено 2,5 млн рублей и 15 тыс. долларов.",
	"23 сентября 2021 г. состоялась встреча по резолюции № 75/240.",
	"On September 16-17, 2021, 1,000 people and $3bn; at 5:47 PM.",
	"На 76-й сессии ГА ООН в XXI веке, http://mid.ru/ru/1234, info@mid.ru, @MID_RF.",
	"16 100x185 см, 23.12.2024, 2024-12-23, 12/23/2024, 1,500, 1.000,5",
	"двух с половиной миллионов, twenty-five, two hundred and five, May 2020",
	"\xff\xfe 1 000\xa0000 ,,, ... 1-й 2nd",
}

func checkSpan(t *testing.T, text string, s bitext.Span, got string) {
	if s.Start < 0 || s.End > len(text) || s.Start > s.End {
		t.Fatalf("span %v outside text of %d bytes", s, len(text))
	}
	if text[s.Start:s.End] != got {
		t.Fatalf("span %v is %q, Text %q", s, text[s.Start:s.End], got)
	}
	if utf8.ValidString(text) && ((s.Start < len(text) && !utf8.RuneStart(text[s.Start])) || (s.End < len(text) && !utf8.RuneStart(text[s.End]))) {
		t.Fatalf("span %v cuts a character in %q", s, text)
	}
	if utf8.ValidString(text) && !utf8.ValidString(got) {
		t.Fatalf("span %v not valid UTF-8", s)
	}
}

func FuzzNumbers(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, lang := range []bitext.Lang{bitext.Russian, bitext.English} {
			for _, n := range Numbers(text, lang) {
				checkSpan(t, text, n.Span, n.Text)
				if n.Key == "" {
					t.Fatalf("number %q without a key", n.Text)
				}
			}
		}
	})
}

func FuzzDates(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, lang := range []bitext.Lang{bitext.Russian, bitext.English} {
			for _, d := range Dates(text, lang) {
				checkSpan(t, text, d.Span, d.Text)
				if d.Month < 1 || d.Month > 12 || d.Day < 0 || d.Day > 31 {
					t.Fatalf("date %+v out of range", d)
				}
			}
		}
	})
}

func FuzzCheck(f *testing.F) {
	for k, s := range fuzzSeeds {
		f.Add(s, fuzzSeeds[(k+2)%len(fuzzSeeds)])
	}
	f.Fuzz(func(t *testing.T, ru, en string) {
		fs := Check(ru, en)
		out := Doc([]Pair{{ru, en}, {en, ru}, {ru, ru}})
		fs = append(fs, out[0]...)
		for _, f := range fs {
			if f.Key == "" || f.Message == "" || (f.Severity != bitext.SeverityError && f.Severity != bitext.SeverityWarning) {
				t.Fatalf("malformed finding %+v", f)
			}
			if utf8.ValidString(ru) && utf8.ValidString(en) && (!utf8.ValidString(f.RU) || !utf8.ValidString(f.EN) || !utf8.ValidString(f.Message)) {
				t.Fatalf("invalid UTF-8 in %+v", f)
			}
		}
	})
}
