package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// bufs keeps the buffers pages are rendered into: a review page of a long
// document is megabytes, and growing a fresh buffer to that size for every
// page cost a tenth of its time. pageSize remembers the size of each
// template's last page, so that a buffer the pool lost is allocated once
// at about the right size.
var (
	bufs     = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	pageSize sync.Map // template name → *atomic.Int64
)

func sizeOf(name string) *atomic.Int64 {
	if n, ok := pageSize.Load(name); ok {
		return n.(*atomic.Int64)
	}
	n, _ := pageSize.LoadOrStore(name, new(atomic.Int64))
	return n.(*atomic.Int64)
}

func putBuf(b *bytes.Buffer) {
	if b.Cap() > 16<<20 {
		return // an outsize page: let it go
	}
	b.Reset()
	bufs.Put(b)
}

// pages are the templates rendered as whole pages, each with the layout.
var pages = []string{"docs", "review", "search", "glossary", "entry", "login", "error"}

func parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"pct": func(part, whole int) string {
			if whole == 0 {
				return "0"
			}
			return fmt.Sprintf("%.0f", 100*float64(part)/float64(whole))
		},
		"conf":   func(c float64) string { return fmt.Sprintf("%.2f", c) },
		"add":    func(a, b int) int { return a + b },
		"mul100": func(f float64) float64 { return 100 * f },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"join":  strings.Join,
		"lines": func(l []string) string { return strings.Join(l, "\n") },
		"short": func(ts string) string {
			if len(ts) >= 16 {
				return strings.Replace(ts[:16], "T", " ", 1)
			}
			return ts
		},
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/help.html", "templates/rows.html", "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", p, err)
		}
		out[p] = t
	}
	rows, err := template.New("rows.html").Funcs(funcs).ParseFS(templateFS, "templates/rows.html")
	if err != nil {
		return nil, fmt.Errorf("parse template rows: %w", err)
	}
	out["rows"] = rows
	return out, nil
}

// render writes a page: the named template inside the layout, with the
// user and their CSRF token. It renders into a buffer first, so that a
// failing template gives an error page, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, u *user, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	if u != nil {
		data["User"] = u.name
		if u.sess != nil {
			data["CSRF"] = u.sess.csrf
		}
	}
	data["Auth"] = s.cfg.Users != nil
	data["Page"] = name
	t := s.tmpl[name]
	exec := "layout.html"
	if name == "rows" {
		exec = "rows"
	}
	buf := bufs.Get().(*bytes.Buffer)
	defer putBuf(buf)
	size := sizeOf(name)
	buf.Grow(int(size.Load()) + 4096)
	if err := t.ExecuteTemplate(buf, exec, data); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error: the page could not be rendered", http.StatusInternalServerError)
		return
	}
	size.Store(int64(buf.Len()))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
