package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunReportsSkippedFiles: files in the input folder that are not read
// are listed in the report with their reasons, and do not make the run
// fail; a run that reads nothing at all is not OK.
func TestRunReportsSkippedFiles(t *testing.T) {
	e := newJobEnv(t)
	e.write("statement.txt", "Statement by the delegation. We thank the Chair for the work done.\n")
	e.write("report.pdf", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	e.write("scan.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
	e.write(".notes.txt", "Черновик.")
	rep := e.run(e.job(nil, jobOptions{}), e.in)
	if len(rep.Documents) != 1 || rep.Documents[0].Action != ActPassed {
		t.Fatalf("documents %+v", rep.Documents)
	}
	want := map[string]string{"report.pdf": "PDF", "scan.png": "OCR", ".notes.txt": "hidden"}
	if rep.SkippedInputs != len(want) || len(rep.Skipped) != len(want) {
		t.Fatalf("skipped %d %+v, want %d", rep.SkippedInputs, rep.Skipped, len(want))
	}
	for _, s := range rep.Skipped {
		if hint := want[filepath.Base(s.Path)]; hint == "" || !strings.Contains(s.Reason, hint) || filepath.Dir(s.Path) != e.in {
			t.Errorf("skipped %+v", s)
		}
	}
	if !rep.OK() || rep.Failed != 0 {
		t.Errorf("skipped files made the run fail: OK %v, failed %d", rep.OK(), rep.Failed)
	}
	path, err := rep.WriteReport()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Skipped []struct {
			Path, Reason string
		} `json:"skipped"`
		SkippedInputs int `json:"skipped_inputs"`
	}
	if err := json.Unmarshal(b, &file); err != nil || file.SkippedInputs != 3 || len(file.Skipped) != 3 || file.Skipped[0].Reason == "" {
		t.Errorf("report.json skipped: %+v (%v)", file, err)
	}

	// Only skipped files: nothing was done, and the report says so.
	only := filepath.Join(t.TempDir(), "only")
	if err := os.MkdirAll(only, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(only, "report.pdf"), []byte("%PDF-1.4"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep = e.run(e.job(nil, jobOptions{}), only)
	if rep.OK() || rep.SkippedInputs != 1 || len(rep.Documents) != 0 {
		t.Errorf("a run that read nothing: OK %v, skipped %d, documents %d", rep.OK(), rep.SkippedInputs, len(rep.Documents))
	}
}
