package input

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"unicode/utf8"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"
)

// metaCharset finds the charset declared by <meta charset=…> or
// <meta http-equiv="Content-Type" content="…; charset=…">.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)`)

// declaredCharset returns the encoding declared in the head of an HTML page
// (one of the Enc* constants), or "" when none or an unknown one is declared.
func declaredCharset(b []byte) string {
	m := metaCharset.FindSubmatch(b[:min(len(b), 8192)])
	if m == nil {
		return ""
	}
	switch strings.ToLower(string(m[1])) {
	case "utf-8", "utf8":
		return EncUTF8
	case "windows-1251", "cp1251", "x-cp1251", "win-1251":
		return EncWindows1251
	case "koi8-r", "koi8r", "koi8", "cskoi8r":
		return EncKOI8R
	case "windows-1252", "cp1252", "iso-8859-1", "latin1", "us-ascii":
		return EncWindows1252
	}
	return ""
}

// decodeHTML decodes a saved page, trusting its BOM or <meta> charset
// declaration and detecting the encoding otherwise.
func decodeHTML(b []byte, log *slog.Logger, name string) (string, string, error) {
	if bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) || bytes.HasPrefix(b, []byte("\xFF\xFE")) || bytes.HasPrefix(b, []byte("\xFE\xFF")) {
		return decode(b, true)
	}
	declared := declaredCharset(b)
	var cm *charmap.Charmap
	switch declared {
	case EncWindows1251:
		cm = charmap.Windows1251
	case EncKOI8R:
		cm = charmap.KOI8R
	case EncWindows1252:
		cm = charmap.Windows1252
	}
	if cm != nil {
		// Pages re-saved as UTF-8 often keep their old declaration; a
		// single-byte Cyrillic page is practically never valid UTF-8.
		if utf8.Valid(b) && !isASCII(b) {
			log.Info("page declares a single-byte charset but is valid UTF-8; reading it as UTF-8", "file", name, "declared", declared)
			return decode(b, true)
		}
		if utf16, err := sniffBinary(b); err != nil || utf16 != "" {
			return decode(b, true)
		}
		return decodeTable(b, ptr(byteTable(cm))), declared, nil
	}
	return decode(b, true)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// htmlText extracts the article text of a decoded HTML page with
// trafilatura, falling back to plain tag stripping when it finds nothing.
// The result is not yet normalised. Pages nested deeper than maxHTMLDepth
// are refused before parsing; the parsing and extraction, which cannot be
// interrupted, run aside so that htmlText returns as soon as ctx ends.
func htmlText(ctx context.Context, page string, log *slog.Logger, name string) (string, error) {
	if err := checkHTMLDepth(ctx, page); err != nil {
		return "", err
	}
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		text, err := extractHTML(ctx, page, log, name)
		done <- result{text, err}
	}()
	select {
	case r := <-done:
		return r.text, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// parsePage parses a page and prunes what never shows (see prune).
func parsePage(ctx context.Context, page string) (*html.Node, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil, kindErrorf(ErrEncoding, "cannot be parsed as HTML (%v); save the page again or give its text", err)
	}
	if err := prune(ctx, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// extractHTML is the work of htmlText after the depth check.
func extractHTML(ctx context.Context, page string, log *slog.Logger, name string) (string, error) {
	doc, err := parsePage(ctx, page)
	if err != nil {
		return "", err
	}
	headline := headlineOf(doc)
	if err := ctx.Err(); err != nil {
		return "", err
	}
	// No "baseline" rescue of short extractions: it dumps the whole page,
	// title and all; the plain extraction below does better for us.
	cfg := trafilatura.DefaultConfig()
	cfg.MinExtractedSize = 0
	res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{
		Config:          cfg,
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Disabled,
	})
	if ctxErr := ctx.Err(); ctxErr != nil {
		return "", ctxErr
	}
	var text string
	if err == nil && res != nil && res.ContentNode != nil {
		text = renderText(res.ContentNode)
	}
	if strings.TrimSpace(text) == "" {
		reason := "no article found"
		if err != nil {
			reason = err.Error()
		}
		log.Warn("trafilatura found no article text; using plain tag-stripping extraction", "file", name, "reason", reason)
		// trafilatura may have changed the tree: parse again.
		doc, err = parsePage(ctx, page)
		if err != nil {
			return "", err
		}
		return renderText(bodyOf(doc)), nil
	}
	if headline != "" && !strings.Contains(firstParagraphs(text, 3), headline) {
		text = headline + "\n\n" + text
	}
	return text, nil
}

// removed elements never carry visible text; prune takes them out of the
// tree before anything else looks at it.
var removed = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
	atom.Embed: true, atom.Canvas: true,
}

// prune removes from the tree under n the elements that never show:
// scripts, styles, <noscript>, <template>, SVG and MathML, embedded
// objects, and the elements hidden by the hidden attribute,
// aria-hidden="true" or an inline style display:none or visibility:hidden.
// The text on either side of a removed element is joined into one text
// node, as if the element had never been there: trafilatura would
// otherwise drop the text that follows a script inside a paragraph.
func prune(ctx context.Context, n *html.Node) error {
	count := 0
	var walk func(*html.Node) error
	walk = func(n *html.Node) error {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if count++; count%ctxCheckEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			switch {
			case c.Type == html.CommentNode,
				c.Type == html.ElementNode && (removed[c.DataAtom] || hidden(c)):
				n.RemoveChild(c)
			case c.Type == html.ElementNode:
				if err := walk(c); err != nil {
					return err
				}
			}
			c = next
		}
		joinText(n)
		return nil
	}
	return walk(n)
}

// joinText merges the runs of text nodes among the children of n.
func joinText(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.TextNode || c.NextSibling == nil || c.NextSibling.Type != html.TextNode {
			continue
		}
		var b strings.Builder
		b.WriteString(c.Data)
		for next := c.NextSibling; next != nil && next.Type == html.TextNode; next = c.NextSibling {
			b.WriteString(next.Data)
			n.RemoveChild(next)
		}
		c.Data = b.String()
	}
}

// hidden reports whether an element is hidden from readers by its
// attributes. hidden="until-found" marks text the browser reveals when it
// is searched for: it is part of the page and stays.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			if !strings.EqualFold(strings.TrimSpace(a.Val), "until-found") {
				return true
			}
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			if styleHides(a.Val) {
				return true
			}
		}
	}
	return false
}

// styleHides reports whether an inline style has display:none or
// visibility:hidden (or collapse) among its declarations.
func styleHides(style string) bool {
	for _, decl := range strings.Split(style, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		val = strings.ToLower(strings.TrimSpace(val))
		val = strings.TrimSpace(strings.TrimSuffix(val, "!important"))
		switch {
		case prop == "display" && val == "none":
			return true
		case prop == "visibility" && (val == "hidden" || val == "collapse"):
			return true
		}
	}
	return false
}

// headlineOf returns the text of the first <h1> of the page, if any.
func headlineOf(doc *html.Node) string {
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.H1 {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if found == nil {
		return ""
	}
	return collapseSpace(renderText(found))
}

// firstParagraphs returns the first n blank-line-separated paragraphs of s,
// with runs of whitespace collapsed.
func firstParagraphs(s string, n int) string {
	parts := strings.SplitN(s, "\n\n", n+1)
	if len(parts) > n {
		parts = parts[:n]
	}
	return collapseSpace(strings.Join(parts, " "))
}

// collapseSpace joins the fields of s with single spaces (no-break spaces
// count as spaces).
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00A0", " ")), " ")
}

// bodyOf returns the <body> of a parsed page, or the page itself.
func bodyOf(doc *html.Node) *html.Node {
	var body *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if body != nil {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			body = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if body == nil {
		return doc
	}
	return body
}

// skipped elements never carry article text.
var skipped = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true,
	atom.Template: true, atom.Svg: true, atom.Math: true, atom.Iframe: true,
	atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Nav: true,
	atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Form: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Input: true,
	atom.Menu: true, atom.Title: true, atom.Meta: true, atom.Link: true,
}

// skippedRoles are ARIA landmark roles of page chrome.
var skippedRoles = map[string]bool{"navigation": true, "banner": true, "contentinfo": true, "search": true, "menu": true, "menubar": true, "complementary": true}

// inline elements continue the current paragraph; every other element
// starts and ends one.
var inline = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "big": true, "cite": true,
	"code": true, "data": true, "del": true, "dfn": true, "em": true, "font": true, "i": true,
	"img": true, "ins": true, "kbd": true, "label": true, "mark": true, "q": true, "s": true,
	"samp": true, "small": true, "span": true, "strike": true, "strong": true, "sub": true,
	"sup": true, "time": true, "tt": true, "u": true, "var": true, "wbr": true, "protected-a": true,
}

// textWriter accumulates text with HTML whitespace rules: runs of spaces
// collapse, block elements are separated by blank lines, <br> breaks a line.
type textWriter struct {
	b       strings.Builder
	brk     int  // pending line breaks (0, 1 or 2)
	space   bool // pending space
	started bool // anything written yet
	pre     int  // depth of <pre> elements
}

func (w *textWriter) breakLine(n int) {
	if w.started && n > w.brk {
		w.brk = n
	}
	w.space = false
}

func (w *textWriter) flush() {
	if w.brk > 0 {
		w.b.WriteString("\n\n"[:w.brk])
		w.brk, w.space = 0, false
	} else if w.space {
		w.b.WriteByte(' ')
		w.space = false
	}
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		if s != "" {
			w.flush()
			w.b.WriteString(s)
			w.started = true
		}
		return
	}
	for {
		i := strings.IndexAny(s, " \t\n\r\f")
		word := s
		if i >= 0 {
			word = s[:i]
		}
		if word != "" {
			w.flush()
			w.b.WriteString(word)
			w.started = true
		}
		if i < 0 {
			return
		}
		if w.started && w.brk == 0 {
			w.space = true
		}
		s = s[i+1:]
	}
}

// renderText returns the visible text under n.
func renderText(n *html.Node) string {
	w := &textWriter{}
	w.walk(n)
	return w.b.String()
}

func (w *textWriter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		return
	default:
		return
	}
	tag := n.DataAtom
	if tag == 0 { // trafilatura builds elements without atoms
		tag = atom.Lookup([]byte(n.Data))
	}
	if skipped[tag] {
		return
	}
	if hidden(n) {
		return
	}
	for _, a := range n.Attr {
		if a.Key == "role" && skippedRoles[strings.ToLower(a.Val)] {
			return
		}
	}
	switch {
	case tag == atom.Br:
		w.breakLine(1)
		return
	case tag == atom.Td || tag == atom.Th:
		if w.brk == 0 && w.started {
			w.space = false
			w.b.WriteByte('\t')
		}
	case tag == atom.Tr || tag == atom.Li || tag == atom.Dt || tag == atom.Dd:
		w.breakLine(1)
	case !inline[n.Data]:
		w.breakLine(2)
	}
	if tag == atom.Pre {
		w.pre++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if tag == atom.Pre {
		w.pre--
	}
	switch {
	case tag == atom.Tr || tag == atom.Li || tag == atom.Dt || tag == atom.Dd:
		w.breakLine(1)
	case tag == atom.Td || tag == atom.Th:
	case !inline[n.Data]:
		w.breakLine(2)
	}
}
