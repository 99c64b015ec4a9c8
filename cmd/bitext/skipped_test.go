package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext/endpoint/fake"
)

// mixedFolder writes a folder with one Russian release, one English
// statement and files bitext does not read; it returns the folder and the
// skipped files' names with a word their reasons must contain.
func mixedFolder(t *testing.T) (string, map[string]string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "in")
	if err := os.MkdirAll(filepath.Join(dir, ".cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "release.txt", ruRelease)
	writeFile(t, dir, "statement.txt", enRelease)
	writeFile(t, dir, "report.pdf", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	writeFile(t, dir, "photo.jpg", "\xFF\xD8\xFF\xE0\x00\x10JFIF")
	writeFile(t, dir, ".cache/old.txt", "Черновик.")
	return dir, map[string]string{"report.pdf": "pdftotext", "photo.jpg": "OCR", ".cache": "hidden folder"}
}

// TestRunListsSkippedFiles: bitext run over a folder names every file it
// does not read, with the reason, in report.json and in the summary, and
// still succeeds; a folder with nothing readable is a usage error that
// says why each file was skipped.
func TestRunListsSkippedFiles(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	dir, want := mixedFolder(t)
	work := t.TempDir()
	out := filepath.Join(work, "out")
	code, stdout, stderr := cli(t, "", "--db", filepath.Join(work, "t.db"), "run", "--json", "--out", out, dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var rep struct {
		Skipped []struct {
			Path   string `json:"path"`
			Reason string `json:"reason"`
		} `json:"skipped"`
		SkippedInputs int `json:"skipped_inputs"`
		FailedInputs  int `json:"failed_inputs"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.SkippedInputs != len(want) || len(rep.Skipped) != len(want) || rep.FailedInputs != 0 {
		t.Fatalf("report: %+v", rep)
	}
	for _, s := range rep.Skipped {
		hint := want[filepath.Base(s.Path)]
		if hint == "" || !strings.Contains(s.Reason, hint) {
			t.Errorf("skipped %+v", s)
		}
		if !strings.Contains(stderr, "skipped                "+s.Path+"\n    "+s.Reason) {
			t.Errorf("summary lacks the line for %s:\n%s", s.Path, stderr)
		}
	}
	if !strings.Contains(stderr, "2 documents; segments: ") || !strings.Contains(stderr, "; 3 files skipped") {
		t.Errorf("summary lacks the count:\n%s", stderr)
	}

	only := t.TempDir()
	writeFile(t, only, "report.pdf", "%PDF-1.4")
	code, _, stderr = cli(t, "", "--db", filepath.Join(work, "t.db"), "run", "--out", out, only)
	if code != exitUsage || !strings.Contains(stderr, "no readable files") || !strings.Contains(stderr, "report.pdf: is a PDF document") {
		t.Errorf("only a PDF: exit %d\n%s", code, stderr)
	}
}

// TestIngestAndDetectListSkippedFiles: ingest and detect list the skipped
// files in human and JSON output, and do not count them as failures.
func TestIngestAndDetectListSkippedFiles(t *testing.T) {
	dir, want := mixedFolder(t)
	db := filepath.Join(t.TempDir(), "t.db")

	code, out, errOut := cli(t, "", "--db", db, "ingest", "--json", dir)
	if code != exitOK {
		t.Fatalf("ingest --json: exit %d\n%s", code, errOut)
	}
	var rep ingestReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Skipped != len(want) || len(rep.Skipped) != len(want) || rep.Summary.Files != 2 || rep.Summary.Failed != 0 {
		t.Fatalf("ingest --json: summary %+v, skipped %+v", rep.Summary, rep.Skipped)
	}
	for _, s := range rep.Skipped {
		if hint := want[filepath.Base(s.Path)]; hint == "" || !strings.Contains(s.Reason, hint) {
			t.Errorf("ingest skipped %+v", s)
		}
	}

	code, out, errOut = cli(t, "", "--db", db, "ingest", dir)
	if code != exitOK || !strings.Contains(out, "SKIPPED   "+filepath.Join(dir, "report.pdf")+": is a PDF document") ||
		!strings.Contains(out, "0 failed, 3 skipped") {
		t.Errorf("ingest: exit %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = cli(t, "", "detect", "--json", dir)
	if code != exitOK {
		t.Fatalf("detect --json: exit %d\n%s", code, errOut)
	}
	skipped := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r detectResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if r.Skipped != "" {
			skipped[filepath.Base(r.File)] = r.Skipped
		}
	}
	for name, hint := range want {
		if !strings.Contains(skipped[name], hint) {
			t.Errorf("detect --json: %s skipped %q, want %q", name, skipped[name], hint)
		}
	}

	code, _, errOut = cli(t, "", "detect", dir)
	if code != exitOK || !strings.Contains(errOut, "bitext: skipped "+filepath.Join(dir, "photo.jpg")+": is a JPEG image") {
		t.Errorf("detect: exit %d\n%s", code, errOut)
	}
}
