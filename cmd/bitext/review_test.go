package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint/fake"
)

// binRunner runs the real binary against one database.
type binRunner struct {
	t   *testing.T
	bin string
	db  string
	env []string
}

func (b *binRunner) run(args ...string) (code int, stdout, stderr string) {
	b.t.Helper()
	cmd := exec.Command(b.bin, append([]string{"--db", b.db, "--log-level", "warn"}, args...)...)
	cmd.Env = b.env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		b.t.Fatalf("%v: %v", args, err)
	}
	return 0, out.String(), errb.String()
}

func (b *binRunner) ok(args ...string) string {
	b.t.Helper()
	code, out, errs := b.run(args...)
	if code != 0 {
		b.t.Fatalf("bitext %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func (b *binRunner) pairs(doc string) []bitext.Pair {
	b.t.Helper()
	var ps []bitext.Pair
	sc := bufio.NewScanner(strings.NewReader(b.ok("pairs", "list", doc, "--json")))
	for sc.Scan() {
		var p bitext.Pair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			b.t.Fatalf("pairs list --json: %v: %s", err, sc.Text())
		}
		ps = append(ps, p)
	}
	return ps
}

func newBinRunner(t *testing.T, srv *fake.Server) *binRunner {
	env := []string{}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "BITEXT_") && !strings.HasPrefix(k, "OPENAI_") {
			env = append(env, kv)
		}
	}
	env = append(env, "OPENAI_BASE_URL="+srv.BaseURL(), "BITEXT_MODEL=fake-model", "BITEXT_USER=tester")
	return &binRunner{t: t, bin: buildBinary(t), db: filepath.Join(t.TempDir(), "bitext.db"), env: env}
}

// TestReviewSurvivesRerunsAndFeedsMemory: edits and approvals are kept by
// a re-run, which writes them into the English; a new document with an
// approved sentence gets its English from memory with no call; a glossary
// change flags an approved pair but does not translate it again.
func TestReviewSurvivesRerunsAndFeedsMemory(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	b := newBinRunner(t, srv)
	dir := t.TempDir()
	s0 := "Делегация подчеркнула важность диалога."
	s1 := "Стороны обсудили вопросы безопасности."
	s2 := "Следующая встреча пройдет осенью."
	writeFile(t, dir, "release.txt", s0+" "+s1+" "+s2+"\n")
	out := filepath.Join(t.TempDir(), "out")
	b.ok("run", "--out", out, dir)
	ps := b.pairs("release.txt")
	if len(ps) != 3 {
		t.Fatalf("%d pairs, want 3: %+v", len(ps), ps)
	}
	for _, p := range ps {
		if p.Status != bitext.StatusDraft || !p.State.Done() || p.EN == "" || p.Version != 1 {
			t.Fatalf("fresh pair %+v", p)
		}
	}
	docs := b.ok("docs", "list")
	if !strings.Contains(docs, "release.txt") || !strings.Contains(docs, "3 draft") || !strings.Contains(docs, "translated") {
		t.Fatalf("docs list:\n%s", docs)
	}
	edited := "The delegation stressed how much dialogue matters."
	b.ok("pairs", "edit", "release.txt", itoa(ps[0].ID), "--en", edited, "--version", "1")
	b.ok("pairs", "approve", "release.txt", itoa(ps[0].ID), itoa(ps[1].ID))
	b.ok("pairs", "reject", "release.txt", itoa(ps[2].ID))
	// a second reviewer working on version 1 gets a conflict with both texts
	code, _, errs := b.run("pairs", "edit", "release.txt", itoa(ps[0].ID), "--en", "Another text.", "--version", "1")
	if code != exitUsage || !strings.Contains(errs, edited) || !strings.Contains(errs, "Another text.") {
		t.Fatalf("second edit: exit %d\n%s", code, errs)
	}

	calls := srv.Calls()
	b.ok("run", "--out", out, dir)
	if srv.Calls() != calls {
		t.Fatalf("the re-run made %d calls", srv.Calls()-calls)
	}
	again := b.pairs("release.txt")
	if len(again) != 3 || again[0].EN != edited || again[0].Status != bitext.StatusApproved || !again[0].Edited ||
		again[1].Status != bitext.StatusApproved || again[2].Status != bitext.StatusRejected {
		t.Fatalf("after the re-run: %+v", again)
	}
	for k := range again {
		if again[k].ID != ps[k].ID {
			t.Fatalf("pair %d changed id %d → %d", k, ps[k].ID, again[k].ID)
		}
	}
	en, err := os.ReadFile(filepath.Join(out, "release.en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(en), edited) || !strings.Contains(string(en), again[1].EN) || strings.Contains(string(en), ps[2].EN) {
		t.Fatalf("English output after review:\n%s", en)
	}

	// A new release repeats the two approved sentences: no call.
	dir2 := t.TempDir()
	writeFile(t, dir2, "release2.txt", s1+" "+s0+"\n")
	calls = srv.Calls()
	b.ok("run", "--out", out, dir2)
	if n := srv.Calls() - calls; n != 0 {
		t.Fatalf("the new release made %d calls, want 0 (served from approved pairs)", n)
	}
	ps2 := b.pairs("release2.txt")
	if len(ps2) != 2 || ps2[1].EN != edited || ps2[0].EN != again[1].EN || ps2[1].Origin != bitext.OriginHuman {
		t.Fatalf("new release pairs: %+v", ps2)
	}

	// A glossary entry for a word of the approved, edited pair: it is
	// flagged, not translated again.
	b.ok("glossary", "add", "--ru", "диалог", "--en", "political dialogue")
	calls = srv.Calls()
	b.ok("run", "--out", out, dir)
	flagged := b.pairs("release.txt")
	if srv.Calls() != calls {
		t.Fatalf("a glossary change made %d calls for reviewed pairs", srv.Calls()-calls)
	}
	if flagged[0].EN != edited || flagged[0].Status != bitext.StatusApproved || len(flagged[0].Violations) == 0 {
		t.Fatalf("approved pair after a glossary change: %+v", flagged[0])
	}
	hist := b.ok("pairs", "history", "release.txt", itoa(ps[0].ID))
	if !strings.Contains(hist, "edit by tester") || !strings.Contains(hist, "approve by tester") {
		t.Fatalf("history:\n%s", hist)
	}
}

// TestPairsCommands drives every pairs command in process: list filters,
// merge, split, shift, undo, history, retranslate through the endpoint,
// approve --above with its measured precision, and the errors a user
// gets.
func TestPairsCommands(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	t.Setenv("BITEXT_USER", "rev")
	dir := t.TempDir()
	writeFile(t, dir, "note.txt", "Делегация подчеркнула важность диалога. Стороны обсудили вопросы безопасности. Следующая встреча пройдет осенью. Эксперты продолжат работу.\n")
	db := filepath.Join(dir, "t.db")
	out := filepath.Join(dir, "out")
	bx := func(want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := cli(t, "", append([]string{"--db", db}, args...)...)
		if code != want {
			t.Fatalf("bitext %s: exit %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, stdout, stderr)
		}
		return stdout + stderr
	}
	bx(exitOK, "run", "--out", out, filepath.Join(dir, "note.txt"))
	list := func() []bitext.Pair {
		var ps []bitext.Pair
		for _, l := range strings.Split(strings.TrimSpace(bx(exitOK, "pairs", "list", "note.txt", "--json")), "\n") {
			var p bitext.Pair
			if err := json.Unmarshal([]byte(l), &p); err != nil {
				t.Fatalf("%v: %q", err, l)
			}
			ps = append(ps, p)
		}
		return ps
	}
	ps := list()
	if len(ps) != 4 {
		t.Fatalf("%d pairs", len(ps))
	}
	id := func(k int) string { return itoa(ps[k].ID) }
	if got := bx(exitOK, "pairs", "list", "note.txt", "--below", "0"); !strings.Contains(got, "0 of 4 pairs") {
		t.Errorf("--below 0:\n%s", got)
	}
	if got := bx(exitOK, "pairs", "merge", "note.txt", id(1), id(2)); !strings.Contains(got, "[1, 2]:[1, 2]") {
		t.Errorf("merge:\n%s", got)
	}
	if got := bx(exitOK, "pairs", "split", "note.txt", id(1), "--ru", "1", "--en", "1"); !strings.Contains(got, "[1]:[1]") || !strings.Contains(got, "[2]:[2]") {
		t.Errorf("split:\n%s", got)
	}
	bx(exitUsage, "pairs", "split", "note.txt", id(0), "--ru", "3", "--en", "1")
	bx(exitUsage, "pairs", "merge", "note.txt", id(0), id(3))
	bx(exitUsage, "pairs", "shift", "note.txt", id(0), "--side", "ru", "--to", "up")
	if got := bx(exitOK, "pairs", "shift", "note.txt", id(0), "--side", "en", "--to", "down"); !strings.Contains(got, "[0]:[]") {
		t.Errorf("shift:\n%s", got)
	}
	bx(exitOK, "pairs", "undo", "note.txt", id(0))
	bx(exitOK, "pairs", "undo", "note.txt", id(1))
	bx(exitOK, "pairs", "undo", "note.txt", id(1))
	after := list()
	for k := range after {
		if after[k].Bead() != ps[k].Bead() || after[k].ID != ps[k].ID || after[k].EN != ps[k].EN {
			t.Fatalf("after undoing everything pair %d is %+v, was %+v", k, after[k], ps[k])
		}
	}
	bx(exitUsage, "pairs", "undo", "note.txt", id(3))
	hist := bx(exitOK, "pairs", "history", "note.txt", id(1))
	for _, w := range []string{"merge by rev", "split by rev", "undo by rev", "(undone by change"} {
		if !strings.Contains(hist, w) {
			t.Errorf("history lacks %q:\n%s", w, hist)
		}
	}
	calls := srv.Calls()
	bx(exitOK, "pairs", "reject", "note.txt", id(2))
	if got := bx(exitOK, "pairs", "retranslate", "note.txt", id(2), "--json"); !strings.Contains(got, `"status":"draft"`) || srv.Calls() != calls+1 {
		t.Errorf("retranslate: %d calls\n%s", srv.Calls()-calls, got)
	}
	got := bx(exitOK, "pairs", "approve", "note.txt", "--above", "0.5")
	if !strings.Contains(got, "approved 4 pair(s)") || !strings.Contains(got, "were right") || !strings.Contains(got, "WMT22") {
		t.Errorf("approve --above:\n%s", got)
	}
	bx(exitUsage, "pairs", "approve", "note.txt", "--above", "1.5")
	bx(exitUsage, "pairs", "list", "nothing.txt")
	bx(exitUsage, "pairs", "approve", "note.txt", "x12")
	docs := bx(exitOK, "docs", "list", "--json")
	var d struct {
		Name   string                `json:"name"`
		Action string                `json:"action"`
		Status map[bitext.Status]int `json:"status"`
	}
	if err := json.Unmarshal([]byte(strings.Split(docs, "\n")[0]), &d); err != nil || d.Status[bitext.StatusApproved] != 4 || d.Action != "translated" {
		t.Errorf("docs list --json: %+v %v\n%s", d, err, docs)
	}
}

// TestStructureSurvivesRerun: merged, split and shifted pairs of a
// translated document are kept by the next run, and its English shows
// every sentence once, in order, without a marker.
func TestStructureSurvivesRerun(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	dir := t.TempDir()
	writeFile(t, dir, "s.txt", "Делегация подчеркнула важность диалога. Стороны обсудили вопросы безопасности.\n\nСледующая встреча пройдет осенью. Эксперты продолжат работу.\n")
	db, out := filepath.Join(dir, "t.db"), filepath.Join(dir, "out")
	bx := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := cli(t, "", append([]string{"--db", db}, args...)...)
		if code != exitOK {
			t.Fatalf("bitext %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
		return stdout
	}
	bx("run", "--out", out, filepath.Join(dir, "s.txt"))
	var ps []bitext.Pair
	for _, l := range strings.Split(strings.TrimSpace(bx("pairs", "list", "s.txt", "--json")), "\n") {
		var p bitext.Pair
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	enBefore, err := os.ReadFile(filepath.Join(out, "s.en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	bx("pairs", "merge", "s.txt", itoa(ps[0].ID), itoa(ps[1].ID))
	bx("pairs", "shift", "s.txt", itoa(ps[3].ID), "--side", "en", "--to", "up") // [2]:[2, 3] and [3]:[]
	bx("run", "--out", out, filepath.Join(dir, "s.txt"))
	list := bx("pairs", "list", "s.txt")
	for _, want := range []string{"[0, 1]:[0, 1]", "[2]:[2, 3]", "[3]:[]"} {
		if !strings.Contains(list, want) {
			t.Errorf("after the re-run the pairs lack %s:\n%s", want, list)
		}
	}
	en, err := os.ReadFile(filepath.Join(out, "s.en.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// The same English, but sentence 4's pair now has none of its own.
	if !strings.Contains(string(en), "[sentence 4 has no English") {
		t.Errorf("English after the re-run:\n%s\nbefore:\n%s", en, enBefore)
	}
	for _, p := range ps[:3] {
		if !strings.Contains(string(en), p.EN) {
			t.Errorf("English lacks %q:\n%s", p.EN, en)
		}
	}
}
