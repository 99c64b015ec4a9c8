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
	"syscall"
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
		return nil, &Error{Path: path, Reason: fmt.Sprintf("is not a regular file (%s); give a text, Markdown, HTML or DOCX file", info.Mode().Type()), Err: ErrUnreadable}
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
	switch doc.Format {
	case FormatDOCX:
		text, err = docxText(ctx, b, r.maxBytes())
		doc.Encoding = EncUTF8
	case FormatHTML:
		text, doc.Encoding, err = decodeHTML(b, log, path)
	default:
		text, doc.Encoding, err = decode(b, true)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
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
	case FormatDOCX:
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
		switch doc.Format {
		case FormatHTML:
			reason = "has no visible text; save the page again once it has loaded, or give its text"
		case FormatDOCX:
			reason = "has no text (it may hold only images, such as a scan); run OCR on the scan, or give the text as .txt or .docx"
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
	".docx": FormatDOCX, ".docm": FormatDOCX,
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

// Skipped is a file found in a folder that is not read, with the reason.
type Skipped struct {
	Path string `json:"path"`
	// Reason says what the file is and, after a "; ", what to do to have
	// it read, in the words ReadFile uses when refusing such a file.
	Reason string `json:"reason"`
}

func (s Skipped) String() string { return s.Path + ": " + s.Reason }

// Expand turns command-line paths into the files to read. A path naming a
// file is taken as given, whatever its type (ReadFile says what is wrong
// with it). Folders are walked recursively in name order, depth first, and
// every entry in them is either returned or listed in skipped with the
// reason:
//
//   - files with the extensions read (.txt .text .md .markdown .html .htm
//     .xhtml .docx .docm) are returned;
//   - files without an extension are returned when their first bytes look
//     like text or HTML, skipped otherwise;
//   - other files are skipped, with what their first bytes show them to be
//     (a PDF, an image, an archive…) or their extension;
//   - hidden entries (names starting with '.') are skipped, a hidden folder
//     as one entry;
//   - named pipes, devices and sockets are skipped without being opened,
//     and so are symbolic links that lead nowhere, into a loop, or to a
//     folder (links to folders are not followed).
//
// Files over the size limit are refused from their size, without being
// opened, as *Error values of kind ErrTooLarge in errs; so are the paths
// that cannot be read at all (missing, no permission). A path given twice
// is listed once. Expand stops early when ctx ends.
func (r *Reader) Expand(ctx context.Context, paths []string) (files []string, skipped []Skipped, errs []error) {
	seen := make(map[string]bool)
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		if ctx.Err() != nil {
			return files, skipped, errs
		}
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, statError(root, err))
			continue
		}
		if !info.IsDir() {
			if info.Mode().IsRegular() && info.Size() > r.maxBytes() {
				errs = append(errs, tooLarge(root, r.maxBytes()))
				continue
			}
			add(root)
			continue
		}
		var found []string
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err != nil {
				errs = append(errs, openError(p, err))
				if d != nil && d.IsDir() && p != root {
					return fs.SkipDir
				}
				return nil
			}
			if p == root {
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					skipped = append(skipped, Skipped{p, "is a hidden folder (its name starts with '.'): nothing in it is read; give it by name to read it"})
					return fs.SkipDir
				}
				skipped = append(skipped, Skipped{p, "is a hidden file (its name starts with '.'); give it by name to read it"})
				return nil
			}
			if d.IsDir() {
				return nil
			}
			read, reason, err := r.classify(p, d)
			switch {
			case err != nil:
				errs = append(errs, err)
			case read:
				found = append(found, p)
			default:
				skipped = append(skipped, Skipped{p, reason})
			}
			return nil
		})
		for _, p := range found {
			add(p)
		}
	}
	return files, skipped, errs
}

// statError explains why a path given on the command line cannot be used.
func statError(path string, err error) *Error {
	if info, lerr := os.Lstat(path); lerr == nil && info.Mode()&fs.ModeSymlink != 0 {
		if reason := brokenLink(path, err); reason != "" {
			return &Error{Path: path, Reason: reason, Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
		}
	}
	return openError(path, err)
}

// brokenLink describes a symbolic link whose target cannot be reached
// (err is the error of following it), or returns "".
func brokenLink(path string, err error) string {
	target, _ := os.Readlink(path)
	switch {
	case errors.Is(err, syscall.ELOOP):
		return "is a symbolic link in a loop (following it leads back to it); remove it or point it at a file"
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("is a symbolic link to %s, which does not exist; fix or remove the link", target)
	}
	return ""
}

// classify decides about one file found in a folder: read it, skip it
// (with the reason), or refuse it (an *Error: too large, or unreadable).
// It never opens anything but a regular file.
func (r *Reader) classify(path string, d fs.DirEntry) (read bool, reason string, err error) {
	info, err := os.Stat(path) // follows symbolic links
	if err != nil {
		if d.Type()&fs.ModeSymlink != 0 {
			if reason := brokenLink(path, err); reason != "" {
				return false, reason, nil
			}
		}
		return false, "", openError(path, err)
	}
	mode := info.Mode()
	switch {
	case mode.IsDir():
		return false, "is a symbolic link to a folder, which is not followed (that could loop); give the folder itself to read it", nil
	case mode&fs.ModeNamedPipe != 0:
		return false, "is a named pipe (FIFO), not a file: not opened, since reading it would wait for a writer; give it by name to read from it", nil
	case mode&fs.ModeSocket != 0:
		return false, "is a socket, not a file; give a text, Markdown, HTML or DOCX file", nil
	case mode&fs.ModeDevice != 0:
		return false, "is a device, not a file; give a text, Markdown, HTML or DOCX file", nil
	case !mode.IsRegular():
		return false, fmt.Sprintf("is not a regular file (%s); give a text, Markdown, HTML or DOCX file", mode.Type()), nil
	case info.Size() > r.maxBytes():
		return false, "", tooLarge(path, r.maxBytes())
	}
	ext := strings.ToLower(filepath.Ext(path))
	if _, ok := extensions[ext]; ok {
		return true, "", nil
	}
	head, err := readHead(path, sniffLen)
	if err != nil {
		return false, "", openError(path, err)
	}
	if ext == "" {
		if len(head) == 0 {
			return false, "is empty and has no extension; nothing to read", nil
		}
		if _, err := sniffBinary(head); err != nil {
			return false, "has no extension and " + reasonOf(err), nil
		}
		return true, "", nil
	}
	// The first bytes tell what most files are; the extension tells apart
	// the formats built on ZIP.
	var what string
	if _, err := sniffBinary(head[:min(len(head), 512)]); err != nil {
		what = reasonOf(err)
	}
	if why, ok := zipExtensions[ext]; ok && (what == "" || bytes.HasPrefix(head, []byte("PK\x03\x04"))) {
		return false, why, nil
	}
	if what != "" {
		return false, what, nil
	}
	return false, fmt.Sprintf("has the extension %s, which is not read in folders (only %s are); if it is text, rename it to .txt or give it by name", ext, readExtensions), nil
}

// readExtensions lists the extensions read in folders, for messages.
const readExtensions = ".txt .text .md .markdown .html .htm .xhtml .docx .docm"

// zipExtensions say what the common ZIP-based files bitext does not read
// are, and what to do with them.
var zipExtensions = map[string]string{
	".odt":  "is an OpenDocument text (ODT); open it and save it as .docx or plain text (.txt)",
	".ods":  "is an OpenDocument spreadsheet; bitext reads documents: save the text as .txt",
	".odp":  "is an OpenDocument presentation; save its text as .txt or .docx",
	".xlsx": "is an Excel workbook; bitext reads documents: save the text as .txt",
	".pptx": "is a PowerPoint presentation; save its text as .txt or .docx",
	".epub": "is an EPUB book; unpack it and give its HTML files, or save it as text",
	".zip":  "is a ZIP archive; unpack it first",
}

// reasonOf returns the human reason of a kindError (or the error's text).
func reasonOf(err error) string {
	var ke *kindError
	if errors.As(err, &ke) {
		return ke.reason
	}
	return err.Error()
}

// readHead returns up to n bytes from the start of the file at path.
func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	k, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return b[:k], nil
}
