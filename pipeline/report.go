package pipeline

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/input"
	"github.com/bitext/bitext/pipeline/translate"
	"github.com/bitext/bitext/store"
)

// DocReport is what happened to one input.
type DocReport struct {
	File        string               `json:"file"`
	Name        string               `json:"name,omitempty"`
	DocID       int64                `json:"doc_id,omitempty"`
	Lang        bitext.Lang          `json:"lang,omitempty"`
	Action      string               `json:"action"`
	Pair        string               `json:"pair,omitempty"` // the other file of a Russian–English pair
	Sentences   int                  `json:"sentences"`
	Segments    map[bitext.State]int `json:"segments,omitempty"` // by state
	FromMemory  int                  `json:"from_memory,omitempty"`
	Retranslate int                  `json:"retranslated_for_glossary,omitempty"`
	// Rechecked counts finished segments checked again because entries
	// they use changed; RetranslateFor names the entries whose change
	// made some of them be translated again.
	Rechecked      int      `json:"rechecked_for_glossary,omitempty"`
	RetranslateFor []string `json:"retranslated_for_entries,omitempty"`
	Terms          int      `json:"terms"`
	TermsOK        int      `json:"terms_ok"`
	TermSuccess    *float64 `json:"term_success,omitempty"`
	Violations     int      `json:"violations"`
	// QAErrors and QAWarnings count the QA findings of the pairs (those
	// reviewers accepted left out), Findings them by kind.
	QAErrors   int                        `json:"qa_errors"`
	QAWarnings int                        `json:"qa_warnings"`
	Findings   map[bitext.FindingKind]int `json:"qa_findings,omitempty"`
	Pairs      int                        `json:"pairs,omitempty"`
	LowConf    int                        `json:"low_confidence_pairs,omitempty"`
	Calls      int                        `json:"calls,omitempty"`
	TokensIn   int                        `json:"tokens_in,omitempty"`
	TokensOut  int                        `json:"tokens_out,omitempty"`
	Cost       float64                    `json:"cost,omitempty"`
	Outputs    []string                   `json:"outputs,omitempty"`
	// Note says why the outputs are not named after the input alone
	// (another input of the run would have had the same names).
	Note  string `json:"note,omitempty"`
	Error string `json:"error,omitempty"`
}

// Report is the machine-readable outcome of a run (report.json).
type Report struct {
	Started         time.Time `json:"started"`
	DurationSec     float64   `json:"duration_sec"`
	Database        string    `json:"database"`
	OutDir          string    `json:"out_dir"`
	Endpoint        string    `json:"endpoint,omitempty"`
	Model           string    `json:"model,omitempty"`
	PromptVersion   string    `json:"prompt_version,omitempty"`
	GlossaryVersion string    `json:"glossary_version,omitempty"`
	GlossaryEntries int       `json:"glossary_entries"`
	// GlossarySource says where the glossary came from (the built-in one,
	// a file imported for the run, the database's own).
	GlossarySource string                     `json:"glossary_source,omitempty"`
	DryRun         bool                       `json:"dry_run,omitempty"`
	Documents      []DocReport                `json:"documents"`
	Segments       map[bitext.State]int       `json:"segments"`
	Terms          int                        `json:"terms"`
	TermsOK        int                        `json:"terms_ok"`
	TermSuccess    *float64                   `json:"term_success,omitempty"`
	Violations     int                        `json:"violations"`
	QAErrors       int                        `json:"qa_errors"`
	QAWarnings     int                        `json:"qa_warnings"`
	Findings       map[bitext.FindingKind]int `json:"qa_findings,omitempty"`
	Calls          int                        `json:"calls"`         // translation requests
	HTTPAttempts   int                        `json:"http_attempts"` // HTTP requests, retries included
	TokensIn       int                        `json:"tokens_in"`
	TokensOut      int                        `json:"tokens_out"`
	Cost           float64                    `json:"cost"`
	Waiting        []string                   `json:"waiting_for_endpoint,omitempty"`
	Failed         int                        `json:"failed_inputs"`
	// Skipped lists the files found in folders that are not read (PDFs,
	// images, hidden files…), each with the reason; they do not make the
	// run fail unless nothing at all was read.
	Skipped       []input.Skipped `json:"skipped,omitempty"`
	SkippedInputs int             `json:"skipped_inputs"`
}

// OK reports whether everything was done: no input failed, no segment
// failed, nothing waits for an endpoint or was stopped by the cost limit,
// and something was read (skipped files alone are not a success).
func (r *Report) OK() bool {
	if len(r.Documents) == 0 && len(r.Skipped) > 0 {
		return false
	}
	// A dry run leaves the segments it estimated pending, as it should.
	pending := r.Segments[bitext.StatePending] > 0 && !r.DryRun
	if r.Failed > 0 || len(r.Waiting) > 0 || r.Segments[bitext.StateFailed] > 0 || pending {
		return false
	}
	for _, d := range r.Documents {
		if d.Action == ActCostLimit || d.Action == ActIncomplete {
			return false
		}
	}
	return true
}

// summarise counts states, term success and violations of a document.
func summarise(dr *DocReport, segs []store.Segment) {
	dr.Segments = map[bitext.State]int{}
	dr.Terms, dr.TermsOK, dr.Violations, dr.TermSuccess = 0, 0, 0, nil
	for _, s := range segs {
		dr.Segments[s.State]++
		var terms []translate.TermHit
		var viol []bitext.Violation
		_ = json.Unmarshal([]byte(s.Terms), &terms)
		_ = json.Unmarshal([]byte(s.Violations), &viol)
		if !s.Done() {
			continue
		}
		bad := map[string]bool{}
		for _, v := range viol {
			bad[v.TermID] = true
		}
		seen := map[string]bool{}
		for _, t := range terms {
			if seen[t.ID] {
				continue
			}
			seen[t.ID] = true
			dr.Terms++
			if !bad[t.ID] {
				dr.TermsOK++
			}
		}
		dr.Violations += len(viol)
	}
	if dr.Terms > 0 {
		v := float64(dr.TermsOK) / float64(dr.Terms)
		dr.TermSuccess = &v
	}
}

func (rep *Report) finish(start time.Time) *Report {
	rep.DurationSec = time.Since(start).Seconds()
	for _, d := range rep.Documents {
		for k, v := range d.Segments {
			rep.Segments[k] += v
		}
		rep.Terms += d.Terms
		rep.TermsOK += d.TermsOK
		rep.Violations += d.Violations
		rep.QAErrors += d.QAErrors
		rep.QAWarnings += d.QAWarnings
		for k, v := range d.Findings {
			if rep.Findings == nil {
				rep.Findings = map[bitext.FindingKind]int{}
			}
			rep.Findings[k] += v
		}
		rep.Calls += d.Calls
		rep.TokensIn += d.TokensIn
		rep.TokensOut += d.TokensOut
		rep.Cost += d.Cost
		switch d.Action {
		case ActFailed:
			rep.Failed++
		case ActWaiting:
			rep.Waiting = append(rep.Waiting, d.File)
		}
	}
	if rep.Terms > 0 {
		v := float64(rep.TermsOK) / float64(rep.Terms)
		rep.TermSuccess = &v
	}
	return rep
}

// WriteReport writes report.json into the output folder and returns its
// path.
func (rep *Report) WriteReport() (string, error) {
	path := filepath.Join(rep.OutDir, "report.json")
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		return "", fmt.Errorf("write report: %w", err)
	}
	return path, nil
}

// failedNote says how many segments failed and why the first one did, so
// that the summary tells what went wrong without opening the outputs.
func failedNote(segs []store.Segment) string {
	n, first := 0, -1
	for k := range segs {
		if segs[k].State == bitext.StateFailed {
			if n++; first < 0 {
				first = k
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d segment(s) failed, the first (sentence %d): %s; fix the cause and run the same command again to retry them",
		n, segs[first].Idx+1, segs[first].Reason)
}

// addError appends msg to the document's error, "; " between them.
func (d *DocReport) addError(msg string) {
	d.Error = strings.TrimPrefix(d.Error+"; "+msg, "; ")
}
