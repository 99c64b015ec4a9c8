package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/review"
	"github.com/bitext/bitext/store"
)

// inputError is a request the server cannot act on; the message says what
// to fix (400).
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// entryConflict is a glossary edit based on an old version: both versions
// go back to the client (409).
type entryConflict struct {
	Theirs glossary.Entry `json:"theirs"`
	Yours  glossary.Entry `json:"yours"`
}

func (e *entryConflict) Error() string {
	return fmt.Sprintf("conflict: %s was changed by %s (version %d, you edited version %d); nothing saved: look at theirs, then edit again",
		e.Theirs.ID, e.Theirs.UpdatedBy, e.Theirs.Version, e.Yours.Version)
}

// errorStatus maps an error to its HTTP status, once for every handler.
func errorStatus(err error) int {
	var in *inputError
	var conflict *review.Conflict
	var ec *entryConflict
	var maxBytes *http.MaxBytesError
	switch {
	case errors.As(err, &in), errors.Is(err, review.ErrInvalid), errors.Is(err, review.ErrNothingToUndo),
		errors.Is(err, store.ErrEmptyQuery), errors.Is(err, glossary.ErrMissingRU), errors.Is(err, glossary.ErrMissingEN):
		return http.StatusBadRequest
	case errors.As(err, &maxBytes):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, errAuth), errors.Is(err, errCSRF), errors.Is(err, errHost):
		return http.StatusForbidden
	case errors.As(err, &conflict), errors.As(err, &ec), errors.Is(err, store.ErrPairConflict),
		errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrExists), errors.Is(err, store.ErrDuplicateTerm):
		return http.StatusConflict
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case endpoint.IsUnavailable(err), endpoint.IsConfigError(err), errors.Is(err, errNoTranslator):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errNoTranslator: the server was started without a model endpoint.
var errNoTranslator = errors.New("re-translation needs a model endpoint: start bitext serve with --endpoint (or BITEXT_ENDPOINT)")

// errorBody is the JSON of an error: what went wrong and, for a conflict,
// both versions.
func errorBody(err error, status int) map[string]any {
	body := map[string]any{"error": err.Error(), "status": status}
	if status == http.StatusInternalServerError {
		body["error"] = "internal error: " + err.Error()
	}
	var conflict *review.Conflict
	if errors.As(err, &conflict) {
		body["conflict"] = map[string]any{"pair": conflict.Pair, "based": conflict.Based,
			"theirs": conflict.Current, "yours": conflict.Yours, "by": conflict.By, "at": conflict.At}
	}
	var ec *entryConflict
	if errors.As(err, &ec) {
		body["conflict"] = ec
	}
	return body
}

// fail answers a failed request: JSON for the API (and for scripts'
// requests), an error page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, u *user, err error) {
	status := errorStatus(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	if wantsJSON(r) {
		writeJSON(w, status, errorBody(err, status))
		return
	}
	if status == http.StatusForbidden && errors.Is(err, errAuth) && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.render(w, r, status, "error", u, map[string]any{"Status": status, "Title": http.StatusText(status), "Message": err.Error()})
}

func wantsJSON(r *http.Request) bool {
	return len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// handler is a page or API call made by a known user.
type handler func(w http.ResponseWriter, r *http.Request, u *user) error

// maxBody limits what a request may send (an import has its own limit).
const maxBody = 1 << 20

// api wraps an API call: identify the user, limit the body, map errors.
func (s *Server) api(h handler) http.Handler { return s.apiLimit(h, maxBody) }

// apiLimit is api with another limit on the body.
func (s *Server) apiLimit(h handler, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.identify(w, r)
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		if r.ContentLength > 0 || r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if err := h(w, r, u); err != nil {
			s.fail(w, r, u, err)
		}
	})
}

// page wraps a page: like api, with errors shown as a page.
func (s *Server) page(h handler) http.Handler { return s.api(h) }

// decode reads a JSON request body into v; an empty body leaves v as it is.
func decode(r *http.Request, v any) error {
	if r.Body == nil || r.ContentLength == 0 {
		return nil
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var maxBytes *http.MaxBytesError
		if errors.As(err, &maxBytes) {
			return err
		}
		return badRequest("the request body is not the JSON expected: %v", err)
	}
	return nil
}
