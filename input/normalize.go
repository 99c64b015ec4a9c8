package input

import (
	"unicode/utf8"
	"unsafe"

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
	if ok, needNFC := clean(s); ok {
		if needNFC {
			return norm.NFC.String(s)
		}
		return s
	}
	out, needNFC := normalizeTo(make([]byte, 0, len(s)), s)
	return finishNFC(out, needNFC)
}

// normalizeOwned is Normalize for a valid UTF-8 string whose memory belongs
// to the caller alone (a decoded file): it rewrites the text in place,
// which is safe because no rule makes valid UTF-8 longer.
func normalizeOwned(s string) string {
	if ok, needNFC := clean(s); ok {
		if needNFC {
			return norm.NFC.String(s)
		}
		return s
	}
	buf := unsafe.Slice(unsafe.StringData(s), len(s))
	out, needNFC := normalizeTo(buf[:0], s)
	return finishNFC(out, needNFC)
}

func finishNFC(out []byte, needNFC bool) string {
	s := bytesToString(out, true)
	if needNFC {
		return norm.NFC.String(s)
	}
	return s
}

// normalizeTo appends the normalised s to out (which may share memory with
// s when s is valid UTF-8: writes never overtake reads) and reports whether
// the result may need NFC composition.
func normalizeTo(out []byte, s string) ([]byte, bool) {
	needNFC := false
	run := 0      // start of the bytes of s not yet copied to out
	wsStart := -1 // position in out where the spaces ending the line start
	flush := func(i int) {
		out = append(out, s[run:i]...)
		run = i
	}
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
			switch {
			case c == ' ' || c == '\t':
				if wsStart < 0 {
					wsStart = len(out) + i - run
				}
				i++
				continue
			case c >= 0x20 && c != 0x7F:
				wsStart = -1
				i++
				continue
			}
			flush(i)
			i++
			switch c {
			case '\r':
				if i < len(s) && s[i] == '\n' {
					i++
				}
				newline()
			case '\n', '\v', '\f':
				newline()
			}
			run = i
			continue
		}
		if isCyrillic2(s, i) {
			wsStart = -1
			i += 2
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			flush(i)
			out = utf8.AppendRune(out, utf8.RuneError)
			wsStart = -1
			i++
			run = i
			continue
		}
		a := actionOf(r)
		if a == keep {
			if !nfcSafe(r) {
				needNFC = true
			}
			wsStart = -1
			i += n
			continue
		}
		flush(i)
		switch a {
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
		}
		i += n
		run = i
	}
	flush(len(s))
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
	return out[start:end], needNFC
}

// isCyrillic2 reports whether s[i:] starts with a two-byte character in
// U+0400–U+047F (Russian letters among them): kept as it is and NFC-safe.
// It is the fast path of the normaliser for Russian text.
func isCyrillic2(s string, i int) bool {
	return (s[i] == 0xD0 || s[i] == 0xD1) && i+1 < len(s) && s[i+1]&0xC0 == 0x80
}

// nfcSafe reports whether r is in a range whose characters are unchanged by
// NFC and never compose with a neighbour (ASCII, Latin-1, Latin Extended-A,
// Russian Cyrillic, common punctuation): text made only of such characters
// is already in NFC. TestNFCSafe checks every rune of these ranges.
func nfcSafe(r rune) bool {
	switch {
	case r < 0x180:
		return true
	case r >= 0x400 && r <= 0x482, r >= 0x48A && r <= 0x4FF:
		return true
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205E:
		return true
	case r == 0x20AC || r == 0x2116 || r == 0x2122:
		return true
	}
	return false
}

// clean reports whether s needs no change by Normalize other than NFC, and
// whether it may need NFC.
func clean(s string) (ok, needNFC bool) {
	atTextStart := true // only whitespace seen so far
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t':
				if i+1 == len(s) || s[i+1] == '\n' {
					return false, false // trailing whitespace
				}
			case c == '\n':
				if atTextStart || i+1 == len(s) {
					return false, false // leading blank line or trailing newline
				}
				i++
				continue
			case c < 0x20 || c == 0x7F:
				return false, false
			default:
				atTextStart = false
			}
			i++
			continue
		}
		if isCyrillic2(s, i) {
			atTextStart = false
			i += 2
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || actionOf(r) != keep {
			return false, false
		}
		if !nfcSafe(r) {
			needNFC = true
		}
		atTextStart = false
		i += n
	}
	return true, needNFC
}
