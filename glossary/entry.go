// Package glossary is the terminology termbase of bitext: its entries, the
// matcher that finds them in Russian text in any grammatical form, the
// verifier that checks an English translation against the entries matched in
// its source, and the CSV, TSV and TBX formats the termbase is exchanged in.
//
// The package holds no database code; store/glossary.go persists entries.
package glossary

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Status is the standing of an entry in the termbase.
type Status string

// Entry statuses.
const (
	Preferred  Status = "preferred"
	Admitted   Status = "admitted"
	Deprecated Status = "deprecated"
)

// ParseStatus returns the status named by s ("" means Preferred).
func ParseStatus(s string) (Status, error) {
	switch st := Status(strings.ToLower(strings.TrimSpace(s))); st {
	case "":
		return Preferred, nil
	case Preferred, Admitted, Deprecated:
		return st, nil
	}
	return "", fmt.Errorf("unknown status %q (want preferred, admitted or deprecated)", s)
}

// Entry is one concept of the termbase: a Russian term and the English term a
// translation must use for it.
type Entry struct {
	ID          string   `json:"id"`
	RU          string   `json:"ru"` // Russian term in its dictionary (lemma) form
	EN          string   `json:"en"` // required English term
	RUVariants  []string `json:"ru_variants,omitempty"`
	ENVariants  []string `json:"en_variants,omitempty"`
	ForbiddenEN []string `json:"forbidden_en,omitempty"`
	// ExcludeRU lists Russian contexts in which the term is another body
	// or concept of the same name («рабочая группа открытого состава по
	// космосу» for the OEWG on ICTs): a match inside one is not the entry.
	ExcludeRU     []string `json:"ru_exclude,omitempty"`
	CaseSensitive bool     `json:"case_sensitive,omitempty"`
	Abbreviation  bool     `json:"abbreviation,omitempty"`
	Domain        string   `json:"domain,omitempty"`
	Note          string   `json:"note,omitempty"`
	Status        Status   `json:"status"`

	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Version counts the changes of the entry; an edit must carry the
	// version it was based on.
	Version int64 `json:"version"`
}

// Errors reported by Validate.
var (
	ErrMissingRU = errors.New("missing Russian term")
	ErrMissingEN = errors.New("missing English term")
)

// Normalize trims every field, drops empty and repeated list items and
// fills a default status. It does not assign an id.
func (e *Entry) Normalize() {
	e.ID = strings.TrimSpace(e.ID)
	e.RU = collapseSpace(e.RU)
	e.EN = collapseSpace(e.EN)
	e.RUVariants = cleanList(e.RUVariants, e.RU)
	e.ENVariants = cleanList(e.ENVariants, e.EN)
	e.ForbiddenEN = cleanList(e.ForbiddenEN, "")
	e.ExcludeRU = cleanList(e.ExcludeRU, "")
	e.Domain = strings.TrimSpace(e.Domain)
	e.Note = strings.TrimSpace(e.Note)
	if e.Status == "" {
		e.Status = Preferred
	}
}

// Validate reports what makes the entry unusable.
func (e *Entry) Validate() error {
	var errs []error
	if e.RU == "" {
		errs = append(errs, ErrMissingRU)
	}
	if e.EN == "" {
		errs = append(errs, ErrMissingEN)
	}
	if _, err := ParseStatus(string(e.Status)); err != nil {
		errs = append(errs, err)
	}
	if strings.ContainsAny(e.ID, "\t\r\n") {
		errs = append(errs, fmt.Errorf("id %q contains a tab or line break", e.ID))
	}
	if n := utf8.RuneCountInString(e.ID); n > MaxIDLen {
		errs = append(errs, fmt.Errorf("id of %d characters: at most %d", n, MaxIDLen))
	}
	long := func(field, v string) {
		if n := utf8.RuneCountInString(v); n > MaxTermLen {
			errs = append(errs, fmt.Errorf("%s of %d characters (%.20q…): a term has at most %d; is a column shifted?", field, n, v, MaxTermLen))
		}
	}
	long("Russian term", e.RU)
	long("English term", e.EN)
	for _, v := range e.RUVariants {
		long("Russian variant", v)
	}
	for _, v := range e.ENVariants {
		long("English variant", v)
	}
	for _, v := range e.ForbiddenEN {
		long("forbidden rendering", v)
	}
	for _, v := range e.ExcludeRU {
		long("excluded Russian context", v)
	}
	return errors.Join(errs...)
}

// Limits on an entry's fields: terms are phrases, not paragraphs; a longer
// value is almost always a shifted column or a pasted text.
const (
	MaxTermLen = 300
	MaxIDLen   = 100
)

// ReadableID makes an id a person can read from an English term:
// "Open-ended Working Group" → "open-ended-working-group" (at most 40
// characters, cut at a word); "" when the term has no Latin letters or
// digits.
func ReadableID(en string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(en) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	id := b.String()
	if len(id) > 40 {
		id = id[:40]
		if i := strings.LastIndexByte(id, '-'); i > 10 {
			id = id[:i]
		}
	}
	return id
}

// CheckID says what is wrong with an id given by hand: empty, too long, or
// with characters other than letters, digits, '.', '_' and '-' (it ends up
// in file names, URLs and command lines), or not starting with a letter or
// digit.
func CheckID(id string) error {
	if id == "" {
		return errors.New("empty id")
	}
	if utf8.RuneCountInString(id) > MaxIDLen {
		return fmt.Errorf("id longer than %d characters", MaxIDLen)
	}
	for i, r := range id {
		ok := unicode.IsLetter(r) || unicode.IsDigit(r) || (i > 0 && strings.ContainsRune("._-", r))
		if !ok {
			return fmt.Errorf("id %q: %q is not allowed (use letters, digits, '.', '_' and '-', starting with a letter or digit)", id, r)
		}
	}
	return nil
}

// GenerateID derives a stable id from the Russian and English terms, used
// when an imported row has none.
func GenerateID(ru, en string) string {
	sum := sha256.Sum256([]byte(collapseSpace(strings.ToLower(ru)) + "\x00" + collapseSpace(strings.ToLower(en))))
	return "g" + hex.EncodeToString(sum[:6])
}

// Version returns a digest over the content of the given entries (their
// order does not matter). Deprecated entries count too: they still carry
// forbidden renderings. The translation memory is keyed by it, so that a
// change of the glossary invalidates cached translations.
func Version(entries []Entry) string {
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = strings.Join([]string{e.ID, e.RU, e.EN,
			strings.Join(e.RUVariants, "|"), strings.Join(e.ENVariants, "|"), strings.Join(e.ForbiddenEN, "|"),
			fmt.Sprint(e.CaseSensitive, e.Abbreviation), string(e.Status)}, "\x1f")
		if len(e.ExcludeRU) > 0 { // (entries without keep their old digest)
			keys[i] += "\x1f" + strings.Join(e.ExcludeRU, "|")
		}
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0x1e})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func cleanList(items []string, exclude string) []string {
	var out []string
	for _, it := range items {
		it = collapseSpace(it)
		if it == "" || it == exclude || slices.Contains(out, it) {
			continue
		}
		out = append(out, it)
	}
	return out
}
