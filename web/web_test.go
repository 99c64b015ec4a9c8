package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/review"
	"github.com/bitext/bitext/store"
	"github.com/bitext/bitext/web"
)

// ---- API: one test per operation ----

func TestSessionAPI(t *testing.T) {
	e := newEnv(t, web.Config{})
	c := e.client()
	r := c.get(t, "/api/session")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/session: %s", r)
	}
	var s struct{ User, CSRF string }
	r.decode(t, &s)
	if s.User != testUser || len(s.CSRF) < 32 {
		t.Fatalf("session %+v: want user %s and a long csrf token", s, testUser)
	}
	var cookie *http.Cookie
	for _, k := range (&http.Response{Header: r.header}).Cookies() {
		if k.Name == "bitext_session" {
			cookie = k
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/", cookie)
	}
	// the same session gives the same token again
	var again struct{ CSRF string }
	c.get(t, "/api/session").decode(t, &again)
	if again.CSRF != s.CSRF {
		t.Fatalf("second GET /api/session gave another token: %q, then %q", s.CSRF, again.CSRF)
	}
}

// docJSON is a row of GET /api/docs.
type docJSON struct {
	ID       int64                `json:"id"`
	Name     string               `json:"name"`
	Approved int                  `json:"approved"`
	Rejected int                  `json:"rejected"`
	Draft    int                  `json:"draft"`
	Stats    *store.DocumentStats `json:"stats"`
}

func TestDocsAPI(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	rv := &review.Reviewer{Store: e.db, Who: "setup"}
	if _, err := rv.Approve(context.Background(), doc, ids(ps[:2]), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := rv.Reject(context.Background(), doc, ids(ps[2:3]), 0); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	r := c.get(t, "/api/docs")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/docs: %s", r)
	}
	var rows []docJSON
	r.decode(t, &rows)
	if len(rows) != 2 { // the Russian document and its English
		t.Fatalf("GET /api/docs: %d documents, want 2: %s", len(rows), r)
	}
	var got *docJSON
	for k := range rows {
		if rows[k].ID == doc {
			got = &rows[k]
		}
	}
	if got == nil || got.Name != "mfa.ru.txt" || got.Approved != 2 || got.Rejected != 1 || got.Draft != 5 ||
		got.Stats == nil || got.Stats.Pairs != 8 || got.Stats.Violations != 2 || got.Stats.LastBy != "setup" {
		t.Fatalf("document %d: %+v", doc, got)
	}
	// the filter by name
	c.get(t, "/api/docs?q=nothing-like-it").decode(t, &rows)
	if len(rows) != 0 {
		t.Fatalf("?q=nothing-like-it: %d documents", len(rows))
	}
}

func TestPairsFilter(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	rv := &review.Reviewer{Store: e.db, Who: "setup"}
	if _, err := rv.Approve(context.Background(), doc, []int64{ps[4].ID, ps[2].ID}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := rv.Reject(context.Background(), doc, []int64{ps[7].ID}, 0); err != nil {
		t.Fatal(err)
	}
	stored := pairsOf(t, e.db, doc)
	c := e.client()
	for _, tc := range []struct {
		query string
		keep  func(p bitext.Pair) bool
		n     int // the count expected, so that a wrong predicate shows
	}{
		{"", func(bitext.Pair) bool { return true }, 8},
		{"status=draft", func(p bitext.Pair) bool { return p.Status == bitext.StatusDraft }, 5},
		{"status=approved", func(p bitext.Pair) bool { return p.Status == bitext.StatusApproved }, 2},
		{"status=rejected", func(p bitext.Pair) bool { return p.Status == bitext.StatusRejected }, 1},
		{"below=0.5", func(p bitext.Pair) bool { return p.Confidence < 0.5 }, 3},
		{"below=0.92", func(p bitext.Pair) bool { return p.Confidence < 0.92 }, 5},
		{"violations=1", func(p bitext.Pair) bool { return len(p.Violations) > 0 }, 2},
		{"status=draft&below=0.5&violations=1", func(p bitext.Pair) bool {
			return p.Status == bitext.StatusDraft && p.Confidence < 0.5 && len(p.Violations) > 0
		}, 1},
		{"status=draft&violations=0", func(p bitext.Pair) bool { return p.Status == bitext.StatusDraft }, 5},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := c.get(t, fmt.Sprintf("/api/docs/%d/pairs?%s", doc, tc.query))
			if r.status != http.StatusOK {
				t.Fatalf("%s", r)
			}
			var got []struct {
				bitext.Pair
				Look int  `json:"look"`
				Low  bool `json:"low"`
			}
			r.decode(t, &got)
			var want []int64
			for _, p := range stored {
				if tc.keep(p) {
					want = append(want, p.ID)
				}
			}
			var gotIDs []int64
			for _, p := range got {
				gotIDs = append(gotIDs, p.ID)
				if (p.Status == bitext.StatusDraft) != (p.Look > 0) {
					t.Errorf("pair %d (%s) has look %d: only drafts are ranked", p.ID, p.Status, p.Look)
				}
			}
			if len(want) != tc.n || !slices.Equal(gotIDs, want) {
				t.Fatalf("pairs %v, want %v (%d)", gotIDs, want, tc.n)
			}
		})
	}
	// the pairs that need a look come violations first, then by confidence
	var all []struct {
		ID   int64 `json:"id"`
		Look int   `json:"look"`
	}
	c.get(t, fmt.Sprintf("/api/docs/%d/pairs?status=draft", doc)).decode(t, &all)
	look := map[int64]int{}
	for _, p := range all {
		look[p.ID] = p.Look
	}
	if look[ps[5].ID] != 1 || look[ps[1].ID] != 2 || look[ps[3].ID] != 3 || look[ps[6].ID] != 4 || look[ps[0].ID] != 5 {
		t.Fatalf("look order %v: want pair 5 (violation), then 1, 3, 6, 0 by confidence", look)
	}
}

func TestApprove(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	p := ps[3]
	out := c.op(t, p.ID, "approve", map[string]any{"version": p.Version})
	got := pairByID(t, e.db, doc, p.ID)
	if got.Status != bitext.StatusApproved || got.ReviewedBy != testUser || got.Version != p.Version+1 || got.EN != p.EN {
		t.Fatalf("stored after approve: %+v", got)
	}
	if out.Doc != doc || len(out.Pairs) != 1 || out.Pairs[0].Status != bitext.StatusApproved || out.Pairs[0].Version != got.Version {
		t.Fatalf("approve answered %+v", out)
	}
	if ev := lastChange(t, e.db, doc, p.ID); ev.Action != "approve" || ev.Who != testUser {
		t.Fatalf("history: %s by %s, want approve by %s", ev.Action, ev.Who, testUser)
	}
	// approving again changes nothing and says why
	out = c.op(t, p.ID, "approve", map[string]any{})
	if out.Skipped != "already approved" || pairByID(t, e.db, doc, p.ID).Version != got.Version {
		t.Fatalf("second approve: %+v", out)
	}
	// the other pairs are untouched
	for _, q := range pairsOf(t, e.db, doc) {
		if q.ID != p.ID && (q.Status != bitext.StatusDraft || q.Version != 1) {
			t.Fatalf("pair %d changed too: %+v", q.ID, q)
		}
	}
}

func TestReject(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	p := ps[1]
	out := c.op(t, p.ID, "reject", map[string]any{"version": p.Version})
	got := pairByID(t, e.db, doc, p.ID)
	if got.Status != bitext.StatusRejected || got.ReviewedBy != testUser || got.Version != 2 {
		t.Fatalf("stored after reject: %+v", got)
	}
	if len(out.Pairs) != 1 || out.Pairs[0].Status != bitext.StatusRejected {
		t.Fatalf("reject answered %+v", out)
	}
	if ev := lastChange(t, e.db, doc, p.ID); ev.Action != "reject" || ev.Who != testUser {
		t.Fatalf("history: %s by %s", ev.Action, ev.Who)
	}
}

func TestEdit(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	p := ps[1]
	out := c.op(t, p.ID, "edit", map[string]any{"en": "  The delegations discussed   international information security. ", "version": p.Version})
	want := "The delegations discussed international information security."
	got := pairByID(t, e.db, doc, p.ID)
	if got.EN != want || !got.Edited || got.Version != 2 || got.Status != bitext.StatusDraft || got.RU != p.RU {
		t.Fatalf("stored after edit: %+v", got)
	}
	if len(out.Pairs) != 1 || out.Pairs[0].EN != want {
		t.Fatalf("edit answered %+v", out)
	}
	ev := lastChange(t, e.db, doc, p.ID)
	if ev.Action != "edit" || ev.Who != testUser || ev.Before[0].EN != p.EN || ev.After[0].EN != want {
		t.Fatalf("history %+v", ev)
	}
	// Cyrillic in the English is refused, and nothing is stored
	r := c.post(t, fmt.Sprintf("/api/pairs/%d/edit", p.ID), map[string]any{"en": "Делегации", "version": 2})
	if r.status != http.StatusBadRequest || !strings.Contains(r.errBody(t).Error, "Cyrillic") {
		t.Fatalf("Cyrillic edit: %s", r)
	}
	// an edit without the English says what to send
	r = c.post(t, fmt.Sprintf("/api/pairs/%d/edit", p.ID), map[string]any{"version": 2})
	if r.status != http.StatusBadRequest || !strings.Contains(r.errBody(t).Error, `"en"`) {
		t.Fatalf("edit without en: %s", r)
	}
	if got := pairByID(t, e.db, doc, p.ID); got.EN != want || got.Version != 2 {
		t.Fatalf("refused edits changed the pair: %+v", got)
	}
}

func TestMerge(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	// {} merges with the next pair
	out := c.op(t, ps[1].ID, "merge", map[string]any{})
	after := pairsOf(t, e.db, doc)
	if len(after) != 7 {
		t.Fatalf("%d pairs after merge, want 7", len(after))
	}
	m := after[1]
	if m.ID != ps[1].ID || m.Bead() != "[1, 2]:[1, 2]" || m.RU != ps[1].RU+" "+ps[2].RU || m.EN != ps[1].EN+" "+ps[2].EN {
		t.Fatalf("merged pair %+v", m)
	}
	if len(out.Pairs) != 1 || out.Pairs[0].ID != m.ID {
		t.Fatalf("merge answered %+v", out)
	}
	// {"with": id} merges with that neighbour, in either order
	c.op(t, ps[4].ID, "merge", map[string]any{"with": ps[3].ID})
	after = pairsOf(t, e.db, doc)
	if len(after) != 6 || after[2].ID != ps[3].ID || after[2].Bead() != "[3, 4]:[3, 4]" {
		t.Fatalf("after merging 4 into 3: %+v", after[2])
	}
	if ev := lastChange(t, e.db, doc, ps[3].ID); ev.Action != "merge" || ev.Who != testUser || len(ev.Before) != 2 {
		t.Fatalf("history %+v", ev)
	}
	// pairs that are not neighbours do not merge
	r := c.post(t, fmt.Sprintf("/api/pairs/%d/merge", ps[0].ID), map[string]any{"with": ps[6].ID})
	if r.status != http.StatusBadRequest || !strings.Contains(r.errBody(t).Error, "neighbours") {
		t.Fatalf("merge of non-neighbours: %s", r)
	}
	if err := bitext.CheckPairs(pairsOf(t, e.db, doc), 8, 8); err != nil {
		t.Fatal(err)
	}
}

func TestSplit(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	c.op(t, ps[2].ID, "merge", map[string]any{})
	out := c.op(t, ps[2].ID, "split", map[string]any{"ru": 1, "en_count": 1})
	after := pairsOf(t, e.db, doc)
	if len(after) != 8 {
		t.Fatalf("%d pairs after split, want 8", len(after))
	}
	first, second := after[2], after[3]
	if first.ID != ps[2].ID || first.Bead() != "[2]:[2]" || first.RU != ps[2].RU || first.EN != ps[2].EN ||
		second.Bead() != "[3]:[3]" || second.RU != ps[3].RU || second.EN != ps[3].EN {
		t.Fatalf("split into %+v and %+v", first, second)
	}
	if len(out.Pairs) != 2 || out.Pairs[0].ID != first.ID || out.Pairs[1].ID != second.ID {
		t.Fatalf("split answered %+v", out)
	}
	if ev := lastChange(t, e.db, doc, ps[2].ID); ev.Action != "split" || ev.Who != testUser {
		t.Fatalf("history %+v", ev)
	}
	// a split that leaves nothing is refused
	r := c.post(t, fmt.Sprintf("/api/pairs/%d/split", first.ID), map[string]any{"ru": 1, "en_count": 1})
	if r.status != http.StatusBadRequest {
		t.Fatalf("split of a 1-1 pair after everything: %s", r)
	}
}

func TestShift(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	// the Russian sentence of pair 0 down to pair 1
	out := c.op(t, ps[0].ID, "shift", map[string]any{"side": "ru", "dir": "down"})
	after := pairsOf(t, e.db, doc)
	if after[0].Bead() != "[]:[0]" || after[1].Bead() != "[0, 1]:[1]" || after[1].RU != ps[0].RU+" "+ps[1].RU {
		t.Fatalf("after shift down: %s %s", after[0].Bead(), after[1].Bead())
	}
	if len(out.Pairs) != 2 {
		t.Fatalf("shift answered %+v", out)
	}
	// the English sentence of pair 3 up to pair 2
	c.op(t, ps[3].ID, "shift", map[string]any{"side": "en", "dir": "up"})
	after = pairsOf(t, e.db, doc)
	if after[2].Bead() != "[2]:[2, 3]" || after[3].Bead() != "[3]:[]" || after[2].EN != ps[2].EN+" "+ps[3].EN {
		t.Fatalf("after shift up: %s %s", after[2].Bead(), after[3].Bead())
	}
	if ev := lastChange(t, e.db, doc, ps[3].ID); ev.Action != "shift" || ev.Who != testUser {
		t.Fatalf("history %+v", ev)
	}
	if err := bitext.CheckPairs(after, 8, 8); err != nil {
		t.Fatal(err)
	}
	for _, body := range []map[string]any{{"side": "de", "dir": "up"}, {"side": "ru", "dir": "left"}, {}} {
		r := c.post(t, fmt.Sprintf("/api/pairs/%d/shift", ps[5].ID), body)
		if r.status != http.StatusBadRequest || !strings.Contains(r.errBody(t).Error, "shift: give") {
			t.Fatalf("shift %v: %s", body, r)
		}
	}
	// the first pair has none before it
	r := c.post(t, fmt.Sprintf("/api/pairs/%d/shift", ps[0].ID), map[string]any{"side": "en", "dir": "up"})
	if r.status != http.StatusBadRequest {
		t.Fatalf("shift up of the first pair: %s", r)
	}
}

func TestUndo(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	p := ps[1]
	c.op(t, p.ID, "edit", map[string]any{"en": "An edited sentence.", "version": 1})
	c.op(t, p.ID, "approve", map[string]any{"version": 2})
	// undo the approval, then the edit
	c.op(t, p.ID, "undo", nil)
	if got := pairByID(t, e.db, doc, p.ID); got.Status != bitext.StatusDraft || got.EN != "An edited sentence." {
		t.Fatalf("after the first undo: %+v", got)
	}
	out := c.op(t, p.ID, "undo", nil)
	got := pairByID(t, e.db, doc, p.ID)
	if got.EN != p.EN || got.Edited || got.Status != bitext.StatusDraft || len(out.Pairs) != 1 || out.Pairs[0].EN != p.EN {
		t.Fatalf("after the second undo: %+v (answer %+v)", got, out)
	}
	if ev := lastChange(t, e.db, doc, p.ID); ev.Action != "undo" || ev.Who != testUser {
		t.Fatalf("history %+v", ev)
	}
	// nothing left to undo: 400 with the reason
	r := c.post(t, fmt.Sprintf("/api/pairs/%d/undo", p.ID), nil)
	if r.status != http.StatusBadRequest || !strings.Contains(r.errBody(t).Error, "nothing to undo") {
		t.Fatalf("undo with nothing left: %s", r)
	}
	// undo of a merge brings both pairs back
	c.op(t, ps[5].ID, "merge", nil)
	c.op(t, ps[5].ID, "undo", nil)
	after := pairsOf(t, e.db, doc)
	if len(after) != 8 || after[6].ID != ps[6].ID || after[6].EN != ps[6].EN {
		t.Fatalf("undo of a merge: %d pairs", len(after))
	}
}

func TestRetranslateWithoutTranslator(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	r := c.post(t, fmt.Sprintf("/api/pairs/%d/retranslate", ps[0].ID), nil)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.errBody(t).Error, "--endpoint") {
		t.Fatalf("retranslate without a translator: %s", r)
	}
	if got := pairByID(t, e.db, doc, ps[0].ID); got.Version != 1 {
		t.Fatalf("the pair changed: %+v", got)
	}
}

func TestRetranslate(t *testing.T) {
	tr := fakeTranslator{en: "A new machine translation."}
	e := newEnv(t, web.Config{Translator: func(context.Context) (review.Translator, error) { return tr, nil }})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	out := c.op(t, ps[2].ID, "retranslate", nil)
	got := pairByID(t, e.db, doc, ps[2].ID)
	if got.EN != tr.en || got.Origin != bitext.OriginModel || got.Version != 2 || len(out.Pairs) != 1 || out.Pairs[0].EN != tr.en {
		t.Fatalf("after retranslate: %+v", got)
	}
	if ev := lastChange(t, e.db, doc, ps[2].ID); ev.Action != "retranslate" || ev.Who != testUser {
		t.Fatalf("history %+v", ev)
	}
	// a translator that cannot be had is a 503 with its reason
	e2 := newEnv(t, web.Config{Translator: func(context.Context) (review.Translator, error) {
		return nil, fmt.Errorf("reach the model: %w", context.DeadlineExceeded)
	}})
	_, ps2 := seed(t, e2.db, "mfa.ru.txt", eight)
	r := e2.session(t).post(t, fmt.Sprintf("/api/pairs/%d/retranslate", ps2[0].ID), nil)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.errBody(t).Error, "reach the model") {
		t.Fatalf("retranslate with a failing translator: %s", r)
	}
}

type fakeTranslator struct{ en string }

func (f fakeTranslator) TranslateOne(ctx context.Context, ru, context string) (review.Translation, error) {
	return review.Translation{EN: f.en, State: bitext.StateTranslated}, nil
}

func TestHistoryAPI(t *testing.T) {
	e := newEnv(t, web.Config{})
	_, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	p := ps[0]
	r := c.get(t, fmt.Sprintf("/api/pairs/%d/history", p.ID))
	if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != "[]" {
		t.Fatalf("history of an untouched pair: %s (want [])", r)
	}
	c.op(t, p.ID, "edit", map[string]any{"en": "Consultations were held in Moscow.", "version": 1})
	c.op(t, p.ID, "approve", map[string]any{"version": 2})
	var h []store.PairEvent
	c.get(t, fmt.Sprintf("/api/pairs/%d/history", p.ID)).decode(t, &h)
	if len(h) != 2 || h[0].Action != "edit" || h[1].Action != "approve" || h[0].Who != testUser || h[1].Who != testUser ||
		h[0].Before[0].EN != p.EN || h[0].After[0].EN != "Consultations were held in Moscow." {
		t.Fatalf("history %+v", h)
	}
}

func TestEffortAPI(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	if _, err := (&review.Reviewer{Store: e.db, Who: "setup"}).Approve(context.Background(), doc, []int64{ps[0].ID}, 0); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	r := c.get(t, fmt.Sprintf("/api/docs/%d/effort?above=0.9", doc))
	if r.status != http.StatusOK {
		t.Fatalf("effort: %s", r)
	}
	var got struct {
		Source    string  `json:"source"`
		Threshold float64 `json:"threshold"`
		Precision float64 `json:"precision"`
		Eligible  int     `json:"eligible"`
		Held      int     `json:"held"`
		Message   string  `json:"message"`
	}
	r.decode(t, &got)
	// drafts at ≥ 0.9: pairs 2 (violation), 4, 6 (pair 0 is approved)
	if got.Threshold != 0.9 || got.Eligible != 2 || got.Held != 1 || got.Source == "" || got.Message == "" ||
		got.Precision < 0 || got.Precision > 1 {
		t.Fatalf("effort %+v: want 2 eligible, 1 held", got)
	}
	for _, q := range []string{"", "above=abc", "above=1.5"} {
		if r := c.get(t, fmt.Sprintf("/api/docs/%d/effort?%s", doc, q)); r.status != http.StatusBadRequest {
			t.Fatalf("effort?%s: %s", q, r)
		}
	}
}

func TestApproveAbove(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	r := c.post(t, fmt.Sprintf("/api/docs/%d/approve-above", doc), map[string]any{"confidence": 0.9})
	if r.status != http.StatusOK {
		t.Fatalf("approve-above: %s", r)
	}
	var out struct {
		Approved int `json:"approved"`
		Outcome  struct {
			Changed []int64          `json:"changed"`
			Skipped map[int64]string `json:"skipped"`
		} `json:"outcome"`
	}
	r.decode(t, &out)
	want := []int64{ps[0].ID, ps[4].ID, ps[6].ID}
	if out.Approved != 3 || !slices.Equal(out.Outcome.Changed, want) || out.Outcome.Skipped[ps[2].ID] == "" {
		t.Fatalf("approve-above answered %+v: want %v approved, %d held", out, want, ps[2].ID)
	}
	for _, p := range pairsOf(t, e.db, doc) {
		approved := slices.Contains(want, p.ID)
		if approved != (p.Status == bitext.StatusApproved) {
			t.Fatalf("pair %d (conf %.2f, %d violations): %s", p.ID, p.Confidence, len(p.Violations), p.Status)
		}
		if approved {
			if ev := lastChange(t, e.db, doc, p.ID); ev.Action != "approve" || ev.Who != testUser || p.ReviewedBy != testUser {
				t.Fatalf("pair %d: history %s by %s", p.ID, ev.Action, ev.Who)
			}
		}
	}
	for _, body := range []any{map[string]any{}, map[string]any{"confidence": 2}, `{"confidence": "high"}`} {
		if r := c.post(t, fmt.Sprintf("/api/docs/%d/approve-above", doc), body); r.status != http.StatusBadRequest {
			t.Fatalf("approve-above %v: %s", body, r)
		}
	}
}

// ---- error mapping ----

func TestErrorMapping(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	last := ps[len(ps)-1]
	c := e.session(t)
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
		says         string // in the error message
	}{
		{"GET", "/api/docs/9999/pairs", nil, 404, "not found"},
		{"GET", "/api/docs/9999", nil, 404, "not found"},
		{"GET", "/api/docs/9999/effort?above=0.5", nil, 404, "not found"},
		{"POST", "/api/docs/9999/approve-above", map[string]any{"confidence": 0.5}, 404, "not found"},
		{"GET", "/api/pairs/9999", nil, 404, "not found"},
		{"GET", "/api/pairs/9999/history", nil, 404, "not found"},
		{"POST", "/api/pairs/9999/approve", map[string]any{}, 404, "not found"},
		{"POST", fmt.Sprintf("/api/pairs/%d/frobnicate", ps[0].ID), nil, 404, "frobnicate"},
		{"GET", "/api/docs/abc/pairs", nil, 400, "document id"},
		{"POST", fmt.Sprintf("/api/pairs/%d/approve", ps[0].ID), `{"version":`, 400, "JSON"},
		{"POST", fmt.Sprintf("/api/pairs/%d/approve", ps[0].ID), `{"versoin": 1}`, 400, "versoin"},
		{"POST", fmt.Sprintf("/api/pairs/%d/approve", ps[0].ID), `[1, 2]`, 400, "JSON"},
		{"GET", fmt.Sprintf("/api/docs/%d/pairs?below=abc", doc), nil, 400, "below"},
		{"GET", fmt.Sprintf("/api/docs/%d/pairs?status=done", doc), nil, 400, "status"},
		{"GET", fmt.Sprintf("/api/docs/%d/pairs?violations=maybe", doc), nil, 400, "violations"},
		{"POST", fmt.Sprintf("/api/pairs/%d/split", ps[0].ID), map[string]any{}, 400, `"en_count"`},
		{"POST", fmt.Sprintf("/api/pairs/%d/split", ps[0].ID), map[string]any{"ru": 1}, 400, `"en_count"`},
		{"POST", fmt.Sprintf("/api/pairs/%d/merge", last.ID), map[string]any{}, 400, "last"},
		{"POST", fmt.Sprintf("/api/pairs/%d/approve", ps[0].ID), map[string]any{"version": 7}, 409, "conflict"},
		{"GET", "/api/search?q=x&limit=0", nil, 400, "limit"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := c.do(t, tc.method, tc.path, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("Content-Type %q for an API error", ct)
			}
			if msg := r.errBody(t).Error; !strings.Contains(msg, tc.says) {
				t.Fatalf("message %q does not say %q", msg, tc.says)
			}
		})
	}
	// pages show errors as pages
	for _, path := range []string{"/docs/9999", fmt.Sprintf("/docs/%d?below=abc", doc), "/glossary/no-such-entry"} {
		r := c.get(t, path)
		want := http.StatusNotFound
		if strings.Contains(path, "below") {
			want = http.StatusBadRequest
		}
		if r.status != want || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !bytes.Contains(r.body, []byte(`class="error-page"`)) {
			t.Fatalf("GET %s: %d %s, want an error page %d", path, r.status, r.header.Get("Content-Type"), want)
		}
	}
	// nothing above changed a pair
	for _, p := range pairsOf(t, e.db, doc) {
		if p.Version != 1 {
			t.Fatalf("pair %d changed by a refused request: %+v", p.ID, p)
		}
	}
}

func TestStaleVersionConflict(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	p := ps[1]
	c.op(t, p.ID, "edit", map[string]any{"en": "Their sentence.", "version": p.Version})
	r := c.post(t, fmt.Sprintf("/api/pairs/%d/edit", p.ID), map[string]any{"en": "My sentence.", "version": p.Version})
	if r.status != http.StatusConflict {
		t.Fatalf("edit of a stale version: %s", r)
	}
	var conflict struct {
		Pair   int64        `json:"pair"`
		Based  int          `json:"based"`
		Theirs *bitext.Pair `json:"theirs"`
		Yours  string       `json:"yours"`
		By     string       `json:"by"`
	}
	eb := r.errBody(t)
	if err := json.Unmarshal(eb.Conflict, &conflict); err != nil {
		t.Fatalf("conflict %s: %v", eb.Conflict, err)
	}
	if conflict.Theirs == nil || conflict.Theirs.EN != "Their sentence." || conflict.Yours != "My sentence." ||
		conflict.Based != 1 || conflict.Theirs.Version != 2 || conflict.By != testUser || conflict.Pair != p.ID {
		t.Fatalf("conflict %s", eb.Conflict)
	}
	for _, want := range []string{"Their sentence.", "My sentence."} {
		if !strings.Contains(eb.Error, want) {
			t.Errorf("message lacks %q: %s", want, eb.Error)
		}
	}
	if got := pairByID(t, e.db, doc, p.ID); got.EN != "Their sentence." || got.Version != 2 {
		t.Fatalf("stored %+v", got)
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	big := `{"en": "` + strings.Repeat("a", 1<<20+10) + `", "version": 1}`
	for _, path := range []string{
		fmt.Sprintf("/api/pairs/%d/edit", ps[0].ID),
		fmt.Sprintf("/api/docs/%d/approve-above", doc),
		"/api/glossary",
	} {
		r := c.post(t, path, big)
		if r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("POST %s with %d bytes: %s", path, len(big), r)
		}
		r.errBody(t)
	}
	// a body just under the limit is read (and refused for what it says)
	under := `{"en": "` + strings.Repeat("a", 1<<20-100) + `", "version": 1}`
	if r := c.post(t, fmt.Sprintf("/api/pairs/%d/edit", ps[0].ID), under); r.status != http.StatusOK {
		t.Fatalf("POST of %d bytes: %s", len(under), r)
	}
}

// ---- security ----

const (
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `"><img src=x onerror=alert(1)>`
)

func TestEscaping(t *testing.T) {
	e := newEnv(t, web.Config{})
	ctx := context.Background()
	if _, err := e.db.AddGlossaryEntry(ctx, glossary.Entry{ID: "xss", RU: "<script>", EN: "<b>bold</b>", Note: xssAttr}, "seed"); err != nil {
		t.Fatal(err)
	}
	specs := append([]spec{{xssScript + " " + xssAttr, xssAttr + " " + xssScript, 0.5, true}}, eight[:2]...)
	doc, ps := seed(t, e.db, xssScript+xssAttr+".txt", specs)
	// a note and a reason as the machine or a reviewer might leave them
	p := ps[0]
	n := p
	n.Note, n.Version = xssAttr, p.Version+1
	n.Violations = []bitext.Violation{{TermID: "xss", Kind: "forbidden", Expected: xssScript, Source: xssAttr, Found: xssScript}}
	if _, _, err := e.db.ChangePairs(ctx, store.PairChange{Doc: doc, Action: "edit", Who: xssScript, Before: []bitext.Pair{p}, After: []bitext.Pair{n}}); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	for _, path := range []string{
		fmt.Sprintf("/docs/%d", doc),
		fmt.Sprintf("/docs/%d/rows", doc),
		"/docs",
		"/search?q=" + urlQuery(xssScript+xssAttr),
		fmt.Sprintf("/docs/%d?below=", doc) + urlQuery(xssScript),
		"/glossary",
		"/glossary/xss",
		"/glossary/" + urlQuery(xssScript),
	} {
		t.Run(path, func(t *testing.T) {
			r := c.get(t, path)
			if r.status != http.StatusOK && r.status != http.StatusBadRequest && r.status != http.StatusNotFound {
				t.Fatalf("%s", r)
			}
			body := string(r.body)
			for _, raw := range []string{"<script>alert", "<img src=x", "<b>bold"} {
				if strings.Contains(body, raw) {
					i := strings.Index(body, raw)
					t.Fatalf("raw %q in the page: …%s…", raw, body[max(0, i-200):min(len(body), i+100)])
				}
			}
			if !strings.Contains(body, "&lt;script&gt;") {
				t.Fatalf("the page does not show the text escaped:\n%s", r)
			}
		})
	}
	// the API's JSON is escaped for HTML too (a script inserting it as
	// text is safe either way)
	r := c.get(t, fmt.Sprintf("/api/docs/%d/pairs", doc))
	if bytes.Contains(r.body, []byte("<script>")) || !bytes.Contains(r.body, []byte(`\u003cscript\u003e`)) {
		t.Fatalf("JSON not HTML-escaped: %s", r)
	}
}

func urlQuery(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	if _, err := e.db.AddGlossaryEntry(context.Background(), glossary.Entry{ID: "oewg", RU: "РГОС", EN: "OEWG"}, "seed"); err != nil {
		t.Fatal(err)
	}
	withSession := func(t *testing.T, token string) *client {
		c := e.session(t) // a session cookie
		if token != "valid" {
			c.csrf = token
		}
		return c
	}
	entry := map[string]any{"ru": "ГПЭ", "en": "GGE"}
	csv := "id,ru,en\ngge,ГПЭ,GGE\n"
	posts := []struct {
		path string
		body any
	}{
		{fmt.Sprintf("/api/pairs/%d/approve", ps[0].ID), map[string]any{"version": 1}},
		{fmt.Sprintf("/api/pairs/%d/edit", ps[1].ID), map[string]any{"en": "Changed.", "version": 1}},
		{fmt.Sprintf("/api/docs/%d/approve-above", doc), map[string]any{"confidence": 0}},
		{"/api/glossary", entry},
		{"/api/glossary/oewg", map[string]any{"ru": "РГОС", "en": "Open-ended Working Group", "version": 1}},
		{"/api/glossary/oewg/deprecate", map[string]any{"version": 2}},
		{"/api/glossary/import?name=g.csv", []byte(csv)},
		{"/api/glossary/recheck", map[string]any{"pairs": []int64{ps[0].ID}}},
	}
	for _, tc := range []struct {
		name   string
		client func(t *testing.T) *client
	}{
		{"session without token", func(t *testing.T) *client { return withSession(t, "") }},
		{"session with a wrong token", func(t *testing.T) *client { return withSession(t, "WRONG"+strings.Repeat("A", 47)) }},
		{"no cookie, no token", func(*testing.T) *client { return e.client() }},
		{"no cookie, a token of another session", func(t *testing.T) *client {
			c := e.client()
			c.csrf = e.session(t).csrf
			return c
		}},
		{"bearer token without users", func(t *testing.T) *client {
			c := e.client()
			c.bearer = "alice-token-0123456789"
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.client(t)
			for _, p := range posts {
				r := c.post(t, p.path, p.body)
				if r.status != http.StatusForbidden {
					t.Fatalf("POST %s: %s, want 403", p.path, r)
				}
				r.errBody(t)
			}
		})
	}
	// nothing changed
	for _, p := range pairsOf(t, e.db, doc) {
		if p.Version != 1 {
			t.Fatalf("pair %d changed without a CSRF token: %+v", p.ID, p)
		}
	}
	if es, _ := e.db.GlossaryEntries(context.Background(), store.GlossaryFilter{}); len(es) != 1 || es[0].Version != 1 {
		t.Fatalf("glossary changed without a CSRF token: %+v", es)
	}
	// the session's token works for every one
	c := withSession(t, "valid")
	for _, p := range posts {
		r := c.post(t, p.path, p.body)
		if r.status != http.StatusOK && r.status != http.StatusCreated {
			t.Fatalf("POST %s with the session's token: %s", p.path, r)
		}
	}
	if got := pairByID(t, e.db, doc, ps[0].ID); got.Status != bitext.StatusApproved {
		t.Fatalf("approve with the token did not approve: %+v", got)
	}
	// a GET needs no token
	if r := e.client().get(t, "/api/docs"); r.status != http.StatusOK {
		t.Fatalf("GET /api/docs: %s", r)
	}
}

func TestHostCheck(t *testing.T) {
	e := newEnv(t, web.Config{})
	seed(t, e.db, "mfa.ru.txt", eight)
	port := e.ts.URL[strings.LastIndexByte(e.ts.URL, ':'):]
	for _, tc := range []struct {
		host   string
		method string
		path   string
		status int
	}{
		{"evil.example", "GET", "/api/docs", 403},
		{"evil.example" + port, "GET", "/docs", 403},
		{"evil.example", "GET", "/api/session", 403},
		{"evil.example", "POST", "/api/glossary", 403},
		{"127.0.0.1.evil.example", "GET", "/api/docs", 403},
		{"localhost.evil.example" + port, "GET", "/api/docs", 403},
		{"10.0.0.1" + port, "GET", "/api/docs", 403},
		{"localhost" + port, "GET", "/api/docs", 200},
		{"LOCALHOST", "GET", "/api/docs", 200},
		{"127.0.0.1" + port, "GET", "/api/docs", 200},
		{"127.0.0.2" + port, "GET", "/api/docs", 200},
		{"[::1]" + port, "GET", "/api/docs", 200},
	} {
		t.Run(tc.host+" "+tc.path, func(t *testing.T) {
			r := e.client().do(t, tc.method, tc.path, nil, "Host", tc.host)
			if r.status != tc.status {
				t.Fatalf("%s", r)
			}
			if tc.status == 403 {
				if strings.Contains(string(r.body), "mfa.ru.txt") {
					t.Fatalf("a refused request got the data: %s", r)
				}
				if r.header.Get("Set-Cookie") != "" {
					t.Fatalf("a refused host got a session cookie")
				}
			}
		})
	}
}

const usersFile = `# reviewers of the test
alice alice-token-0123456789

bob   bob-token-0123456789abc
`

func usersEnv(t *testing.T) *env {
	t.Helper()
	u, err := web.ParseUsers(strings.NewReader(usersFile), "users.txt")
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, web.Config{Users: u})
}

func TestAuth(t *testing.T) {
	e := usersEnv(t)
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)

	t.Run("anonymous", func(t *testing.T) {
		c := e.client()
		for _, path := range []string{"/api/docs", "/api/session", fmt.Sprintf("/api/docs/%d/pairs", doc)} {
			if r := c.get(t, path); r.status != http.StatusForbidden {
				t.Fatalf("GET %s: %s", path, r)
			}
		}
		if r := c.post(t, fmt.Sprintf("/api/pairs/%d/approve", ps[0].ID), nil); r.status != http.StatusForbidden {
			t.Fatalf("POST approve: %s", r)
		}
		for _, tc := range []struct{ path, next string }{
			{"/docs", "/docs"},
			{"/glossary", "/glossary"},
			{fmt.Sprintf("/docs/%d?status=draft&below=0.5", doc), fmt.Sprintf("/docs/%d?status=draft&below=0.5", doc)},
		} {
			r := c.get(t, tc.path)
			loc, err := (&http.Response{Header: r.header}).Location()
			if r.status != http.StatusSeeOther || err != nil || loc.Path != "/login" || loc.Query().Get("next") != tc.next {
				t.Fatalf("GET %s: %d to %v, want 303 to /login?next=%s", tc.path, r.status, loc, tc.next)
			}
		}
	})

	t.Run("bearer", func(t *testing.T) {
		c := e.client()
		c.bearer = "bob-token-0123456789abc"
		if r := c.get(t, "/api/docs"); r.status != http.StatusOK {
			t.Fatalf("GET /api/docs with a bearer token: %s", r)
		}
		var s struct{ User, CSRF string }
		c.get(t, "/api/session").decode(t, &s)
		if s.User != "bob" || s.CSRF != "" {
			t.Fatalf("session of a bearer token: %+v", s)
		}
		// no CSRF token needed; the change is bob's
		c.op(t, ps[0].ID, "approve", map[string]any{"version": 1})
		if got := pairByID(t, e.db, doc, ps[0].ID); got.Status != bitext.StatusApproved || got.ReviewedBy != "bob" {
			t.Fatalf("stored %+v", got)
		}
		if ev := lastChange(t, e.db, doc, ps[0].ID); ev.Who != "bob" {
			t.Fatalf("history names %q, want bob", ev.Who)
		}
		// with users, the host name does not matter: the token does
		if r := c.get(t, "/api/docs", "Host", "bitext.example.org"); r.status != http.StatusOK {
			t.Fatalf("GET /api/docs on another host name: %s", r)
		}
		if h := c.get(t, "/api/docs").header; h.Get("Set-Cookie") != "" {
			t.Fatalf("a bearer request got a session cookie")
		}
	})

	t.Run("bad tokens", func(t *testing.T) {
		for _, auth := range []string{"Bearer wrong-token-0123456789", "Bearer ", "Bearer alice", "Basic YWxpY2U6YWxpY2UtdG9rZW4tMDEyMzQ1Njc4OQ==",
			"bearer alice-token-0123456789", "Bearer alice-token-0123456789x"} {
			c := e.client()
			for _, req := range []struct{ method, path string }{{"GET", "/api/docs"}, {"POST", fmt.Sprintf("/api/pairs/%d/approve", ps[1].ID)}} {
				if r := c.do(t, req.method, req.path, nil, "Authorization", auth); r.status != http.StatusForbidden {
					t.Fatalf("%s %s with %q: %s", req.method, req.path, auth, r)
				}
			}
		}
		if got := pairByID(t, e.db, doc, ps[1].ID); got.Version != 1 {
			t.Fatalf("a bad token changed a pair: %+v", got)
		}
	})

	t.Run("login", func(t *testing.T) {
		c := e.client()
		form := c.get(t, "/login")
		old := c.cookie()
		if form.status != http.StatusOK || old == "" || csrfField.Find(form.body) == nil {
			t.Fatalf("GET /login: %s (cookie %q)", form, old)
		}
		r := c.login(t, "alice", "alice-token-0123456789")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/docs" {
			t.Fatalf("POST /login: %s to %q", r, r.header.Get("Location"))
		}
		now := c.cookie()
		if now == "" || now == old {
			t.Fatalf("the session id did not change at sign-in: %q → %q", old, now)
		}
		// the old session id no longer works (no fixation)
		stale := e.client()
		stale.hc.Jar.SetCookies(mustURL(e.ts.URL), []*http.Cookie{{Name: "bitext_session", Value: old, Path: "/"}})
		if r := stale.get(t, "/api/session"); r.status != http.StatusForbidden {
			t.Fatalf("GET /api/session with the pre-login session id: %s", r)
		}
		// the new one does, with its own CSRF token
		var s struct{ User, CSRF string }
		c.get(t, "/api/session").decode(t, &s)
		if s.User != "alice" || s.CSRF == "" {
			t.Fatalf("session after sign-in: %+v", s)
		}
		if r := c.post(t, fmt.Sprintf("/api/pairs/%d/reject", ps[2].ID), nil); r.status != http.StatusForbidden {
			t.Fatalf("POST without the CSRF token after sign-in: %s", r)
		}
		c.csrf = s.CSRF
		c.op(t, ps[2].ID, "reject", map[string]any{"version": 1})
		if ev := lastChange(t, e.db, doc, ps[2].ID); ev.Who != "alice" || ev.Action != "reject" {
			t.Fatalf("history %s by %s, want reject by alice", ev.Action, ev.Who)
		}
		if r := c.get(t, "/docs"); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`<span class="who">alice</span>`)) {
			t.Fatalf("GET /docs signed in: %d", r.status)
		}
		// sign out: the session ends
		if r := c.post(t, "/logout", nil); r.status != http.StatusSeeOther {
			t.Fatalf("POST /logout: %s", r)
		}
		after := e.client()
		after.hc.Jar.SetCookies(mustURL(e.ts.URL), []*http.Cookie{{Name: "bitext_session", Value: now, Path: "/"}})
		if r := after.get(t, "/api/session"); r.status != http.StatusForbidden {
			t.Fatalf("the session works after sign-out: %s", r)
		}
	})

	t.Run("login refused", func(t *testing.T) {
		for _, tc := range []struct{ name, token string }{
			{"alice", "bob-token-0123456789abc"}, {"alice", "alice-token-012345678"}, {"mallory", "alice-token-0123456789"}, {"", ""},
		} {
			c := e.client()
			r := c.login(t, tc.name, tc.token)
			if r.status != http.StatusForbidden || !bytes.Contains(r.body, []byte("Unknown user or wrong token.")) ||
				!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Fatalf("login as %q with %q: %s", tc.name, tc.token, r)
			}
			if rr := c.get(t, "/api/session"); rr.status != http.StatusForbidden {
				t.Fatalf("a refused login signed in: %s", rr)
			}
		}
		// without the form's CSRF token, or with another session's
		c := e.client()
		c.get(t, "/login")
		r := c.post(t, "/login", urlValues("name", "alice", "token", "alice-token-0123456789"))
		if r.status != http.StatusForbidden {
			t.Fatalf("POST /login without csrf: %s", r)
		}
		r = e.client().post(t, "/login", urlValues("name", "alice", "token", "alice-token-0123456789", "csrf", "x"))
		if r.status != http.StatusForbidden {
			t.Fatalf("POST /login without a session: %s", r)
		}
	})

	t.Run("next stays on the server", func(t *testing.T) {
		for _, tc := range []struct{ next, want string }{
			{"/glossary?text=a&status=preferred", "/glossary?text=a&status=preferred"},
			{"//evil.example/x", "/docs"},
			{"https://evil.example/", "/docs"},
			{"/\\evil.example", "/docs"},
			{"javascript:alert(1)", "/docs"},
			{"", "/docs"},
		} {
			c := e.client()
			form := c.get(t, "/login")
			m := csrfField.FindSubmatch(form.body)
			r := c.post(t, "/login", urlValues("csrf", string(m[1]), "name", "bob", "token", "bob-token-0123456789abc", "next", tc.next))
			if r.status != http.StatusSeeOther || r.header.Get("Location") != tc.want {
				t.Fatalf("next=%q: %d to %q, want %q", tc.next, r.status, r.header.Get("Location"), tc.want)
			}
		}
	})
}

func urlValues(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v[kv[i]] = append(v[kv[i]], kv[i+1])
	}
	return v
}

func TestParseUsers(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		users      int
		err        string // the error starts with it
	}{
		{"comments and blank lines", "# team\n\n  alice alice-token-0123456789  \n\t\n# bob left\nbob bob-token-0123456789abc\n", 2, ""},
		{"names with dots and at", "anna.k@example.org anna-token-0123456789\nпётр_1 petr-token-012345678901\n", 2, ""},
		{"windows line ends", "alice alice-token-0123456789\r\nbob bob-token-0123456789abc\r\n", 2, ""},
		{"short token", "# x\nalice short-token\n", 0, "users.txt line 2: the token of alice is 11 characters"},
		{"token of 15", "alice 123456789012345\n", 0, "users.txt line 1: the token of alice is 15 characters"},
		{"duplicate user", "alice alice-token-0123456789\nbob bob-token-0123456789abc\nalice alice-token-9876543210\n", 0, "users.txt line 3: user alice is listed twice"},
		{"duplicate token", "alice alice-token-0123456789\n\nbob alice-token-0123456789\n", 0, "users.txt line 3: bob has the same token as alice"},
		{"bad name", "al/ice alice-token-0123456789\n", 0, `users.txt line 1: user name "al/ice"`},
		{"markup in a name", "<b>x</b> alice-token-0123456789\n", 0, `users.txt line 1: user name "<b>x</b>"`},
		{"three fields", "alice smith alice-token-0123456789\n", 0, "users.txt line 1: want \"NAME TOKEN\", got 3 fields"},
		{"name alone", "\n\nalice\n", 0, "users.txt line 3: want \"NAME TOKEN\", got 1 fields"},
		{"empty file", "", 0, "users.txt: no users"},
		{"only comments", "# nobody\n\n", 0, "users.txt: no users"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := web.ParseUsers(strings.NewReader(tc.file), "users.txt")
			if tc.err == "" {
				if err != nil || u.Len() != tc.users {
					t.Fatalf("ParseUsers: %v users, %v; want %d", u, err, tc.users)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Fatalf("ParseUsers: %v, want an error starting %q", err, tc.err)
			}
			if u != nil {
				t.Fatalf("users %v with an error", u)
			}
		})
	}
	// a token from the file signs in; what ParseUsers trimmed does not matter
	u, err := web.ParseUsers(strings.NewReader("  anna.k@example.org   anna-token-0123456789\t\n"), "u")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, web.Config{Users: u})
	c := e.client()
	c.bearer = "anna-token-0123456789"
	var s struct{ User string }
	c.get(t, "/api/session").decode(t, &s)
	if s.User != "anna.k@example.org" {
		t.Fatalf("user %q", s.User)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	if _, err := e.db.AddGlossaryEntry(context.Background(), glossary.Entry{ID: "oewg", RU: "РГОС", EN: "OEWG"}, "seed"); err != nil {
		t.Fatal(err)
	}
	ue := usersEnv(t)
	c := e.session(t)
	anon := ue.client()
	for _, tc := range []struct {
		c            *client
		method, path string
		host         string
		status       int
	}{
		{c, "GET", "/", "", 303},
		{c, "GET", "/docs", "", 200},
		{c, "GET", fmt.Sprintf("/docs/%d", doc), "", 200},
		{c, "GET", fmt.Sprintf("/docs/%d/rows", doc), "", 200},
		{c, "GET", "/search?q=x", "", 200},
		{c, "GET", "/glossary", "", 200},
		{c, "GET", "/glossary/oewg", "", 200},
		{c, "GET", "/glossary/export?format=csv", "", 200},
		{c, "GET", "/static/app.js", "", 200},
		{c, "GET", "/static/app.css", "", 200},
		{c, "GET", "/static/nothing.js", "", 404},
		{c, "GET", "/nothing", "", 404},
		{c, "GET", "/docs/9999", "", 404},
		{c, "GET", "/api/docs", "", 200},
		{c, "GET", "/api/docs/9999/pairs", "", 404},
		{c, "POST", fmt.Sprintf("/api/pairs/%d/approve", ps[0].ID), "", 200},
		{e.client(), "POST", fmt.Sprintf("/api/pairs/%d/approve", ps[1].ID), "", 403},
		{c, "GET", "/api/docs", "evil.example", 403},
		{e.client(), "HEAD", "/docs", "", 200}, // a first request may be a HEAD
		{e.client(), "HEAD", "/api/docs", "", 200},
		{c, "DELETE", "/api/docs", "", 405},
		{anon, "GET", "/login", "", 200},
		{anon, "GET", "/docs", "", 303},
		{anon, "GET", "/api/docs", "", 403},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			var hdr []string
			if tc.host != "" {
				hdr = []string{"Host", tc.host}
			}
			r := tc.c.do(t, tc.method, tc.path, nil, hdr...)
			if r.status != tc.status {
				t.Fatalf("%s, want %d", r, tc.status)
			}
			csp := r.header.Get("Content-Security-Policy")
			directives := map[string]string{}
			for _, d := range strings.Split(csp, ";") {
				name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
				directives[name] = value
			}
			script, ok := directives["script-src"]
			if !ok {
				script, ok = directives["default-src"]
			}
			if !ok || strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") || strings.Contains(script, "*") {
				t.Errorf("Content-Security-Policy %q: script-src must not allow inline scripts", csp)
			}
			if !strings.Contains(directives["frame-ancestors"], "'none'") {
				t.Errorf("Content-Security-Policy %q: want frame-ancestors 'none'", csp)
			}
			if got := r.header.Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("X-Frame-Options %q", got)
			}
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if strings.HasPrefix(tc.path, "/api/") && r.header.Get("Cache-Control") != "no-store" && r.status != 405 {
				t.Errorf("API answer with Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
			}
		})
	}
}

// TestTemplatesNoInlineScript: the pages work under the CSP: no inline
// script, no inline event handler, no inline style, nothing from elsewhere.
func TestTemplatesNoInlineScript(t *testing.T) {
	e := newEnv(t, web.Config{})
	doc, _ := seed(t, e.db, "mfa.ru.txt", eight)
	if _, err := e.db.AddGlossaryEntry(context.Background(), glossary.Entry{ID: "oewg", RU: "РГОС", EN: "OEWG"}, "seed"); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	ue := usersEnv(t)
	pages := []reply{
		c.get(t, "/docs"), c.get(t, fmt.Sprintf("/docs/%d", doc)), c.get(t, "/search?q=x"), c.get(t, "/glossary"),
		c.get(t, "/glossary/oewg"), c.get(t, "/docs/9999"), ue.client().get(t, "/login"),
	}
	script := regexp.MustCompile(`<script\b[^>]*>`)
	for _, r := range pages {
		body := string(r.body)
		for _, tag := range script.FindAllString(body, -1) {
			if !strings.Contains(tag, `src="/static/`) {
				t.Errorf("inline or foreign script %s", tag)
			}
		}
		for _, bad := range []string{" onclick=", " onload=", " onerror=", " onsubmit=", " style=", "<style", "javascript:", "http://", "https://"} {
			if strings.Contains(body, bad) {
				i := strings.Index(body, bad)
				t.Errorf("%q in a page (blocked by the CSP or loaded from elsewhere): …%s…", bad, body[max(0, i-100):min(len(body), i+100)])
			}
		}
	}
}

func TestConcurrentEdits(t *testing.T) {
	e := usersEnv(t)
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	alice, bob := e.client(), e.client()
	for _, s := range []struct {
		c           *client
		name, token string
	}{{alice, "alice", "alice-token-0123456789"}, {bob, "bob", "bob-token-0123456789abc"}} {
		if r := s.c.login(t, s.name, s.token); r.status != http.StatusSeeOther {
			t.Fatalf("login %s: %s", s.name, r)
		}
		var sess struct{ CSRF string }
		s.c.get(t, "/api/session").decode(t, &sess)
		s.c.csrf = sess.CSRF
	}
	names := map[*client]string{alice: "alice", bob: "bob"}
	wins := map[string]int{}
	for _, p := range ps {
		// both load the same version
		var seen [2]bitext.Pair
		for k, c := range []*client{alice, bob} {
			c.get(t, fmt.Sprintf("/api/pairs/%d", p.ID)).decode(t, &seen[k])
		}
		if seen[0].Version != seen[1].Version {
			t.Fatalf("the two sessions loaded versions %d and %d", seen[0].Version, seen[1].Version)
		}
		texts := map[*client]string{alice: fmt.Sprintf("Alice's text %d.", p.Index), bob: fmt.Sprintf("Bob's text %d.", p.Index)}
		replies := map[*client]reply{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, 2)
		for _, c := range []*client{alice, bob} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r, err := c.send("POST", fmt.Sprintf("/api/pairs/%d/edit", p.ID), map[string]any{"en": texts[c], "version": seen[0].Version})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				replies[c] = r
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var winner, loser *client
		for c, r := range replies {
			switch r.status {
			case http.StatusOK:
				if winner != nil {
					t.Fatalf("pair %d: both edits of version %d succeeded", p.ID, seen[0].Version)
				}
				winner = c
			case http.StatusConflict:
				loser = c
			default:
				t.Fatalf("pair %d: %s edit: %s", p.ID, names[c], r)
			}
		}
		if winner == nil || loser == nil {
			t.Fatalf("pair %d: want one 200 and one 409, got %v", p.ID, replies)
		}
		wins[names[winner]]++
		var conflict struct {
			Theirs *bitext.Pair `json:"theirs"`
			Yours  string       `json:"yours"`
			By     string       `json:"by"`
		}
		eb := replies[loser].errBody(t)
		if err := json.Unmarshal(eb.Conflict, &conflict); err != nil {
			t.Fatal(err)
		}
		if conflict.Theirs == nil || conflict.Theirs.EN != texts[winner] || conflict.Yours != texts[loser] || conflict.By != names[winner] {
			t.Fatalf("pair %d: conflict %s; want theirs %q by %s, yours %q", p.ID, eb.Conflict, texts[winner], names[winner], texts[loser])
		}
		if got := pairByID(t, e.db, doc, p.ID); got.EN != texts[winner] || got.Version != seen[0].Version+1 {
			t.Fatalf("pair %d stored %q v%d, want the winner's %q", p.ID, got.EN, got.Version, texts[winner])
		}
		// the loser, shown theirs, edits again on it: nothing is lost
		loser.op(t, p.ID, "edit", map[string]any{"en": texts[loser], "version": conflict.Theirs.Version})
		h, err := e.db.PairHistory(context.Background(), doc, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[0].Who != names[winner] || h[0].After[0].EN != texts[winner] || h[1].Who != names[loser] || h[1].After[0].EN != texts[loser] {
			t.Fatalf("pair %d history: %+v", p.ID, h)
		}
	}
	t.Logf("wins: %v", wins)
}

// ---- glossary API ----

// glossEnv is a server with two glossary entries.
func glossEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, web.Config{})
	for _, en := range []glossary.Entry{
		{ID: "iis", RU: "международная информационная безопасность", EN: "international information security", ForbiddenEN: []string{"international information safety"}, Domain: "iis"},
		{ID: "oewg", RU: "Рабочая группа открытого состава", EN: "Open-ended Working Group", ENVariants: []string{"OEWG"}, Domain: "un"},
	} {
		if _, err := e.db.AddGlossaryEntry(context.Background(), en, "seed"); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func entryIDs(es []glossary.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestGlossaryList(t *testing.T) {
	e := glossEnv(t)
	c := e.client()
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"iis", "oewg"}},
		{"?text=безопасность", []string{"iis"}},
		{"?text=БЕЗОПАСНОСТЬ", []string{"iis"}},
		{"?text=working", []string{"oewg"}},
		{"?text=nothing", nil},
		{"?domain=un", []string{"oewg"}},
		{"?status=deprecated", nil},
	} {
		r := c.get(t, "/api/glossary"+tc.query)
		if r.status != http.StatusOK {
			t.Fatalf("GET /api/glossary%s: %s", tc.query, r)
		}
		var es []glossary.Entry
		r.decode(t, &es)
		if !slices.Equal(entryIDs(es), tc.want) {
			t.Fatalf("GET /api/glossary%s: %v, want %v", tc.query, entryIDs(es), tc.want)
		}
	}
	if r := c.get(t, "/api/glossary?status=odd"); r.status != http.StatusBadRequest {
		t.Fatalf("?status=odd: %s", r)
	}
	var one glossary.Entry
	c.get(t, "/api/glossary/oewg").decode(t, &one)
	if one.EN != "Open-ended Working Group" || one.Version != 1 {
		t.Fatalf("GET /api/glossary/oewg: %+v", one)
	}
	if r := c.get(t, "/api/glossary/none"); r.status != http.StatusNotFound {
		t.Fatalf("GET /api/glossary/none: %s", r)
	}
}

func TestGlossaryAdd(t *testing.T) {
	e := glossEnv(t)
	c := e.session(t)
	ctx := context.Background()
	for _, tc := range []struct {
		body   any
		status int
		id     string // the id stored
		says   string
	}{
		{map[string]any{"ru": "Группа правительственных экспертов", "en": "Group of Governmental Experts"}, 201, "group-of-governmental-experts", ""},
		{map[string]any{"ru": "ГПЭ", "en": "Group of Governmental Experts!", "abbreviation": true}, 201, "group-of-governmental-experts-2", ""},
		{map[string]any{"id": "sco", "ru": "ШОС", "en": "SCO"}, 201, "sco", ""},
		{map[string]any{"ru": "ИКТ", "en": "ИКТ"}, 201, "", ""}, // no Latin letters: a generated id
		{map[string]any{"ru": "СНГ"}, 400, "", "English"},
		{map[string]any{"en": "CIS"}, 400, "", "Russian"},
		{map[string]any{"ru": "СНГ", "en": "CIS", "status": "obsolete"}, 400, "", "status"},
		{map[string]any{"id": "a b", "ru": "СНГ", "en": "CIS"}, 400, "", "id"},
		{map[string]any{"ru": "СНГ", "en": "CIS", "colour": "red"}, 400, "", "colour"},
		{map[string]any{"id": "sco", "ru": "ШОС2", "en": "SCO2"}, 409, "", ""},
		{map[string]any{"ru": "международная информационная безопасность", "en": "global information security"}, 409, "", "Russian term"},
	} {
		r := c.post(t, "/api/glossary", tc.body)
		if r.status != tc.status {
			t.Fatalf("POST /api/glossary %v: %s, want %d", tc.body, r, tc.status)
		}
		if tc.status != 201 {
			if msg := r.errBody(t).Error; !strings.Contains(msg, tc.says) {
				t.Fatalf("POST /api/glossary %v: %q does not say %q", tc.body, msg, tc.says)
			}
			continue
		}
		var got glossary.Entry
		r.decode(t, &got)
		if tc.id != "" && got.ID != tc.id || got.ID == "" {
			t.Fatalf("added %q, want id %q", got.ID, tc.id)
		}
		stored, err := e.db.GlossaryEntry(ctx, got.ID)
		if err != nil || stored.CreatedBy != testUser || stored.Version != 1 || stored.RU != got.RU {
			t.Fatalf("stored %+v, %v", stored, err)
		}
	}
	if es, _ := e.db.GlossaryEntries(ctx, store.GlossaryFilter{}); len(es) != 6 {
		t.Fatalf("%d entries, want 6: %v", len(es), entryIDs(es))
	}
}

func TestGlossaryEdit(t *testing.T) {
	e := glossEnv(t)
	c := e.session(t)
	ctx := context.Background()
	edit := map[string]any{"ru": "Рабочая группа открытого состава", "en": "Open-Ended Working Group", "en_variants": []string{"OEWG"}, "version": 1}
	r := c.post(t, "/api/glossary/oewg", edit)
	if r.status != http.StatusOK {
		t.Fatalf("edit: %s", r)
	}
	stored, _ := e.db.GlossaryEntry(ctx, "oewg")
	if stored.EN != "Open-Ended Working Group" || stored.Version != 2 || stored.UpdatedBy != testUser || stored.CreatedBy != "seed" {
		t.Fatalf("stored %+v", stored)
	}
	// the same edit on version 1 again: a conflict with both versions
	edit["en"] = "Open-ended working group"
	r = c.post(t, "/api/glossary/oewg", edit)
	if r.status != http.StatusConflict {
		t.Fatalf("stale edit: %s", r)
	}
	var conflict struct{ Theirs, Yours glossary.Entry }
	if err := json.Unmarshal(r.errBody(t).Conflict, &conflict); err != nil {
		t.Fatal(err)
	}
	if conflict.Theirs.EN != "Open-Ended Working Group" || conflict.Theirs.Version != 2 || conflict.Theirs.UpdatedBy != testUser ||
		conflict.Yours.EN != "Open-ended working group" || conflict.Yours.Version != 1 {
		t.Fatalf("conflict %+v", conflict)
	}
	if got, _ := e.db.GlossaryEntry(ctx, "oewg"); got.Version != 2 || got.EN != "Open-Ended Working Group" {
		t.Fatalf("a stale edit was stored: %+v", got)
	}
	for _, tc := range []struct {
		path   string
		body   map[string]any
		status int
	}{
		{"/api/glossary/oewg", map[string]any{"ru": "РГОС", "en": "OEWG"}, 400},                              // no version
		{"/api/glossary/oewg", map[string]any{"id": "other", "ru": "РГОС", "en": "OEWG", "version": 2}, 400}, // another id
		{"/api/glossary/oewg", map[string]any{"ru": "", "en": "OEWG", "version": 2}, 400},
		{"/api/glossary/none", map[string]any{"ru": "РГОС", "en": "OEWG", "version": 1}, 404},
	} {
		if r := c.post(t, tc.path, tc.body); r.status != tc.status {
			t.Fatalf("POST %s %v: %s, want %d", tc.path, tc.body, r, tc.status)
		}
	}
}

func TestGlossaryDeprecate(t *testing.T) {
	e := glossEnv(t)
	c := e.session(t)
	r := c.post(t, "/api/glossary/iis/deprecate", map[string]any{"version": 1})
	if r.status != http.StatusOK {
		t.Fatalf("deprecate: %s", r)
	}
	got, _ := e.db.GlossaryEntry(context.Background(), "iis")
	if got.Status != glossary.Deprecated || got.Version != 2 || got.UpdatedBy != testUser {
		t.Fatalf("stored %+v", got)
	}
	r = c.post(t, "/api/glossary/iis/deprecate", map[string]any{"version": 1})
	if r.status != http.StatusConflict {
		t.Fatalf("stale deprecate: %s", r)
	}
	var conflict struct{ Theirs, Yours glossary.Entry }
	if err := json.Unmarshal(r.errBody(t).Conflict, &conflict); err != nil || conflict.Theirs.Version != 2 || conflict.Yours.Version != 1 {
		t.Fatalf("conflict %+v %v", conflict, err)
	}
	for _, tc := range []struct {
		path   string
		body   any
		status int
	}{
		{"/api/glossary/oewg/deprecate", map[string]any{}, 400},
		{"/api/glossary/none/deprecate", map[string]any{"version": 1}, 404},
	} {
		if r := c.post(t, tc.path, tc.body); r.status != tc.status {
			t.Fatalf("POST %s: %s, want %d", tc.path, r, tc.status)
		}
	}
}

func TestGlossaryHistory(t *testing.T) {
	e := glossEnv(t)
	c := e.session(t)
	c.post(t, "/api/glossary/oewg", map[string]any{"ru": "Рабочая группа открытого состава", "en": "OEWG", "version": 1})
	c.post(t, "/api/glossary/oewg/deprecate", map[string]any{"version": 2})
	var h []store.GlossaryChange
	r := c.get(t, "/api/glossary/oewg/history")
	r.decode(t, &h)
	var acts []string
	for _, ch := range h {
		acts = append(acts, ch.Action+" by "+ch.Who)
	}
	if len(h) != 3 || h[0].Who != "seed" || h[1].Who != testUser || h[2].Who != testUser || h[2].Version != 3 ||
		h[1].Before == nil || h[1].Before.EN != "Open-ended Working Group" || h[1].After == nil || h[1].After.EN != "OEWG" {
		t.Fatalf("history %v: %s", acts, r)
	}
	var none []store.GlossaryChange
	if r := c.get(t, "/api/glossary/none/history"); r.status != http.StatusOK || json.Unmarshal(r.body, &none) != nil || len(none) != 0 {
		t.Fatalf("history of no entry: %s", r)
	}
}

func TestGlossaryImport(t *testing.T) {
	e := glossEnv(t)
	c := e.session(t)
	ctx := context.Background()
	good := "id,ru,en,forbidden_en,domain\n" +
		"gge,Группа правительственных экспертов,Group of Governmental Experts,Group of Government Experts,un\n" +
		"oewg,Рабочая группа открытого состава,OEWG,,un\n" +
		",ШОС,SCO,,regional\n"
	r := c.post(t, "/api/glossary/import?name=g.csv", []byte(good), "Content-Type", "text/csv")
	if r.status != http.StatusOK {
		t.Fatalf("import: %s", r)
	}
	var out struct {
		Stats store.ImportStats `json:"stats"`
	}
	r.decode(t, &out)
	if out.Stats.Added != 2 || out.Stats.Updated != 1 {
		t.Fatalf("import stats %+v: want 2 added, 1 updated", out.Stats)
	}
	gge, err := e.db.GlossaryEntry(ctx, "gge")
	if err != nil || gge.CreatedBy != testUser || gge.ForbiddenEN[0] != "Group of Government Experts" {
		t.Fatalf("imported %+v %v", gge, err)
	}
	if oewg, _ := e.db.GlossaryEntry(ctx, "oewg"); oewg.EN != "OEWG" || oewg.UpdatedBy != testUser {
		t.Fatalf("updated %+v", oewg)
	}
	before, _ := e.db.GlossaryEntries(ctx, store.GlossaryFilter{})

	for _, tc := range []struct {
		name, query, body, says string
	}{
		{"a row without English", "?name=bad.csv", "id,ru,en\nx1,ОДКБ,CSTO\nx2,СНГ,\nx3,БРИКС,BRICS\n", "line 3"},
		{"duplicate ids", "?name=bad.csv", "id,ru,en\nx1,ОДКБ,CSTO\nx1,СНГ,CIS\n", "line 3"},
		{"no header", "?name=bad.csv", "", "bad.csv"},
		{"bad TBX", "?name=bad.tbx", "<martif><text>", "bad.tbx"},
		{"unknown format", "?name=g.csv&format=xlsx", "id,ru,en\n", "xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.post(t, "/api/glossary/import"+tc.query, []byte(tc.body))
			if r.status != http.StatusBadRequest || !strings.Contains(r.errBody(t).Error, tc.says) {
				t.Fatalf("%s, want 400 naming %q", r, tc.says)
			}
			after, _ := e.db.GlossaryEntries(ctx, store.GlossaryFilter{})
			if !slices.Equal(entryIDs(after), entryIDs(before)) {
				t.Fatalf("a refused import changed the glossary: %v → %v", entryIDs(before), entryIDs(after))
			}
		})
	}
	// skip_invalid imports the good rows
	r = c.post(t, "/api/glossary/import?name=bad.csv&skip_invalid=1", []byte("id,ru,en\nx1,ОДКБ,CSTO\nx2,СНГ,\n"))
	var skipped struct {
		Stats   store.ImportStats `json:"stats"`
		BadRows []string          `json:"bad_rows"`
	}
	r.decode(t, &skipped)
	if r.status != http.StatusOK || skipped.Stats.Added != 1 || len(skipped.BadRows) != 1 || !strings.Contains(skipped.BadRows[0], "line 3") {
		t.Fatalf("skip_invalid: %s", r)
	}
}

// TestGlossaryImportLarge: a glossary file over the 1 MiB limit of other
// requests is imported (imports have their own limit).
func TestGlossaryImportLarge(t *testing.T) {
	e := glossEnv(t)
	c := e.session(t)
	var b strings.Builder
	b.WriteString("id,ru,en,note\n")
	for i := range 3 {
		fmt.Fprintf(&b, "term-%d,термин номер %d,term number %d,%s\n", i, i, i, strings.Repeat("a long note ", 50000))
	}
	r := c.post(t, "/api/glossary/import?name=big.csv", []byte(b.String()))
	if r.status != http.StatusOK {
		t.Fatalf("import of %d bytes: %s", b.Len(), r)
	}
	if got, err := e.db.GlossaryEntry(context.Background(), "term-2"); err != nil || len(got.Note) < 1<<19 {
		t.Fatalf("imported %d bytes of note, %v", len(got.Note), err)
	}
	// over the import limit (32 MiB): 413
	huge := bytes.Repeat([]byte("a"), 32<<20+1)
	if r := c.post(t, "/api/glossary/import?name=huge.csv", huge); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("import of %d bytes: %s", len(huge), r)
	}
}

func TestGlossaryExport(t *testing.T) {
	e := glossEnv(t)
	c := e.client()
	want, err := e.db.GlossaryEntries(context.Background(), store.GlossaryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		format, ctype string
	}{{"csv", "text/csv"}, {"tsv", "text/tab-separated-values"}, {"tbx", "application/x-tbx+xml"}} {
		t.Run(tc.format, func(t *testing.T) {
			for _, path := range []string{"/glossary/export?format=", "/api/glossary/export?format="} {
				r := c.get(t, path+tc.format)
				if r.status != http.StatusOK {
					t.Fatalf("%s", r)
				}
				if got := r.header.Get("Content-Disposition"); got != `attachment; filename="glossary.`+tc.format+`"` {
					t.Fatalf("Content-Disposition %q", got)
				}
				if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, tc.ctype) {
					t.Fatalf("Content-Type %q, want %s", got, tc.ctype)
				}
				f, _ := glossary.ParseFormat(tc.format, "")
				got, bad, err := glossary.Parse(bytes.NewReader(r.body), f, false)
				if err != nil || len(bad) != 0 {
					t.Fatalf("parse the export: %v %v\n%s", err, bad, r.body)
				}
				if len(got) != len(want) {
					t.Fatalf("%d entries exported, want %d", len(got), len(want))
				}
				for k := range got {
					g, w := got[k], want[k]
					if g.ID != w.ID || g.RU != w.RU || g.EN != w.EN || !slices.Equal(g.ForbiddenEN, w.ForbiddenEN) ||
						!slices.Equal(g.ENVariants, w.ENVariants) || g.Domain != w.Domain || g.Status != w.Status {
						t.Fatalf("exported %+v\nwant %+v", g, w)
					}
				}
			}
		})
	}
	// filtered by domain
	r := c.get(t, "/glossary/export?format=csv&domain=un")
	got, _, err := glossary.Parse(bytes.NewReader(r.body), glossary.CSV, false)
	if err != nil || !slices.Equal(entryIDs(got), []string{"oewg"}) {
		t.Fatalf("export of domain un: %v %v", entryIDs(got), err)
	}
	if r := c.get(t, "/glossary/export?format=xlsx"); r.status != http.StatusBadRequest {
		t.Fatalf("format=xlsx: %s", r)
	}
}

// TestGlossaryRecheckAndImpact: the endpoints answer in their shape (their
// findings come from code tested elsewhere).
func TestGlossaryRecheckAndImpact(t *testing.T) {
	e := glossEnv(t)
	_, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	r := c.post(t, "/api/glossary/recheck", map[string]any{"pairs": []int64{ps[0].ID, ps[1].ID, 99999}})
	var rc struct {
		Checked *int `json:"checked"`
		Changed *int `json:"changed"`
		Gone    *int `json:"gone"`
	}
	r.decode(t, &rc)
	if r.status != http.StatusOK || rc.Checked == nil || *rc.Checked != 2 || rc.Changed == nil || rc.Gone == nil || *rc.Gone != 1 {
		t.Fatalf("recheck: %s", r)
	}
	if r := c.post(t, "/api/glossary/recheck", map[string]any{"pairs": []int64{}}); r.status != http.StatusBadRequest {
		t.Fatalf("recheck of nothing: %s", r)
	}
	for _, path := range []string{"/api/glossary/oewg/impact", "/api/glossary/new/impact"} {
		r := c.post(t, path, map[string]any{"ru": "Рабочая группа открытого состава", "en": "OEWG"})
		var im struct {
			Count    *int              `json:"count"`
			Approved *int              `json:"approved"`
			Draft    *int              `json:"draft"`
			Pairs    []json.RawMessage `json:"pairs"`
		}
		r.decode(t, &im)
		if r.status != http.StatusOK || im.Count == nil || im.Approved == nil || im.Draft == nil || im.Pairs == nil {
			t.Fatalf("POST %s: %s", path, r)
		}
	}
	if r := c.post(t, "/api/glossary/none/impact", map[string]any{"ru": "x", "en": "y"}); r.status != http.StatusNotFound {
		t.Fatalf("impact of no entry: %s", r)
	}
	if r := c.post(t, "/api/glossary/oewg/impact", map[string]any{"ru": "x"}); r.status != http.StatusBadRequest {
		t.Fatalf("impact of an invalid entry: %s", r)
	}
}

// TestSearchAPI: the endpoint answers in its shape (the results come from
// the store's search, tested there).
func TestSearchAPI(t *testing.T) {
	e := newEnv(t, web.Config{})
	seed(t, e.db, "mfa.ru.txt", eight)
	c := e.client()
	r := c.get(t, "/api/search?q=консультации")
	var out struct {
		Total *int              `json:"total"`
		Hits  []json.RawMessage `json:"hits"`
	}
	r.decode(t, &out)
	if r.status != http.StatusOK || out.Total == nil || out.Hits == nil {
		t.Fatalf("search: %s", r)
	}
	for _, q := range []string{"q=x&doc=abc", "q=x&offset=-1", "q=x&limit=501"} {
		if r := c.get(t, "/api/search?"+q); r.status != http.StatusBadRequest {
			t.Fatalf("search?%s: %s", q, r)
		}
	}
	if r := c.get(t, "/search?q=консультации"); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`id="search-count"`)) {
		t.Fatalf("search page: %s", r)
	}
}

// TestEditChecksGlossary: an edit through the API is checked against the
// glossary as stored now, and the review page marks the terms.
func TestEditChecksGlossary(t *testing.T) {
	e := newEnv(t, web.Config{})
	ctx := context.Background()
	doc, ps := seed(t, e.db, "mfa.ru.txt", eight)
	c := e.session(t)
	// no glossary yet: no violation
	c.op(t, ps[1].ID, "edit", map[string]any{"en": "The delegations discussed IIB."})
	if got := pairByID(t, e.db, doc, ps[1].ID); len(got.Violations) != 0 {
		t.Fatalf("violations without a glossary: %+v", got.Violations)
	}
	if _, err := e.db.AddGlossaryEntry(ctx, glossary.Entry{ID: "iis-abbr", RU: "МИБ", EN: "international information security",
		ForbiddenEN: []string{"IIB"}, Abbreviation: true}, "seed"); err != nil {
		t.Fatal(err)
	}
	out := c.op(t, ps[1].ID, "edit", map[string]any{"en": "The delegations discussed IIB issues."})
	if len(out.Pairs) != 1 || len(out.Pairs[0].Violations) == 0 {
		t.Fatalf("an edit with a forbidden rendering has no violation: %+v", out.Pairs)
	}
	out = c.op(t, ps[1].ID, "edit", map[string]any{"en": "The delegations discussed international information security."})
	if len(out.Pairs[0].Violations) != 0 {
		t.Fatalf("a right edit has violations: %+v", out.Pairs[0].Violations)
	}
	r := c.get(t, fmt.Sprintf("/docs/%d", doc))
	if !bytes.Contains(r.body, []byte(`<mark class="term" title="МИБ → international information security (iis-abbr)">МИБ</mark>`)) {
		t.Fatalf("the review page does not mark the term:\n%s", r.body)
	}
	if !bytes.Contains(r.body, []byte(`<mark class="forbidden"`)) {
		t.Fatalf("the review page does not mark the forbidden rendering")
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
