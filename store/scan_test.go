package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/bitext/bitext"
)

// storePairs saves a document and n 1:1 pairs of bitext's own translation
// for it, and returns the pairs as stored.
func storePairs(t testing.TB, db *DB, name string, n int) []bitext.Pair {
	t.Helper()
	ctx := context.Background()
	d := sampleDoc(name)
	if _, err := db.SaveDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	fresh := make([]bitext.Pair, n)
	for i := range fresh {
		fresh[i] = bitext.Pair{Src: []int{i}, Tgt: []int{i}, RU: fmt.Sprintf("Предложение %s %d.", name, i),
			EN: fmt.Sprintf("Sentence %s %d.", name, i), Confidence: 0.9, State: bitext.StateVerified, Origin: bitext.OriginModel}
	}
	if _, err := db.SyncPairs(ctx, PairSync{Doc: d.ID, Fresh: fresh}); err != nil {
		t.Fatal(err)
	}
	ps, err := db.Pairs(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// setStatus changes the review status of a stored pair as a reviewer would.
func setStatus(t *testing.T, db *DB, p bitext.Pair, st bitext.Status) bitext.Pair {
	t.Helper()
	n := p
	n.Status, n.Reviewed, n.Version = st, true, p.Version+1
	action := map[bitext.Status]string{bitext.StatusApproved: "approve", bitext.StatusRejected: "reject", bitext.StatusDraft: "reopen"}[st]
	out, _, err := db.ChangePairs(context.Background(), PairChange{Doc: p.Doc, Action: action, Who: "t", Before: []bitext.Pair{p}, After: []bitext.Pair{n}})
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

func TestEachPair(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a := storePairs(t, db, "a", 2*scanPage+7) // several pages
	b := storePairs(t, db, "b", 3)
	setStatus(t, db, a[1], bitext.StatusApproved)
	setStatus(t, db, a[scanPage], bitext.StatusRejected)
	setStatus(t, db, b[2], bitext.StatusRejected)

	scan := func(statuses []bitext.Status) []bitext.Pair {
		t.Helper()
		var got []bitext.Pair
		if err := db.EachPair(ctx, statuses, func(p bitext.Pair) error { got = append(got, p); return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	all := scan(nil)
	if len(all) != len(a)+len(b) {
		t.Fatalf("%d pairs scanned, want %d", len(all), len(a)+len(b))
	}
	for k := 1; k < len(all); k++ {
		p, q := all[k-1], all[k]
		if q.Doc < p.Doc || (q.Doc == p.Doc && q.Index != p.Index+1) {
			t.Fatalf("out of order: doc %d #%d then doc %d #%d", p.Doc, p.Index, q.Doc, q.Index)
		}
	}
	if all[1].Status != bitext.StatusApproved || all[1].RU != a[1].RU || !reflect.DeepEqual(all[1].Src, []int{1}) {
		t.Fatalf("pair as scanned: %+v", all[1])
	}

	live := scan([]bitext.Status{bitext.StatusDraft, bitext.StatusApproved})
	if len(live) != len(all)-2 {
		t.Fatalf("%d draft or approved pairs, want %d", len(live), len(all)-2)
	}
	for _, p := range live {
		if p.Status == bitext.StatusRejected {
			t.Fatalf("rejected pair %d scanned", p.ID)
		}
	}
	if got := scan([]bitext.Status{bitext.StatusRejected}); len(got) != 2 || got[0].ID != a[scanPage].ID || got[1].ID != b[2].ID {
		t.Fatalf("rejected pairs: %v", got)
	}

	// an error of fn stops the scan and comes back as it is
	stop := errors.New("enough")
	n := 0
	err := db.EachPair(ctx, nil, func(bitext.Pair) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if err != stop || n != 5 {
		t.Fatalf("stopped scan: %v after %d pairs", err, n)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := db.EachPair(cctx, nil, func(bitext.Pair) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled scan: %v", err)
	}
}

// A scan is one snapshot: pairs merged after it began are seen as they
// were, each once.
func TestEachPairSnapshot(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a := storePairs(t, db, "a", scanPage+10)
	seen := map[int64]int{}
	merged := false
	err := db.EachPair(ctx, nil, func(p bitext.Pair) error {
		seen[p.ID]++
		if !merged {
			merged = true
			// merge the first two pairs of the second page
			x, y := a[scanPage], a[scanPage+1]
			m := x
			m.Src, m.Tgt, m.RU, m.EN, m.Version = []int{x.Src[0], y.Src[0]}, []int{x.Tgt[0], y.Tgt[0]}, x.RU+" "+y.RU, x.EN+" "+y.EN, x.Version+1
			if _, _, err := db.ChangePairs(ctx, PairChange{Doc: x.Doc, Action: "merge", Who: "t", Before: []bitext.Pair{x, y}, After: []bitext.Pair{m}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(a) {
		t.Fatalf("%d pairs seen, want the %d of the snapshot", len(seen), len(a))
	}
	for id, k := range seen {
		if k != 1 {
			t.Fatalf("pair %d seen %d times", id, k)
		}
	}
	after, _ := db.Pairs(ctx, a[0].Doc)
	if len(after) != len(a)-1 {
		t.Fatalf("the merge was not stored: %d pairs", len(after))
	}
}

func TestRecheckPairs(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	ps := storePairs(t, db, "a", 4)
	approved := setStatus(t, db, ps[0], bitext.StatusApproved)
	ps[0] = approved

	viol := []bitext.Violation{{TermID: "mib", Kind: "missing", Expected: "international information security", Source: "МИБ"}}
	fresh := make([]bitext.Pair, len(ps))
	copy(fresh, ps)
	fresh[0].Violations, fresh[0].Terms = viol, []string{"mib"}
	fresh[1].Terms = []string{"mib"}
	// pair 2: findings as stored (none): not counted
	// pair 3: changed by a reviewer since it was read: left
	fresh[3].Violations = viol
	edited := ps[3]
	edited.EN, edited.Version = "Someone else's English.", edited.Version+1
	if _, _, err := db.ChangePairs(ctx, PairChange{Doc: edited.Doc, Action: "edit", Who: "bob", Before: ps[3:4], After: []bitext.Pair{edited}}); err != nil {
		t.Fatal(err)
	}
	gone := fresh[2]
	gone.ID = 1 << 40
	n, err := db.RecheckPairs(ctx, append(fresh, gone))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d pairs updated, want 2", n)
	}
	got, _ := db.Pairs(ctx, ps[0].Doc)
	if !reflect.DeepEqual(got[0].Violations, viol) || !reflect.DeepEqual(got[0].Terms, []string{"mib"}) {
		t.Fatalf("findings not stored: %+v", got[0])
	}
	if got[0].EN != ps[0].EN || got[0].Status != bitext.StatusApproved || got[0].Version != ps[0].Version ||
		got[0].ReviewedBy != ps[0].ReviewedBy || got[0].ReviewedAt != ps[0].ReviewedAt || got[0].State != ps[0].State {
		t.Fatalf("recheck changed more than the findings:\n was %+v\n now %+v", ps[0], got[0])
	}
	if len(got[1].Violations) != 0 || !reflect.DeepEqual(got[1].Terms, []string{"mib"}) {
		t.Fatalf("pair 1: %+v", got[1])
	}
	if got[2].UpdatedAt != ps[2].UpdatedAt {
		t.Fatalf("unchanged findings moved updated_at: %s → %s", ps[2].UpdatedAt, got[2].UpdatedAt)
	}
	if len(got[3].Violations) != 0 || got[3].EN != edited.EN {
		t.Fatalf("the findings of an English that changed meanwhile were stored: %+v", got[3])
	}
	h, err := db.PairHistory(ctx, ps[0].Doc, ps[0].ID)
	if err != nil || len(h) != 1 || h[0].Action != "approve" {
		t.Fatalf("history of the re-checked pair: %v %v", h, err)
	}
	// again: nothing changes
	if n, err := db.RecheckPairs(ctx, fresh[:3]); err != nil || n != 0 {
		t.Fatalf("second re-check: %d %v", n, err)
	}
	if n, err := db.RecheckPairs(ctx, nil); err != nil || n != 0 {
		t.Fatalf("empty re-check: %d %v", n, err)
	}
}
