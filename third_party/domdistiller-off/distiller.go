// Package distiller stands in for github.com/markusmobius/go-domdistiller
// in bitext's build (a replace directive in bitext's go.mod).
//
// go-trafilatura imports go-domdistiller as a fallback extractor, used only
// when its option EnableFallback is set. bitext never sets it (its own
// plain extraction is the fallback), yet the real package's initialisation
// (Unicode range tables, pattern compilation) costs every bitext command
// some 10–20 ms of its start-up. This stand-in offers the part of the API
// trafilatura compiles against and distils nothing.
package distiller

import (
	"errors"
	nurl "net/url"

	"golang.org/x/net/html"
)

// Options are the distiller settings trafilatura sets; the stand-in
// ignores them.
type Options struct {
	OriginalURL    *nurl.URL
	SkipPagination bool
}

// Result is a distilled page.
type Result struct {
	URL   string
	Title string
	// Node holds the distilled content; nil here.
	Node *html.Node
	Text string
}

// ErrDisabled is returned for every page: bitext does not use the
// distiller.
var ErrDisabled = errors.New("distiller: not built into bitext (trafilatura's fallback extractors are not used)")

// Apply distils nothing.
func Apply(doc *html.Node, opts *Options) (*Result, error) {
	return nil, ErrDisabled
}
