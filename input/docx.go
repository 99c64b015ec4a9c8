package input

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Namespaces of the parts of a Word document read here.
const (
	nsWordMain   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWordStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsMarkupComp = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	nsXMLSpace   = "http://www.w3.org/XML/1998/namespace"
)

// docxText returns the text of a Word document (DOCX) held in b: the
// paragraphs of the body in document order, then those of the footnotes
// and endnotes, separated by blank lines. Text in tables comes cell by
// cell; text boxes come after the paragraph they are anchored in; inserted
// text (tracked changes) is kept and deleted text dropped; field codes are
// dropped and field results kept; runs formatted as hidden are dropped.
// Page headers and footers and comments are not read. The parts are
// unpacked within limit bytes in all. The result is not yet normalised.
func docxText(ctx context.Context, b []byte, limit int64) (string, error) {
	if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return "", notZIPDocx(b)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", kindErrorf(ErrDamaged, "is a damaged DOCX: its ZIP structure cannot be read (%v); open it in Word or LibreOffice and save it again, or save it as plain text (.txt)", err)
	}
	p := &docxPackage{files: map[string]*zip.File{}, budget: limit, limit: limit}
	for _, f := range zr.File {
		p.files[partKey(f.Name)] = f
	}
	main := p.mainPart(ctx)
	if p.files[partKey(main)] == nil {
		if f := p.files["mimetype"]; f != nil {
			return "", kindErrorf(ErrBinary, "is an OpenDocument file (ODT) or another ZIP-based format, not a Word document, despite its name; open it and save it as .docx or plain text (.txt)")
		}
		return "", kindErrorf(ErrBinary, "is a ZIP archive but not a Word document (it has no %s); if it is one, open it in Word or LibreOffice and save it again as .docx; otherwise unpack it or save it as plain text (.txt)", main)
	}
	w := &docxWriter{}
	if err := p.readPart(ctx, main, w); err != nil {
		return "", err
	}
	for _, notes := range p.notesParts(ctx, main) {
		if err := p.readPart(ctx, notes, w); err != nil {
			return "", err
		}
	}
	return strings.Join(w.paras, "\n\n"), nil
}

// notZIPDocx explains why a file named .docx that is not a ZIP archive
// cannot be read.
func notZIPDocx(b []byte) error {
	if bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
		// Password-protected DOCX files are stored in the old compound
		// format, with the encrypted package in a stream of this name.
		if bytes.Contains(b, []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e")) {
			return kindErrorf(ErrBinary, "is a password-protected (encrypted) Word document; open it in Word, remove the password (File › Info › Protect Document) and save it again, or save it as plain text (.txt)")
		}
		return kindErrorf(ErrBinary, "is an old Word 97–2003 document (.doc) with a .docx name; open it in Word or LibreOffice and save it as .docx or plain text (.txt)")
	}
	if len(b) == 0 {
		return kindErrorf(ErrEmpty, "file is empty (0 bytes); check that it was saved or copied completely")
	}
	if _, err := sniffBinary(b); err != nil {
		return err
	}
	return kindErrorf(ErrBinary, "is not a Word document: a .docx file is a ZIP archive and this one is not (it looks like text); if it is text, rename it to .txt")
}

// docxPackage is an opened DOCX with what is left of its unpacking budget.
type docxPackage struct {
	files  map[string]*zip.File // by partKey
	budget int64                // bytes still allowed to be unpacked
	limit  int64                // the whole budget, for messages
}

// partKey is the key of a part name: part names compare without case and
// without a leading slash.
func partKey(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// relationship is one <Relationship> of a .rels part.
type relationship struct {
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
	Mode   string `xml:"TargetMode,attr"`
}

// rels returns the relationships of a part (source "" for the package),
// or nil when it has none or they cannot be read.
func (p *docxPackage) rels(ctx context.Context, source string) []relationship {
	name := "_rels/.rels"
	if source != "" {
		name = path.Join(path.Dir(source), "_rels", path.Base(source)+".rels")
	}
	f := p.files[partKey(name)]
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	var doc struct {
		Rels []relationship `xml:"Relationship"`
	}
	if err := xml.NewDecoder(&budgetReader{r: rc, budget: &p.budget, ctx: ctx}).Decode(&doc); err != nil {
		return nil
	}
	return doc.Rels
}

// target resolves a relationship's target against the part it is from.
func target(source string, r relationship) string {
	if strings.HasPrefix(r.Target, "/") {
		return strings.TrimPrefix(r.Target, "/")
	}
	return path.Join(path.Dir(source), r.Target)
}

// mainPart names the document's main part: the package's officeDocument
// relationship, or word/document.xml.
func (p *docxPackage) mainPart(ctx context.Context) string {
	for _, r := range p.rels(ctx, "") {
		if strings.HasSuffix(r.Type, "/officeDocument") && !strings.EqualFold(r.Mode, "External") {
			if t := target("", r); p.files[partKey(t)] != nil {
				return t
			}
		}
	}
	return "word/document.xml"
}

// notesParts names the footnotes and endnotes parts of the main part.
func (p *docxPackage) notesParts(ctx context.Context, main string) []string {
	var foot, end string
	for _, r := range p.rels(ctx, main) {
		switch {
		case strings.EqualFold(r.Mode, "External"):
		case strings.HasSuffix(r.Type, "/footnotes"):
			foot = target(main, r)
		case strings.HasSuffix(r.Type, "/endnotes"):
			end = target(main, r)
		}
	}
	var parts []string
	for _, name := range []string{foot, end} {
		if name != "" && partKey(name) != partKey(main) && p.files[partKey(name)] != nil {
			parts = append(parts, name)
		}
	}
	return parts
}

// errPartLimit is what budgetReader returns past its budget.
var errPartLimit = errors.New("unpacking budget exceeded")

// budgetReader reads from r while the shared budget lasts, and notices
// when ctx ends.
type budgetReader struct {
	r      io.Reader
	budget *int64
	ctx    context.Context
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := b.r.Read(p)
	if int64(n) > *b.budget {
		// Stop before passing on any of it, so that the limit is what
		// the caller hears of, not a character cut in two.
		return 0, errPartLimit
	}
	*b.budget -= int64(n)
	return n, err
}

// readPart decodes one WordprocessingML part into w.
func (p *docxPackage) readPart(ctx context.Context, name string, w *docxWriter) error {
	rc, err := p.files[partKey(name)].Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			return kindErrorf(ErrDamaged, "is a DOCX whose %s is compressed in a way bitext cannot unpack; open it in Word or LibreOffice and save it again, or save it as plain text (.txt)", name)
		}
		return kindErrorf(ErrDamaged, "is a damaged DOCX: %s cannot be opened (%v); open it in Word or LibreOffice and save it again, or save it as plain text (.txt)", name, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(&budgetReader{r: rc, budget: &p.budget, ctx: ctx})
	err = w.part(ctx, d)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, errPartLimit):
		return kindErrorf(ErrTooLarge, "is a DOCX whose text unpacks to more than %s (the limit set by --max-file-size; a small file that unpacks to much more is a \"zip bomb\"); split the document, or raise --max-file-size if you trust it", sizeText(p.limit))
	case errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF):
		return kindErrorf(ErrDamaged, "is a damaged DOCX: %s is corrupted (%v); open it in Word or LibreOffice and save it again, or save it as plain text (.txt)", name, err)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return kindErrorf(ErrDamaged, "is a damaged DOCX: %s is not well-formed XML (line %d: %s); open it in Word or LibreOffice and save it again, or save it as plain text (.txt)", name, se.Line, se.Msg)
	}
	return kindErrorf(ErrDamaged, "is a damaged DOCX: %s cannot be read (%v); open it in Word or LibreOffice and save it again, or save it as plain text (.txt)", name, err)
}

// sizeText writes a byte count for people.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// docxWriter collects the paragraphs of WordprocessingML parts.
type docxWriter struct {
	paras []string    // finished paragraphs
	open  []*docxPara // paragraphs being read; text boxes nest them
	loose *docxPara   // text found outside any paragraph
	field []bool      // open complex fields: true while in their code
	alt   []bool      // open mc:AlternateContent: whether a branch was taken
	hide  bool        // the current run is formatted as hidden
}

// docxPara is a paragraph being read.
type docxPara struct {
	b      strings.Builder
	nested []string // paragraphs of the text boxes anchored in it
}

func isWordNS(space string) bool { return space == nsWordMain || space == nsWordStrict }

// attr returns the value of the WordprocessingML attribute local of e.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local && (a.Name.Space == "" || isWordNS(a.Name.Space)) {
			return a.Value
		}
	}
	return ""
}

// skipped WordprocessingML elements hold no text of the document:
// properties, deleted and moved-away text, field codes.
var docxSkipped = map[string]bool{
	"del": true, "moveFrom": true, "delText": true, "delInstrText": true, "instrText": true,
	"pPr": true, "sectPr": true, "tblPr": true, "tblGrid": true, "trPr": true, "tcPr": true,
	"tblPrEx": true, "sdtPr": true, "sdtEndPr": true, "fldData": true, "rubyPr": true,
	"footnoteReference": true, "endnoteReference": true, "commentReference": true, "sym": true,
}

// part reads one part's tokens.
func (w *docxWriter) part(ctx context.Context, d *xml.Decoder) error {
	// What a damaged part leaves open does not reach into the next.
	w.field, w.alt, w.hide = nil, nil, false
	for n := 0; ; n++ {
		if n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := w.start(d, t); err != nil {
				return err
			}
		case xml.EndElement:
			w.end(t)
		}
	}
	// An unclosed paragraph (only in a damaged part) still counts.
	for len(w.open) > 0 {
		w.endParagraph()
	}
	w.flushLoose()
	return nil
}

func (w *docxWriter) start(d *xml.Decoder, t xml.StartElement) error {
	if t.Name.Space == nsMarkupComp {
		// Of the branches of an mc:AlternateContent, read only the first
		// (a text box comes in each of them).
		switch t.Name.Local {
		case "AlternateContent":
			w.alt = append(w.alt, false)
		case "Choice", "Fallback":
			if len(w.alt) > 0 {
				if w.alt[len(w.alt)-1] {
					return d.Skip()
				}
				w.alt[len(w.alt)-1] = true
			}
		}
		return nil
	}
	if !isWordNS(t.Name.Space) {
		return nil
	}
	local := t.Name.Local
	if docxSkipped[local] {
		return d.Skip()
	}
	switch local {
	case "p":
		w.flushLoose()
		w.open = append(w.open, &docxPara{})
	case "r":
		w.hide = false
	case "rPr":
		hide, err := runHidden(d)
		w.hide = hide
		return err
	case "t":
		s, err := elementText(d)
		if err != nil {
			return err
		}
		if attrSpace(t) != "preserve" {
			s = strings.Trim(s, " \t\r\n")
		}
		// A line end typed into the XML shows as a space in Word.
		w.write(strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, s))
	case "tab", "ptab":
		w.write("\t")
	case "br":
		switch attr(t, "type") {
		case "page", "column":
			w.write("\n\n")
		default:
			w.write("\n")
		}
	case "cr":
		w.write("\n")
	case "noBreakHyphen":
		w.write("-")
	case "fldChar":
		switch attr(t, "fldCharType") {
		case "begin":
			w.field = append(w.field, true)
		case "separate":
			if len(w.field) > 0 {
				w.field[len(w.field)-1] = false
			}
		case "end":
			if len(w.field) > 0 {
				w.field = w.field[:len(w.field)-1]
			}
		}
	case "footnote", "endnote":
		switch attr(t, "type") {
		case "separator", "continuationSeparator", "continuationNotice":
			return d.Skip()
		}
	}
	return nil
}

func (w *docxWriter) end(t xml.EndElement) {
	switch {
	case t.Name.Space == nsMarkupComp && t.Name.Local == "AlternateContent":
		if len(w.alt) > 0 {
			w.alt = w.alt[:len(w.alt)-1]
		}
	case !isWordNS(t.Name.Space):
	case t.Name.Local == "p":
		if len(w.open) > 0 {
			w.endParagraph()
		}
	case t.Name.Local == "r":
		w.hide = false
	}
}

// attrSpace returns the xml:space attribute of e.
func attrSpace(e xml.StartElement) string {
	for _, a := range e.Attr {
		if a.Name.Local == "space" && (a.Name.Space == nsXMLSpace || a.Name.Space == "xml") {
			return a.Value
		}
	}
	return ""
}

// write adds text to the paragraph being read, unless it is field code
// or hidden.
func (w *docxWriter) write(s string) {
	if w.hide || s == "" {
		return
	}
	for _, code := range w.field {
		if code {
			return
		}
	}
	if len(w.open) > 0 {
		w.open[len(w.open)-1].b.WriteString(s)
		return
	}
	if w.loose == nil {
		w.loose = &docxPara{}
	}
	w.loose.b.WriteString(s)
}

// endParagraph closes the innermost open paragraph: a top-level one is
// added to the output, followed by its text boxes' paragraphs; a nested
// one (in a text box) waits for the paragraph it is anchored in.
func (w *docxWriter) endParagraph() {
	p := w.open[len(w.open)-1]
	w.open = w.open[:len(w.open)-1]
	var out []string
	if text := strings.TrimSpace(p.b.String()); text != "" {
		out = append(out, text)
	}
	out = append(out, p.nested...)
	if len(w.open) > 0 {
		parent := w.open[len(w.open)-1]
		parent.nested = append(parent.nested, out...)
		return
	}
	w.paras = append(w.paras, out...)
}

func (w *docxWriter) flushLoose() {
	if w.loose == nil {
		return
	}
	if text := strings.TrimSpace(w.loose.b.String()); text != "" {
		w.paras = append(w.paras, text)
	}
	w.loose = nil
}

// elementText returns the character data of the element just started,
// consuming it up to its end (child elements, which w:t never has in a
// valid part, are skipped).
func elementText(d *xml.Decoder) (string, error) {
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// runHidden reads run properties up to their end and reports whether they
// hide the run (w:vanish, not switched off).
func runHidden(d *xml.Decoder) (bool, error) {
	hidden := false
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 && isWordNS(t.Name.Space) && (t.Name.Local == "vanish" || t.Name.Local == "specVanish") {
				switch attr(t, "val") {
				case "0", "false", "off":
				default:
					hidden = true
				}
			}
		case xml.EndElement:
			if depth == 0 {
				return hidden, nil
			}
			depth--
		}
	}
}
