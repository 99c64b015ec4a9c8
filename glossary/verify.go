package glossary

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ViolationKind says how an English translation breaks the glossary.
type ViolationKind string

// Violation kinds.
const (
	// Missing: the source has the entry more often than the English has its
	// required term or an allowed variant.
	Missing ViolationKind = "missing"
	// Forbidden: the English contains a rendering the glossary forbids.
	Forbidden ViolationKind = "forbidden"
)

// Violation is one way an English translation breaks the glossary.
type Violation struct {
	ID       string        `json:"id"`
	Kind     ViolationKind `json:"kind"`
	Expected string        `json:"expected"` // the required English term
	Found    string        `json:"found"`    // the forbidden rendering; empty when missing
	// Start and End locate a forbidden rendering in the English (bytes);
	// both are -1 for a missing term.
	Start int `json:"start"`
	End   int `json:"end"`
	// Want and Got count the occurrences for a missing term.
	Want int `json:"want,omitempty"`
	Got  int `json:"got,omitempty"`
}

func (v Violation) String() string {
	if v.Kind == Missing {
		return fmt.Sprintf("%s: missing %q (%d of %d)", v.ID, v.Expected, v.Got, v.Want)
	}
	return fmt.Sprintf("%s: forbidden %q at %d-%d, use %q", v.ID, v.Found, v.Start, v.End, v.Expected)
}

// enWord is one word of English text.
type enWord struct {
	start, end int    // byte span, a possessive 's included
	key        string // lower case, singular, possessive removed
	lower      string // lower case, possessive removed
	abbr       string // the surface without plural/possessive s when it is an abbreviation, else ""
	// apart is set when punctuation separates the word from the one before
	// it ("Defence, the Ministry"): no term runs across it.
	apart bool
}

// separates reports whether text between two words keeps them apart: any
// punctuation but a hyphen or an apostrophe.
func separates(gap string) bool {
	return strings.ContainsAny(gap, ",.;:!?()[]{}\"«»“”„/|…")
}

// articles are skipped between the words of an English term.
var articles = map[string]bool{"the": true, "a": true, "an": true}

// tokenizeEN splits English text into words; hyphens split words.
func tokenizeEN(text string) []enWord {
	var out []enWord
	prev := 0 // end of the previous word
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			i += size
		}
		end := i
		surface := text[start:end]
		// possessive 's / ’s
		if end < len(text) {
			q, qs := utf8.DecodeRuneInString(text[end:])
			if q == '\'' || q == '’' {
				rest := text[end+qs:]
				if len(rest) > 0 && (rest[0] == 's' || rest[0] == 'S') {
					after, _ := utf8.DecodeRuneInString(rest[1:])
					if len(rest) == 1 || !isWordRune(after) {
						end += qs + 1
						i = end
					}
				}
			}
		}
		out = append(out, enWord{start: start, end: end, key: enKey(surface), lower: "~" + strings.ToLower(surface), abbr: enAbbr(surface),
			apart: len(out) > 0 && separates(text[prev:start])})
		prev = end
	}
	return out
}

// enKey normalises an English word: lower case and singular.
func enKey(w string) string {
	w = strings.ToLower(w)
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "xes")):
		return w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:n-1]
	}
	return w
}

// enAbbr returns the abbreviation a word spells («ICTs» → «ICT») or "".
func enAbbr(w string) string {
	base := w
	if len(w) > 2 && w[len(w)-1] == 's' {
		base = w[:len(w)-1]
	}
	letters := 0
	for _, r := range base {
		switch {
		case unicode.IsUpper(r):
			letters++
		case unicode.IsDigit(r):
		default:
			return ""
		}
	}
	if letters < 2 && !(letters == 1 && len(base) > 1) {
		return ""
	}
	return base
}

// enPattern is one English rendering of an entry.
type enPattern struct {
	entry     int
	forbidden bool
	strict    bool     // forbidden word for word: it wins a tie with an allowed rendering
	keys      []string // per word: "=" + abbreviation, or the normalised word
	text      string
}

// Verifier checks English translations against the glossary. It is safe
// for concurrent use.
type Verifier struct {
	entries  []Entry
	byID     map[string]int
	patterns []enPattern
	// first indexes patterns by the key of their first word (one-word
	// patterns) or the keys of their first two words joined by a space.
	first map[string][]int32
	// owners counts the entries forbidding each rendering (by its keys);
	// only a rendering forbidden by a single entry is repaired.
	owners map[string]int
	// contained holds {outer, inner} entry pairs where an allowed rendering
	// of outer contains an allowed rendering of inner.
	contained map[[2]int]bool
	// renderings holds each entry's allowed renderings (their keys joined).
	renderings [][]string
}

// NewVerifier builds a verifier over the entries. A deprecated entry is
// not required; what it rendered becomes forbidden where a live entry
// applies to the same Russian term (a termbase's deprecated term: «МИБ»
// once rendered "IIS", now "international information security").
func NewVerifier(entries []Entry) *Verifier {
	v := &Verifier{byID: make(map[string]int), first: make(map[string][]int32), owners: make(map[string]int)}
	var deprecated []Entry
	for _, e := range entries {
		if e.Status == Deprecated {
			deprecated = append(deprecated, e)
			continue
		}
		v.byID[e.ID] = len(v.entries)
		v.entries = append(v.entries, e)
	}
	if len(deprecated) > 0 {
		live := make(map[string]int, len(v.entries))
		for i, e := range v.entries {
			live[fold(e.RU)] = i
		}
		for _, d := range deprecated {
			i, ok := live[fold(d.RU)]
			if !ok {
				continue
			}
			e := &v.entries[i]
			allowed := map[string]bool{}
			for _, t := range append([]string{e.EN}, e.ENVariants...) {
				allowed[strings.Join(enKeys(t, false), " ")] = true
			}
			extra := []string(nil)
			for _, t := range append([]string{d.EN}, d.ENVariants...) {
				if k := strings.Join(enKeys(t, false), " "); k != "" && !allowed[k] && !slices.Contains(e.ForbiddenEN, t) {
					extra = append(extra, t)
				}
			}
			if len(extra) > 0 {
				e.ForbiddenEN = append(slices.Clip(e.ForbiddenEN), extra...)
			}
		}
	}
	allowed := make(map[string]bool)
	v.renderings = make([][]string, len(v.entries))
	for idx, e := range v.entries {
		for _, t := range append([]string{e.EN}, e.ENVariants...) {
			if keys := enKeys(t, false); keys != nil {
				v.add(idx, t, keys, false)
				allowed[strings.Join(keys, " ")] = true
				v.renderings[idx] = append(v.renderings[idx], strings.Join(keys, " "))
			}
		}
	}
	// A forbidden rendering that differs from an allowed one only in
	// number ("Telecommunications" for "Telecommunication") is matched
	// word for word.
	for idx, e := range v.entries {
		for _, t := range e.ForbiddenEN {
			keys := enKeys(t, false)
			if keys == nil {
				continue
			}
			strict := allowed[strings.Join(keys, " ")]
			if strict {
				keys = enKeys(t, true)
			}
			v.add(idx, t, keys, true)
			v.patterns[len(v.patterns)-1].strict = strict
			v.owners[strings.Join(keys, " ")]++
		}
	}
	v.contained = make(map[[2]int]bool)
	for _, p := range v.patterns {
		if p.forbidden {
			continue
		}
		for _, o := range v.find(tokenizeEN(p.text)) {
			if q := v.patterns[o.pattern]; !q.forbidden && q.entry != p.entry {
				v.contained[[2]int{p.entry, q.entry}] = true
			}
		}
	}
	return v
}

// enKeys returns the keys of an English term: "=" + abbreviation,
// the normalised word, or with strict "~" + the lower-case word. Articles
// are dropped, except with strict: a word-for-word rendering is matched
// word for word, articles included, so that a forbidden "Security Council
// of Russian Federation" is not found in the required "Security Council of
// the Russian Federation".
func enKeys(term string, strict bool) []string {
	var keys []string
	for _, w := range tokenizeEN(term) {
		s := term[w.start:w.end]
		switch {
		case w.abbr != "" && abbrevShape(strings.TrimSuffix(s, "s")):
			keys = append(keys, "="+w.abbr)
		case strict:
			keys = append(keys, w.lower)
		case articles[w.key]:
		default:
			keys = append(keys, w.key)
		}
	}
	return keys
}

func (v *Verifier) add(entry int, term string, keys []string, forbidden bool) {
	v.patterns = append(v.patterns, enPattern{entry: entry, forbidden: forbidden, keys: keys, text: term})
	pid := int32(len(v.patterns) - 1)
	k := keys[0]
	if len(keys) > 1 && !articles[strings.TrimPrefix(keys[1], "~")] {
		k += " " + keys[1] // (the text's articles are skipped when looking up two words)
	}
	v.first[k] = append(v.first[k], pid)
}

// rank orders renderings that cover the same span: a word-for-word
// forbidden rendering, then an allowed one, then a forbidden one.
func (v *Verifier) rank(pid int32) int {
	switch p := v.patterns[pid]; {
	case p.strict:
		return 0
	case !p.forbidden:
		return 1
	}
	return 2
}

// occurrence is a pattern found in English text.
type occurrence struct {
	start, end int
	pattern    int32
}

// find returns every pattern occurrence in the words, before overlaps are
// resolved.
func (v *Verifier) find(ws []enWord) []occurrence {
	var out []occurrence
	try := func(i int, k string) {
		for _, pid := range v.first[k] {
			if end, ok := v.matchAt(ws, i, v.patterns[pid].keys); ok {
				out = append(out, occurrence{ws[i].start, end, pid})
			}
		}
	}
	for i := range ws {
		keys := wordKeys(&ws[i])
		next := i + 1
		for next < len(ws) && articles[ws[next].key] {
			next++
		}
		for _, k := range keys {
			if k == "" {
				continue
			}
			try(i, k)
			if next < len(ws) {
				for _, k2 := range wordKeys(&ws[next]) {
					if k2 != "" {
						try(i, k+" "+k2)
					}
				}
			}
		}
	}
	return out
}

// wordKeys lists the keys a word of text can match: normalised, lower
// case, abbreviation ("" when it is none).
func wordKeys(w *enWord) [3]string {
	k := [3]string{w.key, w.lower, ""}
	if w.abbr != "" {
		k[2] = "=" + w.abbr
	}
	return k
}

// matchAt matches keys against the words from i, skipping articles in the
// text between words, and returns the end offset of the last word.
func (v *Verifier) matchAt(ws []enWord, i int, keys []string) (int, bool) {
	j := i
	for k, key := range keys {
		// Articles of the text are skipped between the words of a term,
		// but not by a word-for-word ("~") one.
		for k > 0 && key[0] != '~' && j < len(ws) && articles[ws[j].key] && ws[j].key != key && !ws[j].apart {
			j++
		}
		if j >= len(ws) || (k > 0 && ws[j].apart) {
			return 0, false
		}
		w := ws[j]
		switch key[0] {
		case '=':
			if w.abbr != key[1:] {
				return 0, false
			}
		case '~':
			if w.lower != key {
				return 0, false
			}
		default:
			if w.key != key {
				return 0, false
			}
		}
		j++
	}
	return ws[j-1].end, true
}

// accept resolves overlapping occurrences: the longest wins; occurrences of
// allowed renderings may nest inside a longer allowed rendering, nothing
// nests inside a forbidden one. Ties go by rank, then to the entry found in
// the source.
func (v *Verifier) accept(occ []occurrence, inSource map[int]int) []occurrence {
	slices.SortFunc(occ, func(a, b occurrence) int {
		if c := cmp.Compare(b.end-b.start, a.end-a.start); c != 0 {
			return c
		}
		if c := cmp.Compare(v.rank(a.pattern), v.rank(b.pattern)); c != 0 {
			return c
		}
		// the same rendering for two entries: the one in the source wins
		sa, sb := inSource[v.patterns[a.pattern].entry] > 0, inSource[v.patterns[b.pattern].entry] > 0
		if sa != sb {
			if sa {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		return cmp.Compare(a.pattern, b.pattern)
	})
	var out []occurrence
	for _, o := range occ {
		ok := true
		for _, a := range out {
			if o.end <= a.start || o.start >= a.end {
				continue
			}
			inside := o.start >= a.start && o.end <= a.end
			if !inside || v.patterns[a.pattern].forbidden || v.patterns[o.pattern].forbidden ||
				v.patterns[a.pattern].entry == v.patterns[o.pattern].entry {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b occurrence) int { return cmp.Compare(a.start, b.start) })
	return out
}

// Verify checks the English translation of a Russian text whose glossary
// matches are given (as returned by a Matcher built from the same entries).
// Forbidden renderings of the entries found in the source are reported; each
// matched entry must have its required term or an allowed variant as many
// times as it occurs in the source. A nested match is not counted on its own
// when the English of its outer entry already contains it ("UN" in "UN
// Open-ended Working Group"). Violations are ordered: forbidden by
// position, then missing by entry id.
func (v *Verifier) Verify(matches []Match, english string) []Violation {
	want := make(map[int]int)
	var skipped []int // indices of nested matches honoured through their outer entry
	for mi, m := range matches {
		ei, ok := v.byID[m.ID]
		if !ok {
			continue
		}
		if m.Nested && m.Parent >= 0 && m.Parent < len(matches) {
			if pi, ok := v.byID[matches[m.Parent].ID]; ok && v.contains(pi, ei) {
				skipped = append(skipped, mi)
				continue
			}
		}
		want[ei]++
	}
	tokens := tokenizeEN(english)
	occ := v.accept(v.find(tokens), want)
	// A nested entry is honoured through its outer entry only when the
	// outer entry is rendered at all; when the outer entry is missing, the
	// nested entry must appear on its own («Совет Безопасности ООН» as
	// "the Security Council" lacks "UN"). An outer entry rendered in a
	// forbidden way is one violation of its own: the words inside that span
	// are not asked for again.
	if len(skipped) > 0 {
		seen := make(map[int]int)
		for _, o := range occ {
			seen[v.patterns[o.pattern].entry]++
		}
		added := false
		for _, ni := range skipped {
			n := matches[ni]
			// Honoured if any other entry whose Russian span holds this one
			// is rendered (the outer one, or one nested between them).
			held := false
			for qi, q := range matches {
				if qi == ni || q.Start > n.Start || q.End < n.End || q.End-q.Start <= n.End-n.Start {
					continue
				}
				if qe, ok := v.byID[q.ID]; ok && seen[qe] > 0 {
					held = true
					break
				}
			}
			if !held {
				want[v.byID[n.ID]]++
				added = true
			}
		}
		if added {
			occ = v.accept(v.find(tokens), want)
		}
	}
	// A forbidden rendering counts where its entry's concept is in the
	// source (the entry, or one with the same English): "information
	// security" is forbidden for «международная информационная
	// безопасность» but right for «информационная безопасность», "envoy"
	// wrong for «посол» but right for «посланник». An abbreviation that is
	// forbidden ("IIB") is wrong wherever it stands.
	inSource := make(map[int]bool, len(matches))
	concepts := make(map[string]bool)
	for _, m := range matches {
		if ei, ok := v.byID[m.ID]; ok && !inSource[ei] {
			inSource[ei] = true
			for _, r := range v.renderings[ei] {
				concepts[r] = true
			}
		}
	}
	counts := func(p enPattern) bool {
		if inSource[p.entry] || allAbbreviations(p.keys) {
			return true
		}
		for _, r := range v.renderings[p.entry] {
			if concepts[r] {
				return true
			}
		}
		return false
	}
	got := make(map[int]int)
	var out []Violation
	for _, o := range occ {
		p := v.patterns[o.pattern]
		got[p.entry]++
		if p.forbidden && counts(p) {
			e := v.entries[p.entry]
			out = append(out, Violation{ID: e.ID, Kind: Forbidden, Expected: e.EN,
				Found: english[o.start:o.end], Start: o.start, End: o.end})
		}
	}
	var missing []Violation
	for ei, n := range want {
		if g := got[ei]; g < n {
			e := v.entries[ei]
			missing = append(missing, Violation{ID: e.ID, Kind: Missing, Expected: e.EN, Start: -1, End: -1, Want: n, Got: g})
		}
	}
	slices.SortFunc(missing, func(a, b Violation) int { return cmp.Compare(a.ID, b.ID) })
	return append(out, missing...)
}

// allAbbreviations reports whether every key is an abbreviation's.
func allAbbreviations(keys []string) bool {
	for _, k := range keys {
		if !strings.HasPrefix(k, "=") {
			return false
		}
	}
	return len(keys) > 0
}

// contains reports whether some allowed rendering of entry outer contains
// an allowed rendering of entry inner.
func (v *Verifier) contains(outer, inner int) bool { return v.contained[[2]int{outer, inner}] }

// Repair replaces each forbidden rendering that only one entry forbids by
// that entry's required term, and returns the repaired text with the
// violations it could not repair (offsets moved to the repaired text). It
// is deterministic; missing terms are left to the caller (the translation
// step asks the model again).
func (v *Verifier) Repair(english string, violations []Violation) (string, []Violation) {
	var fix, rest []Violation
	for _, vi := range violations {
		if vi.Kind == Forbidden && v.repairable(english, vi) {
			fix = append(fix, vi)
		} else {
			rest = append(rest, vi)
		}
	}
	slices.SortFunc(fix, func(a, b Violation) int { return cmp.Compare(a.Start, b.Start) })
	var b strings.Builder
	type shift struct{ at, delta int }
	var shifts []shift
	pos := 0
	for _, f := range fix {
		if f.Start < pos {
			rest = append(rest, f) // overlaps a repair already made
			continue
		}
		b.WriteString(english[pos:f.Start])
		repl := f.Expected
		if startsSentence(english, f.Start) && firstUpper(f.Found) {
			repl = capitalize(repl)
		}
		b.WriteString(repl)
		shifts = append(shifts, shift{f.End, len(repl) - (f.End - f.Start)})
		pos = f.End
	}
	b.WriteString(english[pos:])
	for i := range rest {
		if rest[i].Start < 0 {
			continue
		}
		d := 0
		for _, s := range shifts {
			if s.at <= rest[i].Start {
				d += s.delta
			}
		}
		rest[i].Start += d
		rest[i].End += d
	}
	return b.String(), rest
}

func (v *Verifier) repairable(english string, vi Violation) bool {
	if vi.Start < 0 || vi.End > len(english) || vi.Start > vi.End || english[vi.Start:vi.End] != vi.Found {
		return false
	}
	if _, ok := v.byID[vi.ID]; !ok || vi.Expected == "" {
		return false
	}
	loose, strict := strings.Join(enKeys(vi.Found, false), " "), strings.Join(enKeys(vi.Found, true), " ")
	n := v.owners[loose]
	if strict != loose {
		n += v.owners[strict]
	}
	return n == 1
}

// startsSentence reports whether offset i begins the text or follows a
// sentence end.
func startsSentence(s string, i int) bool {
	j := strings.TrimRightFunc(s[:i], unicode.IsSpace)
	if j == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(j)
	return r == '.' || r == '!' || r == '?'
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
