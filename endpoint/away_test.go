package endpoint

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/bitext/bitext/endpoint/fake"
)

// TestEndpointGoesAway: after DefaultAwayAfter requests in a row that could
// not connect (each after its retries), the client takes the endpoint to be
// gone and fails every later request at once, without sending it.
func TestEndpointGoesAway(t *testing.T) {
	srv := fake.New(fake.Options{GoneAfter: 2})
	defer srv.Close()
	c, _ := testClient(t, srv, func(c *Config) { c.MaxRetries = 1 })
	ctx := context.Background()
	req := Request{System: "translate", User: userMsg, Schema: segSchema}
	for i := range 2 {
		if _, err := c.Complete(ctx, req); err != nil {
			t.Fatalf("call %d before the server went: %v", i+1, err)
		}
	}
	var last error
	for i := range DefaultAwayAfter {
		_, err := c.Complete(ctx, req)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("failure %d: %v, want an *Error", i+1, err)
		}
		want := KindTransport
		if i == DefaultAwayAfter-1 {
			want = KindUnavailable
		}
		if e.Kind != want {
			t.Fatalf("failure %d: kind %s (%v), want %s", i+1, e.Kind, err, want)
		}
		last = err
	}
	if c.Unavailable() == nil || !IsUnavailable(last) || !IsPermanent(last) {
		t.Fatalf("client not unavailable after %d failures: %v", DefaultAwayAfter, last)
	}
	attempts := c.Usage().Attempts
	_, err := c.Complete(ctx, req)
	if !IsUnavailable(err) {
		t.Fatalf("after going away: %v", err)
	}
	if got := c.Usage().Attempts; got != attempts {
		t.Errorf("a request was sent after the endpoint went away: attempts %d → %d", attempts, got)
	}
}

// TestConnectionFailuresMustBeInARow: a success between connection
// failures resets the count; other errors do not count.
func TestConnectionFailuresMustBeInARow(t *testing.T) {
	c := &Client{awayAfter: 2, log: slog.New(slog.DiscardHandler)}
	transport := &Error{Kind: KindTransport, Message: "connection refused"}
	server := &Error{Kind: KindServer, Status: 500}
	for _, step := range []struct {
		err  error
		gone bool
	}{
		{transport, false}, {nil, false}, {transport, false}, {server, false}, {nil, false},
		{transport, false}, {transport, true},
	} {
		got := c.health(step.err)
		if IsUnavailable(got) != step.gone {
			t.Fatalf("after %v: %v, gone %v", step.err, got, step.gone)
		}
	}
}

// TestPreflight: a wrong key, a model the endpoint does not serve and a
// server that is not there are found before anything is paid for.
func TestPreflight(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(fake.Options{APIKey: "right"})
	defer srv.Close()
	gone := fake.New(fake.Options{})
	gone.Close()
	for _, c := range []struct {
		name   string
		change func(*Config)
		check  func(error) bool
		want   string
	}{
		{"ok", func(c *Config) { c.APIKey = "right" }, func(err error) bool { return err == nil }, "nil"},
		{"wrong key", func(c *Config) { c.APIKey = "wrong" }, func(err error) bool { return IsConfigError(err) && kindOf(err) == KindAuth }, "a configuration error (auth)"},
		{"wrong model", func(c *Config) { c.APIKey, c.Model = "right", "no-such-model" }, func(err error) bool { return IsConfigError(err) && kindOf(err) == KindNotFound }, "a configuration error (not found)"},
		{"wrong base URL", func(c *Config) { c.APIKey, c.BaseURL = "right", srv.URL+"/nothing/v1" }, IsConfigError, "a configuration error"},
		{"no server", func(c *Config) { c.BaseURL = gone.BaseURL() }, IsUnavailable, "unavailable"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, _ := testClient(t, srv, c.change)
			err := cl.Preflight(ctx)
			if !c.check(err) {
				t.Fatalf("Preflight: %v, want %s", err, c.want)
			}
			if c.name == "no server" && cl.Unavailable() == nil {
				t.Errorf("the client does not know the endpoint is gone")
			}
		})
	}
	if srv.Calls() > 2 {
		t.Errorf("%d chat calls for five checks: a listed model needs none", srv.Calls())
	}
}

func kindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return -1
}
