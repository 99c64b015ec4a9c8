package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestLeases(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "lease.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.UnixMilli(1_800_000_000_000)
	ttl := 10 * time.Second
	claim := func(owner string, now time.Time, gone func(string) bool, keys ...string) ([]string, []string) {
		t.Helper()
		mine, others, err := db.Claim(ctx, owner, keys, ttl, now, gone)
		if err != nil {
			t.Fatal(err)
		}
		var theirs []string
		for _, l := range others {
			theirs = append(theirs, l.Key)
			if l.Owner == owner || !l.Expires.After(now) {
				t.Errorf("lease %+v listed as another's live lease for %s", l, owner)
			}
		}
		slices.Sort(mine)
		slices.Sort(theirs)
		return mine, theirs
	}
	eq := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	mine, theirs := claim("a", t0, nil, "k1", "k2")
	eq("a's first claim", mine, []string{"k1", "k2"})
	eq("others' leases", theirs, nil)

	// b finds k1 and k2 held and gets k3.
	mine, theirs = claim("b", t0.Add(time.Second), nil, "k1", "k2", "k3")
	eq("b's claim", mine, []string{"k3"})
	eq("held by a", theirs, []string{"k1", "k2"})

	// a claims again: it keeps its own (renewed), not b's.
	mine, _ = claim("a", t0.Add(2*time.Second), nil, "k1", "k3")
	eq("a's second claim", mine, []string{"k1"})

	// a renews; b releases k3; a gets it.
	if n, err := db.RenewLeases(ctx, "a", []string{"k1", "k2", "k3"}, ttl, t0.Add(5*time.Second)); err != nil || n != 2 {
		t.Fatalf("renew: %d, %v", n, err)
	}
	if err := db.ReleaseLeases(ctx, "b", []string{"k3"}); err != nil {
		t.Fatal(err)
	}
	mine, _ = claim("a", t0.Add(6*time.Second), nil, "k3")
	eq("a after b released", mine, []string{"k3"})

	// a crashes: its leases (renewed until t0+15s, k3 until t0+16s) hold
	// until they expire, then b takes them over.
	mine, theirs = claim("b", t0.Add(14*time.Second), nil, "k1", "k2", "k3")
	eq("b before expiry", mine, nil)
	eq("still a's", theirs, []string{"k1", "k2", "k3"})
	mine, _ = claim("b", t0.Add(15*time.Second+time.Millisecond), nil, "k1", "k2", "k3")
	eq("b after k1, k2 expired", mine, []string{"k1", "k2"})

	// A holder known to be gone loses its leases at once.
	mine, _ = claim("c", t0.Add(15*time.Second+2*time.Millisecond), func(o string) bool { return o == "a" }, "k3")
	eq("c taking over from a dead a", mine, []string{"k3"})

	ls, err := db.Leases(ctx, []string{"k1", "k3", "k9"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls["k1"].Owner != "b" || ls["k3"].Owner != "c" {
		t.Errorf("leases %+v", ls)
	}
	if err := db.ReleaseLeases(ctx, "b", nil); err != nil {
		t.Fatal(err)
	}
	if ls, _ := db.Leases(ctx, []string{"k1", "k2"}); len(ls) != 0 {
		t.Errorf("b's leases left after releasing all: %+v", ls)
	}
}
