package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint/fake"
)

// TestQAInRunsAndReview: a model that changes a number in one sentence
// leaves that pair not verified, with a number finding in the database,
// the summary and report.json; a reviewer accepts the finding (a false
// alarm, say) and it stays accepted through a re-run; `bitext qa DOC`
// then finds no error.
func TestQAInRunsAndReview(t *testing.T) {
	srv := fake.New(fake.Options{Glossary: map[string]string{"2,5 млн": "2.5 billion"}})
	defer srv.Close()
	b := newBinRunner(t, srv)
	dir := t.TempDir()
	writeFile(t, dir, "aid.txt", "Делегации обсудили планы на следующий год. Фонд выделил 2,5 млн долларов на проекты. Встреча прошла в Женеве.\n")
	out := filepath.Join(t.TempDir(), "out")
	code, _, errs := b.run("run", "--out", out, dir)
	if code != 0 && code != 1 {
		t.Fatalf("run: exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "QA: 1 errors") {
		t.Fatalf("the run summary does not count the QA error:\n%s", errs)
	}
	var rep struct {
		QAErrors int                        `json:"qa_errors"`
		Findings map[bitext.FindingKind]int `json:"qa_findings"`
	}
	raw, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil || rep.QAErrors != 1 || rep.Findings[bitext.FindingNumber] != 1 {
		t.Fatalf("report.json: %+v %v", rep, err)
	}
	ps := b.pairs("aid.txt")
	if len(ps) != 3 {
		t.Fatalf("%d pairs", len(ps))
	}
	bad := ps[1]
	if len(bad.Findings) == 0 || bad.Findings[0].Kind != bitext.FindingNumber || bad.Findings[0].Severity != bitext.SeverityError ||
		bad.State == bitext.StateVerified || !strings.Contains(bad.Note, "QA") {
		t.Fatalf("the pair with a changed number: %+v", bad)
	}
	for _, p := range []bitext.Pair{ps[0], ps[2]} {
		if errs, _ := p.OpenFindings(); errs > 0 {
			t.Fatalf("a right pair has QA errors: %+v", p)
		}
	}
	listed := b.ok("pairs", "list", "aid.txt", "--findings")
	if !strings.Contains(listed, "1 of 3 pairs") || !strings.Contains(listed, bad.Findings[0].Key) {
		t.Fatalf("pairs list --findings:\n%s", listed)
	}
	code, qaOut, _ := b.run("qa", "aid.txt", "--json")
	if code != exitPartial || !strings.Contains(qaOut, `"kind":"number"`) {
		t.Fatalf("qa DOC before accepting: exit %d\n%s", code, qaOut)
	}

	key := bad.Findings[0].Key
	b.ok("pairs", "accept", "aid.txt", itoa(bad.ID), key)
	code, _, errs = b.run("pairs", "accept", "aid.txt", itoa(bad.ID), "number:nonsense")
	if code != exitUsage || !strings.Contains(errs, key) {
		t.Fatalf("accepting an unknown finding: exit %d\n%s", code, errs)
	}
	b.ok("run", "--out", out, dir)
	again := b.pairs("aid.txt")
	if f := again[1].Findings; len(f) == 0 || !f[0].Accepted || len(again[1].Accepted) != 1 || again[1].Accepted[0].By != "tester" {
		t.Fatalf("after accepting and a re-run: %+v", again[1])
	}
	if code, out, errs := b.run("qa", "aid.txt"); code != 0 {
		t.Fatalf("qa DOC after accepting: exit %d\n%s%s", code, out, errs)
	}
	hist := b.ok("pairs", "history", "aid.txt", itoa(bad.ID))
	if !strings.Contains(hist, "accept by tester") {
		t.Fatalf("history:\n%s", hist)
	}

	// Across the project: a later release translates the same sentence
	// differently.
	dir2 := t.TempDir()
	writeFile(t, dir2, "aid2.txt", "Делегации обсудили планы на следующий год. Встреча завершилась вечером.\n")
	b.ok("run", "--out", out, dir2)
	ps2 := b.pairs("aid2.txt")
	b.ok("pairs", "edit", "aid2.txt", itoa(ps2[0].ID), "--en", "The delegations talked over their plans for the coming year.")
	if _, single, _ := b.run("qa", "aid2.txt", "--json"); strings.Contains(single, `"consistency"`) {
		t.Fatalf("one document alone has no inconsistency:\n%s", single)
	}
	code, all, errs := b.run("qa", "--all", "--json")
	if code != 0 || !strings.Contains(all, `"doc":"aid2.txt","pair":`+itoa(ps2[0].ID)) || !strings.Contains(all, `"kind":"consistency"`) || !strings.Contains(all, "aid.txt") {
		t.Fatalf("qa --all: exit %d\n%s%s", code, all, errs)
	}
}

// TestQACommandFiles: line-parallel files of any origin, with --json, and
// the exit codes (0 clean, 1 errors, 2 bad input).
func TestQACommandFiles(t *testing.T) {
	dir := t.TempDir()
	ru := writeFile(t, dir, "ru.txt", "Бюджет составил 1 500 млн рублей.\nЗаседание состоялось 23 сентября 2021 г.\nСпасибо.\n")
	good := writeFile(t, dir, "good.txt", "The budget was 1,500 million roubles.\nThe meeting took place on 23 September 2021.\nThank you.\n")
	bad := writeFile(t, dir, "bad.txt", "The budget was 15,000 million roubles.\nThe meeting took place on 23 October 2021.\nThank you.\n")
	short := writeFile(t, dir, "short.txt", "The budget was 1,500 million roubles.\n")
	db := filepath.Join(t.TempDir(), "bitext.db")

	if code, out, errs := runCLI(t, db, "", "qa", "--src", ru, "--tgt", good); code != 0 {
		t.Fatalf("clean files: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ := runCLI(t, db, "", "qa", "--src", ru, "--tgt", bad, "--json")
	if code != exitPartial {
		t.Fatalf("files with errors: exit %d\n%s", code, out)
	}
	var kinds []string
	sc := bufio.NewScanner(strings.NewReader(out))
	lines := 0
	for sc.Scan() {
		lines++
		var l struct {
			Line   int `json:"line"`
			Issues []struct {
				Kind     string `json:"kind"`
				Severity string `json:"severity"`
				Message  string `json:"message"`
			} `json:"issues"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.Line != lines {
			t.Fatalf("line %d of --json: %v: %s", lines, err, sc.Text())
		}
		for _, is := range l.Issues {
			if is.Severity == "error" {
				kinds = append(kinds, is.Kind)
			}
		}
	}
	if lines != 3 || strings.Join(kinds, ",") != "number,date" {
		t.Fatalf("--json: %d lines, errors %v\n%s", lines, kinds, out)
	}
	if code, _, errs := runCLI(t, db, "", "qa", "--src", ru, "--tgt", short); code != exitUsage || !strings.Contains(errs, "line-parallel") {
		t.Fatalf("files not line-parallel: exit %d\n%s", code, errs)
	}
	if code, _, errs := runCLI(t, db, "", "qa", "--src", ru); code != exitUsage || !strings.Contains(errs, "--tgt") {
		t.Fatalf("no --tgt: exit %d\n%s", code, errs)
	}
}
