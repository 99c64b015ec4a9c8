package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/bitext/bitext/glossary"
	"github.com/bitext/bitext/store"
)

// GlossaryCmd maintains the terminology glossary and applies it to text.
type GlossaryCmd struct {
	Add       GlossaryAddCmd       `cmd:"" help:"Add an entry."`
	Edit      GlossaryEditCmd      `cmd:"" help:"Change an entry (only the fields given)."`
	Deprecate GlossaryDeprecateCmd `cmd:"" help:"Mark an entry deprecated."`
	Rm        GlossaryRmCmd        `cmd:"" help:"Remove an entry (its history stays)."`
	List      GlossaryListCmd      `cmd:"" help:"List entries, filtered by text, status, domain."`
	Show      GlossaryShowCmd      `cmd:"" help:"Show one entry."`
	History   GlossaryHistoryCmd   `cmd:"" help:"Show who changed an entry, when, and how."`
	Import    GlossaryImportCmd    `cmd:"" help:"Import entries from CSV, TSV or TBX (all or nothing)."`
	Export    GlossaryExportCmd    `cmd:"" help:"Export the glossary as CSV, TSV or TBX."`
	Match     GlossaryMatchCmd     `cmd:"" help:"Find glossary terms in Russian sentences, one per line."`
	Check     GlossaryCheckCmd     `cmd:"" help:"Check English lines against the terms of their Russian lines (exit 1 when a violation is found)."`
}

// Help shows examples.
func (c *GlossaryCmd) Help() string {
	return `Examples:
  bitext glossary import data/glossary.csv
  bitext glossary add --id iis --ru "международная информационная безопасность" --en "international information security" --forbidden IIB
  bitext glossary edit iis --version 1 --note "checked"
  bitext glossary list --text ИКТ --status preferred
  bitext glossary export --format tbx -o glossary.tbx
  bitext glossary match --json ru.txt
  bitext glossary check --src ru.txt --tgt en.txt --json`
}

// entryFlags are the content flags shared by add and edit.
type entryFlags struct {
	RU            string   `name:"ru" help:"Russian term (lemma form)."`
	EN            string   `name:"en" help:"Required English term."`
	RUVariants    []string `name:"ru-variant" help:"Allowed Russian variant (repeatable)." sep:"none"`
	ENVariants    []string `name:"en-variant" help:"Allowed English variant (repeatable)." sep:"none"`
	Forbidden     []string `name:"forbidden" help:"Forbidden English rendering (repeatable)." sep:"none"`
	ExcludeRU     []string `name:"exclude-ru" help:"Russian context in which the term is something else, e.g. 'рабочая группа открытого состава по космосу' (repeatable): a match inside it is not this entry." sep:"none"`
	CaseSensitive *bool    `name:"case-sensitive" help:"Match the Russian term's letter case."`
	Abbreviation  *bool    `name:"abbreviation" help:"The Russian term is an abbreviation (matched exactly)."`
	Domain        *string  `name:"domain" help:"Domain (subject field)."`
	Note          *string  `name:"note" help:"Note for translators and editors."`
	Status        string   `name:"status" help:"preferred, admitted or deprecated." enum:",preferred,admitted,deprecated" default:""`
}

func (f *entryFlags) apply(e *glossary.Entry) {
	if f.RU != "" {
		e.RU = f.RU
	}
	if f.EN != "" {
		e.EN = f.EN
	}
	if f.RUVariants != nil {
		e.RUVariants = f.RUVariants
	}
	if f.ENVariants != nil {
		e.ENVariants = f.ENVariants
	}
	if f.Forbidden != nil {
		e.ForbiddenEN = f.Forbidden
	}
	if f.ExcludeRU != nil {
		e.ExcludeRU = f.ExcludeRU
	}
	if f.CaseSensitive != nil {
		e.CaseSensitive = *f.CaseSensitive
	}
	if f.Abbreviation != nil {
		e.Abbreviation = *f.Abbreviation
	}
	if f.Domain != nil {
		e.Domain = *f.Domain
	}
	if f.Note != nil {
		e.Note = *f.Note
	}
	if f.Status != "" {
		e.Status = glossary.Status(f.Status)
	}
}

// editorFlags name who makes a change and select the output.
type editorFlags struct {
	By   string `help:"Who makes the change (default: $USER)." env:"BITEXT_USER"`
	JSON bool   `help:"Print JSON."`
}

func (f *editorFlags) who() string {
	if f.By != "" {
		return f.By
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

// GlossaryAddCmd adds an entry.
type GlossaryAddCmd struct {
	ID string `help:"Entry id (generated when empty)."`
	entryFlags
	editorFlags
}

// Run adds the entry.
func (c *GlossaryAddCmd) Run(app *App) error {
	if c.RU == "" || c.EN == "" {
		return usageErrorf("glossary add: --ru and --en are required")
	}
	db, err := openStore(app)
	if err != nil {
		return err
	}
	defer db.Close()
	e := glossary.Entry{ID: strings.TrimSpace(c.ID)}
	c.apply(&e)
	if e.ID != "" {
		if err := glossary.CheckID(e.ID); err != nil {
			return usageErrorf("glossary add --id: %v", err)
		}
	} else if e.ID, err = readableID(app, db, e.EN); err != nil {
		return err
	}
	e, err = db.AddGlossaryEntry(app.Ctx, e, c.who())
	if err != nil {
		return err
	}
	return printEntry(app.Stdout, e, c.JSON)
}

// GlossaryEditCmd changes an entry.
type GlossaryEditCmd struct {
	ID      string `arg:"" help:"Entry id."`
	Version int64  `help:"The version you are editing (from show); a newer stored version is a conflict. Default: the current one."`
	entryFlags
	listEdits
	editorFlags
}

// listEdits add or remove single items of an entry's lists, where
// --ru-variant, --en-variant, --forbidden and --exclude-ru replace the list.
type listEdits struct {
	AddRUVariant    []string `name:"add-ru-variant" help:"Add one Russian variant (repeatable)." sep:"none"`
	RemoveRUVariant []string `name:"remove-ru-variant" help:"Remove one Russian variant (repeatable)." sep:"none"`
	AddENVariant    []string `name:"add-en-variant" help:"Add one English variant (repeatable)." sep:"none"`
	RemoveENVariant []string `name:"remove-en-variant" help:"Remove one English variant (repeatable)." sep:"none"`
	AddForbidden    []string `name:"add-forbidden" help:"Add one forbidden rendering (repeatable)." sep:"none"`
	RemoveForbidden []string `name:"remove-forbidden" help:"Remove one forbidden rendering (repeatable)." sep:"none"`
}

// apply changes the lists of e; removing an item the list lacks is an
// error naming the list's items.
func (l *listEdits) apply(e *glossary.Entry) error {
	for _, c := range []struct {
		name        string
		list        *[]string
		add, remove []string
	}{
		{"Russian variants", &e.RUVariants, l.AddRUVariant, l.RemoveRUVariant},
		{"English variants", &e.ENVariants, l.AddENVariant, l.RemoveENVariant},
		{"forbidden renderings", &e.ForbiddenEN, l.AddForbidden, l.RemoveForbidden},
	} {
		for _, r := range c.remove {
			i := slices.IndexFunc(*c.list, func(x string) bool { return strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(r)) })
			if i < 0 {
				return usageErrorf("%s has no %q among its %s (%s)", e.ID, r, c.name, strings.Join(*c.list, " | "))
			}
			*c.list = slices.Delete(*c.list, i, i+1)
		}
		*c.list = append(*c.list, c.add...)
	}
	return nil
}

// Run edits the entry.
func (c *GlossaryEditCmd) Run(app *App) error {
	db, err := openStore(app)
	if err != nil {
		return err
	}
	defer db.Close()
	e, err := db.GlossaryEntry(app.Ctx, c.ID)
	if err != nil {
		return err
	}
	if c.Version != 0 {
		e.Version = c.Version
	}
	c.entryFlags.apply(&e)
	if err := c.listEdits.apply(&e); err != nil {
		return err
	}
	e, err = db.UpdateGlossaryEntry(app.Ctx, e, c.who())
	if err != nil {
		return err
	}
	return printEntry(app.Stdout, e, c.JSON)
}

// GlossaryDeprecateCmd deprecates an entry.
type GlossaryDeprecateCmd struct {
	ID      string `arg:"" help:"Entry id."`
	Version int64  `help:"The version you are changing (default: the current one)."`
	editorFlags
}

// Run deprecates the entry.
func (c *GlossaryDeprecateCmd) Run(app *App) error {
	db, err := openStore(app)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := currentVersion(app, db, c.ID, c.Version)
	if err != nil {
		return err
	}
	e, err := db.DeprecateGlossaryEntry(app.Ctx, c.ID, v, c.who())
	if err != nil {
		return err
	}
	return printEntry(app.Stdout, e, c.JSON)
}

func currentVersion(app *App, db *store.DB, id string, v int64) (int64, error) {
	if v != 0 {
		return v, nil
	}
	e, err := db.GlossaryEntry(app.Ctx, id)
	return e.Version, err
}

// GlossaryRmCmd removes an entry.
type GlossaryRmCmd struct {
	ID      string `arg:"" help:"Entry id."`
	Version int64  `help:"The version you are removing (default: the current one)."`
	editorFlags
}

// Run removes the entry.
func (c *GlossaryRmCmd) Run(app *App) error {
	db, err := openStore(app)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := currentVersion(app, db, c.ID, c.Version)
	if err != nil {
		return err
	}
	if err := db.DeleteGlossaryEntry(app.Ctx, c.ID, v, c.who()); err != nil {
		return err
	}
	if c.JSON {
		return json.NewEncoder(app.Stdout).Encode(map[string]any{"id": c.ID, "removed": true})
	}
	fmt.Fprintf(app.Stdout, "removed %s\n", c.ID)
	return nil
}

// GlossaryListCmd lists entries.
type GlossaryListCmd struct {
	Text   string `help:"Only entries whose terms, variants, id or note contain this text."`
	Status string `help:"Only entries with this status." enum:",preferred,admitted,deprecated" default:""`
	Domain string `help:"Only entries of this domain."`
	JSON   bool   `help:"Print one JSON object per entry (every field)."`
	// Columns and Width shape the table.
	Columns []string `help:"Columns to show: id, ru, en, status, domain, version, ru_variants, en_variants, forbidden, note, updated." default:"id,ru,en,status,version" sep:","`
	Width   int      `help:"Fit the table in this many columns, cutting long cells with … (default: the terminal's width, or 100; 0: never cut)." default:"-1"`
}

// listColumns are the columns glossary list can show.
var listColumns = map[string]struct {
	title string
	value func(glossary.Entry) string
}{
	"id":          {"ID", func(e glossary.Entry) string { return e.ID }},
	"ru":          {"RUSSIAN", func(e glossary.Entry) string { return e.RU }},
	"en":          {"ENGLISH", func(e glossary.Entry) string { return e.EN }},
	"status":      {"STATUS", func(e glossary.Entry) string { return string(e.Status) }},
	"domain":      {"DOMAIN", func(e glossary.Entry) string { return e.Domain }},
	"version":     {"V", func(e glossary.Entry) string { return strconv.FormatInt(e.Version, 10) }},
	"ru_variants": {"RU VARIANTS", func(e glossary.Entry) string { return strings.Join(e.RUVariants, " | ") }},
	"en_variants": {"EN VARIANTS", func(e glossary.Entry) string { return strings.Join(e.ENVariants, " | ") }},
	"forbidden":   {"FORBIDDEN", func(e glossary.Entry) string { return strings.Join(e.ForbiddenEN, " | ") }},
	"note":        {"NOTE", func(e glossary.Entry) string { return e.Note }},
	"updated":     {"UPDATED", func(e glossary.Entry) string { return e.UpdatedAt.Format("2006-01-02") + " " + e.UpdatedBy }},
}

// writeTable writes rows (the first is the header) in columns two spaces
// apart, fitting width runes (0: no limit) by cutting the widest cells.
func writeTable(w io.Writer, rows [][]string, width int) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows[0])
	widths := make([]int, n)
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	if width > 0 {
		avail := width - 2*(n-1)
		for {
			total, widest := 0, 0
			for i, x := range widths {
				total += x
				if x > widths[widest] {
					widest = i
				}
			}
			if total <= avail || widths[widest] <= 6 {
				break
			}
			widths[widest]--
		}
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for i, c := range r {
			if utf8.RuneCountInString(c) > widths[i] {
				c = string([]rune(c)[:widths[i]-1]) + "…"
			}
			b.WriteString(c)
			if i < n-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// Run lists.
func (c *GlossaryListCmd) Run(app *App) error {
	db, err := openStoreReading(app)
	if err != nil {
		return err
	}
	defer db.Close()
	es, err := db.GlossaryEntries(app.Ctx, store.GlossaryFilter{Text: c.Text, Status: glossary.Status(c.Status), Domain: c.Domain})
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(app.Stdout)
		for _, e := range es {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	}
	var header []string
	for _, c := range c.Columns {
		col, ok := listColumns[strings.ToLower(strings.TrimSpace(c))]
		if !ok {
			return usageErrorf("glossary list --columns: unknown column %q (know: id, ru, en, status, domain, version, ru_variants, en_variants, forbidden, note, updated)", c)
		}
		header = append(header, col.title)
	}
	rows := [][]string{header}
	for _, e := range es {
		row := make([]string, 0, len(c.Columns))
		for _, name := range c.Columns {
			row = append(row, oneLine(listColumns[strings.ToLower(strings.TrimSpace(name))].value(e)))
		}
		rows = append(rows, row)
	}
	width := c.Width
	if width < 0 {
		width = 100
		if f, ok := app.Stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 20 {
				width = w
			}
		}
	}
	if err := writeTable(app.Stdout, rows, width); err != nil {
		return err
	}
	fmt.Fprintf(app.Stderr, "%d entries\n", len(es))
	return nil
}

// GlossaryShowCmd shows an entry.
type GlossaryShowCmd struct {
	ID   string `arg:"" help:"Entry id."`
	JSON bool   `help:"Print JSON."`
}

// Run shows.
func (c *GlossaryShowCmd) Run(app *App) error {
	db, err := openStoreReading(app)
	if err != nil {
		return err
	}
	defer db.Close()
	e, err := db.GlossaryEntry(app.Ctx, c.ID)
	if err != nil {
		return err
	}
	return printEntry(app.Stdout, e, c.JSON)
}

func printEntry(w io.Writer, e glossary.Entry, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(e)
	}
	list := func(l []string) string { return strings.Join(l, " | ") }
	fmt.Fprintf(w, "id:             %s\n", e.ID)
	fmt.Fprintf(w, "russian:        %s\n", e.RU)
	fmt.Fprintf(w, "english:        %s\n", e.EN)
	fmt.Fprintf(w, "ru variants:    %s\n", list(e.RUVariants))
	fmt.Fprintf(w, "en variants:    %s\n", list(e.ENVariants))
	fmt.Fprintf(w, "forbidden:      %s\n", list(e.ForbiddenEN))
	if len(e.ExcludeRU) > 0 {
		fmt.Fprintf(w, "not in:         %s\n", list(e.ExcludeRU))
	}
	fmt.Fprintf(w, "case sensitive: %t\nabbreviation:   %t\n", e.CaseSensitive, e.Abbreviation)
	fmt.Fprintf(w, "domain:         %s\nstatus:         %s\nnote:           %s\n", e.Domain, e.Status, e.Note)
	fmt.Fprintf(w, "created:        %s by %s\n", e.CreatedAt.Format("2006-01-02 15:04:05"), e.CreatedBy)
	_, err := fmt.Fprintf(w, "updated:        %s by %s (version %d)\n", e.UpdatedAt.Format("2006-01-02 15:04:05"), e.UpdatedBy, e.Version)
	return err
}

// GlossaryHistoryCmd shows the history of an entry.
type GlossaryHistoryCmd struct {
	ID   string `arg:"" help:"Entry id."`
	JSON bool   `help:"Print one JSON object per change."`
}

// Run shows the history.
func (c *GlossaryHistoryCmd) Run(app *App) error {
	db, err := openStoreReading(app)
	if err != nil {
		return err
	}
	defer db.Close()
	hs, err := db.GlossaryHistory(app.Ctx, c.ID)
	if err != nil {
		return err
	}
	if len(hs) == 0 {
		return fmt.Errorf("glossary entry %s: no history: %w", c.ID, store.ErrNotFound)
	}
	enc := json.NewEncoder(app.Stdout)
	for _, h := range hs {
		if c.JSON {
			if err := enc.Encode(h); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(app.Stdout, "%s  v%d  %-9s by %s%s\n", h.At.Format("2006-01-02 15:04:05"), h.Version, h.Action, h.Who, describeChange(h))
	}
	return nil
}

// describeChange lists the fields a change touched.
func describeChange(h store.GlossaryChange) string {
	if h.Before == nil || h.After == nil {
		return ""
	}
	b, a := *h.Before, *h.After
	var parts []string
	diff := func(name, x, y string) {
		if x != y {
			parts = append(parts, fmt.Sprintf("%s: %q → %q", name, x, y))
		}
	}
	j := func(l []string) string { return strings.Join(l, "|") }
	diff("ru", b.RU, a.RU)
	diff("en", b.EN, a.EN)
	diff("ru_variants", j(b.RUVariants), j(a.RUVariants))
	diff("en_variants", j(b.ENVariants), j(a.ENVariants))
	diff("forbidden_en", j(b.ForbiddenEN), j(a.ForbiddenEN))
	diff("ru_exclude", j(b.ExcludeRU), j(a.ExcludeRU))
	diff("case_sensitive", fmt.Sprint(b.CaseSensitive), fmt.Sprint(a.CaseSensitive))
	diff("abbreviation", fmt.Sprint(b.Abbreviation), fmt.Sprint(a.Abbreviation))
	diff("domain", b.Domain, a.Domain)
	diff("note", b.Note, a.Note)
	diff("status", string(b.Status), string(a.Status))
	if len(parts) == 0 {
		return ""
	}
	return "\n    " + strings.Join(parts, "\n    ")
}

// GlossaryImportCmd imports a file.
type GlossaryImportCmd struct {
	File        string `arg:"" help:"CSV, TSV or TBX file ('-' for standard input)."`
	Format      string `help:"csv, tsv or tbx (default: from the file name)." enum:",csv,tsv,tbx" default:""`
	SkipInvalid bool   `help:"Import the good rows and report the bad ones (default: import nothing if any row is bad)."`
	Force       bool   `help:"Import rows exported from an older version of their entry over the changes made since (default: list them as conflicts and leave the entries alone)."`
	editorFlags
}

// Help shows the columns.
func (c *GlossaryImportCmd) Help() string {
	return `CSV and TSV files start with a header naming their columns:
  id,ru,en,ru_variants,en_variants,forbidden_en,case_sensitive,note[,abbreviation,domain,status,ru_exclude,version]
An export carries each entry's version: a row whose version is older than
the stored entry's, and whose content differs, was exported before someone
changed the entry; it is a conflict, listed with both contents and not
imported (exit code 1), unless --force.
ru and en are required; lists are separated by '|'; a missing id is generated.
TBX: TBX-Basic, v2 (martif) or v3 (tbx).

Examples:
  bitext glossary import data/glossary.csv
  bitext glossary import --skip-invalid terms.tsv
  bitext glossary import --format tbx - < export.tbx`
}

// Run imports.
func (c *GlossaryImportCmd) Run(app *App) error {
	f, err := glossary.ParseFormat(c.Format, c.File)
	if err != nil {
		return usageErrorf("%v", err)
	}
	var r io.Reader = app.Stdin
	if c.File != "-" {
		file, err := openFile(c.File)
		if err != nil {
			return usageErrorf("glossary import: %v", err)
		}
		defer file.Close()
		r = file
	}
	if r, err = glossary.DecodeTable(r, f); err != nil {
		return usageErrorf("glossary import %s: %v", c.File, err)
	}
	entries, bad, err := glossary.Parse(r, f, c.SkipInvalid)
	for _, b := range bad {
		fmt.Fprintf(app.Stderr, "%s: %v\n", c.File, b)
	}
	if err != nil {
		var ie *glossary.ImportError
		if errors.As(err, &ie) {
			return fmt.Errorf("glossary import %s: %d bad row(s), nothing imported (use --skip-invalid to import the rest)", c.File, len(ie.Rows))
		}
		return usageErrorf("glossary import %s: %v", c.File, err)
	}
	db, err := openStore(app)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.ImportGlossaryWith(app.Ctx, entries, c.who(), store.ImportOptions{Force: c.Force})
	if err != nil {
		return err
	}
	for _, cf := range st.Conflicts {
		fmt.Fprintf(app.Stderr, "conflict: %s was changed to version %d by %s at %s since this file was exported (version %d); not imported:\n  stored: %s\n  file:   %s\n",
			cf.ID, cf.Stored.Version, cf.Stored.UpdatedBy, cf.Stored.UpdatedAt.Format("2006-01-02 15:04"), cf.File.Version,
			entryLine(cf.Stored), entryLine(cf.File))
	}
	if c.JSON {
		if err := json.NewEncoder(app.Stdout).Encode(map[string]any{"added": st.Added, "updated": st.Updated,
			"unchanged": st.Unchanged, "invalid": len(bad), "conflicts": st.Conflicts}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(app.Stdout, "%s: %d added, %d updated, %d unchanged, %d invalid, %d conflicts\n", c.File, st.Added, st.Updated, st.Unchanged, len(bad), len(st.Conflicts))
	}
	if len(bad) > 0 {
		return partialError("glossary import %s: %d bad row(s) skipped", c.File, len(bad))
	}
	if len(st.Conflicts) > 0 {
		return partialError("glossary import %s: %d entr(ies) changed since the file was exported were left alone (export again and redo the edits, or --force to overwrite them)", c.File, len(st.Conflicts))
	}
	return nil
}

// entryLine is an entry's content on one line, for conflicts.
func entryLine(e glossary.Entry) string {
	parts := []string{e.RU + " → " + e.EN}
	if len(e.ENVariants) > 0 {
		parts = append(parts, "variants "+strings.Join(e.ENVariants, "|"))
	}
	if len(e.ForbiddenEN) > 0 {
		parts = append(parts, "forbidden "+strings.Join(e.ForbiddenEN, "|"))
	}
	if len(e.RUVariants) > 0 {
		parts = append(parts, "ru variants "+strings.Join(e.RUVariants, "|"))
	}
	if e.Note != "" {
		parts = append(parts, "note "+strconv.Quote(e.Note))
	}
	parts = append(parts, string(e.Status))
	return strings.Join(parts, "; ")
}

// GlossaryExportCmd exports the glossary.
type GlossaryExportCmd struct {
	Format     string `help:"csv, tsv or tbx (default: from the -o file's extension, else csv)." enum:",csv,tsv,tbx" default:""`
	TBXVersion int    `name:"tbx-version" help:"TBX version: 2 (martif) or 3." enum:"2,3" default:"2"`
	Output     string `short:"o" help:"Output file (default: standard output)." default:"-"`
	Status     string `help:"Only entries with this status." enum:",preferred,admitted,deprecated" default:""`
	Domain     string `help:"Only entries of this domain."`
}

// Run exports.
func (c *GlossaryExportCmd) Run(app *App) error {
	db, err := openStoreReading(app)
	if err != nil {
		return err
	}
	defer db.Close()
	es, err := db.GlossaryEntries(app.Ctx, store.GlossaryFilter{Status: glossary.Status(c.Status), Domain: c.Domain})
	if err != nil {
		return err
	}
	w := app.Stdout
	var file *os.File
	if c.Output != "-" {
		if file, err = os.Create(c.Output); err != nil {
			return usageErrorf("glossary export -o %s: cannot create it (%v); check that its folder exists and is writable", c.Output, errors.Unwrap(err))
		}
		w = file
	}
	name := ""
	if c.Output != "-" {
		name = c.Output
	}
	format, ferr := glossary.ParseFormat(c.Format, name)
	if ferr != nil {
		return usageErrorf("glossary export: %v", ferr)
	}
	if format == glossary.TBX {
		err = glossary.WriteTBX(w, es, c.TBXVersion)
	} else {
		err = glossary.Write(w, format, es)
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("glossary export: %w", err)
	}
	app.Log.Info("glossary exported", "entries", len(es), "format", format)
	return nil
}

// glossarySource selects where match and check take their entries from.
type glossarySource struct {
	Glossary string `help:"Use this CSV/TSV/TBX glossary file instead of the database."`
}

func (s *glossarySource) entries(app *App) ([]glossary.Entry, error) {
	if s.Glossary != "" {
		f, err := glossary.ParseFormat("", s.Glossary)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		file, err := openFile(s.Glossary)
		if err != nil {
			return nil, usageErrorf("--glossary: %v", err)
		}
		defer file.Close()
		es, _, err := glossary.Parse(file, f, false)
		if err != nil {
			return nil, usageErrorf("glossary %s: %v", s.Glossary, err)
		}
		return es, nil
	}
	db, err := openStoreReading(app)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.GlossaryEntries(app.Ctx, store.GlossaryFilter{})
}

// readLines reads a file ('-' is standard input) line by line.
func readLines(app *App, name string, fn func(n int, line string) error) error {
	var r io.Reader = app.Stdin
	if name != "-" && name != "" {
		f, err := openFile(name)
		if err != nil {
			return usageErrorf("%v", err)
		}
		defer f.Close()
		r = f
	} else {
		name = "standard input"
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		// Text in another encoding would match nothing and pass unnoticed.
		if strings.IndexByte(line, 0) >= 0 {
			return usageErrorf("%s: line %d has NUL bytes: it is not UTF-8 text (binary, or UTF-16); give a UTF-8 text file", name, n)
		}
		if !utf8.ValidString(line) {
			return usageErrorf("%s: line %d is not valid UTF-8; convert the file (e.g. iconv -f windows-1251 -t utf-8)", name, n)
		}
		if err := fn(n, line); err != nil {
			return err
		}
		if err := app.Ctx.Err(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s line %d: %w", name, n+1, err)
	}
	return nil
}

// GlossaryMatchCmd finds terms in Russian text.
type GlossaryMatchCmd struct {
	File string `arg:"" optional:"" default:"-" help:"Russian sentences, one per line ('-' or nothing: standard input)."`
	JSON bool   `help:"One JSON object per input line: {\"line\":N,\"matches\":[{\"id\",\"ru\",\"en\",\"start\",\"end\",\"surface\"}]}."`
	glossarySource
}

type matchJSON struct {
	ID      string `json:"id"`
	RU      string `json:"ru"`
	EN      string `json:"en"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Surface string `json:"surface"`
}

// Run matches.
func (c *GlossaryMatchCmd) Run(app *App) error {
	es, err := c.entries(app)
	if err != nil {
		return err
	}
	m, err := glossary.NewMatcher(es)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(app.Stdout)
	enc.SetEscapeHTML(false)
	return readLines(app, c.File, func(n int, line string) error {
		ms := m.Match(line)
		if c.JSON {
			out := struct {
				Line    int         `json:"line"`
				Matches []matchJSON `json:"matches"`
			}{Line: n, Matches: make([]matchJSON, 0, len(ms))}
			for _, x := range ms {
				out.Matches = append(out.Matches, matchJSON{x.ID, x.RU, x.EN, x.Start, x.End, x.Surface})
			}
			return enc.Encode(out)
		}
		for _, x := range ms {
			indent := ""
			if x.Nested {
				indent = "  "
			}
			fmt.Fprintf(app.Stdout, "%d:%d-%d\t%s«%s» → %s [%s]\n", n, x.Start, x.End, indent, x.Surface, x.EN, x.ID)
		}
		return nil
	})
}

// GlossaryCheckCmd verifies English lines against their Russian lines.
type GlossaryCheckCmd struct {
	Src  string `required:"" help:"Russian file, one sentence per line."`
	Tgt  string `required:"" help:"English file, line-parallel to --src."`
	JSON bool   `help:"One JSON object per line: {\"line\":N,\"violations\":[{\"id\",\"kind\",\"expected\",\"found\"}]}."`
	glossarySource
}

type violationJSON struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Expected string `json:"expected"`
	Found    string `json:"found"`
}

// Run checks.
func (c *GlossaryCheckCmd) Run(app *App) error {
	es, err := c.entries(app)
	if err != nil {
		return err
	}
	m, err := glossary.NewMatcher(es)
	if err != nil {
		return err
	}
	v := glossary.NewVerifier(es)
	var src []string
	if err := readLines(app, c.Src, func(_ int, line string) error { src = append(src, line); return nil }); err != nil {
		return err
	}
	enc := json.NewEncoder(app.Stdout)
	enc.SetEscapeHTML(false)
	lines, total := 0, 0
	err = readLines(app, c.Tgt, func(n int, line string) error {
		lines = n
		if n > len(src) {
			return nil
		}
		vs := v.Verify(m.Match(src[n-1]), line)
		total += len(vs)
		if c.JSON {
			out := struct {
				Line       int             `json:"line"`
				Violations []violationJSON `json:"violations"`
			}{Line: n, Violations: make([]violationJSON, 0, len(vs))}
			for _, x := range vs {
				out.Violations = append(out.Violations, violationJSON{x.ID, string(x.Kind), x.Expected, x.Found})
			}
			return enc.Encode(out)
		}
		for _, x := range vs {
			if x.Kind == glossary.Missing {
				fmt.Fprintf(app.Stdout, "%d\tmissing\t%q (%d of %d) [%s]\n", n, x.Expected, x.Got, x.Want, x.ID)
			} else {
				fmt.Fprintf(app.Stdout, "%d\tforbidden\t%q at %d-%d, use %q [%s]\n", n, x.Found, x.Start, x.End, x.Expected, x.ID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if lines != len(src) {
		return usageErrorf("glossary check: %s has %d lines, %s has %d: the files must be line-parallel", c.Src, len(src), c.Tgt, lines)
	}
	if !c.JSON {
		fmt.Fprintf(app.Stderr, "%d lines, %d violations\n", lines, total)
	}
	if total > 0 {
		// Like a linter: the check ran, and the English failed it.
		return partialError("glossary check: %d violation(s) in %s", total, c.Tgt)
	}
	return nil
}

// oneLine puts a cell on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Help shows examples.
func (c *GlossaryAddCmd) Help() string {
	return `Adds an entry: a Russian term (dictionary form; it is matched in every
case and number) and the English term a translation must use.

Examples:
  bitext glossary add --ru "международная информационная безопасность" --en "international information security" --forbidden "international information safety"
  bitext glossary add --id iis-abbr --ru МИБ --en "international information security" --abbreviation --forbidden IIB
  bitext glossary add --ru "рабочая группа открытого состава" --en "Open-ended Working Group" --en-variant OEWG --exclude-ru "рабочая группа открытого состава по космосу"`
}

// Help shows examples.
func (c *GlossaryEditCmd) Help() string {
	return `Changes an entry. Give --version (from 'show') to be told when someone
changed it since you looked; lists are replaced by --ru-variant,
--en-variant, --forbidden, or changed one item at a time.

Examples:
  bitext glossary edit mod --add-forbidden "Ministry of Defence Affairs"
  bitext glossary edit mod --remove-en-variant "Defense Ministry" --version 3
  bitext glossary edit un --note "Spell out in headings." --by anna`
}

// Help shows examples.
func (c *GlossaryDeprecateCmd) Help() string {
	return `Deprecates an entry: it is no longer imposed, and what it rendered becomes
forbidden where a live entry has the same Russian term.

Examples:
  bitext glossary deprecate iis-old
  bitext glossary deprecate iis-old --version 2`
}

// Help shows examples.
func (c *GlossaryRmCmd) Help() string {
	return `Removes an entry (its history stays; a new database never brings back a
removed built-in entry).

Examples:
  bitext glossary rm --version 1 typo-entry`
}

// Help shows examples.
func (c *GlossaryListCmd) Help() string {
	return `Lists entries in a table that fits the terminal.

Examples:
  bitext glossary list --text ИКТ
  bitext glossary list --status deprecated --columns id,ru,en,updated
  bitext glossary list --json | jq -r .id`
}

// Help shows examples.
func (c *GlossaryShowCmd) Help() string {
	return `Shows one entry with every field and its version.

Examples:
  bitext glossary show iis-abbr
  bitext glossary show --json mfa-russia`
}

// Help shows examples.
func (c *GlossaryHistoryCmd) Help() string {
	return `Shows every change of an entry: who, when, and what changed.

Examples:
  bitext glossary history mod`
}

// Help shows examples.
func (c *GlossaryExportCmd) Help() string {
	return `Exports the glossary; -o picks the format from the extension.

Examples:
  bitext glossary export -o terms.csv
  bitext glossary export -o terms.tbx --tbx-version 3
  bitext glossary export --format tsv --domain un > un.tsv`
}

// Help shows examples.
func (c *GlossaryMatchCmd) Help() string {
	return `Finds glossary entries in Russian sentences, one per line.

Examples:
  echo 'Стороны обсудили вопросы МИБ.' | bitext glossary match
  bitext glossary match --json sentences.txt`
}

// Help shows examples.
func (c *GlossaryCheckCmd) Help() string {
	return `Checks English lines against the glossary entries of their Russian lines
(line N of --tgt translates line N of --src); exit code 1 when a violation
is found, like a linter.

Examples:
  bitext glossary check --src release.ru.txt --tgt release.en.txt
  bitext glossary check --json --src ru.txt --tgt en.txt`
}

// readableID makes a new entry's id from its English term, with -2, -3…
// when that id is taken; "" (the store then derives one) when the term has
// no Latin letters or digits.
func readableID(app *App, db *store.DB, en string) (string, error) {
	base := glossary.ReadableID(en)
	if base == "" {
		return "", nil
	}
	for n := 1; n < 1000; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		if _, err := db.GlossaryEntry(app.Ctx, id); errors.Is(err, store.ErrNotFound) {
			return id, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", nil
}
