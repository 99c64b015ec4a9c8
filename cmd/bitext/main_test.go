package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext/pipeline"
)

// bitext runs the command in-process and returns its exit code and output.
func cli(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func samples(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../data/samples")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestHelpAndUsage(t *testing.T) {
	code, out, _ := cli(t, "", "--help")
	if code != 0 || !strings.Contains(out, "run") || !strings.Contains(out, "segment") {
		t.Fatalf("--help: code %d, output %q", code, out)
	}
	code, out, _ = cli(t, "", "segment", "--help")
	if code != 0 || !strings.Contains(out, "Examples:") {
		t.Fatalf("segment --help: code %d, output %q", code, out)
	}
	code, _, errOut := cli(t, "", "nosuchcommand")
	if code != exitUsage || !strings.Contains(errOut, "--help") {
		t.Fatalf("unknown command: code %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "segment", "--lang", "de", "x.txt")
	if code != exitUsage {
		t.Fatalf("bad --lang: code %d, stderr %q", code, errOut)
	}
	for _, args := range [][]string{{"--fault-rate", "7"}, {"--fault-rate", "NaN"}, {"--latency=-5s"}} {
		code, _, errOut = cli(t, "", append([]string{"endpoint", "fake"}, args...)...)
		if code != exitUsage || !strings.Contains(errOut, strings.SplitN(args[0], "=", 2)[0]) {
			t.Fatalf("endpoint fake %v: code %d, stderr %q", args, code, errOut)
		}
	}
	code, _, errOut = cli(t, "", "detect", t.TempDir())
	if code != exitUsage || !strings.Contains(errOut, "no readable files") {
		t.Fatalf("detect of an empty folder: code %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli(t, "", "detect", "--langs", "ru,zz", filepath.Join(samples(t), "un-statement-en.txt"))
	if code != exitUsage || !strings.Contains(errOut, "zz") {
		t.Fatalf("bad --langs: code %d, stderr %q", code, errOut)
	}
}

func TestDetectSamples(t *testing.T) {
	dir := samples(t)
	want := map[string]string{
		"mfa-consultations.ru.txt": "ru",
		"mfa-consultations.en.txt": "en",
		"sco-statement.txt":        "ru",
		"oewg-session-cp1251.txt":  "ru",
		"brics-koi8r.txt":          "ru",
		"un-statement-en.txt":      "en",
		"letterhead-mixed.txt":     "mixed",
		"release-page.html":        "ru",
	}
	code, out, errOut := cli(t, "", "detect", "--json", "--paragraphs", dir)
	if code != 0 {
		t.Fatalf("detect: code %d, stderr %s", code, errOut)
	}
	got := map[string]detectResult{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r detectResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		got[filepath.Base(r.File)] = r
	}
	for name, lang := range want {
		r, ok := got[name]
		if !ok {
			t.Errorf("%s: not reported", name)
			continue
		}
		if string(r.Lang) != lang {
			t.Errorf("%s: language %s, want %s", name, r.Lang, lang)
		}
		if len(r.Paragraphs) == 0 {
			t.Errorf("%s: no paragraphs", name)
		}
	}
	mixed := got["letterhead-mixed.txt"]
	langs := map[string]bool{}
	for _, p := range mixed.Paragraphs {
		langs[string(p.Lang)] = true
	}
	if !langs["ru"] || !langs["en"] {
		t.Errorf("mixed document paragraphs %+v: want both ru and en", mixed.Paragraphs)
	}
	if enc := got["oewg-session-cp1251.txt"].Encoding; enc != "windows-1251" {
		t.Errorf("cp1251 sample decoded as %s", enc)
	}
	if enc := got["brics-koi8r.txt"].Encoding; enc != "koi8-r" {
		t.Errorf("koi8-r sample decoded as %s", enc)
	}
}

func TestSegmentStdin(t *testing.T) {
	in := "В 2022 г. МИД России выступил с заявлением. А.В.Крутских ответил на вопросы.\n\nПервое."
	code, out, errOut := cli(t, in, "segment", "--lang", "ru", "-")
	if code != 0 {
		t.Fatalf("segment: code %d, stderr %s", code, errOut)
	}
	want := "В 2022 г. МИД России выступил с заявлением.\nА.В.Крутских ответил на вопросы.\nПервое.\n"
	if out != want {
		t.Fatalf("segment output\n%s\nwant\n%s", out, want)
	}
}

// TestSegmentKeepsEverything checks that segment output has exactly the
// non-space characters of the input, in order, for every sample.
func TestSegmentKeepsEverything(t *testing.T) {
	for _, name := range []string{"mfa-consultations.ru.txt", "sco-statement.txt", "un-statement-en.txt", "letterhead-mixed.txt"} {
		path := filepath.Join(samples(t), name)
		code, out, errOut := cli(t, "", "segment", path)
		if code != 0 {
			t.Fatalf("%s: code %d, stderr %s", name, code, errOut)
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := strings.Join(strings.Fields(string(src)), ""), strings.Join(strings.Fields(out), ""); a != b {
			t.Errorf("%s: segment output differs from the input beyond whitespace", name)
		}
	}
}

func TestIngestTwiceAndBadFiles(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	code, out, errOut := cli(t, "", "--db", db, "ingest", "--json", samples(t))
	if code != 0 {
		t.Fatalf("first ingest: code %d\n%s", code, errOut)
	}
	var rep ingestReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Stored != rep.Summary.Files || rep.Summary.Files < 8 || rep.Summary.Sentences == 0 {
		t.Fatalf("first ingest summary %+v", rep.Summary)
	}
	code, out, errOut = cli(t, "", "--db", db, "ingest", "--json", samples(t))
	if code != 0 {
		t.Fatalf("second ingest: code %d\n%s", code, errOut)
	}
	rep = ingestReport{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Unchanged != rep.Summary.Files || rep.Summary.Stored != 0 {
		t.Fatalf("second ingest stored again: %+v", rep.Summary)
	}

	// Bad inputs next to a good one: the good one is stored, exit code 1,
	// each bad file named with its reason.
	bad, err := filepath.Abs("../../data/samples-bad")
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(samples(t), "sco-statement.txt")
	missing := filepath.Join(t.TempDir(), "missing.txt")
	code, out, errOut = cli(t, "", "--db", filepath.Join(t.TempDir(), "b.db"), "ingest", bad, good, missing)
	if code != exitPartial {
		t.Fatalf("ingest with bad files: code %d, want %d\n%s\n%s", code, exitPartial, out, errOut)
	}
	all := out + errOut
	for _, want := range []string{"empty.txt", "binary.txt", "missing.txt", "stored    " + good} {
		if !strings.Contains(all, want) {
			t.Errorf("output lacks %q:\n%s", want, all)
		}
	}

	// With --json a path that cannot be read at all is listed too.
	code, out, _ = cli(t, "", "--db", filepath.Join(t.TempDir(), "c.db"), "ingest", "--json", good, missing)
	rep = ingestReport{}
	if err := json.Unmarshal([]byte(out), &rep); code != exitPartial || err != nil {
		t.Fatalf("ingest --json with a missing path: code %d, err %v", code, err)
	}
	listed := false
	for _, f := range rep.Files {
		listed = listed || (f.Path == missing && f.Status == pipeline.Failed && f.Error != "")
	}
	if !listed || rep.Summary.Files != 2 || rep.Summary.Failed != 1 {
		t.Errorf("ingest --json: files %+v, summary %+v; want the missing path listed as failed", rep.Files, rep.Summary)
	}
	// Nothing readable: the message does not claim that others were stored.
	code, _, errOut = cli(t, "", "--db", filepath.Join(t.TempDir(), "d.db"), "ingest", missing)
	if code != exitPartial || !strings.Contains(errOut, "nothing was stored") {
		t.Errorf("ingest of a missing file only: code %d, stderr %q", code, errOut)
	}
}

// TestDatabaseAndExportErrors: a file that is not a database, and an
// export into a missing folder, say what to do.
func TestDatabaseAndExportErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.db")
	junk := make([]byte, 8192)
	for i := range junk {
		junk[i] = byte(i*131 + 7)
	}
	if err := os.WriteFile(bad, junk, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := cli(t, "", "--db", bad, "glossary", "list")
	if code != exitUsage || !strings.Contains(errOut, bad) || !strings.Contains(errOut, ".recover") {
		t.Errorf("a database file of junk: code %d, stderr %q", code, errOut)
	}
	out := filepath.Join(dir, "no-such-folder", "g.csv")
	code, _, errOut = cli(t, "", "--db", filepath.Join(dir, "ok.db"), "glossary", "export", "-o", out)
	if code != exitUsage || !strings.Contains(errOut, out) || !strings.Contains(errOut, "folder exists") {
		t.Errorf("export into a missing folder: code %d, stderr %q", code, errOut)
	}
}
