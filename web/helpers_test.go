package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/store"
	"github.com/bitext/bitext/web"
)

// testUser is who changes are recorded under in a server without users.
const testUser = "alice"

// openDB opens a fresh database in a temporary directory.
func openDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "bitext.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// makeDoc builds a document of one paragraph from its sentences.
func makeDoc(name string, lang bitext.Lang, sents []string) *bitext.Document {
	text := strings.Join(sents, " ")
	h := sha256.Sum256([]byte(text))
	d := &bitext.Document{Name: name, Path: name, Hash: hex.EncodeToString(h[:]), Format: "text", Encoding: "utf-8", Lang: lang, Text: text}
	p := bitext.Paragraph{Span: bitext.Span{End: len(text)}, Lang: lang}
	off := 0
	for i, s := range sents {
		p.Sentences = append(p.Sentences, bitext.Sentence{Index: i, Span: bitext.Span{Start: off, End: off + len(s)}, Text: s})
		off += len(s) + 1
	}
	d.Paragraphs = []bitext.Paragraph{p}
	return d
}

// spec is one pair to seed: its texts, confidence and whether it carries
// a glossary violation.
type spec struct {
	ru, en string
	conf   float64
	viol   bool
}

// violation is the glossary violation seeded pairs carry.
var violation = bitext.Violation{TermID: "iis-abbr", Kind: "missing", Expected: "international information security", Source: "МИБ"}

// seed stores a Russian document, its human English translation and 1:1
// draft pairs of them, and returns the Russian document's id and pairs.
func seed(tb testing.TB, db *store.DB, name string, specs []spec) (int64, []bitext.Pair) {
	tb.Helper()
	return seedChecked(tb, db, name, specs, nil)
}

// seedChecked is seed with the pairs' glossary terms and violations found
// by check (nil: a spec's viol gives the violation).
func seedChecked(tb testing.TB, db *store.DB, name string, specs []spec, check func(ru, en string) ([]string, []bitext.Violation)) (int64, []bitext.Pair) {
	tb.Helper()
	ctx := context.Background()
	var rs, es []string
	for _, s := range specs {
		rs, es = append(rs, s.ru), append(es, s.en)
	}
	ru, en := makeDoc(name, bitext.Russian, rs), makeDoc(name+".en", bitext.English, es)
	for _, d := range []*bitext.Document{ru, en} {
		if _, err := db.SaveDocument(ctx, d); err != nil {
			tb.Fatal(err)
		}
	}
	var fresh []bitext.Pair
	for i, s := range specs {
		p := bitext.Pair{Src: []int{i}, Tgt: []int{i}, RU: s.ru, EN: s.en, Confidence: s.conf, State: bitext.StateHuman, Origin: bitext.OriginHuman}
		if s.viol {
			p.Violations = []bitext.Violation{violation}
		}
		if check != nil {
			p.Terms, p.Violations = check(s.ru, s.en)
		}
		fresh = append(fresh, p)
	}
	if _, err := db.SyncPairs(ctx, store.PairSync{Doc: ru.ID, En: en.ID, Fresh: fresh}); err != nil {
		tb.Fatal(err)
	}
	return ru.ID, pairsOf(tb, db, ru.ID)
}

// eight is the standard document: confidences spread around the bulk
// approval threshold, two pairs with violations.
var eight = []spec{
	{"Консультации прошли в Москве.", "The consultations took place in Moscow.", 0.95, false},
	{"Делегации обсудили вопросы МИБ.", "The delegations discussed IIB.", 0.30, false},
	{"Стороны подчеркнули важность МИБ.", "The parties stressed the importance of IIB.", 0.92, true},
	{"Они договорились продолжить диалог.", "They agreed to continue the dialogue.", 0.60, false},
	{"Следующий раунд пройдет осенью.", "The next round will take place in the autumn.", 0.99, false},
	{"Итоги будут опубликованы по МИБ.", "The results on IIB will be published.", 0.40, true},
	{"Встреча прошла в конструктивной атмосфере.", "The meeting was held in a constructive atmosphere.", 0.91, false},
	{"Стороны обменялись мнениями.", "The parties exchanged views.", 0.20, false},
}

func pairsOf(tb testing.TB, db *store.DB, doc int64) []bitext.Pair {
	tb.Helper()
	ps, err := db.Pairs(context.Background(), doc)
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

func pairByID(tb testing.TB, db *store.DB, doc, id int64) bitext.Pair {
	tb.Helper()
	p, err := db.Pair(context.Background(), doc, id)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// lastChange returns the newest history entry of a pair.
func lastChange(tb testing.TB, db *store.DB, doc, id int64) store.PairEvent {
	tb.Helper()
	h, err := db.PairHistory(context.Background(), doc, id)
	if err != nil {
		tb.Fatal(err)
	}
	if len(h) == 0 {
		tb.Fatalf("pair %d has no history", id)
	}
	return h[len(h)-1]
}

// env is a server on loopback over a fresh database.
type env struct {
	db  *store.DB
	srv *web.Server
	ts  *httptest.Server
}

// newEnv starts a server with cfg (its Store is a fresh database; without
// Users, changes are recorded under testUser).
func newEnv(t *testing.T, cfg web.Config) *env {
	t.Helper()
	db := openDB(t)
	cfg.Store = db
	if cfg.Users == nil && cfg.User == "" {
		cfg.User = testUser
	}
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{db: db, srv: srv, ts: ts}
}

// client is a browser or a script: a cookie jar, the CSRF token it sends,
// or a bearer token. It does not follow redirects.
type client struct {
	base   string
	hc     *http.Client
	csrf   string
	bearer string
}

func (e *env) client() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		panic(err)
	}
	return &client{base: e.ts.URL, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// session returns a client that has a session and its CSRF token (GET
// /api/session), as the pages' scripts do.
func (e *env) session(t *testing.T) *client {
	t.Helper()
	c := e.client()
	r := c.get(t, "/api/session")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/session: %s", r)
	}
	var s struct{ User, CSRF string }
	r.decode(t, &s)
	if s.CSRF == "" {
		t.Fatalf("GET /api/session gave no csrf: %s", r)
	}
	c.csrf = s.CSRF
	return c
}

// reply is a response, read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) String() string {
	b := string(r.body)
	if len(b) > 2000 {
		b = b[:2000] + "…"
	}
	return fmt.Sprintf("%d %s", r.status, b)
}

func (r reply) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r, err)
	}
}

// errBody is an API error.
type errBody struct {
	Error    string          `json:"error"`
	Status   int             `json:"status"`
	Conflict json.RawMessage `json:"conflict"`
}

func (r reply) errBody(t testing.TB) errBody {
	t.Helper()
	var e errBody
	r.decode(t, &e)
	if e.Status != r.status || e.Error == "" {
		t.Fatalf("error body %s: want status %d and a message", r, r.status)
	}
	return e
}

// send makes a request. body is nil, a string or []byte (sent as it is),
// url.Values (a form) or anything else (sent as JSON). hdr are header
// name, value pairs; "Host" sets the host name asked for.
func (c *client) send(method, path string, body any, hdr ...string) (reply, error) {
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/json"
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return reply{}, err
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return reply{}, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

func (c *client) do(t testing.TB, method, path string, body any, hdr ...string) reply {
	t.Helper()
	r, err := c.send(method, path, body, hdr...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func (c *client) get(t testing.TB, path string, hdr ...string) reply {
	t.Helper()
	return c.do(t, http.MethodGet, path, nil, hdr...)
}

func (c *client) post(t testing.TB, path string, body any, hdr ...string) reply {
	t.Helper()
	return c.do(t, http.MethodPost, path, body, hdr...)
}

// opReply is the answer of POST /api/pairs/{id}/{op}.
type opReply struct {
	Doc     int64         `json:"doc"`
	Pairs   []bitext.Pair `json:"pairs"`
	Skipped string        `json:"skipped"`
}

// op runs a pair operation that must succeed.
func (c *client) op(t testing.TB, id int64, op string, body any) opReply {
	t.Helper()
	r := c.post(t, fmt.Sprintf("/api/pairs/%d/%s", id, op), body)
	if r.status != http.StatusOK {
		t.Fatalf("%s of pair %d: %s", op, id, r)
	}
	var out opReply
	r.decode(t, &out)
	return out
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs in through the form, as a browser does: GET /login for the
// form's CSRF token, then POST it with the name and token.
func (c *client) login(t testing.TB, name, token string) reply {
	t.Helper()
	form := c.get(t, "/login")
	m := csrfField.FindSubmatch(form.body)
	if form.status != http.StatusOK || m == nil {
		t.Fatalf("GET /login: no csrf field: %s", form)
	}
	return c.post(t, "/login", url.Values{"csrf": {string(m[1])}, "name": {name}, "token": {token}, "next": {"/docs"}})
}

// cookie returns the session cookie the client holds ("" when none).
func (c *client) cookie() string {
	u, _ := url.Parse(c.base)
	for _, k := range c.hc.Jar.Cookies(u) {
		if k.Name == "bitext_session" {
			return k.Value
		}
	}
	return ""
}

// ids returns the ids of pairs.
func ids(ps []bitext.Pair) []int64 {
	out := make([]int64, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}
