package bitext

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// State is where the machine side of a sentence or pair stands.
type State string

// Machine states, best to worst; StateHuman marks a pair of an existing
// human translation, which no machine made.
const (
	// StatePending: not translated yet.
	StatePending State = "pending"
	// StateVerified: translated and checked against the glossary without
	// a violation left.
	StateVerified State = "verified"
	// StateTranslated: translated; there was no glossary to check against.
	StateTranslated State = "translated"
	// StateNeedsReview: translated, but glossary violations remain.
	StateNeedsReview State = "needs-review"
	// StateFailed: no acceptable translation; the reason says why.
	StateFailed State = "failed"
	// StateHuman: the English is an existing human translation, aligned
	// with the Russian.
	StateHuman State = "human"
)

// Done reports whether the state has an English text that a re-run must
// not pay for again.
func (s State) Done() bool {
	return s == StateTranslated || s == StateVerified || s == StateNeedsReview || s == StateHuman
}

// Valid reports whether s is one of the states above.
func (s State) Valid() bool {
	switch s {
	case StatePending, StateVerified, StateTranslated, StateNeedsReview, StateFailed, StateHuman:
		return true
	}
	return false
}

// Origin says where an English text came from.
type Origin string

// Origins.
const (
	OriginNone   Origin = ""       // nothing yet
	OriginModel  Origin = "model"  // the model, in this or an earlier run
	OriginMemory Origin = "memory" // the translation memory (or a repeat in the document)
	OriginHuman  Origin = "human"  // a person: an existing translation, an edit, an approved pair served from memory
	OriginSource Origin = "source" // passed through as it was (English in the source)
	OriginTM     Origin = "tm"     // a translation memory imported from another tool (TMX)
)

// Status is the review status of a pair, set by people and kept apart from
// the machine state.
type Status string

// Review statuses.
const (
	StatusDraft    Status = "draft"
	StatusApproved Status = "approved"
	StatusRejected Status = "rejected"
)

// ParseStatus reads a review status as a user types it.
func ParseStatus(s string) (Status, error) {
	switch st := Status(strings.ToLower(strings.TrimSpace(s))); st {
	case StatusDraft, StatusApproved, StatusRejected:
		return st, nil
	}
	return "", fmt.Errorf("unknown review status %q: use draft, approved or rejected", s)
}

// Violation is one way an English text breaks the glossary, as reported to
// reviewers and stored with the pair.
type Violation struct {
	TermID   string `json:"term_id"`
	Kind     string `json:"kind"`            // "missing" or "forbidden"
	Expected string `json:"expected"`        // the required English term
	Source   string `json:"source"`          // the Russian words it translates
	Found    string `json:"found,omitempty"` // the forbidden rendering used
	// Message overrides the generated description, when set.
	Message string `json:"message,omitempty"`
	// Ref is the verifier's own record of the violation (for repairs);
	// it is not stored.
	Ref any `json:"-"`
}

// Finding is what a QA check found wrong or doubtful in a pair beyond the
// glossary: a number, date or name that does not agree, text left
// untranslated, a length far from the document's, an inconsistency, a
// form problem. It is stored with the pair.
type Finding struct {
	Kind     FindingKind `json:"kind"`
	Severity Severity    `json:"severity"`
	// RU and EN are the spans concerned (either may be empty: a number
	// the English lacks has no English span).
	RU      string `json:"ru,omitempty"`
	EN      string `json:"en,omitempty"`
	Message string `json:"message"` // for a reviewer: what does not agree
	// Key identifies the finding on its pair (its kind and the values
	// concerned), so that a reviewer can accept it as a false alarm and
	// it is not raised again for that pair.
	Key string `json:"key"`
	// Accepted is set when a reviewer marked the finding a false alarm.
	Accepted bool `json:"accepted,omitempty"`
}

// FindingKind names a QA check.
type FindingKind string

// QA finding kinds.
const (
	FindingNumber       FindingKind = "number"
	FindingDate         FindingKind = "date"
	FindingName         FindingKind = "name"
	FindingUntranslated FindingKind = "untranslated"
	FindingLength       FindingKind = "length"
	FindingConsistency  FindingKind = "consistency"
	FindingForm         FindingKind = "form"
	FindingGlossary     FindingKind = "glossary"
)

// Severity says whether a finding is an error (the pair is not verified)
// or a warning (worth a look).
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Instruction says what to fix, for the model's follow-up request.
func (v Violation) Instruction() string {
	if v.Message != "" {
		return v.Message
	}
	src := ""
	if v.Source != "" {
		src = " for «" + v.Source + "»"
	}
	if v.Found != "" {
		return `use "` + v.Expected + `"` + src + `, not "` + v.Found + `"`
	}
	return `use "` + v.Expected + `"` + src + ` (in whatever grammatical form the sentence needs)`
}

// String describes the violation for a reviewer: what the English does
// and what the glossary requires.
func (v Violation) String() string {
	if v.Message != "" {
		return v.Message
	}
	term := "the term"
	if v.Source != "" {
		term = "«" + v.Source + "»"
	}
	if v.Found != "" {
		return fmt.Sprintf("%q is a forbidden rendering of %s: the glossary requires %q [%s]", v.Found, term, v.Expected, v.TermID)
	}
	return fmt.Sprintf("%s is not rendered as the glossary requires: %q or an allowed variant is missing from the English [%s]", term, v.Expected, v.TermID)
}

// Pair is one aligned unit of a document: Russian sentences and the English
// that renders them, with the machine's state and the reviewers' status.
// Src and Tgt are sentence indices (positions from 0) in the Russian
// document and in the English one (for a document bitext translated, the
// English sentences are numbered as the Russian ones they translate).
// Every sentence of a document is in exactly one pair, and pairs keep the
// order of both texts.
type Pair struct {
	ID  int64 `json:"id"`
	Doc int64 `json:"doc"` // the Russian document
	// EnDoc is the English document of a human translation; 0 when the
	// English is bitext's own translation (Tgt then numbers the Russian
	// sentences the English renders).
	EnDoc int64  `json:"en_doc,omitempty"`
	Index int    `json:"index"` // position among the document's pairs, from 0
	Src   []int  `json:"src"`
	Tgt   []int  `json:"tgt"`
	RU    string `json:"ru"`
	EN    string `json:"en"`
	// MT is our own translation of the Russian beside a human English
	// (pairs aligned with --pair-mt).
	MT         string  `json:"mt,omitempty"`
	Confidence float64 `json:"confidence"`
	State      State   `json:"state"`
	Origin     Origin  `json:"origin"`
	Status     Status  `json:"status"`
	Edited     bool    `json:"edited,omitempty"` // a person changed the English
	// Reviewed says a person acted on the pair (edited, approved, rejected,
	// merged, split, shifted or re-translated it): runs keep it as it is.
	Reviewed   bool        `json:"reviewed,omitempty"`
	Violations []Violation `json:"violations,omitempty"`
	// Terms are the ids of the glossary entries found in the Russian.
	Terms []string `json:"terms,omitempty"`
	// Findings are the QA checks' findings (numbers, dates, names…);
	// Accepted the findings reviewers marked as false alarms, by key,
	// which are not raised again for the pair.
	Findings   []Finding    `json:"findings,omitempty"`
	Accepted   []Acceptance `json:"accepted,omitempty"`
	Reason     string       `json:"reason,omitempty"` // why the machine translation failed
	Note       string       `json:"note,omitempty"`   // what a reviewer should look at
	Version    int          `json:"version"`          // counts the changes; edits name the version they saw
	ReviewedBy string       `json:"reviewed_by,omitempty"`
	ReviewedAt string       `json:"reviewed_at,omitempty"`
	UpdatedAt  string       `json:"updated_at,omitempty"`
}

// Acceptance is a finding a reviewer marked as a false alarm on a pair.
type Acceptance struct {
	Key string `json:"key"`
	By  string `json:"by"`
	At  string `json:"at"`
}

// SetFindings stores the findings of a check, marking those reviewers
// accepted.
func (p *Pair) SetFindings(fs []Finding) {
	for k := range fs {
		fs[k].Accepted = p.accepted(fs[k].Key)
	}
	p.Findings = fs
}

func (p *Pair) accepted(key string) bool {
	for _, a := range p.Accepted {
		if a.Key == key {
			return true
		}
	}
	return false
}

// OpenFindings counts the findings not accepted, by severity.
func (p *Pair) OpenFindings() (errors, warnings int) {
	for _, f := range p.Findings {
		switch {
		case f.Accepted:
		case f.Severity == SeverityError:
			errors++
		default:
			warnings++
		}
	}
	return errors, warnings
}

// Human reports whether people have worked on the pair: a run never
// replaces it.
func (p *Pair) Human() bool {
	return p.Reviewed || p.Edited || (p.Status != StatusDraft && p.Status != "")
}

// Bead names the sentences of the pair: "[3, 4]:[3]".
func (p *Pair) Bead() string { return FormatBead(p.Src, p.Tgt) }

// FormatBead renders sentence indices of two sides as "[3, 4]:[3]", as
// Vecalign writes beads.
func FormatBead(src, tgt []int) string {
	var b strings.Builder
	side := func(ix []int) {
		b.WriteByte('[')
		for i, x := range ix {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(x))
		}
		b.WriteByte(']')
	}
	side(src)
	b.WriteByte(':')
	side(tgt)
	return b.String()
}

// TermCounts returns how many distinct glossary entries the pair's Russian
// holds and how many of them the English renders as required.
func (p *Pair) TermCounts() (terms, ok int) {
	bad := map[string]bool{}
	for _, v := range p.Violations {
		bad[v.TermID] = true
	}
	seen := map[string]bool{}
	for _, t := range p.Terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		terms++
		if !bad[t] {
			ok++
		}
	}
	return terms, ok
}

// CheckPairs checks the invariant of a document's pairs: numbered 0…n-1
// in order, every Russian sentence 0…nSrc-1 and every English sentence
// 0…nTgt-1 in exactly one pair, both sides in increasing order across the
// pairs, no empty pair. It names the first pair that breaks it.
func CheckPairs(pairs []Pair, nSrc, nTgt int) error {
	nextSrc, nextTgt := 0, 0
	for k := range pairs {
		p := &pairs[k]
		if p.Index != k {
			return fmt.Errorf("pair %d (id %d) is numbered %d", k, p.ID, p.Index)
		}
		if len(p.Src) == 0 && len(p.Tgt) == 0 {
			return fmt.Errorf("pair %d (id %d) is empty", k, p.ID)
		}
		for _, s := range p.Src {
			if s != nextSrc {
				return fmt.Errorf("pair %d (id %d) %s: Russian sentence %d where %d comes next", k, p.ID, p.Bead(), s, nextSrc)
			}
			nextSrc++
		}
		for _, t := range p.Tgt {
			if t != nextTgt {
				return fmt.Errorf("pair %d (id %d) %s: English sentence %d where %d comes next", k, p.ID, p.Bead(), t, nextTgt)
			}
			nextTgt++
		}
	}
	if nextSrc != nSrc || nextTgt != nTgt {
		return fmt.Errorf("the pairs hold %d Russian and %d English sentences of %d and %d", nextSrc, nextTgt, nSrc, nTgt)
	}
	return nil
}

// SideTexts gives the text of one sentence of each side by index, for
// pairs cut down to single sentences; a nil function gives "".
type SideTexts struct {
	RU, EN func(i int) string
}

func (t SideTexts) ru(i int) string {
	if t.RU == nil {
		return ""
	}
	return t.RU(i)
}

func (t SideTexts) en(i int) string {
	if t.EN == nil {
		return ""
	}
	return t.EN(i)
}

// KeepHuman merges the pairs a new run made (fresh) with the pairs stored
// for the document: every stored pair people worked on (Human) is kept as
// it is, fresh pairs that share no sentence with them fill the rest, and
// the sentences of a fresh pair that overlaps a kept one without being
// covered by it become pairs of their own (one side empty), so that every
// sentence stays in exactly one pair. Both lists must be in order; the
// result is numbered anew.
func KeepHuman(stored, fresh []Pair, texts SideTexts) []Pair {
	var human []Pair
	srcTaken, tgtTaken := map[int]bool{}, map[int]bool{}
	for _, p := range stored {
		if p.Human() {
			human = append(human, p)
			for _, s := range p.Src {
				srcTaken[s] = true
			}
			for _, t := range p.Tgt {
				tgtTaken[t] = true
			}
		}
	}
	if len(human) == 0 {
		return renumber(slices.Clone(fresh))
	}
	var rest []Pair
	for _, p := range fresh {
		overlap := false
		for _, s := range p.Src {
			overlap = overlap || srcTaken[s]
		}
		for _, t := range p.Tgt {
			overlap = overlap || tgtTaken[t]
		}
		if !overlap {
			rest = append(rest, p)
			continue
		}
		for _, s := range p.Src {
			if !srcTaken[s] {
				rest = append(rest, Pair{Doc: p.Doc, EnDoc: p.EnDoc, Src: []int{s}, Tgt: []int{}, RU: texts.ru(s), State: p.State, Origin: p.Origin, Status: StatusDraft,
					Note: "left without English after a reviewed neighbour took the rest of its pair: check it"})
			}
		}
		for _, t := range p.Tgt {
			if !tgtTaken[t] {
				rest = append(rest, Pair{Doc: p.Doc, EnDoc: p.EnDoc, Src: []int{}, Tgt: []int{t}, EN: texts.en(t), State: p.State, Origin: p.Origin, Status: StatusDraft,
					Note: "left without Russian after a reviewed neighbour took the rest of its pair: check it"})
			}
		}
	}
	return renumber(interleave(human, rest, texts))
}

// interleave puts the kept pairs and the rest in one order in which both
// sides' sentences come in increasing order. Both lists are in order and
// hold disjoint sentences; a rest pair that crosses a kept one (its
// Russian before the kept pair's, its English after) is cut into pairs of
// one sentence, which can always take their places.
func interleave(human, rest []Pair, texts SideTexts) []Pair {
	out := make([]Pair, 0, len(human)+len(rest))
	nextSrc, nextTgt := lowest(human, rest, true), lowest(human, rest, false)
	ready := func(p *Pair) bool {
		return (len(p.Src) == 0 || p.Src[0] == nextSrc) && (len(p.Tgt) == 0 || p.Tgt[0] == nextTgt)
	}
	take := func(p Pair) {
		out = append(out, p)
		if len(p.Src) > 0 {
			nextSrc = p.Src[len(p.Src)-1] + 1
		}
		if len(p.Tgt) > 0 {
			nextTgt = p.Tgt[len(p.Tgt)-1] + 1
		}
	}
	used := make([]bool, len(rest))
	first := 0 // the first rest pair not taken
	for i := 0; i < len(human) || first < len(rest); {
		if i < len(human) && ready(&human[i]) {
			take(human[i])
			i++
			continue
		}
		k := first
		for k < len(rest) && (used[k] || !ready(&rest[k])) {
			k++
		}
		if k < len(rest) {
			used[k] = true
			take(rest[k])
			for first < len(rest) && used[first] {
				first++
			}
			continue
		}
		// Stuck: a rest pair crosses a kept one. Cut the first rest pair
		// with more than one sentence into single sentences.
		cut := -1
		for k := first; k < len(rest); k++ {
			if !used[k] && len(rest[k].Src)+len(rest[k].Tgt) > 1 {
				cut = k
				break
			}
		}
		if cut < 0 {
			// cannot happen with disjoint, ordered inputs; keep every
			// pair rather than loop
			for k := first; k < len(rest); k++ {
				if !used[k] {
					out = append(out, rest[k])
				}
			}
			return append(out, human[i:]...)
		}
		parts := singles(rest[cut], texts)
		rest = slices.Concat(rest[:cut], parts, rest[cut+1:])
		used = slices.Concat(used[:cut], make([]bool, len(parts)), used[cut+1:])
	}
	return out
}

// lowest is the first sentence of a side among the pairs.
func lowest(a, b []Pair, src bool) int {
	low := -1
	for _, ps := range [][]Pair{a, b} {
		for k := range ps {
			side := ps[k].Tgt
			if src {
				side = ps[k].Src
			}
			if len(side) > 0 && (low < 0 || side[0] < low) {
				low = side[0]
			}
		}
	}
	return max(low, 0)
}

// singles cuts a pair into pairs of one sentence each, Russian first.
func singles(p Pair, texts SideTexts) []Pair {
	var out []Pair
	const note = "cut from a pair that crossed a reviewed one: check it"
	for _, s := range p.Src {
		out = append(out, Pair{Doc: p.Doc, EnDoc: p.EnDoc, Src: []int{s}, Tgt: []int{}, RU: texts.ru(s), State: p.State, Origin: p.Origin, Status: StatusDraft, Note: note})
	}
	for _, t := range p.Tgt {
		out = append(out, Pair{Doc: p.Doc, EnDoc: p.EnDoc, Src: []int{}, Tgt: []int{t}, EN: texts.en(t), State: p.State, Origin: p.Origin, Status: StatusDraft, Note: note})
	}
	return out
}

func renumber(ps []Pair) []Pair {
	for k := range ps {
		ps[k].Index = k
	}
	return ps
}
