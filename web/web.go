// Package web is bitext's review web app: the documents page, the review
// page where translators check aligned pairs side by side, the glossary
// pages where terminologists keep the termbase, and a JSON API behind every
// page (the same handlers serve both). Pages are server-rendered with
// html/template; the small scripts and the style sheet are embedded, and
// nothing is loaded from elsewhere.
//
// Every state change needs a signed-in user and, for cookie sessions, the
// session's CSRF token; every change is recorded under the user's name.
// Without a users file the server only answers on loopback and everyone
// is the one local user.
package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/pipeline"
	"github.com/bitext/bitext/review"
	"github.com/bitext/bitext/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the web app needs of the database.
type Store interface {
	review.Store
	Documents(ctx context.Context) ([]store.DocumentSummary, error)
	PairStats(ctx context.Context) (map[int64]*store.DocumentStats, error)
	PairDoc(ctx context.Context, id int64) (int64, error)
	RecheckPairs(ctx context.Context, ps []bitext.Pair) (int, error)
	EachPair(ctx context.Context, statuses []bitext.Status, fn func(bitext.Pair) error) error
	SearchPairs(ctx context.Context, query string, opt store.SearchOptions) ([]store.PairHit, int, error)

	GlossaryStamp(ctx context.Context) (string, error)
	GlossaryEntries(ctx context.Context, f store.GlossaryFilter) ([]glossary.Entry, error)
	GlossaryEntry(ctx context.Context, id string) (glossary.Entry, error)
	AddGlossaryEntry(ctx context.Context, e glossary.Entry, who string) (glossary.Entry, error)
	UpdateGlossaryEntry(ctx context.Context, e glossary.Entry, who string) (glossary.Entry, error)
	DeprecateGlossaryEntry(ctx context.Context, id string, version int64, who string) (glossary.Entry, error)
	GlossaryHistory(ctx context.Context, id string) ([]store.GlossaryChange, error)
	ImportGlossaryWith(ctx context.Context, entries []glossary.Entry, who string, opts store.ImportOptions) (store.ImportStats, error)
}

// Config is what New needs.
type Config struct {
	Store Store
	// Translator gives the translator a re-translation goes through, with
	// the current glossary (nil: re-translation is refused with the
	// reason).
	Translator func(ctx context.Context) (review.Translator, error)
	// QA checks edited and re-translated pairs beyond the glossary (nil:
	// no QA check).
	QA review.Checker
	// Users are the people who may sign in (nil: no sign-in; everyone is
	// User, and only loopback host names are answered).
	Users *Users
	// User is who changes are recorded under without Users.
	User string
	Log  *slog.Logger
	// Now gives the time (nil: time.Now).
	Now func() time.Time
}

// Server serves the web app. It is an http.Handler.
type Server struct {
	cfg      Config
	st       Store
	log      *slog.Logger
	tmpl     map[string]*template.Template
	mux      *http.ServeMux
	sessions *sessions
	static   http.Handler

	gmu   sync.Mutex
	stamp string
	gloss *pipeline.Glossary // nil: the glossary is empty
}

// New builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.User == "" {
		cfg.User = "local"
	}
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, st: cfg.Store, log: cfg.Log, tmpl: tmpl, mux: http.NewServeMux(),
		sessions: newSessions(cfg.Now), static: http.StripPrefix("/static/", http.FileServerFS(sub))}
	s.routes()
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

// routes wires every page and API call. Pages and API calls share their
// handlers' work: a page renders what the API returns as JSON.
func (s *Server) routes() {
	m := s.mux
	m.Handle("GET /static/", s.staticFiles())
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	m.Handle("GET /{$}", s.page(func(w http.ResponseWriter, r *http.Request, u *user) error {
		http.Redirect(w, r, "/docs", http.StatusSeeOther)
		return nil
	}))

	// documents and review
	m.Handle("GET /docs", s.page(s.docsPage))
	m.Handle("GET /docs/{id}", s.page(s.reviewPage))
	m.Handle("GET /docs/{id}/rows", s.page(s.reviewRows))
	m.Handle("GET /search", s.page(s.searchPage))
	m.Handle("GET /api/session", s.api(s.apiSession))
	m.Handle("GET /api/docs", s.api(s.apiDocs))
	m.Handle("GET /api/docs/{id}", s.api(s.apiDoc))
	m.Handle("GET /api/docs/{id}/pairs", s.api(s.apiPairs))
	m.Handle("GET /api/docs/{id}/effort", s.api(s.apiEffort))
	m.Handle("POST /api/docs/{id}/approve-above", s.api(s.apiApproveAbove))
	m.Handle("GET /api/pairs/{id}", s.api(s.apiPair))
	m.Handle("GET /api/pairs/{id}/history", s.api(s.apiHistory))
	m.Handle("POST /api/pairs/{id}/{op}", s.api(s.apiPairOp))
	m.Handle("GET /api/search", s.api(s.apiSearch))

	// glossary
	m.Handle("GET /glossary", s.page(s.glossaryPage))
	m.Handle("GET /glossary/export", s.page(s.glossaryExport))
	m.Handle("GET /glossary/{id}", s.page(s.entryPage))
	m.Handle("GET /api/glossary", s.api(s.apiGlossary))
	m.Handle("POST /api/glossary", s.api(s.apiGlossaryAdd))
	m.Handle("GET /api/glossary/export", s.page(s.glossaryExport))
	m.Handle("POST /api/glossary/import", s.apiLimit(s.apiGlossaryImport, maxImport))
	m.Handle("POST /api/glossary/recheck", s.api(s.apiRecheck))
	m.Handle("GET /api/glossary/{id}", s.api(s.apiEntry))
	m.Handle("POST /api/glossary/{id}", s.api(s.apiEntryEdit))
	m.Handle("POST /api/glossary/{id}/deprecate", s.api(s.apiEntryDeprecate))
	m.Handle("POST /api/glossary/{id}/impact", s.api(s.apiEntryImpact))
	m.Handle("GET /api/glossary/{id}/history", s.api(s.apiEntryHistory))
}

// staticFiles serves the embedded scripts and style sheet, cached for a
// day (they change with the binary only).
func (s *Server) staticFiles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		s.static.ServeHTTP(w, r)
	})
}

// reviewer acts as u, checking edits with the current glossary.
func (s *Server) reviewer(ctx context.Context, u *user) (*review.Reviewer, error) {
	r := &review.Reviewer{Store: s.st, Who: u.name, Now: s.cfg.Now, QA: s.cfg.QA}
	g, err := s.glossary(ctx)
	if err != nil {
		return nil, err
	}
	if g != nil {
		r.Glossary = g
	}
	return r, nil
}

// glossary returns the glossary as stored now (nil when it is empty),
// rebuilt only when it changed since the last call.
func (s *Server) glossary(ctx context.Context) (*pipeline.Glossary, error) {
	stamp, err := s.st.GlossaryStamp(ctx)
	if err != nil {
		return nil, err
	}
	s.gmu.Lock()
	defer s.gmu.Unlock()
	if stamp == s.stamp && s.stamp != "" {
		return s.gloss, nil
	}
	es, err := s.st.GlossaryEntries(ctx, store.GlossaryFilter{})
	if err != nil {
		return nil, err
	}
	var g *pipeline.Glossary
	if len(es) > 0 {
		if g, err = pipeline.NewGlossary(es); err != nil {
			return nil, err
		}
	}
	s.stamp, s.gloss = stamp, g
	return g, nil
}
