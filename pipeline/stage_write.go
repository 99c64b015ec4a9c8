package pipeline

// The write stage: a document's outputs, NAME.en.txt and NAME.pairs.json
// and .tsv, are written from a sequence of pairs (iter.Seq[Pair]), one at a
// time, so that a document of hundreds of thousands of sentences is never
// held in memory as text or JSON. Each file is written through a temporary
// file and a rename (files.go).

import (
	"bufio"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/pipeline/translate"
)

// PairsFile is the content of NAME.pairs.json: the document's stored
// pairs, each with its bead spelled out.
type PairsFile struct {
	Document string     `json:"document"`
	Source   string     `json:"source"`
	English  string     `json:"english,omitempty"` // the human translation, for aligned pairs
	Pairs    []FilePair `json:"pairs"`
}

// FilePair is a pair as NAME.pairs.json holds it: its bead ("[3, 4]:[3]")
// and the pair's own fields.
type FilePair struct {
	Bead string `json:"bead"`
	bitext.Pair
}

// writeEnglishFile writes the English text of doc to path from its pairs
// (see writeEnglish) and returns the paragraphs it withheld.
func writeEnglishFile(path string, doc *bitext.Document, pairs []bitext.Pair) ([]int, error) {
	var withheld []int
	err := writeFileWith(path, func(w *bufio.Writer) error {
		var err error
		withheld, err = writeEnglish(w, doc, pairs)
		return err
	})
	return withheld, err
}

// anchor is the sentence of a translated document where a pair's English
// goes: the first sentence whose English it holds (Tgt numbers the Russian
// sentences the English renders), or its first Russian sentence when it
// holds none.
func anchor(p *bitext.Pair) int {
	if len(p.Tgt) > 0 {
		return p.Tgt[0]
	}
	if len(p.Src) > 0 {
		return p.Src[0]
	}
	return -1
}

// writeEnglish writes the English text of a translated document, paragraph
// by paragraph, from its pairs: each pair's English where its anchor
// sentence stands, nothing for the other sentences it holds, and for a
// sentence no pair holds a marker, never the Russian. It returns the
// paragraphs it withheld: taken for English, they hold Cyrillic, which is
// never copied into the English.
func writeEnglish(w *bufio.Writer, doc *bitext.Document, pairs []bitext.Pair) ([]int, error) {
	at := make(map[int][]int, len(pairs)) // anchor sentence → pairs
	held := make(map[int]bool, len(pairs))
	for k := range pairs {
		p := &pairs[k]
		at[anchor(p)] = append(at[anchor(p)], k)
		for _, s := range p.Src {
			held[s] = true
		}
		for _, s := range p.Tgt {
			held[s] = true
		}
	}
	var withheld []int
	for pi, para := range doc.Paragraphs {
		if pi > 0 {
			w.WriteString("\n\n")
		}
		first := true
		for _, s := range para.Sentences {
			ks := at[s.Index]
			if len(ks) == 0 && held[s.Index] {
				continue // its English is written with its pair's anchor
			}
			if len(ks) == 0 {
				ks = []int{-1}
			}
			for _, k := range ks {
				var p *bitext.Pair
				if k >= 0 {
					p = &pairs[k]
				}
				if !first {
					w.WriteByte(' ')
				}
				first = false
				if writeSentence(w, s, para.Lang, p) && (len(withheld) == 0 || withheld[len(withheld)-1] != pi) {
					withheld = append(withheld, pi)
				}
			}
		}
	}
	_, err := w.WriteString("\n")
	return withheld, err
}

// Reasons a sentence passed through is withheld.
const reasonCyrillicEnglish = "its paragraph was taken for English but holds Cyrillic"

// writeSentence writes the English of sentence s of a paragraph in lang
// from its pair (nil: none). It returns true when it withheld the
// sentence: taken for English, it holds Cyrillic.
func writeSentence(w *bufio.Writer, s bitext.Sentence, lang bitext.Lang, p *bitext.Pair) (withheld bool) {
	switch {
	case p == nil && lang == bitext.English && hasCyrillic(s.Text):
		// The last guard: never Russian in the English. Detection makes
		// such paragraphs Russian; this is reached only when it could not
		// (several configured languages written in Cyrillic).
		fmt.Fprintf(w, "[untranslated sentence %d: %s]", s.Index+1, reasonCyrillicEnglish)
		return true
	case p == nil && lang == bitext.English: // as it is
		writeOneLine(w, s.Text)
	case p == nil: // not tracked (its row was lost): never the Russian
		fmt.Fprintf(w, "[sentence %d not translated yet]", s.Index+1)
	case p.Status == bitext.StatusRejected:
		fmt.Fprintf(w, "[sentence %d rejected in review: it waits for a new translation]", s.Index+1)
	case p.State == bitext.StateFailed:
		fmt.Fprintf(w, "[untranslated sentence %d: %s]", s.Index+1, oneLine(p.Reason))
		return p.Origin == bitext.OriginSource && p.Reason == reasonCyrillicEnglish
	case p.State.Done() && strings.TrimSpace(p.EN) == "" && len(p.Src) > 0:
		fmt.Fprintf(w, "[sentence %d has no English: a review left it without]", s.Index+1)
	case p.State.Done():
		writeOneLine(w, p.EN)
	default:
		fmt.Fprintf(w, "[sentence %d not translated yet]", s.Index+1)
	}
	return false
}

// writeOneLine writes oneLine(s) without building it.
func writeOneLine(w *bufio.Writer, s string) {
	first := true
	for f := range strings.FieldsSeq(translate.StripControls(s)) {
		if !first {
			w.WriteByte(' ')
		}
		first = false
		w.WriteString(f)
	}
}

// outName is the base of a document's outputs under the output folder:
// stable per input and unique within the run (see outputNames).
func (j *Job) outName(doc *bitext.Document) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	if n, ok := j.outNames[pathKey(doc.Path)]; ok {
		return n
	}
	return outBase(doc.Path)
}

// noteReplaced notes in dr (and logs) that the outputs at base, which the
// document is about to write, hold another input's outputs from an
// earlier run into the same folder: a run over another folder with the
// same file names would otherwise replace them without a word.
func (j *Job) noteReplaced(dr *DocReport, base, source string) {
	prev := previousSource(filepath.Join(j.Config.OutDir, base+".pairs.json"))
	if prev == "" || samePath(prev, source) {
		return
	}
	note := fmt.Sprintf("replaced the outputs %s.* that an earlier run wrote for %s (give each folder its own --out, or run them together, to keep both)",
		filepath.ToSlash(base), prev)
	dr.Note = joinNotes(dr.Note, note)
	if j.Log != nil {
		j.Log.Warn("outputs of another input replaced", "outputs", filepath.Join(j.Config.OutDir, base)+".*", "were", prev, "now", source)
	}
}

// previousSource returns the source named by an existing pairs file, or
// "" when there is none or it cannot be read. It reads only up to the
// "source" field, which comes before the pairs.
func previousSource(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return ""
		}
		switch t {
		case "source":
			var src string
			if dec.Decode(&src) != nil {
				return ""
			}
			return src
		case "pairs":
			return ""
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

// samePath reports whether a and b name the same file.
func samePath(a, b string) bool {
	if pathKey(a) == pathKey(b) {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// joinNotes joins notes with "; ", leaving out empty ones.
func joinNotes(notes ...string) string {
	var keep []string
	for _, n := range notes {
		if n != "" {
			keep = append(keep, n)
		}
	}
	return strings.Join(keep, "; ")
}

// writePairs writes NAME.pairs.json (head, with the pairs in its "pairs"
// field, exactly as json.MarshalIndent would write it) and NAME.pairs.tsv,
// one pair at a time.
func (j *Job) writePairs(base string, head PairsFile, pairs iter.Seq[bitext.Pair]) ([]string, error) {
	jsonPath := filepath.Join(j.Config.OutDir, base+".pairs.json")
	tsvPath := filepath.Join(j.Config.OutDir, base+".pairs.tsv")
	jf, err := createAtomic(jsonPath)
	if err != nil {
		return nil, err
	}
	tf, err := createAtomic(tsvPath)
	if err != nil {
		jf.abort()
		return nil, err
	}
	if err := writePairsTo(jf.w, tf.w, head, pairs); err != nil {
		jf.abort()
		tf.abort()
		return nil, err
	}
	// Both are written out before either replaces its old version, so
	// that a full disk never leaves a new JSON beside an old TSV.
	if err := jf.finish(); err != nil {
		tf.abort()
		return nil, err
	}
	if err := tf.finish(); err != nil {
		os.Remove(jf.f.Name())
		return nil, err
	}
	if err := jf.place(); err != nil {
		os.Remove(tf.f.Name())
		return nil, err
	}
	if err := tf.place(); err != nil {
		return []string{jsonPath}, err
	}
	return []string{jsonPath, tsvPath}, nil
}

// writePairsTo writes the pairs file as JSON to jw and as TSV to tw. The
// JSON is what json.MarshalIndent(head with the pairs, "", "  ") gives,
// built pair by pair.
func writePairsTo(jw, tw *bufio.Writer, head PairsFile, pairs iter.Seq[bitext.Pair]) error {
	head.Pairs = nil
	top, err := json.MarshalIndent(struct {
		Document string `json:"document"`
		Source   string `json:"source"`
		English  string `json:"english,omitempty"`
	}{head.Document, head.Source, head.English}, "", "  ")
	if err != nil {
		return err
	}
	jw.Write(top[:len(top)-2]) // without "\n}"
	jw.WriteString(",\n  \"pairs\": ")
	tw.WriteString(PairTSVHeader)
	n := 0
	for p := range pairs {
		b, err := json.MarshalIndent(FilePair{Bead: p.Bead(), Pair: p}, "    ", "  ")
		if err != nil {
			return err
		}
		if n == 0 {
			jw.WriteString("[\n    ")
		} else {
			jw.WriteString(",\n    ")
		}
		if _, err := jw.Write(b); err != nil {
			return err
		}
		n++
		if _, err := tw.WriteString(PairTSV(&p)); err != nil {
			return err
		}
	}
	if n == 0 {
		jw.WriteString("null")
	} else {
		jw.WriteString("\n  ]")
	}
	_, err = jw.WriteString("\n}\n")
	return err
}

// PairTSVHeader is the header line of NAME.pairs.tsv.
const PairTSVHeader = "id\tbead\tconfidence\tstate\tstatus\tru\ten\tviolations\n"

// PairTSV is a pair as a line of NAME.pairs.tsv (with its line end).
func PairTSV(p *bitext.Pair) string {
	var vs []string
	for _, v := range p.Violations {
		vs = append(vs, oneLine(v.String()))
	}
	en := p.EN
	if p.State == bitext.StateFailed {
		en = "[untranslated: " + p.Reason + "]"
	}
	return fmt.Sprintf("%d\t%s\t%.3f\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.Bead(), p.Confidence, p.State, p.Status,
		tsvField(p.RU), tsvField(en), tsvField(strings.Join(vs, "; ")))
}

// oneLine folds line breaks, tabs and runs of spaces into single spaces
// and drops control characters and terminal escape sequences: replies are
// cleaned when they are parsed, and this is the last guard for what the
// database may hold from before.
func oneLine(s string) string { return strings.Join(strings.Fields(translate.StripControls(s)), " ") }

// hasCyrillic reports whether s holds a Cyrillic letter.
func hasCyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 0x400 && r <= 0x52F || unicode.Is(unicode.Cyrillic, r) })
}

// tsvField is a TSV field: one line, no tabs, no control characters.
func tsvField(s string) string { return oneLine(s) }
