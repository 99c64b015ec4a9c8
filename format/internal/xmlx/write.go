// Package xmlx holds what the exchange formats (format/xliff, format/tmx)
// share about XML: making any Go string safe to write as XML 1.0 text or
// attribute values, and reading untrusted XML token by token with
// refused DOCTYPE internal subsets and entities, bounded token sizes and
// nesting, and errors that name the line.
package xmlx

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Clean returns s without what XML 1.0 cannot carry: C0 control
// characters other than tab, line feed and carriage return are removed
// (vertical tab and form feed become a space, as they separate words),
// as are U+FFFE and U+FFFF; bytes that are not UTF-8 become U+FFFD. Text
// that needs none of this is returned as it is, without copying.
func Clean(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] { // ranging turns bad bytes into U+FFFD
		switch {
		case r == '\v' || r == '\f':
			b.WriteByte(' ')
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
		case r == 0xFFFE || r == 0xFFFF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Text appends s to buf as XML character data: cleaned (see Clean), with
// &, < and > escaped, and carriage returns as a character reference so
// that a parser's line-end normalisation keeps them.
func Text(buf *bytes.Buffer, s string) { escape(buf, s, false) }

// Attr appends s to buf as the value of an attribute in double quotes:
// cleaned, with &, <, > and " escaped, and tab, line feed and carriage
// return as character references (attribute-value normalisation would
// turn them into spaces).
func Attr(buf *bytes.Buffer, s string) { escape(buf, s, true) }

// escape writes s cleaned and escaped as character data, or as an
// attribute value when attr is set.
func escape(buf *bytes.Buffer, s string, attr bool) {
	s = Clean(s)
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch c := s[i]; {
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '\r':
			esc = "&#13;"
		case attr && c == '"':
			esc = "&quot;"
		case attr && c == '\t':
			esc = "&#9;"
		case attr && c == '\n':
			esc = "&#10;"
		default:
			continue
		}
		buf.WriteString(s[last:i])
		buf.WriteString(esc)
		last = i + 1
	}
	buf.WriteString(s[last:])
}

// Space collapses every run of XML white space (space, tab, line feed,
// carriage return) to one space and trims both ends, as the decoders
// normalise the texts they return.
func Space(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\n', '\r':
			clean = false
		case ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				clean = false
			}
		}
		if !clean {
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}
