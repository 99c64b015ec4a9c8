package endpoint

import (
	"net/url"
	"strings"
)

// Secrets of the configuration never reach text meant for people or
// files: the password of a base URL such as http://user:pass@host/v1 is
// shown as "xxxxx" (as url.URL.Redacted does), and the API key not at all.

// RedactURL returns raw with the password of its user information
// replaced by "xxxxx". A string that does not parse as a URL loses all of
// its user information, whatever it holds.
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
		return raw
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return raw
	}
	return scheme + "://xxxxx" + rest[at:]
}

// Redactor removes the secrets of one endpoint configuration from text,
// such as error messages that quote the request URL.
type Redactor struct {
	pairs []string // old, new, ... for strings.NewReplacer
}

// minKeyLen is the shortest API key that is searched for in text: a
// shorter one would match ordinary words.
const minKeyLen = 8

// NewRedactor builds a Redactor for a base URL and an API key.
func NewRedactor(baseURL, apiKey string) Redactor {
	var r Redactor
	if u, err := url.Parse(baseURL); err == nil && u.User != nil {
		if pass, ok := u.User.Password(); ok && pass != "" {
			hidden := url.UserPassword(u.User.Username(), "xxxxx").String()
			// The user information as it appears in a URL, escaped and
			// as typed.
			r.pairs = append(r.pairs, u.User.String()+"@", hidden+"@",
				u.User.Username()+":"+pass+"@", hidden+"@")
		}
	} else if err != nil {
		if red := RedactURL(baseURL); red != baseURL {
			r.pairs = append(r.pairs, baseURL, red)
		}
	}
	if len(apiKey) >= minKeyLen {
		r.pairs = append(r.pairs, apiKey, "[API key]")
	}
	return r
}

// Redact returns s without the secrets.
func (r Redactor) Redact(s string) string {
	if len(r.pairs) == 0 {
		return s
	}
	return strings.NewReplacer(r.pairs...).Replace(s)
}

// Error returns err with the secrets removed from its message; errors.Is
// and errors.As still see the errors it wraps. It returns nil for nil.
func (r Redactor) Error(err error) error {
	if err == nil || len(r.pairs) == 0 {
		return err
	}
	msg := err.Error()
	if red := r.Redact(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

// redactedError is an error whose message has been redacted.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
