package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/align"
	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/pipeline"
	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/review"
	"github.com/bitext/bitext/store"
)

// PairsCmd reviews the aligned pairs of a document.
type PairsCmd struct {
	List        PairsListCmd        `cmd:"" help:"List the pairs of a document."`
	Approve     PairsApproveCmd     `cmd:"" help:"Approve pairs: by id, or every draft pair at or above a confidence."`
	Reject      PairsRejectCmd      `cmd:"" help:"Reject pairs: their English is wrong."`
	Edit        PairsEditCmd        `cmd:"" help:"Replace the English of a pair."`
	Merge       PairsMergeCmd       `cmd:"" help:"Merge two neighbouring pairs."`
	Split       PairsSplitCmd       `cmd:"" help:"Split a pair in two."`
	Shift       PairsShiftCmd       `cmd:"" help:"Move a sentence of a pair to its neighbour."`
	Retranslate PairsRetranslateCmd `cmd:"" help:"Translate one pair again through the endpoint, with the glossary."`
	Undo        PairsUndoCmd        `cmd:"" help:"Undo the last change of a pair."`
	Accept      PairsAcceptCmd      `cmd:"" help:"Accept a QA finding of a pair as a false alarm (it is not raised again)."`
	History     PairsHistoryCmd     `cmd:"" help:"Show every change of a pair: who, when, before and after."`
}

// reviewFlags are shared by the commands that change pairs.
type reviewFlags struct {
	Doc  string `arg:"" help:"Document: its id or file name (as 'bitext docs list' shows)."`
	By   string `help:"Who makes the change (default: $USER)." env:"BITEXT_USER"`
	JSON bool   `help:"Print JSON, one object per line."`
}

func (f *reviewFlags) who() string { return (&editorFlags{By: f.By}).who() }

// reviewer opens the database and finds the document; close when done.
func (f *reviewFlags) reviewer(app *App) (*review.Reviewer, int64, func(), error) {
	db, err := openStore(app)
	if err != nil {
		return nil, 0, nil, err
	}
	doc, err := findDocument(app, db, f.Doc)
	if err != nil {
		db.Close()
		return nil, 0, nil, err
	}
	r := &review.Reviewer{Store: db, Who: f.who(), QA: qaChecker{}}
	if g, err := loadGlossary(app, db, ""); err == nil && g != nil {
		r.Glossary = g
	}
	return r, doc, func() { db.Close() }, nil
}

// storedPairs reads the pairs of a document named by id or file name.
func storedPairs(app *App, name string) (int64, []bitext.Pair, error) {
	db, err := openStoreReading(app)
	if err != nil {
		return 0, nil, err
	}
	defer db.Close()
	doc, err := findDocument(app, db, name)
	if err != nil {
		return 0, nil, err
	}
	ps, err := db.Pairs(app.Ctx, doc)
	return doc, ps, err
}

// findDocument resolves a document named by id or by file name (or path).
// An English translation names its Russian original, whose pairs they are.
func findDocument(app *App, db *store.DB, name string) (int64, error) {
	docs, err := db.Documents(app.Ctx)
	if err != nil {
		return 0, err
	}
	pick := func(d store.DocumentSummary) int64 {
		if d.TranslationOf != nil {
			return *d.TranslationOf
		}
		return d.ID
	}
	if id, err := strconv.ParseInt(name, 10, 64); err == nil {
		for _, d := range docs {
			if d.ID == id {
				return pick(d), nil
			}
		}
	}
	var found []store.DocumentSummary
	for _, d := range docs {
		if d.Name == name || d.Path == name {
			found = append(found, d)
		}
	}
	switch {
	case len(found) == 0:
		return 0, usageErrorf("no document %q in %s: give an id or a file name from 'bitext docs list'", name, app.CLI.DB)
	case len(found) > 1:
		// newest first: an edited file is a new document
		app.Log.Warn("several documents have that name: the newest is used (give the id for another)", "name", name, "id", found[0].ID, "others", len(found)-1)
	}
	return pick(found[0]), nil
}

// PairsListCmd lists pairs.
type PairsListCmd struct {
	Doc        string  `arg:"" help:"Document: its id or file name."`
	Status     string  `help:"Only pairs with this review status: draft, approved, rejected."`
	State      string  `help:"Only pairs in this machine state: verified, translated, needs-review, failed, pending, human."`
	Below      float64 `help:"Only pairs whose confidence is below this." default:"-1"`
	Violations bool    `help:"Only pairs with glossary violations."`
	Findings   bool    `help:"Only pairs with QA findings not accepted."`
	JSON       bool    `help:"Print JSON, one pair per line."`
}

// Help shows examples.
func (c *PairsListCmd) Help() string {
	return `Lists a document's pairs in order: id, sentence indices (src, tgt), confidence,
machine state, review status, version, the Russian and the English, and the
glossary violations.

Examples:
  bitext pairs list statement.ru.txt --below 0.5
  bitext pairs list 3 --violations
  bitext pairs list 3 --status draft --json | jq -r .id`
}

// Run lists the pairs.
func (c *PairsListCmd) Run(app *App) error {
	var status bitext.Status
	if c.Status != "" {
		st, err := bitext.ParseStatus(c.Status)
		if err != nil {
			return usageErrorf("--status: %w", err)
		}
		status = st
	}
	if c.State != "" && !bitext.State(c.State).Valid() {
		return usageErrorf("--state %q: use verified, translated, needs-review, failed, pending or human", c.State)
	}
	doc, ps, err := storedPairs(app, c.Doc)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		app.Log.Warn("the document has no pairs: a run translates or aligns it first, or it is English", "doc", doc)
	}
	shown := 0
	for _, p := range ps {
		if (status != "" && p.Status != status) || (c.State != "" && string(p.State) != c.State) ||
			(c.Below >= 0 && p.Confidence >= c.Below) || (c.Violations && len(p.Violations) == 0) || (c.Findings && !openFindings(&p)) {
			continue
		}
		shown++
		if c.JSON {
			writeJSONLine(app.Stdout, p)
			continue
		}
		printPair(app.Stdout, &p)
	}
	if !c.JSON {
		fmt.Fprintf(app.Stdout, "%d of %d pairs\n", shown, len(ps))
	}
	return nil
}

func writeJSONLine(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// printPair prints a pair for people: a head line, the two texts, the
// violations.
func printPair(w io.Writer, p *bitext.Pair) {
	edited := ""
	if p.Edited {
		edited = ", edited"
	}
	by := ""
	if p.ReviewedBy != "" {
		by = " by " + p.ReviewedBy
	}
	origin := ""
	if p.Origin != "" {
		origin = " (" + string(p.Origin) + ")"
	}
	fmt.Fprintf(w, "#%d  %s  confidence %.3f  %s%s  %s%s%s  v%d\n", p.ID, p.Bead(), p.Confidence, p.State, origin, p.Status, by, edited, p.Version)
	fmt.Fprintf(w, "  ru: %s\n", oneLineText(p.RU))
	en := oneLineText(p.EN)
	if p.State == bitext.StateFailed && en == "" {
		en = "[untranslated: " + oneLineText(p.Reason) + "]"
	}
	fmt.Fprintf(w, "  en: %s\n", en)
	if p.MT != "" {
		fmt.Fprintf(w, "  mt: %s\n", oneLineText(p.MT))
	}
	for _, v := range p.Violations {
		fmt.Fprintf(w, "  ! %s\n", v.String())
	}
	for _, f := range p.Findings {
		mark := "!"
		switch {
		case f.Accepted:
			mark = "✓"
		case f.Severity == bitext.SeverityWarning:
			mark = "?"
		}
		acc := ""
		if f.Accepted {
			acc = " (accepted)"
		}
		fmt.Fprintf(w, "  %s %s %s: %s [%s]%s\n", mark, f.Severity, f.Kind, oneLineText(f.Message), f.Key, acc)
	}
	if p.Note != "" {
		fmt.Fprintf(w, "  note: %s\n", p.Note)
	}
}

func oneLineText(s string) string {
	return strings.Join(strings.Fields(translate.StripControls(s)), " ")
}

// parseIDs reads pair ids.
func parseIDs(args []string) ([]int64, error) {
	var ids []int64
	for _, a := range args {
		for f := range strings.FieldsFuncSeq(a, func(r rune) bool { return r == ',' || r == ' ' }) {
			id, err := strconv.ParseInt(strings.TrimPrefix(f, "#"), 10, 64)
			if err != nil || id <= 0 {
				return nil, usageErrorf("pair id %q: give the numbers 'bitext pairs list' shows after #", f)
			}
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// reviewError gives review errors their exit codes: a conflict or an
// operation that does not apply is the user's to fix (exit 2).
func reviewError(err error) error {
	var c *review.Conflict
	if errors.As(err, &c) || errors.Is(err, review.ErrInvalid) || errors.Is(err, review.ErrNothingToUndo) {
		return &exitError{code: exitUsage, err: err}
	}
	return err
}

// PairsApproveCmd approves pairs.
type PairsApproveCmd struct {
	reviewFlags
	IDs     []string `arg:"" optional:"" name:"id" help:"Pair ids."`
	Above   *float64 `help:"Approve every draft pair whose confidence is at least this (pairs with glossary violations are left for one-by-one review)."`
	Version int      `help:"The version of the pair you reviewed (one pair): a newer one is a conflict."`
}

// Help shows examples.
func (c *PairsApproveCmd) Help() string {
	return `Approved pairs are kept as they are by later runs and serve as human
translations from memory: the same Russian sentence in a new release gets
the approved English at no cost.

Examples:
  bitext pairs approve statement.ru.txt 12 13 14
  bitext pairs approve 3 --above 0.9     # prints how often such pairs are right`
}

// Run approves.
func (c *PairsApproveCmd) Run(app *App) error {
	return runStatus(app, &c.reviewFlags, c.IDs, c.Above, c.Version, true)
}

// PairsRejectCmd rejects pairs.
type PairsRejectCmd struct {
	reviewFlags
	IDs     []string `arg:"" name:"id" help:"Pair ids."`
	Version int      `help:"The version of the pair you reviewed (one pair)."`
}

// Help shows examples.
func (c *PairsRejectCmd) Help() string {
	return `A rejected pair stays out of the English output (a marker takes its
place) until it is edited or re-translated.

Examples:
  bitext pairs reject statement.ru.txt 12
  bitext pairs retranslate statement.ru.txt 12`
}

// Run rejects.
func (c *PairsRejectCmd) Run(app *App) error {
	return runStatus(app, &c.reviewFlags, c.IDs, nil, c.Version, false)
}

func runStatus(app *App, f *reviewFlags, args []string, above *float64, version int, approve bool) error {
	ids, err := parseIDs(args)
	if err != nil {
		return err
	}
	if above != nil && (len(ids) > 0 || !approve) {
		return usageErrorf("give pair ids or --above, not both")
	}
	if above != nil && (*above < 0 || *above > 1) {
		return usageErrorf("--above %g: a confidence between 0 and 1", *above)
	}
	if above == nil && len(ids) == 0 {
		return usageErrorf("name the pairs (ids from 'bitext pairs list') or give --above C")
	}
	r, doc, done, err := f.reviewer(app)
	if err != nil {
		return err
	}
	defer done()
	var out review.Outcome
	switch {
	case above != nil:
		out, err = r.ApproveAbove(app.Ctx, doc, *above)
	case approve:
		out, err = r.Approve(app.Ctx, doc, ids, version)
	default:
		out, err = r.Reject(app.Ctx, doc, ids, version)
	}
	if err != nil {
		return reviewError(err)
	}
	verb := "approved"
	if !approve {
		verb = "rejected"
	}
	if f.JSON {
		writeJSONLine(app.Stdout, out)
	} else {
		fmt.Fprintf(app.Stdout, "%s %d pair(s)", verb, len(out.Changed))
		if above != nil {
			fmt.Fprintf(app.Stdout, " at confidence ≥ %.3g", *above)
		}
		fmt.Fprintln(app.Stdout)
		skipped := make([]int64, 0, len(out.Skipped))
		for id := range out.Skipped {
			skipped = append(skipped, id)
		}
		slices.Sort(skipped)
		for _, id := range skipped {
			fmt.Fprintf(app.Stdout, "  left #%d: %s\n", id, out.Skipped[id])
		}
	}
	if above != nil {
		w := app.Stdout
		if f.JSON {
			w = app.Stderr // stdout stays JSON
		}
		fmt.Fprintln(w, effortNote(*above, review.PairSource(app.Ctx, r.Store, doc)))
	}
	return nil
}

// PairsEditCmd edits the English of a pair.
type PairsEditCmd struct {
	reviewFlags
	ID      string `arg:"" help:"Pair id."`
	EN      string `name:"en" required:"" help:"The new English of the pair."`
	Version int    `help:"The version you edited (from 'pairs list'): if someone changed the pair since, nothing is saved and both texts are shown."`
}

// Help shows examples.
func (c *PairsEditCmd) Help() string {
	return `The edited pair becomes a human draft, checked against the glossary; a
later run keeps it and writes it into the English output.

Examples:
  bitext pairs edit statement.ru.txt 12 --en "International information security is a priority." --version 1`
}

// Run edits.
func (c *PairsEditCmd) Run(app *App) error {
	return c.apply(app, []string{c.ID}, func(r *review.Reviewer, doc int64, ids []int64) ([]bitext.Pair, error) {
		p, err := r.Edit(app.Ctx, doc, ids[0], c.EN, c.Version)
		return []bitext.Pair{p}, err
	})
}

// apply runs one review operation on the pairs named by args and prints
// what it left.
func (f *reviewFlags) apply(app *App, args []string, op func(r *review.Reviewer, doc int64, ids []int64) ([]bitext.Pair, error)) error {
	ids, err := parseIDs(args)
	if err != nil {
		return err
	}
	r, doc, done, err := f.reviewer(app)
	if err != nil {
		return err
	}
	defer done()
	ps, err := op(r, doc, ids)
	if err != nil {
		return reviewError(err)
	}
	return f.show(app, ps...)
}

func (f *reviewFlags) show(app *App, ps ...bitext.Pair) error {
	for i := range ps {
		if f.JSON {
			writeJSONLine(app.Stdout, ps[i])
		} else {
			printPair(app.Stdout, &ps[i])
		}
	}
	return nil
}

// PairsMergeCmd merges two neighbouring pairs.
type PairsMergeCmd struct {
	reviewFlags
	A string `arg:"" help:"A pair id."`
	B string `arg:"" help:"The id of its neighbour."`
}

// Help shows examples.
func (c *PairsMergeCmd) Help() string {
	return `Examples:
  bitext pairs merge statement.ru.txt 12 13
  bitext pairs undo statement.ru.txt 12`
}

// Run merges.
func (c *PairsMergeCmd) Run(app *App) error {
	return c.apply(app, []string{c.A, c.B}, func(r *review.Reviewer, doc int64, ids []int64) ([]bitext.Pair, error) {
		p, err := r.Merge(app.Ctx, doc, ids[0], ids[1])
		return []bitext.Pair{p}, err
	})
}

// PairsSplitCmd splits a pair.
type PairsSplitCmd struct {
	reviewFlags
	ID string `arg:"" help:"Pair id."`
	RU int    `name:"ru" required:"" help:"Russian sentences that stay in the pair (the rest go to the new pair)."`
	EN int    `name:"en" required:"" help:"English sentences that stay in the pair."`
}

// Help shows examples.
func (c *PairsSplitCmd) Help() string {
	return `The first --ru Russian and --en English sentences stay; the rest become a
new pair right after it. 0 leaves a side empty.

Examples:
  bitext pairs split statement.ru.txt 12 --ru 1 --en 1
  bitext pairs split statement.ru.txt 12 --ru 2 --en 1`
}

// Run splits.
func (c *PairsSplitCmd) Run(app *App) error {
	return c.apply(app, []string{c.ID}, func(r *review.Reviewer, doc int64, ids []int64) ([]bitext.Pair, error) {
		return r.Split(app.Ctx, doc, ids[0], c.RU, c.EN)
	})
}

// PairsShiftCmd moves a sentence to the neighbouring pair.
type PairsShiftCmd struct {
	reviewFlags
	ID   string `arg:"" help:"Pair id."`
	Side string `required:"" enum:"ru,en" help:"Which side's sentence moves: ru or en."`
	Dir  string `name:"to" required:"" enum:"up,down" help:"up: the pair's first sentence of that side moves to the end of the pair before; down: its last moves to the start of the pair after."`
}

// Help shows examples.
func (c *PairsShiftCmd) Help() string {
	return `InterText's shift up / shift down. A pair left with no sentence is removed.

Examples:
  bitext pairs shift statement.ru.txt 12 --side en --to up
  bitext pairs shift statement.ru.txt 12 --side ru --to down`
}

// Run shifts.
func (c *PairsShiftCmd) Run(app *App) error {
	return c.apply(app, []string{c.ID}, func(r *review.Reviewer, doc int64, ids []int64) ([]bitext.Pair, error) {
		return r.Shift(app.Ctx, doc, ids[0], review.Side(c.Side), c.Dir == "up")
	})
}

// PairsRetranslateCmd re-translates one pair.
type PairsRetranslateCmd struct {
	reviewFlags
	endpointFlags
	ID string `arg:"" help:"Pair id."`
}

// Help shows examples.
func (c *PairsRetranslateCmd) Help() string {
	return `Asks the endpoint for a new translation of the pair's Russian (never the
memory), with the glossary; the English becomes a new draft.

Examples:
  bitext pairs retranslate statement.ru.txt 12
  bitext pairs retranslate 3 12 --base-url http://localhost:8000/v1 --model local`
}

// Run re-translates.
func (c *PairsRetranslateCmd) Run(app *App) error {
	ids, err := parseIDs([]string{c.ID})
	if err != nil {
		return err
	}
	client, cfg, err := c.client(app)
	if err != nil {
		return err
	}
	if client == nil {
		return usageErrorf("pairs retranslate needs a model endpoint.%s", endpointHelp)
	}
	r, doc, done, err := c.reviewer(app)
	if err != nil {
		return err
	}
	defer done()
	var terms translate.Terms
	if g, ok := r.Glossary.(*pipeline.Glossary); ok {
		terms = g
	}
	r.Translator = oneTranslator{client: client, terms: terms, concurrency: cfg.Concurrency, app: app}
	p, err := r.Retranslate(app.Ctx, doc, ids[0])
	if err != nil {
		if endpoint.IsUnavailable(err) || endpoint.IsConfigError(err) {
			return usageErrorf("%w (check the endpoint with 'bitext endpoint check'); the pair is unchanged", err)
		}
		return reviewError(err)
	}
	return c.show(app, p)
}

// oneTranslator translates one text with the translator the run uses.
type oneTranslator struct {
	client      *endpoint.Client
	terms       translate.Terms
	concurrency int
	app         *App
}

func (t oneTranslator) TranslateOne(ctx context.Context, ru, docContext string) (review.Translation, error) {
	seg := translate.Segment{ID: "0", Text: ru, Matched: t.terms != nil}
	if t.terms != nil {
		seg.Hits = t.terms.Match(ru)
	}
	res, err := translate.New(t.client, translate.Options{Terms: t.terms, Concurrency: t.concurrency, Log: t.app.Log}).
		Translate(ctx, translate.Document{Name: "retranslate", Context: docContext, Segments: []translate.Segment{seg}})
	if err != nil {
		return review.Translation{}, err
	}
	if len(res.Segments) != 1 {
		return review.Translation{}, fmt.Errorf("the translator returned %d results for one sentence", len(res.Segments))
	}
	s := res.Segments[0]
	out := review.Translation{EN: s.Text, State: s.State, Reason: s.Reason, Violations: s.Violations}
	for _, h := range seg.Hits {
		if !slices.Contains(out.Terms, h.ID) {
			out.Terms = append(out.Terms, h.ID)
		}
	}
	return out, nil
}

// PairsUndoCmd undoes the last change of a pair.
type PairsUndoCmd struct {
	reviewFlags
	ID string `arg:"" help:"Pair id."`
}

// Help shows examples.
func (c *PairsUndoCmd) Help() string {
	return `Undoes the pair's last change that stands (an edit, approval, merge,
split, shift or re-translation); again, the one before. A merge undone
brings back the other pair under its own id.

Examples:
  bitext pairs undo statement.ru.txt 12
  bitext pairs history statement.ru.txt 12`
}

// Run undoes.
func (c *PairsUndoCmd) Run(app *App) error {
	return c.apply(app, []string{c.ID}, func(r *review.Reviewer, doc int64, ids []int64) ([]bitext.Pair, error) {
		return r.Undo(app.Ctx, doc, ids[0])
	})
}

func openFindings(p *bitext.Pair) bool {
	e, w := p.OpenFindings()
	return e+w > 0
}

// PairsAcceptCmd accepts a QA finding as a false alarm.
type PairsAcceptCmd struct {
	reviewFlags
	ID      string `arg:"" help:"Pair id."`
	Key     string `arg:"" help:"The finding's key, as 'bitext pairs list' shows it in brackets, such as number:1500."`
	Undo    bool   `name:"undo" help:"Raise the finding again."`
	Version int    `help:"The version of the pair you reviewed: a newer one is a conflict."`
}

// Help shows examples.
func (c *PairsAcceptCmd) Help() string {
	return `Marks a QA finding (a number, date, name… that the check doubts) as a false
alarm: it is not raised again for that pair, by re-runs either, and no longer
keeps the pair from being verified. The change is kept in the pair's history
(who, when) and can be undone.

Examples:
  bitext pairs list statement.ru.txt --findings
  bitext pairs accept statement.ru.txt 12 number:1500
  bitext pairs accept statement.ru.txt 12 number:1500 --undo`
}

// Run accepts.
func (c *PairsAcceptCmd) Run(app *App) error {
	return c.apply(app, []string{c.ID}, func(r *review.Reviewer, doc int64, ids []int64) ([]bitext.Pair, error) {
		f := r.Accept
		if c.Undo {
			f = r.Unaccept
		}
		p, err := f(app.Ctx, doc, ids[0], c.Key, c.Version)
		return []bitext.Pair{p}, err
	})
}

// PairsHistoryCmd shows the history of a pair.
type PairsHistoryCmd struct {
	Doc  string `arg:"" help:"Document: its id or file name."`
	ID   string `arg:"" help:"Pair id."`
	JSON bool   `help:"Print JSON, one change per line."`
}

// Help shows examples.
func (c *PairsHistoryCmd) Help() string {
	return `Examples:
  bitext pairs history statement.ru.txt 12
  bitext pairs history 3 12 --json | jq .after`
}

// Run shows the history.
func (c *PairsHistoryCmd) Run(app *App) error {
	ids, err := parseIDs([]string{c.ID})
	if err != nil {
		return err
	}
	db, err := openStoreReading(app)
	if err != nil {
		return err
	}
	defer db.Close()
	doc, err := findDocument(app, db, c.Doc)
	if err != nil {
		return err
	}
	evs, err := db.PairHistory(app.Ctx, doc, ids[0])
	if err != nil {
		return err
	}
	if len(evs) == 0 && !c.JSON {
		fmt.Fprintf(app.Stdout, "pair %d has no changes by people\n", ids[0])
	}
	for _, e := range evs {
		if c.JSON {
			writeJSONLine(app.Stdout, e)
			continue
		}
		undone := ""
		if e.Undone != 0 {
			undone = fmt.Sprintf("  (undone by change %d)", e.Undone)
		}
		fmt.Fprintf(app.Stdout, "change %d  %s  %s by %s%s\n", e.Seq, e.At, e.Action, e.Who, undone)
		for _, p := range e.Before {
			fmt.Fprintf(app.Stdout, "  before #%d v%d %s %s: %s\n", p.ID, p.Version, p.Bead(), p.Status, oneLineText(p.EN))
		}
		for _, p := range e.After {
			fmt.Fprintf(app.Stdout, "  after  #%d v%d %s %s: %s\n", p.ID, p.Version, p.Bead(), p.Status, oneLineText(p.EN))
		}
	}
	return nil
}

// effortNote says how often pairs at or above a confidence were right on
// bitext's Russian–English evaluation sets, and which threshold reaches
// 99%.
func effortNote(c float64, src align.PairSource) string {
	e := align.EffortAt(c, src)
	msg := fmt.Sprintf("on held-out Russian–English news (WMT22), pairs of this kind (%s) at confidence ≥ %.2f were right %.1f%% of the time (%d pairs, %.0f%% of all)",
		src, e.Threshold, 100*e.Precision, e.Pairs, 100*e.Share)
	if e.Pairs == 0 {
		msg = fmt.Sprintf("on held-out Russian–English news (WMT22), no pair of this kind (%s) reached confidence %.2f", src, c)
	}
	if rec, ok := align.RecommendedThreshold(src); ok {
		msg += fmt.Sprintf("; ≥ %.0f%% right from --above %.2f (%.0f%% of pairs)", 100*align.AimPrecision, rec.Threshold, 100*rec.Share)
	} else {
		msg += fmt.Sprintf("; no threshold reached %.0f%% right there: check what was approved", 100*align.AimPrecision)
	}
	return msg
}
