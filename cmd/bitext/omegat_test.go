package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint/fake"
	"github.com/bitext/bitext/format/tmx"
)

// omegat finds OmegaT (see outsideTool).
func omegat(t *testing.T) string {
	return outsideTool(t, "Debian's OmegaT (apt-get install omegat)", "omegat")
}

// omegatProjectXML is the omegat.project OmegaT 3.6 reads (its JAXB
// class gen.core.project.Project requires version 1.0 and every element
// here but the three booleans; source_dir_excludes and external_command
// may be left out): folders at their defaults, Russian into English,
// segmented by sentences. Console mode creates no project of its own (on
// an empty folder it stops with "Unable to read project file!").
const omegatProjectXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>ru</source_lang>
    <target_lang>en</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneRussianTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
`

// omegatGlossary is what the fake endpoint writes for the glossary terms
// of the release (in the forms the release uses), so that its English
// carries the terms the built-in glossary requires, the pairs verify and
// all of them can be approved.
var omegatGlossary = map[string]string{
	"международной информационной безопасности":              "international information security",
	"Департамента международной информационной безопасности": "Department of International Information Security",
	"Специальный представитель Президента Российской Федерации по вопросам международного сотрудничества в области информационной безопасности": "Special Representative of the President of the Russian Federation for International Cooperation on Information Security",
	"Рабочей группы ООН открытого состава по вопросам безопасности в сфере использования ИКТ и самих ИКТ":                                       "UN Open-ended Working Group on security of and in the use of ICTs",
	"использованию ИКТ в преступных целях": "use of ICTs for criminal purposes",
	"Международном союзе электросвязи":     "International Telecommunication Union",
	"министерства иностранных дел":         "Ministry of Foreign Affairs",
	"Специального комитета":                "Ad Hoc Committee",
	"мер укрепления доверия":               "confidence-building measures",
	"МИД России":           "Russian Foreign Ministry",
	"Российской Федерации": "Russian Federation",
	"ООН":   "UN",
	"ИКТ":   "ICTs",
	"МИБ":   "international information security",
	"БРИКС": "BRICS",
	"ШОС":   "SCO",
}

// runOmegaT runs OmegaT 3.6 in a console mode on a project and fails on
// what it reports only in its output and log: it exits 0 after most
// errors (an unreadable memory included), so an exit code proves little.
// Console mode needs no display and no -Djava.awt.headless.
func runOmegaT(t *testing.T, bin, proj, cfg string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{proj, "--config-dir=" + cfg, "--no-team"}, args...)...)
	out, err := cmd.CombinedOutput()
	logText, _ := os.ReadFile(filepath.Join(cfg, "logs", "OmegaT.log"))
	all := string(out) + "\n" + string(logText)
	var bad []string
	for _, l := range strings.Split(all, "\n") {
		if strings.Contains(l, "Error:") || strings.Contains(l, "Exception") {
			bad = append(bad, l)
		}
	}
	if strings.Contains(all, "NullPointerException") {
		t.Fatalf("omegat %s threw NullPointerException (a memory without srclang is dropped so):\n%s", strings.Join(args, " "), strings.Join(bad, "\n"))
	}
	if err != nil || len(bad) > 0 {
		t.Fatalf("omegat %s: %v\n%s", strings.Join(args, " "), err, strings.Join(bad, "\n"))
	}
	return all
}

// projectStat reads a row of OmegaT's project_stats.txt ("Total:",
// "Remaining:"): its first column, the segments.
func projectStat(t *testing.T, stats, row string) int {
	t.Helper()
	for _, l := range strings.Split(stats, "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == row {
			n, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("project_stats.txt: %q: %v", l, err)
			}
			return n
		}
	}
	t.Fatalf("project_stats.txt has no %q row:\n%s", row, stats)
	return 0
}

// TestOmegaTUsesOurTMX: an OmegaT user who puts our TMX of a release in
// tm/auto/ and translates the Russian release gets our English in the
// target file for every segment OmegaT cut as we did. OmegaT segments
// with its own rules (SRX), so the share of its segments we fill is
// measured and logged, not expected to be 100%.
func TestOmegaTUsesOurTMX(t *testing.T) {
	omegatBin := omegat(t)
	srv := fake.New(fake.Options{Glossary: omegatGlossary})
	defer srv.Close()
	b := newBinRunner(t, srv)

	// The release: a title, a date line and four paragraphs, one line each
	// (OmegaT's text filter starts a segment at every line break).
	ru, err := os.ReadFile(filepath.Join("testdata", "omegat", "release.txt"))
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	writeFile(t, in, "release.txt", string(ru))
	b.ok("run", "--out", filepath.Join(t.TempDir(), "out"), in)
	const doc = "release.txt"
	b.ok("pairs", "approve", doc, "--above", "0")
	pairs := b.pairs(doc)
	if len(pairs) != 18 {
		t.Fatalf("%d pairs, want the release's 18 sentences", len(pairs))
	}
	byRU := map[string]bitext.Pair{}
	for _, p := range pairs {
		if p.Status != bitext.StatusApproved || p.EN == "" || hasCyrillic(p.EN) {
			t.Fatalf("pair %d not approved with English: %+v", p.ID, p)
		}
		byRU[p.RU] = p
	}

	// The OmegaT project.
	proj := t.TempDir()
	for _, d := range []string{"source", "target", "tm/auto", "glossary", "dictionary", "omegat"} {
		if err := os.MkdirAll(filepath.Join(proj, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, proj, "omegat.project", omegatProjectXML)
	writeFile(t, filepath.Join(proj, "source"), "release.txt", string(ru))
	tmxPath := filepath.Join(proj, "tm", "auto", "bitext.tmx")
	b.ok("export", doc, "--format", "tmx", "-o", tmxPath)
	units, _, err := readTMXFile(tmxPath)
	if err != nil || len(units) != len(pairs) {
		t.Fatalf("our memory: %d units for %d approved pairs: %v", len(units), len(pairs), err)
	}

	cfg := t.TempDir()
	out := runOmegaT(t, omegatBin, proj, cfg, "--mode=console-translate")
	if !strings.Contains(out, "Reading of TMX file complete") || !strings.Contains(out, "Created by: bitext") {
		t.Fatalf("OmegaT did not read our memory:\n%s", out)
	}
	target, err := os.ReadFile(filepath.Join(proj, "target", "release.txt"))
	if err != nil {
		t.Fatalf("no target file: %v", err)
	}
	stats, err := os.ReadFile(filepath.Join(proj, "omegat", "project_stats.txt"))
	if err != nil {
		t.Fatal(err)
	}
	total := projectStat(t, string(stats), "Total:")
	remaining := projectStat(t, string(stats), "Remaining:")
	filled := total - remaining

	// OmegaT's own segments: its pseudo-translated memory holds every
	// source segment once, with the source as the "translation".
	pseudo := filepath.Join(t.TempDir(), "segments.tmx")
	runOmegaT(t, omegatBin, proj, cfg, "--mode=console-createpseudotranslatetmx",
		"--pseudotranslatetmx="+pseudo, "--pseudotranslatetype=equal")
	segs, _, err := readTMXFile(pseudo)
	if err != nil || len(segs) != total {
		t.Fatalf("OmegaT's segments: %d, project_stats.txt says %d: %v", len(segs), total, err)
	}

	// A segment OmegaT cut as we did is one of our sentences: its target
	// must be our English, as a whole segment of the target file. Any
	// other segment is part of a sentence OmegaT cut in two.
	lines := strings.Split(string(target), "\n")
	inTarget := func(en string) bool {
		for _, l := range lines {
			for i := strings.Index(l, en); i >= 0; i = indexFrom(l, en, i+1) {
				end := i + len(en)
				if (i == 0 || l[i-1] == ' ') && (end == len(l) || l[end] == ' ') {
					return true
				}
			}
		}
		return false
	}
	matched := 0
	cut := map[int64][]string{} // our sentences OmegaT cut, with its pieces
	for _, s := range segs {
		p, ok := byRU[s.RU]
		if !ok {
			owner := int64(0) // none of ours
			for _, q := range pairs {
				if strings.Contains(q.RU, s.RU) {
					owner = q.ID
					break
				}
			}
			cut[owner] = append(cut[owner], s.RU)
			continue
		}
		if !inTarget(p.EN) {
			t.Errorf("OmegaT's segment «%s» is our pair %d, but its English is not in the target:\n%s\ntarget:\n%s", s.RU, p.ID, p.EN, target)
			continue
		}
		matched++
	}
	if len(cut[0]) > 0 {
		t.Errorf("OmegaT segments that are no part of our sentences: %q", cut[0])
	}
	for _, p := range pairs {
		if pieces := cut[p.ID]; len(pieces) > 0 {
			// OmegaT's memory lists segments in no useful order: put the
			// pieces in the order of the sentence.
			slices.SortFunc(pieces, func(a, b string) int { return strings.Index(p.RU, a) - strings.Index(p.RU, b) })
			t.Logf("not matched: pair %d «%s»: OmegaT's rules cut it into %d segments «%s», none of which our memory holds",
				p.ID, p.RU, len(pieces), strings.Join(pieces, "» + «"))
		}
	}
	if matched != filled {
		t.Errorf("%d segments hold our English, OmegaT counts %d of %d translated", matched, filled, total)
	}
	share := float64(matched) / float64(total)
	t.Logf("OmegaT filled %d of its %d segments (%.1f%%) with our English; %d of our %d sentences are whole segments of OmegaT's",
		matched, total, 100*share, matched, len(pairs))
	// Measured with Debian's OmegaT 3.6.0: 15 of 21 segments (71%). Our
	// 18 sentences are all approved and all in the memory; OmegaT's
	// default Russian rules end a sentence at "А.Н. Соколов", "в т.ч. в"
	// and "в г. Бразилиа", so each of those three sentences becomes two
	// segments that no unit of ours matches. The floor of 60% leaves room
	// for one more sentence cut differently by another version's rules
	// (14 of 22 = 64%); a memory OmegaT drops or misreads falls far below.
	if share < 0.60 {
		t.Errorf("OmegaT filled %.1f%% of its segments with our English, want at least 60%%\ntarget:\n%s", 100*share, target)
	}
}

// readTMXFile reads a whole TMX file with our decoder.
func readTMXFile(path string) ([]tmx.TU, tmx.Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, tmx.Stats{}, err
	}
	defer f.Close()
	return tmx.ReadAll(f, tmx.Options{})
}

func indexFrom(s, sub string, from int) int {
	if i := strings.Index(s[from:], sub); i >= 0 {
		return from + i
	}
	return -1
}

func hasCyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}
