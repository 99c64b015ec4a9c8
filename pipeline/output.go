package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/align"
	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/store"
)

// LowConfidence is the pair confidence below which a pair is counted as
// doubtful in the report.
const LowConfidence = 0.5

// Pair is one aligned unit of Russian and English, as written to
// NAME.pairs.json and NAME.pairs.tsv.
type Pair struct {
	Bead       string        `json:"bead"` // "[3]:[3]", sentence indices of each side
	Src        []int         `json:"src"`
	Tgt        []int         `json:"tgt"`
	Confidence float64       `json:"confidence"`
	State      bitext.State  `json:"state"`  // segment state, or "human" for an existing translation
	Origin     bitext.Origin `json:"origin"` // model, memory, human
	RU         string        `json:"ru"`
	EN         string        `json:"en"`
	// MT is our own translation of the Russian, for a pair aligned with
	// --pair-mt (the English is then the human translation).
	MT         string             `json:"mt,omitempty"`
	Violations []bitext.Violation `json:"violations,omitempty"`
	Reason     string             `json:"reason,omitempty"`
	Note       string             `json:"note,omitempty"`
}

// PairsFile is the content of NAME.pairs.json.
type PairsFile struct {
	Document string `json:"document"`
	Source   string `json:"source"`
	English  string `json:"english,omitempty"` // the human translation, for aligned pairs
	Pairs    []Pair `json:"pairs"`
}

// writeTranslation writes NAME.en.txt and the pairs files of a translated
// document, with each pair's confidence from the aligner. The files are
// written as they are produced, pair by pair: a document of hundreds of
// thousands of sentences is never held in memory as text or JSON.
func (j *Job) writeTranslation(ctx context.Context, doc *bitext.Document, segs []store.Segment, dr *DocReport, chk *checker, cm *commits) error {
	// The segment of each sentence, by sentence index (segments stored by
	// an earlier version may number sentences past the current ones).
	n := doc.SentenceCount()
	for i := range segs {
		n = max(n, segs[i].Idx+1)
	}
	bySent := make([]*store.Segment, n)
	for i := range segs {
		if segs[i].Idx >= 0 {
			bySent[segs[i].Idx] = &segs[i]
		}
	}
	// Pairs by segment id, checked by the aligner.
	var ru, tr []string
	var pos []int // index into segs of each aligned sentence
	for i := range segs {
		if s := &segs[i]; s.Done() {
			ru, tr = append(ru, s.Source), append(tr, s.Target)
			pos = append(pos, i)
		}
	}
	// The English text is written while the pairs are checked, and the
	// confidences are stored while the pairs files are written.
	base := j.outName(doc)
	j.noteReplaced(dr, base, doc.Path)
	enPath := filepath.Join(j.Config.OutDir, base+".en.txt")
	enDone := make(chan error, 1)
	var withheld []int // paragraphs passed through as English that hold Cyrillic (read after enDone)
	go func() {
		enDone <- writeFileWith(enPath, func(w *bufio.Writer) error {
			var err error
			withheld, err = writeEnglish(w, doc, bySent)
			return err
		})
	}()
	confDone := make(chan error, 1)
	confDone <- nil
	wait := func() error {
		return errors.Join(<-enDone, <-confDone)
	}
	conf := make([]float64, len(segs)) // by index into segs
	notes := map[int]string{}          // by index into segs
	if len(ru) > 0 {
		var opts align.Options
		if chk != nil {
			opts = chk.opts // it knows the Russian sentences' entries
		} else {
			opts = j.checkOptions(knownConcepts(segs))
		}
		beads, err := chk.finish(ctx, ru, tr, opts)
		ru, tr = nil, nil
		if err != nil {
			return errors.Join(err, wait())
		}
		for _, sp := range beads {
			for si := int(sp.i); si < int(sp.i)+int(sp.ns); si++ {
				k := pos[si]
				conf[k] = round3(sp.conf)
				if !sp.oneToOne() {
					conf[k] = round3(min(sp.conf, 0.25))
					notes[k] = "the aligner pairs this sentence differently (" + beadSides(sp.bead(), segs, pos) + "): check for merged or shifted sentences"
				}
			}
		}
		beads = nil
		stored := make([]store.SentenceConfidence, 0, len(pos))
		for _, k := range pos {
			stored = append(stored, store.SentenceConfidence{SentenceID: segs[k].SentenceID, Confidence: conf[k]})
		}
		<-confDone
		go func() {
			// after the segments' own commits, which would reset them
			if _, err := cm.wait(); err != nil {
				confDone <- nil // the caller writes everything again
				return
			}
			confDone <- j.Store.SetConfidences(ctx, stored)
		}()
	}
	dr.Pairs = len(segs)
	for i := range segs {
		if conf[i] < LowConfidence && segs[i].State != bitext.StateFailed {
			dr.LowConf++
		}
	}
	pairs := func(yield func(Pair) bool) {
		for i := range segs {
			s := &segs[i]
			p := Pair{Bead: align.FormatBead(align.Bead{Src: []int{s.Idx}, Tgt: []int{s.Idx}}), Src: []int{s.Idx}, Tgt: []int{s.Idx},
				Confidence: conf[i], State: s.State, Origin: s.Origin, RU: s.Source, EN: s.Target, Reason: s.Reason, Note: notes[i]}
			_ = json.Unmarshal([]byte(s.Violations), &p.Violations)
			if !yield(p) {
				return
			}
		}
	}
	out, err := j.writePairs(base, PairsFile{Document: doc.Name, Source: doc.Path}, pairs)
	if err := wait(); err != nil {
		return err
	}
	if len(withheld) > 0 && !strings.Contains(dr.Error, "taken for English") {
		nums := make([]string, len(withheld))
		for i, pi := range withheld {
			nums[i] = fmt.Sprint(pi + 1)
		}
		dr.Action = ActIncomplete
		dr.Error = strings.TrimPrefix(dr.Error+"; ", "; ") + fmt.Sprintf("paragraph %s was taken for English but holds Cyrillic: left out of the English (not copied); check --langs, or split the paragraph into its Russian and English parts", strings.Join(nums, ", "))
	}
	dr.Outputs = append(dr.Outputs, enPath)
	dr.Outputs = append(dr.Outputs, out...)
	return err
}

// writeEnglish writes the English text of a document, paragraph by
// paragraph, from the segment of each sentence (bySent, by sentence
// index). It returns the paragraphs it withheld: taken for English, they
// hold Cyrillic, which is never copied into the English.
func writeEnglish(w *bufio.Writer, doc *bitext.Document, bySent []*store.Segment) ([]int, error) {
	var withheld []int
	for pi, p := range doc.Paragraphs {
		if pi > 0 {
			w.WriteString("\n\n")
		}
		for si, s := range p.Sentences {
			if si > 0 {
				w.WriteByte(' ')
			}
			var seg *store.Segment
			if s.Index >= 0 && s.Index < len(bySent) {
				seg = bySent[s.Index]
			}
			switch {
			case seg == nil && p.Lang == bitext.English && hasCyrillic(s.Text):
				// The last guard: never Russian in the English. Detection
				// makes such paragraphs Russian; this is reached only when
				// it could not (several configured languages written in
				// Cyrillic).
				fmt.Fprintf(w, "[untranslated sentence %d: its paragraph was taken for English but holds Cyrillic]", s.Index+1)
				if len(withheld) == 0 || withheld[len(withheld)-1] != pi {
					withheld = append(withheld, pi)
				}
			case seg == nil && p.Lang == bitext.English: // as it is
				writeOneLine(w, s.Text)
			case seg == nil: // not tracked (its row was lost): never the Russian
				fmt.Fprintf(w, "[sentence %d not translated yet]", s.Index+1)
			case seg.Done():
				writeOneLine(w, seg.Target)
			case seg.State == bitext.StateFailed:
				fmt.Fprintf(w, "[untranslated sentence %d: %s]", s.Index+1, oneLine(seg.Reason))
			default:
				fmt.Fprintf(w, "[sentence %d not translated yet]", s.Index+1)
			}
		}
	}
	_, err := w.WriteString("\n")
	return withheld, err
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

func beadSides(b align.Bead, segs []store.Segment, pos []int) string {
	toIdx := func(ix []int) []int {
		out := make([]int, len(ix))
		for i, x := range ix {
			out[i] = segs[pos[x]].Idx
		}
		return out
	}
	return align.FormatBead(align.Bead{Src: toIdx(b.Src), Tgt: toIdx(b.Tgt)})
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
func (j *Job) writePairs(base string, head PairsFile, pairs iter.Seq[Pair]) ([]string, error) {
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
func writePairsTo(jw, tw *bufio.Writer, head PairsFile, pairs iter.Seq[Pair]) error {
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
	tw.WriteString("bead\tconfidence\tstate\tru\ten\tviolations\n")
	n := 0
	for p := range pairs {
		b, err := json.MarshalIndent(p, "    ", "  ")
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
		var vs []string
		for _, v := range p.Violations {
			vs = append(vs, oneLine(v.String()))
		}
		en := p.EN
		if p.State == bitext.StateFailed {
			en = "[untranslated: " + p.Reason + "]"
		}
		if _, err := fmt.Fprintf(tw, "%s\t%.3f\t%s\t%s\t%s\t%s\n", p.Bead, p.Confidence, p.State, tsvField(p.RU), tsvField(en), tsvField(strings.Join(vs, "; "))); err != nil {
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

// atomicFile is an output file being written: a temporary file in the same
// folder, renamed over the real one by commit, so that a crash never
// leaves half a file.
type atomicFile struct {
	path string
	f    *os.File
	w    *bufio.Writer
}

// createAtomic starts writing path.
func createAtomic(path string) (*atomicFile, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("write %s: %w (check that the output folder can be created and written)", path, err)
	}
	f, _, err := createTemp(dir, filepath.Base(path)) // the umask decides the mode; owner-marked name
	if err != nil {
		return nil, fmt.Errorf("write %s: %w (check that the output folder is writable)", path, err)
	}
	return &atomicFile{path: path, f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// commit flushes the file and puts it in place.
func (a *atomicFile) commit() error {
	if err := a.w.Flush(); err != nil {
		a.abort()
		return err
	}
	if err := a.f.Close(); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w (is the disk full?)", a.path, err)
	}
	return a.place()
}

// finish flushes and closes the file without putting it in place (see
// place); on failure the temporary file is gone.
func (a *atomicFile) finish() error {
	if err := a.w.Flush(); err != nil {
		a.abort()
		return fmt.Errorf("write %s: %w (is the disk full?)", a.path, err)
	}
	if err := a.f.Close(); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w (is the disk full?)", a.path, err)
	}
	return nil
}

// place renames a finished file into place.
func (a *atomicFile) place() error {
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	return nil
}

// abort drops the temporary file.
func (a *atomicFile) abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// writeFileWith writes path through fill, which writes the content piece
// by piece through a buffer, so that a large output is never held in
// memory whole. Nothing replaces path unless fill succeeds.
func writeFileWith(path string, fill func(w *bufio.Writer) error) error {
	a, err := createAtomic(path)
	if err != nil {
		return err
	}
	if err := fill(a.w); err != nil {
		a.abort()
		return err
	}
	return a.commit()
}

// alignPair aligns a Russian document with its existing English
// translation and checks every pair against the glossary.
func (j *Job) alignPair(ctx context.Context, ru, en FileResult) DocReport {
	dr := j.report(ru, ActAligned)
	dr.Pair = en.Path
	if en.Status == Failed {
		dr.Action, dr.Error = ActFailed, "English side: "+en.Error
		return dr
	}
	if ru.Lang == bitext.English || en.Lang == bitext.Russian {
		dr.Action, dr.Error = ActFailed, fmt.Sprintf("%s is %s and %s is %s: a pair is the Russian text, then its English translation; swap them (--pair RU EN) or rename them (NAME.ru.*, NAME.en.*)", ru.Path, ru.Lang, en.Path, en.Lang)
		return dr
	}
	if err := j.Store.SetTranslationOf(ctx, en.DocID, ru.DocID); err != nil {
		dr.Action, dr.Error = ActFailed, err.Error()
		return dr
	}
	src, tgt := ru.Doc.Sentences(), en.Doc.Sentences()
	rs, es := make([]string, len(src)), make([]string, len(tgt))
	for i, s := range src {
		rs[i] = s.Text
	}
	for i, s := range tgt {
		es[i] = s.Text
	}
	var mt []string
	if j.Config.PairMT {
		var stop bool
		if mt, stop = j.pairMT(ctx, ru, src, &dr); stop {
			return dr
		}
	}
	opts := align.Options{}
	if j.Glossary != nil {
		opts.Dictionary = j.Glossary
	}
	beads, err := align.Align(ctx, align.Input{Src: rs, Tgt: es, MT: mt}, opts)
	if err != nil {
		dr.Action, dr.Error = ActFailed, fmt.Sprintf("align %s with %s: %v", ru.Path, en.Path, err)
		return dr
	}
	stored := make([]store.AlignedBead, len(beads))
	for i, b := range beads {
		stored[i] = store.AlignedBead{Src: nonNil(b.Src), Tgt: nonNil(b.Tgt), Score: b.Score, Confidence: b.Confidence}
	}
	method := "length+anchors+glossary"
	if mt != nil {
		method = "mt+" + method
	}
	if _, err := j.Store.SaveAlignment(ctx, ru.DocID, en.DocID, method, stored); err != nil {
		dr.Action, dr.Error = ActFailed, fmt.Sprintf("store the alignment of %s with %s: %v", ru.Path, en.Path, err)
		return dr
	}
	pairs := func(yield func(Pair) bool) {
		for _, b := range beads {
			p := Pair{Bead: align.FormatBead(b), Src: nonNil(b.Src), Tgt: nonNil(b.Tgt), Confidence: round3(b.Confidence), State: bitext.StateHuman, Origin: bitext.OriginHuman}
			p.RU, p.EN = joinSents(rs, b.Src), joinSents(es, b.Tgt)
			if mt != nil {
				p.MT = joinSents(mt, b.Src)
			}
			if j.Glossary != nil && p.RU != "" {
				hits := j.Glossary.Match(p.RU)
				p.Violations = j.Glossary.Verify(p.RU, hits, p.EN)
				seen := map[string]bool{}
				bad := map[string]bool{}
				for _, v := range p.Violations {
					bad[v.TermID] = true
				}
				for _, h := range hits {
					if !seen[h.ID] {
						seen[h.ID] = true
						dr.Terms++
						if !bad[h.ID] {
							dr.TermsOK++
						}
					}
				}
				dr.Violations += len(p.Violations)
			}
			if p.Confidence < LowConfidence {
				dr.LowConf++
			}
			dr.Pairs++
			if !yield(p) {
				return
			}
		}
	}
	base := j.outName(ru.Doc)
	j.noteReplaced(&dr, base, ru.Path)
	out, err := j.writePairs(base, PairsFile{Document: ru.Name, Source: ru.Path, English: en.Path}, pairs)
	if dr.Terms > 0 {
		v := float64(dr.TermsOK) / float64(dr.Terms)
		dr.TermSuccess = &v
	}
	dr.Outputs = out
	if err != nil {
		dr.Action, dr.Error = ActFailed, err.Error()
	}
	return dr
}

func nonNil(x []int) []int {
	if x == nil {
		return []int{}
	}
	return x
}

func joinSents(ss []string, ix []int) string {
	parts := make([]string, len(ix))
	for i, x := range ix {
		parts[i] = oneLine(ss[x])
	}
	return strings.Join(parts, " ")
}

// oneLine folds line breaks and runs of spaces into single spaces.
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

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// pairMT translates the Russian side of a pair (JobConfig.PairMT) for the
// aligner: one line per source sentence, the sentences of the document's
// English paragraphs as they are. The translation's calls, tokens, cost and
// segment states go into dr. A sentence without a translation (the
// endpoint is away, the cost limit stopped the run, it failed) gets an
// empty line: the aligner still uses the others. Whatever kept the
// translation from being complete and current (such as a re-translation
// for a changed glossary that could not be made) becomes the pair's
// action and error, so that the run does not report success and a later
// run finishes the job. A dry run only estimates: stop is true.
func (j *Job) pairMT(ctx context.Context, ru FileResult, src []bitext.Sentence, dr *DocReport) (mt []string, stop bool) {
	var segs []store.Segment
	t := j.translateInto(ctx, ru, &segs)
	dr.Segments, dr.FromMemory, dr.Retranslate = t.Segments, t.FromMemory, t.Retranslate
	dr.Calls, dr.TokensIn, dr.TokensOut, dr.Cost = t.Calls, t.TokensIn, t.TokensOut, t.Cost
	switch {
	case t.Action == ActEstimated || j.Config.DryRun:
		dr.Action = ActEstimated
		return nil, true
	case t.Action == ActFailed:
		dr.Action, dr.Error = ActFailed, t.Error
		return nil, true
	}
	byIdx := make(map[int]*store.Segment, len(segs))
	for i := range segs {
		byIdx[segs[i].Idx] = &segs[i]
	}
	english := func(s bitext.Sentence) bool {
		ps := ru.Doc.Paragraphs
		return s.Paragraph >= 0 && s.Paragraph < len(ps) && ps[s.Paragraph].Lang == bitext.English
	}
	mt = make([]string, len(src))
	missing, have := 0, 0
	for i, s := range src {
		switch g := byIdx[s.Index]; {
		case g != nil && g.Done():
			mt[i] = g.Target
			have++
		case g == nil && english(s):
			mt[i] = s.Text
		default:
			missing++ // no translation yet, or no segment row at all
		}
	}
	var notes []string
	if missing > 0 {
		notes = append(notes, fmt.Sprintf("%d of %d sentences have no machine translation yet, aligned without it", missing, len(src)))
	}
	if t.Error != "" {
		notes = append(notes, t.Error)
	} else if note := failedNote(segs); note != "" {
		notes = append(notes, note)
	}
	if len(notes) > 0 {
		dr.Error = strings.Join(notes, "; ")
	}
	switch {
	case t.Action != ActTranslated:
		dr.Action = t.Action // waiting, cost limit, incomplete
	case missing > 0 || dr.Segments[bitext.StatePending] > 0:
		dr.Action = ActIncomplete
	}
	if have == 0 {
		return nil, false
	}
	return mt, false
}
