package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/format/tmx"
	"github.com/bitext/bitext/format/xliff"
	"github.com/bitext/bitext/review"
	"github.com/bitext/bitext/store"
)

// ImportCmd applies a reviewed XLIFF file back to the stored pairs, or
// seeds the translation memory from a TMX file.
type ImportCmd struct {
	File   string `arg:"" help:"An XLIFF 1.2 file exported by 'bitext export --format xliff' and reviewed in a CAT tool, or a TMX 1.4 memory of any tool."`
	Format string `help:"xliff or tmx (default: from the file name)." enum:",xliff,tmx" default:""`
	By     string `help:"Who made the changes in the file (default: $USER)." env:"BITEXT_USER"`
	JSON   bool   `help:"Print the outcome of every unit as JSON, one object per line."`
}

// Help shows examples.
func (c *ImportCmd) Help() string {
	return `Applies a reviewed XLIFF file back: a changed target becomes an edit by
--by, a state maps back to a review status (final, signed-off or
approved="yes": approved; needs-translation with a target: rejected). A
unit whose pair changed in bitext since the export (another version) is a
conflict, listed with both texts, and left as stored; units that match no
pair (merged or split since, or from another database) are listed. An
export imported with no change changes nothing. The file is read whole
before anything is applied: a malformed file (or one with a DOCTYPE or
entities) changes nothing.

A TMX memory (any TMX 1.4 from another tool: xml:lang ru, ru-RU, en-GB…,
inline tags dropped with their codes, their text kept) seeds the
translation memory: a Russian sentence of a later run that a unit has
(white space and Unicode form normalised) is served its English at no cost
with origin tm, checked against the glossary, below approved pairs and
above the model. Units without both a Russian and an English text are
skipped and counted. The file is streamed (bounded memory) in one
transaction: a malformed file imports nothing.

Exit codes: 0 all applied or unchanged; 1 conflicts or unmatched units (the
rest applied); 2 unreadable file.

Examples:
  bitext export statement.txt --format xliff -o statement.xlf
  bitext import statement.xlf --by anna
  bitext import agency-memory.tmx`
}

// unitOutcome is what import did with one unit.
type unitOutcome struct {
	Unit    string `json:"unit"`
	Line    int    `json:"line"`
	Pair    int64  `json:"pair,omitempty"`
	Outcome string `json:"outcome"` // unchanged, edited, approved, rejected, conflict, unmatched, kept
	Detail  string `json:"detail,omitempty"`
	Stored  string `json:"stored,omitempty"` // conflict: the English in bitext
	File    string `json:"file,omitempty"`   // conflict: the English in the file
}

// Run imports.
func (c *ImportCmd) Run(app *App) error {
	ext := strings.ToLower(filepath.Ext(c.File))
	if c.Format == "tmx" || c.Format == "" && ext == ".tmx" {
		return c.importTMX(app)
	}
	if c.Format == "" && ext != ".xlf" && ext != ".xliff" && ext != ".xml" {
		return usageErrorf("import %s: give an XLIFF file (.xlf, .xliff) or a TMX memory (.tmx), or say which with --format", c.File)
	}
	f, err := os.Open(c.File)
	if err != nil {
		return usageErrorf("import: %v", err)
	}
	units, err := xliff.ReadAll(f, xliff.Options{})
	f.Close()
	if err != nil {
		return usageErrorf("import %s: %v; nothing was applied", c.File, err)
	}
	db, err := openStore(app)
	if err != nil {
		return err
	}
	defer db.Close()
	r := &review.Reviewer{Store: db, Who: (&editorFlags{By: c.By}).who(), QA: qaChecker{}}
	if g, err := loadGlossary(app, db, ""); err == nil && g != nil {
		r.Glossary = g
	}
	counts := map[string]int{}
	for _, u := range units {
		o := c.apply(app, db, r, u)
		counts[o.Outcome]++
		if c.JSON {
			writeJSONLine(app.Stdout, o)
			continue
		}
		switch o.Outcome {
		case "conflict":
			fmt.Fprintf(app.Stdout, "conflict: unit %s (line %d): %s; nothing applied\n  bitext: «%s»\n  file:   «%s»\n", o.Unit, o.Line, o.Detail, o.Stored, o.File)
		case "unmatched", "kept":
			fmt.Fprintf(app.Stdout, "%s: unit %s (line %d): %s\n", o.Outcome, o.Unit, o.Line, o.Detail)
		}
	}
	fmt.Fprintf(app.Stderr, "%s: %d units: %d edited, %d approved, %d rejected, %d unchanged, %d kept, %d conflicts, %d unmatched\n",
		c.File, len(units), counts["edited"], counts["approved"], counts["rejected"], counts["unchanged"], counts["kept"], counts["conflict"], counts["unmatched"])
	if n := counts["conflict"] + counts["unmatched"]; n > 0 {
		return partialError("import %s: %d unit(s) not applied (listed above)", c.File, n)
	}
	return nil
}

// apply applies one unit to its pair.
func (c *ImportCmd) apply(app *App, db *store.DB, r *review.Reviewer, u xliff.TransUnit) unitOutcome {
	o := unitOutcome{Unit: u.ID, Line: u.Line, Pair: u.Pair}
	if u.Pair == 0 {
		o.Outcome, o.Detail = "unmatched", "no bitext pair id (the unit was not exported by bitext)"
		return o
	}
	doc, err := db.PairDoc(app.Ctx, u.Pair)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Doc != 0 && doc != u.Doc) {
		o.Outcome, o.Detail = "unmatched", fmt.Sprintf("pair %d is not in this database (merged, split or undone since the export, or exported from another database)", u.Pair)
		return o
	}
	if err != nil {
		o.Outcome, o.Detail = "unmatched", err.Error()
		return o
	}
	p, err := db.Pair(app.Ctx, doc, u.Pair)
	if err != nil {
		o.Outcome, o.Detail = "unmatched", err.Error()
		return o
	}
	target := strings.Join(strings.Fields(u.Target), " ")
	textChanged := u.HasTarget && target != "" && target != strings.Join(strings.Fields(p.EN), " ")
	statusChanged := u.Status != p.Status && !(u.Status == bitext.StatusDraft && textChanged)
	if !textChanged && !statusChanged {
		o.Outcome = "unchanged"
		return o
	}
	if u.Version != 0 && p.Version != u.Version {
		o.Outcome, o.Stored, o.File = "conflict", p.EN, target
		o.Detail = fmt.Sprintf("pair %d changed in bitext since the export (version %d, the file has version %d)", p.ID, p.Version, u.Version)
		if !textChanged {
			o.File = fmt.Sprintf("%s [%s]", p.EN, u.Status)
		}
		return o
	}
	version := p.Version
	if textChanged {
		n, err := r.Edit(app.Ctx, doc, p.ID, target, version)
		if err != nil {
			return failed(o, p, target, err)
		}
		version, o.Outcome = n.Version, "edited"
	}
	switch u.Status {
	case bitext.StatusApproved, bitext.StatusRejected:
		f := r.Approve
		if u.Status == bitext.StatusRejected {
			f = r.Reject
		}
		out, err := f(app.Ctx, doc, []int64{p.ID}, version)
		if err != nil {
			return failed(o, p, target, err)
		}
		if why := out.Skipped[p.ID]; why != "" && !strings.HasPrefix(why, "already") {
			o.Outcome, o.Detail = "kept", fmt.Sprintf("pair %d not %s: %s", p.ID, u.Status, why)
			return o
		}
		if o.Outcome == "" {
			o.Outcome = string(u.Status)
		} else {
			o.Detail = "and " + string(u.Status)
		}
	default:
		if !textChanged {
			o.Outcome, o.Detail = "kept", fmt.Sprintf("pair %d stays %s: the file has it as a draft (state %q); reject or edit it in bitext to reopen it", p.ID, p.Status, u.State)
		}
	}
	return o
}

// failed turns a review error into a conflict (someone changed the pair
// meanwhile) or an unmatched unit.
func failed(o unitOutcome, p bitext.Pair, target string, err error) unitOutcome {
	var conflict *review.Conflict
	if errors.As(err, &conflict) {
		o.Outcome, o.Detail, o.Stored, o.File = "conflict", "the pair changed while the file was applied", p.EN, target
		return o
	}
	o.Outcome, o.Detail = "unmatched", err.Error()
	return o
}

// importTMX seeds the translation memory from a TMX file.
func (c *ImportCmd) importTMX(app *App) error {
	f, err := os.Open(c.File)
	if err != nil {
		return usageErrorf("import: %v", err)
	}
	defer f.Close()
	db, err := openStore(app)
	if err != nil {
		return err
	}
	defer db.Close()
	dec := tmx.NewDecoder(bufio.NewReaderSize(f, 1<<16), tmx.Options{})
	var decodeErr error
	st, err := db.ImportTM(app.Ctx, filepath.Base(c.File), (&editorFlags{By: c.By}).who(), func() (store.TMEntry, bool, error) {
		u, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return store.TMEntry{}, false, nil
		}
		if err != nil {
			decodeErr = err
			return store.TMEntry{}, false, err
		}
		return store.TMEntry{Source: u.RU, Target: u.EN, TUID: u.TUID}, true, nil
	})
	if decodeErr != nil {
		return usageErrorf("import %s: %v; nothing was imported", c.File, decodeErr)
	}
	if err != nil {
		return err
	}
	ds := dec.Stats()
	if c.JSON {
		writeJSONLine(app.Stdout, map[string]any{"file": c.File, "units": ds.Units, "skipped": ds.Skipped, "skip_reasons": ds.Reasons,
			"added": st.Added, "updated": st.Updated, "unchanged": st.Unchanged})
	}
	fmt.Fprintf(app.Stderr, "%s: %d units: %d added, %d updated, %d unchanged to the translation memory (origin tm); %d skipped",
		c.File, ds.Units, st.Added, st.Updated, st.Unchanged, ds.Skipped)
	for reason, n := range ds.Reasons {
		fmt.Fprintf(app.Stderr, "; %s: %d", reason, n)
	}
	fmt.Fprintln(app.Stderr)
	return nil
}
