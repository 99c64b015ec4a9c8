package input

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// runeAction says what Normalize does with one rune.
type runeAction uint8

const (
	keep      runeAction = iota
	toSpace              // odd spaces → ' '
	toNewline            // CR (alone), NEL, LS, VT, FF → '\n'
	toPara               // PARAGRAPH SEPARATOR → blank line
	drop                 // controls, zero-width characters, soft hyphen, BOM
)

// actionOf classifies r. '\r' is handled by the caller (CRLF is one break).
func actionOf(r rune) runeAction {
	switch {
	case r == '\n' || r == '\t':
		return keep
	case r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028':
		return toNewline
	case r == '\u2029':
		return toPara
	case r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F):
		return drop
	case r < 0xA0:
		return keep
	case r == '\u00A0' || r == '\u1680' || (r >= '\u2000' && r <= '\u200A') ||
		r == '\u202F' || r == '\u205F' || r == '\u3000':
		return toSpace
	case r == '\u00AD' || r == '\u180E' || (r >= '\u200B' && r <= '\u200F') ||
		(r >= '\u202A' && r <= '\u202E') || (r >= '\u2060' && r <= '\u2064') ||
		(r >= '\u2066' && r <= '\u2069') || r == '\uFEFF' || r == '\uFFFE' || r == '\uFFFF':
		return drop
	}
	return keep
}

// Normalize returns s cleaned for the rest of bitext:
//
//   - CRLF and lone CR become LF; NEL, LINE SEPARATOR, VT and FF become LF,
//     PARAGRAPH SEPARATOR a blank line;
//   - no-break, narrow no-break, thin, figure, ideographic and the other
//     Unicode spaces become ' ' (tabs are kept);
//   - zero-width space, joiners, soft hyphen, word joiner, bidi marks, BOM
//     and control characters other than '\n' and '\t' are removed;
//   - spaces and tabs at the ends of lines are trimmed, leading blank lines
//     and trailing whitespace of the text are dropped; blank lines between
//     paragraphs are kept as they are;
//   - invalid UTF-8 becomes U+FFFD; the result is in NFC.
//
// When s needs none of this, Normalize returns it without copying.
func Normalize(s string) string {
	if clean(s) {
		return norm.NFC.String(s)
	}
	out := make([]byte, 0, len(s))
	wsStart := -1 // start in out of the spaces/tabs ending the current line
	newline := func() {
		if wsStart >= 0 {
			out = out[:wsStart]
			wsStart = -1
		}
		out = append(out, '\n')
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c == '\t':
				if wsStart < 0 {
					wsStart = len(out)
				}
				out = append(out, c)
				continue
			case c == '\r':
				if i < len(s) && s[i] == '\n' {
					i++
				}
				newline()
				continue
			case c == '\n' || c == '\v' || c == '\f':
				newline()
				continue
			case c < 0x20 || c == 0x7F:
				continue
			}
			out = append(out, c)
			wsStart = -1
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
			wsStart = -1
			i++
			continue
		}
		switch actionOf(r) {
		case toSpace:
			if wsStart < 0 {
				wsStart = len(out)
			}
			out = append(out, ' ')
		case toNewline:
			newline()
		case toPara:
			newline()
			newline()
		case drop:
		default:
			out = append(out, s[i:i+n]...)
			wsStart = -1
		}
		i += n
	}
	// Drop leading blank (whitespace-only) lines and trailing whitespace.
	start := 0
lead:
	for j, c := range out {
		switch c {
		case ' ', '\t':
		case '\n':
			start = j + 1
		default:
			break lead
		}
	}
	end := len(out)
	for end > start && (out[end-1] == ' ' || out[end-1] == '\t' || out[end-1] == '\n') {
		end--
	}
	return norm.NFC.String(bytesToString(out[start:end], true))
}

// clean reports whether s needs no change by Normalize other than NFC.
func clean(s string) bool {
	atTextStart := true // only whitespace seen so far
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t':
				if i+1 == len(s) || s[i+1] == '\n' {
					return false // trailing whitespace
				}
			case c == '\n':
				if atTextStart || i+1 == len(s) {
					return false // leading blank line or trailing newline
				}
				i++
				continue
			case c < 0x20 || c == 0x7F:
				return false
			default:
				atTextStart = false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		if actionOf(r) != keep {
			return false
		}
		atTextStart = false
		i += n
	}
	return true
}
