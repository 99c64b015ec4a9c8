// Package pipeline turns input files into stored, language-tagged,
// sentence-segmented documents, and runs bitext's main job over them.
//
// The stages are small and separate: input reads and normalises a file,
// segment.Paragraphs splits it into paragraphs, langid labels each
// paragraph, segment.Segmenter splits each paragraph into sentences with the
// rules of its language, and the store keeps the result.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/bitext/bitext"
	"github.com/bitext/bitext/input"
	"github.com/bitext/bitext/pipeline/langid"
	"github.com/bitext/bitext/pipeline/segment"
)

// FileReader reads one file into normalised text.
type FileReader interface {
	ReadFile(ctx context.Context, path string) (*input.Doc, error)
}

// DocumentStore keeps processed documents.
type DocumentStore interface {
	// SaveDocument stores doc and sets its ID; created is false when the
	// same content was already stored.
	SaveDocument(ctx context.Context, doc *bitext.Document) (created bool, err error)
}

// Analyzer reads files and turns them into documents: paragraphs, their
// languages and their sentences. It is safe for concurrent use.
type Analyzer struct {
	Reader    FileReader
	Detector  *langid.Detector
	Segmenter *segment.Segmenter
}

// NewAnalyzer builds an analyzer for the given languages (ISO 639-1 codes;
// default Russian and English). It loads the language models: build one per
// process.
func NewAnalyzer(langs []string, maxBytes int64, log *slog.Logger) (*Analyzer, error) {
	det, err := langid.New(langs)
	if err != nil {
		return nil, err
	}
	return &Analyzer{
		Reader:    &input.Reader{MaxBytes: maxBytes, Log: log},
		Detector:  det,
		Segmenter: segment.New(),
	}, nil
}

// Expand lists the files under paths to read, those skipped (with the
// reason) and the paths refused (see input.Reader.Expand), with the
// reader's size limit when the reader has one.
func (a *Analyzer) Expand(ctx context.Context, paths []string) (files []string, skipped []input.Skipped, errs []error) {
	e, ok := a.Reader.(interface {
		Expand(context.Context, []string) ([]string, []input.Skipped, []error)
	})
	if !ok {
		e = &input.Reader{}
	}
	return e.Expand(ctx, paths)
}

// ReadFile reads and analyses one file.
func (a *Analyzer) ReadFile(ctx context.Context, path string) (*bitext.Document, error) {
	in, err := a.Reader.ReadFile(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc := a.Analyze(in.Text)
	doc.Name, doc.Path, doc.Format, doc.Encoding = in.Name, in.Path, in.Format, in.Encoding
	return doc, nil
}

// Analyze splits normalised text into paragraphs, detects their languages
// and segments them into sentences. The force language, when not empty,
// overrides detection for every paragraph.
func (a *Analyzer) Analyze(text string) *bitext.Document {
	return a.analyze(text, "")
}

// AnalyzeAs is Analyze with every paragraph taken to be in lang.
func (a *Analyzer) AnalyzeAs(text string, lang bitext.Lang) *bitext.Document {
	return a.analyze(text, lang)
}

func (a *Analyzer) analyze(text string, force bitext.Lang) *bitext.Document {
	sum := sha256.Sum256([]byte(text))
	doc := &bitext.Document{Text: text, Hash: hex.EncodeToString(sum[:]), Kind: bitext.Original}
	paras := segment.Paragraphs(text)
	var res langid.Result
	if force != "" {
		res = langid.Result{Lang: force, Confidence: 1, Paragraphs: make([]langid.ParagraphResult, len(paras))}
		for i := range res.Paragraphs {
			res.Paragraphs[i] = langid.ParagraphResult{Lang: force, Confidence: 1}
		}
	} else {
		res = a.Detector.DetectDocument(text, paras)
	}
	doc.Lang, doc.Confidence = res.Lang, res.Confidence
	n := 0
	for i, p := range paras {
		pr := res.Paragraphs[i]
		para := bitext.Paragraph{Index: i, Span: p, Lang: pr.Lang, Confidence: pr.Confidence, Inherited: pr.Inherited}
		for _, s := range a.Segmenter.Split(text[p.Start:p.End], pr.Lang) {
			sp := bitext.Span{Start: p.Start + s.Start, End: p.Start + s.End}
			para.Sentences = append(para.Sentences, bitext.Sentence{Index: n, Paragraph: i, Span: sp, Text: text[sp.Start:sp.End]})
			n++
		}
		doc.Paragraphs = append(doc.Paragraphs, para)
	}
	return doc
}

// Status says what happened to one input file.
type Status string

// Statuses of a file in an ingest.
const (
	Stored    Status = "stored"    // new content, stored
	Unchanged Status = "unchanged" // the same content was already stored
	Failed    Status = "failed"
)

// FileResult is the outcome for one input file.
type FileResult struct {
	Path       string      `json:"path"`
	Name       string      `json:"name"`
	Status     Status      `json:"status"`
	DocID      int64       `json:"doc_id,omitempty"`
	Lang       bitext.Lang `json:"lang,omitempty"`
	Confidence float64     `json:"confidence,omitempty"`
	Encoding   string      `json:"encoding,omitempty"`
	Format     string      `json:"format,omitempty"`
	Paragraphs int         `json:"paragraphs"`
	Sentences  int         `json:"sentences"`
	// ParagraphLangs counts paragraphs by language (for mixed documents).
	ParagraphLangs map[bitext.Lang]int `json:"paragraph_langs,omitempty"`
	Error          string              `json:"error,omitempty"`

	Doc *bitext.Document `json:"-"`
}

// Ingest reads, analyses and stores every file, workers at a time, and
// returns one result per file in the order given. A file that fails does not
// stop the others; the error returned is non-nil only when ctx ends.
func (a *Analyzer) Ingest(ctx context.Context, files []string, st DocumentStore, workers int, onDone func(FileResult)) ([]FileResult, error) {
	if workers < 1 {
		workers = 1
	}
	results := make([]FileResult, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex // serialises onDone
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := a.ingestOne(ctx, files[i], st)
				results[i] = r
				if onDone != nil {
					mu.Lock()
					onDone(r)
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := range files {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return results, err
	}
	return results, nil
}

func (a *Analyzer) ingestOne(ctx context.Context, path string, st DocumentStore) FileResult {
	r := FileResult{Path: path, Name: path}
	doc, err := a.ReadFile(ctx, path)
	if err != nil {
		r.Status, r.Error = Failed, errorText(path, err)
		return r
	}
	r.Name, r.Lang, r.Confidence, r.Encoding, r.Format = doc.Name, doc.Lang, doc.Confidence, doc.Encoding, doc.Format
	r.Paragraphs, r.Sentences = len(doc.Paragraphs), doc.SentenceCount()
	r.ParagraphLangs = map[bitext.Lang]int{}
	for _, p := range doc.Paragraphs {
		r.ParagraphLangs[p.Lang]++
	}
	r.Doc = doc
	if st == nil {
		r.Status = Stored
		return r
	}
	created, err := st.SaveDocument(ctx, doc)
	if err != nil {
		r.Status, r.Error = Failed, errorText(path, err)
		return r
	}
	r.DocID = doc.ID
	r.Status = Unchanged
	if created {
		r.Status = Stored
	}
	return r
}

// errorText renders err so that it names the file exactly once.
func errorText(path string, err error) string {
	var fe *input.Error
	if errors.As(err, &fe) {
		return fe.Error()
	}
	return fmt.Sprintf("%s: %v", path, err)
}

// Summary counts the results of an ingest.
type Summary struct {
	Files     int                 `json:"files"`
	Stored    int                 `json:"stored"`
	Unchanged int                 `json:"unchanged"`
	Failed    int                 `json:"failed"`
	Skipped   int                 `json:"skipped"` // files found in folders and not read (set by the caller)
	Sentences int                 `json:"sentences"`
	Langs     map[bitext.Lang]int `json:"languages"`
}

// Summarize counts results.
func Summarize(rs []FileResult) Summary {
	s := Summary{Files: len(rs), Langs: map[bitext.Lang]int{}}
	for _, r := range rs {
		switch r.Status {
		case Stored:
			s.Stored++
		case Unchanged:
			s.Unchanged++
		case Failed:
			s.Failed++
			continue
		}
		s.Sentences += r.Sentences
		s.Langs[r.Lang]++
	}
	return s
}
