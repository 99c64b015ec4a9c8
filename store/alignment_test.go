package store

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/bitext/bitext"
)

func testDoc(name string, sents ...string) *bitext.Document {
	d := &bitext.Document{Name: name, Path: name, Hash: name, Format: "text", Encoding: "utf-8", Lang: bitext.Russian}
	p := bitext.Paragraph{}
	off := 0
	for i, s := range sents {
		p.Sentences = append(p.Sentences, bitext.Sentence{Index: i, Span: bitext.Span{Start: off, End: off + len(s)}, Text: s})
		d.Text += s + " "
		off += len(s) + 1
	}
	p.Span = bitext.Span{End: len(d.Text)}
	d.Paragraphs = []bitext.Paragraph{p}
	return d
}

func TestSaveAlignmentRoundTrip(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	ru := testDoc("ru", "Раз.", "Два.", "Три.")
	en := testDoc("en", "One.", "Two and three.", "Note.")
	for _, d := range []*bitext.Document{ru, en} {
		if _, err := db.SaveDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AlignmentOf(ctx, ru.ID, en.ID); !errors.Is(err, ErrNoAlignment) {
		t.Fatalf("before saving: err = %v, want ErrNoAlignment", err)
	}
	want := []AlignedBead{
		{Src: []int{0}, Tgt: []int{0}, Score: 0.9, Confidence: 0.8},
		{Src: []int{1, 2}, Tgt: []int{1}, Score: 0.7, Confidence: 0.6},
		{Src: []int{}, Tgt: []int{2}, Score: -0.2, Confidence: 1},
	}
	if _, err := db.SaveAlignment(ctx, ru.ID, en.ID, "mt", want); err != nil {
		t.Fatal(err)
	}
	// Saving again replaces the first alignment.
	id, err := db.SaveAlignment(ctx, ru.ID, en.ID, "mt", want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.AlignmentOf(ctx, ru.ID, en.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != id || got.Method != "mt" || !reflect.DeepEqual(got.Beads, want) {
		t.Errorf("got %+v, want id %d beads %+v", got, id, want)
	}
	var n int
	if err := db.Reader().GetContext(ctx, &n, `SELECT count(*) FROM alignments`); err != nil || n != 1 {
		t.Errorf("alignments rows = %d (%v), want 1", n, err)
	}
}

func TestSaveAlignmentRejectsUnknownSentence(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	ru, en := testDoc("ru2", "Раз."), testDoc("en2", "One.")
	for _, d := range []*bitext.Document{ru, en} {
		if _, err := db.SaveDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.SaveAlignment(ctx, ru.ID, en.ID, "", []AlignedBead{{Src: []int{0}, Tgt: []int{5}}})
	if err == nil {
		t.Fatal("saved a bead naming a sentence the document does not have")
	}
	var n int
	if err := db.Reader().GetContext(ctx, &n, `SELECT count(*) FROM alignments`); err != nil || n != 0 {
		t.Errorf("a failed save left %d alignments (%v)", n, err)
	}
}
