package input

import (
	"context"
	"errors"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxHTMLDepth is the deepest nesting of elements a page may have. Real
// pages stay far below it (a few dozen levels; generated ones a few
// hundred at worst). The HTML parser looks through the stack of open
// elements for nearly every tag, so its time grows with the square of the
// depth: 10,000 nested <div>s took seconds and 100,000 minutes, during
// which nothing could interrupt it.
const maxHTMLDepth = 512

// ctxCheckEvery is how many tokens or nodes the HTML code handles between
// two looks at its context.
const ctxCheckEvery = 1 << 12

// checkHTMLDepth estimates, in one pass with the tokenizer, how deep the
// parser's stack of open elements grows on page, and fails with an error
// of kind ErrTooDeep beyond maxHTMLDepth. It follows the parser's rules
// where real pages need them (void elements; end tags a page may leave
// out, as of <p>, <li>, <td>, <option>; the <tbody> a table row implies;
// "<div/>", which opens a <div> outside SVG and MathML)
// and errs on the side of a shallower estimate elsewhere. Its work per
// token is bounded by the limit, so it takes time linear in the page.
func checkHTMLDepth(ctx context.Context, page string) error {
	return checkDepthLimit(ctx, page, maxHTMLDepth)
}

// checkDepthLimit is checkHTMLDepth with the limit as a parameter.
func checkDepthLimit(ctx context.Context, page string, limit int) error {
	z := html.NewTokenizer(strings.NewReader(page))
	var s depthStack
	offset := 0
	for n := 0; ; n++ {
		if n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tt := z.Next()
		raw := len(z.Raw())
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); err != nil && !errors.Is(err, io.EOF) {
				return kindErrorf(ErrEncoding, "cannot be read as HTML (%v); save the page again or give its text", err)
			}
			return nil
		case html.StartTagToken, html.SelfClosingTagToken:
			// "<span/>" opens a span like "<span>": only void elements
			// and, inside SVG and MathML, self-closed ones stay empty.
			name, _ := z.TagName()
			if tt == html.StartTagToken || s.foreign == 0 {
				s.start(tagOf(name))
			}
			if len(s.open) > limit {
				line := strings.Count(page[:min(offset, len(page))], "\n") + 1
				return kindErrorf(ErrTooDeep, "has HTML elements nested more than %d levels deep (line %d), which no real page needs: it is damaged or generated to stall parsers; open it in a browser and save it as text (.txt), or give the article's text", limit, line)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			s.end(tagOf(name))
		}
		offset += raw
	}
}

// tag names an element: its atom, or for unknown elements its name.
type tag struct {
	a    atom.Atom
	name string
}

func tagOf(name []byte) tag {
	if a := atom.Lookup(name); a != 0 {
		return tag{a: a}
	}
	return tag{name: string(name)}
}

// depthStack approximates the parser's stack of open elements below <body>.
type depthStack struct {
	open    []tag
	foreign int // open <svg> and <math> elements
}

// Elements the depth check ignores: void elements have no end tag, and
// <html>, <head> and <body> are opened once whatever the page says.
var notPushed = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Basefont: true, atom.Bgsound: true, atom.Br: true,
	atom.Col: true, atom.Embed: true, atom.Frame: true, atom.Hr: true, atom.Image: true,
	atom.Img: true, atom.Input: true, atom.Keygen: true, atom.Link: true, atom.Meta: true,
	atom.Param: true, atom.Source: true, atom.Track: true, atom.Wbr: true,
	atom.Html: true, atom.Head: true, atom.Body: true,
}

// closesP are the start tags that end an open <p>.
var closesP = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Center: true,
	atom.Details: true, atom.Dialog: true, atom.Dir: true, atom.Div: true, atom.Dl: true,
	atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Header: true,
	atom.Hgroup: true, atom.Main: true, atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Section: true, atom.Summary: true, atom.Ul: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Pre: true, atom.Listing: true,
	atom.Form: true, atom.Table: true, atom.Xmp: true, atom.Plaintext: true,
}

// scopeBoundary elements stop the search for an element to close.
var scopeBoundary = map[atom.Atom]bool{
	atom.Applet: true, atom.Caption: true, atom.Table: true, atom.Td: true, atom.Th: true,
	atom.Marquee: true, atom.Object: true, atom.Template: true, atom.Button: true,
	atom.Svg: true, atom.Math: true,
}

var headings = map[atom.Atom]bool{atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true}

// closeTo pops the stack down to and including the topmost element that
// match accepts, searching no further than an element stop accepts or a
// scope boundary; it reports whether it found one.
func (s *depthStack) closeTo(match, stop func(atom.Atom) bool) bool {
	return s.closeIn(match, func(a atom.Atom) bool { return stop(a) || scopeBoundary[a] })
}

// closeIn is closeTo with table scope: only stop (and <template>) ends
// the search, as for the parts of a table.
func (s *depthStack) closeIn(match, stop func(atom.Atom) bool) bool {
	for i := len(s.open) - 1; i >= 0; i-- {
		a := s.open[i].a
		if match(a) {
			s.popTo(i)
			return true
		}
		if stop(a) || a == atom.Template {
			return false
		}
	}
	return false
}

// popTo pops the stack down to index i, the element at i included.
func (s *depthStack) popTo(i int) {
	for _, t := range s.open[i:] {
		if t.a == atom.Svg || t.a == atom.Math {
			s.foreign--
		}
	}
	s.open = s.open[:i]
}

func is(as ...atom.Atom) func(atom.Atom) bool {
	return func(a atom.Atom) bool {
		for _, x := range as {
			if a == x {
				return true
			}
		}
		return false
	}
}

func none(atom.Atom) bool { return false }

// lastTable returns the index of the innermost open table, or -1 when
// there is none (a <template> hides the tables outside it).
func (s *depthStack) lastTable() int {
	for i := len(s.open) - 1; i >= 0; i-- {
		switch s.open[i].a {
		case atom.Table:
			return i
		case atom.Template:
			return -1
		}
	}
	return -1
}

// has reports whether an element is open.
func (s *depthStack) has(a atom.Atom) bool {
	for _, t := range s.open {
		if t.a == a {
			return true
		}
	}
	return false
}

func (s *depthStack) top() atom.Atom {
	if len(s.open) == 0 {
		return 0
	}
	return s.open[len(s.open)-1].a
}

func (s *depthStack) push(t tag) {
	if t.a == atom.Svg || t.a == atom.Math {
		s.foreign++
	}
	s.open = append(s.open, t)
}

// start handles a start tag (not self-closing).
func (s *depthStack) start(t tag) {
	a := t.a
	if notPushed[a] {
		return
	}
	if s.foreign > 0 { // inside SVG or MathML, elements nest as written
		s.push(t)
		return
	}
	switch a {
	case atom.Form:
		if s.has(atom.Form) { // a form inside a form is ignored
			return
		}
	case atom.Select:
		if s.has(atom.Select) { // a select inside a select closes it
			s.closeIn(is(atom.Select), none)
			return
		}
	case atom.Table:
		// A table that starts right inside a table (not in a cell) ends it.
		switch s.top() {
		case atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Colgroup:
			s.closeIn(is(atom.Table), none)
		}
	case atom.Caption, atom.Colgroup:
		// They go right under the table, whatever part of it is open,
		// and are ignored outside a table.
		i := s.lastTable()
		if i < 0 {
			return
		}
		s.popTo(i + 1)
	}
	if closesP[a] {
		s.closeTo(is(atom.P), none)
	}
	switch {
	case headings[a]:
		if headings[s.top()] {
			s.popTo(len(s.open) - 1)
		}
	case a == atom.Li:
		s.closeTo(is(atom.Li), is(atom.Ul, atom.Ol))
	case a == atom.Dt || a == atom.Dd:
		s.closeTo(is(atom.Dt, atom.Dd), is(atom.Dl))
	case a == atom.Option:
		if s.top() == atom.Option {
			s.popTo(len(s.open) - 1)
		}
	case a == atom.Optgroup:
		if s.top() == atom.Option {
			s.popTo(len(s.open) - 1)
		}
		if s.top() == atom.Optgroup {
			s.popTo(len(s.open) - 1)
		}
	case a == atom.A || a == atom.Button || a == atom.Nobr:
		s.closeTo(is(a), none)
	case a == atom.Thead || a == atom.Tbody || a == atom.Tfoot:
		s.closeIn(is(atom.Thead, atom.Tbody, atom.Tfoot), is(atom.Table))
	case a == atom.Tr:
		s.closeIn(is(atom.Tr), is(atom.Table))
		if s.top() == atom.Table {
			s.push(tag{a: atom.Tbody})
		}
	case a == atom.Td || a == atom.Th:
		s.closeIn(is(atom.Td, atom.Th), is(atom.Tr, atom.Table))
		if s.top() == atom.Table {
			s.push(tag{a: atom.Tbody})
		}
		if top := s.top(); top == atom.Tbody || top == atom.Thead || top == atom.Tfoot {
			s.push(tag{a: atom.Tr})
		}
	}
	s.push(t)
}

// end handles an end tag: it closes the topmost open element of that name,
// if there is one in scope, and everything opened after it.
func (s *depthStack) end(t tag) {
	if notPushed[t.a] {
		return
	}
	for i := len(s.open) - 1; i >= 0; i-- {
		o := s.open[i]
		if o == t {
			s.popTo(i)
			return
		}
		if scopeBoundary[o.a] {
			return
		}
	}
}
