// Package bitext holds the domain types shared by every part of bitext:
// documents read from files, their paragraphs and sentences with byte
// offsets, and the languages they are written in.
//
// The packages below it each own one boundary: input (reading files),
// pipeline (detection, segmentation, the run), align (sentence alignment),
// glossary (the termbase), store (SQLite). cmd/bitext wires them together.
package bitext

import "fmt"

// Lang is a language code as bitext reports it: "ru", "en", or one of the
// pseudo-languages LangMixed and LangUnknown.
type Lang string

// Languages and pseudo-languages.
const (
	Russian Lang = "ru"
	English Lang = "en"
	// Mixed marks a document whose paragraphs are in different languages.
	Mixed Lang = "mixed"
	// Unknown marks text too short or too odd to judge.
	Unknown Lang = "unknown"
)

// Kind says whether a document is an original or a translation of another.
type Kind string

// Document kinds.
const (
	Original    Kind = "original"
	Translation Kind = "translation"
)

// Span is a half-open byte range [Start, End) in a text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len returns the length of the span in bytes.
func (s Span) Len() int { return s.End - s.Start }

// Document is one input file after decoding, normalisation, language
// detection and segmentation. All offsets point into Text.
type Document struct {
	ID         int64   `json:"id,omitempty"`
	Name       string  `json:"name"`
	Path       string  `json:"path"`
	Hash       string  `json:"hash"`     // SHA-256 of Text, hex
	Format     string  `json:"format"`   // text, markdown, html
	Encoding   string  `json:"encoding"` // the encoding the file was decoded from
	Lang       Lang    `json:"lang"`
	Confidence float64 `json:"confidence"`
	Kind       Kind    `json:"kind"`
	Text       string  `json:"-"`

	Paragraphs []Paragraph `json:"paragraphs,omitempty"`
}

// Paragraph is a block of the document with its detected language.
type Paragraph struct {
	Index      int     `json:"index"`
	Span       Span    `json:"span"`
	Lang       Lang    `json:"lang"`
	Confidence float64 `json:"confidence"`
	// Inherited is true when the paragraph was too short to judge and took
	// the language of its neighbours.
	Inherited bool       `json:"inherited,omitempty"`
	Sentences []Sentence `json:"sentences,omitempty"`
}

// Sentence is one sentence (or heading, list item, title line).
type Sentence struct {
	Index     int    `json:"index"`     // position in the document, from 0
	Paragraph int    `json:"paragraph"` // index of its paragraph
	Span      Span   `json:"span"`      // byte offsets into Document.Text
	Text      string `json:"text"`
}

// SentenceCount returns the number of sentences in the document.
func (d *Document) SentenceCount() int {
	n := 0
	for _, p := range d.Paragraphs {
		n += len(p.Sentences)
	}
	return n
}

// Sentences returns all sentences of the document in order.
func (d *Document) Sentences() []Sentence {
	out := make([]Sentence, 0, d.SentenceCount())
	for _, p := range d.Paragraphs {
		out = append(out, p.Sentences...)
	}
	return out
}

// String renders a short description for logs.
func (d *Document) String() string {
	return fmt.Sprintf("%s (%s, %d paragraphs, %d sentences)", d.Name, d.Lang, len(d.Paragraphs), d.SentenceCount())
}
