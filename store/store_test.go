package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bitext/bitext"
	"github.com/jmoiron/sqlx"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenSetsPragmas(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var mode string
	if err := db.Reader().GetContext(ctx, &mode, "PRAGMA journal_mode"); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	for _, pool := range []*sqlx.DB{db.writer, db.reader} {
		var fk, busy int
		if err := pool.GetContext(ctx, &fk, "PRAGMA foreign_keys"); err != nil {
			t.Fatal(err)
		}
		if err := pool.GetContext(ctx, &busy, "PRAGMA busy_timeout"); err != nil {
			t.Fatal(err)
		}
		if fk != 1 || busy != 5000 {
			t.Errorf("foreign_keys=%d busy_timeout=%d, want 1 and 5000", fk, busy)
		}
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := ms[len(ms)-1].version; v != want {
		t.Errorf("user_version = %d, want %d", v, want)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

func TestReaderIsQueryOnly(t *testing.T) {
	db := openTest(t)
	_, err := db.Reader().Exec(`INSERT INTO documents (name, path, hash, format, encoding, lang, text) VALUES ('a','a','h','text','utf-8','ru','x')`)
	if err == nil {
		t.Fatal("write through the read pool succeeded; want an error")
	}
}

func TestReopenKeepsSchemaAndData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "re.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	doc := sampleDoc("a")
	if _, err := db.SaveDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	docs, err := db.Documents(ctx)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents after reopen = %v, %v; want 1", docs, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.Exec("PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err := Open(ctx, path); err == nil {
		db.Close()
		t.Fatal("opening a database from a newer bitext succeeded; want an error")
	}
}

func sampleDoc(text string) *bitext.Document {
	full := text + " first. Second sentence.\n\nНовый абзац."
	return &bitext.Document{
		Name: "doc.txt", Path: "/tmp/doc.txt", Hash: fmt.Sprintf("hash-%s", text), Format: "text",
		Encoding: "utf-8", Lang: bitext.Mixed, Confidence: 0.9, Text: full,
		Paragraphs: []bitext.Paragraph{
			{Index: 0, Span: bitext.Span{Start: 0, End: len(text) + 24}, Lang: bitext.English, Confidence: 0.8,
				Sentences: []bitext.Sentence{
					{Index: 0, Paragraph: 0, Span: bitext.Span{Start: 0, End: len(text) + 7}, Text: text + " first."},
					{Index: 1, Paragraph: 0, Span: bitext.Span{Start: len(text) + 8, End: len(text) + 24}, Text: "Second sentence."},
				}},
			{Index: 1, Span: bitext.Span{Start: len(text) + 26, End: len(full)}, Lang: bitext.Russian, Inherited: true,
				Sentences: []bitext.Sentence{{Index: 2, Paragraph: 1, Span: bitext.Span{Start: len(text) + 26, End: len(full)}, Text: "Новый абзац."}}},
		},
	}
}

func TestSaveDocumentRoundTripAndDedup(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	doc := sampleDoc("x")
	created, err := db.SaveDocument(ctx, doc)
	if err != nil || !created || doc.ID == 0 {
		t.Fatalf("first save: created=%v id=%d err=%v", created, doc.ID, err)
	}
	again := sampleDoc("x")
	again.Path = "/elsewhere/doc.txt"
	created, err = db.SaveDocument(ctx, again)
	if err != nil || created || again.ID != doc.ID {
		t.Fatalf("second save of the same content: created=%v id=%d (want %d) err=%v", created, again.ID, doc.ID, err)
	}
	docs, err := db.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Sentences != 3 || docs[0].Path != "/elsewhere/doc.txt" {
		t.Fatalf("documents = %+v; want one with 3 sentences and the latest path", docs)
	}
	got, err := db.Document(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != doc.Text || got.Lang != doc.Lang || len(got.Paragraphs) != 2 || got.SentenceCount() != 3 {
		t.Fatalf("loaded %+v", got)
	}
	if !got.Paragraphs[1].Inherited || got.Paragraphs[1].Sentences[0].Text != "Новый абзац." {
		t.Errorf("paragraph 1 = %+v", got.Paragraphs[1])
	}
	for _, s := range got.Sentences() {
		if got.Text[s.Span.Start:s.Span.End] != s.Text {
			t.Errorf("sentence %d: span text %q != %q", s.Index, got.Text[s.Span.Start:s.Span.End], s.Text)
		}
	}
	if _, err := db.Document(ctx, 999); err == nil {
		t.Error("missing document: want error")
	}
}

// TestConcurrentWritersLoseNothing is the GUIDE's check: 8 writers × 100
// transactions through the single writer connection, none lost.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				d := sampleDoc(fmt.Sprintf("w%d-%d", w, i))
				if _, err := db.SaveDocument(ctx, d); err != nil {
					errs <- err
					return
				}
				// Readers run at the same time.
				if _, err := db.Documents(ctx); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n int
	if err := db.Reader().Get(&n, "SELECT count(*) FROM documents"); err != nil {
		t.Fatal(err)
	}
	if n != 800 {
		t.Fatalf("documents = %d, want 800", n)
	}
}

func TestWriteRollsBackOnError(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	err := db.Write(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`INSERT INTO documents (name, path, hash, format, encoding, lang, text) VALUES ('a','a','h','text','utf-8','ru','x')`); err != nil {
			return err
		}
		return fmt.Errorf("boom")
	})
	if err == nil {
		t.Fatal("want error")
	}
	var n int
	if err := db.Reader().Get(&n, "SELECT count(*) FROM documents"); err != nil || n != 0 {
		t.Fatalf("count = %d, %v; want 0 after rollback", n, err)
	}
}

// TestTrackSegments: segments are created for the sentences outside
// English paragraphs only, once; tracking again keeps their state.
func TestTrackSegments(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	doc := sampleDoc("track")
	if _, err := db.SaveDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	segs, err := db.TrackSegments(ctx, doc.ID, string(bitext.English))
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 1 || segs[0].Idx != 2 || segs[0].Source != "Новый абзац." || segs[0].State != bitext.StatePending {
		t.Fatalf("segments %+v, want only sentence 2, pending", segs)
	}
	segs[0].State, segs[0].Target, segs[0].Origin = bitext.StateTranslated, "New paragraph.", "model"
	if err := db.SaveSegment(ctx, &segs[0], nil); err != nil {
		t.Fatal(err)
	}
	again, err := db.TrackSegments(ctx, doc.ID, string(bitext.English))
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0].State != bitext.StateTranslated || again[0].Target != "New paragraph." {
		t.Fatalf("tracking again gave %+v, want the translated segment kept", again)
	}
	if _, err := db.TrackSegments(ctx, 999, "en"); err != nil {
		t.Fatalf("a document without sentences: %v", err)
	}
	if err := db.SetConfidences(ctx, []SentenceConfidence{{again[0].SentenceID, 0.25}, {123456, 0.5}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Segments(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Confidence == nil || *got[0].Confidence != 0.25 {
		t.Errorf("confidence %v, want 0.25", got[0].Confidence)
	}
}

// TestSaveSegmentsRoundTrip: a group commit stores every field of every
// segment and its memory entry; a segment saved twice in a group keeps its
// last state; a group with an unknown segment is refused whole, naming it.
func TestSaveSegmentsRoundTrip(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	doc := sampleDoc("save")
	doc.Paragraphs[0].Lang = bitext.Russian
	if _, err := db.SaveDocument(ctx, doc); err != nil {
		t.Fatal(err)
	}
	segs, err := db.TrackSegments(ctx, doc.ID, string(bitext.English))
	if err != nil || len(segs) != 3 {
		t.Fatalf("tracked %d segments (%v), want 3", len(segs), err)
	}
	conf := 0.75
	a, b := segs[0], segs[1]
	a.State, a.Target, a.Origin, a.Reason = bitext.StateNeedsReview, "First, with a \"quote\" and\ttab.", "model", ""
	a.Violations, a.Terms, a.TermSig = `[{"term_id":"iis"}]`, `[{"id":"iis"}]`, "sig-a"
	a.Model, a.PromptVersion, a.GlossaryVersion, a.Attempts, a.Confidence = "m", "ru-en/1", "g1", 3, &conf
	b.State, b.Reason, b.Attempts = bitext.StateFailed, "reply cut short", 2
	b2 := b
	b2.State, b2.Target, b2.Origin, b2.Reason = bitext.StateVerified, "Second.", "memory", ""
	mem := &Memory{Key: "k-a", Source: a.Source, Target: a.Target, State: a.State, Violations: a.Violations,
		Model: "m", PromptVersion: "ru-en/1", GlossaryVersion: "g1"}
	if err := db.SaveSegments(ctx, []SegmentSave{{Segment: a, Memory: mem}, {Segment: b}, {Segment: b2}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Segments(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	g := got[0]
	if g.State != a.State || g.Target != a.Target || g.Origin != a.Origin || g.Violations != a.Violations ||
		g.Terms != a.Terms || g.TermSig != a.TermSig || g.Model != a.Model || g.PromptVersion != a.PromptVersion ||
		g.GlossaryVersion != a.GlossaryVersion || g.Attempts != 3 || g.Confidence == nil || *g.Confidence != conf {
		t.Errorf("segment 0 stored as %+v, want %+v", g, a)
	}
	if got[1].State != bitext.StateVerified || got[1].Target != "Second." || got[1].Reason != "" || got[1].Confidence != nil {
		t.Errorf("segment 1 stored as %+v, want the group's last state", got[1])
	}
	if got[2].State != bitext.StatePending {
		t.Errorf("segment 2 changed: %+v", got[2])
	}
	m, err := db.LookupMemory(ctx, []string{"k-a"})
	if err != nil || m["k-a"].Target != a.Target || m["k-a"].State != a.State {
		t.Errorf("memory %+v (%v)", m, err)
	}
	// An unknown segment: nothing of the group is stored.
	c := segs[2]
	c.State, c.Target = bitext.StateTranslated, "Third."
	ghost := c
	ghost.SentenceID, ghost.Idx = 987654, 41
	err = db.SaveSegments(ctx, []SegmentSave{{Segment: c}, {Segment: ghost}})
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "segment 41") {
		t.Fatalf("saving an unknown segment: %v, want ErrNotFound naming segment 41", err)
	}
	if got, _ := db.Segments(ctx, doc.ID); got[2].State != bitext.StatePending {
		t.Errorf("the refused group was partly stored: %+v", got[2])
	}
}
