// Package htmldate stands in for github.com/markusmobius/go-htmldate in
// bitext's build (a replace directive in bitext's go.mod).
//
// go-trafilatura, which bitext uses to find the article text of saved
// pages, imports go-htmldate to find publication dates, and go-htmldate
// imports go-dateparser, whose package initialisation builds the date
// vocabularies of some 200 locales: about 0.3–0.5 s and 75 MB at the start
// of every bitext command, whether it reads HTML or not. bitext never asks
// for dates (it runs trafilatura with HtmlDateMode Disabled), so this
// stand-in offers the part of the API that trafilatura compiles against
// and finds no date.
package htmldate

import (
	"errors"
	"time"

	"golang.org/x/net/html"
)

// Options are the date search settings trafilatura sets; the stand-in
// ignores them.
type Options struct {
	URL                 string
	ExtractTime         bool
	UseOriginalDate     bool
	SkipExtensiveSearch bool
	EnableLog           bool
	MinDate             time.Time
	MaxDate             time.Time
}

// Result is a publication date found in a page.
type Result struct {
	// DateTime is the date found.
	DateTime time.Time
	// HasTime says whether DateTime carries a time of day.
	HasTime bool
}

// IsZero reports whether no date was found.
func (r Result) IsZero() bool { return r.DateTime.IsZero() }

// Format formats the date with a time layout.
func (r Result) Format(layout string) string { return r.DateTime.Format(layout) }

// ErrDisabled is returned for every page: bitext does not extract dates.
var ErrDisabled = errors.New("htmldate: date extraction is not built into bitext")

// FromDocument finds no date: bitext does not extract dates.
func FromDocument(doc *html.Node, opts Options) (Result, error) {
	return Result{}, ErrDisabled
}
