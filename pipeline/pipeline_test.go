package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/store"
)

var (
	anOnce sync.Once
	an     *Analyzer
	anErr  error
)

func analyzer(t *testing.T) *Analyzer {
	t.Helper()
	anOnce.Do(func() { an, anErr = NewAnalyzer(nil, 0, nil) })
	if anErr != nil {
		t.Fatal(anErr)
	}
	return an
}

func TestAnalyzeOffsetsAndLanguages(t *testing.T) {
	a := analyzer(t)
	text := "Постоянное представительство Российской Федерации при ООН\n\n" +
		"Statement by the Russian delegation at the session of the Working Group. We thank the Chair.\n\n" +
		"В 2022 г. МИД России выступил с заявлением. А.В.Крутских ответил на вопросы."
	doc := a.Analyze(text)
	if doc.Lang != bitext.Mixed {
		t.Errorf("document language %s, want mixed", doc.Lang)
	}
	wantLangs := []bitext.Lang{bitext.Russian, bitext.English, bitext.Russian}
	if len(doc.Paragraphs) != len(wantLangs) {
		t.Fatalf("%d paragraphs, want %d", len(doc.Paragraphs), len(wantLangs))
	}
	for i, p := range doc.Paragraphs {
		if p.Lang != wantLangs[i] {
			t.Errorf("paragraph %d: %s, want %s", i, p.Lang, wantLangs[i])
		}
	}
	wantSents := []string{
		"Постоянное представительство Российской Федерации при ООН",
		"Statement by the Russian delegation at the session of the Working Group.",
		"We thank the Chair.",
		"В 2022 г. МИД России выступил с заявлением.",
		"А.В.Крутских ответил на вопросы.",
	}
	sents := doc.Sentences()
	if len(sents) != len(wantSents) {
		t.Fatalf("sentences %+v", sents)
	}
	for i, s := range sents {
		if s.Index != i || s.Text != wantSents[i] || text[s.Span.Start:s.Span.End] != s.Text {
			t.Errorf("sentence %d = %+v, want %q at its span", i, s, wantSents[i])
		}
	}
	if sents[4].Paragraph != 2 {
		t.Errorf("last sentence in paragraph %d, want 2", sents[4].Paragraph)
	}
	if doc.Hash == "" || doc.Hash != a.Analyze(text).Hash {
		t.Error("hash missing or unstable")
	}
}

func TestAnalyzeAsForcesLanguage(t *testing.T) {
	doc := analyzer(t).AnalyzeAs("Short text. Another one.", bitext.Russian)
	if doc.Lang != bitext.Russian || doc.Paragraphs[0].Lang != bitext.Russian || doc.SentenceCount() != 2 {
		t.Fatalf("forced analysis: %+v", doc)
	}
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIngestStoresIsolatesFailuresAndDeduplicates(t *testing.T) {
	a := analyzer(t)
	dir := t.TempDir()
	var files []string
	for i := 0; i < 12; i++ {
		text := strings.Repeat("Стороны обсудили вопросы международной информационной безопасности. ", i+1)
		files = append(files, writeFile(t, dir, "ru"+string(rune('a'+i))+".txt", []byte(text)))
	}
	files = append(files, writeFile(t, dir, "empty.txt", nil))
	files = append(files, writeFile(t, dir, "bin.txt", []byte("\x00\x01\x02\x03PK\x03\x04\x00\x00\x00")))
	files = append(files, filepath.Join(dir, "missing.txt"))
	files = append(files, writeFile(t, dir, "copy.txt", []byte("Стороны обсудили вопросы международной информационной безопасности. ")))

	db, err := store.Open(context.Background(), filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mu sync.Mutex
	seen := 0
	res, err := a.Ingest(context.Background(), files, db, 4, func(FileResult) { mu.Lock(); seen++; mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(files) || len(res) != len(files) {
		t.Fatalf("callbacks %d, results %d, want %d", seen, len(res), len(files))
	}
	for i, r := range res {
		if r.Path != files[i] {
			t.Errorf("result %d is for %s, want %s (order kept)", i, r.Path, files[i])
		}
	}
	for _, r := range res[12:15] {
		if r.Status != Failed || !strings.Contains(r.Error, filepath.Base(r.Path)) {
			t.Errorf("%s: status %s error %q; want failed naming the file", r.Path, r.Status, r.Error)
		}
	}
	// The first file and its copy are read in parallel: whichever is stored
	// first, the other finds the same content.
	orig, cp := res[0], res[15]
	if orig.DocID != cp.DocID || orig.Status == cp.Status || (orig.Status != Stored && orig.Status != Unchanged) || (cp.Status != Stored && cp.Status != Unchanged) {
		t.Errorf("a file and its copy: %s/%d and %s/%d; want one stored, one unchanged, the same document", orig.Status, orig.DocID, cp.Status, cp.DocID)
	}
	s := Summarize(res)
	if s.Stored != 12 || s.Failed != 3 || s.Unchanged != 1 {
		t.Errorf("summary %+v", s)
	}
	docs, err := db.Documents(context.Background())
	if err != nil || len(docs) != 12 {
		t.Fatalf("stored %d documents (%v), want 12", len(docs), err)
	}
	// Ingesting again stores nothing new.
	res, err = a.Ingest(context.Background(), files[:12], db, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := Summarize(res); s.Unchanged != 12 {
		t.Errorf("second ingest: %+v", s)
	}
}

func TestIngestStopsOnCancel(t *testing.T) {
	a := analyzer(t)
	dir := t.TempDir()
	files := []string{writeFile(t, dir, "a.txt", []byte("Текст документа номер один."))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := a.Ingest(ctx, files, nil, 1, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
