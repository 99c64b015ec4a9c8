package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint/fake"
	"github.com/bitext/bitext/store"
)

// TestTwoRunsShareOneDatabase: two runs over the same 30 documents at once,
// each with its own connections to one database file (a cron job and a
// person), against one endpoint with some latency. Together they make at
// most 1.1 times the calls of one run alone, and both end with every
// segment translated. Run with -race.
func TestTwoRunsShareOneDatabase(t *testing.T) {
	// One run alone, on its own database, gives the reference count.
	alone := newJobEnv(t)
	alone.corpus(30, 12)
	ref := alone.fake(func(o *fake.Options) { o.Latency = 5 * time.Millisecond })
	alone.run(alone.job(ref, jobOptions{batch: 6}), alone.in)
	one := ref.Calls()

	e := newJobEnv(t)
	e.corpus(30, 12)
	srv := e.fake(func(o *fake.Options) { o.Latency = 5 * time.Millisecond })
	second, err := store.Open(context.Background(), e.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	jobs := []*Job{e.job(srv, jobOptions{batch: 6}), e.job(srv, jobOptions{batch: 6})}
	jobs[1].Store = second
	jobs[1].Config.OutDir = filepath.Join(t.TempDir(), "out2")
	reports := make([]*Report, 2)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			rep, err := j.Run(context.Background(), []string{e.in})
			if err != nil {
				t.Errorf("run %d: %v", i, err)
			}
			reports[i] = rep
		})
	}
	wg.Wait()
	both := srv.Calls()
	t.Logf("one run alone: %d calls; two runs at once: %d calls (%.2f×)", one, both, float64(both)/float64(one))
	if float64(both) > 1.1*float64(one) {
		t.Errorf("two runs made %d calls, one alone %d: more than 1.1×", both, one)
	}
	for i, rep := range reports {
		if rep == nil {
			continue
		}
		if !rep.OK() || rep.Segments[bitext.StatePending] > 0 || rep.Segments[bitext.StateFailed] > 0 {
			t.Errorf("run %d: %v", i, rep.Segments)
		}
	}
	e.checkRun(reports[0])
	if ls, err := e.db.Leases(context.Background(), leaseKeysOf(t, e)); err != nil || len(ls) != 0 {
		t.Errorf("leases left after both runs: %v %v", ls, err)
	}
}

// leaseKeysOf returns the memory keys of every stored translation.
func leaseKeysOf(t *testing.T, e *jobEnv) []string {
	t.Helper()
	var keys []string
	if err := e.db.Reader().Select(&keys, `SELECT key FROM translation_memory`); err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestLeasesOfACrashedRunAreTakenOver: a run that died holding leases on
// every sentence (its process is gone, or it ran on another machine). On
// this machine, a dead owner's leases are taken over at once; another
// machine's are waited for until they expire, then taken over; either
// way every segment ends translated, none paid twice.
func TestLeasesOfACrashedRunAreTakenOver(t *testing.T) {
	for _, c := range []struct {
		name  string
		owner string
		ttl   time.Duration
	}{
		{"dead process on this host", fmt.Sprintf("%s/%d/dead", place(), endedPID(t)), time.Hour},
		{"another host", "elsewhere.example/1234/abcd", 600 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newJobEnv(t)
			paths := e.corpus(3, 10)
			srv := e.fake(nil)
			// The crashed run: analysed and tracked the documents, then
			// claimed their sentences and died.
			probe := e.job(nil, jobOptions{})
			var keys []string
			for _, d := range e.run(probe, paths...).Documents {
				segs, err := e.db.Segments(context.Background(), d.DocID)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range segs {
					sig := probe.signature(probe.Glossary.Match(s.Source))
					keys = append(keys, tmKey(s.Source, "fake-model", probe.Config.PromptVersion, sig))
				}
			}
			if len(keys) != 30 {
				t.Fatalf("%d keys for 3 documents of 10 sentences", len(keys))
			}
			start := time.Now()
			if mine, _, err := e.db.Claim(context.Background(), c.owner, keys, c.ttl, start, nil); err != nil || len(mine) != len(keys) {
				t.Fatalf("crashed run's claim: %d of %d, %v", len(mine), len(keys), err)
			}
			j := e.job(srv, jobOptions{})
			rep := e.run(j, paths...)
			if !rep.OK() {
				t.Fatalf("run after the crash: %v %+v", rep.Segments, rep.Documents)
			}
			if c.ttl < time.Hour && time.Since(start) < c.ttl {
				t.Errorf("another host's live leases were not waited for")
			}
			e.checkRun(rep)
			sent := sentTexts(t, srv.Received())
			seen := map[string]bool{}
			for _, s := range sent {
				if seen[s] {
					t.Errorf("sentence sent twice: %q", s)
				}
				seen[s] = true
			}
		})
	}
}

// endedPID returns the id of a process that has ended.
func endedPID(t *testing.T) int {
	t.Helper()
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	return p.Pid
}

// TestClaimWithinOneRun: two documents of one run asking for the same
// sentence at once get it once; the other waits for it, although the
// database would grant the run's own lease again.
func TestClaimWithinOneRun(t *testing.T) {
	e := newJobEnv(t)
	j := e.job(nil, jobOptions{})
	seg := func() (*store.Segment, *docWork) {
		return &store.Segment{Idx: 0, Source: "Стороны обсудили вопросы безопасности."}, j.newDocWork(FileResult{}, ActTranslated)
	}
	var mu sync.Mutex
	mine, theirs := 0, 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			s, dt := seg()
			m, th, _, err := j.claim(t.Context(), []*store.Segment{s}, dt)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			mine, theirs = mine+len(m), theirs+len(th)
			mu.Unlock()
		})
	}
	wg.Wait()
	if mine != 1 || theirs != 7 {
		t.Errorf("%d documents got the sentence, %d wait; want 1 and 7", mine, theirs)
	}
	s, dt := seg()
	j.release(t.Context(), []string{j.key(s, dt)})
	if m, _, _, err := j.claim(t.Context(), []*store.Segment{s}, dt); err != nil || len(m) != 1 {
		t.Errorf("after the release: %d mine, %v", len(m), err)
	}
}
