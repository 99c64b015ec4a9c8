package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// writeIn writes a Russian document at rel (slash-separated) under the
// input folder and returns its path.
func (e *jobEnv) writeIn(rel, tag string, n int) string {
	e.t.Helper()
	p := filepath.Join(e.in, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(russian(tag, n)), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// outputsOf lists the files under the output folder (slash-separated,
// relative), report.json left out.
func (e *jobEnv) outputsOf() []string {
	e.t.Helper()
	var files []string
	err := filepath.WalkDir(e.out, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() != "report.json" {
			rel, _ := filepath.Rel(e.out, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// pairsSource reads the source named in an output's pairs file.
func (e *jobEnv) pairsSource(rel string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.out, filepath.FromSlash(rel)))
	if err != nil {
		e.t.Fatal(err)
	}
	var pf PairsFile
	if err := json.Unmarshal(b, &pf); err != nil {
		e.t.Fatalf("%s: %v", rel, err)
	}
	return pf.Source
}

// TestRunOutputsPerInput: two documents with one base name in different
// folders write to their own mirrored paths, the same in every run, and
// files named directly with one base name get distinct names, noted in the
// report, that do not depend on the order they were given in.
func TestRunOutputsPerInput(t *testing.T) {
	e := newJobEnv(t)
	srv := e.fake(nil)
	a := e.writeIn("a/x.txt", "A", 4)
	b := e.writeIn("b/x.txt", "B", 5)
	want := []string{"a/x.en.txt", "a/x.pairs.json", "a/x.pairs.tsv", "b/x.en.txt", "b/x.pairs.json", "b/x.pairs.tsv"}
	for run := range 2 {
		rep := e.run(e.job(srv, jobOptions{change: func(c *JobConfig) { c.Parallel = 2 }}), e.in)
		e.checkRun(rep)
		if !rep.OK() {
			t.Fatalf("run %d not OK: %+v", run, rep.Documents)
		}
		if got := e.outputsOf(); !slices.Equal(got, want) {
			t.Fatalf("run %d wrote %v, want %v", run, got, want)
		}
		if e.pairsSource("a/x.pairs.json") != a || e.pairsSource("b/x.pairs.json") != b {
			t.Errorf("run %d: a/x.pairs.json is from %s, b/x.pairs.json from %s", run, e.pairsSource("a/x.pairs.json"), e.pairsSource("b/x.pairs.json"))
		}
		for _, d := range rep.Documents {
			if d.Note != "" {
				t.Errorf("run %d: %s has a note without a clash: %s", run, d.File, d.Note)
			}
		}
	}

	// The same files named directly.
	if err := os.RemoveAll(e.out); err != nil {
		t.Fatal(err)
	}
	var first []string
	for _, order := range [][]string{{a, b}, {b, a}} {
		rep := e.run(e.job(srv, jobOptions{}), order...)
		e.checkRun(rep)
		got := e.outputsOf()
		if len(got) != 6 || slices.Contains(got, "x.en.txt") {
			t.Fatalf("named directly: wrote %v, want 6 files, none named x.*", got)
		}
		if first == nil {
			first = got
		} else if !slices.Equal(got, first) {
			t.Errorf("named in the other order: wrote %v, first %v", got, first)
		}
		for _, d := range rep.Documents {
			if !strings.Contains(d.Note, "x.*") || d.Note == "" {
				t.Errorf("%s: note %q, want one naming the clash", d.File, d.Note)
			}
			for _, o := range d.Outputs {
				if strings.HasSuffix(o, ".pairs.json") {
					rel, _ := filepath.Rel(e.out, o)
					if src := e.pairsSource(rel); src != d.File {
						t.Errorf("%s holds the pairs of %s, want %s", o, src, d.File)
					}
				}
			}
		}
	}
}

// TestRunTwoJobsIntoOneOut: two runs writing into one output folder at
// the same time both finish with complete outputs, and neither removes the
// temporary files of the other or of another live process.
func TestRunTwoJobsIntoOneOut(t *testing.T) {
	e := newJobEnv(t)
	srv := e.fake(nil)
	host := hostTag()
	if host == "" {
		t.Skip("no host name")
	}
	// A temporary file of a live writer in another process, as a run in
	// progress leaves it between writing and renaming.
	if err := os.MkdirAll(e.out, 0o755); err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(e.out, ".a0.en.txt"+tempMark+host+"-"+strconv.Itoa(os.Getppid())+"-xyz")
	if err := os.WriteFile(live, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Two folders, one per run, with documents of different names.
	var want []string
	for i, prefix := range []string{"a", "b"} {
		for d := range 4 {
			name := prefix + strconv.Itoa(d)
			e.writeIn(prefix+"/"+name+".txt", "R"+strconv.Itoa(i)+"D"+strconv.Itoa(d), 6)
			for _, ext := range []string{".en.txt", ".pairs.json", ".pairs.tsv"} {
				want = append(want, name+ext)
			}
		}
	}
	want = append(want, filepath.Base(live))
	slices.Sort(want)
	reps := make([]*Report, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, folder := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j := e.job(srv, jobOptions{batch: 2, concurrency: 2, change: func(c *JobConfig) { c.Parallel = 2 }})
			reps[i], errs[i] = j.Run(context.Background(), []string{filepath.Join(e.in, folder)})
			if errs[i] == nil {
				_, errs[i] = reps[i].WriteReport()
			}
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		e.checkRun(reps[i])
		if !reps[i].OK() || len(reps[i].Documents) != 4 {
			t.Errorf("run %d: OK %v, %d documents: %+v", i, reps[i].OK(), len(reps[i].Documents), reps[i].Documents)
		}
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a live writer's temporary file was removed: %v", err)
	}
	if got := e.outputsOf(); !slices.Equal(got, want) {
		t.Errorf("output folder holds %v, want %v", got, want)
	}
	var rep Report
	b, err := os.ReadFile(filepath.Join(e.out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Documents) != 4 {
		t.Errorf("report.json: %v, %d documents", err, len(rep.Documents))
	}
}

// TestRunNotesReplacedOutputs: a later run over another folder whose
// files have the same names replaces the earlier outputs (the user chose
// the same --out) but says so; running the same folder again says nothing.
func TestRunNotesReplacedOutputs(t *testing.T) {
	e := newJobEnv(t)
	srv := e.fake(nil)
	first := e.writeIn("one/x.txt", "ONE", 3)
	e.writeIn("two/x.txt", "TWO", 3)
	runs := []struct {
		folder string
		note   string // what the note must name; "" for none
	}{
		{"one", ""},
		{"one", ""},
		{"two", first},
	}
	for i, r := range runs {
		rep := e.run(e.job(srv, jobOptions{}), filepath.Join(e.in, r.folder))
		if len(rep.Documents) != 1 || !rep.OK() {
			t.Fatalf("run %d: %+v", i, rep.Documents)
		}
		d := rep.Documents[0]
		switch {
		case r.note == "" && d.Note != "":
			t.Errorf("run %d over %s: note %q, want none", i, r.folder, d.Note)
		case r.note != "" && (!strings.Contains(d.Note, r.note) || !strings.Contains(d.Note, "replaced")):
			t.Errorf("run %d over %s: note %q, want one naming %s", i, r.folder, d.Note, r.note)
		}
	}
}
