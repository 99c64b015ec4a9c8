package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bitext/bitext/endpoint/fake"
)

// wmt21Dir holds the WMT21 Russian–English news documents, shared by the
// workplace and never copied into the repository.
const wmt21Dir = "../../../shared/bench/ruen-wmt/wmt21-newstest-ru-en"

// writeWMTDocs writes each WMT21 document's Russian side (src.txt, one
// segment a line) as a plain-text release of its own, one paragraph per
// segment, into a new folder, and returns the folder and the number of
// documents. It skips the benchmark when the data is absent.
func writeWMTDocs(b *testing.B) (string, int) {
	b.Helper()
	srcs, _ := filepath.Glob(filepath.Join(wmt21Dir, "*", "src.txt"))
	if len(srcs) == 0 {
		b.Skipf("benchmark data not found: no %s/*/src.txt (the WMT21 ru-en news documents of the shared bench data)", wmt21Dir)
	}
	sort.Strings(srcs)
	dir := filepath.Join(b.TempDir(), "wmt21")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	for _, p := range srcs {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		name := filepath.Base(filepath.Dir(p)) + ".txt"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(lines, "\n\n")+"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir, len(srcs)
}

// longestChain is the longest chain of dependent calls among rs: the most
// requests that carried one source text. A glossary follow-up carries the
// segments of the reply it repairs, so it cannot start before that reply
// came; nor can a retry, or a request for a sentence another document had
// to translate first.
func longestChain(b *testing.B, rs []fake.Received) int {
	b.Helper()
	per := map[string]int{}
	chain := 0
	for _, r := range rs {
		texts, err := fake.SentTexts([]fake.Received{r})
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range texts {
			per[t]++
			chain = max(chain, per[t])
		}
	}
	return chain
}

// BenchmarkRunThroughputWMT runs the whole `bitext run` command in process
// (flags parsed, a new database seeded with the built-in glossary, the
// glossary compiled, the documents read, translated, checked, aligned and
// written) over the 107 Russian news documents of WMT21 (1,000 segments,
// one file each), against the fake endpoint (a real HTTP server on
// loopback) answering every chat call after 200 ms, with 8 requests in
// flight. The fake transliterates, so every batch with a glossary term
// gets follow-up requests, which must wait for the reply they repair.
//
// It reports the wall time over the bound max(calls × 200 ms / 8, longest
// chain of dependent calls × 200 ms) for the whole command (wall/bound)
// and from the first request on (net-wall/bound: start-up left out), the
// time before the first request and after the last reply, the calls, the
// longest chain, and the share of the request slots kept busy between the
// first request and the last reply (slot-use).
//
//	go test -tags sqlite_fts5 -run '^$' -bench RunThroughputWMT -benchtime 1x -count 7 ./cmd/bitext/
func BenchmarkRunThroughputWMT(b *testing.B) {
	const latency, conc = 200 * time.Millisecond, 8
	docs, _ := writeWMTDocs(b)
	srv := fake.New(fake.Options{Latency: latency})
	b.Cleanup(srv.Close)
	var ratio, net, calls, chain, before, after, use float64
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		args := []string{"--db", filepath.Join(dir, "bitext.db"), "--log-level", "warn", "run",
			"--base-url", srv.BaseURL(), "--model", "fake-model", "--concurrency", fmt.Sprint(conc),
			"--out", filepath.Join(dir, "out"), docs}
		seen := len(srv.Received())
		var stderr strings.Builder
		b.StartTimer()
		start := time.Now()
		code := run(context.Background(), args, strings.NewReader(""), io.Discard, &stderr)
		end := time.Now()
		b.StopTimer()
		if code != exitOK {
			b.Fatalf("bitext run: exit code %d\n%s", code, stderr.String())
		}
		rs := srv.Received()[seen:]
		if len(rs) == 0 {
			b.Fatal("no chat calls")
		}
		first, last := rs[0].At, rs[0].At
		for _, r := range rs {
			if r.At.Before(first) {
				first = r.At
			}
			if r.At.After(last) {
				last = r.At
			}
		}
		n, ch := len(rs), longestChain(b, rs)
		bound := max(time.Duration(n)*latency/conc, time.Duration(ch)*latency)
		ratio += end.Sub(start).Seconds() / bound.Seconds()
		net += end.Sub(first).Seconds() / bound.Seconds()
		calls += float64(n)
		chain += float64(ch)
		before += first.Sub(start).Seconds()
		after += end.Sub(last.Add(latency)).Seconds()
		use += (time.Duration(n) * latency).Seconds() / (last.Add(latency).Sub(first).Seconds() * conc)
		b.StartTimer()
	}
	k := float64(b.N)
	b.ReportMetric(ratio/k, "wall/bound")
	b.ReportMetric(net/k, "net-wall/bound")
	b.ReportMetric(calls/k, "calls")
	b.ReportMetric(chain/k, "chain")
	b.ReportMetric(1000*before/k, "ms-before-first-call")
	b.ReportMetric(1000*after/k, "ms-after-last-reply")
	b.ReportMetric(use/k, "slot-use")
}
