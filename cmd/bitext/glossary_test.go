package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// runCLI runs bitext in-process with a fresh database per test.
func runCLI(t *testing.T, db, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--db", db}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestGlossaryCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	seed, err := filepath.Abs("../../data/glossary.csv")
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, db, "", "glossary", "import", seed); code != 0 || !strings.Contains(out, "added") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}

	// match --json: one object per line, byte offsets into the line
	in := "Делегации обсудили МИБ.\n\nРабочая группа ООН открытого состава собралась.\n"
	code, out, errOut := runCLI(t, db, in, "glossary", "match", "--json")
	if code != 0 {
		t.Fatalf("match: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("match printed %d lines, want 3: %q", len(lines), out)
	}
	var first struct {
		Line    int `json:"line"`
		Matches []struct {
			ID, RU, EN, Surface string
			Start, End          int
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	src := "Делегации обсудили МИБ."
	if first.Line != 1 || len(first.Matches) != 1 || first.Matches[0].ID != "iis-abbr" ||
		src[first.Matches[0].Start:first.Matches[0].End] != "МИБ" || first.Matches[0].Surface != "МИБ" {
		t.Errorf("line 1: %+v", first)
	}
	if lines[1] != `{"line":2,"matches":[]}` {
		t.Errorf("empty line: %s", lines[1])
	}

	// check --json
	ru := filepath.Join(dir, "ru.txt")
	en := filepath.Join(dir, "en.txt")
	os.WriteFile(ru, []byte("Делегации обсудили МИБ.\nМИД России выступил с заявлением.\n"), 0o644)
	os.WriteFile(en, []byte("The delegations discussed IIB.\nThe Russian Foreign Ministry made a statement.\n"), 0o644)
	code, out, errOut = runCLI(t, db, "", "glossary", "check", "--src", ru, "--tgt", en, "--json")
	if code != exitPartial {
		t.Fatalf("check with a violation: exit %d, want %d (%s)", code, exitPartial, errOut)
	}
	want := `{"line":1,"violations":[{"id":"iis-abbr","kind":"forbidden","expected":"international information security","found":"IIB"}]}` + "\n" +
		`{"line":2,"violations":[]}` + "\n"
	if out != want {
		t.Errorf("check --json:\n got %s\nwant %s", out, want)
	}
	os.WriteFile(en, []byte("The delegations discussed international information security.\nThe Russian Foreign Ministry made a statement.\n"), 0o644)
	if code, _, errOut := runCLI(t, db, "", "glossary", "check", "--src", ru, "--tgt", en); code != 0 {
		t.Errorf("check of clean English: exit %d (%s)", code, errOut)
	}
	os.WriteFile(en, []byte("one line only\n"), 0o644)
	if code, _, _ := runCLI(t, db, "", "glossary", "check", "--src", ru, "--tgt", en); code != exitUsage {
		t.Errorf("check with unequal files: exit %d, want %d", code, exitUsage)
	}

	// add, edit with a stale version, deprecate, history
	if code, _, errOut := runCLI(t, db, "", "glossary", "add", "--id", "t1", "--ru", "цифровой суверенитет", "--en", "digital sovereignty", "--by", "anna"); code != 0 {
		t.Fatalf("add: %s", errOut)
	}
	if code, _, errOut := runCLI(t, db, "", "glossary", "edit", "t1", "--version", "1", "--note", "checked", "--by", "boris"); code != 0 {
		t.Fatalf("edit: %s", errOut)
	}
	if code, _, errOut := runCLI(t, db, "", "glossary", "edit", "t1", "--version", "1", "--note", "other", "--by", "vera"); code == 0 || !strings.Contains(errOut, "conflict") {
		t.Errorf("stale edit: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, db, "", "glossary", "deprecate", "t1", "--by", "vera"); code != 0 {
		t.Fatalf("deprecate: %s", errOut)
	}
	code, out, _ = runCLI(t, db, "", "glossary", "history", "t1")
	if code != 0 || !strings.Contains(out, "add") || !strings.Contains(out, "boris") || !strings.Contains(out, `"checked"`) || !strings.Contains(out, "deprecate") {
		t.Errorf("history: %q", out)
	}
	code, out, _ = runCLI(t, db, "", "glossary", "list", "--status", "deprecated", "--json")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"id":"t1"`) {
		t.Errorf("list deprecated: %q", out)
	}
	code, out, _ = runCLI(t, db, "", "glossary", "show", "t1")
	if code != 0 || !strings.Contains(out, "digital sovereignty") || !strings.Contains(out, "version 3") {
		t.Errorf("show: %q", out)
	}
	if code, _, errOut := runCLI(t, db, "", "glossary", "rm", "t1"); code != 0 {
		t.Fatalf("rm: %s", errOut)
	}

	// export → import into a new database round-trips
	for _, f := range []string{"csv", "tsv", "tbx"} {
		file := filepath.Join(dir, "out."+f)
		if code, _, errOut := runCLI(t, db, "", "glossary", "export", "--format", f, "-o", file); code != 0 {
			t.Fatalf("export %s: %s", f, errOut)
		}
		db2 := filepath.Join(dir, f+".db")
		code, out, errOut := runCLI(t, db2, "", "glossary", "import", file)
		if code != 0 || !strings.Contains(out, " 0 invalid") {
			t.Fatalf("re-import %s: %d %q %q", f, code, out, errOut)
		}
		_, a, _ := runCLI(t, db, "", "glossary", "export", "--format", "csv")
		_, b, _ := runCLI(t, db2, "", "glossary", "export", "--format", "csv")
		if a != b {
			t.Errorf("%s round trip changed the glossary", f)
		}
	}

	// all-or-nothing import with line numbers
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("id,ru,en\nn1,новый термин,new term\nn2,,missing\n"), 0o644)
	code, _, errOut = runCLI(t, db, "", "glossary", "import", bad)
	if code == 0 || !strings.Contains(errOut, "line 3") || !strings.Contains(errOut, "nothing imported") {
		t.Errorf("bad import: %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, db, "", "glossary", "show", "n1"); code == 0 {
		t.Error("a row of a failed import was stored")
	}
	code, _, _ = runCLI(t, db, "", "glossary", "import", "--skip-invalid", bad)
	if code != exitPartial {
		t.Errorf("--skip-invalid: exit %d, want %d", code, exitPartial)
	}
	if code, _, _ := runCLI(t, db, "", "glossary", "show", "n1"); code != 0 {
		t.Error("--skip-invalid did not import the good row")
	}
}

// TestGlossaryMatchCheckBadInput: text that is not UTF-8 would match
// nothing and pass unnoticed, so it is refused with the file and line; a
// missing file or a directory says what to do.
func TestGlossaryMatchCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	gl := filepath.Join(dir, "g.csv")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("g.csv", "id,ru,en\nict,ИКТ,ICTs\n")
	ru := write("ru.txt", "Стороны обсудили ИКТ.\n")
	cp1251 := write("cp1251.txt", "Good line.\n\xc8\xca\xd2\n")
	nul := write("nul.txt", "ИКТ\x00\n")
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"utf-8 with a byte order mark", "", []string{"match", write("bom.txt", "\ufeffИКТ\n")}, exitOK, "1:0-6"},
		{"windows-1251", "", []string{"match", cp1251}, exitUsage, "cp1251.txt: line 2 is not valid UTF-8"},
		{"windows-1251 on stdin", "\xc8\xca\xd2\n", []string{"match"}, exitUsage, "standard input: line 1 is not valid UTF-8"},
		{"NUL bytes", "", []string{"match", nul}, exitUsage, "nul.txt: line 1 has NUL bytes"},
		{"missing file", "", []string{"match", filepath.Join(dir, "nope.txt")}, exitUsage, "nope.txt: does not exist"},
		{"directory", "", []string{"match", dir}, exitUsage, "is a directory"},
		{"check: windows-1251 English", "", []string{"check", "--src", ru, "--tgt", cp1251}, exitUsage, "line 2 is not valid UTF-8"},
		{"missing glossary", "", []string{"match", "--glossary", filepath.Join(dir, "nope.csv"), ru}, exitUsage, "--glossary: " + filepath.Join(dir, "nope.csv") + ": does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"glossary"}, tc.args...)
			if !strings.Contains(strings.Join(tc.args, " "), "--glossary") {
				args = append(args, "--glossary", gl)
			}
			code, out, errOut := runCLI(t, db, tc.stdin, args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d, want %d; output should contain %q:\n%s%s", code, tc.code, tc.want, out, errOut)
			}
		})
	}
}

// TestGlossaryImportOlderExport: export, a colleague edits an entry, the
// older export is imported: the colleague's edit stays, the row is listed
// as a conflict with both contents and the import exits 1; --force
// overwrites it.
func TestGlossaryImportOlderExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	old := filepath.Join(dir, "old.csv")
	if code, _, errb := cli(t, "", "--db", db, "glossary", "export", "-o", old); code != 0 {
		t.Fatalf("export: %d %s", code, errb)
	}
	show := func() (int64, string) {
		t.Helper()
		code, out, errb := cli(t, "", "--db", db, "glossary", "show", "--json", "mod")
		if code != 0 {
			t.Fatalf("show: %d %s", code, errb)
		}
		var e struct {
			Version int64  `json:"version"`
			Note    string `json:"note"`
		}
		if err := json.Unmarshal([]byte(out), &e); err != nil {
			t.Fatal(err)
		}
		return e.Version, e.Note
	}
	v, _ := show()
	if code, _, errb := cli(t, "", "--db", db, "glossary", "edit", "--version", fmt.Sprint(v), "--note", "the colleague's note", "mod"); code != 0 {
		t.Fatalf("edit: %d %s", code, errb)
	}
	code, out, errb := cli(t, "", "--db", db, "glossary", "import", old)
	if code != exitPartial || !strings.Contains(out, "1 conflicts") || !strings.Contains(errb, "conflict: mod") ||
		!strings.Contains(errb, "the colleague's note") {
		t.Errorf("import of the older export: exit %d\n%s\n%s", code, out, errb)
	}
	if _, note := show(); note != "the colleague's note" {
		t.Errorf("the colleague's edit was reverted: note %q", note)
	}
	if code, _, errb := cli(t, "", "--db", db, "glossary", "import", "--force", old); code != 0 {
		t.Fatalf("import --force: %d %s", code, errb)
	}
	if _, note := show(); note != "" {
		t.Errorf("--force did not import the file's row: note %q", note)
	}
}

// TestGlossaryFilesFromSpreadsheets: a semicolon-separated CSV saved in
// windows-1251 with a BOM-less header imports; cells a spreadsheet would
// run as formulas are exported with a leading apostrophe and come back
// as they were.
func TestGlossaryFilesFromSpreadsheets(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	csv1251, err := charmap.Windows1251.NewEncoder().String("id;ru;en;forbidden_en;note\nsanctions;односторонние санкции;unilateral sanctions;one-sided sanctions;Термин ООН\nformula;формула;=SUM(A1:A2);@risk|+1;-не трогать\n")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "terms.csv")
	if err := os.WriteFile(path, []byte(csv1251), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errb := cli(t, "", "--db", db, "glossary", "import", path); code != 0 || !strings.Contains(out, "2 added") {
		t.Fatalf("import: %d\n%s\n%s", code, out, errb)
	}
	code, out, _ := cli(t, "", "--db", db, "glossary", "show", "--json", "sanctions")
	if code != 0 || !strings.Contains(out, "односторонние санкции") || !strings.Contains(out, "Термин ООН") {
		t.Errorf("show sanctions: %s", out)
	}
	export := filepath.Join(dir, "out.csv")
	if code, _, errb := cli(t, "", "--db", db, "glossary", "export", "-o", export); code != 0 {
		t.Fatalf("export: %s", errb)
	}
	b, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"'=SUM(A1:A2)", "'@risk|+1", "'-не трогать"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("export lacks the defused cell %q:\n%s", want, b)
		}
	}
	// Importing the export into a new database gives the cells back.
	db2 := filepath.Join(dir, "t2.db")
	if code, _, errb := cli(t, "", "--db", db2, "glossary", "import", export); code != 0 {
		t.Fatalf("import of the export: %s", errb)
	}
	code, out, _ = cli(t, "", "--db", db2, "glossary", "show", "--json", "formula")
	var e struct {
		EN        string   `json:"en"`
		Forbidden []string `json:"forbidden_en"`
		Note      string   `json:"note"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil || code != 0 {
		t.Fatalf("show formula: %v %s", err, out)
	}
	if e.EN != "=SUM(A1:A2)" || len(e.Forbidden) != 2 || e.Forbidden[0] != "@risk" || e.Note != "-не трогать" {
		t.Errorf("round trip: %+v", e)
	}
}

// TestGlossaryExportFormatFromName: -o FILE.tbx writes TBX, FILE.tsv TSV.
func TestGlossaryExportFormatFromName(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	for name, want := range map[string]string{"g.tbx": "<martif", "g.tsv": "id\tru\ten", "g.csv": "id,ru,en"} {
		out := filepath.Join(dir, name)
		if code, _, errb := cli(t, "", "--db", db, "glossary", "export", "-o", out); code != 0 {
			t.Fatalf("export -o %s: %s", name, errb)
		}
		b, err := os.ReadFile(out)
		if err != nil || !strings.Contains(string(b[:min(len(b), 200)]), want) {
			t.Errorf("export -o %s: %v %.80q, want %q", name, err, b, want)
		}
	}
}

// TestGlossaryEditOneItem: edit adds or removes one variant or forbidden
// rendering without restating the list; removing one it lacks is refused.
func TestGlossaryEditOneItem(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	code, out, errb := cli(t, "", "--db", db, "glossary", "edit", "--json", "mod", "--add-forbidden", "Defence Ministry of Russia",
		"--remove-forbidden", "minoborony", "--add-en-variant", "MoD", "--remove-en-variant", "Defense Ministry")
	if code != 0 {
		t.Fatalf("edit: %d %s", code, errb)
	}
	var e struct {
		ENVariants []string `json:"en_variants"`
		Forbidden  []string `json:"forbidden_en"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err)
	}
	if strings.Join(e.Forbidden, "|") != "Ministry of Defence Affairs|Defence Ministry of Russia" ||
		strings.Join(e.ENVariants, "|") != "Defence Ministry|Ministry of Defense|MoD" {
		t.Errorf("after the edit: %+v", e)
	}
	if code, _, errb := cli(t, "", "--db", db, "glossary", "edit", "mod", "--remove-forbidden", "no such"); code != exitUsage || !strings.Contains(errb, "Defence Ministry of Russia") {
		t.Errorf("removing a missing item: exit %d %s", code, errb)
	}
}

// TestGlossaryListFits: the table fits 100 columns (in characters, Russian
// included), cutting long cells with …; --columns chooses what it shows.
func TestGlossaryListFits(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	code, out, errb := cli(t, "", "--db", db, "glossary", "list")
	if code != 0 {
		t.Fatalf("list: %d %s", code, errb)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 50 || !strings.Contains(out, "…") {
		t.Fatalf("list: %d lines, none cut:\n%s", len(lines), out)
	}
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > 100 {
			t.Errorf("%d characters: %s", n, l)
		}
	}
	code, out, _ = cli(t, "", "--db", db, "glossary", "list", "--columns", "id,forbidden", "--width", "0", "--text", "МИБ")
	if code != 0 || !strings.HasPrefix(out, "ID") || !strings.Contains(out, "IIB | IIS") {
		t.Errorf("list --columns id,forbidden: %s", out)
	}
	if code, _, errb := cli(t, "", "--db", db, "glossary", "list", "--columns", "colour"); code != exitUsage || !strings.Contains(errb, "colour") {
		t.Errorf("unknown column: %d %s", code, errb)
	}
}

// TestGlossaryHelpHasExamples: every glossary subcommand's --help shows
// examples; list flags keep commas inside a value.
func TestGlossaryHelpHasExamples(t *testing.T) {
	for _, c := range []string{"add", "edit", "deprecate", "rm", "list", "show", "history", "import", "export", "match", "check"} {
		_, out, errb := cli(t, "", "glossary", c, "--help")
		if !strings.Contains(out+errb, "Examples:") || !strings.Contains(out+errb, "bitext glossary "+c) {
			t.Errorf("glossary %s --help has no examples:\n%s%s", c, out, errb)
		}
	}
	db := filepath.Join(t.TempDir(), "t.db")
	code, out, errb := cli(t, "", "--db", db, "glossary", "add", "--json", "--ru", "меры доверия", "--en", "confidence-building measures",
		"--forbidden", "measures of trust, confidence")
	if code != 0 || !strings.Contains(out, `"measures of trust, confidence"`) {
		t.Errorf("a forbidden rendering with a comma: %d %s %s", code, out, errb)
	}
}
