package store

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/bitext/bitext/glossary"
)

func testEntry(id, ru, en string) glossary.Entry {
	return glossary.Entry{ID: id, RU: ru, EN: en, ForbiddenEN: []string{"IIB"}, RUVariants: []string{"МИБ"}, Domain: "iis"}
}

func TestGlossaryEntryLifecycle(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	v0, err := db.GlossaryVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e, err := db.AddGlossaryEntry(ctx, testEntry("iis", "международная информационная безопасность", "international information security"), "anna")
	if err != nil {
		t.Fatal(err)
	}
	if e.Version != 1 || e.CreatedBy != "anna" || e.Status != glossary.Preferred {
		t.Fatalf("added entry = %+v", e)
	}
	if _, err := db.AddGlossaryEntry(ctx, testEntry("iis", "x", "y"), "anna"); !errors.Is(err, ErrExists) {
		t.Fatalf("second add with the same id: %v, want ErrExists", err)
	}
	if _, err := db.AddGlossaryEntry(ctx, testEntry("other", "Международная информационная безопасность", "international info security"), "anna"); !errors.Is(err, ErrDuplicateTerm) {
		t.Fatalf("same Russian term, other English: %v, want ErrDuplicateTerm", err)
	}
	got, err := db.GlossaryEntry(ctx, "iis")
	if err != nil {
		t.Fatal(err)
	}
	if got.RU != e.RU || len(got.ForbiddenEN) != 1 || got.ForbiddenEN[0] != "IIB" || !got.CreatedAt.Equal(e.CreatedAt) {
		t.Fatalf("read back %+v, want %+v", got, e)
	}
	v1, _ := db.GlossaryVersion(ctx)
	if v1 == v0 {
		t.Fatal("glossary version did not change on add")
	}

	// Two editors start from version 1; the second to save gets a conflict.
	a, b := got, got
	a.Note = "checked against the MFA site"
	b.Note = "something else"
	if a, err = db.UpdateGlossaryEntry(ctx, a, "boris"); err != nil {
		t.Fatal(err)
	}
	if a.Version != 2 || a.UpdatedBy != "boris" || a.CreatedBy != "anna" {
		t.Fatalf("after edit %+v", a)
	}
	if _, err := db.UpdateGlossaryEntry(ctx, b, "vera"); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale edit: %v, want ErrConflict", err)
	}
	if cur, _ := db.GlossaryEntry(ctx, "iis"); cur.Note != a.Note {
		t.Fatalf("stale edit changed the entry: note %q", cur.Note)
	}
	if _, err := db.DeprecateGlossaryEntry(ctx, "iis", 1, "vera"); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale deprecate: %v", err)
	}
	d, err := db.DeprecateGlossaryEntry(ctx, "iis", 2, "vera")
	if err != nil || d.Status != glossary.Deprecated || d.Version != 3 {
		t.Fatalf("deprecate: %+v %v", d, err)
	}
	if es, _ := db.GlossaryEntries(ctx, GlossaryFilter{Status: glossary.Deprecated}); len(es) != 1 {
		t.Fatalf("deprecated filter: %d entries", len(es))
	}
	if err := db.DeleteGlossaryEntry(ctx, "iis", 2, "vera"); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale remove: %v", err)
	}
	if err := db.DeleteGlossaryEntry(ctx, "iis", 3, "vera"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GlossaryEntry(ctx, "iis"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removed entry: %v", err)
	}
	h, err := db.GlossaryHistory(ctx, "iis")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"add", "edit", "deprecate", "remove"}
	if len(h) != len(want) {
		t.Fatalf("history has %d changes, want %d", len(h), len(want))
	}
	for i, c := range h {
		if c.Action != want[i] {
			t.Errorf("change %d: %s, want %s", i, c.Action, want[i])
		}
	}
	if h[0].Before != nil || h[0].After == nil || h[3].After != nil || h[3].Before == nil || h[1].Before.Note != "" || h[1].After.Note != a.Note || h[1].Who != "boris" {
		t.Errorf("history before/after wrong: %+v", h)
	}
	if v2, _ := db.GlossaryVersion(ctx); v2 != v0 {
		t.Errorf("empty glossary again: version %s, want %s", v2, v0)
	}
}

func TestConcurrentEditsOneWins(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	e, err := db.AddGlossaryEntry(ctx, testEntry("un", "ООН", "UN"), "anna")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := e
			x.Note = string(rune('a' + i))
			_, errs[i] = db.UpdateGlossaryEntry(ctx, x, "editor")
		}()
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrConflict):
			conflicts++
		default:
			t.Fatal(err)
		}
	}
	if ok != 1 || conflicts != len(errs)-1 {
		t.Fatalf("%d edits saved, %d conflicts; want 1 and %d", ok, conflicts, len(errs)-1)
	}
	h, _ := db.GlossaryHistory(ctx, "un")
	if len(h) != 2 {
		t.Fatalf("history has %d changes, want 2", len(h))
	}
}

func TestImportGlossaryAllOrNothing(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	f, err := os.Open("../data/glossary.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, _, err := glossary.Parse(f, glossary.CSV, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.ImportGlossary(ctx, entries, "import")
	if err != nil {
		t.Fatal(err)
	}
	if st.Added != len(entries) {
		t.Fatalf("added %d of %d", st.Added, len(entries))
	}
	again, err := db.ImportGlossary(ctx, entries, "import")
	if err != nil || again.Unchanged != len(entries) {
		t.Fatalf("re-import: %+v %v", again, err)
	}
	v1, _ := db.GlossaryVersion(ctx)
	if v1 != glossary.Version(entries) {
		t.Errorf("store version %s, entries version %s", v1, glossary.Version(entries))
	}
	// A batch whose last entry clashes with a stored term changes nothing.
	changed := entries[0]
	changed.Note = "new note"
	bad := glossary.Entry{ID: "clash", RU: entries[1].RU, EN: "something else"}
	if _, err := db.ImportGlossary(ctx, []glossary.Entry{changed, bad}, "import"); !errors.Is(err, ErrDuplicateTerm) {
		t.Fatalf("clashing import: %v", err)
	}
	cur, _ := db.GlossaryEntry(ctx, changed.ID)
	if cur.Note == "new note" || cur.Version != 1 {
		t.Fatalf("failed import left a change: %+v", cur)
	}
	if es, _ := db.GlossaryEntries(ctx, GlossaryFilter{Text: "ИКТ"}); len(es) < 3 {
		t.Errorf("text filter ИКТ: %d entries", len(es))
	}
	if es, _ := db.GlossaryEntries(ctx, GlossaryFilter{Text: "ikt-нет-такого"}); len(es) != 0 {
		t.Errorf("text filter with no hit: %d entries", len(es))
	}
	if es, _ := db.GlossaryEntries(ctx, GlossaryFilter{Domain: "regional"}); len(es) == 0 {
		t.Error("domain filter: nothing")
	}
}
