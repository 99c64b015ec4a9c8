package endpoint

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hugeReply serves chat completions whose body never ends before 300 MB:
// the start of a completion, then padding streamed in 64 KiB chunks until
// the client hangs up (the test never holds the body). With declare set it
// also announces the whole length in Content-Length; status is the HTTP
// status sent.
func hugeReply(t *testing.T, status int, declare bool) (string, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptestServer(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		const total = 300 << 20
		head := `{"id":"x","object":"chat.completion","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"`
		w.Header().Set("Content-Type", "application/json")
		if declare {
			w.Header().Set("Content-Length", strconv.Itoa(total))
		}
		w.WriteHeader(status)
		if _, err := w.Write([]byte(head)); err != nil {
			return
		}
		chunk := []byte(strings.Repeat("a", 64<<10))
		for sent := len(head); sent < total; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading
			}
		}
	})
	t.Cleanup(srv.Close)
	return srv.URL + "/v1", &calls
}

func TestHugeReplyFailsAtTheLimit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		declare bool
		limit   int // Config.MaxReplyBytes
		want    int64
	}{
		{"streamed, default limit", http.StatusOK, false, 0, DefaultMaxReplyBytes},
		{"announced length", http.StatusOK, true, 0, DefaultMaxReplyBytes},
		{"configured limit", http.StatusOK, false, 100_000, 100_000},
		{"error status", http.StatusInternalServerError, false, 0, DefaultMaxReplyBytes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, calls := hugeReply(t, tc.status, tc.declare)
			cfg := Default()
			cfg.BaseURL, cfg.Model, cfg.MaxRetries, cfg.MaxReplyBytes = base, "fake-model", 3, tc.limit
			cfg.Timeout = Duration(time.Minute) // the limit, not the clock, must end it
			c, err := New(cfg, WithBackoff(time.Millisecond, 5*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Complete(context.Background(), Request{User: userMsg, MaxTokens: 500})
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindTooLarge {
				t.Fatalf("err = %v, want a reply-too-large error", err)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(tc.want)) || !strings.Contains(err.Error(), "BITEXT_MAX_REPLY_BYTES") {
				t.Errorf("the error does not name the limit of %d bytes and how to change it: %v", tc.want, err)
			}
			if !IsPermanent(err) || calls.Load() != 1 {
				t.Errorf("permanent %v after %d requests; a reply past the limit must not be retried", IsPermanent(err), calls.Load())
			}
		})
	}
}

func TestReplyLimit(t *testing.T) {
	c := Default()
	if got := c.ReplyLimit(3000); got != DefaultMaxReplyBytes {
		t.Errorf("limit for 3,000 tokens %d, want the default %d", got, DefaultMaxReplyBytes)
	}
	if got := c.ReplyLimit(1 << 20); got <= DefaultMaxReplyBytes {
		t.Errorf("limit for a million tokens %d: not above the default", got)
	}
	c.MaxReplyBytes = 1000
	if got := c.ReplyLimit(1 << 20); got != 1000 {
		t.Errorf("configured limit ignored: %d", got)
	}
	c.MaxReplyBytes = -1
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "BITEXT_MAX_REPLY_BYTES") {
		t.Errorf("negative limit: %v", err)
	}
	env, err := FromEnv(func(k string) string {
		if k == "BITEXT_MAX_REPLY_BYTES" {
			return "2000000"
		}
		return ""
	})
	if err != nil || env.MaxReplyBytes != 2_000_000 {
		t.Errorf("BITEXT_MAX_REPLY_BYTES: %d, %v", env.MaxReplyBytes, err)
	}
}
