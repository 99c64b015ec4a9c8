package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/kong"
	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/input"
	"github.com/bitext/bitext/pipeline"
	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/store"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// endpointFlags configure the model endpoint. Precedence: defaults, then
// the --endpoint-config file, then the environment, then these flags.
type endpointFlags struct {
	EndpointConfig string        `name:"endpoint-config" help:"JSON file with endpoint settings (keys as in 'bitext endpoint check --help')." env:"BITEXT_ENDPOINT_CONFIG"`
	BaseURL        string        `name:"base-url" help:"API root including /v1 (env OPENAI_BASE_URL); the API key is read from OPENAI_API_KEY."`
	Model          string        `help:"Model name (env BITEXT_MODEL)."`
	Temperature    *float64      `help:"Sampling temperature (env BITEXT_TEMPERATURE, default 0)."`
	MaxTokens      int           `name:"max-tokens" help:"Completion tokens per request (env BITEXT_MAX_TOKENS)."`
	Timeout        time.Duration `help:"Time per HTTP attempt (env BITEXT_TIMEOUT, default 120s)."`
	Concurrency    int           `help:"Requests in flight (env BITEXT_CONCURRENCY, default 4)."`
	RPM            int           `name:"rpm" help:"Requests per minute (env BITEXT_RPM)."`
	TPM            int           `name:"tpm" help:"Tokens per minute (env BITEXT_TPM)."`
	MaxRetries     *int          `name:"max-retries" help:"Retries per request (env BITEXT_MAX_RETRIES, default 5)."`
	PriceIn        *float64      `name:"price-in" help:"Price per million prompt tokens (env BITEXT_PRICE_IN)."`
	PriceOut       *float64      `name:"price-out" help:"Price per million completion tokens (env BITEXT_PRICE_OUT)."`
}

// config assembles the endpoint configuration.
func (f *endpointFlags) config() (endpoint.Config, error) {
	c := endpoint.Default()
	if err := f.checkNumbers(); err != nil {
		return c, err
	}
	// Not kong's existingfile: it turns an empty BITEXT_ENDPOINT_CONFIG into
	// the current folder and fails every run. LoadFile names a missing file.
	if f.EndpointConfig != "" {
		if err := c.LoadFile(f.EndpointConfig); err != nil {
			return c, usageErrorf("--endpoint-config %s: %w", f.EndpointConfig, err)
		}
	}
	if err := c.ApplyEnv(os.Getenv); err != nil {
		return c, usageErrorf("environment: %w", err)
	}
	if f.BaseURL != "" {
		c.BaseURL = f.BaseURL
	}
	if f.Model != "" {
		c.Model = f.Model
	}
	if f.Temperature != nil {
		c.Temperature = *f.Temperature
	}
	if f.MaxTokens > 0 {
		c.MaxTokens = f.MaxTokens
	}
	if f.Timeout > 0 {
		c.Timeout = endpoint.Duration(f.Timeout)
	}
	if f.Concurrency > 0 {
		c.Concurrency = f.Concurrency
	}
	if f.RPM > 0 {
		c.RequestsPerMinute = f.RPM
	}
	if f.TPM > 0 {
		c.TokensPerMinute = f.TPM
	}
	if f.MaxRetries != nil {
		c.MaxRetries = *f.MaxRetries
	}
	if f.PriceIn != nil {
		c.PriceInPerMTok = *f.PriceIn
	}
	if f.PriceOut != nil {
		c.PriceOutPerMTok = *f.PriceOut
	}
	return c, nil
}

// client builds the endpoint client, or returns nil when no endpoint is
// configured.
func (f *endpointFlags) client(app *App) (*endpoint.Client, endpoint.Config, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, cfg, err
	}
	if !cfg.Configured() {
		return nil, cfg, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, cfg, usageErrorf("endpoint configuration: %w", err)
	}
	c, err := endpoint.New(cfg, endpoint.WithLogger(app.Log))
	if err != nil {
		return nil, cfg, usageErrorf("endpoint: %w", err)
	}
	return c, cfg, nil
}

const endpointHelp = `
No endpoint is configured. Set one, for example:
  OpenAI:     export OPENAI_API_KEY=sk-... BITEXT_MODEL=gpt-4o-mini
  vLLM:       export OPENAI_BASE_URL=http://localhost:8000/v1 BITEXT_MODEL=Qwen/Qwen2.5-14B-Instruct
  Ollama:     export OPENAI_BASE_URL=http://localhost:11434/v1 BITEXT_MODEL=qwen2.5:14b
  llama.cpp:  export OPENAI_BASE_URL=http://localhost:8080/v1 BITEXT_MODEL=local
and check it with 'bitext endpoint check'.`

// pairFlag collects --pair RU EN (two values per flag).
type pairFlag [][2]string

// Decode reads two values for one --pair.
func (p *pairFlag) Decode(ctx *kong.DecodeContext) error {
	var ru, en string
	if err := ctx.Scan.PopValueInto("RU file", &ru); err != nil {
		return err
	}
	if err := ctx.Scan.PopValueInto("EN file", &en); err != nil {
		return fmt.Errorf("--pair needs two files, the Russian then the English: %w", err)
	}
	*p = append(*p, [2]string{ru, en})
	return nil
}

// RunCmd is the main job.
type RunCmd struct {
	analyzeFlags
	endpointFlags
	Out      string   `help:"Output folder." default:"out" env:"BITEXT_OUT"`
	Glossary string   `help:"Glossary file (CSV, TSV or TBX) to import into the database before the run; without it the database's glossary is used." env:"BITEXT_GLOSSARY"`
	Pair     pairFlag `help:"A Russian file and its existing English translation, aligned instead of translated (repeatable): --pair a.txt b.txt." placeholder:"RU EN"`
	PairMT   bool     `name:"pair-mt" help:"Translate the Russian side of pairs too, and align the existing English with the help of our translation: more accurate pairs, at the cost of translating the Russian (cached like any translation)." env:"BITEXT_PAIR_MT"`
	DryRun   bool     `name:"dry-run" help:"Count tokens and estimate the cost; call no endpoint."`
	MaxCost  float64  `name:"max-cost" help:"Stop cleanly before the estimated cost of the run would exceed this (0: no limit)."`
	JSON     bool     `name:"json" help:"Print the report as JSON on stdout (it is always written to OUT/report.json)."`
	Parallel *int     `help:"Documents read and translated at once (requests in flight stay bounded by --concurrency; default 4 × --concurrency)." env:"BITEXT_PARALLEL"`
	Paths    []string `arg:"" optional:"" name:"path" help:"Files or folders (read recursively)."`
}

// Help shows examples.
func (c *RunCmd) Help() string {
	return `Runs the main job over files and folders. Every file is read, its
language detected per paragraph, split into sentences and stored. Then:
  - Russian documents (and the Russian paragraphs of mixed ones) are
    translated through the model endpoint, checked against the glossary and
    repaired, aligned, and written to OUT/NAME.en.txt, OUT/NAME.pairs.tsv and
    OUT/NAME.pairs.json;
  - NAME.ru.txt beside NAME.en.txt (or --pair RU EN) is an existing
    translation: it is aligned and checked against the glossary instead
    (with --pair-mt, the Russian is translated as well and the aligner
    compares the existing English with our translation: better pairs,
    written with our translation beside them in NAME.pairs.json);
  - English documents are stored as they are.
OUT/report.json holds the machine-readable report; a summary goes to stderr.
Re-running resumes: committed segments are never paid for again, and a
translation memory serves repeated sentences.

Exit codes: 0 all done; 1 some inputs or segments failed, or documents wait
for an endpoint or the cost limit; 2 usage or configuration error.

Examples:
  bitext run --glossary data/glossary.csv data/samples
  OPENAI_API_KEY=sk-... BITEXT_MODEL=gpt-4o-mini bitext run releases/
  bitext run --dry-run --price-in 0.15 --price-out 0.6 releases/
  bitext run --max-cost 2.50 --out english/ releases/
  bitext run --pair statement.txt statement-official-en.txt
  bitext run --pair-mt releases-with-translations/`
}

// Run runs the job.
func (c *RunCmd) Run(app *App) error {
	if len(c.Paths) == 0 && len(c.Pair) == 0 {
		return usageErrorf("give files or folders to run over, e.g. 'bitext run data/samples'")
	}
	if err := c.checkNumbers(); err != nil {
		return err
	}
	if info, err := os.Stat(c.Out); err == nil && !info.IsDir() {
		return usageErrorf("--out %s: is a file, not a folder; give a folder (it is created if missing)", c.Out)
	}
	for _, p := range c.Pair {
		if sameFile(p[0], p[1]) {
			return usageErrorf("--pair %s %s: both name the same file; give the Russian file, then its English translation", p[0], p[1])
		}
	}
	if len(c.Paths) > 0 && len(c.Pair) == 0 {
		r := &input.Reader{MaxBytes: c.MaxFileSize}
		if files, skipped, errs := r.Expand(app.Ctx, c.Paths); len(files) == 0 && len(errs) == 0 && app.Ctx.Err() == nil {
			return noFilesError(c.Paths, skipped)
		}
	}
	client, cfg, err := c.client(app)
	if err != nil {
		return err
	}
	if client != nil && !c.DryRun {
		// Before paying for anything: a wrong key, model or URL stops the
		// run here, nothing marked done; an endpoint that cannot be
		// reached leaves the translations waiting while the rest is done.
		if err := client.Preflight(app.Ctx); err != nil {
			switch {
			case endpoint.IsConfigError(err):
				return usageErrorf("endpoint %s: %w; nothing was done (check it with 'bitext endpoint check')", cfg.String(), err)
			case endpoint.IsUnavailable(err):
				app.Log.Warn("the endpoint cannot be reached: documents to translate will wait for the next run", "error", err)
			default:
				return err
			}
		}
	}
	// Before anything is paid for: outputs that cannot be written would
	// waste every translation of the run.
	if err := pipeline.CheckOutDir(c.Out); err != nil {
		return usageErrorf("--out: %w", err)
	}
	a, err := c.analyzer(app)
	if err != nil {
		return err
	}
	a.Reader = app.Limit.reader(a.Reader)
	db, err := openStore(app)
	if err != nil {
		return err
	}
	defer db.Close()
	g, err := loadGlossary(app, db, c.Glossary)
	if err != nil {
		return err
	}
	job := &pipeline.Job{
		Analyzer: a,
		Store:    db,
		Glossary: g,
		QA:       qaChecker{},
		Log:      app.Log,
		Config: pipeline.JobConfig{OutDir: c.Out, Model: cfg.Model, PromptVersion: translate.PromptVersion,
			DryRun: c.DryRun, MaxCost: c.MaxCost, Pairs: c.Pair, Parallel: c.parallel(cfg), PairMT: c.PairMT},
	}
	if client != nil || c.DryRun {
		count := endpoint.NewTokens(cfg.Model).Count
		if client != nil {
			count = client.CountTokens
			job.Config.Endpoint = cfg.String()
		}
		job.Estimator = &pipeline.TokenEstimator{Count: count, PriceIn: cfg.PriceInPerMTok, PriceOut: cfg.PriceOutPerMTok}
	}
	var bar *progressbar.ProgressBar
	if client != nil && !c.DryRun {
		var terms translate.Terms
		if g != nil {
			terms = g
		}
		job.Translator = func(onResult func(translate.SegmentResult)) pipeline.Translator {
			return translate.New(client, translate.Options{Terms: terms, Concurrency: cfg.Concurrency, OnResult: onResult, DropResults: true, Log: app.Log})
		}
		job.Queued = client.Waiting
		if f, ok := app.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			bar = progressbar.NewOptions(0, progressbar.OptionSetWriter(app.Stderr), progressbar.OptionSetDescription("translating"),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
			job.Progress = &barProgress{bar: bar}
		} else {
			job.Progress = &logProgress{app: app, every: 50}
		}
	}
	rep, runErr := job.Run(app.Ctx, c.Paths)
	if rep != nil {
		rep.GlossarySource = describeGlossary(app, db, c.Glossary)
	}
	if bar != nil {
		_ = bar.Finish()
	}
	if rep == nil {
		return runErr
	}
	if client != nil {
		u := client.Usage()
		rep.TokensIn, rep.TokensOut = int(u.PromptTokens), int(u.CompletionTokens)
		rep.HTTPAttempts = int(u.Attempts)
		rep.Cost = cfg.Cost(u)
	}
	path, werr := rep.WriteReport()
	if werr != nil {
		app.Log.Error("cannot write the report", "error", werr)
	}
	if c.JSON {
		enc := json.NewEncoder(app.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		_ = enc.Encode(rep)
	}
	printSummary(app.Stderr, rep, path, cfg)
	if runErr != nil {
		return fmt.Errorf("run stopped: %w (run the same command again to resume; nothing committed is lost)", runErr)
	}
	if len(rep.Waiting) > 0 {
		if client != nil {
			if gone := client.Unavailable(); gone != nil {
				return partialError("%d document(s) wait for the endpoint, which stopped answering: %v", len(rep.Waiting), gone)
			}
		}
		return partialError("%d document(s) wait for a model endpoint:%s", len(rep.Waiting), endpointHelp)
	}
	if !rep.OK() {
		return partialError("not everything was done: see the summary above and %s", path)
	}
	return nil
}

// parallelPerSlot is how many documents are processed at once per request
// in flight when --parallel is not given. A short document (a news item,
// a release) is one request, and a document in flight spends part of its
// time being read, checked, aligned and written, or waiting for the reply
// its glossary follow-up repairs: with one document per slot the slots
// idled half the time. Measured on the 107 WMT21 news documents at 8 in
// flight (BenchmarkRunThroughputWMT): 4 documents 2.3× the latency bound,
// 16 1.2×, 32 1.1×.
const parallelPerSlot = 4

// parallel is the number of documents processed at once: --parallel, or
// parallelPerSlot per request slot of the endpoint.
func (c *RunCmd) parallel(cfg endpoint.Config) int {
	if c.Parallel != nil {
		return *c.Parallel
	}
	return parallelPerSlot * max(1, cfg.Concurrency)
}

// describeGlossary says, for the summary and the report, where the run's
// glossary came from.
func describeGlossary(app *App, db *store.DB, file string) string {
	if file != "" {
		return "the database's glossary, with " + file + " imported into it"
	}
	seed, err := db.Setting(app.Ctx, "glossary_seed")
	if err != nil || seed == "" || strings.HasPrefix(seed, "skipped") {
		return "the database's glossary"
	}
	return "the built-in glossary (seed version " + seed + "), as kept in the database"
}

// loadGlossary imports file (if given) and returns the database's glossary,
// or nil when it is empty.
func loadGlossary(app *App, db *store.DB, file string) (*pipeline.Glossary, error) {
	if file != "" {
		entries, err := readGlossaryFile(file)
		if err != nil {
			return nil, usageErrorf("--glossary: %w", err)
		}
		st, err := db.ImportGlossary(app.Ctx, entries, "bitext run")
		if err != nil {
			return nil, fmt.Errorf("--glossary %s: %w", file, err)
		}
		app.Log.Debug("glossary imported", "file", file, "added", st.Added, "updated", st.Updated, "unchanged", st.Unchanged)
		for _, cf := range st.Conflicts {
			app.Log.Warn("--glossary: an entry changed since the file was exported was left as stored (import it with 'bitext glossary import --force' to overwrite)",
				"file", file, "id", cf.ID, "stored_version", cf.Stored.Version, "file_version", cf.File.Version)
		}
	}
	entries, err := db.GlossaryEntries(app.Ctx, store.GlossaryFilter{})
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		app.Log.Info("the glossary is empty: terms are not enforced (import one with --glossary or 'bitext glossary import')")
		return nil, nil
	}
	return pipeline.NewGlossary(entries)
}

func newTerms(entries []glossary.Entry) (translate.Terms, error) {
	return pipeline.NewGlossary(entries)
}

// sameFile reports whether a and b name the same file (by path, or the
// same file reached by two paths).
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// openFile opens a file named on the command line; the error says what to
// do when the path is missing or a directory.
func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: does not exist; check the path and the current directory", path)
	}
	if err != nil {
		return nil, err
	}
	if info, err := f.Stat(); err == nil && info.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory; give a file", path)
	}
	return f, nil
}

type barProgress struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

func (p *barProgress) Grow(n int) { p.mu.Lock(); p.bar.AddMax(n); p.mu.Unlock() }
func (p *barProgress) Done(n int) { p.mu.Lock(); _ = p.bar.Add(n); p.mu.Unlock() }

// logProgress logs every few finished segments when stderr is not a
// terminal.
type logProgress struct {
	mu          sync.Mutex
	app         *App
	every       int
	total, done int
}

func (p *logProgress) Grow(n int) { p.mu.Lock(); p.total += n; p.mu.Unlock() }
func (p *logProgress) Done(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if p.done%p.every == 0 || p.done == p.total {
		p.app.Log.Info("translating", "done", p.done, "of", p.total)
	}
}

// printSummary writes the short human summary.
func printSummary(w io.Writer, rep *pipeline.Report, reportPath string, cfg endpoint.Config) {
	fmt.Fprintln(w)
	for _, d := range rep.Documents {
		line := fmt.Sprintf("%-22s %s", d.Action, d.File)
		var parts []string
		if d.Lang != "" {
			parts = append(parts, string(d.Lang))
		}
		if len(d.Segments) > 0 {
			parts = append(parts, fmtStates(d.Segments))
		} else if d.Sentences > 0 {
			parts = append(parts, fmt.Sprintf("%d sentences", d.Sentences))
		}
		if d.Pairs > 0 {
			parts = append(parts, fmt.Sprintf("%d pairs (%d low confidence)", d.Pairs, d.LowConf))
		}
		if d.TermSuccess != nil {
			parts = append(parts, fmt.Sprintf("terms %d/%d", d.TermsOK, d.Terms))
		}
		if d.Violations > 0 {
			parts = append(parts, fmt.Sprintf("%d violations", d.Violations))
		}
		if d.QAErrors+d.QAWarnings > 0 {
			parts = append(parts, fmt.Sprintf("QA %d errors, %d warnings", d.QAErrors, d.QAWarnings))
		}
		if d.FromMemory > 0 {
			parts = append(parts, fmt.Sprintf("%d from memory", d.FromMemory))
		}
		if d.Action == pipeline.ActEstimated {
			parts = append(parts, fmt.Sprintf("~%d+%d tokens, ~%.4f", d.TokensIn, d.TokensOut, d.Cost))
		}
		if len(parts) > 0 {
			line += "  [" + strings.Join(parts, ", ") + "]"
		}
		if d.Error != "" {
			line += "\n    " + d.Error
		}
		if d.Note != "" {
			line += "\n    " + d.Note
		}
		fmt.Fprintln(w, line)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "%-22s %s\n    %s\n", "skipped", s.Path, s.Reason)
	}
	if rep.GlossaryEntries > 0 {
		fmt.Fprintf(w, "\nglossary: %s; %d entries, version %s", rep.GlossarySource, rep.GlossaryEntries, rep.GlossaryVersion)
	} else {
		fmt.Fprintf(w, "\nglossary: none (terms are not enforced; import one with --glossary or 'bitext glossary import')")
	}
	rechecked, again := 0, 0
	var because []string
	for _, d := range rep.Documents {
		rechecked += d.Rechecked
		again += d.Retranslate
		for _, id := range d.RetranslateFor {
			if !slices.Contains(because, id) {
				because = append(because, id)
			}
		}
	}
	if rechecked > 0 {
		fmt.Fprintf(w, "\nglossary changes: %d finished segment(s) checked again, %d translated again", rechecked, again)
		if len(because) > 0 {
			slices.Sort(because)
			fmt.Fprintf(w, " because of %s", strings.Join(because, ", "))
		}
	}
	fmt.Fprintf(w, "\n%d documents", len(rep.Documents))
	if len(rep.Segments) > 0 {
		fmt.Fprintf(w, "; segments: %s", fmtStates(rep.Segments))
	}
	if rep.TermSuccess != nil {
		fmt.Fprintf(w, "; term success %.1f%% (%d/%d)", 100**rep.TermSuccess, rep.TermsOK, rep.Terms)
	}
	fmt.Fprintf(w, "; %d violations", rep.Violations)
	if len(rep.Findings) > 0 || rep.QAErrors > 0 {
		fmt.Fprintf(w, "; QA: %d errors, %d warnings (%s)", rep.QAErrors, rep.QAWarnings, fmtFindings(rep.Findings))
	}
	if rep.SkippedInputs > 0 {
		fmt.Fprintf(w, "; %d files skipped", rep.SkippedInputs)
	}
	if rep.DryRun {
		var in, out int
		var cost float64
		for _, d := range rep.Documents {
			in, out, cost = in+d.TokensIn, out+d.TokensOut, cost+d.Cost
		}
		fmt.Fprintf(w, "\ndry run: about %d prompt + %d completion tokens, estimated cost %.4f", in, out, cost)
	} else {
		fmt.Fprintf(w, "\n%d calls (%d HTTP attempts), %d tokens in, %d out", rep.Calls, rep.HTTPAttempts, rep.TokensIn, rep.TokensOut)
		if cfg.PriceInPerMTok > 0 || cfg.PriceOutPerMTok > 0 {
			fmt.Fprintf(w, ", cost %.4f", rep.Cost)
		}
	}
	fmt.Fprintf(w, "; %.1fs; report %s\n", rep.DurationSec, reportPath)
}

func fmtStates(m map[bitext.State]int) string {
	var parts []string
	for _, s := range []bitext.State{bitext.StateVerified, bitext.StateTranslated, bitext.StateNeedsReview, bitext.StateFailed, bitext.StatePending} {
		if n := m[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

// fmtFindings lists QA findings by kind, most first.
func fmtFindings(m map[bitext.FindingKind]int) string {
	kinds := make([]bitext.FindingKind, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b bitext.FindingKind) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(string(a), string(b))
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
