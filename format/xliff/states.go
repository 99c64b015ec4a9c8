package xliff

import (
	"slices"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/format/internal/xmlx"
)

// Kind classes a pair by what its English is worth to a translator, which
// decides the XLIFF state it is exported with (see States).
type Kind string

// Kinds, in the order Classify tries them.
const (
	// KindApproved: a reviewer approved the pair.
	KindApproved Kind = "approved"
	// KindRejected: a reviewer rejected the English.
	KindRejected Kind = "rejected"
	// KindNoEnglish: there is no English yet (pending, or the machine
	// translation failed).
	KindNoEnglish Kind = "no English"
	// KindHumanDraft: a person wrote or edited the English (an existing
	// human translation, or an edit), not yet approved.
	KindHumanDraft Kind = "human draft"
	// KindMemoryDraft: the English came from the translation memory (or
	// a repeat in the document), not yet approved.
	KindMemoryDraft Kind = "memory draft"
	// KindSourceDraft: the English is the source text passed through (it
	// was English already), not yet approved.
	KindSourceDraft Kind = "source draft"
	// KindMachineDraft: the model translated it, not yet approved.
	KindMachineDraft Kind = "machine draft"
)

// StateRow is one row of the state table: how a kind of pair is written
// in XLIFF 1.2.
type StateRow struct {
	Kind Kind
	// When says which pairs are of the kind, for people.
	When string
	// State is the <target state>, Qualifier its state-qualifier ("" for
	// none).
	State, Qualifier string
	// Approved writes approved="yes" on the <trans-unit>.
	Approved bool
	// EmptyTarget: the <target> is written empty (there is no English).
	EmptyTarget bool
}

// states is the export table; see States. It is never changed.
var states = [...]StateRow{
	{KindApproved, `status approved`, "final", "", true, false},
	{KindRejected, `status rejected (the rejected English stays in the target, to be redone)`, "needs-translation", "", false, false},
	{KindNoEnglish, `no English: state pending or failed`, "new", "", false, true},
	{KindHumanDraft, `draft edited by a person, or a human translation (origin human)`, "translated", "", false, false},
	{KindMemoryDraft, `draft from a translation memory (origin memory, or tm: imported from another tool)`, "needs-review-translation", "leveraged-tm", false, false},
	{KindSourceDraft, `draft passed through from the source (origin source)`, "needs-review-translation", "", false, false},
	{KindMachineDraft, `draft translated by the model (origin model)`, "needs-review-translation", "leveraged-mt", false, false},
}

// States returns the table that maps bitext's pairs to XLIFF states, in
// the order Classify tries the kinds:
//
//	kind           pairs                                   <target state>            state-qualifier  approved
//	approved       status approved                         final                     –                yes
//	rejected       status rejected (English kept)          needs-translation         –                –
//	no English     state pending or failed                 new (empty target)        –                –
//	human draft    draft, edited or origin human           translated                –                –
//	memory draft   draft, origin memory or tm              needs-review-translation  leveraged-tm     –
//	source draft   draft, origin source (passed through)   needs-review-translation  –                –
//	machine draft  draft, origin model                     needs-review-translation  leveraged-mt     –
//
// Importing reads it back with StatusOf.
func States() []StateRow { return slices.Clone(states[:]) }

// Classify returns the kind of a pair. A pair without a status counts as
// a draft.
func Classify(p *bitext.Pair) Kind {
	switch {
	case p.Status == bitext.StatusApproved:
		return KindApproved
	case p.Status == bitext.StatusRejected:
		return KindRejected
	case strings.TrimSpace(xmlx.Clean(p.EN)) == "":
		return KindNoEnglish
	case p.Edited || p.Origin == bitext.OriginHuman:
		return KindHumanDraft
	case p.Origin == bitext.OriginMemory || p.Origin == bitext.OriginTM:
		return KindMemoryDraft
	case p.Origin == bitext.OriginSource:
		return KindSourceDraft
	}
	return KindMachineDraft
}

// TargetState returns the row of the state table for a pair.
func TargetState(p *bitext.Pair) StateRow {
	k := Classify(p)
	for _, r := range states {
		if r.Kind == k {
			return r
		}
	}
	panic("xliff: no state for kind " + string(k)) // the table covers every kind
}

// StatusOf maps what an XLIFF file says of a unit back to a review
// status:
//
//	approved="yes", whatever the state                  → approved
//	state final or signed-off, unless approved="no"     → approved
//	state needs-translation with a target text          → rejected
//	anything else (new, translated, needs-review-…,
//	needs-l10n, needs-adaptation, x-…, no state)        → draft
//
// Final and signed-off are both approvals because tools disagree on
// which is the last step (Trados shows final as Signed off, Matecat
// writes signed-off for a first approval). A reviewer who sets
// needs-translation on a unit that has English asks for it to be
// redone, which is what rejected means; without English it is only a
// unit nobody has translated. Whether a draft was edited is for the
// importer to tell by comparing the English with the stored pair.
func StatusOf(state, approved, target string) bitext.Status {
	state = strings.ToLower(strings.TrimSpace(state))
	approved = strings.ToLower(strings.TrimSpace(approved))
	switch {
	case approved == "yes":
		return bitext.StatusApproved
	case (state == "final" || state == "signed-off") && approved != "no":
		return bitext.StatusApproved
	case state == "needs-translation" && strings.TrimSpace(target) != "":
		return bitext.StatusRejected
	}
	return bitext.StatusDraft
}
