package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/qa"
)

// QACmd checks translations: numbers, dates, names, untranslated text,
// lengths, consistency, form, and the glossary.
type QACmd struct {
	Doc  string `arg:"" optional:"" help:"A stored document (its id or file name), instead of --src and --tgt."`
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
  bitext qa statement.txt`
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

// Run checks.
func (c *QACmd) Run(app *App) error {
	var ru, en []string
	var label func(i int) int // the line (or pair id) printed for a pair
	var accepted []bitext.Pair
	switch {
	case c.Doc != "" && (c.Src != "" || c.Tgt != ""):
		return usageErrorf("qa: give a document or --src and --tgt, not both")
	case c.Doc != "":
		_, ps, err := storedPairs(app, c.Doc)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return usageErrorf("qa: document %s has no pairs: a run translates or aligns it first, or it is English", c.Doc)
		}
		for _, p := range ps {
			ru, en = append(ru, p.RU), append(en, p.EN)
		}
		accepted = ps
		label = func(i int) int { return int(ps[i].ID) }
	case c.Src == "" || c.Tgt == "":
		return usageErrorf("qa: give --src RU_FILE and --tgt EN_FILE (line-parallel), or a stored document")
	default:
		if err := readLines(app, c.Src, func(_ int, line string) error { ru = append(ru, line); return nil }); err != nil {
			return err
		}
		if err := readLines(app, c.Tgt, func(_ int, line string) error { en = append(en, line); return nil }); err != nil {
			return err
		}
		if len(ru) != len(en) {
			return usageErrorf("qa: %s has %d lines, %s has %d: the files must be line-parallel", c.Src, len(ru), c.Tgt, len(en))
		}
		label = func(i int) int { return i + 1 }
	}
	check, err := c.glossaryCheck(app)
	if err != nil {
		return err
	}
	found := qa.Doc(qaPairs(ru, en))
	errs, warns := 0, 0
	for i := range ru {
		fs := found[i]
		if accepted != nil { // a stored pair: what reviewers accepted stays quiet
			p := accepted[i]
			p.SetFindings(fs)
			fs = fs[:0]
			for _, f := range p.Findings {
				if !f.Accepted {
					fs = append(fs, f)
				}
			}
		}
		fs = append(fs, check(ru[i], en[i])...)
		for _, f := range fs {
			if f.Severity == bitext.SeverityError {
				errs++
			} else {
				warns++
			}
		}
		if err := printQA(app.Stdout, label(i), c.Doc != "", fs, c.JSON); err != nil {
			return err
		}
	}
	if !c.JSON {
		fmt.Fprintf(app.Stderr, "%d %s, %d errors, %d warnings\n", len(ru), map[bool]string{true: "pairs", false: "lines"}[c.Doc != ""], errs, warns)
	}
	if errs > 0 {
		return partialError("qa: %d error(s) found", errs)
	}
	return nil
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
func printQA(w io.Writer, n int, pairs bool, fs []bitext.Finding, asJSON bool) error {
	if asJSON {
		out := struct {
			Line   int       `json:"line,omitempty"`
			Pair   int       `json:"pair,omitempty"`
			Issues []qaIssue `json:"issues"`
		}{Issues: make([]qaIssue, 0, len(fs))}
		if pairs {
			out.Pair = n
		} else {
			out.Line = n
		}
		for _, f := range fs {
			out.Issues = append(out.Issues, qaIssue{f.Kind, f.Severity, f.RU, f.EN, f.Message, f.Key})
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	where := fmt.Sprintf("line %d", n)
	if pairs {
		where = fmt.Sprintf("pair #%d", n)
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
