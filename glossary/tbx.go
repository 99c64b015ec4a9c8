package glossary

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// TBX-Basic: entries are concepts (termEntry in v2 «martif» files,
// conceptEntry in v3 «tbx» files) with a language section per language.
// The Russian section holds the term (preferred) and its variants
// (admitted); the English section the required term (preferred), allowed
// variants (admitted) and forbidden renderings (deprecated). Entry
// attributes without a TBX-Basic data category travel in x-bitext admin
// elements.

const (
	tbxPreferred  = "preferredTerm-admn-sts"
	tbxAdmitted   = "admittedTerm-admn-sts"
	tbxDeprecated = "deprecatedTerm-admn-sts"
	tbxAbbrev     = "abbreviation"
	tbxAdminCase  = "x-bitext-case-sensitive"
	tbxAdminStat  = "x-bitext-status"
	// tbxAdminExclude holds one Russian context that excludes a match
	// (Entry.ExcludeRU), repeated for each.
	tbxAdminExclude = "x-bitext-ru-exclude"
	tbxSubject      = "subjectField"
	tbxV3NS         = "urn:iso:std:iso:30042:ed-2"
)

type tbxTyped struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

// tbxTerm is a tig (v2) or termSec (v3).
type tbxTerm struct {
	Term  string     `xml:"term"`
	Notes []tbxTyped `xml:"termNote"`
}

// tbxLang is a langSet (v2) or langSec (v3).
type tbxLang struct {
	Lang  string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Tigs  []tbxTerm `xml:"tig"`
	Secs  []tbxTerm `xml:"termSec"`
	NTigs []tbxTerm `xml:"ntig>termGrp"`
}

// tbxEntry is a termEntry (v2) or conceptEntry (v3).
type tbxEntry struct {
	ID       string     `xml:"id,attr"`
	Descrips []tbxTyped `xml:"descrip"`
	Admins   []tbxTyped `xml:"admin"`
	Notes    []string   `xml:"note"`
	Sets     []tbxLang  `xml:"langSet"`
	Secs     []tbxLang  `xml:"langSec"`
}

// readTBX reads a TBX v2 (martif) or v3 (tbx) file.
func readTBX(r io.Reader) ([]Row, error) {
	d := xml.NewDecoder(r)
	var rows []Row
	root := ""
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tbx: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = se.Name.Local
			if root != "martif" && root != "tbx" {
				return nil, fmt.Errorf("tbx: root element <%s>, want <martif> or <tbx>", root)
			}
			continue
		}
		if se.Name.Local != "termEntry" && se.Name.Local != "conceptEntry" {
			continue
		}
		line, _ := d.InputPos()
		var te tbxEntry
		if err := d.DecodeElement(&te, &se); err != nil {
			return nil, fmt.Errorf("tbx line %d: %w", line, err)
		}
		e, problems := te.entry()
		rows = append(rows, Row{Line: line, Entry: e, problems: problems})
	}
	if root == "" {
		return nil, errors.New("tbx: no root element")
	}
	return rows, nil
}

func (te *tbxEntry) entry() (Entry, []error) {
	e := Entry{ID: te.ID, Note: strings.Join(te.Notes, "\n")}
	var problems []error
	for _, d := range te.Descrips {
		if d.Type == tbxSubject {
			e.Domain = d.Value
		}
	}
	for _, a := range te.Admins {
		switch a.Type {
		case tbxAdminCase:
			v, ok := parseBool(a.Value)
			if !ok {
				problems = append(problems, fmt.Errorf("admin %s: bad value %q", a.Type, a.Value))
			}
			e.CaseSensitive = v
		case tbxAdminStat:
			e.Status = Status(strings.TrimSpace(a.Value))
		case tbxAdminExclude:
			e.ExcludeRU = append(e.ExcludeRU, a.Value)
		}
	}
	for _, set := range append(te.Sets, te.Secs...) {
		terms := append(append(set.Tigs, set.Secs...), set.NTigs...)
		lang := strings.ToLower(set.Lang)
		switch {
		case lang == "ru" || strings.HasPrefix(lang, "ru-"):
			for _, t := range terms {
				switch {
				case e.RU == "" && t.status() != tbxAdmitted:
					e.RU = t.Term
					e.Abbreviation = t.note("termType") == tbxAbbrev || t.note("termType") == "acronym"
				default:
					e.RUVariants = append(e.RUVariants, t.Term)
				}
			}
		case lang == "en" || strings.HasPrefix(lang, "en-"):
			for _, t := range terms {
				switch {
				case t.status() == tbxDeprecated || t.status() == "supersededTerm-admn-sts":
					e.ForbiddenEN = append(e.ForbiddenEN, t.Term)
				case e.EN == "" && t.status() != tbxAdmitted:
					e.EN = t.Term
				default:
					e.ENVariants = append(e.ENVariants, t.Term)
				}
			}
		default:
			problems = append(problems, fmt.Errorf("language %q: only ru and en are kept", set.Lang))
		}
	}
	e.Normalize()
	return e, problems
}

func (t tbxTerm) note(typ string) string {
	for _, n := range t.Notes {
		if n.Type == typ {
			return strings.TrimSpace(n.Value)
		}
	}
	return ""
}

func (t tbxTerm) status() string { return t.note("administrativeStatus") }

// WriteTBX writes entries as TBX-Basic, version 2 (martif) or 3 (tbx).
func WriteTBX(w io.Writer, entries []Entry, version int) error {
	if version != 2 && version != 3 {
		return fmt.Errorf("tbx version %d: want 2 or 3", version)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	start := func(name string, attrs ...xml.Attr) error {
		return enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs})
	}
	end := func(name string) error { return enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}}) }
	text := func(name, value string, attrs ...xml.Attr) error {
		if err := start(name, attrs...); err != nil {
			return err
		}
		if err := enc.EncodeToken(xml.CharData(value)); err != nil {
			return err
		}
		return end(name)
	}
	typ := func(v string) xml.Attr { return xml.Attr{Name: xml.Name{Local: "type"}, Value: v} }
	lang := func(v string) xml.Attr { return xml.Attr{Name: xml.Name{Local: "xml:lang"}, Value: v} }

	root, entryEl, langEl, termEl := "martif", "termEntry", "langSet", "tig"
	rootAttrs := []xml.Attr{typ("TBX-Basic"), lang("en")}
	if version == 3 {
		root, entryEl, langEl, termEl = "tbx", "conceptEntry", "langSec", "termSec"
		rootAttrs = append(rootAttrs, xml.Attr{Name: xml.Name{Local: "style"}, Value: "dca"},
			xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: tbxV3NS})
	}
	term := func(t, status, termType string) error {
		if err := start(termEl); err != nil {
			return err
		}
		if err := text("term", t); err != nil {
			return err
		}
		if err := text("termNote", status, typ("administrativeStatus")); err != nil {
			return err
		}
		if termType != "" {
			if err := text("termNote", termType, typ("termType")); err != nil {
				return err
			}
		}
		return end(termEl)
	}
	header := "tbxHeader"
	if version == 2 {
		header = "martifHeader"
	}
	steps := []func() error{
		func() error { return start(root, rootAttrs...) },
		func() error { return start(header) },
		func() error { return start("fileDesc") },
		func() error { return start("sourceDesc") },
		func() error { return text("p", "bitext glossary") },
		func() error { return end("sourceDesc") },
		func() error { return end("fileDesc") },
		func() error { return end(header) },
		func() error { return start("text") },
		func() error { return start("body") },
	}
	for _, e := range entries {
		e := e
		steps = append(steps, func() error {
			if err := start(entryEl, xml.Attr{Name: xml.Name{Local: "id"}, Value: e.ID}); err != nil {
				return err
			}
			if e.Domain != "" {
				if err := text("descrip", e.Domain, typ(tbxSubject)); err != nil {
					return err
				}
			}
			if err := text("admin", string(e.Status), typ(tbxAdminStat)); err != nil {
				return err
			}
			if e.CaseSensitive {
				if err := text("admin", "true", typ(tbxAdminCase)); err != nil {
					return err
				}
			}
			for _, x := range e.ExcludeRU {
				if err := text("admin", x, typ(tbxAdminExclude)); err != nil {
					return err
				}
			}
			if e.Note != "" {
				if err := text("note", e.Note); err != nil {
					return err
				}
			}
			if err := start(langEl, lang("ru")); err != nil {
				return err
			}
			abbr := ""
			if e.Abbreviation {
				abbr = tbxAbbrev
			}
			if err := term(e.RU, tbxPreferred, abbr); err != nil {
				return err
			}
			for _, v := range e.RUVariants {
				if err := term(v, tbxAdmitted, ""); err != nil {
					return err
				}
			}
			if err := end(langEl); err != nil {
				return err
			}
			if err := start(langEl, lang("en")); err != nil {
				return err
			}
			if err := term(e.EN, tbxPreferred, ""); err != nil {
				return err
			}
			for _, v := range e.ENVariants {
				if err := term(v, tbxAdmitted, ""); err != nil {
					return err
				}
			}
			for _, v := range e.ForbiddenEN {
				if err := term(v, tbxDeprecated, ""); err != nil {
					return err
				}
			}
			if err := end(langEl); err != nil {
				return err
			}
			return end(entryEl)
		})
	}
	steps = append(steps,
		func() error { return end("body") },
		func() error { return end("text") },
		func() error { return end(root) },
		enc.Flush,
	)
	for _, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("write tbx: %w", err)
		}
	}
	_, err := io.WriteString(w, "\n")
	return err
}
