// Package segment splits normalised text (LF line ends, NFC) into
// paragraphs and sentences and keeps the byte offsets of each.
//
// No library segments Russian well, so this is a rule layer of our own,
// tuned for Russian and English diplomatic prose (press releases,
// statements, transcripts) and for the page furniture that comes with it
// (menus, bullets, title lines, letterheads).
//
// A sentence ends at «.», «!», «?», «…» or «...» (with any closing quotes
// or brackets after them) that is followed by whitespace and then by
// something that can start a sentence: not a lower-case letter, not a
// comma, not an inline dash. A single full stop is then looked at more
// closely: abbreviations («г.», «т.е.», «Mr.», «etc.»), initials
// («А.В. Крутских», «A. Borodin»), numbered list items («1.») and numbers
// each have their own rule. Stops not followed by whitespace never end a
// sentence (decimals, dates, URLs, «А.В.Крутских», «U.S.»).
//
// A dash after a stop starts a new sentence when a capital follows it
// (direct speech: «… сообщили в МВД. - С травмами …») and goes on when
// lower case does («“Куда?” — спросил он»).
//
// Line breaks matter too: a blank line always ends a sentence; a line that
// starts a list item («–», «•», «1.», «а)», …), a Markdown heading or a
// rule («---», «* * *») is a sentence of its own; a line without final
// punctuation followed by a line that starts with a capital, a digit or a
// web address is a title line and ends there («Заявление МИД\nМосква
// приветствует …», «March 26, 2021\n18:20»), unless the line plainly
// continues: it ends in a hyphen, a dash or a word like «the» or «в», it is
// inside «**bold**», «*italics*» or parentheses, it and the next line are
// both in capitals, or the paragraph is hard-wrapped prose and the line
// runs to the wrap width. Hard-wrapped prose whose next line starts in
// lower case is always joined.
//
// Every non-whitespace byte of the input belongs to exactly one sentence;
// sentences are trimmed of (Unicode) whitespace and never overlap.
package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
)

// Segmenter splits text into sentences. Build it once with New; it only
// reads its tables, so one Segmenter is safe for concurrent use.
type Segmenter struct {
	abbr      map[bitext.Lang]map[string]abbrClass
	starters  map[string]bool
	function  map[string]bool
	maxParens int // longest parenthesis (bytes) inside which nothing splits
}

// New builds a Segmenter with the Russian and English rule tables.
func New() *Segmenter {
	s := &Segmenter{
		abbr: map[bitext.Lang]map[string]abbrClass{
			bitext.Russian: tables(bitext.Russian),
			bitext.English: tables(bitext.English),
			bitext.Unknown: tables(bitext.Unknown),
		},
		starters:  make(map[string]bool, len(starters)),
		function:  make(map[string]bool, len(functionWords)),
		maxParens: 400,
	}
	for _, w := range starters {
		s.starters[w] = true
	}
	for _, w := range functionWords {
		s.function[w] = true
	}
	return s
}

// Split returns the sentences of text as byte spans into text, in order,
// trimmed of whitespace, not overlapping, and together covering every
// non-whitespace byte. lang is bitext.Russian, bitext.English or
// bitext.Unknown; it picks the abbreviation table (Unknown and any other
// value use the union of both).
func (s *Segmenter) Split(text string, lang bitext.Lang) []bitext.Span {
	abbr, ok := s.abbr[lang]
	if !ok {
		abbr = s.abbr[bitext.Unknown]
	}
	sc := scanner{s: s, text: text, abbr: abbr, parenStart: -1, parenEnd: -1}
	sc.run()
	return spans(text, sc.cuts)
}

// Sentences returns the text of each sentence Split finds.
func (s *Segmenter) Sentences(text string, lang bitext.Lang) []string {
	sp := s.Split(text, lang)
	out := make([]string, len(sp))
	for i, x := range sp {
		out[i] = text[x.Start:x.End]
	}
	return out
}

// Paragraphs returns the paragraphs of a normalised text: blocks separated
// by one or more blank (whitespace-only) lines, each trimmed of surrounding
// whitespace. A Markdown heading line («# …» to «###### …») is a paragraph
// of its own even without blank lines around it.
func Paragraphs(text string) []bitext.Span {
	var out []bitext.Span
	add := func(a, b int) {
		if a, b = trim(text, a, b); a < b {
			out = append(out, bitext.Span{Start: a, End: b})
		}
	}
	block := -1 // start of the current block, -1 when between blocks
	for ls := 0; ; {
		le := strings.IndexByte(text[ls:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += ls
		}
		switch line := text[ls:le]; {
		case isBlank(line):
			if block >= 0 {
				add(block, ls)
				block = -1
			}
		case isHeading(line):
			if block >= 0 {
				add(block, ls)
				block = -1
			}
			add(ls, le)
		case block < 0:
			block = ls
		}
		if le == len(text) {
			break
		}
		ls = le + 1
	}
	if block >= 0 {
		add(block, len(text))
	}
	return out
}

// spans turns cut positions into trimmed, non-empty spans.
func spans(text string, cuts []int) []bitext.Span {
	out := make([]bitext.Span, 0, len(cuts)+1)
	prev := 0
	for k := 0; k <= len(cuts); k++ {
		c := len(text)
		if k < len(cuts) {
			c = cuts[k]
		}
		if a, b := trim(text, prev, c); a < b {
			out = append(out, bitext.Span{Start: a, End: b})
		}
		prev = c
	}
	return out
}

// trim narrows [a, b) to exclude leading and trailing Unicode whitespace.
func trim(text string, a, b int) (int, int) {
	for a < b {
		c := text[a]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			a++
			continue
		}
		if !mayBeSpace[c] {
			break
		}
		r, n := utf8.DecodeRuneInString(text[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		a += n
	}
	for b > a {
		c := text[b-1]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			b--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(text[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		b -= n
	}
	return a, b
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// interesting marks the bytes the scanner stops at; everything else is
// skipped in a tight loop. 0xE2 leads «…» (and dashes and quotes, which are
// skipped after a look).
var interesting = func() (t [256]bool) {
	for _, c := range []byte{'\n', '.', '!', '?', '(', '*', '_', 0xE2} {
		t[c] = true
	}
	return t
}()

const ellipsis = "…"

// scanner holds the state of one Split call.
type scanner struct {
	s    *Segmenter
	text string
	abbr map[string]abbrClass
	cuts []int // positions where a sentence ends (before the whitespace)
	last int   // the last cut, 0 at the start

	lineStart  int  // start of the line being scanned
	bold       bool // inside **…** or __…__
	em         bool // inside *…* or _…_
	paraStart  int  // start of the paragraph being scanned
	wrapEnd    int  // the paragraph wrapMax was measured for ends here
	wrapMax    int  // the longest line of that paragraph, in runes
	wrapStop   int  // where the last «.», «!», «?» or «…» of it is, or -1
	wrapped    bool // the paragraph shows signs of hard wrapping
	parenStart int  // a matched «(…)» spans [parenStart, parenEnd]
	parenEnd   int
}

func (sc *scanner) run() {
	text := sc.text
	n := len(text)
	for i := 0; i < n; {
		for i < n && !interesting[text[i]] {
			i++
		}
		if i >= n {
			break
		}
		switch c := text[i]; c {
		case '\n':
			i = sc.newline(i)
		case '.', '!', '?':
			i = sc.terminal(i)
		case 0xE2:
			if strings.HasPrefix(text[i:], ellipsis) {
				i = sc.terminal(i)
			} else {
				i++
			}
		case '(':
			sc.paren(i)
			i++
		case '*', '_':
			if i+1 < n && text[i+1] == c {
				sc.bold = !sc.bold
				i += 2
			} else {
				sc.emphasis(i)
				i++
			}
		default:
			i++
		}
	}
}

// emphasis opens or closes *…* or _…_ at i: an opening mark follows
// whitespace and precedes a non-space, a closing one the other way round;
// marks inside words («$f_NewsTitle») and bullets («* item») do nothing.
func (sc *scanner) emphasis(i int) {
	text := sc.text
	before, after := true, true // whitespace (or the edge) on each side
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		before = unicode.IsSpace(r) || unicode.IsPunct(r)
	}
	if i+1 < len(text) {
		r, _ := utf8.DecodeRuneInString(text[i+1:])
		after = unicode.IsSpace(r) || unicode.IsPunct(r)
	}
	switch {
	case before && !after:
		sc.em = true
	case !before && after:
		sc.em = false
	}
}

func (sc *scanner) cut(at int) {
	if at > sc.last {
		sc.cuts = append(sc.cuts, at)
		sc.last = at
	}
}

// paren records a short matched parenthesis starting at i: nothing inside
// it ends a sentence except a blank line or a list item.
func (sc *scanner) paren(i int) {
	if i <= sc.parenEnd {
		return // inside one already
	}
	text := sc.text
	limit := min(len(text), i+sc.s.maxParens)
	depth := 0
	for j := i; j < limit; j++ {
		switch text[j] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				sc.parenStart, sc.parenEnd = i, j
				return
			}
		case '\n':
			if k := skipSpace(text, j+1); k < len(text) && strings.Count(text[j:k], "\n") > 1 {
				return // a paragraph break: no match
			}
		}
	}
}

// inParens reports whether a boundary at b would fall inside the current
// matched parenthesis.
func (sc *scanner) inParens(b int) bool {
	return b > sc.parenStart && b <= sc.parenEnd
}

// terminal handles a run of sentence-final marks starting at i, with any
// closing quotes or brackets after it, and returns where scanning goes on.
func (sc *scanner) terminal(i int) int {
	text := sc.text
	n := len(text)
	e := i
	strong, closed := false, false
	dots, run := 0, 0
scan:
	for e < n {
		switch c := text[e]; {
		case c == '.':
			dots++
			run++
			if run >= 2 {
				strong = true // «...»
			}
			e++
			continue
		case c == '!' || c == '?':
			strong = true
			e++
		case strings.HasPrefix(text[e:], ellipsis):
			strong = true
			e += len(ellipsis)
		default:
			if k := closerLen(text, e); k > 0 {
				closed = true
				e += k
			} else {
				break scan
			}
		}
		run = 0
	}
	if e >= n {
		return e
	}
	if r, _ := utf8.DecodeRuneInString(text[e:]); !unicode.IsSpace(r) {
		return e // «3.5», «т.е.», «www.mid.ru», «А.В.Крутских»: no boundary
	}
	g := skipSpace(text, e)
	if g >= n {
		return e
	}
	newline := strings.IndexByte(text[e:g], '\n') >= 0
	if strings.Count(text[e:g], "\n") > 1 {
		sc.cut(e) // a blank line
		return e
	}
	if sc.inParens(e) {
		return e
	}
	nx := sc.next(g)
	switch {
	case nx.dash && !newline:
		return e // «“Куда?” — спросил он», «Stop! - he said»
	case nx.dashed && !(strong || closed || dots != 1):
		// after a single stop a dashed remark is a new sentence unless the
		// stop belongs to an abbreviation («2018 г. – Основы …»)
		if sc.plainStop(i) && sc.stopEnds(i, nx) {
			sc.cut(e)
		}
		return e
	case nx.lower || nx.cont:
		return e
	case strong || closed || dots != 1:
		sc.cut(e)
	case sc.stopEnds(i, nx):
		sc.cut(e)
	}
	return e
}

// plainStop reports whether the stop at i ends a plain word or a number,
// not an abbreviation, an initial or a single letter.
func (sc *scanner) plainStop(i int) bool {
	_, w := sc.wordBefore(i)
	if w == "" {
		return true
	}
	if f, _ := utf8.DecodeRuneInString(w); unicode.IsDigit(f) {
		return true
	}
	if utf8.RuneCountInString(w) == 1 || initials(w) {
		return false
	}
	var buf [64]byte
	_, known := sc.abbr[string(lower(buf[:0], w))]
	return !known
}

// closerLen returns the length of a closing quote or bracket at i, or 0.
func closerLen(text string, i int) int {
	switch text[i] {
	case '"', '\'', ')', ']':
		return 1
	}
	r, k := utf8.DecodeRuneInString(text[i:])
	switch r {
	case '»', '”', '’', '“', '›':
		return k
	}
	return 0
}

// nextInfo describes what follows a candidate boundary.
type nextInfo struct {
	upper, lower, digit bool
	dash                bool   // starts with a dash or hyphen
	cont                bool   // starts with «,», «;», «:» or a closer
	word                string // the first word, letters only
	initial             bool   // the first word is one letter with a stop
	dashed              bool   // a dash comes before it
}

// next looks at the text from g (a non-space position).
func (sc *scanner) next(g int) nextInfo {
	text := sc.text
	var nx nextInfo
	r, k := utf8.DecodeRuneInString(text[g:])
	if isDash(r) {
		// a dash before a capital opens direct speech or a new remark
		// («… МВД. - С травмами …»); before lower case it goes on
		// («“Куда?” — спросил он»). (Only one dash is looked past.)
		if h := skipSpace(text, g+k); h > g+k && h < len(text) {
			if r2, _ := utf8.DecodeRuneInString(text[h:]); !isDash(r2) {
				if after := sc.next(h); after.upper || after.digit {
					after.dashed = true
					return after
				}
			}
		}
		nx.dash = true
		return nx
	}
	switch r {
	case ',', ';', ':', ')', ']', '»', '”', '’', '›', '%':
		nx.cont = true
		return nx
	}
	if urlAt(text[g:]) || domainAt(text[g:]) {
		return nx // «… link:\nhttp://…», «… added. rus.err.ee wrote …»
	}
	// skip opening quotes, brackets and emphasis
	for isOpener(r) {
		g += k
		if g >= len(text) {
			return nx
		}
		r, k = utf8.DecodeRuneInString(text[g:])
	}
	switch {
	case unicode.IsUpper(r) || unicode.IsTitle(r):
		nx.upper = true
	case unicode.IsLower(r):
		nx.lower = true
	case unicode.IsDigit(r):
		nx.digit = true
	}
	if nx.upper || nx.lower {
		e := g
		for e < len(text) && e-g < 32 {
			r, k := utf8.DecodeRuneInString(text[e:])
			if !isLetter(r) {
				break
			}
			e += k
		}
		nx.word = text[g:e]
		nx.initial = e < len(text) && text[e] == '.' && utf8.RuneCountInString(nx.word) == 1
	}
	return nx
}

// urlAt reports whether s starts with a web address.
func urlAt(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "www.")
}

// domainAt reports whether s starts with a bare domain name such as
// «mid.ru» or «rus.err.ee»: ASCII labels joined by dots, the last one of
// two letters or more, followed by whitespace or the end.
func domainAt(s string) bool {
	dots, label := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-':
			label++
		case c == '.':
			if label == 0 {
				return false
			}
			dots++
			label = 0
		case c == ' ' || c == '\t' || c == '\n' || c == '/':
			return dots > 0 && label >= 2
		default:
			return false
		}
	}
	return dots > 0 && label >= 2
}

func isDash(r rune) bool {
	switch r {
	case '-', '–', '—', '‒', '―', '−':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '«', '"', '“', '„', '‘', '\'', '(', '[', '‹', '*', '_', '¿', '¡':
		return true
	}
	return false
}

// stopEnds decides whether the single full stop at i, followed by
// whitespace and then by nx (not lower case), ends a sentence.
func (sc *scanner) stopEnds(i int, nx nextInfo) bool {
	ws, w := sc.wordBefore(i)
	if w == "" {
		return true // «(OEWG). The», ««…». Next», «5%. Then»
	}
	first, _ := utf8.DecodeRuneInString(w)
	if unicode.IsDigit(first) {
		if listNumber(w) && sc.listPosition(ws) {
			return false // «1. Введение», «Повестка: 1. Открытие.»
		}
		return true // «in 2022. The», «п. 5. Далее»
	}
	if roman(w) && len(w) >= 2 && sc.listPosition(ws) {
		return false // «II. Основные положения»
	}
	// composite abbreviations written with a space: «т. е.», «и т. д.»
	if class, ok := sc.composite(ws, w); ok {
		return sc.byClass(class, ws, nx)
	}
	if ws > 0 {
		// a letter after a degree sign is a unit symbol: «+17°С.»
		if r, _ := utf8.DecodeLastRuneInString(sc.text[:ws]); r == '°' {
			return true
		}
	}
	if initials(w) && !sc.glued(ws) {
		// «А.В. Крутских», «A. Borodin», «the U.S. Army»; but a word that
		// cannot be a name ends the sentence: «in the U.S. The …»,
		// «подготовил Крутских А.В. Затем …», «Петров П.П. Документ …»
		if !nx.upper || nx.initial {
			return false
		}
		if sc.s.starters[nx.word] {
			return true
		}
		return surnameLike(sc.prevToken(ws)) && !surnameLike(nx.word)
	}
	var buf [64]byte
	key := lower(buf[:0], w)
	class, ok := sc.abbr[string(key)]
	if !ok {
		if utf8.RuneCountInString(w) == 1 && unicode.IsLower(first) {
			class = unit // «с. 25», «д. Петрово», «в 5 ч. Затем»
		} else {
			return true // an ordinary word
		}
	}
	switch string(key) {
	case "долл":
		if nx.word == "США" {
			return false // «2,4 млн долл. США»
		}
	case "co", "corp", "inc":
		switch nx.word {
		case "Ltd", "LLC", "Inc", "Limited", "KG", "AG", "GmbH":
			return false // «Zhuzhou Locomotive Co. Ltd.»
		}
	}
	return sc.byClass(class, ws, nx)
}

func (sc *scanner) byClass(class abbrClass, ws int, nx nextInfo) bool {
	switch class {
	case never:
		return false
	case unit:
		// «В 2022 г. МИД России …»: a sentence does not end after a
		// leading «В 2022 г.», «В декабре 2020 г.»
		return nx.upper && sc.prevIsNumber(sc.compoundStart(ws)) && !sc.leadingPhrase(ws)
	case starterFinal:
		return nx.upper && !nx.initial && sc.s.starters[nx.word]
	case final:
		return nx.upper
	case andFinal:
		return nx.upper && (sc.prevIsNumber(ws) || sc.prevToken(ws) == "и")
	}
	return true
}

// compoundStart returns where the whitespace-separated token holding the
// word at ws starts: «км/ч» for «ч», so that «150 км/ч.» counts as a unit
// after a number.
func (sc *scanner) compoundStart(ws int) int {
	text := sc.text
	j := ws
	for j > 0 && ws-j < 32 {
		r, k := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) || r == '(' || r == '«' || r == '"' || r == '“' {
			break
		}
		j -= k
	}
	return j
}

// leadingPhrase reports whether the sentence so far, up to ws, is a short
// phrase that starts with a preposition («В 2022», «В декабре 2020», «С
// 2019–2021»): a sentence cannot end there.
func (sc *scanner) leadingPhrase(ws int) bool {
	if ws-sc.last > 64 {
		return false
	}
	words := strings.Fields(sc.text[sc.last:ws])
	if len(words) == 0 || len(words) > 3 {
		return false
	}
	switch words[0] {
	case "В", "Во", "С", "Со", "К", "До", "После", "На", "За", "От", "По", "Около", "Между", "С начала", "In", "On", "At", "By", "Since", "From", "Until", "Before", "After", "During":
		return true
	}
	return false
}

// surnameLike reports whether w looks like a Russian surname in any case
// («Петров», «Петровым», «Крутских», «Сыромолотова», «Шойгу» does not).
func surnameLike(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.Is(unicode.Cyrillic, r) || !unicode.IsUpper(r) || utf8.RuneCountInString(w) < 4 {
		return false
	}
	for _, suf := range surnameEndings {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

var surnameEndings = []string{
	"ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ина", "ына", "овым", "евым",
	"иным", "ыным", "ову", "еву", "ину", "овой", "евой", "иной", "ого",
	"ский", "цкий", "ская", "цкая", "ского", "цкого", "ским", "цким", "ых",
	"их", "енко", "ук", "юк", "ян", "янц", "дзе", "швили", "ман", "берг",
	"штейн", "ович", "евич",
}

// glued reports whether the word at ws follows a non-space character that
// cannot come before an initial («+17°С.», «5С.»).
func (sc *scanner) glued(ws int) bool {
	if ws == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(sc.text[:ws])
	return !(unicode.IsSpace(r) || isOpener(r) || r == '-' || r == '—' || r == '–')
}

// composite looks up «т. е.»-style abbreviations: w is a short word after a
// short token that ends in a stop, separated by whitespace.
func (sc *scanner) composite(ws int, w string) (abbrClass, bool) {
	if len(w) > 4 || strings.IndexByte(w, '.') >= 0 {
		return 0, false
	}
	p := sc.prevToken(ws)
	if len(p) < 2 || len(p) > 5 || p[len(p)-1] != '.' {
		return 0, false
	}
	var buf [16]byte
	key := lower(buf[:0], p)
	key = lower(key, w)
	class, ok := sc.abbr[string(key)]
	return class, ok
}

// wordBefore returns the word that ends at i (letters, digits, inner stops,
// hyphens, apostrophes) and where it starts.
func (sc *scanner) wordBefore(i int) (int, string) {
	text := sc.text
	j := i
	for j > 0 && i-j < 64 {
		r, k := utf8.DecodeLastRuneInString(text[:j])
		if !(isLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '\'' || r == '’' || r == '‐') {
			break
		}
		j -= k
	}
	// a word never starts with a stop or an apostrophe: «…».
	for j < i && (text[j] == '.' || text[j] == '\'' || text[j] == '-') {
		j++
	}
	return j, text[j:i]
}

// prevToken returns the whitespace-separated token before position ws.
func (sc *scanner) prevToken(ws int) string {
	_, t := sc.tokenBefore(ws)
	return t
}

// tokenStart returns where the token before ws starts.
func (sc *scanner) tokenStart(ws int) int {
	j, _ := sc.tokenBefore(ws)
	return j
}

// tokenBefore returns the whitespace-separated token before position ws
// and where it starts; "" when ws is glued to what precedes it.
func (sc *scanner) tokenBefore(ws int) (int, string) {
	text := sc.text
	j := ws
	for j > 0 {
		r, k := utf8.DecodeLastRuneInString(text[:j])
		if !unicode.IsSpace(r) {
			break
		}
		j -= k
	}
	if j == ws && ws > 0 {
		return ws, "" // glued to something: «(г.»
	}
	e := j
	for j > 0 && e-j < 32 {
		r, k := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) {
			break
		}
		j -= k
	}
	return j, text[j:e]
}

// prevIsNumber reports whether the token before ws is a number, a range of
// numbers, a number with a suffix («1990-х») or a Roman numeral («XX в.»).
func (sc *scanner) prevIsNumber(ws int) bool {
	_, t := sc.tokenBefore(ws)
	if multiplier(t) { // «3,5 млрд руб.», «5 тыс. долл.»
		_, t = sc.tokenBefore(sc.tokenStart(ws))
	}
	if t == "" || strings.ContainsAny(t[len(t)-1:], ",;:") {
		return false // «350000, г. Краснодар»
	}
	f, _ := utf8.DecodeRuneInString(t)
	l, _ := utf8.DecodeLastRuneInString(t)
	return unicode.IsDigit(f) || unicode.IsDigit(l) || roman(t)
}

// multiplier reports whether t is «тыс», «млн», «млрд», «трлн», «кв»,
// «куб», with or without a stop, or the English «million», «bn», «sq» and
// the like: a unit after it still follows a number («40 кв. м.»).
func multiplier(t string) bool {
	switch strings.TrimSuffix(t, ".") {
	case "тыс", "млн", "млрд", "трлн", "кв", "куб", "million", "billion", "trillion", "thousand", "mln", "bn", "sq", "cu":
		return true
	}
	return false
}

// listPosition reports whether a number or numeral at ws stands where a
// list item number stands: at the start of a line or sentence, or after a
// colon.
func (sc *scanner) listPosition(ws int) bool {
	text := sc.text
	j := ws
	for j > 0 {
		r, k := utf8.DecodeLastRuneInString(text[:j])
		if r == '\n' {
			return true
		}
		if !unicode.IsSpace(r) {
			// «Повестка: 1. Открытие», not «счет 1:2.»
			return (r == ':' && j < ws) || j <= sc.last
		}
		j -= k
	}
	return true
}

// newline handles the line break at i and returns where scanning goes on.
func (sc *scanner) newline(i int) int {
	text := sc.text
	g := skipSpace(text, i)
	nl := strings.LastIndexByte(text[i:g], '\n') + i
	defer func() { sc.lineStart = nl + 1 }()
	if g >= len(text) {
		return g
	}
	if nl > i { // a blank line: a paragraph break
		sc.cut(i)
		sc.bold, sc.em = false, false
		sc.paraStart = nl + 1
		return g
	}
	cur := text[sc.lineStart:i]
	if strings.TrimSpace(cur) == "" {
		return g
	}
	nextLine := text[g:]
	if e := strings.IndexByte(nextLine, '\n'); e >= 0 {
		nextLine = nextLine[:e]
	}
	switch {
	case isHeading(cur) || isRule(cur) || isHeading(nextLine) || isRule(nextLine) || listMarker(nextLine):
		sc.cut(i)
	case sc.endsTerminal(i):
		// the stop before the break has been decided by terminal
	case sc.titleLine(i, g, cur, nextLine):
		sc.cut(i)
	}
	return g
}

// endsTerminal reports whether the line before i ends with sentence-final
// punctuation (possibly inside closing quotes or brackets).
func (sc *scanner) endsTerminal(i int) bool {
	text := sc.text
	j := i
	for j > sc.lineStart {
		r, k := utf8.DecodeLastRuneInString(text[:j])
		switch {
		case r == '.' || r == '!' || r == '?' || r == '…':
			return true
		case unicode.IsSpace(r):
		case closerLen(text, j-k) > 0:
		default:
			return false
		}
		j -= k
	}
	return false
}

// titleLine decides whether a line without final punctuation ends a
// sentence: it does when the next line starts with a capital, a digit or a
// symbol, unless the line plainly goes on.
func (sc *scanner) titleLine(i, g int, cur, nextLine string) bool {
	if sc.bold || sc.em || sc.inParens(i) {
		return false
	}
	if nx := sc.next(g); nx.lower || nx.cont || nx.dash {
		return false
	}
	cur = strings.TrimRightFunc(cur, unicode.IsSpace)
	last, _ := utf8.DecodeLastRuneInString(cur)
	switch last {
	case '-', '‐', '–', '—', '&', '/', '+', '(', '[', '«', '„', '=', '\\':
		return false
	}
	if unicode.IsLetter(last) {
		j := len(cur)
		for j > 0 {
			r, k := utf8.DecodeLastRuneInString(cur[:j])
			if !unicode.IsLetter(r) && r != '-' {
				break
			}
			j -= k
		}
		if w := cur[j:]; len(w) <= 24 {
			var buf [32]byte
			if sc.s.function[string(lower(buf[:0], w))] {
				return false
			}
		}
	}
	if allCaps(cur) {
		// one heading in capitals over several lines, or a heading in
		// capitals over the text
		return !allCaps(nextLine)
	}
	if sc.fullLine(i, cur) && sc.wrapped && sc.wrapStop > g {
		// hard-wrapped prose: «… Рабочей группы\nООН …», with a sentence
		// end further on (a long title over a date line has none)
		return false
	}
	return true
}

// fullLine reports whether the line cur, ending at i, is as long as the
// lines of a hard-wrapped paragraph: at least 70% of the paragraph's
// longest line, which has 50 runes or more. (Whether the paragraph is
// hard-wrapped at all is sc.wrapped.)
func (sc *scanner) fullLine(i int, cur string) bool {
	if i >= sc.wrapEnd {
		sc.measure()
	}
	n := utf8.RuneCountInString(strings.TrimSpace(cur))
	return sc.wrapMax >= 50 && n*10 >= sc.wrapMax*7
}

// measure finds the longest line of the paragraph that starts at
// paraStart (up to the next blank line), its last sentence-final mark, and
// whether it is hard-wrapped: a line without final punctuation continues
// in lower case on the next one, or two or more lines before the last run
// to nearly the full width without final punctuation.
func (sc *scanner) measure() {
	text := sc.text
	sc.wrapMax, sc.wrapStop, sc.wrapped = 0, -1, false
	type lineInfo struct {
		n        int  // runes, trimmed
		terminal bool // ends with final punctuation
	}
	var lines []lineInfo
	ls := sc.paraStart
	for ls < len(text) {
		le := strings.IndexByte(text[ls:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += ls
		}
		line := text[ls:le]
		if isBlank(line) {
			break
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(line)); n > sc.wrapMax {
			sc.wrapMax = n
		}
		if k := strings.LastIndexAny(line, ".!?…"); k >= 0 {
			sc.wrapStop = ls + k
		}
		t := strings.TrimSpace(line)
		if len(lines) > 0 && !lines[len(lines)-1].terminal && !sc.wrapped {
			if r, _ := utf8.DecodeRuneInString(strings.TrimLeft(t, "«\"“„'(*_")); unicode.IsLower(r) && !listMarker(t) {
				sc.wrapped = true
			}
		}
		lines = append(lines, lineInfo{n: utf8.RuneCountInString(t), terminal: endsWithStop(t)})
		ls = le + 1
	}
	sc.wrapEnd = ls
	if !sc.wrapped && len(lines) >= 3 {
		full := 0
		for _, l := range lines[:len(lines)-1] {
			if !l.terminal && l.n*100 >= sc.wrapMax*85 {
				full++
			}
		}
		sc.wrapped = full >= 2
	}
}

// endsWithStop reports whether a trimmed line ends with final punctuation,
// possibly inside closing quotes or brackets.
func endsWithStop(t string) bool {
	for t != "" {
		r, k := utf8.DecodeLastRuneInString(t)
		switch {
		case r == '.' || r == '!' || r == '?' || r == '…':
			return true
		case closerLen(t, len(t)-k) > 0:
			t = t[:len(t)-k]
		default:
			return false
		}
	}
	return false
}

// listMarker reports whether a line starts with a list item marker: a
// bullet or dash and a space, «1.», «1)», «1.2.», «(1)», «а)», «(a)» or a
// Roman numeral of two letters or more with «.» or «)».
func listMarker(line string) bool {
	line = strings.TrimLeftFunc(line, unicode.IsSpace)
	if line == "" {
		return false
	}
	r, k := utf8.DecodeRuneInString(line)
	switch r {
	case '•', '·', '▪', '▫', '●', '○', '◦', '►', '▶', '■', '□', '➢', '➤', '✓', '✔', '‣', '⁃':
		return true
	case '-', '*', '+', '–', '—':
		return spaceAt(line, k)
	case '(':
		j := k
		for j < len(line) && j-k < 4 && line[j] >= '0' && line[j] <= '9' {
			j++
		}
		if j == k {
			r2, k2 := utf8.DecodeRuneInString(line[k:])
			if !unicode.IsLetter(r2) {
				return false
			}
			j = k + k2
		}
		return j < len(line) && line[j] == ')' && spaceAt(line, j+1)
	}
	if r >= '0' && r <= '9' {
		j := 0
		for {
			d := j
			for j < len(line) && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j == d || j-d > 3 || j >= len(line) {
				return false
			}
			if line[j] == ')' {
				return spaceAt(line, j+1)
			}
			if line[j] != '.' {
				return false
			}
			j++
			if spaceAt(line, j) {
				return true
			}
		}
	}
	if unicode.IsLetter(r) {
		if k < len(line) && line[k] == ')' {
			return spaceAt(line, k+1) // «а) …», «b) …»
		}
		j := 0
		for j < len(line) && strings.IndexByte("IVXLC", line[j]) >= 0 {
			j++
		}
		if j >= 2 && j < len(line) && (line[j] == '.' || line[j] == ')') {
			return spaceAt(line, j+1)
		}
	}
	return false
}

// spaceAt reports whether line has whitespace at i (or ends there).
func spaceAt(line string, i int) bool {
	if i >= len(line) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(line[i:])
	return unicode.IsSpace(r)
}

// isHeading reports whether a line is a Markdown ATX heading: up to three
// spaces, one to six «#», then a space or the end of the line.
func isHeading(line string) bool {
	j := 0
	for j < len(line) && j < 3 && line[j] == ' ' {
		j++
	}
	h := j
	for j < len(line) && line[j] == '#' {
		j++
	}
	if j == h || j-h > 6 {
		return false
	}
	return j == len(line) || line[j] == ' ' || line[j] == '\t'
}

// isRule reports whether a line is a horizontal rule or a separator:
// three or more «-», «*» or «_» (spaces allowed between them).
func isRule(line string) bool {
	var c byte
	count := 0
	for j := 0; j < len(line); j++ {
		switch b := line[j]; b {
		case ' ', '\t':
		case '-', '*', '_':
			if c != 0 && b != c {
				return false
			}
			c = b
			count++
		default:
			return false
		}
	}
	return count >= 3
}

func isBlank(line string) bool {
	for _, r := range line {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// allCaps reports whether s has at least two letters and no lower-case ones.
func allCaps(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// skipSpace returns the first non-space position at or after i.
func skipSpace(text string, i int) int {
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return i
			}
			i++
			continue
		}
		if !mayBeSpace[c] {
			return i
		}
		r, k := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += k
	}
	return i
}

// mayBeSpace marks the lead bytes of the non-ASCII whitespace runes
// (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000): any other lead byte
// starts a rune that is not whitespace.
var mayBeSpace = [256]bool{0xC2: true, 0xE1: true, 0xE2: true, 0xE3: true}

// isLetter is unicode.IsLetter with a fast path for ASCII and the basic
// Cyrillic block.
func isLetter(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	case 0x410 <= r && r <= 0x44F, r == 0x401, r == 0x451:
		return true
	}
	return unicode.IsLetter(r)
}

// listNumber reports whether w can number a list item: numbers of one to
// three digits joined by stops («1», «12», «1.2», «3.1.4»).
func listNumber(w string) bool {
	for _, part := range strings.Split(w, ".") {
		if len(part) == 0 || len(part) > 3 {
			return false
		}
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return true
}

// roman reports whether w is a Roman numeral (Latin letters, or the
// Cyrillic «Х» and «І» that Russian texts often use instead).
func roman(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		switch r {
		case 'I', 'V', 'X', 'L', 'C', 'D', 'M', 'Х', 'І':
		default:
			return false
		}
	}
	return true
}

// initials reports whether w is one capital letter or capitals joined by
// stops («А», «А.В», «U.S», «N»).
func initials(w string) bool {
	n := 0
	for _, part := range strings.Split(w, ".") {
		r, k := utf8.DecodeRuneInString(part)
		if k == 0 || k != len(part) || !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n > 0
}

// lower appends the lower-case form of s to buf.
func lower(buf []byte, s string) []byte {
	for _, r := range s {
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
	}
	return buf
}
