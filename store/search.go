package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bitext/bitext"
	"github.com/kljensen/snowball/russian"
	"golang.org/x/text/unicode/norm"
)

// ErrEmptyQuery is returned (wrapped) by SearchPairs for a query without a
// word to look for: empty, blank or punctuation only.
var ErrEmptyQuery = errors.New("empty search query: give a word to look for")

// Search limits.
const (
	// DefaultSearchLimit is the page size when SearchOptions.Limit is 0.
	DefaultSearchLimit = 50
	// MaxSearchLimit is the largest page SearchPairs returns.
	MaxSearchLimit = 500
	// maxQueryWords bounds the words of a query that are looked for; the
	// rest of a longer query is ignored.
	maxQueryWords = 32
	// snippetRunes is about how many characters a snippet shows of a
	// longer text.
	snippetRunes = 300
)

// Snippet marks: see PairHit.
const (
	MarkStart = "\x02"
	MarkEnd   = "\x03"
)

// PairHit is one pair found by SearchPairs.
//
// RUSnippet and ENSnippet are plain text, not HTML: the caller escapes
// them. They are Pair.RU and Pair.EN with the words the query matched
// enclosed in MarkStart (\x02) and MarkEnd (\x03), e.g.
// "the \x02information security\x03 of states"; a web page escapes the
// text and then turns each \x02 into <mark> and each \x03 into </mark>.
// Marks are never nested, every MarkStart has its MarkEnd after it, and
// a text that contained \x02 or \x03 itself has them replaced by U+FFFD,
// so every mark is one of the search's. A text longer than about 300
// characters is cut to a window of whole words around its first mark (or
// its start, when the query matched the other side), with "…" where it
// was cut; whitespace is then single spaces. A snippet of an empty text
// is empty.
type PairHit struct {
	Pair      bitext.Pair
	DocName   string // the document's file name (documents.name)
	RUSnippet string
	ENSnippet string
}

// SearchOptions narrows and pages a search.
type SearchOptions struct {
	Doc    int64 // only the pairs of this (Russian) document; 0: all documents
	Limit  int   // page size: 0 means DefaultSearchLimit; at most MaxSearchLimit
	Offset int   // hits to skip (negative: 0)
}

// SearchPairs finds the pairs whose Russian or English contains every word
// of query, best first (FTS5 bm25 rank, then document and position), and
// returns one page of them with the number of all the pairs found.
//
// The query is what a translator types: words in Russian or English, in
// any case, with any punctuation. Every word must occur, as a prefix of a
// word of the pair («информационн» finds «информационной»). Words of one or
// two characters and numbers match whole words only.
//
// Russian inflection: a Russian word of four letters or more is also
// looked for by its Snowball stem, as a prefix («безопасности» →
// безопасн*, which finds «безопасность», «безопасностью», «безопасный»),
// and a pair with the form typed ranks above those that share only the
// stem. Stems shorter than three letters are not used, nor are those of
// abbreviations (up to five capitals: «МИД», «БРИКС»). An English word of
// five letters or more is looked for without its plural ending as well
// ("countries" → countr*, "states" → state*). Ё and е are one letter.
//
// Words joined by punctuation without a space ("кибер-атака", "U.S.") and
// the words of a quoted part ("…", «…», “…”) must occur one after another,
// in that order, each matched by its stem as a prefix («"информационная
// безопасность"» finds «информационной безопасности»). A quote without its
// closing one is punctuation. Nothing the user types is taken as FTS5
// syntax or SQL: AND, OR, NOT, NEAR, *, ^, : and quotes are words or
// punctuation. Only the first 32 words count.
//
// A query without a word fails with ErrEmptyQuery. SearchPairs reads in
// one transaction, so the page and the total agree.
func (db *DB) SearchPairs(ctx context.Context, query string, opt SearchOptions) ([]PairHit, int, error) {
	match, err := ftsQuery(query)
	if err != nil {
		return nil, 0, fmt.Errorf("search pairs %q: %w", query, err)
	}
	hits, total, err := db.searchFTS(ctx, match, opt)
	if err != nil {
		return nil, 0, fmt.Errorf("search pairs %q: %w", query, err)
	}
	return hits, total, nil
}

// marks delimit the matches in highlight()'s output. They carry a random
// nonce, so that no stored text can contain them; hitSnippet turns them
// into MarkStart and MarkEnd.
var markOpen, markClose = func() (string, string) {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	n := hex.EncodeToString(b)
	return "\x02" + n + "<", "\x03" + n + ">"
}()

// hitRow is a pair as searched: the stored pair, its document's name, the
// number of matches and its texts as highlight() marked them.
type hitRow struct {
	pairRow
	DocName  string `db:"doc_name"`
	Total    int    `db:"total"`
	RUMarked string `db:"ru_marked"`
	ENMarked string `db:"en_marked"`
}

func (db *DB) searchFTS(ctx context.Context, match string, opt SearchOptions) ([]PairHit, int, error) {
	limit := opt.Limit
	switch {
	case limit <= 0:
		limit = DefaultSearchLimit
	case limit > MaxSearchLimit:
		limit = MaxSearchLimit
	}
	offset := max(opt.Offset, 0)
	tx, err := db.reader.BeginTxx(ctx, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("begin read: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	// One statement, in steps:
	//   hits: every match with its bm25 score, ranked by FTS5 alone (for
	//     one document, only the ids of its pairs; the + keeps FTS5 from
	//     taking them as rowid lookups, each of which would evaluate the
	//     query anew);
	//   edge: the score of the last hit of the page in score order, so
	//     that only the hits up to it (ties included) are joined with
	//     pairs to order equal scores by document and position;
	//   page: the page;
	//   marks: the page's texts highlighted, in one more pass over the
	//     matches (again not a lookup per pair).
	rows, err := tx.QueryxContext(ctx, `WITH
		hits AS MATERIALIZED (
			SELECT pairs_fts.rowid AS id, bm25(pairs_fts) AS score FROM pairs_fts
			WHERE pairs_fts MATCH ?1 AND (?2 = 0 OR +pairs_fts.rowid IN (SELECT id FROM pairs WHERE doc_id = ?2))),
		edge AS (SELECT score FROM hits ORDER BY score LIMIT 1 OFFSET ?3 + ?4 - 1),
		page AS MATERIALIZED (
			SELECT h.id AS id, h.score AS score, p.doc_id AS doc_id, p.idx AS idx
			FROM hits h CROSS JOIN pairs p ON p.id = h.id
			WHERE h.score <= coalesce((SELECT score FROM edge), h.score)
			ORDER BY h.score, p.doc_id, p.idx, h.id LIMIT ?3 OFFSET ?4),
		marks AS MATERIALIZED (
			SELECT pairs_fts.rowid AS id, highlight(pairs_fts, 0, ?5, ?6) AS ru_marked, highlight(pairs_fts, 1, ?5, ?6) AS en_marked
			FROM pairs_fts WHERE pairs_fts MATCH ?1 AND +pairs_fts.rowid IN (SELECT id FROM page))
		SELECT `+prefixed("p.", pairColumns)+`, d.name AS doc_name, (SELECT count(*) FROM hits) AS total,
			m.ru_marked AS ru_marked, m.en_marked AS en_marked
		FROM page
		JOIN marks m ON m.id = page.id
		JOIN pairs p ON p.id = page.id
		JOIN documents d ON d.id = p.doc_id
		ORDER BY page.score, page.doc_id, page.idx, page.id`,
		match, opt.Doc, limit, offset, markOpen, markClose)
	if err != nil {
		return nil, 0, fmt.Errorf("page: %w", err)
	}
	defer rows.Close()
	hits := []PairHit{}
	total := 0
	for rows.Next() {
		var r hitRow
		if err := rows.StructScan(&r); err != nil {
			return nil, 0, fmt.Errorf("page: %w", err)
		}
		p, err := r.pair()
		if err != nil {
			return nil, 0, err
		}
		total = r.Total
		hits = append(hits, PairHit{Pair: p, DocName: r.DocName,
			RUSnippet: hitSnippet(r.RUMarked, p.RU), ENSnippet: hitSnippet(r.ENMarked, p.EN)})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("page: %w", err)
	}
	if len(hits) == 0 && offset > 0 {
		// Past the last page: the matches still count.
		err := tx.GetContext(ctx, &total, `SELECT count(*) FROM pairs_fts
			WHERE pairs_fts MATCH ?1 AND (?2 = 0 OR +pairs_fts.rowid IN (SELECT id FROM pairs WHERE doc_id = ?2))`, match, opt.Doc)
		if err != nil {
			return nil, 0, fmt.Errorf("count: %w", err)
		}
	}
	return hits, total, nil
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, cols string) string {
	fields := strings.Split(cols, ",")
	for i, f := range fields {
		fields[i] = alias + strings.TrimSpace(f)
	}
	return strings.Join(fields, ", ")
}

// hitSnippet turns highlight()'s output into a snippet (see PairHit).
// highlight() read the folded text (pairs.ru_fold, ё written е), which has
// the bytes of the original where it is not marked, save ё and Ё; so the
// text is taken from the original, byte for byte, and the marks from
// highlight(). Should the two ever disagree in length, the folded text is
// shown.
func hitSnippet(marked, orig string) string {
	plain := strings.NewReplacer(markOpen, "", markClose, "").Replace(marked)
	src := orig
	if len(plain) != len(orig) {
		src = plain
	}
	var b strings.Builder
	b.Grow(len(orig) + 8)
	pos := 0 // in src
	inMark := false
	for rest := marked; ; {
		next, mark := len(rest), ""
		if i := strings.Index(rest, markOpen); i >= 0 && i < next {
			next, mark = i, MarkStart
		}
		if i := strings.Index(rest, markClose); i >= 0 && i < next {
			next, mark = i, MarkEnd
		}
		writeClean(&b, src[pos:pos+next])
		pos += next
		if mark == "" {
			break
		}
		// highlight() never nests marks; keep them balanced anyway.
		if (mark == MarkStart) != inMark {
			b.WriteString(mark)
			inMark = !inMark
		}
		if mark == MarkStart {
			rest = rest[next+len(markOpen):]
		} else {
			rest = rest[next+len(markClose):]
		}
	}
	if inMark {
		b.WriteString(MarkEnd)
	}
	return window(b.String(), snippetRunes)
}

// writeClean writes s with MarkStart and MarkEnd replaced by U+FFFD.
func writeClean(b *strings.Builder, s string) {
	for {
		i := strings.IndexAny(s, MarkStart+MarkEnd)
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		b.WriteRune(utf8.RuneError)
		s = s[i+1:]
	}
}

// window cuts a marked text longer than about n characters to whole words
// around its first mark, "…" where it was cut, keeping marks balanced.
func window(s string, n int) string {
	visible := func(w string) int {
		return utf8.RuneCountInString(w) - strings.Count(w, MarkStart) - strings.Count(w, MarkEnd)
	}
	if visible(s) <= n {
		return s
	}
	words := strings.Fields(s)
	first := 0
	for i, w := range words {
		if strings.Contains(w, MarkStart) {
			first = i
			break
		}
	}
	// Up to a quarter of the window before the first mark, the rest after.
	start, used := first, visible(words[first])
	for start > 0 && used+1+visible(words[start-1]) <= n/4 {
		start--
		used += 1 + visible(words[start])
	}
	end := first + 1
	for end < len(words) && used+1+visible(words[end]) <= n {
		used += 1 + visible(words[end])
		end++
	}
	// Fill up before when the text ended early.
	for start > 0 && used+1+visible(words[start-1]) <= n {
		start--
		used += 1 + visible(words[start])
	}
	markedAt := func(ws []string) bool { // inside a mark after ws?
		in := false
		for _, w := range ws {
			for _, r := range w {
				switch string(r) {
				case MarkStart:
					in = true
				case MarkEnd:
					in = false
				}
			}
		}
		return in
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
		if markedAt(words[:start]) {
			b.WriteString(MarkStart)
		}
	}
	b.WriteString(strings.Join(words[start:end], " "))
	if end < len(words) {
		if markedAt(words[:end]) {
			b.WriteString(MarkEnd)
		}
		b.WriteString("…")
	}
	return b.String()
}

// ftsQuery turns what a user typed into an FTS5 query (see SearchPairs),
// or fails with ErrEmptyQuery. Every word becomes an FTS5 string, in
// double quotes, of letters, digits and marks only; the only syntax
// around them is *, +, AND, OR and parentheses, written here.
func ftsQuery(q string) (string, error) {
	var groups []string
	seen := map[string]bool{}
	words := 0
	for _, g := range splitQuery(norm.NFC.String(q)) {
		if words+len(g.words) > maxQueryWords {
			g.words = g.words[:maxQueryWords-words]
		}
		if len(g.words) == 0 {
			continue
		}
		words += len(g.words)
		var s string
		if len(g.words) == 1 {
			s = wordTerm(g.words[0])
		} else {
			parts := make([]string, len(g.words))
			for i, w := range g.words {
				parts[i] = phraseTerm(w)
			}
			s = strings.Join(parts, " + ")
		}
		if !seen[s] {
			seen[s] = true
			groups = append(groups, s)
		}
		if words == maxQueryWords {
			break
		}
	}
	if len(groups) == 0 {
		return "", ErrEmptyQuery
	}
	return strings.Join(groups, " AND "), nil
}

// queryGroup is words that must occur one after another (one word alone
// when it stood alone).
type queryGroup struct{ words []string }

// quotePairs maps the quotes that open a phrase to those that close it.
var quotePairs = map[rune]rune{'"': '"', '«': '»', '“': '”', '„': '“'}

// splitQuery splits a query into groups: each quoted part (with its
// closing quote; an unclosed quote is punctuation) and each run of
// non-space characters outside quotes, with the words in each.
func splitQuery(q string) []queryGroup {
	var out []queryGroup
	rs := []rune(q)
	var cur []rune // non-space run outside quotes
	flush := func() {
		if ws := queryWords(string(cur)); len(ws) > 0 {
			out = append(out, queryGroup{ws})
		}
		cur = cur[:0]
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if cl, ok := quotePairs[r]; ok {
			if j := indexRune(rs[i+1:], cl); j >= 0 {
				flush()
				if ws := queryWords(string(rs[i+1 : i+1+j])); len(ws) > 0 {
					out = append(out, queryGroup{ws})
				}
				i += j + 1
				continue
			}
		}
		if unicode.IsSpace(r) {
			flush()
			continue
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

func indexRune(rs []rune, r rune) int {
	for i, x := range rs {
		if x == r {
			return i
		}
	}
	return -1
}

// queryWords returns the words of s as typed: runs of letters, digits and
// combining marks that hold a letter or digit.
func queryWords(s string) []string {
	var out []string
	var w []rune
	flush := func() {
		has := false
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r) {
				has = true
				break
			}
		}
		if has {
			out = append(out, string(w))
		}
		w = w[:0]
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || unicode.Is(unicode.Co, r) {
			w = append(w, r)
			continue
		}
		flush()
	}
	flush()
	return out
}

// foldWord lower-cases a word and writes ё as е, as pairs.ru_fold does.
func foldWord(w string) string {
	return strings.NewReplacer("ё", "е").Replace(strings.ToLower(w))
}

// ftsString quotes a word as an FTS5 string.
func ftsString(w string) string {
	return `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
}

// wordTerm is the FTS5 query for a word standing alone: the word as a
// prefix, or with its stem as a prefix as well, the pairs with the form
// typed ranking first for matching both.
func wordTerm(w string) string {
	f := foldWord(w)
	if !prefixable(f) {
		return ftsString(f)
	}
	if s := stem(w, f); s != f {
		return "(" + ftsString(f) + "* OR " + ftsString(s) + "*)"
	}
	return ftsString(f) + "*"
}

// phraseTerm is the FTS5 query for a word of a phrase: its stem as a
// prefix (FTS5 has no OR inside a phrase).
func phraseTerm(w string) string {
	f := foldWord(w)
	if !prefixable(f) {
		return ftsString(f)
	}
	return ftsString(stem(w, f)) + "*"
}

// prefixable reports whether a folded word is matched as a prefix: words of
// three characters or more, except numbers.
func prefixable(f string) bool {
	if utf8.RuneCountInString(f) < 3 {
		return false
	}
	for _, r := range f {
		if !unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

// stem returns the prefix that finds the other forms of a word (w as
// typed, f folded), or f. Russian: the Snowball stem of words of four
// letters or more, at least three letters long; English: words of five
// letters or more without a plural ending, at least four letters long.
// Abbreviations (isCaps) and words mixing alphabets or with digits are
// kept as they are. The result is always a prefix of f.
func stem(w, f string) string {
	if isCaps(w) {
		return f
	}
	n := utf8.RuneCountInString(f)
	var s string
	switch {
	case allIn(f, 'а', 'я') && n >= 4:
		s = russian.Stem(f, true)
		if utf8.RuneCountInString(s) < 3 {
			return f
		}
	case allIn(f, 'a', 'z') && n >= 5:
		s = englishPlural(f)
		if len(s) < 4 {
			return f
		}
	default:
		return f
	}
	if !strings.HasPrefix(f, s) {
		return f
	}
	return s
}

// englishPlural strips a plural ending from a lower-case English word:
// countries → countr, processes → process, states → state; words in -ss,
// -us, -is keep theirs.
func englishPlural(f string) string {
	switch {
	case strings.HasSuffix(f, "ies"):
		return f[:len(f)-3]
	case strings.HasSuffix(f, "sses"), strings.HasSuffix(f, "shes"), strings.HasSuffix(f, "ches"), strings.HasSuffix(f, "xes"):
		return f[:len(f)-2]
	case strings.HasSuffix(f, "ss"), strings.HasSuffix(f, "us"), strings.HasSuffix(f, "is"):
		return f
	case strings.HasSuffix(f, "s"):
		return f[:len(f)-1]
	}
	return f
}

// isCaps reports whether a word looks like an abbreviation: two to five
// letters, none lower-case («МИД», «БРИКС», "OSCE"). A longer word in
// capitals is a word typed with Caps Lock.
func isCaps(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2 && letters <= 5
}

// allIn reports whether every rune of s lies in lo…hi.
func allIn(s string, lo, hi rune) bool {
	for _, r := range s {
		if r < lo || r > hi {
			return false
		}
	}
	return s != ""
}
