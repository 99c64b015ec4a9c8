// Package langid detects the language of documents and their paragraphs
// with lingua-go, restricted to the configured languages (Russian and
// English by default).
//
// Build one Detector per process: it preloads the language models of the
// configured languages (about 95 MB for Russian and English) and is safe for
// concurrent use.
package langid

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
	"github.com/pemistahl/lingua-go"
)

// DefaultMinLetters is the number of letters below which a paragraph is too
// short to judge (an abbreviation, a date, a signature) and takes the
// language of its neighbours.
const DefaultMinLetters = 12

// dominantShare is the share of letters in one script above which that
// script alone decides between languages written in different scripts.
const dominantShare = 0.9

// Detector detects languages. The zero value is not usable; call New.
type Detector struct {
	langs      []bitext.Lang
	lingua     lingua.LanguageDetector // nil when only one language is configured
	toLang     map[lingua.Language]bitext.Lang
	script     map[string]bitext.Lang // script name → the only configured language written in it
	minLetters int
}

// Option configures a Detector.
type Option func(*Detector)

// WithMinLetters sets the letter count below which paragraphs inherit their
// neighbours' language.
func WithMinLetters(n int) Option { return func(d *Detector) { d.minLetters = n } }

// New builds a detector for the given ISO 639-1 codes ("ru", "en", ...);
// with none it uses Russian and English.
func New(codes []string, opts ...Option) (*Detector, error) {
	if len(codes) == 0 {
		codes = []string{"ru", "en"}
	}
	d := &Detector{toLang: map[lingua.Language]bitext.Lang{}, script: map[string]bitext.Lang{}, minLetters: DefaultMinLetters}
	for _, o := range opts {
		o(d)
	}
	var ls []lingua.Language
	scriptCount := map[string]int{}
	for _, c := range codes {
		c = strings.ToLower(strings.TrimSpace(c))
		l := lingua.GetLanguageFromIsoCode639_1(lingua.GetIsoCode639_1FromValue(strings.ToUpper(c)))
		if l == lingua.Unknown {
			return nil, fmt.Errorf("language %q: not an ISO 639-1 code lingua knows (try ru, en, uk, de, fr)", c)
		}
		if _, dup := d.toLang[l]; dup {
			continue
		}
		ls = append(ls, l)
		d.toLang[l] = bitext.Lang(c)
		d.langs = append(d.langs, bitext.Lang(c))
		s := scriptOf(l)
		scriptCount[s]++
		d.script[s] = bitext.Lang(c)
	}
	for s, n := range scriptCount {
		if n > 1 {
			delete(d.script, s) // the script alone does not decide
		}
	}
	if len(ls) >= 2 {
		// The models load on first use, and once per process: documents
		// whose paragraphs are each written in one script never need them
		// (the alphabet decides), and a run over them saves the ~0.5 s and
		// ~100 MB of heap the models cost, and the garbage collector's
		// scans of that heap.
		d.lingua = lingua.NewLanguageDetectorBuilder().FromLanguages(ls...).Build()
	}
	return d, nil
}

// Languages returns the configured languages.
func (d *Detector) Languages() []bitext.Lang { return append([]bitext.Lang(nil), d.langs...) }

func scriptOf(l lingua.Language) string {
	for _, c := range lingua.AllLanguagesWithCyrillicScript() {
		if c == l {
			return "Cyrillic"
		}
	}
	for _, c := range lingua.AllLanguagesWithLatinScript() {
		if c == l {
			return "Latin"
		}
	}
	return l.String()
}

// letterStats counts letters by script.
func letterStats(text string) (total, cyrillic, latin int) {
	for _, r := range text {
		switch {
		case r < 0x80:
			if (r|0x20) >= 'a' && (r|0x20) <= 'z' {
				total++
				latin++
			}
		case r >= 0x400 && r <= 0x4FF:
			if unicode.IsLetter(r) {
				total++
				cyrillic++
			}
		case unicode.IsLetter(r):
			total++
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				cyrillic++
			case unicode.Is(unicode.Latin, r):
				latin++
			}
		}
	}
	return
}

// Detect returns the language of one piece of text (a paragraph) and a
// confidence in [0, 1]. Text with fewer letters than the minimum is
// Unknown, as is text the detector cannot place. What does not vote is
// left out first (see votingText): URLs, e-mail addresses, code-like
// tokens and numbers always, quoted and bracketed spans when the rest of
// the paragraph has enough letters to judge.
func (d *Detector) Detect(text string) (bitext.Lang, float64) {
	v, total, cyr, lat := d.voting(text)
	if total < d.minLetters {
		return bitext.Unknown, 0
	}
	return d.judge(v, total, cyr, lat)
}

// Guess is Detect without the minimum length: it gives its best guess even
// for a single word (used when there are no neighbours to inherit from).
func (d *Detector) Guess(text string) (bitext.Lang, float64) {
	v, total, cyr, lat := d.voting(text)
	if total == 0 {
		return bitext.Unknown, 0
	}
	return d.judge(v, total, cyr, lat)
}

// voting returns the part of text that votes on its language and its
// letter counts. Text without Latin letters votes whole (no URL, address
// or code token can be in it, and the fast path keeps detection at a few
// µs); code and data (JSON, markup) have no prose to vote with.
func (d *Detector) voting(text string) (v string, total, cyr, lat int) {
	total, cyr, lat = letterStats(text)
	if lat == 0 {
		return text, total, cyr, lat
	}
	code := codeLike(text)
	v = votingText(text, false)
	total, cyr, lat = letterStats(v)
	if total >= d.minLetters || code {
		return v, total, cyr, lat
	}
	// Too little outside quotes and brackets (a paragraph that is one
	// quotation): the quoted text votes.
	v = votingText(text, true)
	total, cyr, lat = letterStats(v)
	return v, total, cyr, lat
}

func (d *Detector) judge(text string, total, cyr, lat int) (bitext.Lang, float64) {
	// One script and one configured language written in it: decided.
	if l, ok := d.script["Cyrillic"]; ok && cyr == total {
		return l, 1
	}
	if l, ok := d.script["Latin"]; ok && lat == total {
		return l, 1
	}
	// A paragraph with Russian words in it is Russian (when Russian is the
	// only configured language written in Cyrillic): whatever else it
	// holds, passing it through as English would copy Russian into the
	// translation. Tokens that mix the scripts (a homoglyph in an English
	// word) are not Russian words.
	if l, ok := d.script["Cyrillic"]; ok && cyr > 0 {
		if share := cyrillicWordShare(text, total); share > 0 {
			return l, 0.5 + 0.5*max(share, float64(cyr)/float64(total))
		}
	}
	// Nearly all letters in one such script: the alphabet still decides,
	// and the models are spared.
	if l, ok := d.script["Latin"]; ok && float64(lat) >= dominantShare*float64(total) {
		return l, float64(lat) / float64(total)
	}
	if l, ok := d.script["Cyrillic"]; ok && float64(cyr) >= dominantShare*float64(total) {
		return l, float64(cyr) / float64(total)
	}
	if d.lingua == nil {
		if len(d.langs) == 1 {
			return d.langs[0], 1
		}
		return bitext.Unknown, 0
	}
	vals := d.lingua.ComputeLanguageConfidenceValues(text)
	if len(vals) == 0 || vals[0].Value() == 0 {
		return bitext.Unknown, 0
	}
	l, ok := d.toLang[vals[0].Language()]
	if !ok {
		return bitext.Unknown, 0
	}
	return l, vals[0].Value()
}

// cyrillicWordShare returns the share of the letters of text that stand
// in words written wholly in Cyrillic (0 when there is no such word, or
// only one letter of it).
func cyrillicWordShare(text string, total int) float64 {
	if total == 0 {
		return 0
	}
	n := 0
	for _, tok := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '\'' }) {
		all, cyr, _ := letterStats(tok)
		if all > 0 && cyr == all {
			n += all
		}
	}
	if n < 2 {
		return 0 // a lone Cyrillic letter among Latin words is a homoglyph
	}
	return float64(n) / float64(total)
}

// votingText blanks out of text what must not vote on its language: URLs,
// e-mail addresses, tokens with digits or code characters (A/RES/75/240,
// snake_case, key=value, <tags>), and, unless keepQuoted, spans in quotes
// («…», „…“, “…”, "…") and brackets. Blanked spans become spaces.
func votingText(text string, keepQuoted bool) string {
	b := []byte(text)
	blank := func(from, to int) {
		for i := from; i < to; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	// Whitespace-separated tokens first.
	i := 0
	for i < len(text) {
		for i < len(text) && isSpaceByte(text[i]) {
			i++
		}
		j := i
		for j < len(text) && !isSpaceByte(text[j]) {
			j++
		}
		if j > i && !votes(text[i:j]) {
			blank(i, j)
		}
		i = j
	}
	if !keepQuoted {
		// Over what is left: a quote mark inside a blanked token (15",
		// key="…") must not pair with a real one further on.
		blankQuoted(string(b), blank)
	}
	return string(b)
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// votes reports whether a whitespace-separated token may vote: not a URL,
// not an e-mail address, not code, not a number or identifier.
func votes(tok string) bool {
	t := strings.Trim(tok, ".,;:!?)(»«\"'“”„[]")
	if t == "" {
		return true
	}
	lower := strings.ToLower(t)
	if strings.Contains(lower, "://") || strings.HasPrefix(lower, "www.") || strings.HasPrefix(lower, "mailto:") {
		return false
	}
	if strings.ContainsAny(t, "@_/\\=#{}<>|~`^$%&*+[]0123456789") {
		return false
	}
	// A domain name without a scheme (mid.ru, un.org/…): letters, dots,
	// no spaces, and a known-looking top-level part.
	if k := strings.LastIndexByte(lower, '.'); k > 0 && k < len(lower)-1 && !strings.ContainsAny(lower[k+1:], ".") {
		tld := lower[k+1:]
		if len(tld) >= 2 && len(tld) <= 4 && isASCIIWord(tld) && isASCIIWord(strings.ReplaceAll(lower[:k], ".", "")) {
			switch tld {
			case "ru", "com", "org", "net", "int", "gov", "edu", "info", "рф", "su", "uk", "de", "fr", "io", "ch", "by", "kz":
				return false
			}
		}
	}
	return true
}

func isASCIIWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// quotePairs are the opening and closing quotes and brackets whose
// content does not vote.
var quotePairs = [...][2]rune{{'«', '»'}, {'„', '“'}, {'“', '”'}, {'"', '"'}, {'(', ')'}, {'[', ']'}}

// blankQuoted calls blank for the content of every quoted or bracketed
// span of text (outermost spans; an unclosed quote blanks nothing).
func blankQuoted(text string, blank func(from, to int)) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		closer := rune(-1)
		for _, q := range quotePairs {
			if r == q[0] {
				closer = q[1]
				break
			}
		}
		if closer < 0 {
			i += size
			continue
		}
		// Find the matching closer, counting nested openers of the same
		// kind (guillemets nest: «… «…» …»).
		depth, j, end := 1, i+size, -1
		for j < len(text) {
			c, n := utf8.DecodeRuneInString(text[j:])
			if c == closer {
				depth--
				if depth == 0 {
					end = j
					break
				}
			} else if c == r && r != closer {
				depth++
			}
			j += n
		}
		if end < 0 {
			i += size
			continue
		}
		blank(i, end+utf8.RuneLen(closer))
		i = end + utf8.RuneLen(closer)
	}
}

// codeLike reports whether a paragraph reads as code or data (JSON, XML, a
// key=value list) rather than prose: it starts and ends with brackets, or
// code punctuation is a tenth of its visible characters.
func codeLike(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" {
		return false
	}
	if (t[0] == '{' && t[len(t)-1] == '}') || (t[0] == '[' && t[len(t)-1] == ']') || (t[0] == '<' && t[len(t)-1] == '>') {
		return true
	}
	visible, code := 0, 0
	for _, r := range t {
		if unicode.IsSpace(r) {
			continue
		}
		visible++
		if strings.ContainsRune("{}[]<>=;\"", r) {
			code++
		}
	}
	return code*10 >= visible
}

// Result is the language of a document and of each of its paragraphs.
type Result struct {
	Lang       bitext.Lang
	Confidence float64
	Paragraphs []ParagraphResult
}

// ParagraphResult is the language of one paragraph.
type ParagraphResult struct {
	Lang       bitext.Lang
	Confidence float64
	// Inherited is set when the paragraph was too short to judge and took
	// its neighbours' language.
	Inherited bool
	letters   int
}

// DetectDocument detects the language of each paragraph span of text and of
// the whole. Paragraphs too short to judge take the language of the nearest
// judged paragraph before them (or after them, at the start). A document
// whose judged paragraphs are in different languages is Mixed.
func (d *Detector) DetectDocument(text string, paras []bitext.Span) Result {
	res := Result{Paragraphs: make([]ParagraphResult, len(paras))}
	for i, p := range paras {
		t := text[p.Start:p.End]
		n, _, _ := letterStats(t)
		l, c := d.Detect(t)
		res.Paragraphs[i] = ParagraphResult{Lang: l, Confidence: c, letters: n}
	}
	inherit(res.Paragraphs)
	d.guardCyrillic(text, paras, res.Paragraphs)
	// Nothing judged at all: a short document. Guess from the whole text.
	allUnknown := true
	for _, p := range res.Paragraphs {
		if p.Lang != bitext.Unknown {
			allUnknown = false
			break
		}
	}
	if allUnknown {
		l, c := d.Guess(text)
		// Short text: never fully confident.
		c *= 0.5
		for i := range res.Paragraphs {
			if res.Paragraphs[i].letters > 0 {
				res.Paragraphs[i] = ParagraphResult{Lang: l, Confidence: c, Inherited: true, letters: res.Paragraphs[i].letters}
			}
		}
		res.Lang, res.Confidence = l, c
		return res
	}
	// Weigh the judged paragraphs by their letters.
	weight := map[bitext.Lang]float64{}
	confSum := map[bitext.Lang]float64{}
	for _, p := range res.Paragraphs {
		if p.Inherited || p.Lang == bitext.Unknown {
			continue
		}
		weight[p.Lang] += float64(p.letters)
		confSum[p.Lang] += p.Confidence * float64(p.letters)
	}
	var best bitext.Lang
	var total float64
	for l, w := range weight {
		total += w
		if best == "" || w > weight[best] || (w == weight[best] && l < best) {
			best = l
		}
	}
	if len(weight) > 1 {
		res.Lang = bitext.Mixed
		res.Confidence = weight[best] / total // share of the main language
		return res
	}
	res.Lang, res.Confidence = best, confSum[best]/weight[best]
	return res
}

// guardCyrillic makes the paragraphs of a document that has Russian in it
// (a paragraph judged Russian on its own) Russian when they hold any
// Cyrillic at all: such a document is translated, and a paragraph passed
// through as English would copy Russian into the translation (an English
// quotation of «МИБ», a JSON line with a Russian value, a short Russian
// line that took an English neighbour's language). Translating it costs a
// request; copying it through loses the text.
func (d *Detector) guardCyrillic(text string, paras []bitext.Span, ps []ParagraphResult) {
	ru, ok := d.script["Cyrillic"]
	if !ok {
		return
	}
	has := false
	for _, p := range ps {
		if p.Lang == ru && !p.Inherited {
			has = true
			break
		}
	}
	if !has {
		return
	}
	for i := range ps {
		if ps[i].Lang == ru {
			continue
		}
		total, cyr, _ := letterStats(text[paras[i].Start:paras[i].End])
		if cyr == 0 {
			continue
		}
		inherited := ps[i].Inherited || ps[i].Lang == bitext.Unknown
		ps[i].Lang, ps[i].Confidence = ru, 0.5+0.5*float64(cyr)/float64(total)
		ps[i].Inherited = inherited
	}
}

// inherit gives each Unknown paragraph the language of the nearest judged
// paragraph before it, or after it when there is none before.
func inherit(ps []ParagraphResult) {
	last := -1
	for i := range ps {
		if ps[i].Lang != bitext.Unknown {
			last = i
			continue
		}
		if last >= 0 {
			ps[i].Lang, ps[i].Confidence, ps[i].Inherited = ps[last].Lang, ps[last].Confidence, true
		}
	}
	next := -1
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].Lang != bitext.Unknown {
			if !ps[i].Inherited {
				next = i
			}
			continue
		}
		if next >= 0 {
			ps[i].Lang, ps[i].Confidence, ps[i].Inherited = ps[next].Lang, ps[next].Confidence, true
		}
	}
}
