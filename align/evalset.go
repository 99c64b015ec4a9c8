package align

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// Doc is one document of a benchmark set in the layout of the shared
// alignment benchmark: <set>/<doc>/src.txt, tgt.txt, gold.txt and optionally
// mt.txt, one sentence per line.
type Doc struct {
	Name         string
	Src, Tgt, MT []string // MT is nil when the set has no mt.txt
	// TgtMT is the translation of Tgt into the source language
	// (tgt_mt.txt), nil when the set has none.
	TgtMT []string
	Gold  []Bead
}

// ReadLines reads a file of one sentence per line. A file that is not
// UTF-8 text is refused, naming the first bad line: aligned as it is, it
// would give beads without an error.
func ReadLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := SplitLines(string(data))
	for i, l := range lines {
		if strings.IndexByte(l, 0) >= 0 {
			return nil, fmt.Errorf("%s: line %d has NUL bytes: it is not UTF-8 text (binary, or UTF-16); give a UTF-8 text file", path, i+1)
		}
		if !utf8.ValidString(l) {
			return nil, fmt.Errorf("%s: line %d is not valid UTF-8; convert the file (e.g. iconv -f windows-1251 -t utf-8)", path, i+1)
		}
	}
	return lines, nil
}

// SplitLines splits text into lines the way Python iterates over a file: a
// final newline does not start an empty line, and "\r\n" counts as one.
func SplitLines(text string) []string {
	text = strings.TrimPrefix(text, "\ufeff")
	if text == "" {
		return []string{}
	}
	text = strings.TrimSuffix(text, "\n")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// ReadSet reads every document folder (one holding gold.txt) of a set, in
// name order.
func ReadSet(dir string) ([]Doc, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read set %s: %w", dir, err)
	}
	var docs []Doc
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		// Only a folder without gold.txt is not a document: a missing
		// src.txt or tgt.txt beside a gold.txt is an error, not a skip.
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "gold.txt")); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		d, err := ReadDoc(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("read set %s: no document folders with gold.txt (a set holds one folder per document with src.txt, tgt.txt and gold.txt)", dir)
	}
	slices.SortFunc(docs, func(a, b Doc) int { return strings.Compare(a.Name, b.Name) })
	return docs, nil
}

// ReadDoc reads one document folder.
func ReadDoc(dir string) (Doc, error) {
	d := Doc{Name: filepath.Base(dir)}
	f, err := os.Open(filepath.Join(dir, "gold.txt"))
	if err != nil {
		return d, err
	}
	defer f.Close()
	var goldLines []int
	if d.Gold, goldLines, err = readBeads(f); err != nil {
		return d, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	if d.Src, err = ReadLines(filepath.Join(dir, "src.txt")); err != nil {
		return d, fmt.Errorf("read document %s: %w (a document folder needs src.txt, tgt.txt and gold.txt)", dir, err)
	}
	if d.Tgt, err = ReadLines(filepath.Join(dir, "tgt.txt")); err != nil {
		return d, fmt.Errorf("read document %s: %w (a document folder needs src.txt, tgt.txt and gold.txt)", dir, err)
	}
	// A bead with an empty side is never scored (parice-en-is/u_1 has a
	// deletion bead one past the end); any other must point at real lines.
	for k, b := range d.Gold {
		if len(b.Src) == 0 || len(b.Tgt) == 0 {
			continue
		}
		if err := checkIDs(b.Src, len(d.Src), "src.txt"); err != nil {
			return d, fmt.Errorf("read %s: line %d: bead %s: %w", f.Name(), goldLines[k], FormatBead(b), err)
		}
		if err := checkIDs(b.Tgt, len(d.Tgt), "tgt.txt"); err != nil {
			return d, fmt.Errorf("read %s: line %d: bead %s: %w", f.Name(), goldLines[k], FormatBead(b), err)
		}
	}
	d.MT, err = ReadLines(filepath.Join(dir, "mt.txt"))
	if errors.Is(err, fs.ErrNotExist) {
		d.MT = nil
	} else if err != nil {
		return d, fmt.Errorf("read document %s: %w", dir, err)
	}
	if d.MT != nil && len(d.MT) != len(d.Src) {
		return d, fmt.Errorf("read document %s: %w (%d MT lines, %d source lines)", dir, ErrMTLength, len(d.MT), len(d.Src))
	}
	d.TgtMT, err = ReadLines(filepath.Join(dir, "tgt_mt.txt"))
	if errors.Is(err, fs.ErrNotExist) {
		d.TgtMT = nil
	} else if err != nil {
		return d, fmt.Errorf("read document %s: %w", dir, err)
	}
	if d.TgtMT != nil && len(d.TgtMT) != len(d.Tgt) {
		return d, fmt.Errorf("read document %s: %w (%d lines, %d target lines)", dir, ErrTgtMTLength, len(d.TgtMT), len(d.Tgt))
	}
	return d, nil
}

// checkIDs reports a sentence id of a gold bead that is not a line of the
// file it points into.
func checkIDs(ids []int, n int, file string) error {
	for _, id := range ids {
		if id >= n {
			return fmt.Errorf("sentence %d does not exist: %s has %d lines, numbered from 0; fix the bead or the file", id, file, n)
		}
	}
	return nil
}

// DocResult is the alignment of one benchmark document and its counts.
type DocResult struct {
	Name   string
	Beads  []Bead
	Counts Counts
}

// EvalInputs selects what an evaluation gives the aligner besides the two
// texts.
type EvalInputs struct {
	MT    bool // each document's mt.txt, where it has one
	TgtMT bool // each document's tgt_mt.txt, where it has one
	// Embedder, when not nil, embeds every document's sentences; the
	// vectors go to Options.Embeddings.
	Embedder Embedder
}

// Evaluate aligns every document (with its MT when useMT is set and the
// document has one) and counts hits against the gold. The translation of
// the target (TgtMT) is used only with EvaluateBoth.
func Evaluate(ctx context.Context, docs []Doc, useMT bool, opts Options) (Counts, []DocResult, error) {
	return EvaluateWith(ctx, docs, EvalInputs{MT: useMT}, opts)
}

// EvaluateBoth is Evaluate with the translations in both directions (MT
// and TgtMT) where the documents have them.
func EvaluateBoth(ctx context.Context, docs []Doc, opts Options) (Counts, []DocResult, error) {
	return EvaluateWith(ctx, docs, EvalInputs{MT: true, TgtMT: true}, opts)
}

// EvaluateWith aligns every document with the inputs in and scores it
// against its gold; it stops at the first document that fails.
func EvaluateWith(ctx context.Context, docs []Doc, in EvalInputs, opts Options) (Counts, []DocResult, error) {
	var total Counts
	res := make([]DocResult, 0, len(docs))
	for _, d := range docs {
		x := Input{Src: d.Src, Tgt: d.Tgt}
		if in.MT {
			x.MT = d.MT
		}
		if in.TgtMT {
			x.TgtMT = d.TgtMT
		}
		o := opts
		if in.Embedder != nil {
			e, err := EmbedPair(ctx, in.Embedder, d.Src, d.Tgt)
			if err != nil {
				return total, res, fmt.Errorf("evaluate %s: %w", d.Name, err)
			}
			o.Embeddings = e
		}
		beads, err := Align(ctx, x, o)
		if err != nil {
			return total, res, fmt.Errorf("evaluate %s: %w", d.Name, err)
		}
		c := Count(d.Gold, beads)
		total.Add(c)
		res = append(res, DocResult{Name: d.Name, Beads: beads, Counts: c})
	}
	return total, res, nil
}
