package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/endpoint/fake"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/store"
)

// jobEnv is a database, an input folder and an output folder for runs of
// the main job against the fake endpoint.
type jobEnv struct {
	t   testing.TB
	db  *store.DB
	in  string
	out string
}

func newJobEnv(t testing.TB) *jobEnv {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "job.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &jobEnv{t: t, db: db, in: filepath.Join(dir, "in"), out: filepath.Join(dir, "out")}
	if err := os.MkdirAll(e.in, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/glossary.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, _, err := glossary.Parse(f, glossary.CSV, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportGlossary(context.Background(), entries, "test"); err != nil {
		t.Fatal(err)
	}
	return e
}

// glossary builds the job's glossary from the database's entries.
func (e *jobEnv) glossary() (*Glossary, []glossary.Entry) {
	e.t.Helper()
	entries, err := e.db.GlossaryEntries(context.Background(), store.GlossaryFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	g, err := NewGlossary(entries)
	if err != nil {
		e.t.Fatal(err)
	}
	return g, entries
}

// fake starts a fake endpoint that renders the database's glossary terms
// as required (and its first forbidden rendering for the ForbiddenTerm
// fault).
func (e *jobEnv) fake(change func(*fake.Options)) *fake.Server {
	e.t.Helper()
	_, entries := e.glossary()
	fo := fake.Options{Glossary: map[string]string{}, Forbidden: map[string]string{}, RetryAfter: "0.01", SlowDelay: 2 * time.Second}
	for _, en := range entries {
		fo.Glossary[en.RU] = en.EN
		if len(en.ForbiddenEN) > 0 {
			fo.Forbidden[en.EN] = en.ForbiddenEN[0]
		}
	}
	if change != nil {
		change(&fo)
	}
	srv := fake.New(fo)
	e.t.Cleanup(srv.Close)
	return srv
}

// jobOptions tune the job a test builds.
type jobOptions struct {
	batch       int // segments per request (translate's MaxBatchSegments)
	concurrency int // batches in flight per document and HTTP requests overall
	change      func(*JobConfig)
}

// job builds a run against srv (nil: no endpoint configured).
func (e *jobEnv) job(srv *fake.Server, o jobOptions) *Job {
	e.t.Helper()
	g, _ := e.glossary()
	if o.concurrency == 0 {
		o.concurrency = 4
	}
	j := &Job{
		Analyzer:  sharedAnalyzer(e.t),
		Store:     e.db,
		Glossary:  g,
		Estimator: &TokenEstimator{Count: approxTokens, PriceIn: 1, PriceOut: 2},
		Config: JobConfig{OutDir: e.out, Model: "fake-model", PromptVersion: translate.PromptVersion,
			Endpoint: "fake"},
	}
	if srv != nil {
		cfg := endpoint.Default()
		cfg.BaseURL, cfg.Model = srv.BaseURL(), "fake-model"
		// Generous for a loaded machine, well under the fake's SlowDelay.
		cfg.Timeout = endpoint.Duration(600 * time.Millisecond)
		cfg.MaxRetries, cfg.Concurrency = 3, o.concurrency
		client, err := endpoint.New(cfg, endpoint.WithBackoff(time.Millisecond, 5*time.Millisecond))
		if err != nil {
			e.t.Fatal(err)
		}
		j.Translator = func(onResult func(translate.SegmentResult)) Translator {
			return translate.New(client, translate.Options{Terms: g, Concurrency: o.concurrency,
				MaxBatchSegments: o.batch, CountTokens: approxTokens, OnResult: onResult})
		}
		j.Queued = client.Waiting
	}
	if o.change != nil {
		o.change(&j.Config)
	}
	return j
}

// sharedAnalyzer is analyzer for tests and benchmarks alike.
func sharedAnalyzer(tb testing.TB) *Analyzer {
	tb.Helper()
	anOnce.Do(func() { an, anErr = NewAnalyzer(nil, 0, nil) })
	if anErr != nil {
		tb.Fatal(anErr)
	}
	return an
}

func approxTokens(s string) int { return (len(s) + 3) / 4 }

func (e *jobEnv) write(name, text string) string {
	e.t.Helper()
	p := filepath.Join(e.in, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *jobEnv) run(j *Job, paths ...string) *Report {
	e.t.Helper()
	rep, err := j.Run(context.Background(), paths)
	if err != nil {
		e.t.Fatalf("run: %v", err)
	}
	return rep
}

// russian returns n distinct Russian sentences as one paragraph per ten;
// every third sentence names the UN, every fifth international information
// security, so that glossary terms occur throughout. tag keeps texts of
// different documents apart.
func russian(tag string, n int) string {
	subjects := []string{"Делегация", "Министр", "Сторона", "Группа", "Посол", "Представитель", "Эксперт"}
	verbs := []string{"подчеркнула важность", "обсудила вопросы", "приветствовала итоги", "выступила за укрепление", "отметила роль"}
	objects := []string{"диалога", "сотрудничества", "переговоров", "консультаций", "доверия", "мер"}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			if i%10 == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		s := fmt.Sprintf("%s %s %s на встрече %s номер %d", subjects[i%7], verbs[(i/7)%5], objects[(i/35)%6], tag, i+1)
		switch {
		case i%5 == 4:
			s += " по вопросам МИБ"
		case i%3 == 2:
			s += " в рамках ООН"
		}
		b.WriteString(s + ".")
	}
	b.WriteByte('\n')
	return b.String()
}

// checkRun asserts the invariants of a finished run over translated
// documents: every segment final (translated, verified, needs-review, or
// failed with a reason and no text), no Cyrillic in any English, and the
// store, the report and the output files saying the same. It returns the
// segments by document name.
func (e *jobEnv) checkRun(rep *Report) map[string][]store.Segment {
	e.t.Helper()
	t := e.t
	byDoc := map[string][]store.Segment{}
	total := map[bitext.State]int{}
	for _, d := range rep.Documents {
		if d.Action != ActTranslated && d.Action != ActIncomplete && (d.Action != ActFailed || d.DocID == 0) {
			continue
		}
		segs, err := e.db.Segments(context.Background(), d.DocID)
		if err != nil {
			t.Fatal(err)
		}
		if len(segs) == 0 || len(segs) != d.Sentences {
			t.Errorf("%s: %d segments for %d sentences", d.File, len(segs), d.Sentences)
		}
		byDoc[d.Name] = segs
		states := map[bitext.State]int{}
		for _, s := range segs {
			states[s.State]++
			total[s.State]++
			switch s.State {
			case bitext.StateVerified, bitext.StateTranslated, bitext.StateNeedsReview:
				if s.Target == "" || hasCyrillic(s.Target) {
					t.Errorf("%s #%d %s: English %q", d.Name, s.Idx, s.State, s.Target)
				}
				if s.Origin != "model" && s.Origin != "memory" {
					t.Errorf("%s #%d: origin %q", d.Name, s.Idx, s.Origin)
				}
			case bitext.StateFailed:
				if s.Reason == "" || s.Target != "" {
					t.Errorf("%s #%d failed without a reason or with text: %+v", d.Name, s.Idx, s)
				}
			default:
				t.Errorf("%s #%d: state %q after the run", d.Name, s.Idx, s.State)
			}
		}
		if !mapsEqual(states, d.Segments) {
			t.Errorf("%s: report says %v, store %v", d.Name, d.Segments, states)
		}
		e.checkOutputs(d, segs)
	}
	if !mapsEqual(total, rep.Segments) {
		t.Errorf("report totals %v, store %v", rep.Segments, total)
	}
	return byDoc
}

func mapsEqual(a, b map[bitext.State]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// checkOutputs compares NAME.en.txt and NAME.pairs.json with the store.
func (e *jobEnv) checkOutputs(d DocReport, segs []store.Segment) {
	t := e.t
	t.Helper()
	var enPath, jsonPath string
	for _, o := range d.Outputs {
		switch {
		case strings.HasSuffix(o, ".en.txt"):
			enPath = o
		case strings.HasSuffix(o, ".pairs.json"):
			jsonPath = o
		}
	}
	if enPath == "" || jsonPath == "" {
		t.Errorf("%s: outputs %v", d.File, d.Outputs)
		return
	}
	en, err := os.ReadFile(enPath)
	if err != nil {
		t.Fatal(err)
	}
	var pf PairsFile
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pf); err != nil {
		t.Fatalf("%s: %v", jsonPath, err)
	}
	// One pair per sentence (none reviewed here): a segment's pair says
	// what the segment says; a sentence whose segment row is gone is
	// pending.
	bySrc := map[int]FilePair{}
	for _, p := range pf.Pairs {
		if len(p.Src) != 1 {
			t.Errorf("%s: pair %+v holds %d sentences", jsonPath, p, len(p.Src))
			continue
		}
		bySrc[p.Src[0]] = p
	}
	seen := map[int]bool{}
	for _, s := range segs {
		seen[s.Idx] = true
		p, ok := bySrc[s.Idx]
		if !ok || p.RU != s.Source || p.EN != s.Target || p.State != s.State {
			t.Errorf("%s pair of #%d = %+v, store has %s %q", jsonPath, s.Idx, p, s.State, s.Target)
		}
		if s.Done() && !strings.Contains(string(en), oneLine(s.Target)) {
			t.Errorf("%s lacks the English of #%d: %q", enPath, s.Idx, s.Target)
		}
	}
	for idx, p := range bySrc {
		if !seen[idx] && p.Origin != bitext.OriginSource && p.State != bitext.StatePending {
			t.Errorf("%s: pair of #%d has no segment but is %s", jsonPath, idx, p.State)
		}
	}
	if hasCyrillic(string(en)) {
		t.Errorf("%s has Cyrillic text", enPath)
	}
}

// sentTexts returns the texts sent to the fake in rs.
func sentTexts(t testing.TB, rs []fake.Received) []string {
	t.Helper()
	out, err := fake.SentTexts(rs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRunEveryFault injects each fault of the fake into the first and third
// calls of a run over two small documents: the run finishes, every segment
// is final with its English or its reason, the store agrees with the
// outputs, and the calls stay bounded.
func TestRunEveryFault(t *testing.T) {
	for _, f := range fake.AllFaults {
		t.Run(f.String(), func(t *testing.T) {
			e := newJobEnv(t)
			srv := e.fake(func(o *fake.Options) { o.Plan = map[int]fake.Fault{1: f, 3: f} })
			a := e.write("a.txt", russian("A", 7))
			b := e.write("b.txt", russian("B", 5))
			rep := e.run(e.job(srv, jobOptions{batch: 4, concurrency: 2}), a, b)
			e.checkRun(rep)
			if n := rep.Segments[bitext.StatePending]; n > 0 {
				t.Errorf("%d segments pending", n)
			}
			if rep.Segments[bitext.StateFailed] > 0 {
				t.Errorf("one fault per call should be recovered: %v", rep.Segments)
			}
			if rep.Failed > 0 {
				t.Errorf("failed inputs: %+v", rep.Documents)
			}
			// 2 + 2 batches; each faulted call costs at most a retry and a
			// split into two halves.
			// The report counts requests; the fake also sees the client's
			// HTTP retries.
			if calls := srv.Calls(); calls > 4+2*3 || rep.Calls < 4 || rep.Calls > calls {
				t.Errorf("%d calls (report %d), want at most 10", calls, rep.Calls)
			}
			t.Logf("%s: %d calls, states %v", f, srv.Calls(), rep.Segments)
		})
	}
}

// TestRunPersistentFault: a content fault on every call. Segments end
// failed with a reason (never the Russian copied through), the outputs say
// so, and the calls stay within the failure ladder's bound.
func TestRunPersistentFault(t *testing.T) {
	for _, f := range []fake.Fault{fake.CyrillicEcho, fake.InvalidJSON, fake.Merged} {
		t.Run(f.String(), func(t *testing.T) {
			e := newJobEnv(t)
			srv := e.fake(func(o *fake.Options) { o.Rate, o.Pool = 1, []fake.Fault{f} })
			a := e.write("a.txt", russian("A", 6))
			rep := e.run(e.job(srv, jobOptions{batch: 4, concurrency: 2}), a)
			byDoc := e.checkRun(rep)
			for _, s := range byDoc["a.txt"] {
				if s.State != bitext.StateFailed && f != fake.Merged {
					t.Errorf("#%d %s, want failed", s.Idx, s.State)
				}
			}
			if rep.Segments[bitext.StateFailed] == 0 || rep.OK() {
				t.Errorf("states %v, OK %v", rep.Segments, rep.OK())
			}
			// The summary says why, without opening the outputs.
			if d := rep.Documents[0]; !strings.Contains(d.Error, fmt.Sprintf("%d segment(s) failed, the first (sentence", d.Segments[bitext.StateFailed])) ||
				!strings.Contains(d.Error, "run the same command again") {
				t.Errorf("document error %q should count the failed segments and give the first reason", d.Error)
			}
			// Per segment at most: a share of the batch attempts, its own
			// request and a retry.
			if calls := srv.Calls(); calls > 6*4 {
				t.Errorf("%d calls for 6 segments", calls)
			}
			t.Logf("%s: %d calls, states %v", f, srv.Calls(), rep.Segments)
		})
	}
}

// snapshot is what a run leaves behind: every segment row and every output
// file but the report.
func (e *jobEnv) snapshot(rep *Report) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for _, d := range rep.Documents {
		if d.DocID != 0 {
			segs, err := e.db.Segments(context.Background(), d.DocID)
			if err != nil {
				e.t.Fatal(err)
			}
			b, _ := json.Marshal(segs)
			out[fmt.Sprintf("segments of %d", d.DocID)] = string(b)
		}
	}
	files, err := filepath.Glob(filepath.Join(e.out, "*.*"))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, f := range files {
		if filepath.Base(f) == "report.json" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			e.t.Fatal(err)
		}
		out[filepath.Base(f)] = string(b)
	}
	return out
}

// TestRunResumeAndMemory: a second identical run makes no call and changes
// nothing; a sentence repeated in another file comes from the translation
// memory.
func TestRunResumeAndMemory(t *testing.T) {
	e := newJobEnv(t)
	srv := e.fake(nil)
	a := e.write("a.txt", russian("A", 12))
	b := e.write("b.txt", russian("B", 8))
	rep := e.run(e.job(srv, jobOptions{batch: 5}), a, b)
	byDoc := e.checkRun(rep)
	if !rep.OK() || rep.Calls == 0 {
		t.Fatalf("first run: OK %v, calls %d, documents %+v", rep.OK(), rep.Calls, rep.Documents)
	}
	calls, before := srv.Calls(), e.snapshot(rep)

	rep2 := e.run(e.job(srv, jobOptions{batch: 5}), a, b)
	e.checkRun(rep2)
	if srv.Calls() != calls || rep2.Calls != 0 {
		t.Errorf("second run made %d calls (report %d)", srv.Calls()-calls, rep2.Calls)
	}
	after := e.snapshot(rep2)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("second run changed %s", k)
		}
	}
	if len(after) != len(before) {
		t.Errorf("second run left %d things, first %d", len(after), len(before))
	}

	// A new release repeats one sentence of a.txt and adds one.
	repeated := byDoc["a.txt"][3].Source
	fresh := "Совещание завершилось поздно вечером."
	c := e.write("c.txt", repeated+" "+fresh+"\n")
	seen := len(srv.Received())
	rep3 := e.run(e.job(srv, jobOptions{batch: 5}), a, b, c)
	segs := e.checkRun(rep3)["c.txt"]
	sent := sentTexts(t, srv.Received()[seen:])
	if !slices.Equal(sent, []string{fresh}) {
		t.Errorf("third run sent %q, want only the new sentence", sent)
	}
	if len(segs) != 2 || segs[0].Origin != "memory" || segs[1].Origin != "model" ||
		segs[0].Target != byDoc["a.txt"][3].Target {
		t.Errorf("c.txt segments %+v", segs)
	}
	for _, d := range rep3.Documents {
		if d.Name == "c.txt" && (d.FromMemory != 1 || d.Calls != 1) {
			t.Errorf("c.txt report: %d from memory, %d calls", d.FromMemory, d.Calls)
		}
	}
}

// TestRunGlossaryChange: after one entry's English changes, a re-run
// translates again exactly the segments with that term; the others keep
// their English.
func TestRunGlossaryChange(t *testing.T) {
	e := newJobEnv(t)
	ctx := context.Background()
	a := e.write("a.txt", russian("A", 15))
	rep := e.run(e.job(e.fake(nil), jobOptions{batch: 4}), a)
	before := e.checkRun(rep)["a.txt"]

	ent, err := e.db.GlossaryEntry(ctx, "un")
	if err != nil {
		t.Fatal(err)
	}
	ent.EN, ent.ForbiddenEN = "United Nations", []string{"OON"}
	if _, err := e.db.UpdateGlossaryEntry(ctx, ent, "test"); err != nil {
		t.Fatal(err)
	}
	srv := e.fake(nil) // renders the new English
	rep2 := e.run(e.job(srv, jobOptions{batch: 4}), a)
	after := e.checkRun(rep2)["a.txt"]

	var want []string
	for _, s := range before {
		if strings.Contains(s.Source, "ООН") {
			want = append(want, s.Source)
		}
	}
	sent := sentTexts(t, srv.Received())
	slices.Sort(sent)
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(sent, want) {
		t.Errorf("re-run sent %d segments %q, want the %d with the changed term", len(sent), sent, len(want))
	}
	if d := rep2.Documents[0]; d.Retranslate != len(want) || d.Rechecked != len(want) || !slices.Equal(d.RetranslateFor, []string{"un"}) {
		t.Errorf("report: %d re-checked, %d re-translated because of %v; want %d, %d, [un]", d.Rechecked, d.Retranslate, d.RetranslateFor, len(want), len(want))
	}
	for i, s := range after {
		switch {
		case strings.Contains(s.Source, "ООН"):
			if !strings.Contains(s.Target, "United Nations") || s.State != bitext.StateVerified {
				t.Errorf("#%d %s %q: the new term is missing", s.Idx, s.State, s.Target)
			}
		case s.Target != before[i].Target || s.State != before[i].State:
			t.Errorf("#%d changed without the term: %q → %q", s.Idx, before[i].Target, s.Target)
		}
	}
	// A third run with the same glossary has nothing to do.
	calls := srv.Calls()
	e.run(e.job(srv, jobOptions{batch: 4}), a)
	if srv.Calls() != calls {
		t.Errorf("third run made %d calls", srv.Calls()-calls)
	}
	// Changing only the entry's note pays for nothing.
	if ent, err = e.db.GlossaryEntry(ctx, "un"); err != nil {
		t.Fatal(err)
	}
	ent.Note = "a note for translators only"
	if _, err := e.db.UpdateGlossaryEntry(ctx, ent, "test"); err != nil {
		t.Fatal(err)
	}
	rep4 := e.run(e.job(srv, jobOptions{batch: 4}), a)
	if srv.Calls() != calls || rep4.Documents[0].Retranslate != 0 {
		t.Errorf("a note change made %d calls, %d re-translations", srv.Calls()-calls, rep4.Documents[0].Retranslate)
	}
	// … and a new document repeating those sentences is served from the
	// memory: only its own new sentence is sent.
	seen := len(srv.Received())
	b := e.write("b.txt", russian("A", 15)+"\nЗаседание завершилось поздно вечером.\n")
	e.run(e.job(srv, jobOptions{batch: 4}), b)
	if got := sentTexts(t, srv.Received()[seen:]); len(got) != 1 || !strings.Contains(got[0], "вечером") {
		t.Errorf("after a note change, a new document repeating known sentences sent %q", got)
	}
}

// copyPair puts the Russian–English pair fixture into the input folder.
func (e *jobEnv) copyPair() {
	e.t.Helper()
	for _, n := range []string{"pair.ru.txt", "pair.en.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			e.t.Fatal(err)
		}
		e.write(n, string(b))
	}
}

// TestRunWithoutEndpoint: Russian documents wait for an endpoint, nothing
// is translated, and pairs and English documents are still done.
func TestRunWithoutEndpoint(t *testing.T) {
	e := newJobEnv(t)
	a := e.write("a.txt", russian("A", 6))
	e.write("statement.txt", "Statement by the delegation. We thank the Chair for the work done.\n")
	e.copyPair()
	rep := e.run(e.job(nil, jobOptions{}), e.in)
	actions := map[string]string{}
	for _, d := range rep.Documents {
		actions[filepath.Base(d.File)] = d.Action
	}
	want := map[string]string{"a.txt": ActWaiting, "statement.txt": ActPassed, "pair.ru.txt": ActAligned}
	for f, act := range want {
		if actions[f] != act {
			t.Errorf("%s: %q, want %q (all: %v)", f, actions[f], act, actions)
		}
	}
	if !slices.Equal(rep.Waiting, []string{a}) || rep.OK() {
		t.Errorf("waiting %v, OK %v", rep.Waiting, rep.OK())
	}
	if rep.Segments[bitext.StatePending] != 6 || len(rep.Segments) != 1 {
		t.Errorf("segments %v, want 6 pending", rep.Segments)
	}
	for _, f := range []string{"pair.pairs.json", "pair.pairs.tsv"} {
		if _, err := os.Stat(filepath.Join(e.out, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(e.out, "a.en.txt")); err == nil {
		t.Error("a.en.txt written without a translation")
	}
}

// TestRunDryRun: estimates without calling the endpoint, configured or not.
func TestRunDryRun(t *testing.T) {
	for _, withEndpoint := range []bool{true, false} {
		t.Run(fmt.Sprint("endpoint=", withEndpoint), func(t *testing.T) {
			e := newJobEnv(t)
			srv := e.fake(nil)
			var use *fake.Server
			if withEndpoint {
				use = srv
			}
			a := e.write("a.txt", russian("A", 20))
			b := e.write("b.txt", russian("B", 10))
			rep := e.run(e.job(use, jobOptions{change: func(c *JobConfig) { c.DryRun = true }}), a, b)
			if srv.Calls() != 0 {
				t.Errorf("dry run made %d calls", srv.Calls())
			}
			for _, d := range rep.Documents {
				if d.Action != ActEstimated || d.TokensIn <= 0 || d.TokensOut <= 0 || d.Cost <= 0 {
					t.Errorf("%s: %s, %d+%d tokens, cost %g", d.File, d.Action, d.TokensIn, d.TokensOut, d.Cost)
				}
			}
			if rep.Cost <= 0 || !rep.DryRun || !rep.OK() {
				t.Errorf("report cost %g, dry run %v, OK %v", rep.Cost, rep.DryRun, rep.OK())
			}
			if len(rep.Documents) == 2 && rep.Documents[0].Cost <= rep.Documents[1].Cost {
				t.Errorf("20 sentences estimated at %g, 10 at %g", rep.Documents[0].Cost, rep.Documents[1].Cost)
			}
		})
	}
}

// TestRunMaxCost: the run stops before the estimate exceeds the limit,
// keeps what it committed, and a later run finishes the rest.
func TestRunMaxCost(t *testing.T) {
	e := newJobEnv(t)
	paths := []string{e.write("a.txt", russian("A", 10)), e.write("b.txt", russian("B", 10)), e.write("c.txt", russian("C", 10))}
	dry := e.run(e.job(nil, jobOptions{change: func(c *JobConfig) { c.DryRun = true }}), paths...)
	if len(dry.Documents) != 3 {
		t.Fatalf("dry run: %+v", dry.Documents)
	}
	limit := dry.Documents[0].Cost + dry.Documents[1].Cost/2
	srv := e.fake(nil)
	rep := e.run(e.job(srv, jobOptions{change: func(c *JobConfig) { c.MaxCost = limit }}), paths...)
	got := []string{rep.Documents[0].Action, rep.Documents[1].Action, rep.Documents[2].Action}
	if !slices.Equal(got, []string{ActTranslated, ActCostLimit, ActCostLimit}) || rep.OK() {
		t.Fatalf("actions %v, OK %v", got, rep.OK())
	}
	if rep.Segments[bitext.StateVerified]+rep.Segments[bitext.StateTranslated]+rep.Segments[bitext.StateNeedsReview] != 10 ||
		rep.Segments[bitext.StatePending] != 20 {
		t.Errorf("segments %v, want 10 done and 20 pending", rep.Segments)
	}
	// Without the limit the rest is translated; a.txt is not sent again.
	seen := len(srv.Received())
	rep2 := e.run(e.job(srv, jobOptions{}), paths...)
	e.checkRun(rep2)
	if !rep2.OK() {
		t.Errorf("second run: %+v", rep2.Documents)
	}
	for _, s := range sentTexts(t, srv.Received()[seen:]) {
		if strings.Contains(s, "встрече A ") {
			t.Errorf("a.txt sent again: %q", s)
		}
	}
}

// TestRunPair: NAME.ru.txt beside NAME.en.txt is aligned, not translated,
// with 1-2 and 2-1 beads where the translator split and merged sentences.
func TestRunPair(t *testing.T) {
	e := newJobEnv(t)
	e.copyPair()
	srv := e.fake(nil)
	rep := e.run(e.job(srv, jobOptions{}), e.in)
	if srv.Calls() != 0 {
		t.Errorf("%d calls for an aligned pair", srv.Calls())
	}
	if len(rep.Documents) != 1 || rep.Documents[0].Action != ActAligned || !rep.OK() {
		t.Fatalf("documents %+v", rep.Documents)
	}
	b, err := os.ReadFile(filepath.Join(e.out, "pair.pairs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pf PairsFile
	if err := json.Unmarshal(b, &pf); err != nil {
		t.Fatal(err)
	}
	beads := map[string]int{}
	var src, tgt []int
	for _, p := range pf.Pairs {
		beads[fmt.Sprintf("%d-%d", len(p.Src), len(p.Tgt))]++
		src, tgt = append(src, p.Src...), append(tgt, p.Tgt...)
		if len(p.Src) == 1 && len(p.Tgt) == 2 && !strings.Contains(p.RU, "возглавил") {
			t.Errorf("1-2 bead on the wrong sentence: %+v", p)
		}
		if len(p.Src) == 2 && len(p.Tgt) == 1 && !strings.Contains(p.EN, "exchanged views") {
			t.Errorf("2-1 bead on the wrong sentences: %+v", p)
		}
	}
	if beads["1-2"] != 1 || beads["2-1"] != 1 {
		t.Errorf("beads %v, want one 1-2 and one 2-1", beads)
	}
	// Every sentence once, in order.
	for i := range src {
		if src[i] != i {
			t.Fatalf("Russian sentences %v", src)
		}
	}
	for i := range tgt {
		if tgt[i] != i {
			t.Fatalf("English sentences %v", tgt)
		}
	}
	if rep.Documents[0].Terms == 0 || rep.Documents[0].TermSuccess == nil {
		t.Errorf("no glossary check on the pair: %+v", rep.Documents[0])
	}
	// The pairs are stored with the two documents.
	al, err := e.storedAlignment("pair")
	if err != nil {
		t.Fatalf("stored pairs: %v", err)
	}
	if len(al) != len(pf.Pairs) {
		t.Errorf("stored %d pairs, the pairs file has %d", len(al), len(pf.Pairs))
	}
}

// corpus writes docs documents of n Russian sentences each.
func (e *jobEnv) corpus(docs, n int) []string {
	var paths []string
	for d := range docs {
		tag := fmt.Sprintf("D%02d", d)
		paths = append(paths, e.write(fmt.Sprintf("release-%02d.txt", d), russian(tag, n)))
	}
	return paths
}

// TestRunThousandSegmentsWithFaults: 1,000 segments, a fifth of the calls
// faulted at random: every segment ends translated or failed with a reason.
func TestRunThousandSegmentsWithFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 segments: skipped with -short")
	}
	e := newJobEnv(t)
	paths := e.corpus(10, 100)
	srv := e.fake(func(o *fake.Options) { o.Rate, o.Seed = 0.2, 20260101 })
	start := time.Now()
	// Batches of 10 segments: about 100 requests, so about 20 faults.
	rep := e.run(e.job(srv, jobOptions{batch: 10, concurrency: 8, change: func(c *JobConfig) { c.Parallel = 4 }}), paths...)
	wall := time.Since(start)
	e.checkRun(rep)
	faults := 0
	for _, v := range srv.Faults() {
		faults += v
	}
	if faults < 10 || srv.Calls() > 100+3*faults {
		t.Errorf("%d faults served in %d calls", faults, srv.Calls())
	}
	n := 0
	for _, v := range rep.Segments {
		n += v
	}
	if n != 1000 || rep.Segments[bitext.StatePending] != 0 {
		t.Errorf("segments %v, want 1000 final", rep.Segments)
	}
	t.Logf("1,000 segments, 20%% faults: %d HTTP calls (%d requests), faults %v, states %v, wall %s",
		srv.Calls(), rep.Calls, srv.Faults(), rep.Segments, wall.Round(time.Millisecond))
}

// BenchmarkRunThroughput: 1,000 segments in 10 releases of 100, a fake
// latency of 200 ms per call and 8 requests in flight. It reports the wall
// time over the ideal calls × 200 ms / 8 (wall/ideal), the same without
// the fixed cost of reading, aligning and writing, taken as the time of a
// second identical run (net-wall/ideal), and that run's calls (0 when
// resuming works).
func BenchmarkRunThroughput(b *testing.B) {
	const latency, conc = 200 * time.Millisecond, 8
	for _, shape := range []struct{ docs, n int }{{10, 100}, {1, 1000}} {
		b.Run(fmt.Sprintf("docs=%d", shape.docs), func(b *testing.B) {
			var ratio, net, calls, again, startup, tail float64
			for b.Loop() {
				b.StopTimer()
				e := newJobEnv(b)
				paths := e.corpus(shape.docs, shape.n)
				srv := e.fake(func(o *fake.Options) { o.Latency = latency })
				b.StartTimer()
				start := time.Now()
				rep := e.run(e.job(srv, jobOptions{concurrency: conc, change: func(c *JobConfig) { c.Parallel = conc }}), paths...)
				wall := time.Since(start)
				b.StopTimer()
				if rep.Segments[bitext.StatePending] != 0 || rep.Failed != 0 {
					b.Fatalf("states %v", rep.Segments)
				}
				n := srv.Calls()
				ideal := time.Duration(n) * latency / conc
				if rs := srv.Received(); len(rs) > 0 {
					// Before the first request and after the last reply:
					// reading, and aligning and writing the last document.
					startup += rs[0].At.Sub(start).Seconds()
					last := rs[0].At
					for _, r := range rs {
						if r.At.After(last) {
							last = r.At
						}
					}
					tail += (wall - last.Add(latency).Sub(start)).Seconds()
				}
				ratio += wall.Seconds() / ideal.Seconds()
				calls += float64(n)
				// The second run reads, aligns and writes everything again
				// without a call: its time is the run's fixed overhead.
				start = time.Now()
				e.run(e.job(srv, jobOptions{concurrency: conc, change: func(c *JobConfig) { c.Parallel = conc }}), paths...)
				net += (wall - time.Since(start)).Seconds() / ideal.Seconds()
				again += float64(srv.Calls() - n)
				b.StartTimer()
			}
			b.ReportMetric(ratio/float64(b.N), "wall/ideal")
			b.ReportMetric(net/float64(b.N), "net-wall/ideal")
			b.ReportMetric(calls/float64(b.N), "calls")
			b.ReportMetric(again/float64(b.N), "rerun-calls")
			b.ReportMetric(1000*startup/float64(b.N), "ms-before-first-call")
			b.ReportMetric(1000*tail/float64(b.N), "ms-after-last-reply")
		})
	}
}

// TestCommitFailureOutputsShowDatabase: when the replies of a document
// cannot be stored (here a segment row vanishes before its reply comes, so
// its whole group is refused), the report says so and the outputs are
// rewritten from the database: they never show English the database does
// not hold.
func TestCommitFailureOutputsShowDatabase(t *testing.T) {
	e := newJobEnv(t)
	path := e.write("lost.txt", russian("lost", 12))
	srv := e.fake(nil)
	j := e.job(srv, jobOptions{batch: 4})
	inner := j.Translator
	j.Translator = func(onResult func(translate.SegmentResult)) Translator {
		err := e.db.Write(context.Background(), func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`DELETE FROM segments WHERE idx = 5`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return inner(onResult)
	}
	rep := e.run(j, path)
	if len(rep.Documents) != 1 {
		t.Fatalf("%d documents", len(rep.Documents))
	}
	d := rep.Documents[0]
	if !strings.Contains(d.Error, "could not be stored") {
		t.Errorf("report error %q, want the failed commit named", d.Error)
	}
	segs, err := e.db.Segments(context.Background(), d.DocID)
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != 11 {
		t.Fatalf("%d segments in the database, want 11", len(segs))
	}
	pending := 0
	for _, s := range segs {
		if s.State == bitext.StatePending {
			pending++
		}
	}
	if pending == 0 || d.Segments[bitext.StatePending] != pending {
		t.Errorf("%d segments pending in the database, report says %v", pending, d.Segments)
	}
	e.checkOutputs(d, segs)
}

// pairMTText is a pair whose translator left out one sentence of the
// Russian: by lengths alone the aligner merges it into its neighbour's
// bead; our translation of the Russian shows where it belongs.
var pairMTText = struct {
	ru, en []string
	mt     map[string]string // Russian sentence (no final stop) → translation
}{
	ru: []string{
		"Стороны обсудили ход подготовки к саммиту.",
		"Особое внимание уделено вопросам энергетики.",
		"Затронута тема культурного обмена стран.",
		"Итоги встречи будут подведены в декабре.",
		"Эксперты продолжат работу над проектом.",
		"Делегации обменялись мнениями о регионе.",
	},
	en: []string{
		"The parties discussed preparations for the summit.",
		"Particular attention was paid to energy.",
		"The results of the meeting will be summed up in December.",
		"Experts will continue to work on the draft.",
		"The delegations exchanged views on the region.",
	},
	mt: map[string]string{
		"Стороны обсудили ход подготовки к саммиту":   "The parties discussed the preparations for the summit",
		"Особое внимание уделено вопросам энергетики": "Particular attention was paid to energy issues",
		"Затронута тема культурного обмена стран":     "The topic of cultural exchange between the countries was touched upon",
		"Итоги встречи будут подведены в декабре":     "The results of the meeting will be summed up in December",
		"Эксперты продолжат работу над проектом":      "Experts will continue work on the draft",
		"Делегации обменялись мнениями о регионе":     "The delegations exchanged views on the region",
	},
}

// storedAlignment returns the stored pairs of NAME.ru.txt with
// NAME.en.txt and checks that the English side is stored as a translation.
func (e *jobEnv) storedAlignment(name string) ([]bitext.Pair, error) {
	e.t.Helper()
	docs, err := e.db.Documents(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	var ruID, enID int64
	for _, d := range docs {
		switch {
		case strings.HasSuffix(d.Path, name+".ru.txt"):
			ruID = d.ID
		case strings.HasSuffix(d.Path, name+".en.txt"):
			enID = d.ID
			if d.Kind != "translation" {
				e.t.Errorf("English side stored as %s, want translation", d.Kind)
			}
		}
	}
	ps, err := e.db.Pairs(context.Background(), ruID)
	for _, p := range ps {
		if p.EnDoc != enID {
			e.t.Errorf("pair %d is stored with English document %d, want %d", p.ID, p.EnDoc, enID)
		}
	}
	return ps, err
}

// readPairs reads OUT/NAME.pairs.json.
func (e *jobEnv) readPairs(name string) PairsFile {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.out, name+".pairs.json"))
	if err != nil {
		e.t.Fatal(err)
	}
	var pf PairsFile
	if err := json.Unmarshal(b, &pf); err != nil {
		e.t.Fatal(err)
	}
	return pf
}

func beadList(pf PairsFile) []string {
	var out []string
	for _, p := range pf.Pairs {
		out = append(out, p.Bead)
	}
	return out
}

// TestRunPairMT: with PairMT, the Russian side of a pair is translated
// (once: a second run makes no call), the aligner uses the translation and
// finds the sentence the translator left out, and the pairs carry our
// translation beside the human one. Without an endpoint the pair is still
// aligned, without a translation, and the run says it waits.
func TestRunPairMT(t *testing.T) {
	e := newJobEnv(t)
	e.write("talks.ru.txt", strings.Join(pairMTText.ru, " ")+"\n")
	e.write("talks.en.txt", strings.Join(pairMTText.en, " ")+"\n")
	want := []string{"[0]:[0]", "[1]:[1]", "[2]:[]", "[3]:[2]", "[4]:[3]", "[5]:[4]"}
	srv := e.fake(func(o *fake.Options) {
		for ru, en := range pairMTText.mt {
			o.Glossary[ru] = en
		}
	})
	withMT := func(c *JobConfig) { c.PairMT = true }

	// Without the translation the aligner gets this pair wrong: the test
	// would prove nothing otherwise.
	rep := e.run(e.job(srv, jobOptions{}), e.in)
	if srv.Calls() != 0 || !rep.OK() {
		t.Fatalf("plain pair: %d calls, report %+v", srv.Calls(), rep.Documents)
	}
	if got := beadList(e.readPairs("talks")); slices.Equal(got, want) {
		t.Fatalf("without a translation the pair aligned right already (%v); the test needs a harder pair", got)
	}

	rep = e.run(e.job(srv, jobOptions{change: withMT}), e.in)
	if !rep.OK() || len(rep.Documents) != 1 || rep.Documents[0].Action != ActAligned {
		t.Fatalf("--pair-mt: report %+v", rep.Documents)
	}
	d := rep.Documents[0]
	if srv.Calls() == 0 || d.Calls == 0 || d.Segments[bitext.StatePending] != 0 {
		t.Errorf("--pair-mt: %d endpoint calls, report %+v", srv.Calls(), d)
	}
	pf := e.readPairs("talks")
	if got := beadList(pf); !slices.Equal(got, want) {
		t.Errorf("--pair-mt beads %v, want %v", got, want)
	}
	for _, p := range pf.Pairs {
		if len(p.Src) > 0 && !strings.HasPrefix(p.MT, pairMTText.mt[strings.TrimSuffix(pairMTText.ru[p.Src[0]], ".")]) {
			t.Errorf("pair %s: mt %q, want our translation of %q", p.Bead, p.MT, p.RU)
		}
		if p.State != "human" || p.Origin != "human" {
			t.Errorf("pair %s: state %s origin %s, want the human translation's", p.Bead, p.State, p.Origin)
		}
	}
	if _, err := os.Stat(filepath.Join(e.out, "talks.en.txt")); err == nil {
		t.Error("--pair-mt wrote our translation as talks.en.txt beside the human one")
	}
	al, err := e.storedAlignment("talks")
	if err != nil || len(al) == 0 || al[0].MT == "" {
		t.Errorf("stored pairs %+v (err %v), want our translation beside the human one", al, err)
	}

	calls := srv.Calls()
	rep = e.run(e.job(srv, jobOptions{change: withMT}), e.in)
	if srv.Calls() != calls || !rep.OK() {
		t.Errorf("second --pair-mt run: %d more calls, report %+v", srv.Calls()-calls, rep.Documents)
	}
	if got := beadList(e.readPairs("talks")); !slices.Equal(got, want) {
		t.Errorf("second --pair-mt run: beads %v, want %v", got, want)
	}

	// A dry run estimates the translation of the Russian side and writes
	// no pairs.
	e3 := newJobEnv(t)
	e3.write("talks.ru.txt", strings.Join(pairMTText.ru, " ")+"\n")
	e3.write("talks.en.txt", strings.Join(pairMTText.en, " ")+"\n")
	rep = e3.run(e3.job(srv, jobOptions{change: func(c *JobConfig) { c.PairMT, c.DryRun = true, true }}), e3.in)
	if len(rep.Documents) != 1 || rep.Documents[0].Action != ActEstimated || rep.Documents[0].Cost <= 0 {
		t.Errorf("--pair-mt --dry-run: report %+v", rep.Documents)
	}
	if _, err := os.Stat(filepath.Join(e3.out, "talks.pairs.json")); err == nil {
		t.Error("--pair-mt --dry-run wrote the pairs")
	}

	// A new document pair and no endpoint: aligned without a translation,
	// reported as waiting, and the run is not OK.
	e2 := newJobEnv(t)
	e2.write("talks.ru.txt", strings.Join(pairMTText.ru, " ")+"\n")
	e2.write("talks.en.txt", strings.Join(pairMTText.en, " ")+"\n")
	rep = e2.run(e2.job(nil, jobOptions{change: withMT}), e2.in)
	if rep.OK() || len(rep.Documents) != 1 || rep.Documents[0].Action != ActWaiting || !strings.Contains(rep.Documents[0].Error, "no machine translation yet") {
		t.Errorf("--pair-mt without an endpoint: report %+v", rep.Documents)
	}
	if pf := e2.readPairs("talks"); len(pf.Pairs) == 0 || pf.Pairs[0].MT != "" {
		t.Errorf("--pair-mt without an endpoint: pairs %+v, want them aligned without a translation", pf.Pairs)
	}
}

// TestRunPairMTPartial: a sentence whose translation fails leaves an empty
// line for the aligner, which still places the pair right with the
// others; the pair is incomplete and says why. A glossary change whose
// re-translation cannot be made keeps the run from reporting success.
func TestRunPairMTPartial(t *testing.T) {
	e := newJobEnv(t)
	e.write("talks.ru.txt", strings.Join(pairMTText.ru, " ")+"\n")
	e.write("talks.en.txt", strings.Join(pairMTText.en, " ")+"\n")
	srv := e.fake(func(o *fake.Options) {
		for ru, en := range pairMTText.mt {
			o.Glossary[ru] = en
		}
	})
	j := e.job(srv, jobOptions{change: func(c *JobConfig) { c.PairMT = true }})
	real := j.Translator
	j.Translator = func(onResult func(translate.SegmentResult)) Translator {
		return real(func(r translate.SegmentResult) {
			if strings.HasPrefix(r.Source, "Стороны обсудили") {
				r.State, r.Text, r.Reason = bitext.StateFailed, "", "refused by the test"
			}
			onResult(r)
		})
	}
	rep := e.run(j, e.in)
	d := rep.Documents[0]
	if rep.OK() || d.Action != ActIncomplete || !strings.Contains(d.Error, "1 of 6 sentences") || !strings.Contains(d.Error, "refused by the test") {
		t.Errorf("one failed sentence: OK %v, report %+v", rep.OK(), d)
	}
	want := []string{"[0]:[0]", "[1]:[1]", "[2]:[]", "[3]:[2]", "[4]:[3]", "[5]:[4]"}
	pf := e.readPairs("talks")
	if got := beadList(pf); !slices.Equal(got, want) {
		t.Errorf("with one translation missing: beads %v, want %v", got, want)
	}
	if pf.Pairs[0].MT != "" || pf.Pairs[1].MT == "" {
		t.Errorf("mt fields %q / %q: want the failed sentence's empty and the others filled", pf.Pairs[0].MT, pf.Pairs[1].MT)
	}

	// Fixed: the next run retries the failed sentence and completes.
	rep = e.run(e.job(srv, jobOptions{change: func(c *JobConfig) { c.PairMT = true }}), e.in)
	if !rep.OK() || rep.Documents[0].Action != ActAligned {
		t.Fatalf("retry: OK %v, report %+v", rep.OK(), rep.Documents)
	}

	// A new glossary entry for a term in the Russian: the stored
	// translations must be checked again and one redone; without an
	// endpoint that cannot happen, and the run must not say all is done.
	_, entries := e.glossary()
	entries = append(entries, glossary.Entry{ID: "energy", RU: "энергетика", EN: "power engineering"})
	ng, err := NewGlossary(entries)
	if err != nil {
		t.Fatal(err)
	}
	j = e.job(nil, jobOptions{change: func(c *JobConfig) { c.PairMT = true }})
	j.Glossary = ng
	rep = e.run(j, e.in)
	if d := rep.Documents[0]; rep.OK() || d.Action == ActAligned {
		t.Errorf("glossary changed, no endpoint: OK %v, report %+v", rep.OK(), d)
	}
}
