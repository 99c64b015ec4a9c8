package input

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Markdown syntax that carries no words. The patterns are read-only.
var (
	mdATXHeading = regexp.MustCompile(`^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	mdRule       = regexp.MustCompile(`^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|={3,}[ \t]*)$`)
	mdRefDef     = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*\S+(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$`)
	mdFence      = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	mdLink       = regexp.MustCompile(`!?\[([^\[\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?[ \t]*\)`)
	mdRefLink    = regexp.MustCompile(`!?\[([^\[\]\n]+)\]\[[^\[\]\n]*\]`)
	mdAutoLink   = regexp.MustCompile(`<((?:https?|ftp|mailto):[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>`)
	mdStrong     = regexp.MustCompile(`(\*\*|__)([^\s*_](?:[^\n]*?[^\s*_])?)(\*\*|__)`)
	mdEm         = regexp.MustCompile(`([*_])([^\s*_](?:[^\n*_]*?[^\s*_])?)([*_])`)
	mdStrike     = regexp.MustCompile(`~~([^\s~](?:[^\n~]*?[^\s~])?)~~`)
)

// stripMarkdown removes Markdown markup that carries no words from
// normalised text: '#' heading markers, horizontal rules and setext
// underlines, link reference definitions, emphasis markers (** * __ _ ~~)
// around words, link and image syntax (the text stays, the URL goes), the
// backticks of inline code and backslash escapes. List markers, quotes
// ('>'), tables and the contents of code blocks stay as they are.
func stripMarkdown(s string) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	fence := "" // the opening fence while inside a fenced code block
	for i, line := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		if m := mdFence.FindStringSubmatch(line); m != nil {
			switch {
			case fence == "":
				fence = m[1]
				continue // the fence line itself carries no text
			case m[1][0] == fence[0] && len(m[1]) >= len(fence) && strings.TrimSpace(line) == m[1]:
				fence = ""
				continue
			}
		}
		if fence != "" {
			b.WriteString(line)
			continue
		}
		if mdRule.MatchString(line) || mdRefDef.MatchString(line) {
			continue
		}
		if m := mdATXHeading.FindStringSubmatch(line); m != nil {
			line = m[2]
		}
		b.WriteString(stripInline(line))
	}
	return b.String()
}

// stripInline removes inline markup from one line, leaving code spans'
// contents untouched.
func stripInline(line string) string {
	if !strings.ContainsAny(line, "*_[]<`~\\") {
		return line
	}
	var b strings.Builder
	for line != "" {
		open := strings.IndexByte(line, '`')
		if open < 0 {
			b.WriteString(stripSpans(line))
			break
		}
		n := 1
		for open+n < len(line) && line[open+n] == '`' {
			n++
		}
		ticks := line[open : open+n]
		end := strings.Index(line[open+n:], ticks)
		if end < 0 {
			b.WriteString(stripSpans(line))
			break
		}
		b.WriteString(stripSpans(line[:open]))
		b.WriteString(line[open+n : open+n+end])
		line = line[open+n+end+n:]
	}
	return b.String()
}

// stripSpans removes links, emphasis and escapes from text outside code.
func stripSpans(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutoLink.ReplaceAllString(s, "$1")
	s = mdStrike.ReplaceAllString(s, "$1")
	for range 2 { // nested emphasis: ***word***, **a *b* c**
		s = replaceDelimited(s, mdStrong)
		s = replaceDelimited(s, mdEm)
	}
	return unescapeMarkdown(s)
}

// replaceDelimited removes the delimiters matched by re (groups 1 and 3
// around group 2) when they are the same and stand at word boundaries, so
// snake_case names and 2*3*4 stay as they are.
func replaceDelimited(s string, re *regexp.Regexp) string {
	ms := re.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		open, closing := s[m[2]:m[3]], s[m[6]:m[7]]
		escaped := m[0] > 0 && s[m[0]-1] == '\\' || s[m[6]-1] == '\\'
		if open != closing || escaped || !boundaryBefore(s, m[0]) || !boundaryAfter(s, m[1]) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(s[m[4]:m[5]])
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func boundaryBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !isWordRune(r)
}

func boundaryAfter(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !isWordRune(r)
}

// unescapeMarkdown turns \* \_ \[ and the other backslash escapes of ASCII
// punctuation into the character itself.
func unescapeMarkdown(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!<>~|\"'", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
