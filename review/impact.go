package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/store"
)

// PairScanner streams stored pairs: every pair of every document whose
// review status is one of statuses, in order of document and position
// (store.DB.EachPair).
type PairScanner interface {
	EachPair(ctx context.Context, statuses []bitext.Status, fn func(bitext.Pair) error) error
}

// Kinds of ImpactedPair.
const (
	// ImpactOldRendering: the English uses a rendering the entry allowed
	// before the change and no longer does.
	ImpactOldRendering = "old-rendering"
	// ImpactLacksNew: the English lacks the required term (or an allowed
	// variant) of the entry as changed.
	ImpactLacksNew = "lacks-new"
	// ImpactForbidden: the English uses a rendering the entry as changed
	// forbids.
	ImpactForbidden = "forbidden"
)

// ImpactedPair is a pair a glossary change concerns, and why.
type ImpactedPair struct {
	Pair bitext.Pair `json:"pair"`
	// Reason says in a sentence (or several, joined by "; ") what the
	// English does against the changed entry, for a terminologist: "its
	// English uses the old rendering «information security» …".
	Reason string `json:"reason"`
	// Kind is ImpactOldRendering, ImpactForbidden or ImpactLacksNew: the
	// first that applies, in that order.
	Kind string `json:"kind"`
}

// impactStatuses are the pairs a glossary change is checked against:
// rejected pairs are to be redone anyway.
var impactStatuses = []bitext.Status{bitext.StatusDraft, bitext.StatusApproved}

// Impact finds the draft and approved pairs, of all documents, that a
// change of one glossary entry concerns: before is the entry as stored
// (nil for a new entry), after the entry as it would be saved. A pair is
// concerned when its Russian holds the term as changed (lemma, variants,
// any inflected form: glossary.Matcher) and its English breaks the changed
// entry — uses a rendering the entry allowed before and no longer allows
// (ImpactOldRendering), uses a rendering it now forbids (ImpactForbidden),
// or lacks its required term (ImpactLacksNew) — unless the English broke
// the entry as it was in just the same way (the same kinds, required terms
// and renderings found): then the change does not concern it (a change of
// the entry's note, say, concerns no pair). A pair whose English satisfies
// the changed entry and has no old rendering is not concerned; neither is
// a pair without English or without Russian (a run translates it with the
// glossary as it is), nor one whose Russian held only the term as it was
// (nothing is required of it any more). Pairs whose stored findings the
// change makes obsolete without breaking anything (their English used a
// rendering the change allows) are not listed either: to refresh those
// too, re-check the pairs whose Terms hold the entry's id.
//
// The entry is checked on its own, as if it were the only one: the other
// entries of the glossary do not take part (an entry nested in another
// one's term is required by itself here).
//
// A deprecated entry (after.Status == glossary.Deprecated) requires
// nothing: Impact returns no pair for it (pairs whose English relied on it
// break nothing).
//
// Impact returns at most limit pairs (all of them when limit <= 0), in
// order of document and position, and how many pairs are concerned in all.
// It reads the pairs once, streaming (about 100,000 pairs take a second or
// two). An after entry that glossary.Entry.Validate refuses is an
// ErrInvalid.
func Impact(ctx context.Context, pairs PairScanner, before *glossary.Entry, after glossary.Entry, limit int) ([]ImpactedPair, int, error) {
	c, err := newImpactCheck(before, after)
	if err != nil {
		return nil, 0, err
	}
	if c == nil {
		return nil, 0, nil
	}
	var out []ImpactedPair
	total := 0
	err = pairs.EachPair(ctx, impactStatuses, func(p bitext.Pair) error {
		kind, reason := c.judge(p.RU, p.EN)
		if kind == "" {
			return nil
		}
		total++
		if limit <= 0 || len(out) < limit {
			out = append(out, ImpactedPair{Pair: p, Reason: reason, Kind: kind})
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("impact of glossary entry %s: %w", after.ID, err)
	}
	return out, total, nil
}

// impactCheck judges pairs against one entry before and after a change.
type impactCheck struct {
	after, before glossary.Entry
	hasBefore     bool
	// matcher and verifier of the entry after the change; old is a
	// verifier of it that forbids exactly the old renderings; was and
	// wasVerifier are the entry before the change.
	matcher     *glossary.Matcher
	verifier    *glossary.Verifier
	old         *glossary.Verifier
	was         *glossary.Matcher
	wasVerifier *glossary.Verifier
}

// newImpactCheck prepares the check of a change; nil when the changed
// entry requires nothing.
func newImpactCheck(before *glossary.Entry, after glossary.Entry) (*impactCheck, error) {
	after = cloneEntry(after)
	after.Normalize()
	if err := after.Validate(); err != nil {
		return nil, fmt.Errorf("%w: glossary entry %s: %w", ErrInvalid, after.ID, err)
	}
	if after.Status == glossary.Deprecated {
		return nil, nil
	}
	c := &impactCheck{after: after}
	var err error
	if c.matcher, err = glossary.NewMatcher([]glossary.Entry{after}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	c.verifier = glossary.NewVerifier([]glossary.Entry{after})
	if before != nil && before.Status != glossary.Deprecated {
		b := cloneEntry(*before)
		b.Normalize()
		if c.was, err = glossary.NewMatcher([]glossary.Entry{b}); err != nil {
			return nil, fmt.Errorf("glossary entry %s as stored: %w", b.ID, err)
		}
		c.before, c.hasBefore = b, true
		c.wasVerifier = glossary.NewVerifier([]glossary.Entry{b})
		// The old renderings: those of the entry before that do not
		// satisfy the entry after on their own (a change of case or
		// number the verifier ignores is no change).
		var olds []string
		for _, r := range append([]string{b.EN}, b.ENVariants...) {
			if len(c.verifier.Verify([]glossary.Match{{ID: after.ID}}, r)) > 0 {
				olds = append(olds, r)
			}
		}
		if len(olds) > 0 {
			probe := cloneEntry(after)
			probe.ForbiddenEN = olds
			c.old = glossary.NewVerifier([]glossary.Entry{probe})
		}
	}
	return c, nil
}

func cloneEntry(e glossary.Entry) glossary.Entry {
	e.RUVariants, e.ENVariants = slices.Clone(e.RUVariants), slices.Clone(e.ENVariants)
	e.ForbiddenEN, e.ExcludeRU = slices.Clone(e.ForbiddenEN), slices.Clone(e.ExcludeRU)
	return e
}

// judge returns the kind of impact on a pair with these texts and the
// reason, or "" when the change does not concern it.
func (c *impactCheck) judge(ru, en string) (kind, reason string) {
	if strings.TrimSpace(ru) == "" || strings.TrimSpace(en) == "" {
		return "", ""
	}
	ms := c.matcher.Match(ru)
	if len(ms) == 0 {
		return "", ""
	}
	vs := c.verifier.Verify(ms, en)
	var olds []glossary.Violation
	if c.old != nil {
		for _, v := range c.old.Verify(ms, en) {
			if v.Kind == glossary.Forbidden {
				olds = append(olds, v)
			}
		}
	}
	if len(vs) == 0 && len(olds) == 0 {
		return "", ""
	}
	if len(olds) == 0 && c.hasBefore && sameFindings(vs, c.wasVerifier.Verify(c.was.Match(ru), en)) {
		return "", "" // broken as before: the change does not concern it
	}
	term := "«" + ms[0].Surface + "»"
	var reasons []string
	seen := map[string]bool{}
	for _, o := range olds {
		if !seen[o.Found] {
			seen[o.Found] = true
			reasons = append(reasons, fmt.Sprintf("its English uses the old rendering «%s»; the glossary now requires «%s» for %s", o.Found, c.after.EN, term))
		}
	}
	if len(olds) > 0 {
		kind = ImpactOldRendering
	}
	for _, v := range vs {
		switch {
		case v.Kind == glossary.Forbidden && !overlaps(v, olds):
			reasons = append(reasons, fmt.Sprintf("the term is now forbidden here: its English uses «%s», which the glossary forbids for %s (use «%s»)", v.Found, term, c.after.EN))
			if kind == "" {
				kind = ImpactForbidden
			}
		case v.Kind == glossary.Missing && len(olds) == 0:
			// (with an old rendering, the missing term is said already)
			reasons = append(reasons, c.lacks(v, term))
		}
	}
	if kind == "" {
		kind = ImpactLacksNew
	}
	return kind, strings.Join(reasons, "; ")
}

// lacks describes a missing required term.
func (c *impactCheck) lacks(v glossary.Violation, term string) string {
	what := "the new rendering «" + c.after.EN + "»"
	if c.hasBefore && c.before.EN == c.after.EN {
		what = "«" + c.after.EN + "»"
	}
	if v.Got > 0 {
		return fmt.Sprintf("its English has %s %d time(s) where the Russian has %s %d time(s)", what, v.Got, term, v.Want)
	}
	return fmt.Sprintf("its English lacks %s, now required for %s", what, term)
}

// overlaps reports whether a forbidden rendering found lies on one of the
// old renderings found.
func overlaps(v glossary.Violation, olds []glossary.Violation) bool {
	return slices.ContainsFunc(olds, func(o glossary.Violation) bool { return v.Start < o.End && o.Start < v.End })
}

// sameFindings reports whether two checks of one English found the same
// violations, as a pair stores them (kind, required term, rendering; the
// case of the required term aside, which the check ignores too).
func sameFindings(a, b []glossary.Violation) bool {
	key := func(vs []glossary.Violation) []string {
		ks := make([]string, len(vs))
		for i, v := range vs {
			ks[i] = string(v.Kind) + "\x00" + strings.ToLower(v.Expected) + "\x00" + v.Found
		}
		slices.Sort(ks)
		return ks
	}
	return slices.Equal(key(a), key(b))
}

// FindingsStore is what Recheck needs of the database besides Store
// (store.DB.RecheckPairs): storing the glossary findings of pairs alone.
type FindingsStore interface {
	RecheckPairs(ctx context.Context, ps []bitext.Pair) (int, error)
}

// Recheck checks pairs of a document against the glossary again (after
// the glossary changed) and stores their refreshed findings — the terms
// found in the Russian and the violations of the English — and nothing
// else: the English is never translated again or changed, and the status,
// the machine state, the review fields and the version stay as they are.
// The version does not move: the texts a reviewer saw are unchanged, and a
// reviewer editing a pair meanwhile must not get a conflict for it. No
// history entry is made (machine work, not a change people made, and
// nothing an undo could take back). It returns how many pairs' findings
// changed. Ids of pairs that are gone (merged away) are skipped, and so are
// pairs a reviewer changed between the read and the write (their change
// checked them). r.Store must implement FindingsStore (store.DB does).
func (r *Reviewer) Recheck(ctx context.Context, doc int64, ids []int64) (int, error) {
	if r.Glossary == nil {
		return 0, fmt.Errorf("%w: no glossary to check the pairs against", ErrInvalid)
	}
	fs, ok := r.Store.(FindingsStore)
	if !ok {
		return 0, fmt.Errorf("re-check pairs of document %d: the store (%T) cannot store glossary findings alone", doc, r.Store)
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var ps []bitext.Pair
	if len(ids) > recheckOneByOne {
		all, err := r.Store.Pairs(ctx, doc)
		if err != nil {
			return 0, fmt.Errorf("re-check pairs of document %d: %w", doc, err)
		}
		for _, p := range all {
			if _, found := slices.BinarySearch(ids, p.ID); found {
				ps = append(ps, p)
			}
		}
	} else {
		for _, id := range ids {
			p, err := r.Store.Pair(ctx, doc, id)
			if errors.Is(err, store.ErrNotFound) {
				continue // merged away
			}
			if err != nil {
				return 0, fmt.Errorf("re-check pairs of document %d: %w", doc, err)
			}
			ps = append(ps, p)
		}
	}
	var changed []bitext.Pair
	for _, p := range ps {
		n := p
		n.Terms, n.Violations = nil, nil
		if strings.TrimSpace(p.RU) != "" {
			n.Terms, n.Violations = r.Glossary.Check(p.RU, p.EN)
		}
		if !sameStored(&p, &n) {
			changed = append(changed, n)
		}
	}
	k, err := fs.RecheckPairs(ctx, changed)
	if err != nil {
		return 0, fmt.Errorf("re-check pairs of document %d: %w", doc, err)
	}
	return k, nil
}

// recheckOneByOne is how many pairs Recheck reads one by one; more are
// picked from the document's pairs read at once.
const recheckOneByOne = 32

// sameStored reports whether two pairs have the same glossary findings as
// stored (empty and nil alike).
func sameStored(a, b *bitext.Pair) bool {
	if !slices.Equal(a.Terms, b.Terms) || len(a.Violations) != len(b.Violations) {
		return false
	}
	for i := range a.Violations {
		x, y := a.Violations[i], b.Violations[i]
		x.Ref, y.Ref = nil, nil
		if x != y {
			return false
		}
	}
	return true
}
