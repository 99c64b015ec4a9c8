package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/bitext/bitext/endpoint/fake"
)

// endpointEnv points the environment at srv (nil: no endpoint at all),
// clearing every other endpoint setting of the caller's environment.
func endpointEnv(t *testing.T, srv *fake.Server) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "BITEXT_") || strings.HasPrefix(k, "OPENAI_") {
			t.Setenv(k, "") // restored after the test
			os.Unsetenv(k)
		}
	}
	if srv != nil {
		t.Setenv("OPENAI_BASE_URL", srv.BaseURL())
		t.Setenv("BITEXT_MODEL", "fake-model")
	}
}

const (
	ruRelease = "Заявление МИД России.\n\nДелегация подчеркнула важность диалога. Стороны обсудили вопросы безопасности. Следующая встреча пройдет осенью.\n"
	enRelease = "Statement by the delegation. We thank the Chair for the work done.\n"
)

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func cyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

// TestRunExitCodes: 0 when everything is done, 1 when documents wait for
// an endpoint or inputs fail, 2 for bad flags and configuration.
func TestRunExitCodes(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	dir := t.TempDir()
	ru := writeFile(t, dir, "release.txt", ruRelease)
	en := writeFile(t, dir, "statement.txt", enRelease)
	gone := fake.New(fake.Options{})
	gone.Close()
	badKey := writeFile(t, dir, "endpoint.json", `{"base_url": "`+srv.BaseURL()+`", "modle": "fake-model"}`)
	goodCfg := writeFile(t, dir, "good.json", `{"base_url": "`+srv.BaseURL()+`", "model": "fake-model", "concurrency": 2}`)
	tests := []struct {
		name     string
		srv      *fake.Server
		env      map[string]string
		args     []string
		code     int
		inStderr string
	}{
		{"all done", srv, nil, []string{ru, en}, exitOK, "2 documents"},
		{"endpoint from config file", nil, nil, []string{"--endpoint-config", goodCfg, ru}, exitOK, "translated"},
		{"no endpoint", nil, nil, []string{ru, en}, exitPartial, "wait for a model endpoint"},
		{"missing input", srv, nil, []string{ru, filepath.Join(dir, "missing.txt")}, exitPartial, "missing.txt"},
		{"unknown config key", nil, nil, []string{"--endpoint-config", badKey, ru}, exitUsage, "modle"},
		{"missing config file", nil, nil, []string{"--endpoint-config", filepath.Join(dir, "nope.json"), ru}, exitUsage, "nope.json"},
		{"malformed env", srv, map[string]string{"BITEXT_CONCURRENCY": "many"}, []string{ru}, exitUsage, "BITEXT_CONCURRENCY"},
		{"empty config env", srv, map[string]string{"BITEXT_ENDPOINT_CONFIG": ""}, []string{ru}, exitOK, "translated"},
		{"unknown flag", srv, nil, []string{"--frobnicate", ru}, exitUsage, "frobnicate"},
		{"no paths", srv, nil, nil, exitUsage, "give files or folders"},
		{"pair with one file", srv, nil, []string{"--pair", ru}, exitUsage, "pair"},
		{"malformed max cost", srv, nil, []string{"--max-cost", "x", ru}, exitUsage, "max-cost"},
		{"pair of one file with itself", srv, nil, []string{"--pair", ru, ru}, exitUsage, "both name the same file"},
		{"pair in the wrong order", srv, nil, []string{"--pair", en, ru}, exitPartial, "a pair is the Russian text, then its English translation"},
		{"folder without readable files", srv, nil, []string{t.TempDir()}, exitUsage, "no readable files"},
		{"--out is a file", srv, nil, []string{"--out", en, ru}, exitUsage, "is a file, not a folder"},
		{"wrong model", srv, map[string]string{"BITEXT_MODEL": "no-such-model"}, []string{ru, en}, exitUsage, "check BITEXT_MODEL"},
		{"wrong base URL", srv, map[string]string{"OPENAI_BASE_URL": srv.URL + "/elsewhere/v1"}, []string{ru}, exitUsage, "OPENAI_BASE_URL"},
		{"no server there", srv, map[string]string{"OPENAI_BASE_URL": gone.BaseURL()}, []string{ru, en}, exitPartial, "stopped answering"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			endpointEnv(t, tc.srv)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			work := t.TempDir()
			args := append([]string{"--db", filepath.Join(work, "t.db"), "run", "--out", filepath.Join(work, "out")}, tc.args...)
			code, _, stderr := cli(t, "", args...)
			if code != tc.code || !strings.Contains(stderr, tc.inStderr) {
				t.Errorf("exit %d, want %d; stderr should name %q:\n%s", code, tc.code, tc.inStderr, stderr)
			}
			if strings.HasPrefix(tc.name, "wrong ") {
				// A configuration error stops the run before anything is
				// done: no database, no outputs.
				for _, p := range []string{"t.db", "out"} {
					if _, err := os.Stat(filepath.Join(work, p)); err == nil {
						t.Errorf("%s exists after a configuration error", p)
					}
				}
			}
		})
	}
}

// TestRunJSONAndSummary: --json prints the report, the same as
// OUT/report.json; a human summary goes to stderr.
func TestRunJSONAndSummary(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	dir := t.TempDir()
	ru := writeFile(t, dir, "release.txt", ruRelease)
	writeFile(t, dir, "statement.txt", enRelease)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := cli(t, "", "--db", filepath.Join(dir, "t.db"), "run", "--json", "--out", out, dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, stdout)
	}
	for _, k := range []string{"started", "duration_sec", "database", "out_dir", "endpoint", "model", "prompt_version",
		"documents", "segments", "terms", "violations", "calls", "tokens_in", "tokens_out", "cost", "failed_inputs"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	docs, _ := rep["documents"].([]any)
	actions := map[string]string{}
	for _, d := range docs {
		m, _ := d.(map[string]any)
		file, _ := m["file"].(string)
		actions[filepath.Base(file)], _ = m["action"].(string)
	}
	if actions["release.txt"] != "translated" || actions["statement.txt"] != "passed-through" {
		t.Errorf("actions %v", actions)
	}
	// Done, by the model, checked against the built-in glossary.
	if segs, _ := rep["segments"].(map[string]any); len(segs) == 0 || segs["pending"] != nil || segs["failed"] != nil ||
		sum(segs["translated"])+sum(segs["verified"])+sum(segs["needs-review"]) != 4 {
		t.Errorf("segments %v, want 4 done", rep["segments"])
	}
	if rep["glossary_entries"].(float64) == 0 {
		t.Errorf("a new database has no glossary: %v entries", rep["glossary_entries"])
	}
	if rep["calls"].(float64) != float64(srv.Calls()) || rep["tokens_in"].(float64) <= 0 {
		t.Errorf("calls %v (fake saw %d), tokens in %v", rep["calls"], srv.Calls(), rep["tokens_in"])
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(file, rep) {
		t.Errorf("report.json differs from --json:\n%s\n%s", b, stdout)
	}
	for _, want := range []string{"translated", ru, "passed-through", "2 documents; segments: ", "glossary: the built-in glossary", "calls", "report " + filepath.Join(out, "report.json")} {
		if !strings.Contains(stderr, want) {
			t.Errorf("summary lacks %q:\n%s", want, stderr)
		}
	}
	en, err := os.ReadFile(filepath.Join(out, "release.en.txt"))
	if err != nil || cyrillic(string(en)) || len(en) == 0 {
		t.Errorf("release.en.txt: %v %q", err, en)
	}
}

// TestRunPairFlag: --pair RU EN aligns two files whatever their names,
// without calling the endpoint.
func TestRunPairFlag(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	dir := t.TempDir()
	ru := writeFile(t, dir, "zayavlenie.txt", "Делегация подчеркнула важность диалога. Стороны обсудили вопросы безопасности.\n")
	en := writeFile(t, dir, "official-english.txt", "The delegation stressed the importance of dialogue. The parties discussed security issues.\n")
	out := filepath.Join(dir, "out")
	code, stdout, stderr := cli(t, "", "--db", filepath.Join(dir, "t.db"), "run", "--json", "--out", out, "--pair", ru, en)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var rep struct {
		Documents []struct{ File, Action, Pair string }
		Calls     int
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Documents) != 1 || rep.Documents[0].Action != "aligned" || rep.Documents[0].Pair != en || srv.Calls() != 0 {
		t.Fatalf("report %+v, %d calls", rep, srv.Calls())
	}
	tsv, err := os.ReadFile(filepath.Join(out, "zayavlenie.pairs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(tsv)), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[1], "1\t[0]:[0]\t") {
		t.Errorf("pairs.tsv:\n%s", tsv)
	}
}

// TestTranslateCommand: translate FILE prints the English on stdout.
func TestTranslateCommand(t *testing.T) {
	// The built-in glossary applies: the fake renders its term.
	srv := fake.New(fake.Options{Glossary: map[string]string{"МИД России": "Russian Foreign Ministry"}})
	defer srv.Close()
	endpointEnv(t, srv)
	dir := t.TempDir()
	ru := writeFile(t, dir, "release.txt", ruRelease+"\nThe English paragraph stays.\n")
	code, stdout, stderr := cli(t, "", "--db", filepath.Join(dir, "t.db"), "translate", ru)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	paras := strings.Split(strings.TrimSpace(stdout), "\n\n")
	if len(paras) != 3 || cyrillic(stdout) || paras[2] != "The English paragraph stays." || srv.Calls() != 1 {
		t.Errorf("stdout %q (%d calls)", stdout, srv.Calls())
	}
	if want := srv.Translate("Заявление МИД России."); paras[0] != want {
		t.Errorf("first paragraph %q, want %q", paras[0], want)
	}
	endpointEnv(t, nil)
	if code, _, stderr := cli(t, "", "--db", filepath.Join(dir, "t.db"), "translate", ru); code != exitUsage || !strings.Contains(stderr, "OPENAI_BASE_URL") {
		t.Errorf("without an endpoint: exit %d\n%s", code, stderr)
	}
}

// TestEndpointCheckCommand probes the fake: reachable, model listed,
// structured output; a model it does not serve is reported.
func TestEndpointCheckCommand(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	code, stdout, stderr := cli(t, "", "endpoint", "check")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"reachable          yes", "model listed       yes", "chat works         yes", "structured output  yes (format json_schema)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = cli(t, "", "endpoint", "check", "--json", "--model", "no-such-model")
	var rep struct {
		Reachable   bool     `json:"reachable"`
		ModelListed bool     `json:"model_listed"`
		Models      []string `json:"models"`
		Problems    []string `json:"problems"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
	if code != exitPartial || !rep.Reachable || rep.ModelListed || len(rep.Problems) == 0 || !reflect.DeepEqual(rep.Models, []string{"fake-model"}) {
		t.Errorf("wrong model: exit %d, report %+v", code, rep)
	}
}

// sum reads a JSON number that may be absent.
func sum(v any) float64 {
	f, _ := v.(float64)
	return f
}
