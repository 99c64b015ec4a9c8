package input

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// DefaultMaxBytes is the size limit of Reader when MaxBytes is 0.
const DefaultMaxBytes = 256 << 20

// Reader reads files into normalised Docs. The zero value is ready to use.
type Reader struct {
	// MaxBytes is the largest file accepted; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Log receives warnings (HTML fallback, charset mismatches); nil
	// discards them.
	Log *slog.Logger
}

func (r *Reader) maxBytes() int64 {
	if r.MaxBytes > 0 {
		return r.MaxBytes
	}
	return DefaultMaxBytes
}

func (r *Reader) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

// ReadFile reads and normalises the file at path. Failures are *Error values
// naming the file.
func (r *Reader) ReadFile(ctx context.Context, path string) (*Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, openError(path, err)
	}
	if info.IsDir() {
		return nil, &Error{Path: path, Reason: "is a directory, not a file; pass it where folders are accepted (ingest, run) or name the files in it", Err: ErrUnreadable}
	}
	if !info.Mode().IsRegular() && info.Mode()&fs.ModeNamedPipe == 0 && info.Mode()&fs.ModeCharDevice == 0 {
		return nil, &Error{Path: path, Reason: fmt.Sprintf("is not a regular file (%s); give a text, Markdown or HTML file", info.Mode().Type()), Err: ErrUnreadable}
	}
	if info.Mode().IsRegular() && info.Size() > r.maxBytes() {
		return nil, tooLarge(path, r.maxBytes())
	}
	b, err := readAll(f, info.Size(), r.maxBytes())
	if err != nil {
		return nil, r.readError(path, err)
	}
	return r.read(ctx, path, b)
}

// Read reads and normalises the contents of src. name (a file name or path)
// gives the format by its extension; without a known extension the format
// is sniffed from the contents. Failures are *Error values naming name.
func (r *Reader) Read(ctx context.Context, name string, src io.Reader) (*Doc, error) {
	b, err := readAll(src, 0, r.maxBytes())
	if err != nil {
		return nil, r.readError(name, err)
	}
	return r.read(ctx, name, b)
}

var errLimit = errors.New("size limit exceeded")

func (r *Reader) readError(path string, err error) *Error {
	if errors.Is(err, errLimit) {
		return tooLarge(path, r.maxBytes())
	}
	return openError(path, err)
}

func tooLarge(path string, max int64) *Error {
	return &Error{Path: path, Reason: fmt.Sprintf("is larger than the limit of %d MiB; split it into smaller files", max>>20), Err: ErrTooLarge}
}

// openError explains a failure to open or read a file.
func openError(path string, err error) *Error {
	reason := "cannot be read (" + err.Error() + "); check the path"
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reason = "does not exist; check the path and the current directory"
	case errors.Is(err, fs.ErrPermission):
		reason = "cannot be read: permission denied; check the file's permissions (chmod) or run as its owner"
	default:
		var pe *fs.PathError
		if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "is a directory") {
			reason = "is a directory, not a file; name the files in it"
		}
	}
	return &Error{Path: path, Reason: reason, Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
}

// readAll reads src to the end into one buffer sized from hint, failing
// with errLimit beyond max bytes.
func readAll(src io.Reader, hint, max int64) ([]byte, error) {
	size := hint + 1 // one more byte to see the end of file without growing
	if size < 512 {
		size = 512
	}
	if size > max+1 {
		size = max + 1
	}
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			if int64(len(b)) > max {
				return nil, errLimit
			}
			b = append(b, 0)[:len(b)] // let append grow the buffer
		}
		n, err := src.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > max {
			return nil, errLimit
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// read turns the bytes of a file into a Doc. It owns b.
func (r *Reader) read(ctx context.Context, path string, b []byte) (*Doc, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	doc := &Doc{Path: path, Name: filepath.Base(path), Format: formatOf(path, b)}
	log := r.log()
	var (
		text string
		err  error
	)
	if doc.Format == FormatHTML {
		text, doc.Encoding, err = decodeHTML(b, log, path)
	} else {
		text, doc.Encoding, err = decode(b, true)
	}
	if err != nil {
		return nil, fileError(path, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	switch doc.Format {
	case FormatHTML:
		text, err = htmlText(ctx, text, log, path)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("read %s: %w", path, err)
			}
			return nil, fileError(path, err)
		}
		text = Normalize(text)
	case FormatMarkdown:
		text = normalizeOwned(text)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		text = Normalize(stripMarkdown(text))
	default:
		text = normalizeOwned(text)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if text == "" {
		reason := "contains only whitespace; check that it was saved completely"
		if doc.Format == FormatHTML {
			reason = "has no visible text; save the page again once it has loaded, or give its text"
		}
		return nil, &Error{Path: path, Reason: reason, Err: ErrEmpty}
	}
	doc.Text = text
	return doc, nil
}

// Extensions read when walking directories, with their formats.
var extensions = map[string]string{
	".txt": FormatText, ".text": FormatText,
	".md": FormatMarkdown, ".markdown": FormatMarkdown,
	".html": FormatHTML, ".htm": FormatHTML, ".xhtml": FormatHTML,
}

// formatOf gives the format of a file from its extension, or sniffs it from
// its first bytes when the extension is unknown.
func formatOf(name string, b []byte) string {
	if f, ok := extensions[strings.ToLower(filepath.Ext(name))]; ok {
		return f
	}
	head := b[:min(len(b), 1024)]
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	head = bytes.ToLower(bytes.TrimLeft(head, " \t\r\n"))
	for _, p := range []string{"<!doctype html", "<html", "<?xml version", "<head", "<body"} {
		if bytes.HasPrefix(head, []byte(p)) {
			if p != "<?xml version" || bytes.Contains(head, []byte("<html")) {
				return FormatHTML
			}
		}
	}
	return FormatText
}

// Expand turns command-line paths into the files to read: files are taken
// as given (whatever their extension), directories are walked recursively
// in name order (depth first), skipping hidden entries (names starting with '.') and files
// whose extension is not one of .txt .text .md .markdown .html .htm .xhtml.
// A path given twice is listed once. Paths that cannot be read are reported
// in errs as *Error values; the others are still returned.
func Expand(paths []string) (files []string, errs []error) {
	seen := make(map[string]bool)
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, openError(root, err))
			continue
		}
		if !info.IsDir() {
			add(root)
			continue
		}
		var found []string
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, openError(p, err))
				if d != nil && d.IsDir() && p != root {
					return fs.SkipDir
				}
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if _, ok := extensions[strings.ToLower(filepath.Ext(p))]; ok && (d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, openError(root, err))
		}
		for _, p := range found {
			add(p)
		}
	}
	return files, errs
}
