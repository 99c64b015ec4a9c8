package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext/endpoint/fake"
	"github.com/bitext/bitext/pipeline"
)

// TestRunSamplesEnforcesBuiltInGlossary: on a fresh database, `bitext run
// data/samples` with no --glossary enforces the built-in glossary (МИБ →
// international information security) and says which glossary it used;
// an entry the user removes stays removed in later runs.
func TestRunSamplesEnforcesBuiltInGlossary(t *testing.T) {
	srv := fake.New(fake.Options{Glossary: map[string]string{"МИБ": "international information security"}})
	defer srv.Close()
	endpointEnv(t, srv)
	work := t.TempDir()
	db := filepath.Join(work, "t.db")
	code, stdout, stderr := cli(t, "", "--db", db, "run", "--json", "--out", filepath.Join(work, "out"), samples(t))
	if code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	var rep pipeline.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.GlossaryEntries < 50 || !strings.Contains(rep.GlossarySource, "built-in") || rep.Terms == 0 {
		t.Fatalf("glossary %d entries from %q, %d terms checked", rep.GlossaryEntries, rep.GlossarySource, rep.Terms)
	}
	if !strings.Contains(stderr, "glossary: the built-in glossary") {
		t.Errorf("the summary does not say which glossary:\n%s", stderr)
	}
	// The user removes «МИБ»: later runs keep it removed.
	code, out, errb := cli(t, "", "--db", db, "glossary", "show", "--json", "iis-abbr")
	if code != exitOK {
		t.Fatalf("glossary show: %d %s", code, errb)
	}
	var e struct {
		Version int64 `json:"version"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("glossary show --json: %v\n%s", err, out)
	}
	if code, _, errb := cli(t, "", "--db", db, "glossary", "rm", "--version", itoa(e.Version), "iis-abbr"); code != exitOK {
		t.Fatalf("glossary rm: %d %s", code, errb)
	}
	code, stdout, stderr = cli(t, "", "--db", db, "run", "--json", "--out", filepath.Join(work, "out"), samples(t))
	if code != exitOK {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	var again pipeline.Report
	if err := json.Unmarshal([]byte(stdout), &again); err != nil {
		t.Fatal(err)
	}
	if again.GlossaryEntries != rep.GlossaryEntries-1 {
		t.Errorf("after removing one entry: %d entries, was %d", again.GlossaryEntries, rep.GlossaryEntries)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
