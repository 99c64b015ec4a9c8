package translate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/endpoint/fake"
)

// mapTerms is a small Terms for tests: a Russian substring maps to a
// required English term and its forbidden renderings.
type mapTerms struct {
	entries  []TermHit
	noRepair bool // leave every violation to the model
}

func (m mapTerms) Match(ru string) []TermHit {
	var out []TermHit
	for _, e := range m.entries {
		if strings.Contains(strings.ToLower(ru), strings.ToLower(e.Term)) {
			e.Source = e.Term
			out = append(out, e)
		}
	}
	return out
}

func (m mapTerms) Verify(ru string, hits []TermHit, en string) []bitext.Violation {
	var out []bitext.Violation
	for _, h := range hits {
		found := ""
		for _, f := range h.Forbidden {
			if strings.Contains(en, f) {
				found = f
			}
		}
		switch {
		case found != "":
			out = append(out, bitext.Violation{TermID: h.ID, Kind: "forbidden", Expected: h.Target, Source: h.Source, Found: found})
		case !strings.Contains(strings.ToLower(en), strings.ToLower(h.Target)):
			out = append(out, bitext.Violation{TermID: h.ID, Kind: "missing", Expected: h.Target, Source: h.Source})
		}
	}
	return out
}

func (m mapTerms) Repair(en string, v []bitext.Violation) (string, []bitext.Violation) {
	if m.noRepair {
		return en, v
	}
	var left []bitext.Violation
	for _, x := range v {
		if x.Kind == "forbidden" {
			en = strings.ReplaceAll(en, x.Found, x.Expected)
			continue
		}
		left = append(left, x)
	}
	return en, left
}

var iis = TermHit{ID: "iis", Term: "МИБ", Target: "international information security", Forbidden: []string{"IIB"}}

func fakeOptions() fake.Options {
	return fake.Options{
		Glossary:   map[string]string{"МИБ": "international information security"},
		Forbidden:  map[string]string{"international information security": "IIB"},
		RetryAfter: "0.001",
		SlowDelay:  time.Second,
	}
}

// approx is a fast token estimate for tests.
func approx(s string) int { return (len(s) + 3) / 4 }

// sentences returns n distinct Russian segments; every fifth mentions МИБ.
func sentences(n int) []Segment {
	subjects := []string{"Россия", "Делегация", "Министр", "Сторона", "Группа"}
	verbs := []string{"подчеркнула важность", "обсудила вопросы", "приветствовала итоги", "выступила за укрепление", "отметила роль"}
	objects := []string{"диалога", "сотрудничества", "безопасности", "переговоров", "консультаций"}
	segs := make([]Segment, n)
	for i := range segs {
		text := fmt.Sprintf("%s %s %s № %d.", subjects[i%5], verbs[(i/5)%5], objects[(i/25)%5], i+1)
		if i%5 == 4 {
			text = fmt.Sprintf("Вопросы МИБ обсуждались на встрече № %d.", i+1)
		}
		segs[i] = Segment{ID: fmt.Sprintf("p%d", i+1), Text: text}
	}
	return segs
}

type harness struct {
	srv     *fake.Server
	client  *endpoint.Client
	tr      *Translator
	mu      sync.Mutex
	results map[string]int // OnResult calls per segment id
}

func newHarness(t *testing.T, fo fake.Options, opts Options, change func(*endpoint.Config)) *harness {
	t.Helper()
	h := &harness{srv: fake.New(fo), results: map[string]int{}}
	t.Cleanup(h.srv.Close)
	cfg := endpoint.Default()
	cfg.BaseURL, cfg.Model = h.srv.BaseURL(), "fake-model"
	// Generous for a loaded machine, yet well under SlowDelay.
	cfg.Timeout = endpoint.Duration(300 * time.Millisecond)
	cfg.MaxRetries, cfg.Concurrency = 3, 8
	if change != nil {
		change(&cfg)
	}
	c, err := endpoint.New(cfg, endpoint.WithBackoff(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	h.client = c
	if opts.CountTokens == nil {
		opts.CountTokens = approx
	}
	opts.OnResult = func(r SegmentResult) {
		h.mu.Lock()
		h.results[r.ID]++
		h.mu.Unlock()
	}
	h.tr = New(c, opts)
	return h
}

// checkComplete asserts the run's invariants: one result per segment, in
// order, each translated (with the fake's own translation, so nothing was
// shifted) or failed with a reason and no text; OnResult once per segment.
func (h *harness) checkComplete(t *testing.T, doc Document, res Result) map[bitext.State]int {
	t.Helper()
	if len(res.Segments) != len(doc.Segments) {
		t.Fatalf("%d results for %d segments", len(res.Segments), len(doc.Segments))
	}
	for i, r := range res.Segments {
		seg := doc.Segments[i]
		if r.ID != seg.ID || r.Index != i || r.Source != seg.Text {
			t.Errorf("result %d is for %q (index %d), want %q", i, r.ID, r.Index, seg.ID)
		}
		switch r.State {
		case bitext.StateTranslated, bitext.StateVerified:
			if want := h.srv.Translate(seg.Text); r.Text != want {
				t.Errorf("%s: text %q, want %q", r.ID, r.Text, want)
			}
		case bitext.StateNeedsReview:
			if len(r.Violations) == 0 || r.Text == "" {
				t.Errorf("%s: needs review without violations or text: %+v", r.ID, r)
			}
		case bitext.StateFailed:
			if r.Reason == "" || r.Text != "" {
				t.Errorf("%s: failed without a reason or with text: %+v", r.ID, r)
			}
		default:
			t.Errorf("%s: no final state: %+v", r.ID, r)
		}
		if n := h.results[seg.ID]; n != 1 {
			t.Errorf("%s: OnResult called %d times", seg.ID, n)
		}
	}
	return res.Counts()
}

// TestEveryFaultRecovers injects each fault into the first and third calls
// of a 12-segment document in batches of 4: the run ends with every segment
// translated, and the calls stay within the batches plus the faults' cost.
func TestEveryFaultRecovers(t *testing.T) {
	for _, f := range fake.AllFaults {
		t.Run(f.String(), func(t *testing.T) {
			fo := fakeOptions()
			fo.Plan = map[int]fake.Fault{1: f, 3: f}
			h := newHarness(t, fo, Options{Terms: mapTerms{entries: []TermHit{iis}}, MaxBatchSegments: 4, Concurrency: 1}, nil)
			doc := Document{Name: "fault", Segments: sentences(12)}
			res, err := h.tr.Translate(context.Background(), doc)
			if err != nil {
				t.Fatal(err)
			}
			counts := h.checkComplete(t, doc, res)
			if counts[bitext.StateVerified] != 12 {
				t.Errorf("states %v, want all 12 verified", counts)
			}
			// 3 batches; a fault costs one extra call, or two when it
			// falls on a batch's retry (the batch is then halved): with
			// two workers per request slot, call 3 may be call 1's retry.
			if calls := h.srv.Calls(); calls > 3+2*2 {
				t.Errorf("%d HTTP calls, want at most 7", calls)
			}
		})
	}
}

// TestPersistentFaults: a fault on every call. Segments end failed with the
// reason (never the source copied through), within the ladder's bound.
func TestPersistentFaults(t *testing.T) {
	tests := []struct {
		fault  fake.Fault
		reason string
		state  bitext.State
	}{
		{fake.MissingID, "missing", bitext.StateFailed},
		{fake.CyrillicEcho, "untranslated", bitext.StateFailed},
		{fake.InvalidJSON, "unreadable", bitext.StateFailed},
		{fake.Length, "finish_reason", bitext.StateFailed},
		{fake.EmptyText, "empty", bitext.StateFailed},
		{fake.Merged, "", bitext.StateFailed},
		{fake.ExtraID, "unexpected", bitext.StateFailed},
		{fake.Unavailable, "503", bitext.StateFailed},
		{fake.ForbiddenTerm, "", bitext.StateNeedsReview},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			fo := fakeOptions()
			fo.Rate, fo.Pool = 1, []fake.Fault{tt.fault}
			terms := mapTerms{entries: []TermHit{iis}, noRepair: true}
			h := newHarness(t, fo, Options{Terms: terms, MaxBatchSegments: 5, Concurrency: 2}, func(c *endpoint.Config) { c.MaxRetries = 1 })
			doc := Document{Segments: sentences(10)}
			for i := range doc.Segments { // every segment has a term, so ForbiddenTerm hits all
				doc.Segments[i].Text += " МИБ."
			}
			res, err := h.tr.Translate(context.Background(), doc)
			if err != nil {
				t.Fatal(err)
			}
			counts := h.checkComplete(t, doc, res)
			if counts[tt.state] != 10 {
				t.Fatalf("states %v, want all %s", counts, tt.state)
			}
			for _, r := range res.Segments {
				if !strings.Contains(r.Reason, tt.reason) {
					t.Errorf("%s: reason %q lacks %q", r.ID, r.Reason, tt.reason)
				}
			}
			// Ladder per batch of n=5: 2 + 2 halves + 2 per segment; glossary: 1 + 2 follow-ups.
			bound := 2 * (2 + 2 + 2*5)
			if tt.fault == fake.Unavailable {
				bound = 2 * 2 // client retries once, then the batch fails
			}
			if tt.fault == fake.ForbiddenTerm {
				bound = 2 * 3
			}
			if calls := h.srv.Calls(); calls > bound || calls != res.Calls*map[bool]int{true: 2, false: 1}[tt.fault == fake.Unavailable] {
				t.Errorf("%d HTTP calls for %d requests, bound %d", calls, res.Calls, bound)
			}
		})
	}
}

func TestGlossaryRepairAndFollowUp(t *testing.T) {
	doc := Document{Segments: []Segment{{ID: "a", Text: "Консультации по МИБ."}, {ID: "b", Text: "Переговоры."}}}
	t.Run("deterministic repair, no extra call", func(t *testing.T) {
		fo := fakeOptions()
		fo.Plan = map[int]fake.Fault{1: fake.ForbiddenTerm}
		h := newHarness(t, fo, Options{Terms: mapTerms{entries: []TermHit{iis}}}, nil)
		res, err := h.tr.Translate(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		if c := h.checkComplete(t, doc, res); c[bitext.StateVerified] != 2 || h.srv.Calls() != 1 {
			t.Errorf("states %v after %d calls", c, h.srv.Calls())
		}
	})
	t.Run("follow-up names the violation", func(t *testing.T) {
		fo := fakeOptions()
		fo.Plan = map[int]fake.Fault{1: fake.ForbiddenTerm}
		h := newHarness(t, fo, Options{Terms: mapTerms{entries: []TermHit{iis}, noRepair: true}}, nil)
		res, err := h.tr.Translate(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		if c := h.checkComplete(t, doc, res); c[bitext.StateVerified] != 2 || h.srv.Calls() != 2 {
			t.Fatalf("states %v after %d calls", c, h.srv.Calls())
		}
		rec := h.srv.Received()
		if !strings.Contains(rec[1].System, `segment s1: use "international information security" for «МИБ», not "IIB"`) {
			t.Errorf("follow-up system message:\n%s", rec[1].System)
		}
		if strings.Contains(rec[1].User, "Переговоры") || !strings.Contains(rec[1].User, `"id":"s1"`) {
			t.Errorf("follow-up must carry only the offending segment: %s", rec[1].User)
		}
		if !strings.Contains(rec[0].System, "«МИБ» → \"international information security\"") {
			t.Errorf("matched term missing from the prompt:\n%s", rec[0].System)
		}
		if res.Segments[0].Attempts != 2 || res.Segments[1].Attempts != 1 {
			t.Errorf("attempts %d %d", res.Segments[0].Attempts, res.Segments[1].Attempts)
		}
	})
	t.Run("unmatched terms stay out of the prompt", func(t *testing.T) {
		other := TermHit{ID: "oewg", Term: "рабочая группа", Target: "Working Group"}
		h := newHarness(t, fakeOptions(), Options{Terms: mapTerms{entries: []TermHit{iis, other}}}, nil)
		if _, err := h.tr.Translate(context.Background(), Document{Segments: doc.Segments[1:]}); err != nil {
			t.Fatal(err)
		}
		if sys := h.srv.Received()[0].System; strings.Contains(sys, "Glossary") || strings.Contains(sys, "Working Group") {
			t.Errorf("system message has unmatched terms:\n%s", sys)
		}
	})
}

func TestLongSegmentIsCutAndRejoined(t *testing.T) {
	word := "консультации "
	long := strings.TrimSpace(strings.Repeat(word, 20000/len(word)+1))
	doc := Document{Segments: []Segment{{ID: "short", Text: "Москва."}, {ID: "long", Text: long}, {ID: "nospace", Text: strings.Repeat("я", 3000)}}}
	h := newHarness(t, fakeOptions(), Options{MaxPieceTokens: 200, MaxBatchTokens: 600}, nil)
	res, err := h.tr.Translate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	h.checkComplete(t, doc, res)
	if strings.Count(res.Segments[1].Text, "konsultatsii") != strings.Count(long, "консультации") {
		t.Error("words lost in the cut")
	}
	for _, r := range h.srv.Received() {
		if approx(r.User) > 600+200 {
			t.Errorf("request of %d tokens", approx(r.User))
		}
	}
	if h.srv.Calls() < 20000/(600*4) {
		t.Errorf("only %d calls for a 20,000-character segment", h.srv.Calls())
	}
}

func TestPermanentErrorFailsRemainingSegments(t *testing.T) {
	fo := fakeOptions()
	fo.APIKey = "right"
	h := newHarness(t, fo, Options{MaxBatchSegments: 3, Concurrency: 2}, func(c *endpoint.Config) { c.APIKey = "wrong" })
	doc := Document{Segments: sentences(12)}
	res, err := h.tr.Translate(context.Background(), doc)
	if !endpoint.IsPermanent(err) || !strings.Contains(err.Error(), "OPENAI_API_KEY") {
		t.Fatalf("err = %v", err)
	}
	counts := h.checkComplete(t, doc, res)
	if counts[bitext.StateFailed] != 12 || h.srv.Calls() > 2 {
		t.Errorf("states %v after %d calls", counts, h.srv.Calls())
	}
}

func TestCancelLeavesUnfinishedSegmentsUnreported(t *testing.T) {
	fo := fakeOptions()
	fo.Latency = 20 * time.Millisecond
	h := newHarness(t, fo, Options{MaxBatchSegments: 2, Concurrency: 1}, func(c *endpoint.Config) { c.Timeout = endpoint.Duration(time.Second) })
	ctx, cancel := context.WithCancel(context.Background())
	done := 0
	h.tr.opts.OnResult = func(SegmentResult) {
		done++
		if done == 4 {
			cancel()
		}
	}
	res, err := h.tr.Translate(ctx, Document{Segments: sentences(20)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	finished := 0
	for _, r := range res.Segments {
		if r.State != "" {
			finished++
			if r.State == bitext.StateFailed {
				t.Errorf("%s failed on cancel: %s", r.ID, r.Reason)
			}
		}
	}
	if finished != done || finished >= 20 {
		t.Errorf("%d finished, %d reported", finished, done)
	}
}

func TestNoGlossaryMeansTranslated(t *testing.T) {
	h := newHarness(t, fakeOptions(), Options{}, nil)
	doc := Document{Segments: sentences(3)}
	res, err := h.tr.Translate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if c := h.checkComplete(t, doc, res); c[bitext.StateTranslated] != 3 {
		t.Errorf("states %v", c)
	}
	if res.Usage.PromptTokens == 0 || res.Calls != 1 {
		t.Errorf("usage %+v calls %d", res.Usage, res.Calls)
	}
}

// TestThousandSegmentsWithFaults: 1,000 segments, 20% of calls faulted at
// random with every fault. Each segment ends translated or failed with a
// reason; the calls stay bounded.
func TestThousandSegmentsWithFaults(t *testing.T) {
	fo := fakeOptions()
	fo.Rate, fo.Seed = 0.2, 42
	h := newHarness(t, fo, Options{Terms: mapTerms{entries: []TermHit{iis}}, Concurrency: 8, MaxBatchSegments: 20}, nil)
	doc := Document{Segments: sentences(1000)}
	start := time.Now()
	res, err := h.tr.Translate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	counts := h.checkComplete(t, doc, res)
	batches := 1000 / 20
	t.Logf("1,000 segments, 20%% faults: %v; %d requests, %d HTTP calls (%d batches), faults %v, %s",
		counts, res.Calls, h.srv.Calls(), batches, h.srv.Faults(), time.Since(start).Round(time.Millisecond))
	if counts[bitext.StateVerified]+counts[bitext.StateFailed]+counts[bitext.StateNeedsReview] != 1000 {
		t.Errorf("states %v", counts)
	}
	if counts[bitext.StateVerified] < 990 {
		t.Errorf("only %d verified", counts[bitext.StateVerified])
	}
	if h.srv.Calls() > 2*batches+200 {
		t.Errorf("%d HTTP calls for %d batches", h.srv.Calls(), batches)
	}
}

// countingTerms counts the calls of Match.
type countingTerms struct {
	mapTerms
	calls *atomic.Int32
}

func (c countingTerms) Match(ru string) []TermHit {
	c.calls.Add(1)
	return c.mapTerms.Match(ru)
}

// TestPrematchedHits: hits the caller already matched are used as they are
// (the glossary is not matched again), except for a segment cut into
// pieces, whose pieces are matched one by one.
func TestPrematchedHits(t *testing.T) {
	var calls atomic.Int32
	terms := countingTerms{mapTerms{entries: []TermHit{iis}}, &calls}
	h := newHarness(t, fakeOptions(), Options{Terms: terms, MaxPieceTokens: 40, MaxBatchTokens: 400}, nil)
	hit := iis
	hit.Source = "МИБ"
	long := strings.Repeat("Стороны обсудили вопросы сотрудничества в области МИБ. ", 12)
	doc := Document{Name: "pre", Segments: []Segment{
		{ID: "a", Text: "Стороны обсудили МИБ.", Hits: []TermHit{hit}, Matched: true},
		{ID: "b", Text: "Консультации прошли в Москве.", Matched: true},
		{ID: "c", Text: long, Hits: []TermHit{hit}, Matched: true},
	}}
	pieces := len(cutPieces(long, 40, approx))
	if pieces < 2 {
		t.Fatalf("the long segment is %d piece(s); the test needs it cut", pieces)
	}
	res, err := h.tr.Translate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if got := int(calls.Load()); got != pieces {
		t.Errorf("Match called %d times, want %d (only the pieces of the cut segment)", got, pieces)
	}
	var system string
	for _, r := range h.srv.Received() {
		if strings.Contains(r.User, "Стороны обсудили МИБ.") {
			system = r.System
		}
	}
	if !strings.Contains(system, iis.Target) {
		t.Errorf("the batch of segment a does not carry its pre-matched term; system message:\n%s", system)
	}
	for _, r := range res.Segments {
		if r.State != bitext.StateVerified && r.State != bitext.StateTranslated {
			t.Errorf("%s: %s (%s)", r.ID, r.State, r.Reason)
		}
	}
}

// TestViolationWording: a reviewer reads advice (what the English does,
// what the glossary requires, the entry); the model reads an instruction.
func TestViolationWording(t *testing.T) {
	forbidden := bitext.Violation{TermID: "iis-abbr", Kind: "forbidden", Expected: "international information security", Source: "МИБ", Found: "IIB"}
	missing := bitext.Violation{TermID: "mfa-russia", Kind: "missing", Expected: "Russian Foreign Ministry", Source: "МИД России"}
	for _, c := range []struct{ got, want string }{
		{forbidden.String(), `"IIB" is a forbidden rendering of «МИБ»: the glossary requires "international information security" [iis-abbr]`},
		{missing.String(), `«МИД России» is not rendered as the glossary requires: "Russian Foreign Ministry" or an allowed variant is missing from the English [mfa-russia]`},
		{forbidden.Instruction(), `use "international information security" for «МИБ», not "IIB"`},
		{missing.Instruction(), `use "Russian Foreign Ministry" for «МИД России» (in whatever grammatical form the sentence needs)`},
	} {
		if c.got != c.want {
			t.Errorf("got  %s\nwant %s", c.got, c.want)
		}
	}
}

// TestDropResults checks that with DropResults every segment still reaches
// OnResult exactly once, whole (a long one re-joined from its pieces) and
// with the right text, while Result.Segments stays empty.
func TestDropResults(t *testing.T) {
	fo := fakeOptions()
	fo.Plan = map[int]fake.Fault{1: fake.MissingID, 3: fake.ServerError}
	h := newHarness(t, fo, Options{MaxPieceTokens: 200, MaxBatchTokens: 600, MaxBatchSegments: 4, DropResults: true}, nil)
	var mu sync.Mutex
	var got []SegmentResult
	count := h.tr.opts.OnResult
	h.tr.opts.OnResult = func(r SegmentResult) {
		count(r)
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
	}
	long := strings.TrimSpace(strings.Repeat("консультации ", 400))
	doc := Document{Segments: append(sentences(20), Segment{ID: "long", Text: long})}
	res, err := h.tr.Translate(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Segments != nil {
		t.Fatalf("Result.Segments holds %d results with DropResults", len(res.Segments))
	}
	if res.Calls == 0 {
		t.Error("no calls counted")
	}
	slices.SortFunc(got, func(a, b SegmentResult) int { return a.Index - b.Index })
	res.Segments = got
	h.checkComplete(t, doc, res)
}
