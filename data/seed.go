// Package data holds bitext's sample documents (samples/, samples-bad/,
// described in README.md) and its seed glossary, glossary.csv, which is
// embedded in the binary: a new database starts with it.
package data

import _ "embed"

//go:embed glossary.csv
var seedGlossary []byte

// SeedGlossaryCSV returns the seed glossary as CSV (the columns of
// 'bitext glossary export --format csv').
func SeedGlossaryCSV() []byte { return append([]byte(nil), seedGlossary...) }
