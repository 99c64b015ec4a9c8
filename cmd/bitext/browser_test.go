package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint/fake"
	"github.com/bitext/bitext/glossary"
)

// The browser tests drive Debian's chromium through chromedp against the
// real binary's `bitext serve`. Screenshots of every page go to
// $BITEXT_SCREENSHOTS when it is set (CI keeps them as artifacts).

// chromium finds the browser (see outsideTool).
func chromium(t *testing.T) string {
	return outsideTool(t, "Debian's chromium (apt-get install chromium)", os.Getenv("BITEXT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome")
}

// outsideTool finds a program a test drives (the first of names on
// PATH); without one the test is skipped, except in CI, where .ci/run
// installs what (and its absence is a failure). -short skips it too.
func outsideTool(t *testing.T, what string, names ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("drives " + what + ": skipped with -short")
	}
	for _, name := range names {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("none of %v on PATH: .ci/run installs %s", names, what)
	}
	t.Skipf("none of %v on PATH: install %s", names, what)
	return ""
}

// server is a running `bitext serve`.
type server struct {
	url  string
	cmd  *exec.Cmd
	errs *strings.Builder
}

// serve starts the real binary's web app on a free loopback port.
func serve(t *testing.T, b *binRunner, extra ...string) *server {
	t.Helper()
	cmd := exec.Command(b.bin, append([]string{"--db", b.db, "serve", "--addr", "127.0.0.1:0"}, extra...)...)
	cmd.Env = b.env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errs := &strings.Builder{}
	cmd.Stderr = errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("bitext serve printed no URL: %v\n%s", err, errs)
	}
	s := &server{url: strings.TrimSuffix(strings.TrimSpace(line), "/"), cmd: cmd, errs: errs}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			_ = s.cmd.Wait()
		}
	})
	return s
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("bitext serve after SIGTERM: %v\n%s", err, s.errs)
	}
	if !strings.Contains(s.errs.String(), "shutting down") {
		t.Fatalf("no graceful shutdown logged:\n%s", s.errs)
	}
}

// browser starts a headless chromium; alerts opened by any page are
// counted (escaping must keep them at zero) and dismissed.
type browser struct {
	t      *testing.T
	ctx    context.Context
	shots  string
	mu     sync.Mutex
	alerts []string
}

func newBrowser(t *testing.T, path string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "en-GB"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute) // a hung browser fails the test, it does not hang CI
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, shots: os.Getenv("BITEXT_SCREENSHOTS")}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int]("1")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	go func() {
		for ev, err := range chromedp.Events(ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			if ev.Type == page.DialogTypeConfirm {
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
				continue
			}
			b.mu.Lock()
			b.alerts = append(b.alerts, ev.Message)
			b.mu.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// until waits for a JavaScript predicate to hold.
func (b *browser) until(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr))
		if err == nil {
			return
		}
		// A page that navigates meanwhile loses the poll's context: poll
		// the new page.
		if ctx.Err() == nil && (strings.Contains(err.Error(), "context") || strings.Contains(err.Error(), "navigated")) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		toast, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.getElementById("toast")||{}).textContent||""`))
		b.t.Fatalf("%s: waited for %s: %v (message on the page: %q)", what, expr, err, toast)
	}
}

func (b *browser) key(keys string, mods ...chromedp.Modifier) {
	b.t.Helper()
	b.do("key "+keys, chromedp.KeyEvent(keys, chromedp.KeyModifiers(mods...)))
}

// shortcut presses a key as a shortcut: a key down and up without the
// character a CDP "char" event would type into the element that the
// shortcut focuses (in a browser, the page's preventDefault suppresses it).
func (b *browser) shortcut(key, code string, keyCode int64) {
	b.t.Helper()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		if _, err := chromedp.Call(b.ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: typ, Key: key, Code: code,
			WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode}); err != nil {
			b.t.Fatalf("key %s: %v", key, err)
		}
	}
}

// shot saves a screenshot of the viewport as NAME.png.
func (b *browser) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := b.shots
	if dir == "" {
		dir = b.t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// current is the id of the focused pair on the review page.
func (b *browser) current() int64 {
	b.t.Helper()
	return int64(eval[float64](b, `+document.querySelector("tr.pair.current").dataset.id`))
}

// rows returns the review page's rows: id, shape and status.
func (b *browser) rows() []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll("tr.pair")).map(r => r.dataset.id + " " + r.querySelector(".shape").textContent + " " + r.dataset.status)`)
}

// structure is the beads of stored pairs, such as "0:0 1:1 2,3:2,3".
func structure(ps []bitext.Pair) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, ints(p.Src)+":"+ints(p.Tgt))
	}
	return strings.Join(parts, " ")
}

func ints(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func pairByID(t *testing.T, ps []bitext.Pair, id int64) bitext.Pair {
	t.Helper()
	i := slices.IndexFunc(ps, func(p bitext.Pair) bool { return p.ID == id })
	if i < 0 {
		t.Fatalf("no pair %d stored: %s", id, structure(ps))
	}
	return ps[i]
}

// browserRelease is a release whose sentences carry a glossary term
// (international information security) and a sentence that would run
// script if the app did not escape it.
var browserRelease = []string{
	"Заседание открыл председатель рабочей группы.",
	"Стороны обсудили вопросы международной информационной безопасности.",
	"Делегации подчеркнули важность регулярного диалога.",
	"Обеспечение международной информационной безопасности остается общим приоритетом.",
	"Следующая встреча пройдет осенью в Женеве.",
	"Текст <script>alert(1)</script> остается только текстом.",
	"Участники приняли итоговый документ встречи.",
	"Заседание было закрыто в шесть часов вечера.",
}

// TestReviewAppInBrowser reviews a translated release in a real browser,
// keyboard first, and checks every step on the page and in the database:
// approvals, an edit, a merge split back, a shift undone, history, the
// confidence filter, search, and a glossary edit with its change impact
// and re-check. It also signs in on a server started with --auth.
func TestReviewAppInBrowser(t *testing.T) {
	chrome := chromium(t)
	srv := fake.New(fake.Options{Glossary: map[string]string{
		"международной информационной безопасности": "international information security",
	}})
	defer srv.Close()
	b := newBinRunner(t, srv)
	dir := t.TempDir()
	writeFile(t, dir, "release.txt", strings.Join(browserRelease, " ")+"\n")
	b.ok("run", "--out", filepath.Join(t.TempDir(), "out"), dir)
	initial := b.pairs("release.txt")
	if len(initial) != len(browserRelease) {
		t.Fatalf("%d pairs stored, want %d: %s", len(initial), len(browserRelease), structure(initial))
	}
	want := structure(initial)
	app := serve(t, b)
	br := newBrowser(t, chrome)
	doc := initial[0].Doc

	// Documents page → the review page.
	br.do("open the documents page", chromedp.Navigate(app.url+"/docs"), chromedp.WaitVisible(`table.doc-table`))
	br.shot("documents")
	br.do("open the document", chromedp.Click(fmt.Sprintf(`a[href="/docs/%d"]`, doc)), chromedp.WaitVisible(`#rows tr.pair.current`))
	if got := len(br.rows()); got != len(initial) {
		t.Fatalf("review page shows %d rows, want %d", got, len(initial))
	}
	if ru := eval[string](br, `document.querySelectorAll("tr.pair td.ru")[5].textContent`); !strings.Contains(ru, "<script>alert(1)</script>") {
		t.Fatalf("the sentence with markup is not shown literally: %q", ru)
	}
	if n := eval[int](br, `document.querySelectorAll("td.ru mark.term").length`); n < 2 {
		t.Fatalf("%d glossary terms highlighted in the Russian, want ≥ 2", n)
	}
	br.shot("review")

	// Approve three pairs with the keyboard only: Ctrl+Enter approves and
	// jumps to the next pair that needs a look.
	for k := 1; k <= 3; k++ {
		br.key(kb.Enter, chromedp.ModifierCtrl)
		br.until("approve with Ctrl+Enter", fmt.Sprintf(`document.querySelectorAll("tr.pair.st-approved").length === %d && !document.querySelector("section.busy")`, k))
	}
	approved := 0
	for _, p := range b.pairs("release.txt") {
		if p.Status == bitext.StatusApproved {
			approved++
			if p.ReviewedBy != "tester" {
				t.Fatalf("pair %d approved by %q, want tester", p.ID, p.ReviewedBy)
			}
		}
	}
	if approved != 3 {
		t.Fatalf("%d pairs approved in the database, want 3", approved)
	}
	if st := eval[string](br, `document.querySelector("tr.pair.current").dataset.status`); st != "draft" {
		t.Fatalf("after approving, the focus is on a %s pair, want the next draft", st)
	}

	// Edit the English of the focused pair: e, type, Ctrl+S.
	id := br.current()
	before := pairByID(t, b.pairs("release.txt"), id).EN
	br.key("e")
	br.until("open the editor", `!!document.querySelector("tr.pair.current textarea.editor")`)
	br.key(" Checked.")
	br.key("s", chromedp.ModifierCtrl)
	br.until("save the edit", `!document.querySelector("textarea.editor") && !document.querySelector("section.busy")`)
	edited := pairByID(t, b.pairs("release.txt"), id)
	if edited.EN != before+" Checked." || !edited.Edited || edited.Version < 2 {
		t.Fatalf("edited pair stored as %+v, want English %q", edited, before+" Checked.")
	}
	if got := eval[string](br, fmt.Sprintf(`document.querySelector("#p%d td.en").textContent`, id)); !strings.Contains(got, "Checked.") {
		t.Fatalf("the page shows %q after the edit", got)
	}

	// Merge two neighbouring pairs (m), then split them back (s, Enter).
	br.do("focus pair 4", chromedp.Click(fmt.Sprintf(`#p%d td.idx`, initial[4].ID)))
	br.key("m")
	br.until("merge", fmt.Sprintf(`document.querySelectorAll("tr.pair").length === %d && !document.querySelector("section.busy")`, len(initial)-1))
	merged := b.pairs("release.txt")
	if len(merged) != len(initial)-1 || structure(merged[4:5]) != "4,5:4,5" {
		t.Fatalf("after merge: %s", structure(merged))
	}
	br.key("s")
	br.until("split dialog", `document.getElementById("split-dialog").open`)
	br.shot("review-split")
	br.key(kb.Enter)
	br.until("split", fmt.Sprintf(`document.querySelectorAll("tr.pair").length === %d && !document.querySelector("section.busy")`, len(initial)))
	if got := structure(b.pairs("release.txt")); got != want {
		t.Fatalf("after merge and split: %s, want %s", got, want)
	}

	// Shift the Russian sentence of pair 6 down to pair 7 (Ctrl+↓), then
	// undo (u).
	br.do("focus pair 6", chromedp.Click(fmt.Sprintf(`#p%d td.idx`, initial[6].ID)))
	br.key(kb.ArrowDown, chromedp.ModifierCtrl)
	br.until("shift", `Array.from(document.querySelectorAll("tr.pair .shape")).some(s => s.textContent === "2-1") && !document.querySelector("section.busy")`)
	shifted := b.pairs("release.txt")
	if got := structure(shifted); !strings.HasSuffix(got, " :6 6,7:7") {
		t.Fatalf("after shift down: %s", got)
	}
	br.key("u")
	br.until("undo", `!Array.from(document.querySelectorAll("tr.pair .shape")).some(s => s.textContent === "2-1") && !document.querySelector("section.busy")`)
	if got := structure(b.pairs("release.txt")); got != want {
		t.Fatalf("after undo of the shift: %s, want %s", got, want)
	}

	// History of the edited pair (h), and the keyboard help (?).
	br.do("focus the edited pair", chromedp.Click(fmt.Sprintf(`#p%d td.idx`, id)))
	br.key("h")
	br.until("history", `!document.getElementById("side").hidden && document.querySelectorAll("#side ol.history li").length >= 1`)
	if h := eval[string](br, `document.getElementById("side").textContent`); !strings.Contains(h, "tester · edit") || !strings.Contains(h, "Checked.") {
		t.Fatalf("history panel: %q", h)
	}
	br.shot("review-history")
	br.do("close history", chromedp.Click(`#side [data-close]`))
	br.key("?")
	br.until("help", `document.getElementById("help").open`)
	br.shot("help")
	br.key(kb.Escape)
	br.until("help closed", `!document.getElementById("help").open`)

	// Filter below a confidence.
	stored := b.pairs("release.txt")
	confs := make([]float64, 0, len(stored))
	for _, p := range stored {
		confs = append(confs, p.Confidence)
	}
	slices.Sort(confs)
	below := confs[len(confs)/2] + 0.005
	wantBelow := 0
	for _, c := range confs {
		if c < below {
			wantBelow++
		}
	}
	br.do("filter below", chromedp.SetValue(`#below`, strconv.FormatFloat(below, 'f', 3, 64)), chromedp.Submit(`#filters`),
		chromedp.WaitVisible(`#filters`))
	br.until("filtered page", `location.search.includes("below=")`)
	if got := len(br.rows()); got != wantBelow {
		t.Fatalf("filter below %.3f shows %d rows, want %d", below, got, wantBelow)
	}
	br.shot("review-filtered")

	// Search across documents: / focuses the search box.
	br.shortcut("/", "Slash", 191)
	br.until("search box focused", `document.activeElement && document.activeElement.id === "global-search"`)
	br.key("безопасности" + kb.Enter)
	br.until("search results", `!!document.getElementById("search-count")`)
	api := getJSON[struct {
		Total int `json:"total"`
	}](t, app.url+"/api/search?q="+urlQuery("безопасности"))
	if api.Total != 2 {
		t.Fatalf("search for безопасности found %d pairs, want 2", api.Total)
	}
	if q := eval[string](br, `new URLSearchParams(location.search).get("q")`); q != "безопасности" {
		t.Fatalf("the search page searched for %q", q)
	}
	if got := eval[string](br, `document.getElementById("search-count").textContent`); !strings.HasPrefix(got, "2 pairs") {
		t.Fatalf("search page says %q, want 2 pairs", got)
	}
	if n := eval[int](br, `document.querySelectorAll("tr.hit-row mark.hit").length`); n < 2 {
		t.Fatalf("%d matches highlighted on the search page", n)
	}
	br.shot("search")

	// Glossary: edit an entry, see its change impact before saving, save,
	// re-check the pairs it concerns.
	br.do("glossary page", chromedp.Navigate(app.url+"/glossary"), chromedp.WaitVisible(`table.entries`))
	br.shot("glossary")
	br.do("entry page", chromedp.Click(`a[href="/glossary/iis"]`), chromedp.WaitVisible(`#entry-form`))
	newEN := "international security of information and communications"
	br.do("change the English", chromedp.SetValue(`#entry-form input[name=en]`, newEN), chromedp.Click(`#entry-form [data-preview]`))
	br.until("impact", `!document.querySelector("#entry-form [data-impact]").hidden`)
	impact := eval[string](br, `document.querySelector("#entry-form [data-impact] h3").textContent`)
	if !strings.HasPrefix(impact, "2 pair(s) concern this change") {
		t.Fatalf("impact preview: %q, want the 2 pairs with the term", impact)
	}
	impacted := eval[[]string](br, `Array.from(document.querySelectorAll("#entry-form [data-impact] tr")).map(r => r.dataset.pair)`)
	wantImpacted := []string{strconv.FormatInt(initial[1].ID, 10), strconv.FormatInt(initial[3].ID, 10)}
	slices.Sort(impacted)
	slices.Sort(wantImpacted)
	if !slices.Equal(impacted, wantImpacted) {
		t.Fatalf("impact lists pairs %v, want %v", impacted, wantImpacted)
	}
	if e := glossaryEntry(t, b, "iis"); e.EN == newEN {
		t.Fatal("the entry changed before it was saved")
	}
	br.shot("glossary-impact")
	br.do("save", chromedp.Click(`#save-entry`))
	br.until("re-check offered", `!!document.getElementById("recheck")`)
	if e := glossaryEntry(t, b, "iis"); e.EN != newEN || e.Version != 2 || e.UpdatedBy != "tester" {
		t.Fatalf("saved entry: %+v", e)
	}
	br.do("re-check", chromedp.Click(`#recheck`))
	br.until("re-checked", `!!document.querySelector(".recheck-result")`)
	br.shot("glossary-rechecked")
	for _, p := range b.pairs("release.txt") {
		has := slices.ContainsFunc(p.Violations, func(v bitext.Violation) bool { return v.TermID == "iis" })
		if (p.ID == initial[1].ID || p.ID == initial[3].ID) != has {
			t.Fatalf("after the re-check, pair %d (%q) has an iis violation: %v", p.ID, p.EN, has)
		}
	}

	br.mu.Lock()
	alerts := slices.Clone(br.alerts)
	br.mu.Unlock()
	if len(alerts) > 0 {
		t.Fatalf("a page ran script from the data: alerts %q", alerts)
	}
	app.stop(t)

	// A server beyond loopback needs --auth: started with it, the pages
	// ask for a sign-in, and changes carry the user's name.
	users := filepath.Join(t.TempDir(), "users.txt")
	if err := os.WriteFile(users, []byte("# reviewers\nolga s3cret-token-of-olga-1234\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := b.run("serve", "--addr", "0.0.0.0:0")
	if code != exitUsage || !strings.Contains(errs, "--auth") {
		t.Fatalf("serve beyond loopback without --auth: exit %d\n%s", code, errs)
	}
	authed := serve(t, b, "--auth", users)
	br.do("login page", chromedp.Navigate(authed.url+"/docs"), chromedp.WaitVisible(`form[action="/login"]`))
	br.shot("login")
	br.do("sign in", chromedp.SetValue(`input[name=name]`, "olga"), chromedp.SetValue(`input[name=token]`, "s3cret-token-of-olga-1234"),
		chromedp.Submit(`form[action="/login"]`))
	br.until("signed in", `location.pathname === "/docs" && document.querySelector(".who").textContent === "olga"`)
	br.do("open the document", chromedp.Navigate(fmt.Sprintf("%s/docs/%d", authed.url, doc)), chromedp.WaitVisible(`#rows tr.pair.current`))
	first := br.current()
	br.key("x")
	br.until("reject", fmt.Sprintf(`document.getElementById("p%d").dataset.status === "rejected"`, first))
	if p := pairByID(t, b.pairs("release.txt"), first); p.Status != bitext.StatusRejected || p.ReviewedBy != "olga" {
		t.Fatalf("rejected by a signed-in user: %+v", p)
	}
	br.do("sign out", chromedp.Click(`form.logout button`))
	br.until("signed out", `location.pathname === "/login"`)
	br.do("after signing out", chromedp.Navigate(authed.url+"/docs"), chromedp.WaitVisible(`form[action="/login"]`))
	authed.stop(t)
}

func urlQuery(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", " ", "+", "#", "%23").Replace(s)
}

// getJSON reads an API answer (the server starts a session for a GET on
// loopback).
func getJSON[T any](t *testing.T, url string) T {
	t.Helper()
	var v T
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return v
}

func glossaryEntry(t *testing.T, b *binRunner, id string) glossary.Entry {
	t.Helper()
	var e glossary.Entry
	if err := json.Unmarshal([]byte(b.ok("glossary", "show", id, "--json")), &e); err != nil {
		t.Fatal(err)
	}
	return e
}
