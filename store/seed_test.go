package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bitext/bitext/glossary"
)

// TestSeedGlossary: a new database gets the seed once in its life; entries
// a user removes stay removed; a database that already had a glossary
// keeps it as it is.
func TestSeedGlossary(t *testing.T) {
	ctx := context.Background()
	seed := []glossary.Entry{
		{ID: "iis-abbr", RU: "МИБ", EN: "international information security", Abbreviation: true},
		{ID: "ict", RU: "ИКТ", EN: "ICTs", Abbreviation: true},
	}
	path := filepath.Join(t.TempDir(), "seed.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := db.SeedGlossary(ctx, seed, "v1", "test"); err != nil || !ok {
		t.Fatalf("first seed: %v %v", ok, err)
	}
	e, err := db.GlossaryEntry(ctx, "ict")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteGlossaryEntry(ctx, "ict", e.Version, "someone"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if ok, err := db.SeedGlossary(ctx, seed, "v2", "test"); err != nil || ok {
		t.Fatalf("second seed imported again: %v %v", ok, err)
	}
	entries, err := db.GlossaryEntries(ctx, GlossaryFilter{})
	if err != nil || len(entries) != 1 || entries[0].ID != "iis-abbr" {
		t.Fatalf("entries after removing one and reopening: %+v %v", entries, err)
	}
	if v, _ := db.Setting(ctx, "glossary_seed"); v != "v1" {
		t.Errorf("seed setting %q, want v1", v)
	}

	// A database with a glossary of its own is not seeded.
	other, err := Open(ctx, filepath.Join(t.TempDir(), "own.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ImportGlossary(ctx, seed[1:], "user"); err != nil {
		t.Fatal(err)
	}
	if ok, err := other.SeedGlossary(ctx, seed, "v1", "test"); err != nil || ok {
		t.Fatalf("seeded a database with a glossary: %v %v", ok, err)
	}
	if entries, _ := other.GlossaryEntries(ctx, GlossaryFilter{}); len(entries) != 1 {
		t.Errorf("the user's glossary changed: %+v", entries)
	}
}
