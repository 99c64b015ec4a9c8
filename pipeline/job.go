package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/input"
	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/store"
	"golang.org/x/text/unicode/norm"
)

// Translator translates one document's segments.
type Translator interface {
	Translate(ctx context.Context, doc translate.Document) (translate.Result, error)
}

// TranslatorFactory builds a translator that reports each finished segment
// to onResult (the job commits it to the store right away).
type TranslatorFactory func(onResult func(translate.SegmentResult)) Translator

// Estimator predicts what translating some segments will cost.
type Estimator interface {
	// Estimate returns the prompt and completion tokens expected for the
	// segments and their price.
	Estimate(segments []string) (in, out int, cost float64)
}

// Progress hears about finished segments.
type Progress interface {
	Grow(n int) // n more segments to do
	Done(n int) // n segments finished
}

// JobConfig configures a run.
type JobConfig struct {
	OutDir        string
	Model         string // model name, part of the translation memory key
	PromptVersion string
	Endpoint      string // description for the report, no key
	DryRun        bool
	MaxCost       float64     // stop before the estimate exceeds it; 0 means no limit
	Pairs         [][2]string // explicit Russian–English pairs
	Parallel      int         // documents read and translated at once (default 1)
	// PairMT translates the Russian side of a Russian–English pair too, so
	// that the aligner compares the human translation with ours (more
	// accurate pairs, at the cost of translating the Russian).
	PairMT bool
	// Owner names this run's leases on the sentences it translates (see
	// NewOwner; empty: one is made). LeaseTTL is how long a lease lasts
	// without renewal (0: DefaultLeaseTTL).
	Owner    string
	LeaseTTL time.Duration
}

// Job is one run of the main job: ingest, translate or align, check the
// glossary, write the outputs and the report.
type Job struct {
	Analyzer   *Analyzer
	Store      JobStore
	Translator TranslatorFactory // nil: no endpoint configured
	Estimator  Estimator         // nil: no cost estimates
	Glossary   *Glossary         // nil: no glossary
	Config     JobConfig
	Log        *slog.Logger
	Progress   Progress // may be nil
	// Queued, when set, reports how many requests wait for a free slot at
	// the endpoint (endpoint.Client.Waiting).
	Queued func() int

	mu     sync.Mutex // guards the fields below
	spent  float64
	capHit bool
	// outNames and outNotes are the output base of each input and why it
	// differs from the plain one, by pathKey (see outputNames).
	outNames, outNotes map[string]string
	// flights holds the memory keys translated in this run, each closed
	// when its document's translation has returned and been committed.
	flights map[string]chan struct{}
	// held is the set of memory keys this run holds leases on.
	held map[string]bool
}

// outputDelay is how long a finished document waits before it writes its
// outputs while requests are queued for the endpoint (Job.Queued): they
// leave first (replies, and so finished documents, come in bursts, just
// when requests are queued), and the endpoint is what the run waits for.
const outputDelay = 20 * time.Millisecond

// Document actions in the report.
const (
	ActTranslated = "translated"
	ActAligned    = "aligned"
	ActPassed     = "passed-through"
	ActWaiting    = "waiting-for-endpoint"
	ActEstimated  = "estimated"
	ActCostLimit  = "stopped-at-cost-limit"
	ActFailed     = "failed"
	ActIncomplete = "incomplete"
)

// DocReport is what happened to one input.
type DocReport struct {
	File        string               `json:"file"`
	Name        string               `json:"name,omitempty"`
	DocID       int64                `json:"doc_id,omitempty"`
	Lang        bitext.Lang          `json:"lang,omitempty"`
	Action      string               `json:"action"`
	Pair        string               `json:"pair,omitempty"` // the other file of a Russian–English pair
	Sentences   int                  `json:"sentences"`
	Segments    map[bitext.State]int `json:"segments,omitempty"` // by state
	FromMemory  int                  `json:"from_memory,omitempty"`
	Retranslate int                  `json:"retranslated_for_glossary,omitempty"`
	// Rechecked counts finished segments checked again because entries
	// they use changed; RetranslateFor names the entries whose change
	// made some of them be translated again.
	Rechecked      int      `json:"rechecked_for_glossary,omitempty"`
	RetranslateFor []string `json:"retranslated_for_entries,omitempty"`
	Terms          int      `json:"terms"`
	TermsOK        int      `json:"terms_ok"`
	TermSuccess    *float64 `json:"term_success,omitempty"`
	Violations     int      `json:"violations"`
	Pairs          int      `json:"pairs,omitempty"`
	LowConf        int      `json:"low_confidence_pairs,omitempty"`
	Calls          int      `json:"calls,omitempty"`
	TokensIn       int      `json:"tokens_in,omitempty"`
	TokensOut      int      `json:"tokens_out,omitempty"`
	Cost           float64  `json:"cost,omitempty"`
	Outputs        []string `json:"outputs,omitempty"`
	// Note says why the outputs are not named after the input alone
	// (another input of the run would have had the same names).
	Note  string `json:"note,omitempty"`
	Error string `json:"error,omitempty"`
}

// Report is the machine-readable outcome of a run (report.json).
type Report struct {
	Started         time.Time `json:"started"`
	DurationSec     float64   `json:"duration_sec"`
	Database        string    `json:"database"`
	OutDir          string    `json:"out_dir"`
	Endpoint        string    `json:"endpoint,omitempty"`
	Model           string    `json:"model,omitempty"`
	PromptVersion   string    `json:"prompt_version,omitempty"`
	GlossaryVersion string    `json:"glossary_version,omitempty"`
	GlossaryEntries int       `json:"glossary_entries"`
	// GlossarySource says where the glossary came from (the built-in one,
	// a file imported for the run, the database's own).
	GlossarySource string               `json:"glossary_source,omitempty"`
	DryRun         bool                 `json:"dry_run,omitempty"`
	Documents      []DocReport          `json:"documents"`
	Segments       map[bitext.State]int `json:"segments"`
	Terms          int                  `json:"terms"`
	TermsOK        int                  `json:"terms_ok"`
	TermSuccess    *float64             `json:"term_success,omitempty"`
	Violations     int                  `json:"violations"`
	Calls          int                  `json:"calls"`         // translation requests
	HTTPAttempts   int                  `json:"http_attempts"` // HTTP requests, retries included
	TokensIn       int                  `json:"tokens_in"`
	TokensOut      int                  `json:"tokens_out"`
	Cost           float64              `json:"cost"`
	Waiting        []string             `json:"waiting_for_endpoint,omitempty"`
	Failed         int                  `json:"failed_inputs"`
	// Skipped lists the files found in folders that are not read (PDFs,
	// images, hidden files…), each with the reason; they do not make the
	// run fail unless nothing at all was read.
	Skipped       []input.Skipped `json:"skipped,omitempty"`
	SkippedInputs int             `json:"skipped_inputs"`
}

// OK reports whether everything was done: no input failed, no segment
// failed, nothing waits for an endpoint or was stopped by the cost limit,
// and something was read (skipped files alone are not a success).
func (r *Report) OK() bool {
	if len(r.Documents) == 0 && len(r.Skipped) > 0 {
		return false
	}
	// A dry run leaves the segments it estimated pending, as it should.
	pending := r.Segments[bitext.StatePending] > 0 && !r.DryRun
	if r.Failed > 0 || len(r.Waiting) > 0 || r.Segments[bitext.StateFailed] > 0 || pending {
		return false
	}
	for _, d := range r.Documents {
		if d.Action == ActCostLimit || d.Action == ActIncomplete {
			return false
		}
	}
	return true
}

// work is one unit of the run: a document to translate or pass through, or
// a pair to align.
type work struct {
	res    FileResult
	pairOf *FileResult // the English side of a pair
}

// Run processes paths (files and folders) and returns the report. The error
// is for what stops the whole run (a cancelled context, an unusable output
// folder); per-file failures are in the report.
func (j *Job) Run(ctx context.Context, paths []string) (*Report, error) {
	start := time.Now()
	rep := &Report{Started: start.UTC(), Database: j.Store.Path(), OutDir: j.Config.OutDir, Endpoint: j.Config.Endpoint,
		Model: j.Config.Model, PromptVersion: j.Config.PromptVersion, DryRun: j.Config.DryRun, Segments: map[bitext.State]int{}}
	if j.Glossary != nil {
		rep.GlossaryVersion, rep.GlossaryEntries = j.Glossary.Version(), j.Glossary.Len()
	}
	if err := CheckOutDir(j.Config.OutDir); err != nil {
		return nil, err
	}
	removeStaleTemps(j.Config.OutDir, j.Log)
	if j.Translator != nil && !j.Config.DryRun {
		stop := j.keepLeases(ctx)
		defer stop()
	}
	files, skipped, badPaths := j.Analyzer.Expand(ctx, paths)
	rep.Skipped, rep.SkippedInputs = skipped, len(skipped)
	for _, p := range j.Config.Pairs {
		files = append(files, p[0], p[1])
	}
	files = dedupe(files)
	for _, err := range badPaths {
		rep.Documents = append(rep.Documents, DocReport{File: pathOf(err), Action: ActFailed, Error: err.Error()})
	}
	units := j.plan(files)
	inputs := make([]string, len(units))
	for i, u := range units {
		inputs[i] = u.path
	}
	names, notes := outputNames(paths, inputs)
	j.mu.Lock()
	j.outNames, j.outNotes = names, notes
	j.mu.Unlock()
	// Documents are processed several at a time so that small documents
	// together keep the endpoint's request slots busy; the endpoint client
	// bounds the requests in flight across all of them.
	reports := make([]DocReport, len(units))
	done := make([]bool, len(units))
	parallel := max(1, j.Config.Parallel)
	sem := make(chan struct{}, parallel)
	// Reading is CPU work: no more documents read at once than there are
	// cores, so that the first one is ready (and its requests sent) soon.
	reading := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, u := range units {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			reading <- struct{}{}
			w := j.read(ctx, u)
			<-reading
			reports[i] = j.process(ctx, w)
			done[i] = true
		}()
	}
	wg.Wait()
	for i, u := range units {
		if done[i] {
			if len(reports[i].Outputs) > 0 {
				reports[i].Note = joinNotes(notes[pathKey(u.path)], reports[i].Note)
			}
			rep.Documents = append(rep.Documents, reports[i])
		}
	}
	return j.finish(ctx, rep, start), ctx.Err()
}

// process handles one unit of work.
func (j *Job) process(ctx context.Context, u work) DocReport {
	switch {
	case u.res.Status == Failed:
		return DocReport{File: u.res.Path, Action: ActFailed, Error: u.res.Error}
	case u.pairOf != nil:
		return j.alignPair(ctx, u.res, *u.pairOf)
	case u.res.Lang == bitext.English:
		return j.report(u.res, ActPassed)
	default:
		return j.translateDoc(ctx, u.res)
	}
}

func pathOf(err error) string {
	var fe *input.Error
	if errors.As(err, &fe) {
		return fe.Path
	}
	return ""
}

func dedupe(files []string) []string {
	seen := map[string]bool{}
	out := files[:0]
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			abs = f
		}
		if !seen[abs] {
			seen[abs] = true
			out = append(out, f)
		}
	}
	return out
}

// planned is one unit of work before its files are read: a document, or
// a Russian document with its English translation.
type planned struct{ path, en string }

// plan pairs the files: NAME.ru.* with NAME.en.* in the same folder, and
// the --pair files; every other file is a unit of its own. It needs only
// the names, so reading can start with the first unit.
func (j *Job) plan(files []string) []planned {
	// Paths are compared in absolute form: a --pair file may also have
	// been found in a folder given on the command line.
	key := func(p string) string {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return filepath.Clean(p)
	}
	taken := map[string]bool{}    // English sides, by key
	pairOf := map[string]string{} // Russian key → English path
	for _, p := range j.Config.Pairs {
		pairOf[key(p[0])] = p[1]
		taken[key(p[1])] = true
	}
	english := map[string]string{} // base → NAME.en.* path
	for _, f := range files {
		if base, ok := pairBase(key(f), ".en"); ok && !taken[key(f)] {
			if _, dup := english[base]; !dup {
				english[base] = f
			}
		}
	}
	for _, f := range files {
		k := key(f)
		if _, explicit := pairOf[k]; explicit || taken[k] {
			continue
		}
		if base, ok := pairBase(k, ".ru"); ok {
			if en, found := english[base]; found && !taken[key(en)] {
				pairOf[k] = en
				taken[key(en)] = true
			}
		}
	}
	var units []planned
	for _, f := range files {
		k := key(f)
		if taken[k] {
			continue
		}
		units = append(units, planned{path: f, en: pairOf[k]})
	}
	return units
}

// read reads, analyses and stores the files of a unit.
func (j *Job) read(ctx context.Context, p planned) work {
	w := work{res: j.Analyzer.ingestOne(ctx, p.path, j.Store)}
	if p.en != "" {
		en := j.Analyzer.ingestOne(ctx, p.en, j.Store)
		w.pairOf = &en
	}
	return w
}

// pairBase returns the path without its extension and language suffix:
// "a/x.ru.txt" → "a/x" for suffix ".ru".
func pairBase(path, suffix string) (string, bool) {
	p := strings.TrimSuffix(path, filepath.Ext(path))
	if !strings.HasSuffix(p, suffix) {
		return "", false
	}
	return strings.TrimSuffix(p, suffix), true
}

// outBase is the output name of a document: "x.ru.txt" → "x".
func outBase(path string) string {
	b := filepath.Base(path)
	b = strings.TrimSuffix(b, filepath.Ext(b))
	return strings.TrimSuffix(strings.TrimSuffix(b, ".ru"), ".en")
}

func (j *Job) report(r FileResult, action string) DocReport {
	return DocReport{File: r.Path, Name: r.Name, DocID: r.DocID, Lang: r.Lang, Action: action, Sentences: r.Sentences}
}

// tmKey keys the translation memory: normalised source, model, prompt
// version and the glossary entries that apply to the sentence.
func tmKey(source, model, prompt, termSig string) string {
	src := strings.Join(strings.Fields(norm.NFC.String(source)), " ")
	h := sha256.New()
	for _, part := range []string{src, model, prompt, termSig} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// translateDoc translates the Russian sentences of one document, resuming
// from what the store already has.
func (j *Job) translateDoc(ctx context.Context, r FileResult) DocReport {
	return j.translateInto(ctx, r, nil)
}

// translateInto translates the Russian sentences of r. With keep nil it
// writes the outputs (the English text and the pairs); otherwise it writes
// nothing and leaves the segments, as committed, in *keep (the translation
// of the Russian side of a pair, for the aligner).
func (j *Job) translateInto(ctx context.Context, r FileResult, keep *[]store.Segment) DocReport {
	dr := j.report(r, ActTranslated)
	doc := r.Doc
	fail := func(err error) DocReport {
		dr.Action, dr.Error = ActFailed, fmt.Sprintf("%s: %v", r.Path, err)
		return dr
	}
	// The segments are tracked in the database while the glossary is
	// matched against the sentences: one waits on SQLite, the other on
	// the CPU.
	type tracked struct {
		segs []store.Segment
		err  error
	}
	tc := make(chan tracked, 1)
	go func() {
		segs, err := j.Store.TrackSegments(ctx, doc.ID, string(bitext.English))
		tc <- tracked{segs, err}
	}()
	type matched struct {
		text string
		hits []translate.TermHit
	}
	early := map[int]matched{}
	for _, p := range doc.Paragraphs {
		if p.Lang == bitext.English {
			continue
		}
		for _, s := range p.Sentences {
			var h []translate.TermHit
			if j.Glossary != nil {
				h = j.Glossary.Match(s.Text)
			}
			early[s.Index] = matched{s.Text, h}
		}
	}
	// Meanwhile the translation memory is asked about every sentence (the
	// hits are counted later, for the entries used).
	dt := &docTerms{hits: map[int][]translate.TermHit{}, keys: map[int]string{}, looked: map[string]bool{}}
	if len(early) > 0 {
		ask := make([]string, 0, len(early))
		for idx, m := range early {
			if m.hits != nil {
				dt.hits[idx] = m.hits // a missing entry reads as no hits
			}
			k := j.key(&store.Segment{Idx: idx, Source: m.text}, dt)
			ask = append(ask, k)
			dt.looked[k] = true
		}
		found, err := j.Store.FindMemory(ctx, ask)
		if err != nil {
			<-tc
			return fail(err)
		}
		dt.ahead = found
	}
	t := <-tc
	if t.err != nil {
		return fail(t.err)
	}
	segs := t.segs
	gver := ""
	if j.Glossary != nil {
		gver = j.Glossary.Version()
	}
	hits := make(map[int][]translate.TermHit, len(segs))
	dt.hits = hits
	var todo []*store.Segment
	for i := range segs {
		s := &segs[i]
		var h []translate.TermHit
		m, ok := early[s.Idx]
		switch {
		case ok && m.text == s.Source:
			h = m.hits
			s.Source = m.text // the document's text, not a copy from the database
		default:
			// stored by an earlier version that cut sentences otherwise
			delete(dt.keys, s.Idx)
			if j.Glossary != nil {
				h = j.Glossary.Match(s.Source)
			}
		}
		if h != nil {
			hits[s.Idx] = h // a missing entry reads as no hits
		}
		sig := j.signature(h)
		if s.Done() {
			if s.GlossaryVersion == gver && s.TermSig == sig {
				continue
			}
			// The glossary changed: re-check, and translate again only if
			// the entries of this sentence changed and the English no
			// longer passes.
			if s.TermSig != sig && j.Glossary != nil {
				dr.Rechecked++
			}
			if again, ids, err := j.recheck(ctx, s, h, sig, gver); err != nil {
				return fail(err)
			} else if again {
				dr.Retranslate++
				for _, id := range ids {
					if !slices.Contains(dr.RetranslateFor, id) {
						dr.RetranslateFor = append(dr.RetranslateFor, id)
					}
				}
				todo = append(todo, s)
			}
			continue
		}
		todo = append(todo, s)
	}
	var chk *checker
	if keep == nil && len(todo) > 0 && len(segs) >= checkWindow+checkMargin && j.Translator != nil && !j.Config.DryRun {
		// A large document is checked by the aligner while it is being
		// translated (see check.go).
		order := make([]int, len(segs))
		for i := range segs {
			order[i] = segs[i].Idx
		}
		known := make(map[string][]string, len(segs))
		for i := range segs {
			ids := make([]string, len(hits[segs[i].Idx]))
			for k, h := range hits[segs[i].Idx] {
				ids[k] = h.ID
			}
			known[segs[i].Source] = ids
		}
		chk = newChecker(ctx, j.checkOptions(known), order)
		defer chk.stop()
		waiting := make(map[int]bool, len(todo))
		for _, s := range todo {
			waiting[s.Idx] = true
		}
		for i := range segs {
			if s := &segs[i]; !waiting[s.Idx] {
				chk.resolve(s.Idx, s.Done(), s.Source, s.Target)
			}
		}
	}
	if len(todo) > 0 {
		var err error
		if todo, err = j.fromMemory(ctx, todo, dt, false, gver, &dr, chk); err != nil {
			return fail(err)
		}
		dt.ahead, dt.looked = nil, nil // later look-ups are fresh ones
	}
	cm := &commits{}
	defer cm.wait() // every return waits for the replies to be stored
	if len(todo) > 0 {
		if err := j.translateDeduplicated(ctx, r, todo, dt, gver, &dr, chk, cm); err != nil {
			return fail(err)
		}
	}
	// The outputs are written from the segments as they were committed
	// (the last commits finish meanwhile; writeTranslation waits for them
	// before it stores the confidences). If a commit failed, they are
	// written again from the database.
	j.summarise(&dr, segs)
	if keep != nil {
		if n, serr := cm.wait(); serr != nil {
			dr.Error = strings.TrimPrefix(fmt.Sprintf("%s; %d segment(s) could not be stored, first: %v", dr.Error, n, serr), "; ")
			if segs, err := j.Store.Segments(ctx, doc.ID); err == nil {
				j.summarise(&dr, segs)
				*keep = segs
			}
			return dr
		}
		*keep = segs
		return dr
	}
	if dr.Action == ActWaiting || dr.Action == ActEstimated || dr.Action == ActCostLimit {
		return dr
	}
	if j.Queued != nil && j.Queued() > 0 {
		select {
		case <-time.After(outputDelay):
		case <-ctx.Done():
		}
	}
	err := j.writeTranslation(ctx, doc, segs, &dr, chk, cm)
	if n, serr := cm.wait(); serr != nil {
		dr.Error = strings.TrimPrefix(fmt.Sprintf("%s; %d segment(s) could not be stored, first: %v", dr.Error, n, serr), "; ")
		if segs, err = j.Store.Segments(ctx, doc.ID); err != nil {
			return fail(err)
		}
		j.summarise(&dr, segs)
		dr.Outputs, dr.LowConf = nil, 0
		err = j.writeTranslation(ctx, doc, segs, &dr, nil, nil)
	}
	if err != nil {
		return fail(err)
	}
	if note := failedNote(segs); note != "" {
		dr.Error = strings.TrimPrefix(dr.Error+"; "+note, "; ")
	}
	// A document with failed or pending segments is never "translated":
	// failed when nothing of it was translated, incomplete otherwise.
	failed, pending := dr.Segments[bitext.StateFailed], dr.Segments[bitext.StatePending]
	switch {
	case failed > 0 && failed == len(segs):
		dr.Action = ActFailed
	case failed > 0 || pending > 0:
		dr.Action = ActIncomplete
	}
	if pending > 0 && !strings.Contains(dr.Error, "pending") {
		dr.Error = strings.TrimPrefix(fmt.Sprintf("%s; %d segment(s) still pending, without a reply (the endpoint could not be reached for them): run the same command again", dr.Error, pending), "; ")
	}
	return dr
}

// failedNote says how many segments failed and why the first one did, so
// that the summary tells what went wrong without opening the outputs.
func failedNote(segs []store.Segment) string {
	n, first := 0, -1
	for k := range segs {
		if segs[k].State == bitext.StateFailed {
			if n++; first < 0 {
				first = k
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d segment(s) failed, the first (sentence %d): %s; fix the cause and run the same command again to retry them",
		n, segs[first].Idx+1, segs[first].Reason)
}

func (j *Job) signature(h []translate.TermHit) string {
	if j.Glossary == nil {
		return ""
	}
	return j.Glossary.Signature(h)
}

// recheck verifies a finished segment against a changed glossary. It
// returns true when the segment must be translated again, with the
// entries it no longer satisfies.
func (j *Job) recheck(ctx context.Context, s *store.Segment, h []translate.TermHit, sig, gver string) (bool, []string, error) {
	if s.TermSig == sig || j.Glossary == nil {
		// Its entries did not change: only the version moves on.
		s.GlossaryVersion = gver
		return false, nil, j.Store.SaveSegment(ctx, s, nil)
	}
	vs := j.Glossary.Verify(s.Source, h, s.Target)
	text := s.Target
	if len(vs) > 0 {
		text, vs = j.Glossary.Repair(s.Target, vs)
	}
	if len(vs) > 0 {
		ids := make([]string, 0, len(vs))
		for _, v := range vs {
			ids = append(ids, v.TermID)
		}
		return true, ids, nil
	}
	s.Target, s.State, s.Violations = text, bitext.StateVerified, "[]"
	s.TermSig, s.Terms, s.GlossaryVersion = sig, termsJSON(h), gver
	return false, nil, j.Store.SaveSegment(ctx, s, nil)
}

// key is the translation memory key of a segment.
func (j *Job) key(s *store.Segment, dt *docTerms) string {
	if k, ok := dt.keys[s.Idx]; ok {
		return k
	}
	k := tmKey(s.Source, j.Config.Model, j.Config.PromptVersion, j.signature(dt.hits[s.Idx]))
	dt.keys[s.Idx] = k
	return k
}

// docTerms is what a document's sentences need for the glossary and the
// translation memory, by sentence index: the entries found, the memory
// keys, and the memory entries looked up ahead (while the segments were
// being tracked).
type docTerms struct {
	hits   map[int][]translate.TermHit
	keys   map[int]string
	ahead  map[string]store.Memory // entries found ahead
	looked map[string]bool         // keys looked up ahead, found or not
}

// fromMemory fills the segments the translation memory knows and returns
// the others. The entries looked up ahead serve first unless fresh is set
// (another document may have committed since).
func (j *Job) fromMemory(ctx context.Context, todo []*store.Segment, dt *docTerms, fresh bool, gver string, dr *DocReport, chk *checker) ([]*store.Segment, error) {
	hits := dt.hits
	keys := make([]string, len(todo))
	var ask []string
	for i, s := range todo {
		keys[i] = j.key(s, dt)
		if fresh || !dt.looked[keys[i]] {
			ask = append(ask, keys[i])
		}
	}
	mem := map[string]store.Memory{}
	if !fresh {
		maps.Copy(mem, dt.ahead)
	}
	if len(ask) > 0 {
		found, err := j.Store.FindMemory(ctx, ask)
		if err != nil {
			return nil, err
		}
		maps.Copy(mem, found)
	}
	var used []string
	left := todo[:0:0]
	for i, s := range todo {
		m, ok := mem[keys[i]]
		if !ok {
			left = append(left, s)
			continue
		}
		used = append(used, keys[i])
		s.State, s.Target, s.Origin, s.Violations, s.Reason = m.State, m.Target, bitext.OriginMemory, m.Violations, ""
		s.Terms, s.TermSig = termsJSON(hits[s.Idx]), j.signature(hits[s.Idx])
		s.Model, s.PromptVersion, s.GlossaryVersion = m.Model, m.PromptVersion, gver
		if err := j.Store.SaveSegment(ctx, s, nil); err != nil {
			return nil, err
		}
		chk.resolve(s.Idx, s.Done(), s.Source, s.Target)
		dr.FromMemory++
	}
	if err := j.Store.CountMemoryHits(ctx, used); err != nil {
		return nil, err
	}
	return left, nil
}

// translateDeduplicated translates each distinct sentence once: a sentence
// repeated in the document is translated once and copied, and a sentence
// that another document of the run is translating right now is waited for
// and then served by the translation memory.
func (j *Job) translateDeduplicated(ctx context.Context, r FileResult, todo []*store.Segment, dt *docTerms, gver string, dr *DocReport, chk *checker, cm *commits) error {
	share := j.Translator != nil && !j.Config.DryRun
	rep := map[string]*store.Segment{} // key → the segment translated for it
	var own, dups, waiting []*store.Segment
	// One flight for all the keys this call translates: they end together.
	var mine chan struct{}
	var theirs []chan struct{}
	j.mu.Lock()
	if j.flights == nil {
		j.flights = map[string]chan struct{}{}
	}
	for _, s := range todo {
		k := j.key(s, dt)
		switch {
		case rep[k] != nil:
			dups = append(dups, s)
		case share && j.flights[k] != nil:
			waiting = append(waiting, s)
			if f := j.flights[k]; len(theirs) == 0 || theirs[len(theirs)-1] != f {
				theirs = append(theirs, f)
			}
			rep[k] = s
		default:
			rep[k] = s
			own = append(own, s)
			if share {
				if mine == nil {
					mine = make(chan struct{})
				}
				j.flights[k] = mine
			}
		}
	}
	j.mu.Unlock()
	// A flight stays in the map once closed: a document that looked in the
	// memory before this one committed, and claims the key after, finds it
	// finished and looks again instead of paying a second time.
	// A flight ends when its translations are committed (the waiters then
	// find them in the memory), which may be after this function returns.
	var once sync.Once
	release := func() {
		once.Do(func() {
			go func() {
				cm.wait()
				if mine != nil {
					close(mine)
				}
			}()
		})
	}
	defer release()
	if len(own) > 0 {
		act, err := j.translateShared(ctx, r, own, dt, gver, dr, chk, cm, share)
		if err != nil {
			return err
		}
		if act != "" {
			dr.Action = act
			return nil
		}
	}
	release()
	// Sentences another document was translating: wait, then ask the
	// memory; what it does not have (the other translation failed) is
	// translated here.
	if len(waiting) > 0 {
		for _, ch := range theirs {
			select {
			case <-ch:
			case <-ctx.Done():
				return nil
			}
		}
		left, err := j.fromMemory(ctx, waiting, dt, true, gver, dr, chk)
		if err != nil {
			return err
		}
		if len(left) > 0 {
			act, err := j.translateShared(ctx, r, left, dt, gver, dr, chk, cm, share)
			if err != nil {
				return err
			}
			if act != "" {
				dr.Action = act
				return nil
			}
		}
	}
	// Repeats inside the document take the translation of their first
	// occurrence.
	for _, d := range dups {
		src := rep[j.key(d, dt)]
		if !src.Done() {
			chk.resolve(d.Idx, false, d.Source, "")
			continue // failed or unfinished: the next run tries again
		}
		d.State, d.Target, d.Origin, d.Violations, d.Reason = src.State, src.Target, bitext.OriginMemory, src.Violations, ""
		d.Terms, d.TermSig = src.Terms, src.TermSig
		d.Model, d.PromptVersion, d.GlossaryVersion = src.Model, src.PromptVersion, gver
		if err := j.Store.SaveSegment(ctx, d, nil); err != nil {
			return err
		}
		chk.resolve(d.Idx, true, d.Source, d.Target)
		dr.FromMemory++
	}
	return nil
}

// commitGather is how long a commit waits for more replies of the same
// burst before it writes.
const commitGather = 5 * time.Millisecond

// saveBacklog is how many replies of a document may wait for their commit
// before the next one waits for room (only an endpoint faster than the
// disk gets that far ahead).
const saveBacklog = 8192

// commits tracks the background commits of a document's replies, so that
// its outputs can be written while the last replies are still being
// stored.
type commits struct {
	mu       sync.Mutex
	running  []chan struct{} // closed when a committer has stored all it got
	err      error           // the first failure
	failures int             // segments not stored
}

// start records a committer and returns the function it calls when done.
func (c *commits) start() func() {
	ch := make(chan struct{})
	c.mu.Lock()
	c.running = append(c.running, ch)
	c.mu.Unlock()
	return func() { close(ch) }
}

// fail records segments that could not be stored.
func (c *commits) fail(err error, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
	c.failures += n
}

// wait waits for every committer started so far and returns how many
// segments could not be stored and the first failure (c may be nil).
func (c *commits) wait() (int, error) {
	if c == nil {
		return 0, nil
	}
	c.mu.Lock()
	running := slices.Clone(c.running)
	c.mu.Unlock()
	for _, ch := range running {
		<-ch
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failures, c.err
}

// translateSegments sends the segments to the endpoint and commits each
// result as it comes. It returns a document action when the document could
// not be translated now.
func (j *Job) translateSegments(ctx context.Context, r FileResult, todo []*store.Segment, dt *docTerms, gver string, dr *DocReport, chk *checker, cm *commits) string {
	hits := dt.hits
	texts := make([]string, len(todo))
	for i, s := range todo {
		texts[i] = s.Source
	}
	// A dry run estimates whether or not an endpoint is configured (the
	// command builds no translator for it).
	if j.Config.DryRun {
		if j.Estimator != nil {
			dr.TokensIn, dr.TokensOut, dr.Cost = j.Estimator.Estimate(texts)
		}
		return ActEstimated
	}
	if j.Translator == nil {
		return ActWaiting
	}
	if j.Estimator != nil && j.Config.MaxCost > 0 {
		_, _, cost := j.Estimator.Estimate(texts)
		j.mu.Lock()
		over := j.Config.MaxCost > 0 && (j.capHit || j.spent+cost > j.Config.MaxCost)
		if over {
			j.capHit = true
		} else {
			j.spent += cost
		}
		j.mu.Unlock()
		if over {
			return ActCostLimit
		}
	}
	tdoc := translate.Document{Name: r.Name, Context: docContext(r.Doc), Segments: make([]translate.Segment, 0, len(todo))}
	for _, s := range todo {
		id := strconv.Itoa(s.Idx)
		tdoc.Segments = append(tdoc.Segments, translate.Segment{ID: id, Text: s.Source, Hits: hits[s.Idx], Matched: j.Glossary != nil})
	}
	if j.Progress != nil {
		j.Progress.Grow(len(todo))
	}
	// Results are committed by one goroutine, as many as have arrived in
	// one transaction, so that the translator does not wait for the disk
	// (unless saveBacklog replies wait for theirs). The context may be
	// ending: a reply is paid for, so it is committed.
	pending := newSaveQueue(saveBacklog)
	done := cm.start()
	go func() {
		defer done()
		wctx := context.WithoutCancel(ctx)
		for {
			// Replies come in bursts (a round of requests ends together):
			// the group gathers for a few milliseconds, so that the
			// requests those replies make room for leave first and a
			// burst is one transaction.
			group, ok := pending.next(commitGather, 256, 1024)
			if !ok {
				return
			}
			if err := j.Store.SaveSegments(wctx, group); err != nil {
				cm.fail(err, len(group))
			}
			if j.Progress != nil {
				j.Progress.Done(len(group))
			}
		}
	}()
	onResult := func(res translate.SegmentResult) {
		// A result names its segment by position (and by id, checked).
		if res.Index < 0 || res.Index >= len(todo) || tdoc.Segments[res.Index].ID != res.ID {
			return
		}
		s := todo[res.Index]
		h := hits[s.Idx]
		s.State, s.Target, s.Reason, s.Attempts = res.State, res.Text, res.Reason, s.Attempts+res.Attempts
		s.Origin = bitext.OriginModel
		if res.State == bitext.StateFailed {
			s.Origin, s.Target = "", ""
		}
		s.Violations = violationsJSON(res.Violations)
		s.Terms, s.TermSig = termsJSON(h), j.signature(h)
		s.Model, s.PromptVersion, s.GlossaryVersion = j.Config.Model, j.Config.PromptVersion, gver
		var mem *store.Memory
		if res.State != bitext.StateFailed {
			// the key was computed before the request (dt.keys is only
			// read while replies arrive)
			key, ok := dt.keys[s.Idx]
			if !ok {
				key = tmKey(s.Source, j.Config.Model, j.Config.PromptVersion, s.TermSig)
			}
			mem = &store.Memory{Key: key, Source: s.Source,
				Target: s.Target, State: s.State, Violations: s.Violations, Model: s.Model, PromptVersion: s.PromptVersion,
				GlossaryVersion: gver}
		}
		chk.resolve(s.Idx, s.Done(), s.Source, s.Target)
		pending.push(store.SegmentSave{Segment: *s, Memory: mem})
	}
	res, err := j.Translator(onResult).Translate(ctx, tdoc)
	pending.close() // the committer stores the last replies in the background
	dr.Calls += res.Calls
	dr.TokensIn += int(res.Usage.PromptTokens)
	dr.TokensOut += int(res.Usage.CompletionTokens)
	if err != nil {
		if endpoint.IsUnavailable(err) {
			if !strings.Contains(dr.Error, "wait for the next run") {
				dr.Error = strings.TrimPrefix(fmt.Sprintf("%s; %s: %v; its untranslated sentences wait for the next run", dr.Error, r.Path, err), "; ")
			}
			return ActWaiting
		}
		dr.Error = strings.TrimPrefix(fmt.Sprintf("%s; %s: %v", dr.Error, r.Path, err), "; ")
	}
	return ""
}

// docContext is what the model is told about the document: its first
// paragraph (usually the title) and its name.
func docContext(doc *bitext.Document) string {
	if doc == nil || len(doc.Paragraphs) == 0 {
		return ""
	}
	p := doc.Paragraphs[0]
	t := doc.Text[p.Span.Start:p.Span.End]
	if len(t) > 300 {
		t = t[:300]
		for len(t) > 0 && !isRuneStart(t[len(t)-1]) {
			t = t[:len(t)-1]
		}
	}
	return "Title or first paragraph: " + strings.Join(strings.Fields(t), " ")
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func termsJSON(h []translate.TermHit) string {
	if len(h) == 0 {
		return "[]"
	}
	b, err := json.Marshal(h)
	if err != nil {
		return "[]"
	}
	return string(b)
}

func violationsJSON(v []bitext.Violation) string {
	if len(v) == 0 {
		return "[]"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "[]"
	}
	return string(b)
}

// summarise counts states, term success and violations of a document.
func (j *Job) summarise(dr *DocReport, segs []store.Segment) {
	dr.Segments = map[bitext.State]int{}
	dr.Terms, dr.TermsOK, dr.Violations, dr.TermSuccess = 0, 0, 0, nil
	for _, s := range segs {
		dr.Segments[s.State]++
		var terms []translate.TermHit
		var viol []bitext.Violation
		_ = json.Unmarshal([]byte(s.Terms), &terms)
		_ = json.Unmarshal([]byte(s.Violations), &viol)
		if !s.Done() {
			continue
		}
		bad := map[string]bool{}
		for _, v := range viol {
			bad[v.TermID] = true
		}
		seen := map[string]bool{}
		for _, t := range terms {
			if seen[t.ID] {
				continue
			}
			seen[t.ID] = true
			dr.Terms++
			if !bad[t.ID] {
				dr.TermsOK++
			}
		}
		dr.Violations += len(viol)
	}
	if dr.Terms > 0 {
		v := float64(dr.TermsOK) / float64(dr.Terms)
		dr.TermSuccess = &v
	}
}

func (j *Job) finish(ctx context.Context, rep *Report, start time.Time) *Report {
	rep.DurationSec = time.Since(start).Seconds()
	for _, d := range rep.Documents {
		for k, v := range d.Segments {
			rep.Segments[k] += v
		}
		rep.Terms += d.Terms
		rep.TermsOK += d.TermsOK
		rep.Violations += d.Violations
		rep.Calls += d.Calls
		rep.TokensIn += d.TokensIn
		rep.TokensOut += d.TokensOut
		rep.Cost += d.Cost
		switch d.Action {
		case ActFailed:
			rep.Failed++
		case ActWaiting:
			rep.Waiting = append(rep.Waiting, d.File)
		}
	}
	if rep.Terms > 0 {
		v := float64(rep.TermsOK) / float64(rep.Terms)
		rep.TermSuccess = &v
	}
	return rep
}

// WriteReport writes report.json into the output folder and returns its
// path.
func (rep *Report) WriteReport() (string, error) {
	path := filepath.Join(rep.OutDir, "report.json")
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		return "", fmt.Errorf("write report: %w", err)
	}
	return path, nil
}
