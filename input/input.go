// Package input turns the files users have into clean, normalised text.
//
// It reads plain text, Markdown, saved HTML pages and Word documents (DOCX:
// the body's paragraphs, tables cell by cell, text boxes, footnotes and
// endnotes); decodes UTF-8 (with or
// without a byte order mark), UTF-16 (with a BOM, or without one when the
// pattern of zero bytes makes it obvious), windows-1251 and KOI8-R; and
// normalises the result (NFC, LF line ends, odd spaces to ' ', invisible
// characters removed, trailing spaces trimmed). Binary, empty, unreadable and
// oversized files are reported as *Error values naming the file, the reason
// and what the user can do about it.
//
// windows-1251 and KOI8-R both decode any byte sequence without error, each
// into the other's garbage, so the decoder scores the Cyrillic each reading
// produces (Russian letter frequencies, impossible letter pairs, the case
// pattern of words, box-drawing characters) and keeps the better one.
//
// Bytes that are neither valid UTF-8 nor plausible single-byte Cyrillic are
// read as windows-1252 (a superset of Latin-1) when the text is mostly
// Latin-script and the odd bytes are few (an English file saved by an old
// editor); otherwise Decode fails with ErrEncoding, because guessing would
// send mojibake to translation.
package input

import (
	"errors"
	"fmt"
)

// Encodings reported in Doc.Encoding.
const (
	EncASCII       = "ascii"
	EncUTF8        = "utf-8"
	EncUTF8BOM     = "utf-8-bom"
	EncUTF16LE     = "utf-16le"
	EncUTF16BE     = "utf-16be"
	EncWindows1251 = "windows-1251"
	EncKOI8R       = "koi8-r"
	// EncWindows1252 is the fallback for mostly-Latin text that is not
	// valid UTF-8 (see the package documentation).
	EncWindows1252 = "windows-1252"
)

// Formats reported in Doc.Format.
const (
	FormatText     = "text"
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
	// FormatDOCX is a Word document (Office Open XML); its text is
	// always reported as EncUTF8.
	FormatDOCX = "docx"
)

// Doc is one file read and normalised.
type Doc struct {
	Path     string // as given by the caller
	Name     string // base name of Path
	Format   string // FormatText, FormatMarkdown, FormatHTML or FormatDOCX
	Encoding string // the encoding the bytes were decoded from (Enc* constants)
	// Text is the normalised text: valid UTF-8 in NFC, LF line ends, no BOM,
	// no control characters but '\n' and '\t', odd spaces replaced by ' ',
	// no trailing spaces on lines, no leading blank lines and no trailing
	// whitespace at the end.
	Text string
}

// Sentinel kinds of failure, matched with errors.Is.
var (
	ErrEmpty      = errors.New("empty file")
	ErrBinary     = errors.New("binary file")
	ErrUnreadable = errors.New("unreadable file")
	ErrTooLarge   = errors.New("file too large")
	ErrEncoding   = errors.New("unknown text encoding")
	// ErrDamaged is a document whose container or markup is corrupted
	// (a DOCX with a broken ZIP structure or malformed XML).
	ErrDamaged = errors.New("damaged document")
	// ErrTooDeep is markup nested deeper than any real page is (see
	// maxHTMLDepth): parsing it would take time quadratic in the depth.
	ErrTooDeep = errors.New("markup nested too deeply")
)

// Error is a failure to read one file. Its message names the file, says what
// is wrong and what to do about it; Unwrap leads to one of the sentinel kinds
// (and to the underlying system error, if any).
type Error struct {
	Path   string
	Reason string // what is wrong and, after a "; ", what to do
	Err    error
}

func (e *Error) Error() string { return e.Path + ": " + e.Reason }

// Unwrap returns the cause, which matches one of the sentinel kinds.
func (e *Error) Unwrap() error { return e.Err }

// kindError is an error of a sentinel kind with a human reason; the decoder
// returns it and the Reader turns it into an *Error with the file's path.
type kindError struct {
	kind   error
	reason string
	cause  error // optional underlying error
}

func (e *kindError) Error() string { return e.reason }

func (e *kindError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.kind, e.cause}
	}
	return []error{e.kind}
}

func kindErrorf(kind error, format string, args ...any) error {
	return &kindError{kind: kind, reason: fmt.Sprintf(format, args...)}
}

// fileError wraps err (a kindError or any other error) into an *Error for path.
func fileError(path string, err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	var ke *kindError
	if errors.As(err, &ke) {
		return &Error{Path: path, Reason: ke.reason, Err: ke}
	}
	return &Error{Path: path, Reason: err.Error() + "; check the file", Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
}
