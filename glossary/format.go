package glossary

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bitext/bitext/input"
)

// Format is an exchange format of the termbase.
type Format string

// Exchange formats.
const (
	CSV Format = "csv"
	TSV Format = "tsv"
	TBX Format = "tbx"
)

// ParseFormat returns the format named by s, or guesses it from a file name
// when s is empty.
func ParseFormat(s, filename string) (Format, error) {
	if s == "" {
		low := strings.ToLower(filename)
		switch {
		case strings.HasSuffix(low, ".tsv") || strings.HasSuffix(low, ".tab"):
			return TSV, nil
		case strings.HasSuffix(low, ".tbx") || strings.HasSuffix(low, ".xml"):
			return TBX, nil
		default:
			return CSV, nil
		}
	}
	switch f := Format(strings.ToLower(s)); f {
	case CSV, TSV, TBX:
		return f, nil
	}
	return "", fmt.Errorf("unknown glossary format %q (want csv, tsv or tbx)", s)
}

// Row is an entry read from a file with the line it starts on.
type Row struct {
	Line  int
	Entry Entry
	// problems are fields the reader could not parse; Validate reports them.
	problems []error
}

// RowError is a bad row of an imported file.
type RowError struct {
	Line int
	ID   string
	Err  error
}

func (e RowError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("line %d (id %s): %v", e.Line, e.ID, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e RowError) Unwrap() error { return e.Err }

// ImportError lists every bad row of a file.
type ImportError struct {
	Rows []RowError
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d invalid row(s)", len(e.Rows))
	for i, r := range e.Rows {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(e.Rows)-i)
			break
		}
		b.WriteString("; ")
		b.WriteString(r.Error())
	}
	return b.String()
}

// Columns are the CSV/TSV columns in the order Write puts them. Files must
// have a header naming their columns; ru and en are required, the rest
// optional and in any order.
var Columns = []string{"id", "ru", "en", "ru_variants", "en_variants", "forbidden_en", "case_sensitive", "note",
	"abbreviation", "domain", "status", "ru_exclude", "version"}

// listSep separates the items of list columns.
const listSep = "|"

// Read parses a glossary file. A malformed file (no header, bad XML) is an
// error; bad rows are left to Validate.
func Read(r io.Reader, f Format) ([]Row, error) {
	switch f {
	case CSV:
		// Spreadsheets in many locales save CSV with semicolons: the
		// header line tells.
		br := bufio.NewReader(r)
		head, _ := br.Peek(4096)
		if line, _, _ := bytes.Cut(head, []byte("\n")); bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
			return readDelimited(br, ';')
		}
		return readDelimited(br, ',')
	case TSV:
		return readDelimited(r, '\t')
	case TBX:
		return readTBX(r)
	}
	return nil, fmt.Errorf("unknown glossary format %q", f)
}

// Write writes entries in the format (TBX as TBX-Basic v2).
func Write(w io.Writer, f Format, entries []Entry) error {
	switch f {
	case CSV:
		return writeCSV(w, entries)
	case TSV:
		return writeTSV(w, entries)
	case TBX:
		return WriteTBX(w, entries, 2)
	}
	return fmt.Errorf("unknown glossary format %q", f)
}

func readDelimited(r io.Reader, comma rune) ([]Row, error) {
	var records func() ([]string, int, error)
	if comma == '\t' {
		records = tsvReader(r)
	} else {
		cr := csv.NewReader(r)
		cr.Comma = comma
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = false
		records = func() ([]string, int, error) {
			rec, err := cr.Read()
			line := 0
			if err == nil && len(rec) > 0 {
				line, _ = cr.FieldPos(0)
			}
			return rec, line, err
		}
	}
	header, _, err := records()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: want a header line naming the columns")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := make(map[string]int)
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !containsString(Columns, h) {
			return nil, fmt.Errorf("header: unknown column %q (known: %s)", h, strings.Join(Columns, ","))
		}
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("header: column %q twice", h)
		}
		col[h] = i
	}
	if _, ok := col["ru"]; !ok {
		return nil, errors.New("header: no ru column")
	}
	if _, ok := col["en"]; !ok {
		return nil, errors.New("header: no en column")
	}
	var rows []Row
	for {
		rec, line, err := records()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		e, problems := entryFromRecord(rec, col)
		rows = append(rows, Row{Line: line, Entry: e, problems: problems})
	}
}

func entryFromRecord(rec []string, col map[string]int) (Entry, []error) {
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return undefuse(rec[i])
		}
		return ""
	}
	e := Entry{
		ID:          get("id"),
		RU:          get("ru"),
		EN:          get("en"),
		RUVariants:  splitList(get("ru_variants")),
		ENVariants:  splitList(get("en_variants")),
		ForbiddenEN: splitList(get("forbidden_en")),
		ExcludeRU:   splitList(get("ru_exclude")),
		Domain:      get("domain"),
		Note:        get("note"),
		Status:      Status(strings.ToLower(strings.TrimSpace(get("status")))),
	}
	var bad []error
	var ok bool
	if e.CaseSensitive, ok = parseBool(get("case_sensitive")); !ok {
		bad = append(bad, fmt.Errorf("column case_sensitive: bad value %q (want true or false)", get("case_sensitive")))
	}
	if e.Abbreviation, ok = parseBool(get("abbreviation")); !ok {
		bad = append(bad, fmt.Errorf("column abbreviation: bad value %q (want true or false)", get("abbreviation")))
	}
	if v := strings.TrimSpace(get("version")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			bad = append(bad, fmt.Errorf("column version: bad value %q (want the entry's version as exported, or nothing)", v))
		}
		e.Version = n
	}
	if len(rec) > len(col) {
		bad = append(bad, fmt.Errorf("%d fields, the header has %d", len(rec), len(col)))
	}
	e.Normalize()
	return e, bad
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false", "no", "n":
		return false, true
	case "1", "true", "yes", "y":
		return true, true
	}
	return false, false
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, listSep)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Validate checks the rows of one file: required fields, duplicate ids and
// a Russian term given two different required English terms. Rows without
// an id get a generated one. It returns the good entries and every bad row.
func Validate(rows []Row) ([]Entry, []RowError) {
	var good []Entry
	var bad []RowError
	ids := make(map[string]int)   // id → line
	terms := make(map[string]Row) // folded ru → first row
	for _, r := range rows {
		e := r.Entry
		e.Normalize()
		if e.ID == "" && e.RU != "" && e.EN != "" {
			e.ID = GenerateID(e.RU, e.EN)
		}
		errs := append([]error(nil), r.problems...)
		if err := e.Validate(); err != nil {
			errs = append(errs, err)
		}
		if !utf8.ValidString(e.RU + e.EN + e.Note + strings.Join(e.RUVariants, "") + strings.Join(e.ENVariants, "") + strings.Join(e.ForbiddenEN, "") + strings.Join(e.ExcludeRU, "")) {
			errs = append(errs, errors.New("invalid UTF-8"))
		}
		if e.ID != "" {
			if first, dup := ids[e.ID]; dup {
				errs = append(errs, fmt.Errorf("duplicate id %q (first on line %d)", e.ID, first))
			}
		}
		if e.RU != "" && e.EN != "" {
			if first, ok := terms[fold(e.RU)]; ok && !strings.EqualFold(first.Entry.EN, e.EN) {
				errs = append(errs, fmt.Errorf("the Russian term %q has English %q here and %q on line %d", e.RU, e.EN, first.Entry.EN, first.Line))
			}
		}
		if len(errs) > 0 {
			bad = append(bad, RowError{Line: r.Line, ID: e.ID, Err: errors.Join(errs...)})
			continue
		}
		ids[e.ID] = r.Line
		if _, ok := terms[fold(e.RU)]; !ok {
			terms[fold(e.RU)] = Row{Line: r.Line, Entry: e}
		}
		good = append(good, e)
	}
	return good, bad
}

// Parse reads and validates a file. Unless skipInvalid is set, any bad row
// makes it return no entries and an *ImportError listing every bad row;
// with skipInvalid it returns the good entries and the bad rows.
func Parse(r io.Reader, f Format, skipInvalid bool) ([]Entry, []RowError, error) {
	rows, err := Read(r, f)
	if err != nil {
		return nil, nil, err
	}
	good, bad := Validate(rows)
	if len(bad) > 0 && !skipInvalid {
		return nil, bad, &ImportError{Rows: bad}
	}
	return good, bad, nil
}

// formulaStart holds the first characters with which a spreadsheet takes a
// cell for a formula (and runs it): exported cells starting with one get a
// leading apostrophe, which spreadsheets hide and import takes off again.
const formulaStart = "=+-@\t\r"

// defuse escapes a cell a spreadsheet would run as a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// undefuse takes off the apostrophe defuse put on.
func undefuse(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
		return s[1:]
	}
	return s
}

func record(e Entry) []string {
	return []string{e.ID, e.RU, e.EN, strings.Join(e.RUVariants, listSep), strings.Join(e.ENVariants, listSep),
		strings.Join(e.ForbiddenEN, listSep), strconv.FormatBool(e.CaseSensitive), e.Note,
		strconv.FormatBool(e.Abbreviation), e.Domain, string(e.Status), strings.Join(e.ExcludeRU, listSep), version(e.Version)}
}

func writeCSV(w io.Writer, entries []Entry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, e := range entries {
		rec := record(e)
		for i := range rec {
			rec[i] = defuse(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write entry %s: %w", e.ID, err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// TSV fields escape backslash, tab and line breaks with a backslash.
var tsvEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

func tsvUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func writeTSV(w io.Writer, entries []Entry) error {
	if _, err := io.WriteString(w, strings.Join(Columns, "\t")+"\n"); err != nil {
		return err
	}
	for _, e := range entries {
		rec := record(e)
		for i := range rec {
			rec[i] = tsvEscaper.Replace(defuse(rec[i]))
		}
		if _, err := io.WriteString(w, strings.Join(rec, "\t")+"\n"); err != nil {
			return fmt.Errorf("write entry %s: %w", e.ID, err)
		}
	}
	return nil
}

// tsvReader returns a function yielding the records of a TSV stream with
// their line numbers.
func tsvReader(r io.Reader) func() ([]string, int, error) {
	data, err := io.ReadAll(r)
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	i := 0
	return func() ([]string, int, error) {
		if err != nil {
			return nil, 0, err
		}
		for i < len(lines) {
			line := lines[i]
			i++
			if strings.TrimSpace(line) == "" {
				continue
			}
			fields := strings.Split(line, "\t")
			for k := range fields {
				fields[k] = tsvUnescape(fields[k])
			}
			return fields, i, nil
		}
		return nil, 0, io.EOF
	}
}

// version writes an entry's version for export; an entry never stored has
// none.
func version(v int64) string {
	if v <= 0 {
		return ""
	}
	return strconv.FormatInt(v, 10)
}

// MaxFile bounds the size of a glossary file read for import.
const MaxFile = 256 << 20

// DecodeTable turns a CSV or TSV file into UTF-8 text, whatever encoding
// it was saved in (UTF-8 with or without BOM, UTF-16, windows-1251,
// KOI8-R: spreadsheets on Russian systems save windows-1251). TBX is XML
// and declares its own encoding, so it is passed through. The command line
// and the web app read glossary files through it.
func DecodeTable(r io.Reader, f Format) (io.Reader, error) {
	if f == TBX {
		return r, nil
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFile {
		return nil, fmt.Errorf("larger than %d MiB: split it", MaxFile>>20)
	}
	text, _, err := input.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%w; save it as UTF-8 text", err)
	}
	return strings.NewReader(text), nil
}
