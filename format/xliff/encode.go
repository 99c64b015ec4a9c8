// Package xliff writes bitext's pairs as XLIFF 1.2 for CAT tools
// (memoQ, Trados, Phrase, OmegaT, Okapi, translate-toolkit) and reads
// reviewed XLIFF 1.2 back.
//
// The Encoder writes one <trans-unit> per pair, id "p<pair id>", with
// extradata "bitext doc=<doc> pair=<id> version=<version>" so that an
// import can find the pair and tell whether it changed since the export;
// the Russian in <source> (and, for a pair of several sentences, in a
// <seg-source> with one <mrk mtype="seg"> per sentence), the English in
// <target> with a state from the pair's review status and origin (see
// States and README.md), glossary violations, QA findings, the reviewer
// note and the machine data (origin, state, confidence) as
// <note from="bitext"> with a priority (1 for errors), and bitext's own
// translation beside a human one as an <alt-trans>. Everything stays
// valid against the strict XLIFF 1.2 schema, which admits attributes of
// other namespaces only with a schema of their own: hence extradata and
// notes rather than x- attributes. Units are written as they come, one
// <file> per document.
//
// The Decoder reads XLIFF 1.2 from bitext or from a CAT tool that
// round-tripped it (see Decoder).
package xliff

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/format/internal/xmlx"
)

// Languages of the files: bitext translates Russian into English.
const (
	SourceLang = "ru"
	TargetLang = "en"
)

// Namespace is the XLIFF 1.2 namespace.
const Namespace = "urn:oasis:names:tc:xliff:document:1.2"

// Tool names bitext in notes (from="bitext"), the tool header and
// extradata.
const Tool = "bitext"

// Header is what the files' headers say.
type Header struct {
	// ToolVersion is the <tool tool-version>; "" writes "dev".
	ToolVersion string
	// Date is the <file date>; zero leaves it out.
	Date time.Time
}

// Unit is one pair to write with the sentences of each side.
type Unit struct {
	Pair bitext.Pair
	// File is the <file original> of the pair's document: its name or
	// path; "" writes "doc-<Doc>". A new <file> starts whenever the
	// document or File changes.
	File string
	// RUSentences are the Russian sentences of the pair, written as a
	// <seg-source> when there are several and they make up the pair's
	// Russian (joined by spaces, white space collapsed); otherwise
	// <source> alone carries the text.
	RUSentences []string
	// ENSentences are the English sentences. When there are as many as
	// Russian ones (and they make up the English), the <target> holds
	// one <mrk mtype="seg"> per sentence, matching the <seg-source>.
	ENSentences []string
}

// Encoder writes an XLIFF document one unit at a time. Call Close at the
// end: it writes the closing tags and flushes (it does not close the
// writer). After an error every call returns it.
type Encoder struct {
	w       *bufio.Writer
	h       Header
	buf     bytes.Buffer
	started bool // the <xliff> is open
	inFile  bool // a <file> is open
	doc     int64
	file    string
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

func attr(b *bytes.Buffer, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	xmlx.Attr(b, value)
	b.WriteByte('"')
}

func (e *Encoder) flushBuf() error {
	if _, err := e.w.Write(e.buf.Bytes()); err != nil {
		e.err = fmt.Errorf("write xliff: %w", err)
	}
	e.buf.Reset()
	return e.err
}

func (e *Encoder) openFile(original string) {
	b := &e.buf
	if !e.started {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		b.WriteString(`<xliff version="1.2" xmlns="` + Namespace + `">` + "\n")
		e.started = true
	}
	b.WriteString("  <file")
	attr(b, "original", original)
	attr(b, "source-language", SourceLang)
	attr(b, "target-language", TargetLang)
	attr(b, "datatype", "plaintext")
	attr(b, "tool-id", Tool)
	if !e.h.Date.IsZero() {
		attr(b, "date", e.h.Date.UTC().Format(time.RFC3339))
	}
	b.WriteString(">\n    <header>\n      <tool")
	attr(b, "tool-id", Tool)
	attr(b, "tool-name", Tool)
	v := e.h.ToolVersion
	if v == "" {
		v = "dev"
	}
	attr(b, "tool-version", v)
	b.WriteString("/>\n    </header>\n    <body>\n")
	e.inFile = true
}

func (e *Encoder) closeFile() {
	e.buf.WriteString("    </body>\n  </file>\n")
	e.inFile = false
}

// joins reports whether sentences make up text: joined by spaces, white
// space collapsed, they are the same.
func joins(sentences []string, text string) bool {
	return xmlx.Space(xmlx.Clean(strings.Join(sentences, " "))) == xmlx.Space(xmlx.Clean(text))
}

// segments writes sentences as <mrk mtype="seg" mid="1">…</mrk>,
// separated by spaces.
func segments(b *bytes.Buffer, sentences []string) {
	for i, s := range sentences {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`<mrk mtype="seg" mid="`)
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(`">`)
		xmlx.Text(b, s)
		b.WriteString("</mrk>")
	}
}

// Note priorities.
const (
	PriorityError   = 1  // glossary violations, QA errors
	PriorityFailure = 2  // why the machine translation failed
	PriorityNote    = 3  // the note for reviewers
	PriorityWarning = 5  // QA warnings
	PriorityInfo    = 10 // origin, state, confidence; accepted findings
)

func note(b *bytes.Buffer, priority int, text string) {
	b.WriteString(`        <note from="` + Tool + `" priority="`)
	b.WriteString(strconv.Itoa(priority))
	b.WriteString(`">`)
	xmlx.Text(b, text)
	b.WriteString("</note>\n")
}

// Extradata is the extradata bitext writes on a unit.
func Extradata(p *bitext.Pair) string {
	return fmt.Sprintf("%s doc=%d pair=%d version=%d", Tool, p.Doc, p.ID, p.Version)
}

// Encode writes one unit. The pair must have an id (unit ids must be
// unique in a file).
func (e *Encoder) Encode(u Unit) error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return fmt.Errorf("write xliff: encode after close")
	}
	p := &u.Pair
	if p.ID <= 0 {
		return fmt.Errorf("write xliff: pair %d of document %d has no id", p.Index, p.Doc)
	}
	original := u.File
	if original == "" {
		original = "doc-" + strconv.FormatInt(p.Doc, 10)
	}
	if e.inFile && (p.Doc != e.doc || original != e.file) {
		e.closeFile()
	}
	if !e.inFile {
		e.openFile(original)
		e.doc, e.file = p.Doc, original
	}
	row := TargetState(p)
	b := &e.buf
	b.WriteString("      <trans-unit")
	attr(b, "id", "p"+strconv.FormatInt(p.ID, 10))
	if row.Approved {
		attr(b, "approved", "yes")
	}
	attr(b, "extradata", Extradata(p))
	b.WriteString(">\n        <source xml:lang=\"" + SourceLang + "\">")
	xmlx.Text(b, p.RU)
	b.WriteString("</source>\n")
	segmented := len(u.RUSentences) > 1 && joins(u.RUSentences, p.RU)
	if segmented {
		b.WriteString("        <seg-source xml:lang=\"" + SourceLang + "\">")
		segments(b, u.RUSentences)
		b.WriteString("</seg-source>\n")
	}
	b.WriteString("        <target xml:lang=\"" + TargetLang + "\"")
	attr(b, "state", row.State)
	if row.Qualifier != "" {
		attr(b, "state-qualifier", row.Qualifier)
	}
	b.WriteString(">")
	switch {
	case row.EmptyTarget:
	case segmented && len(u.ENSentences) == len(u.RUSentences) && joins(u.ENSentences, p.EN):
		segments(b, u.ENSentences)
	default:
		xmlx.Text(b, p.EN)
	}
	b.WriteString("</target>\n")
	if mt := strings.TrimSpace(p.MT); mt != "" && mt != strings.TrimSpace(p.EN) {
		b.WriteString("        <alt-trans origin=\"" + Tool + "-mt\">\n          <target xml:lang=\"" + TargetLang + "\">")
		xmlx.Text(b, p.MT)
		b.WriteString("</target>\n        </alt-trans>\n")
	}
	for _, v := range p.Violations {
		note(b, PriorityError, "glossary: "+v.String())
	}
	for _, f := range p.Findings {
		switch {
		case f.Accepted:
			note(b, PriorityInfo, fmt.Sprintf("QA %s (%s), accepted as a false alarm: %s", f.Severity, f.Kind, f.Message))
		case f.Severity == bitext.SeverityError:
			note(b, PriorityError, fmt.Sprintf("QA error (%s): %s", f.Kind, f.Message))
		default:
			note(b, PriorityWarning, fmt.Sprintf("QA %s (%s): %s", f.Severity, f.Kind, f.Message))
		}
	}
	if p.Reason != "" {
		note(b, PriorityFailure, "translation failed: "+p.Reason)
	}
	if p.Note != "" {
		note(b, PriorityNote, "for the reviewer: "+p.Note)
	}
	note(b, PriorityInfo, info(p))
	b.WriteString("      </trans-unit>\n")
	if err := e.flushBuf(); err != nil {
		return err
	}
	e.n++
	return nil
}

// info describes the machine side of a pair for a note.
func info(p *bitext.Pair) string {
	var parts []string
	if p.Origin != "" {
		parts = append(parts, "origin "+string(p.Origin))
	}
	if p.State != "" {
		parts = append(parts, "machine state "+string(p.State))
	}
	if p.Edited {
		parts = append(parts, "edited")
	}
	if p.Confidence != 0 {
		parts = append(parts, "confidence "+strconv.FormatFloat(p.Confidence, 'f', -1, 64))
	}
	if p.ReviewedBy != "" {
		parts = append(parts, "reviewed by "+p.ReviewedBy)
	}
	parts = append(parts, fmt.Sprintf("%s %d, sentences %s", "version", p.Version, p.Bead()))
	return "bitext: " + strings.Join(parts, "; ")
}

// Close ends the document and flushes it to the writer. A document with
// no unit still has one (empty) <file>, as XLIFF requires.
func (e *Encoder) Close() error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return nil
	}
	if !e.started {
		e.openFile("empty")
	}
	if e.inFile {
		e.closeFile()
	}
	e.buf.WriteString("</xliff>\n")
	if err := e.flushBuf(); err != nil {
		return err
	}
	e.closed = true
	if err := e.w.Flush(); err != nil {
		e.err = fmt.Errorf("write xliff: %w", err)
	}
	return e.err
}
