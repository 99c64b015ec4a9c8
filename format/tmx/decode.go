package tmx

import (
	"encoding/xml"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/bitext/bitext/format/internal/xmlx"
)

// Prop is a <prop> of a translation unit.
type Prop struct {
	Type  string
	Lang  string // xml:lang (or lang), when given
	Value string
}

// TU is one translation unit as read from a memory: its Russian and
// English text with what the <tu> says about them.
type TU struct {
	Line int    // where the <tu> begins
	TUID string // tuid, when given
	// RU and EN are the texts of the first Russian and the first English
	// variant, inline codes dropped and white space collapsed (see
	// Decoder).
	RU, EN string
	// RULang and ENLang are the language codes as written (ru-RU, en-GB…).
	RULang, ENLang string
	Props          []Prop   // the <tu>'s props, in order
	Notes          []string // the <tu>'s notes, in order
	// Dates and people, as written (TMX dates are YYYYMMDDThhmmssZ).
	CreationDate, CreationID, ChangeDate, ChangeID string
}

// Prop returns the value of the first prop of the type, or "".
func (u *TU) Prop(typ string) string {
	for _, p := range u.Props {
		if p.Type == typ {
			return p.Value
		}
	}
	return ""
}

// Skip reasons.
const (
	SkipNoRussian = "no Russian text"
	SkipNoEnglish = "no English text"
	SkipNeither   = "no Russian or English text"
)

// Skip is a unit left out.
type Skip struct {
	Line   int
	TUID   string
	Reason string
}

// Stats counts what a decoder read.
type Stats struct {
	SrcLang string // the header's srclang, as written ("*all*" is common)
	Units   int    // units returned
	Skipped int    // units left out
	// Reasons counts the skipped units by reason (SkipNoRussian…).
	Reasons map[string]int
	// Examples are the first skipped units (up to MaxExamples).
	Examples []Skip
}

// MaxExamples bounds Stats.Examples.
const MaxExamples = 20

// Options bound what a decoder accepts; zero fields take defaults.
type Options struct {
	xmlx.Limits
	// MaxText bounds the bytes of one text (a segment, prop or note):
	// 1 MiB by default.
	MaxText int
	// MaxProps bounds the props and notes of one unit: 1000 by default.
	MaxProps int
}

// Decoder reads a TMX document token by token: whatever the size of the
// memory, it holds one unit at a time.
//
// It reads TMX 1.1 to 1.4 from any tool: languages by xml:lang or the
// lang attribute of TMX 1.1, matched on the primary subtag in any case
// (ru, ru-RU, RU-ru, rus; en, en-US, en-GB, eng); any srclang, *all*
// included. Inline codes (<bpt>, <ept>, <ph>, <it>, <ut>) are dropped with
// their content, except the text of a <sub> in them, which is
// translatable; the text of <hi> is kept. Texts have runs of white space
// collapsed to one space and are trimmed. Units without both a Russian
// and an English text are skipped and counted (Stats).
//
// A <!DOCTYPE tmx SYSTEM "tmx14.dtd"> without an internal subset is
// accepted and never fetched; an internal subset, an <!ENTITY> or any
// entity other than the five XML predefines is an error, as is a token
// or text beyond the limits.
//
// Streaming contract: Next returns units as they are read, so a file
// that turns out to be malformed further on has already delivered its
// first units. A caller that must take all or nothing either collects
// them and discards them on error (ReadAll does) or applies them in a
// transaction it rolls back.
type Decoder struct {
	r     *xmlx.Reader
	opt   Options
	stats Stats
	state int // 0 before <tmx>, 1 in <tmx>, 2 in <body>, 3 done
	err   error
}

// NewDecoder returns a decoder that reads r.
func NewDecoder(r io.Reader, opt Options) *Decoder {
	if opt.MaxText <= 0 {
		opt.MaxText = 1 << 20
	}
	if opt.MaxProps <= 0 {
		opt.MaxProps = 1000
	}
	return &Decoder{r: xmlx.NewReader(r, "tmx", xmlx.ExternalDoctype, opt.Limits), opt: opt,
		stats: Stats{Reasons: map[string]int{}}}
}

// Stats returns the counts so far (final once Next returned io.EOF).
func (d *Decoder) Stats() Stats { return d.stats }

// Next returns the next unit with both texts, or io.EOF after the last.
// After an error other than io.EOF, every call returns it.
func (d *Decoder) Next() (TU, error) {
	if d.err != nil {
		return TU{}, d.err
	}
	u, err := d.next()
	if err != nil {
		d.err = err
		return TU{}, err
	}
	d.stats.Units++
	return u, nil
}

// All iterates over the units; it stops after the first error, which it
// yields.
func (d *Decoder) All() iter.Seq2[TU, error] { return xmlx.All(d.Next) }

// ReadAll reads a whole memory: all its units, or none and the error.
func ReadAll(r io.Reader, opt Options) ([]TU, Stats, error) {
	d := NewDecoder(r, opt)
	var units []TU
	for u, err := range d.All() {
		if err != nil {
			return nil, d.Stats(), err
		}
		units = append(units, u)
	}
	return units, d.Stats(), nil
}

func (d *Decoder) next() (TU, error) {
	for {
		tok, err := d.r.Token()
		if err == io.EOF {
			if d.state != 3 {
				return TU{}, fmt.Errorf("tmx: the file ends before </tmx>")
			}
			return TU{}, io.EOF
		}
		if err != nil {
			return TU{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case d.state == 0:
				if t.Name.Local != "tmx" {
					return TU{}, d.r.Errorf("root element <%s>, want <tmx>", t.Name.Local)
				}
				d.state = 1
			case d.state == 1 && t.Name.Local == "header":
				d.stats.SrcLang, _ = xmlx.AttrValue(t, "", "srclang")
				if err := d.r.Skip(); err != nil {
					return TU{}, err
				}
			case d.state == 1 && t.Name.Local == "body":
				d.state = 2
			case d.state == 2 && t.Name.Local == "tu":
				u, ok, err := d.unit(t)
				if err != nil {
					return TU{}, err
				}
				if ok {
					return u, nil
				}
			default:
				if err := d.r.Skip(); err != nil {
					return TU{}, err
				}
			}
		case xml.EndElement:
			switch {
			case d.state == 2 && t.Name.Local == "body":
				d.state = 1
			case d.state == 1 && t.Name.Local == "tmx":
				d.state = 3
			}
		case xml.CharData:
			if d.state == 3 || d.state == 0 {
				if strings.TrimSpace(string(t)) != "" {
					return TU{}, d.r.Errorf("text outside the root element")
				}
			}
		}
	}
}

// lang returns the primary language subtag of an xml:lang value: "ru",
// "en" or something else.
func lang(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i >= 0 {
		code = code[:i]
	}
	switch code {
	case "rus":
		return SourceLang
	case "eng":
		return TargetLang
	}
	return code
}

func (d *Decoder) skip(line int, tuid, reason string) {
	d.stats.Skipped++
	d.stats.Reasons[reason]++
	if len(d.stats.Examples) < MaxExamples {
		d.stats.Examples = append(d.stats.Examples, Skip{Line: line, TUID: tuid, Reason: reason})
	}
}

// unit reads a <tu> whose start tag was just read; ok is false when it
// is skipped.
func (d *Decoder) unit(start xml.StartElement) (u TU, ok bool, err error) {
	u.Line = d.r.Line()
	for _, a := range start.Attr {
		if a.Name.Space != "" {
			continue
		}
		switch a.Name.Local {
		case "tuid":
			u.TUID = a.Value
		case "creationdate":
			u.CreationDate = a.Value
		case "creationid":
			u.CreationID = a.Value
		case "changedate":
			u.ChangeDate = a.Value
		case "changeid":
			u.ChangeID = a.Value
		}
	}
	haveRU, haveEN := false, false
	for {
		tok, err := d.r.Token()
		if err != nil {
			if err == io.EOF {
				err = d.r.Errorf("the file ends inside the <tu> of line %d", u.Line)
			}
			return TU{}, false, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			u.RU, u.EN = xmlx.Space(u.RU), xmlx.Space(u.EN)
			haveRU, haveEN = haveRU && u.RU != "", haveEN && u.EN != ""
			switch {
			case !haveRU && !haveEN:
				d.skip(u.Line, u.TUID, SkipNeither)
			case !haveRU:
				d.skip(u.Line, u.TUID, SkipNoRussian)
			case !haveEN:
				d.skip(u.Line, u.TUID, SkipNoEnglish)
			default:
				return u, true, nil
			}
			return TU{}, false, nil
		case xml.StartElement:
			switch t.Name.Local {
			case "prop", "note":
				if len(u.Props)+len(u.Notes) >= d.opt.MaxProps {
					return TU{}, false, d.r.Errorf("more than %d props and notes in the <tu> of line %d", d.opt.MaxProps, u.Line)
				}
				text, err := d.text(t.Name.Local)
				if err != nil {
					return TU{}, false, err
				}
				if t.Name.Local == "note" {
					u.Notes = append(u.Notes, text)
					break
				}
				typ, _ := xmlx.AttrValue(t, "", "type")
				l, ok := xmlx.AttrValue(t, xmlx.XMLNamespace, "lang")
				if !ok {
					l, _ = xmlx.AttrValue(t, "", "lang")
				}
				u.Props = append(u.Props, Prop{Type: typ, Lang: l, Value: text})
			case "tuv":
				code, ok := xmlx.AttrValue(t, xmlx.XMLNamespace, "lang")
				if !ok {
					code, _ = xmlx.AttrValue(t, "", "lang")
				}
				text, found, err := d.variant()
				if err != nil {
					return TU{}, false, err
				}
				switch lang(code) {
				case SourceLang:
					if !haveRU && found {
						u.RU, u.RULang, haveRU = text, code, xmlx.Space(text) != ""
					}
				case TargetLang:
					if !haveEN && found {
						u.EN, u.ENLang, haveEN = text, code, xmlx.Space(text) != ""
					}
				}
			default:
				if err := d.r.Skip(); err != nil {
					return TU{}, false, err
				}
			}
		}
	}
}

// text reads the text content of a prop or note, elements inside it
// ignored.
func (d *Decoder) text(name string) (string, error) {
	var b strings.Builder
	depth := 1
	for depth > 0 {
		tok, err := d.r.Token()
		if err != nil {
			if err == io.EOF {
				err = d.r.Errorf("the file ends inside a <%s>", name)
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if b.Len()+len(t) > d.opt.MaxText {
				return "", d.r.Errorf("a <%s> longer than %d bytes", name, d.opt.MaxText)
			}
			b.Write(t)
		}
	}
	return xmlx.Space(b.String()), nil
}

// inline says what to do with the content of an element inside <seg>:
// true keeps its text.
func inline(local string) bool {
	switch local {
	case "bpt", "ept", "ph", "it", "ut":
		return false // native codes
	}
	return true // hi, sub, and anything unknown
}

// variant reads a <tuv> whose start tag was just read and returns the
// text of its <seg>; found is false when it has none.
func (d *Decoder) variant() (text string, found bool, err error) {
	var b strings.Builder
	// keep is a stack: whether the text of each open element inside the
	// <seg> is kept.
	var keep []bool
	inSeg := false
	depth := 1
	for depth > 0 {
		tok, err := d.r.Token()
		if err != nil {
			if err == io.EOF {
				err = d.r.Errorf("the file ends inside a <tuv>")
			}
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case inSeg:
				keep = append(keep, inline(t.Name.Local))
			case depth == 2 && t.Name.Local == "seg" && !found:
				inSeg, found = true, true
				keep = append(keep[:0], true)
			default:
				depth--
				if err := d.r.Skip(); err != nil {
					return "", false, err
				}
			}
		case xml.EndElement:
			depth--
			if inSeg {
				keep = keep[:len(keep)-1]
				inSeg = len(keep) > 0
			}
		case xml.CharData:
			if inSeg && keep[len(keep)-1] {
				if b.Len()+len(t) > d.opt.MaxText {
					return "", false, d.r.Errorf("a segment longer than %d bytes", d.opt.MaxText)
				}
				b.Write(t)
			}
		}
	}
	return b.String(), found, nil
}
