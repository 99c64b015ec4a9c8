package endpoint

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/url"
	"syscall"
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
// failures resets the count; other errors, a reply cut short among them (it
// reached the server), do not count.
func TestConnectionFailuresMustBeInARow(t *testing.T) {
	c := &Client{awayAfter: 2, log: slog.New(slog.DiscardHandler)}
	refused := &Error{Kind: KindTransport, NoConnection: true, Message: "connection refused"}
	cut := &Error{Kind: KindTransport, Message: "reading reply (HTTP 200): unexpected EOF"}
	server := &Error{Kind: KindServer, Status: 500}
	for _, step := range []struct {
		err  error
		gone bool
	}{
		{refused, false}, {nil, false}, {refused, false}, {server, false},
		{refused, false}, {cut, false}, {refused, false}, {refused, true},
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

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestNoConnection: a dial that fails or times out, or a name that does not
// resolve, made no connection; a read cut short did.
func TestNoConnection(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{"dial timeout", &url.Error{Op: "Post", URL: "http://10.255.255.1/v1", Err: &net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}}}, true},
		{"no such host", &net.DNSError{Err: "no such host", Name: "nowhere.invalid", IsNotFound: true}, true},
		{"read reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, false},
		{"cut body", io.ErrUnexpectedEOF, false},
	} {
		if got := noConnection(c.err); got != c.want {
			t.Errorf("%s: noConnection = %v, want %v", c.name, got, c.want)
		}
	}
}
