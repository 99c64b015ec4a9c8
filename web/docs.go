package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/store"
)

// docRow is a document as the documents page and GET /api/docs show it.
type docRow struct {
	store.DocumentSummary
	Stats *store.DocumentStats `json:"stats,omitempty"`
	// Approved, Rejected and Draft count pairs by review status.
	Approved int `json:"approved"`
	Rejected int `json:"rejected"`
	Draft    int `json:"draft"`
	// TermSuccess is the share of glossary terms rendered as required
	// (-1: no terms).
	TermSuccess float64 `json:"term_success"`
}

// docRows lists the documents with their review progress, filtered by q
// (in the name or path), lang and action, sorted by sort.
func (s *Server) docRows(r *http.Request) ([]docRow, error) {
	ctx := r.Context()
	docs, err := s.st.Documents(ctx)
	if err != nil {
		return nil, err
	}
	stats, err := s.st.PairStats(ctx)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	text, lang, action := strings.ToLower(strings.TrimSpace(q.Get("q"))), q.Get("lang"), q.Get("action")
	var out []docRow
	for _, d := range docs {
		if text != "" && !strings.Contains(strings.ToLower(d.Name+" "+d.Path), text) ||
			lang != "" && string(d.Lang) != lang || action != "" && d.Action != action {
			continue
		}
		row := docRow{DocumentSummary: d, Stats: stats[d.ID], TermSuccess: -1}
		if st := row.Stats; st != nil {
			row.Approved, row.Rejected, row.Draft = st.Status[bitext.StatusApproved], st.Status[bitext.StatusRejected], st.Status[bitext.StatusDraft]
			if st.Terms > 0 {
				row.TermSuccess = float64(st.TermsOK) / float64(st.Terms)
			}
		}
		out = append(out, row)
	}
	sortDocs(out, q.Get("sort"))
	return out, nil
}

// sortDocs orders rows by a column (a leading '-' reverses it); the
// default is the newest first, as `bitext docs list` shows them.
func sortDocs(rows []docRow, by string) {
	desc := strings.HasPrefix(by, "-")
	by = strings.TrimPrefix(by, "-")
	pairs := func(d docRow) int {
		if d.Stats == nil {
			return 0
		}
		return d.Stats.Pairs
	}
	progress := func(d docRow) float64 {
		if n := pairs(d); n > 0 {
			return float64(d.Approved+d.Rejected) / float64(n)
		}
		return -1
	}
	viol := func(d docRow) int {
		if d.Stats == nil {
			return 0
		}
		return d.Stats.Violations
	}
	last := func(d docRow) string {
		if d.Stats == nil {
			return ""
		}
		return d.Stats.LastChange
	}
	var less func(a, b docRow) int
	switch by {
	case "name":
		less = func(a, b docRow) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }
	case "lang":
		less = func(a, b docRow) int { return cmp.Compare(a.Lang, b.Lang) }
	case "action":
		less = func(a, b docRow) int { return cmp.Compare(a.Action, b.Action) }
	case "pairs":
		less = func(a, b docRow) int { return cmp.Compare(pairs(a), pairs(b)) }
	case "progress":
		less = func(a, b docRow) int { return cmp.Compare(progress(a), progress(b)) }
	case "terms":
		less = func(a, b docRow) int { return cmp.Compare(a.TermSuccess, b.TermSuccess) }
	case "violations":
		less = func(a, b docRow) int { return cmp.Compare(viol(a), viol(b)) }
	case "changed":
		less = func(a, b docRow) int { return cmp.Compare(last(a), last(b)) }
	default:
		less = func(a, b docRow) int { return cmp.Compare(b.ID, a.ID) }
	}
	slices.SortStableFunc(rows, func(a, b docRow) int {
		if desc {
			return less(b, a)
		}
		return less(a, b)
	})
}

// docsPage lists every document.
func (s *Server) docsPage(w http.ResponseWriter, r *http.Request, u *user) error {
	rows, err := s.docRows(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "docs", u, map[string]any{"Docs": rows, "Q": q.Get("q"), "Lang": q.Get("lang"),
		"Action": q.Get("action"), "Sort": q.Get("sort")})
	return nil
}

// apiDocs: GET /api/docs[?q=&lang=&action=&sort=].
func (s *Server) apiDocs(w http.ResponseWriter, r *http.Request, u *user) error {
	rows, err := s.docRows(r)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []docRow{}
	}
	writeJSON(w, http.StatusOK, rows)
	return nil
}

// apiSession: GET /api/session tells who the caller is and gives the CSRF
// token a script sends with its changes.
func (s *Server) apiSession(w http.ResponseWriter, r *http.Request, u *user) error {
	body := map[string]any{"user": u.name}
	if u.sess != nil {
		body["csrf"] = u.sess.csrf
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
