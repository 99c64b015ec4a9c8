package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/review"
	"github.com/bitext/bitext/web"
)

// ServeCmd serves the review web app.
type ServeCmd struct {
	Addr string `help:"Address to listen on; port 0 picks a free port. Beyond loopback, --auth is required." default:"127.0.0.1:8080"`
	Auth string `help:"Users file: one 'NAME TOKEN' a line (tokens of at least 16 characters). People sign in with it, scripts send 'Authorization: Bearer TOKEN'; every change is recorded under the user's name." type:"path"`
	User string `help:"Who changes are recorded under without --auth (default: $USER)." env:"BITEXT_USER"`
	endpointFlags
}

// Help shows examples.
func (c *ServeCmd) Help() string {
	return `Serves the review web app: documents, the review page (pairs side by side,
keyboard first: press ? there), the glossary pages, and a JSON API behind
every page (/api/docs, /api/docs/ID/pairs, /api/pairs/ID/approve, …). The
first line of standard output is the URL. Stop it with Ctrl+C.

Re-translating a pair needs a model endpoint (as for 'bitext run').

Examples:
  bitext serve
  bitext serve --addr 127.0.0.1:0
  bitext serve --addr 0.0.0.0:8080 --auth users.txt`
}

// Run serves until the context ends (SIGINT, SIGTERM), then lets the
// requests in flight finish.
func (c *ServeCmd) Run(app *App) error {
	var users *web.Users
	if c.Auth != "" {
		f, err := os.Open(c.Auth)
		if err != nil {
			return usageErrorf("--auth: %v", err)
		}
		users, err = web.ParseUsers(f, c.Auth)
		f.Close()
		if err != nil {
			return usageErrorf("--auth: %v", err)
		}
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return usageErrorf("--addr %q: give HOST:PORT, such as 127.0.0.1:8080 (%v)", c.Addr, err)
	}
	if ip := net.ParseIP(host); users == nil && (ip == nil && host != "localhost" || ip != nil && !ip.IsLoopback()) {
		return usageErrorf("--addr %s listens beyond this machine: give --auth FILE with the users who may sign in (or listen on 127.0.0.1)", c.Addr)
	}
	client, cfg, err := c.client(app)
	if err != nil {
		return err
	}
	db, err := openStore(app)
	if err != nil {
		return err
	}
	defer db.Close()
	var translator func(ctx context.Context) (review.Translator, error)
	if client != nil {
		translator = func(ctx context.Context) (review.Translator, error) {
			g, err := loadGlossary(app, db, "")
			if err != nil {
				return nil, err
			}
			var terms translate.Terms
			if g != nil {
				terms = g
			}
			return oneTranslator{client: client, terms: terms, concurrency: cfg.Concurrency, app: app}, nil
		}
	} else {
		app.Log.Info("no model endpoint: re-translating a pair is off (configure one as for 'bitext run')")
	}
	who := (&editorFlags{By: c.User}).who()
	srv, err := web.New(web.Config{Store: db, QA: qaChecker{}, Translator: translator, Users: users, User: who, Log: app.Log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return usageErrorf("--addr %s: %v", c.Addr, err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(app.Ctx) }}
	fmt.Fprintf(app.Stdout, "http://%s/\n", ln.Addr())
	if users != nil {
		app.Log.Info("serving the review app", "addr", ln.Addr().String(), "users", users.Len(), "db", app.CLI.DB)
	} else {
		app.Log.Info("serving the review app (loopback only, no sign-in)", "addr", ln.Addr().String(), "user", who, "db", app.CLI.DB)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-app.Ctx.Done():
	}
	app.Log.Info("shutting down: finishing the requests in flight")
	ctx, cancel := context.WithTimeout(context.WithoutCancel(app.Ctx), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
