package endpoint

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bitext/bitext/endpoint/fake"
)

var segSchema = &Schema{Name: "segments", JSON: json.RawMessage(`{"type":"object","properties":{"segments":{"type":"array","items":{"type":"object","properties":{"id":{"type":"string"},"text":{"type":"string"}},"required":["id","text"],"additionalProperties":false}}},"required":["segments"],"additionalProperties":false}`)}

const userMsg = `{"segments":[{"id":"s1","text":"Москва"}]}`

// testClient builds a client against srv with millisecond backoff and a
// short timeout, recording the waits between attempts.
func testClient(t *testing.T, srv *fake.Server, change func(*Config)) (*Client, *[]time.Duration) {
	t.Helper()
	cfg := Default()
	cfg.BaseURL, cfg.Model = srv.BaseURL(), "fake-model"
	cfg.Timeout = Duration(500 * time.Millisecond)
	cfg.MaxRetries = 3
	if change != nil {
		change(&cfg)
	}
	var mu sync.Mutex
	var waits []time.Duration
	c, err := New(cfg, WithBackoff(time.Millisecond, 20*time.Millisecond), WithNotify(func(_ error, w time.Duration) {
		mu.Lock()
		waits = append(waits, w)
		mu.Unlock()
	}))
	if err != nil {
		t.Fatal(err)
	}
	return c, &waits
}

func TestCompleteRecoversFromTemporaryFaults(t *testing.T) {
	for _, f := range []fake.Fault{fake.RateLimit, fake.RateLimitNoHeader, fake.ServerError, fake.BadGateway, fake.Unavailable, fake.Slow, fake.CutBody} {
		t.Run(f.String(), func(t *testing.T) {
			srv := fake.New(fake.Options{Plan: map[int]fake.Fault{1: f, 2: f}, RetryAfter: "0.01", SlowDelay: 2 * time.Second})
			defer srv.Close()
			c, waits := testClient(t, srv, func(c *Config) { c.Timeout = Duration(100 * time.Millisecond) })
			r, err := c.Complete(context.Background(), Request{System: "translate", User: userMsg, Schema: segSchema})
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if r.Text != `{"segments":[{"id":"s1","text":"Moskva"}]}` || r.FinishReason != "stop" {
				t.Errorf("reply %+v", r)
			}
			if got := srv.Calls(); got != 3 {
				t.Errorf("calls = %d, want 3 (two faults, one success)", got)
			}
			if len(*waits) != 2 {
				t.Errorf("waits = %v, want 2", *waits)
			}
			if u := c.Usage(); u.Requests != 1 || u.Attempts != 3 || u.PromptTokens == 0 || u.CompletionTokens == 0 {
				t.Errorf("usage %+v", u)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	srv := fake.New(fake.Options{Plan: map[int]fake.Fault{1: fake.RateLimit}, RetryAfter: "0.015"})
	defer srv.Close()
	c, waits := testClient(t, srv, nil)
	if _, err := c.Complete(context.Background(), Request{User: userMsg}); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 || (*waits)[0] != 15*time.Millisecond {
		t.Errorf("waits = %v, want exactly the server's 15ms", *waits)
	}
}

func TestRetryAfterIsCapped(t *testing.T) {
	srv := fake.New(fake.Options{Plan: map[int]fake.Fault{1: fake.RateLimit}, RetryAfter: "3600"})
	defer srv.Close()
	c, waits := testClient(t, srv, nil) // WithBackoff caps waits at 20ms
	if _, err := c.Complete(context.Background(), Request{User: userMsg}); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 || (*waits)[0] != 20*time.Millisecond {
		t.Errorf("waits = %v, want the 20ms cap", *waits)
	}
}

func TestRetriesAreBounded(t *testing.T) {
	plan := map[int]fake.Fault{}
	for i := 1; i <= 20; i++ {
		plan[i] = fake.Unavailable
	}
	srv := fake.New(fake.Options{Plan: plan})
	defer srv.Close()
	c, _ := testClient(t, srv, func(c *Config) { c.MaxRetries = 2 })
	_, err := c.Complete(context.Background(), Request{User: userMsg})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindServer || e.Status != 503 || e.Attempts != 3 {
		t.Fatalf("err = %#v", err)
	}
	if IsPermanent(err) {
		t.Error("503 reported as permanent")
	}
	if srv.Calls() != 3 {
		t.Errorf("calls = %d, want 3", srv.Calls())
	}
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	tests := []struct {
		name  string
		opts  fake.Options
		model string
		kind  ErrorKind
		says  string
	}{
		{"wrong key", fake.Options{APIKey: "right"}, "fake-model", KindAuth, "OPENAI_API_KEY"},
		{"wrong model", fake.Options{}, "gpt-7", KindNotFound, "BITEXT_MODEL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fake.New(tt.opts)
			defer srv.Close()
			c, _ := testClient(t, srv, func(c *Config) { c.Model, c.APIKey = tt.model, "wrong" })
			_, err := c.Complete(context.Background(), Request{User: userMsg})
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.kind || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("err = %v, want kind %v mentioning %s", err, tt.kind, tt.says)
			}
			if !IsPermanent(err) {
				t.Error("not permanent")
			}
			if srv.Calls() > 1 {
				t.Errorf("calls = %d, want at most 1", srv.Calls())
			}
		})
	}
}

func TestWrongURLIsNotFound(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	c, _ := testClient(t, srv, func(c *Config) { c.BaseURL = srv.URL + "/api" })
	_, err := c.Complete(context.Background(), Request{User: userMsg})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindNotFound || !strings.Contains(err.Error(), "OPENAI_BASE_URL") {
		t.Fatalf("err = %v", err)
	}
}

func TestFormatFallback(t *testing.T) {
	tests := []struct {
		name string
		opts fake.Options
		want string
	}{
		{"schema accepted", fake.Options{}, FormatJSONSchema},
		{"schema refused", fake.Options{RejectJSONSchema: true}, FormatJSONObject},
		{"both refused", fake.Options{RejectJSONObject: true}, FormatText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fake.New(tt.opts)
			defer srv.Close()
			c, _ := testClient(t, srv, func(c *Config) { c.MaxRetries = 0 })
			for i := range 2 {
				r, err := c.Complete(context.Background(), Request{User: userMsg, Schema: segSchema})
				if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
				if r.Format != tt.want {
					t.Errorf("call %d format %s, want %s", i, r.Format, tt.want)
				}
			}
			rec := srv.Received()
			if last := rec[len(rec)-1]; last.Format != map[string]string{FormatText: ""}[tt.want] && last.Format != tt.want {
				t.Errorf("last request sent format %q", last.Format)
			}
			// The fallback is remembered: the second request goes straight to it.
			if n := len(rec); n != 2+map[string]int{FormatJSONSchema: 0, FormatJSONObject: 1, FormatText: 2}[tt.want] {
				t.Errorf("%d requests", n)
			}
		})
	}
}

func TestFixedFormatDoesNotFallBack(t *testing.T) {
	srv := fake.New(fake.Options{RejectJSONSchema: true})
	defer srv.Close()
	c, _ := testClient(t, srv, func(c *Config) { c.ResponseFormat = FormatJSONSchema })
	_, err := c.Complete(context.Background(), Request{User: userMsg, Schema: segSchema})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindBadRequest || srv.Calls() != 1 {
		t.Fatalf("err = %v after %d calls", err, srv.Calls())
	}
}

func TestCanceledContextStops(t *testing.T) {
	srv := fake.New(fake.Options{Plan: map[int]fake.Fault{1: fake.Slow}, SlowDelay: 5 * time.Second})
	defer srv.Close()
	c, _ := testClient(t, srv, func(c *Config) { c.Timeout = Duration(10 * time.Second) })
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.Calls() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := c.Complete(ctx, Request{User: userMsg})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindCanceled || !IsPermanent(err) {
		t.Fatalf("err = %v", err)
	}
	if srv.Calls() != 1 {
		t.Errorf("calls = %d after cancel", srv.Calls())
	}
}

func TestChatRequestParameters(t *testing.T) {
	cfg := Default()
	cfg.BaseURL, cfg.Model, cfg.MaxTokens = "http://x/v1", "llama3", 1000
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c.chatRequest(Request{System: "s", User: "u", Schema: segSchema}, FormatJSONSchema))
	for _, want := range []string{`"temperature":0.0001`, `"max_tokens":1000`, `"strict":true`, `"type":"json_schema"`, `"name":"segments"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("request lacks %s: %s", want, b)
		}
	}
	cfg.Model = "o3-mini"
	c, _ = New(cfg)
	b, _ = json.Marshal(c.chatRequest(Request{User: "u", MaxTokens: 50}, FormatText))
	if strings.Contains(string(b), "temperature") || !strings.Contains(string(b), `"max_completion_tokens":50`) || strings.Contains(string(b), "response_format") {
		t.Errorf("reasoning model request: %s", b)
	}
}

func TestCheck(t *testing.T) {
	t.Run("healthy", func(t *testing.T) {
		srv := fake.New(fake.Options{Models: []string{"other", "fake-model"}})
		defer srv.Close()
		c, _ := testClient(t, srv, nil)
		rep, err := c.Check(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || !rep.ModelListed || !rep.StructuredOutput || rep.Format != FormatJSONSchema || len(rep.Problems) != 0 {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("no structured output", func(t *testing.T) {
		srv := fake.New(fake.Options{RejectJSONObject: true})
		defer srv.Close()
		c, _ := testClient(t, srv, nil)
		rep, _ := c.Check(context.Background())
		if !rep.OK() || rep.StructuredOutput || rep.Format != FormatText || c.Format() != FormatText {
			t.Errorf("report %+v, client format %s", rep, c.Format())
		}
	})
	t.Run("unknown model", func(t *testing.T) {
		srv := fake.New(fake.Options{})
		defer srv.Close()
		c, _ := testClient(t, srv, func(c *Config) { c.Model = "gpt-7" })
		rep, _ := c.Check(context.Background())
		if rep.OK() || !rep.Reachable || rep.ModelListed || len(rep.Problems) != 2 {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		srv := fake.New(fake.Options{})
		url := srv.BaseURL()
		srv.Close()
		c, _ := testClient(t, srv, func(c *Config) { c.BaseURL, c.MaxRetries = url, 0 })
		rep, _ := c.Check(context.Background())
		if rep.Reachable || rep.OK() {
			t.Errorf("report %+v", rep)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		h    map[string]string
		want time.Duration
	}{
		{map[string]string{"Retry-After": "7"}, 7 * time.Second},
		{map[string]string{"Retry-After": "0.25"}, 250 * time.Millisecond},
		{map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{map[string]string{"Retry-After": "soon"}, 0},
		{map[string]string{"Retry-After": "-3"}, 0},
		{map[string]string{"retry-after-ms": "1500", "Retry-After": "2"}, 1500 * time.Millisecond},
		{map[string]string{}, 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.h {
			h.Set(k, v)
		}
		if got := parseRetryAfter(h, now); got != tt.want {
			t.Errorf("%v: got %v, want %v", tt.h, got, tt.want)
		}
	}
}

func TestConcurrentUseIsBounded(t *testing.T) {
	srv := fake.New(fake.Options{Latency: 5 * time.Millisecond, Rate: 0.3, Seed: 7,
		Pool: []fake.Fault{fake.RateLimitNoHeader, fake.ServerError, fake.CutBody}})
	defer srv.Close()
	c, _ := testClient(t, srv, func(c *Config) { c.Concurrency, c.MaxRetries = 3, 10 })
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Complete(context.Background(), Request{User: userMsg})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	u := c.Usage()
	if u.Requests != 40 || int(u.Attempts) != srv.Calls() || u.Attempts < 40 {
		t.Errorf("usage %+v, server calls %d", u, srv.Calls())
	}
}

func TestTokens(t *testing.T) {
	tk := NewTokens("gpt-4o-mini")
	if n := tk.Count("Hello, world!"); n < 3 || n > 5 {
		t.Errorf("English count %d", n)
	}
	ru := tk.Count("Международная информационная безопасность")
	if ru < 5 || ru > 20 {
		t.Errorf("Russian count %d", ru)
	}
	if tk.Count("") != 0 {
		t.Error("empty string has tokens")
	}
}

func TestTokenLimitNeverRefusesALargeRequest(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	c, _ := testClient(t, srv, func(c *Config) { c.TokensPerMinute, c.RequestsPerMinute = 100, 60 })
	big := strings.Repeat("Международная информационная безопасность. ", 50) // far above the 100-token burst
	if _, err := c.Complete(context.Background(), Request{System: big, User: userMsg, MaxTokens: 500}); err != nil {
		t.Fatalf("a request above the per-minute burst must wait, not fail: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Complete(ctx, Request{User: userMsg})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindCanceled || srv.Calls() != 1 {
		t.Errorf("canceled wait: %v after %d calls", err, srv.Calls())
	}
}

func TestAzureRequestShape(t *testing.T) {
	var mu sync.Mutex
	var path, query, key string
	srv := httptestServer(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		path, query, key = r.URL.Path, r.URL.RawQuery, r.Header.Get("api-key")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":3,"completion_tokens":1}}`))
	})
	defer srv.Close()
	cfg := Default()
	cfg.APIType, cfg.BaseURL, cfg.APIKey, cfg.Model, cfg.Deployment = APIAzure, srv.URL, "azkey", "gpt-4o", "prod-4o"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Complete(context.Background(), Request{User: "u"})
	if err != nil || r.Text != "ok" || r.Usage.PromptTokens != 3 {
		t.Fatalf("%+v %v", r, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if path != "/openai/deployments/prod-4o/chat/completions" || query != "api-version=2024-10-21" || key != "azkey" {
		t.Errorf("path %q query %q key %q", path, query, key)
	}
}

// TestWaiting: requests beyond the concurrency wait for a slot, and
// Waiting counts them.
func TestWaiting(t *testing.T) {
	srv := fake.New(fake.Options{Latency: 300 * time.Millisecond})
	defer srv.Close()
	cfg := Default()
	cfg.BaseURL, cfg.Model, cfg.Concurrency = srv.BaseURL(), "fake-model", 1
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Waiting(); n != 0 {
		t.Fatalf("waiting %d before any request", n)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			_, _ = c.Complete(context.Background(), Request{System: "s", User: `{"segments":[{"id":"s1","text":"Привет."}]}`})
		})
	}
	// Two of the three wait behind the one in flight for most of its
	// 300 ms; the count is read while they do.
	seen := 0
	for range 200 {
		seen = max(seen, c.Waiting())
		if seen == 2 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	wg.Wait()
	if seen != 2 {
		t.Errorf("at most %d requests seen waiting, want 2", seen)
	}
	if n := c.Waiting(); n != 0 {
		t.Errorf("waiting %d after all returned", n)
	}
}
