package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/format/tmx"
	"github.com/bitext/bitext/format/xliff"
	"github.com/bitext/bitext/pipeline"
	"github.com/bitext/bitext/store"
)

// ExportCmd writes stored pairs for CAT tools and scripts.
type ExportCmd struct {
	Docs        []string `arg:"" optional:"" name:"doc" help:"Documents: ids or file names (or --all)."`
	All         bool     `help:"Every document that has pairs."`
	Format      string   `help:"xliff (XLIFF 1.2), tmx (TMX 1.4b), tsv or jsonl." enum:"xliff,tmx,tsv,jsonl" required:""`
	Output      string   `short:"o" help:"A file (every document in it), or an existing folder (one file per document: NAME.xlf, .tmx, .tsv, .jsonl). Default: standard output." default:"-"`
	AllStatuses bool     `name:"all-statuses" help:"TMX: every pair with both texts, not only approved ones (draft and rejected pairs carry x-status)."`
}

// Help shows examples and the XLIFF state mapping.
func (c *ExportCmd) Help() string {
	return `Writes the stored pairs of documents as they are now:
  xliff  XLIFF 1.2 (strict schema), one <trans-unit id="pID"> per pair, the
         review status as state (approved: final, approved="yes"; machine
         draft: needs-review-translation / leveraged-mt; from memory:
         leveraged-tm; edited draft: translated; rejected: needs-translation;
         no English: new), glossary violations and QA findings as notes, and
         doc=, pair= and version= in extradata so that 'bitext import' can
         apply a reviewed file back and see what changed in bitext since;
  tmx    TMX 1.4b, approved pairs only (--all-statuses for every pair with
         both texts), x-status, x-origin, x-confidence, x-glossary-version…;
  tsv    document, id, bead, confidence, state, status, Russian, English,
         violations;
  jsonl  one pair a line, every field, with its document's name.

Examples:
  bitext export statement.txt --format xliff -o statement.xlf
  bitext export --all --format tmx -o memory.tmx
  bitext export 3 7 --format tsv -o out/`
}

// exportDoc is a document to export with its pairs.
type exportDoc struct {
	id    int64
	name  string
	doc   *bitext.Document // the Russian document (for its sentences)
	en    *bitext.Document // its human translation, when the pairs align one
	pairs []bitext.Pair
	segs  map[int]store.Segment // the machine translation of each Russian sentence, by index
}

// Run exports.
func (c *ExportCmd) Run(app *App) error {
	if c.All == (len(c.Docs) > 0) {
		return usageErrorf("export: name documents or give --all, not both")
	}
	db, err := openStoreReading(app)
	if err != nil {
		return err
	}
	defer db.Close()
	docs, err := c.documents(app, db)
	if err != nil {
		return err
	}
	gv, err := db.GlossaryVersion(app.Ctx)
	if err != nil {
		return err
	}
	ext := map[string]string{"xliff": ".xlf", "tmx": ".tmx", "tsv": ".tsv", "jsonl": ".jsonl"}[c.Format]
	if st, err := os.Stat(c.Output); err == nil && st.IsDir() {
		for _, d := range docs {
			path := filepath.Join(c.Output, strings.TrimSuffix(d.name, filepath.Ext(d.name))+ext)
			n, err := c.toFile(path, []exportDoc{d}, gv)
			if err != nil {
				return err
			}
			app.Log.Info("exported", "doc", d.name, "units", n, "file", path)
		}
		return nil
	}
	if c.Output == "-" {
		w := bufio.NewWriter(app.Stdout)
		n, err := c.write(w, docs, gv)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		app.Log.Info("exported", "documents", len(docs), "units", n)
		return nil
	}
	n, err := c.toFile(c.Output, docs, gv)
	if err != nil {
		return err
	}
	app.Log.Info("exported", "documents", len(docs), "units", n, "file", c.Output)
	return nil
}

// documents reads the documents named (or all with pairs) with their pairs.
func (c *ExportCmd) documents(app *App, db *store.DB) ([]exportDoc, error) {
	var ids []int64
	if c.All {
		stats, err := db.PairStats(app.Ctx)
		if err != nil {
			return nil, err
		}
		all, err := db.Documents(app.Ctx)
		if err != nil {
			return nil, err
		}
		for i := len(all) - 1; i >= 0; i-- { // oldest first
			if stats[all[i].ID] != nil {
				ids = append(ids, all[i].ID)
			}
		}
		if len(ids) == 0 {
			return nil, usageErrorf("export --all: no document in %s has pairs yet (run 'bitext run' first)", app.CLI.DB)
		}
	}
	for _, name := range c.Docs {
		id, err := findDocument(app, db, name)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	out := make([]exportDoc, 0, len(ids))
	for _, id := range ids {
		d, err := db.Document(app.Ctx, id)
		if err != nil {
			return nil, err
		}
		ps, err := db.Pairs(app.Ctx, id)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, usageErrorf("export: %s has no pairs: a run translates or aligns it first, or it is English", d.Name)
		}
		e := exportDoc{id: id, name: d.Name, doc: d, pairs: ps, segs: map[int]store.Segment{}}
		segs, err := db.Segments(app.Ctx, id)
		if err != nil {
			return nil, err
		}
		for _, s := range segs {
			e.segs[s.Idx] = s
		}
		if ps[0].EnDoc != 0 {
			if e.en, err = db.Document(app.Ctx, ps[0].EnDoc); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// toFile writes the export to path through a temporary file, so that a
// failed export never leaves half a file under the name.
func (c *ExportCmd) toFile(path string, docs []exportDoc, gv string) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, usageErrorf("export -o %s: cannot write there (%v); check that its folder exists and is writable", path, errors.Unwrap(err))
	}
	w := bufio.NewWriter(tmp)
	n, err := c.write(w, docs, gv)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return 0, fmt.Errorf("export %s: %w", path, err)
	}
	return n, nil
}

// write encodes the documents' pairs and returns the units written.
func (c *ExportCmd) write(w io.Writer, docs []exportDoc, gv string) (int, error) {
	switch c.Format {
	case "xliff":
		enc := xliff.NewEncoder(w, xliff.Header{ToolVersion: toolVersion(), Date: time.Now()})
		for _, d := range docs {
			ru, en := sentenceTexts(d.doc), sentenceTexts(d.en)
			for _, p := range d.pairs {
				u := xliff.Unit{Pair: p, File: d.name, RUSentences: pick(ru, p.Src)}
				if d.en != nil {
					u.ENSentences = pick(en, p.Tgt)
				}
				if err := enc.Encode(u); err != nil {
					return 0, err
				}
			}
		}
		return enc.Count(), enc.Close()
	case "tmx":
		enc := tmx.NewEncoder(w, tmx.Header{ToolVersion: toolVersion(), Created: time.Now(), CreatedBy: "bitext"})
		f := tmx.Filter{}
		if c.AllStatuses {
			f.Statuses = []bitext.Status{bitext.StatusDraft, bitext.StatusApproved, bitext.StatusRejected}
		}
		for _, d := range docs {
			for _, p := range d.pairs {
				if !f.Keep(&p) {
					continue
				}
				u := tmx.Unit{Pair: p, GlossaryVersion: gv}
				if len(p.Src) > 0 && p.Origin != bitext.OriginHuman && p.Origin != bitext.OriginSource {
					// the model and glossary its first sentence was translated with
					if s, ok := d.segs[p.Src[0]]; ok && s.Model != "" {
						u.Model = s.Model
						if s.GlossaryVersion != "" {
							u.GlossaryVersion = s.GlossaryVersion
						}
					}
				}
				if err := enc.Encode(u); err != nil {
					return 0, err
				}
			}
		}
		return enc.Count(), enc.Close()
	case "tsv":
		bw := bufio.NewWriter(w)
		bw.WriteString("document\t" + pipeline.PairTSVHeader)
		n := 0
		for _, d := range docs {
			for _, p := range d.pairs {
				bw.WriteString(oneLineText(d.name) + "\t" + pipeline.PairTSV(&p))
				n++
			}
		}
		return n, bw.Flush()
	default: // jsonl
		n := 0
		for _, d := range docs {
			for _, p := range d.pairs {
				writeJSONLine(w, struct {
					Document string `json:"document"`
					Bead     string `json:"bead"`
					bitext.Pair
				}{d.name, p.Bead(), p})
				n++
			}
		}
		return n, nil
	}
}

// sentenceTexts lists a document's sentences (nil for no document).
func sentenceTexts(d *bitext.Document) []string {
	if d == nil {
		return nil
	}
	ss := d.Sentences()
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Text
	}
	return out
}

// pick returns the sentences at idx (nil when one is out of range).
func pick(ss []string, idx []int) []string {
	out := make([]string, 0, len(idx))
	for _, i := range idx {
		if i < 0 || i >= len(ss) {
			return nil
		}
		out = append(out, ss[i])
	}
	return out
}

// toolVersion is bitext's version for the files' tool attributes.
func toolVersion() string {
	if info := buildInfo(); info != nil {
		return moduleVersion(info)
	}
	return "dev"
}
