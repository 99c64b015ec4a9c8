package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/bitext/bitext/store"
)

// hitView is a search hit as the search page shows it.
type hitView struct {
	store.PairHit
	RU, EN []part
}

// marked cuts a snippet whose matches are between \x02 and \x03 into
// parts (matches get Class "hit"); the template escapes every part.
func marked(snippet string) []part {
	var out []part
	for snippet != "" {
		i := strings.IndexByte(snippet, '\x02')
		if i < 0 {
			out = append(out, part{Text: strings.ReplaceAll(snippet, "\x03", "")})
			break
		}
		if i > 0 {
			out = append(out, part{Text: strings.ReplaceAll(snippet[:i], "\x03", "")})
		}
		rest := snippet[i+1:]
		j := strings.IndexByte(rest, '\x03')
		if j < 0 {
			j = len(rest)
		}
		out = append(out, part{Text: strings.ReplaceAll(rest[:j], "\x02", ""), Class: "hit"})
		if j < len(rest) {
			j++
		}
		snippet = rest[j:]
	}
	return out
}

// search runs ?q= (&doc=, &offset=) across the documents.
func (s *Server) search(r *http.Request) ([]store.PairHit, int, store.SearchOptions, error) {
	q := r.URL.Query()
	opt := store.SearchOptions{Limit: 50}
	if v := q.Get("doc"); v != "" {
		d, err := strconv.ParseInt(v, 10, 64)
		if err != nil || d <= 0 {
			return nil, 0, opt, badRequest("doc=%q: give a document id", v)
		}
		opt.Doc = d
	}
	if v := q.Get("offset"); v != "" {
		o, err := strconv.Atoi(v)
		if err != nil || o < 0 {
			return nil, 0, opt, badRequest("offset=%q: give a number ≥ 0", v)
		}
		opt.Offset = o
	}
	if v := q.Get("limit"); v != "" {
		l, err := strconv.Atoi(v)
		if err != nil || l < 1 || l > 500 {
			return nil, 0, opt, badRequest("limit=%q: give a number from 1 to 500", v)
		}
		opt.Limit = l
	}
	hits, total, err := s.st.SearchPairs(r.Context(), q.Get("q"), opt)
	return hits, total, opt, err
}

// searchPage: /search?q=, every document's pairs.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, u *user) error {
	data := map[string]any{"Q": r.URL.Query().Get("q")}
	if strings.TrimSpace(r.URL.Query().Get("q")) != "" {
		hits, total, opt, err := s.search(r)
		if err != nil {
			return err
		}
		views := make([]hitView, 0, len(hits))
		for _, h := range hits {
			views = append(views, hitView{PairHit: h, RU: marked(h.RUSnippet), EN: marked(h.ENSnippet)})
		}
		data["Hits"], data["Total"] = views, total
		if next := opt.Offset + len(hits); next < total {
			v := r.URL.Query()
			v.Set("offset", strconv.Itoa(next))
			data["More"] = "/search?" + v.Encode()
		}
	}
	s.render(w, r, http.StatusOK, "search", u, data)
	return nil
}

// apiSearch: GET /api/search?q=[&doc=&limit=&offset=].
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request, u *user) error {
	hits, total, _, err := s.search(r)
	if err != nil {
		return err
	}
	if hits == nil {
		hits = []store.PairHit{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "hits": hits})
	return nil
}
