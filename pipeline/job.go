package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/input"
	"github.com/bitext/bitext/pipeline/translate"
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
	QA         Checker           // nil: no QA checks
	Config     JobConfig
	Log        *slog.Logger
	Progress   Progress // may be nil
	// Queued, when set, reports how many requests wait for a free slot at
	// the endpoint (endpoint.Client.Waiting).
	Queued func() int

	mu     sync.Mutex // guards the fields below
	spent  float64
	capHit bool
	// outNames is the output base of each input, by pathKey (see
	// outputNames).
	outNames map[string]string
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
	runID, err := j.Store.StartRun(ctx, paths)
	if err != nil {
		return nil, err
	}
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
	units := j.pairUp(files)
	inputs := make([]string, len(units))
	for i, u := range units {
		inputs[i] = u.path
	}
	names, notes := outputNames(paths, inputs)
	j.mu.Lock()
	j.outNames = names
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
			if d := reports[i]; d.DocID != 0 {
				if err := j.Store.SetDocumentAction(context.WithoutCancel(ctx), d.DocID, runID, d.Action, d.Error); err != nil && j.Log != nil {
					j.Log.Warn("cannot record what the run did with a document", "file", d.File, "error", err)
				}
			}
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
	rep = rep.finish(start)
	if b, err := json.Marshal(rep); err == nil {
		if err := j.Store.FinishRun(context.WithoutCancel(ctx), runID, b); err != nil && j.Log != nil {
			j.Log.Warn("cannot record the run's report in the database", "error", err)
		}
	}
	return rep, ctx.Err()
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
