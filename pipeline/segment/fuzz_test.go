package segment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitext/bitext"
)

// fuzzLangs are the languages a fuzz input is split as (by its lang byte).
var fuzzLangs = []bitext.Lang{bitext.Russian, bitext.English, bitext.Unknown, bitext.Mixed}

// addSeeds adds every corpus case and table case to the fuzz corpus, with
// a few inputs made to hit edges (invalid UTF-8, lone marks, deep
// parentheses, whitespace of every kind).
func addSeeds(f *testing.F, add func(string)) {
	for _, file := range []string{"ru.cases", "en.cases"} {
		cases, _ := loadCorpus(f, file)
		for _, c := range cases {
			add(c.text)
		}
	}
	for _, r := range splitRules {
		add(r.in)
	}
	for _, p := range paragraphCases {
		add(p.in)
	}
	for _, s := range []string{
		"", ".", "…", "...", "?!", "\n", "\n\n", "(", ")", "((((((", "**", "*", "_", "#", "# ", "1.", "1. ", "а)",
		"\xff", "г.\xff", "\xe2\x80", "т.\xe2", "Слово.\xa0Слово", "x.\u2028Y", "A.\u00a0B.", "«.» .", "\t\v\f\r",
		"п. п. п. п.", "т. т. т.", "U. S. A. B.", strings.Repeat("(а. Б. ", 50), strings.Repeat("-\n", 20),
		"**a\n\nb**\nC", "*x\n\n*y\nZ", "1.2.3.4.5. Текст", "II.\nIII.", "\u00a0\n\u00a0\nТ",
	} {
		add(s)
	}
	if files, _ := filepath.Glob(filepath.Join(seedDir, "*.txt")); len(files) > 0 {
		for _, fn := range files {
			if b, err := os.ReadFile(fn); err == nil {
				add(string(b))
			}
		}
	}
}

// FuzzSplit checks that Split never panics and keeps its promises on any
// input: spans in order, within bounds, not overlapping, trimmed, and only
// whitespace left outside them.
func FuzzSplit(f *testing.F) {
	addSeeds(f, func(s string) {
		for i := range fuzzLangs {
			f.Add(s, uint8(i))
		}
	})
	seg := New()
	f.Fuzz(func(t *testing.T, text string, lang uint8) {
		l := fuzzLangs[int(lang)%len(fuzzLangs)]
		checkSpans(t, text, seg.Split(text, l))
	})
}

// FuzzParagraphs checks the same promises for Paragraphs, and that every
// sentence Split finds inside a paragraph stays inside it.
func FuzzParagraphs(f *testing.F) {
	addSeeds(f, func(s string) { f.Add(s) })
	seg := New()
	f.Fuzz(func(t *testing.T, text string) {
		paras := Paragraphs(text)
		checkSpans(t, text, paras)
		for _, p := range paras {
			para := text[p.Start:p.End]
			checkSpans(t, para, seg.Split(para, bitext.Unknown))
		}
	})
}
