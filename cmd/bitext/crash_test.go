package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/bitext/bitext/endpoint/fake"
	"github.com/bitext/bitext/pipeline"
	"github.com/bitext/bitext/store"
)

// buildBinary builds the real bitext binary into a temporary folder.
func buildBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills the real binary: skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "bitext")
	out, err := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// crashCorpus writes files of n distinct Russian sentences each and returns
// the folder.
func crashCorpus(t *testing.T, files, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "releases")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	who := []string{"Делегация", "Министр", "Посол", "Эксперт", "Сторона"}
	what := []string{"подчеркнула важность диалога", "обсудила вопросы безопасности", "отметила роль переговоров",
		"приветствовала итоги консультаций"}
	for f := range files {
		var b strings.Builder
		for i := range n {
			if i > 0 && i%8 == 0 {
				b.WriteString("\n\n")
			}
			fmt.Fprintf(&b, "%s %s на заседании %d в пункте %d. ", who[(f+i)%5], what[i%4], f+1, i+1)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("release-%02d.txt", f)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// committed returns the sources of the segments the database holds as
// done, and checks the database's integrity.
func committed(t *testing.T, dbPath string) map[string]bool {
	t.Helper()
	done := map[string]bool{}
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return done
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatalf("integrity check: %v", err)
	}
	var srcs []string
	if err := db.Reader().SelectContext(ctx, &srcs, `SELECT source FROM segments WHERE state IN ('translated', 'verified', 'needs-review')`); err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		done[s] = true
	}
	return done
}

// sentSources returns the texts sent to the fake in rs.
func sentSources(t testing.TB, rs []fake.Received) []string {
	t.Helper()
	out, err := fake.SentTexts(rs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCrashSafety kills `bitext run` with SIGKILL at random points, at
// least 20 times, re-running each time, then runs it to the end. No
// segment committed before a run is sent again, the database stays intact,
// nothing is duplicated, and a last run makes no call.
func TestCrashSafety(t *testing.T) {
	bin := buildBinary(t)
	const (
		files, perFile = 30, 10
		total          = files * perFile
		latency        = 40 * time.Millisecond
		concurrency    = 2
		batch          = 40 // translate's default segments per request
		wantKills      = 20
	)
	srv := fake.New(fake.Options{Latency: latency})
	defer srv.Close()
	in := crashCorpus(t, files, perFile)
	work := t.TempDir()
	dbPath, out := filepath.Join(work, "crash.db"), filepath.Join(work, "out")
	var env []string
	for _, kv := range os.Environ() { // none of the caller's endpoint settings
		if !strings.HasPrefix(kv, "BITEXT_") && !strings.HasPrefix(kv, "OPENAI_") {
			env = append(env, kv)
		}
	}
	env = append(env, "OPENAI_BASE_URL="+srv.BaseURL(), "BITEXT_MODEL=fake-model", fmt.Sprintf("BITEXT_CONCURRENCY=%d", concurrency))
	command := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(bin, "--db", dbPath, "--log-level", "warn", "run", "--out", out, in)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		return cmd, &stderr
	}
	rng := rand.New(rand.NewPCG(2026, 5))
	kills, translating, finished := 0, 0, 0
	for iter := 0; kills < wantKills && iter < 3*wantKills; iter++ {
		done := committed(t, dbPath)
		seen := len(srv.Received())
		cmd, stderr := command()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Most kills wait for the run's k-th request, then a little more;
		// the others come at a random time (reading, storing, writing).
		var byCalls bool
		var k int
		var deadline time.Time
		if len(done) < total && rng.Float64() < 0.7 {
			byCalls, k = true, rng.IntN(2)
		} else {
			// A run with nothing to translate takes about half a second.
			deadline = time.Now().Add(time.Duration(rng.IntN(500)) * time.Millisecond)
		}
		extra := time.Duration(rng.IntN(int(2 * latency)))
		var err error
	wait:
		for {
			select {
			case err = <-exited:
				finished++
				break wait
			case <-time.After(2 * time.Millisecond):
			}
			if (byCalls && srv.Calls() > seen+k) || (!byCalls && time.Now().After(deadline)) {
				time.Sleep(extra)
				_ = cmd.Process.Signal(syscall.SIGKILL)
				err = <-exited
				var ee *exec.ExitError
				if errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled() {
					kills++
					if srv.Calls() > seen {
						translating++
					}
				} else {
					finished++
				}
				break wait
			}
		}
		t.Logf("run %d: %d segments committed before, %d calls, killed %v", iter, len(done), srv.Calls()-seen, kills)
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("run %d: %v", iter, err)
		}
		// Nothing committed before this run was sent again.
		for _, s := range sentSources(t, srv.Received()[seen:]) {
			if done[s] {
				t.Errorf("run %d sent a committed segment again: %q\n%s", iter, s, stderr)
			}
		}
	}
	if kills < wantKills {
		t.Fatalf("only %d kills", kills)
	}

	// The last run goes to the end.
	cmd, stderr := command()
	if err := cmd.Run(); err != nil {
		t.Fatalf("final run: %v\n%s", err, stderr)
	}
	sent := len(sentSources(t, srv.Received()))
	if bound := total + kills*concurrency*batch; sent > bound {
		t.Errorf("%d segments sent for %d, more than the %d in flight at %d kills allow", sent, total, bound, kills)
	}
	calls := srv.Calls()
	cmd, stderr = command()
	if err := cmd.Run(); err != nil {
		t.Fatalf("re-run: %v\n%s", err, stderr)
	}
	if srv.Calls() != calls {
		t.Errorf("re-run after completion made %d calls", srv.Calls()-calls)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("integrity check: %v", err)
	}
	count := func(q string) int {
		var n int
		if err := db.Reader().GetContext(ctx, &n, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	checks := []struct {
		q    string
		want int
	}{
		{`SELECT count(*) FROM documents`, files},
		{`SELECT count(*) FROM sentences`, total},
		{`SELECT count(*) FROM segments`, total},
		{`SELECT count(*) FROM segments WHERE state IN ('translated', 'verified', 'needs-review') AND target != ''`, total},
		{`SELECT count(*) FROM (SELECT doc_id, idx FROM segments GROUP BY doc_id, idx HAVING count(*) > 1)`, 0},
		{`SELECT count(*) FROM (SELECT doc_id, idx FROM sentences GROUP BY doc_id, idx HAVING count(*) > 1)`, 0},
		{`SELECT count(DISTINCT source) FROM segments`, total},
	}
	for _, c := range checks {
		if n := count(c.q); n != c.want {
			t.Errorf("%s = %d, want %d", c.q, n, c.want)
		}
	}
	// Each document's pairs: one per sentence, each sentence once.
	pairsFiles, _ := filepath.Glob(filepath.Join(out, "*.pairs.json"))
	if len(pairsFiles) != files {
		t.Errorf("%d pairs files, want %d", len(pairsFiles), files)
	}
	for _, f := range pairsFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var pf pipeline.PairsFile
		if err := json.Unmarshal(b, &pf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(pf.Pairs) != perFile {
			t.Errorf("%s: %d pairs, want %d", f, len(pf.Pairs), perFile)
		}
		for i, p := range pf.Pairs {
			if len(p.Src) != 1 || p.Src[0] != i || p.EN == "" ||
				strings.ContainsFunc(p.EN, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
				t.Errorf("%s pair %d: %+v", f, i, p)
			}
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, ".*"))
	t.Logf("%d kills (%d while translating), %d runs finished before their kill; %d segments sent for %d; %d calls; %d temporary files left by kills",
		kills, translating, finished, sent, total, calls, len(leftovers))
}
