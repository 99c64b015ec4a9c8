package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/qa"
)

// QACmd checks translations: numbers, dates, names, untranslated text,
// lengths, consistency, form, and the glossary.
type QACmd struct {
	Doc  string `arg:"" optional:"" help:"A stored document (its id or file name), instead of --src and --tgt."`
	All  bool   `help:"Every stored document with pairs, the same sentence translated differently checked across them all (the project)."`
	Src  string `help:"Russian file, one sentence per line."`
	Tgt  string `help:"English file, line-parallel to --src."`
	JSON bool   `help:"One JSON object per line (per pair for DOC): {\"line\":N,\"issues\":[{\"kind\",\"severity\",\"ru\",\"en\",\"message\"}]}."`
	glossarySource
}

// Help shows examples.
func (c *QACmd) Help() string {
	return `Checks English against Russian the way runs check every pair: every number
of the Russian in the English and none added (1 000 = 1,000; 2,5 млн = 2.5
million; 2021–2025 гг.; № 75/240; per cent), dates (day, month, year; с.г. =
this year), Latin names, acronyms, URLs and e-mails kept, Cyrillic left or
text copied, lengths far from the document's own ratio (a warning), the same
sentence translated differently, brackets, quotes, spaces, final
punctuation, and the glossary.

Files of any origin (a CAT tool's export, a colleague's translation) are
line-parallel: line N of --tgt translates line N of --src. DOC checks the
pairs of a stored document as they are now (findings reviewers accepted are
left out); nothing is stored.

Exit codes: 0 no error found (warnings are printed); 1 errors found; 2 bad
input (files not line-parallel, unreadable, no such document).

Examples:
  bitext qa --src release.ru.txt --tgt release.en.txt
  bitext qa --src ru.txt --tgt en.txt --json | jq -c 'select(.issues | length > 0)'
  bitext qa statement.txt
  bitext qa --all --json`
}

// qaIssue is a finding as `bitext qa --json` prints it.
type qaIssue struct {
	Kind     bitext.FindingKind `json:"kind"`
	Severity bitext.Severity    `json:"severity"`
	RU       string             `json:"ru"`
	EN       string             `json:"en"`
	Message  string             `json:"message"`
	Key      string             `json:"key,omitempty"`
}

// qaUnit is what one run of the checks covers: a document's pairs, or
// line-parallel files.
type qaUnit struct {
	name   string        // the document's name ("" for files)
	ru, en []string      // the texts
	pairs  []bitext.Pair // the stored pairs (nil for files)
}

// Run checks.
func (c *QACmd) Run(app *App) error {
	units, err := c.units(app)
	if err != nil {
		return err
	}
	check, err := c.glossaryCheck(app)
	if err != nil {
		return err
	}
	project := qa.NewConsistency() // across documents (--all)
	errs, warns, n := 0, 0, 0
	for _, u := range units {
		found := qa.Doc(qaPairs(u.ru, u.en))
		for i := range u.ru {
			fs := found[i]
			if c.All {
				for _, f := range project.Add(u.name, i, u.ru[i], u.en[i]) {
					if !slices.ContainsFunc(fs, func(g bitext.Finding) bool { return g.Key == f.Key }) {
						fs = append(fs, f)
					}
				}
			}
			if u.pairs != nil { // a stored pair: what reviewers accepted stays quiet
				p := u.pairs[i]
				p.SetFindings(fs)
				fs = fs[:0]
				for _, f := range p.Findings {
					if !f.Accepted {
						fs = append(fs, f)
					}
				}
			}
			fs = append(fs, check(u.ru[i], u.en[i])...)
			for _, f := range fs {
				if f.Severity == bitext.SeverityError {
					errs++
				} else {
					warns++
				}
			}
			where := qaWhere{Line: i + 1}
			if u.pairs != nil {
				where = qaWhere{Doc: u.name, Pair: u.pairs[i].ID}
			}
			if err := printQA(app.Stdout, where, fs, c.JSON); err != nil {
				return err
			}
			n++
		}
	}
	if !c.JSON {
		what := "lines"
		if c.Doc != "" || c.All {
			what = "pairs"
		}
		fmt.Fprintf(app.Stderr, "%d %s, %d errors, %d warnings\n", n, what, errs, warns)
	}
	if errs > 0 {
		return partialError("qa: %d error(s) found", errs)
	}
	return nil
}

// units reads what to check: files, a stored document or all of them.
func (c *QACmd) units(app *App) ([]qaUnit, error) {
	switch {
	case (c.Doc != "" || c.All) && (c.Src != "" || c.Tgt != "") || c.Doc != "" && c.All:
		return nil, usageErrorf("qa: give a document, --all, or --src and --tgt: one of them")
	case c.Doc != "":
		_, ps, err := storedPairs(app, c.Doc)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, usageErrorf("qa: document %s has no pairs: a run translates or aligns it first, or it is English", c.Doc)
		}
		return []qaUnit{pairsUnit(c.Doc, ps)}, nil
	case c.All:
		db, err := openStoreReading(app)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		docs, err := db.Documents(app.Ctx)
		if err != nil {
			return nil, err
		}
		var out []qaUnit
		for i := len(docs) - 1; i >= 0; i-- { // oldest first: later translations are measured against earlier ones
			ps, err := db.Pairs(app.Ctx, docs[i].ID)
			if err != nil {
				return nil, err
			}
			if len(ps) > 0 {
				out = append(out, pairsUnit(docs[i].Name, ps))
			}
		}
		if len(out) == 0 {
			return nil, usageErrorf("qa --all: no document in %s has pairs yet (run 'bitext run' first)", app.CLI.DB)
		}
		return out, nil
	case c.Src == "" || c.Tgt == "":
		return nil, usageErrorf("qa: give --src RU_FILE and --tgt EN_FILE (line-parallel), a stored document, or --all")
	}
	var u qaUnit
	if err := readLines(app, c.Src, func(_ int, line string) error { u.ru = append(u.ru, line); return nil }); err != nil {
		return nil, err
	}
	if err := readLines(app, c.Tgt, func(_ int, line string) error { u.en = append(u.en, line); return nil }); err != nil {
		return nil, err
	}
	if len(u.ru) != len(u.en) {
		return nil, usageErrorf("qa: %s has %d lines, %s has %d: the files must be line-parallel", c.Src, len(u.ru), c.Tgt, len(u.en))
	}
	return []qaUnit{u}, nil
}

func pairsUnit(name string, ps []bitext.Pair) qaUnit {
	u := qaUnit{name: name, pairs: ps}
	for _, p := range ps {
		u.ru, u.en = append(u.ru, p.RU), append(u.en, p.EN)
	}
	return u
}

// qaWhere says what a line of qa's output is about: a line of the files,
// or a stored pair.
type qaWhere struct {
	Line int
	Doc  string
	Pair int64
}

func qaPairs(ru, en []string) []qa.Pair {
	ps := make([]qa.Pair, len(ru))
	for i := range ru {
		ps[i] = qa.Pair{RU: ru[i], EN: en[i]}
	}
	return ps
}

// glossaryCheck returns the glossary check of a line as findings of kind
// glossary (nothing when the glossary is empty).
func (c *QACmd) glossaryCheck(app *App) (func(ru, en string) []bitext.Finding, error) {
	es, err := c.entries(app)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return func(string, string) []bitext.Finding { return nil }, nil
	}
	m, err := glossary.NewMatcher(es)
	if err != nil {
		return nil, err
	}
	v := glossary.NewVerifier(es)
	return func(ru, en string) []bitext.Finding {
		var out []bitext.Finding
		for _, x := range v.Verify(m.Match(ru), en) {
			msg := fmt.Sprintf("%q is missing (the glossary requires it; %d of %d)", x.Expected, x.Got, x.Want)
			if x.Kind == glossary.Forbidden {
				msg = fmt.Sprintf("%q is forbidden by the glossary: use %q", x.Found, x.Expected)
			}
			out = append(out, bitext.Finding{Kind: bitext.FindingGlossary, Severity: bitext.SeverityError, EN: x.Found,
				Message: msg + " [" + x.ID + "]", Key: "glossary:" + x.ID})
		}
		return out
	}, nil
}

// printQA prints one line's (or pair's) findings.
func printQA(w io.Writer, at qaWhere, fs []bitext.Finding, asJSON bool) error {
	if asJSON {
		out := struct {
			Line   int       `json:"line,omitempty"`
			Doc    string    `json:"doc,omitempty"`
			Pair   int64     `json:"pair,omitempty"`
			Issues []qaIssue `json:"issues"`
		}{Line: at.Line, Doc: at.Doc, Pair: at.Pair, Issues: make([]qaIssue, 0, len(fs))}
		if at.Pair != 0 {
			out.Line = 0
		}
		for _, f := range fs {
			out.Issues = append(out.Issues, qaIssue{f.Kind, f.Severity, f.RU, f.EN, f.Message, f.Key})
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	where := fmt.Sprintf("line %d", at.Line)
	if at.Pair != 0 {
		where = fmt.Sprintf("%s #%d", at.Doc, at.Pair)
	}
	for _, f := range fs {
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", where, f.Severity, f.Kind, oneLineText(f.Message)); err != nil {
			return err
		}
	}
	return nil
}

// qaChecker is the qa package as runs (pipeline.Checker) and review
// (review.Checker) use it.
type qaChecker struct{}

func (qaChecker) Check(ru, en string) []bitext.Finding { return qa.Check(ru, en) }

func (qaChecker) CheckDoc(ru, en []string) [][]bitext.Finding { return qa.Doc(qaPairs(ru, en)) }
