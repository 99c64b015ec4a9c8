package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/align"
	"github.com/bitext/bitext/pipeline"
	"github.com/bitext/bitext/store"
)

// alignFlags are the aligner settings shared by align and eval align.
type alignFlags struct {
	MaxSrc   int `help:"Most source sentences in one bead." default:"4"`
	MaxTgt   int `help:"Most target sentences in one bead." default:"4"`
	MaxTotal int `help:"Most sentences in one bead, both sides together." default:"5"`
}

func (f alignFlags) options() (align.Options, error) {
	if f.MaxSrc < 1 || f.MaxTgt < 1 || f.MaxTotal < 2 {
		return align.Options{}, usageErrorf("--max-src and --max-tgt must be at least 1, --max-total at least 2")
	}
	return align.Options{MaxSrc: f.MaxSrc, MaxTgt: f.MaxTgt, MaxTotal: f.MaxTotal}, nil
}

// defaultEmbedWeight is --embed-weight's default (keep the two equal).
const defaultEmbedWeight = 1

// embedFlags select sentence embeddings, shared by align and eval align.
type embedFlags struct {
	Embed       bool    `name:"embeddings" help:"Add sentence-embedding similarity from the endpoint in OPENAI_BASE_URL (OPENAI_API_KEY, model BITEXT_EMBED_MODEL)."`
	EmbedWeight float64 `name:"embed-weight" help:"Weight of the embedding similarity in the bead score (calibrate it with eval align on a development set)." default:"1"`
}

// embedder returns the client of the embeddings endpoint, nil without
// --embeddings, and sets the embedding weight in opts.
func (f embedFlags) embedder(opts *align.Options) (align.Embedder, error) {
	if !(f.EmbedWeight >= 0) || math.IsInf(f.EmbedWeight, 0) {
		return nil, usageErrorf("--embed-weight %g: want a finite weight ≥ 0", f.EmbedWeight)
	}
	if !f.Embed {
		if f.EmbedWeight != defaultEmbedWeight {
			return nil, usageErrorf("--embed-weight applies to the embedding similarity: add --embeddings")
		}
		return nil, nil
	}
	w := align.DefaultWeights
	if opts.Weights != nil {
		w = *opts.Weights
	}
	w.Embed = f.EmbedWeight
	opts.Weights = &w
	cl, err := align.NewEmbeddingClient(align.EmbeddingConfig{
		BaseURL: os.Getenv("OPENAI_BASE_URL"), APIKey: os.Getenv("OPENAI_API_KEY"), Model: os.Getenv("BITEXT_EMBED_MODEL")})
	if errors.Is(err, align.ErrNoEmbeddingEndpoint) {
		return nil, usageErrorf("--embeddings needs an embeddings endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY if it wants one) and BITEXT_EMBED_MODEL")
	}
	if err != nil {
		return nil, usageErrorf("--embeddings: %w", err)
	}
	return cl, nil
}

// AlignCmd aligns two texts sentence by sentence.
type AlignCmd struct {
	alignFlags
	analyzeFlags
	Presplit bool   `help:"Inputs hold one sentence per line; print beads as [i, j]:[k]."`
	MT       string `name:"mt" help:"Machine translation of the source, one line per source sentence." type:"existingfile"`
	TgtMT    string `name:"tgt-mt" help:"Machine translation of the target into the source language, one line per target sentence (compared with the source, added to --mt)." type:"existingfile"`
	Scores   bool   `help:"With --presplit, append the cost of each bead as a third field."`
	embedFlags
	JSON bool   `name:"json" help:"Print one JSON object per bead instead of TSV (raw texts)."`
	Save bool   `help:"Store both documents and their alignment in the database (--db)."`
	Src  string `arg:"" name:"source" help:"Source text (Russian)." type:"existingfile"`
	Tgt  string `arg:"" name:"target" help:"Target text (English)." type:"existingfile"`
}

// Help shows examples.
func (c *AlignCmd) Help() string {
	return `Two modes:

  --presplit: both files hold one sentence per line. Prints one bead per line,
  0-based line numbers, "[5]:[]" and "[]:[7]" for sentences left unpaired:
      bitext align --presplit src.txt tgt.txt --mt mt.txt > pred.txt
      bitext align --presplit src.txt tgt.txt --mt mt.txt --tgt-mt tgt_mt.txt

  raw texts: both files are read, split into paragraphs and sentences and
  aligned. Prints TSV (bead, confidence, Russian, English) or JSON; --save
  stores the two documents and the alignment in the database:
      bitext align release.ru.txt release.en.txt --save --db bitext.db

A machine translation of the source (--mt) sharpens the alignment a lot.`
}

// Run aligns.
func (c *AlignCmd) Run(app *App) error {
	opts, err := c.options()
	if err != nil {
		return err
	}
	if c.Presplit {
		if c.Save || c.JSON {
			return usageErrorf("--save and --json work on raw texts, not with --presplit")
		}
		return c.runPresplit(app, opts)
	}
	if c.Scores {
		return usageErrorf("--scores needs --presplit")
	}
	return c.runRaw(app, opts)
}

func readLinesArg(name, path string) ([]string, error) {
	lines, err := align.ReadLines(path)
	if err != nil {
		return nil, usageErrorf("%s: %w", name, err)
	}
	return lines, nil
}

func (c *AlignCmd) readMT(n int) ([]string, error) {
	return readParallel("--mt", c.MT, "source", n)
}

func (c *AlignCmd) readTgtMT(m int) ([]string, error) {
	return readParallel("--tgt-mt", c.TgtMT, "target", m)
}

// readParallel reads a translation given with flag, which must have one
// line per sentence of the side it translates; an empty path means none.
func readParallel(flag, path, side string, n int) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	lines, err := readLinesArg(flag, path)
	if err != nil {
		return nil, err
	}
	if len(lines) != n {
		return nil, usageErrorf("%s %s has %d lines, the %s has %d sentences; give one line per %s sentence, blank lines included", flag, path, len(lines), side, n, side)
	}
	return lines, nil
}

func (c *AlignCmd) runPresplit(app *App, opts align.Options) error {
	src, err := readLinesArg("source", c.Src)
	if err != nil {
		return err
	}
	tgt, err := readLinesArg("target", c.Tgt)
	if err != nil {
		return err
	}
	beads, _, err := c.alignTexts(app, src, tgt, opts)
	if err != nil {
		return err
	}
	return align.WriteBeads(app.Stdout, beads, c.Scores)
}

// alignTexts reads the --mt and --tgt-mt files for src and tgt, fetches
// embeddings when asked, and aligns; withMT reports whether an MT was used.
func (c *AlignCmd) alignTexts(app *App, src, tgt []string, opts align.Options) (beads []align.Bead, withMT bool, err error) {
	mt, err := c.readMT(len(src))
	if err != nil {
		return nil, false, err
	}
	tgtMT, err := c.readTgtMT(len(tgt))
	if err != nil {
		return nil, false, err
	}
	if err := c.embed(app, src, tgt, &opts); err != nil {
		return nil, false, err
	}
	app.Log.Debug("aligning", "source", len(src), "target", len(tgt), "mt", mt != nil)
	beads, err = align.Align(app.Ctx, align.Input{Src: src, Tgt: tgt, MT: mt, TgtMT: tgtMT}, opts)
	return beads, mt != nil, err
}

// embed fetches sentence vectors for both sides when --embeddings is set.
func (c *AlignCmd) embed(app *App, src, tgt []string, opts *align.Options) error {
	cl, err := c.embedder(opts)
	if cl == nil || err != nil {
		return err
	}
	app.Log.Debug("embedding sentences", "source", len(src), "target", len(tgt))
	e, err := align.EmbedPair(app.Ctx, cl, src, tgt)
	if err != nil {
		return fmt.Errorf("--embeddings: %w", err)
	}
	opts.Embeddings = e
	return nil
}

func (c *AlignCmd) runRaw(app *App, opts align.Options) error {
	an, err := c.analyzer(app)
	if err != nil {
		return err
	}
	docs := make([]*bitext.Document, 2)
	for k, path := range []string{c.Src, c.Tgt} {
		d, err := an.ReadFile(app.Ctx, path)
		if err != nil {
			return usageErrorf("%w", err)
		}
		docs[k] = d
	}
	docs[1].Kind = bitext.Translation
	src, tgt := texts(docs[0].Sentences()), texts(docs[1].Sentences())
	app.Log.Debug("aligning", "source", docs[0].String(), "target", docs[1].String())
	beads, _, err := c.alignTexts(app, src, tgt, opts)
	if err != nil {
		return err
	}
	pairs := align.Pairs(beads, src, tgt, nil)
	if c.Save {
		if pairs, err = savePairs(app, docs[0], docs[1], pairs); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(app.Stdout)
	for _, p := range pairs {
		if c.JSON {
			if err := enc.Encode(pipeline.FilePair{Bead: p.Bead(), Pair: p}); err != nil {
				return err
			}
			continue
		}
		if _, err := fmt.Fprintf(app.Stdout, "%s\t%.3f\t%s\t%s\n", p.Bead(), p.Confidence, tsvField(p.RU), tsvField(p.EN)); err != nil {
			return err
		}
	}
	return nil
}

// savePairs stores both documents and their pairs (pairs people
// reviewed stay as they are) and returns the pairs as stored, with ids.
func savePairs(app *App, src, tgt *bitext.Document, pairs []bitext.Pair) ([]bitext.Pair, error) {
	db, err := openStore(app)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	for _, d := range []*bitext.Document{src, tgt} {
		if _, err := db.SaveDocument(app.Ctx, d); err != nil {
			return nil, fmt.Errorf("store %s: %w", d.Path, err)
		}
	}
	if err := db.SetTranslationOf(app.Ctx, tgt.ID, src.ID); err != nil {
		return nil, fmt.Errorf("store %s: %w", tgt.Path, err)
	}
	expect, err := db.Pairs(app.Ctx, src.ID)
	if err != nil {
		return nil, err
	}
	stored, err := db.SyncPairs(app.Ctx, store.PairSync{Doc: src.ID, En: tgt.ID, Expect: expect, Fresh: pairs,
		Texts: bitext.SideTexts{RU: sentenceText(src), EN: sentenceText(tgt)}})
	if err != nil {
		return nil, err
	}
	app.Log.Info("pairs stored: review them with 'bitext pairs list'", "source_doc", src.ID, "target_doc", tgt.ID, "pairs", len(stored))
	return stored, nil
}

func texts(ss []bitext.Sentence) []string {
	out := make([]string, len(ss))
	for k, s := range ss {
		out[k] = s.Text
	}
	return out
}

// tsvField keeps a value on one TSV field: tabs and line breaks become spaces.
func tsvField(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}

// EvalCmd evaluates bitext against benchmark sets.
type EvalCmd struct {
	Align EvalAlignCmd `cmd:"" help:"Score the aligner on a benchmark set (strict and lax P/R/F1)."`
}

// EvalAlignCmd aligns every document of a benchmark set and scores it the
// way the benchmark's score.py does.
type EvalAlignCmd struct {
	alignFlags
	embedFlags
	NoMT   bool   `name:"no-mt" help:"Ignore the sets' mt.txt files (length and anchors only)."`
	Both   bool   `name:"both-directions" help:"Also use the sets' tgt_mt.txt files (translation of the target into the source language)."`
	PerDoc bool   `help:"Also print one table per document."`
	Out    string `help:"Write the predicted alignments to OUT/<doc>/gold.txt (for score.py)." type:"path"`
	Set    string `arg:"" name:"set-dir" help:"Benchmark set: one folder per document with src.txt, tgt.txt, gold.txt and optional mt.txt." type:"existingdir"`
}

// Help shows an example.
func (c *EvalAlignCmd) Help() string {
	return `Example:
      bitext eval align ../shared/bench/align/textberg-defr-test
      bitext eval align --no-mt --per-doc ../shared/bench/align/parice-en-is
      bitext eval align --both-directions ../shared/bench/align/textberg-defr-dev
      OPENAI_BASE_URL=http://localhost:8080/v1 BITEXT_EMBED_MODEL=labse \
        bitext eval align --embeddings --embed-weight 1.5 ../shared/bench/align/textberg-defr-dev`
}

// Run evaluates.
func (c *EvalAlignCmd) Run(app *App) error {
	opts, err := c.options()
	if err != nil {
		return err
	}
	docs, err := align.ReadSet(c.Set)
	if err != nil {
		return usageErrorf("%w", err)
	}
	if c.Both && c.NoMT {
		return usageErrorf("--both-directions and --no-mt exclude each other")
	}
	emb, err := c.embedder(&opts)
	if err != nil {
		return err
	}
	inputs := align.EvalInputs{MT: !c.NoMT, TgtMT: c.Both, Embedder: emb}
	total, res, err := align.EvaluateWith(app.Ctx, docs, inputs, opts)
	if err != nil {
		return err
	}
	if c.Out != "" {
		for _, r := range res {
			dir := filepath.Join(c.Out, r.Name)
			if err := os.MkdirAll(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("write predictions: %w", err)
			}
			f, err := os.Create(filepath.Join(dir, "gold.txt"))
			if err != nil {
				return fmt.Errorf("write predictions: %w", err)
			}
			werr := align.WriteBeads(f, r.Beads, false)
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				return fmt.Errorf("write predictions %s: %w", f.Name(), werr)
			}
		}
	}
	if c.PerDoc {
		for _, r := range res {
			if err := align.WriteTable(app.Stdout, "document "+r.Name, r.Counts); err != nil {
				return err
			}
			fmt.Fprintln(app.Stdout)
		}
	}
	return align.WriteTable(app.Stdout, fmt.Sprintf("all %d document(s)", len(res)), total)
}

// sentenceText gives the text of a document's sentences by index.
func sentenceText(d *bitext.Document) func(int) string {
	ss := d.Sentences()
	return func(i int) string {
		if i < 0 || i >= len(ss) {
			return ""
		}
		return ss[i].Text
	}
}
