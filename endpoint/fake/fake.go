// Package fake is an in-process OpenAI-compatible endpoint for tests: chat
// completions, /v1/models and /v1/embeddings over httptest, with a
// deterministic "translation" and injectable faults.
//
// The translation parses the user message as {"segments":[{"id","text"}]},
// replaces the phrases of Options.Glossary by their English, transliterates
// every remaining Cyrillic letter and answers with the same ids, so the
// output is Latin-only and stable from run to run. Faults are chosen per chat
// call, either by call number (Options.Plan) or at random with a seed
// (Options.Rate, Options.Pool). The server is safe for concurrent use and
// counts every call.
package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Fault is a way for one chat call to go wrong.
type Fault int

// Faults. Transport faults concern the HTTP exchange; content faults return
// HTTP 200 with a reply that a careful client must reject or repair.
const (
	None              Fault = iota
	RateLimit               // 429 with Retry-After (Options.RetryAfter)
	RateLimitNoHeader       // 429 without Retry-After
	ServerError             // 500
	BadGateway              // 502
	Unavailable             // 503
	Slow                    // answers after Options.SlowDelay (past the client's timeout)
	CutBody                 // 200 whose connection is cut in the middle of the body
	InvalidJSON             // 200 whose content is truncated JSON
	CodeFence               // the JSON wrapped in prose and a ```json fence
	Think                   // a <think> block with braces before the JSON
	MissingID               // the last segment left out
	ExtraID                 // a segment with an id that was not asked for
	Merged                  // the first two segments merged into the first id
	CyrillicEcho            // the source text returned untranslated
	ForbiddenTerm           // Options.Forbidden renderings used instead of the required terms
	Length                  // finish_reason "length" with the content cut short
	EmptyText               // every text empty
)

var faultNames = map[Fault]string{
	None: "none", RateLimit: "429", RateLimitNoHeader: "429-no-retry-after", ServerError: "500",
	BadGateway: "502", Unavailable: "503", Slow: "slow", CutBody: "cut-body", InvalidJSON: "invalid-json",
	CodeFence: "code-fence", Think: "think", MissingID: "missing-id", ExtraID: "extra-id", Merged: "merged",
	CyrillicEcho: "cyrillic-echo", ForbiddenTerm: "forbidden-term", Length: "length", EmptyText: "empty-text",
}

func (f Fault) String() string {
	if s, ok := faultNames[f]; ok {
		return s
	}
	return fmt.Sprintf("fault(%d)", int(f))
}

// AllFaults lists every fault but None, for tables and random pools.
var AllFaults = []Fault{RateLimit, RateLimitNoHeader, ServerError, BadGateway, Unavailable, Slow, CutBody,
	InvalidJSON, CodeFence, Think, MissingID, ExtraID, Merged, CyrillicEcho, ForbiddenTerm, Length, EmptyText}

// Options configure a Server. The zero value serves model "fake-model"
// without faults or latency.
type Options struct {
	Models  []string      // listed by /v1/models and accepted by chat; default fake-model
	APIKey  string        // when set, requests without "Bearer APIKey" get 401
	Latency time.Duration // added to every chat call
	// SlowDelay is how long a Slow call takes (default 2 s); it ends early
	// when the client hangs up.
	SlowDelay time.Duration
	// RetryAfter is the Retry-After header value of RateLimit (default "1").
	RetryAfter string

	Plan map[int]Fault // fault by chat call number, counting from 1
	Rate float64       // probability of a random fault on calls not in Plan
	Pool []Fault       // faults drawn at random (default AllFaults)
	Seed uint64        // seed of the random draws

	// Glossary maps Russian phrases (matched case-insensitively) to the
	// English the fake writes for them.
	Glossary map[string]string
	// Forbidden maps an English term to the wrong rendering ForbiddenTerm
	// puts in its place.
	Forbidden map[string]string

	// GoneAfter, when positive, makes the server go away after that many
	// chat calls: the next one closes the listener and every connection,
	// so that later requests are refused (the server was stopped).
	GoneAfter int

	RejectJSONSchema bool // 400 "response_format json_schema is not supported"
	RejectJSONObject bool // 400 for json_object too
}

// Received is one chat request as the server saw it.
type Received struct {
	Call   int
	System string
	User   string
	Format string // response_format type, "" when none
	Fault  Fault
	At     time.Time // when the request arrived
}

// Server is a running fake endpoint. Close it when done.
type Server struct {
	*httptest.Server
	opts Options

	mu        sync.Mutex
	rng       *rand.Rand
	calls     int
	other     int
	faults    map[Fault]int
	received  []Received
	glossKeys []string // Glossary keys, longest first
	goneOnce  sync.Once
}

// New starts a server.
func New(opts Options) *Server {
	if len(opts.Models) == 0 {
		opts.Models = []string{"fake-model"}
	}
	if opts.SlowDelay == 0 {
		opts.SlowDelay = 2 * time.Second
	}
	if opts.RetryAfter == "" {
		opts.RetryAfter = "1"
	}
	if len(opts.Pool) == 0 {
		opts.Pool = AllFaults
	}
	s := &Server{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), faults: map[Fault]int{}}
	for k := range opts.Glossary {
		s.glossKeys = append(s.glossKeys, k)
	}
	sort.Slice(s.glossKeys, func(i, j int) bool {
		if len(s.glossKeys[i]) != len(s.glossKeys[j]) {
			return len(s.glossKeys[i]) > len(s.glossKeys[j])
		}
		return s.glossKeys[i] < s.glossKeys[j]
	})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("GET /v1/models", s.models)
	mux.HandleFunc("POST /v1/embeddings", s.embeddings)
	s.Server = httptest.NewServer(s.auth(mux))
	return s
}

// BaseURL is the API root to configure a client with (…/v1).
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Calls returns the number of chat completion calls received.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// OtherCalls returns the number of /models and /embeddings calls.
func (s *Server) OtherCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.other
}

// Faults returns how many times each fault was served.
func (s *Server) Faults() map[Fault]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Fault]int, len(s.faults))
	for k, v := range s.faults {
		out[k] = v
	}
	return out
}

// Received returns every chat request so far, in arrival order.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.APIKey {
			writeError(w, http.StatusUnauthorized, "Incorrect API key provided.", "invalid_api_key")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeError(w http.ResponseWriter, status int, msg, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error", "code": code}})
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.other++
	s.mu.Unlock()
	data := make([]map[string]any, 0, len(s.opts.Models))
	for _, m := range s.opts.Models {
		data = append(data, map[string]any{"id": m, "object": "model", "created": 0, "owned_by": "fake"})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
}

func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.other++
	s.mu.Unlock()
	var req struct {
		Model string          `json:"model"`
		Input json.RawMessage `json:"input"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error(), "invalid_json")
		return
	}
	var inputs []string
	var one string
	if err := json.Unmarshal(req.Input, &one); err == nil {
		inputs = []string{one}
	} else if err := json.Unmarshal(req.Input, &inputs); err != nil {
		writeError(w, http.StatusBadRequest, "input must be a string or an array of strings", "invalid_input")
		return
	}
	data := make([]map[string]any, len(inputs))
	tokens := 0
	for i, in := range inputs {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": Embed(in)}
		tokens += approxTokens(in)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": tokens, "total_tokens": tokens}})
}

// Embed returns the fake's deterministic 8-dimensional unit vector for s.
func Embed(s string) []float32 {
	v := make([]float32, 8)
	var norm float64
	for i := range v {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d:%s", i, s)
		x := float64(h.Sum64()%2000)/1000 - 1
		v[i] = float32(x)
		norm += x * x
	}
	if norm > 0 {
		for i := range v {
			v[i] = float32(float64(v[i]) / math.Sqrt(norm))
		}
	}
	return v
}

func approxTokens(s string) int { return (len(s) + 3) / 4 }

// pick decides the fault of the next chat call and records the request.
func (s *Server) pick(rec Received) (int, Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	n := s.calls
	f, ok := s.opts.Plan[n]
	if !ok && s.opts.Rate > 0 && s.rng.Float64() < s.opts.Rate {
		f = s.opts.Pool[s.rng.IntN(len(s.opts.Pool))]
	}
	if f != None {
		s.faults[f]++
	}
	rec.Call, rec.Fault = n, f
	s.received = append(s.received, rec)
	return n, f
}

type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	ResponseFormat *struct {
		Type string `json:"type"`
	} `json:"response_format"`
}

// Segments is the wire shape of the translation protocol.
type Segments struct {
	Segments []Segment `json:"segments"`
}

// Segment is one numbered segment.
type Segment struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// SentTexts returns the source texts the server was asked to translate in
// the given requests, in order: what a test counts to prove that nothing
// was paid for twice.
func SentTexts(rs []Received) ([]string, error) {
	var out []string
	for _, r := range rs {
		var msg Segments
		if err := json.Unmarshal([]byte(r.User), &msg); err != nil {
			return nil, fmt.Errorf("call %d: the user message is not the segments object: %w", r.Call, err)
		}
		for _, s := range msg.Segments {
			out = append(out, s.Text)
		}
	}
	return out, nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	if s.opts.GoneAfter > 0 {
		s.mu.Lock()
		gone := s.calls >= s.opts.GoneAfter
		s.mu.Unlock()
		if gone {
			s.goneOnce.Do(func() { s.Listener.Close() })
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
				}
			}
			go s.CloseClientConnections()
			return
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var req chatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error(), "invalid_json")
		return
	}
	rec := Received{At: time.Now()}
	for _, m := range req.Messages {
		switch m.Role {
		case "system":
			rec.System += m.Content
		case "user":
			rec.User += m.Content
		}
	}
	if req.ResponseFormat != nil {
		rec.Format = req.ResponseFormat.Type
	}
	_, fault := s.pick(rec)
	// The reply is prepared before the wait, so that a call takes the
	// configured latency whatever the fake's own work costs.
	content, finish := s.answer(rec.User, fault)
	if !sleep(r.Context(), s.opts.Latency-time.Since(rec.At)) {
		return
	}
	if !contains(s.opts.Models, req.Model) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", req.Model), "model_not_found")
		return
	}
	if (rec.Format == "json_schema" && (s.opts.RejectJSONSchema || s.opts.RejectJSONObject)) ||
		(rec.Format == "json_object" && s.opts.RejectJSONObject) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("response_format of type %s is not supported by this model", rec.Format), "unsupported_response_format")
		return
	}
	switch fault {
	case RateLimit:
		w.Header().Set("Retry-After", s.opts.RetryAfter)
		writeError(w, http.StatusTooManyRequests, "Rate limit reached for requests.", "rate_limit_exceeded")
		return
	case RateLimitNoHeader:
		writeError(w, http.StatusTooManyRequests, "Rate limit reached for requests.", "rate_limit_exceeded")
		return
	case ServerError:
		writeError(w, http.StatusInternalServerError, "The server had an error while processing your request.", "server_error")
		return
	case BadGateway:
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
		return
	case Unavailable:
		writeError(w, http.StatusServiceUnavailable, "The engine is currently overloaded, please try again later.", "overloaded")
		return
	case Slow:
		if !sleep(r.Context(), s.opts.SlowDelay) {
			return
		}
	}
	resp := map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": req.Model,
		"choices": []map[string]any{{"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]int{"prompt_tokens": approxTokens(rec.System + rec.User),
			"completion_tokens": approxTokens(content), "total_tokens": approxTokens(rec.System+rec.User) + approxTokens(content)},
	}
	out, _ := json.Marshal(resp)
	if fault == CutBody {
		cut(w, out)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}

// cut announces the full body but sends half of it and drops the connection.
func cut(w http.ResponseWriter, body []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok { // httptest servers always can; answer something broken anyway
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	buf.Write(body[:len(body)/2])
	buf.Flush()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// answer builds the assistant content for a user message under a fault.
func (s *Server) answer(user string, fault Fault) (content, finish string) {
	var in Segments
	if err := json.Unmarshal([]byte(user), &in); err != nil || in.Segments == nil {
		return `{"answer":"ok"}`, "stop"
	}
	out := Segments{Segments: make([]Segment, len(in.Segments))}
	for i, seg := range in.Segments {
		out.Segments[i] = Segment{ID: seg.ID, Text: s.Translate(seg.Text)}
	}
	switch fault {
	case MissingID:
		if n := len(out.Segments); n > 0 {
			out.Segments = out.Segments[:n-1]
		}
	case ExtraID:
		out.Segments = append(out.Segments, Segment{ID: "extra-1", Text: "An extra sentence nobody asked for."})
	case Merged:
		if len(out.Segments) >= 2 {
			out.Segments[0].Text += " " + out.Segments[1].Text
			out.Segments = append(out.Segments[:1], out.Segments[2:]...)
		} else if len(out.Segments) == 1 {
			out.Segments[0].Text = ""
		}
	case CyrillicEcho:
		for i := range out.Segments {
			out.Segments[i].Text = in.Segments[i].Text
		}
	case EmptyText:
		for i := range out.Segments {
			out.Segments[i].Text = ""
		}
	case ForbiddenTerm:
		for i := range out.Segments {
			for good, bad := range s.opts.Forbidden {
				out.Segments[i].Text = strings.ReplaceAll(out.Segments[i].Text, good, bad)
			}
		}
	}
	b, _ := json.Marshal(out)
	content, finish = string(b), "stop"
	switch fault {
	case InvalidJSON:
		content = content[:len(content)*2/3]
	case Length:
		content, finish = content[:len(content)/2], "length"
	case CodeFence:
		content = "Here is the translation:\n```json\n" + content + "\n```\nLet me know if you need changes."
	case Think:
		content = "<think>The user wants {segments} translated; keep the ids {\"a\":1}.</think>\n" + content
	}
	return content, finish
}

// Translate is the fake's deterministic translation: glossary phrases
// first, then letter-by-letter transliteration. The result has no Cyrillic.
func (s *Server) Translate(ru string) string {
	text := ru
	lower := strings.ToLower(text)
	for _, k := range s.glossKeys {
		// most keys do not occur: one search in the lower-cased text
		if !strings.Contains(lower, strings.ToLower(k)) && len(lower) == len(text) {
			continue
		}
		text = replaceFold(text, k, s.opts.Glossary[k])
		lower = strings.ToLower(text)
	}
	var b strings.Builder
	for _, r := range text {
		if t, ok := translit[unicode.ToLower(r)]; ok {
			if unicode.IsUpper(r) && t != "" {
				t = strings.ToUpper(t[:1]) + t[1:]
			}
			b.WriteString(t)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// replaceFold replaces every case-insensitive occurrence of old in s.
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	lower, lowOld := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) { // case mapping changed byte lengths; fall back to exact matching
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lowOld)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}

var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u",
}
