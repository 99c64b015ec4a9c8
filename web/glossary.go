package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/review"
	"github.com/bitext/bitext/store"
)

// maxImport limits a glossary file sent for import.
const maxImport = 32 << 20

// maxImpactShown bounds the pairs an impact preview lists (the count is
// always whole).
const maxImpactShown = 500

func glossaryFilter(r *http.Request) (store.GlossaryFilter, error) {
	q := r.URL.Query()
	f := store.GlossaryFilter{Text: strings.TrimSpace(q.Get("text")), Domain: strings.TrimSpace(q.Get("domain"))}
	if v := q.Get("status"); v != "" {
		st, err := glossary.ParseStatus(v)
		if err != nil {
			return f, badRequest("status: %v", err)
		}
		f.Status = st
	}
	return f, nil
}

// glossaryPage: the termbase, searched and filtered.
func (s *Server) glossaryPage(w http.ResponseWriter, r *http.Request, u *user) error {
	f, err := glossaryFilter(r)
	if err != nil {
		return err
	}
	es, err := s.st.GlossaryEntries(r.Context(), f)
	if err != nil {
		return err
	}
	all, err := s.st.GlossaryEntries(r.Context(), store.GlossaryFilter{})
	if err != nil {
		return err
	}
	var domains []string
	for _, e := range all {
		if e.Domain != "" && !slices.Contains(domains, e.Domain) {
			domains = append(domains, e.Domain)
		}
	}
	slices.Sort(domains)
	s.render(w, r, http.StatusOK, "glossary", u, map[string]any{"Entries": es, "All": len(all), "F": f, "Domains": domains})
	return nil
}

// entryPage: one entry, its edit form, its history.
func (s *Server) entryPage(w http.ResponseWriter, r *http.Request, u *user) error {
	e, err := s.st.GlossaryEntry(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	h, err := s.st.GlossaryHistory(r.Context(), e.ID)
	if err != nil {
		return err
	}
	slices.Reverse(h) // newest first
	s.render(w, r, http.StatusOK, "entry", u, map[string]any{"E": e, "History": h})
	return nil
}

// apiGlossary: GET /api/glossary[?text=&status=&domain=].
func (s *Server) apiGlossary(w http.ResponseWriter, r *http.Request, u *user) error {
	f, err := glossaryFilter(r)
	if err != nil {
		return err
	}
	es, err := s.st.GlossaryEntries(r.Context(), f)
	if err != nil {
		return err
	}
	if es == nil {
		es = []glossary.Entry{}
	}
	writeJSON(w, http.StatusOK, es)
	return nil
}

// apiEntry: GET /api/glossary/{id}.
func (s *Server) apiEntry(w http.ResponseWriter, r *http.Request, u *user) error {
	e, err := s.st.GlossaryEntry(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// readEntry reads an entry from a request body and checks it.
func readEntry(r *http.Request) (glossary.Entry, error) {
	var e glossary.Entry
	if err := decode(r, &e); err != nil {
		return e, err
	}
	e.Normalize()
	if err := e.Validate(); err != nil {
		return e, badRequest("%v", err)
	}
	return e, nil
}

// apiGlossaryAdd: POST /api/glossary with an entry (its id is made from
// the English when empty).
func (s *Server) apiGlossaryAdd(w http.ResponseWriter, r *http.Request, u *user) error {
	e, err := readEntry(r)
	if err != nil {
		return err
	}
	if e.ID == "" {
		base := glossary.ReadableID(e.EN)
		e.ID = base
		for n := 2; ; n++ {
			if _, err := s.st.GlossaryEntry(r.Context(), e.ID); errors.Is(err, store.ErrNotFound) {
				break
			} else if err != nil {
				return err
			}
			e.ID = fmt.Sprintf("%s-%d", base, n)
		}
	} else if err := glossary.CheckID(e.ID); err != nil {
		return badRequest("id: %v", err)
	}
	e, err = s.st.AddGlossaryEntry(r.Context(), e, u.name)
	if err != nil {
		return err
	}
	s.log.Info("glossary entry added", "user", u.name, "id", e.ID)
	writeJSON(w, http.StatusCreated, e)
	return nil
}

// apiEntryEdit: POST /api/glossary/{id} with the whole entry as edited,
// carrying the version it was based on; an entry changed since is a
// conflict with both versions.
func (s *Server) apiEntryEdit(w http.ResponseWriter, r *http.Request, u *user) error {
	e, err := readEntry(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if e.ID != "" && e.ID != id {
		return badRequest("the entry's id %q is not %q: an id cannot be changed", e.ID, id)
	}
	e.ID = id
	if e.Version == 0 {
		return badRequest("give the version you edited (\"version\"), so that a change made since is not lost")
	}
	saved, err := s.st.UpdateGlossaryEntry(r.Context(), e, u.name)
	if errors.Is(err, store.ErrConflict) {
		cur, gerr := s.st.GlossaryEntry(r.Context(), id)
		if gerr != nil {
			return err
		}
		return &entryConflict{Theirs: cur, Yours: e}
	}
	if err != nil {
		return err
	}
	s.log.Info("glossary entry changed", "user", u.name, "id", id, "version", saved.Version)
	writeJSON(w, http.StatusOK, saved)
	return nil
}

// apiEntryDeprecate: POST /api/glossary/{id}/deprecate {"version": V}.
func (s *Server) apiEntryDeprecate(w http.ResponseWriter, r *http.Request, u *user) error {
	var b struct {
		Version int64 `json:"version"`
	}
	if err := decode(r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	if b.Version == 0 {
		return badRequest(`give {"version": V}, the version you saw`)
	}
	e, err := s.st.DeprecateGlossaryEntry(r.Context(), id, b.Version, u.name)
	if errors.Is(err, store.ErrConflict) {
		cur, gerr := s.st.GlossaryEntry(r.Context(), id)
		if gerr != nil {
			return err
		}
		yours := cur
		yours.Version, yours.Status = b.Version, glossary.Deprecated
		return &entryConflict{Theirs: cur, Yours: yours}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// apiEntryHistory: GET /api/glossary/{id}/history, oldest first.
func (s *Server) apiEntryHistory(w http.ResponseWriter, r *http.Request, u *user) error {
	h, err := s.st.GlossaryHistory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if h == nil {
		h = []store.GlossaryChange{}
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

// impactJSON is one pair a glossary change concerns.
type impactJSON struct {
	ID      int64         `json:"id"`
	Doc     int64         `json:"doc"`
	DocName string        `json:"doc_name"`
	Index   int           `json:"index"`
	Status  bitext.Status `json:"status"`
	RU      string        `json:"ru"`
	EN      string        `json:"en"`
	Kind    string        `json:"kind"`
	Reason  string        `json:"reason"`
}

// apiEntryImpact: POST /api/glossary/{id}/impact with the entry as it
// would be saved (id "new" for an entry not yet added): the approved and
// draft pairs the change concerns — their English uses the old rendering
// or lacks the new one — before anything is saved.
func (s *Server) apiEntryImpact(w http.ResponseWriter, r *http.Request, u *user) error {
	after, err := readEntry(r)
	if err != nil {
		return err
	}
	var before *glossary.Entry
	if id := r.PathValue("id"); id != "new" {
		cur, err := s.st.GlossaryEntry(r.Context(), id)
		if err != nil {
			return err
		}
		before = &cur
		after.ID = cur.ID
	}
	found, total, err := review.Impact(r.Context(), s.st, before, after, 0)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	if docs, err := s.st.Documents(r.Context()); err == nil {
		for _, d := range docs {
			names[d.ID] = d.Name
		}
	}
	out := map[string]any{"count": total}
	counts := map[bitext.Status]int{}
	list := make([]impactJSON, 0, min(len(found), maxImpactShown))
	for _, f := range found {
		counts[f.Pair.Status]++
		if len(list) < maxImpactShown {
			list = append(list, impactJSON{ID: f.Pair.ID, Doc: f.Pair.Doc, DocName: names[f.Pair.Doc], Index: f.Pair.Index,
				Status: f.Pair.Status, RU: f.Pair.RU, EN: f.Pair.EN, Kind: f.Kind, Reason: f.Reason})
		}
	}
	out["approved"], out["draft"], out["pairs"] = counts[bitext.StatusApproved], counts[bitext.StatusDraft], list
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiRecheck: POST /api/glossary/recheck {"pairs": [id, …]} refreshes the
// glossary findings of those pairs with the glossary as it is now (their
// English is never changed).
func (s *Server) apiRecheck(w http.ResponseWriter, r *http.Request, u *user) error {
	var b struct {
		Pairs []int64 `json:"pairs"`
		Entry string  `json:"entry"`
	}
	if err := decode(r, &b); err != nil {
		return err
	}
	if b.Entry != "" {
		more, err := s.pairsWithEntry(r.Context(), b.Entry)
		if err != nil {
			return err
		}
		for _, id := range more {
			if !slices.Contains(b.Pairs, id) {
				b.Pairs = append(b.Pairs, id)
			}
		}
	}
	if len(b.Pairs) == 0 && b.Entry == "" {
		return badRequest(`give {"pairs": [id, …]} (the pairs to check again) or {"entry": ID} (every pair whose Russian has the entry)`)
	}
	byDoc := map[int64][]int64{}
	var docs []int64
	gone := 0
	for _, id := range b.Pairs {
		doc, err := s.st.PairDoc(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			gone++ // merged or split since: its text lives on in another pair
			continue
		}
		if err != nil {
			return err
		}
		if byDoc[doc] == nil {
			docs = append(docs, doc)
		}
		byDoc[doc] = append(byDoc[doc], id)
	}
	rv, err := s.reviewer(r.Context(), u)
	if err != nil {
		return err
	}
	changed := 0
	for _, doc := range docs {
		n, err := rv.Recheck(r.Context(), doc, byDoc[doc])
		if err != nil {
			return err
		}
		changed += n
	}
	s.log.Info("pairs re-checked", "user", u.name, "pairs", len(b.Pairs)-gone, "changed", changed)
	writeJSON(w, http.StatusOK, map[string]any{"checked": len(b.Pairs) - gone, "changed": changed, "gone": gone})
	return nil
}

// apiGlossaryImport: POST /api/glossary/import?name=FILE[&format=&force=1&skip_invalid=1]
// with the file as the body: the same reading and checks as `bitext
// glossary import` (all or nothing unless skip_invalid).
func (s *Server) apiGlossaryImport(w http.ResponseWriter, r *http.Request, u *user) error {
	q := r.URL.Query()
	name := q.Get("name")
	f, err := glossary.ParseFormat(q.Get("format"), name)
	if err != nil {
		return badRequest("%v", err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	in, err := glossary.DecodeTable(bytes.NewReader(body), f)
	if err != nil {
		return badRequest("%s: %v", name, err)
	}
	skip := q.Get("skip_invalid") == "1"
	entries, bad, err := glossary.Parse(in, f, skip)
	rows := make([]string, 0, len(bad))
	for _, b := range bad {
		rows = append(rows, b.Error())
	}
	if err != nil {
		var ie *glossary.ImportError
		if errors.As(err, &ie) {
			return &inputError{msg: fmt.Sprintf("%s: %d bad row(s), nothing imported (tick \"skip invalid rows\" to import the rest):\n%s",
				name, len(ie.Rows), strings.Join(rows, "\n"))}
		}
		return badRequest("%s: %v", name, err)
	}
	st, err := s.st.ImportGlossaryWith(r.Context(), entries, u.name, store.ImportOptions{Force: q.Get("force") == "1"})
	if err != nil {
		return err
	}
	s.log.Info("glossary imported", "user", u.name, "file", name, "added", st.Added, "updated", st.Updated)
	writeJSON(w, http.StatusOK, map[string]any{"stats": st, "bad_rows": rows})
	return nil
}

// glossaryExport: GET /glossary/export?format=csv|tsv|tbx[&status=&domain=]
// downloads the glossary, written by the same code as `bitext glossary
// export`.
func (s *Server) glossaryExport(w http.ResponseWriter, r *http.Request, u *user) error {
	f, err := glossary.ParseFormat(r.URL.Query().Get("format"), "")
	if err != nil {
		return badRequest("%v", err)
	}
	filter, err := glossaryFilter(r)
	if err != nil {
		return err
	}
	filter.Text = ""
	es, err := s.st.GlossaryEntries(r.Context(), filter)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	ctype := map[glossary.Format]string{glossary.CSV: "text/csv", glossary.TSV: "text/tab-separated-values", glossary.TBX: "application/x-tbx+xml"}[f]
	if f == glossary.TBX {
		v := 2
		if r.URL.Query().Get("tbx") == "3" {
			v = 3
		}
		err = glossary.WriteTBX(&buf, es, v)
	} else {
		err = glossary.Write(&buf, f, es)
	}
	if err != nil {
		return fmt.Errorf("export the glossary: %w", err)
	}
	w.Header().Set("Content-Type", ctype+"; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="glossary.`+string(f)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
	return nil
}

// pairsWithEntry returns the draft and approved pairs whose Russian has a
// glossary entry as it is now, or whose findings name it: after an edit,
// those are the pairs whose findings may have moved, including those the
// edit put right.
func (s *Server) pairsWithEntry(ctx context.Context, id string) ([]int64, error) {
	e, err := s.st.GlossaryEntry(ctx, id)
	if err != nil {
		return nil, err
	}
	m, err := glossary.NewMatcher([]glossary.Entry{e})
	if err != nil {
		return nil, fmt.Errorf("match %s: %w", id, err)
	}
	var ids []int64
	err = s.st.EachPair(ctx, []bitext.Status{bitext.StatusDraft, bitext.StatusApproved}, func(p bitext.Pair) error {
		if slices.Contains(p.Terms, id) || len(m.Match(p.RU)) > 0 {
			ids = append(ids, p.ID)
		}
		return nil
	})
	return ids, err
}
