package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/bitext/bitext"
)

// DocsCmd lists the stored documents.
type DocsCmd struct {
	List DocsListCmd `cmd:"" default:"withargs" help:"List documents with their pairs by machine state and review status."`
}

// DocsListCmd lists documents.
type DocsListCmd struct {
	JSON bool `help:"Print JSON, one document per line."`
}

// Help shows examples.
func (c *DocsListCmd) Help() string {
	return `Each document the database holds: id, name, language, what the last run
did with it, its pairs by machine state and review status, and its term
success (glossary terms rendered as required, over the terms found).

Examples:
  bitext docs list
  bitext docs list --json | jq -r 'select(.status.draft > 0) | .name'`
}

// docRow is one document as listed.
type docRow struct {
	ID          int64                 `json:"id"`
	Name        string                `json:"name"`
	Path        string                `json:"path"`
	Lang        bitext.Lang           `json:"lang"`
	Kind        bitext.Kind           `json:"kind"`
	Action      string                `json:"action"`
	Error       string                `json:"error,omitempty"`
	Sentences   int                   `json:"sentences"`
	Pairs       int                   `json:"pairs"`
	States      map[bitext.State]int  `json:"states"`
	Status      map[bitext.Status]int `json:"status"`
	Terms       int                   `json:"terms"`
	TermsOK     int                   `json:"terms_ok"`
	TermSuccess *float64              `json:"term_success,omitempty"`
	// TranslationOf is the Russian document an English translation
	// belongs to (its pairs are listed there).
	TranslationOf int64 `json:"translation_of,omitempty"`
}

// Run lists the documents.
func (c *DocsListCmd) Run(app *App) error {
	db, err := openStoreReading(app)
	if err != nil {
		return err
	}
	defer db.Close()
	docs, err := db.Documents(app.Ctx)
	if err != nil {
		return err
	}
	stats, err := db.PairStats(app.Ctx)
	if err != nil {
		return err
	}
	rows := make([]docRow, 0, len(docs))
	for _, d := range docs {
		r := docRow{ID: d.ID, Name: d.Name, Path: d.Path, Lang: d.Lang, Kind: d.Kind, Action: d.Action, Error: d.ActionError,
			Sentences: d.Sentences, States: map[bitext.State]int{}, Status: map[bitext.Status]int{}}
		if d.TranslationOf != nil {
			r.TranslationOf = *d.TranslationOf
		}
		if s := stats[d.ID]; s != nil {
			r.Pairs, r.States, r.Status, r.Terms, r.TermsOK = s.Pairs, s.States, s.Status, s.Terms, s.TermsOK
			if s.Terms > 0 {
				v := float64(s.TermsOK) / float64(s.Terms)
				r.TermSuccess = &v
			}
		}
		rows = append(rows, r)
	}
	if c.JSON {
		for _, r := range rows {
			writeJSONLine(app.Stdout, r)
		}
		return nil
	}
	if len(rows) == 0 {
		fmt.Fprintf(app.Stdout, "no documents in %s: 'bitext run FILES' reads some\n", app.CLI.DB)
		return nil
	}
	tw := tabwriter.NewWriter(app.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tLANG\tACTION\tPAIRS\tMACHINE\tREVIEW\tTERMS")
	for _, r := range rows {
		action := r.Action
		if action == "" {
			action = "-"
		}
		if r.TranslationOf != 0 {
			action = fmt.Sprintf("translation of %d", r.TranslationOf)
		}
		terms := "-"
		if r.TermSuccess != nil {
			terms = fmt.Sprintf("%d/%d (%.1f%%)", r.TermsOK, r.Terms, 100**r.TermSuccess)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.ID, r.Name, r.Lang, action, r.Pairs,
			orDash(countStates(r.States)), orDash(countStatus(r.Status)), terms)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func countStates(m map[bitext.State]int) string {
	var parts []string
	for _, s := range []bitext.State{bitext.StateVerified, bitext.StateTranslated, bitext.StateHuman, bitext.StateNeedsReview, bitext.StateFailed, bitext.StatePending} {
		if n := m[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

func countStatus(m map[bitext.Status]int) string {
	var parts []string
	for _, s := range []bitext.Status{bitext.StatusApproved, bitext.StatusRejected, bitext.StatusDraft} {
		if n := m[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}
