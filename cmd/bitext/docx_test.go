package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext/endpoint/fake"
	"github.com/bitext/bitext/pipeline"
)

// writeDOCX writes a minimal Word document with the given paragraphs
// (each split into two runs, as Word often splits sentences).
func writeDOCX(t *testing.T, path string, paragraphs ...string) {
	t.Helper()
	var body strings.Builder
	for _, p := range paragraphs {
		half := strings.Index(p, " ") + 1
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + p[:half] + `</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>` + p[half:] + `</w:t></w:r></w:p>`)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`))
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunAndIngestReadDOCX: a Word document in a folder is read like any
// other file by run (translated) and ingest (stored).
func TestRunAndIngestReadDOCX(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	endpointEnv(t, srv)
	dir := filepath.Join(t.TempDir(), "in")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	docx := filepath.Join(dir, "release.docx")
	writeDOCX(t, docx, "Заявление МИД России.", "Делегация подчеркнула важность диалога. Стороны обсудили вопросы безопасности.")
	writeFile(t, dir, "statement.txt", enRelease)
	work := t.TempDir()
	out := filepath.Join(work, "out")

	code, stdout, stderr := cli(t, "", "--db", filepath.Join(work, "t.db"), "run", "--json", "--out", out, dir)
	if code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	var rep pipeline.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var found *pipeline.DocReport
	for i := range rep.Documents {
		if rep.Documents[i].File == docx {
			found = &rep.Documents[i]
		}
	}
	if found == nil || found.Action != pipeline.ActTranslated || found.Segments["translated"]+found.Segments["verified"]+found.Segments["needs-review"] != 3 || rep.SkippedInputs != 0 {
		t.Fatalf("release.docx in the report: %+v (skipped %+v)", found, rep.Skipped)
	}
	en, err := os.ReadFile(filepath.Join(out, "release.en.txt"))
	if err != nil || len(bytes.Split(bytes.TrimSpace(en), []byte("\n\n"))) != 2 || cyrillic(string(en)) {
		t.Errorf("release.en.txt (two paragraphs, in English): %v\n%s", err, en)
	}

	code, stdout, stderr = cli(t, "", "--db", filepath.Join(work, "i.db"), "ingest", "--json", dir)
	if code != exitOK {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	var ing ingestReport
	if err := json.Unmarshal([]byte(stdout), &ing); err != nil {
		t.Fatal(err)
	}
	ok := false
	for _, f := range ing.Files {
		ok = ok || (f.Path == docx && f.Status == pipeline.Stored && f.Format == "docx" && f.Encoding == "utf-8" && f.Paragraphs == 2 && f.Sentences == 3 && f.Lang == "ru")
	}
	if !ok {
		t.Errorf("ingest: %+v", ing.Files)
	}
}
