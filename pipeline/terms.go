package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/pipeline/translate"
)

// Glossary adapts the termbase to the translator (translate.Terms) and to
// the aligner (align.Dictionary), and keys translations by the entries that
// apply to each sentence.
type Glossary struct {
	matcher  *glossary.Matcher
	verifier *glossary.Verifier
	entries  map[string]glossary.Entry
	version  string
	// english holds the lower-cased English terms and variants of each
	// entry, for the aligner's target-side lookup, by their first word.
	english map[string][]englishForm
}

// englishForm is a lower-cased English term or variant of an entry.
type englishForm struct {
	id   string
	form string // from its first word on
}

// NewGlossary builds the adapter over the active entries.
func NewGlossary(entries []glossary.Entry) (*Glossary, error) {
	m, err := glossary.NewMatcher(entries)
	if err != nil {
		return nil, fmt.Errorf("build glossary matcher: %w", err)
	}
	g := &Glossary{matcher: m, verifier: glossary.NewVerifier(entries), entries: map[string]glossary.Entry{},
		version: glossary.Version(entries), english: map[string][]englishForm{}}
	for _, e := range entries {
		if e.Status == glossary.Deprecated {
			continue
		}
		g.entries[e.ID] = e
		for _, en := range append([]string{e.EN}, e.ENVariants...) {
			en = strings.ToLower(strings.TrimSpace(en))
			if start, end := nextWord(en, 0); start < end {
				w := en[start:end]
				g.english[w] = append(g.english[w], englishForm{id: e.ID, form: en[start:]})
			}
		}
	}
	return g, nil
}

// Version identifies the glossary's content.
func (g *Glossary) Version() string { return g.version }

// Len returns the number of active entries.
func (g *Glossary) Len() int { return len(g.entries) }

var _ translate.Terms = (*Glossary)(nil)

// Match finds the glossary entries in a Russian segment.
func (g *Glossary) Match(ru string) []translate.TermHit {
	ms := g.matcher.Match(ru)
	hits := make([]translate.TermHit, 0, len(ms))
	for _, m := range ms {
		e := g.entries[m.ID]
		hits = append(hits, translate.TermHit{ID: m.ID, Source: m.Surface, Term: m.RU, Target: m.EN,
			Forbidden: e.ForbiddenEN, Note: e.Note, Ref: m})
	}
	return hits
}

// Verify checks an English translation against the hits of its source.
func (g *Glossary) Verify(ru string, hits []translate.TermHit, en string) []bitext.Violation {
	ms := make([]glossary.Match, 0, len(hits))
	for _, h := range hits {
		if m, ok := h.Ref.(glossary.Match); ok {
			ms = append(ms, m)
		}
	}
	if len(ms) != len(hits) { // hits from elsewhere: match again
		ms = g.matcher.Match(ru)
	}
	return g.convert(g.verifier.Verify(ms, en), hits)
}

// Repair fixes forbidden renderings deterministically.
func (g *Glossary) Repair(en string, vs []bitext.Violation) (string, []bitext.Violation) {
	gv := make([]glossary.Violation, 0, len(vs))
	for _, v := range vs {
		if r, ok := v.Ref.(glossary.Violation); ok {
			gv = append(gv, r)
		}
	}
	fixed, left := g.verifier.Repair(en, gv)
	return fixed, g.convert(left, nil)
}

func (g *Glossary) convert(vs []glossary.Violation, hits []translate.TermHit) []bitext.Violation {
	out := make([]bitext.Violation, 0, len(vs))
	for _, v := range vs {
		src := ""
		for _, h := range hits {
			if h.ID == v.ID {
				src = h.Source
				break
			}
		}
		out = append(out, bitext.Violation{TermID: v.ID, Kind: string(v.Kind), Expected: v.Expected, Source: src, Found: v.Found, Ref: v})
	}
	return out
}

// Signature identifies the entries (and their versions) that apply to a
// segment: when it is unchanged, a glossary edit does not concern the
// segment.
func (g *Glossary) Signature(hits []translate.TermHit) string {
	if len(hits) == 0 {
		return ""
	}
	keys := make([]string, 0, len(hits))
	for _, h := range hits {
		// The entry's content (terms, variants, forbidden renderings,
		// flags), not its version: a change of its note or domain alone
		// changes no translation and must not send sentences to the model
		// again or miss the memory.
		e := g.entries[h.ID]
		keys = append(keys, h.ID+"@"+glossary.Version([]glossary.Entry{e}))
	}
	sort.Strings(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	return hex.EncodeToString(sum[:8])
}

// Concepts implements align.Dictionary: the ids of the entries found in a
// Russian sentence (source) or whose English term or variant occurs in an
// English one, from a word start on (source false).
func (g *Glossary) Concepts(text string, source bool) []string {
	if source {
		ms := g.matcher.Match(text)
		ids := make([]string, 0, len(ms))
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
		return ids
	}
	low := strings.ToLower(text)
	seen := map[string]bool{}
	var ids []string
	for start, end := nextWord(low, 0); start < end; start, end = nextWord(low, end) {
		for _, f := range g.english[low[start:end]] {
			if !seen[f.id] && strings.HasPrefix(low[start:], f.form) {
				seen[f.id] = true
				ids = append(ids, f.id)
			}
		}
	}
	sort.Strings(ids)
	return ids
}

// nextWord returns the byte span of the first run of letters and digits in
// s at or after from (start == end when there is none).
func nextWord(s string, from int) (start, end int) {
	start = len(s)
	for i, r := range s[from:] {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			start = from + i
			break
		}
	}
	end = start
	for i, r := range s[start:] {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return start, start + i
		}
		end = start + i + utf8.RuneLen(r)
	}
	return start, end
}

// Check finds the glossary entries of a Russian text and verifies an
// English one against them: the ids of the entries found, in order of first
// occurrence, and the violations left. Review checks edited pairs with it,
// the same check the run makes.
func (g *Glossary) Check(ru, en string) ([]string, []bitext.Violation) {
	hits := g.Match(ru)
	var ids []string
	for _, h := range hits {
		if !slices.Contains(ids, h.ID) {
			ids = append(ids, h.ID)
		}
	}
	return ids, g.Verify(ru, hits, en)
}

// TermSpan is a glossary term found in a text (byte offsets), for showing
// it: the entry, its required English, and whether the span is a rendering
// the entry forbids.
type TermSpan struct {
	Start, End int
	ID         string
	Term       string // the Russian entry (dictionary form)
	Required   string // the required English term
	Forbidden  bool   // an English rendering the entry forbids
}

// Spans returns where the glossary's entries occur in a Russian text and
// where the English has their required terms, allowed variants or forbidden
// renderings (case-insensitive, whole words). Spans do not overlap and are
// in order; of two overlapping spans the earlier, then the longer, wins.
func (g *Glossary) Spans(ru, en string) (ruSpans, enSpans []TermSpan) {
	var seen []string
	for _, m := range g.matcher.Match(ru) {
		if m.Nested {
			continue
		}
		ruSpans = append(ruSpans, TermSpan{Start: m.Start, End: m.End, ID: m.ID, Term: m.RU, Required: m.EN})
		if slices.Contains(seen, m.ID) {
			continue
		}
		seen = append(seen, m.ID)
		e := g.entries[m.ID]
		for _, f := range append([]string{e.EN}, e.ENVariants...) {
			enSpans = appendOccurrences(enSpans, en, f, TermSpan{ID: e.ID, Term: e.RU, Required: e.EN})
		}
		for _, f := range e.ForbiddenEN {
			enSpans = appendOccurrences(enSpans, en, f, TermSpan{ID: e.ID, Term: e.RU, Required: e.EN, Forbidden: true})
		}
	}
	return nonOverlapping(ruSpans), nonOverlapping(enSpans)
}

// appendOccurrences adds the whole-word, case-insensitive occurrences of
// form in text to spans, as copies of like.
func appendOccurrences(spans []TermSpan, text, form string, like TermSpan) []TermSpan {
	form = strings.TrimSpace(form)
	if form == "" {
		return spans
	}
	low, lf := strings.ToLower(text), strings.ToLower(form)
	if len(low) != len(text) { // a case change moved bytes: no safe offsets
		return spans
	}
	for from := 0; from < len(low); {
		i := strings.Index(low[from:], lf)
		if i < 0 {
			break
		}
		start, end := from+i, from+i+len(lf)
		if wordEdge(low, start, true) && wordEdge(low, end, false) {
			s := like
			s.Start, s.End = start, end
			spans = append(spans, s)
		}
		from = start + max(1, len(lf))
	}
	return spans
}

// wordEdge tells whether i in s is a word boundary: no letter or digit
// just before (before true) or at i.
func wordEdge(s string, i int, before bool) bool {
	var r rune
	if before {
		if i == 0 {
			return true
		}
		r, _ = utf8.DecodeLastRuneInString(s[:i])
	} else {
		if i >= len(s) {
			return true
		}
		r, _ = utf8.DecodeRuneInString(s[i:])
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func nonOverlapping(spans []TermSpan) []TermSpan {
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
	out := spans[:0]
	end := -1
	for _, s := range spans {
		if s.Start >= end {
			out = append(out, s)
			end = s.End
		}
	}
	return out
}
