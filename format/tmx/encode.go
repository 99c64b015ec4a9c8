// Package tmx writes bitext's pairs as a TMX 1.4b translation memory and
// reads TMX memories made by any tool.
//
// The Encoder writes one <tu> per pair as it is given, so a memory of any
// size takes bounded memory; which pairs go in is the caller's choice
// (Filter: approved pairs by default). Every <tu> carries the pair's
// identity and review data as props (x-doc, x-pair, x-version,
// x-status, x-state, x-origin, x-model, x-glossary-version,
// x-confidence) and its dates and people as TMX attributes; the header
// has every attribute TMX requires (OmegaT drops a memory without
// srclang).
//
// The Decoder reads any TMX 1.1–1.4 token by token and returns the
// Russian and English text of each unit with its props (see Decoder).
package tmx

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/format/internal/xmlx"
)

// Languages of the memory: bitext translates Russian into English.
const (
	SourceLang = "ru"
	TargetLang = "en"
)

// Tool names bitext as creationtool and o-tmf.
const Tool = "bitext"

// DateLayout is the TMX date format (always UTC).
const DateLayout = "20060102T150405Z"

// Prop types bitext writes on every <tu> (empty values are left out).
const (
	PropDoc             = "x-doc"              // the Russian document's id
	PropPair            = "x-pair"             // the pair's id
	PropVersion         = "x-version"          // the pair's version when exported
	PropStatus          = "x-status"           // review status: approved, draft, rejected
	PropState           = "x-state"            // machine state: verified, human…
	PropOrigin          = "x-origin"           // model, memory, human, source
	PropModel           = "x-model"            // the model that translated it
	PropGlossaryVersion = "x-glossary-version" // the glossary it was checked against
	PropConfidence      = "x-confidence"       // the alignment or translation confidence
	PropEdited          = "x-edited"           // "yes" when a person changed the English
)

// Header is what the memory's <header> says beyond the required
// constants (creationtool="bitext", segtype="sentence", o-tmf="bitext",
// adminlang="en", srclang="ru", datatype="plaintext").
type Header struct {
	// ToolVersion is creationtoolversion, which TMX requires; "" writes
	// "dev".
	ToolVersion string
	// Created is the header's creationdate; zero leaves it out.
	Created time.Time
	// CreatedBy is the header's creationid; "" leaves it out.
	CreatedBy string
	// Note is written as a <note> of the header when not empty.
	Note string
}

// Unit is one pair to write, with what the pair itself does not hold.
type Unit struct {
	Pair bitext.Pair
	// Model is the model that translated the pair (x-model).
	Model string
	// GlossaryVersion is the version of the glossary the pair was checked
	// against (x-glossary-version).
	GlossaryVersion string
	// Created is the <tu>'s creationdate; zero takes the pair's
	// UpdatedAt. The changedate is the later of the pair's ReviewedAt and
	// UpdatedAt.
	Created time.Time
	// CreatedBy is the creationid; "" writes "bitext". The changeid is
	// the pair's ReviewedBy.
	CreatedBy string
}

// Filter chooses the pairs a memory holds. The Encoder writes every unit
// it is given; callers ask Keep first. The zero Filter keeps approved
// pairs only.
type Filter struct {
	// Statuses are the review statuses kept; empty keeps approved pairs.
	// A pair without a status counts as a draft.
	Statuses []bitext.Status
	// Origins, when not empty, are the only origins kept.
	Origins []bitext.Origin
	// MinConfidence, when above 0, drops pairs of lower confidence.
	MinConfidence float64
}

// Keep reports whether the pair belongs in the memory: both texts are
// there (a translation unit needs both) and it passes the filter.
func (f Filter) Keep(p *bitext.Pair) bool {
	if strings.TrimSpace(xmlx.Clean(p.RU)) == "" || strings.TrimSpace(xmlx.Clean(p.EN)) == "" {
		return false
	}
	st := p.Status
	if st == "" {
		st = bitext.StatusDraft
	}
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = []bitext.Status{bitext.StatusApproved}
	}
	if !slices.Contains(statuses, st) {
		return false
	}
	if len(f.Origins) > 0 && !slices.Contains(f.Origins, p.Origin) {
		return false
	}
	return f.MinConfidence <= 0 || p.Confidence >= f.MinConfidence
}

// Encoder writes a TMX document one unit at a time. Call Close at the
// end: it writes the closing tags and flushes (it does not close the
// writer). After an error every call returns it.
type Encoder struct {
	w       *bufio.Writer
	h       Header
	buf     bytes.Buffer
	started bool
	closed  bool
	n       int
	err     error
}

// NewEncoder returns an encoder that writes to w.
func NewEncoder(w io.Writer, h Header) *Encoder {
	return &Encoder{w: bufio.NewWriterSize(w, 64<<10), h: h}
}

// Count is the number of units written so far.
func (e *Encoder) Count() int { return e.n }

func (e *Encoder) flushBuf() error {
	if _, err := e.w.Write(e.buf.Bytes()); err != nil {
		e.err = fmt.Errorf("write tmx: %w", err)
	}
	e.buf.Reset()
	return e.err
}

func attr(b *bytes.Buffer, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	xmlx.Attr(b, value)
	b.WriteByte('"')
}

func (e *Encoder) header() {
	b := &e.buf
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<tmx version="1.4">` + "\n")
	b.WriteString("  <header")
	v := e.h.ToolVersion
	if v == "" {
		v = "dev"
	}
	attr(b, "creationtool", Tool)
	attr(b, "creationtoolversion", v)
	attr(b, "segtype", "sentence")
	attr(b, "o-tmf", Tool)
	attr(b, "adminlang", "en")
	attr(b, "srclang", SourceLang)
	attr(b, "datatype", "plaintext")
	if !e.h.Created.IsZero() {
		attr(b, "creationdate", e.h.Created.UTC().Format(DateLayout))
	}
	if e.h.CreatedBy != "" {
		attr(b, "creationid", e.h.CreatedBy)
	}
	if e.h.Note == "" {
		b.WriteString("/>\n")
	} else {
		b.WriteString(">\n    <note>")
		xmlx.Text(b, e.h.Note)
		b.WriteString("</note>\n  </header>\n")
	}
	b.WriteString("  <body>\n")
	e.started = true
}

// parseTime reads the timestamps the store writes
// (2006-01-02T15:04:05.000Z) and a few other common forms.
func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", DateLayout} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// Encode writes one unit.
func (e *Encoder) Encode(u Unit) error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return fmt.Errorf("write tmx: encode after close")
	}
	if !e.started {
		e.header()
	}
	p := &u.Pair
	b := &e.buf
	b.WriteString("    <tu")
	attr(b, "tuid", "p"+strconv.FormatInt(p.ID, 10))
	updated, reviewed := parseTime(p.UpdatedAt), parseTime(p.ReviewedAt)
	created := u.Created
	if created.IsZero() {
		created = updated
	}
	changed := updated
	if reviewed.After(changed) {
		changed = reviewed
	}
	if !created.IsZero() {
		attr(b, "creationdate", created.UTC().Format(DateLayout))
	}
	creator := u.CreatedBy
	if creator == "" {
		creator = Tool
	}
	attr(b, "creationid", creator)
	if !changed.IsZero() {
		attr(b, "changedate", changed.UTC().Format(DateLayout))
	}
	if p.ReviewedBy != "" {
		attr(b, "changeid", p.ReviewedBy)
	}
	b.WriteString(">\n")
	prop := func(typ, value string) {
		if value == "" {
			return
		}
		b.WriteString(`      <prop type="`)
		b.WriteString(typ)
		b.WriteString(`">`)
		xmlx.Text(b, value)
		b.WriteString("</prop>\n")
	}
	status := p.Status
	if status == "" {
		status = bitext.StatusDraft
	}
	prop(PropDoc, strconv.FormatInt(p.Doc, 10))
	prop(PropPair, strconv.FormatInt(p.ID, 10))
	prop(PropVersion, strconv.Itoa(p.Version))
	prop(PropStatus, string(status))
	prop(PropState, string(p.State))
	prop(PropOrigin, string(p.Origin))
	if p.Edited {
		prop(PropEdited, "yes")
	}
	prop(PropModel, u.Model)
	prop(PropGlossaryVersion, u.GlossaryVersion)
	if p.Confidence != 0 {
		prop(PropConfidence, strconv.FormatFloat(p.Confidence, 'f', -1, 64))
	}
	for _, side := range [2]struct{ lang, text string }{{SourceLang, p.RU}, {TargetLang, p.EN}} {
		b.WriteString(`      <tuv xml:lang="`)
		b.WriteString(side.lang)
		b.WriteString(`"><seg>`)
		xmlx.Text(b, side.text)
		b.WriteString("</seg></tuv>\n")
	}
	b.WriteString("    </tu>\n")
	if err := e.flushBuf(); err != nil {
		return err
	}
	e.n++
	return nil
}

// Close ends the document (a memory with no unit is valid) and flushes
// it to the writer.
func (e *Encoder) Close() error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return nil
	}
	if !e.started {
		e.header()
	}
	e.buf.WriteString("  </body>\n</tmx>\n")
	if err := e.flushBuf(); err != nil {
		return err
	}
	e.closed = true
	if err := e.w.Flush(); err != nil {
		e.err = fmt.Errorf("write tmx: %w", err)
	}
	return e.err
}
