// Package endpoint talks to an OpenAI-compatible chat-completions endpoint
// (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server, LM Studio).
//
// A Config says where the endpoint is and how hard it may be used; it is read
// from defaults, an optional JSON file, the environment and finally flags, in
// that order of precedence. A Client built from it adds what the underlying
// go-openai library lacks: a request timeout, bounded retries with
// exponential backoff and jitter that honour Retry-After, request and token
// rate limits, a concurrency bound, structured-output negotiation and usage
// accounting.
package endpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// API types accepted in Config.APIType.
const (
	APIOpenAI = "openai" // OpenAI and every OpenAI-compatible server
	APIAzure  = "azure"  // Azure OpenAI (api-key header, deployments in the URL)
)

// Response formats accepted in Config.ResponseFormat.
const (
	FormatAuto       = "auto"        // try json_schema, fall back to json_object, then plain text
	FormatJSONSchema = "json_schema" // strict json_schema only
	FormatJSONObject = "json_object" // JSON mode without a schema
	FormatText       = "text"        // no response_format at all; the reply is parsed tolerantly
)

// Config describes one model endpoint. The zero value is not usable; start
// from Default.
type Config struct {
	// BaseURL is the API root including /v1, e.g. https://api.openai.com/v1
	// or http://localhost:8000/v1. For Azure, the resource URL
	// (https://NAME.openai.azure.com). Empty means OpenAI's public API.
	BaseURL string `json:"base_url"`
	// APIKey is sent as a bearer token (api-key header on Azure). Local
	// servers usually accept any value or none.
	APIKey string `json:"api_key"`
	// Model is the model name sent with every request.
	Model string `json:"model"`
	// Temperature of the sampling; 0 is sent as a tiny positive value
	// because go-openai drops a zero.
	Temperature float64 `json:"temperature"`
	// MaxTokens bounds the completion of one request (0: the translator
	// chooses per request).
	MaxTokens int `json:"max_tokens"`
	// Timeout bounds one HTTP attempt, reading the whole reply included.
	Timeout Duration `json:"timeout"`
	// Concurrency bounds the HTTP requests in flight at once.
	Concurrency int `json:"concurrency"`
	// RequestsPerMinute and TokensPerMinute are client-side rate limits
	// (0: unlimited). Tokens are estimated before sending.
	RequestsPerMinute int `json:"requests_per_minute"`
	TokensPerMinute   int `json:"tokens_per_minute"`
	// MaxRetries is the number of retries after the first attempt of one
	// request, on 429, 5xx, timeouts and cut connections.
	MaxRetries int `json:"max_retries"`
	// MaxRetryWait caps one wait between attempts, Retry-After included.
	MaxRetryWait Duration `json:"max_retry_wait"`
	// MaxReplyBytes caps the body of one reply; a longer one fails the
	// request without being read further. 0: DefaultMaxReplyBytes, or more
	// for a request allowing very many completion tokens (ReplyLimit).
	MaxReplyBytes int `json:"max_reply_bytes"`
	// ResponseFormat is one of auto, json_schema, json_object, text.
	ResponseFormat string `json:"response_format"`

	// APIType is openai (default) or azure.
	APIType string `json:"api_type"`
	// APIVersion is Azure's api-version query parameter.
	APIVersion string `json:"api_version"`
	// Deployment is the Azure deployment name (default: the model name).
	Deployment string `json:"deployment"`

	// PriceInPerMTok and PriceOutPerMTok are prices in your currency per
	// million prompt and completion tokens, for cost estimates.
	PriceInPerMTok  float64 `json:"price_in_per_mtok"`
	PriceOutPerMTok float64 `json:"price_out_per_mtok"`
}

// Duration is a time.Duration that reads and writes as a Go duration string
// ("90s", "2m") in JSON; a bare number means seconds.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "1m30s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads "90s" or 90 (seconds).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var secs float64
		if err2 := json.Unmarshal(b, &secs); err2 != nil {
			return fmt.Errorf("duration must be a string like \"90s\" or a number of seconds: %s", b)
		}
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Default returns the configuration used when nothing is set: no endpoint,
// temperature 0, 120 s per attempt, 4 requests in flight, 5 retries.
func Default() Config {
	return Config{
		Timeout:        Duration(120 * time.Second),
		Concurrency:    4,
		MaxRetries:     5,
		MaxRetryWait:   Duration(60 * time.Second),
		ResponseFormat: FormatAuto,
		APIType:        APIOpenAI,
		APIVersion:     "2024-10-21",
	}
}

// EnvVars lists every environment variable FromEnv reads, with what it sets.
// The CLI prints it in its help.
var EnvVars = []struct{ Name, Help string }{
	{"OPENAI_BASE_URL", "API root including /v1 (Azure: the resource URL); empty means api.openai.com"},
	{"OPENAI_API_KEY", "API key (bearer token; api-key header on Azure)"},
	{"BITEXT_MODEL", "model name, e.g. gpt-4o-mini, qwen2.5:14b"},
	{"BITEXT_TEMPERATURE", "sampling temperature, default 0"},
	{"BITEXT_MAX_TOKENS", "completion tokens per request, default chosen per request"},
	{"BITEXT_TIMEOUT", "time per HTTP attempt, e.g. 120s"},
	{"BITEXT_CONCURRENCY", "requests in flight, default 4"},
	{"BITEXT_RPM", "requests per minute, default unlimited"},
	{"BITEXT_TPM", "tokens per minute, default unlimited"},
	{"BITEXT_MAX_RETRIES", "retries per request on 429/5xx/timeouts, default 5"},
	{"BITEXT_MAX_RETRY_WAIT", "longest wait between attempts, default 60s"},
	{"BITEXT_MAX_REPLY_BYTES", "largest reply body in bytes, default 4 MiB (more for requests of over 65,536 tokens)"},
	{"BITEXT_RESPONSE_FORMAT", "auto, json_schema, json_object or text; default auto"},
	{"BITEXT_API_TYPE", "openai (also for compatible servers) or azure"},
	{"OPENAI_API_VERSION", "Azure api-version, default 2024-10-21"},
	{"BITEXT_AZURE_DEPLOYMENT", "Azure deployment name, default the model name"},
	{"BITEXT_PRICE_IN", "price per million prompt tokens, for cost estimates"},
	{"BITEXT_PRICE_OUT", "price per million completion tokens, for cost estimates"},
}

// FromEnv returns Default overlaid with the environment read through getenv
// (os.Getenv in production, a map in tests). Unset or empty variables leave
// the default. See EnvVars for the list.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Default()
	return c, c.ApplyEnv(getenv)
}

// ApplyEnv overlays the environment on c; see EnvVars. It reports every
// malformed variable at once.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	var errs []error
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	integer := func(name string, dst *int) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: not a whole number", name, v))
				return
			}
			*dst = n
		}
	}
	float := func(name string, dst *float64) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: not a number", name, v))
				return
			}
			*dst = f
		}
	}
	duration := func(name string, dst *Duration) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			d, err := parseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				return
			}
			*dst = Duration(d)
		}
	}
	str("OPENAI_BASE_URL", &c.BaseURL)
	str("OPENAI_API_KEY", &c.APIKey)
	str("BITEXT_MODEL", &c.Model)
	float("BITEXT_TEMPERATURE", &c.Temperature)
	integer("BITEXT_MAX_TOKENS", &c.MaxTokens)
	duration("BITEXT_TIMEOUT", &c.Timeout)
	integer("BITEXT_CONCURRENCY", &c.Concurrency)
	integer("BITEXT_RPM", &c.RequestsPerMinute)
	integer("BITEXT_TPM", &c.TokensPerMinute)
	integer("BITEXT_MAX_RETRIES", &c.MaxRetries)
	duration("BITEXT_MAX_RETRY_WAIT", &c.MaxRetryWait)
	integer("BITEXT_MAX_REPLY_BYTES", &c.MaxReplyBytes)
	str("BITEXT_RESPONSE_FORMAT", &c.ResponseFormat)
	str("BITEXT_API_TYPE", &c.APIType)
	str("OPENAI_API_VERSION", &c.APIVersion)
	str("BITEXT_AZURE_DEPLOYMENT", &c.Deployment)
	float("BITEXT_PRICE_IN", &c.PriceInPerMTok)
	float("BITEXT_PRICE_OUT", &c.PriceOutPerMTok)
	return errors.Join(errs...)
}

// LoadFile overlays the JSON object in path on c. Keys are the json names of
// Config's fields; unknown keys are an error (a typo must not go unnoticed).
func (c *Config) LoadFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("endpoint config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("endpoint config %s: %w", path, explainJSON(err, data))
	}
	if _, err := dec.Token(); err != io.EOF {
		off := int(dec.InputOffset())
		return fmt.Errorf("endpoint config %s: more after the settings object (line %d); keep one JSON object", path, lineAt(data, off))
	}
	return nil
}

// explainJSON turns a decoding error of a configuration file into one that
// says where the file is wrong and what it should hold.
func explainJSON(err error, data []byte) error {
	const want = `it must hold one JSON object, e.g. {"base_url": "http://localhost:8000/v1", "model": "local"}`
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("the file is empty; %s", want)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the file ends inside the JSON object (a missing '}' or '\"'?); %s", want)
	case errors.As(err, &syn):
		return fmt.Errorf("not valid JSON at line %d: %w; %s", lineAt(data, int(syn.Offset)), err, want)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Errorf("the file holds a JSON %s; %s", typ.Value, want)
	}
	return err
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	return bytes.Count(data[:min(max(off, 0), len(data))], []byte{'\n'}) + 1
}

// Configured reports whether an endpoint has been set up at all: a base URL
// or an API key, and a model. Without one, a run does what needs no endpoint.
func (c Config) Configured() bool {
	return (c.BaseURL != "" || c.APIKey != "") && c.Model != ""
}

// Validate checks the configuration and returns every problem found, each
// saying which setting (and environment variable) to change.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Model == "" {
		bad("no model: set BITEXT_MODEL (e.g. gpt-4o-mini, or the name your server lists at /v1/models)")
	}
	if c.BaseURL == "" && c.APIKey == "" {
		bad("no endpoint: set OPENAI_BASE_URL for a local or compatible server, or OPENAI_API_KEY for api.openai.com")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("OPENAI_BASE_URL %q is not an http(s) URL such as http://localhost:8000/v1", RedactURL(c.BaseURL))
		}
	}
	switch c.APIType {
	case APIOpenAI, "":
	case APIAzure:
		if c.BaseURL == "" {
			bad("azure needs OPENAI_BASE_URL set to the resource URL, e.g. https://NAME.openai.azure.com")
		}
		if c.APIKey == "" {
			bad("azure needs OPENAI_API_KEY")
		}
		if c.APIVersion == "" {
			bad("azure needs OPENAI_API_VERSION, e.g. 2024-10-21")
		}
	default:
		bad("BITEXT_API_TYPE %q: want openai or azure", c.APIType)
	}
	switch c.ResponseFormat {
	case FormatAuto, FormatJSONSchema, FormatJSONObject, FormatText, "":
	default:
		bad("BITEXT_RESPONSE_FORMAT %q: want auto, json_schema, json_object or text", c.ResponseFormat)
	}
	if !(c.Temperature >= 0 && c.Temperature <= 2) { // NaN too
		bad("BITEXT_TEMPERATURE %g: want 0 to 2", c.Temperature)
	}
	if c.MaxTokens < 0 {
		bad("BITEXT_MAX_TOKENS %d: must not be negative", c.MaxTokens)
	}
	if c.Timeout <= 0 {
		bad("BITEXT_TIMEOUT %s: must be positive", time.Duration(c.Timeout))
	}
	if c.Concurrency < 1 || c.Concurrency > 256 {
		bad("BITEXT_CONCURRENCY %d: want 1 to 256", c.Concurrency)
	}
	if c.RequestsPerMinute < 0 {
		bad("BITEXT_RPM %d: must not be negative (0 = unlimited)", c.RequestsPerMinute)
	}
	if c.TokensPerMinute < 0 {
		bad("BITEXT_TPM %d: must not be negative (0 = unlimited)", c.TokensPerMinute)
	}
	if c.MaxRetries < 0 || c.MaxRetries > 20 {
		bad("BITEXT_MAX_RETRIES %d: want 0 to 20", c.MaxRetries)
	}
	if c.MaxRetryWait < 0 {
		bad("BITEXT_MAX_RETRY_WAIT %s: must not be negative", time.Duration(c.MaxRetryWait))
	}
	if c.MaxReplyBytes < 0 {
		bad("BITEXT_MAX_REPLY_BYTES %d: must not be negative (0 = the default, 4 MiB)", c.MaxReplyBytes)
	}
	if !(c.PriceInPerMTok >= 0) || !(c.PriceOutPerMTok >= 0) || math.IsInf(c.PriceInPerMTok, 0) || math.IsInf(c.PriceOutPerMTok, 0) {
		bad("prices (BITEXT_PRICE_IN, BITEXT_PRICE_OUT) must be finite and not negative")
	}
	return errors.Join(errs...)
}

// DefaultMaxReplyBytes is the largest reply body read when MaxReplyBytes is
// 0: a translation reply is some tens of kilobytes, so this is far beyond
// any real one and far below what a broken or hostile server could send.
const DefaultMaxReplyBytes = 4 << 20

// replyBytesPerToken bounds the bytes one completion token can take in a
// reply: a few characters, escaped in JSON as \uXXXX at worst.
const replyBytesPerToken = 64

// ReplyLimit returns the largest reply body accepted for a request allowing
// maxTokens completion tokens: MaxReplyBytes when set, otherwise
// DefaultMaxReplyBytes or, for a very large maxTokens, what that many
// tokens can take.
func (c Config) ReplyLimit(maxTokens int) int64 {
	if c.MaxReplyBytes > 0 {
		return int64(c.MaxReplyBytes)
	}
	return max(DefaultMaxReplyBytes, replyBytesPerToken*int64(max(maxTokens, 0)))
}

// Cost estimates the price of u with the configured prices.
func (c Config) Cost(u Usage) float64 {
	return float64(u.PromptTokens)*c.PriceInPerMTok/1e6 + float64(u.CompletionTokens)*c.PriceOutPerMTok/1e6
}

// String describes the configuration without the API key and without
// the password of the base URL.
func (c Config) String() string {
	key := "unset"
	if c.APIKey != "" {
		key = "set"
	}
	base := RedactURL(c.BaseURL)
	if base == "" {
		base = "https://api.openai.com/v1"
	}
	return fmt.Sprintf("%s model=%s api=%s key=%s", base, c.Model, c.APIType, key)
}

func parseDuration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(secs * float64(time.Second)), nil
	}
	return 0, fmt.Errorf("%q is not a duration such as 90s or 2m", s)
}
