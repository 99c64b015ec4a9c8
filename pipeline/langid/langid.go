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
// Unknown, as is text the detector cannot place.
func (d *Detector) Detect(text string) (bitext.Lang, float64) {
	total, cyr, lat := letterStats(text)
	if total < d.minLetters {
		return bitext.Unknown, 0
	}
	return d.judge(text, total, cyr, lat)
}

// Guess is Detect without the minimum length: it gives its best guess even
// for a single word (used when there are no neighbours to inherit from).
func (d *Detector) Guess(text string) (bitext.Lang, float64) {
	total, cyr, lat := letterStats(text)
	if total == 0 {
		return bitext.Unknown, 0
	}
	return d.judge(text, total, cyr, lat)
}

func (d *Detector) judge(text string, total, cyr, lat int) (bitext.Lang, float64) {
	// One script and one configured language written in it: decided.
	if l, ok := d.script["Cyrillic"]; ok && cyr == total {
		return l, 1
	}
	if l, ok := d.script["Latin"]; ok && lat == total {
		return l, 1
	}
	// Nearly all letters in one such script (a Russian paragraph with a
	// Latin name, an English one quoting «МИБ»): the alphabet still decides,
	// and the models are spared.
	if l, ok := d.script["Cyrillic"]; ok && float64(cyr) >= dominantShare*float64(total) {
		return l, float64(cyr) / float64(total)
	}
	if l, ok := d.script["Latin"]; ok && float64(lat) >= dominantShare*float64(total) {
		return l, float64(lat) / float64(total)
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
