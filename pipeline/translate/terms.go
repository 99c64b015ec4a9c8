package translate

import "github.com/bitext/bitext"

// Terms is the glossary as the translator needs it: find the entries in a
// Russian segment, check an English translation against them, and repair
// what can be repaired without the model. The glossary package provides
// the implementation; tests use a small map-based one.
type Terms interface {
	// Match returns the glossary entries found in a Russian segment.
	Match(ru string) []TermHit
	// Verify checks the English translation of ru against its hits.
	Verify(ru string, hits []TermHit, en string) []bitext.Violation
	// Repair fixes what it can deterministically (a forbidden rendering
	// replaced by the required term) and returns the text and the
	// violations left.
	Repair(en string, v []bitext.Violation) (string, []bitext.Violation)
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
