package xliff

import (
	"encoding/xml"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/format/internal/xmlx"
)

// Note is a <note> of a unit.
type Note struct {
	From     string // the from attribute ("bitext" for ours)
	Priority int    // 1 (most important) to 10; 1 when not given
	Text     string
}

// TransUnit is a <trans-unit> as read back.
type TransUnit struct {
	Line int    // where the <trans-unit> begins
	File string // the <file original> it is in
	ID   string
	// Doc, Pair and Version are what bitext wrote in extradata; Ref says
	// they were found. When a tool dropped extradata, Pair is still read
	// from an id "p<digits>", and Doc and Version are 0.
	Doc, Pair int64
	Version   int
	Ref       bool
	// Source and Target are the texts, inline codes dropped and white
	// space collapsed; HasTarget says there was a <target> element.
	Source, Target string
	HasTarget      bool
	// State and Qualifier are the <target>'s state and state-qualifier,
	// Approved the unit's approved attribute ("yes", "no" or ""), as
	// written.
	State, Qualifier, Approved string
	// Status is what they mean for the pair (StatusOf).
	Status bitext.Status
	Notes  []Note
}

// Options bound what a decoder accepts; zero fields take defaults.
type Options struct {
	xmlx.Limits
	// MaxText bounds the bytes of one text (source, target, note): 1 MiB
	// by default.
	MaxText int
	// MaxNotes bounds the notes of one unit: 1000 by default.
	MaxNotes int
}

// Decoder reads an XLIFF 1.2 (or 1.0, 1.1) document token by token,
// holding one unit at a time.
//
// Units are read anywhere in a <file>'s <body>, <group>s included; the
// unit's own <source> and first <target> give the texts (the text of
// <g>, <mrk>, <sub> and of elements of other namespaces is kept; the
// content of the native codes <ph>, <bpt>, <ept>, <it> is dropped, as are
// <x/>, <bx/>, <ex/>; white space is collapsed); <seg-source>,
// <alt-trans>, <bin-unit>, context and count groups and elements of other
// namespaces elsewhere are skipped. XLIFF 2.0 is refused (its structure
// differs), as is any <!DOCTYPE (XLIFF needs none) or <!ENTITY, any entity
// but the five XML predefines, and tokens or texts beyond the limits;
// errors name the line.
//
// Streaming contract: Next returns units as they are read, so a file
// that turns out to be malformed further on has already delivered its
// first units. A caller that must take all or nothing collects them and
// discards them on error (ReadAll does), or applies them in a
// transaction it rolls back.
type Decoder struct {
	r    *xmlx.Reader
	opt  Options
	root bool
	file string
	n    int
	err  error
}

// NewDecoder returns a decoder that reads r.
func NewDecoder(r io.Reader, opt Options) *Decoder {
	if opt.MaxText <= 0 {
		opt.MaxText = 1 << 20
	}
	if opt.MaxNotes <= 0 {
		opt.MaxNotes = 1000
	}
	return &Decoder{r: xmlx.NewReader(r, "xliff", xmlx.RefuseDoctype, opt.Limits), opt: opt}
}

// Count is the number of units returned so far.
func (d *Decoder) Count() int { return d.n }

// Next returns the next unit, or io.EOF after the last. After an error
// other than io.EOF, every call returns it.
func (d *Decoder) Next() (TransUnit, error) {
	if d.err != nil {
		return TransUnit{}, d.err
	}
	u, err := d.next()
	if err != nil {
		d.err = err
		return TransUnit{}, err
	}
	d.n++
	return u, nil
}

// All iterates over the units; it stops after the first error, which it
// yields.
func (d *Decoder) All() iter.Seq2[TransUnit, error] { return xmlx.All(d.Next) }

// ReadAll reads a whole document: all its units, or none and the error.
func ReadAll(r io.Reader, opt Options) ([]TransUnit, error) {
	d := NewDecoder(r, opt)
	var units []TransUnit
	for u, err := range d.All() {
		if err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	return units, nil
}

// isXLIFF reports whether an element name is XLIFF's (in an XLIFF 1.x
// namespace, or in none, as old files have it).
func isXLIFF(n xml.Name) bool {
	return n.Space == "" || strings.HasPrefix(n.Space, "urn:oasis:names:tc:xliff:document:1.")
}

func (d *Decoder) next() (TransUnit, error) {
	for {
		tok, err := d.r.Token()
		if err != nil {
			return TransUnit{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !d.root {
				if t.Name.Local != "xliff" {
					return TransUnit{}, d.r.Errorf("root element <%s>, want <xliff>", t.Name.Local)
				}
				if v, _ := xmlx.AttrValue(t, "", "version"); strings.HasPrefix(v, "2") || strings.Contains(t.Name.Space, ":xliff:document:2") {
					return TransUnit{}, d.r.Errorf("XLIFF %s is not supported: export XLIFF 1.2", v)
				}
				d.root = true
				continue
			}
			if !isXLIFF(t.Name) {
				if err := d.r.Skip(); err != nil {
					return TransUnit{}, err
				}
				continue
			}
			switch t.Name.Local {
			case "file":
				d.file, _ = xmlx.AttrValue(t, "", "original")
			case "body", "group":
			case "trans-unit":
				return d.unit(t)
			default:
				if err := d.r.Skip(); err != nil {
					return TransUnit{}, err
				}
			}
		case xml.EndElement:
			if t.Name.Local == "file" {
				d.file = ""
			}
		case xml.CharData:
			if !d.root && strings.TrimSpace(string(t)) != "" {
				return TransUnit{}, d.r.Errorf("text outside the root element")
			}
		}
	}
}

// ref reads bitext's extradata ("bitext doc=7 pair=102 version=1").
func (u *TransUnit) ref(extradata string) {
	fields := strings.Fields(extradata)
	if len(fields) == 0 || fields[0] != Tool {
		return
	}
	found := 0
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "doc":
			u.Doc = n
		case "pair":
			u.Pair = n
		case "version":
			u.Version = int(n)
		default:
			continue
		}
		found++
	}
	u.Ref = found == 3
}

// unit reads a <trans-unit> whose start tag was just read.
func (d *Decoder) unit(start xml.StartElement) (TransUnit, error) {
	u := TransUnit{Line: d.r.Line(), File: d.file}
	id, _ := xmlx.AttrValue(start, "", "id")
	if strings.TrimSpace(id) == "" {
		return TransUnit{}, d.r.Errorf("<trans-unit> without an id")
	}
	u.ID = id
	u.Approved, _ = xmlx.AttrValue(start, "", "approved")
	if x, ok := xmlx.AttrValue(start, "", "extradata"); ok {
		u.ref(x)
	}
	if !u.Ref {
		if n, err := strconv.ParseInt(strings.TrimPrefix(id, "p"), 10, 64); err == nil && strings.HasPrefix(id, "p") && n > 0 {
			u.Pair = n
		}
	}
	for {
		tok, err := d.r.Token()
		if err != nil {
			if err == io.EOF {
				err = d.r.Errorf("the file ends inside the <trans-unit> of line %d", u.Line)
			}
			return TransUnit{}, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			u.Status = StatusOf(u.State, u.Approved, u.Target)
			return u, nil
		case xml.StartElement:
			if !isXLIFF(t.Name) {
				if err := d.r.Skip(); err != nil {
					return TransUnit{}, err
				}
				continue
			}
			switch {
			case t.Name.Local == "source":
				if u.Source, err = d.text("source"); err != nil {
					return TransUnit{}, err
				}
			case t.Name.Local == "target" && !u.HasTarget:
				u.HasTarget = true
				u.State, _ = xmlx.AttrValue(t, "", "state")
				u.Qualifier, _ = xmlx.AttrValue(t, "", "state-qualifier")
				if u.Target, err = d.text("target"); err != nil {
					return TransUnit{}, err
				}
			case t.Name.Local == "note":
				if len(u.Notes) >= d.opt.MaxNotes {
					return TransUnit{}, d.r.Errorf("more than %d notes in the <trans-unit> of line %d", d.opt.MaxNotes, u.Line)
				}
				n := Note{Priority: 1}
				n.From, _ = xmlx.AttrValue(t, "", "from")
				if p, ok := xmlx.AttrValue(t, "", "priority"); ok {
					if v, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
						n.Priority = v
					}
				}
				if n.Text, err = d.text("note"); err != nil {
					return TransUnit{}, err
				}
				u.Notes = append(u.Notes, n)
			default:
				if err := d.r.Skip(); err != nil {
					return TransUnit{}, err
				}
			}
		}
	}
}

// code reports whether an element inside a text is a native code whose
// content is not text.
func code(n xml.Name) bool {
	if !isXLIFF(n) {
		return false
	}
	switch n.Local {
	case "ph", "bpt", "ept", "it":
		return true
	}
	return false
}

// text reads the text of an element whose start tag was just read, with
// inline markup handled as Decoder says.
func (d *Decoder) text(name string) (string, error) {
	var b strings.Builder
	keep := []bool{true} // whether the text of each open element is kept
	for len(keep) > 0 {
		tok, err := d.r.Token()
		if err != nil {
			if err == io.EOF {
				err = d.r.Errorf("the file ends inside a <%s>", name)
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			// a <sub> holds text even inside a code
			keep = append(keep, !code(t.Name) && (keep[len(keep)-1] || t.Name.Local == "sub"))
		case xml.EndElement:
			keep = keep[:len(keep)-1]
		case xml.CharData:
			if keep[len(keep)-1] {
				if b.Len()+len(t) > d.opt.MaxText {
					return "", d.r.Errorf("a <%s> longer than %d bytes", name, d.opt.MaxText)
				}
				b.Write(t)
			}
		}
	}
	return xmlx.Space(b.String()), nil
}

// String describes a unit for messages: "p102 (line 14)".
func (u *TransUnit) String() string { return fmt.Sprintf("%s (line %d)", u.ID, u.Line) }
