package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext/endpoint/fake"
)

// sharedBench locates the shared benchmark folder: $BITEXT_SHARED/bench or
// ../shared/bench next to the module root.
func sharedBench(t *testing.T) string {
	t.Helper()
	dirs := []string{"../../../shared/bench"}
	if s := os.Getenv("BITEXT_SHARED"); s != "" {
		dirs = append([]string{filepath.Join(s, "bench")}, dirs...)
	}
	for _, d := range dirs {
		if st, err := os.Stat(filepath.Join(d, "align", "score.py")); err == nil && !st.IsDir() {
			abs, err := filepath.Abs(d)
			if err != nil {
				t.Fatal(err)
			}
			return abs
		}
	}
	t.Skip("shared benchmark data not found (set BITEXT_SHARED)")
	return ""
}

// TestEvalAlignMatchesScorePy runs `bitext eval align` on every shipped set
// and the benchmark's score.py on the same predictions; the two tables must
// be identical.
func TestEvalAlignMatchesScorePy(t *testing.T) {
	bench := sharedBench(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	for _, set := range []string{"textberg-defr-dev", "textberg-defr-test", "parice-en-is"} {
		for _, noMT := range []bool{false, true} {
			if noMT && set == "parice-en-is" {
				continue // no MT there anyway
			}
			t.Run(set, func(t *testing.T) {
				dir := filepath.Join(bench, "align", set)
				out := t.TempDir()
				args := []string{"eval", "align", "--out", out, dir}
				if noMT {
					args = append(args, "--no-mt")
				}
				code, got, errOut := runCLI(t, filepath.Join(t.TempDir(), "x.db"), "", args...)
				if code != 0 {
					t.Fatalf("eval align: exit %d: %s", code, errOut)
				}
				py, err := exec.Command("python3", filepath.Join(bench, "align", "score.py"), dir, out).CombinedOutput()
				if err != nil {
					t.Fatalf("score.py: %v: %s", err, py)
				}
				if strings.TrimSpace(got) != strings.TrimSpace(string(py)) {
					t.Errorf("bitext eval align printed\n%s\nscore.py printed\n%s", got, py)
				}
			})
		}
	}
}

// TestEvalAlignBothDirections checks that --both-directions reads the
// sets' tgt_mt.txt and refuses --no-mt.
func TestEvalAlignBothDirections(t *testing.T) {
	bench := sharedBench(t)
	dir := filepath.Join(bench, "align", "textberg-defr-dev")
	db := filepath.Join(t.TempDir(), "x.db")
	code, out, errOut := runCLI(t, db, "", "eval", "align", "--both-directions", dir)
	if code != 0 || !strings.Contains(out, "F1") {
		t.Fatalf("eval align --both-directions: exit %d, out %q, stderr %s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, db, "", "eval", "align", "--both-directions", "--no-mt", dir); code != exitUsage {
		t.Errorf("--both-directions --no-mt: exit %d, want %d", code, exitUsage)
	}
}

func TestAlignPresplit(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	src := write("src.txt", "Заседание открылось в 10:00.\nНа нём выступили 12 делегаций, включая делегацию России.\nСледующее заседание пройдёт 5 мая.\n")
	tgt := write("tgt.txt", "The meeting opened at 10:00.\nTwelve delegations spoke.\nRussia's was among them.\nThe next meeting will be held on 5 May.\n")
	mt := write("mt.txt", "The meeting opened at 10:00.\n12 delegations spoke at it, including the delegation of Russia.\nThe next meeting will take place on 5 May.\n")
	code, out, errOut := runCLI(t, filepath.Join(dir, "x.db"), "", "align", "--presplit", src, tgt, "--mt", mt)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if want := "[0]:[0]\n[1]:[1, 2]\n[2]:[3]\n"; out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	code, out, _ = runCLI(t, filepath.Join(dir, "x.db"), "", "align", "--presplit", "--scores", src, tgt)
	if code != 0 || strings.Count(out, ":") != 2*strings.Count(out, "\n") {
		t.Errorf("--scores: exit %d, output %q: want a cost on every line", code, out)
	}
	short := write("short.txt", "One line.\n")
	if code, _, _ := runCLI(t, filepath.Join(dir, "x.db"), "", "align", "--presplit", src, tgt, "--mt", short); code != exitUsage {
		t.Errorf("--mt with the wrong number of lines: exit %d, want %d", code, exitUsage)
	}
	tgtMT := write("tgt_mt.txt", "Заседание открылось в 10:00.\nВыступили двенадцать делегаций.\nРоссийская была среди них.\nСледующее заседание пройдёт 5 мая.\n")
	code, out, errOut = runCLI(t, filepath.Join(dir, "x.db"), "", "align", "--presplit", src, tgt, "--mt", mt, "--tgt-mt", tgtMT)
	if code != 0 {
		t.Fatalf("--tgt-mt: exit %d: %s", code, errOut)
	}
	if want := "[0]:[0]\n[1]:[1, 2]\n[2]:[3]\n"; out != want {
		t.Errorf("--tgt-mt: got\n%s\nwant\n%s", out, want)
	}
	if code, _, _ := runCLI(t, filepath.Join(dir, "x.db"), "", "align", "--presplit", src, tgt, "--tgt-mt", short); code != exitUsage {
		t.Errorf("--tgt-mt with the wrong number of lines: exit %d, want %d", code, exitUsage)
	}
	// Files that are not UTF-8 text are refused, not aligned as they are.
	for _, bad := range []struct{ name, text, want string }{
		{"cp1251.txt", "Заседание.\n\xc7\xe0\xf1\xe5\xe4\xe0\xed\xe8\xe5.\n", "cp1251.txt: line 2 is not valid UTF-8"},
		{"binary.txt", "PNG\x00\x01\x02\n", "binary.txt: line 1 has NUL bytes"},
	} {
		p := write(bad.name, bad.text)
		for _, args := range [][]string{{p, tgt}, {src, p}, {src, tgt, "--mt", p}} {
			code, _, errOut := runCLI(t, filepath.Join(dir, "x.db"), "", append([]string{"align", "--presplit"}, args...)...)
			if code != exitUsage || !strings.Contains(errOut, bad.want) {
				t.Errorf("align --presplit %v: exit %d, want %d and %q: %s", args, code, exitUsage, bad.want, errOut)
			}
		}
	}
}

func TestAlignRawSave(t *testing.T) {
	dir := t.TempDir()
	ru := filepath.Join(dir, "ru.txt")
	en := filepath.Join(dir, "en.txt")
	os.WriteFile(ru, []byte("Заявление МИД России.\n\nВ 2024 году в Женеве прошли 3 встречи. Их итоги опубликованы.\n"), 0o644)
	os.WriteFile(en, []byte("Statement by the Russian Foreign Ministry.\n\nIn 2024 three meetings were held in Geneva. Their results have been published.\n"), 0o644)
	db := filepath.Join(dir, "a.db")
	code, out, errOut := runCLI(t, db, "", "align", "--save", ru, en)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "[0]:[0]\t") || !strings.Contains(lines[1], "Женеве") || !strings.Contains(lines[1], "Geneva") {
		t.Errorf("unexpected pairs:\n%s", out)
	}
	if code, out, _ := runCLI(t, db, "", "align", "--json", ru, en); code != 0 || !strings.Contains(out, `"ru":"Заявление МИД России."`) {
		t.Errorf("--json: exit %d, %s", code, out)
	}
}

func TestAlignEmbeddings(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.txt")
	tgt := filepath.Join(dir, "tgt.txt")
	os.WriteFile(src, []byte("Первое предложение про 2024 год.\nВторое предложение.\n"), 0o644)
	os.WriteFile(tgt, []byte("The first sentence about 2024.\nThe second sentence.\n"), 0o644)
	db := filepath.Join(dir, "e.db")
	t.Setenv("OPENAI_BASE_URL", "")
	t.Setenv("BITEXT_EMBED_MODEL", "")
	if code, _, errOut := runCLI(t, db, "", "align", "--presplit", "--embeddings", src, tgt); code != exitUsage || !strings.Contains(errOut, "BITEXT_EMBED_MODEL") {
		t.Errorf("--embeddings without an endpoint: exit %d (want %d), stderr %q", code, exitUsage, errOut)
	}
	srv := fake.New(fake.Options{})
	defer srv.Close()
	t.Setenv("OPENAI_BASE_URL", srv.BaseURL())
	t.Setenv("OPENAI_API_KEY", "test")
	t.Setenv("BITEXT_EMBED_MODEL", "embed-1")
	code, out, errOut := runCLI(t, db, "", "align", "--presplit", "--embeddings", src, tgt)
	if code != 0 || strings.Count(out, "\n") < 2 {
		t.Fatalf("--embeddings with the fake endpoint: exit %d, out %q, stderr %s", code, out, errOut)
	}
	if srv.OtherCalls() == 0 {
		t.Error("--embeddings never called the endpoint")
	}
}

// TestEvalAlignEmbeddings runs eval align --embeddings against the fake
// endpoint on a small set: the endpoint is asked once per document, a
// zero weight leaves the scores of the plain run, and bad settings are
// usage errors.
func TestEvalAlignEmbeddings(t *testing.T) {
	set := t.TempDir()
	for _, doc := range []string{"a", "b"} {
		dir := filepath.Join(set, doc)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, text := range map[string]string{
			"src.txt":  "Заседание открылось в 10:00.\nНа нём выступили 12 делегаций.\nСледующее заседание пройдёт 5 мая.\n",
			"tgt.txt":  "The meeting opened at 10:00.\nTwelve delegations spoke.\nThe next meeting will be held on 5 May.\n",
			"gold.txt": "[0]:[0]\n[1]:[1]\n[2]:[2]\n",
		} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	db := filepath.Join(t.TempDir(), "e.db")
	t.Setenv("OPENAI_BASE_URL", "")
	t.Setenv("BITEXT_EMBED_MODEL", "")
	if code, _, errOut := runCLI(t, db, "", "eval", "align", "--embeddings", set); code != exitUsage || !strings.Contains(errOut, "BITEXT_EMBED_MODEL") {
		t.Errorf("--embeddings without an endpoint: exit %d (want %d), stderr %q", code, exitUsage, errOut)
	}
	code, plain, errOut := runCLI(t, db, "", "eval", "align", set)
	if code != 0 {
		t.Fatalf("eval align: exit %d: %s", code, errOut)
	}
	srv := fake.New(fake.Options{})
	defer srv.Close()
	t.Setenv("OPENAI_BASE_URL", srv.BaseURL())
	t.Setenv("OPENAI_API_KEY", "test")
	t.Setenv("BITEXT_EMBED_MODEL", "embed-1")
	code, out, errOut := runCLI(t, db, "", "eval", "align", "--embeddings", "--embed-weight", "0", set)
	if code != 0 {
		t.Fatalf("eval align --embeddings: exit %d: %s", code, errOut)
	}
	if n := srv.OtherCalls(); n != 2 {
		t.Errorf("%d embeddings requests for 2 documents, want 2", n)
	}
	if out != plain {
		t.Errorf("--embed-weight 0 changed the scores:\n%s\nwithout embeddings:\n%s", out, plain)
	}
	if code, _, errOut := runCLI(t, db, "", "eval", "align", "--embed-weight", "2", set); code != exitUsage || !strings.Contains(errOut, "add --embeddings") {
		t.Errorf("--embed-weight without --embeddings: exit %d (want %d), stderr %q", code, exitUsage, errOut)
	}
	if code, _, errOut := runCLI(t, db, "", "eval", "align", "--embeddings", "--embed-weight", "-1", set); code != exitUsage || !strings.Contains(errOut, "--embed-weight") {
		t.Errorf("--embed-weight -1: exit %d (want %d), stderr %q", code, exitUsage, errOut)
	}
}
