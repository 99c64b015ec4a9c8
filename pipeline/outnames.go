package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Output names.
//
// Each input's outputs are named after the input's path relative to the
// folder it was found in, mirrored under the output folder: IN/a/b/x.ru.txt,
// found under IN, writes OUT/a/b/x.en.txt and OUT/a/b/x.pairs.*. A file named
// directly (or by --pair) writes OUT/x.*. The name depends only on the
// input's own path, so it is the same in every run, whatever the order in
// which documents finish.
//
// Two inputs of one run may still map to one name (x.txt beside x.md, or two
// files named directly with the same base name in different folders). Then
// every input of the clash keeps its whole file name (x.txt, x.md) and, if
// that still clashes, adds a suffix made from its absolute path
// (x.txt-1a2b3c4d). Names are compared ignoring case, so that outputs do not
// replace each other on a case-insensitive file system either.

// nameLevels are the ways of naming an input's outputs, from the plainest.
const nameLevels = 4

// outputNames returns the output base (a relative path without the
// .en.txt / .pairs.* suffixes) of every input, keyed by pathKey, and a
// note for each input whose name had to be changed because of a clash.
// roots are the paths given on the command line; inputs are the files
// whose outputs need names.
func outputNames(roots, inputs []string) (names, notes map[string]string) {
	var dirs []string // the roots that are folders, absolute
	for _, r := range roots {
		if info, err := os.Stat(r); err == nil && info.IsDir() {
			dirs = append(dirs, pathKey(r))
		}
	}
	type cand struct {
		key   string // absolute path of the input
		rel   string // its path under its root, or its file name
		level int
	}
	cands := make([]*cand, 0, len(inputs))
	seen := map[string]bool{}
	for _, in := range inputs {
		k := pathKey(in)
		if seen[k] {
			continue
		}
		seen[k] = true
		cands = append(cands, &cand{key: k, rel: relUnder(dirs, k)})
	}
	name := func(c *cand) string { return levelName(c.rel, c.key, c.level) }
	first := map[*cand]string{}  // the name each input would have had
	clash := map[*cand][]*cand{} // the inputs it first clashed with
	for {
		groups := map[string][]*cand{}
		for _, c := range cands {
			n := strings.ToLower(name(c))
			groups[n] = append(groups[n], c)
		}
		moved := false
		for _, g := range groups {
			if len(g) < 2 {
				continue
			}
			for _, c := range g {
				if c.level == nameLevels-1 {
					continue
				}
				if c.level == 0 {
					first[c] = name(c)
					clash[c] = g
				}
				c.level++
				moved = true
			}
		}
		if !moved {
			break
		}
	}
	names = make(map[string]string, len(cands))
	notes = map[string]string{}
	for _, c := range cands {
		names[c.key] = name(c)
		if c.level == 0 {
			continue
		}
		var others []string
		for _, o := range clash[c] {
			if o != c {
				others = append(others, o.key)
			}
		}
		slices.Sort(others)
		notes[c.key] = fmt.Sprintf("outputs named %s.* instead of %s.*, which %s would have too",
			filepath.ToSlash(name(c)), filepath.ToSlash(first[c]), strings.Join(others, ", "))
	}
	return names, notes
}

// levelName is the output base of an input at one naming level: 0 the file
// name without extension and language suffix, 1 the whole file name, 2 the
// whole file name and a short hash of the absolute path, 3 the full hash.
func levelName(rel, abs string, level int) string {
	dir, file := filepath.Split(rel)
	switch level {
	case 0:
		return dir + outBase(file)
	case 1:
		return dir + file
	}
	sum := sha256.Sum256([]byte(abs))
	h := hex.EncodeToString(sum[:])
	if level == 2 {
		h = h[:8]
	}
	return dir + file + "-" + h
}

// relUnder returns the path of the file abs under the first root folder
// that holds it, or its base name when none does (a file named directly).
func relUnder(dirs []string, abs string) string {
	for _, d := range dirs {
		rel, err := filepath.Rel(d, abs)
		if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		return rel
	}
	return filepath.Base(abs)
}

// pathKey is the absolute, cleaned form of a path, by which inputs are
// compared.
func pathKey(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// outBase is the output name of a document: "x.ru.txt" → "x".
func outBase(path string) string {
	b := filepath.Base(path)
	b = strings.TrimSuffix(b, filepath.Ext(b))
	return strings.TrimSuffix(strings.TrimSuffix(b, ".ru"), ".en")
}
