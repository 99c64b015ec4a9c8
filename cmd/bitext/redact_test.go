package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext/endpoint/fake"
)

// TestNoPasswordInOutputs: a password in OPENAI_BASE_URL appears nowhere
// a person or a file sees: endpoint check (human and --json), run's
// summary, --json and report.json, and the logs.
func TestNoPasswordInOutputs(t *testing.T) {
	const secret = "Pa55wordXYZ"
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	base := strings.Replace(srv.BaseURL(), "http://", "http://bob:"+secret+"@", 1)
	t.Setenv("OPENAI_BASE_URL", base)
	dir := t.TempDir()
	ru := writeFile(t, dir, "release.txt", ruRelease)
	out := filepath.Join(dir, "out")
	db := filepath.Join(dir, "t.db")
	runs := [][]string{
		{"endpoint", "check"},
		{"endpoint", "check", "--json"},
		{"--log-level", "debug", "--db", db, "run", "--json", "--out", out, ru},
	}
	for _, args := range runs {
		code, stdout, stderr := cli(t, "", args...)
		if code != exitOK {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
		if strings.Contains(stdout+stderr, secret) {
			t.Errorf("%v printed the password:\n%s\n%s", args, stdout, stderr)
		}
		if !strings.Contains(stdout+stderr, "bob:xxxxx@") {
			t.Errorf("%v does not show the redacted URL:\n%s\n%s", args, stdout, stderr)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), secret) {
		t.Errorf("report.json holds the password:\n%s", b)
	}

	// Nothing listens there: the errors name the URL without the password.
	t.Setenv("OPENAI_BASE_URL", "http://bob:"+secret+"@127.0.0.1:1/v1")
	t.Setenv("BITEXT_MAX_RETRIES", "0")
	for _, args := range [][]string{{"endpoint", "check"}, {"endpoint", "check", "--json"}} {
		code, stdout, stderr := cli(t, "", args...)
		if code == exitOK || strings.Contains(stdout+stderr, secret) {
			t.Errorf("%v: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
	}
}
