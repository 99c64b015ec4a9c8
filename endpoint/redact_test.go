package endpoint

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://user:s3cret@host:8000/v1", "http://user:xxxxx@host:8000/v1"},
		{"https://user@host/v1", "https://user@host/v1"},
		{"http://localhost:8000/v1", "http://localhost:8000/v1"},
		{"", ""},
		{"http://us er:s3cret@host/v1", "http://xxxxx@host/v1"}, // not a URL: every user part goes
		{"http://user:s3cret%zz@host/v1", "http://xxxxx@host/v1"},
		{"not a url with @ in it", "not a url with @ in it"},
	}
	for _, tc := range tests {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactor(t *testing.T) {
	const key = "sk-abcdefghijkl"
	tests := []struct {
		name, base, key, in, want string
	}{
		{"not a URL", "http://bob:pass word@h/v1", "", `base http://bob:pass word@h/v1 refused`, "base http://xxxxx@h/v1 refused"},
		{"password escaped", "http://bob:p%40ss@h/v1", "", `Post "http://bob:p%40ss@h/v1/chat": refused`, `Post "http://bob:xxxxx@h/v1/chat": refused`},
		{"password unescaped in text", "http://bob:p%40ss@h/v1", "", `at http://bob:p@ss@h/v1`, `at http://bob:xxxxx@h/v1`},
		{"API key", "", key, "invalid key " + key + " given", "invalid key [API key] given"},
		{"short key left alone", "", "abc", "abc abc", "abc abc"},
		{"nothing secret", "http://h/v1", "", "Post http://h/v1: refused", "Post http://h/v1: refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NewRedactor(tc.base, tc.key).Redact(tc.in)
			if got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	err := NewRedactor("http://bob:pw123456@h/v1", "").Error(&net.OpError{Op: "dial", Err: errors.New("http://bob:pw123456@h refused")})
	var ne *net.OpError
	if strings.Contains(err.Error(), "pw123456") || !errors.As(err, &ne) {
		t.Errorf("Error: %q, still a *net.OpError: %v", err, errors.As(err, &ne))
	}
}

// TestNoPasswordInConfigOrErrors: a password in the base URL shows in
// neither the description of the configuration, nor its validation
// errors, nor the errors and check report of the client.
func TestNoPasswordInConfigOrErrors(t *testing.T) {
	const secret = "s3cretPass"
	cfg := Default()
	cfg.BaseURL, cfg.Model = "http://bob:"+secret+"@127.0.0.1:1/v1", "m"
	if s := cfg.String(); strings.Contains(s, secret) || !strings.Contains(s, "bob:xxxxx@") {
		t.Errorf("String() = %q", s)
	}
	bad := cfg
	bad.BaseURL = "ftp://bob:" + secret + "@host/v1"
	if err := bad.Validate(); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("Validate() = %v", err)
	}

	// A server that quotes the URL, password and all, in its error.
	srv := httptestServer(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(`{"error":{"message":"upstream http://bob:` + secret + `@127.0.0.1/v1 failed"}}`))
	})
	defer srv.Close()
	for _, base := range []string{
		strings.Replace(srv.URL, "http://", "http://bob:"+secret+"@", 1) + "/v1",
		"http://bob:" + secret + "@127.0.0.1:1/v1", // nothing listens: a transport error
	} {
		cfg.BaseURL = base
		cfg.MaxRetries = 0
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Complete(context.Background(), Request{User: userMsg})
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: Complete error %v", RedactURL(base), err)
		}
		rep, err := c.Check(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if all := rep.Endpoint + strings.Join(rep.Problems, ";"); strings.Contains(all, secret) || len(rep.Problems) == 0 {
			t.Errorf("%s: check report %+v", RedactURL(base), rep)
		}
	}
}
