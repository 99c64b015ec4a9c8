package endpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/time/rate"
)

// Request is one chat completion: a system and a user message, and
// optionally a JSON schema the reply must follow.
type Request struct {
	System string
	User   string
	// Schema asks for structured output. The client sends it as a strict
	// json_schema when the endpoint supports it, json_object otherwise, and
	// nothing on endpoints that support neither; the caller parses the reply
	// tolerantly in every case.
	Schema *Schema
	// MaxTokens bounds the completion; 0 uses Config.MaxTokens.
	MaxTokens int
	// Priority orders the requests waiting for a concurrency slot: a
	// freed slot goes to the highest, the earliest among equals. A caller
	// gives more to a request that others will wait for (the length of
	// the chain of requests it may start), so that chains start early and
	// do not make the tail of a run. 0 for all keeps arrival order.
	Priority int
}

// Schema is a named JSON schema for structured output.
type Schema struct {
	Name string
	JSON json.RawMessage
}

// Reply is the first choice of a completion.
type Reply struct {
	Text         string
	FinishReason string // "stop", "length", "content_filter", …
	// Format is the response format the reply was requested with.
	Format string
	Usage  Usage
}

// Usage counts requests and tokens.
type Usage struct {
	Requests         int64 `json:"requests"`          // Complete calls
	Attempts         int64 `json:"attempts"`          // HTTP attempts, retries included
	PromptTokens     int64 `json:"prompt_tokens"`     // as reported by the endpoint (estimated when it reports none)
	CompletionTokens int64 `json:"completion_tokens"` // idem
}

// Add returns the sum of u and v.
func (u Usage) Add(v Usage) Usage {
	return Usage{u.Requests + v.Requests, u.Attempts + v.Attempts, u.PromptTokens + v.PromptTokens, u.CompletionTokens + v.CompletionTokens}
}

// Option adjusts a Client.
type Option func(*Client)

// WithLogger logs retries and format fallbacks to l.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithBackoff sets the first wait between attempts and its growth cap.
// Tests use milliseconds; the defaults are 500 ms and Config.MaxRetryWait.
func WithBackoff(initial, max time.Duration) Option {
	return func(c *Client) { c.initialWait, c.maxWait = initial, max }
}

// WithNotify calls f before each wait between attempts.
func WithNotify(f func(err error, wait time.Duration)) Option {
	return func(c *Client) { c.notify = f }
}

// Client sends chat completions to one endpoint. It is safe for concurrent
// use; Concurrency, rate limits and usage totals are shared by all callers.
type Client struct {
	cfg Config
	api *openai.Client
	log *slog.Logger
	sem *slots
	// waiting counts the requests waiting for a slot
	waiting atomic.Int32
	rpm     *rate.Limiter
	tpm     *rate.Limiter
	toks    *Tokens

	initialWait, maxWait time.Duration
	notify               func(error, time.Duration)
	redactor             Redactor // hides the base URL's password and the key in messages

	mu     sync.Mutex
	format string // current structured-output mode

	requests, attempts, promptTokens, completionTokens atomic.Int64

	// awayAfter is the number of requests in a row that could not connect
	// (each after its retries) after which the endpoint is taken to be
	// gone; connFails counts them, away holds the error once it is.
	awayAfter int32
	connFails atomic.Int32
	away      atomic.Pointer[Error]
}

// DefaultAwayAfter is the number of requests in a row that could not
// connect, each after its retries, after which a client stops sending.
const DefaultAwayAfter = 3

// WithAwayAfter sets how many requests in a row may fail to connect (each
// after all its retries) before the client takes the endpoint to be gone
// and fails every later request at once with KindUnavailable; n < 1 means
// DefaultAwayAfter.
func WithAwayAfter(n int) Option { return func(c *Client) { c.awayAfter = int32(n) } }

// New validates cfg and builds a client.
func New(cfg Config, opts ...Option) (*Client, error) {
	if cfg.ResponseFormat == "" {
		cfg.ResponseFormat = FormatAuto
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("endpoint config: %w", err)
	}
	// The default transport keeps two idle connections per host: with
	// more requests in flight, every reply beyond two closed its connection
	// and the next request paid for a new one (a TCP and TLS handshake,
	// a round trip or more to a remote endpoint). Keep one per slot.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(cfg.Concurrency, tr.MaxIdleConnsPerHost)
	tr.MaxIdleConns = max(cfg.Concurrency, tr.MaxIdleConns)
	hc := &http.Client{Timeout: time.Duration(cfg.Timeout), Transport: tr}
	var oc openai.ClientConfig
	if cfg.APIType == APIAzure {
		oc = openai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
		oc.APIVersion = cfg.APIVersion
		if cfg.Deployment != "" {
			dep := cfg.Deployment
			oc.AzureModelMapperFunc = func(string) string { return dep }
		}
	} else {
		oc = openai.DefaultConfig(cfg.APIKey)
		if cfg.BaseURL != "" {
			oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
		}
	}
	oc.HTTPClient = &doer{hc: hc, limit: cfg.ReplyLimit(cfg.MaxTokens)}
	c := &Client{
		cfg:         cfg,
		api:         openai.NewClientWithConfig(oc),
		log:         slog.New(slog.DiscardHandler),
		sem:         newSlots(cfg.Concurrency),
		toks:        NewTokens(cfg.Model),
		initialWait: 500 * time.Millisecond,
		maxWait:     time.Duration(cfg.MaxRetryWait),
		format:      cfg.ResponseFormat,
		redactor:    NewRedactor(cfg.BaseURL, cfg.APIKey),
	}
	if c.format == FormatAuto {
		c.format = FormatJSONSchema
	}
	if cfg.RequestsPerMinute > 0 {
		c.rpm = rate.NewLimiter(rate.Limit(float64(cfg.RequestsPerMinute)/60), max(1, cfg.RequestsPerMinute/60))
	}
	if cfg.TokensPerMinute > 0 {
		c.tpm = rate.NewLimiter(rate.Limit(float64(cfg.TokensPerMinute)/60), cfg.TokensPerMinute)
	}
	for _, o := range opts {
		o(c)
	}
	if c.maxWait <= 0 {
		c.maxWait = 60 * time.Second
	}
	if c.awayAfter < 1 {
		c.awayAfter = DefaultAwayAfter
	}
	return c, nil
}

// Config returns the configuration the client was built with.
func (c *Client) Config() Config { return c.cfg }

// Usage returns the totals since the client was built.
func (c *Client) Usage() Usage {
	return Usage{c.requests.Load(), c.attempts.Load(), c.promptTokens.Load(), c.completionTokens.Load()}
}

// CountTokens estimates the tokens of s for the configured model.
func (c *Client) CountTokens(s string) int { return c.toks.Count(s) }

// Format returns the structured-output mode currently used for requests
// with a schema: json_schema, json_object or text.
func (c *Client) Format() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.format
}

// downgrade moves from a refused format to the next weaker one, when the
// configuration allows it. It reports whether there is a format left to try.
func (c *Client) downgrade(from string) bool {
	if c.cfg.ResponseFormat != FormatAuto {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.format != from { // another request already moved on
		return true
	}
	switch from {
	case FormatJSONSchema:
		c.format = FormatJSONObject
	case FormatJSONObject:
		c.format = FormatText
	default:
		return false
	}
	c.log.Warn("endpoint refused response format; falling back", "refused", from, "now", c.format)
	return true
}

// Complete sends req, retrying temporary failures with exponential backoff
// and jitter (honouring Retry-After) up to Config.MaxRetries times. Errors
// are *Error; IsPermanent tells whether to give up on the endpoint.
func (c *Client) Complete(ctx context.Context, req Request) (Reply, error) {
	if e := c.away.Load(); e != nil {
		return Reply{}, e
	}
	c.requests.Add(1)
	attempts := 0
	op := func() (Reply, error) {
		for {
			attempts++
			format := FormatText
			if req.Schema != nil {
				format = c.Format()
			}
			r, err := c.completeOnce(ctx, req, format)
			if err == nil {
				return r, nil
			}
			var e *Error
			if !errors.As(err, &e) {
				return Reply{}, backoff.Permanent(err)
			}
			e.Attempts = attempts
			if e.Kind == KindBadRequest && format != FormatText && mentionsResponseFormat(e.Message) && c.downgrade(format) {
				continue // the same attempt again with a weaker format
			}
			if !e.Temporary() {
				return Reply{}, backoff.Permanent(e)
			}
			if e.RetryAfter > c.maxWait {
				e.RetryAfter = c.maxWait
			}
			return Reply{}, e
		}
	}
	r, err := c.retry(ctx, op)
	return r, c.health(err)
}

// Unavailable returns the error that made the client take the endpoint to
// be gone, or nil while it is not.
func (c *Client) Unavailable() error {
	if e := c.away.Load(); e != nil {
		return e
	}
	return nil
}

// health counts requests that could not connect: a request that reached
// the server resets the count, and the request that reaches awayAfter in a row marks the
// endpoint gone (its error becomes KindUnavailable, as every later one).
func (c *Client) health(err error) error {
	if err == nil {
		c.connFails.Store(0)
		return nil
	}
	var e *Error
	if !errors.As(err, &e) || !e.NoConnection {
		// The server was reached (an HTTP error, a reply cut short): it
		// is there. A cancellation says nothing either way.
		if errors.As(err, &e) && e.Kind != KindCanceled {
			c.connFails.Store(0)
		}
		return err
	}
	n := c.connFails.Add(1)
	if n < c.awayAfter {
		return err
	}
	// Later requests get gone itself (no attempts: nothing is sent); this
	// one, which was sent, gets a copy with its attempts.
	gone := &Error{Kind: KindUnavailable, Err: e,
		Message: fmt.Sprintf("%d requests in a row could not connect, each after its retries (last: %s); check that the server at %s is running, then run again", n, e.Message, c.cfg.String())}
	if c.away.CompareAndSwap(nil, gone) {
		c.log.Error("the endpoint stopped answering: no more requests are sent", "endpoint", c.cfg.String(), "failures", n)
	}
	mine := *c.away.Load()
	mine.Attempts = e.Attempts
	return &mine
}

func (c *Client) retry(ctx context.Context, op backoff.Operation[Reply]) (Reply, error) {
	eb := backoff.NewExponentialBackOff()
	eb.InitialInterval = c.initialWait
	eb.MaxInterval = c.maxWait
	r, err := backoff.Retry(ctx, op,
		backoff.WithBackOff(eb),
		backoff.WithMaxTries(uint(c.cfg.MaxRetries+1)),
		backoff.WithMaxElapsedTime(0),
		backoff.WithNotify(func(err error, wait time.Duration) {
			c.log.Info("endpoint retry", "err", err, "wait", wait)
			if c.notify != nil {
				c.notify(err, wait)
			}
		}))
	if err != nil && ctx.Err() != nil {
		return r, &Error{Kind: KindCanceled, Message: context.Cause(ctx).Error(), Err: context.Cause(ctx)}
	}
	return r, err
}

// isReasoningModel reports whether the model refuses temperature and
// max_tokens (OpenAI's o-series and gpt-5 family).
func isReasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

func (c *Client) chatRequest(req Request, format string) openai.ChatCompletionRequest {
	cr := openai.ChatCompletionRequest{
		Model: c.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: req.System},
			{Role: openai.ChatMessageRoleUser, Content: req.User},
		},
	}
	maxTokens := req.MaxTokens
	if maxTokens == 0 {
		maxTokens = c.cfg.MaxTokens
	}
	if isReasoningModel(c.cfg.Model) {
		cr.MaxCompletionTokens = maxTokens
	} else {
		// max_tokens, deprecated by OpenAI, is what the compatible servers
		// (vLLM, Ollama, llama.cpp) read; OpenAI still accepts it.
		cr.MaxTokens = maxTokens //lint:ignore SA1019 the compatible servers read max_tokens
		// go-openai omits a zero temperature, and servers then use their
		// default (often 0.7–1): send a value that is zero in effect.
		cr.Temperature = float32(c.cfg.Temperature)
		if cr.Temperature == 0 {
			cr.Temperature = 1e-4
		}
	}
	switch {
	case req.Schema == nil || format == FormatText:
	case format == FormatJSONSchema:
		cr.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: req.Schema.Name, Schema: req.Schema.JSON, Strict: true,
			},
		}
	case format == FormatJSONObject:
		cr.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return cr
}

// completeOnce makes one HTTP attempt, waiting for the rate limiters and a
// concurrency slot first.
func (c *Client) completeOnce(ctx context.Context, req Request, format string) (Reply, error) {
	cr := c.chatRequest(req, format)
	var estimate int
	if c.tpm != nil {
		estimate = c.toks.Count(req.System) + c.toks.Count(req.User) + cr.MaxTokens + cr.MaxCompletionTokens //lint:ignore SA1019 either is set
	}
	info, err := c.acquire(ctx, estimate, req.Priority)
	if err != nil {
		return Reply{}, err
	}
	defer c.sem.release()
	info.maxTokens = cr.MaxTokens + cr.MaxCompletionTokens //lint:ignore SA1019 either is set
	info.limit = c.cfg.ReplyLimit(info.maxTokens)
	resp, err := c.api.CreateChatCompletion(info.ctx, cr)
	if err != nil {
		return Reply{}, c.classify(ctx, info, err)
	}
	if len(resp.Choices) == 0 {
		return Reply{}, &Error{Kind: KindServer, Status: info.status, Message: "reply has no choices"}
	}
	ch := resp.Choices[0]
	u := Usage{PromptTokens: int64(resp.Usage.PromptTokens), CompletionTokens: int64(resp.Usage.CompletionTokens)}
	if u.PromptTokens == 0 && u.CompletionTokens == 0 {
		u.PromptTokens = int64(c.toks.Count(req.System) + c.toks.Count(req.User))
		u.CompletionTokens = int64(c.toks.Count(ch.Message.Content))
	}
	c.promptTokens.Add(u.PromptTokens)
	c.completionTokens.Add(u.CompletionTokens)
	u.Requests, u.Attempts = 1, 1
	return Reply{Text: ch.Message.Content, FinishReason: string(ch.FinishReason), Format: format, Usage: u}, nil
}

// acquire waits for the rate limiters, then for a concurrency slot (ahead
// of the waiting requests of lower priority), and returns the per-attempt
// record the HTTP doer fills in.
func (c *Client) acquire(ctx context.Context, tokens, priority int) (*attempt, error) {
	canceled := func() error {
		return &Error{Kind: KindCanceled, Message: context.Cause(ctx).Error(), Err: context.Cause(ctx)}
	}
	if c.rpm != nil {
		if err := c.rpm.Wait(ctx); err != nil {
			return nil, canceled()
		}
	}
	if c.tpm != nil && tokens > 0 {
		if err := c.tpm.WaitN(ctx, min(tokens, c.tpm.Burst())); err != nil {
			return nil, canceled()
		}
	}
	c.waiting.Add(1)
	defer c.waiting.Add(-1)
	if !c.sem.acquire(ctx, priority) {
		return nil, canceled()
	}
	c.attempts.Add(1)
	a := &attempt{}
	a.ctx = context.WithValue(ctx, attemptKey{}, a)
	return a, nil
}

// Waiting returns how many requests are waiting for a concurrency slot
// (queued behind the requests in flight).
func (c *Client) Waiting() int { return int(c.waiting.Load()) }

// classify turns what go-openai returned into an *Error whose message
// holds no secret of the configuration (net/http and servers quote URLs).
func (c *Client) classify(ctx context.Context, a *attempt, err error) error {
	e := c.classifyKind(ctx, a, err)
	e.Message = c.redactor.Redact(e.Message)
	return e
}

// classifyKind finds the kind, status and message of a failure.
func (c *Client) classifyKind(ctx context.Context, a *attempt, err error) *Error {
	if ctx.Err() != nil {
		return &Error{Kind: KindCanceled, Message: context.Cause(ctx).Error(), Err: err}
	}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case a.tooLarge > 0:
		return &Error{Kind: KindTooLarge, Status: a.status, Err: err, Message: fmt.Sprintf(
			"the reply is larger than %d bytes, the limit for a request of up to %d completion tokens; "+
				"the endpoint at %s does not answer like an OpenAI-compatible server (check OPENAI_BASE_URL), "+
				"or, if its replies are that large, raise BITEXT_MAX_REPLY_BYTES (max_reply_bytes)",
			a.tooLarge, a.maxTokens, c.baseURL())}
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		return &Error{Kind: classifyStatus(apiErr.HTTPStatusCode), Status: apiErr.HTTPStatusCode, Message: apiErr.Message, RetryAfter: a.retryAfter, Err: err}
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0:
		return &Error{Kind: classifyStatus(reqErr.HTTPStatusCode), Status: reqErr.HTTPStatusCode, Message: shorten(string(reqErr.Body), 300), RetryAfter: a.retryAfter, Err: err}
	case a.transportErr != nil:
		return &Error{Kind: classifyTransport(a.transportErr), NoConnection: noConnection(a.transportErr), Message: a.transportErr.Error(), Err: err}
	case a.status >= 200 && a.status < 300:
		// The server said OK but the body is not a completion.
		return &Error{Kind: KindServer, Status: a.status, Message: "unreadable reply: " + err.Error(), Err: err}
	case a.status != 0:
		return &Error{Kind: classifyStatus(a.status), Status: a.status, Message: err.Error(), RetryAfter: a.retryAfter, Err: err}
	default:
		// Refused before sending (go-openai's own validation).
		return &Error{Kind: KindBadRequest, Message: err.Error(), Err: err}
	}
}

// baseURL is the API root requests go to.
func (c *Client) baseURL() string {
	if c.cfg.BaseURL == "" {
		return "https://api.openai.com/v1"
	}
	return c.cfg.BaseURL
}

func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// attempt records what the HTTP layer saw for one request; go-openai does
// not expose headers or transport failures on its errors.
type attempt struct {
	ctx          context.Context
	limit        int64 // largest body to read, 0: the doer's default
	maxTokens    int   // the completion tokens the request allowed, for the message
	status       int
	retryAfter   time.Duration
	transportErr error
	tooLarge     int64 // the limit the body went past, 0 when it did not
}

type attemptKey struct{}

// doer is the HTTPDoer handed to go-openai. It reads the whole body inside
// the timeout (so a connection cut mid-body is a transport error, not a
// JSON error), but no more than the attempt's limit (a body past it fails
// the request unread), and records the status and Retry-After of each
// attempt.
type doer struct {
	hc    *http.Client
	limit int64 // largest body read when the attempt sets none
}

// errTooLarge is what the doer returns for a body past its limit; the
// client turns it into a KindTooLarge *Error.
var errTooLarge = errors.New("reply body too large")

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	a, _ := req.Context().Value(attemptKey{}).(*attempt)
	if a == nil {
		a = &attempt{}
	}
	limit := a.limit
	if limit <= 0 {
		limit = d.limit
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		a.transportErr = err
		return nil, err
	}
	a.status = resp.StatusCode
	a.retryAfter = parseRetryAfter(resp.Header, time.Now())
	if resp.ContentLength > limit {
		resp.Body.Close()
		a.tooLarge = limit
		return nil, errTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	resp.Body.Close()
	if err == nil && int64(len(body)) > limit {
		a.tooLarge = limit
		return nil, errTooLarge
	}
	if err != nil {
		a.transportErr = fmt.Errorf("reading reply (HTTP %d): %w", resp.StatusCode, err)
		return nil, a.transportErr
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// parseRetryAfter reads retry-after-ms (OpenAI, Azure) or Retry-After in
// seconds or as an HTTP date. It returns 0 when neither is usable.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("retry-after-ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
