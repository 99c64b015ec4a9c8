package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint/fake"
	"github.com/bitext/bitext/format/tmx"
)

// TestExportImportRoundTrip: an XLIFF export imported unchanged changes
// nothing; a reviewed file's edits and approvals are applied under the
// reviewer's name; a unit whose pair changed in bitext since the export
// is a conflict with both texts and nothing overwritten; a unit that
// matches no pair is listed. TMX holds the approved pairs, TSV and JSON
// lines every pair.
func TestExportImportRoundTrip(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	b := newBinRunner(t, srv)
	dir := t.TempDir()
	writeFile(t, dir, "note.txt", "Делегация подчеркнула важность диалога. Стороны обсудили вопросы безопасности. Следующая встреча пройдет осенью. Эксперты продолжат работу.\n")
	b.ok("run", "--out", filepath.Join(t.TempDir(), "out"), dir)
	ps := b.pairs("note.txt")
	if len(ps) != 4 {
		t.Fatalf("%d pairs", len(ps))
	}
	work := t.TempDir()
	xlf := filepath.Join(work, "note.xlf")
	b.ok("export", "note.txt", "--format", "xliff", "-o", xlf)

	// unchanged: nothing happens
	code, _, errs := b.run("import", xlf)
	if code != 0 || !strings.Contains(errs, "4 units: 0 edited, 0 approved, 0 rejected, 4 unchanged") {
		t.Fatalf("import unchanged: exit %d\n%s", code, errs)
	}
	for k, p := range b.pairs("note.txt") {
		if p.Version != ps[k].Version || p.EN != ps[k].EN || p.Status != ps[k].Status {
			t.Fatalf("an unchanged import changed pair %d: %+v", p.ID, p)
		}
	}

	// a reviewed file: pair 0 edited and approved, pair 1 approved,
	// pair 3 rejected; meanwhile pair 2 changes in bitext and the file
	// changes it too: a conflict
	raw, err := os.ReadFile(xlf)
	if err != nil {
		t.Fatal(err)
	}
	x := string(raw)
	edited := "The delegation stressed how much dialogue matters."
	x = replaceUnit(t, x, ps[0].ID, func(u string) string {
		u = strings.Replace(u, ">"+ps[0].EN+"</target>", ">"+edited+"</target>", 1)
		return approveUnit(u)
	})
	x = replaceUnit(t, x, ps[1].ID, approveUnit)
	x = replaceUnit(t, x, ps[3].ID, func(u string) string {
		return strings.Replace(u, `state="needs-review-translation"`, `state="needs-translation"`, 1)
	})
	x = replaceUnit(t, x, ps[2].ID, func(u string) string {
		return strings.Replace(u, ">"+ps[2].EN+"</target>", ">The file's own English.</target>", 1)
	})
	x = strings.Replace(x, "</body>", `<trans-unit id="p999999" extradata="bitext doc=1 pair=999999 version=1"><source>Нет такой пары.</source><target>No such pair.</target></trans-unit></body>`, 1)
	reviewed := filepath.Join(work, "reviewed.xlf")
	if err := os.WriteFile(reviewed, []byte(x), 0o644); err != nil {
		t.Fatal(err)
	}
	b.ok("pairs", "edit", "note.txt", itoa(ps[2].ID), "--en", "Changed in bitext meanwhile.")
	code, out, errs := b.run("import", reviewed, "--by", "anna")
	if code != exitPartial || !strings.Contains(errs, "5 units: 1 edited, 1 approved, 1 rejected, 0 unchanged, 0 kept, 1 conflicts, 1 unmatched") ||
		!strings.Contains(out, "Changed in bitext meanwhile.") || !strings.Contains(out, "The file's own English.") || !strings.Contains(out, "p999999") {
		t.Fatalf("import reviewed: exit %d\n%s\n%s", code, out, errs)
	}
	after := b.pairs("note.txt")
	if after[0].EN != edited || after[0].Status != bitext.StatusApproved || after[0].ReviewedBy != "anna" || !after[0].Edited {
		t.Fatalf("pair 0 after import: %+v", after[0])
	}
	if after[1].Status != bitext.StatusApproved || after[1].ReviewedBy != "anna" || after[1].EN != ps[1].EN {
		t.Fatalf("pair 1 after import: %+v", after[1])
	}
	if after[2].EN != "Changed in bitext meanwhile." {
		t.Fatalf("the conflicting pair was overwritten: %+v", after[2])
	}
	if after[3].Status != bitext.StatusRejected {
		t.Fatalf("pair 3 after import: %+v", after[3])
	}
	if h := b.ok("pairs", "history", "note.txt", itoa(ps[0].ID)); !strings.Contains(h, "edit by anna") || !strings.Contains(h, "approve by anna") {
		t.Fatalf("history:\n%s", h)
	}

	// a malformed file changes nothing
	bad := filepath.Join(work, "bad.xlf")
	if err := os.WriteFile(bad, []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xliff version="1.2"></xliff>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := b.run("import", bad); code != exitUsage || !strings.Contains(errs, "nothing was applied") {
		t.Fatalf("import of a file with entities: exit %d\n%s", code, errs)
	}

	// TMX: the approved pairs; TSV and JSON lines: every pair
	mem := filepath.Join(work, "note.tmx")
	b.ok("export", "note.txt", "--format", "tmx", "-o", mem)
	f, err := os.Open(mem)
	if err != nil {
		t.Fatal(err)
	}
	tus, _, err := tmx.ReadAll(f, tmx.Options{})
	f.Close()
	if err != nil || len(tus) != 2 || tus[0].EN != edited || tus[0].Prop(tmx.PropStatus) != "approved" {
		t.Fatalf("TMX export: %d units %+v, %v", len(tus), tus, err)
	}
	tsv := b.ok("export", "note.txt", "--format", "tsv")
	if lines := strings.Split(strings.TrimSpace(tsv), "\n"); len(lines) != 5 || !strings.HasPrefix(lines[0], "document\tid\tbead") {
		t.Fatalf("TSV export:\n%s", tsv)
	}
	jl := b.ok("export", "--all", "--format", "jsonl")
	var first struct {
		Document string `json:"document"`
		ID       int64  `json:"id"`
		EN       string `json:"en"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(jl, "\n", 2)[0]), &first); err != nil || first.Document != "note.txt" || first.EN != edited {
		t.Fatalf("JSON lines export: %v\n%s", err, jl)
	}
	if code, _, errs := b.run("export", "--format", "xliff"); code != exitUsage || !strings.Contains(errs, "--all") {
		t.Fatalf("export without documents: exit %d\n%s", code, errs)
	}
}

// replaceUnit changes the <trans-unit> of a pair in an XLIFF text.
func replaceUnit(t *testing.T, x string, id int64, f func(string) string) string {
	t.Helper()
	start := strings.Index(x, `<trans-unit id="p`+itoa(id)+`"`)
	if start < 0 {
		t.Fatalf("no unit for pair %d", id)
	}
	end := strings.Index(x[start:], "</trans-unit>") + start
	return x[:start] + f(x[start:end]) + x[end:]
}

// approveUnit marks a unit approved as a CAT tool does.
func approveUnit(u string) string {
	u = strings.Replace(u, `<trans-unit `, `<trans-unit approved="yes" `, 1)
	u = strings.Replace(u, `state="needs-review-translation"`, `state="final"`, 1)
	return strings.Replace(u, ` state-qualifier="leveraged-mt"`, "", 1)
}

// TestTMXImportSeedsMemory: a TMX memory, ours or another tool's, seeds
// the translation memory: a new database serves its sentences at no cost
// with origin tm (shown in pairs list and as leveraged-tm in XLIFF); a
// malformed memory imports nothing.
func TestTMXImportSeedsMemory(t *testing.T) {
	srv := fake.New(fake.Options{})
	defer srv.Close()
	a := newBinRunner(t, srv)
	dir := t.TempDir()
	s0, s1, s2 := "Делегация подчеркнула важность диалога.", "Стороны обсудили вопросы безопасности.", "Следующая встреча пройдет осенью."
	writeFile(t, dir, "note.txt", s0+" "+s1+" "+s2+"\n")
	out := filepath.Join(t.TempDir(), "out")
	a.ok("run", "--out", out, dir)
	a.ok("pairs", "approve", "note.txt", "--above", "0")
	mem := filepath.Join(t.TempDir(), "ours.tmx")
	a.ok("export", "note.txt", "--format", "tmx", "-o", mem)
	want := a.pairs("note.txt")

	// a new database, seeded with our memory and another tool's
	b := &binRunner{t: t, bin: a.bin, db: filepath.Join(t.TempDir(), "b.db"), env: a.env}
	bad := writeFile(t, t.TempDir(), "bad.tmx", `<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x "boom">]><tmx version="1.4"><header srclang="ru"/><body><tu><tuv xml:lang="ru"><seg>&x;</seg></tuv></tu></body></tmx>`)
	if code, _, errs := b.run("import", bad); code != exitUsage || !strings.Contains(errs, "nothing was imported") {
		t.Fatalf("import of a memory with entities: exit %d\n%s", code, errs)
	}
	if code, _, errs := b.run("import", mem); code != 0 || !strings.Contains(errs, "3 units: 3 added") {
		t.Fatalf("import of our memory: exit %d\n%s", code, errs)
	}
	foreign := writeFile(t, t.TempDir(), "agency.tmx", `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header creationtool="Agency CAT" creationtoolversion="9" segtype="sentence" o-tmf="x" adminlang="en-US" srclang="ru-RU" datatype="plaintext"/>
<body>
<tu tuid="17"><tuv xml:lang="RU-ru"><seg>Эксперты продолжат <bpt i="1">&lt;b&gt;</bpt>работу<ept i="1">&lt;/b&gt;</ept>.</seg></tuv><tuv xml:lang="en-GB"><seg>The experts will continue <bpt i="1">&lt;b&gt;</bpt>their work<ept i="1">&lt;/b&gt;</ept>.</seg></tuv></tu>
<tu tuid="18"><tuv xml:lang="ru-RU"><seg>Только русский.</seg></tuv></tu>
</body></tmx>`)
	if code, _, errs := b.run("import", foreign); code != 0 || !strings.Contains(errs, "1 units: 1 added") || !strings.Contains(errs, "1 skipped") {
		t.Fatalf("import of another tool's memory: exit %d\n%s", code, errs)
	}
	dir2 := t.TempDir()
	writeFile(t, dir2, "release.txt", s1+" "+s0+" Эксперты продолжат работу. "+s2+"\n")
	calls := srv.Calls()
	b.ok("run", "--out", filepath.Join(t.TempDir(), "out"), dir2)
	if n := srv.Calls() - calls; n != 0 {
		t.Fatalf("the seeded run made %d calls, want 0", n)
	}
	got := b.pairs("release.txt")
	if len(got) != 4 {
		t.Fatalf("%d pairs", len(got))
	}
	for k, p := range got {
		if p.Origin != bitext.OriginTM {
			t.Fatalf("pair %d origin %q, want tm: %+v", k, p.Origin, p)
		}
	}
	if got[0].EN != want[1].EN || got[1].EN != want[0].EN || got[2].EN != "The experts will continue their work." {
		t.Fatalf("served English: %q %q %q", got[0].EN, got[1].EN, got[2].EN)
	}
	if l := b.ok("pairs", "list", "release.txt"); strings.Count(l, "(tm)") != 4 {
		t.Fatalf("pairs list does not show the origin:\n%s", l)
	}
	x := b.ok("export", "release.txt", "--format", "xliff")
	if strings.Count(x, `state-qualifier="leveraged-tm"`) != 4 {
		t.Fatalf("XLIFF of pairs from an imported memory:\n%s", x)
	}
}
