package endpoint

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// ErrorKind classifies what went wrong with a request.
type ErrorKind int

// Error kinds. Auth, NotFound, BadRequest and TooLarge are permanent:
// retrying them would fail the same way and only cost money.
const (
	KindTransport  ErrorKind = iota // connection refused, reset or cut mid-reply
	KindTimeout                     // no complete reply within Config.Timeout
	KindRateLimit                   // HTTP 429
	KindServer                      // HTTP 5xx, or a 200 whose body is not a reply
	KindAuth                        // HTTP 401/403: wrong or missing key
	KindNotFound                    // HTTP 404: wrong model or wrong base URL
	KindBadRequest                  // HTTP 400 and other 4xx: the request was refused
	KindCanceled                    // the caller's context ended
	// KindUnavailable: the endpoint stopped answering (several requests in
	// a row could not connect, each after its retries). The client sends
	// nothing more; a run leaves the untranslated segments pending.
	KindUnavailable
	KindTooLarge // the reply body is larger than Config.ReplyLimit
)

var kindNames = [...]string{"transport", "timeout", "rate limit", "server", "auth", "not found", "bad request", "canceled", "unavailable", "reply too large"}

func (k ErrorKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a failed request after classification. Its message says what to
// check for permanent kinds.
type Error struct {
	Kind    ErrorKind
	Status  int    // HTTP status, 0 when no reply came
	Message string // the server's message, or the transport error
	// RetryAfter is the wait the server asked for (Retry-After or
	// retry-after-ms), 0 when it asked for none.
	RetryAfter time.Duration
	// Attempts is the number of HTTP attempts made before giving up.
	Attempts int
	// NoConnection is set when no connection could be made at all (refused,
	// unreachable, a name that does not resolve, a connect that timed
	// out): the request never reached the server, so nothing was paid for,
	// and several in a row mean the endpoint is gone.
	NoConnection bool
	Err          error
}

func (e *Error) Error() string {
	var b strings.Builder
	switch e.Kind {
	case KindAuth:
		fmt.Fprintf(&b, "endpoint refused the API key (HTTP %d): check OPENAI_API_KEY", e.Status)
	case KindNotFound:
		fmt.Fprintf(&b, "endpoint answered HTTP 404: check BITEXT_MODEL (the model must be served there) and OPENAI_BASE_URL (it usually ends in /v1)")
	case KindBadRequest:
		fmt.Fprintf(&b, "endpoint rejected the request (HTTP %d)", e.Status)
	case KindRateLimit:
		b.WriteString("endpoint rate limit (HTTP 429)")
	case KindServer:
		if e.Status != 0 {
			fmt.Fprintf(&b, "endpoint server error (HTTP %d)", e.Status)
		} else {
			b.WriteString("endpoint server error")
		}
	case KindTimeout:
		b.WriteString("endpoint timed out")
	case KindTransport:
		b.WriteString("endpoint connection failed")
	case KindCanceled:
		b.WriteString("request canceled")
	case KindUnavailable:
		b.WriteString("endpoint unavailable")
	case KindTooLarge:
		if e.Status != 0 {
			fmt.Fprintf(&b, "endpoint reply too large (HTTP %d)", e.Status)
		} else {
			b.WriteString("endpoint reply too large")
		}
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// As lets backoff.Retry see the server's Retry-After as its own
// RetryAfterError while callers still get the full *Error.
func (e *Error) As(target any) bool {
	if t, ok := target.(**backoff.RetryAfterError); ok && e.RetryAfter > 0 {
		*t = &backoff.RetryAfterError{Duration: e.RetryAfter}
		return true
	}
	return false
}

// Temporary reports whether retrying the same request may succeed.
func (e *Error) Temporary() bool {
	switch e.Kind {
	case KindTransport, KindTimeout, KindRateLimit, KindServer:
		return true
	}
	return false
}

// IsPermanent reports whether err is an endpoint error that retrying cannot
// fix: a wrong key, model or URL, a refused request, or cancellation. A
// translation run should stop on it instead of trying every segment.
func IsPermanent(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return !e.Temporary()
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// IsUnavailable reports whether err says the endpoint stopped answering:
// nothing more is sent, and what was not translated waits for a later run
// rather than failing.
func IsUnavailable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindUnavailable
}

// classifyStatus maps an HTTP status to a kind.
func classifyStatus(status int) ErrorKind {
	switch {
	case status == 401 || status == 403:
		return KindAuth
	case status == 404:
		return KindNotFound
	case status == 429:
		return KindRateLimit
	case status == 408 || status == 409 || status >= 500:
		return KindServer
	default:
		return KindBadRequest
	}
}

// noConnection reports whether err says no connection was made: a dial
// that failed or timed out, or a host name that does not resolve.
func noConnection(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// classifyTransport maps an error with no HTTP status to a kind.
func classifyTransport(err error) ErrorKind {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return KindTimeout
	}
	return KindTransport
}

// mentionsResponseFormat reports whether a 400 message is about the
// response_format parameter, i.e. structured output is not supported.
func mentionsResponseFormat(msg string) bool {
	m := strings.ToLower(msg)
	for _, s := range []string{"response_format", "json_schema", "json_object", "response format", "structured output", "guided_json", "grammar"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}
