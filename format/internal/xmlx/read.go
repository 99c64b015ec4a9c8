package xmlx

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Default limits.
const (
	DefaultMaxToken = 4 << 20 // bytes of one token
	DefaultMaxDepth = 64      // nesting of elements
)

// Limits bound what a Reader accepts; zero fields take the defaults.
type Limits struct {
	// MaxToken bounds the bytes of one token: a run of text, or a tag
	// with its attributes.
	MaxToken int
	// MaxDepth bounds the nesting of elements.
	MaxDepth int
}

// Doctype says which document type declarations a Reader accepts.
type Doctype int

// Doctype policies. Entities are never expanded and DTDs never fetched,
// whatever the policy: an internal subset (which is where entities are
// declared) and any other markup declaration are always errors.
const (
	// RefuseDoctype: any <!DOCTYPE is an error.
	RefuseDoctype Doctype = iota
	// ExternalDoctype: a <!DOCTYPE naming an external DTD without an
	// internal subset, such as <!DOCTYPE tmx SYSTEM "tmx14.dtd">, is
	// accepted and ignored.
	ExternalDoctype
)

// errTooLong is what the byte counter returns past the token limit.
var errTooLong = errors.New("token too long")

// counter counts the bytes read since the last reset and fails past max,
// so that no single token can make the XML decoder buffer without bound.
type counter struct {
	r   io.ByteReader
	rd  io.Reader
	n   int
	max int
}

func (c *counter) ReadByte() (byte, error) {
	if c.n >= c.max {
		return 0, errTooLong
	}
	c.n++
	return c.r.ReadByte()
}

func (c *counter) Read(p []byte) (int, error) {
	if c.n >= c.max {
		return 0, errTooLong
	}
	if len(p) > c.max-c.n {
		p = p[:c.max-c.n]
	}
	n, err := c.rd.Read(p)
	c.n += n
	return n, err
}

// Reader reads XML tokens from untrusted input. It refuses DOCTYPEs as
// its policy says and every other markup declaration (<!ENTITY…>), lets
// encoding/xml refuse undeclared entities (only the five predefined ones
// and character references exist), bounds token size and nesting, and
// names the line in its errors. It reads UTF-8, with or without a byte
// order mark, and UTF-16 with one.
type Reader struct {
	name    string // the format, to begin error messages
	d       *xml.Decoder
	c       *counter
	lim     Limits
	doctype Doctype
	depth   int
	root    bool // the root element has started
	line    int  // where the last token began
}

// NewReader reads r; name (say "tmx") begins every error message.
func NewReader(r io.Reader, name string, doctype Doctype, lim Limits) *Reader {
	if lim.MaxToken <= 0 {
		lim.MaxToken = DefaultMaxToken
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = DefaultMaxDepth
	}
	br := bufio.NewReaderSize(r, 64<<10)
	utf16 := false
	if head, _ := br.Peek(3); bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	} else if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		br = bufio.NewReaderSize(transform.NewReader(br, dec), 64<<10)
		utf16 = true
	}
	c := &counter{r: br, rd: br, max: lim.MaxToken}
	d := xml.NewDecoder(c)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		l := strings.ToLower(label)
		if (utf16 && strings.HasPrefix(l, "utf-16")) || l == "utf8" || l == "us-ascii" || l == "ascii" {
			return in, nil
		}
		return nil, fmt.Errorf("encoding %q is not supported: convert the file to UTF-8", label)
	}
	return &Reader{name: name, d: d, c: c, lim: lim, doctype: doctype, line: 1}
}

// Line is the line on which the last token began.
func (r *Reader) Line() int { return r.line }

// Errorf makes an error that names the format and the line of the last
// token.
func (r *Reader) Errorf(format string, args ...any) error {
	return fmt.Errorf("%s line %d: %s", r.name, r.line, fmt.Sprintf(format, args...))
}

// Token returns the next token, as encoding/xml's Decoder.Token does
// (names in namespaces resolved, elements properly nested; the bytes of
// CharData valid until the next call), with io.EOF at the end of a
// well-formed document and a descriptive error otherwise. Comments and
// processing instructions are returned too; callers ignore them.
func (r *Reader) Token() (xml.Token, error) {
	r.line, _ = r.d.InputPos()
	r.c.n = 0
	tok, err := r.d.Token()
	if err != nil {
		if err == io.EOF {
			if !r.root {
				return nil, fmt.Errorf("%s: no root element", r.name)
			}
			return nil, io.EOF
		}
		if errors.Is(err, errTooLong) {
			return nil, r.Errorf("a token (text, tag or declaration) longer than %d bytes", r.lim.MaxToken)
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s line %d: %s", r.name, se.Line, se.Msg)
		}
		return nil, r.Errorf("%v", err)
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if r.root && r.depth == 0 {
			return nil, r.Errorf("a second root element <%s>", t.Name.Local)
		}
		r.root = true
		r.depth++
		if r.depth > r.lim.MaxDepth {
			return nil, r.Errorf("elements nested deeper than %d", r.lim.MaxDepth)
		}
	case xml.EndElement:
		r.depth--
	case xml.CharData:
		if r.depth == 0 && len(bytes.TrimSpace(t)) > 0 {
			return nil, r.Errorf("text outside the root element")
		}
	case xml.Directive:
		if err := r.directive(t); err != nil {
			return nil, err
		}
	}
	return tok, nil
}

func (r *Reader) directive(t xml.Directive) error {
	s := strings.TrimSpace(string(t))
	if !strings.HasPrefix(s, "DOCTYPE") {
		word, _, _ := strings.Cut(s, " ")
		if len(word) > 20 {
			word = word[:20]
		}
		return r.Errorf("markup declaration <!%s…> refused (entities and DTD declarations are not read)", word)
	}
	if r.root {
		return r.Errorf("<!DOCTYPE after the root element")
	}
	if r.doctype == RefuseDoctype {
		return r.Errorf("<!DOCTYPE refused: %s files need no DTD, and entities are not expanded", r.name)
	}
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			return r.Errorf("<!DOCTYPE with an internal subset refused: entities are not expanded")
		}
	}
	return nil
}

// Skip reads to the end of the element whose start tag was just read,
// with the same checks and limits as Token.
func (r *Reader) Skip() error {
	depth := 1
	for depth > 0 {
		tok, err := r.Token()
		if err != nil {
			if err == io.EOF {
				return r.Errorf("unexpected end of the file")
			}
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// AttrValue returns the value of the attribute with the local name (in no
// namespace, or in space when space is not empty) and whether it is
// there.
func AttrValue(se xml.StartElement, space, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value, true
		}
	}
	return "", false
}

// XMLNamespace is the namespace of the xml: prefix (xml:lang, xml:space)
// as encoding/xml reports it.
const XMLNamespace = "http://www.w3.org/XML/1998/namespace"
