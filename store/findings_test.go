package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bitext/bitext"
)

// TestFindingsMigrationKeepsHistory: migration 10 makes the history
// tables again (to allow 'accept'); every change recorded before stays,
// and findings and acceptances are stored with the pair.
func TestFindingsMigrationKeepsHistory(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	_, ps := seedDoc(t, db, "old.txt", docA)
	n := ps[0]
	n.EN, n.Version, n.Edited, n.Reviewed = "An edited sentence.", n.Version+1, true, true
	if _, _, err := db.ChangePairs(ctx, PairChange{Doc: n.Doc, Action: "edit", Who: "alice", Before: []bitext.Pair{ps[0]}, After: []bitext.Pair{n}}); err != nil {
		t.Fatal(err)
	}
	before, err := db.PairHistory(ctx, n.Doc, n.ID)
	if err != nil || len(before) != 1 {
		t.Fatalf("history before: %v %v", before, err)
	}
	for _, q := range []string{`DROP TABLE tm_memory`, `ALTER TABLE pairs DROP COLUMN findings`, `ALTER TABLE pairs DROP COLUMN accepted`, `PRAGMA user_version = 9`} {
		if _, err := db.writer.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	after, err := db.PairHistory(ctx, n.Doc, n.ID)
	if err != nil || len(after) != 1 || after[0].Who != "alice" || after[0].After[0].EN != n.EN {
		t.Fatalf("history after the migration: %+v %v", after, err)
	}
	cur, err := db.Pair(ctx, n.Doc, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	a := cur
	a.Version++
	a.Findings = []bitext.Finding{{Kind: bitext.FindingNumber, Severity: bitext.SeverityError, RU: "1,5", EN: "15", Message: "m", Key: "number:1.5", Accepted: true}}
	a.Accepted = []bitext.Acceptance{{Key: "number:1.5", By: "alice", At: "2026-12-03T00:00:00Z"}}
	if _, _, err := db.ChangePairs(ctx, PairChange{Doc: a.Doc, Action: "accept", Who: "alice", Before: []bitext.Pair{cur}, After: []bitext.Pair{a}}); err != nil {
		t.Fatalf("an accept in the history: %v", err)
	}
	got, err := db.Pair(ctx, a.Doc, a.ID)
	if err != nil || len(got.Findings) != 1 || !got.Findings[0].Accepted || len(got.Accepted) != 1 || got.Accepted[0].By != "alice" {
		t.Fatalf("stored findings: %+v %v", got, err)
	}
	if h, _ := db.PairHistory(ctx, a.Doc, a.ID); len(h) != 2 || h[1].Action != "accept" {
		t.Fatalf("history: %+v", h)
	}
}
