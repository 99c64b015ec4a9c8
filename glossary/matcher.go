package glossary

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/russian"
)

// Match is one occurrence of a glossary entry in Russian text.
type Match struct {
	ID      string `json:"id"`
	RU      string `json:"ru"`
	EN      string `json:"en"`
	Start   int    `json:"start"` // byte offsets into the text
	End     int    `json:"end"`
	Surface string `json:"surface"`
	// Nested is set for a shorter entry found inside a longer match;
	// Parent is then the index of that longer match in the result.
	Nested bool `json:"nested,omitempty"`
	Parent int  `json:"parent,omitempty"`
	entry  int  // index into the matcher's entries
}

// Entry returns the entry that matched, as the Matcher was built with it.
func (m *Matcher) Entry(mt Match) Entry { return m.entries[mt.entry] }

// maxGap is how many inserted words (abbreviations or words in
// parentheses) a multi-word term may contain in the text.
const maxGap = 4

// minStemRunes is the shortest stem the prefix filter looks for; shorter
// words are stemmed directly.
const minStemRunes = 3

// exactBit marks token keys that compare surfaces exactly (abbreviations);
// brkBit marks a word preceded by phrase punctuation inside the term (the
// comma in «цифрового развития, связи»).
const (
	exactBit = 1 << 31
	brkBit   = 1 << 30
)

// pattern is one way an entry is written in Russian (its lemma or a variant).
type pattern struct {
	entry int
	n     int    // number of words
	caps  []bool // first-letter case of each word, checked for case-sensitive entries
	// exclude marks a context in which the entry's term is not the entry
	// (Entry.ExcludeRU): matches of the entry inside it are dropped.
	exclude bool
}

// Matcher finds glossary entries in Russian text. It is safe for
// concurrent use once built.
type Matcher struct {
	entries  []Entry
	patterns []pattern

	stems map[string]uint32 // stem key → key id
	exact map[string]uint32 // exact surface → key id (with exactBit)

	edges  map[uint64]int32   // node<<32 | key → child node
	accept map[int32][]int32  // node → patterns ending there
	nodes  int32              // number of trie nodes
	forms  map[string][]int32 // one-word term forms (folded) → patterns
	maxLen int                // longest stem in bytes, bounds the prefix filter
	// short holds stems under minStemRunes runes of longer words
	// («азия» → «аз»), which the prefix filter checks separately.
	short    map[string]bool
	keyCache map[string][]uint32 // word → keys, used while building

	// stemmed memoizes the key of folded words that needed the stemmer
	// (the stemmer dominates matching time); bounded by maxStemmed.
	stemmed  sync.Map // string → uint32
	nStemmed atomic.Int64
	// excludes is set when some entry has excluded contexts.
	excludes bool
	// guarded holds one-word term forms that are common words of their
	// own (folded) → patterns: they match only after a preposition that
	// governs them (prepositionFor).
	guarded map[string][]int32
}

// maxStemmed bounds the memo of stemmed words (about 100 bytes each).
const maxStemmed = 1 << 20

// NewMatcher builds a matcher over the entries. Deprecated entries are
// left out: they describe terms that should no longer be imposed.
func NewMatcher(entries []Entry) (*Matcher, error) {
	m := &Matcher{
		stems:    make(map[string]uint32),
		exact:    make(map[string]uint32),
		edges:    make(map[uint64]int32),
		accept:   make(map[int32][]int32),
		forms:    make(map[string][]int32),
		nodes:    1,
		short:    make(map[string]bool),
		keyCache: make(map[string][]uint32),
	}
	for _, e := range entries {
		if e.Status == Deprecated {
			continue
		}
		idx := len(m.entries)
		m.entries = append(m.entries, e)
		terms := append([]string{e.RU}, e.RUVariants...)
		added := false
		for _, term := range terms {
			if m.addPattern(idx, term, e) {
				added = true
			}
		}
		if !added {
			return nil, fmt.Errorf("glossary entry %s: Russian term %q has no words", e.ID, e.RU)
		}
		for _, ctx := range e.ExcludeRU {
			if m.addPattern(idx, ctx, e) {
				m.patterns[len(m.patterns)-1].exclude = true
				m.excludes = true
			}
		}
	}
	m.keyCache = nil
	return m, nil
}

func (m *Matcher) addPattern(entry int, term string, e Entry) bool {
	toks := tokenize(nil, term)
	if len(toks) == 0 {
		return false
	}
	pid := int32(len(m.patterns))
	p := pattern{entry: entry, n: len(toks), caps: make([]bool, len(toks))}
	for i, t := range toks {
		p.caps[i] = firstUpper(term[t.start:t.end])
	}
	m.patterns = append(m.patterns, p)

	if first := term[toks[0].start:toks[0].end]; len(toks) == 1 && !e.Abbreviation && !abbrevShape(first) {
		for _, f := range wordForms(first) {
			m.forms[f] = append(m.forms[f], pid)
		}
		for _, f := range guardedForms(first) {
			if m.guarded == nil {
				m.guarded = make(map[string][]int32)
			}
			m.guarded[f] = append(m.guarded[f], pid)
		}
		return true
	}
	node := int32(0)
	for i, t := range toks {
		// The entry's abbreviation flag concerns its one-word terms
		// («ФСБ»); the words of a spelled-out variant («Федеральная
		// служба безопасности») inflect like any others.
		keys := m.patternKeys(term[t.start:t.end], e.Abbreviation && len(toks) == 1)
		var extra uint32
		if i > 0 && t.brk {
			extra = brkBit
		}
		child := int32(-1)
		for _, k := range keys {
			if c, ok := m.edges[uint64(node)<<32|uint64(k|extra)]; ok {
				child = c
				break
			}
		}
		if child < 0 {
			child = m.nodes
			m.nodes++
		}
		for _, k := range keys {
			ek := uint64(node)<<32 | uint64(k|extra)
			if _, ok := m.edges[ek]; !ok {
				m.edges[ek] = child
			}
		}
		node = child
	}
	m.accept[node] = append(m.accept[node], pid)
	return true
}

// patternKeys returns the keys a word of a term is matched by: its exact
// surface for an abbreviation, otherwise the stems of all its inflected
// forms (Snowball does not give every case of a word the same stem:
// «ассамблея» → «ассамбле», «ассамблеи» → «ассамбл»).
func (m *Matcher) patternKeys(w string, abbreviation bool) []uint32 {
	if abbreviation || abbrevShape(w) {
		id, ok := m.exact[w]
		if !ok {
			id = uint32(len(m.exact)+1) | exactBit
			m.exact[w] = id
		}
		return []uint32{id}
	}
	f := fold(w)
	if keys, ok := m.keyCache[f]; ok {
		return keys
	}
	var keys []uint32
	for _, form := range wordForms(f) {
		s := stem(form)
		id, ok := m.stems[s]
		if !ok {
			id = uint32(len(m.stems) + 1)
			m.stems[s] = id
			m.maxLen = max(m.maxLen, len(s))
			if n := utf8.RuneCountInString(s); n < minStemRunes && n < utf8.RuneCountInString(form) {
				m.short[s] = true
			}
		}
		if !slices.Contains(keys, id) {
			keys = append(keys, id)
		}
	}
	m.keyCache[f] = keys
	return keys
}

func stem(folded string) string {
	if utf8.RuneCountInString(folded) <= 2 {
		return folded
	}
	return russian.Stem(folded, true)
}

// abbrevEndings are the case endings Russian adds to an abbreviation read
// as a word: «МИДа», «МИДу», «МИДом», «МИДе».
var abbrevEndings = map[string]bool{"а": true, "у": true, "ом": true, "е": true, "ы": true, "ов": true, "ам": true, "ами": true, "ах": true}

// declinedAbbreviation splits «МИДом» into the abbreviation «МИД» when w is
// at least two capitals followed by a lower-case case ending.
func declinedAbbreviation(w string) (string, bool) {
	caps := 0
	for i, r := range w {
		if unicode.IsUpper(r) {
			caps++
			continue
		}
		if caps < 2 || !abbrevEndings[w[i:]] {
			return "", false
		}
		return w[:i], true
	}
	return "", false
}

// Len returns the number of entries the matcher was built with.
func (m *Matcher) Len() int { return len(m.entries) }

// tokenInfo is what the matcher knows about one token of the text.
type tokenInfo struct {
	token
	exact, stem uint32
	declined    uint32 // exact key of «МИД» for «МИДом»
	gap         bool
	forms       []int32
}

// candidate is a pattern occurrence before overlaps are resolved.
type candidate struct {
	start, end  int // byte span
	first, last int // token indices, inclusive
	pattern     int32
}

// Match returns every entry occurring in text. Where occurrences overlap the
// longest wins; shorter entries lying inside it are reported as nested.
// Matches are ordered by start offset, outer before nested.
func (m *Matcher) Match(text string) []Match {
	toks := tokenize(make([]token, 0, len(text)/8+1), text)
	if len(toks) == 0 {
		return nil
	}
	infos := make([]tokenInfo, len(toks))
	var buf []byte
	for i, t := range toks {
		infos[i] = m.describe(text, t, &buf)
	}
	var cands []candidate
	for i := range infos {
		for _, pid := range infos[i].forms {
			if m.caseOK(text, infos[i:i+1], pid) {
				cands = append(cands, candidate{infos[i].start, infos[i].end, i, i, pid})
			}
		}
		cands = m.walk(text, infos, i, cands)
	}
	if m.guarded != nil {
		cands = m.guardedCandidates(text, infos, cands)
	}
	if m.excludes {
		cands = m.dropExcluded(cands)
	}
	return m.resolve(text, len(infos), cands)
}

// describe computes the keys of one token.
func (m *Matcher) describe(text string, t token, buf *[]byte) tokenInfo {
	w := text[t.start:t.end]
	ti := tokenInfo{token: t, gap: t.paren || gapShape(w)}
	if id, ok := m.exact[w]; ok {
		ti.exact = id
	}
	if base, ok := declinedAbbreviation(w); ok {
		ti.declined = m.exact[base]
	}
	var n int
	*buf, n = foldLower(*buf, w)
	low := *buf
	if len(m.forms) > 0 {
		ti.forms = m.forms[string(low)]
	}
	if len(m.stems) == 0 {
		return ti
	}
	if n <= minStemRunes {
		if n <= 2 {
			ti.stem = m.stems[string(low)]
		} else {
			ti.stem = m.stemKey(low)
		}
		return ti
	}
	// The Russian stem is always a prefix of the folded word: stem only
	// words that have some glossary stem as a prefix.
	hit := false
	for j := min(len(low), m.maxLen); j > 0; j-- {
		if j < len(low) && !utf8.RuneStart(low[j]) {
			continue
		}
		if j < 2*minStemRunes && utf8.RuneCount(low[:j]) < minStemRunes {
			break
		}
		if _, ok := m.stems[string(low[:j])]; ok {
			hit = true
			break
		}
	}
	if !hit && len(m.short) > 0 {
		for k, r := 0, 0; k < len(low) && r < minStemRunes-1; r++ {
			_, size := utf8.DecodeRune(low[k:])
			k += size
			if m.short[string(low[:k])] {
				hit = true
				break
			}
		}
	}
	if hit {
		ti.stem = m.stemKey(low)
	}
	return ti
}

// stemKey returns the key id of the stem of a folded word (0 if no term
// has that stem), memoized.
func (m *Matcher) stemKey(low []byte) uint32 {
	if id, ok := m.stemmed.Load(string(low)); ok {
		return id.(uint32)
	}
	w := string(low)
	id := m.stems[russian.Stem(w, true)]
	if m.nStemmed.Load() < maxStemmed {
		m.stemmed.Store(w, id)
		m.nStemmed.Add(1)
	}
	return id
}

// walk follows the trie from token i, appending the patterns that end on
// the way.
func (m *Matcher) walk(text string, infos []tokenInfo, i int, cands []candidate) []candidate {
	return m.walkFrom(text, infos, i, i, 0, 0, cands)
}

// walkFrom continues a walk that is at node after token j-1. A word that
// may be an inserted gap (an abbreviation, a word in parentheses) is tried
// both as a word of the term and as a gap.
func (m *Matcher) walkFrom(text string, infos []tokenInfo, i, j int, node int32, gaps int, cands []candidate) []candidate {
	for ; j < len(infos); j++ {
		t := &infos[j]
		next, ok := m.step(node, t, j > i && t.brk)
		// «МИДом» is also «МИД» with a case ending: follow that reading
		// too when it leads elsewhere («МИДом России»).
		if t.declined != 0 {
			var extra uint32
			if j > i && t.brk {
				extra = brkBit
			}
			if alt, found := m.edges[uint64(node)<<32|uint64(t.declined|extra)]; found && (!ok || alt != next) {
				for _, pid := range m.accept[alt] {
					if m.caseOK(text, infos[i:j+1], pid) {
						cands = append(cands, candidate{infos[i].start, t.end, i, j, pid})
					}
				}
				cands = m.walkFrom(text, infos, i, j+1, alt, gaps, cands)
			}
		}
		if j > i && t.gap && !t.brk && gaps < maxGap {
			if !ok {
				gaps++
				continue
			}
			cands = m.walkFrom(text, infos, i, j+1, node, gaps+1, cands)
		}
		if !ok {
			break
		}
		node = next
		for _, pid := range m.accept[node] {
			if m.caseOK(text, infos[i:j+1], pid) {
				cands = append(cands, candidate{infos[i].start, t.end, i, j, pid})
			}
		}
	}
	return cands
}

func (m *Matcher) step(node int32, t *tokenInfo, brk bool) (int32, bool) {
	var extra uint32
	if brk {
		extra = brkBit
	}
	if t.exact != 0 {
		if c, ok := m.edges[uint64(node)<<32|uint64(t.exact|extra)]; ok {
			return c, true
		}
	}
	if t.stem != 0 {
		if c, ok := m.edges[uint64(node)<<32|uint64(t.stem|extra)]; ok {
			return c, true
		}
	}
	return 0, false
}

// caseOK checks the first-letter case of each word for case-sensitive
// entries. Inserted gap words are skipped.
func (m *Matcher) caseOK(text string, span []tokenInfo, pid int32) bool {
	p := m.patterns[pid]
	if !m.entries[p.entry].CaseSensitive {
		return true
	}
	k := 0
	for _, t := range span {
		if k >= len(p.caps) {
			break
		}
		w := text[t.start:t.end]
		if firstUpper(w) != p.caps[k] {
			if t.gap && len(span) > len(p.caps) {
				continue
			}
			return false
		}
		k++
	}
	return k == len(p.caps)
}

// resolve picks the longest candidates as outer matches and keeps the
// shorter ones that lie inside them as nested. Candidates crossing the
// boundary of a longer one are dropped. It runs in time linear in the
// total length of the candidates.
//
// (dropExcluded has already removed the matches that lie in an excluded
// context of their entry, and the contexts themselves.)
func (m *Matcher) resolve(text string, ntok int, cands []candidate) []Match {
	if len(cands) == 0 {
		return nil
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if c := cmp.Compare(b.end-b.start, a.end-a.start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		return cmp.Compare(a.pattern, b.pattern)
	})
	type outer struct {
		candidate
		inner []candidate
	}
	var outers []outer
	owner := make([]int32, ntok) // token → 1 + index of the outer match covering it
	for _, c := range cands {
		o := owner[c.first]
		same := true
		for k := c.first + 1; k <= c.last; k++ {
			if owner[k] != o {
				same = false
				break
			}
		}
		switch {
		case !same:
			// crosses the boundary of a longer match
		case o == 0:
			outers = append(outers, outer{candidate: c})
			for k := c.first; k <= c.last; k++ {
				owner[k] = int32(len(outers))
			}
		default:
			outers[o-1].inner = append(outers[o-1].inner, c)
		}
	}
	slices.SortFunc(outers, func(a, b outer) int { return cmp.Compare(a.start, b.start) })
	out := make([]Match, 0, len(cands))
	for _, o := range outers {
		parent := len(out)
		pe := m.patterns[o.pattern].entry
		out = append(out, m.match(text, o.candidate, false, 0))
		slices.SortFunc(o.inner, func(a, b candidate) int {
			if c := cmp.Compare(a.start, b.start); c != 0 {
				return c
			}
			return cmp.Compare(b.end, a.end)
		})
		for k, c := range o.inner {
			e := m.patterns[c.pattern].entry
			if e == pe || slices.ContainsFunc(o.inner[:k], func(d candidate) bool {
				return d.start == c.start && d.end == c.end && m.patterns[d.pattern].entry == e
			}) {
				continue
			}
			out = append(out, m.match(text, c, true, parent))
		}
	}
	return out
}

func (m *Matcher) match(text string, c candidate, nested bool, parent int) Match {
	ei := m.patterns[c.pattern].entry
	e := &m.entries[ei]
	return Match{ID: e.ID, RU: e.RU, EN: e.EN, Start: c.start, End: c.end,
		Surface: text[c.start:c.end], Nested: nested, Parent: parent, entry: ei}
}

// dropExcluded removes the candidates of an entry that overlap one of its
// excluded contexts found in the text, and the contexts themselves.
func (m *Matcher) dropExcluded(cands []candidate) []candidate {
	var ctx []candidate
	for _, c := range cands {
		if m.patterns[c.pattern].exclude {
			ctx = append(ctx, c)
		}
	}
	if len(ctx) == 0 {
		return cands
	}
	out := cands[:0]
	for _, c := range cands {
		p := m.patterns[c.pattern]
		if p.exclude {
			continue
		}
		if slices.ContainsFunc(ctx, func(x candidate) bool {
			return m.patterns[x.pattern].entry == p.entry && c.start < x.end && x.start < c.end
		}) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// guardedCandidates adds the matches of guarded forms («после» of «посол»)
// that stand right after a preposition governing them («о после»).
func (m *Matcher) guardedCandidates(text string, infos []tokenInfo, cands []candidate) []candidate {
	for i := 1; i < len(infos); i++ {
		w := fold(text[infos[i].start:infos[i].end])
		pids, ok := m.guarded[w]
		if !ok {
			continue
		}
		prev := fold(text[infos[i-1].start:infos[i-1].end])
		if infos[i].brk || !slices.Contains(prepositionFor[w], prev) {
			continue
		}
		for _, pid := range pids {
			if m.caseOK(text, infos[i:i+1], pid) {
				cands = append(cands, candidate{infos[i].start, infos[i].end, i, i, pid})
			}
		}
	}
	return cands
}
