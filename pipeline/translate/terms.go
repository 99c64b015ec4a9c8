package translate

import "fmt"

// Terms is the glossary as the translator needs it: find the entries in a
// Russian segment, check an English translation against them, and repair
// what can be repaired without the model. The glossary package provides
// the implementation; tests use a small map-based one.
type Terms interface {
	// Match returns the glossary entries found in a Russian segment.
	Match(ru string) []TermHit
	// Verify checks the English translation of ru against its hits.
	Verify(ru string, hits []TermHit, en string) []Violation
	// Repair fixes what it can deterministically (a forbidden rendering
	// replaced by the required term) and returns the text and the
	// violations left.
	Repair(en string, v []Violation) (string, []Violation)
}

// TermHit is one glossary entry found in a source segment.
type TermHit struct {
	ID        string   `json:"id"`
	Source    string   `json:"source"` // the Russian words as they appear in the segment
	Term      string   `json:"term"`   // the Russian entry (dictionary form)
	Target    string   `json:"target"` // the required English term
	Forbidden []string `json:"forbidden,omitempty"`
	Note      string   `json:"note,omitempty"`
	// Ref is whatever the Terms implementation needs to verify the hit
	// later (for instance its own match record); the translator only
	// passes it back.
	Ref any `json:"-"`
}

// Violation is one way a translation breaks the glossary.
type Violation struct {
	TermID   string `json:"term_id"`
	Kind     string `json:"kind"`            // "missing" or "forbidden"
	Expected string `json:"expected"`        // the required English term
	Source   string `json:"source"`          // the Russian words it translates
	Found    string `json:"found,omitempty"` // the forbidden rendering used
	// Message overrides the generated description, when set.
	Message string `json:"message,omitempty"`
	Ref     any    `json:"-"`
}

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
