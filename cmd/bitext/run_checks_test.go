package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/bitext/bitext/endpoint/fake"
)

// TestRunRefusesBadNumbers: negative, NaN and infinite limits are usage
// errors, found before anything is read or paid for.
func TestRunRefusesBadNumbers(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	ru := writeFile(t, t.TempDir(), "release.txt", ruRelease)
	tests := []struct {
		args     []string
		inStderr string
	}{
		{[]string{"--max-cost=-1"}, "--max-cost -1"},
		{[]string{"--max-cost=NaN"}, "--max-cost NaN"},
		{[]string{"--max-cost=+Inf"}, "--max-cost +Inf"},
		{[]string{"--parallel=0"}, "--parallel 0"},
		{[]string{"--parallel=-2"}, "--parallel -2"},
		{[]string{"--concurrency=-1"}, "--concurrency -1"},
		{[]string{"--max-tokens=-5"}, "--max-tokens -5"},
		{[]string{"--rpm=-1"}, "--rpm -1"},
		{[]string{"--tpm=-1"}, "--tpm -1"},
		{[]string{"--max-retries=-1"}, "--max-retries -1"},
		{[]string{"--timeout=-1s"}, "--timeout -1s"},
		{[]string{"--temperature=NaN"}, "--temperature NaN"},
		{[]string{"--price-in=-0.1"}, "--price-in -0.1"},
		{[]string{"--price-out=Inf", "--dry-run"}, "--price-out +Inf"},
		{[]string{"--max-file-size=-1"}, "--max-file-size -1"},
		{[]string{"--max-file-size=0"}, "--max-file-size 0"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			endpointEnv(t, srv)
			before := len(srv.Received())
			work := t.TempDir()
			args := append([]string{"--db", filepath.Join(work, "t.db"), "run", "--out", filepath.Join(work, "out")}, tc.args...)
			code, _, stderr := cli(t, "", append(args, ru)...)
			if code != exitUsage || !strings.Contains(stderr, tc.inStderr) {
				t.Errorf("exit %d, want %d; stderr should name %q:\n%s", code, exitUsage, tc.inStderr, stderr)
			}
			if n := len(srv.Received()) - before; n != 0 {
				t.Errorf("%d calls made", n)
			}
		})
	}
}

// TestRunOutNotWritable: an output folder that cannot be written is found
// before any translation is paid for (exit 2, nothing sent).
func TestRunOutNotWritable(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	ru := writeFile(t, t.TempDir(), "release.txt", ruRelease)
	type outCase struct {
		name string
		out  func(t *testing.T) string
	}
	cases := []outCase{
		{"a folder under a file", func(t *testing.T) string {
			return filepath.Join(writeFile(t, t.TempDir(), "f", "x"), "out")
		}},
	}
	if runtime.GOOS == "linux" {
		// A folder no one may create files in, root included.
		cases = append(cases, outCase{"/proc/self", func(t *testing.T) string { return "/proc/self" }})
	}
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		cases = append(cases, outCase{"a read-only folder", func(t *testing.T) string {
			dir := filepath.Join(t.TempDir(), "out")
			if err := os.Mkdir(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			return dir
		}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(srv.Received())
			out := tc.out(t)
			code, _, stderr := cli(t, "", "--db", filepath.Join(t.TempDir(), "t.db"), "run", "--out", out, ru)
			if code != exitUsage || !strings.Contains(stderr, "--out") || !strings.Contains(stderr, out) {
				t.Errorf("exit %d, want %d with --out and the folder named:\n%s", code, exitUsage, stderr)
			}
			if n := len(srv.Received()) - before; n != 0 {
				t.Errorf("%d calls made before the output folder was found unusable", n)
			}
		})
	}
}

// TestRunSummaryNotesRenamedOutputs: files named directly with one base
// name get distinct outputs, and the summary says why their names differ.
func TestRunSummaryNotesRenamedOutputs(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	dir := t.TempDir()
	for _, sub := range []string{"a", "b"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	a := writeFile(t, dir, "a/release.txt", ruRelease)
	b := writeFile(t, dir, "b/release.txt", strings.Replace(ruRelease, "осенью", "весной", 1))
	out := filepath.Join(dir, "out")
	code, _, stderr := cli(t, "", "--db", filepath.Join(dir, "t.db"), "run", "--out", out, a, b)
	if code != exitOK || strings.Count(stderr, "outputs named release.txt-") != 2 {
		t.Fatalf("exit %d, want %d and two notes on the names:\n%s", code, exitOK, stderr)
	}
	en, _ := filepath.Glob(filepath.Join(out, "release*.en.txt"))
	if len(en) != 2 {
		t.Errorf("English files %v, want two", en)
	}
}
