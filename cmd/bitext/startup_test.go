package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// heavyInit are packages whose initialisation alone costs every command
// tenths of a second and tens of MB, whatever it does: none may be linked
// into bitext. go-dateparser builds the date vocabularies of ~200 locales
// (~0.3 s, ~75 MB); it came in through go-trafilatura → go-htmldate, which
// third_party/htmldate-off stands in for, as third_party/domdistiller-off
// does for go-domdistiller.
var heavyInit = []string{
	"github.com/markusmobius/go-dateparser",
	// go-domdistiller's range tables and patterns (10–20 ms, 12 MB); it
	// is trafilatura's fallback extractor, which bitext does not enable.
	"github.com/markusmobius/go-domdistiller/internal",
}

// TestStartupDependencies lists what the command links and refuses the
// packages known to make start-up slow.
func TestStartupDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list: skipped with -short")
	}
	out, err := exec.Command("go", "list", "-tags", "sqlite_fts5", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, heavy := range heavyInit {
			if dep == heavy || strings.HasPrefix(dep, heavy+"/") {
				t.Errorf("bitext links %s, whose initialisation slows every command's start", dep)
			}
		}
	}
}

// BenchmarkStartup times whole commands that need no language models, as a
// user starts them: a one-line `align --presplit` and `glossary list` over
// the seed glossary. It reports the wall time and the peak RSS per run.
//
//	go test -tags sqlite_fts5 -run '^$' -bench Startup -benchtime 20x ./cmd/bitext/
func BenchmarkStartup(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "bitext")
	if out, err := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	dir := b.TempDir()
	src, tgt, db := filepath.Join(dir, "s.txt"), filepath.Join(dir, "t.txt"), filepath.Join(dir, "g.db")
	if err := os.WriteFile(src, []byte("Стороны провели консультации.\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(tgt, []byte("The parties held consultations.\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command(bin, "--db", db, "glossary", "import", "../../data/glossary.csv").CombinedOutput(); err != nil {
		b.Fatalf("glossary import: %v\n%s", err, out)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"align-one-line", []string{"align", "--presplit", src, tgt}},
		{"glossary-list", []string{"--db", db, "glossary", "list"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var rss int64
			var wall time.Duration
			for b.Loop() {
				cmd := exec.Command(bin, c.args...)
				start := time.Now()
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", c.args, err, out)
				}
				wall += time.Since(start)
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					rss = max(rss, ru.Maxrss)
				}
			}
			b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "ms/command")
			b.ReportMetric(float64(rss)/1024, "peak-MB")
		})
	}
}
