package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/data"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/input"
	"github.com/bitext/bitext/pipeline"
	"github.com/bitext/bitext/store"
)

// analyzeFlags are shared by the commands that read and analyse files.
type analyzeFlags struct {
	Langs       []string `help:"Languages to tell apart (ISO 639-1 codes)." env:"BITEXT_LANGS" default:"ru,en" sep:","`
	MaxFileSize int64    `help:"Largest input file in bytes." env:"BITEXT_MAX_FILE_SIZE" default:"268435456"`
}

func (f *analyzeFlags) analyzer(app *App) (*pipeline.Analyzer, error) {
	if err := f.checkNumbers(); err != nil {
		return nil, err
	}
	a, err := pipeline.NewAnalyzer(f.Langs, f.MaxFileSize, app.Log)
	if err != nil {
		return nil, usageErrorf("--langs: %w", err)
	}
	return a, nil
}

// expand turns files and folders into the files to read, the files
// skipped with their reasons, and the paths refused (reported on stderr).
// With nothing to read at all it fails with a usage error that lists the
// skipped files.
func (f *analyzeFlags) expand(app *App, paths []string) ([]string, []input.Skipped, []error, error) {
	r := &input.Reader{MaxBytes: f.MaxFileSize, Log: app.Log}
	files, skipped, errs := r.Expand(app.Ctx, paths)
	if err := app.Ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	for _, err := range errs {
		fmt.Fprintf(app.Stderr, "bitext: %v\n", err)
	}
	if len(files) == 0 && len(errs) == 0 {
		return nil, skipped, nil, noFilesError(paths, skipped)
	}
	return files, skipped, errs, nil
}

// noFilesError says that nothing under paths can be read, and why each
// file found was skipped.
func noFilesError(paths []string, skipped []input.Skipped) error {
	msg := fmt.Sprintf("no readable files (.txt, .md, .html, .docx) under %s", strings.Join(paths, ", "))
	if len(skipped) > 0 {
		msg += fmt.Sprintf("; %d skipped:", len(skipped))
		for _, s := range skipped {
			msg += "\n  " + s.String()
		}
	}
	return usageErrorf("%s", msg)
}

func openStore(app *App) (*store.DB, error) {
	db, err := store.Open(app.Ctx, app.CLI.DB)
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	if err := seedGlossary(app, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// seedGlossary gives a new database bitext's built-in glossary
// (data/glossary.csv), once in its life: entries a user removes stay
// removed, and a database that already has a glossary keeps it.
func seedGlossary(app *App, db *store.DB) error {
	if v, err := db.Setting(app.Ctx, "glossary_seed"); err == nil && v != "" {
		return nil // seeded long ago: no write, no parsing
	}
	entries, _, err := glossary.Parse(bytes.NewReader(data.SeedGlossaryCSV()), glossary.CSV, false)
	if err != nil {
		return fmt.Errorf("the built-in glossary: %w", err)
	}
	version := glossary.Version(entries)
	seeded, err := db.SeedGlossary(app.Ctx, entries, version, "bitext (built-in glossary)")
	if err != nil {
		return err
	}
	if seeded {
		app.Log.Info("new database: the built-in glossary was imported", "entries", len(entries), "version", version, "db", app.CLI.DB)
	}
	return nil
}

// openStoreReading opens the database for a command that only reads it:
// like openStore, but a database that cannot be written (its file or its
// folder is not writable) is opened for reading instead of refused.
func openStoreReading(app *App) (*store.DB, error) {
	db, err := store.Open(app.Ctx, app.CLI.DB)
	if err == nil {
		if err := seedGlossary(app, db); err != nil {
			db.Close()
			return nil, err
		}
		return db, nil
	}
	if !errors.Is(err, store.ErrReadOnly) {
		return nil, usageErrorf("%w", err)
	}
	ro, rerr := store.OpenReadOnly(app.Ctx, app.CLI.DB)
	if rerr != nil {
		return nil, usageErrorf("%w", rerr)
	}
	app.Log.Debug("the database cannot be written: opened for reading only", "db", app.CLI.DB, "why", err)
	return ro, nil
}

// DetectCmd prints the language of each file.
type DetectCmd struct {
	analyzeFlags
	Paragraphs bool     `help:"Also print one line per paragraph."`
	JSON       bool     `name:"json" help:"Print one JSON object per file."`
	Files      []string `arg:"" name:"file" help:"Files or folders to read."`
}

// Help shows examples.
func (c *DetectCmd) Help() string {
	return `Prints one line per file: name, language (ru, en, mixed, unknown), confidence.

Examples:
  bitext detect data/samples/sco-statement.txt
  bitext detect --paragraphs data/samples/letterhead-mixed.txt
  bitext detect --json data/samples`
}

type detectParagraph struct {
	Index      int         `json:"index"`
	Lang       bitext.Lang `json:"lang"`
	Confidence float64     `json:"confidence"`
	Inherited  bool        `json:"inherited,omitempty"`
	Start      int         `json:"start"`
	End        int         `json:"end"`
	Text       string      `json:"text,omitempty"`
}

type detectResult struct {
	File       string            `json:"file"`
	Skipped    string            `json:"skipped,omitempty"` // why the file was not read
	Lang       bitext.Lang       `json:"lang,omitempty"`
	Confidence float64           `json:"confidence"`
	Encoding   string            `json:"encoding,omitempty"`
	Format     string            `json:"format,omitempty"`
	Paragraphs []detectParagraph `json:"paragraphs,omitempty"`
	Error      string            `json:"error,omitempty"`
}

// Run detects.
func (c *DetectCmd) Run(app *App) error {
	a, err := c.analyzer(app)
	if err != nil {
		return err
	}
	files, skipped, bad, err := c.expand(app, c.Files)
	if err != nil {
		return err
	}
	badPaths := len(bad)
	failed := badPaths
	enc := json.NewEncoder(app.Stdout)
	enc.SetEscapeHTML(false)
	// Skipped files are listed first (they are known before reading), on
	// stdout with --json and on stderr otherwise; they are not failures.
	for _, s := range skipped {
		if c.JSON {
			if err := enc.Encode(detectResult{File: s.Path, Skipped: s.Reason}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(app.Stderr, "bitext: skipped %s\n", s)
	}
	for _, f := range files {
		if err := app.Ctx.Err(); err != nil {
			return err
		}
		doc, err := a.ReadFile(app.Ctx, f)
		if err != nil {
			failed++
			if c.JSON {
				_ = enc.Encode(detectResult{File: f, Error: err.Error()})
			}
			fmt.Fprintf(app.Stderr, "bitext: %v\n", err)
			continue
		}
		res := detectResult{File: f, Lang: doc.Lang, Confidence: round3(doc.Confidence), Encoding: doc.Encoding, Format: doc.Format}
		if c.Paragraphs {
			for _, p := range doc.Paragraphs {
				res.Paragraphs = append(res.Paragraphs, detectParagraph{Index: p.Index, Lang: p.Lang, Confidence: round3(p.Confidence),
					Inherited: p.Inherited, Start: p.Span.Start, End: p.Span.End, Text: doc.Text[p.Span.Start:p.Span.End]})
			}
		}
		if c.JSON {
			if err := enc.Encode(res); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(app.Stdout, "%s\t%s\t%.2f\n", f, res.Lang, res.Confidence)
		for _, p := range res.Paragraphs {
			mark := ""
			if p.Inherited {
				mark = " (from neighbours)"
			}
			fmt.Fprintf(app.Stdout, "  ¶%d\t%s\t%.2f%s\t%s\n", p.Index+1, p.Lang, p.Confidence, mark, preview(p.Text, 60))
		}
	}
	if failed > 0 {
		return partialError("%d of %d inputs failed", failed, len(files)+badPaths)
	}
	return nil
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// preview shortens text to n runes on one line.
func preview(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// SegmentCmd prints the sentences of one file.
type SegmentCmd struct {
	analyzeFlags
	Lang string `help:"Language rules to use: auto (detect per paragraph), ru or en." default:"auto" enum:"auto,ru,en"`
	JSON bool   `name:"json" help:"Print one JSON object per sentence with offsets."`
	File string `arg:"" name:"file" help:"File to segment, or - for standard input."`
}

// Help shows examples.
func (c *SegmentCmd) Help() string {
	return `Prints one sentence per line, in order; nothing is dropped or added but
whitespace (line breaks inside a sentence become spaces).

Examples:
  bitext segment data/samples/mfa-consultations.ru.txt
  bitext segment --lang en --json data/samples/un-statement-en.txt
  echo 'В 2022 г. МИД России выступил. А.В.Крутских ответил.' | bitext segment -`
}

type segmentLine struct {
	Index     int         `json:"index"`
	Paragraph int         `json:"paragraph"`
	Lang      bitext.Lang `json:"lang"`
	Start     int         `json:"start"`
	End       int         `json:"end"`
	Text      string      `json:"text"`
}

// Run segments.
func (c *SegmentCmd) Run(app *App) error {
	a, err := c.analyzer(app)
	if err != nil {
		return err
	}
	var doc *bitext.Document
	if c.File == "-" {
		r := &input.Reader{MaxBytes: c.MaxFileSize, Log: app.Log}
		in, err := r.Read(app.Ctx, "stdin", app.Stdin)
		if err != nil {
			return err
		}
		doc = analyzeAs(a, in.Text, c.Lang)
	} else {
		doc, err = a.ReadFile(app.Ctx, c.File)
		if err != nil {
			return err
		}
		if c.Lang != "auto" {
			doc = analyzeAs(a, doc.Text, c.Lang)
		}
	}
	return writeSentences(app.Stdout, doc, c.JSON)
}

func analyzeAs(a *pipeline.Analyzer, text, lang string) *bitext.Document {
	if lang == "auto" {
		return a.Analyze(text)
	}
	return a.AnalyzeAs(text, bitext.Lang(lang))
}

func writeSentences(w io.Writer, doc *bitext.Document, asJSON bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, p := range doc.Paragraphs {
		for _, s := range p.Sentences {
			var err error
			if asJSON {
				err = enc.Encode(segmentLine{Index: s.Index, Paragraph: s.Paragraph, Lang: p.Lang, Start: s.Span.Start, End: s.Span.End, Text: s.Text})
			} else {
				_, err = fmt.Fprintln(w, strings.Join(strings.Fields(s.Text), " "))
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// IngestCmd reads, analyses and stores files.
type IngestCmd struct {
	analyzeFlags
	JSON    bool     `name:"json" help:"Print the results as one JSON object."`
	Workers int      `help:"Files read in parallel (default: number of CPUs)." default:"0"`
	Paths   []string `arg:"" name:"path" help:"Files or folders (read recursively)."`
}

// Help shows examples.
func (c *IngestCmd) Help() string {
	return `Reads every file (plain text, Markdown, saved HTML, Word DOCX; UTF-8,
UTF-16, windows-1251, KOI8-R), detects the language of the document and of
each paragraph, splits it into sentences and stores it in the database. The
same content ingested twice is stored once. Files that fail are reported;
the others still go through (exit code 1). Files in folders that are not
read (PDF, images, hidden files…) are listed as skipped, with the reason.

Examples:
  bitext ingest data/samples
  bitext --db work.db ingest release.html statement.txt
  bitext ingest --json data/samples > ingest.json`
}

// Run ingests.
func (c *IngestCmd) Run(app *App) error {
	_, err := ingest(app, c.analyzeFlags, c.Paths, c.Workers, c.JSON, app.Stdout)
	return err
}

// ingestReport is what ingest --json prints.
type ingestReport struct {
	Database string                `json:"database"`
	Files    []pipeline.FileResult `json:"files"`
	// Skipped lists the files found in folders and not read, with why.
	Skipped []input.Skipped  `json:"skipped,omitempty"`
	Summary pipeline.Summary `json:"summary"`
}

func ingest(app *App, f analyzeFlags, paths []string, workers int, asJSON bool, out io.Writer) (*ingestReport, error) {
	a, err := f.analyzer(app)
	if err != nil {
		return nil, err
	}
	files, skipped, bad, err := f.expand(app, paths)
	if err != nil {
		return nil, err
	}
	badPaths := len(bad)
	db, err := openStore(app)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results, err := a.Ingest(app.Ctx, files, db, workers, func(r pipeline.FileResult) {
		if r.Status == pipeline.Failed {
			app.Log.Debug("file failed", "file", r.Path, "error", r.Error)
			return
		}
		app.Log.Debug("file done", "file", r.Path, "status", r.Status, "lang", r.Lang, "sentences", r.Sentences)
	})
	rep := &ingestReport{Database: db.Path(), Files: results, Summary: pipeline.Summarize(results), Skipped: skipped}
	rep.Summary.Skipped = len(skipped)
	for _, err := range bad {
		// a path that could not be read at all is listed like a failed file
		path := err.Error()
		var fe *input.Error
		if errors.As(err, &fe) {
			path = fe.Path
		}
		rep.Files = append(rep.Files, pipeline.FileResult{Path: path, Status: pipeline.Failed, Error: err.Error()})
	}
	rep.Summary.Failed += badPaths
	rep.Summary.Files += badPaths
	if err != nil {
		return rep, fmt.Errorf("interrupted after %d of %d files: %w (run the same command again to continue)",
			rep.Summary.Stored+rep.Summary.Unchanged+rep.Summary.Failed, len(files), err)
	}
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return rep, err
		}
	} else {
		printIngest(out, rep)
	}
	if rep.Summary.Failed > 0 {
		if rep.Summary.Failed == rep.Summary.Files {
			return rep, partialError("all %d inputs failed (see above); nothing was stored", rep.Summary.Files)
		}
		return rep, partialError("%d of %d inputs failed (see above); the others were stored in %s", rep.Summary.Failed, rep.Summary.Files, db.Path())
	}
	return rep, nil
}

func printIngest(w io.Writer, rep *ingestReport) {
	for _, r := range rep.Files {
		if r.Status == pipeline.Failed {
			fmt.Fprintf(w, "%-9s %s\n", "FAILED", r.Error)
			continue
		}
		langs := string(r.Lang)
		if r.Lang == bitext.Mixed {
			var parts []string
			for _, l := range []bitext.Lang{bitext.Russian, bitext.English, bitext.Unknown} {
				if n := r.ParagraphLangs[l]; n > 0 {
					parts = append(parts, fmt.Sprintf("%s:%d", l, n))
				}
			}
			langs += " (" + strings.Join(parts, " ") + " ¶)"
		}
		fmt.Fprintf(w, "%-9s %s  [%s, %s, %s]  %d paragraphs, %d sentences\n", r.Status, r.Path, langs, r.Encoding, r.Format, r.Paragraphs, r.Sentences)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "%-9s %s\n", "SKIPPED", s)
	}
	s := rep.Summary
	var langs []string
	for _, l := range []bitext.Lang{bitext.Russian, bitext.English, bitext.Mixed, bitext.Unknown} {
		if n := s.Langs[l]; n > 0 {
			langs = append(langs, fmt.Sprintf("%d %s", n, l))
		}
	}
	skipped := ""
	if s.Skipped > 0 {
		skipped = fmt.Sprintf(", %d skipped", s.Skipped)
	}
	fmt.Fprintf(w, "\n%d files: %d stored, %d unchanged, %d failed%s; %d sentences; languages: %s; database %s\n",
		s.Files, s.Stored, s.Unchanged, s.Failed, skipped, s.Sentences, strings.Join(langs, ", "), rep.Database)
}
