package pipeline

// The read stage: the run's files are paired (NAME.ru.* with NAME.en.*,
// --pair), then each unit's files are read, analysed (paragraphs, their
// languages, sentences; see Analyzer) and stored as documents.

import (
	"context"
	"path/filepath"
	"strings"
)

// dedupe drops the files named twice (compared in absolute form).
func dedupe(files []string) []string {
	seen := map[string]bool{}
	out := files[:0]
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			abs = f
		}
		if !seen[abs] {
			seen[abs] = true
			out = append(out, f)
		}
	}
	return out
}

// planned is one unit of work before its files are read: a document, or
// a Russian document with its English translation.
type planned struct{ path, en string }

// pairUp pairs the files: NAME.ru.* with NAME.en.* in the same folder, and
// the --pair files; every other file is a unit of its own. It needs only
// the names, so reading can start with the first unit.
func (j *Job) pairUp(files []string) []planned {
	// Paths are compared in absolute form: a --pair file may also have
	// been found in a folder given on the command line.
	key := func(p string) string {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return filepath.Clean(p)
	}
	taken := map[string]bool{}    // English sides, by key
	pairOf := map[string]string{} // Russian key → English path
	for _, p := range j.Config.Pairs {
		pairOf[key(p[0])] = p[1]
		taken[key(p[1])] = true
	}
	english := map[string]string{} // base → NAME.en.* path
	for _, f := range files {
		if base, ok := pairBase(key(f), ".en"); ok && !taken[key(f)] {
			if _, dup := english[base]; !dup {
				english[base] = f
			}
		}
	}
	for _, f := range files {
		k := key(f)
		if _, explicit := pairOf[k]; explicit || taken[k] {
			continue
		}
		if base, ok := pairBase(k, ".ru"); ok {
			if en, found := english[base]; found && !taken[key(en)] {
				pairOf[k] = en
				taken[key(en)] = true
			}
		}
	}
	var units []planned
	for _, f := range files {
		k := key(f)
		if taken[k] {
			continue
		}
		units = append(units, planned{path: f, en: pairOf[k]})
	}
	return units
}

// read is the read and analyse stage: it reads, analyses and stores the
// files of a unit.
func (j *Job) read(ctx context.Context, p planned) work {
	w := work{res: j.Analyzer.ingestOne(ctx, p.path, j.Store)}
	if p.en != "" {
		en := j.Analyzer.ingestOne(ctx, p.en, j.Store)
		w.pairOf = &en
	}
	return w
}

// pairBase returns the path without its extension and language suffix:
// "a/x.ru.txt" → "a/x" for suffix ".ru".
func pairBase(path, suffix string) (string, bool) {
	p := strings.TrimSuffix(path, filepath.Ext(path))
	if !strings.HasSuffix(p, suffix) {
		return "", false
	}
	return strings.TrimSuffix(p, suffix), true
}

// report starts the report of a document read as r.
func (j *Job) report(r FileResult, action string) DocReport {
	return DocReport{File: r.Path, Name: r.Name, DocID: r.DocID, Lang: r.Lang, Action: action, Sentences: r.Sentences}
}
