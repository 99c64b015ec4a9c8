package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/store"
)

// BenchmarkExportImport100k stores a document of 100,000 pairs, then times
// the real binary's export to XLIFF and TMX and the import of both (the
// XLIFF import finds every unit unchanged; the TMX seeds the memory of a
// second database), reporting each command's wall time and peak RSS
// (go test -tags sqlite_fts5 -run '^$' -bench ExportImport100k -benchtime 1x ./cmd/bitext/;
// BITEXT_BENCH_PAIRS=N for another size).
func BenchmarkExportImport100k(b *testing.B) {
	bin := buildBinary(b)
	dir := b.TempDir()
	if keep := os.Getenv("BITEXT_BENCH_DIR"); keep != "" {
		dir = keep // keep the files to look at
	}
	db := filepath.Join(dir, "big.db")
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("BITEXT_BENCH_PAIRS")); err == nil && v > 0 {
		n = v // to see how the figures grow
	}
	seedPairs(b, db, n)
	xlf, tmxFile := filepath.Join(dir, "big.xlf"), filepath.Join(dir, "big.tmx")
	steps := []struct {
		name string
		args []string
	}{
		{"export-xliff", []string{"--db", db, "export", "--all", "--format", "xliff", "-o", xlf}},
		{"export-tmx", []string{"--db", db, "export", "--all", "--format", "tmx", "--all-statuses", "-o", tmxFile}},
		{"import-xliff", []string{"--db", db, "import", xlf}},
		{"import-tmx", []string{"--db", filepath.Join(dir, "other.db"), "import", tmxFile}},
	}
	// The peak RSS comes from /usr/bin/time: a child's own rusage counts
	// the memory of this (large) process it was forked from.
	timeBin, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Skip("needs /usr/bin/time for the peak RSS (Debian package time)")
	}
	for range b.N {
		for _, s := range steps {
			rss := filepath.Join(dir, s.name+".rss")
			cmd := exec.Command(timeBin, append([]string{"-f", "%M", "-o", rss, bin, "--log-level", "warn"}, s.args...)...)
			var errb strings.Builder
			cmd.Stderr = &errb
			start := time.Now()
			if err := cmd.Run(); err != nil {
				b.Fatalf("%s: %v\n%s", s.name, err, errb.String())
			}
			wall := time.Since(start)
			b.ReportMetric(wall.Seconds(), s.name+"-s")
			raw, err := os.ReadFile(rss)
			if err != nil {
				b.Fatal(err)
			}
			kb, err := strconv.Atoi(strings.TrimSpace(string(raw)))
			if err != nil {
				b.Fatalf("%s: peak RSS %q: %v", s.name, raw, err)
			}
			b.ReportMetric(float64(kb)/1024, s.name+"-MiB")
		}
	}
}

// seedPairs stores a Russian document of n sentences, translated, with a
// pair each.
func seedPairs(b *testing.B, path string, n int) {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	sents := make([]string, n)
	for i := range sents {
		sents[i] = fmt.Sprintf("Стороны обсудили вопрос номер %d о международной информационной безопасности.", i)
	}
	text := strings.Join(sents, " ")
	h := sha256.Sum256([]byte(text))
	d := &bitext.Document{Name: "big.txt", Path: "big.txt", Hash: hex.EncodeToString(h[:]), Format: "text", Encoding: "utf-8", Lang: bitext.Russian, Text: text}
	p := bitext.Paragraph{Span: bitext.Span{End: len(text)}, Lang: bitext.Russian}
	off := 0
	for i, s := range sents {
		p.Sentences = append(p.Sentences, bitext.Sentence{Index: i, Span: bitext.Span{Start: off, End: off + len(s)}, Text: s})
		off += len(s) + 1
	}
	d.Paragraphs = []bitext.Paragraph{p}
	if _, err := db.SaveDocument(ctx, d); err != nil {
		b.Fatal(err)
	}
	pairs := make([]bitext.Pair, n)
	for i := range pairs {
		st := bitext.StatusDraft
		if i%2 == 0 {
			st = bitext.StatusApproved
		}
		pairs[i] = bitext.Pair{Src: []int{i}, Tgt: []int{i}, RU: sents[i], Confidence: 0.95, State: bitext.StateVerified,
			Origin: bitext.OriginModel, Status: st, EN: fmt.Sprintf("The parties discussed question number %d on international information security.", i)}
	}
	if _, err := db.SyncPairs(ctx, store.PairSync{Doc: d.ID, Fresh: pairs}); err != nil {
		b.Fatal(err)
	}
	_ = os.Remove(path + "-shm")
}
