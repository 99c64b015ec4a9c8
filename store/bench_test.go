package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/bitext/bitext"
)

// BenchmarkSaveSegments commits the replies of one round of a run: groups
// of 250 translated segments with their memory entries, into a document of
// 1,000 sentences.
func BenchmarkSaveSegments(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	doc := &bitext.Document{Name: "b", Path: "b", Hash: "b", Format: "text", Encoding: "utf-8", Lang: bitext.Russian, Text: "x"}
	var ss []bitext.Sentence
	for i := range 1000 {
		ss = append(ss, bitext.Sentence{Index: i, Text: fmt.Sprintf("Предложение номер %d о международной информационной безопасности.", i)})
	}
	doc.Paragraphs = []bitext.Paragraph{{Lang: bitext.Russian, Sentences: ss}}
	if _, err := db.SaveDocument(ctx, doc); err != nil {
		b.Fatal(err)
	}
	segs, err := db.TrackSegments(ctx, doc.ID, string(bitext.English))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		group := make([]SegmentSave, 0, 250)
		for k := range 250 {
			s := segs[(n*250+k)%len(segs)]
			s.State, s.Target, s.Origin, s.Model = bitext.StateVerified, fmt.Sprintf("Sentence %d about international information security.", k), "model", "m"
			group = append(group, SegmentSave{Segment: s, Memory: &Memory{Key: fmt.Sprintf("k%d-%d", n, k), Source: s.Source,
				Target: s.Target, State: s.State, Violations: "[]", Model: "m", PromptVersion: "p", GlossaryVersion: "g"}})
		}
		if err := db.SaveSegments(ctx, group); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveDocument stores a document of 1,000 sentences and tracks
// its segments: what a run does before its first request.
func BenchmarkSaveDocument(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var ss []bitext.Sentence
	for i := range 1000 {
		ss = append(ss, bitext.Sentence{Index: i, Span: bitext.Span{Start: i * 70, End: i*70 + 69},
			Text: fmt.Sprintf("Предложение номер %d о международной информационной безопасности.", i)})
	}
	for n := 0; b.Loop(); n++ {
		doc := &bitext.Document{Name: "b", Path: "b", Hash: fmt.Sprint("h", n), Format: "text", Encoding: "utf-8", Lang: bitext.Russian, Text: "x"}
		doc.Paragraphs = []bitext.Paragraph{{Lang: bitext.Russian, Span: bitext.Span{End: 70000}, Sentences: ss}}
		if _, err := db.SaveDocument(ctx, doc); err != nil {
			b.Fatal(err)
		}
		segs, err := db.TrackSegments(ctx, doc.ID, string(bitext.English))
		if err != nil || len(segs) != 1000 {
			b.Fatalf("%d segments, %v", len(segs), err)
		}
	}
}
