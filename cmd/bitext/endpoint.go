package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/endpoint"
	"github.com/bitext/bitext/endpoint/fake"
	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/pipeline/translate"
)

// EndpointCmd groups the endpoint commands.
type EndpointCmd struct {
	Check EndpointCheckCmd `cmd:"" help:"Probe the configured model endpoint."`
	Fake  EndpointFakeCmd  `cmd:"" help:"Serve a fake OpenAI-compatible endpoint on loopback, for trying bitext without a model."`
}

// EndpointCheckCmd probes the endpoint.
type EndpointCheckCmd struct {
	endpointFlags
	JSON bool `name:"json" help:"Print the report as JSON."`
}

// Help shows examples and the environment.
func (c *EndpointCheckCmd) Help() string {
	var b strings.Builder
	b.WriteString(`Checks that the endpoint is reachable, that the model is listed and
answers, and which structured-output mode it supports (json_schema strict,
json_object or plain text).

Examples:
  OPENAI_API_KEY=sk-... BITEXT_MODEL=gpt-4o-mini bitext endpoint check
  bitext endpoint check --base-url http://localhost:11434/v1 --model qwen2.5:14b
  bitext endpoint check --endpoint-config endpoint.json --json

Environment:
`)
	for _, v := range endpoint.EnvVars {
		fmt.Fprintf(&b, "  %-24s %s\n", v.Name, v.Help)
	}
	b.WriteString(`
The --endpoint-config file is a JSON object with the keys base_url, api_key,
model, temperature, max_tokens, timeout ("120s"), concurrency,
requests_per_minute, tokens_per_minute, max_retries, max_retry_wait,
max_reply_bytes, response_format, api_type (openai or azure), api_version,
deployment, price_in_per_mtok, price_out_per_mtok.`)
	return b.String()
}

// Run checks.
func (c *EndpointCheckCmd) Run(app *App) error {
	client, cfg, err := c.client(app)
	if err != nil {
		return err
	}
	if client == nil {
		return usageErrorf("%s", strings.TrimSpace(endpointHelp))
	}
	rep, err := client.Check(app.Ctx)
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(app.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		yes := func(b bool) string {
			if b {
				return "yes"
			}
			return "no"
		}
		fmt.Fprintf(app.Stdout, "endpoint           %s\nmodel              %s\nreachable          %s\nmodel listed       %s\nchat works         %s\nstructured output  %s (format %s)\nlatency            %s\n",
			cfg.String(), rep.Model, yes(rep.Reachable), yes(rep.ModelListed), yes(rep.ChatOK), yes(rep.StructuredOutput), rep.Format, rep.Latency.Round(time.Millisecond))
		for _, p := range rep.Problems {
			fmt.Fprintf(app.Stdout, "problem            %s\n", p)
		}
	}
	if !rep.OK() {
		return partialError("the endpoint cannot translate: %s", strings.Join(rep.Problems, "; "))
	}
	return nil
}

// EndpointFakeCmd serves the test endpoint.
type EndpointFakeCmd struct {
	Latency   time.Duration `help:"Delay added to every chat call." default:"0s"`
	FaultRate float64       `name:"fault-rate" help:"Probability of a random fault per call (429, 5xx, bad JSON, merged ids, ...)." default:"0"`
	Seed      uint64        `help:"Seed of the random faults." default:"1"`
	Glossary  string        `help:"Glossary CSV whose terms the fake uses in its 'translations'."`
}

// Help shows examples.
func (c *EndpointFakeCmd) Help() string {
	return `Serves a deterministic fake of the OpenAI chat-completions API on a
loopback port and prints its base URL; it "translates" by transliteration,
so the output is not English, but the whole pipeline can be tried and its
failure handling watched. Stop it with Ctrl-C.

Examples:
  bitext endpoint fake --glossary data/glossary.csv
  bitext endpoint fake --latency 200ms --fault-rate 0.2
  # in another terminal:
  OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 BITEXT_MODEL=fake-model bitext run data/samples`
}

// Run serves until interrupted.
func (c *EndpointFakeCmd) Run(app *App) error {
	if c.Latency < 0 {
		return usageErrorf("--latency %s: give a duration of 0 or more, e.g. 200ms", c.Latency)
	}
	if !(c.FaultRate >= 0 && c.FaultRate <= 1) {
		return usageErrorf("--fault-rate %v: give a probability from 0 to 1, e.g. 0.2", c.FaultRate)
	}
	opts := fake.Options{Latency: c.Latency, Rate: c.FaultRate, Seed: c.Seed}
	if c.Glossary != "" {
		entries, err := readGlossaryFile(c.Glossary)
		if err != nil {
			return usageErrorf("--glossary: %w", err)
		}
		opts.Glossary = map[string]string{}
		for _, e := range entries {
			// The fake replaces phrases by plain substring: short
			// abbreviations would hit the inside of words.
			if !e.Abbreviation && len([]rune(e.RU)) >= 6 {
				opts.Glossary[e.RU] = e.EN
			}
		}
	}
	srv := fake.New(opts)
	defer srv.Close()
	fmt.Fprintf(app.Stdout, "fake endpoint at %s (model fake-model)\nexport OPENAI_BASE_URL=%s BITEXT_MODEL=fake-model\n", srv.BaseURL(), srv.BaseURL())
	<-app.Ctx.Done()
	fmt.Fprintf(app.Stderr, "served %d chat calls\n", srv.Calls())
	return nil
}

// TranslateCmd translates one file to stdout.
type TranslateCmd struct {
	analyzeFlags
	endpointFlags
	Glossary string `help:"Glossary file to enforce (default: the database's glossary)."`
	File     string `arg:"" help:"File to translate."`
}

// Help shows examples.
func (c *TranslateCmd) Help() string {
	return `Translates the Russian paragraphs of one file into English and prints
the English text; English paragraphs are printed as they are. Glossary
violations left and failed sentences are reported on stderr (exit code 1).
Nothing is stored; use 'bitext run' for resumable batch work.

Examples:
  bitext translate data/samples/sco-statement.txt > sco.en.txt
  bitext translate --glossary data/glossary.csv --model gpt-4o-mini release.html`
}

// Run translates.
func (c *TranslateCmd) Run(app *App) error {
	client, _, err := c.client(app)
	if err != nil {
		return err
	}
	if client == nil {
		return usageErrorf("%s", strings.TrimSpace(endpointHelp))
	}
	a, err := c.analyzer(app)
	if err != nil {
		return err
	}
	doc, err := a.ReadFile(app.Ctx, c.File)
	if err != nil {
		return err
	}
	var terms translate.Terms
	if c.Glossary != "" {
		entries, err := readGlossaryFile(c.Glossary)
		if err != nil {
			return usageErrorf("--glossary: %w", err)
		}
		if terms, err = newTerms(entries); err != nil {
			return err
		}
	} else if db, err := openStoreReading(app); err == nil {
		g, err := loadGlossary(app, db, "")
		db.Close()
		if err != nil {
			return err
		}
		if g != nil {
			terms = g
		}
	}
	tdoc := translate.Document{Name: doc.Name}
	for _, p := range doc.Paragraphs {
		if p.Lang == bitext.English {
			continue
		}
		for _, s := range p.Sentences {
			tdoc.Segments = append(tdoc.Segments, translate.Segment{ID: fmt.Sprint(s.Index), Text: s.Text})
		}
	}
	res, err := translate.New(client, translate.Options{Terms: terms, Log: app.Log}).Translate(app.Ctx, tdoc)
	if err != nil {
		return err
	}
	byIdx := map[string]translate.SegmentResult{}
	for _, r := range res.Segments {
		byIdx[r.ID] = r
	}
	problems := 0
	for pi, p := range doc.Paragraphs {
		if pi > 0 {
			fmt.Fprint(app.Stdout, "\n\n")
		}
		for si, s := range p.Sentences {
			if si > 0 {
				fmt.Fprint(app.Stdout, " ")
			}
			r, ok := byIdx[fmt.Sprint(s.Index)]
			switch {
			case !ok:
				fmt.Fprint(app.Stdout, strings.Join(strings.Fields(s.Text), " "))
			case r.State == bitext.StateFailed:
				problems++
				fmt.Fprintf(app.Stdout, "[untranslated sentence %d]", s.Index+1)
				fmt.Fprintf(app.Stderr, "%s: sentence %d failed: %s\n", c.File, s.Index+1, r.Reason)
			default:
				fmt.Fprint(app.Stdout, r.Text)
				for _, v := range r.Violations {
					problems++
					fmt.Fprintf(app.Stderr, "%s: sentence %d: %s\n", c.File, s.Index+1, v.String())
				}
			}
		}
	}
	fmt.Fprintln(app.Stdout)
	if problems > 0 {
		return partialError("%d problem(s) in the translation (see above)", problems)
	}
	return nil
}

func readGlossaryFile(path string) ([]glossary.Entry, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	format, err := glossary.ParseFormat("", path)
	if err != nil {
		return nil, err
	}
	r, err := glossary.DecodeTable(f, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	entries, _, err := glossary.Parse(r, format, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return entries, nil
}
